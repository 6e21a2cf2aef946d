"""The bare database loops that minga's figures are divided by, measured in the same run.

One INSERT and one COMMIT per transaction, one transaction after another, into a table of
two columns, each loop on its own fresh table:
- aiosqlite: the driver alone, with the pragmas minga sets (WAL, synchronous=NORMAL);
- SQLAlchemy async on SQLite: storage.engine.create_engine, as minga opens it (WAL,
  synchronous=NORMAL, BEGIN IMMEDIATE), `async with engine.begin()` per row;
- asyncpg: the driver alone, a transaction per row;
- SQLAlchemy async on PostgreSQL: storage.engine.create_engine (pool_pre_ping, as minga).
A minimal transaction is what one event would cost if minga did nothing but record it; an
event that costs k of them runs at 1/k of the floor. Other benchmarks import `measure`;
run alone, this prints the floors:

    .venv/bin/python -m bench.floors [--ops 2000] [--postgres [URL]] [--quick]
"""

import argparse
import asyncio
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is not installed
    sys.path.insert(0, str(ROOT))

from bench.databases import (  # noqa: E402
    DEFAULT_POSTGRES,
    postgres_connect,
    postgres_database,
)
from bench.report import session, table  # noqa: E402
from storage.engine import create_engine  # noqa: E402

WARM_UP = 20  # transactions before the clock starts: connections made, pages cached
BODY = "a row of about the size of a short outbox message, written and committed alone"


@dataclass(frozen=True)
class Floor:
    name: str
    ops: int
    seconds: float

    @property
    def per_op(self) -> float:
        return self.seconds / self.ops

    @property
    def per_second(self) -> float:
        return self.ops / self.seconds

    def row(self) -> tuple[str, str, str, str]:
        return (self.name, f"{self.per_second:,.0f} tx/s", f"{self.per_op * 1000:.3f} ms/tx", "")


CREATE = "CREATE TABLE {table} (id {key} PRIMARY KEY, body TEXT NOT NULL)"
KEYS = {"sqlite": "INTEGER", "postgresql": "SERIAL"}  # as minga's tables have their ids


async def aiosqlite_loop(path: Path, ops: int) -> Floor:
    table_name = "floor_aiosqlite"
    async with aiosqlite.connect(path) as db:
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL"):
            await db.execute(f"PRAGMA {pragma}")
        await db.execute(CREATE.format(table=table_name, key=KEYS["sqlite"]))
        await db.commit()
        insert = f"INSERT INTO {table_name} (body) VALUES (?)"
        for _ in range(WARM_UP):
            await db.execute(insert, (BODY,))
            await db.commit()
        started = time.perf_counter()
        for _ in range(ops):
            await db.execute(insert, (BODY,))
            await db.commit()
        seconds = time.perf_counter() - started
        await db.execute(f"DROP TABLE {table_name}")
        await db.commit()
    return Floor("aiosqlite INSERT+COMMIT", ops, seconds)


async def sqlalchemy_loop(url: str, ops: int, name: str) -> Floor:
    """minga's own engine (storage.engine.create_engine) on the database of `url`."""
    table_name = "floor_sqlalchemy"
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS {table_name}"))
            await conn.execute(text(CREATE.format(table=table_name, key=KEYS[engine.dialect.name])))
        insert = text(f"INSERT INTO {table_name} (body) VALUES (:body)")
        for _ in range(WARM_UP):
            async with engine.begin() as conn:
                await conn.execute(insert, {"body": BODY})
        started = time.perf_counter()
        for _ in range(ops):
            async with engine.begin() as conn:
                await conn.execute(insert, {"body": BODY})
        seconds = time.perf_counter() - started
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE {table_name}"))
    finally:
        await engine.dispose()
    return Floor(name, ops, seconds)


async def asyncpg_loop(url: str, ops: int) -> Floor:
    table_name = "floor_asyncpg"
    conn = await postgres_connect(url)
    try:
        await conn.execute(f"DROP TABLE IF EXISTS {table_name}")
        await conn.execute(CREATE.format(table=table_name, key=KEYS["postgresql"]))
        insert = f"INSERT INTO {table_name} (body) VALUES ($1)"
        for _ in range(WARM_UP):
            async with conn.transaction():
                await conn.execute(insert, BODY)
        started = time.perf_counter()
        for _ in range(ops):
            async with conn.transaction():
                await conn.execute(insert, BODY)
        seconds = time.perf_counter() - started
        await conn.execute(f"DROP TABLE {table_name}")
    finally:
        await conn.close()
    return Floor("asyncpg INSERT+COMMIT", ops, seconds)


@dataclass(frozen=True)
class Floors:
    aiosqlite: Floor | None = None
    sqlite: Floor | None = None  # SQLAlchemy on SQLite: the SQLite floor
    asyncpg: Floor | None = None
    postgres: Floor | None = None  # SQLAlchemy on PostgreSQL: the PostgreSQL floor

    def all(self) -> list[Floor]:
        return [f for f in (self.aiosqlite, self.sqlite, self.asyncpg, self.postgres) if f]

    def for_url(self, url: str) -> Floor | None:
        """The SQLAlchemy floor of the database kind `url` is."""
        return self.postgres if url.startswith("postgres") else self.sqlite

    def rows(self, prefix: str = "floor: ") -> list[tuple[str, str, str, str]]:
        return [(prefix + f.name, *f.row()[1:]) for f in self.all()]

    def joined(self, later: "Floors") -> "Floors":
        """Two measurements as one (the loops of both): a floor measured before and after
        a run, on a machine whose load changes meanwhile."""

        def both(first: Floor | None, second: Floor | None) -> Floor | None:
            if first is None or second is None:
                return first or second
            return Floor(first.name, first.ops + second.ops, first.seconds + second.seconds)

        return Floors(
            both(self.aiosqlite, later.aiosqlite),
            both(self.sqlite, later.sqlite),
            both(self.asyncpg, later.asyncpg),
            both(self.postgres, later.postgres),
        )


async def measure(folder: Path, postgres_url: str | None, ops: int, sqlite: bool = True) -> Floors:
    """The floors: SQLite in `folder` (a file of its own), PostgreSQL in the database of
    `postgres_url` (tables of its own, dropped after)."""
    found: dict[str, Floor] = {}
    if sqlite:
        found["aiosqlite"] = await aiosqlite_loop(folder / "floor-aiosqlite.db", ops)
        found["sqlite"] = await sqlalchemy_loop(
            f"sqlite:///{folder}/floor-sqlalchemy.db", ops, "SQLAlchemy async INSERT+COMMIT, SQLite"
        )
    if postgres_url:
        found["asyncpg"] = await asyncpg_loop(postgres_url, ops)
        found["postgres"] = await sqlalchemy_loop(
            postgres_url, ops, "SQLAlchemy async INSERT+COMMIT, PostgreSQL"
        )
    return Floors(**found)


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--ops", type=int, default=2000, help="transactions per loop (2000)")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_POSTGRES,
        default=None,
        metavar="URL",
        help="also PostgreSQL: a fresh database is made on this "
        f"server and dropped after (default {DEFAULT_POSTGRES})",
    )
    parser.add_argument("--quick", action="store_true", help="300 transactions a loop")
    found = parser.parse_args()
    if found.quick:
        found.ops = 300
    return found


async def bench(chosen: argparse.Namespace, folder: Path) -> None:
    if chosen.postgres:
        async with postgres_database(chosen.postgres, "floors", keep=False) as url:
            floors = await measure(folder, url, chosen.ops)
    else:
        floors = await measure(folder, None, chosen.ops)
    print()
    print(
        table(
            [(f.name, f"{f.per_second:,.0f}", f"{f.per_op * 1000:.3f}") for f in floors.all()],
            ("bare loop: one INSERT and its COMMIT a transaction", "transactions/s", "ms each"),
        )
    )


def main() -> None:
    chosen = options()
    with session("floors: bare INSERT+COMMIT loops", keep=False) as folder:
        asyncio.run(bench(chosen, folder))


if __name__ == "__main__":
    main()
