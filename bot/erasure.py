"""What names a person, and text with it taken out: used when someone asks to be forgotten.

Texts other people will keep (a group post, a message relayed to a volunteer, a poll's
options, an audit detail) may carry the person's name, handle or platform id. Each is
replaced, as a whole word and ignoring case, by an ellipsis: the text stays readable and
no longer says who.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from bot.messages import Action, Button
from bot.model import Identity, Person

ERASED = "…"
SHORTEST = 3  # shorter words ("Al", "J") would rewrite everyone's texts, not just theirs


def naming(person: Person, identities: Iterable[Identity]) -> tuple[str, ...]:
    """The words that name or address a person: their names and each part of them, their
    handles and platform user ids; longest first, so a full name goes before its parts."""
    names = [person.name, *(i.name for i in identities)]
    words = {*names, *(part for name in names for part in name.split())}
    for identity in identities:
        words |= {identity.user_id, *([identity.handle] if identity.handle else [])}
    return tuple(sorted((w for w in words if len(w) >= SHORTEST), key=lambda w: (-len(w), w)))


def _pattern(words: Sequence[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def scrub(text: str, words: Sequence[str]) -> str:
    return _pattern(words).sub(ERASED, text) if words else text


def scrub_value(value: Any, words: Sequence[str]) -> Any:
    """The same for a stored JSON value: every string in it, at any depth."""
    if isinstance(value, str):
        return scrub(value, words)
    if isinstance(value, list):
        return [scrub_value(v, words) for v in value]
    if isinstance(value, dict):
        return {k: scrub_value(v, words) for k, v in value.items()}
    return value


def scrub_action(action: Action, words: Sequence[str]) -> Action:
    """An action written before the person was erased, as it may still be sent."""
    buttons: tuple[Button, ...] = tuple(
        replace(b, label=scrub(b.label, words)) for b in action.buttons
    )
    return replace(action, text=scrub(action.text, words), buttons=buttons)
