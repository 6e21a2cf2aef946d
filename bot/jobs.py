"""Scheduled work: the row is the truth; lateness decides between late and missed."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.context import Work
from bot.handlers import offers, requests
from bot.handlers.groups import founding_closed
from bot.messages import Action
from bot.model import Job, JobOutcome

log = logging.getLogger("minga.jobs")

ON_TIME = timedelta(minutes=1)  # later than this counts as late


@dataclass(frozen=True)
class JobKind:
    run: Callable[[Work, Job], Awaitable[list[Action]]]
    useful_for: timedelta | None  # how late it is still worth doing; None: however late


JOB_KINDS = {
    "founding_closed": JobKind(founding_closed, useful_for=None),
    "request_bump": JobKind(requests.bump, useful_for=timedelta(hours=12)),
    "request_nudge": JobKind(requests.nudge, useful_for=timedelta(hours=24)),
    "request_expire": JobKind(requests.expire, useful_for=None),
    "request_anonymise": JobKind(requests.anonymise, useful_for=None),
    "offer_expire": JobKind(offers.expire, useful_for=None),
}


def outcome(kind: JobKind, lateness: timedelta) -> JobOutcome:
    if lateness <= ON_TIME:
        return "sent"
    if kind.useful_for is None or lateness <= kind.useful_for:
        return "late"
    return "missed"


async def run_job(work: Work, job_id: int) -> list[Action]:
    job = await work.uow.jobs.get(job_id)
    if job is None or job.done_at is not None or job.due_at > work.now:
        return []
    kind = JOB_KINDS[job.kind]
    result = outcome(kind, work.now - job.due_at)
    # Compare-and-set: of two schedulers or a restart, only one gets past this line.
    if not await work.uow.jobs.finish(job.id, result, work.now):
        return []
    log.info("job=%s id=%d outcome=%s", job.kind, job.id, result)
    return [] if result == "missed" else await kind.run(work, job)
