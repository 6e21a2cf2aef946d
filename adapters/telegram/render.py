"""minga's outgoing messages in Telegram's shape: plain text, its length counted as Telegram
counts it, its marks as entities, inline keyboards, deep links.

minga sends plain text with no parse mode, and says what is bold or monospace by entities
(places counted in UTF-16 units): what people typed reaches Telegram as written, with
nothing to escape and no tag to cut in half.
"""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MessageEntity
from telegram.constants import MessageLimit
from telegram.helpers import create_deep_linked_url

from adapters.text import split
from bot.messages import Button, Style, marks_of

LIMIT = MessageLimit.MAX_TEXT_LENGTH
CAPTION_LIMIT = MessageLimit.CAPTION_LENGTH  # a file's caption
PER_ROW = 3
ENTITIES: dict[Style, str] = {"strong": MessageEntity.BOLD, "code": MessageEntity.CODE}


def length(text: str) -> int:
    """Telegram counts a text's length in UTF-16 code units: an emoji is two."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parts(text: str, limit: int = LIMIT) -> list[str]:
    """The messages a text is sent as, cut at line ends where possible."""
    return split(text, limit, length) or [text]


def entities(text: str) -> list[MessageEntity]:
    """A part's marks as Telegram's entities; Telegram shows the first 100 of them."""
    return [
        MessageEntity(ENTITIES[m.style], length(text[: m.start]), length(text[m.start : m.end]))
        for m in marks_of(text)[: MessageLimit.MESSAGE_ENTITIES]
    ]


def link(bot_username: str, data: str) -> str | None:
    """A deep link that opens the private chat and runs `data` there, if it fits one."""
    try:
        return create_deep_linked_url(bot_username, data.replace(" ", "_"))
    except ValueError:  # a character a link cannot carry, or too long
        return None


def keyboard(buttons: tuple[Button, ...], bot_username: str) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = []
    for button in buttons:
        url = link(bot_username, button.data) if button.private else None
        made = (
            InlineKeyboardButton(button.label, url=url)
            if url
            else InlineKeyboardButton(button.label, callback_data=button.data)
        )
        if not rows or len(rows[-1]) == PER_ROW:
            rows.append([])
        rows[-1].append(made)
    return InlineKeyboardMarkup(rows)
