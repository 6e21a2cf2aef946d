"""The bulk path of the network generator: rows written straight into minga's tables.

Why: building a group through the core costs one event per thing that happened (a join, a
vote, a sign-up, each job the scheduler ran) at 2–60 events a second; the 23,000 people of
a Cecosesola-sized network and their year would take hours that way. So one group (or more)
is built through the core (bench/network.py) and the others are written here, in the shapes
the core writes, so that the core later reads them as its own:

- people, their identity on the bench platform (user_id u<n>, handle p<n>, language en) and,
  for three in four, their private chat with the bot (chats, kind private);
- a group as /setup leaves it (groups, settings: language, its group chat in chats, the
  founding_closed job done) and its roster (members): the first trusted members are its
  founders (trusted from the start), the others trusted by three vouches each (vouches),
  the rest newcomers; member.join and group.setup in the audit log;
- a history over a time window, at the rates of one 80-person group's year, scaled by the
  roster: requests (open, claimed, done, cancelled, expired; anonymised after the 90 days of
  retention, as the request_anonymise job leaves them), offers with their takes (one
  without an end date ended by its offerer within two months), weekly
  activities with their shifts four weeks ahead, places (shift_roles.taken counts the
  sign-ups), sign-ups, polls (proposals and one-choice polls, open or closed) with named
  votes;
- the jobs the core plans for all of these (request_bump, _expire, _nudge, _anonymise,
  offer_expire, shift_post, shift_coverage, shift_reminder per sign-up, shift_extend,
  poll_close, poll_remind, poll_tally), done (outcome sent) when due before the end,
  pending after;
- the outbox rows the group chat keeps: every keyed post (welcome:, request:, offer:,
  shift:, poll:) as sent, with its message id (b<row id>) and buttons; a post changed since
  keeps an empty text on its first row and its latest text and buttons on a sent edit row
  with the same message id, as SqlOutbox.mark_sent/_supersede leave it; private messages
  are not written (minga prunes them after 7 days), nor inbox keys (pruned after 2 days),
  nor request/offer matches, dialogs, lanes, reminder preferences or pickups.

Ids are given here (one more than the largest in the table), so that rows can point at
each other before they are written; on PostgreSQL the id sequences are moved past them at
the end, and the tables analysed (as autovacuum would have done by the time a network of
this size has grown). Everything is drawn from one random.Random: the same seed writes
the same rows.
"""

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.driver import PLATFORM, Someone
from storage.models import Base

YEAR = timedelta(days=365)
WEEK = timedelta(days=7)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)

CATEGORIES = ("food", "ride", "errand", "housing", "legal", "medical", "childcare", "other")
AREAS = (
    "Eastside",
    "Westside",
    "Centro",
    "La Vega",
    "Catia",
    "Petare",
    "El Valle",
    "Los Teques",
    "Barquisimeto Sur",
    "Cabudare",
)
NEEDS = (
    "2 boxes for a family of 4",
    "a lift to the clinic on Tuesday",
    "nappies, size 4",
    "someone to fix a leaking tap",
    "help moving a fridge",
    "a hot meal for two",
    "school shoes, size 34",
    "company to the court hearing",
)
HAVES = (
    "10 loaves of bread",
    "a ride on Saturday morning",
    "6 bags of rice",
    "an afternoon of childcare",
    "4 winter coats",
    "help with forms at the office",
)
FIRST_NAMES = (
    "Ana",
    "Ben",
    "Carmen",
    "Dev",
    "Elena",
    "Farid",
    "Gloria",
    "Hugo",
    "Inés",
    "José",
    "Karin",
    "Luis",
    "María",
    "Nadia",
    "Omar",
    "Pilar",
    "Rosa",
    "Samuel",
    "Teresa",
    "Víctor",
    "Yolanda",
    "Zoe",
)
SURNAMES = (
    "Pérez",
    "Rangel",
    "Silva",
    "Torres",
    "Mendoza",
    "Rojas",
    "Castillo",
    "Díaz",
    "Guerrero",
    "Blanco",
    "Suárez",
    "Morales",
)
ACTIVITIES = (
    ("Box distribution", "shift", 180, (("packer", 4), ("table", 4), ("driver", 2))),
    ("Bread pickup", "collection", 60, (("volunteer", 2),)),
    ("Community kitchen", "shift", 240, (("cook", 3), ("server", 3))),
    ("Market run", "collection", 90, (("volunteer", 3),)),
    ("Warehouse sorting", "shift", 120, (("sorter", 5),)),
)
PROPOSALS = (
    "Use the hall on Sundays",
    "Buy a second freezer",
    "Join the neighbourhood fair",
    "Move the Saturday shift an hour earlier",
    "Share the van with the school",
)
CHOICES = (
    ("Lunch for the assembly", ("soup", "salad", "arepas")),
    ("Where to hold the party", ("hall", "park", "school")),
)
FOUNDERS = 5  # trusted from the start; the other trusted members by vouches
VOUCHES = 3
PRIVATE_SHARE = 0.75  # people who started the bot: minga can write to them privately


@dataclass(frozen=True)
class Rates:
    """One 80-person group's year (bench/network.py's core group lives at the same rates),
    per person on the roster or per group."""

    requests: float = 2.6  # a person a year: 4 a week in a group of 80
    offers: float = 1.3  # 2 a week
    polls: float = 24  # a group a year
    voting: float = 0.35  # of the roster, on a poll that has closed
    activities_per_80: float = 2  # weekly activities for 80 people (at least 2, at most 8)
    filled: float = 0.7  # of the places of a past shift


@dataclass(frozen=True)
class Member:
    id: int
    person_id: int
    status: str


@dataclass
class BulkGroup:
    id: int
    number: int
    name: str
    chat_id: str
    created_at: datetime
    members: list[Member]

    @property
    def people(self) -> list[int]:
        return [m.person_id for m in self.members]


def person_name(number: int) -> str:
    return (
        f"{FIRST_NAMES[number % len(FIRST_NAMES)]} "
        f"{SURNAMES[(number // len(FIRST_NAMES)) % len(SURNAMES)]}"
    )


def someone(number: int) -> Someone:
    """Person number n of a network, as the platform shows them."""
    return Someone(f"u{number}", person_name(number), f"p{number}")


def group_name(number: int) -> str:
    return f"Minga {number + 1} {AREAS[number % len(AREAS)]}"


def group_chat_id(number: int) -> str:
    return f"group-{number + 1}"


# Tables in an order in which every row's foreign keys are written before it.
ORDER = (
    "people",
    "identities",
    "groups",
    "settings",
    "chats",
    "members",
    "vouches",
    "activities",
    "shifts",
    "shift_roles",
    "signups",
    "requests",
    "offers",
    "offer_takes",
    "polls",
    "votes",
    "jobs",
    "outbox",
    "audit",
)
CHUNK = 2000


@dataclass
class Writer:
    """Rows to write, table by table, with ids given here."""

    next_ids: dict[str, int]
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    written: int = 0

    @classmethod
    async def on(cls, engine: AsyncEngine) -> "Writer":
        """Ids go on from the largest already in each table."""
        ids = {}
        async with engine.connect() as conn:
            for name in ORDER:
                table = Base.metadata.tables[name]
                if "id" in table.c:
                    ids[name] = (await conn.execute(select(func.max(table.c.id)))).scalar() or 0
            await conn.rollback()
        return cls({name: n + 1 for name, n in ids.items()})

    def take(self, table: str) -> int:
        number = self.next_ids[table]
        self.next_ids[table] = number + 1
        return number

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        self.rows[table].append(values)
        return values

    async def flush(self, engine: AsyncEngine) -> None:
        """Everything added so far, in one transaction."""
        async with engine.begin() as conn:
            for name in ORDER:
                rows = self.rows.pop(name, [])
                table = Base.metadata.tables[name]
                for start in range(0, len(rows), CHUNK):
                    await conn.execute(table.insert(), rows[start : start + CHUNK])
                self.written += len(rows)

    async def finish(self, engine: AsyncEngine) -> None:
        """PostgreSQL: the id sequences past the ids given here; statistics, as autovacuum
        would have them."""
        if engine.dialect.name != "postgresql":
            return
        async with engine.begin() as conn:
            for name in self.next_ids:
                await conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
                    )
                )
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))

    # --- shapes shared by several kinds of rows ------------------------------------------

    def job(self, kind: str, ref_id: int, due: datetime, now: datetime) -> None:
        done = due <= now
        self.add(
            "jobs",
            id=self.take("jobs"),
            kind=kind,
            ref_id=ref_id,
            due_at=due,
            done_at=due if done else None,
            outcome="sent" if done else None,
        )

    def post(
        self,
        chat_id: str,
        key: str,
        at: datetime,
        text_now: str,
        buttons_first: list[list[str]],
        buttons_now: list[list[str]],
        changed_at: datetime | None,
    ) -> None:
        """A group post as the outbox keeps it once sent (and, if it changed, edited)."""
        row_id = self.take("outbox")
        message_id = f"b{row_id}"
        self._outbox(
            row_id,
            chat_id,
            "send",
            key,
            "" if changed_at else text_now,
            buttons_first,
            at,
            message_id,
            priority=1,
        )
        if changed_at:
            self._outbox(
                self.take("outbox"),
                chat_id,
                "edit",
                key,
                text_now,
                buttons_now,
                changed_at,
                message_id,
                priority=2,
            )

    def _outbox(
        self,
        row_id: int,
        chat_id: str,
        kind: str,
        key: str,
        body: str,
        buttons: list[list[str]],
        at: datetime,
        message_id: str,
        priority: int,
    ) -> None:
        self.add(
            "outbox",
            id=row_id,
            platform=PLATFORM,
            chat_id=chat_id,
            kind=kind,
            key=key,
            text=body,
            buttons=buttons,
            created_at=at,
            attempts=0,
            next_attempt_at=None,
            sent_at=at + timedelta(seconds=1),
            failed=None,
            message_id=message_id,
            file_name=None,
            file_mime=None,
            file_data=None,
            transient=False,
            priority=priority,
            part_ids=None,
            address=None,
        )

    def audit(
        self, group_id: int, actor_id: int | None, action: str, detail: dict[str, Any], at: datetime
    ) -> None:
        self.add(
            "audit",
            id=self.take("audit"),
            at=at,
            group_id=group_id,
            actor_id=actor_id,
            action=action,
            detail=detail,
        )


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random()


def count(rng: random.Random, mean: float) -> int:
    """A whole number with this mean: the fraction decides up or down."""
    whole = math.floor(mean)
    return whole + (rng.random() < mean - whole)


def helper(rng: random.Random, people: Sequence[int], requester: int) -> int:
    """Someone else on the roster (the requester only if they are alone on it)."""
    for _ in range(5):
        chosen = rng.choice(people)
        if chosen != requester:
            return chosen
    return chosen


# --- people and groups -------------------------------------------------------------------


def add_people(w: Writer, numbers: Sequence[int], at: datetime, rng: random.Random) -> list[int]:
    """People n (u<n>, p<n>) as minga registers them; their person ids."""
    ids = []
    for number in numbers:
        who = someone(number)
        person_id = w.take("people")
        w.add("people", id=person_id, name=who.name, language="en", created_at=at)
        w.add(
            "identities",
            id=w.take("identities"),
            person_id=person_id,
            platform=PLATFORM,
            user_id=who.user_id,
            handle=who.handle,
            name=who.name,
        )
        if rng.random() < PRIVATE_SHARE:
            w.add(
                "chats",
                id=w.take("chats"),
                platform=PLATFORM,
                chat_id=who.user_id,
                kind="private",
                title=who.name,
                group_id=None,
                person_id=person_id,
            )
        ids.append(person_id)
    return ids


def add_group(
    w: Writer,
    number: int,
    people: Sequence[int],
    trusted: int,
    start: datetime,
    now: datetime,
    rng: random.Random,
) -> BulkGroup:
    """A group set up at `start` whose people joined in its first month; `trusted` of them
    trusted (FOUNDERS from the start, the others by vouches)."""
    group_id, name, chat_id = w.take("groups"), group_name(number), group_chat_id(number)
    founding_until = start + timedelta(hours=24)
    w.add(
        "groups",
        id=group_id,
        name=name,
        name_key=name.casefold(),
        created_at=start,
        founding_until=founding_until,
    )
    w.add("settings", group_id=group_id, key="language", value="en")
    w.add(
        "chats",
        id=w.take("chats"),
        platform=PLATFORM,
        chat_id=chat_id,
        kind="group",
        title=name,
        group_id=group_id,
        person_id=None,
    )
    w.job("founding_closed", group_id, founding_until, now)
    w.audit(group_id, people[0], "group.setup", {"name": name}, start)
    founders = min(FOUNDERS, trusted, len(people))
    members: list[Member] = []
    month_end = min(start + 30 * DAY, now)
    for n, person_id in enumerate(people):
        joined = (
            start + n * timedelta(minutes=1)
            if n < founders
            else between(rng, founding_until, month_end)
        )
        status = "trusted" if n < trusted else "newcomer"
        trusted_at = None
        if n < founders:
            trusted_at = joined
        elif status == "trusted":
            trusted_at = between(rng, joined, min(joined + 20 * DAY, now))
        member_id = w.take("members")
        w.add(
            "members",
            id=member_id,
            group_id=group_id,
            person_id=person_id,
            status=status,
            joined_at=joined,
            trusted_at=trusted_at,
        )
        w.audit(group_id, person_id, "member.join", {"founding": n < founders}, joined)
        if founders <= n < trusted and trusted_at is not None:
            for voucher in rng.sample(members[: max(founders, 1)], min(VOUCHES, founders)):
                w.add("vouches", voucher_id=voucher.id, member_id=member_id, created_at=trusted_at)
        members.append(Member(member_id, person_id, status))
    roster = len(members)
    w.post(
        chat_id,
        f"welcome:{group_id}",
        start,
        f"Welcome to minga, {name}!\nThere are no admins here.\nOn the roster: {roster} people.",
        [["Join", "join"]],
        [["Join", "join"]],
        month_end,
    )
    return BulkGroup(group_id, number, name, chat_id, start, members)


# --- history ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """History from `start` to `end`; items are in the state they have at `now` (the
    network's present), and shifts go on `ahead` of it as the weekly job plans them."""

    start: datetime
    end: datetime
    now: datetime
    ahead: bool

    @property
    def years(self) -> float:
        return (self.end - self.start) / YEAR


def add_history(
    w: Writer, group: BulkGroup, window: Window, rng: random.Random, rates: Rates = Rates()
) -> None:
    add_requests(w, group, window, rng, rates)
    add_offers(w, group, window, rng, rates)
    add_shifts(w, group, window, rng, rates)
    add_polls(w, group, window, rng, rates)


def add_requests(
    w: Writer, group: BulkGroup, window: Window, rng: random.Random, rates: Rates
) -> None:
    now, people = window.now, group.people
    for _ in range(count(rng, rates.requests * len(people) * window.years)):
        request_id = w.take("requests")
        created = between(rng, window.start, window.end)
        needed_by = None if rng.random() < 0.3 else created + rng.uniform(12, 7 * 24) * HOUR
        deadline = needed_by or created + WEEK
        expiry = deadline + 24 * HOUR
        if expiry <= now:  # over: what became of it
            state = rng.choices(("done", "cancelled", "expired"), (0.65, 0.1, 0.25))[0]
        else:
            state = rng.choices(("open", "claimed", "done"), (0.45, 0.35, 0.2))[0]
        requester = rng.choice(people)
        claimer = helper(rng, people, requester) if state in ("claimed", "done") else None
        claimed_at = min(created + rng.uniform(1, 48) * HOUR, now) if claimer else None
        changed = (
            created
            if state == "open"
            else (
                claimed_at
                if state == "claimed"
                else min(
                    expiry
                    if state == "expired"
                    else (claimed_at or created) + rng.uniform(2, 72) * HOUR,
                    now,
                )
            )
        )
        anonymised = state in ("done", "cancelled", "expired") and changed + 90 * DAY <= now
        category, area = rng.choice(CATEGORIES), rng.choice(AREAS)
        what = rng.choice(NEEDS)
        w.add(
            "requests",
            id=request_id,
            group_id=group.id,
            requester_id=None if anonymised else requester,
            category=category,
            description="" if anonymised else what,
            area="" if anonymised else area,
            needed_by=needed_by,
            urgent=rng.random() < 0.05,
            contact="relay",
            show_name=False,
            state=state,
            claimer_id=None if anonymised else claimer,
            created_at=created,
            changed_at=changed,
            thanks="Thank you so much!"
            if state == "done" and not anonymised and rng.random() < 0.3
            else None,
            anonymised=anonymised,
        )
        w.audit(group.id, requester, "request.open", {"request": request_id}, created)
        w.job("request_bump", request_id, created + 24 * HOUR, now)
        w.job("request_expire", request_id, expiry, now)
        if claimed_at:
            w.audit(group.id, claimer, "request.claim", {"request": request_id}, claimed_at)
            w.job("request_nudge", request_id, claimed_at + 48 * HOUR, now)
        if state in ("done", "cancelled", "expired"):
            w.job("request_anonymise", request_id, changed + 90 * DAY, now)
        line = (
            f"R{request_id} · {category} · {area} · "
            + (f"by {needed_by:%a %d %b %H:%M}" if needed_by else "as soon as possible")
            + f" · {what}"
        )
        claim = [["I can help", f"claim {request_id}", f"undo:unclaim {request_id}"]]
        after = {
            "claimed": "\n✋ Someone is helping.",
            "done": "\n✅ Done.",
            "cancelled": "\nCancelled by the person who asked.",
            "expired": "\nExpired without help.",
        }
        w.post(
            group.chat_id,
            f"request:{request_id}",
            created,
            "" if anonymised else line + after.get(state, ""),
            claim,
            claim if state == "open" else [],
            None if state == "open" else changed,
        )


def add_offers(
    w: Writer, group: BulkGroup, window: Window, rng: random.Random, rates: Rates
) -> None:
    now, people = window.now, group.people
    for _ in range(count(rng, rates.offers * len(people) * window.years)):
        offer_id = w.take("offers")
        created = between(rng, window.start, window.end)
        until = None if rng.random() < 0.3 else created + rng.uniform(2, 10) * DAY
        what = rng.choice(HAVES)
        quantity = int(what.split()[0]) if what[0].isdigit() else None
        offerer = rng.choice(people)
        last = min(until or now, now)
        takes = sorted(
            between(rng, created, last) for _ in range(rng.randint(0, min(3, quantity or 2)))
        )
        remaining = quantity - len(takes) if quantity is not None else None
        # One with no end is ended by its offerer (/close) a week to two months later.
        ended = created + rng.uniform(7, 60) * DAY if until is None else None
        state = (
            "expired"
            if until and until <= now
            else ("closed" if remaining == 0 or (ended and ended <= now) else "open")
        )
        category, area = rng.choice(CATEGORIES), rng.choice(AREAS)
        w.add(
            "offers",
            id=offer_id,
            group_id=group.id,
            offerer_id=offerer,
            category=category,
            what=what,
            area=area,
            quantity=quantity,
            remaining=remaining,
            until=until,
            state=state,
            created_at=created,
        )
        w.audit(group.id, offerer, "offer.open", {"offer": offer_id}, created)
        for at in takes:
            w.add(
                "offer_takes",
                id=w.take("offer_takes"),
                offer_id=offer_id,
                person_id=rng.choice(people),
                created_at=at,
                handed_at=at + HOUR if rng.random() < 0.7 else None,
            )
        if until:
            w.job("offer_expire", offer_id, until, now)
        line = f"O{offer_id} · {category} · {area} · {what}" + (
            f" · {remaining} left" if remaining is not None else ""
        )
        take = [["I'd like this", f"take {offer_id}"]]
        changed = takes[-1] if takes else None
        if state != "open":
            changed = (
                min(until or now, now)
                if state == "expired"
                else (ended if ended and ended <= now else changed)
            )
        ended = {"expired": "\nThis offer has ended.", "closed": "\nAll taken."}
        w.post(
            group.chat_id,
            f"offer:{offer_id}",
            created,
            line + ended.get(state, ""),
            take,
            take if state == "open" else [],
            changed,
        )


def add_shifts(
    w: Writer, group: BulkGroup, window: Window, rng: random.Random, rates: Rates
) -> None:
    now, people = window.now, group.people
    activities = min(8, max(2, round(len(people) / 80 * rates.activities_per_80)))
    horizon = window.end + 4 * WEEK if window.ahead else window.end  # weeks_ahead
    for n in range(activities):
        name, kind, minutes, roles = ACTIVITIES[n % len(ACTIVITIES)]
        weekday, hour = rng.randrange(7), rng.choice((9, 10, 15, 18))
        activity_id = w.take("activities")
        w.add(
            "activities",
            id=activity_id,
            group_id=group.id,
            name=name,
            kind=kind,
            weekday=weekday,
            start=f"{hour:02}:00",
            minutes=minutes,
            weekly=True,
            roles=[list(r) for r in roles],
            state="active",
            created_at=window.start,
        )
        extend = window.start + WEEK
        while extend <= window.end:
            w.job("shift_extend", activity_id, extend, now)
            extend += WEEK
        if window.ahead:
            w.job("shift_extend", activity_id, extend, now)
        first = window.start.replace(hour=hour, minute=0, second=0, microsecond=0)
        first += timedelta(days=(weekday - first.weekday()) % 7)
        if first <= window.start:
            first += WEEK
        starts = first
        while starts < horizon:
            _shift(w, group, activity_id, name, roles, starts, minutes, window, rng, rates)
            starts += WEEK


def _shift(
    w: Writer,
    group: BulkGroup,
    activity_id: int,
    name: str,
    roles: Sequence[tuple[str, int]],
    starts: datetime,
    minutes: int,
    window: Window,
    rng: random.Random,
    rates: Rates,
) -> None:
    now = window.now
    shift_id = w.take("shifts")
    posted = starts - 6 * DAY <= now
    w.add(
        "shifts",
        id=shift_id,
        activity_id=activity_id,
        group_id=group.id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        state="scheduled",
        posted=posted,
    )
    fill = rates.filled if starts <= now else 0.5 if starts - now < 6 * DAY else 0.15
    places = sum(p for _, p in roles)
    chosen = iter(rng.sample(group.people, min(places, len(group.people))))
    lines = [f"S{shift_id} · {name} · {starts:%a %d %b %H:%M}"]
    last_signup = None
    for role, role_places in roles:
        taken = min(role_places, count(rng, role_places * fill))
        signed = []
        for _ in range(taken):
            person_id = next(chosen, None)
            if person_id is None:
                break
            signup_id = w.take("signups")
            at = max(window.start, min(now, starts - rng.uniform(1, 7 * 24) * HOUR))
            w.add(
                "signups",
                id=signup_id,
                shift_id=shift_id,
                role=role,
                person_id=person_id,
                state="in",
                giving_away=False,
                created_at=at,
            )
            for before in (24, 2):  # reminders.DEFAULT_HOURS
                if starts - before * HOUR > at:
                    w.job("shift_reminder", signup_id, starts - before * HOUR, now)
            w.audit(
                group.id,
                person_id,
                "shift.signup",
                {"shift": shift_id, "role": role, "placed": True},
                at,
            )
            signed.append(person_id)
            last_signup = max(last_signup or at, at)
        w.add("shift_roles", shift_id=shift_id, role=role, places=role_places, taken=len(signed))
        lines.append(f"{role} {len(signed)}/{role_places}")
    if starts - 6 * DAY > window.start:
        w.job("shift_post", shift_id, starts - 6 * DAY, now)
    for before in (48, 12):  # coverage_hours, LAST_CALL
        w.job("shift_coverage", shift_id, starts - before * HOUR, now)
    if posted:
        buttons = [
            [role, f"signup {shift_id} {role}", f"undo:withdraw {shift_id}"] for role, _ in roles
        ]
        shown = max(window.start, starts - 6 * DAY)
        w.post(
            group.chat_id,
            f"shift:{shift_id}",
            shown,
            "\n".join(lines),
            buttons,
            buttons,
            last_signup if last_signup and last_signup > shown else None,
        )


def add_polls(
    w: Writer, group: BulkGroup, window: Window, rng: random.Random, rates: Rates
) -> None:
    now, people = window.now, group.people
    moments = [
        between(rng, window.start, window.end)
        for _ in range(count(rng, rates.polls * window.years))
    ]
    if window.ahead:  # a group has a poll open now
        moments.append(now - rng.uniform(0, 3) * DAY)
    for created in sorted(moments):
        poll_id = w.take("polls")
        if rng.random() < 0.7:
            kind, title, options = (
                "proposal",
                rng.choice(PROPOSALS),
                ["agree", "abstain", "disagree", "block"],
            )
            closes = created + 7 * DAY
        else:
            kind, (title, choices) = "choice", rng.choice(CHOICES)
            options, closes = list(choices), created + 3 * DAY
        state = "open" if closes > now else "closed"
        share = rates.voting * (
            min(1.0, (now - created) / (closes - created)) if state == "open" else 1.0
        )
        voters = rng.sample(people, min(len(people), count(rng, share * len(people))))
        w.add(
            "polls",
            id=poll_id,
            group_id=group.id,
            author_id=rng.choice(people),
            kind=kind,
            title=title,
            options=options,
            max_choices=1,
            points=8,
            write_in=False,
            quorum=0,
            trusted_only=False,
            secret=False,
            hidden=False,
            closes_at=closes,
            state=state,
            result=None if state == "open" else ("passed" if kind == "proposal" else "decided"),
            outcome=None,
            action=None,
            action_done=False,
            created_at=created,
            subject_id=None,
        )
        tally: dict[str, int] = dict.fromkeys(options, 0)
        for person_id in voters:
            if kind == "proposal":
                choice = rng.choices(options[:3], (0.7, 0.15, 0.15))[0]
                ballot: dict[str, Any] = {"choices": [choice], "reason": ""}
            else:
                choice = rng.choice(options)
                ballot = {"choices": [choice]}
            tally[choice] += 1
            w.add("votes", poll_id=poll_id, person_id=person_id, ballot=ballot)
        w.audit(
            group.id, None, "poll.open", {"poll": poll_id, "kind": kind, "action": None}, created
        )
        w.job("poll_close", poll_id, closes, now)
        if closes - 24 * HOUR > created:
            w.job("poll_remind", poll_id, closes - 24 * HOUR, now)
        last_vote = min(closes, now)
        for _ in range(0, len(voters), 10):  # the tally is redrawn once per burst
            w.job("poll_tally", poll_id, between(rng, created, last_vote), now)
        lines = (
            [
                f"P{poll_id} · {kind} · {title}",
                f"Closes {closes:%a %d %b %H:%M} · named votes · quorum 0%",
            ]
            + [f"{o} {c}" for o, c in tally.items()]
            + [f"Voted: {len(voters)} of {len(people)}"]
        )
        buttons = [[o, f"vote P{poll_id} {n}"] for n, o in enumerate(options, 1)]
        w.post(
            group.chat_id,
            f"poll:{poll_id}",
            created,
            "\n".join(lines),
            buttons,
            buttons if state == "open" else [],
            last_vote if voters or state == "closed" else None,
        )
