"""What every repository shares: a connection, and the insert that may find its row there."""

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.scene import Known


def upsert(conn: AsyncConnection, table: Any) -> Any:
    """An INSERT that can say what to do ON CONFLICT, in the connection's own dialect."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


async def insert_ignoring_duplicates(
    conn: AsyncConnection, table: Any, values: Mapping[str, Any]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row went in."""
    statement = upsert(conn, table).values(**values).on_conflict_do_nothing()
    result = await conn.execute(statement)
    return result.rowcount == 1


R = TypeVar("R")


class Repository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn


class Remembering(Repository):
    """A repository of records this transaction keeps once read (storage/scene.py): each
    of its writes forgets them."""

    def __init__(self, conn: AsyncConnection, known: Known) -> None:
        super().__init__(conn)
        self.known = known


def record(cls: type[R], row: Any) -> R:
    return cls(**{f.name: row._mapping[f.name] for f in fields(cls)})  # type: ignore[arg-type]
