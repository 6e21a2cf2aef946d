"""An assembly: one proposal voted by every member of a 460-member group.

The group (460 people, 26 trusted, a year of history) is written by the bulk path
(bench/bulk.py: building it through the core would be 460 joins, each reading the roster);
minga then runs as in production (bench/driver.py: the core, its real sender draining to a
null platform that, like Telegram in a group, takes an edit of one post at most every
--edit-every seconds, and its real scheduler, which redraws the tally as the poll_tally job).
A trusted member types /propose in the group chat; once the post is out, every member
presses one of its answers (agree, abstain or disagree: a block needs a reason typed), one
after another, or --concurrency at a time, each press carrying the post's message id.

Figures: the time from the first press until the last vote was handled, and per vote; the
tally's edits: rows of kind edit written to the outbox, edits folded into an edit still
pending (SqlOutbox.edit), tally jobs run, edits the platform received; whether the poll
closed itself when the last member voted (bot/handlers/polls.py: vote → close), and its
count of votes; and the bare INSERT+COMMIT loops of bench/floors.py, measured after the
votes (a vote's time in minimal transactions). Floors (the issue): ≤ 5 s on SQLite, with a
bounded number of edits (here: edit rows written ≤ 2 + the voting time ÷ --edit-every, one
per interval the platform allows). (A network assembly, a poll over several groups'
rosters, is not possible yet.)

    .venv/bin/python -m bench.assembly [--members 460] [--concurrency 1] [--postgres [URL]]
"""

import argparse
import asyncio
import random
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is not installed
    sys.path.insert(0, str(ROOT))

from bench import bulk  # noqa: E402
from bench import floors as bare  # noqa: E402
from bench.databases import DEFAULT_POSTGRES, is_postgres, postgres_database  # noqa: E402
from bench.driver import (  # noqa: E402
    SYSTEM,
    BenchClock,
    Minga,
    NullPlatform,
    Someone,
    group_chat,
)
from bench.network import log_to  # noqa: E402
from bench.report import percentile, session, table, verdict  # noqa: E402
from bench.statements import Counts, StatementCounter  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

SECONDS_FLOOR = 5.0  # SQLite
TELEGRAM_GROUP_EDIT_EVERY = 5.0  # adapters/telegram/adapter.py EDIT_EVERY["group"]
TITLE = "Use the hall on Sundays for the assembly"
WAIT = 60.0  # seconds for the post to go out, and for the last edits after the votes


async def write_group(url: str, members: int, trusted: int, seed: int) -> Someone:
    """The group by the bulk path, with a year of history; its first founder."""
    engine = create_engine(url)
    try:
        await upgrade(engine)
        rng = random.Random(seed)
        now = SYSTEM.now()
        start = now - timedelta(weeks=52)
        writer = await bulk.Writer.on(engine)
        people = bulk.add_people(writer, range(members), start, rng)
        group = bulk.add_group(writer, 0, people, trusted, start, now, rng)
        bulk.add_history(writer, group, bulk.Window(start, now, now, True), rng)
        await writer.flush(engine)
        await writer.finish(engine)
    finally:
        await engine.dispose()
    return bulk.someone(0)


@dataclass
class Assembly:
    votes: int
    seconds: float
    latencies: list[float]
    closed: bool
    counted: int  # votes stored for the poll
    edit_rows: int
    merged: int
    tally_jobs: int
    edits_sent: int
    failed: int
    counts: dict[str, Counts]


async def vote_all(
    url: str, members: int, concurrency: int, edit_every: float, seed: int
) -> Assembly:
    platform = NullPlatform(edit_every=edit_every)
    minga = await Minga.open(url, BenchClock(), StatementCounter(), platform)
    rng = random.Random(seed)
    try:
        await minga.platform.screen.load(minga.reader)
        await minga.run_edges(scheduler=True)
        chat = group_chat(bulk.group_chat_id(0), bulk.group_name(0))
        author = bulk.someone(0)
        before = {n for n, _ in platform.screen.find(chat.chat_id, "poll")}
        await minga.say(author, chat, f"/propose {TITLE}", "propose")
        poll_id, message_id = await posted(minga, chat.chat_id, before)
        voters = [bulk.someone(n) for n in range(members)]
        rng.shuffle(voters)
        minga.counter.reset()
        edits_before, failed_before = platform.sent["edit"], minga.failures.total
        latencies: list[float] = []
        queue = iter(voters)

        async def voter() -> None:
            for who in queue:
                answer = rng.choice((1, 2, 3))  # agree, abstain, disagree
                latencies.append(
                    await minga.press(who, chat, message_id, f"vote P{poll_id} {answer}", "vote")
                )

        started = time.perf_counter()
        await asyncio.gather(*(voter() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
        counts = minga.counter.snapshot()
        for _ in range(int(WAIT / 0.1)):  # the last tally edit, then the close, go out
            if not (await minga.backlog())[0]:
                break
            await asyncio.sleep(0.1)
        state, counted = await poll_state(minga, poll_id)
        counts = minga.counter.snapshot()  # and the sender's (an edit replaced on its way)
        everyone = list(counts.values())
        return Assembly(
            len(latencies),
            seconds,
            latencies,
            state == "closed",
            counted,
            sum(c.outbox_edits for c in everyone),
            sum(c.merged_edits for c in everyone),
            counts.get("job", Counts()).events,
            platform.sent["edit"] - edits_before,
            minga.failures.total - failed_before,
            counts,
        )
    finally:
        await minga.close()


async def posted(minga: Minga, chat_id: str, before: set[int]) -> tuple[int, str]:
    """The new poll's number and message id, once the sender has put it out."""
    for _ in range(int(WAIT / 0.05)):
        new = [
            (n, shown)
            for n, shown in minga.platform.screen.find(chat_id, "poll")
            if n not in before
        ]
        if new:
            number, shown = max(new, key=lambda found: found[0])
            return number, shown.message_id
        await asyncio.sleep(0.05)
    raise TimeoutError("the proposal's post never went out")


async def poll_state(minga: Minga, poll_id: int) -> tuple[str, int]:
    async with minga.reader.connect() as conn:
        state = (
            await conn.execute(text("SELECT state FROM polls WHERE id = :id"), {"id": poll_id})
        ).scalar_one()
        counted = (
            await conn.execute(
                text("SELECT count(*) FROM votes WHERE poll_id = :id"), {"id": poll_id}
            )
        ).scalar_one()
        await conn.rollback()
    return state, counted


def figures(
    result: Assembly, url: str, edit_every: float, concurrency: int, floors: bare.Floors
) -> list[tuple[str, str, str, str]]:
    sqlite = not is_postgres(url)
    bound = 2 + int(result.seconds / edit_every) if edit_every else None
    rows = [
        (
            "time to take every vote",
            f"{result.seconds:.2f} s for {result.votes} votes, {concurrency} at a time",
            f"<= {SECONDS_FLOOR:g} s" if sqlite else "",
            verdict(result.seconds <= SECONDS_FLOOR) if sqlite else "",
        ),
        (
            "  per vote",
            f"{result.seconds / max(result.votes, 1) * 1000:.1f} ms of the "
            f"time; each took p50 {percentile(result.latencies, 0.5) * 1000:.1f}, p99 "
            f"{percentile(result.latencies, 0.99) * 1000:.1f} ms",
            "",
            "",
        ),
        (
            "the poll closed itself",
            f"{'yes' if result.closed else 'NO'}, {result.counted} votes stored",
            "closed",
            verdict(result.closed),
        ),
        ("failed votes", str(result.failed), "0", verdict(result.failed == 0)),
        (
            "edit rows written to the outbox",
            str(result.edit_rows),
            f"<= {bound} (bounded)" if bound else "",
            verdict(result.edit_rows <= bound) if bound else "",
        ),
        ("  edits folded into a pending one", str(result.merged), "", ""),
        ("  tally jobs run", str(result.tally_jobs), "", ""),
        (
            "  edits the platform received",
            f"{result.edits_sent} (one post edit at most every {edit_every:g} s)",
            "",
            "",
        ),
    ]
    vote, job = result.counts.get("vote", Counts()), result.counts.get("job", Counts())
    rows.append(
        (
            "statements per vote",
            f"{vote.per_event('statements'):.1f}",
            "<= 10",
            verdict(vote.per_event("statements") <= 10),
        )
    )
    rows.append(
        (
            "statements per tally job",
            f"{job.per_event('statements'):.1f} ({job.statements} in all)",
            "",
            "",
        )
    )
    floor = floors.for_url(url)
    if floor and result.votes:
        per_vote = result.seconds / result.votes / floor.per_op
        rows.append(
            (
                "a vote ÷ the SQLAlchemy INSERT+COMMIT floor",
                f"{per_vote:.1f} minimal transactions",
                "",
                "",
            )
        )
    return [*rows, *floors.rows("floor (after the votes): ")]


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--members", type=int, default=460, help="on the roster (460)")
    parser.add_argument("--trusted", type=int, default=26, help="of them trusted (26)")
    parser.add_argument("--concurrency", type=int, default=1, help="votes at a time (1)")
    parser.add_argument(
        "--edit-every",
        type=float,
        default=TELEGRAM_GROUP_EDIT_EVERY,
        help="seconds between two edits of the post on the platform "
        "(5, Telegram's for a group; 0: no limit)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--floor-ops", type=int, default=2000, help="transactions of each floor loop (2000)"
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
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--quick", action="store_true", help="a check: 60 members")
    found = parser.parse_args()
    if found.quick:
        found.members, found.trusted, found.floor_ops = 60, 8, 200
    return found


async def bench(chosen: argparse.Namespace, folder: Path) -> None:
    if chosen.postgres:
        async with postgres_database(chosen.postgres, "assembly", chosen.keep) as url:
            await measure(chosen, folder, url)
    else:
        await measure(chosen, folder, f"sqlite:///{folder}/assembly.db")


async def measure(chosen: argparse.Namespace, folder: Path, url: str) -> None:
    started = time.perf_counter()
    await write_group(url, chosen.members, chosen.trusted, chosen.seed)
    print(
        f"a group of {chosen.members} ({chosen.trusted} trusted) with a year of history, "
        f"by the bulk path, in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    result = await vote_all(url, chosen.members, chosen.concurrency, chosen.edit_every, chosen.seed)
    floors = await bare.measure(folder, url if is_postgres(url) else None, chosen.floor_ops)
    print()
    print(table(figures(result, url, chosen.edit_every, chosen.concurrency, floors)))


def main() -> None:
    chosen = options()
    with session("assembly: one proposal voted by a whole group", chosen.keep) as folder:
        log_to(folder)
        asyncio.run(bench(chosen, folder))


if __name__ == "__main__":
    main()
