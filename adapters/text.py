"""Text shared by the adapters that send HTML: escaping, and splitting what is too long."""

import html


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


def split(text: str, limit: int) -> list[str]:
    """Parts whose escaped length is at most `limit`, cut at line ends where possible."""
    parts: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        for piece in _pieces(line, limit):
            if current and len(escaped(current + piece)) > limit:
                parts.append(current)
                current = ""
            current += piece
    parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def _pieces(line: str, limit: int) -> list[str]:
    """A line too long for one message, in pieces that fit once escaped."""
    if len(escaped(line)) <= limit:
        return [line]
    step = limit // 5  # the longest escape, "&amp;", is five characters
    return [line[i:i + step] for i in range(0, len(line), step)]
