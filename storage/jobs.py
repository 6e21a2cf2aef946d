"""Scheduled jobs: work that falls due at a time."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.model import Job, JobKind, JobOutcome
from storage.base import Repository, record
from storage.models import JobRow


def _job(r: Any) -> Job:
    return record(Job, r, kind=JobKind(r.kind))


class SqlJobs(Repository):
    def __init__(self, conn: AsyncConnection, added: list[Job]) -> None:
        super().__init__(conn)
        self.added = added

    async def add(self, kind: JobKind, ref_id: int, due_at: datetime) -> Job:
        job_id = (
            await self.conn.execute(
                JobRow.__table__.insert()
                .values(kind=kind, ref_id=ref_id, due_at=due_at)
                .returning(JobRow.id)
            )
        ).scalar_one()
        job = Job(id=job_id, kind=kind, ref_id=ref_id, due_at=due_at)
        self.added.append(job)
        return job

    async def get(self, job_id: int) -> Job | None:
        row = (
            await self.conn.execute(select(JobRow.__table__).where(JobRow.id == job_id))
        ).one_or_none()
        return None if row is None else _job(row)

    async def pending(self, until: datetime | None = None) -> list[Job]:
        # Kinds this minga does not know are planned by a newer one on the same database
        # (a rolling upgrade): they are left to it.
        query = select(JobRow.__table__).where(
            JobRow.done_at.is_(None), JobRow.kind.in_([kind.value for kind in JobKind])
        )
        if until is not None:
            # A retry is later than its time: both by then (and the index finds the time).
            query = query.where(
                JobRow.due_at <= until,
                or_(JobRow.next_attempt_at.is_(None), JobRow.next_attempt_at <= until),
            )
        rows = await self.conn.execute(query.order_by(JobRow.due_at, JobRow.id))
        return [_job(r) for r in rows]

    async def add_once(self, kind: JobKind, ref_id: int, due_at: datetime) -> Job | None:
        jobs = JobRow.__table__
        pending = select(jobs.c.id).where(
            jobs.c.kind == kind, jobs.c.ref_id == ref_id, jobs.c.done_at.is_(None)
        )
        job_id = (
            await self.conn.execute(
                jobs.insert()
                .from_select(
                    ["kind", "ref_id", "due_at"],
                    select(
                        literal(kind), literal(ref_id), literal(due_at, jobs.c.due_at.type)
                    ).where(~pending.exists()),
                )
                .returning(jobs.c.id)
            )
        ).scalar_one_or_none()
        if job_id is None:
            return None
        job = Job(id=job_id, kind=kind, ref_id=ref_id, due_at=due_at)
        self.added.append(job)
        return job

    async def cancel(self, kinds: Sequence[JobKind], ref_id: int, now: datetime) -> None:
        await self.conn.execute(
            update(JobRow.__table__)
            .where(
                JobRow.kind.in_(kinds),
                JobRow.ref_id == ref_id,
                JobRow.done_at.is_(None),
            )
            .values(done_at=now, outcome="cancelled")
        )

    async def prune(self, done_before: datetime) -> int:
        result = await self.conn.execute(
            delete(JobRow.__table__).where(JobRow.done_at < done_before)
        )
        return result.rowcount

    async def finish(self, job_id: int, outcome: JobOutcome, now: datetime) -> bool:
        result = await self.conn.execute(
            update(JobRow.__table__)
            .where(and_(JobRow.id == job_id, JobRow.done_at.is_(None)))
            .values(done_at=now, outcome=outcome)
        )
        return result.rowcount == 1

    async def fail(
        self, job_id: int, reason: str, retry_at: datetime | None, now: datetime
    ) -> None:
        values: dict[str, Any] = {"attempts": JobRow.attempts + 1}
        values.update(
            {"next_attempt_at": retry_at}
            if retry_at
            else {"done_at": now, "outcome": "failed", "failed": reason}
        )
        row = (
            await self.conn.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.done_at.is_(None))
                .values(values)
                .returning(*JobRow.__table__.c)
            )
        ).one_or_none()
        if row is not None and retry_at is not None:
            self.added.append(_job(row))
