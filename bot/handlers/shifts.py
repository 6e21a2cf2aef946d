"""Shifts: activities with roles and places, sign-ups with a waitlist, giveaways and swaps.

A place is taken by a conditional update on the role's count, so the last place goes to
one person. Times are wall times in the group's zone, turned into instants day by day,
so a weekly 10:00 stays 10:00 across a change of the clocks.
"""

import shlex
from datetime import date, datetime, time, timedelta

from bot import dates
from bot.context import Context, Work
from bot.handlers import offers, rotation
from bot.handlers.common import active_member, change_refusal, may_see
from bot.handlers.reminders import cancel_reminders, schedule_reminders
from bot.handlers.shift_text import length, span, title
from bot.i18n import N_, Translator
from bot.messages import LINE, Action, Button, Edit, Post, Reply, strong
from bot.model import Activity, Group, Job, JobKind, Shift, Signup
from bot.params import MAX_REFERENCE_DIGITS, BadArgument, reference
from bot.router import Args
from bot.settings import number
from bot.text import decimal
from bot.times import (
    Moment,
    clock,
    leading_range,
    local_date,
    local_time,
    next_weekday,
    range_words,
    wall,
    wall_span,
)
from bot.words import Listed, fold, read

WEEK = timedelta(days=7)
POST_AHEAD = timedelta(days=6)  # a shift is posted in the group the week before it
LAST_CALL = timedelta(hours=12)  # the second coverage alert
MAX_NAME = 100  # an activity's name, as its posts show it
MAX_PLACES = 500  # on one shift, all roles together: more than any kitchen or warehouse
MAX_ROLES = 10
MAX_ROLE_NAME = 30
FLAGS = (
    "weekly",
    "collection",
    "all",
    "rotating",
)  # words of a plan that stand alone ([shift_word])
PLAN_USAGE = N_(
    'Write it like: /shift add "Box distribution" sat 10:00-13:00 '
    "weekly places 12 roles packer:4,table:6,driver:2"
)
ROTATES = N_(
    "{name} rotates now: when a shift of it opens, the people who took it least in the "
    "last {weeks} weeks are asked first, privately, a day before the group."
)
ROTATES_NOT = N_("{name} no longer rotates: each of its shifts opens to the whole group at once.")
ROTATE_USAGE = N_("Write it like /shift rotate S45 on, or /shift rotate S45 off.")


# --- what the group sees ---------------------------------------------------------------


async def post_of(work: Work, shift: Shift, group: Group) -> tuple[str, tuple[Button, ...]]:
    """The shift as the group sees it: who is on each role, what is missing, a button each."""
    tr = work.group_tr(group)
    lines = [title(tr, shift, work.zone(group))]
    if shift.state == "cancelled":
        return LINE.join([*lines, tr._("Cancelled.")]), ()
    signups = await work.uow.shifts.signups(shift.id)
    buttons = []
    for place in shift.roles:
        names = [
            s.name + (" ⇄" if s.giving_away else "")
            for s in signups
            if s.role == place.role and s.state == "in"
        ]
        lines.append(
            strong(tr.word("role", place.role))
            + f" {place.taken}/{place.places}"
            + (f": {', '.join(names)}" if names else "")
        )
        buttons.append(
            tr.button(
                tr.word("role", place.role)
                if place.taken < place.places
                else tr._("{role} (waitlist)", role=tr.word("role", place.role)),
                f"signup {shift.id} {place.role}",
                said=f"signup S{shift.id} {tr.word('role', place.role)}",
                undo=f"withdraw {shift.id}",
            )
        )
    waiting = [f"{s.name} ({tr.word('role', s.role)})" for s in signups if s.state == "waiting"]
    if waiting:
        lines.append(tr._("Waiting: {names}", names=", ".join(waiting)))
    if any(s.giving_away for s in signups):
        lines.append(tr._("⇄ gives their place away: /take S{number}", number=shift.id))
    return LINE.join(lines), tuple(buttons)


async def refresh(work: Work, shift_id: int) -> list[Action]:
    """The edit of the shift's post, once it has been posted."""
    shift = await work.uow.shifts.get(shift_id)
    if shift is None or not shift.posted:
        return []
    group = await work.load_group(shift.group_id)
    return [Edit(group.id, f"shift:{shift.id}", *await post_of(work, shift, group))]


async def publish(work: Work, shift: Shift) -> list[Action]:
    group = await work.load_group(shift.group_id)
    await work.uow.shifts.change(shift.id, posted=True)
    return [Post(group.id, *await post_of(work, shift, group), key=f"shift:{shift.id}")]


# --- defining shifts -------------------------------------------------------------------


def parse_roles(words: list[str]) -> tuple[tuple[str, int], ...]:
    """'places 12 roles packer:4,table:6,driver:2' → the roles; 'places 3' → one role."""
    options = {
        read("shift_word", name): value
        for name, value in zip(words[::2], words[1::2], strict=False)
    }
    if len(words) % 2 or set(options) - {"places", "roles"}:
        raise BadArgument(PLAN_USAGE)
    places_text = options.get("places")
    places = _count(places_text) if places_text is not None else None
    roles = _roles(options.get("roles"), places)
    _check_sizes(roles, places)
    return roles


def _roles(typed: str | None, places: int | None) -> tuple[tuple[str, int], ...]:
    """'packer:4,table:6' → the roles; none typed: one role, of volunteers."""
    if typed is None:
        return (("volunteer", places or 1),)
    pairs = [part.split(":") for part in typed.split(",")]
    if any(len(pair) != 2 for pair in pairs):
        raise BadArgument(ROLES_AND_PLACES)
    names = [" ".join(name.split()).casefold() for name, _ in pairs]
    # 'voluntario' is the role minga knows, so each reader sees it in their language.
    return tuple(
        (read("role", name) or name, _count(count))
        for name, (_, count) in zip(names, pairs, strict=True)
    )


def _check_sizes(roles: tuple[tuple[str, int], ...], places: int | None) -> None:
    total = sum(n for _, n in roles)
    too_long = any(len(r) > MAX_ROLE_NAME for r, _ in roles)
    if len(roles) > MAX_ROLES or total > MAX_PLACES or too_long:
        raise BadArgument(
            N_(
                "A shift has at most {roles} roles, {places} places in all, and "
                "role names of at most {letters} characters."
            ),
            roles=MAX_ROLES,
            places=MAX_PLACES,
            letters=MAX_ROLE_NAME,
        )
    if places is not None and places != total:
        raise BadArgument(
            N_("The roles add up to {sum} places, not {places}."), sum=total, places=places
        )
    if any(n < 1 or not r for r, n in roles) or len({r for r, _ in roles}) != len(roles):
        raise BadArgument(N_("Every role needs at least 1 place and a name of its own."))


ROLES_AND_PLACES = N_("Write roles like packer:4,table:6 and places as a number.")


def _count(raw: str) -> int:
    value = decimal(raw)
    if value is None:
        raise BadArgument(ROLES_AND_PLACES)
    return value


def split_flags(spec: str) -> tuple[list[str], set[str]]:
    """The words of a plan, and apart the flags among them ('semanal' is weekly)."""
    try:
        words = shlex.split(spec)
    except ValueError:
        raise BadArgument(N_("A quote is not closed.")) from None
    flags = [read("shift_word", w) for w in words]
    return [w for w, flag in zip(words, flags, strict=True) if flag not in FLAGS], {
        flag for flag in flags if flag in FLAGS
    }


def oddity_refusal(tr: Translator, moment: Moment, day: date, at: time, zone: str) -> str | None:
    if moment.oddity == "gap":
        return tr._(
            "{time} does not exist on {day} in {zone}: the clocks jump forward that "
            "night. Please pick another time.",
            time=f"{at:%H:%M}",
            day=tr.day(day),
            zone=zone,
        )
    if moment.oddity == "twice":
        return tr._(
            "{time} happens twice on {day} in {zone}: the clocks go back that night. "
            "Please pick another time.",
            time=f"{at:%H:%M}",
            day=tr.day(day),
            zone=zone,
        )
    return None


async def add(ctx: Context, spec: str) -> list[Action]:
    """`"Box distribution" sat 10:00-13:00 weekly places 12 roles packer:4,table:6`"""
    assert ctx.group is not None
    group, tr, zone = ctx.group, ctx.tr, ctx.zone(ctx.group)
    words, flags = split_flags(spec)
    if len(words) < 3:
        raise BadArgument(PLAN_USAGE)
    name = " ".join(words[0].split())
    if not 0 < len(name) <= MAX_NAME:
        raise BadArgument(
            N_('A shift needs a name of 1 to {limit} characters, like "Box distribution".'),
            limit=MAX_NAME,
        )
    day, rest = _when(words)
    start, minutes, used = leading_range(rest)
    roles = parse_roles(rest[used:])
    first = dates.day(day, ctx.now, zone, tr.language, start)
    refusal = oddity_refusal(tr, wall(first, start, zone), first, start, zone)
    if refusal and "weekly" not in flags:
        return [Reply(refusal)]
    activity = await ctx.uow.shifts.add_activity(
        Activity(
            id=0,
            group_id=group.id,
            name=name,
            kind="collection" if "collection" in flags else "shift",
            weekday=first.weekday(),
            start=start.strftime("%H:%M"),
            minutes=minutes,
            weekly="weekly" in flags,
            roles=roles,
            state="active",
            created_at=ctx.now,
            rotating="rotating" in flags,
        )
    )
    await ctx.uow.audit.add(
        group.id,
        ctx.actor_id,
        "activity.add",
        {"activity": activity.id, "name": activity.name},
        ctx.now,
    )
    made, notes = await generate(ctx, activity, group, tr, first)
    if activity.weekly:
        await ctx.uow.jobs.add(JobKind.SHIFT_EXTEND, activity.id, ctx.now + WEEK)
    lines = [
        tr.ngettext(
            "{name}: {n} shift open for sign-up: {first}.",
            "{name}: {n} shifts open for sign-up, the first {first}.",
            len(made),
            name=activity.name,
            first=title(tr, made[0], zone),
        )
    ]
    if activity.rotating:
        lines.append(
            tr._(ROTATES, name=activity.name, weeks=number(group, "rotation_weeks", ctx.defaults))
        )
    return [
        Reply("\n".join(lines + [note for _, note in notes])),
        *[
            a
            for shift in made
            if shift.starts_at - POST_AHEAD <= ctx.now
            for a in await publish(ctx, shift)
        ],
    ]


async def generate(
    work: Work, activity: Activity, group: Group, tr: Translator, first: date | None = None
) -> tuple[list[Shift], list[tuple[Shift, str]]]:
    """Occurrences up to `weeks_ahead` weeks out, from `first` (a date typed) or the next
    of its weekday; notes about clock changes on the way."""
    zone, start = work.zone(group), clock(activity.start)
    latest = await work.uow.shifts.latest(activity.id)
    day = (
        local_date(latest.starts_at, zone) + WEEK
        if latest
        else first or next_weekday(work.now, zone, activity.weekday, start)
    )
    horizon = work.now + WEEK * number(group, "weeks_ahead", work.defaults)
    made: list[Shift] = []
    notes: list[tuple[Shift, str]] = []

    def wanted(day: date) -> bool:
        opening = latest is None and not made  # an activity has at least one occurrence
        return opening or (activity.weekly and wall(day, start, zone).at <= horizon)

    while wanted(day):
        begin, end = wall_span(day, start, activity.minutes, zone)
        shift = await work.uow.shifts.add(activity, begin.at, end.at)
        note = clock_note(tr, day, (begin, end), activity.minutes, zone)
        if note:
            notes.append((shift, note))
        await schedule_shift_jobs(work, shift, group)
        if activity.rotating:
            await rotation.plan_ask(work, shift, shift.starts_at - POST_AHEAD)
        made.append(shift)
        day += WEEK
    return made, notes


def clock_note(
    tr: Translator, day: date, span_: tuple[Moment, Moment], minutes: int, zone: str
) -> str | None:
    """What a change of the clocks does to that day's shift: when it starts (a time that
    does not exist, or comes twice), and how long it lasts if not as long as planned."""
    begin, end = span_
    starts = None
    if begin.oddity == "gap":
        starts = tr._(
            "On {day} the clocks change: that shift starts at {time}.",
            day=tr.day(day),
            time=tr.clock(begin.at, zone),
        )
    elif begin.oddity == "twice":
        starts = tr._(
            "On {day} the clocks go back, so {time} comes twice: that shift starts at "
            "{time}, the first time.",
            day=tr.day(day),
            time=tr.clock(begin.at, zone),
        )
    lasts = (end.at - begin.at) // timedelta(minutes=1)
    if lasts == minutes:
        return starts
    how_long = {"length": length(tr, lasts), "usual": length(tr, minutes)}
    if starts:
        return starts + " " + tr._("It lasts {length} instead of {usual}.", **how_long)
    return tr._(
        "The clocks change during the shift of {day}: it lasts {length} instead of {usual}.",
        day=tr.day(day),
        **how_long,
    )


async def schedule_shift_jobs(work: Work, shift: Shift, group: Group) -> None:
    if shift.starts_at - POST_AHEAD > work.now:
        await work.uow.jobs.add(JobKind.SHIFT_POST, shift.id, shift.starts_at - POST_AHEAD)
    for before in coverage_offsets(work, group):
        if shift.starts_at - before > work.now:
            await work.uow.jobs.add(JobKind.SHIFT_COVERAGE, shift.id, shift.starts_at - before)


def coverage_offsets(work: Work, group: Group) -> tuple[timedelta, ...]:
    return timedelta(hours=number(group, "coverage_hours", work.defaults)), LAST_CALL


async def extend(work: Work, job: Job) -> list[Action]:
    """Once a week, a recurring activity opens one more week for sign-up."""
    activity = await work.uow.shifts.get_activity(job.ref_id)
    if activity is None or activity.state != "active":
        return []
    group = await work.load_group(activity.group_id)
    tr, zone = work.group_tr(group), work.zone(group)
    made, notes = await generate(work, activity, group, tr)
    await work.uow.jobs.add(JobKind.SHIFT_EXTEND, activity.id, job.due_at + WEEK)
    return [
        *[Post(group.id, LINE.join([title(tr, shift, zone), note])) for shift, note in notes],
        *[
            a
            for shift in made
            if shift.starts_at - POST_AHEAD <= work.now
            for a in await publish(work, shift)
        ],
    ]


async def shift_starts(work: Work, job: Job) -> datetime | None:
    """An alert about a shift is useless once it has begun."""
    shift = await work.uow.shifts.get(job.ref_id)
    return shift.starts_at if shift else None


async def post_job(work: Work, job: Job) -> list[Action]:
    shift = await work.uow.shifts.get(job.ref_id)
    if shift is None or shift.posted or shift.state != "scheduled":
        return []
    return await publish(work, shift)


async def coverage(work: Work, job: Job) -> list[Action]:
    """Before a shift, the group hears once (and once more at the last call) what is short."""
    shift = await work.uow.shifts.get(job.ref_id)
    if shift is None or shift.state != "scheduled":
        return []
    group = await work.load_group(shift.group_id)
    if not any(
        abs(shift.starts_at - before - job.due_at) < timedelta(minutes=1)
        for before in coverage_offsets(work, group)
    ):
        return []  # the shift moved: its own alerts are planned
    short = [(p.role, p.places - p.taken) for p in shift.roles if p.taken < p.places]
    if not short:
        return []
    tr = work.group_tr(group)
    text = tr._(
        "{shift} still needs: {missing}.",
        shift=title(tr, shift, work.zone(group)),
        missing=", ".join(f"{tr.word('role', role)} {n}" for role, n in short),
    )
    return [
        Post(
            group.id,
            text,
            tuple(
                tr.button(
                    tr.word("role", role),
                    f"signup {shift.id} {role}",
                    said=f"signup S{shift.id} {tr.word('role', role)}",
                    undo=f"withdraw {shift.id}",
                )
                for role, _ in short
            ),
        )
    ]


# --- signing up --------------------------------------------------------------------------


async def open_shift(ctx: Context, number_: int) -> tuple[Shift, Group]:
    """A shift about to change. Changes to one shift take turns, so the post each redraws
    counts the ones committed beside it (signups for two roles at once on PostgreSQL each
    missed the other's, and the post showed one place too few)."""
    shift = await ctx.uow.shifts.get(number_, lock=True)
    missing = N_("There is no shift S{number}.")
    if shift is None:
        raise BadArgument(missing, number=number_)
    # Of another group, it is a number that does not exist, but to whoever is on it.
    if not await may_see(ctx, [shift.group_id]) and not await ctx.uow.shifts.signup_of(
        shift.id, ctx.person.id
    ):
        raise BadArgument(missing, number=shift.id)
    group = await ctx.load_group(shift.group_id)
    if shift.state == "cancelled":
        raise BadArgument(N_("S{number} was cancelled."), number=number_)
    if shift.starts_at <= ctx.now:
        raise BadArgument(N_("S{number} has already started."), number=number_)
    return shift, group


async def _clash(ctx: Context, shift: Shift, group: Group) -> str | None:
    """Why this person cannot be on this shift too: one of theirs overlaps it."""
    other = await ctx.uow.shifts.busy(ctx.person.id, shift.starts_at, shift.ends_at, shift.id)
    return (
        ctx.tr._("That overlaps your shift {shift}.", shift=title(ctx.tr, other, ctx.zone(group)))
        if other
        else None
    )


def role_named(roles: list[str], typed: str) -> str | None:
    """The shift's role a typed word names: as the group wrote it, or minga's own role
    in any language ('voluntario' is volunteer)."""
    same = [role for role in roles if fold(role) == fold(typed)]
    found = same[0] if same else read("role", typed)
    return found if found in roles else None


def role_and_weeks(raw: str | None) -> tuple[str | None, int]:
    """'packer', '4 weeks', 'collector weeks 4', '4' → (role or None, how many weeks)."""
    words = [w for w in (raw or "").casefold().split() if read("shift_word", w) != "weeks"]
    counts = [n for w in words if (n := decimal(w)) is not None]
    roles = [w for w in words if decimal(w) is None]
    if len(counts) > 1 or len(roles) > 1 or (counts and not 1 <= counts[0] <= 12):
        raise BadArgument(
            N_("Write it like /signup S45 packer, or /signup S45 packer 4 for four weeks in a row.")
        )
    return (roles[0] if roles else None), (counts[0] if counts else 1)


async def signup(ctx: Context, args: Args) -> list[Action]:
    """One shift, or a run of weeks of the same activity (a donor pickup every Friday)."""
    shift, group = await open_shift(ctx, args["shift"])
    tr = ctx.tr
    if await active_member(ctx, group.id) is None:
        return [
            Reply(
                tr._(
                    "Only people on the roster of {group} can sign up for its shifts. "
                    "Press Join in its chat first.",
                    group=group.name,
                )
            )
        ]
    wanted, weeks = role_and_weeks(args.get("more"))
    roles = [p.role for p in shift.roles]
    role = role_named(roles, wanted) if wanted else (roles[0] if len(roles) == 1 else None)
    if role is None:
        return [
            Reply(
                tr._(
                    "Which role? S{number} has: {roles}. Like: /signup S{number} {example}",
                    number=shift.id,
                    roles=Listed("role", tuple(roles)),
                    example=tr.word("role", roles[0]),
                )
            )
        ]
    run = [
        shift,
        *(
            await ctx.uow.shifts.of_activity(shift.activity_id, shift.starts_at)
            if weeks > 1
            else []
        ),
    ]
    actions: list[Action] = []
    for each in run[:weeks]:
        answer, changed = await _sign(ctx, each, group, role)
        actions += [Reply(answer), *(await refresh(ctx, each.id) if changed else [])]
    return actions


async def _sign(ctx: Context, shift: Shift, group: Group, role: str) -> tuple[str, bool]:
    """Sign up for one shift: the answer to show, and whether anything changed."""
    tr = ctx.tr
    mine = await ctx.uow.shifts.signup_of(shift.id, ctx.person.id)
    if mine is not None:
        return (
            tr._(
                "You are already on S{number} as {role}.",
                number=shift.id,
                role=tr.word("role", mine.role),
            )
            if mine.state == "in"
            else tr._("You are already on the waitlist of S{number}.", number=shift.id)
        ), False
    clash = await _clash(ctx, shift, group)
    if clash:
        return clash, False
    placed = await ctx.uow.shifts.take_place(shift.id, role, ctx.person.id, ctx.now)
    await ctx.uow.audit.add(
        group.id,
        ctx.person.id,
        "shift.signup",
        {"shift": shift.id, "role": role, "placed": placed is not None},
        ctx.now,
    )
    if placed is None:
        await ctx.uow.shifts.wait(shift.id, role, ctx.person.id, ctx.now)
        return tr._(
            "{role} on S{number} is full: you are on its waitlist, and I will tell "
            "you if a place frees up.",
            role=tr.word("role", role),
            number=shift.id,
        ), True
    await schedule_reminders(ctx, placed, shift, group)
    return tr._(
        "You are on {shift} as {role}. Thank you!",
        role=tr.word("role", role),
        shift=title(tr, shift, ctx.zone(group)),
    ), True


async def _promoted(
    work: Work, promoted: Signup | None, shift: Shift, group: Group
) -> list[Action]:
    """The first on the waitlist got the place that freed: tell them, plan their reminders."""
    if promoted is None:
        return []
    await schedule_reminders(work, promoted, shift, group)
    return [
        await work.tell(
            promoted.person_id,
            group,
            N_("A place freed up: you are now on S{number} ({name}, {when}) as {role}."),
            number=shift.id,
            name=shift.name,
            when=work.group_tr(group).when(shift.starts_at, work.zone(group)),
            role=Listed("role", (promoted.role,)),
        )
    ]


async def withdraw(ctx: Context, args: Args) -> list[Action]:
    shift, group = await open_shift(ctx, args["shift"])
    mine = await ctx.uow.shifts.signup_of(shift.id, ctx.person.id)
    if mine is None:
        return [Reply(ctx.tr._("You are not on S{number}.", number=shift.id))]
    promoted = await ctx.uow.shifts.release(mine)
    await cancel_reminders(ctx, mine.id)
    await ctx.uow.audit.add(group.id, ctx.person.id, "shift.withdraw", {"shift": shift.id}, ctx.now)
    return [
        Reply(ctx.tr._("You are off S{number}.", number=shift.id)),
        *await _promoted(ctx, promoted, shift, group),
        *await refresh(ctx, shift.id),
    ]


# --- giveaway ----------------------------------------------------------------------------


async def my_place(ctx: Context, number_: int) -> tuple[Shift, Group, Signup]:
    shift, group = await open_shift(ctx, number_)
    mine = await ctx.uow.shifts.signup_of(shift.id, ctx.person.id)
    if mine is None or mine.state != "in":
        raise BadArgument(N_("You have no place on S{number}."), number=number_)
    return shift, group, mine


async def giveaway(ctx: Context, args: Args) -> list[Action]:
    shift, group, mine = await my_place(ctx, args["shift"])
    if not await ctx.uow.shifts.give_away(mine.id, True):
        return [
            Reply(ctx.tr._("Your place on S{number} is already up for grabs.", number=shift.id))
        ]
    await ctx.uow.audit.add(group.id, ctx.person.id, "shift.giveaway", {"shift": shift.id}, ctx.now)
    gtr, zone = ctx.group_tr(group), ctx.zone(group)
    offer = gtr._(
        "A {role} place on {shift} is up for grabs.",
        role=gtr.word("role", mine.role),
        shift=title(gtr, shift, zone),
    )
    take = ((N_("Take it"), f"take S{shift.id}"),)
    waiting = [
        s
        for s in await ctx.uow.shifts.signups(shift.id)
        if s.state == "waiting" and s.role == mine.role
    ]
    # The waitlist hears first, privately; the whole group at the same time sees the post.
    asked = [
        await ctx.tell(
            s.person_id,
            group,
            N_(
                "You are on the waitlist of S{number}: a {role} place is up for grabs, and you are "
                "asked first."
            ),
            take,
            number=shift.id,
            role=Listed("role", (mine.role,)),
        )
        for s in waiting
    ]
    return [
        Reply(
            ctx.tr._(
                "Your place is up for grabs. You stay on S{number} until someone takes it.",
                number=shift.id,
            )
        ),
        *asked,
        Post(group.id, offer, (gtr.button(gtr._("Take it"), f"take S{shift.id}"),)),
        *await refresh(ctx, shift.id),
    ]


async def take(ctx: Context, args: Args) -> list[Action]:
    shift, group = await open_shift(ctx, args["shift"])
    if await active_member(ctx, group.id) is None:
        return [
            Reply(
                ctx.tr._(
                    "Only people on the roster of {group} can sign up for its "
                    "shifts. Press Join in its chat first.",
                    group=group.name,
                )
            )
        ]
    signups = await ctx.uow.shifts.signups(shift.id)
    offered = [s for s in signups if s.giving_away and s.person_id != ctx.person.id]
    mine = next((s for s in signups if s.person_id == ctx.person.id), None)
    if mine is not None and mine.state == "in":
        return [
            Reply(
                ctx.tr._(
                    "You are already on S{number} as {role}.",
                    number=shift.id,
                    role=ctx.tr.word("role", mine.role),
                )
            )
        ]
    if not offered:
        return [
            Reply(
                ctx.tr._(
                    "Someone was quicker: no place on S{number} is up for grabs now.",
                    number=shift.id,
                )
            )
        ]
    clash = await _clash(ctx, shift, group)
    if clash:
        return [Reply(clash)]
    place = offered[0]
    if not await ctx.uow.shifts.hand_over(place.id, place.person_id, ctx.person.id):
        return [
            Reply(
                ctx.tr._(
                    "Someone was quicker: no place on S{number} is up for grabs now.",
                    number=shift.id,
                )
            )
        ]
    await cancel_reminders(ctx, place.id)
    now_mine = await ctx.uow.shifts.get_signup(place.id)
    assert now_mine is not None
    await schedule_reminders(ctx, now_mine, shift, group)
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "shift.take", {"shift": shift.id, "from": place.person_id}, ctx.now
    )
    return [
        Reply(
            ctx.tr._(
                "You took the {role} place on {shift}. Thank you!",
                role=ctx.tr.word("role", place.role),
                shift=title(ctx.tr, shift, ctx.zone(group)),
            )
        ),
        await ctx.tell(
            place.person_id,
            group,
            N_("{name} took your {role} place on S{number}: you are free."),
            name=ctx.person.name,
            role=Listed("role", (place.role,)),
            number=shift.id,
        ),
        *await refresh(ctx, shift.id),
    ]


async def take_either(ctx: Context, args: Args) -> list[Action]:
    """`/take S45` takes a shift place given away; `/take O5` (or 5) one of an offer."""
    what = args["what"].strip().upper()
    if what.startswith("S"):
        return await take(ctx, {"shift": reference("S")(what)})
    return await offers.take(ctx, {"offer": reference("O")(what)})


# --- views ---------------------------------------------------------------------------------


def _places(tr: Translator, shift: Shift) -> str:
    return ", ".join(f"{tr.word('role', p.role)} {p.taken}/{p.places}" for p in shift.roles)


async def week(ctx: Context, args: Args) -> list[Action]:
    """The coming week: every shift with filled and needed places per role."""
    groups = [ctx.group] if ctx.group else await ctx.uow.groups.of_person(ctx.person.id)
    zones = {g.id: ctx.zone(g) for g in groups}
    shifts = await ctx.uow.shifts.between(list(zones), ctx.now, ctx.now + WEEK)
    # The shares of rotating activities: the group's chat hears how many took turns; a
    # person alone, their own turns. Nobody's count is shown to others.
    shares = (
        await rotation.group_lines(ctx, ctx.tr, ctx.group)
        if ctx.group
        else await rotation.own_lines(ctx, ctx.tr, ctx.person.id)
    )
    if not shifts:
        return [Reply(LINE.join([ctx.tr._("No shifts in the coming week."), *shares]))]
    lines = [strong(ctx.tr._("The coming week:"))] + [
        title(ctx.tr, s, zones[s.group_id]) + f" · {_places(ctx.tr, s)}" for s in shifts
    ]
    return [Reply(LINE.join(lines + shares))]


async def mine(ctx: Context, args: Args) -> list[Action]:
    pairs = await ctx.uow.shifts.of_person(ctx.person.id, ctx.now)
    # Someone's own turns are theirs to see, not the chat's they ask in.
    shares = [] if ctx.group else await rotation.own_lines(ctx, ctx.tr, ctx.person.id)
    if not pairs:
        return [
            Reply(
                LINE.join(
                    [ctx.tr._("You are on no coming shift. /shifts shows the week."), *shares]
                )
            )
        ]
    tr = ctx.tr
    zones = {g.id: ctx.zone(g) for g in await ctx.uow.groups.of_person(ctx.person.id)}
    lines: list[str] = [strong(tr._("Your shifts:"))]
    for signup_, shift in pairs:
        note = (
            tr._("waitlist")
            if signup_.state == "waiting"
            else tr._("giving it away")
            if signup_.giving_away
            else tr.word("role", signup_.role)
        )
        lines.append(
            title(tr, shift, zones.get(shift.group_id, ctx.defaults.timezone)) + f" · {note}"
        )
    return [Reply(LINE.join(lines + shares))]


# --- changing the plan (trusted members) ------------------------------------------------------


async def shift_command(ctx: Context, args: Args) -> list[Action]:
    """`/shift add ...`, `/shift move S45 sun 10:00 [all]`, `/shift cancel S45 [all]`."""
    assert ctx.group is not None
    member = await active_member(ctx, ctx.group.id)
    if not ctx.by_group and (member is None or member.status != "trusted"):
        return [Reply(ctx.tr._("Only trusted members can plan shifts."))]
    action, spec = read("shift_word", args["action"]), args.get("spec", "")
    if action == "add":
        return await add(ctx, spec)
    shift, group, words, flags = await _changed(ctx, action, spec)
    targets = [shift]
    refusal = await change_refusal(ctx) if "all" in flags or action == "rotate" else None
    if refusal:
        return [Reply(refusal)]
    if "all" in flags:
        targets = await ctx.uow.shifts.of_activity(
            shift.activity_id, shift.starts_at - timedelta(seconds=1)
        )
    if action == "cancel":
        return await _cancel(ctx, group, targets, "all" in flags)
    if action == "rotate":
        return await _rotate(ctx, group, shift, _switch(words))
    return await _move(ctx, group, targets, words[1:], "all" in flags)


async def _changed(
    ctx: Context, action: str | None, spec: str
) -> tuple[Shift, Group, list[str], set[str]]:
    """The shift a move or cancel is about, with the rest of its words and its flags."""
    assert ctx.group is not None
    words, flags = split_flags(spec)
    number_ = (
        decimal(words[0][1:], MAX_REFERENCE_DIGITS)
        if words and (words[0].upper().startswith("S"))
        else None
    )
    if action not in ("move", "cancel", "rotate") or number_ is None:
        raise BadArgument(
            N_("Use /shift add …, /shift move S45 sun 10:00 [all] or /shift cancel S45 [all].")
        )
    shift, group = await open_shift(ctx, number_)
    if shift.group_id != ctx.group.id:
        raise BadArgument(N_("There is no shift S{number}."), number=shift.id)
    return shift, group, words, flags


def _when(words: list[str]) -> tuple[str, list[str]]:
    """After the name, the day ('sat', '12/12', 'sábado que viene'), and the words from the
    first that make a time range ('10:00-13:00', 'de 22 a 6') on."""
    hours = next((i for i in range(2, len(words)) if range_words(words[i:])), 2)
    return " ".join(words[1:hours]), words[hours:]


def _destination(words: list[str], language: str) -> tuple[int | None, time | None]:
    """'sun 10:00' → (the weekday, the time of day); either may be left out."""
    day = dates.weekday(words[0], language) if words and not words[0][:1].isdecimal() else None
    at = clock(words[-1]) if words and words[-1][:1].isdecimal() else None
    if day is None and at is None:
        raise BadArgument(N_("Say where to: /shift move S45 sun 10:00, or a day, or a time."))
    return day, at


async def check_plan(ctx: Context, args: Args) -> None:
    """A binding `shift` checked as /shift checks it, without doing it: a refusal names
    what is wrong."""
    action, spec = read("shift_word", args["action"]), args.get("spec", "")
    if action == "add":
        words, _ = split_flags(spec)
        if len(words) < 3:
            raise BadArgument(PLAN_USAGE)
        assert ctx.group is not None
        day, rest = _when(words)
        start, _, used = leading_range(rest)
        parse_roles(rest[used:])
        dates.day(day, ctx.now, ctx.zone(ctx.group), ctx.tr.language, start)
        return
    _, _, words, _ = await _changed(ctx, action, spec)
    if action == "move":
        _destination(words[1:], ctx.tr.language)
    if action == "rotate":
        _switch(words)


def _switch(words: list[str]) -> bool:
    """'S4 on' → True: the activity of S4 rotates from now on; 'S4 off' → False."""
    switch = read("reminder_word", words[1]) if len(words) == 2 else None
    if switch is None:
        raise BadArgument(ROTATE_USAGE)
    return switch == "on"


async def _rotate(ctx: Context, group: Group, shift: Shift, on: bool) -> list[Action]:
    """The whole activity rotates, or no longer: its coming shifts' private asks are
    planned, or dropped."""
    activity = await ctx.uow.shifts.get_activity(shift.activity_id)
    assert activity is not None
    if activity.rotating != on:
        await ctx.uow.shifts.set_activity(activity.id, rotating=on)
        coming = await ctx.uow.shifts.of_activity(activity.id, ctx.now)
        await rotation.drop_asks(ctx, coming)
        for each in coming if on else []:
            await rotation.plan_ask(ctx, each, each.starts_at - POST_AHEAD)
        await ctx.uow.audit.add(
            group.id,
            ctx.actor_id,
            "activity.rotate",
            {"activity": activity.id, "rotating": on},
            ctx.now,
        )
    weeks = number(group, "rotation_weeks", ctx.defaults)
    return [Reply(ctx.tr._(ROTATES if on else ROTATES_NOT, name=activity.name, weeks=weeks))]


async def _affected(
    work: Work, shift: Shift, group: Group, message: str, when: str
) -> list[Action]:
    """Everyone on a shift (and its waitlist) hears of a change to it."""
    return [
        await work.tell(s.person_id, group, message, number=shift.id, name=shift.name, when=when)
        for s in await work.uow.shifts.signups(shift.id)
    ]


async def _cancel(ctx: Context, group: Group, shifts: list[Shift], series: bool) -> list[Action]:
    actions: list[Action] = []
    for shift in shifts:
        if not await ctx.uow.shifts.cancel(shift.id):
            continue
        await ctx.uow.jobs.cancel(
            (JobKind.SHIFT_POST, JobKind.SHIFT_COVERAGE, JobKind.SHIFT_ROTATION), shift.id, ctx.now
        )
        for signup_ in await ctx.uow.shifts.signups(shift.id):
            await cancel_reminders(ctx, signup_.id)
        actions += await _affected(
            ctx,
            shift,
            group,
            N_("S{number} ({name}, {when}) is cancelled. Thank you for being ready to help."),
            when=ctx.group_tr(group).when(shift.starts_at, ctx.zone(group)),
        )
        actions += await refresh(ctx, shift.id)
    if series:
        await ctx.uow.shifts.set_activity(shifts[0].activity_id, state="cancelled")
    await ctx.uow.audit.add(
        group.id,
        ctx.actor_id,
        "shift.cancel",
        {"shifts": [s.id for s in shifts], "series": series},
        ctx.now,
    )
    return [
        Reply(
            ctx.tr.ngettext(
                "{n} shift cancelled; the people on it are told.",
                "{n} shifts cancelled; the people on them are told.",
                len(shifts),
            )
        ),
        *actions,
    ]


async def _move(
    ctx: Context, group: Group, shifts: list[Shift], words: list[str], series: bool
) -> list[Action]:
    """To another weekday of the same week and/or another time of day."""
    zone, tr = ctx.zone(group), ctx.tr
    day, at = _destination(words, tr.language)
    activity = await ctx.uow.shifts.get_activity(shifts[0].activity_id)
    assert activity is not None
    actions: list[Action] = []
    for shift in shifts:
        old_day = local_date(shift.starts_at, zone)
        new_day = old_day + timedelta(days=(day - old_day.weekday()) if day is not None else 0)
        new_time = at or local_time(shift.starts_at, zone)
        moment, end = wall_span(new_day, new_time, activity.minutes, zone)
        refusal = oddity_refusal(tr, moment, new_day, new_time, zone)
        if refusal or moment.at <= ctx.now:
            return [Reply(refusal or tr._("That time has already passed."))]
        await ctx.uow.shifts.change(shift.id, starts_at=moment.at, ends_at=end.at)
        moved = await ctx.uow.shifts.get(shift.id)
        assert moved is not None
        await ctx.uow.jobs.cancel((JobKind.SHIFT_POST, JobKind.SHIFT_COVERAGE), shift.id, ctx.now)
        await schedule_shift_jobs(ctx, moved, group)
        for signup_ in await ctx.uow.shifts.signups(shift.id):
            await cancel_reminders(ctx, signup_.id)
            if signup_.state == "in":
                await schedule_reminders(ctx, signup_, moved, group)
        actions += await _affected(
            ctx,
            moved,
            group,
            N_("S{number} ({name}) moved: it is now {when}."),
            when=span(ctx.group_tr(group), moved, zone),
        )
        actions += await refresh(ctx, shift.id)
    if series:
        first = await ctx.uow.shifts.get(shifts[0].id)
        assert first is not None
        await ctx.uow.shifts.set_activity(
            shifts[0].activity_id,
            weekday=local_date(first.starts_at, zone).weekday(),
            start=local_time(first.starts_at, zone).strftime("%H:%M"),
        )
    await ctx.uow.audit.add(
        group.id,
        ctx.actor_id,
        "shift.move",
        {"shifts": [s.id for s in shifts], "series": series},
        ctx.now,
    )
    return [
        Reply(
            tr.ngettext(
                "{n} shift moved; the people on it are told.",
                "{n} shifts moved; the people on them are told.",
                len(shifts),
            )
        ),
        *actions,
    ]
