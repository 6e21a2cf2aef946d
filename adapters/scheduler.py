"""The scheduler edge: due rows become Due events, handled like any message.

The rows are the truth. APScheduler (in-memory job store) is rebuilt from them at start,
job id = row id; it never drops a late job (misfire_grace_time=None) because the core
decides what lateness means (bot/jobs.py).

Several processes on one PostgreSQL: exactly one of them, the holder of a lock (a
PostgreSQL advisory lock, storage/leader.py), fires jobs; the others try for the lock every
few seconds and take over when its holder's session ends. The leader learns of the rows
other processes commit by looking at the table every few seconds for rows due soon: a
look needs nothing to be delivered to it, so a leader that just took over, or came back
from a database restart, misses nothing that a lost notification (LISTEN/NOTIFY) would
have carried; a row committed elsewhere and due at once is fired at most one look late.
Firing twice is harmless anyway: a job is finished by a compare-and-set (bot/jobs.py).
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.dispatch import Core, handle
from bot.handlers.retention import keep_pruning
from bot.messages import Due
from bot.model import Job

log = logging.getLogger("minga.scheduler")

LOOK_EVERY = 2.0  # seconds between a leader's looks at the table and a follower's tries
AHEAD = timedelta(minutes=1)  # a look takes in the rows due this soon; later, a later look
RETRY = 10.0  # seconds before a job fired with the database away is fired again, doubled
RETRY_AT_MOST = 600.0  # each time it fails again, up to this
# Looks a process that lost the lock waits before trying for it again: its session ended
# under it (a kill, a broken link), so a follower whose session is well takes it first.
STAND_BACK = 3


class Lock(Protocol):
    """Who may fire jobs, of several processes: see storage/leader.py."""

    async def acquire(self) -> bool: ...
    async def held(self) -> bool: ...
    async def release(self) -> None: ...


class Scheduler:
    """Without a lock (SQLite, the console: one process) it leads from the start and only
    this process's commits add jobs. With one, it leads while it holds the lock."""

    def __init__(
        self, core: Core, lock: Lock | None = None, look_every: float = LOOK_EVERY
    ) -> None:
        self.core = core
        self.lock = lock
        self.look_every = look_every
        self.leading = False
        self._aps = AsyncIOScheduler(timezone=UTC)
        # APScheduler only queues what fell due; one worker handles it. Stopping APScheduler
        # cancels its own tasks, which must never be in the middle of a transaction.
        self._due: asyncio.Queue[tuple[int, int, datetime] | None] = asyncio.Queue()
        self._term = 0  # which time of leading a queued job belongs to
        self._scheduled: set[int] = set()  # in APScheduler or queued: a look skips them
        self._failures: dict[int, int] = {}  # job id → how many times it failed in a row
        # Job id → when its firing ended (the loop's time). A look that began before then
        # may have read the row as still pending: that reading is not taken in.
        self._ended: dict[int, float] = {}
        self._worker: asyncio.Task[None] | None = None
        self._watcher: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._worker = asyncio.create_task(self._work())
        self._aps.start()
        if self.lock is None:
            await self._lead()
        else:
            self._watcher = asyncio.create_task(self._watch())
        log.info("scheduler=started lock=%s", self.lock is not None)

    def add(self, job: Job) -> None:
        """Fire `job` at its time (or its retry's); a follower leaves it to the leader's look."""
        self._plan(job.id, job.runs_at)

    def _plan(self, job_id: int, at: datetime) -> None:
        if not self.leading:
            return
        self._scheduled.add(job_id)
        self._aps.add_job(
            self._queue,
            "date",
            run_date=at,
            args=[self._term, job_id],
            id=str(job_id),
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
        )

    async def _queue(self, term: int, job_id: int) -> None:
        # Found due now: however long the queue takes, it was on time if now is its time.
        self._due.put_nowait((term, job_id, self.core.clock.now()))

    async def _work(self) -> None:
        while (due := await self._due.get()) is not None:
            term, job_id, fired_at = due
            if term != self._term or not self.leading:
                continue  # queued before this process stopped leading
            if await handle(self.core, Due(job_id, fired_at)):
                if self._aps.get_job(str(job_id)) is None:  # unless it planned its next try
                    self._scheduled.discard(job_id)
                self._failures.pop(job_id, None)
                if self.lock is not None:
                    self._ended[job_id] = asyncio.get_running_loop().time()
            else:
                self._retry(job_id)

    def _retry(self, job_id: int) -> None:
        """A job whose failed try could not be recorded (the database away) stays pending:
        it is fired again later, each time later, instead of waiting for the next start."""
        failed = self._failures[job_id] = self._failures.get(job_id, 0) + 1
        wait = min(RETRY * 2 ** (failed - 1), RETRY_AT_MOST)
        log.warning("job id=%d failed=%d again-in=%.0fs", job_id, failed, wait)
        self._scheduled.discard(job_id)
        self._plan(job_id, self.core.clock.now() + timedelta(seconds=wait))

    async def fire(self, job_id: int, fired_at: datetime | None = None) -> None:
        await handle(self.core, Due(job_id, fired_at))

    async def fire_due(self) -> None:
        """Run every row already due by the core's clock (the console's clock can jump)."""
        async with self.core.uow() as uow:
            due = [job for job in await uow.jobs.pending() if job.runs_at <= self.core.clock.now()]
        for job in due:
            await self.fire(job.id)

    async def _lead(self) -> None:
        """A time of leading begins: what to fire is read from the rows."""
        self._term += 1
        self.leading = True  # from here, this process's commits add their jobs too
        began = asyncio.get_running_loop().time()
        try:
            async with self.core.uow() as uow:
                await keep_pruning(uow, self.core.clock.now())  # a database older than it
                await uow.commit()
            async with self.core.uow() as uow:
                # Without a lock nobody else writes jobs, and the console's clock jumps:
                # every pending row is taken in now. With one, looks take in the rest.
                pending = await uow.jobs.pending(
                    None if self.lock is None else self.core.clock.now() + AHEAD
                )
        except BaseException:
            self._follow()
            raise
        self._take_in(pending, began)
        log.info("scheduler=leading pending=%d", len(pending))

    def _follow(self) -> None:
        """Leading ended: nothing queued or planned here fires any more."""
        was = self.leading
        self.leading = False
        self._term += 1
        self._aps.remove_all_jobs()
        self._scheduled.clear()
        self._failures.clear()
        self._ended.clear()
        if was:
            log.warning("scheduler=following")

    async def _watch(self) -> None:
        """With a lock: lead while it is held, look at the table, or try for it."""
        assert self.lock is not None
        while True:
            try:
                if self.leading and not await self.lock.held():
                    self._follow()  # its session ended: another may lead already
                    await asyncio.sleep(STAND_BACK * self.look_every)
                if not self.leading and await self.lock.acquire():
                    await self._lead()
                elif self.leading:
                    await self._look()
            except Exception as error:  # the database is away: try again in a while
                log.warning("scheduler=database-unreachable reason=%s", type(error).__name__)
            await asyncio.sleep(self.look_every)

    async def _look(self) -> None:
        """Take in rows other processes committed that fall due soon."""
        began = asyncio.get_running_loop().time()
        async with self.core.uow() as uow:
            pending = await uow.jobs.pending(self.core.clock.now() + AHEAD)
        self._take_in(pending, began)

    def _take_in(self, pending: list[Job], began: float) -> None:
        """Plan the rows read (in a read that began at `began`) that are not planned yet."""
        for job in pending:
            if job.id not in self._scheduled and self._ended.get(job.id, began) <= began:
                self.add(job)
        # Reads that begin from now on see those firings' commits.
        self._ended = {job_id: at for job_id, at in self._ended.items() if at > began}

    async def stop(self) -> None:
        """Stop firing; a job under way finishes, the rest stay pending for the next start
        (or for another process, which takes the lock as it is released)."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        if self._aps.running:
            self._aps.shutdown(wait=False)
        if self._worker is not None:
            self._due.put_nowait(None)
            await self._worker
        if self.lock is not None:
            self.leading = False
            await self.lock.release()
