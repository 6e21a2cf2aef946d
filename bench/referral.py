"""A referral storm: 500 unclaimed requests in 50 groups of one network offered to the other
groups at the same moment, and the time until every sibling post is out.

The network is written by the bulk path (bench/bulk.py: --groups groups of --people people
each, five of them trusted, in one network as bench/network.py's one_network leaves it);
in each group, --requests open requests nobody took, whose person agreed to a referral,
each with its request_refer job due at one moment (the moment the network was written: as
after a referral_hours wait that ended for all of them at once, or refer_at_once for 500
people asking together). minga then starts as in production (bench/driver.py: the core, its
real scheduler, which runs the 500 jobs, and its real sender, paced by the Telegram
adapter's own pacer, adapters/telegram/pacing.py) against a null platform that counts every
message taken against Telegram's limits (30 a second in all, 20 a minute in a group, one a
second in a private chat), as Telegram would answer 429.

Figures (time.monotonic): from the start of minga until the platform took the last sibling
post (each request in each other group's chat: --requests x --groups x (--groups - 1)),
÷ the minimum Telegram's limits allow for everything sent meanwhile: the most of (n - 1)
// 30 s for the n messages in all, ((k - 1) // 20) x 60 s for a group chat that took k,
and k - 1 s for a private chat that took k (the requesters hear that their request was
offered). Messages that broke a limit (a 429 on Telegram), and the bare INSERT+COMMIT loops
of bench/floors.py, measured after. Target: ≤ 1.1 x the minimum, no message over a limit.
With Telegram's 20 a minute in a group, the issue's storm (490 posts in each group chat)
needs at least 24 minutes; --scale 0.1 (5 groups, 50 requests, 40 posts a chat) 1 minute.

    .venv/bin/python -m bench.referral [--scale 1] [--requests 10] [--people 10]
"""

import argparse
import asyncio
import random
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is not installed
    sys.path.insert(0, str(ROOT))

from adapters.delivery import Outlet  # noqa: E402
from adapters.telegram.adapter import EDIT_EVERY  # noqa: E402
from adapters.telegram.pacing import Pacer, own_limit  # noqa: E402
from bench import bulk  # noqa: E402
from bench import floors as bare  # noqa: E402
from bench.driver import PLATFORM, SYSTEM, BenchClock, Minga, NullPlatform  # noqa: E402
from bench.network import log_to, one_network  # noqa: E402
from bench.report import session, table, verdict  # noqa: E402
from bench.statements import StatementCounter  # noqa: E402
from bot.model import OutboxMessage  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

OVERALL = (30, 1.0)  # Telegram: messages a second in all (tests/botapi.py LIMITS)
TARGET = 1.1
WAIT = 3600.0  # seconds at most for the storm to be out


def telegram_id(chat_id: str) -> int:
    """The bench's chat ids as Telegram's: group-N → -N (a group), uN → N + 1 (private)."""
    if chat_id.startswith("group-"):
        return -int(chat_id.removeprefix("group-"))
    return int(chat_id.removeprefix("u")) + 1


@dataclass
class PacedPlatform(NullPlatform):
    """The null platform behind the Telegram adapter's pacer, noting when it took each
    message and each one a Telegram limit would have refused."""

    pacer: Pacer = field(default_factory=Pacer)
    taken: list[tuple[float, str]] = field(default_factory=list)  # messages (not answers)
    referred_at: list[float] = field(default_factory=list)  # sibling posts taken
    over_limit: int = 0
    _windows: dict[str, deque[float]] = field(default_factory=dict)

    async def deliver(self, row: OutboxMessage) -> tuple[str, ...]:
        if row.kind == "toast":
            return await super().deliver(row)
        async with self.pacer.slot(telegram_id(row.chat_id), row.priority):
            answer = await super().deliver(row)
            self._count(row.chat_id)
        if row.kind == "send" and (row.key or "").startswith("request:"):
            self.referred_at.append(time.monotonic())
        return answer

    def _count(self, chat_id: str) -> None:
        now = time.monotonic()
        self.taken.append((now, chat_id))
        for key, (count, seconds) in (
            ("", OVERALL),
            (chat_id, own_limit(telegram_id(chat_id))),
        ):
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) >= count:
                self.over_limit += 1
            window.append(now)

    def outlet(self) -> Outlet:
        return Outlet(
            PLATFORM,
            self.deliver,
            ready_in=lambda chat: self.pacer.ready_in(telegram_id(chat)),
            edit_every=lambda chat: EDIT_EVERY["group" if chat.startswith("group-") else "private"],
        )


def minimum_seconds(taken: Counter[str]) -> float:
    """The least time Telegram's limits allow for these messages, the first at 0 s."""
    count, seconds = OVERALL
    least = (sum(taken.values()) - 1) // count * seconds
    for chat_id, k in taken.items():
        count, seconds = own_limit(telegram_id(chat_id))
        least = max(least, (k - 1) // count * seconds)
    return least


async def write_storm(url: str, groups: int, people: int, requests: int, seed: int) -> int:
    """The groups, in one network, with their requests due to be referred now; how many."""
    engine = create_engine(url)
    rng = random.Random(seed)
    now = SYSTEM.now()
    start = now - timedelta(weeks=2)
    try:
        await upgrade(engine)
        writer = await bulk.Writer.on(engine)
        for number in range(groups):
            ids = bulk.add_people(writer, range(number * people, (number + 1) * people), start, rng)
            group = bulk.add_group(writer, number, ids, min(bulk.FOUNDERS, people), start, now, rng)
            for _ in range(requests):
                request_id = writer.take("requests")
                asked = now - timedelta(hours=rng.uniform(0, 1))
                writer.add(
                    "requests",
                    id=request_id,
                    group_id=group.id,
                    requester_id=rng.choice(ids),
                    category="food",
                    description=rng.choice(bulk.NEEDS),
                    area=rng.choice(bulk.AREAS),
                    needed_by=None,
                    urgent=False,
                    contact="relay",
                    show_name=False,
                    state="open",
                    claimer_id=None,
                    created_at=asked,
                    changed_at=asked,
                    thanks=None,
                    anonymised=False,
                    refer=True,
                )
                writer.add(
                    "jobs",
                    id=writer.take("jobs"),
                    kind="request_refer",
                    ref_id=request_id,
                    due_at=now,
                    done_at=None,
                    outcome=None,
                )
        await writer.flush(engine)
        await writer.finish(engine)
    finally:
        await engine.dispose()
    await one_network(url, now)
    return groups * requests


@dataclass
class Storm:
    posts: int  # sibling posts taken
    expected: int
    seconds: float  # until the last of them
    minimum: float
    messages: int  # taken in all meanwhile
    over_limit: int
    failed: int


async def run_storm(url: str, expected: int) -> Storm:
    platform = PacedPlatform()
    minga = await Minga.open(url, BenchClock(), StatementCounter(), platform)
    try:
        started = time.monotonic()
        await minga.run_edges(scheduler=True)
        for _ in range(int(WAIT / 0.2)):
            if len(platform.referred_at) >= expected:
                break
            await asyncio.sleep(0.2)
        posts = list(platform.referred_at)
        last = max(posts, default=started)
        taken = Counter(chat for at, chat in platform.taken if at <= last)
        return Storm(
            len(posts),
            expected,
            last - started,
            minimum_seconds(taken),
            sum(taken.values()),
            platform.over_limit,
            minga.failures.total,
        )
    finally:
        await minga.close()


async def pending_referrals(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return int(
                (
                    await conn.execute(
                        text(
                            "SELECT count(*) FROM jobs "
                            "WHERE kind = 'request_refer' AND done_at IS NULL"
                        )
                    )
                ).scalar_one()
            )
    finally:
        await engine.dispose()


def figures(storm: Storm, left: int, floors: bare.Floors) -> list[tuple[str, str, str, str]]:
    ratio = storm.seconds / storm.minimum if storm.minimum else None
    return [
        (
            "sibling posts out",
            f"{storm.posts:,} of {storm.expected:,}",
            "all",
            verdict(storm.posts == storm.expected),
        ),
        ("referral jobs left undone", str(left), "0", verdict(left == 0)),
        (
            "time until the last sibling post",
            f"{storm.seconds:.1f} s",
            "",
            "",
        ),
        (
            "  the least Telegram's limits allow",
            f"{storm.minimum:.0f} s for {storm.messages:,} messages taken meanwhile",
            "",
            "",
        ),
        (
            "  ratio",
            f"{ratio:.3f} x" if ratio is not None else "none: all within the first second",
            f"<= {TARGET:g} x",
            verdict(ratio <= TARGET) if ratio is not None else "",
        ),
        ("messages over a limit (429)", str(storm.over_limit), "0", verdict(not storm.over_limit)),
        ("failed events and jobs", str(storm.failed), "0", verdict(not storm.failed)),
        *floors.rows("floor (after the storm): "),
    ]


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--groups", type=int, default=50, help="in the network (50)")
    parser.add_argument("--requests", type=int, default=10, help="referred, a group (10)")
    parser.add_argument("--people", type=int, default=10, help="on each roster (10)")
    parser.add_argument("--scale", type=float, default=1.0, help="groups x this (0.1: 5)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--floor-ops", type=int, default=2000, help="transactions of each floor loop (2000)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the run's folder")
    found = parser.parse_args()
    found.groups = max(2, round(found.groups * found.scale))
    return found


async def bench(chosen: argparse.Namespace, folder: Path) -> None:
    url = f"sqlite:///{folder}/referral.db"
    started = time.perf_counter()
    expected = await write_storm(url, chosen.groups, chosen.people, chosen.requests, chosen.seed)
    print(
        f"{chosen.groups} groups of {chosen.people} in one network, {expected} requests due to "
        f"be referred at once, by the bulk path, in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    storm = await run_storm(url, expected * (chosen.groups - 1))
    left = await pending_referrals(url)
    floors = await bare.measure(folder, None, chosen.floor_ops)
    print()
    print(table(figures(storm, left, floors)))


def main() -> None:
    chosen = options()
    with session("referral: a storm of requests offered to the network at once", chosen.keep) as f:
        log_to(f)
        asyncio.run(bench(chosen, f))


if __name__ == "__main__":
    main()
