"""The mixed load on a network: 60 % views, 30 % presses, 10 % new items, as figures against
the floors of the same run.

On the network of bench/network.py (built here, or a kept one: --network URL), minga runs as
in production (bench/driver.py: the core, its real sender draining the outbox to a null
platform, its real scheduler), and people act, one event at a time (sequential), then
--concurrency at a time (a webhook takes updates concurrently). Who acts is drawn from every
roster (a big group acts more), what they do from a seeded mix:
- views (60 %): /requests, /shifts, /offers, /polls in their group's chat; /help, /mine,
  /myshifts in their private chat;
- presses (30 %): "I can help" on an open request's post (claim), a role's button on the
  post of a coming shift (signup), an answer on an open poll's post (vote): always the data
  of a button minga put on a post, with that post's message id, as the null platform got it
  (or as the outbox kept it, for what was sent before this process started);
- new items (10 %): /request and /offer in private (one-line forms), /propose in the group.
The first --warm-up events are not measured (the first /request loads dateparser).

Figures: events a second and their ratio to the SQLAlchemy INSERT+COMMIT loop measured in
the same run (bench/floors.py; one event costing k minimal transactions runs at 1/k);
p50/p95/p99 in ms (time.perf_counter around bot.dispatch.handle); failed events (handle
raised, or the core logged event=failed); statements per event, per kind of event and per
command (bench/statements.py: a SQLAlchemy before_cursor_execute hook); outbox rows per
event; what the sender sent meanwhile, and its backlog when the events stop (rows it could
send, the age of the oldest, and how long it then took to send them); peak RSS of this
process (which built the network too, unless --network); where the database time went (the
statements that took longest in all, and who ran them: --slowest); with --alone, the same
sequential mix once more with the sender and the scheduler stopped, which says what they
cost the events. The floors are measured just before and just after the sequential run, and
counted together (the machine's load changes). Floors (the issue): SQLite ≥ 25 %
of its SQLAlchemy floor and p99 ≤ 25 ms; PostgreSQL ≥ 25 % of its SQLAlchemy floor;
statements: views ≤ 5, presses ≤ 10, new items ≤ 12; --concurrency on SQLite: 0 failed
and p99 ≤ 4 × the sequential p99; the sender ends the sequential run ≤ 1 s behind.

    .venv/bin/python -m bench.mixed [--events 1500] [--concurrency 8] [--postgres [URL]]
        [--network URL] [--show-sql] [--alone] [--scale 1] [--seed 7] [--keep] [--quick]
"""

import argparse
import asyncio
import random
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is not installed
    sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402
from bench import floors as bare  # noqa: E402
from bench.databases import is_postgres, postgres_database  # noqa: E402
from bench.driver import BenchClock, Minga, Someone, group_chat  # noqa: E402
from bench.network import (  # noqa: E402
    BUILD_HEADERS,
    Plan,
    build,
    build_rows,
    chosen_plan,
    describe,
    log_to,
    plan_options,
    read_manifest,
    table_sizes,
)
from bench.report import percentile, session, table, verdict  # noqa: E402
from bench.statements import (  # noqa: E402
    SLOWEST_HEADERS,
    Counts,
    StatementCounter,
    by_family,
    print_samples,
    slowest,
)
from bot.messages import Chat  # noqa: E402

FAMILIES = ("views", "presses", "new")
SHARES = (0.6, 0.3, 0.1)
VIEWS = (
    (("group", "/requests"), 3),
    (("group", "/shifts"), 3),
    (("group", "/offers"), 2),
    (("group", "/polls"), 2),
    (("private", "/help"), 1),
    (("private", "/mine"), 2),
    (("private", "/myshifts"), 1),
)
PRESSES = ("claim", "signup", "vote")
NEW = ("/request", "/offer", "/propose")
STATEMENT_FLOORS = {"views": 5, "presses": 10, "new": 12}
SQLITE_P99 = 0.025  # seconds
SHARE_OF_FLOOR = 0.25
CONCURRENT_P99 = 4.0  # × the sequential p99
BACKLOG = 1.0  # seconds
DRAIN_WAIT = 60.0  # seconds the sender gets after the events to send what is left


@dataclass
class Group:
    id: int
    chat: Chat
    people: list[Someone]


@dataclass
class World:
    """The network as its people know it: who is on which roster, which chat is whose."""

    groups: list[Group]
    upcoming: set[int]  # shifts posted and still to come: their sign-up buttons work
    everyone: list[tuple[Someone, Group]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.everyone = [(who, g) for g in self.groups for who in g.people]

    @classmethod
    async def load(cls, minga: Minga, only_chat: str | None = None) -> "World":
        async with minga.reader.connect() as conn:
            chats = (
                await conn.execute(
                    text(
                        "SELECT group_id, chat_id, title FROM chats WHERE kind = 'group' AND "
                        "group_id IS NOT NULL ORDER BY group_id"
                    )
                )
            ).all()
            people = await conn.execute(
                text(
                    "SELECT m.group_id, i.user_id, i.name, i.handle FROM members m JOIN "
                    "identities i ON i.person_id = m.person_id WHERE m.status != 'left' "
                    "ORDER BY m.id"
                )
            )
            rosters: dict[int, list[Someone]] = defaultdict(list)
            for row in people:
                rosters[row.group_id].append(Someone(row.user_id, row.name, row.handle))
            soon = minga.clock.now()
            upcoming = {
                r.id
                for r in await conn.execute(
                    text(
                        "SELECT id FROM shifts WHERE posted AND state = 'scheduled' "
                        "AND starts_at > :soon"
                    ),
                    {"soon": soon.replace(tzinfo=None) if minga.url.startswith("sqlite") else soon},
                )
            }
            await conn.rollback()
        groups = [
            Group(c.group_id, group_chat(c.chat_id, c.title), rosters[c.group_id])
            for c in chats
            if only_chat in (None, c.chat_id) and rosters[c.group_id]
        ]
        return cls(groups, upcoming)


@dataclass
class Mix:
    """What people do, drawn from a seeded random generator; each event is chosen when it
    is sent, from what the screens show then."""

    minga: Minga
    world: World
    rng: random.Random
    sent: int = 0

    def family(self) -> str:
        return self.rng.choices(FAMILIES, SHARES)[0]

    async def one(self) -> tuple[str, float]:
        """One event: its label and the seconds handle() took."""
        family = self.family()
        who, group = self.rng.choice(self.world.everyone)
        self.sent += 1
        if family == "presses":
            done = await self._press(who, group)
            if done is not None:
                return done
            family = "views"  # nothing to press in that group now (rare): a look instead
        if family == "views":
            ((where, line),) = self.rng.choices([v for v, _ in VIEWS], [w for _, w in VIEWS])
            return await self._say(who, group, where, line, f"views:{line}")
        line = self.rng.choice(NEW)
        return await self._say(
            who, group, "group" if line == "/propose" else "private", self._new(line), f"new:{line}"
        )

    async def _say(
        self, who: Someone, group: Group, where: str, line: str, label: str
    ) -> tuple[str, float]:
        chat = group.chat if where == "group" else who.private
        return label, await self.minga.say(who, chat, line, label)

    def _new(self, command: str) -> str:
        rng = self.rng  # the same words as the network's history
        head = f"{rng.choice(bulk.CATEGORIES[:4])} {rng.choice(bulk.AREAS[:3])}"
        if command == "/request":
            when = rng.choice(("tomorrow", "in 2 days", "in 5 days", ""))
            return f"/request {head}{' by ' + when if when else ''}: {rng.choice(bulk.NEEDS)}"
        if command == "/offer":
            until = rng.choice(("in 3 days", "in 7 days", ""))
            return f"/offer {head}{' until ' + until if until else ''}: {rng.choice(bulk.HAVES)}"
        return "/propose " + rng.choice(bulk.PROPOSALS)

    async def _press(self, who: Someone, group: Group) -> tuple[str, float] | None:
        screen, chat_id = self.minga.platform.screen, group.chat.chat_id
        kinds = list(PRESSES)
        self.rng.shuffle(kinds)
        for kind in kinds:
            if kind == "claim":
                found = [
                    (shown.message_id, data)
                    for _, shown in screen.find(chat_id, "request")
                    for data in shown.buttons
                    if data.startswith("claim ")
                ]
            elif kind == "signup":
                found = [
                    (shown.message_id, data)
                    for number, shown in screen.find(chat_id, "shift")
                    if number in self.world.upcoming
                    for data in shown.buttons
                    if data.startswith("signup ")
                ]
            else:  # an answer that needs no reason: not "block" (4) on a proposal
                found = [
                    (shown.message_id, data)
                    for _, shown in screen.find(chat_id, "poll")
                    for data in shown.buttons
                    if data.split()[-1] in ("1", "2", "3")
                ]
            if found:
                message_id, data = self.rng.choice(found)
                label = f"presses:{kind}"
                return label, await self.minga.press(who, group.chat, message_id, data, label)
        return None


@dataclass
class Phase:
    """One run of the mix: sequential (concurrency 1) or N at a time."""

    name: str
    concurrency: int
    events: int = 0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failed: int = 0
    counts: dict[str, Counts] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)
    backlog: tuple[int, float, int] = (0, 0.0, 0)
    drained_after: float | None = None  # seconds after the last event until nothing pended
    samples: dict[str, list[str]] = field(default_factory=dict)  # the SQL of one event a kind
    timings: dict[tuple[str, str], list[float]] = field(default_factory=dict)

    @property
    def all_latencies(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    def p(self, share: float) -> float:
        values = self.all_latencies
        return percentile(values, share) if values else 0.0


async def run_phase(
    minga: Minga,
    mix: Mix,
    name: str,
    events: int,
    concurrency: int,
    samples: bool = False,
    drain: bool = True,
) -> Phase:
    """`events` events, `concurrency` at a time; what they cost."""
    phase = Phase(name, concurrency)
    counter = minga.counter
    counter.reset()
    counter.keep_samples = samples
    failed_before, sent_before = minga.failures.total, dict(minga.platform.sent)
    left = events

    async def worker() -> None:
        nonlocal left
        while left > 0:
            left -= 1
            label, seconds = await mix.one()
            phase.latencies[label].append(seconds)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    phase.seconds = time.perf_counter() - started
    phase.events = events
    phase.backlog = await minga.backlog()
    phase.counts = counter.snapshot()
    phase.samples = dict(counter.samples)
    phase.timings = {k: list(v) for k, v in counter.timings.items()}
    counter.keep_samples = False
    phase.failed = minga.failures.total - failed_before
    if drain:
        phase.drained_after = await drained_within(minga, DRAIN_WAIT)
    phase.sent = {k: minga.platform.sent[k] - sent_before[k] for k in sent_before}
    return phase


async def warm_up(minga: Minga, mix: Mix, events: int) -> None:
    """Not measured: first calls load what they need (dateparser, compiled statements)."""
    minga.counter.recording = False
    try:
        for _ in range(events):
            await mix.one()
    finally:
        minga.counter.recording = True


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


@dataclass
class Result:
    url: str
    sequential: Phase
    concurrent: Phase | None
    alone: Phase | None  # sequential with the sender and the scheduler stopped (--alone)
    floors: bare.Floors
    scheduler_start: float
    pending_jobs: int
    rss_mib: float


async def run_mix(
    url: str,
    events: int,
    concurrency: int,
    seed: int,
    warm: int,
    floors: bare.Floors | None = None,
    only_chat: str | None = None,
    samples: bool = False,
    folder: Path | None = None,
    floor_ops: int = 2000,
    alone: bool = False,
) -> Result:
    """The mix on the network at `url`: sequential, then `concurrency` at a time (0: not)."""
    minga = await Minga.open(url, BenchClock(), StatementCounter())
    try:
        await minga.platform.screen.load(minga.reader)
        world = await World.load(minga, only_chat)
        mix = Mix(minga, world, random.Random(seed))
        started = time.perf_counter()
        await minga.run_edges(scheduler=True)
        scheduler_start = time.perf_counter() - started
        pending = len(minga.scheduler._aps.get_jobs()) if minga.scheduler else 0
        await warm_up(minga, mix, warm)
        await settle(minga)
        measured = floors is None
        if floors is None:  # before and after the sequential run: the load changes
            assert folder is not None
            floors = await bare.measure(folder, url if is_postgres(url) else None, floor_ops)
        sequential = await run_phase(minga, mix, "sequential", events, 1, samples)
        if measured:
            assert folder is not None
            floors = floors.joined(
                await bare.measure(folder, url if is_postgres(url) else None, floor_ops)
            )
        concurrent = None
        if concurrency > 1:
            await settle(minga)
            concurrent = await run_phase(
                minga, mix, f"{concurrency} at a time", events, concurrency
            )
        lonely = None
        if alone:  # what the events cost without the sender and scheduler beside them
            await settle(minga)
            await minga.stop_edges()
            lonely = await run_phase(
                minga, mix, "sequential, sender and scheduler stopped", events, 1, drain=False
            )
        return Result(
            url, sequential, concurrent, lonely, floors, scheduler_start, pending, peak_rss_mib()
        )
    finally:
        await minga.close()


async def drained_within(minga: Minga, within: float, step: float = 0.05) -> float | None:
    """Seconds until the sender had nothing left it could send; None if not within."""
    started = time.perf_counter()
    for _ in range(int(within / step)):
        if not (await minga.backlog())[0]:
            return time.perf_counter() - started
        await asyncio.sleep(step)
    return None


async def settle(minga: Minga) -> None:
    """Before a run: the sender has sent what the one before left (the warm-up's)."""
    await drained_within(minga, DRAIN_WAIT)


# --- printing ----------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def latency_text(phase: Phase) -> str:
    return f"p50 {ms(phase.p(0.5))} / p95 {ms(phase.p(0.95))} / p99 {ms(phase.p(0.99))} ms"


def figures(result: Result) -> list[tuple[str, str, str, str]]:
    seq, conc, url = result.sequential, result.concurrent, result.url
    postgres = is_postgres(url)
    floor = result.floors.for_url(url)
    rows: list[tuple[str, str, str, str]] = []
    share = seq.per_second / floor.per_second if floor else 0.0
    rows.append(
        (
            "sequential: events/s",
            f"{seq.per_second:.1f} ({seq.events} events in {seq.seconds:.1f} s)",
            "",
            "",
        )
    )
    if floor:
        rows.append(
            (
                "  ÷ SQLAlchemy INSERT+COMMIT floor",
                f"{share:.1%} (an event ≈ {1 / share:.1f} minimal transactions)" if share else "-",
                f">= {SHARE_OF_FLOOR:.0%}",
                verdict(share >= SHARE_OF_FLOOR),
            )
        )
    driver = result.floors.asyncpg if postgres else result.floors.aiosqlite
    if driver:
        rows.append(
            (f"  ÷ {driver.name} floor", f"{seq.per_second / driver.per_second:.2%}", "", "")
        )
    rows.append(
        (
            "sequential: latency",
            latency_text(seq),
            "" if postgres else f"p99 <= {ms(SQLITE_P99)} ms",
            "" if postgres else verdict(seq.p(0.99) <= SQLITE_P99),
        )
    )
    rows.append(("sequential: failed events", str(seq.failed), "0", verdict(seq.failed == 0)))
    for family in FAMILIES:
        counts = by_family(seq.counts, family)
        per = counts.per_event("statements")
        rows.append(
            (
                f"statements per event: {family}",
                f"{per:.1f} (n={counts.events})",
                f"<= {STATEMENT_FLOORS[family]}",
                verdict(per <= STATEMENT_FLOORS[family]),
            )
        )
    rows.append(("outbox rows per event", outbox_text(seq), "", ""))
    pending, age, waiting = seq.backlog
    rows.append(
        (
            "sender at the end (sequential)",
            f"{pending} rows pending, oldest {age:.2f} s",
            f"<= {BACKLOG:g} s behind",
            verdict(age <= BACKLOG),
        )
    )
    rows.append(
        (
            "  then sent them all within",
            drained(seq) + f"; {waiting} rows wait for people with no private chat",
            "",
            "",
        )
    )
    rows.append(("  sent during the run", sent_text(seq), "", ""))
    if conc is not None:
        limit = CONCURRENT_P99 * seq.p(0.99)
        rows.append(
            (
                f"{conc.concurrency} at a time: events/s",
                f"{conc.per_second:.1f} ({conc.events} events in {conc.seconds:.1f} s)",
                "",
                "",
            )
        )
        rows.append(
            (
                f"{conc.concurrency} at a time: latency",
                latency_text(conc),
                "" if postgres else f"p99 <= 4 x seq = {ms(limit)} ms",
                "" if postgres else verdict(conc.p(0.99) <= limit),
            )
        )
        rows.append(
            (
                f"{conc.concurrency} at a time: failed events",
                str(conc.failed),
                "0",
                verdict(conc.failed == 0),
            )
        )
        pending, age, _ = conc.backlog
        rows.append(
            (
                f"{conc.concurrency} at a time: sender at the end",
                f"{pending} rows pending, oldest {age:.2f} s; {drained(conc)}",
                "",
                "",
            )
        )
    if result.alone is not None:
        lone = result.alone
        rows.append(
            (
                "sequential, sender and scheduler stopped",
                f"{lone.per_second:.1f} events/s, {latency_text(lone)}",
                "",
                "",
            )
        )
    rows.append(
        (
            "scheduler start",
            f"{result.scheduler_start:.2f} s, {result.pending_jobs:,} pending jobs",
            "",
            "",
        )
    )
    rows.append(("peak RSS of this process", f"{result.rss_mib:.0f} MiB", "", ""))
    rows += result.floors.rows("floor (before and after): ")
    return rows


def outbox_text(phase: Phase) -> str:
    parts = []
    for family in FAMILIES:
        counts = by_family(phase.counts, family)
        parts.append(f"{family} {counts.per_event('outbox_rows'):.2f}")
    whole = sum(by_family(phase.counts, f).outbox_rows for f in FAMILIES)
    jobs = phase.counts.get("job", Counts())
    return (
        f"{whole / max(phase.events, 1):.2f} ({', '.join(parts)}); and {jobs.outbox_rows} "
        f"by {jobs.events} jobs meanwhile"
    )


def sent_text(phase: Phase) -> str:
    sender = phase.counts.get("sender", Counts())
    rows = sum(phase.sent.values())
    per_row = f", {sender.statements / rows:.1f} statements a row" if rows else ""
    return (
        f"{phase.sent.get('send', 0)} messages, {phase.sent.get('edit', 0)} edits, "
        f"{phase.sent.get('toast', 0)} press answers{per_row}"
    )


def drained(phase: Phase) -> str:
    return (
        f"{phase.drained_after:.2f} s after the last event"
        if phase.drained_after is not None
        else f"NOT drained {DRAIN_WAIT:.0f} s after the last event"
    )


def statement_rows(phase: Phase) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for family in FAMILIES:
        labels = sorted(k for k in phase.counts if k.split(":", 1)[0] == family)
        if not labels:
            continue
        values = [v for k in labels for v in phase.latencies.get(k, [])]
        rows.append(_statement_row(f"{family} (all)", by_family(phase.counts, family), values))
        rows += [
            _statement_row("  " + k.split(":", 1)[1], phase.counts[k], phase.latencies.get(k, []))
            for k in labels
        ]
    if "job" in phase.counts:  # jobs the scheduler ran meanwhile (poll tallies, ...)
        rows.append(_statement_row("jobs (in the background)", phase.counts["job"], []))
    if "sender" in phase.counts:  # per row sent, not per event
        sender = Counts(**vars(phase.counts["sender"]))
        sender.events = sum(phase.sent.values())
        rows.append(_statement_row("sender, per row sent", sender, []))
    return rows


def _statement_row(name: str, c: Counts, latencies: Sequence[float]) -> tuple[str, ...]:
    timing = (
        (ms(percentile(latencies, 0.5)), ms(percentile(latencies, 0.99))) if latencies else ("", "")
    )
    return (
        name,
        str(c.events),
        f"{c.per_event('statements'):.1f}",
        f"{c.per_event('checkouts'):.1f}",
        f"{c.per_event('outbox_rows'):.2f}",
        *timing,
    )


STATEMENT_HEADERS = (
    "event",
    "n",
    "statements/event",
    "checkouts/event",
    "outbox rows/event",
    "p50 ms",
    "p99 ms",
)


def print_result(result: Result, show_sql: bool, slowest_top: int = 10) -> None:
    print()
    print(table(figures(result)))
    print(f"\nstatements per event, sequential run ({result.url.split(':')[0]}):")
    print(table(statement_rows(result.sequential), STATEMENT_HEADERS))
    if result.concurrent is not None:
        print(f"\nstatements per event, {result.concurrent.name}:")
        print(table(statement_rows(result.concurrent), STATEMENT_HEADERS))
    if slowest_top:
        print(
            f"\nwhere the database time went, sequential run (the {slowest_top} statements "
            "that took longest in all; 'run by' names the kind of work):"
        )
        print(table(slowest(result.sequential.timings, slowest_top), SLOWEST_HEADERS))
    if show_sql:
        print("\nThe SQL of one event of each kind (the first of the sequential run):")
        print_samples(result.sequential.samples)


# --- the script -------------------------------------------------------------------------


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    plan_options(parser)
    parser.add_argument(
        "--network",
        metavar="URL",
        help="a network kept by bench/network.py --keep (not built here)",
    )
    parser.add_argument(
        "--events",
        type=int,
        default=1500,
        help="events in each run, sequential and concurrent (1500)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="events at a time in the second run (8; 1: no second run)",
    )
    parser.add_argument("--warm-up", type=int, default=40, help="events not measured (40)")
    parser.add_argument(
        "--floor-ops", type=int, default=2000, help="transactions of each floor loop (2000)"
    )
    parser.add_argument(
        "--show-sql", action="store_true", help="print the statements of one event of each kind"
    )
    parser.add_argument(
        "--slowest",
        type=int,
        default=10,
        help="print the statements that took the most time (10; 0: none)",
    )
    parser.add_argument(
        "--alone",
        action="store_true",
        help="then once more, sequential, with the sender and scheduler "
        "stopped: what they cost the events",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a check: the quick network, 150 events, 200-transaction floors",
    )
    found = parser.parse_args()
    if found.quick:
        found.events, found.warm_up, found.floor_ops = 150, 10, 200
    return found


async def bench(chosen: argparse.Namespace, folder: Path) -> None:
    if chosen.network:
        await on_network(chosen, folder, chosen.network)
    elif chosen.postgres:
        async with postgres_database(chosen.postgres, "mixed", chosen.keep) as url:
            await on_network(chosen, folder, url, chosen_plan(chosen))
    else:
        url = f"sqlite:///{folder}/network.db"
        await on_network(chosen, folder, url, chosen_plan(chosen))
        if chosen.keep:
            print(f"kept SQLite database: {url}")


async def on_network(
    chosen: argparse.Namespace, folder: Path, url: str, plan: Plan | None = None
) -> None:
    if plan is not None:
        print(f"building the network: {plan}", flush=True)
        built = await build(url, plan)
        print(table(build_rows(built), BUILD_HEADERS))
    else:
        found = await read_manifest(url)
        print(
            f"the network kept at {url}: "
            + (f"{found[0]}, built {found[1]:%Y-%m-%d %H:%M}" if found else "(no manifest)")
        )
    print(f"network: {describe(await table_sizes(url))}", flush=True)
    print(
        f"the mix: seed {chosen.seed}, {chosen.warm_up} events to warm up, then "
        f"{chosen.events} sequential"
        + (
            f" and {chosen.events} {chosen.concurrency} at a time" if chosen.concurrency > 1 else ""
        ),
        flush=True,
    )
    result = await run_mix(
        url,
        chosen.events,
        chosen.concurrency,
        chosen.seed,
        chosen.warm_up,
        samples=chosen.show_sql,
        folder=folder,
        floor_ops=chosen.floor_ops,
        alone=chosen.alone,
    )
    print_result(result, chosen.show_sql, chosen.slowest)


def main() -> None:
    chosen = options()
    with session(
        "mixed: 60 % views, 30 % presses, 10 % new items on a network", chosen.keep
    ) as folder:
        log_to(folder)
        asyncio.run(bench(chosen, folder))


if __name__ == "__main__":
    main()
