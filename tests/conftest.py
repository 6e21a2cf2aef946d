"""Storage for tests: SQLite always; PostgreSQL when one is reachable (and in CI, required)."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine
from storage.migrate import upgrade
from storage.models import Base
from tests.harness import Harness

POSTGRES_URL = os.environ.get("MINGA_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def _in_own_loop(work: Coroutine[Any, Any, None]) -> None:
    """Run set-up work from any fixture, even one called while a test's loop is running."""
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, work).result()


async def postgres_admin(statement: str) -> None:
    """On the server's own database, not a test's: that one may be cut off or dropped."""
    url = make_url(POSTGRES_URL)
    conn = await asyncpg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
        timeout=5,
    )
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _postgres_admin(statement: str) -> None:
    _in_own_loop(postgres_admin(statement))


def postgres_url_of(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


@contextmanager
def empty_postgres(request: pytest.FixtureRequest, prefix: str) -> Iterator[str]:
    """A database of one test's own with nothing in it, not even a schema; its name. It
    is dropped afterwards, even if the test forbade connections to it."""
    request.getfixturevalue("postgres_url")  # skips (or fails in CI) without PostgreSQL
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _postgres_admin(f'CREATE DATABASE "{name}"')
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
        _postgres_admin(f'CREATE DATABASE "{name}"')
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


async def sqlite_engine_at(tmp_path) -> AsyncEngine:  # type: ignore[no-untyped-def]
    """A fresh SQLite database in `tmp_path`, with the newest tables."""
    engine = create_engine(f"sqlite:///{tmp_path}/minga.db")
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    return engine


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
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        async with created.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield created
    await created.dispose()


@pytest.fixture
async def bot(sqlite_engine: AsyncEngine) -> Harness:
    """The core on real storage (SQLite) with a fake clock: what a handler test talks to."""
    return Harness(sqlite_engine)
