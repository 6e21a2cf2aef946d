"""Text people type, cleaned once before the core sees it, and the numbers in it.

What a platform hands over may hold characters nobody sees: bidirectional controls that
make "18:00" show as "00:81", zero-width characters that make "Ea\u200bstside" look like
"Eastside" yet not match it, lone surrogates (from JSON) that no database can store. They
are removed or replaced here, so every handler sees what a reader sees.
"""

import unicodedata
from dataclasses import replace
from typing import Any

from bot.messages import (
    ButtonPress,
    Chat,
    ChatMoved,
    Due,
    Event,
    Message,
    Sender,
)

MAX_NAME = 64  # a display name, as minga shows it (Telegram allows 64 for first + 64 for last)
MAX_TITLE = 128  # a chat's title (Telegram's own limit)
MAX_DIGITS = 12  # a number longer than this is no count, id or page anyone means

ZWNJ, ZWJ = "\u200c", "\u200d"
BLACK_FLAG = "\U0001f3f4"  # starts the tag sequences of subdivision flags (🏴󠁧󠁢󠁳󠁣󠁴󠁿)
TAGS = range(0xE0020, 0xE0080)
EMOJI_PARTS = {"\ufe0f"} | {chr(c) for c in range(0x1F3FB, 0x1F400)}  # VS16, skin tones
FIRST_JOINING_SCRIPT = 0x0590  # Hebrew onwards: scripts where joiners change how words look
LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n"}


def _pictograph(char: str) -> bool:
    """An emoji, roughly: Unicode has no Extended_Pictographic in unicodedata."""
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def _letter_of_joining_script(char: str) -> bool:
    return ord(char) >= FIRST_JOINING_SCRIPT and unicodedata.category(char)[0] in "LM"


def _kept(text: str, i: int, in_flag: bool) -> bool:
    """Whether the invisible format character at `i` is part of what a reader sees."""
    char, before, after = text[i], text[i - 1] if i else "", text[i + 1 : i + 2]
    if (
        char == ZWJ
        and before
        and after
        and (_pictograph(before) or before in EMOJI_PARTS)
        and _pictograph(after)
    ):
        return True  # 👨‍👩‍👧: one family, not three people
    if (
        char in (ZWJ, ZWNJ)
        and before
        and after
        and _letter_of_joining_script(before)
        and (_letter_of_joining_script(after))
    ):
        return True  # Persian "می‌خواهم" and Indic conjuncts are spelled with them
    return in_flag and ord(char) in TAGS


def _visible(text: str) -> str:
    kept, in_flag = [], False
    for i, char in enumerate(text):
        in_flag = char == BLACK_FLAG or (in_flag and ord(char) in TAGS)
        if unicodedata.category(char) != "Cf" or _kept(text, i, in_flag):
            kept.append(char)
    return "".join(kept)


def _no_surrogates(text: str) -> str:
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in text)


def clean(text: str) -> str:
    """What a reader sees, in one normal form.

    - Lone surrogates (U+D800–U+DFFF) become U+FFFD, the replacement character.
    - Line breaks (CR LF, CR, U+2028, U+2029) become one newline.
    - Invisible format characters (Unicode category Cf: bidirectional controls U+200E,
      U+200F, U+061C, U+202A–U+202E, U+2066–U+2069, zero-width space, joiners, word joiner,
      soft hyphen, byte order mark, …) are removed, except a zero-width joiner between two
      emoji, joiners between two letters of a script that spells with them (Hebrew
      onwards: Arabic, Persian, Indic …) and the tags of a subdivision flag.
    - The result is NFC: "é" typed as e + accent matches "é".
    Variation selectors and combining marks are no format characters and stay. Control
    characters are left for the router to refuse, with an answer, in what people type.
    """
    text = _no_surrogates(text)
    for old, new in LINE_BREAKS.items():
        text = text.replace(old, new)
    return unicodedata.normalize("NFC", _visible(text))


def clean_name(name: str, limit: int = MAX_NAME) -> str:
    """A name as shown in posts: cleaned, on one line, without control characters, bounded."""
    name = " ".join(
        "".join(c if unicodedata.category(c) != "Cc" else " " for c in clean(name)).split()
    )
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def decimal(raw: str, max_digits: int = MAX_DIGITS) -> int | None:
    """'17', '١٧' (Arabic-Indic digits) → 17; None for anything else: '²', '①', '+1', '1_0',
    a sign, spaces inside, or more digits than `max_digits`. Only decimal digits (str.isdecimal,
    never isdigit: int() refuses superscripts) are numbers people type."""
    value = raw.strip()
    return int(value) if value.isdecimal() and len(value) <= max_digits else None


def _id(value: str) -> str:
    """A platform's id, stored and looked up as given; a lone surrogate in it is written as
    its escape (\\ud800), so two ids never become one."""
    return value.encode("utf-8", "backslashreplace").decode()


def _sender(sender: Sender) -> Sender:
    """A name that cleans to nothing (a zero-width name) falls back to the handle or id."""
    handle = clean_name(sender.handle, 255) if sender.handle else sender.handle
    user_id = _id(sender.user_id)
    return replace(
        sender,
        user_id=user_id,
        handle=handle,
        name=clean_name(sender.name) or handle or clean_name(user_id),
        private_chat_id=sender.private_chat_id and _id(sender.private_chat_id),
    )


def _chat(chat: Chat) -> Chat:
    return replace(
        chat, chat_id=_id(chat.chat_id), title=chat.title and clean_name(chat.title, MAX_TITLE)
    )


def cleaned(event: Event) -> Event:
    """The event with every text a person typed or chose cleaned, and ids made storable.
    A button's data is minga's own: only a lone surrogate in it is replaced."""
    if isinstance(event, Due):
        return event
    changes: dict[str, Any] = {"event_id": _id(event.event_id), "chat": _chat(event.chat)}
    if not isinstance(event, ChatMoved):
        changes["sender"] = _sender(event.sender)
    match event:
        case Message():
            changes |= {
                "text": clean(event.text),
                "reply_to": event.reply_to and _id(event.reply_to),
            }
        case ButtonPress():
            changes |= {
                "data": _no_surrogates(event.data),
                "message_id": _id(event.message_id),
                "toast_id": event.toast_id and _id(event.toast_id),
            }
        case ChatMoved():
            changes["new_chat_id"] = _id(event.new_chat_id)
    return replace(event, **changes)
