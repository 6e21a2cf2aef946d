"""Dates and times typed in the person's own words ("jueves 10h", "mañana por la tarde").

The common forms are read here, from the date words of bot/locales/<language>/words.toml
(the speaker's language and English): weekdays ("el próximo martes", "martes que viene"),
dates ("10/12", "10.12.", "10 de diciembre", "dec 10"), today/tomorrow/the day after,
clock times ("10h", "10hs", "10:30", "18.30", "10h30", "8am", "a las 8", "8 de la noche"),
parts of the day ("por la tarde") and relative times ("en 3 días", "in 2 hours"). Only what
these do not read goes to dateparser. Wall times are in the group's zone and become instants
through times.wall, so a time in the spring gap or the autumn fold is read one way everywhere.

How a reading becomes a moment:
- a day without a time is the end of that day's working day (18:00);
- a time without a day is the next time that wall time comes (today, else tomorrow);
- a weekday is the next one whose moment is still to come; with "next"/"próximo"/"que viene"
  it is never today;
- a date without a year is the nearest such date, before or after today (so "5/1" typed in
  December is next January, and "8/12" typed on 9 December has passed);
- a bare hour from 1 to 7 ("a las 5", "at 7", "5:30") is in the afternoon (17:00, 19:00,
  17:30): minga's deliveries, pickups and deadlines happen by day, and people who count
  hours to 12 say "a las 5" for 17:00. An hour written as a 24-hour clock ("5h", "05:30") or
  with am/pm or a part of the day ("5 de la mañana") is taken as written.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import dateparser

from bot import words
from bot.i18n import N_
from bot.params import BadArgument
from bot.times import next_weekday, wall

AS_SOON_AS_POSSIBLE = "date_open"  # the kind of words that mean "no date": as soon as possible
NO_END = "date_never"  # … or: it has no end
END_OF_DAY = time(18, 0)  # "by friday" means by the end of friday's working day
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAYS_FROM_TODAY = {"yesterday": -1, "today": 0, "tomorrow": 1, "day_after_tomorrow": 2}
PART_HOURS = {  # what a part of the day stands for, said alone ("mañana por la tarde")
    "dawn": 5,
    "morning": 9,
    "noon": 12,
    "afternoon": 15,
    "evening": 19,
    "night": 21,
    "midnight": 0,
}
COUNTS = {"one": 1, "two": 2, "three": 3}
UNITS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
    "week": timedelta(weeks=1),
}
DAYTIME_FROM = 8  # a bare hour below this (1–7) is in the afternoon, see above
UNREADABLE = N_(
    "I can't read '{value}' as a date. Try something like 'friday 18:00', 'tomorrow' or 'asap'."
)
NOT_A_DAY = N_("'{value}' is not a day I can read, like sat, 12/12 or tomorrow.")
PASSED = N_("'{value}' has already passed. Please give a time still to come.")
TIME_OF_DAY = re.compile(  # dateparser's readings that name a time of day
    r"\d[:.h]\d|\d\s*(am|pm|h)\b|\b(hour|hours|minute|minutes|hora|horas|"
    r"minuto|minutos|noon|mediodia|meio dia)\b"
)


@dataclass(frozen=True)
class Said:
    """What a text names, before it is placed on the calendar."""

    offset: int | None = None  # days from today ("mañana")
    weekday: int | None = None
    next: bool = False  # "next friday": not today
    date: tuple[int, int, int | None] | None = None  # day, month, year if given
    hour: int | None = None
    minute: int = 0
    clock: bool = False  # written as a 24-hour clock (10h, 05:30): taken as written
    ampm: str | None = None
    part: str | None = None
    later: timedelta | None = None  # "in 2 hours"


def normal(text: str) -> str:
    """Folded, hyphens and commas as spaces, "p.m." as "pm", no full stop after a word."""
    text = words.fold(text).replace("-", " ").replace(",", " ")
    text = re.sub(r"\b([ap])\.\s?m\.?(?=\s|$)", r"\1m", text)
    return " ".join(re.sub(r"(?<=[a-z])[.!?]+$", "", text).split())


@cache
def vocabulary(kind: str, language: str) -> dict[str, str]:
    """Normalised form → key, in the speaker's language first, then English."""
    found: dict[str, str] = {}
    for each in dict.fromkeys([language, "en"]):
        for form, key in words.index(kind, each).items():
            found.setdefault(normal(form), key)
    return found


def _any(kind: str, language: str) -> str:
    forms = sorted(vocabulary(kind, language), key=len, reverse=True)
    return "|".join(re.escape(form) for form in forms)


Piece = tuple[re.Pattern[str], Callable[[Said, re.Match[str], str], Said | None]]
END = r"(?=\s|$)"
ORDINAL = r"(?:st|nd|rd|th|o|°)?"


def _number(typed: str, language: str) -> int:
    return int(typed) if typed.isdecimal() else COUNTS[vocabulary("date_count", language)[typed]]


def _later(said: Said, found: re.Match[str], language: str) -> Said | None:
    count = _number(found["n"], language)
    unit = vocabulary("date_unit", language)[found["unit"]]
    if said.later is not None or said.offset is not None or said.date or said.weekday is not None:
        return None
    if unit in ("day", "week"):
        return replace(said, offset=count * UNITS[unit].days)
    return replace(said, later=count * UNITS[unit])


def _date(said: Said, found: re.Match[str], language: str) -> Said | None:
    month = found["m"] or MONTHS.index(vocabulary("date_month", language)[found["month"]]) + 1
    year = int(found["y"]) if found["y"] else None
    if year is not None and year < 100:
        year += 2000
    if said.date or said.offset is not None:
        return None
    return replace(said, date=(int(found["d"]), int(month), year))


def _day(said: Said, found: re.Match[str], language: str) -> Said | None:
    if said.offset is not None or said.date:
        return None
    return replace(said, offset=DAYS_FROM_TODAY[vocabulary("date_day", language)[found[0]]])


def _weekday(said: Said, found: re.Match[str], language: str) -> Said | None:
    if said.weekday is not None or said.offset is not None:
        return None
    day = WEEKDAYS.index(vocabulary("date_weekday", language)[found["wd"]])
    return replace(said, weekday=day, next=bool(found["before"] or found["after"]))


def _clock(said: Said, found: re.Match[str], language: str) -> Said | None:
    if said.hour is not None:
        return None
    typed = found["h"]
    marks = found.groupdict()
    written = bool(marks.get("mark")) or marks.get("sep") == "h" or typed.startswith("0")
    minute = found.groupdict().get("mi")
    return replace(
        said,
        hour=int(typed),
        minute=int(minute) if minute else 0,
        clock=written,
        ampm=found.groupdict().get("ampm"),
    )


def _part(said: Said, found: re.Match[str], language: str) -> Said | None:
    if said.part is not None:
        return None
    return replace(said, part=vocabulary("date_part", language)[found[0]])


def _filler(said: Said, found: re.Match[str], language: str) -> Said | None:
    return said


@cache
def pieces(language: str) -> tuple[Piece, ...]:
    """The forms the fast path reads, tried in this order at each place in the text."""
    at, part = _any("date_at", language), _any("date_part", language)
    month, count = _any("date_month", language), _any("date_count", language)
    after_hour = r"(?:\s?(?P<mark>h|hs|hrs|horas|hours))?(?:\s?(?P<ampm>am|pm))?"
    table: list[tuple[str, Callable[[Said, re.Match[str], str], Said | None]]] = [
        (
            rf"(?:{_any('date_in', language)})\s(?P<n>\d{{1,3}}|{count})"
            rf"\s(?P<unit>{_any('date_unit', language)})",
            _later,
        ),
        (r"(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?P<month>)", _date),
        (r"(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4}|\d{2})?(?P<month>)", _date),
        (
            rf"(?P<d>\d{{1,2}}){ORDINAL}\s(?:de\s|of\s)?(?P<month>{month})"
            rf"(?:\s(?:de\s|of\s)?(?P<y>\d{{4}}))?(?P<m>)",
            _date,
        ),
        (rf"(?P<month>{month})\s(?P<d>\d{{1,2}}){ORDINAL}(?:\s(?P<y>\d{{4}}))?(?P<m>)", _date),
        (_any("date_day", language), _day),
        (
            rf"(?:(?P<before>{_any('date_next', language)})\s)?"
            rf"(?P<wd>{_any('date_weekday', language)})"
            rf"(?:\s(?P<after>{_any('date_next', language)}))?",
            _weekday,
        ),
        (rf"(?:(?:{at})\s)?(?P<h>\d{{1,2}})(?P<sep>:|h|\.)(?P<mi>\d{{2}}){after_hour}", _clock),
        (
            rf"(?:(?:{at})\s)?(?P<h>\d{{1,2}})\s?(?P<mark>h|hs|hrs|horas)(?:\s?(?P<ampm>am|pm))?",
            _clock,
        ),
        (rf"(?:(?:{at})\s)?(?P<h>\d{{1,2}})\s?(?P<ampm>am|pm)", _clock),
        (rf"(?:{at})\s(?P<h>\d{{1,2}})(?:\s(?:o'clock|en punto|em ponto))?", _clock),
        (rf"(?P<h>\d{{1,2}})(?=\s(?:{part}){END})", _clock),
        (part, _part),
        (f"{_any('date_by', language)}|{_any('date_the', language)}|{at}", _filler),
    ]
    return tuple((re.compile(rf"(?:{pattern}){END}"), read) for pattern, read in table)


def said(text: str, language: str) -> Said | None:
    """What the text names, if every word of it is one of the common forms."""
    reading, place = Said(), 0
    while place < len(text):
        for pattern, read in pieces(language):
            found = pattern.match(text, place)
            if found and found.end() > place:
                next_reading = read(reading, found, language)
                if next_reading is None:
                    return None
                reading, place = next_reading, found.end()
                break
        else:
            return None
        place += text[place : place + 1] == " "
    return reading


def _in_part(hour: int, part: str) -> int:
    """An hour from 1 to 12 said with am/pm or a part of the day, on the 24-hour clock."""
    if part in ("am", "dawn", "morning", "midnight") or (part == "night" and hour < 6):
        return hour % 12
    if part == "night" and hour == 12:
        return 0
    return hour % 12 + 12  # pm, noon, afternoon, evening, night from 6


def hour_of(reading: Said) -> time | None:
    """The wall time a reading names, if any (None: an hour that is not one)."""
    hour, said_as = reading.hour, reading.ampm or reading.part
    if hour is None:
        return time(PART_HOURS[reading.part]) if reading.part else None
    if said_as and 1 <= hour <= 12:
        hour = _in_part(hour, said_as)
    elif reading.ampm:
        return None  # "13pm", "0am"
    elif not reading.clock and 1 <= hour < DAYTIME_FROM:
        hour += 12
    if hour > 23 or reading.minute > 59:
        return None
    return time(hour, reading.minute)


def place(reading: Said, now: datetime, zone: str, at: time | None) -> date | None:
    """The day a reading names, for a moment at `at` (None: no day, or one that is not)."""
    today = now.astimezone(ZoneInfo(zone)).date()
    named: date | None = None
    if reading.offset is not None:
        named = today + timedelta(days=reading.offset)
    if reading.date:
        day, month, year = reading.date
        years = [year] if year else [today.year - 1, today.year, today.year + 1]
        try:
            named = min((date(y, month, day) for y in years), key=lambda d: abs(d - today))
        except ValueError:
            return None
    if reading.weekday is None or named is not None:
        ok = reading.weekday is None or (named is not None and named.weekday() == reading.weekday)
        return named if ok else None
    if reading.next:
        tomorrow = today + timedelta(days=1)
        return tomorrow + timedelta(days=(reading.weekday - tomorrow.weekday()) % 7)
    return next_weekday(now, zone, reading.weekday, at or END_OF_DAY)


def fast(text: str, now: datetime, zone: str, language: str) -> datetime | None:
    """The moment the common forms name, aware UTC; None if the text is not made of them.
    Common forms naming what cannot be ("jueves 25h", "31/02", "friday 11/12" when the
    11th is a Thursday) are refused here: dateparser would only guess."""
    reading = said(normal(text), language)
    if reading is None or reading == Said():
        return None
    at = hour_of(reading)
    timed = reading.hour is not None or reading.part is not None
    if reading.later is not None and not timed:
        return now.astimezone(UTC) + reading.later
    day = place(reading, now, zone, at)
    named = reading.offset is not None or reading.date or reading.weekday is not None
    if reading.later is not None or (timed and at is None) or (named and day is None):
        raise BadArgument(UNREADABLE, value=text.strip())
    if day is None:
        assert at is not None
        today = now.astimezone(ZoneInfo(zone)).date()
        day = today if wall(today, at, zone).at > now else today + timedelta(days=1)
    return wall(day, at or END_OF_DAY, zone).at


def slow(text: str, now: datetime, zone: str, language: str) -> datetime | None:
    """dateparser's reading, for what the fast path does not know."""
    cleaned = normal(text)
    found = dateparser.parse(
        cleaned,
        languages=list(dict.fromkeys([language, "en"])),
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": now.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
            "TIMEZONE": zone,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "DATE_ORDER": "DMY",
        },
    )
    if found is None:
        return None
    local = found.astimezone(ZoneInfo(zone))
    at = local.time().replace(tzinfo=None) if TIME_OF_DAY.search(cleaned) else END_OF_DAY
    return wall(local.date(), at, zone).at


def split_when(text: str, connectors: tuple[str, ...] = ("by", "until")) -> tuple[str, str]:
    """'Centro para el viernes' → ('Centro', 'el viernes'): the words before the first
    connector of a deadline (by, para, até, antes de…: any language's, since the one-line
    forms are typed before anyone knows the group) and the words after it, if any."""
    typed = text.split()
    forms = {form for form, key in words.index("date_by").items() if key in connectors}
    for start in range(1, len(typed)):
        for length in (3, 2, 1):
            if words.fold(" ".join(typed[start : start + length])) in forms:
                return " ".join(typed[:start]), " ".join(typed[start + length :])
    return " ".join(typed), ""


def in_order(language: str) -> tuple[str, ...]:
    """The speaker's words are read first (with English's); then each other language's, for
    someone whose settings are in one language who writes in the group's: each reading uses
    one language's words, so "a" or "mar" mean what they mean in that language."""
    return tuple(dict.fromkeys([language, "en", *words.languages()]))


def is_one_of(kind: str, text: str, language: str) -> bool:
    """Whether the text is one of the words of a kind ("asap", "sin fecha"), with or without
    a connector before it ("para lo antes posible")."""
    typed = normal(text)
    for each in in_order(language):
        skip = re.compile(rf"^(?:(?:{_any('date_by', each)}|{_any('date_the', each)})\s)+")
        if typed in vocabulary(kind, each) or skip.sub("", typed) in vocabulary(kind, each):
            return True
    return False


def parse_when(
    text: str, now: datetime, zone: str, language: str, open_words: str = AS_SOON_AS_POSSIBLE
) -> datetime | None:
    """A moment still to come, in aware UTC; None for the words of the kind `open_words`."""
    if is_one_of(open_words, text, language):
        return None
    moment = next(
        (m for each in in_order(language) if (m := fast(text, now, zone, each))), None
    ) or slow(text, now, zone, language)
    if moment is None:
        raise BadArgument(UNREADABLE, value=text.strip())
    if moment <= now:
        raise BadArgument(PASSED, value=text.strip())
    return moment.astimezone(UTC)


def weekday(word: str, language: str) -> int:
    """'sáb', 'saturday', 'sexta-feira' → 5 (Monday is 0)."""
    for each in in_order(language):
        found = vocabulary("date_weekday", each).get(normal(word))
        if found:
            return WEEKDAYS.index(found)
    raise BadArgument(N_("'{value}' is not a day of the week, like sat or sábado."), value=word)


def day(text: str, now: datetime, zone: str, language: str, at: time) -> date:
    """The day of a shift or of pickup windows starting at `at`: a weekday (the next one
    whose `at` is still to come), a date ("12/12") or a day from today ("mañana", "en 3
    días", "sábado que viene")."""
    for each in in_order(language):
        reading = said(normal(text), each)
        timed = reading is None or reading.hour is not None or reading.part or reading.later
        if reading is None or reading == Said() or timed:
            continue
        found = place(reading, now, zone, at)
        if found is None:
            break
        if wall(found, at, zone).at <= now:
            raise BadArgument(PASSED, value=text.strip())
        return found
    raise BadArgument(NOT_A_DAY, value=text.strip())
