"""Text shared by the adapters that send HTML: escaping, and splitting what is too long."""

import html
from collections.abc import Callable


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


def escaped_length(text: str) -> int:
    return len(escaped(text))


def split(text: str, limit: int, cost: Callable[[str], int] = escaped_length) -> list[str]:
    """Parts whose cost is at most `limit`, cut at line ends where possible. The cost of a
    text is the sum of its characters' costs: by default its length once escaped."""
    parts: list[str] = []
    current, used = "", 0
    for line in text.splitlines(keepends=True):
        for piece in _pieces(line, limit, cost):
            size = cost(piece)
            if current and used + size > limit:
                parts.append(current)
                current, used = "", 0
            current += piece
            used += size
    parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def _pieces(line: str, limit: int, cost: Callable[[str], int]) -> list[str]:
    """A line too long for one message, in pieces that fit."""
    if cost(line) <= limit:
        return [line]
    pieces: list[str] = []
    current, used = "", 0
    for char in line:
        size = cost(char)
        if current and used + size > limit:
            pieces.append(current)
            current, used = "", 0
        current += char
        used += size
    pieces.append(current)
    return pieces
