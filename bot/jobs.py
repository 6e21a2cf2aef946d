"""Scheduled work: the row is the truth; lateness decides between late and missed."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.context import Work
from bot.handlers import offers, pickups, polls, reminders, requests, retention, shifts, swaps
from bot.handlers.groups import founding_closed
from bot.messages import Action
from bot.model import Job, JobOutcome

log = logging.getLogger("minga.jobs")

# A job the scheduler finds due later than this after its time was due while minga was not
# running (stopped, restarting, a machine asleep), and a message it sends says it is late.
# How long the message then waits for the platform's limits does not count: it was written
# on time.
LATE_AFTER = timedelta(seconds=20)


@dataclass(frozen=True)
class JobKind:
    run: Callable[[Work, Job], Awaitable[list[Action]]]
    useful_for: timedelta | None  # how late it is still worth doing; None: however late
    # The moment after which it is useless whatever its lateness (a reminder: the start).
    deadline: Callable[[Work, Job], Awaitable[datetime | None]] | None = None


JOB_KINDS = {
    "founding_closed": JobKind(founding_closed, useful_for=None),
    "request_bump": JobKind(requests.bump, useful_for=timedelta(hours=12)),
    "request_nudge": JobKind(requests.nudge, useful_for=timedelta(hours=24)),
    "request_expire": JobKind(requests.expire, useful_for=None),
    "request_anonymise": JobKind(requests.anonymise, useful_for=None),
    "offer_expire": JobKind(offers.expire, useful_for=None),
    "shift_post": JobKind(shifts.post_job, useful_for=None, deadline=shifts.shift_starts),
    "shift_coverage": JobKind(shifts.coverage, useful_for=None, deadline=shifts.shift_starts),
    "shift_extend": JobKind(shifts.extend, useful_for=None),
    "shift_reminder": JobKind(reminders.remind, useful_for=None, deadline=reminders.starts),
    "swap_expire": JobKind(swaps.swap_expired, useful_for=None),
    "pickup_reminder": JobKind(pickups.remind, useful_for=None, deadline=pickups.window_starts),
    "pickup_close": JobKind(pickups.close, useful_for=None),
    "poll_close": JobKind(polls.close_job, useful_for=None),
    "poll_tally": JobKind(polls.redraw, useful_for=None),
    "poll_remind": JobKind(polls.remind, useful_for=timedelta(hours=12)),
    retention.PRUNE: JobKind(retention.prune, useful_for=None),
}


def outcome(kind: JobKind, lateness: timedelta) -> JobOutcome:
    if lateness <= LATE_AFTER:
        return "sent"
    if kind.useful_for is None or lateness <= kind.useful_for:
        return "late"
    return "missed"


async def run_job(work: Work, job_id: int, fired_at: datetime) -> list[Action]:
    job = await work.uow.jobs.get(job_id)
    if job is None or job.done_at is not None or job.due_at > work.now:
        return []
    kind = JOB_KINDS[job.kind]
    result = outcome(kind, fired_at - job.due_at)
    deadline = await kind.deadline(work, job) if kind.deadline else None
    if deadline is not None and work.now >= deadline:
        result = "missed"
    # Compare-and-set: of two schedulers or a restart, only one gets past this line.
    if not await work.uow.jobs.finish(job.id, result, work.now):
        return []
    log.info("job=%s id=%d outcome=%s", job.kind, job.id, result)
    if result == "missed":
        return []
    return await kind.run(replace(work, late=result == "late"), job)
