"""Scheduled rows: late ones run once with the right outcome; none runs twice."""

from datetime import timedelta

import pytest

from bot.jobs import JOB_KINDS, JobKind, outcome
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
    kind = JobKind(JOB_KINDS["founding_closed"].run, useful_for)
    assert outcome(kind, late) == expected


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
