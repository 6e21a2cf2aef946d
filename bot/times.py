"""Wall-clock times in a group's zone, honest about the days the clocks change."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from bot.i18n import N_
from bot.params import BadArgument

RANGE = re.compile(r"^(\d{1,2})[:.h](\d{2})-(\d{1,2})[:.h](\d{2})$")
CLOCK = re.compile(r"^(\d{1,2})[:.h](\d{2})$")

Oddity = Literal["gap", "twice"] | None


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware UTC
    oddity: Oddity  # "gap": the wall time does not exist that day; "twice": it happens twice


def clock(text: str) -> time:
    found = CLOCK.match(text.strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise BadArgument(N_("'{value}' is not a time of day, like 10:00."), value=text)
    return time(int(found.group(1)), int(found.group(2)))


def time_range(text: str) -> tuple[time, int]:
    """'10:00-13:00' → (10:00, 180 minutes). A shift ends after it starts, the same day."""
    found = RANGE.match(text.strip())
    if not found:
        raise BadArgument(N_("Write the time like 10:00-13:00."))
    start = clock(f"{found.group(1)}:{found.group(2)}")
    end = clock(f"{found.group(3)}:{found.group(4)}")
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    if minutes <= 0:
        raise BadArgument(
            N_("The end ({end}) must come after the start ({start})."),
            start=start.strftime("%H:%M"),
            end=end.strftime("%H:%M"),
        )
    return start, minutes


def wall(day: date, at: time, zone: str) -> Moment:
    """A local date and time as an instant; on a day the clocks change, say so."""
    tz = ZoneInfo(zone)
    local = datetime.combine(day, at, tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        # In the spring gap: the clocks jump over it, so take the same moment after the jump.
        return Moment(local.astimezone(UTC), "gap")
    twice = local.replace(fold=1).utcoffset() != local.utcoffset()
    return Moment(local.astimezone(UTC), "twice" if twice else None)


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
