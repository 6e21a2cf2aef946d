"""Scheduled rows: late ones run once with the right outcome; none runs twice; one that
fails is tried again a few times, then given up with its reason."""

import logging
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from bot.context import Work
from bot.jobs import JOB_HANDLERS, RETRY_AFTER, JobHandler, outcome
from bot.messages import Action
from bot.model import Job, JobKind
from tests.harness import Harness


@pytest.mark.parametrize(
    ("late", "useful_for", "expected"),
    [
        (timedelta(seconds=20), timedelta(hours=1), "sent"),
        (timedelta(seconds=40), timedelta(hours=1), "late"),  # seconds, not a minute
        (timedelta(minutes=30), timedelta(hours=1), "late"),
        (timedelta(hours=2), timedelta(hours=1), "missed"),
        (timedelta(days=30), None, "late"),
    ],
)
def test_misfire_policy(late: timedelta, useful_for: timedelta | None, expected: str) -> None:
    handler = JobHandler(JOB_HANDLERS[JobKind.FOUNDING_CLOSED].run, useful_for)
    assert outcome(handler, late) == expected


def test_every_job_kind_has_a_handler_and_every_handler_a_kind() -> None:
    assert set(JOB_HANDLERS) == set(JobKind)
    assert all(type(kind) is JobKind for kind in JOB_HANDLERS)  # not a string that looks like one


async def test_a_job_due_while_the_bot_was_down_runs_once_marked_late(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    bot.clock.advance(days=3)
    restarted = Harness(bot.engine, clock=bot.clock)
    announced = await restarted.fire_due()
    assert len(announced) == 1 and "founding days" in announced[0].text
    assert await Harness(bot.engine, clock=bot.clock).fire_due() == []
    async with bot.core.uow() as uow:
        job = await uow.jobs.get(bot.jobs[0].id)
    assert job is not None and job.outcome == "late"


async def test_a_job_is_not_run_before_it_is_due(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    bot.clock.advance(hours=23)
    assert await bot.fire_due() == []
    bot.clock.advance(hours=1)
    assert len(await bot.fire_due()) == 1


def failing(monkeypatch: pytest.MonkeyPatch, kind: JobKind, times: int) -> list[datetime]:
    """Make `kind`'s handler do its work and then raise, its first `times` tries: what the
    failed try did must not stay. The list gets the time of every try."""
    handler = JOB_HANDLERS[kind]
    tries: list[datetime] = []

    async def run(work: Work, job: Job) -> list[Action]:
        tries.append(work.now)
        actions = await handler.run(work, job)
        if len(tries) <= times:
            raise RuntimeError("the printer is on fire")
        return actions

    monkeypatch.setitem(JOB_HANDLERS, kind, replace(handler, run=run))
    return tries


async def stored(bot: Harness, kind: JobKind) -> Job:
    job = next(j for j in bot.jobs if j.kind == kind)
    async with bot.core.uow() as uow:
        found = await uow.jobs.get(job.id)
    assert found is not None
    return found


async def test_a_failing_job_is_tried_again_later_each_time_then_given_up_with_its_reason(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    tries = failing(monkeypatch, JobKind.FOUNDING_CLOSED, times=len(RETRY_AFTER) + 1)
    await bot.say("Ana", "/setup Free Food")
    bot.clock.advance(hours=24)
    assert await bot.fire_due() == []
    expected = [bot.clock.now()]
    for wait in RETRY_AFTER:
        bot.clock.advance(seconds=wait.total_seconds() - 1)
        await bot.fire_due()  # not yet
        bot.clock.advance(seconds=1)
        assert await bot.fire_due() == []
        expected.append(bot.clock.now())
    assert tries == expected
    job = await stored(bot, JobKind.FOUNDING_CLOSED)
    assert (job.outcome, job.failed) == ("failed", "RuntimeError: the printer is on fire")
    assert any(r.levelno == logging.ERROR and "given-up" in r.getMessage() for r in caplog.records)
    bot.clock.advance(days=1)
    restarted = Harness(bot.engine, clock=bot.clock)
    await restarted.fire_due()
    assert len(tries) == len(RETRY_AFTER) + 1  # never again, not even after a restart
    assert not [s for s in bot.seen + restarted.seen if "founding days" in s.text]


async def test_a_job_that_fails_once_does_its_work_exactly_once_on_its_next_try(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    tries = failing(monkeypatch, JobKind.FOUNDING_CLOSED, times=1)
    await bot.say("Ana", "/setup Free Food")
    bot.clock.advance(hours=24)
    assert await bot.fire_due() == []  # what it did was undone with the failure
    bot.clock.advance(minutes=1)
    announced = await bot.fire_due()
    assert len(announced) == 1 and "founding days" in announced[0].text
    bot.clock.advance(hours=1)
    assert await bot.fire_due() == [] and len(tries) == 2
    # On time: it ran when its retry was due, so a reminder would not say it was late.
    assert (await stored(bot, JobKind.FOUNDING_CLOSED)).outcome == "sent"
