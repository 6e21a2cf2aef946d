"""The unit of work: one transaction for an event's effects, its inbox row and its outbox."""

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


class SqlUnitOfWork:
    """Use as `async with uow:`; nothing is kept unless `commit()` is called."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> Self:
        conn = await self.engine.connect()
        await conn.begin()
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
            await self._conn.close()
            self._conn = None

    async def commit(self) -> None:
        assert self._conn is not None
        await self._conn.commit()
