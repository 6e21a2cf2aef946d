"""One group's busy week, built once, copied fresh for every generated case.

The core runs for real on SQLite with a fake clock (tests/harness.py). Building the world
takes seconds; a copy of its database file takes milliseconds, so each case starts from
the same state and a failure shrinks to the same example.

People: Ana, Ben, Chioma, Dev (trusted founders of Free Food); Eli (a newcomer); Rosa
(on the roster, asks for help anonymously: R1 open, R2 claimed by Ben, R3 done with
Chioma's help); Zed (has talked to minga, on no roster); Olga (founder of Other Group,
whose chat is group:other). Shifts S1-S4 ("Soup", weekly), pickup windows with Eli's
booking B1, polls P1 (a proposal) and P2 (a choice with write-ins), Chioma's offer O1.
"""

import asyncio
import contextlib
import itertools
import logging
import re
import shutil
import tempfile
import traceback
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.messages import ButtonPress, Chat
from bot.model import OutboxMessage
from tests.conftest import sqlite_engine_at, sqlite_test_engine
from tests.harness import Harness, Seen, Snapshot
from tests.hostile.platforms import Refused, check_both

APOLOGY = "Sorry, something went wrong on my side"
FOOD, OTHER = "group:food", "group:other"
TRUSTED = ("Ana", "Ben", "Chioma", "Dev")
REQUESTER = "Rosa"


_TEMPLATE: Snapshot | None = None
_DIR = Path(tempfile.mkdtemp(prefix="minga-hostile-"))
_COPIES = itertools.count()


async def _build(path: Path) -> Snapshot:
    engine = await sqlite_engine_at(path)
    bot = Harness(engine)
    say = bot.say
    await bot.setup_group()
    for who in ("Eli", "Rosa"):
        await say(who, "/join")
    for who in ("Ana", "Ben", "Chioma", "Dev", "Eli", "Rosa", "Zed", "Olga"):
        await say(who, "/start", group=None)
    await say("Olga", "/setup Other Group", group="other")
    for what in ("bread for two", "a lift to the clinic", "nappies"):
        await say(REQUESTER, f"/request food Eastside by friday: {what}", group=None)
    await say("Ben", "/claim R2")
    await say("Chioma", "/claim R3")
    await say("Chioma", "/done R3")
    await say("Ana", '/shift add "Soup" sat 10:00-13:00 weekly places 3 roles cook:1,server:2')
    await say("Ben", "/signup S1 cook")
    await say("Chioma", "/signup S1 server")
    await say("Chioma", "/signup S2 server")
    await say("Chioma", "/giveaway S2")
    await say("Ana", '/pickups open sat 13:00-14:00 every 15 boxes 2 at "Community hall"')
    await say("Eli", "/pickup", group=None)
    await say("Eli", "1", group=None)
    await say("Ana", "/propose Buy a second fridge")
    await say("Ben", "/vote P1 agree")
    await say("Ana", "/poll choice Lunch: soup | salad | stew; max 2 write-in")
    await say("Chioma", "/offer food Westside: 5 cans of beans", group=None)
    await say("Eli", "/reminders 24,2")
    await say("Ben", "/quiet 22-8")
    await bot.fire_due()
    assert not [s for s in bot.seen if APOLOGY in s.text], "the world itself failed"
    return await bot.snapshot(Path(tempfile.mkdtemp(dir=_DIR)))


async def template() -> Snapshot:
    global _TEMPLATE
    if _TEMPLATE is None:
        where = Path(tempfile.mkdtemp(dir=_DIR))
        _TEMPLATE = await _build(where)
    return _TEMPLATE


class _Failures(logging.Handler):
    """What the core logged as an internal failure, with where it happened."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            frame = traceback.extract_tb(record.exc_info[2])[-1]
            self.sink.append(
                f"internal failure {type(error).__name__}: {error} "
                f"at {frame.filename}:{frame.lineno}"
            )


@dataclass
class World(Harness):
    """A fresh copy of the template; every message that leaves is checked on the way."""

    problems: list[str] = field(default_factory=list)
    start: int = 0  # seen[start:] is what this case caused
    ids: dict[str, int] = field(default_factory=dict)
    reader: AsyncConnection | None = None

    async def _record(self, row: OutboxMessage) -> str:
        if APOLOGY in row.text:
            self.problems.append(f"apology in {row.chat_id}")
        try:
            row.text.encode("utf-8")
        except UnicodeEncodeError:
            self.problems.append(
                f"a lone surrogate in a message to {row.chat_id}: {row.text!r:.200}"
            )
        else:
            try:
                await check_both(row)
            except Refused as refusal:
                self.problems.append(f"{refusal} (to {row.chat_id}: {row.text!r:.200})")
        return await super()._record(row)

    @property
    def new(self) -> list[Seen]:
        return self.seen[self.start :]

    def buttons_in(self, chat_id: str) -> set[str]:
        """Every button data minga ever put on a message in this chat."""
        return {data for s in self.seen if s.chat_id == chat_id for data in s.buttons}

    def messages_in(self, chat_id: str) -> list[str]:
        return list(
            dict.fromkeys(s.message_id for s in self.seen if s.chat_id == chat_id and not s.toast)
        )

    async def press_as(
        self,
        who: str,
        data: str,
        chat: Chat,
        message_id: str | None = None,
        event_id: str | None = None,
    ) -> list[Seen]:
        return await self.deliver(press_event(who, data, chat, message_id, event_id))

    async def person_id(self, who: str) -> int | None:
        """Who this is (as they were when the case began: /forget cannot hide them)."""
        if who in self.ids:
            return self.ids[who]
        async with self.engine.connect() as conn:
            found = await conn.execute(
                sql("SELECT person_id FROM identities WHERE user_id = :u"), {"u": who.casefold()}
            )
            row = found.first()
        if row:
            self.ids[who] = row[0]
        return row[0] if row else None

    async def table(self, query: str, **values: Any) -> list[tuple[Any, ...]]:
        if self.reader is not None:
            return sorted(
                (tuple(r) for r in await self.reader.execute(sql(query), values)), key=repr
            )
        async with self.reading():
            return await self.table(query, **values)

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        """Read several tables through one connection (a snapshot is many small reads)."""
        if self.reader is not None:
            yield
            return
        async with self.engine.connect() as conn:
            self.reader = conn
            try:
                yield
            finally:
                self.reader = None


def chat_of(where: str, who: str) -> Chat:
    if where == "private":
        return Harness.private_chat(who)
    return Harness.group_chat(where.removeprefix("group:"))


def press_event(
    who: str, data: str, chat: Chat, message_id: str | None = None, event_id: str | None = None
) -> ButtonPress:
    """A press as a platform reports it, on a message (none: one minga never sent),
    answerable to the presser alone (a toast)."""
    return ButtonPress(
        event_id or uuid.uuid4().hex,
        chat,
        Harness.sender(who),
        message_id or "",
        data,
        uuid.uuid4().hex,
    )


def run(case: Any) -> None:
    """Run `case(world)` on a fresh copy of the world; fail with every problem seen."""
    asyncio.run(_run(case))


async def _run(case: Any) -> None:
    async with fresh() as world:
        await case(world)
    assert not world.problems, "\n".join(dict.fromkeys(world.problems))


@contextlib.asynccontextmanager
async def fresh() -> AsyncIterator[World]:
    """A copy of the world, its problems recorded as they happen."""
    made = await template()
    where = _DIR / f"case{next(_COPIES)}"
    where.mkdir()
    world = World(sqlite_test_engine(where / "minga.db"), start=len(made.seen))
    await world.restore(made)
    for who in ROLES:
        await world.person_id(who)
    failures = _Failures(world.problems)
    core_log = logging.getLogger("minga.core")
    core_log.addHandler(failures)
    try:
        yield world
    finally:
        core_log.removeHandler(failures)
        await world.engine.dispose()
        shutil.rmtree(where, ignore_errors=True)


# --- what a speaker may change ------------------------------------------------------------

ALL_STATE = (
    "settings",
    "groups",
    "members",
    "vouches",
    "dialogs",
    "link_codes",
    "requests",
    "offers",
    "offer_takes",
    "matches",
    "activities",
    "shifts",
    "shift_roles",
    "signups",
    "swaps",
    "reminder_prefs",
    "pickup_slots",
    "bookings",
    "pickup_waitlist",
    "polls",
    "votes",
    "voted",
    "ballot_counts",
    "reactions",
    "identities",
)


async def everything(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every table that holds what minga knows and decided (not its in- and outbox, logs,
    jobs, nor who it has met)."""
    async with world.reading():
        return {t: await world.table(f"SELECT * FROM {t}") for t in ALL_STATE}


async def personal(world: World, me: int, who: str) -> dict[str, list[tuple[Any, ...]]]:
    """What belongs to other people: only they change it, whoever speaks. Someone who made
    minga forget them and spoke again is a new person, and still themselves."""
    return {
        "people": await world.table(
            "SELECT id, name, language FROM people WHERE id != :me AND id NOT IN "
            "(SELECT person_id FROM identities WHERE user_id = :handle)",
            me=me,
            handle=who.casefold(),
        ),
        "identities": await world.table(
            "SELECT person_id, platform, user_id, handle FROM identities "
            "WHERE person_id != :me AND user_id != :handle",
            me=me,
            handle=who.casefold(),
        ),
        "reminder_prefs": await world.table(
            "SELECT * FROM reminder_prefs WHERE person_id != :me", me=me
        ),
        "votes": await world.table("SELECT * FROM votes WHERE person_id != :me", me=me),
    }


async def group_rules(world: World, me: int) -> dict[str, list[tuple[Any, ...]]]:
    """What only the trusted members (or the group, by a binding proposal) change: settings,
    trust, the roster, the plan of shifts and pickups, and others' polls and places."""
    return {
        "settings": await world.table("SELECT * FROM settings"),
        "groups": await world.table("SELECT id, name, founding_until FROM groups"),
        "members": await world.table("SELECT * FROM members WHERE person_id != :me", me=me),
        "my trust": await world.table(
            "SELECT count(*) FROM members WHERE person_id = :me AND status = 'trusted'", me=me
        ),
        "vouches": await world.table("SELECT voucher_id, member_id FROM vouches"),
        "activities": await world.table("SELECT * FROM activities"),
        "shifts": await world.table("SELECT id, group_id, starts_at, ends_at, state FROM shifts"),
        "shift_roles": await world.table("SELECT shift_id, role, places FROM shift_roles"),
        "pickup_slots": await world.table(
            "SELECT id, group_id, place, starts_at, ends_at, boxes FROM pickup_slots"
        ),
        "others' polls": await world.table(
            "SELECT id, kind, title, max_choices, points, quorum, trusted_only, secret, "
            "hidden, closes_at, state, result, action, action_done FROM polls "
            "WHERE author_id IS NOT :me",
            me=me,
        ),
        "others' places": await world.table(
            "SELECT id, shift_id, person_id, role FROM signups "
            "WHERE person_id != :me AND NOT giving_away",
            me=me,
        ),
        "others' offers": await world.table(
            "SELECT id, offerer_id, category, what, area FROM offers WHERE offerer_id != :me", me=me
        ),
        "requests not mine": await world.table(
            "SELECT id, requester_id, description, show_name, thanks FROM requests "
            "WHERE requester_id IS NOT :me",
            me=me,
        ),
    }


async def outsider_rules(world: World, me: int) -> dict[str, list[tuple[Any, ...]]]:
    """Someone on no roster of the group: nothing of it changes, requests included."""
    return {
        "requests": await world.table(
            "SELECT * FROM requests WHERE requester_id IS NOT :me", me=me
        ),
        "bookings": await world.table("SELECT * FROM bookings WHERE person_id != :me", me=me),
        "others' places, all": await world.table(
            "SELECT * FROM signups WHERE person_id != :me", me=me
        ),
        "others' offers, all": await world.table(
            "SELECT id, remaining, state FROM offers WHERE offerer_id != :me", me=me
        ),
    }


ROLES = {
    "Ana": "trusted",
    "Ben": "trusted",
    "Chioma": "trusted",
    "Dev": "trusted",
    "Eli": "newcomer",
    "Rosa": "newcomer",
    "Zed": "outsider",
    "Olga": "outsider",
}


async def allowed(world: World, who: str) -> dict[str, list[tuple[Any, ...]]]:
    """What must stay as it is whatever `who` types or presses."""
    me = await world.person_id(who)
    assert me is not None
    async with world.reading():
        kept = await personal(world, me, who)
        if ROLES[who] != "trusted":
            kept |= await group_rules(world, me)
        if ROLES[who] == "outsider":
            kept |= await outsider_rules(world, me)
    return kept


async def seizable(world: World, who: str) -> dict[str, list[tuple[Any, ...]]]:
    """What a takeover changes, and time alone does not: rules, roster, trust, the plan."""
    me = await world.person_id(who)
    async with world.reading():
        return await _seizable(world, me)


async def _seizable(world: World, me: int | None) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "settings": await world.table("SELECT * FROM settings"),
        "members": await world.table("SELECT * FROM members WHERE person_id != :me", me=me),
        "my trust": await world.table(
            "SELECT count(*) FROM members WHERE person_id = :me AND status = 'trusted'", me=me
        ),
        "vouches": await world.table("SELECT voucher_id, member_id FROM vouches"),
        "planned shifts": await world.table(
            "SELECT id, starts_at, state FROM shifts WHERE id <= 4"
        ),
        "link codes": await world.table(
            "SELECT kind, group_id FROM link_codes WHERE kind != 'identity'"
        ),
    }


def changed(before: dict[str, list[Any]], after: dict[str, list[Any]]) -> list[str]:
    return [
        f"{name} changed: {sorted(set(before[name]) ^ set(after[name]), key=repr)[:4]!r:.600}"
        for name in before
        if before[name] != after[name]
    ]


async def leaks(world: World, seen: list[Seen]) -> list[str]:
    """Group messages that tie the anonymous requester to one of her requests."""
    rosa = await world.person_id(REQUESTER)
    hers = [
        n
        for (n,) in await world.table(
            "SELECT id FROM requests WHERE requester_id = :r AND NOT show_name", r=rosa
        )
    ]
    return [
        f"{REQUESTER} named with R{n} in {s.chat_id}: {s.text!r:.300}"
        for s in seen
        for n in hers
        if s.chat_id.startswith("group:")
        and REQUESTER.casefold() in s.text.casefold()
        and re.search(rf"\bR{n}\b", s.text)
    ]
