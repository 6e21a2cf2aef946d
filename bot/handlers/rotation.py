"""Rotating activities: no one holds a task. When a shift of a rotating activity opens, the
people who took that activity least in the last weeks are asked first, privately, a day
before the group sees it; each person sees their own share, the group only how many
people took turns. Nobody is ranked in public.
"""

import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.context import Work
from bot.handlers.reminders import in_quiet
from bot.handlers.shift_text import title
from bot.i18n import Translator
from bot.messages import LINE, Action, PrivateMessage
from bot.model import Activity, Group, Job, JobKind, Shift
from bot.settings import number
from bot.times import local_hour

HEAD_START = timedelta(days=1)  # how long before the group's post the askees hear
WEEK = timedelta(days=7)
NEVER = datetime.min.replace(tzinfo=UTC)  # the last turn of someone who took none


async def plan_ask(work: Work, shift: Shift, posted_at: datetime) -> None:
    """The private ask of a rotating activity's shift, a day before the group's post (at
    once if that is past), as a row: a restart loses nothing and repeats nothing."""
    due = max(work.now, posted_at - HEAD_START)
    await work.uow.jobs.add(JobKind.SHIFT_ROTATION, shift.id, due)


async def drop_asks(work: Work, shifts: Sequence[Shift]) -> None:
    for shift in shifts:
        await work.uow.jobs.cancel((JobKind.SHIFT_ROTATION,), shift.id, work.now)


def least_first(
    people: Sequence[int], turns: Sequence[tuple[int, datetime]], seed: int
) -> list[int]:
    """`people` by how few turns they took, then by how long since their last (never is
    longest), then by a draw that is the same every time for the same shift (`seed`)."""
    counts = Counter(person for person, _ in turns)
    last = {person: when for person, when in turns}  # turns come in time order
    drawn = sorted(people)
    random.Random(seed).shuffle(drawn)
    return sorted(drawn, key=lambda p: (counts[p], last.get(p, NEVER)))  # stable: ties drawn


async def ask(work: Work, job: Job) -> list[Action]:
    """The people who took the activity least are asked privately, as many as places are
    open; not someone already on it, on a shift at the same time, or in quiet hours."""
    shift = await work.uow.shifts.get(job.ref_id)
    activity = await work.uow.shifts.get_activity(shift.activity_id) if shift else None
    if shift is None or activity is None or shift.state != "scheduled" or not activity.rotating:
        return []
    open_ = [(p.role, p.places - p.taken) for p in shift.roles if p.taken < p.places]
    if not open_:
        return []
    group = await work.load_group(shift.group_id)
    weeks = number(group, "rotation_weeks", work.defaults)
    turns = await work.uow.shifts.turns(
        activity.id, shift.starts_at - WEEK * weeks, shift.starts_at
    )
    on_it = {s.person_id for s in await work.uow.shifts.signups(shift.id)}
    roster = [m.person_id for m in await work.uow.members.roster(group.id)]
    wanted = sum(n for _, n in open_)
    chosen: list[int] = []
    for person in least_first([p for p in roster if p not in on_it], turns, shift.id):
        if len(chosen) == wanted:
            break
        if await _free(work, person, shift, group):
            chosen.append(person)
    return [await _ask_one(work, person, shift, group, open_, weeks) for person in chosen]


async def _free(work: Work, person: int, shift: Shift, group: Group) -> bool:
    prefs = await work.uow.shifts.prefs(person)
    if prefs is not None and in_quiet(prefs, local_hour(work.now, work.zone(group))):
        return False
    return await work.uow.shifts.busy(person, shift.starts_at, shift.ends_at, shift.id) is None


async def _ask_one(
    work: Work,
    person: int,
    shift: Shift,
    group: Group,
    open_: list[tuple[str, int]],
    weeks: int,
) -> PrivateMessage:
    tr = work.tr_for(await work.uow.people.get(person), group)
    text = LINE.join(
        [
            title(tr, shift, work.zone(group)),
            tr._(
                "{name} rotates: you are asked first, as one of those who took it least "
                "in the last {weeks} weeks. Open: {missing}.",
                name=shift.name,
                weeks=weeks,
                missing=", ".join(f"{tr.word('role', role)} {n}" for role, n in open_),
            ),
        ]
    )
    buttons = tuple(
        tr.button(
            tr.word("role", role),
            f"signup {shift.id} {role}",
            said=f"signup S{shift.id} {tr.word('role', role)}",
        )
        for role, _ in open_
    )
    return PrivateMessage(person, text, buttons)


# --- shares ------------------------------------------------------------------------------


async def group_lines(work: Work, tr: Translator, group: Group) -> list[str]:
    """For the group's chat: how many took turns at each rotating activity, never who."""
    weeks = number(group, "rotation_weeks", work.defaults)
    lines = []
    for activity in await work.uow.shifts.rotating([group.id]):
        people = {p for p, _ in await _recent(work, activity, weeks)}
        lines.append(
            tr.ngettext(
                "{name}: {n} person took turns in the last {weeks} weeks.",
                "{name}: {n} people took turns in the last {weeks} weeks.",
                len(people),
                name=activity.name,
                weeks=weeks,
            )
        )
    return lines


async def own_lines(work: Work, tr: Translator, person_id: int) -> list[str]:
    """For a person alone: their own turns at each rotating activity of their groups,
    beside the group's average."""
    lines = []
    for group in await work.uow.groups.of_person(person_id):
        weeks = number(group, "rotation_weeks", work.defaults)
        members = len(await work.uow.members.roster(group.id))
        for activity in await work.uow.shifts.rotating([group.id]):
            turns = await _recent(work, activity, weeks)
            mine = sum(1 for p, _ in turns if p == person_id)
            lines.append(
                tr.ngettext(
                    "You took {name} {n} time in the last {weeks} weeks; the group's "
                    "average is {average}.",
                    "You took {name} {n} times in the last {weeks} weeks; the group's "
                    "average is {average}.",
                    mine,
                    name=activity.name,
                    weeks=weeks,
                    average=tr.tenths(len(turns) / max(members, 1)),
                )
            )
    return lines


async def _recent(work: Work, activity: Activity, weeks: int) -> list[tuple[int, datetime]]:
    return await work.uow.shifts.turns(activity.id, work.now - WEEK * weeks, work.now)
