"""Dates typed in the person's own words ("friday 18:00", "mañana", "asap"), via dateparser."""

import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import dateparser

from bot.i18n import N_
from bot.params import BadArgument

AS_SOON_AS_POSSIBLE = {
    "asap",
    "as soon as possible",
    "now",
    "soon",
    "lo antes posible",
    "cuanto antes",
    "ya",
    "ahora",
    "pronto",
}
NO_END = {"none", "no end", "never", "sin fecha", "nunca"}
FILLERS = re.compile(
    r"^(by|on|before|until|till|para el|para|antes del|antes de|hasta el|"
    r"hasta|el)\s+"
)
TIME_OF_DAY = re.compile(
    r"\d[:.h]\d|\d\s*(am|pm|h)\b|\b(hour|hours|minute|minutes|hora|horas|"
    r"minuto|minutos|noon|mediodía)\b"
)
END_OF_DAY = time(18, 0)  # "by friday" means by the end of friday's working day


def parse_when(
    text: str, now: datetime, zone: str, language: str, open_words: set[str] = AS_SOON_AS_POSSIBLE
) -> datetime | None:
    """A moment still to come, in aware UTC; None for the words in `open_words`."""
    cleaned = FILLERS.sub("", " ".join(text.casefold().split()))
    if cleaned in open_words:
        return None
    tz = ZoneInfo(zone)
    local_now = now.astimezone(tz).replace(tzinfo=None)
    found = dateparser.parse(
        cleaned.replace(" a las ", " ").replace(" at ", " "),
        languages=list(dict.fromkeys([language, "en", "es"])),
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": local_now,
            "TIMEZONE": zone,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "DATE_ORDER": "DMY",
        },
    )
    if found is None:
        raise BadArgument(
            N_(
                "I can't read '{value}' as a date. Try something like 'friday "
                "18:00', 'tomorrow' or 'asap'."
            ),
            value=text.strip(),
        )
    moment = found.astimezone(tz)
    if not TIME_OF_DAY.search(cleaned):
        moment = datetime.combine(moment.date(), END_OF_DAY, tz)
    if moment <= now:
        raise BadArgument(
            N_("'{value}' has already passed. Please give a time still to come."),
            value=text.strip(),
        )
    return moment.astimezone(UTC)
