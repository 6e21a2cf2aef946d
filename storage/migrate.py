"""Schema migrations with Alembic, run from code (at start and by `minga db upgrade`).

Alembic, with what it imports (Mako, Pygments), holds 11 MiB of a process that never frees
a module: it is imported only when there is a migration to apply. Whether there is one is
read without it: the newest migration is the highest numbered file under versions/, and
the database's own is in alembic_version (a test holds this to what Alembic says).
"""

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
NUMBERED = re.compile(r"(\d{4})_\w+\.py")
# Several processes started at once on one PostgreSQL (minga@.service instances) would run
# the same migration side by side, and all but one fail. PostgreSQL's transaction advisory
# lock on this key makes them wait in turn; the next finds the schema current.
MIGRATION_LOCK = 0x6D696E6761_01  # "minga", 1 (the scheduler's lock is 2: storage/leader.py)


def alembic_config(connection: Connection | None = None) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head() -> str:
    """The newest migration's revision: each file is named for its revision."""
    return max(
        found.group(1)
        for path in (MIGRATIONS / "versions").iterdir()
        if (found := NUMBERED.fullmatch(path.name))
    )


async def upgrade(engine: AsyncEngine) -> None:
    if await is_current(engine):
        return
    from alembic import command

    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # held until this transaction ends
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))


async def is_current(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        return await conn.run_sync(_revision) == head()


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
