"""The scheduler edge: due rows become Due events, handled like any message.

The rows are the truth. APScheduler (in-memory job store) is rebuilt from them at start,
job id = row id; it never drops a late job (misfire_grace_time=None) because the core
decides what lateness means (bot/jobs.py).
"""

import asyncio
import logging
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.dispatch import Core, handle
from bot.handlers.retention import keep_pruning
from bot.messages import Due
from bot.model import Job

log = logging.getLogger("minga.scheduler")


class Scheduler:
    def __init__(self, core: Core) -> None:
        self.core = core
        self._aps = AsyncIOScheduler(timezone=UTC)
        # APScheduler only queues what fell due; one worker handles it. Stopping APScheduler
        # cancels its own tasks, which must never be in the middle of a transaction.
        self._due: asyncio.Queue[tuple[int, datetime] | None] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._worker = asyncio.create_task(self._work())
        self._aps.start()
        async with self.core.uow() as uow:
            await keep_pruning(uow, self.core.clock.now())  # a database older than it
            await uow.commit()
        async with self.core.uow() as uow:
            pending = await uow.jobs.pending()
        for job in pending:
            self.add(job)
        log.info("scheduler=started pending=%d", len(pending))

    def add(self, job: Job) -> None:
        self._aps.add_job(self._queue, "date", run_date=job.due_at, args=[job.id],
                          id=str(job.id), replace_existing=True, misfire_grace_time=None,
                          coalesce=True)

    async def _queue(self, job_id: int) -> None:
        # Found due now: however long the queue takes, it was on time if now is its time.
        self._due.put_nowait((job_id, self.core.clock.now()))

    async def _work(self) -> None:
        while (due := await self._due.get()) is not None:
            await self.fire(*due)

    async def fire(self, job_id: int, fired_at: datetime | None = None) -> None:
        await handle(self.core, Due(job_id, fired_at))

    async def fire_due(self) -> None:
        """Run every row already due by the core's clock (the console's clock can jump)."""
        async with self.core.uow() as uow:
            due = [job for job in await uow.jobs.pending() if job.due_at <= self.core.clock.now()]
        for job in due:
            await self.fire(job.id)

    async def stop(self) -> None:
        """Stop firing; a job under way finishes, the rest stay pending for the next start."""
        if self._aps.running:
            self._aps.shutdown(wait=False)
        if self._worker is not None:
            self._due.put_nowait(None)
            await self._worker
