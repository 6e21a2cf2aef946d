"""The unit of work: one transaction for an event's effects, its inbox row and its outbox."""

import asyncio
from collections.abc import Callable
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.model import Job
from storage.polls import SqlPolls
from storage.repositories import (
    SqlAudit,
    SqlChats,
    SqlCursors,
    SqlDialogs,
    SqlGroups,
    SqlInbox,
    SqlJobs,
    SqlLanes,
    SqlLinks,
    SqlMembers,
    SqlOffers,
    SqlOutbox,
    SqlPeople,
    SqlReactions,
    SqlRequests,
)
from storage.schedule import SqlPickups, SqlShifts


def units_of_work(engine: AsyncEngine) -> Callable[[], "SqlUnitOfWork"]:
    """Where a process gets its units of work. SQLite has one writer and every unit writes
    (BEGIN IMMEDIATE): they take turns in the order they asked, where SQLite's busy handler
    would let them wait, sleeping, in no order (measured: a sender's 16 lanes spent 175 s of
    177 s of database time waiting for BEGIN, and a press waited behind them)."""
    writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None
    return lambda: SqlUnitOfWork(engine, writer)


class SqlUnitOfWork:
    """Use as `async with uow:`; nothing is kept unless `commit()` is called."""

    def __init__(self, engine: AsyncEngine, writer: asyncio.Lock | None = None) -> None:
        self.engine = engine
        self.writer = writer
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        if self.writer is not None:
            await self.writer.acquire()
        try:
            conn = await self.engine.connect()
            await conn.begin()
        except BaseException:
            if self.writer is not None:
                self.writer.release()
            raise
        self._conn = conn
        self.new_jobs: list[Job] = []
        self.people = SqlPeople(conn)
        self.chats = SqlChats(conn)
        self.groups = SqlGroups(conn)
        self.members = SqlMembers(conn)
        self.dialogs = SqlDialogs(conn)
        self.inbox = SqlInbox(conn)
        self.outbox = SqlOutbox(conn)
        self.lanes = SqlLanes(conn)
        self.audit = SqlAudit(conn)
        self.jobs = SqlJobs(conn, self.new_jobs)
        self.links = SqlLinks(conn)
        self.requests = SqlRequests(conn)
        self.offers = SqlOffers(conn)
        self.shifts = SqlShifts(conn)
        self.pickups = SqlPickups(conn)
        self.polls = SqlPolls(conn)
        self.cursors = SqlCursors(conn)
        self.reactions = SqlReactions(conn)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._conn is not None
        try:
            await self._conn.rollback()
        finally:
            try:
                await self._conn.close()
            finally:
                self._conn = None
                if self.writer is not None:
                    self.writer.release()

    async def commit(self) -> None:
        assert self._conn is not None
        await self._conn.commit()
