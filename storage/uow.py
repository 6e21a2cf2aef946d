"""The unit of work: one transaction for an event's effects, its inbox row and its outbox."""

import asyncio
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.model import Job
from bot.ports import UnitsOfWork
from storage.audit import SqlAudit
from storage.chats import SqlChats, SqlDialogs
from storage.groups import SqlGroups, SqlMembers
from storage.inbox import SqlCursors, SqlInbox, SqlReactions
from storage.jobs import SqlJobs
from storage.links import SqlLinks
from storage.networks import SqlNetworks
from storage.offers import SqlOffers
from storage.outbox import SqlLanes, SqlOutbox
from storage.people import SqlPeople
from storage.pickups import SqlPickups
from storage.polls import SqlPolls
from storage.requests import SqlRequests
from storage.scene import Known, SqlScenes
from storage.shifts import SqlShifts
from storage.web import SqlWebLinks


def units_of_work(engine: AsyncEngine) -> UnitsOfWork:
    """Where a process gets its units of work. SQLite has one writer, and a unit that may
    write takes the write lock up front (BEGIN IMMEDIATE): they take turns in the order they
    asked, where SQLite's busy handler would let them wait, sleeping, in no order (measured:
    a sender's 16 lanes spent 175 s of 177 s of database time waiting for BEGIN, and a
    press waited behind them). A read-only unit waits for none of them (WAL)."""
    writer = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    def unit(read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, None if read_only else writer, read_only)

    return unit


class SqlUnitOfWork:
    """Use as `async with uow:`; nothing is kept unless `commit()` is called."""

    def __init__(
        self, engine: AsyncEngine, writer: asyncio.Lock | None = None, read_only: bool = False
    ) -> None:
        self.engine = engine
        self.writer = writer
        self.read_only = read_only
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        if self.writer is not None:
            await self.writer.acquire()
        try:
            conn = await self.engine.connect()
            if self.read_only:
                await conn.execution_options(minga_read_only=True)
            await conn.begin()
        except BaseException:
            if self.writer is not None:
                self.writer.release()
            raise
        self._conn = conn
        self.new_jobs: list[Job] = []
        known = Known()
        self.scenes = SqlScenes(conn, known)
        self.people = SqlPeople(conn, known)
        self.chats = SqlChats(conn, known)
        self.groups = SqlGroups(conn, known)
        self.members = SqlMembers(conn, known)
        self.dialogs = SqlDialogs(conn)
        self.inbox = SqlInbox(conn)
        self.outbox = SqlOutbox(conn)
        self.lanes = SqlLanes(conn)
        self.audit = SqlAudit(conn)
        self.jobs = SqlJobs(conn, self.new_jobs)
        self.links = SqlLinks(conn)
        self.networks = SqlNetworks(conn)
        self.web_links = SqlWebLinks(conn)
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
        assert self._conn is not None and not self.read_only
        await self.outbox.write()
        await self._conn.commit()
