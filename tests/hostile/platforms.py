"""An outbox row as each platform would receive it, checked as the platform checks it.

Telegram: the adapter's own sending code runs against a recording bot, and every call is
judged by the test Bot API stand-in's own check (plain text, its length as Telegram counts
it, button data), plus what Telegram shows of a caption (1,024) and of a press answer (200).
Matrix: the event contents the adapter builds, with their HTML parsed: only the tags minga
writes, balanced, saying exactly what the plain body says, inside the 64 KiB event limit.
"""

import contextlib
import json
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import Any

from adapters.matrix.render import (
    content,
    is_poll,
    parts,
    poll_end,
    poll_start,
    reactions,
    replacing,
    with_prefix,
)
from adapters.telegram.adapter import TelegramAdapter
from adapters.text import MORE
from bot.model import OutboxMessage
from tests.botapi import ApiError, BotApi

MATRIX_EVENT_BYTES = 65_536  # the whole event, of which the content is most
MATRIX_TAGS = {"br", "em", "strong", "code"}


class Refused(AssertionError):
    """A platform would refuse this message, or show it wrong."""


class _Recorder:
    """The part of python-telegram-bot's Bot the adapter calls, writing down each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    async def send_message(
        self, chat_id: int, text: str, entities: Any = None, reply_markup: Any = None
    ) -> Any:
        self._note("sendMessage", text=text, entities=entities, reply_markup=reply_markup)
        return SimpleNamespace(message_id=len(self.calls))

    async def edit_message_text(
        self,
        text: str,
        chat_id: int,
        message_id: int,
        entities: Any = None,
        reply_markup: Any = None,
    ) -> Any:
        self._note("editMessageText", text=text, entities=entities, reply_markup=reply_markup)
        return True

    async def send_document(
        self, chat_id: int, document: Any, caption: str, caption_entities: Any = None
    ) -> Any:
        self._note("sendDocument", caption=caption)
        return SimpleNamespace(message_id=len(self.calls))

    async def answer_callback_query(self, query_id: str, text: str | None = None) -> bool:
        self._note("answerCallbackQuery", text=text)
        return True

    def _note(self, method: str, **params: Any) -> None:
        markup = params.get("reply_markup")
        if markup is not None:
            params["reply_markup"] = markup.to_dict()
        params["entities"] = [e.to_dict() for e in params.get("entities") or []]
        self.calls.append((method, params))


class _NoStorage:
    """What the adapter records of a sent message with buttons, kept nowhere: only the
    calls to the platform are looked at here."""

    def uow(self) -> "_NoStorage":
        return self

    async def __aenter__(self) -> "_NoStorage":
        self.outbox = self
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def posted(self, row: OutboxMessage, message_id: str) -> None:
        return None

    async def commit(self) -> None:
        return None


class _NoPacing:
    """Only what is sent is looked at here, not when: no waiting for Telegram's limits."""

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int, priority: int) -> AsyncIterator[None]:
        yield


async def telegram_calls(row: OutboxMessage) -> list[tuple[str, dict[str, Any]]]:
    """The Bot API calls the Telegram adapter makes to deliver `row`."""
    adapter = TelegramAdapter(
        core=_NoStorage(),
        config=None,  # type: ignore[arg-type]
        pacer=_NoPacing(),
    )  # type: ignore[arg-type]
    recorder = _Recorder()
    adapter.app = SimpleNamespace(bot=recorder)  # type: ignore[assignment]
    adapter.me = SimpleNamespace(username="mingabot")  # type: ignore[assignment]
    telegram_row = OutboxMessage(
        id=row.id,
        platform="telegram",
        chat_id="-100123" if row.chat_id.startswith("group") else "42",
        kind=row.kind,
        key=row.key or "query",
        text=row.text,
        buttons=row.buttons,
        attempts=row.attempts,
        message_id=row.message_id or ("7" if row.kind == "edit" else None),
        attachment=row.attachment,
        parts=row.parts,
    )
    await adapter._send(telegram_row)
    return recorder.calls


async def check_telegram(row: OutboxMessage) -> list[str]:
    """Deliver `row` as Telegram would get it; returns the texts people see."""
    shown = []
    for method, params in await telegram_calls(row):
        if method == "answerCallbackQuery":
            if params["text"] is not None and len(params["text"]) > 200:
                raise Refused(f"a press answer over 200 characters: {params['text']!r}")
            continue
        if method == "sendDocument":
            if utf16(params["caption"]) > 1024:
                raise Refused("a caption over 1,024 characters")
            continue
        try:
            shown.append(BotApi._check_text(params))
        except ApiError as error:
            raise Refused(
                f"Telegram answers {error.code} {error.description} to {method} {params!r:.300}"
            ) from None
        for line in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in line:
                if not button["text"].strip():
                    raise Refused(f"a button without a label: {button!r}")
    if row.kind == "send" and not row.attachment and squeezed("".join(shown)) != squeezed(row.text):
        raise Refused("Telegram shows something else than was written")
    # An edit has the parts the message was sent in: more text ends the last one with "…".
    if (
        row.kind == "edit"
        and not row.attachment
        and shown
        and not squeezed(row.text).startswith(squeezed(shown[0]).removesuffix(MORE))
    ):
        raise Refused(
            "the edited text Telegram shows is not the start of what was "
            f"written: {shown[0][-40:]!r}"
        )
    return shown


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def squeezed(text: str) -> str:
    return "".join(text.split())


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in MATRIX_TAGS or attrs:
            raise Refused(f"Matrix HTML with an unexpected tag <{tag} {attrs}>")
        if tag == "br":
            self.text.append("\n")
        else:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            raise Refused(f"Matrix HTML with an unbalanced </{tag}>")

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        raise Refused("Matrix HTML with a comment")

    def handle_decl(self, decl: str) -> None:
        raise Refused("Matrix HTML with a declaration")

    def handle_pi(self, data: str) -> None:
        raise Refused("Matrix HTML with a processing instruction")

    def unknown_decl(self, data: str) -> None:
        raise Refused("Matrix HTML with a declaration")


def _size(event_content: dict[str, Any], what: str) -> None:
    size = len(json.dumps(event_content, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size > MATRIX_EVENT_BYTES - 1024:  # room for the event's own fields
        raise Refused(f"a Matrix {what} of {size} bytes: over the homeserver's 64 KiB")


def check_matrix_content(shown: dict[str, Any]) -> None:
    """An m.notice: its HTML well formed and saying exactly what its plain body says."""
    body, formatted = shown["body"], shown["formatted_body"]
    parser = _Tags()
    parser.feed(formatted)
    parser.close()
    if parser.open:
        raise Refused(f"Matrix HTML with <{parser.open[-1]}> never closed")
    if "".join(parser.text) != body:
        raise Refused("the Matrix HTML says something else than the plain body")
    _size(shown, "message")


def check_matrix(row: OutboxMessage, prefix: str = "!") -> None:
    """The contents the Matrix adapter would send for `row` (as its _send builds them)."""
    text = with_prefix(row.text, prefix)
    pairs = reactions(row.buttons)
    if len(pairs) < len(row.buttons):
        raise Refused(f"{len(row.buttons)} buttons but only {len(pairs)} reactions")
    if row.kind == "toast":
        if text:
            check_matrix_content(content(text, [], prefix))
        return
    if is_poll(row.buttons) and row.kind == "send":
        _size(poll_start(parts(text, 2)[0], row.buttons), "poll")
        return
    if row.kind == "edit":
        _size(poll_end("$event", parts(text, 2)[0]), "poll end")
        shown = content(parts(text, 2)[0], pairs, prefix)
        check_matrix_content(shown)
        _size(replacing("$event", shown), "edit")
        return
    pieces = parts(text)
    for n, part in enumerate(pieces):
        check_matrix_content(content(part, pairs if n == len(pieces) - 1 else [], prefix))


async def check_both(row: OutboxMessage) -> None:
    await check_telegram(row)
    check_matrix(row)
