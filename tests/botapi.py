"""A stand-in for Telegram's Bot API on loopback, with Telegram's limits and error answers.

Tests act as people (they write, press buttons, add the bot to groups) and read what the
bot did. The methods minga uses answer as Telegram documents them, including 429 with
`retry_after` when a bot sends faster than 30 messages a second overall, 20 a minute in a
group or about one a second in a private chat. In webhook mode it can play the reverse proxy
too: given several `backends` (minga processes), it posts each update to the next one in turn.
"""

import asyncio
import contextlib
import html
import itertools
import json
import random
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

BOT = {
    "id": 4242,
    "is_bot": True,
    "first_name": "minga",
    "username": "mingabot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
LIMITS = {"overall": (30, 1.0), "group": (20, 60.0), "private": (1, 1.0)}
HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "a",
    "code",
    "pre",
    "span",
    "tg-spoiler",
    "blockquote",
    "tg-emoji",
}
FAULTY = {"sendMessage", "editMessageText", "getUpdates"}
ENTITIES = {"bold", "italic", "code", "pre", "text_link"}  # what a bot may mark in a text
TAG = re.compile(r"<([A-Za-z][\w-]*)")
COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")  # what setMyCommands takes as a command's name
TAG_OR_END = re.compile(r"</?[A-Za-z][\w-]*[^>]*>")


def _date() -> int:
    return int(time.time())  # noqa: TID251 - Telegram dates its messages in wall time


@dataclass
class Person:
    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = None

    def user(self) -> dict[str, Any]:
        found = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            found["username"] = self.username
        if self.language_code:
            found["language_code"] = self.language_code
        return found


def _check_entities(params: dict[str, Any], units: int) -> None:
    """Entities go with no parse mode and stay within the text's UTF-16 units."""
    for entity in params.get("entities") or []:
        if params.get("parse_mode") or entity["type"] not in ENTITIES:
            raise ApiError(400, "Bad Request: can't parse entities")
        if not 0 <= entity["offset"] < entity["offset"] + entity["length"] <= units:
            raise ApiError(400, "Bad Request: entity beyond the end of the text")


@dataclass
class BotApi:
    token: str = "4242:TEST-TOKEN"
    fault_rate: float = 0.0  # share of sending calls answered with 429, 502 or a timeout
    seed: int = 7
    updates: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    started: set[int] = field(default_factory=set)  # people who opened a chat with the bot
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    called_at: list[float] = field(default_factory=list)  # time.monotonic() of each call
    made_at: dict[int, float] = field(default_factory=dict)  # update id → when it was made
    answered: list[dict[str, Any]] = field(default_factory=list)  # answerCallbackQuery
    commands: list[dict[str, Any]] = field(default_factory=list)
    too_many: int = 0  # 429s answered for going too fast
    webhook: tuple[str, str] | None = None  # (url, secret) once set
    webhook_answers: list[int] = field(default_factory=list)
    # Webhook mode behind a reverse proxy at the webhook's address: the addresses of the
    # processes it spreads the posts over, each post to the next one (round robin). Empty:
    # the posts go to the webhook's address itself.
    backends: list[str] = field(default_factory=list)
    webhook_posts: list[tuple[str, int]] = field(default_factory=list)  # (address, status)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _sent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _new: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    base_url: str = ""

    async def start(self) -> str:
        self._random = random.Random(self.seed)
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._call)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        self.webhook = None
        if getattr(self, "_pushing", None) is not None:
            self._pushing.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- acting as people -----------------------------------------------------------------

    def _update(self, **content: Any) -> int:
        update_id = next(self._ids)
        self.made_at[update_id] = time.monotonic()
        self.updates.append({"update_id": update_id, **content})
        self._new.set()
        return update_id

    def group(self, chat_id: int, title: str) -> dict[str, Any]:
        self.chats[chat_id] = {
            "id": chat_id,
            "type": "supergroup" if chat_id < -(10**12) else "group",
            "title": title,
        }
        return self.chats[chat_id]

    def private(self, person: Person) -> dict[str, Any]:
        self.chats[person.id] = {
            "id": person.id,
            "type": "private",
            "first_name": person.first_name,
        }
        return self.chats[person.id]

    def says(
        self, person: Person, chat: dict[str, Any], text: str, reply_to: int | None = None
    ) -> int:
        if chat["type"] == "private":
            self.started.add(person.id)
        message = {
            "message_id": next(self._message_ids),
            "date": _date(),
            "chat": chat,
            "from": person.user(),
            "text": text,
        }
        if text.startswith("/"):
            end = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": end}]
        if reply_to is not None:
            message["reply_to_message"] = self.messages[(chat["id"], reply_to)]
        return self._update(message=message)

    def presses(self, person: Person, chat_id: int, message_id: int, data: str) -> int:
        message = self.messages[(chat_id, message_id)]
        return self._update(
            callback_query={
                "id": str(next(self._ids)),
                "from": person.user(),
                "message": message,
                "chat_instance": str(chat_id),
                "data": data,
            }
        )

    def edits(self, person: Person, chat: dict[str, Any], message_id: int, text: str) -> int:
        return self._update(
            edited_message={
                "message_id": message_id,
                "date": _date(),
                "edit_date": _date(),
                "chat": chat,
                "from": person.user(),
                "text": text,
            }
        )

    def migrates(self, person: Person, chat_id: int, new_id: int) -> int:
        old = self.chats[chat_id]
        new = self.group(new_id, old["title"])
        self._update(
            message={
                "message_id": next(self._message_ids),
                "date": _date(),
                "chat": old,
                "from": person.user(),
                "migrate_to_chat_id": new_id,
            }
        )
        return self._update(
            message={
                "message_id": next(self._message_ids),
                "date": _date(),
                "chat": new,
                "from": person.user(),
                "migrate_from_chat_id": chat_id,
            }
        )

    def adds_bot(self, person: Person, chat: dict[str, Any]) -> int:
        return self._update(
            my_chat_member={
                "chat": chat,
                "from": person.user(),
                "date": _date(),
                "old_chat_member": {"user": BOT, "status": "left"},
                "new_chat_member": {"user": BOT, "status": "member"},
            }
        )

    # --- reading what the bot did -----------------------------------------------------------

    def in_chat(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for (c, _), m in sorted(self.messages.items()) if c == chat_id]

    def last(self, chat_id: int) -> dict[str, Any]:
        return self.in_chat(chat_id)[-1]

    async def until(self, check: Any, within: float = 10.0) -> None:
        """Wait until `check()` holds: the bot works in its own time."""
        async with asyncio.timeout(within):
            while not check():  # noqa: ASYNC110 - the bot offers nothing to wait on
                await asyncio.sleep(0.02)

    # --- the Bot API ------------------------------------------------------------------------

    async def _call(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        params = await self._params(request)
        method = request.match_info["method"]
        self.calls.append((method, params))
        self.called_at.append(time.monotonic())
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        if method in FAULTY and self.fault_rate and self._random.random() < self.fault_rate:
            return await self._fault(method)
        try:
            return web.json_response({"ok": True, "result": await handler(params)})
        except ApiError as error:
            return self._error(error.code, error.description, error.parameters)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            params = await request.json()
        else:
            params = dict(await request.post()) | dict(request.query)
        for key in (
            "reply_markup",
            "allowed_updates",
            "commands",
            "scope",
            "link_preview_options",
            "entities",
        ):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _fault(self, method: str) -> web.Response:
        kind = self._random.choice(
            ("429", "502") if method == "getUpdates" else ("429", "502", "timeout")
        )
        if kind == "429":
            return self._error(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        if kind == "502":
            return web.Response(status=502, text="Bad Gateway")
        await asyncio.sleep(30)  # the client gives up first
        return self._error(504, "Gateway Timeout")

    @staticmethod
    def _error(
        code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    def _flood(self, chat_id: int) -> None:
        """Telegram's limits: 429 with retry_after for a bot that sends too fast."""
        now = time.monotonic()
        kind = "private" if chat_id > 0 else "group"
        for limit, period in (("overall", "overall"), (kind, f"{kind}:{chat_id}")):
            count, seconds = LIMITS[limit]
            window = self._sent[period]
            while window and window[0] <= now - seconds:
                window.popleft()
            if len(window) >= count:
                self.too_many += 1
                retry = max(1, int(window[0] + seconds - now + 0.999))
                raise ApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
        for period in ("overall", f"{kind}:{chat_id}"):
            self._sent[period].append(now)

    @staticmethod
    def _check_text(params: dict[str, Any]) -> str:
        """The text as a person sees it: with parse_mode HTML, tags read and entities undone."""
        text = str(params.get("text", ""))
        if params.get("parse_mode") == "HTML":
            for tag in TAG.findall(text):
                if tag.lower() not in HTML_TAGS:
                    raise ApiError(
                        400, f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"'
                    )
            text = html.unescape(TAG_OR_END.sub("", text))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        units = len(text.encode("utf-16-le", "surrogatepass")) // 2  # as Telegram counts
        if units > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        _check_entities(params, units)
        for row in (params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return text

    async def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return BOT

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = None
        return True

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = (str(params["url"]), str(params.get("secret_token", "")))
        # Every process behind the proxy sets the same webhook at its start: one pusher.
        if getattr(self, "_pushing", None) is None or self._pushing.done():
            self._pushing = asyncio.create_task(self._push())
        return True

    async def _push(self) -> None:
        """Webhook mode: post each update, in order; one not answered 200 is tried again.
        Behind a proxy each post goes to the next backend, so a retry goes to another one;
        a backend that is down is answered for by the proxy with 502."""
        turns = itertools.count()
        async with aiohttp.ClientSession() as session:
            while self.webhook is not None:
                if not self.updates:
                    self._new.clear()
                    await self._new.wait()
                    continue
                url, secret = self.webhook
                if self.backends:
                    url = self.backends[next(turns) % len(self.backends)]
                try:
                    async with session.post(
                        url,
                        json=self.updates[0],
                        headers={"X-Telegram-Bot-Api-Secret-Token": secret},
                    ) as answer:
                        status = answer.status
                except aiohttp.ClientConnectionError:
                    if not self.backends:
                        raise
                    status = 502
                self.webhook_answers.append(status)
                self.webhook_posts.append((url, status))
                if status == 200:
                    self.updates.pop(0)
                else:
                    await asyncio.sleep(0.2)

    async def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for command in commands:
            if not COMMAND_NAME.fullmatch(command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands.append(params)
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        # Telegram forgets every update before the offset: they are confirmed.
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = float(params.get("timeout") or 0)
        if not self.updates and timeout:
            self._new.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new.wait(), min(timeout, 2.0))
        return self.updates[: int(params.get("limit") or 100)]

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        chat = self.chats.get(chat_id)
        if chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        if chat["type"] == "private" and chat_id not in self.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        text = self._check_text(params)
        self._flood(chat_id)
        message = {
            "message_id": next(self._message_ids),
            "date": _date(),
            "chat": chat,
            "from": BOT,
            "text": text,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        if params.get("entities"):
            message["entities"] = params["entities"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text = self._check_text(params)
        markup = params.get("reply_markup") or None
        if message["text"] == text and message.get("reply_markup") == markup:
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message "
                "content and reply markup are exactly the same as a current "
                "content and reply markup of the message",
            )
        self._flood(chat_id)
        message.update(text=text, edit_date=_date())
        message.pop("reply_markup", None)
        message.pop("entities", None)
        if params.get("entities"):
            message["entities"] = params["entities"]
        if markup:
            message["reply_markup"] = markup
        return message

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        self.answered.append(params)
        return True


class ApiError(Exception):
    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters
