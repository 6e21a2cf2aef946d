"""Where a benchmark keeps its data: a SQLite file in the run's folder, or a fresh PostgreSQL
database made for the run on a server the operator names, dropped at the end unless kept.
No other database on that server is touched."""

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql://127.0.0.1:5432/test"  # the server; its database only to connect


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql", "postgres"))


def _connect_args(url: str) -> dict[str, Any]:
    parsed = make_url(url)
    return {
        "host": parsed.host,
        "port": parsed.port,
        "user": parsed.username,
        "password": parsed.password,
        "database": parsed.database,
    }


async def postgres_connect(url: str) -> asyncpg.Connection:
    """A bare asyncpg connection (no SQLAlchemy) to the database of a URL."""
    return await asyncpg.connect(**_connect_args(url), timeout=10)


async def _admin(server: str, statement: str) -> None:
    conn = await postgres_connect(server)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def database_name(purpose: str) -> str:
    return f"minga_bench_{os.getpid()}_{purpose}"


def url_of(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


async def create_postgres(server: str, name: str, template: str | None = None) -> str:
    """A new, empty database `name` (or a copy of `template`); its URL."""
    copy = f' TEMPLATE "{template}"' if template else ""
    await _admin(server, f'CREATE DATABASE "{name}"{copy}')
    return url_of(server, name)


async def drop_postgres(server: str, name: str) -> None:
    await _admin(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.asynccontextmanager
async def postgres_database(
    server: str, purpose: str, keep: bool, template: str | None = None
) -> AsyncIterator[str]:
    """A database of its own for this run; dropped at the end unless `keep`."""
    name = database_name(purpose)
    url = await create_postgres(server, name, template)
    try:
        yield url
    finally:
        if keep:
            print(f"kept PostgreSQL database: {url}")
        else:
            await drop_postgres(server, name)
