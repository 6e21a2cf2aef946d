"""What every repository shares: its connection, and the statements repositories write
again and again. A record goes in as a row and comes out of one by its fields' names (a
column bears its field's name); a field kept in another form is given by hand."""

import hashlib
from collections.abc import Mapping
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import Base
from storage.scene import Known

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def digest(secret: str) -> str:
    """What is kept of a secret shown once (a join code, a link's token): enough to know it
    again, not enough to show it."""
    return hashlib.sha256(secret.encode()).hexdigest()


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


R = TypeVar("R", bound="DataclassInstance")  # a record of bot/model.py


def record(cls: type[R], row: Any, **kept_otherwise: Any) -> R:
    """The record of this type that the row holds."""
    values = {f.name: row._mapping[f.name] for f in fields(cls)}
    return cls(**{**values, **kept_otherwise})


def _table(row_type: type[Base]) -> Table:
    return row_type.__table__


def _where(table: Table, key: Mapping[str, Any]) -> list[Any]:
    return [table.c[column] == value for column, value in key.items()]


class Repository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def _insert(self, row_type: type[Base], **values: Any) -> int:
        """A new row; its id."""
        table = _table(row_type)
        statement = table.insert().values(**values).returning(table.c.id)
        return cast(int, (await self.conn.execute(statement)).scalar_one())

    async def _add(self, row_type: type[Base], new: R, **kept_otherwise: Any) -> R:
        """A new record as a new row (the id it has is ignored); the record with its id."""
        values = {f.name: getattr(new, f.name) for f in fields(new) if f.name != "id"}
        row_id = await self._insert(row_type, **{**values, **kept_otherwise})
        return replace(new, id=row_id)

    async def _row(self, row_type: type[Base], *, lock: bool = False, **key: Any) -> Any | None:
        """The row with this key, or None; `lock`: others that lock it wait for this
        transaction (FOR NO KEY UPDATE, which lets rows that point at it be written)."""
        table = _table(row_type)
        query = select(table).where(*_where(table, key))
        if lock:
            query = query.with_for_update(key_share=True)
        return (await self.conn.execute(query)).one_or_none()

    async def _get(self, cls: type[R], row_type: type[Base], **key: Any) -> R | None:
        """The record with this key, or None."""
        row = await self._row(row_type, **key)
        return None if row is None else record(cls, row)

    async def _change(self, row_type: type[Base], row_id: int, *still: Any, **values: Any) -> bool:
        """The row takes these values if what `still` says of it holds; False when it did
        not (it changed first, or it is gone)."""
        table = _table(row_type)
        result = await self.conn.execute(
            update(table).where(table.c.id == row_id, *still).values(**values)
        )
        return result.rowcount == 1

    async def _put(self, row_type: type[Base], key: Mapping[str, Any], **values: Any) -> bool:
        """The row with this key has these values now, whether or not it was there; True
        when it is new."""
        table = _table(row_type)
        if await insert_ignoring_duplicates(self.conn, table, {**key, **values}):
            return True
        await self.conn.execute(update(table).where(*_where(table, key)).values(**values))
        return False


class Remembering(Repository):
    """A repository of records this transaction keeps once read (storage/scene.py): each
    of its writes forgets them."""

    def __init__(self, conn: AsyncConnection, known: Known) -> None:
        super().__init__(conn)
        self.known = known
