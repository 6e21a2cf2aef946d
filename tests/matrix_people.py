"""People on Matrix, each played by their own matrix-nio client against the test Synapse.

A person syncs in the background, joins the rooms they are invited to, and keeps what
they saw: the bot's messages with their edits applied, in the order they arrived.
"""

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    AsyncClientConfig,
    Event,
    InviteMemberEvent,
    MatrixRoom,
    RoomCreateResponse,
    RoomPreset,
    RoomSendResponse,
)

from tests.synapse import Account, Homeserver

ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
SEE_EVERYTHING = {"room": {"timeline": {"limit": 1000}}}


@dataclass
class Seen:
    """A bot message as the person sees it now: its latest text, and who reacted how."""

    event_id: str
    room_id: str
    body: str
    kind: str = "m.room.message"  # or a poll's start and end
    html: str = ""  # its formatted_body, if it has one
    reactions: list[tuple[str, str]] = field(default_factory=list)  # (sender, key)


@dataclass
class MatrixPerson:
    homeserver: Homeserver
    account: Account
    store: Path
    name: str
    bot: str = ""
    client: AsyncClient = field(init=False)
    seen: list[Seen] = field(default_factory=list)
    by_id: dict[str, Seen] = field(default_factory=dict)
    invited_by: dict[str, str] = field(default_factory=dict)  # room id → who invited me
    syncing: asyncio.Task[Any] | None = None

    @property
    def user_id(self) -> str:
        return self.account.user_id

    async def start(self) -> None:
        self.store.mkdir(parents=True, exist_ok=True)
        self.client = AsyncClient(
            self.homeserver.url,
            self.user_id,
            store_path=str(self.store),
            config=AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
        )
        self.client.restore_login(self.user_id, self.account.device_id, self.account.access_token)
        await self.client.set_displayname(self.name)
        self.client.add_event_callback(self._event, Event)
        self.client.add_event_callback(self._invite, InviteMemberEvent)  # type: ignore[arg-type]
        await self.client.sync(timeout=0, sync_filter=SEE_EVERYTHING, full_state=True)
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        self.syncing = asyncio.create_task(
            self.client.sync_forever(timeout=500, sync_filter=SEE_EVERYTHING)
        )

    async def stop(self) -> None:
        if self.syncing:
            self.syncing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.syncing
        await self.client.close()

    async def _invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if event.state_key == self.user_id and event.membership == "invite":
            self.invited_by[room.room_id] = event.sender
            await self.client.join(room.room_id)

    async def _event(self, room: MatrixRoom, event: Event) -> None:
        source = event.source
        content = source.get("content", {})
        related = content.get("m.relates_to") or {}
        if source.get("type") == "m.reaction":
            target = self.by_id.get(related.get("event_id", ""))
            if target:
                target.reactions.append((source["sender"], related.get("key", "")))
            return
        if source.get("sender") != self.bot or "body" not in content:
            return
        if related.get("rel_type") == "m.replace":
            target = self.by_id.get(related.get("event_id", ""))
            if target:
                target.body = content["m.new_content"]["body"]
                target.html = content["m.new_content"].get("formatted_body", "")
            return
        seen = Seen(
            source["event_id"],
            room.room_id,
            content["body"],
            source["type"],
            html=content.get("formatted_body", ""),
        )
        self.seen.append(seen)
        self.by_id[seen.event_id] = seen

    async def room(
        self, name: str, invite: tuple[str, ...] = (), encrypted: bool = False, direct: bool = False
    ) -> str:
        made = await self.client.room_create(
            name=None if direct else name,
            invite=list(invite),
            is_direct=direct,
            preset=RoomPreset.trusted_private_chat if direct else RoomPreset.private_chat,
            initial_state=[ENCRYPTION] if encrypted else [],
        )
        assert isinstance(made, RoomCreateResponse), made
        await self.until(lambda: made.room_id in self.client.rooms)
        return made.room_id

    async def invite(self, room_id: str, user_id: str) -> None:
        await self.client.room_invite(room_id, user_id)

    async def say(self, room_id: str, text: str, reply_to: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply_to}}
        sent = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        assert isinstance(sent, RoomSendResponse), sent
        return sent.event_id

    async def react(self, message: Seen, key: str) -> str:
        sent = await self.client.room_send(
            message.room_id,
            "m.reaction",
            {
                "m.relates_to": {
                    "rel_type": "m.annotation",
                    "event_id": message.event_id,
                    "key": key,
                }
            },
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, RoomSendResponse), sent
        return sent.event_id

    async def respond(self, poll: Seen, answer: str) -> None:
        """Choose an answer in a Matrix poll, as Element sends it."""
        sent = await self.client.room_send(
            poll.room_id,
            "org.matrix.msc3381.poll.response",
            {
                "m.relates_to": {"rel_type": "m.reference", "event_id": poll.event_id},
                "org.matrix.msc3381.poll.response": {"answers": [answer]},
            },
            ignore_unverified_devices=True,
        )
        assert isinstance(sent, RoomSendResponse), sent

    async def take_back(self, room_id: str, reaction_id: str) -> None:
        """Remove one's own reaction, as clicking it again does in Element."""
        await self.client.room_redact(room_id, reaction_id)

    def has_joined(self, room_id: str, user_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return bool(room and user_id in room.users and not room.users[user_id].invited)

    def texts(self, room_id: str) -> list[str]:
        return [s.body for s in self.seen if s.room_id == room_id]

    def find(self, start: str, room_id: str | None = None) -> Seen | None:
        return next(
            (s for s in self.seen if s.body.startswith(start) and room_id in (None, s.room_id)),
            None,
        )

    def direct_from_bot(self) -> str | None:
        return next((r for r, who in self.invited_by.items() if who == self.bot), None)

    async def until(self, condition: Callable[[], object], within: float = 20) -> None:
        deadline = time.monotonic() + within
        while not condition():
            if self.syncing and self.syncing.done():
                raise AssertionError("this person's client stopped") from (self.syncing.exception())
            assert time.monotonic() < deadline, "not seen in time"
            await asyncio.sleep(0.05)

    async def sees(self, start: str, room_id: str | None = None, within: float = 20) -> Seen:
        await self.until(lambda: self.find(start, room_id), within)
        found = self.find(start, room_id)
        assert found is not None
        return found
