"""A Cecosesola-sized network, generated reproducibly from a seed: 50 groups, 23,000 people on
their rosters, 1,300 of them trusted, and a year of shifts, requests, offers and polls.

Group 1 (80 people) lives through the core: every step is an event handed to
bot.dispatch.handle as an adapter hands it (bench/driver.py), on a clock set by hand that
walks its last --core-weeks weeks up to now, the scheduler's jobs run as they fall due and
the sender drains the outbox to a null platform after each event, whose message ids the
people's presses then carry. /setup, Join pressed by the founders in the founding day,
/start in private by three in four, /join (typed or pressed) by the others, /trust by the
founders until eight are trusted, two weekly activities by /shift add; then, day by day,
/request and /offer in private (one-line forms), "I can help" pressed on request posts and
/done by the volunteer, "I'd like this" on offers, sign-ups pressed on shift posts,
/propose in the group and votes pressed on it, and a few views (/shifts, /requests,
/offers, /polls, /mine). The earlier weeks of its year, and the 49 other groups (rosters,
trust, a year of history each at the same rates per person), are written by the bulk path,
bench/bulk.py, whose docstring says why and what exactly.

Reproducible: each part (group 1's life, its earlier weeks, each other group, the sizes of
the groups) draws from a random generator of its own seeded from --seed, so the same seed
writes the same network, dated back from the moment it is built (where a weekday decides,
such as how many weekly shifts fall within the year, a count may differ by a few rows), and
a change in the core changes only group 1's life.

SQLite by default (a file in the run's folder); --postgres [URL] builds it in a new
database on that server. --keep keeps it for bench/mixed.py --network URL. --scale scales
the groups, people and trusted members (0.1: 5 groups, 2,300 people). Prints how long
each part took.

    .venv/bin/python -m bench.network [--scale 1] [--seed 7] [--postgres [URL]] [--keep]
"""

import argparse
import asyncio
import json
import math
import random
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is not installed
    sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402
from bench.databases import DEFAULT_POSTGRES, postgres_database  # noqa: E402
from bench.driver import SYSTEM, BenchClock, Minga, Someone, group_chat  # noqa: E402
from bench.report import session, table  # noqa: E402
from bench.statements import COUNT_HEADERS, LABEL, StatementCounter, table_of  # noqa: E402
from bot.bootstrap import setup_logging  # noqa: E402
from bot.config import LoggingConfig  # noqa: E402
from bot.messages import Chat  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.models import GroupRow, NetworkGroupRow, NetworkRow  # noqa: E402

DAY = timedelta(days=1)
MANIFEST = "bench_network"  # a table of the bench's own: what was built, for mixed.py


@dataclass(frozen=True)
class Plan:
    """What to build. The defaults are the issue's network."""

    groups: int = 50
    people: int = 23_000
    trusted: int = 1_300
    core_people: int = 80  # group 1, built through the core
    core_weeks: int = 6  # of group 1's year lived through the core; the rest is bulk
    weeks: int = 52  # the history of every group
    seed: int = 7

    def scaled(self, scale: float) -> "Plan":
        return replace(
            self,
            groups=max(1, round(self.groups * scale)),
            people=max(self.core_people, round(self.people * scale)),
            trusted=max(8, round(self.trusted * scale)),
        )


@dataclass
class Built:
    url: str
    plan: Plan
    now: datetime  # the network's present: the end of its history
    core_events: int = 0
    core_jobs: int = 0
    core_seconds: float = 0.0
    bulk_rows: int = 0
    bulk_seconds: float = 0.0
    core_counts: dict[str, object] = field(default_factory=dict)


# --- group 1, through the core --------------------------------------------------------------

REQUEST_WHEN = ("tomorrow", "in 2 days", "in 5 days", "")  # "": as soon as possible
OFFER_UNTIL = ("in 3 days", "in 7 days", "")  # "": no end
VIEWS = (
    ("group", "/shifts"),
    ("group", "/requests"),
    ("group", "/offers"),
    ("group", "/polls"),
    ("private", "/mine"),
)
BOX = (
    '/shift add "Box distribution" sat 10:00-13:00 weekly places 10 roles packer:4,table:4,driver:2'
)
BREAD = '/shift add "Bread pickup" wed 18:00-19:00 weekly collection places 2'
VOUCHED = 3  # newcomers the founders vouch for: 5 founders + 3 = 8 trusted


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's: how many things happen in a day when `mean` happen on average."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class CoreGroup:
    """A group lived through the core: its people and its chat, as the platform has them."""

    minga: Minga
    rng: random.Random
    number: int
    people: list[Someone]
    chat: Chat = field(init=False)
    events: int = 0
    jobs: int = 0

    def __post_init__(self) -> None:
        self.chat = group_chat(bulk.group_chat_id(self.number), bulk.group_name(self.number))

    async def at(self, moment: datetime) -> None:
        """The clock moves on to `moment`; what fell due meanwhile runs, then is sent."""
        clock = self.minga.clock
        assert clock.at is not None
        clock.at = max(clock.at, moment)
        self.jobs += await self.minga.fire_due("build:job")
        await self.minga.drain()

    async def say(self, who: Someone, line: str, private: bool = False) -> None:
        chat = who.private if private else self.chat
        await self.minga.say(who, chat, line, "build:" + line.split()[0])
        self.events += 1
        await self.minga.drain()

    async def press(self, who: Someone, kind: str, choose: Callable[[str], bool]) -> bool:
        """Press a button on a post of this kind in the group chat whose data `choose`
        likes; False when no post shows one."""
        found = [
            (shown.message_id, data)
            for _, shown in self.minga.platform.screen.find(self.chat.chat_id, kind)
            for data in shown.buttons
            if choose(data)
        ]
        if not found:
            return False
        message_id, data = self.rng.choice(found)
        await self.minga.press(who, self.chat, message_id, data, "build:press " + data.split()[0])
        self.events += 1
        await self.minga.drain()
        return True

    def anyone(self) -> Someone:
        return self.rng.choice(self.people)

    # --- the first week ------------------------------------------------------------------

    async def found(self, start: datetime) -> None:
        people, rng = self.people, self.rng
        await self.at(start)
        await self.say(people[0], f"/setup {self.chat.title}")
        for who in people[1 : bulk.FOUNDERS]:  # Join pressed in the founding day
            await self.at(self.minga.clock.now() + timedelta(minutes=rng.uniform(5, 60)))
            await self.press(who, "welcome", lambda data: data == "join")
        starters = [who for who in people if rng.random() < bulk.PRIVATE_SHARE]
        joiners = people[bulk.FOUNDERS :]
        moments = sorted(
            [(start + DAY * rng.uniform(0, 14), "start", who) for who in starters]
            + [(start + DAY * rng.uniform(1.1, 7), "join", who) for who in joiners],
            key=lambda m: m[0],
        )
        for moment, what, who in moments:
            await self.at(moment)
            if what == "start":
                await self.say(who, "/start", private=True)
            elif rng.random() < 0.5 or not await self.press(
                who, "welcome", lambda data: data == "join"
            ):
                await self.say(who, "/join")
        await self.at(start + 7.5 * DAY)
        for newcomer in joiners[:VOUCHED]:  # two founders vouch, then three (vouches_needed)
            for voucher in people[: bulk.VOUCHES]:
                await self.say(voucher, f"/trust @{newcomer.handle}")
        await self.say(people[0], BOX)
        await self.say(people[1], BREAD)

    # --- a day in its life ------------------------------------------------------------------

    async def live(self, day: datetime) -> None:
        """One day: things happen at random hours between 8:00 and 22:00."""
        rng = self.rng
        plan: list[tuple[float, Callable[[], Awaitable[object]]]] = []

        def happen(mean: float, act: Callable[[], Awaitable[object]]) -> None:
            plan.extend((rng.uniform(8, 22), act) for _ in range(poisson(rng, mean)))

        screen, chat_id = self.minga.platform.screen, self.chat.chat_id
        open_requests = len(screen.find(chat_id, "request"))
        open_offers = len(screen.find(chat_id, "offer"))
        open_polls = len(screen.find(chat_id, "poll"))
        claimed = await self._claimed()
        happen(4 / 7, self.request)
        happen(
            0.5 * open_requests,
            lambda: self.press(self.anyone(), "request", lambda d: d.startswith("claim ")),
        )
        for request_id, volunteer in claimed:
            if rng.random() < 0.4:
                plan.append(
                    (
                        rng.uniform(8, 22),
                        lambda n=request_id, v=volunteer: self.say(v, f"/done R{n}", private=True),
                    )
                )
        happen(2 / 7, self.offer)
        happen(
            0.3 * open_offers,
            lambda: self.press(self.anyone(), "offer", lambda d: d.startswith("take ")),
        )
        happen(1.5, lambda: self.press(self.anyone(), "shift", lambda d: d.startswith("signup ")))
        happen(24 / 365, lambda: self.say(self.anyone(), "/propose " + rng.choice(bulk.PROPOSALS)))
        happen(
            4 * open_polls,
            lambda: self.press(self.anyone(), "poll", lambda d: d.split()[-1] in "123"),
        )
        happen(3, self.view)
        for hour, act in sorted(plan, key=lambda p: p[0]):
            await self.at(day + timedelta(hours=hour))
            await act()

    async def request(self) -> None:
        rng = self.rng
        when = rng.choice(REQUEST_WHEN)
        head = f"{rng.choice(bulk.CATEGORIES[:4])} {rng.choice(bulk.AREAS[:3])}"
        await self.say(
            self.anyone(),
            f"/request {head}{' by ' + when if when else ''}: {rng.choice(bulk.NEEDS)}",
            private=True,
        )

    async def offer(self) -> None:
        rng = self.rng
        until = rng.choice(OFFER_UNTIL)
        head = f"{rng.choice(bulk.CATEGORIES[:4])} {rng.choice(bulk.AREAS[:3])}"
        await self.say(
            self.anyone(),
            f"/offer {head}{' until ' + until if until else ''}: {rng.choice(bulk.HAVES)}",
            private=True,
        )

    async def view(self) -> None:
        where, line = self.rng.choice(VIEWS)
        await self.say(self.anyone(), line, private=where == "private")

    async def _claimed(self) -> list[tuple[int, Someone]]:
        """The group's claimed requests and their volunteers (the bench peeks: not minga)."""
        token = LABEL.set("(bench)")
        try:
            async with self.minga.reader.connect() as conn:
                rows = (
                    await conn.execute(
                        text(
                            "SELECT r.id, i.user_id FROM requests r JOIN identities i ON "
                            "i.person_id = r.claimer_id JOIN chats c ON c.group_id = r.group_id "
                            "WHERE c.chat_id = :chat AND r.state = 'claimed' ORDER BY r.id"
                        ),
                        {"chat": self.chat.chat_id},
                    )
                ).all()
                await conn.rollback()
        finally:
            LABEL.reset(token)
        by_user = {who.user_id: who for who in self.people}
        return [(r.id, by_user[r.user_id]) for r in rows if r.user_id in by_user]


async def build_core_group(
    minga: Minga,
    number: int,
    first_person: int,
    size: int,
    start: datetime,
    end: datetime,
    rng: random.Random,
) -> CoreGroup:
    """A group founded at `start` and lived day by day until `end`, through the core."""
    group = CoreGroup(minga, rng, number, [bulk.someone(first_person + n) for n in range(size)])
    await group.found(start)
    day = (start + 8 * DAY).replace(hour=0, minute=0, second=0, microsecond=0)
    while day + DAY <= end:
        await group.live(day)
        day += DAY
    await group.at(end)
    return group


# --- the whole network ---------------------------------------------------------------------


def group_sizes(plan: Plan, rng: random.Random) -> list[int]:
    """Group 1 has core_people; the others share the rest, unevenly (some big, most not)."""
    others = plan.groups - 1
    rest = plan.people - plan.core_people
    if others <= 0:
        return [plan.core_people]
    weights = [rng.lognormvariate(0, 0.5) for _ in range(others)]
    sizes = [max(10, round(rest * w / sum(weights))) for w in weights]
    sizes[-1] += rest - sum(sizes)  # exactly plan.people in all
    return [plan.core_people, *sizes]


def trusted_shares(plan: Plan, sizes: list[int], core_trusted: int) -> list[int]:
    others = sum(sizes[1:])
    left = max(0, plan.trusted - core_trusted)
    shares = [
        max(bulk.FOUNDERS, round(left * size / others)) if others else 0 for size in sizes[1:]
    ]
    return [core_trusted, *[min(s, size) for s, size in zip(shares, sizes[1:], strict=True)]]


async def build(
    url: str, plan: Plan, counter: StatementCounter | None = None, progress: bool = True
) -> Built:
    """The network on the (empty or fresh) database of `url`."""
    now = SYSTEM.now()
    built = Built(url, plan, now)
    start = now - timedelta(weeks=plan.core_weeks)
    minga = await Minga.open(url, BenchClock(start), counter)
    started = time.perf_counter()
    try:
        core = await build_core_group(
            minga, 0, 0, plan.core_people, start, now, stream(plan, "core")
        )
    finally:
        await minga.close()
    built.core_events, built.core_jobs = core.events, core.jobs
    built.core_seconds = time.perf_counter() - started
    built.core_counts = dict(minga.counter.snapshot())
    if progress:
        print(
            f"group 1 through the core: {core.events} events and {core.jobs} jobs in "
            f"{built.core_seconds:.1f} s ({(core.events + core.jobs) / built.core_seconds:.1f}"
            " a second)",
            flush=True,
        )
    started = time.perf_counter()
    await write_bulk(url, plan, now, progress)
    built.bulk_seconds = time.perf_counter() - started
    built.bulk_rows = await count_rows(url)
    await write_manifest(url, plan, now)
    return built


def stream(plan: Plan, part: str) -> random.Random:
    """A random generator of its own for each part of the network: what one part draws
    (group 1's life depends on the core's answers) changes nothing in the others."""
    return random.Random(f"{plan.seed}-{part}")


async def write_bulk(url: str, plan: Plan, now: datetime, progress: bool) -> int:
    """Group 1's earlier weeks and every other group, by the bulk path."""
    engine = create_engine(url)
    try:
        writer = await bulk.Writer.on(engine)
        history_start = now - timedelta(weeks=plan.weeks)
        core_start = now - timedelta(weeks=plan.core_weeks)
        if plan.weeks > plan.core_weeks:
            group = await read_group(engine, bulk.group_chat_id(0))
            bulk.add_history(
                writer,
                group,
                bulk.Window(history_start, core_start, now, False),
                stream(plan, "group-1-earlier"),
            )
            await writer.flush(engine)
        sizes = group_sizes(plan, stream(plan, "sizes"))
        trusted = trusted_shares(plan, sizes, bulk.FOUNDERS + VOUCHED)
        person = plan.core_people
        window = bulk.Window(history_start, now, now, True)
        for number in range(1, plan.groups):
            rng = stream(plan, f"group-{number + 1}")
            people = bulk.add_people(
                writer, range(person, person + sizes[number]), history_start, rng
            )
            person += sizes[number]
            group = bulk.add_group(writer, number, people, trusted[number], history_start, now, rng)
            bulk.add_history(writer, group, window, rng)
            await writer.flush(engine)
            if progress and number % 10 == 0:
                print(
                    f"  bulk: {number} of {plan.groups - 1} groups, {writer.written:,} rows",
                    flush=True,
                )
        await writer.finish(engine)
        return writer.written
    finally:
        await engine.dispose()


async def read_group(engine: AsyncEngine, chat_id: str) -> bulk.BulkGroup:
    """A group built through the core, as the bulk path needs it."""
    async with engine.connect() as conn:
        group = (
            await conn.execute(
                text(
                    "SELECT g.id, g.name, g.created_at FROM groups g "
                    "JOIN chats c ON c.group_id = g.id WHERE c.chat_id = :chat"
                ),
                {"chat": chat_id},
            )
        ).one()
        members = (
            await conn.execute(
                text(
                    "SELECT id, person_id, status FROM members "
                    "WHERE group_id = :group AND status != 'left' ORDER BY id"
                ),
                {"group": group.id},
            )
        ).all()
        await conn.rollback()
    return bulk.BulkGroup(
        group.id,
        0,
        group.name,
        chat_id,
        group.created_at,
        [bulk.Member(m.id, m.person_id, m.status) for m in members],
    )


NETWORK_NAME = "Barquisimeto"


async def one_network(url: str, now: datetime) -> None:
    """Every group in one network, by the bulk path: the rows that binding proposals to form
    and join it leave (a networks row, a network_groups row a group), without the
    proposals, which are not what the benchmarks that need a network measure."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            networks, members = NetworkRow.__table__, NetworkGroupRow.__table__
            network_id = (
                await conn.execute(
                    insert(networks).returning(networks.c.id),
                    {"name": NETWORK_NAME, "name_key": NETWORK_NAME.casefold(), "created_at": now},
                )
            ).scalar_one()
            groups = (await conn.execute(select(GroupRow.__table__.c.id))).scalars().all()
            await conn.execute(
                insert(members),
                [{"group_id": g, "network_id": network_id, "joined_at": now} for g in groups],
            )
    finally:
        await engine.dispose()


TABLES = (
    "people",
    "members",
    "requests",
    "offers",
    "shifts",
    "signups",
    "polls",
    "votes",
    "jobs",
    "outbox",
    "audit",
)


async def table_sizes(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            sizes = {
                name: (await conn.execute(text(f"SELECT count(*) FROM {name}"))).scalar_one()
                for name in TABLES
            }
            sizes["trusted"] = (
                await conn.execute(text("SELECT count(*) FROM members WHERE status = 'trusted'"))
            ).scalar_one()
            sizes["groups"] = (await conn.execute(text("SELECT count(*) FROM groups"))).scalar_one()
            await conn.rollback()
    finally:
        await engine.dispose()
    return sizes


async def count_rows(url: str) -> int:
    return sum(v for k, v in (await table_sizes(url)).items() if k in TABLES)


async def write_manifest(url: str, plan: Plan, now: datetime) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    f"CREATE TABLE IF NOT EXISTS {MANIFEST} "
                    "(key VARCHAR(50) PRIMARY KEY, value TEXT NOT NULL)"
                )
            )
            await conn.execute(text(f"DELETE FROM {MANIFEST}"))
            await conn.execute(
                text(f"INSERT INTO {MANIFEST} (key, value) VALUES (:k, :v)"),
                [{"k": "plan", "v": json.dumps(asdict(plan))}, {"k": "now", "v": now.isoformat()}],
            )
    finally:
        await engine.dispose()


async def read_manifest(url: str) -> tuple[Plan, datetime] | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = {
                r.key: r.value
                for r in await conn.execute(text(f"SELECT key, value FROM {MANIFEST}"))
            }
            await conn.rollback()
    except Exception:  # not a network this bench built
        return None
    finally:
        await engine.dispose()
    return Plan(**json.loads(rows["plan"])), datetime.fromisoformat(rows["now"])


def describe(sizes: dict[str, int]) -> str:
    return ", ".join(f"{name} {value:,}" for name, value in sizes.items())


def build_rows(built: Built) -> list[tuple[str, str, str]]:
    events = built.core_events + built.core_jobs
    return [
        (
            "group 1 through the core",
            f"{built.core_events:,} events + {built.core_jobs:,} jobs "
            f"in {built.core_seconds:.1f} s",
            f"{events / built.core_seconds:.1f} events/s",
        ),
        (
            "the rest by the bulk path",
            f"{built.bulk_seconds:.1f} s",
            f"{built.bulk_rows:,} rows in the main tables in all",
        ),
    ]


BUILD_HEADERS = ("building", "took", "rate")


def plan_options(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark that builds a network takes."""
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="groups, people and trusted members x this (1: 50 groups, "
        "23,000 people, 1,300 trusted)",
    )
    parser.add_argument("--seed", type=int, default=7, help="the same seed, the same network")
    parser.add_argument(
        "--core-weeks",
        type=int,
        default=Plan.core_weeks,
        help=f"weeks group 1 lives through the core ({Plan.core_weeks})",
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_POSTGRES,
        default=None,
        metavar="URL",
        help="PostgreSQL: a new database on this server "
        f"(default {DEFAULT_POSTGRES}), dropped at the end unless --keep",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database (and the run's folder)"
    )


QUICK = Plan(groups=3, people=600, trusted=40, core_weeks=2)


def chosen_plan(found: argparse.Namespace) -> Plan:
    if getattr(found, "quick", False):
        return replace(QUICK, seed=found.seed)
    return Plan(seed=found.seed, core_weeks=found.core_weeks).scaled(found.scale)


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    plan_options(parser)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a check: 3 groups, 600 people, 2 weeks through the core",
    )
    return parser.parse_args()


def log_to(folder: Path) -> None:
    """minga's own log to a file in the run's folder, as in production (INFO)."""
    log = open(folder / "minga.log", "a")  # noqa: SIM115 - for the whole run
    setup_logging(LoggingConfig(level="INFO"), console=False, stream=log)


async def bench(chosen: argparse.Namespace, folder: Path) -> None:
    plan = chosen_plan(chosen)
    print(f"plan: {plan}", flush=True)
    if chosen.postgres:
        async with postgres_database(chosen.postgres, "network", chosen.keep) as url:
            await build_and_print(url, plan)
    else:
        url = f"sqlite:///{folder}/network.db"
        await build_and_print(url, plan)
        if chosen.keep:
            print(f"kept SQLite database: {url}")


async def build_and_print(url: str, plan: Plan) -> None:
    counter = StatementCounter()
    built = await build(url, plan, counter)
    print(f"\nbuilt: {describe(await table_sizes(url))}\n")
    print(table(build_rows(built), BUILD_HEADERS))
    print("\nstatements per event while building group 1 through the core:")
    print(table(table_of(counter.counts, ["build"]), COUNT_HEADERS))


def main() -> None:
    chosen = options()
    with session("network: a Cecosesola-sized network from a seed", chosen.keep) as folder:
        log_to(folder)
        asyncio.run(bench(chosen, folder))


if __name__ == "__main__":
    main()
