"""The edges around the core: the outbox sender and the scheduler (real APScheduler)."""

import asyncio
import io
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.console import Console, ConsoleClock
from adapters.delivery import Courier, GiveUp, Outlet, Retry
from adapters.scheduler import Scheduler
from bot import jobs
from bot.bootstrap import SystemClock
from bot.context import Work
from bot.dispatch import Committed
from bot.messages import Action, Button
from bot.model import Job, JobKind, OutboxMessage
from storage.uow import SqlUnitOfWork
from tests.harness import Harness


async def queue(engine: AsyncEngine, now: datetime, *rows: tuple[str, str]) -> None:
    async with SqlUnitOfWork(engine) as uow:
        for chat, text in rows:
            await uow.outbox.send("x", chat, text, (Button("Go", "go"),), None, now)
        await uow.commit()


class Platform:
    """A platform that answers as told: ok, 'retry' (429 / 5xx) or 'refuse' (400 / 403)."""

    def __init__(self, answers: dict[str, str]) -> None:
        self.answers = answers
        self.got: list[str] = []

    async def deliver(self, row: OutboxMessage) -> tuple[str, ...]:
        answer = self.answers.pop(row.text, "ok")
        if answer == "retry":
            raise Retry("429 Too Many Requests", after_seconds=30)
        if answer == "refuse":
            raise GiveUp("403 Forbidden: bot was blocked by the user")
        self.got.append(row.text)
        return (f"id-{row.id}",)


async def drain(bot: Harness, platform: Platform) -> int:
    if "x" not in bot.couriers:
        bot.couriers["x"] = Courier(bot.core, Outlet("x", platform.deliver))
    return await bot.couriers["x"].drain()


async def test_a_refused_message_is_given_up_with_its_reason_and_the_rest_goes_on(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await queue(bot.engine, bot.clock.now(), ("a", "a1"), ("a", "a2"), ("b", "b1"))
    platform = Platform({"a1": "refuse"})
    assert await drain(bot, platform) == 2
    assert platform.got == ["a2", "b1"]
    assert "given-up reason=403 Forbidden: bot was blocked by the user" in caplog.text
    assert await drain(bot, platform) == 0


async def test_a_retry_holds_back_its_own_chat_only_and_order_is_kept(bot: Harness) -> None:
    await queue(bot.engine, bot.clock.now(), ("a", "a1"), ("a", "a2"), ("b", "b1"))
    platform = Platform({"a1": "retry"})
    assert await drain(bot, platform) == 1
    assert platform.got == ["b1"]  # chat a waits behind its first message; b does not
    bot.clock.advance(seconds=10)
    assert await drain(bot, platform) == 0
    bot.clock.advance(seconds=20)
    assert await drain(bot, platform) == 2
    assert platform.got == ["b1", "a1", "a2"]


async def posts_from_the_scheduler(bot: Harness) -> None:
    """APScheduler fires in its own time and offers nothing to wait on: poll the outbox."""
    async with asyncio.timeout(10):
        while not await bot.flush():  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def test_the_scheduler_rebuilt_at_start_runs_a_missed_job_once(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    bot.clock.advance(days=3)  # the bot was down when the founding days ended
    schedulers = [Scheduler(bot.core), Scheduler(bot.core)]  # even two at once
    for scheduler in schedulers:
        await scheduler.start()
    await posts_from_the_scheduler(bot)
    for scheduler in schedulers:
        await scheduler.stop()
    announced = [s for s in bot.seen if "founding days of Free Food are over" in s.text]
    assert len(announced) == 1


async def test_a_job_added_after_start_fires_when_due(bot: Harness) -> None:
    scheduler = Scheduler(bot.core)
    await scheduler.start()
    bot.defaults = type(bot.defaults)(founding_hours=1)
    await bot.say("Ana", "/setup Free Food")
    [job] = [j for j in bot.jobs if j.kind == "founding_closed"]
    bot.clock.advance(hours=1)
    scheduler.add(job)  # as the bootstrap does after the commit; its time has come
    await posts_from_the_scheduler(bot)
    await scheduler.stop()
    assert "founding days of Free Food are over" in bot.seen[-1].text


async def test_the_running_scheduler_tries_a_failed_job_again_at_its_retry_time(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "RETRY_AFTER", (timedelta(seconds=0.2),))  # real time passes
    kind = JobKind.FOUNDING_CLOSED  # of a group that is not there: it runs and sends nothing
    handler = jobs.JOB_HANDLERS[kind]
    tries: list[Job] = []

    async def run(work: Work, job: Job) -> list[Action]:
        tries.append(job)
        if len(tries) == 1:
            raise RuntimeError("not this time")
        return await handler.run(work, job)

    monkeypatch.setitem(jobs.JOB_HANDLERS, kind, replace(handler, run=run))

    def committed(committed: Committed) -> None:  # as the bootstrap wires it
        for job in committed.jobs:
            scheduler.add(job)

    scheduler = Scheduler(replace(bot.core, clock=SystemClock(), after_commit=committed))
    async with SqlUnitOfWork(bot.engine) as uow:
        job = await uow.jobs.add(kind, 999, SystemClock().now())
        await uow.commit()
    await scheduler.start()
    async with asyncio.timeout(10):
        while len(tries) < 2:  # noqa: ASYNC110 - APScheduler offers nothing to wait on
            await asyncio.sleep(0.02)
    await scheduler.stop()
    async with SqlUnitOfWork(bot.engine) as uow:
        done = await uow.jobs.get(job.id)
    assert done is not None and done.outcome == "sent"
    assert len(tries) == 2


async def test_the_consoles_clock_jump_runs_a_failed_jobs_retry_at_its_own_time(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    kind = JobKind.FOUNDING_CLOSED
    handler = jobs.JOB_HANDLERS[kind]
    tries: list[datetime] = []

    async def run(work: Work, job: Job) -> list[Action]:
        tries.append(work.now)
        if len(tries) == 1:
            raise RuntimeError("not this time")
        return await handler.run(work, job)

    monkeypatch.setitem(jobs.JOB_HANDLERS, kind, replace(handler, run=run))
    clock = ConsoleClock(bot.clock.now, bot.clock.monotonic)
    core = replace(bot.core, clock=clock)
    out = io.StringIO()
    console = Console(core, clock, Scheduler(core), out)
    for line in (":group Food", "/setup Food", ":advance 25h"):
        await console.line(line)
    assert out.getvalue().count("The founding days of Food are over") == 1
    due = bot.clock.now() + timedelta(hours=24)
    assert tries == [due, due + jobs.RETRY_AFTER[0]]
