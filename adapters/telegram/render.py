"""minga's outgoing messages in Telegram's shape: HTML, 4,096 characters, inline keyboards."""

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.text import escaped, split
from bot.messages import Button

LIMIT = 4096
CAPTION_LIMIT = 1024  # a file's caption
PER_ROW = 3
DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def fitted(text: str, limit: int) -> str:
    """The start of `text` that fits in one message once escaped, for where it cannot be
    split (an edit, a caption): cut at a line end where possible, never inside an escape."""
    return escaped((split(text, limit) or [text])[0])


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
