"""Pickup windows: recipients book a box in a 15-minute window; the table marks it collected.

The last box of a window goes to one person (a conditional update). A box not collected
in time goes to the people waiting for one. The table sees numbers (B7) unless the group
chose names, so nobody reads who needs food.
"""

import shlex
from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from bot.context import Context, Work
from bot.dates import day
from bot.handlers.common import active_member, chosen_group, only_if_seen
from bot.handlers.reminders import out_of_quiet
from bot.i18n import N_, Translator
from bot.messages import LINE, Action, Button, Post, PrivateMessage, Reply, Rich, code, strong
from bot.model import Booking, Group, Job, JobKind, PickupSlot
from bot.params import MAX_REFERENCE_DIGITS, BadArgument
from bot.router import Args
from bot.settings import number, setting
from bot.text import decimal
from bot.times import local_date, time_range, wall
from bot.words import read

BOOK_AHEAD = timedelta(days=14)
REMIND_BEFORE = timedelta(hours=2)
TABLE_BUTTONS = 20
MAX_BOXES = 500  # in one window
MAX_PLACE = 100  # the place's name, as posts show it
OPEN_USAGE = N_('Write it like: /pickups open sat 13:00-15:00 every 15 boxes 4 at "Community hall"')


def window(tr: Translator, slot: PickupSlot, zone: str) -> str:
    return f"{tr.when(slot.starts_at, zone)}–{tr.clock(slot.ends_at, zone)} · {slot.place}"


async def open_windows(ctx: Context, spec: str) -> list[Action]:
    """`sat 13:00-15:00 every 15 boxes 4 at "Community hall"` (trusted members)."""
    assert ctx.group is not None
    group, zone, tr = ctx.group, ctx.zone(ctx.group), ctx.tr
    try:
        words = shlex.split(spec)
        # After the day and the hours, pairs: 'every 15', 'boxes 4', 'at "Community hall"'.
        options = {
            read("pickup_word", name): value
            for name, value in zip(words[2::2], words[3::2], strict=True)
        }
        every, boxes = decimal(options.get("every", "15")), decimal(options["boxes"])
        typed_day, (start, minutes) = words[0], time_range(words[1])
    except (ValueError, KeyError, IndexError):
        raise BadArgument(OPEN_USAGE) from None
    if every is None or boxes is None:
        raise BadArgument(OPEN_USAGE)
    if not (5 <= every <= minutes and 1 <= boxes <= MAX_BOXES):
        raise BadArgument(
            N_(
                "Windows last 5 minutes or more, within the time given, with 1 "
                "to {boxes} boxes each."
            ),
            boxes=MAX_BOXES,
        )
    place = " ".join(options.get("at", "").split()) or group.name
    if len(place) > MAX_PLACE:
        raise BadArgument(
            N_("The place's name can have at most {limit} characters."), limit=MAX_PLACE
        )
    date_ = day(typed_day, ctx.now, zone, tr.language, start)
    begin = wall(date_, start, zone).at
    slots = [
        await ctx.uow.pickups.add_slot(
            PickupSlot(
                id=0,
                group_id=group.id,
                place=place,
                starts_at=begin + timedelta(minutes=m),
                ends_at=begin + timedelta(minutes=m + every),
                boxes=boxes,
                booked=0,
            )
        )
        for m in range(0, minutes, every)
    ]
    for slot in slots:
        await ctx.uow.jobs.add(
            JobKind.PICKUP_CLOSE,
            slot.id,
            slot.ends_at + timedelta(minutes=number(group, "pickup_grace_minutes", ctx.defaults)),
        )
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "pickup.open", {"windows": len(slots), "boxes": boxes}, ctx.now
    )
    gtr = ctx.group_tr(group)
    text = gtr.ngettext(
        "Food boxes on {day} at {place}: {n} window of {minutes} minutes from {start}, "
        "{boxes} boxes each. Book yours privately with /pickup.",
        "Food boxes on {day} at {place}: {n} windows of {minutes} minutes from {start}, "
        "{boxes} boxes each. Book yours privately with /pickup.",
        len(slots),
        day=gtr.day(date_),
        place=place,
        minutes=every,
        start=gtr.clock(begin, zone),
        boxes=boxes,
    )
    return [
        Post(group.id, text, (gtr.button(gtr._("Book a box"), "pickup", private=True),)),
        Reply(
            tr.ngettext("{n} pickup window is open.", "{n} pickup windows are open.", len(slots))
        ),
    ]


async def window_options(ctx: Context, answers: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    group = await ctx.uow.groups.get(answers["group"]) if "group" in answers else None
    if group is None:
        return []
    zone = ctx.zone(group)
    return [
        (f"{window(ctx.tr, s, zone)} ({s.boxes - s.booked})", str(s.id))
        for s in await ctx.uow.pickups.slots([group.id], ctx.now, ctx.now + BOOK_AHEAD)
        if s.booked < s.boxes
    ][:10]


CHOOSE = N_("Please choose one of the windows.")


def parse_line(line: str) -> dict[str, str]:
    """`/pickup` asks; `/pickup cancel` cancels; `/pickup 3` books window 3 of the list."""
    return {"window": line.strip().casefold()} if line.strip() else {}


async def no_window(ctx: Context, answers: Mapping[str, Any]) -> str | None:
    """With no free window at all, there is nothing to ask."""
    return None if await window_options(ctx, answers) else FULL


FULL, WAIT = "full", "wait"  # no free window; join the waiting list (a press says so)


def _full(tr: Translator, slots: Sequence[PickupSlot]) -> list[Action]:
    """Nothing to book: say why. Joining the waiting list takes a press of its own, so a
    link to /pickup never puts anyone on it."""
    if not slots:
        return [
            Reply(
                tr._(
                    "No pickup window is open right now. The group announces new ones in its chat."
                )
            )
        ]
    return [
        Reply(
            tr._(
                "All boxes are booked right now. Shall I put you on the waiting list? "
                "I will tell you as soon as one is free."
            ),
            (tr.button(tr._("Join the waiting list"), f"pickup {WAIT}"),),
        )
    ]


async def _mine(ctx: Context, group: Group) -> Booking | None:
    for booking in await ctx.uow.pickups.of_person(ctx.person.id, ctx.now):
        slot = await ctx.uow.pickups.get_slot(booking.slot_id)
        if slot is not None and slot.group_id == group.id:
            return booking
    return None


async def _cancel(ctx: Context, group: Group, current: Booking | None) -> list[Action]:
    if current is None:
        return [Reply(ctx.tr._("You have no box booked."))]
    await ctx.uow.pickups.change(current.id, ["booked"], "cancelled")
    return [
        Reply(ctx.tr._("B{number} is cancelled; the box goes to someone else.", number=current.id)),
        *await offer_freed(ctx, group),
    ]


async def _wait(ctx: Context, group: Group, choice: str) -> list[Action]:
    """Every window is full: the person asked to see them, or to be told when a box frees."""
    slots = await ctx.uow.pickups.slots([group.id], ctx.now, ctx.now + BOOK_AHEAD)
    if any(s.booked < s.boxes for s in slots):
        raise BadArgument(CHOOSE, param="window")  # a box is free: no need to wait
    if choice == FULL or not slots:
        return _full(ctx.tr, slots)
    await ctx.uow.pickups.wait(group.id, ctx.person.id, ctx.now)
    return [
        Reply(ctx.tr._("You are on the waiting list: I will tell you as soon as a box is free."))
    ]


async def book(ctx: Context, args: Args) -> list[Action]:
    group, _ = await chosen_group(ctx, args["group"])
    tr, zone = ctx.tr, ctx.zone(group)
    current = await _mine(ctx, group)
    if read("pickup_word", args["window"]) == "cancel":
        return await _cancel(ctx, group, current)
    if args["window"] in (FULL, WAIT):
        return await _wait(ctx, group, args["window"])
    number_ = decimal(args["window"], MAX_REFERENCE_DIGITS)
    slot = await ctx.uow.pickups.get_slot(number_) if number_ is not None else None
    if slot is None or slot.group_id != group.id or slot.starts_at <= ctx.now:
        raise BadArgument(CHOOSE, param="window")
    booking = await ctx.uow.pickups.book(slot.id, ctx.person.id, ctx.now)
    if booking is None:
        raise BadArgument(N_("That window was just filled. Please choose another."), param="window")
    if current is not None:  # a change: the new place is held before the old one is freed
        await ctx.uow.pickups.change(current.id, ["booked"], "cancelled")
    await ctx.uow.pickups.unwait(group.id, ctx.person.id)
    prefs = await ctx.uow.shifts.prefs(ctx.person.id)
    if prefs is None or prefs.hours:
        remind_at = out_of_quiet(prefs, slot.starts_at - REMIND_BEFORE, zone)
        if remind_at > ctx.now:
            await ctx.uow.jobs.add(JobKind.PICKUP_REMINDER, booking.id, remind_at)
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "pickup.book", {"booking": booking.id}, ctx.now
    )
    return [
        Reply(
            tr._(
                "B{number}: your box is booked for {window}. /pickup cancel if you cannot come.",
                number=booking.id,
                window=window(tr, slot, zone),
            )
        ),
        *(await offer_freed(ctx, group) if current else []),
    ]


async def offer_freed(work: Work, group: Group) -> list[Action]:
    """Free boxes still to come go to the people waiting, first come first told."""
    free = sum(
        s.boxes - s.booked
        for s in await work.uow.pickups.slots([group.id], work.now, work.now + BOOK_AHEAD)
    )
    return [
        await work.tell(
            person,
            group,
            N_("A food box is free: book it with /pickup."),
            ((N_("Book a box"), "pickup"),),
        )
        for person in (await work.uow.pickups.waiting(group.id))[:free]
    ]


async def table(ctx: Context, args: Args) -> list[Action]:
    """What the volunteers at the table see: today's windows and who is to come."""
    assert ctx.group is not None
    group, tr, zone = ctx.group, ctx.tr, ctx.zone(ctx.group)
    today = local_date(ctx.now, zone)
    start = wall(today, time(0), zone).at
    slots = await ctx.uow.pickups.slots([group.id], start, start + timedelta(days=1))
    if not slots:
        return [Reply(tr._("No pickup windows today."))]
    names = setting(group, "pickup_names", ctx.defaults) == "names"
    lines: list[str] = [strong(tr._("Pickups today:"))]
    buttons: list[Button] = []
    for slot in slots:
        shown = []
        for booking in await ctx.uow.pickups.of_slot(slot.id):
            if booking.state in ("cancelled",):
                continue
            label = code(f"B{booking.id}")
            if names and booking.person_id:
                label += f" {(await ctx.uow.people.get(booking.person_id)).name}"
            shown.append(
                label
                + (
                    " ✓"
                    if booking.state == "collected"
                    else " ✗"
                    if booking.state == "missed"
                    else ""
                )
            )
            if booking.state == "booked" and len(buttons) < TABLE_BUTTONS:
                buttons.append(tr.button(f"B{booking.id} ✓", f"collected {booking.id}"))
        lines.append(
            f"{tr.clock(slot.starts_at, zone)} ({slot.booked}/{slot.boxes}): "
            + (Rich(", ").join(shown) or "–")
        )
    return [Reply(LINE.join(lines), tuple(buttons))]


async def pickups(ctx: Context, args: Args) -> list[Action]:
    """`/pickups` shows today's table; `/pickups open ...` opens windows."""
    assert ctx.group is not None
    typed = args.get("action")
    if typed is None:
        return await table(ctx, args)
    if read("pickup_word", typed) != "open":
        raise BadArgument(
            N_(
                "Use /pickups to see today's table, or /pickups open sat "
                "13:00-15:00 every 15 boxes 4 at 'Community hall'."
            )
        )
    member = await active_member(ctx, ctx.group.id)
    if member is None or member.status != "trusted":
        return [Reply(ctx.tr._("Only trusted members can open pickup windows."))]
    return await open_windows(ctx, args.get("spec", ""))


async def collected(ctx: Context, args: Args) -> list[Action]:
    booking = await ctx.uow.pickups.get(args["booking"])
    slot = await ctx.uow.pickups.get_slot(booking.slot_id) if booking else None
    missing = N_("There is no booking B{number}.")
    if booking is None or slot is None:
        raise BadArgument(missing, number=args["booking"])
    await only_if_seen(ctx, missing, booking.id, [slot.group_id], (booking.person_id,))
    if await active_member(ctx, slot.group_id) is None:
        return [Reply(ctx.tr._("Only people on the group's roster can mark boxes collected."))]
    if not await ctx.uow.pickups.change(booking.id, ["booked", "missed"], "collected"):
        return [Reply(ctx.tr._("B{number} is already marked.", number=booking.id))]
    await ctx.uow.audit.add(
        slot.group_id, ctx.person.id, "pickup.collected", {"booking": booking.id}, ctx.now
    )
    return [Reply(ctx.tr._("B{number} collected. Thank you!", number=booking.id))]


async def _booked(work: Work, job: Job) -> tuple[Booking, PickupSlot] | None:
    booking = await work.uow.pickups.get(job.ref_id)
    slot = await work.uow.pickups.get_slot(booking.slot_id) if booking else None
    if booking is None or slot is None or booking.state != "booked" or (booking.person_id is None):
        return None
    return booking, slot


async def window_starts(work: Work, job: Job) -> datetime | None:
    found = await _booked(work, job)
    return found[1].starts_at if found else None


async def remind(work: Work, job: Job) -> list[Action]:
    found = await _booked(work, job)
    if found is None:
        return []
    booking, slot = found
    assert booking.person_id is not None
    group = await work.load_group(slot.group_id)
    tr = work.tr_for(await work.uow.people.get(booking.person_id), group)
    text = tr._(
        "Reminder: your food box B{number} is waiting for you {window}.",
        number=booking.id,
        window=window(tr, slot, work.zone(group)),
    )
    if work.late:
        text += "\n" + tr._("(Sent late: I was offline when it was due.)")
    return [PrivateMessage(booking.person_id, text)]


async def close(work: Work, job: Job) -> list[Action]:
    """After a window and its grace: boxes not collected go to the people waiting."""
    slot = await work.uow.pickups.get_slot(job.ref_id)
    if slot is None:
        return []
    group = await work.load_group(slot.group_id)
    actions: list[Action] = []
    for booking in await work.uow.pickups.of_slot(slot.id):
        if booking.person_id and await work.uow.pickups.change(booking.id, ["booked"], "missed"):
            actions.append(
                await work.tell(
                    booking.person_id,
                    group,
                    N_(
                        "Your box B{number} was not collected in time, so it went to someone "
                        "waiting. /pickup books another."
                    ),
                    number=booking.id,
                )
            )
    # The boxes are still at the table: the first people waiting can come for them today.
    for person in (await work.uow.pickups.waiting(group.id))[: len(actions)]:
        await work.uow.pickups.unwait(group.id, person)
        actions.append(
            await work.tell(
                person,
                group,
                N_(
                    "A food box is free for you today at {place}: come to the table and say your "
                    "name."
                ),
                place=slot.place,
            )
        )
    return actions
