"""Sent texts and inbox keys are kept only as long as they are needed, by a daily job."""

import logging
from datetime import datetime, timedelta

from bot.context import Work
from bot.messages import Action
from bot.model import Job, JobKind
from bot.ports import UnitOfWork

log = logging.getLogger("minga.retention")

EVERY = timedelta(days=1)
# Telegram keeps an update for 24 hours and redelivers the last batch after a crash;
# matrix-nio replays at most the sync after its saved token. Past this, a key guards nothing.
INBOX_KEPT = timedelta(days=2)
LANE_KEPT = timedelta(hours=1)  # no platform's limit remembers a message that long
JOB_KEPT = timedelta(days=7)  # a job done: its row says when and how, for a week


async def keep_pruning(uow: UnitOfWork, due_at: datetime) -> None:
    """Plan the daily pruning unless it is planned: for a fresh database at start, and
    when a group is set up."""
    await uow.jobs.add_once(JobKind.PRUNE, 0, due_at)


async def prune(work: Work, job: Job) -> list[Action]:
    messages = await work.uow.outbox.prune(
        work.now - timedelta(days=work.privacy.sent_message_days)
    )
    events = await work.uow.inbox.prune(work.now - INBOX_KEPT)
    lanes = await work.uow.lanes.prune(work.now - LANE_KEPT)
    jobs = await work.uow.jobs.prune(work.now - JOB_KEPT)
    log.info("pruned messages=%d inbox=%d lanes=%d jobs=%d", messages, events, lanes, jobs)
    # One chain of daily runs: a second one (two schedulers started at once) ends here.
    await work.uow.jobs.cancel([JobKind.PRUNE], 0, work.now)
    due = job.due_at + EVERY
    while due <= work.now:  # after days down, the next run is tomorrow, not a backlog
        due += EVERY
    await work.uow.jobs.add(JobKind.PRUNE, 0, due)
    return []
