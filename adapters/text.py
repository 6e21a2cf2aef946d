"""Text shared by the adapters: escaping HTML, and splitting what is too long."""

import html
from collections.abc import Callable, Iterable

from bot.messages import LINE, marks_of

MORE = "…"  # what a part says when an edit has less (or more) text than parts


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


def escaped_length(text: str) -> int:
    return len(escaped(text))


def split(text: str, limit: int, cost: Callable[[str], int] = escaped_length) -> list[str]:
    """Parts whose cost is at most `limit`, cut at line ends where possible. The cost of a
    text is the sum of its characters' costs: by default its length once escaped. Each part
    keeps the marks of its stretch of the text."""
    pieces = (
        piece for line in text.splitlines(keepends=True) for piece in _pieces(line, limit, cost)
    )
    made = [p.strip("\n") for p in _packed(pieces, limit, cost) if p.strip()]
    return _stretches(text, made) if marks_of(text) else made


def _stretches(text: str, made: list[str]) -> list[str]:
    """The parts as slices of `text`, which carry its marks. Between two parts there is only
    blank space, and no part is blank: where a part is first found after the one before is
    where it was cut from."""
    found, at = [], 0
    for part in made:
        at = text.index(part, at)
        found.append(text[at : at + len(part)])
        at += len(part)
    return found


def spread(text: str, count: int, limit: int, cost: Callable[[str], int]) -> list[str]:
    """`text` in exactly `count` parts that fit: the new text of a message sent in that many
    parts, each edited in place. Text that needs more parts ends the last one with "…";
    parts left with nothing to say say "…"."""
    made = split(text, limit, cost) or [MORE]
    if len(made) > count:
        rest = LINE.join(made[count - 1 :])
        made = [*made[: count - 1], split(rest, limit - cost(MORE), cost)[0] + MORE]
    return made + [MORE] * (count - len(made))


def _pieces(line: str, limit: int, cost: Callable[[str], int]) -> list[str]:
    """A line too long for one message, in pieces that fit."""
    return [line] if cost(line) <= limit else _packed(line, limit, cost)


def _packed(items: Iterable[str], limit: int, cost: Callable[[str], int]) -> list[str]:
    """Items joined in order into parts, a new part wherever the next would not fit."""
    parts: list[str] = []
    current, used = "", 0
    for item in items:
        size = cost(item)
        if current and used + size > limit:
            parts.append(current)
            current, used = "", 0
        current += item
        used += size
    parts.append(current)
    return parts
