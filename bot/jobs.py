"""Scheduled work: the row is the truth; lateness decides between late and missed; a job
that fails is tried a few times more, then given up."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.context import Work
from bot.handlers import (
    offers,
    pickups,
    polls,
    reminders,
    requests,
    retention,
    rotation,
    shifts,
    swaps,
)
from bot.handlers.groups import founding_closed
from bot.messages import Action
from bot.model import Job, JobKind, JobOutcome
from bot.ports import UnitOfWork

log = logging.getLogger("minga.jobs")

# A job the scheduler finds due later than this after its time was due while minga was not
# running (stopped, restarting, a machine asleep), and a message it sends says it is late.
# How long the message then waits for the platform's limits does not count: it was written
# on time.
LATE_AFTER = timedelta(seconds=20)

# A job whose handler raises is tried again after each of these waits in turn; when the
# try after the last wait fails too, it is given up: marked failed with its reason, and
# never run again, not even at the next start. What a failed try did is undone with it.
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30))
REASON_AT_MOST = 200  # characters of the error kept on the row; the log has all of it


@dataclass(frozen=True)
class JobHandler:
    run: Callable[[Work, Job], Awaitable[list[Action]]]
    useful_for: timedelta | None  # how late it is still worth doing; None: however late
    # The moment after which it is useless whatever its lateness (a reminder: the start).
    deadline: Callable[[Work, Job], Awaitable[datetime | None]] | None = None


JOB_HANDLERS = {
    JobKind.FOUNDING_CLOSED: JobHandler(founding_closed, useful_for=None),
    JobKind.REQUEST_BUMP: JobHandler(requests.bump, useful_for=timedelta(hours=12)),
    JobKind.REQUEST_NUDGE: JobHandler(requests.nudge, useful_for=timedelta(hours=24)),
    JobKind.REQUEST_EXPIRE: JobHandler(requests.expire, useful_for=None),
    JobKind.REQUEST_ANONYMISE: JobHandler(requests.anonymise, useful_for=None),
    JobKind.REQUEST_REFER: JobHandler(requests.refer, useful_for=None),
    JobKind.OFFER_EXPIRE: JobHandler(offers.expire, useful_for=None),
    JobKind.SHIFT_POST: JobHandler(shifts.post_job, useful_for=None, deadline=shifts.shift_starts),
    JobKind.SHIFT_COVERAGE: JobHandler(
        shifts.coverage, useful_for=None, deadline=shifts.shift_starts
    ),
    JobKind.SHIFT_EXTEND: JobHandler(shifts.extend, useful_for=None),
    JobKind.SHIFT_REMINDER: JobHandler(
        reminders.remind, useful_for=None, deadline=reminders.starts
    ),
    JobKind.SHIFT_ROTATION: JobHandler(rotation.ask, useful_for=None, deadline=shifts.shift_starts),
    JobKind.SWAP_EXPIRE: JobHandler(swaps.swap_expired, useful_for=None),
    JobKind.PICKUP_REMINDER: JobHandler(
        pickups.remind, useful_for=None, deadline=pickups.window_starts
    ),
    JobKind.PICKUP_CLOSE: JobHandler(pickups.close, useful_for=None),
    JobKind.POLL_CLOSE: JobHandler(polls.close_job, useful_for=None),
    JobKind.POLL_TALLY: JobHandler(polls.redraw, useful_for=None),
    JobKind.POLL_REMIND: JobHandler(polls.remind, useful_for=timedelta(hours=12)),
    JobKind.PRUNE: JobHandler(retention.prune, useful_for=None),
}


def outcome(handler: JobHandler, lateness: timedelta) -> JobOutcome:
    if lateness <= LATE_AFTER:
        return "sent"
    if handler.useful_for is None or lateness <= handler.useful_for:
        return "late"
    return "missed"


async def run_job(work: Work, job_id: int, fired_at: datetime) -> list[Action]:
    job = await work.uow.jobs.get(job_id)
    if job is None or job.done_at is not None or job.runs_at > work.now:
        return []
    handler = JOB_HANDLERS[job.kind]
    # Late after its retry's time, not its own: waiting for a retry is not being offline.
    result = outcome(handler, fired_at - job.runs_at)
    deadline = await handler.deadline(work, job) if handler.deadline else None
    if deadline is not None and work.now >= deadline:
        result = "missed"
    # Compare-and-set: of two schedulers or a restart, only one gets past this line.
    if not await work.uow.jobs.finish(job.id, result, work.now):
        return []
    log.info("job=%s id=%d outcome=%s", job.kind, job.id, result)
    if result == "missed":
        return []
    return await handler.run(replace(work, late=result == "late"), job)


async def job_failed(uow: UnitOfWork, job_id: int, error: Exception, now: datetime) -> None:
    """A try raised `error` and changed nothing: plan the next try, or give up."""
    job = await uow.jobs.get(job_id)
    if job is None or job.done_at is not None:
        return
    # Its first line: SQLAlchemy's errors go on with the statement and its parameters.
    reason = f"{type(error).__name__}: {error}".splitlines()[0][:REASON_AT_MOST]
    if job.attempts < len(RETRY_AFTER):
        retry_at = now + RETRY_AFTER[job.attempts]
        log.warning(
            "job=%s id=%d failed=%d again-at=%s", job.kind, job.id, job.attempts + 1, retry_at
        )
        await uow.jobs.fail(job.id, reason, retry_at, now)
    else:
        log.error(
            "job=%s id=%d given-up tries=%d reason=%s", job.kind, job.id, job.attempts + 1, reason
        )
        await uow.jobs.fail(job.id, reason, None, now)
