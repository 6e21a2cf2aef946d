"""A secret ballot stays secret in storage: read the whole database, on SQLite and on
PostgreSQL (with each row's xmin and in ctid order), and nothing ties a vote to its voter."""

import json
import re
from collections import Counter
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.harness import Harness

FOUNDERS = ("Ana", "Ben", "Chioma", "Dev", "Eve", "Fay")
ORDER = ("Dev", "Ben", "Eve", "Chioma")  # the two who differ vote between the others
# Two polls, two worlds: Ben and Chioma swap their choices, everyone else votes the same.
WORLDS = {
    1: {"Ben": "agree", "Chioma": "disagree", "Dev": "abstain", "Eve": "agree"},
    2: {"Ben": "disagree", "Chioma": "agree", "Dev": "abstain", "Eve": "agree"},
}
TALLY_LINE = re.compile(r"^(agree|abstain|disagree|block) +[█░]+ (\d+) \(", re.MULTILINE)
Row = dict[str, Any]


async def dump(engine: AsyncEngine) -> dict[str, list[Row]]:
    """Every row of every table, in the order storage keeps them; on PostgreSQL with the
    transaction that wrote each row (xmin)."""
    postgres = engine.dialect.name == "postgresql"
    async with engine.connect() as conn:
        names = [
            r[0]
            for r in await conn.execute(
                sql(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
                    if postgres
                    else "SELECT name FROM sqlite_master WHERE type = 'table'"
                )
            )
        ]
        return {
            name: [
                dict(r._mapping)
                for r in await conn.execute(
                    sql(
                        f"SELECT xmin::text AS xmin, ctid::text AS ctid, * "
                        f'FROM "{name}" ORDER BY ctid'
                        if postgres
                        else f'SELECT * FROM "{name}"'
                    )
                )
            ]
            for name in names
        }


def outbox_attack(outbox: list[Row], chat_of: dict[str, str]) -> dict[str, str]:
    """Pair each voter's private confirmation with the next edit of the poll's post, and
    read their choice from what the tally gained in between."""
    voter_of = {chat: who for who, chat in chat_of.items()}
    recovered: dict[str, str] = {}
    before: Counter[str] = Counter()
    waiting: str | None = None
    for row in sorted(outbox, key=lambda r: r["id"]):
        if "Your secret vote on P1 is counted." in row["text"]:
            waiting = voter_of[row["chat_id"]]
        elif row["key"] == "poll:1" and row["kind"] == "edit":
            after = Counter({a: int(n) for a, n in TALLY_LINE.findall(row["text"])})
            gained = after - before
            if waiting and sum(gained.values()) == 1:
                recovered[waiting] = next(iter(gained))
            before, waiting = after, None
    return recovered


def _without(number: int, value: Any) -> Any:
    """A stored value with this poll's number taken out (JSON read as text or as data)."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        return value
    return re.sub(rf'(P|poll:|"poll": ){number}\b', r"\1#", value)


def _in_order(rows: list[Row]) -> list[Row]:
    """In the order written: by id where a table has one (PostgreSQL moves a row it updates
    to wherever it has room); else as stored, the order a dump shows."""
    return sorted(rows, key=lambda r: r["id"]) if rows and "id" in rows[0] else rows


def world(tables: dict[str, list[Row]], number: int) -> list[tuple[str, list[Row]]]:
    """Everything stored about one poll, in order, with its own number taken out, and each
    xmin named by the voter whose `voted` row carries it."""
    mine = {
        "polls": lambda r: r["id"] == number,
        "ballot_counts": lambda r: r["poll_id"] == number,
        "voted": lambda r: r["poll_id"] == number,
        "jobs": lambda r: r["ref_id"] == number and r["kind"].startswith("poll_"),
        "outbox": lambda r: r["key"] == f"poll:{number}" or f"P{number}" in r["text"],
        "audit": lambda r: f'"poll": {number}' in str(r["detail"]).replace("'", '"'),
    }
    by_xmin = {
        r["xmin"]: r["person_id"] for r in tables["voted"] if r["poll_id"] == number and "xmin" in r
    }
    seen = []
    for name, belongs in mine.items():
        rows = [
            {
                k: by_xmin.get(v, "another") if k == "xmin" else _without(number, v)
                for k, v in r.items()
                if k not in ("id", "poll_id", "ref_id", "ctid", "message_id")
            }
            for r in _in_order(tables.get(name, []))
            if belongs(r)
        ]
        seen.append((name, rows))
    return seen


async def test_the_database_cannot_tie_a_secret_vote_to_its_voter(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    await bot.setup_group(founders=FOUNDERS)
    for who in FOUNDERS:
        await bot.say(who, "/start", group=None)
    for _ in WORLDS:
        await bot.say("Ana", "/propose New treasurer; secret")
    for who in ORDER:  # each vote is confirmed, and the post redrawn, before the next
        for number, ballots in WORLDS.items():
            confirmed = await bot.say(who, f"/vote P{number} {ballots[who]}", group=None)
            assert [s.text for s in confirmed if s.chat_id == f"dm:{who.casefold()}"] == [
                f"Your secret vote on P{number} is counted."
            ]
            live = [s.text for s in await bot.later(seconds=3) if s.chat_id == "group:food"]
            assert live and not TALLY_LINE.search(live[-1])  # only how many voted
    bot.clock.advance(days=8)
    closed = "\n".join(s.text for s in await bot.fire_due())
    assert closed.count("agree    █████░░░░░ 2 (50%)") == 2  # both polls, the same result
    tables = await dump(engine)

    chats = {who: f"dm:{who.casefold()}" for who in FOUNDERS}
    assert outbox_attack(tables["outbox"], chats) == {}

    async with bot.core.uow() as uow:
        people = {who: await uow.people.by_identity("test", who.casefold()) for who in FOUNDERS}
    ids = {p.id: who for who, p in people.items() if p is not None}
    for name, rows in tables.items():  # no row names a voter beside a choice
        for row in rows:
            values = " ".join(str(v) for v in row.values())
            if "agree" in values:
                named = {
                    ids.get(row.get(c))
                    for c in ("person_id", "actor_id", "author_id", "subject_id")
                } - {None, "Ana"}
                assert not named and not any(chats[w] in values for w in ("Ben", "Chioma")), (
                    name,
                    row,
                )

    counts = [r for r in tables["ballot_counts"] if r["poll_id"] == 1]
    assert [r["digest"] for r in counts] == sorted(r["digest"] for r in counts)
    if engine.dialect.name == "postgresql":  # all rewritten by the last vote
        assert len({r["xmin"] for r in counts}) == 1
    first, second = world(tables, 1), world(tables, 2)
    assert dict(first)["ballot_counts"] and dict(first)["voted"] and dict(first)["outbox"]
    for (name, a), (_, b) in zip(first, second, strict=True):
        assert a == b, name  # whoever chose what, the database is the same
