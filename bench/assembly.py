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
per interval the platform allows).

--network: a network assembly instead. The network of bench/network.py (50 groups, 23,000
people on their rosters, a year of history; --scale 0.1: 5 groups, 2,300 people) is put in
one network by the bulk path (a networks row and one network_groups row a group, as 50
binding proposals would leave them: the proposals themselves are not what is measured);
the trusted founder of group 1 types `/propose … ; network` in its chat, and every person
on a roster presses an answer on the post in their own group's chat. Figures as above, and
the edit rows written for the post in each chat. Floors (the issue): every vote taken in
≤ 60 s on SQLite, with a bounded number of edits in every chat.

    .venv/bin/python -m bench.assembly [--members 460] [--concurrency 1] [--postgres [URL]]
    .venv/bin/python -m bench.assembly --network [--scale 1] [--concurrency 1] [--votes N] [--alone]

--votes N: only the first N of the shuffled rosters vote (the poll stays open), for a
network too big to wait for: every vote's time is taken as the sample's rate. --alone: the
sender and the scheduler stop once the post is out, so the time is the votes' through the
core alone (as the issue's floor words it), without sending each voter's answer beside them.
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
from bench import network as networks  # noqa: E402
from bench.databases import DEFAULT_POSTGRES, is_postgres, postgres_database  # noqa: E402
from bench.driver import (  # noqa: E402
    SYSTEM,
    BenchClock,
    Minga,
    NullPlatform,
    Someone,
    group_chat,
)
from bench.report import percentile, session, table, verdict  # noqa: E402
from bench.statements import Counts, StatementCounter  # noqa: E402
from bot.messages import Chat  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.migrate import upgrade  # noqa: E402

SECONDS_FLOOR = 5.0  # SQLite, one group
NETWORK_SECONDS_FLOOR = 60.0  # SQLite, the whole network
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


async def write_network(url: str, plan: networks.Plan) -> networks.Built:
    """bench/network.py's network, then its groups in one network by the bulk path."""
    built = await networks.build(url, plan)
    await networks.one_network(url, built.now)
    return built


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
    chats: int  # the group chats the post is in
    edits_per_chat: list[int]  # edits of the post each chat received
    electorate: int  # everyone on the rosters: votes, unless a sample (--votes)


async def vote_all(
    url: str,
    concurrency: int,
    edit_every: float,
    seed: int,
    network: bool,
    sample: int = 0,
    alone: bool = False,
) -> Assembly:
    platform = NullPlatform(edit_every=edit_every)
    minga = await Minga.open(url, BenchClock(), StatementCounter(), platform)
    rng = random.Random(seed)
    try:
        await minga.platform.screen.load(minga.reader)
        await minga.run_edges(scheduler=True)
        chats = await group_chats(minga)
        author = bulk.someone(0)
        before = {n for n, _ in platform.screen.find(chats[0].chat_id, "poll")}
        line = f"/propose {TITLE}" + (" ; network" if network else "")
        await minga.say(author, chats[0], line, "propose")
        poll_id, posts = await posted(minga, [c.chat_id for c in chats], before)
        voters = await rosters(minga, {c.chat_id: c for c in chats})
        rng.shuffle(voters)
        electorate = len(voters)
        voters = voters[:sample] if sample else voters
        if alone:  # the votes through the core, nothing sent nor redrawn beside them
            await minga.stop_edges()
        minga.counter.reset()
        edits_before, failed_before = platform.sent["edit"], minga.failures.total
        platform.edits.clear()
        latencies: list[float] = []
        queue = iter(voters)

        async def voter() -> None:
            for who, chat in queue:
                answer = rng.choice((1, 2, 3))  # agree, abstain, disagree
                latencies.append(
                    await minga.press(
                        who, chat, posts[chat.chat_id], f"vote P{poll_id} {answer}", "vote"
                    )
                )

        started = time.perf_counter()
        await asyncio.gather(*(voter() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
        counts = minga.counter.snapshot()
        for _ in range(0 if alone else int(WAIT / 0.1)):  # the last edit, then the close
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
            len(chats),
            [platform.edits[c.chat_id] for c in chats],
            electorate,
        )
    finally:
        await minga.close()


async def group_chats(minga: Minga) -> list[Chat]:
    """Every group's chat, group 1's first (the bench peeks: not minga)."""
    async with minga.reader.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT chat_id, title FROM chats WHERE kind = 'group' ORDER BY group_id")
            )
        ).all()
        await conn.rollback()
    return [group_chat(r.chat_id, r.title) for r in rows]


async def rosters(minga: Minga, chats: dict[str, Chat]) -> list[tuple[Someone, Chat]]:
    """Everyone on a roster, with the chat of their (first) group, where they vote."""
    async with minga.reader.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT i.user_id, min(c.chat_id) AS chat_id FROM members m "
                    "JOIN identities i ON i.person_id = m.person_id "
                    "JOIN chats c ON c.group_id = m.group_id AND c.kind = 'group' "
                    "WHERE m.status != 'left' GROUP BY i.user_id ORDER BY min(m.person_id)"
                )
            )
        ).all()
        await conn.rollback()
    return [(bulk.someone(int(r.user_id[1:])), chats[r.chat_id]) for r in rows]


async def posted(minga: Minga, chat_ids: list[str], before: set[int]) -> tuple[int, dict[str, str]]:
    """The new poll's number and its post's message id in each chat, once the sender has put
    it out in all of them."""
    screen = minga.platform.screen
    for _ in range(int(WAIT / 0.05)):
        new = [n for n, _ in screen.find(chat_ids[0], "poll") if n not in before]
        if new:
            number = max(new)
            posts = {
                chat: shown.message_id
                for chat in chat_ids
                for n, shown in screen.find(chat, "poll")
                if n == number
            }
            if len(posts) == len(chat_ids):
                return number, posts
        await asyncio.sleep(0.05)
    raise TimeoutError("the proposal's post never went out in every chat")


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
    result: Assembly,
    url: str,
    edit_every: float,
    concurrency: int,
    floors: bare.Floors,
    network: bool,
    alone: bool = False,
) -> list[tuple[str, str, str, str]]:
    sqlite = not is_postgres(url)
    bound = 2 + int(result.seconds / edit_every) if edit_every else None
    ceiling = NETWORK_SECONDS_FLOOR if network else SECONDS_FLOOR
    sampled = result.votes < result.electorate
    # A sample (--votes) is timed as it went; all the votes are its time at the same rate.
    every = result.seconds * result.electorate / max(result.votes, 1)
    rows = [
        (
            "time to take every vote" + (" (from a sample)" if sampled else ""),
            (
                f"{every:.1f} s for {result.electorate:,} at the sample's rate "
                f"({result.seconds:.1f} s for the first {result.votes:,})"
                if sampled
                else f"{result.seconds:.2f} s for {result.votes:,} votes"
            )
            + f" in {result.chats} chats, {concurrency} at a time",
            f"<= {ceiling:g} s" if sqlite else "",
            verdict(every <= ceiling) if sqlite else "",
        ),
        ("  votes a second", f"{result.votes / result.seconds:.0f}", "", ""),
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
            "open (a sample)" if sampled else "closed",
            verdict(result.closed != sampled),
        ),
        ("failed votes", str(result.failed), "0", verdict(result.failed == 0)),
        (
            "edit rows written to the outbox",
            f"{result.edit_rows} ({result.edit_rows / result.chats:.1f} a chat)",
            f"<= {bound} a chat (bounded)" if bound else "",
            verdict(result.edit_rows <= bound * result.chats) if bound else "",
        ),
        (
            "  edits a chat received",
            f"most {max(result.edits_per_chat)}, fewest {min(result.edits_per_chat)}",
            f"<= {bound}" if bound else "",
            verdict(max(result.edits_per_chat) <= bound) if bound else "",
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
    if alone:  # nothing was sent nor redrawn: no edits to count
        rows = [r for r in rows if not r[0].lstrip().startswith(("edit", "tally"))]
        rows.append(("edits", "none: --alone stopped the sender and the scheduler", "", ""))
    vote, job = result.counts.get("vote", Counts()), result.counts.get("job", Counts())
    rows.append(
        (
            "statements per vote",
            f"{vote.per_event('statements'):.1f}",
            "<= 10",
            verdict(vote.per_event("statements") <= 10),
        )
    )
    if not alone:
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
    parser.add_argument(
        "--alone",
        action="store_true",
        help="the votes through the core alone: the sender and the scheduler stop once the "
        "post is out (no answers sent, no tally redrawn, so no edits to count)",
    )
    parser.add_argument("--quick", action="store_true", help="a check: 60 members")
    parser.add_argument(
        "--network",
        action="store_true",
        help="a network assembly over bench/network.py's network (--members, --trusted unused)",
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="with --network: groups, people and trusted x this (1: 50 groups, "
        "23,000 people; 0.1: 5 groups, 2,300)",
    )
    parser.add_argument(
        "--votes",
        type=int,
        default=0,
        help="only this many of the people vote, a sample timed and counted as it went, "
        "its rate taken for all (0: everyone)",
    )
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
    if chosen.network:
        plan = networks.Plan(seed=chosen.seed).scaled(chosen.scale)
        print(f"plan: {plan}", flush=True)
        await write_network(url, plan)
        print(
            f"the network ({plan.groups} groups, {plan.people:,} people) with a year of "
            f"history, its groups in one network by the bulk path, in "
            f"{time.perf_counter() - started:.1f} s",
            flush=True,
        )
    else:
        await write_group(url, chosen.members, chosen.trusted, chosen.seed)
        print(
            f"a group of {chosen.members} ({chosen.trusted} trusted) with a year of history, "
            f"by the bulk path, in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    result = await vote_all(
        url,
        chosen.concurrency,
        chosen.edit_every,
        chosen.seed,
        chosen.network,
        chosen.votes,
        chosen.alone,
    )
    floors = await bare.measure(folder, url if is_postgres(url) else None, chosen.floor_ops)
    print()
    print(
        table(
            figures(
                result,
                url,
                chosen.edit_every,
                chosen.concurrency,
                floors,
                chosen.network,
                chosen.alone,
            )
        )
    )


def main() -> None:
    chosen = options()
    title = (
        "assembly --network: one proposal voted by a whole network"
        if chosen.network
        else "assembly: one proposal voted by a whole group"
    )
    with session(title, chosen.keep) as folder:
        networks.log_to(folder)
        asyncio.run(bench(chosen, folder))


if __name__ == "__main__":
    main()
