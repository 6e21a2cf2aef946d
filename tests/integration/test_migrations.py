"""Migrations build the schema the models describe, on SQLite and PostgreSQL, from nothing."""

import subprocess
import sys
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import column, table
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.model import JobKind
from storage.engine import create_engine
from storage.migrate import alembic_config, head, is_current, upgrade
from storage.models import Base, UTCDateTime
from storage.uow import SqlUnitOfWork
from tests.conftest import empty_postgres, postgres_url_of


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it at all: not even Alembic's version table."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/empty.db"
    else:
        with empty_postgres(request, "minga_migrate") as name:
            yield postgres_url_of(name)


@asynccontextmanager
async def opened(url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(url)
    try:
        yield engine
    finally:
        await engine.dispose()


def _differences(conn: Connection) -> list[Any]:
    with warnings.catch_warnings():
        # SQLite cannot reflect an index on an expression: the test looks for those by name.
        warnings.filterwarnings("ignore", ".*expression-based index")
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


async def schema_differences(engine: AsyncEngine) -> list[Any]:
    async with engine.connect() as conn:
        return await conn.run_sync(_differences)


EXPRESSION_INDEXES = {"uq_web_links_owner"}  # which compare_metadata cannot see


async def test_migrations_build_exactly_the_schema_of_the_models(empty_url: str) -> None:
    async with opened(empty_url) as engine:
        assert await schema_differences(engine) != []  # the comparison sees a missing schema
        await upgrade(engine)
        assert await schema_differences(engine) == []
        async with engine.connect() as conn:
            listed = (
                "SELECT name FROM sqlite_master WHERE type = 'index'"
                if engine.dialect.name == "sqlite"
                else "SELECT indexname FROM pg_indexes"
            )
            indexes = set((await conn.exec_driver_sql(listed)).scalars())
        assert indexes >= EXPRESSION_INDEXES


async def test_is_current_only_after_upgrade_and_upgrading_again_is_harmless(
    empty_url: str,
) -> None:
    async with opened(empty_url) as engine:
        assert await is_current(engine) is False
        await upgrade(engine)
        assert await is_current(engine) is True
        await upgrade(engine)
        assert await is_current(engine) is True
        assert await schema_differences(engine) == []


async def test_a_job_written_before_jobs_were_tried_again_is_pending_untried_after(
    empty_url: str,
) -> None:
    due = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    jobs = table("jobs", column("kind"), column("ref_id"), column("due_at", UTCDateTime()))
    async with opened(empty_url) as engine:
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "0012"))
            await conn.execute(jobs.insert().values(kind="prune", ref_id=0, due_at=due))
        await upgrade(engine)
        async with SqlUnitOfWork(engine) as uow:
            [job] = await uow.jobs.pending()
    assert (job.kind, job.runs_at, job.attempts, job.failed) == (JobKind.PRUNE, due, 0, None)


def test_the_newest_migration_is_the_one_alembic_finds() -> None:
    """minga reads the head from the files' names so as not to load Alembic at every start."""
    assert head() == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_a_start_on_a_current_database_does_not_load_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/minga.db"
    program = (
        "import asyncio, sys\n"
        "from storage.engine import create_engine\n"
        "from storage.migrate import upgrade\n"
        "async def start():\n"
        f"    engine = create_engine({url!r})\n"
        "    await upgrade(engine)\n"
        "    await engine.dispose()\n"
        "asyncio.run(start())\n"
        "print('alembic' in sys.modules)\n"
    )
    loaded = [
        subprocess.run(
            [sys.executable, "-c", program],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            cwd=Path(__file__).parents[2],
        ).stdout.strip()
        for _ in range(2)
    ]
    assert loaded == ["True", "False"]  # the first start migrates; the next has nothing to
