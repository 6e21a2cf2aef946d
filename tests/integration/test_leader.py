"""The scheduler's leader on PostgreSQL, in one process for speed: two schedulers on two
engines stand for two processes. One fires, the other waits; when the leader's session
ends, the other takes over, and jobs written by anyone fire once, in the leader."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.scheduler import Scheduler
from bot.bootstrap import SystemClock
from bot.config import GroupDefaults
from bot.dispatch import Core
from bot.model import JobOutcome
from storage.engine import create_engine
from storage.jobs import SqlJobs
from storage.leader import SCHEDULER_LOCK, AdvisoryLock, scheduler_lock
from storage.models import Base
from storage.uow import SqlUnitOfWork
from tests.harness import CATALOGS

pytestmark = pytest.mark.postgres
LOOK = 0.1  # seconds: the schedulers look and try this often here


@pytest.fixture
async def engines(postgres_url: str) -> AsyncIterator[list[AsyncEngine]]:
    """Three engines on one empty database: two processes and a third that writes jobs."""
    made = [create_engine(postgres_url) for _ in range(3)]
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    async with made[0].begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield made
    for engine in made:
        await engine.dispose()


@pytest.fixture
def fired(engines: list[AsyncEngine], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which process finished each job written by `write_job`: the one that won its
    compare-and-set, which is the one that ran it ("one" on engines[0], "two" on [1])."""
    names = {id(engines[0].sync_engine): "one", id(engines[1].sync_engine): "two"}
    found: list[str] = []
    finish = SqlJobs.finish

    async def watched(jobs: SqlJobs, job_id: int, outcome: JobOutcome, now: datetime) -> bool:
        done = await finish(jobs, job_id, outcome, now)
        job = await jobs.get(job_id)
        if done and job is not None and job.kind == KIND:
            found.append(names[id(jobs.conn.engine.sync_engine)])
        return done

    monkeypatch.setattr(SqlJobs, "finish", watched)
    return found


KIND = "founding_closed"  # of a group that is not there: it runs and sends nothing


@pytest.fixture
async def process() -> AsyncIterator[Callable[[AsyncEngine], Scheduler]]:
    """A scheduler of its own on `engine`, as a process is; all are stopped at the end, even
    of a test that failed, so none holds the lock into the next test."""
    made: list[Scheduler] = []

    def start(engine: AsyncEngine) -> Scheduler:
        core = Core(lambda: SqlUnitOfWork(engine), SystemClock(), CATALOGS, GroupDefaults(), {})
        made.append(Scheduler(core, scheduler_lock(engine), look_every=LOOK))
        return made[-1]

    yield start
    for scheduler in made:
        await scheduler.stop()


async def write_job(engine: AsyncEngine, after: float = 0.0) -> int:
    """A job another process committed: nothing tells the schedulers of it."""
    async with SqlUnitOfWork(engine) as uow:
        job = await uow.jobs.add(KIND, 999, SystemClock().now() + timedelta(seconds=after))
        await uow.commit()
    return job.id


async def until(check, within: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(within):
        while not check():  # noqa: ASYNC110 - the schedulers offer nothing to wait on
            await asyncio.sleep(0.02)


async def lock_holder(engine: AsyncEngine) -> int | None:
    async with engine.connect() as conn:
        return (
            await conn.execute(
                text(
                    # pg_locks is the whole server's: tests running side by side hold the
                    # same lock, each in a database of its own.
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND classid = :high AND objid = :low AND database = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"high": SCHEDULER_LOCK >> 32, "low": SCHEDULER_LOCK & 0xFFFFFFFF},
            )
        ).scalar()


async def test_one_leads_and_the_other_takes_over_when_its_session_ends(
    engines: list[AsyncEngine], fired: list[str], process: Callable[[AsyncEngine], Scheduler]
) -> None:
    one, two = process(engines[0]), process(engines[1])
    await one.start()
    await until(lambda: one.leading)
    await two.start()
    await asyncio.sleep(5 * LOOK)
    assert not two.leading  # it tried, and tries again, but the lock is taken

    await write_job(engines[2], after=0.3)
    await until(lambda: fired == ["one"])  # found by the leader's look, fired once
    await write_job(engines[2])
    await until(lambda: fired == ["one", "one"])

    # The leader's session ends as in a database restart or a kill: the lock goes with it.
    holder = await lock_holder(engines[2])
    async with engines[2].connect() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": holder})
    await until(lambda: two.leading and not one.leading)
    await write_job(engines[2])
    await until(lambda: fired[2:] == ["two"])
    await asyncio.sleep(5 * LOOK)
    assert fired == ["one", "one", "two"]  # and never both

    await two.stop()  # a stop hands over at once
    await until(lambda: one.leading)
    await one.stop()
    assert await lock_holder(engines[2]) is None


async def test_a_follower_fires_nothing_even_of_its_own_commits(
    engines: list[AsyncEngine], fired: list[str], process: Callable[[AsyncEngine], Scheduler]
) -> None:
    one, two = process(engines[0]), process(engines[1])
    await one.start()
    await until(lambda: one.leading)
    await two.start()
    async with SqlUnitOfWork(engines[1]) as uow:
        job = await uow.jobs.add(KIND, 999, SystemClock().now())
        await uow.commit()
    two.add(job)  # as its bootstrap does after its own commit
    await until(lambda: fired == ["one"])
    await asyncio.sleep(5 * LOOK)
    assert fired == ["one"]
    await one.stop()
    await two.stop()


async def test_the_lock_is_one_sessions_and_goes_when_released(engines: list[AsyncEngine]) -> None:
    first, second = AdvisoryLock(engines[0]), AdvisoryLock(engines[1])
    assert await first.acquire() and await first.acquire()  # held, not taken twice
    assert not await second.acquire()
    assert await first.held()
    await first.release()
    assert not await first.held()
    assert await second.acquire()
    await second.release()
