"""Wall-clock times in a group's zone, honest about the days the clocks change."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from bot import words
from bot.i18n import N_
from bot.params import BadArgument

# 10:00, 10.00, 10h00, 10h, 10hs, 10, 10am, 10 p.m.: as people write a time of day
CLOCK = r"\d{1,2}(?:[:.h]\d{2})?\s*(?:hs|hrs|h|am|pm|a\.m\.|p\.m\.)?"
CLOCK_PARTS = re.compile(r"^(\d{1,2})(?:[:.h](\d{2}))?\s*(hs|hrs|h|am|pm|a\.m\.|p\.m\.)?$")
DASH = r"\s*[-‐‑–—]\s*"  # the hyphen, and the dashes phones and word processors put in
LONGEST_RANGE_WORDS = 6  # desde las 22 hasta las 6
LONGEST_NIGHT = 16 * 60  # minutes: a shift that ends the next day, 18:00 to 10:00 at most

Oddity = Literal["gap", "twice"] | None


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware UTC
    oddity: Oddity  # "gap": the wall time does not exist that day; "twice": it happens twice


def clock(text: str) -> time:
    """'10:00', '10.30', '10h', '10hs', '22', '10pm' → the time of day."""
    found = CLOCK_PARTS.match(words.fold(text))
    hour, minute = (int(found.group(1)), int(found.group(2) or 0)) if found else (24, 0)
    half = found.group(3).replace(".", "") if found and found.group(3) else ""
    if half in ("am", "pm"):
        hour = hour % 12 + (12 if half == "pm" else 0) if 1 <= hour <= 12 else 24
    if hour > 23 or minute > 59:
        raise BadArgument(N_("'{value}' is not a time of day, like 10:00."), value=text)
    return time(hour, minute)


@cache
def _range_pattern() -> re.Pattern[str]:
    """'10:00-13:00', '22-6', 'from 22 to 6', 'de 22 a 6', 'das 22 às 6' (words.toml)."""

    def either(key: str) -> str:
        found = [form for form, k in words.index("shift_time").items() if k == key]
        return "|".join(re.escape(form) for form in sorted(found, key=len, reverse=True))

    return re.compile(
        rf"^(?:(?:{either('from')})\s+)?({CLOCK})(?:{DASH}|\s+(?:{either('to')})\s+)({CLOCK})$"
    )


def time_range(text: str) -> tuple[time, int]:
    """'10:00-13:00' → (10:00, 180 minutes); '22:00-06:00' → (22:00, 480): a range whose end
    comes before its start ends the next day."""
    found = _range_pattern().match(words.fold(text))
    if not found:
        raise BadArgument(N_("Write the time like 10:00-13:00."))
    start, end = clock(found.group(1)), clock(found.group(2))
    minutes = ((end.hour - start.hour) * 60 + end.minute - start.minute) % (24 * 60)
    shown = {"start": start.strftime("%H:%M"), "end": end.strftime("%H:%M")}
    if minutes == 0:
        raise BadArgument(N_("The end ({end}) must come after the start ({start})."), **shown)
    if end < start and minutes > LONGEST_NIGHT:
        # More likely the two times the wrong way round than a whole day and night on duty.
        raise BadArgument(
            N_(
                "From {start} to {end} the next day is {hours} hours: a shift that ends the "
                "next day lasts at most {limit} hours. Did you mean {end}-{start}?"
            ),
            hours=minutes // 60,
            limit=LONGEST_NIGHT // 60,
            **shown,
        )
    return start, minutes


def range_words(typed: list[str]) -> int:
    """How many of the first words are written like a time range, however many words people
    write it in ('22-6', 'de 22 a 6', 'desde las 22 hasta las 6'); 0 if they are not one."""
    for n in range(min(len(typed), LONGEST_RANGE_WORDS), 0, -1):
        if _range_pattern().match(words.fold(" ".join(typed[:n]))):
            return n
    return 0


def leading_range(typed: list[str]) -> tuple[time, int, int]:
    """The time range a list of words begins with: (start, minutes, words it took)."""
    n = range_words(typed)
    return (*time_range(" ".join(typed[:n]) if n else (typed[0] if typed else "")), n or 1)


def wall(day: date, at: time, zone: str) -> Moment:
    """A local date and time as an instant; on a day the clocks change, say so."""
    tz = ZoneInfo(zone)
    local = datetime.combine(day, at, tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        # In the spring gap: the clocks jump over it, so take the same moment after the jump.
        return Moment(local.astimezone(UTC), "gap")
    twice = local.replace(fold=1).utcoffset() != local.utcoffset()
    return Moment(local.astimezone(UTC), "twice" if twice else None)


def wall_span(day: date, start: time, minutes: int, zone: str) -> tuple[Moment, Moment]:
    """A shift's start and end: the end is the wall time `minutes` after the start's wall
    time (the next day, past midnight), so a night shift on the night the clocks change
    still ends at 06:00 when the morning shift begins; it lasts an hour more or less.
    A time that happens twice is taken the first time, at the start and at the end."""
    begin = wall(day, start, zone)
    until = datetime.combine(day, start) + timedelta(minutes=minutes)
    end = wall(until.date(), until.time(), zone)
    if end.at <= begin.at:  # all of it in the hour the clocks skip: keep its length
        return begin, Moment(begin.at + timedelta(minutes=minutes), None)
    return begin, end


def which_time(moment: datetime, zone: str) -> Literal[1, 2] | None:
    """On the night the clocks go back, whether the wall clock shows this moment's time
    for the first or the second time; None on any other moment."""
    local = moment.astimezone(ZoneInfo(zone))
    if local.replace(fold=1 - local.fold).utcoffset() == local.utcoffset():
        return None
    return 2 if local.fold else 1


def next_weekday(now: datetime, zone: str, day: int, at: time) -> date:
    """The next date with that weekday whose wall time `at` is still to come."""
    today = now.astimezone(ZoneInfo(zone)).date()
    ahead = (day - today.weekday()) % 7
    candidate = today + timedelta(days=ahead)
    if wall(candidate, at, zone).at <= now:
        candidate += timedelta(days=7)
    return candidate


def local_date(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def at_local(moment: datetime, zone: str, at: time, days: int = 0) -> datetime:
    """The wall time `at` on the local day of `moment`, moved by `days` (DST-correct)."""
    return wall(local_date(moment, zone) + timedelta(days=days), at, zone).at


def local_hour(moment: datetime, zone: str) -> int:
    return moment.astimezone(ZoneInfo(zone)).hour


def local_time(moment: datetime, zone: str) -> time:
    return moment.astimezone(ZoneInfo(zone)).time().replace(second=0, microsecond=0)
