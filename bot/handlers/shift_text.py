"""How a shift is named in messages: S45 · Box distribution · Sat 7 Mar 10:00–13:00."""

from bot.i18n import Translator
from bot.messages import code, strong
from bot.model import Shift


def span(tr: Translator, shift: Shift, zone: str) -> str:
    return f"{tr.when(shift.starts_at, zone)}–{tr.clock(shift.ends_at, zone)}"


def title(tr: Translator, shift: Shift, zone: str) -> str:
    """The number monospace and the name bold, where a platform shows them so."""
    return code(f"S{shift.id}") + " · " + strong(shift.name) + f" · {span(tr, shift, zone)}"
