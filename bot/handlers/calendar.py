"""A person's coming shifts and pickups as an iCalendar file (RFC 5545) for their own calendar."""

from bot.context import Context
from bot.messages import Action, Attachment, Reply
from bot.router import Args


async def calendar(ctx: Context, args: Args) -> list[Action]:
    import icalendar  # asked for seldom: not held by every process from its start

    cal = icalendar.Calendar()
    cal.add("prodid", "-//minga//mutual aid//EN")
    cal.add("version", "2.0")
    count = 0
    for signup, shift in await ctx.uow.shifts.of_person(ctx.person.id, ctx.now):
        if signup.state != "in":
            continue
        event = icalendar.Event()
        event.add("uid", f"shift-{shift.id}-{signup.id}@minga")
        event.add("dtstamp", ctx.now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"{shift.name} ({ctx.tr.word('role', signup.role)}) · S{shift.id}")
        cal.add_component(event)
        count += 1
    for booking in await ctx.uow.pickups.of_person(ctx.person.id, ctx.now):
        slot = await ctx.uow.pickups.get_slot(booking.slot_id)
        assert slot is not None
        event = icalendar.Event()
        event.add("uid", f"pickup-{booking.id}@minga")
        event.add("dtstamp", ctx.now)
        event.add("dtstart", slot.starts_at)
        event.add("dtend", slot.ends_at)
        event.add("summary", ctx.tr._("Food box pickup B{number}", number=booking.id))
        event.add("location", slot.place)
        cal.add_component(event)
        count += 1
    if not count:
        return [Reply(ctx.tr._("You have no coming shifts or pickups to put in a calendar."))]
    return [
        Reply(
            ctx.tr.ngettext(
                "Your coming shift or pickup, as a file your calendar app can open.",
                "Your {n} coming shifts and pickups, as a file your calendar app can open.",
                count,
            ),
            attachment=Attachment("minga.ics", "text/calendar", cal.to_ical()),
        )
    ]
