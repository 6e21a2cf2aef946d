"""minga on Matrix sends each chat in its own lane, against the real test Synapse.

What people notice: an answer comes in the direct room it was asked in; one person who
never accepts minga's invitation, or one room whose sends are slow, holds back only what
is for that person or that room, while everyone else is answered at once; opening a
direct room adds it to the bot's m.direct without losing what other clients keep there;
and the first message in a direct room minga opens can be read by the person.
"""

import asyncio
import contextlib
import json
import time
import urllib.parse
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from nio import Event, InviteMemberEvent, MatrixRoom, MegolmEvent

from tests.adapters.test_matrix import Minga, group_room, running_minga
from tests.matrix_people import MatrixPerson
from tests.proxy import Proxy
from tests.synapse import Account, Homeserver

PROMPTLY = 3.0  # seconds: "at once" for an answer, on a busy two-core machine
DELAY = 6.0  # seconds every send to the slow room is held by the proxy


@pytest.fixture
async def minga(
    homeserver: Homeserver, new_account: Callable[..., Account], tmp_path: Path
) -> AsyncIterator[Minga]:
    async with running_minga(homeserver, new_account, tmp_path) as started:
        yield started


@dataclass
class Reader(MatrixPerson):
    """A person whose client also keeps what of minga's it could not decrypt: in Element,
    "Unable to decrypt message"."""

    unreadable: list[str] = field(default_factory=list)  # event ids

    async def _event(self, room: MatrixRoom, event: Event) -> None:
        if isinstance(event, MegolmEvent) and event.sender == self.bot:
            self.unreadable.append(event.event_id)
        await super()._event(room, event)


class Unanswering(Reader):
    """Someone whose client shows an invitation to a direct room but does not accept it
    (they never look there); group rooms they join as anyone does."""

    async def _invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if (
            event.state_key == self.user_id
            and event.membership == "invite"
            and event.content.get("is_direct")
        ):
            self.invited_by[room.room_id] = event.sender  # shown, never accepted
            return
        await super()._invite(room, event)


@contextlib.asynccontextmanager
async def played(
    kind: type[Reader], homeserver: Homeserver, account: Account, store: Path, name: str, bot: str
) -> AsyncIterator[Reader]:
    """A person of another kind than `minga.person` makes, stopped after the test."""
    person = kind(homeserver, account, store / name, name, bot=bot)
    await person.start()
    try:
        yield person
    finally:
        await person.stop()


def _direct_url(homeserver: Homeserver, minga: Minga) -> str:
    user = urllib.parse.quote(minga.bot, safe="")
    return f"{homeserver.url}/_matrix/client/v3/user/{user}/account_data/m.direct"


def _bot_token(minga: Minga) -> str:
    """The bot's own session, as minga keeps it: what another of its clients could use."""
    session = Path(minga.config.matrix.store_path) / "session.json"
    token: str = json.loads(session.read_text())["access_token"]
    return token


async def direct_rooms(homeserver: Homeserver, minga: Minga) -> dict[str, list[str]]:
    """The bot account's m.direct as the homeserver keeps it ({} before there is one)."""
    headers = {"Authorization": f"Bearer {_bot_token(minga)}"}
    async with (
        aiohttp.ClientSession() as http,
        http.get(_direct_url(homeserver, minga), headers=headers) as answer,
    ):
        if answer.status == 404:
            return {}
        assert answer.status == 200, await answer.text()
        rooms: dict[str, list[str]] = await answer.json()
        return rooms


async def put_direct_rooms(
    homeserver: Homeserver, minga: Minga, rooms: dict[str, list[str]]
) -> None:
    headers = {"Authorization": f"Bearer {_bot_token(minga)}"}
    async with (
        aiohttp.ClientSession() as http,
        http.put(_direct_url(homeserver, minga), json=rooms, headers=headers) as answer,
    ):
        assert answer.status == 200, await answer.text()


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 20) -> Any:
    """The awaited `check()` once it is truthy: for what only the homeserver can tell."""
    deadline = time.monotonic() + within
    while not (result := await check()):
        assert time.monotonic() < deadline, "not so in time"
        await asyncio.sleep(0.1)
    return result


async def has_room(
    homeserver: Homeserver, minga: Minga, user: str, *rooms: str
) -> dict[str, list[str]] | None:
    """The bot's m.direct once it lists these rooms as the user's, else None."""
    direct = await direct_rooms(homeserver, minga)
    return direct if set(rooms) <= set(direct.get(user, [])) else None


async def talk_privately(person: MatrixPerson, bot: str, room: str) -> None:
    """Type !start in a room that is not private, and press the button minga answers with
    ("Talk to me privately", the one reaction minga puts on its answer)."""
    before = len(person.texts(room))
    await person.say(room, "!start")
    await person.until(
        lambda: [t for t in person.texts(room)[before:] if t.startswith("Please send !start to me")]
    )
    message = next(
        s
        for s in person.seen[::-1]
        if s.room_id == room and s.body.startswith("Please send !start to me")
    )
    await person.until(lambda: any(who == bot for who, _ in message.reactions))
    await person.react(message, next(key for who, key in message.reactions if who == bot))


def answers(person: MatrixPerson, room: str) -> list[str]:
    """minga's answers to unknown commands in a room, in the order they came."""
    return [t.split(".")[0] for t in person.texts(room) if t.startswith("I don't know")]


async def test_with_two_direct_rooms_an_answer_comes_in_the_room_it_was_asked_in(
    minga: Minga, homeserver: Homeserver
) -> None:
    ana = await minga.person("Ana")
    first = await ana.room("", (minga.bot,), encrypted=True, direct=True)
    await ana.until(lambda: ana.has_joined(first, minga.bot))
    # A second direct room, as a new phone or an Element that lost the first one makes.
    second = await ana.room("", (minga.bot,), encrypted=True, direct=True)
    await ana.until(lambda: ana.has_joined(second, minga.bot))
    # minga counts both as Ana's (it writes its own m.direct after noting a room).
    await eventually(lambda: has_room(homeserver, minga, ana.user_id, first, second))

    def helped() -> list[str]:
        return [s.room_id for s in ana.seen if s.body.startswith("What you can do here")]

    # Asked in the older room: answered there, not in the newer one.
    await ana.say(first, "!help")
    await ana.until(helped)
    assert helped() == [first], "answered in the newer room, not where Ana asked"
    # Asked in the newer room: answered there.
    await ana.say(second, "!help")
    await ana.until(lambda: len(helped()) == 2)
    assert helped() == [first, second], "answered in the older room, not where Ana asked"
    # And back in the older one: each answer follows the question, not the last room used.
    await ana.say(first, "!ping")
    await ana.sees("I don't know !ping", first)
    assert answers(ana, second) == []


@pytest.mark.slow
async def test_someone_who_never_accepts_the_direct_room_holds_back_only_what_is_for_them(
    minga: Minga, homeserver: Homeserver, new_account: Callable[..., Account], tmp_path: Path
) -> None:
    ana, ben = await minga.person("Ana"), await minga.person("Ben")
    room = await group_room(minga, ana, ben)
    bens = await ben.room("", (minga.bot,), direct=True)
    await ben.until(lambda: ben.has_joined(bens, minga.bot))
    async with played(
        Unanswering, homeserver, new_account("ivy", exempt=True), tmp_path, "Ivy", minga.bot
    ) as ivy:
        await ana.invite(room, ivy.user_id)
        offer = await ivy.sees("Welcome, Ivy! This chat belongs to Free Food", room)
        # "Talk to me privately": minga opens an encrypted direct room with her, and what
        # it has for her waits there until she accepts (keys go to members).
        await talk_privately(ivy, minga.bot, room)
        await ivy.until(ivy.direct_from_bot)
        ivys = ivy.direct_from_bot()
        assert ivys is not None
        # Joining by reaction: the short answer to her press is hers alone and waits for
        # her room; the roster and the group room must not.
        await ivy.react(offer, "👋")
        welcome = ana.find("Welcome to minga", room)
        assert welcome is not None
        await ana.until(lambda: "On the roster: 3 people." in welcome.body, within=10)
        await talk_privately(ivy, minga.bot, room)  # a second message waits in her lane
        # Over several of minga's five-second retries for Ivy, the group room and Ben's
        # direct room are each answered at once.
        for n in range(4):
            await ana.say(room, f"!ping{n}")
            await ben.say(bens, f"!ping{n}")
            await ana.sees(f"I don't know !ping{n}", room, within=PROMPTLY)
            await ben.sees(f"I don't know !ping{n}", bens, within=PROMPTLY)
            await asyncio.sleep(1.5)
        assert answers(ana, room) == [f"I don't know !ping{n}" for n in range(4)]
        assert answers(ben, bens) == [f"I don't know !ping{n}" for n in range(4)]
        # When she does accept, at last, what waited for her comes, once each, readable.
        # (The very first message, sent as the room was opened, is the next test's matter.)
        assert not ivy.has_joined(ivys, ivy.user_id)
        await ivy.client.join(ivys)
        await ivy.until(lambda: len(ivy.texts(ivys)) + len(ivy.unreadable) >= 3, within=20)
        await asyncio.sleep(1)
        assert len(ivy.texts(ivys)) + len(ivy.unreadable) == 3
        assert {t.split("!")[0] for t in ivy.texts(ivys)} == {"Hello Ivy", "Welcome, Ivy"}


async def test_opening_a_direct_room_adds_it_to_m_direct_and_keeps_entries_minga_never_knew(
    minga: Minga, homeserver: Homeserver
) -> None:
    ana = await minga.person("Ana")
    room = await ana.room("Kitchen", (minga.bot,))
    await ana.sees("Hello! I'm minga.", room)
    # Written by another client of the bot's account (its keeper's Element) after minga
    # read m.direct at its start: minga has never heard of these rooms.
    theirs = {"@carol:localhost": ["!elsewhere:localhost"], ana.user_id: ["!older:localhost"]}
    await put_direct_rooms(homeserver, minga, theirs)
    await talk_privately(ana, minga.bot, room)
    await ana.until(ana.direct_from_bot)
    hers = ana.direct_from_bot()
    assert hers is not None
    # minga notes the room in m.direct right after opening it.
    noted = await eventually(lambda: has_room(homeserver, minga, ana.user_id, hers))
    assert noted == {
        "@carol:localhost": ["!elsewhere:localhost"],
        ana.user_id: ["!older:localhost", hers],
    }
    await ana.until(lambda: ana.has_joined(hers, ana.user_id))  # and it is in use


class SlowProxy(Proxy):
    """Forwards minga's requests to the homeserver, slower where a test says:
    every send into the `slow_room` is held `delay` seconds before it goes on (a congested
    room, a busy server of its other members); with `invite_late`, a room is made without
    its invitations, which the proxy sends that many seconds later and only then answers
    (as Synapse does when the invitation goes over federation); with `sync_late`, each
    sync's answer reaches minga that many seconds after the homeserver gave it."""

    def __init__(
        self,
        upstream: str,
        slow_room: str | None = None,
        invite_late: float = 0.0,
        sync_late: float = 0.0,
    ) -> None:
        super().__init__(upstream)
        self.delay = DELAY
        self.slow_room = slow_room
        self.invite_late = invite_late
        self.sync_late = sync_late
        self.holding = 0  # sends into the slow room held right now

    async def _forward(self, request: web.Request) -> web.Response:
        assert self.session is not None
        path = urllib.parse.unquote(request.path)
        body = await request.read()
        headers = self.headers(request)
        if (
            self.slow_room
            and request.method == "PUT"
            and (f"/rooms/{self.slow_room}/send/" in path)
        ):
            self.holding += 1
            try:
                await asyncio.sleep(self.delay)
            finally:
                self.holding -= 1
        invited: list[str] = []
        if self.invite_late and request.method == "POST" and path.endswith("/createRoom"):
            asked = json.loads(body)
            invited = asked.pop("invite", [])
            body = json.dumps(asked).encode()
        try:
            async with self.session.request(
                request.method, self.upstream + request.path_qs, data=body, headers=headers
            ) as answer:
                status, answered, kind = answer.status, await answer.read(), answer.content_type
        except aiohttp.ClientConnectionError:  # stopping: a sync was still on its way
            return web.Response(status=502)
        if invited and status == 200:
            await asyncio.sleep(self.invite_late)
            await self._invite(json.loads(answered)["room_id"], invited, headers)
        if self.sync_late and path.endswith("/sync"):
            await asyncio.sleep(self.sync_late)
        return web.Response(status=status, body=answered, content_type=kind)

    async def _invite(self, room_id: str, users: list[str], headers: dict[str, str]) -> None:
        assert self.session is not None
        room = urllib.parse.quote(room_id, safe="")
        for user in users:
            async with self.session.post(
                f"{self.upstream}/_matrix/client/v3/rooms/{room}/invite",
                json={"user_id": user},
                headers=headers,
            ) as answer:
                assert answer.status == 200, await answer.text()


@pytest.fixture
async def proxy(homeserver: Homeserver) -> AsyncIterator[tuple[SlowProxy, str]]:
    slow = SlowProxy(homeserver.url)
    url = await slow.start()
    yield slow, url
    await slow.stop()


@pytest.mark.slow
async def test_a_slow_room_holds_back_only_itself_and_still_gets_its_answers_in_order(
    homeserver: Homeserver,
    new_account: Callable[..., Account],
    tmp_path: Path,
    proxy: tuple[SlowProxy, str],
) -> None:
    slow, url = proxy
    async with running_minga(homeserver, new_account, tmp_path, through=url) as minga:
        ana, ben = await minga.person("Ana"), await minga.person("Ben")
        room = await group_room(minga, ana)
        anas = await ana.room("", (minga.bot,), direct=True)
        bens = await ben.room("", (minga.bot,), direct=True)
        for person, direct in ((ana, anas), (ben, bens)):
            await person.until(lambda p=person, d=direct: p.has_joined(d, minga.bot))
        slow.slow_room = bens
        await ben.say(bens, "!ping1")
        await ben.say(bens, "!ping2")
        await ana.until(lambda: slow.holding > 0)  # minga's first answer to Ben is held
        started = time.monotonic()
        await ana.say(room, "!ping3")
        await ana.say(anas, "!ping4")
        await ana.sees("I don't know !ping3", room, within=PROMPTLY)
        await ana.sees("I don't know !ping4", anas, within=PROMPTLY)
        took = time.monotonic() - started
        assert answers(ben, bens) == [], "the slow room was not slow: the test proves nothing"
        assert took < DELAY / 2
        # The slow room gets its own, in order, once each (a held send is not sent twice).
        await ben.sees("I don't know !ping2", bens, within=4 * DELAY)
        await asyncio.sleep(1)
        assert answers(ben, bens) == ["I don't know !ping1", "I don't know !ping2"]
        assert answers(ana, room) == ["I don't know !ping3"]
        assert answers(ana, anas) == ["I don't know !ping4"]


async def test_the_first_message_in_a_direct_room_minga_opens_is_readable_by_the_person(
    homeserver: Homeserver,
    new_account: Callable[..., Account],
    tmp_path: Path,
    proxy: tuple[SlowProxy, str],
) -> None:
    """Even when the new room reaches minga's sync before the invitation does (one that
    goes over federation takes seconds): minga's first message there waits for the person
    to be a member, since what is sent before is encrypted for the members minga knows,
    itself alone, and could never be read."""
    slow, url = proxy
    async with running_minga(homeserver, new_account, tmp_path, through=url) as minga:
        account = new_account("ana", exempt=True)
        async with played(Reader, homeserver, account, tmp_path, "Ana", minga.bot) as ana:
            room = await ana.room("Kitchen", (minga.bot,))
            await ana.sees("Hello! I'm minga.", room)
            slow.invite_late, slow.sync_late = 3.0, 1.5
            await talk_privately(ana, minga.bot, room)
            await ana.until(ana.direct_from_bot, within=30)
            hers = ana.direct_from_bot()
            assert hers is not None
            await ana.until(lambda: ana.texts(hers) or ana.unreadable, within=30)
            assert ana.unreadable == [], "minga's first message was encrypted for no one"
            await ana.sees("Hello Ana!", hers)
