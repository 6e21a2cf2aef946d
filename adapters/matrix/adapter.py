"""The Matrix adapter: a matrix-nio client inside minga's event loop.

Receiving: minga syncs itself, from a token kept in the database and written only after
every event of a sync has been handled (nio would store its own before its callbacks
run). A room whose timeline comes back `limited` has a gap, which is read with /messages
before the events after it, so no command is skipped. The very first start handles
nothing; in a room the bot joins, nothing from before it joined.
Sending: a lane per room (adapters/delivery.py), rooms side by side within the homeserver's
rate limit, most urgent first; each outbox row uses its id as the transaction id, so a
retry after a crash is recognised by the homeserver instead of posted twice; a rate limit
is waited out by every room, as long as the homeserver says.
"""

import asyncio
import io
import json
import logging
import os
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientError
from nio import (
    AsyncClient,
    AsyncClientConfig,
    DirectRoomsResponse,
    ErrorResponse,
    JoinError,
    LocalProtocolError,
    LoginError,
    MegolmEvent,
    MessageDirection,
    RoomCreateError,
    RoomMessagesError,
    RoomPreset,
    RoomSendError,
    SyncError,
    SyncResponse,
    UploadError,
    WhoamiError,
)
from nio.api import Api

from adapters.delivery import Courier, GiveUp, Outlet, Retry, Unrecorded
from adapters.matrix.render import (
    LIMIT,
    POLL_END,
    POLL_RESPONSES,
    POLL_START,
    content,
    event_cost,
    is_poll,
    parts,
    poll_end,
    poll_start,
    reaction,
    reactions,
    replacing,
    with_prefix,
)
from adapters.matrix.translate import (
    PLATFORM,
    answered,
    arrived,
    chat_of,
    is_join,
    joined_at,
    message,
    press,
    pressed,
    redacted,
    relation,
    sender_of,
    unpress,
)
from adapters.text import spread
from adapters.turns import Turns
from bot.config import DeliveryConfig, MatrixConfig
from bot.dispatch import Core, handle
from bot.messages import Added, Button, Chat, Event, Sender, Unreadable
from bot.model import OutboxMessage, Priority, Reaction

log = logging.getLogger("minga.matrix")

SINCE = "matrix.since"
SYNC_MS = 30_000
TIMELINE = 50  # events per room per sync; more than that is read as a gap
PAGE = 100
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
AT_ONCE = 8  # sends on their way at once, to different rooms
ACCEPT_WAIT = 60.0  # seconds between looks at a direct room not accepted yet, at most
KEYS_TRIES = 10  # looks for a person's devices (a second apart) before sending anyway
SENDING = 0.05  # seconds to look again while AT_ONCE sends are on their way
# A post shown live (a tally) is edited at most this often (seconds): every edit is a
# message in the account's rate limit, which answers to people share.
EDIT_EVERY = 3.0


class ServerTrouble(Exception):
    """The homeserver failed for now (5xx): sending is tried again later."""


class SyncTrouble(Exception):
    """The homeserver could not give what a sync needs; the same sync is tried again."""

    def __init__(self, reason: str, wait_ms: int | None = None) -> None:
        super().__init__(reason)
        self.wait_ms = wait_ms


@dataclass
class MatrixAdapter:
    core: Core
    config: MatrixConfig
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)
    client: AsyncClient = field(init=False)
    direct: dict[str, str] = field(default_factory=dict)  # direct room id → the person in it
    inviters: dict[str, str] = field(default_factory=dict)  # room id → who invited the bot
    synced: asyncio.Event = field(default_factory=asyncio.Event)
    unrecorded: Unrecorded = field(default_factory=Unrecorded)
    courier: Courier = field(init=False)
    turns: Turns = field(init=False)
    _on_the_way: int = 0
    _paused_until: float = 0.0  # monotonic: the homeserver's rate limit said to wait
    _probing: bool = False  # after a rate limit, one send at a time until one goes through
    _opening: defaultdict[str, asyncio.Lock] = field(
        default_factory=lambda: defaultdict(asyncio.Lock)
    )  # a direct room, per person
    _direct_saved: asyncio.Lock = field(default_factory=asyncio.Lock)

    def __post_init__(self) -> None:
        self.courier = Courier.configured(
            self.core,
            Outlet(PLATFORM, self.deliver, edit_every=lambda chat: EDIT_EVERY),
            self.delivery,
        )
        self.turns = Turns(self._wait_to_send, self._leaving)

    @property
    def me(self) -> str:
        return self.client.user_id

    async def start(self) -> None:
        store = _store(self.config.store_path)
        self.client = AsyncClient(
            self.config.homeserver,
            self.config.user_id,
            store_path=str(store),
            config=AsyncClientConfig(
                max_limit_exceeded=0,
                max_timeouts=0,
                store_sync_tokens=False,
                encryption_enabled=True,
            ),
        )
        await self._log_in(store / "session.json")
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        rooms = await self.client.list_direct_rooms()
        if isinstance(rooms, DirectRoomsResponse):
            self.direct = {room: user for user, ids in rooms.rooms.items() for room in ids}
        log.info("matrix=started device=%s", self.client.device_id)

    async def stop(self) -> None:
        await self.client.close()

    async def _log_in(self, saved: Path) -> None:
        """A session is made once and kept: every password login would add a device, and
        the encryption keys belong to the device."""
        session = _saved_session(saved)
        if session is not None and session["user_id"] == self.config.user_id:
            self.client.restore_login(
                session["user_id"], session["device_id"], session["access_token"]
            )
            if not isinstance(await self.client.whoami(), WhoamiError):
                return
            log.warning("matrix=session-expired")
        if self.config.access_token:
            self.client.access_token = self.config.access_token
            who = await self.client.whoami()
            if isinstance(who, WhoamiError) or not who.device_id:
                raise RuntimeError(f"the Matrix access token was refused: {who}")
            self.client.restore_login(who.user_id, who.device_id, self.config.access_token)
        else:
            done = await self.client.login(
                self.config.password, device_name=self.config.device_name
            )
            if isinstance(done, LoginError):
                raise RuntimeError(f"Matrix login failed: {done.message}")
        _save_session(
            saved,
            {
                "user_id": self.client.user_id,
                "device_id": self.client.device_id,
                "access_token": self.client.access_token,
            },
        )

    async def run(self) -> None:
        """Sync forever; each sync's events are handled, in order, before its token is kept."""
        async with self.core.uow() as uow:
            since = await uow.cursors.get(SINCE)
        full_state = True  # after a start nio knows no room yet: ask for all of their state
        failures = 0
        while True:
            try:
                response = await self.client.sync(
                    timeout=0 if full_state else SYNC_MS,
                    since=since,
                    full_state=full_state,
                    sync_filter={"room": {"timeline": {"limit": TIMELINE}}},
                )
                if isinstance(response, SyncError):
                    raise SyncTrouble(str(response), response.retry_after_ms)
                await self._keys()
                if full_state:
                    # Sending waits for nio to know the rooms. Messages sent just before a
                    # stop, and not yet recorded as sent, are recorded first (their resend
                    # is recognised by its transaction id), so a reaction to one of them
                    # finds its buttons.
                    self.synced.set()
                    await self.courier.drain()
                await self._invited(response)
                if since is not None:  # the very first start answers nothing from before it
                    for room_id, room in response.rooms.join.items():
                        await self._timeline(room_id, room, since)
            except (SyncTrouble, ClientError, TimeoutError) as trouble:
                # The homeserver is down, slow or refusing for now: the same sync again.
                failures += 1
                wait = trouble.wait_ms if isinstance(trouble, SyncTrouble) else None
                log.warning(
                    "matrix=sync-failed reason=%s",
                    trouble if isinstance(trouble, SyncTrouble) else type(trouble).__name__,
                )
                await asyncio.sleep(wait / 1000 if wait else min(2.0**failures, 60.0))
                continue
            except Exception as error:  # the database is away: the same sync again, later
                failures += 1
                log.warning("matrix=sync-failed reason=%s", type(error).__name__)
                await asyncio.sleep(min(2.0**failures, 60.0))
                continue
            failures = 0
            since, full_state = response.next_batch, False
            try:
                async with self.core.uow() as uow:
                    await uow.cursors.set(SINCE, since)
                    await uow.commit()
            except Exception as error:  # kept with a later sync; a restart meanwhile
                # syncs from an older token, and the inbox knows what it handled
                log.warning("matrix=sync-token-unsaved reason=%s", type(error).__name__)

    async def _keys(self) -> None:
        """What sync_forever would do for encryption: send, upload, query and claim keys."""
        client = self.client
        if client.outgoing_to_device_messages:
            await client.send_to_device_messages()
        if client.should_upload_keys:
            await client.keys_upload()
        if client.should_query_keys:
            await client.keys_query()
        if client.should_claim_keys:
            await client.keys_claim(client.get_users_for_key_claiming())

    async def _invited(self, response: SyncResponse) -> None:
        for room_id, room in response.rooms.invite.items():
            invite = next(
                (
                    e
                    for e in room.invite_state
                    if getattr(e, "state_key", None) == self.me
                    and getattr(e, "membership", None) == "invite"
                ),
                None,
            )
            if invite is None or not self.config.auto_join:
                continue
            direct = bool(invite.content.get("is_direct"))
            joined = await self.client.join(room_id)
            if isinstance(joined, JoinError):
                log.warning("matrix=join-failed direct=%s reason=%s", direct, joined.status_code)
                continue
            log.info("matrix=joined direct=%s", direct)
            self.inviters[room_id] = invite.sender
            if direct:
                await self._remember_direct(room_id, invite.sender)

    async def _timeline(self, room_id: str, room: Any, since: str) -> None:
        events = list(room.timeline.events)
        # A gap before minga's own join holds nothing it answers (a room it just joined).
        if room.timeline.limited and joined_at([e.source for e in events], self.me) is None:
            gap = await self._gap(room_id, since, room.timeline.prev_batch)
            log.info("matrix=gap events=%d", len(gap))
            events = gap + events
        sources = [e.source for e in events]
        joined = joined_at(sources, self.me)
        inviter = self.inviters.pop(room_id, None) if joined is not None else None
        # Invited, not a room minga opened itself:
        if inviter and joined is not None and room_id not in self.direct:
            try:
                await self._settle(
                    Added(
                        sources[joined]["event_id"], self._chat(room_id), sender_of(inviter, None)
                    )
                )
            except SyncTrouble:
                self.inviters[room_id] = inviter  # for the same sync again
                raise
        start = 0 if joined is None else joined + 1
        for event, source in list(zip(events, sources, strict=True))[start:]:
            neutral = (
                self._unreadable(room_id, event)
                if isinstance(event, MegolmEvent)
                else await self._event(room_id, source)
            )
            if neutral is not None:
                await self._settle(neutral)

    async def _settle(self, event: Event) -> None:
        if not await handle(self.core, event):
            # Nothing of it is recorded (the database is away): the same sync again, whose
            # events already handled the inbox recognises.
            raise SyncTrouble("an event could not be recorded")

    async def _gap(self, room_id: str, since: str, until: str | None) -> list[Any]:
        """The events a limited timeline left out: forward from the last sync to the gap."""
        events: list[Any] = []
        start = since
        while True:
            page = await self.client.room_messages(
                room_id, start=start, end=until, direction=MessageDirection.front, limit=PAGE
            )
            if isinstance(page, RoomMessagesError):
                raise SyncTrouble(f"gap in {room_id}: {page}")
            events.extend(page.chunk)
            if not page.chunk or not page.end or page.end == start:
                return events
            start = page.end

    def _unreadable(self, room_id: str, event: MegolmEvent) -> Unreadable | None:
        """A message minga has no key for. In a direct room it was for minga, and the
        person is asked to send it again; in a group room it is most likely chatter."""
        log.warning("matrix=undecryptable direct=%s", room_id in self.direct)
        if room_id not in self.direct or event.sender == self.me:
            return None
        room = self.client.rooms.get(room_id)
        return Unreadable(
            event.event_id,
            self._chat(room_id),
            sender_of(event.sender, room.user_name(event.sender) if room else None),
        )

    def _chat(self, room_id: str) -> Chat:
        room = self.client.rooms.get(room_id)
        return chat_of(room_id, self.direct.get(room_id), room.display_name if room else None)

    async def _event(self, room_id: str, source: Mapping[str, Any]) -> Event | None:
        user_id = source.get("sender", "")
        if user_id == self.me or "event_id" not in source:
            return None
        room = self.client.rooms.get(room_id)
        sender = sender_of(user_id, room.user_name(user_id) if room else None)
        chat = self._chat(room_id)
        kind = source.get("type")
        if kind == "m.room.message":
            return message(source, chat, sender, self.config.command_prefix)
        if kind == "m.room.member":
            if self.direct.get(room_id) == user_id and is_join(source):
                await self._accepted(user_id)
            return arrived(source, chat, sender)
        if kind == "m.reaction" or kind in POLL_RESPONSES:
            return await self._press(source, chat, sender)
        if kind == "m.room.redaction" and (target := redacted(source)):
            async with self.core.uow() as uow:
                reaction = await uow.reactions.take(PLATFORM, target)
                await uow.commit()
            return unpress(source, chat, sender, reaction) if reaction else None
        return None

    async def _press(self, source: Mapping[str, Any], chat: Chat, sender: Sender) -> Event | None:
        """A reaction or a native poll's answer: the press of the button it stands for."""
        target = relation(source).get("event_id")
        if not isinstance(target, str):
            return None
        buttons = await self._buttons(chat.chat_id, target)
        if not buttons and self.unrecorded.pending(chat.chat_id):
            # The message reacted to may be one still being sent: wait for its record.
            await self.unrecorded.wait(chat.chat_id)
            buttons = await self._buttons(chat.chat_id, target)
        reaction = source.get("type") == "m.reaction"
        button = (pressed if reaction else answered)(source, buttons)
        if button is None:
            return None
        if button.undo and reaction:
            await self._remember(source, chat, sender, target, button.undo)
        return press(source, chat, sender, target, button, self.config.command_prefix)

    async def _buttons(self, chat_id: str, event_id: str) -> tuple[Button, ...]:
        async with self.core.uow() as uow:
            return await uow.outbox.buttons_of(PLATFORM, chat_id, event_id)

    async def _remember(
        self, source: Mapping[str, Any], chat: Chat, sender: Sender, target: str, undo: str
    ) -> None:
        """Kept, so that taking the reaction back undoes the press."""
        async with self.core.uow() as uow:
            await uow.reactions.add(
                PLATFORM,
                source["event_id"],
                Reaction(
                    chat_id=chat.chat_id, user_id=sender.user_id, message_id=target, data=undo
                ),
                self.core.clock.now(),
            )
            await uow.commit()

    async def _remember_direct(self, room_id: str, user_id: str) -> None:
        """Kept in the bot's m.direct account data, where every Matrix client keeps it: the
        homeserver's copy gets this room added, and nothing else of it changes."""
        self.direct[room_id] = user_id
        async with self._direct_saved:
            saved = await self.client.list_direct_rooms()
            rooms = dict(saved.rooms) if isinstance(saved, DirectRoomsResponse) else {}
            if room_id in rooms.get(user_id, []):
                return
            rooms[user_id] = [*rooms.get(user_id, []), room_id]
            path = Api._build_path(["user", self.me, "account_data", "m.direct"])
            response = await self.client.send(
                "PUT",
                path,
                json.dumps(rooms),
                {
                    "Authorization": f"Bearer {self.client.access_token}",
                    "Content-Type": "application/json",
                },
            )
        if response.status != 200:
            log.warning("matrix=direct-not-saved status=%d", response.status)

    async def _room(self, chat_id: str, address: str | None = None, attempts: int = 0) -> str:
        """The room for a chat id: a room id as it is; a person's id, the direct room they
        wrote in (`address`), else their newest, opened the first time minga writes to them.
        In an encrypted direct room, what is for the person waits until they have joined
        and minga knows their devices: the room's key goes to the devices of its members as
        minga knows them, and a message sent before would stay unreadable to them. That
        holds back what is for them, and only that."""
        if chat_id.startswith("!"):
            return chat_id
        async with self._opening[chat_id]:
            if address is not None and self.direct.get(address) == chat_id:
                room_id: str | None = address
            else:
                rooms = [room for room, user in self.direct.items() if user == chat_id]
                joined = [room for room in rooms if room in self.client.rooms]
                room_id = (joined or rooms)[-1] if rooms else None
            if room_id is None:
                room_id = await self._open_direct(chat_id)
        room = self.client.rooms.get(room_id)
        if room is None:  # opened a moment ago: a sync brings it with its members
            raise Retry("the direct room is not synced yet", 1.0)
        if room.encrypted:
            person = room.users.get(chat_id)
            if person is None or person.invited:  # their join, when it comes, wakes this
                raise Retry(
                    "waiting for them to accept the direct room", min(2.0**attempts, ACCEPT_WAIT)
                )
            if not any(self.client.device_store.active_user_devices(chat_id)) and (
                attempts < KEYS_TRIES
            ):  # after that, sent for the devices known then
                raise Retry("waiting to know their devices", 1.0)
        return room_id

    async def _accepted(self, user_id: str) -> None:
        """Someone joined the direct room minga opened: what waits for them goes now."""
        async with self.core.uow() as uow:
            await uow.outbox.retry_now(PLATFORM, user_id)
            await uow.commit()
        self.courier.nudge()

    async def _open_direct(self, user_id: str) -> str:
        made = await self.client.room_create(
            is_direct=True,
            invite=[user_id],
            preset=RoomPreset.trusted_private_chat,
            initial_state=[ENCRYPTION] if self.config.encrypt_direct else [],
        )
        if isinstance(made, RoomCreateError):
            raise _refusal(made)
        await self._remember_direct(made.room_id, user_id)
        log.info("matrix=direct-room-opened")
        return made.room_id

    async def deliver(self, row: OutboxMessage) -> tuple[str, ...]:
        """Send one outbox row; the event ids of the messages it is, in order."""
        await self.synced.wait()
        try:
            return await self._send(row)
        except LocalProtocolError as error:  # a room nio has not synced yet: soon it will
            raise Retry(f"not synced yet: {error}", 1.0) from None
        except (ClientError, TimeoutError, ServerTrouble) as error:  # it will be back
            raise Retry(str(error) or type(error).__name__, min(2.0**row.attempts, 300.0)) from None

    async def _send(self, row: OutboxMessage) -> tuple[str, ...]:
        prefix = self.config.command_prefix
        text = with_prefix(row.text, prefix)
        if row.kind == "toast":  # Matrix shows no toasts: a short answer goes privately
            if text and row.key:
                await self._put(
                    await self._room(row.key, attempts=row.attempts),
                    "m.room.message",
                    content(text, [], prefix),
                    f"minga{row.id}",
                    row.priority,
                )
            return ()
        room = await self._room(row.chat_id, row.address, row.attempts)
        if not row.buttons:
            return await self._send_in(room, row, text)
        async with self.unrecorded.sending(row):
            return await self._send_in(room, row, text)

    async def _send_in(self, room: str, row: OutboxMessage, text: str) -> tuple[str, ...]:
        prefix = self.config.command_prefix
        pairs = reactions(row.buttons)
        if row.kind == "edit" and row.message_id:
            return await self._edit(room, row, text, pairs)
        if row.attachment:
            return (await self._file(room, row, text),)
        if is_poll(row.buttons):
            event_id = await self._put(
                room,
                POLL_START,
                poll_start(parts(text, 2)[0], row.buttons),
                f"minga{row.id}",
                row.priority,
            )
            await self._posted(row, event_id)
            return (event_id,)
        pieces = parts(text)
        if not pieces:
            return ()
        ids = []
        for n, part in enumerate(pieces):
            last = n == len(pieces) - 1
            ids.append(
                await self._put(
                    room,
                    "m.room.message",
                    content(part, pairs if last else [], prefix),
                    f"minga{row.id}.{n}",
                    row.priority,
                )
            )
        await self._react(room, ids[-1], [e for e, _ in pairs], row)
        return tuple(ids)

    async def _edit(
        self, room: str, row: OutboxMessage, text: str, pairs: list[tuple[str, Button]]
    ) -> tuple[str, ...]:
        """A message sent in parts is edited part by part, the legend on the last."""
        assert row.message_id is not None
        async with self.core.uow() as uow:
            before = await uow.outbox.buttons_of(PLATFORM, row.chat_id, row.message_id)
        if is_poll(before):  # Element draws the tally itself; a poll ends once
            if not is_poll(row.buttons):
                await self._put(
                    room,
                    POLL_END,
                    poll_end(row.message_id, parts(text, 2)[0]),
                    f"minga{row.id}",
                    row.priority,
                )
            return (row.message_id,)
        ids = row.parts or (row.message_id,)
        # An edit carries its new content twice: half the room of a message for each part.
        for n, (event_id, shown) in enumerate(
            zip(ids, spread(text, len(ids), LIMIT // 2, event_cost), strict=True)
        ):
            last = n == len(ids) - 1
            await self._put(
                room,
                "m.room.message",
                replacing(
                    event_id, content(shown, pairs if last else [], self.config.command_prefix)
                ),
                f"minga{row.id}.{n}",
                row.priority,
            )
        had = {emoji for emoji, _ in reactions(before)}
        await self._react(room, ids[-1], [e for e, _ in pairs if e not in had], row)
        return ids

    async def _react(self, room: str, event_id: str, emojis: list[str], row: OutboxMessage) -> None:
        """The bot's own reactions, so that pressing one is a single click."""
        await self._posted(row, event_id)
        for emoji in emojis:
            await self._put(
                room,
                "m.reaction",
                reaction(event_id, emoji),
                f"minga{row.id}.{emoji.encode().hex()}",
                row.priority,
            )

    async def _posted(self, row: OutboxMessage, event_id: str) -> None:
        """Noted before the bot's own reactions go out: a quick reaction can come first."""
        if row.buttons:
            async with self.core.uow() as uow:
                await uow.outbox.posted(row, event_id)
                await uow.commit()
            self.unrecorded.recorded(row)

    async def _file(self, room: str, row: OutboxMessage, text: str) -> str:
        assert row.attachment is not None
        encrypted = bool(self.client.rooms.get(room) and self.client.rooms[room].encrypted)
        data = row.attachment.data
        uploaded, keys = await self.client.upload(
            io.BytesIO(data),
            content_type=row.attachment.mime,
            filename=row.attachment.name,
            encrypt=encrypted,
            filesize=len(data),
        )
        if isinstance(uploaded, UploadError):
            raise _refusal(uploaded)
        where = (
            {"file": {**(keys or {}), "url": uploaded.content_uri}}
            if encrypted
            else {"url": uploaded.content_uri}
        )
        await self._put(
            room,
            "m.room.message",
            content(text, [], self.config.command_prefix),
            f"minga{row.id}.text",
            row.priority,
        )
        return await self._put(
            room,
            "m.room.message",
            {
                "msgtype": "m.file",
                "body": row.attachment.name,
                "filename": row.attachment.name,
                "info": {"mimetype": row.attachment.mime, "size": len(data)},
                **where,
            },
            f"minga{row.id}.file",
            row.priority,
        )

    def _wait_to_send(self, priority: int) -> float:
        """Seconds until another send may go: the rate limit's wait, else a place among
        the sends on their way (one at a time right after a rate limit)."""
        now = time.monotonic()
        if now < self._paused_until:
            return self._paused_until - now
        return 0.0 if self._on_the_way < (1 if self._probing else AT_ONCE) else SENDING

    def _leaving(self) -> None:
        self._on_the_way += 1

    async def _put(
        self, room: str, kind: str, body: Mapping[str, Any], txn: str, priority: Priority
    ) -> str:
        """Send one event in its turn, waiting out the homeserver's rate limit as often as
        it asks: the limit is the account's, so every room waits."""
        while True:
            await self.turns.take(priority)
            try:
                sent = await self.client.room_send(
                    room, kind, dict(body), tx_id=txn, ignore_unverified_devices=True
                )
            finally:
                self._on_the_way -= 1
                self.turns.changed()
            if not isinstance(sent, RoomSendError):
                self._probing = False
                return sent.event_id
            if sent.status_code != "M_LIMIT_EXCEEDED":
                raise _refusal(sent)
            wait = (sent.retry_after_ms or 5000) / 1000
            log.info("matrix=rate-limited wait_s=%.1f", wait)
            self._paused_until = max(self._paused_until, time.monotonic() + wait)
            self._probing = True


def _refusal(error: ErrorResponse) -> Exception:
    """A homeserver's error: its own trouble is tried again, a refusal (the room is gone,
    minga was removed from it) is given up."""
    status = error.transport_response.status if error.transport_response else 0
    if status >= 500 or status == 0:
        return ServerTrouble(f"{status} {error.status_code}")
    return GiveUp(f"{status} {error.status_code} {error.message}")


def _store(path: str) -> Path:
    store = Path(path)
    store.mkdir(parents=True, exist_ok=True, mode=0o700)
    return store


def _saved_session(path: Path) -> dict[str, str] | None:
    return json.loads(path.read_text()) if path.exists() else None


def _save_session(path: Path, session: dict[str, str]) -> None:
    path.write_text(json.dumps(session))
    os.chmod(path, 0o600)  # the access token is as good as the password
