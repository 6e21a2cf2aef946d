"""Reminders before shifts: when, how often, and never in someone's quiet hours."""

import re
from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.context import Context, Work
from bot.handlers.shift_text import title
from bot.i18n import N_
from bot.messages import Action, PrivateMessage, Reply
from bot.model import Group, Job, JobKind, Prefs, Shift, Signup
from bot.params import BadArgument
from bot.router import Args
from bot.times import at_local, local_hour
from bot.words import read

DEFAULT_HOURS = (24, 2)
EVENING_BEFORE = time(20, 0)  # donor pickups: the evening before, at 20:00
SAME = timedelta(minutes=1)  # a row this close to a planned time is that reminder
HOURS = re.compile(r"^\d{1,3}(,\d{1,3}){0,4}$")
QUIET = re.compile(r"^(\d{1,2})-(\d{1,2})$")
KINDS = (JobKind.SHIFT_REMINDER,)


def in_quiet(prefs: Prefs, hour: int) -> bool:
    start, end = prefs.quiet_from, prefs.quiet_to
    if start is None or end is None or start == end:
        return False
    return start <= hour < end if start < end else hour >= start or hour < end


def out_of_quiet(prefs: Prefs | None, moment: datetime, zone: str) -> datetime:
    """A reminder due in quiet hours comes earlier: when the quiet hours begin."""
    if prefs is None or prefs.quiet_from is None or not in_quiet(prefs, local_hour(moment, zone)):
        return moment
    begin = at_local(moment, zone, time(prefs.quiet_from))
    return begin if begin <= moment else at_local(moment, zone, time(prefs.quiet_from), -1)


async def due_times(work: Work, person_id: int, shift: Shift, group: Group) -> list[datetime]:
    """When this person is reminded of this shift, by their choice or the defaults."""
    prefs = await work.uow.shifts.prefs(person_id)
    zone = work.zone(group)
    if prefs is None and shift.kind == "collection":
        planned = [at_local(shift.starts_at, zone, EVENING_BEFORE, -1)]
    else:
        hours = prefs.hours if prefs is not None else DEFAULT_HOURS
        planned = [shift.starts_at - timedelta(hours=h) for h in hours]
    return sorted({out_of_quiet(prefs, t, zone) for t in planned if t < shift.starts_at})


async def schedule_reminders(work: Work, signup: Signup, shift: Shift, group: Group) -> None:
    for due in await due_times(work, signup.person_id, shift, group):
        if due > work.now:
            await work.uow.jobs.add(JobKind.SHIFT_REMINDER, signup.id, due)


async def cancel_reminders(work: Work, signup_id: int) -> None:
    await work.uow.jobs.cancel(KINDS, signup_id, work.now)


async def _on_time(work: Work, job: Job) -> tuple[Signup, Shift, Group] | None:
    """The signup, shift and group a reminder row is for, if it is still wanted as planned."""
    signup = await work.uow.shifts.get_signup(job.ref_id)
    shift = await work.uow.shifts.get(signup.shift_id) if signup else None
    if signup is None or shift is None or signup.state != "in" or shift.state != "scheduled":
        return None
    group = await work.load_group(shift.group_id)
    planned = await due_times(work, signup.person_id, shift, group)
    if not any(abs(t - job.due_at) < SAME for t in planned):
        return None  # the shift moved or the person changed their reminders since
    return signup, shift, group


async def starts(work: Work, job: Job) -> datetime | None:
    """A reminder is useless once its shift has begun."""
    signup = await work.uow.shifts.get_signup(job.ref_id)
    shift = await work.uow.shifts.get(signup.shift_id) if signup else None
    return shift.starts_at if shift else None


async def remind(work: Work, job: Job) -> list[Action]:
    found = await _on_time(work, job)
    if found is None:
        return []
    signup, shift, group = found
    tr = work.tr_for(await work.uow.people.get(signup.person_id), group)
    lines = [
        tr._(
            "Reminder: {shift}. You are on it as {role}.",
            shift=title(tr, shift, work.zone(group)),
            role=tr.word("role", signup.role),
        )
    ]
    if signup.giving_away:
        lines.append(tr._("Nobody has taken your place yet, so you are still on this shift."))
    if work.late:
        lines.append(tr._("(Sent late: I was offline when it was due.)"))
    return [PrivateMessage(signup.person_id, "\n".join(lines))]


def _hours(raw: str) -> tuple[int, ...]:
    if not HOURS.match(raw) or any(not 1 <= int(h) <= 336 for h in raw.split(",")):
        raise BadArgument(N_("Say how many hours before, like 24,2; or off, or on for the usual."))
    return tuple(sorted({int(h) for h in raw.split(",")}, reverse=True))


async def _save(ctx: Context, prefs: Prefs) -> None:
    """Store the choice and plan this person's coming reminders again by it."""
    await ctx.uow.shifts.set_prefs(prefs)
    for signup, shift in await ctx.uow.shifts.of_person(ctx.person.id, ctx.now):
        if signup.state == "in":
            await cancel_reminders(ctx, signup.id)
            await schedule_reminders(ctx, signup, shift, await ctx.load_group(shift.group_id))


async def current(ctx: Context) -> Prefs:
    return await ctx.uow.shifts.prefs(ctx.person.id) or Prefs(
        person_id=ctx.person.id, hours=DEFAULT_HOURS, quiet_from=None, quiet_to=None
    )


def describe(ctx: Context, prefs: Prefs) -> str:
    tr = ctx.tr
    lines = [
        tr._(
            "Reminders: {hours} hours before each shift.",
            hours=", ".join(str(h) for h in prefs.hours),
        )
        if prefs.hours
        else tr._("Reminders: off.")
    ]
    if prefs.quiet_from is not None:
        lines.append(
            tr._(
                "Quiet hours: {start}:00 to {end}:00; a reminder due then comes before.",
                start=prefs.quiet_from,
                end=prefs.quiet_to,
            )
        )
    return "\n".join(lines)


async def reminders(ctx: Context, args: Args) -> list[Action]:
    prefs = await current(ctx)
    if "choice" in args:
        choice = args["choice"].casefold()
        switch = read("reminder_word", choice)
        hours = () if switch == "off" else DEFAULT_HOURS if switch == "on" else _hours(choice)
        prefs = replace(prefs, hours=hours)
        await _save(ctx, prefs)
    return [
        Reply(
            describe(ctx, prefs)
            + "\n"
            + ctx.tr._(
                "Change with /reminders 24,2 or /reminders off; quiet hours with /quiet 22-8."
            )
        )
    ]


async def quiet(ctx: Context, args: Args) -> list[Action]:
    prefs = await current(ctx)
    raw = args["hours"].casefold()
    found = QUIET.match(raw)
    if read("reminder_word", raw) == "off":
        prefs = replace(prefs, quiet_from=None, quiet_to=None)
    elif found and all(int(h) < 24 for h in found.groups()) and len(set(found.groups())) == 2:
        prefs = replace(prefs, quiet_from=int(found.group(1)), quiet_to=int(found.group(2)))
    else:
        raise BadArgument(N_("Say the quiet hours like 22-8 (from 22:00 to 8:00), or off."))
    await _save(ctx, prefs)
    return [Reply(describe(ctx, prefs))]
