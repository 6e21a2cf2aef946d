"""The Telegram adapter: python-telegram-bot's Application inside minga's event loop.

Updates are read with getUpdates from the offset kept in the database, which is written
after each update's effects commit: a crash means the update comes again, and the inbox
recognises it. In webhook mode Telegram posts them, checked by their secret token, and an
update of which nothing could be recorded (the database away) is answered 503, so that
Telegram posts it again; behind a proxy, several processes can take the posts.
Sending drains the outbox a lane per chat (adapters/delivery.py), paced for Telegram's
limits by sliding windows (pacing.py): 30 a second overall, most urgent first, 20 a minute
per group, one a second per private chat; answers to presses are not paced.
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardMarkup,
    InputFile,
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes, ExtBot, JobQueue

from adapters.delivery import Courier, GiveUp, Outlet, Retry, Unrecorded
from adapters.telegram.pacing import Pacer, is_group
from adapters.telegram.render import CAPTION_LIMIT, LIMIT, entities, keyboard, length, parts
from adapters.telegram.translate import PLATFORM, translate
from adapters.text import spread
from bot.config import DeliveryConfig, TelegramConfig
from bot.dispatch import Core, handle
from bot.i18n import LANGUAGES, translator
from bot.messages import ButtonPress, Event
from bot.model import OutboxMessage

log = logging.getLogger("minga.telegram")

OFFSET = "telegram.offset"
POLL_SECONDS = 25
# What Application.builder().build() makes: PTB's own bot, context, data and (unused) job queue.
App = Application[
    ExtBot[None],
    ContextTypes.DEFAULT_TYPE,
    dict[Any, Any],
    dict[Any, Any],
    dict[Any, Any],
    JobQueue[ContextTypes.DEFAULT_TYPE],
]
UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"]
# A post shown live (a tally) is edited at most this often (seconds): a group's 20 messages
# a minute are shared with its new posts; a private chat allows one a second.
EDIT_EVERY = {"group": 5.0, "private": 2.0}


@dataclass
class TelegramAdapter:
    core: Core
    config: TelegramConfig
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    app: App = field(init=False)
    me: User = field(init=False)
    pacer: Pacer = field(default_factory=Pacer)
    unrecorded: Unrecorded = field(default_factory=Unrecorded)
    courier: Courier = field(init=False)

    def __post_init__(self) -> None:
        self.courier = Courier.configured(
            self.core,
            Outlet(
                PLATFORM,
                self.deliver,
                ready_in=lambda chat: self.pacer.ready_in(int(chat)),
                edit_every=lambda chat: EDIT_EVERY["group" if is_group(int(chat)) else "private"],
            ),
            self.delivery,
        )

    async def start(self) -> None:
        self.app = (
            Application.builder()
            .token(self.config.token)
            .base_url(self.config.base_url)
            .updater(None)
            .build()
        )
        await self.app.initialize()
        await self.app.start()
        self.me = await self.app.bot.get_me()
        if self.config.mode != "webhook":
            await self.app.bot.delete_webhook()
        await self.set_commands()
        log.info("telegram=started")

    async def stop(self) -> None:
        await self.app.stop()
        await self.app.shutdown()

    async def set_commands(self) -> None:
        """The command menu in each language, for private chats and for groups: each
        command by its name in that language (any language's name is understood)."""
        for scope, where in (
            (BotCommandScopeAllPrivateChats(), "private"),
            (BotCommandScopeAllGroupChats(), "group"),
        ):
            shown = [
                c for c in self.core.commands.values() if not c.hidden and c.where in (where, "any")
            ]
            for language in LANGUAGES:
                tr = translator(self.core.catalogs, language)
                commands = [
                    BotCommand(tr.word("command", c.name), tr._(c.summary)[:256]) for c in shown
                ]
                code = None if language == self.core.defaults.language else language
                await self.app.bot.set_my_commands(commands, scope=scope, language_code=code)

    async def listen(self) -> None:
        """Webhook mode: Telegram posts each update; the answer waits until it is handled,
        so an update that fails is sent again (and the inbox knows one that succeeded)."""
        from adapters.telegram.webhook import listening

        config = self.config
        async with listening(
            config.webhook_listen,
            config.webhook_port,
            urlsplit(config.webhook_url).path or "/",
            config.webhook_secret,
            self._settle,
        ):
            await self.app.bot.set_webhook(
                config.webhook_url, allowed_updates=UPDATES, secret_token=config.webhook_secret
            )
            log.info("telegram=webhook port=%d", config.webhook_port)
            await asyncio.Event().wait()  # until cancelled

    async def _settle(self, data: dict[str, object]) -> HTTPStatus:
        try:
            update = Update.de_json(data, self.app.bot)
        except (TypeError, KeyError, AttributeError, ValueError):
            log.warning("telegram=webhook-refused reason=not-an-update")
            return HTTPStatus.BAD_REQUEST
        if not await self._handle(translate(update, self.me)):
            # Nothing of it is recorded (the database is away): Telegram posts it again,
            # to this process or, behind a proxy, to another.
            return HTTPStatus.SERVICE_UNAVAILABLE
        return HTTPStatus.OK

    async def _handle(self, event: Event | None) -> bool:
        """Whether the event is settled: handled, a repeat, or answered with an apology."""
        try:
            if isinstance(event, ButtonPress) and self.unrecorded.pending(event.chat.chat_id):
                # A message being sent to this chat may be the one pressed: unless the
                # pressed one is known already, wait until that one is recorded.
                async with self.core.uow() as uow:
                    known = await uow.outbox.buttons_of(
                        PLATFORM, event.chat.chat_id, event.message_id
                    )
                if not known:
                    await self.unrecorded.wait(event.chat.chat_id)
        except Exception as error:  # the database is away
            log.warning("telegram=update-failed reason=%s", type(error).__name__)
            return False
        return event is None or await handle(self.core, event)

    async def poll(self) -> None:
        """Read updates forever; each is handled once, and only then confirmed. While the
        database is away nothing is confirmed, and the same updates are asked for again."""
        while True:
            try:
                async with self.core.uow() as uow:
                    offset = int(await uow.cursors.get(OFFSET) or 0)
                updates = await self.app.bot.get_updates(
                    offset=offset,
                    timeout=POLL_SECONDS,
                    allowed_updates=UPDATES,
                    read_timeout=POLL_SECONDS + 10,
                )
                for update in updates:
                    if not await self._handle(translate(update, self.me)):
                        raise Unsettled
                    async with self.core.uow() as uow:
                        await uow.cursors.set(OFFSET, str(update.update_id + 1))
                        await uow.commit()
            except RetryAfter as error:
                await asyncio.sleep(_seconds(error.retry_after))
            except TelegramError as error:  # down, slow or refusing for now: ask again
                log.warning("telegram=get-updates-failed reason=%s", type(error).__name__)
                await asyncio.sleep(2)
            except Exception as error:  # the database is away: from the offset kept, again
                log.warning("telegram=update-failed reason=%s", type(error).__name__)
                await asyncio.sleep(2)

    async def deliver(self, row: OutboxMessage) -> tuple[str, ...]:
        """Send one outbox row; the ids of the messages it is, in order."""
        try:
            return await self._send(row)
        except RetryAfter as error:
            raise Retry("429 Too Many Requests", _seconds(error.retry_after)) from None
        except BadRequest as error:
            raise GiveUp(f"400 {error.message}") from None
        except Forbidden as error:
            raise GiveUp(f"403 {error.message}") from None
        except NetworkError as error:  # timeouts and 5xx: Telegram will be back
            raise Retry(type(error).__name__, min(2.0**row.attempts, 300.0)) from None

    async def _send(self, row: OutboxMessage) -> tuple[str, ...]:
        bot = self.app.bot
        if row.kind == "toast":  # answers a press; Telegram does not count these
            assert row.key is not None
            await bot.answer_callback_query(row.key, text=row.text or None)
            return ()
        chat_id = int(row.chat_id)
        markup = keyboard(row.buttons, self.me.username or "")
        if row.kind == "edit" and row.message_id:
            return await self._edit(row, chat_id, markup)
        if row.attachment:
            caption = parts(row.text, CAPTION_LIMIT)[0]
            async with self.pacer.slot(chat_id, row.priority):
                sent = await bot.send_document(
                    chat_id,
                    InputFile(row.attachment.data, filename=row.attachment.name),
                    caption=caption,
                    caption_entities=entities(caption) or None,
                )
            return (str(sent.message_id),)
        texts = parts(row.text)
        ids: list[str] = []
        async with self._recording(row):
            for n, part in enumerate(texts, 1):
                async with self.pacer.slot(chat_id, row.priority):
                    sent = await bot.send_message(
                        chat_id,
                        part,
                        entities=entities(part) or None,
                        reply_markup=markup if n == len(texts) else None,
                    )
                ids.append(str(sent.message_id))
            await self._posted(row, ids[-1])
        return tuple(ids)

    async def _edit(
        self, row: OutboxMessage, chat_id: int, markup: InlineKeyboardMarkup | None
    ) -> tuple[str, ...]:
        """A message sent in parts is edited part by part, the buttons on the last."""
        assert row.message_id is not None
        ids = row.parts or (row.message_id,)
        texts = spread(row.text, len(ids), LIMIT, length)
        async with self._recording(row):
            for n, (message_id, text) in enumerate(zip(ids, texts, strict=True), 1):
                try:
                    async with self.pacer.slot(chat_id, row.priority):
                        await self.app.bot.edit_message_text(
                            text,
                            chat_id=chat_id,
                            message_id=int(message_id),
                            entities=entities(text) or None,
                            reply_markup=markup if n == len(ids) else None,
                        )
                except BadRequest as error:
                    if "message is not modified" not in error.message:
                        raise  # otherwise the part already says this
            await self._posted(row, ids[-1])
        return ids

    @contextlib.asynccontextmanager
    async def _recording(self, row: OutboxMessage) -> AsyncIterator[None]:
        """A press on a message with buttons waits while its id is not recorded."""
        if not row.buttons:
            yield
            return
        async with self.unrecorded.sending(row):
            yield

    async def _posted(self, row: OutboxMessage, message_id: str) -> None:
        """A message with buttons has its id noted at once: a press can follow quickly.
        Should the database be away, the sender records the id with the message as sent."""
        if row.buttons:
            try:
                async with self.core.uow() as uow:
                    await uow.outbox.posted(row, message_id)
                    await uow.commit()
            except Exception as error:
                log.warning(
                    "telegram=posted-unrecorded outbox=%d reason=%s", row.id, type(error).__name__
                )


class Unsettled(Exception):
    """An update of which nothing could be recorded: it is asked for again."""


def _seconds(value: int | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
