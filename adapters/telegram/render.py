"""minga's outgoing messages in Telegram's shape: HTML, 4,096 characters, inline keyboards."""

import html
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.messages import Button

LIMIT = 4096
PER_ROW = 3
DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


def split(text: str, limit: int = LIMIT) -> list[str]:
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


def link(bot_username: str, data: str) -> str | None:
    """A deep link that opens the private chat and runs `data` there, if it fits one."""
    encoded = data.replace(" ", "_")
    return f"https://t.me/{bot_username}?start={encoded}" if DEEP_LINK.match(encoded) else None


def keyboard(buttons: tuple[Button, ...], bot_username: str) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        url = link(bot_username, button.data) if button.private else None
        made = (InlineKeyboardButton(button.label, url=url) if url else
                InlineKeyboardButton(button.label, callback_data=button.data))
        if not rows or len(rows[-1]) == PER_ROW:
            rows.append([])
        rows[-1].append(made)
    return InlineKeyboardMarkup(rows)
