"""The test Synapse is real: two users meet in a room, and its message rate limit bites."""

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinResponse,
    RoomCreateResponse,
    RoomMessageText,
    RoomSendError,
    RoomSendResponse,
    SyncResponse,
)

from tests.synapse import Account, Homeserver

TEXT = "m.room.message"


@asynccontextmanager
async def client(homeserver: Homeserver, account: Account) -> AsyncIterator[AsyncClient]:
    # A 429 comes back as a RoomSendError instead of being slept on and retried.
    nio = AsyncClient(
        homeserver.url, account.user_id, config=AsyncClientConfig(max_limit_exceeded=0)
    )
    nio.access_token, nio.device_id = account.access_token, account.device_id
    try:
        yield nio
    finally:
        await nio.close()


async def own_room(nio: AsyncClient, invite: tuple[str, ...] = ()) -> str:
    created = await nio.room_create(invite=list(invite))
    assert isinstance(created, RoomCreateResponse), created
    return created.room_id


async def send(nio: AsyncClient, room_id: str, body: str) -> RoomSendResponse | RoomSendError:
    reply = await nio.room_send(room_id, TEXT, {"msgtype": "m.text", "body": body})
    assert isinstance(reply, RoomSendResponse | RoomSendError), reply
    return reply


async def first_refusal(nio: AsyncClient, room_id: str, most: int) -> RoomSendError | None:
    """Up to `most` messages as fast as they go, stopping at the first refusal: Synapse holds
    each refusal back half a second, so sending on would only slow the test."""
    for n in range(most):
        reply = await send(nio, room_id, f"message {n}")
        if isinstance(reply, RoomSendError):
            return reply
    return None


async def received(nio: AsyncClient, room_id: str, body: str, seconds: float = 10) -> bool:
    since = None
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sync = await nio.sync(timeout=1000, since=since)
        assert isinstance(sync, SyncResponse), sync
        since = sync.next_batch
        room = sync.rooms.join.get(room_id)
        if room and any(
            isinstance(event, RoomMessageText) and event.body == body
            for event in room.timeline.events
        ):
            return True
    return False


async def test_an_invited_user_joins_and_receives_a_message(
    homeserver: Homeserver, new_account: Callable[..., Account]
) -> None:
    alice, bob = new_account("alice"), new_account("bob")
    async with client(homeserver, alice) as a, client(homeserver, bob) as b:
        room_id = await own_room(a, invite=(bob.user_id,))
        assert isinstance(await b.join(room_id), JoinResponse)
        assert isinstance(await send(a, room_id, "hello bob"), RoomSendResponse)
        assert await received(b, room_id, "hello bob")


async def test_the_default_message_rate_limit_holds_except_for_exempt_users(
    homeserver: Homeserver, new_account: Callable[..., Account]
) -> None:
    limited, exempt = new_account("limited"), new_account("exempt", exempt=True)
    async with client(homeserver, limited) as slow, client(homeserver, exempt) as free:
        # Synapse's default allows a burst of 10 actions (creating the room is one), then
        # one every 5 s.
        refusal = await first_refusal(slow, await own_room(slow), 15)
        assert refusal is not None, "15 quick messages all went through"
        assert refusal.status_code == "M_LIMIT_EXCEEDED" and refusal.retry_after_ms
        assert await first_refusal(free, await own_room(free), 30) is None
