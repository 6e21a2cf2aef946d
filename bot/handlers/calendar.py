"""A person's coming shifts and pickups as an iCalendar file (RFC 5545) for their own
calendar; where the operator serves web pages, also as a private subscription that follows
every change (a moved shift, a new booking), and a group's week as one its page links."""

from datetime import timedelta
from typing import Any

from bot import words
from bot.context import Context, Work
from bot.handlers.web import WEEK, new_token, this_monday, week_start
from bot.i18n import N_, Translator
from bot.messages import Action, Attachment, Reply
from bot.model import Group, Person
from bot.params import BadArgument
from bot.router import Args
from bot.times import local_date

FEED_PATH = "/calendar/"
FEED_LASTS = timedelta(hours=1)  # how often a calendar app is asked to look again
USAGE = N_("Use /calendar for your calendar, or /calendar new for a new subscription link.")


def feed_url(base: str, token: str) -> str:
    """The https address of a feed; a calendar app subscribes to it as webcal://."""
    return base.rstrip("/") + FEED_PATH + token + ".ics"


def webcal(url: str) -> str:
    return "webcal://" + url.split("://", 1)[1]


async def person_calendar(work: Work, person: Person, tr: Translator) -> tuple[bytes, int]:
    """The person's coming shifts and pickups, and how many there are."""
    import icalendar  # asked for seldom: not held by every process from its start

    cal = _calendar(icalendar, tr._("minga: my shifts and pickups"))
    count = 0
    for signup, shift in await work.uow.shifts.of_person(person.id, work.now):
        if signup.state != "in":
            continue
        event = icalendar.Event()
        event.add("uid", f"shift-{shift.id}-{signup.id}@minga")
        event.add("dtstamp", work.now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"{shift.name} ({tr.word('role', signup.role)}) · S{shift.id}")
        cal.add_component(event)
        count += 1
    for booking in await work.uow.pickups.of_person(person.id, work.now):
        slot = await work.uow.pickups.get_slot(booking.slot_id)
        assert slot is not None
        event = icalendar.Event()
        event.add("uid", f"pickup-{booking.id}@minga")
        event.add("dtstamp", work.now)
        event.add("dtstart", slot.starts_at)
        event.add("dtend", slot.ends_at)
        event.add("summary", tr._("Food box pickup B{number}", number=booking.id))
        event.add("location", slot.place)
        cal.add_component(event)
        count += 1
    return cal.to_ical(), count


async def group_calendar(work: Work, group: Group, tr: Translator) -> bytes:
    """The group's shifts of this week and the next, with their open places: no names."""
    import icalendar

    cal = _calendar(icalendar, tr._("The week of {group}", group=group.name))
    zone = work.zone(group)
    monday = this_monday(work.now, zone)
    shifts = await work.uow.shifts.between(
        [group.id], week_start(monday, zone), week_start(monday + 2 * WEEK, zone)
    )
    for shift in shifts:
        event = icalendar.Event()
        event.add("uid", f"shift-{shift.id}@minga")
        event.add("dtstamp", work.now)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"{shift.name} · S{shift.id}")
        event.add(
            "description",
            ", ".join(f"{tr.word('role', p.role)} {p.taken}/{p.places}" for p in shift.roles),
        )
        cal.add_component(event)
    return bytes(cal.to_ical())


def _calendar(icalendar: Any, name: str) -> Any:
    """A calendar that asks the apps subscribed to it to look again every hour."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//minga//mutual aid//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", FEED_LASTS, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    return cal


async def calendar(ctx: Context, args: Args) -> list[Action]:
    renew = "action" in args
    if renew and words.read("web_word", args["action"]) != "new":
        raise BadArgument(USAGE)
    data, count = await person_calendar(ctx, ctx.person, ctx.tr)
    answers: list[Action] = []
    if count:
        answers.append(
            Reply(
                ctx.tr.ngettext(
                    "Your coming shift or pickup, as a file your calendar app can open.",
                    "Your {n} coming shifts and pickups, as a file your calendar app can open.",
                    count,
                ),
                attachment=Attachment("minga.ics", "text/calendar", data),
            )
        )
    elif not ctx.web.enabled:
        answers.append(
            Reply(ctx.tr._("You have no coming shifts or pickups to put in a calendar."))
        )
    if ctx.web.enabled:
        answers.append(await _subscription(ctx, renew))
    return answers


async def _subscription(ctx: Context, renew: bool) -> Reply:
    tr = ctx.tr
    mine = await ctx.uow.web_links.mine("calendar", ctx.person.id, None)
    if mine is not None and not renew:
        return Reply(
            tr._(
                "Your calendar app can also follow your shifts and pickups as they change: "
                "you got a subscription link on {day}. It is kept only in a form that cannot "
                "show it again: /calendar new gives you a new one, and the old one stops.",
                day=tr.day(local_date(mine.created_at, ctx.defaults.timezone)),
            )
        )
    token = new_token()
    await ctx.uow.web_links.renew("calendar", ctx.person.id, None, token, ctx.now)
    url = feed_url(ctx.web.base_url, token)
    return Reply(
        tr._(
            "Your calendar app can follow your shifts and pickups as they change: subscribe "
            "to {webcal} (or add {url} as a calendar from the internet). The link is yours "
            "alone; /calendar new makes a new one, and this one stops at once.",
            webcal=webcal(url),
            url=url,
        )
        + ("\n" + tr._("Your link before this one no longer works.") if mine else ""),
        transient=True,
    )


async def subscribed(work: Work, token: str) -> bytes | None:
    """The feed a calendar token opens, in its holder's language; None when it opens none."""
    if not work.web.enabled:
        return None
    link = await work.uow.web_links.find("calendar", token)
    if link is None:
        return None
    person = await work.uow.people.get(link.person_id)
    data, _ = await person_calendar(work, person, work.tr_for(person))
    return bytes(data)
