"""Cost per event as data grows: the mix on one 80-person group with 1×, 10× and 100× a year
of its data.

1× is group 1 of bench/network.py alone (80 people, 8 trusted): its last --core-weeks weeks
lived through the core, the rest of its year by the bulk path (bench/bulk.py). 10× and 100×
are copies of that database (a file copy; on PostgreSQL CREATE DATABASE ... TEMPLATE) with
9 and 99 more years of data by the bulk path: by default the same group's earlier years
(--spread years: its own tables of requests, shifts, polls, votes, jobs and posts grow, which
is what its queries read), or 9 and 99 more 80-person groups with a year each (--spread
groups: the tables grow, the group's own share does not). On each, bench/mixed.py's mix
(60 % views, 30 % presses, 10 % new items, one event at a time) by the people of group 1,
--rounds times in turn (1×, 10×, 100×, 1×, ...), the fastest round of each counted.

Figures: the cost per event (seconds of handle() per event, and events a second), p50/p99,
statements per event, and their ratios to the 1× cost. Floor (the issue): 100× ≤ 1.2 × the
1× cost per event.

    .venv/bin/python -m bench.growth [--events 600] [--rounds 2] [--spread years|groups]
        [--postgres [URL]] [--quick]
"""

import argparse
import asyncio
import random
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is not installed
    sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402
from bench import floors as bare  # noqa: E402
from bench.databases import (  # noqa: E402
    DEFAULT_POSTGRES,
    create_postgres,
    database_name,
    drop_postgres,
    is_postgres,
)
from bench.mixed import FAMILIES, Phase, run_mix  # noqa: E402
from bench.network import (  # noqa: E402
    Plan,
    build,
    count_rows,
    log_to,
    read_group,
    read_manifest,
)
from bench.report import session, table, verdict  # noqa: E402
from bench.statements import SLOWEST_HEADERS, by_family, slowest  # noqa: E402
from storage.engine import create_engine  # noqa: E402

FLOOR = 1.2  # 100× costs at most this × the 1× cost per event
YEAR = timedelta(weeks=52)


@dataclass
class Size:
    times: int  # × one group's year
    url: str
    rows: int = 0
    runs: list[Phase] | None = None

    def best(self) -> Phase:
        assert self.runs
        return min(self.runs, key=lambda p: p.seconds / p.events)


async def grow(url: str, times: int, spread: str, seed: int) -> None:
    """`times - 1` more years of data by the bulk path (see the module's docstring)."""
    if times <= 1:
        return
    rng = random.Random(seed * 1000 + times)
    engine = create_engine(url)
    try:
        writer = await bulk.Writer.on(engine)
        manifest = await read_manifest(url)
        assert manifest is not None, "not a database bench/network.py built"
        now = manifest[1]
        if spread == "years":
            group = await read_group(engine, bulk.group_chat_id(0))
            window = bulk.Window(now - times * YEAR, now - YEAR, now, False)
            bulk.add_history(writer, group, window, rng)
            await writer.flush(engine)
        else:
            for number in range(1, times):
                people = bulk.add_people(
                    writer, range(80 * number, 80 * (number + 1)), now - YEAR, rng
                )
                group = bulk.add_group(writer, number, people, 8, now - YEAR, now, rng)
                bulk.add_history(writer, group, bulk.Window(now - YEAR, now, now, True), rng)
                await writer.flush(engine)
        await writer.finish(engine)
    finally:
        await engine.dispose()


def copy_sqlite(source: str, target: Path) -> None:
    """SQLite's own backup: a consistent copy, the write-ahead log's pages included."""
    with sqlite3.connect(source.removeprefix("sqlite:///")) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


async def copies(base: str, folder: Path, server: str | None, sizes: list[int]) -> list[Size]:
    """A database per size, each a copy of the 1× base."""
    found = []
    for times in sizes:
        if server:
            url = await create_postgres(
                server, database_name(f"growth{times}"), template=database_name("growth_base")
            )
        else:
            target = folder / f"growth-{times}x.db"
            copy_sqlite(base, target)
            url = f"sqlite:///{target}"
        found.append(Size(times, url))
    return found


def figures(sizes: list[Size], floors: bare.Floors) -> list[tuple[str, ...]]:
    base = sizes[0].best()
    unit = base.seconds / base.events
    rows: list[tuple[str, ...]] = []
    for size in sizes:
        best = size.best()
        cost = best.seconds / best.events
        statements = sum(by_family(best.counts, f).statements for f in FAMILIES)
        rows.append(
            (
                f"{size.times}×",
                f"{size.rows:,}",
                f"{best.per_second:.1f}",
                f"{cost * 1000:.2f}",
                f"{best.p(0.5) * 1000:.1f}",
                f"{best.p(0.99) * 1000:.1f}",
                f"{statements / best.events:.1f}",
                f"{cost / unit:.2f}",
                " ".join(f"{p.seconds / p.events * 1000:.2f}" for p in size.runs or []),
            )
        )
    return rows


GROWTH_HEADERS = (
    "data",
    "rows",
    "events/s",
    "ms/event",
    "p50 ms",
    "p99 ms",
    "statements/event",
    "÷ 1×",
    "ms/event of each round",
)


def verdicts(sizes: list[Size]) -> list[tuple[str, str, str, str]]:
    base = sizes[0].best()
    unit = base.seconds / base.events
    rows = []
    for size in sizes[1:]:
        best = size.best()
        ratio = best.seconds / best.events / unit
        is_floor = size.times == 100
        rows.append(
            (
                f"cost per event, {size.times}× ÷ 1×",
                f"{ratio:.2f}",
                f"<= {FLOOR}" if is_floor else "",
                verdict(ratio <= FLOOR) if is_floor else "",
            )
        )
    return rows


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sizes", default="1,10,100", help="× a year of one group (1,10,100)")
    parser.add_argument(
        "--spread",
        choices=("years", "groups"),
        default="years",
        help="the extra data: the group's own earlier years, or more groups",
    )
    parser.add_argument("--events", type=int, default=600, help="events a round (600)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over the sizes (2)")
    parser.add_argument("--warm-up", type=int, default=40, help="events not measured (40)")
    parser.add_argument(
        "--core-weeks",
        type=int,
        default=Plan.core_weeks,
        help=f"weeks lived through the core ({Plan.core_weeks})",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_POSTGRES,
        default=None,
        metavar="URL",
        help="PostgreSQL: new databases on this server "
        f"(default {DEFAULT_POSTGRES}), dropped at the end",
    )
    parser.add_argument(
        "--slowest",
        type=int,
        default=6,
        help="print the statements that took longest at 1x and at the largest size (6; 0: none)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the run's folder with the SQLite databases"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a check: 1× and 10×, 2 weeks through the core, 100 events",
    )
    found = parser.parse_args()
    if found.quick:
        found.sizes, found.events, found.rounds, found.core_weeks = "1,10", 100, 1, 2
        found.warm_up = 10
    return found


async def bench(chosen: argparse.Namespace, folder: Path) -> None:
    server = chosen.postgres
    names = []
    try:
        if server:
            names.append(database_name("growth_base"))
            base = await create_postgres(server, names[0])
        else:
            base = f"sqlite:///{folder}/growth-base.db"
        await measure(chosen, folder, base, server, names)
    finally:
        for name in names:
            await drop_postgres(server, name)


async def measure(
    chosen: argparse.Namespace, folder: Path, base: str, server: str | None, names: list[str]
) -> None:
    plan = Plan(groups=1, people=80, trusted=8, core_weeks=chosen.core_weeks, seed=chosen.seed)
    started = time.perf_counter()
    await build(base, plan, progress=False)
    print(
        f"1×: group 1, {plan.core_weeks} weeks through the core and the rest of its year by "
        f"the bulk path, in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    wanted = [int(n) for n in chosen.sizes.split(",")]
    sizes = await copies(base, folder, server, wanted)
    names += [database_name(f"growth{s.times}") for s in sizes] if server else []
    for size in sizes:
        started = time.perf_counter()
        await grow(size.url, size.times, chosen.spread, chosen.seed)
        size.rows = await count_rows(size.url)
        print(
            f"{size.times}×: {size.rows:,} rows ({time.perf_counter() - started:.1f} s)", flush=True
        )
    floors = await bare.measure(folder, base if is_postgres(base) else None, 2000)
    for round_ in range(chosen.rounds):
        for size in sizes:
            result = await run_mix(
                size.url,
                chosen.events,
                1,
                chosen.seed + round_,
                chosen.warm_up,
                floors,
                only_chat=bulk.group_chat_id(0),
            )
            size.runs = [*(size.runs or []), result.sequential]
            print(
                f"round {round_ + 1}, {size.times}×: {result.sequential.per_second:.1f} events/s",
                flush=True,
            )
    print()
    print(table(figures(sizes, floors), GROWTH_HEADERS))
    print()
    print(table([*verdicts(sizes), *floors.rows()]))
    largest = sizes[-1]
    for size in (sizes[0], largest) if chosen.slowest else ():
        print(
            f"\nwhere the database time went at {size.times}× (fastest round; the "
            f"{chosen.slowest} statements that took longest in all):"
        )
        print(table(slowest(size.best().timings, chosen.slowest), SLOWEST_HEADERS))


def main() -> None:
    chosen = options()
    with session(
        f"growth: the mix on one group with more and more data ({chosen.spread})", keep=chosen.keep
    ) as folder:
        log_to(folder)
        asyncio.run(bench(chosen, folder))


if __name__ == "__main__":
    main()
