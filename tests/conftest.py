"""Storage for tests: SQLite always; PostgreSQL when one is reachable (and in CI, required)."""

import asyncio
import atexit
import os
import shutil
import tempfile
import uuid
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import Base
from tests import rows
from tests.harness import Harness, Snapshot
from tests.hostile.budget import RAN

POSTGRES_URL = os.environ.get("MINGA_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def _in_own_loop(work: Coroutine[Any, Any, None]) -> None:
    """Run set-up work from any fixture, even one called while a test's loop is running."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, work).result()


async def postgres_fetch(url: str, statement: str, *args: object) -> list[asyncpg.Record]:
    """One statement on its own plain connection, closed after."""
    parts = make_url(url)
    conn = await asyncpg.connect(
        host=parts.host,
        port=parts.port,
        user=parts.username,
        password=parts.password,
        database=parts.database,
        timeout=5,
    )
    try:
        return await conn.fetch(statement, *args)
    finally:
        await conn.close()


async def postgres_admin(statement: str) -> None:
    """On the server's own database, not a test's: that one may be cut off or dropped."""
    await postgres_fetch(POSTGRES_URL, statement)


def _postgres_admin(statement: str) -> None:
    _in_own_loop(postgres_admin(statement))


def _create_database(name: str) -> None:
    _postgres_admin(f'CREATE DATABASE "{name}"')
    # A commit does not wait for the server's disk: only a crash of the server could lose
    # it, and these databases are thrown away. The server is shared by parallel test runs.
    _postgres_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def postgres_url_of(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@contextmanager
def empty_postgres(request: pytest.FixtureRequest, prefix: str) -> Iterator[str]:
    """A database of one test's own with nothing in it, not even a schema; its name. It
    is dropped afterwards, even if the test forbade connections to it."""
    request.getfixturevalue("postgres_url")  # skips (or fails in CI) without PostgreSQL
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _create_database(name)
    try:
        yield name
    finally:
        _postgres_admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        _postgres_admin(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh database for this test run, migrated to the newest schema, dropped at the end."""
    name = f"minga_test_{uuid.uuid4().hex[:10]}"
    try:
        _create_database(name)
    except (OSError, asyncpg.PostgresError) as error:
        reason = f"no PostgreSQL at {POSTGRES_URL}: {error}"
        if os.environ.get("MINGA_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    url = postgres_url_of(name)

    async def migrate() -> None:
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()

    _in_own_loop(migrate())
    yield url
    _postgres_admin(f'DROP DATABASE "{name}" WITH (FORCE)')


def sqlite_test_engine(path: Path) -> AsyncEngine:
    """minga's SQLite engine, except that a test's database never waits for the disk to
    confirm a write (synchronous=OFF): nothing in it has to survive a power cut."""
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine.sync_engine, "connect")
    def _unsynced(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA synchronous=OFF")  # after the engine's own pragmas

    return engine


_SCHEMA = Path(tempfile.mkdtemp(prefix="minga-schema-")) / "minga.db"
atexit.register(shutil.rmtree, _SCHEMA.parent, True)


async def sqlite_engine_at(tmp_path) -> AsyncEngine:  # type: ignore[no-untyped-def]
    """A fresh SQLite database in `tmp_path`, with the newest tables: a copy of one made
    once per process (copying the file is some 30 times quicker than creating the tables)."""
    if not _SCHEMA.exists():
        made = sqlite_test_engine(_SCHEMA.with_suffix(".new"))
        async with made.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        await made.dispose()  # the last connection to close folds the WAL into the file
        _SCHEMA.with_suffix(".new").rename(_SCHEMA)
    shutil.copy(_SCHEMA, tmp_path / "minga.db")
    return sqlite_test_engine(tmp_path / "minga.db")


@pytest.fixture
async def sqlite_engine(tmp_path) -> AsyncIterator[AsyncEngine]:  # type: ignore[no-untyped-def]
    engine = await sqlite_engine_at(tmp_path)
    yield engine
    await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
async def engine(request, tmp_path) -> AsyncIterator[AsyncEngine]:  # type: ignore[no-untyped-def]
    """The same test on SQLite and on a real PostgreSQL, each starting empty."""
    if request.param == "sqlite":
        created = await sqlite_engine_at(tmp_path)
    else:
        created = create_engine(request.getfixturevalue("postgres_url"))
        async with created.begin() as conn:
            await rows.empty(conn)
    yield created
    await created.dispose()


Build = Callable[[Harness], Awaitable[None]]
Built = Callable[[Harness, Build], Awaitable[None]]


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`await built(bot, found)` leaves a fresh `bot` as `await found(bot)` would: the first
    time for each kind of database in this process by running it, then by copying what that
    left (milliseconds where running the core takes hundreds of them)."""
    made: dict[tuple[Build, str], Snapshot] = {}

    async def build(bot: Harness, found: Build) -> None:
        key = (found, bot.engine.dialect.name)
        if key in made:
            await bot.restore(made[key])
        else:
            await found(bot)
            made[key] = await bot.snapshot(tmp_path_factory.mktemp("built"))

    return build


@pytest.fixture
async def bot(sqlite_engine: AsyncEngine) -> Harness:
    """The core on real storage (SQLite) with a fake clock: what a handler test talks to."""
    return Harness(sqlite_engine)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if RAN:
        terminalreporter.write_line(
            f"hostile inputs: {sum(RAN.values())} generated cases in {len(RAN)} properties"
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In a pytest-xdist worker: its hostile counts go to the main process, which prints."""
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["hostile_ran"] = RAN


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    for name, count in getattr(node, "workeroutput", {}).get("hostile_ran", {}).items():
        RAN[name] = RAN.get(name, 0) + count


STRAYS_WAIT = 10.0  # seconds a task left running after a test gets to stop


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if isinstance(item, pytest.Function) and asyncio.iscoroutinefunction(item.obj):
            item.fixturenames.insert(0, "_no_task_left_running")


@pytest.fixture
async def _no_task_left_running() -> AsyncIterator[None]:
    """After an asynchronous test and its fixtures, every task still running is cancelled,
    again and again until it stops. The event loop's close cancels leftovers once and waits
    for them forever, and one seen in CI never ended: SQLAlchemy's graceful close of an
    aiosqlite connection (`_terminate_graceful_close`), started when a webhook handler was
    cancelled mid-transaction as minga stopped, hung a worker and with it the whole run. A
    task that outlives half a second after a cancel is named in a warning, with where it
    was, so the next one is found without a hang."""
    yield
    me = asyncio.current_task()
    strays = {t for t in asyncio.all_tasks() if t is not me and not t.done()}
    deadline = asyncio.get_running_loop().time() + STRAYS_WAIT
    stubborn: set[asyncio.Task[Any]] = set()
    while strays and asyncio.get_running_loop().time() < deadline:
        for task in strays:
            task.cancel()
        _, strays = await asyncio.wait(strays, timeout=0.5)
        stubborn |= strays
    for task in stubborn:
        frames = "".join(f"\n  {f.f_code.co_filename}:{f.f_lineno}" for f in task.get_stack())
        warnings.warn(
            f"a task outlived its test by half a second after a cancel: {task!r}{frames}",
            stacklevel=1,
        )
