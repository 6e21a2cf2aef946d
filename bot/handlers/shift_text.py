"""How a shift is named in messages: S45 · Box distribution · Sat 7 Mar 10:00–13:00."""

from datetime import datetime

from bot.i18n import Translator
from bot.messages import code, strong
from bot.model import Shift
from bot.times import local_date, which_time


def _marked(tr: Translator, moment: datetime, zone: str, shown: str) -> str:
    """A time the clocks show twice that night says which of the two it is."""
    time_ = which_time(moment, zone)
    if time_ is None:
        return shown
    return f"{shown} " + (tr._("(the first time)") if time_ == 1 else tr._("(the second time)"))


def span(tr: Translator, shift: Shift, zone: str) -> str:
    """Sat 7 Mar 10:00–13:00; a night shift names the morning it ends on:
    Sat 7 Mar 22:00–Sun 8 Mar 06:00."""
    overnight = local_date(shift.ends_at, zone) != local_date(shift.starts_at, zone)
    end = (tr.when if overnight else tr.clock)(shift.ends_at, zone)
    return (
        _marked(tr, shift.starts_at, zone, tr.when(shift.starts_at, zone))
        + "–"
        + _marked(tr, shift.ends_at, zone, end)
    )


def length(tr: Translator, minutes: int) -> str:
    """2 hours, 30 minutes, 1 hour 30 minutes."""
    hours, rest = divmod(minutes, 60)
    parts = [
        *([tr.ngettext("{n} hour", "{n} hours", hours)] if hours else []),
        *([tr.ngettext("{n} minute", "{n} minutes", rest)] if rest or not hours else []),
    ]
    return " ".join(parts)


def title(tr: Translator, shift: Shift, zone: str) -> str:
    """The number monospace and the name bold, where a platform shows them so."""
    return code(f"S{shift.id}") + " · " + strong(shift.name) + f" · {span(tr, shift, zone)}"
