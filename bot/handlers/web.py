"""The week page: a read-only view of a group's week for a wall screen or a phone, reached by
a private link each person on its roster gets with /web.

The core builds what the page shows as plain records (`WeekPage`), already in the reader's
words; an adapter draws them (adapters/web). What the page never shows is decided here:
who asked for help (even where the request's own post names them), what they asked for in
their words, who is on a shift or who voted. A link is kept only as a digest of its token,
so it is shown once; `/web new` makes another and the one before stops at once. A link
opens the page only while the group keeps its page on and its holder is on the roster: the
page shows no more than the group's posts show everyone in its chats, newcomers included.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot import words
from bot.context import Context, Work
from bot.handlers.common import active_member, reachable
from bot.i18n import N_, Translator, translator
from bot.messages import Action, PrivateMessage, Reply
from bot.model import Group, HelpRequest, PickupSlot, Poll, Shift, WebLink
from bot.params import BadArgument
from bot.poll_kinds import KINDS
from bot.router import Args
from bot.settings import setting
from bot.times import local_date, wall

WEEK = timedelta(days=7)
OUTCOME_WEEKS = 4  # closed polls shown: those that closed in the last four weeks
TOKEN_BYTES = 32  # 256 bits, as URL-safe base64: 43 characters
PAGE_PATH = "/week/"
USAGE = N_("Use /web for your link to the group's week page, or /web new for a new link.")


# --- the link --------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def page_url(base: str, token: str) -> str:
    return base.rstrip("/") + PAGE_PATH + token


async def web(ctx: Context, args: Args) -> list[Action]:
    """`/web`: the person's own link to the group's week page; `/web new`: a new one."""
    assert ctx.group is not None
    group, tr = ctx.group, ctx.tr
    renew = "action" in args
    if renew and words.read("web_word", args["action"]) != "new":
        raise BadArgument(USAGE)
    refusal = await _refusal(ctx, group)
    if refusal:
        return [Reply(refusal)]
    mine = await ctx.uow.web_links.mine("week", ctx.person.id, group.id)
    if mine is not None and not renew:
        return await _privately(ctx, _kept(ctx, group, mine))
    token = new_token()
    await ctx.uow.web_links.renew("week", ctx.person.id, group.id, token, ctx.now)
    await ctx.uow.audit.add(group.id, ctx.person.id, "web.link", {}, ctx.now)
    return await _privately(
        ctx,
        tr._(
            "Your private link to the week page of {group}: {url}\n"
            "It shows the shifts of this week and the next, open requests (never who "
            "asked), pickups, polls and what the group decided. It works while you are on "
            "its roster and the group keeps its page on. Share it only with people of "
            "the group; /web new makes a new one, and this one stops at once.",
            group=group.name,
            url=page_url(ctx.web.base_url, token),
        )
        + ("\n" + tr._("Your link before this one no longer works.") if mine else ""),
    )


async def _refusal(ctx: Context, group: Group) -> str | None:
    tr = ctx.tr
    if not ctx.web.enabled:
        return tr._(
            "This minga has no web pages: whoever runs it has not turned them on ([web] in "
            "its configuration)."
        )
    if await active_member(ctx, group.id) is None:
        return tr._(
            "Only people on the roster of {group} get a link to its week page.", group=group.name
        )
    if setting(group, "web", ctx.defaults) != "on":
        return tr._(
            "{group} has no week page. The group turns it on with /set web on.",
            group=group.name,
        )
    return None


def _kept(ctx: Context, group: Group, link: WebLink) -> str:
    return ctx.tr._(
        "You got your link to the week page of {group} on {day}. It is kept only in a form "
        "that cannot show it again: /web new gives you a new one, and the old one stops.",
        group=group.name,
        day=ctx.tr.day(local_date(link.created_at, ctx.zone(group))),
    )


async def _privately(ctx: Context, text: str) -> list[Action]:
    """A link is never said in a group chat, nor kept once sent."""
    if ctx.chat.kind == "private":
        return [Reply(text, transient=True)]
    told = PrivateMessage(ctx.person.id, text, transient=True)
    tr = ctx.tr
    if await reachable(ctx, ctx.person.id):
        return [told, Reply(tr._("I answered you privately."))]
    return [
        told,
        Reply(
            tr._("I answered you privately: open a private chat with me to read it."),
            (tr.button(tr._("Open a private chat"), "start", private=True),),
        ),
    ]


async def opened(work: Work, token: str) -> Group | None:
    """The group whose week page a token opens now, or None: a wrong, old or replaced
    token, a group that turned its page off, a holder no longer on its roster, all alike."""
    if not work.web.enabled:
        return None
    link = await work.uow.web_links.find("week", token)
    if link is None or link.group_id is None:
        return None
    group = await work.uow.groups.get(link.group_id)
    if group is None or setting(group, "web", work.defaults) != "on":
        return None
    member = await work.uow.members.get(group.id, link.person_id)
    return group if member is not None and member.status != "left" else None


# --- what the page shows ---------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Place:
    """One role of one shift: places taken of those there are, and how many wait."""

    role: str
    taken: int
    places: int
    waiting: int

    @property
    def open(self) -> int:
        return max(self.places - self.taken, 0)


@dataclass(frozen=True, kw_only=True)
class Slot:
    """One shift in the grid's cell of its activity and day."""

    number: str  # S45
    hours: str  # 10:00–13:00
    places: tuple[Place, ...]

    @property
    def short(self) -> bool:
        return any(p.open for p in self.places)


@dataclass(frozen=True, kw_only=True)
class Row:
    activity: str
    cells: tuple[tuple[Slot, ...], ...]  # one per day of the week, Monday first


@dataclass(frozen=True, kw_only=True)
class Week:
    title: str
    days: tuple[str, ...]  # "Mon 2 Mar", Monday first
    rows: tuple[Row, ...]
    open_places: int


@dataclass(frozen=True, kw_only=True)
class OpenRequest:
    number: str  # R17
    category: str
    area: str
    needed_by: str
    urgent: bool
    claimed: bool


@dataclass(frozen=True, kw_only=True)
class Window:
    place: str
    when: str
    booked: int
    left: int


@dataclass(frozen=True, kw_only=True)
class OpenPoll:
    number: str
    title: str
    kind: str
    voted: int
    closes: str


@dataclass(frozen=True, kw_only=True)
class Outcome:
    number: str
    title: str
    closed: str
    result: str  # in words: "It passed.", the winning option…
    outcome: str | None  # what its author added


@dataclass(frozen=True, kw_only=True)
class Words:
    """The page's own words, in the reader's language."""

    title: str
    coverage: str
    activity: str
    requests: str
    no_requests: str
    claimed: str
    open: str
    urgent: str
    pickups: str
    no_pickups: str
    booked: str
    left: str
    polls: str
    no_polls: str
    voted: str
    closes: str
    outcomes: str
    no_outcomes: str
    no_shifts: str
    waiting: str
    updated: str
    privacy: str
    subscribe: str


@dataclass(frozen=True, kw_only=True)
class WeekPage:
    """Everything a group's week page shows, in words, in one language and time zone."""

    language: str
    group: str
    zone: str
    words: Words
    weeks: tuple[Week, ...]  # this week and the next
    requests: tuple[OpenRequest, ...]
    pickups: tuple[Window, ...]
    polls: tuple[OpenPoll, ...]
    outcomes: tuple[Outcome, ...]


def _words(tr: Translator, group: Group, now: str) -> Words:
    return Words(
        title=tr._("The week of {group}", group=group.name),
        coverage=tr._("Shifts"),
        activity=tr._("Activity"),
        requests=tr._("Open requests"),
        no_requests=tr._("No open requests."),
        claimed=tr._("someone is on it"),
        open=tr._("open"),
        urgent=tr._("URGENT"),
        pickups=tr._("Pickup windows"),
        no_pickups=tr._("No pickup windows these two weeks."),
        booked=tr._("booked"),
        left=tr._("left"),
        polls=tr._("Open polls"),
        no_polls=tr._("No open polls."),
        voted=tr._("voted"),
        closes=tr._("closes"),
        outcomes=tr._("Decided lately"),
        no_outcomes=tr._("Nothing decided in the last weeks."),
        no_shifts=tr._("No shifts this week."),
        waiting=tr._("waiting"),
        updated=tr._("As of {when}; the page updates itself every minute.", when=now),
        privacy=tr._("This page never shows who asked for help, who is on a shift or who voted."),
        subscribe=tr._("Follow these shifts in your calendar app"),
    )


async def week_page(work: Work, group: Group, language: str | None) -> WeekPage:
    """The group's week as its page shows it, in the group's time zone and in `language`
    (one minga speaks; None: the group's)."""
    tr = work.group_tr(group) if language is None else translator(work.catalogs, language)
    zone = work.zone(group)
    monday = this_monday(work.now, zone)
    weeks = (
        await _week(work, tr, group, monday, tr._("This week")),
        await _week(work, tr, group, monday + WEEK, tr._("Next week")),
    )
    return WeekPage(
        language=tr.language,
        group=group.name,
        zone=zone,
        words=_words(tr, group, tr.when(work.now, zone)),
        weeks=weeks,
        requests=await _requests(work, tr, group, zone),
        pickups=await _pickups(work, tr, group, monday, zone),
        polls=await _polls(work, tr, group, zone),
        outcomes=await _outcomes(work, tr, group, zone),
    )


def this_monday(now: datetime, zone: str) -> date:
    """The Monday of the week `now` is in, in the group's zone."""
    today = local_date(now, zone)
    return today - timedelta(days=today.weekday())


def week_start(day: date, zone: str) -> datetime:
    """Midnight at the start of that local day, as an instant."""
    return wall(day, time(0), zone).at


async def _week(work: Work, tr: Translator, group: Group, monday: date, title: str) -> Week:
    zone = work.zone(group)
    shifts = await work.uow.shifts.between(
        [group.id], week_start(monday, zone), week_start(monday + WEEK, zone)
    )
    days = [monday + timedelta(days=n) for n in range(7)]
    waiting = await work.uow.shifts.waiting([s.id for s in shifts])
    by_activity: dict[str, list[list[Slot]]] = {}
    for shift in shifts:
        cells = by_activity.setdefault(shift.name, [[] for _ in days])
        cells[(local_date(shift.starts_at, zone) - monday).days].append(
            _slot(tr, shift, zone, waiting)
        )
    rows = tuple(
        Row(activity=name, cells=tuple(tuple(c) for c in cells))
        for name, cells in sorted(by_activity.items(), key=lambda item: item[0].casefold())
    )
    open_places = sum(p.open for row in rows for cell in row.cells for s in cell for p in s.places)
    return Week(
        title=title,
        days=tuple(tr.day(d) for d in days),
        rows=rows,
        open_places=open_places,
    )


def _slot(tr: Translator, shift: Shift, zone: str, waiting: dict[tuple[int, str], int]) -> Slot:
    return Slot(
        number=f"S{shift.id}",
        hours=tr.clock(shift.starts_at, zone) + "–" + tr.clock(shift.ends_at, zone),
        places=tuple(
            Place(
                role=tr.word("role", place.role),
                taken=place.taken,
                places=place.places,
                waiting=waiting.get((shift.id, place.role), 0),
            )
            for place in shift.roles
        ),
    )


async def _requests(work: Work, tr: Translator, group: Group, zone: str) -> tuple[OpenRequest, ...]:
    found: Sequence[HelpRequest] = await work.uow.requests.listed(
        [group.id], ["open", "claimed"], None, None
    )
    return tuple(
        OpenRequest(
            number=f"R{r.id}",
            category=tr.word("category", r.category),
            area=r.area,
            needed_by=tr.when(r.needed_by, zone) if r.needed_by else tr._("as soon as possible"),
            urgent=r.urgent,
            claimed=r.state == "claimed",
        )
        for r in sorted(found, key=lambda r: r.id)
    )


async def _pickups(
    work: Work, tr: Translator, group: Group, monday: date, zone: str
) -> tuple[Window, ...]:
    slots: Sequence[PickupSlot] = await work.uow.pickups.slots(
        [group.id], week_start(monday, zone), week_start(monday + 2 * WEEK, zone)
    )
    return tuple(
        Window(
            place=s.place,
            when=tr.when(s.starts_at, zone) + "–" + tr.clock(s.ends_at, zone),
            booked=s.booked,
            left=max(s.boxes - s.booked, 0),
        )
        for s in slots
    )


async def _polls(work: Work, tr: Translator, group: Group, zone: str) -> tuple[OpenPoll, ...]:
    polls = await work.uow.polls.of_group(group.id, open_only=True)
    network = await work.uow.networks.of_group(group.id)
    if network is not None:
        known = {p.id for p in polls}
        polls += [p for p in await work.uow.polls.of_network(network.id) if p.id not in known]
    return tuple(
        [
            OpenPoll(
                number=f"P{p.id}",
                title=p.title,
                kind=tr.word("poll_kind", p.kind),
                voted=await work.uow.polls.voted(p),
                closes=tr.when(p.closes_at, zone),
            )
            for p in sorted(polls, key=lambda p: p.closes_at)
        ]
    )


RESULTS = {
    "passed": N_("It passed."),
    "blocked": N_("It is blocked."),
    "rejected": N_("It did not pass."),
    "tie": N_("It is a tie: back to discussion."),
    "no quorum": N_("Too few voted: no decision."),
}


async def _outcomes(work: Work, tr: Translator, group: Group, zone: str) -> tuple[Outcome, ...]:
    since = work.now - OUTCOME_WEEKS * WEEK
    closed = [
        p
        for p in await work.uow.polls.of_group(group.id)
        if p.state == "closed" and p.closes_at >= since
    ]
    return tuple(
        [
            Outcome(
                number=f"P{p.id}",
                title=p.title,
                closed=tr.day(local_date(p.closes_at, zone)),
                result=await _result(work, tr, p, zone),
                outcome=p.outcome,
            )
            for p in sorted(closed, key=lambda p: p.closes_at, reverse=True)
        ]
    )


async def _result(work: Work, tr: Translator, poll: Poll, zone: str) -> str:
    """The result in words: for a proposal or a consent round, whether it passed (never the
    reasons, which may name people); for the others, what was chosen."""
    lines = [tr._(RESULTS[poll.result])] if poll.result in RESULTS else []
    if poll.kind not in ("proposal", "consent"):
        counted = KINDS[poll.kind].tally(poll, await work.uow.polls.ballots(poll))
        lines += KINDS[poll.kind].remarks(tr, poll, counted, zone)
    return " ".join(lines)
