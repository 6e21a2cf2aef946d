"""minga's Matrix adapter against a real Synapse, with people played by their own nio clients."""

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from adapters.matrix import adapter
from bot import bootstrap
from bot.config import Config, MatrixConfig, StorageConfig, TelegramConfig
from tests.botapi import BotApi, Person
from tests.days import tomorrow
from tests.matrix_people import MatrixPerson
from tests.stopping import stopped
from tests.synapse import Account, Homeserver


@dataclass
class Minga:
    """minga on Matrix, which a test can stop and start, and a way to bring people in."""

    bot: str
    config: Config
    person: Callable[..., Awaitable[MatrixPerson]]
    running: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.running = asyncio.create_task(bootstrap.run_platforms(self.config))

    async def stop(self) -> None:
        assert self.running is not None
        await stopped(self.running)
        self.running = None


@contextlib.asynccontextmanager
async def running_minga(
    homeserver: Homeserver,
    new_account: Callable[..., Account],
    tmp_path: Path,
    exempt: bool = True,
    telegram: TelegramConfig | None = None,
    by_token: bool = False,
    through: str | None = None,
) -> AsyncIterator[Minga]:
    """minga on the test homeserver (`through` another address to it, such as a proxy)."""
    bot = new_account("minga", exempt=exempt)
    login = {"access_token": bot.access_token} if by_token else {"password": bot.password}
    config = Config(
        storage=StorageConfig(f"sqlite:///{tmp_path}/minga.db"),
        telegram=telegram or TelegramConfig(),
        matrix=MatrixConfig(
            enabled=True,
            homeserver=through or homeserver.url,
            user_id=bot.user_id,
            **login,
            store_path=str(tmp_path / "minga-store"),
        ),
    )
    people: list[MatrixPerson] = []

    async def person(name: str) -> MatrixPerson:
        played = MatrixPerson(
            homeserver,
            new_account(name.lower(), exempt=True),
            tmp_path / name,
            name,
            bot=bot.user_id,
        )
        await played.start()
        people.append(played)
        return played

    minga = Minga(bot.user_id, config, person)
    await minga.start()
    try:
        yield minga
        assert minga.running is not None and not minga.running.done(), (
            minga.running and minga.running.exception()
        )
    finally:
        if minga.running:
            await minga.stop()
        for played in people:
            await played.stop()


@pytest.fixture
async def minga(
    homeserver: Homeserver, new_account: Callable[..., Account], tmp_path: Path
) -> AsyncIterator[Minga]:
    async with running_minga(homeserver, new_account, tmp_path) as started:
        yield started


async def group_room(
    minga: Minga, founder: MatrixPerson, *others: MatrixPerson, encrypted: bool = False
) -> str:
    """A room with minga in it, set up as a group everyone here is on the roster of."""
    room = await founder.room(
        "Free Food", (minga.bot, *(o.user_id for o in others)), encrypted=encrypted
    )
    await founder.sees("Hello! I'm minga. Type !setup", room)
    await founder.say(room, "!setup Free Food")
    welcome = await founder.sees("Welcome to minga, Free Food!", room)
    for other in others:
        await other.until(lambda other=other: room in other.client.rooms)
        await other.react(welcome, "👋")
    await founder.until(lambda: f"On the roster: {1 + len(others)} " in welcome.body)
    return room


async def test_a_room_becomes_a_group_and_members_join_by_reaction(minga: Minga) -> None:
    ana, ben = await minga.person("Ana"), await minga.person("Ben")
    room = await group_room(minga, ana, ben)
    welcome = ana.find("Welcome to minga", room)
    assert welcome is not None
    assert "👋 Join (!join)" in welcome.body  # the legend: the reaction and the command
    assert (minga.bot, "👋") in welcome.reactions  # seeded, so joining is one click


async def test_someone_who_joins_the_room_is_offered_the_roster(minga: Minga) -> None:
    ana, ben = await minga.person("Ana"), await minga.person("Ben")
    room = await group_room(minga, ana, ben)
    leo = await minga.person("Leo")
    await ana.invite(room, leo.user_id)  # Leo's client accepts invitations
    offer = await leo.sees("Welcome, Leo! This chat belongs to Free Food", room)
    assert "👋 Join (!join)" in offer.body
    await leo.react(offer, "👋")
    welcome = ana.find("Welcome to minga", room)
    assert welcome is not None
    await ana.until(lambda: "On the roster: 3 people." in welcome.body)


async def test_intake_in_a_direct_room_claim_by_reaction_and_relay(minga: Minga) -> None:
    ana, ben, eli = (
        await minga.person("Ana"),
        await minga.person("Ben"),
        await minga.person("eli"),
    )
    room = await group_room(minga, ana, ben, eli)
    direct = await eli.room("", (minga.bot,), encrypted=True, direct=True)
    await eli.until(lambda: eli.has_joined(direct, minga.bot))  # as Element shows it
    await eli.say(direct, "!request food Eastside by friday: 2 boxes <for> a family & kids")
    post = await ana.sees("R1 · food · Eastside", room)
    assert "2 boxes <for> a family & kids" in post.body  # shown as typed
    # Its number in monospace and its category in bold, in the HTML only; the typed text
    # escaped there.
    assert post.html.startswith("<code>R1</code> · <strong>food</strong> · Eastside")
    assert "2 boxes &lt;for&gt; a family &amp; kids" in post.html
    assert "eli" not in post.body.lower()  # the requester stays anonymous
    assert "✋ I can help (!claim 1)" in post.body
    await eli.sees("R1 is posted", direct)
    await ben.react(post, "✋")
    await ana.until(lambda: "✋ Ben is helping." in post.body)
    await eli.sees("Good news: Ben will help with R1.", direct)
    # minga opens a direct room with Ben by itself, encrypted, and tells him there.
    await ben.until(ben.direct_from_bot)
    bens = ben.direct_from_bot()
    assert bens is not None and ben.client.rooms[bens].encrypted
    told = await ben.sees("You are helping with R1.", bens)
    await ben.say(bens, "I can come at 5", reply_to=told.event_id)  # a reply is relayed
    await eli.sees("About R1, Ben writes:\nI can come at 5", direct)
    await eli.say(direct, "!msg R1 Thank you, the door code is 42")
    await ben.sees("About R1, the person who asked writes:\nThank you, the door code is 42", bens)
    assert not any("door code" in t for t in ana.texts(room))  # never in the group room


async def test_commands_in_spanish_are_typed_and_shown_with_the_rooms_prefix(
    minga: Minga,
) -> None:
    lucia = await minga.person("Lucia")
    direct = await lucia.room("", (minga.bot,), direct=True)
    await lucia.until(lambda: lucia.has_joined(direct, minga.bot))
    await lucia.say(direct, "!idioma es")
    await lucia.sees("A partir de ahora te hablaré en español.", direct)
    await lucia.say(direct, "!ayuda")
    shown = await lucia.sees("Esto puedes hacer aquí:", direct)
    assert "Pedidos: !pedir !pedidos" in shown.body
    assert "!ayuda <comando>" in shown.body and "/" not in shown.body


@pytest.mark.slow
async def test_taking_back_a_reaction_undoes_a_claim_but_a_moderator_removing_it_does_not(
    minga: Minga,
) -> None:
    ana, ben, eli = (
        await minga.person("Ana"),
        await minga.person("Ben"),
        await minga.person("Eli"),
    )
    room = await group_room(minga, ana, ben, eli)
    direct = await eli.room("", (minga.bot,), direct=True)
    await eli.until(lambda: eli.has_joined(direct, minga.bot))
    await eli.say(direct, "!request food Eastside by friday: bread")
    post = await ana.sees("R1 · food · Eastside", room)
    claim = await ben.react(post, "✋")
    await ana.until(lambda: "✋ Ben is helping." in post.body)
    await ben.take_back(room, claim)
    await ana.until(lambda: "✋ I can help (!claim 1)" in post.body)
    await eli.sees("The volunteer can't help with R1 after all.", direct)
    # Removing someone else's reaction (Ana made the room, so she may) undoes nothing of theirs.
    await ana.say(room, f'!shift add "Soup" {tomorrow()} 10:00-12:00 places 2')
    shift = await ana.sees("S1 · Soup", room)
    assert "1️⃣ volunteer (!signup S1 volunteer)" in shift.body
    mine, his = await ana.react(shift, "1️⃣"), await ben.react(shift, "1️⃣")
    await ana.until(lambda: "volunteer 2/2" in shift.body)
    await ana.take_back(room, his)
    await ana.say(room, "!roster")  # answered after the removal was read
    await ana.sees("Roster of Free Food", room)
    assert "volunteer 2/2" in shift.body
    await ana.take_back(room, mine)
    await ana.until(lambda: "volunteer 1/2: Ben" in shift.body)


async def test_a_shift_place_given_away_is_taken_by_reaction(minga: Minga) -> None:
    ana, ben = await minga.person("Ana"), await minga.person("Ben")
    room = await group_room(minga, ana, ben)
    await ana.say(room, f'!shift add "Soup" {tomorrow()} 10:00-12:00 places 1')
    shift = await ana.sees("S1 · Soup", room)
    await ana.say(room, "!signup S1")
    await ana.until(lambda: "volunteer 1/1: Ana" in shift.body)
    await ana.say(room, "!giveaway S1")
    offer = await ben.sees("A volunteer place", room)
    assert "🤲 Take it (!take S1)" in offer.body
    await ben.react(offer, "🤲")
    await ben.until(lambda: "volunteer 1/1: Ben" in shift.body)
    # The short answer to a press goes to the presser alone, in their direct room.
    await ben.until(ben.direct_from_bot)
    await ben.sees("You took the volunteer place", ben.direct_from_bot())


@pytest.mark.slow
async def test_a_proposal_blocked_in_an_encrypted_room(minga: Minga) -> None:
    ana, ben, eli = (
        await minga.person("Ana"),
        await minga.person("Ben"),
        await minga.person("Eli"),
    )
    room = await group_room(minga, ana, ben, eli, encrypted=True)
    await ana.say(room, "!propose Buy a second fridge")
    poll = await eli.sees("P1 ·", room)
    assert "1️⃣ agree (!vote P1 1)" in poll.body
    await ana.react(poll, "1️⃣")
    await eli.react(poll, "1️⃣")
    await ana.until(lambda: "Voted: 2 of 3" in poll.body)
    await ben.say(room, "!vote P1 block the fridge would not fit through the door")
    await ana.say(room, "!close P1")
    closed = await ben.sees("P1 is closed: Buy a second fridge", room)
    assert "It is blocked." in closed.body
    assert "the fridge would not fit through the door" in closed.body
    # Reactions that stand for nothing, or on a message without buttons, change nothing.
    await ben.react(poll, "🎉")
    await ben.react(closed, "1️⃣")
    await ana.say(room, "!polls")
    await ana.sees("No open polls.", room)
    assert "It is blocked." in closed.body


@pytest.mark.slow
async def test_a_group_that_chose_native_polls_votes_in_matrixs_own_poll(minga: Minga) -> None:
    ana, ben, eli = (
        await minga.person("Ana"),
        await minga.person("Ben"),
        await minga.person("Eli"),
    )
    room = await group_room(minga, ana, ben, eli)
    await ana.say(room, "!set native_polls on")
    await ana.sees("Ana set native_polls to on.", room)
    await ana.say(room, "!propose Buy a second fridge")
    poll = await eli.sees("P1 ·", room)
    assert poll.kind == "org.matrix.msc3381.poll.start"
    assert "1. agree" in poll.body and "4. block" in poll.body
    await ben.respond(poll, "3")
    await ben.respond(poll, "1")  # changed his mind: the latest answer counts
    await eli.respond(poll, "1")
    await ana.respond(poll, "1")
    await ben.sees("P1 is closed", room)  # everyone voted: it closes at once
    await ben.until(lambda: [s for s in ben.seen if s.kind == "org.matrix.msc3381.poll.end"])
    ended = [s for s in ben.seen if s.kind == "org.matrix.msc3381.poll.end"]
    assert len(ended) == 1 and "It passed." in ended[0].body
    assert "agree    ██████████ 3" in ended[0].body


async def test_a_reminder_is_delivered_by_the_scheduler(minga: Minga) -> None:
    ana, ben = await minga.person("Ana"), await minga.person("Ben")
    room = await group_room(minga, ana, ben)
    await ana.say(room, "!propose Buy a second fridge; closes in 24 hours 2 seconds")
    # The reminder a day before the close is already due: minga opens Ben's direct room.
    await ben.until(ben.direct_from_bot)
    reminder = await ben.sees("P1", ben.direct_from_bot())
    assert "closes in a day and you have not voted yet" in reminder.body


async def test_a_restart_handles_what_happened_meanwhile_once_and_nothing_from_before(
    minga: Minga,
) -> None:
    ana, ben = await minga.person("Ana"), await minga.person("Ben")
    room = await ana.room("Free Food", (ben.user_id,))
    await ana.say(room, "!help")  # before minga is in the room: never answered
    await ana.invite(room, minga.bot)
    await ana.sees("Hello! I'm minga.", room)
    await ana.say(room, "!setup Free Food")
    welcome = await ana.sees("Welcome to minga, Free Food!", room)
    session = Path(minga.config.matrix.store_path) / "session.json"
    device = json.loads(session.read_text())["device_id"]
    assert session.stat().st_mode & 0o777 == 0o600  # it holds the access token
    await minga.stop()
    for n in range(1, 6):
        await ana.say(room, f"!ping{n}")
    await ben.until(lambda: room in ben.client.rooms)
    await ben.react(welcome, "👋")
    await minga.start()
    await ana.sees("I don't know !ping5", room)
    await ana.until(lambda: "On the roster: 2 people." in welcome.body)
    await asyncio.sleep(2)  # time for a second answer, were there one
    answers = [t for t in ana.texts(room) if t.startswith("I don't know")]
    assert [a.split(".")[0] for a in answers] == [f"I don't know !ping{n}" for n in range(1, 6)]
    assert not any(t.startswith("What you can do") for t in ana.texts(room))
    assert json.loads(session.read_text())["device_id"] == device  # the same device, keys


@pytest.mark.slow
async def test_a_burst_of_200_commands_is_answered_once_each_gaps_included(
    minga: Minga, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Synapse's own default: ten events a room per sync; the rest must be read as a gap.
    monkeypatch.setattr(adapter, "TIMELINE", 10)
    people = [await minga.person(name) for name in ("Ana", "Ben", "Eli", "Mia")]
    room = await people[0].room("Free Food", (minga.bot, *(p.user_id for p in people[1:])))
    await people[0].sees("Hello! I'm minga.", room)
    for person in people[1:]:
        await person.until(lambda person=person: room in person.client.rooms)

    async def burst(person: MatrixPerson, first: int) -> None:
        for n in range(first, first + 50):
            await person.say(room, f"!ping{n}")

    with caplog.at_level(logging.INFO, logger="minga.matrix"):
        await asyncio.gather(*(burst(p, 50 * i) for i, p in enumerate(people[:2])))
        # The other hundred while minga is stopped: on start its sync comes back limited.
        await minga.stop()
        await asyncio.gather(*(burst(p, 50 * i) for i, p in enumerate(people) if i >= 2))
        await minga.start()
        wanted = {f"I don't know !ping{n}" for n in range(200)}
        await people[0].until(
            lambda: wanted <= {t.split(".")[0] for t in people[0].texts(room)}, within=90
        )
        await asyncio.sleep(2)
    answers = [t.split(".")[0] for t in people[0].texts(room) if t.startswith("I don't know")]
    assert len(answers) == 200 and set(answers) == wanted
    assert any("matrix=gap" in r.getMessage() for r in caplog.records)


@pytest.mark.slow
async def test_under_synapses_default_rate_limit_a_wave_of_30_arrives_in_order(
    homeserver: Homeserver, new_account: Callable[..., Account], tmp_path: Path
) -> None:
    """The bot's account is not exempt: after a burst of ten, one message every five seconds."""
    async with running_minga(
        homeserver, new_account, tmp_path, exempt=False, by_token=True
    ) as minga:
        ana = await minga.person("Ana")
        rooms = [await ana.room(name, (minga.bot,)) for name in ("Kitchen", "Rides")]
        for room in rooms:
            await ana.sees("Hello! I'm minga.", room, within=30)
        for n in range(15):
            for room in rooms:
                await ana.say(room, f"!wave{n}")
        for room in rooms:
            await ana.sees("I don't know !wave14", room, within=180)
        await asyncio.sleep(1)
        for room in rooms:
            answers = [t.split(".")[0] for t in ana.texts(room) if t.startswith("I don't")]
            assert answers == [f"I don't know !wave{n}" for n in range(15)]


async def test_one_group_across_a_telegram_group_and_a_matrix_room(
    homeserver: Homeserver, new_account: Callable[..., Account], tmp_path: Path
) -> None:
    telegram = BotApi()
    base_url = await telegram.start()
    ana, ben, eli = Person(1, "Ana", "ana"), Person(2, "Ben", "ben"), Person(3, "Eli", "eli")
    try:
        async with running_minga(
            homeserver,
            new_account,
            tmp_path,
            telegram=TelegramConfig(enabled=True, token=telegram.token, base_url=base_url),
        ) as minga:
            group = telegram.group(-100123, "Free Food")

            def said(start: str) -> dict[str, Any]:
                """The Telegram group's message that starts so, as it reads now ({} if none)."""
                return next(
                    (m for m in telegram.in_chat(-100123) if m["text"].startswith(start)), {}
                )

            telegram.says(ana, group, "/setup Free Food")
            await telegram.until(lambda: telegram.in_chat(-100123))
            welcome = telegram.last(-100123)
            for person in (ben, eli):
                telegram.presses(person, -100123, welcome["message_id"], "join")
            telegram.says(ana, group, "/link")
            await telegram.until(lambda: "Type /link" in telegram.last(-100123)["text"])
            code = telegram.last(-100123)["text"].split()[2]

            mia = await minga.person("Mia")
            room = await mia.room("Free Food on Matrix", (minga.bot,))
            await mia.sees("Hello! I'm minga.", room)
            await mia.say(room, f"!link {code}")
            await mia.sees("A new chat is now part of Free Food", room)
            await telegram.until(lambda: said("A new chat is now part of Free Food"))
            await mia.say(room, "!join")
            await mia.sees("Welcome, Mia!", room)

            # A request reaches both chats; a claim by reaction in Matrix edits the Telegram post.
            telegram.says(eli, telegram.private(eli), "/request food Eastside by friday: bread")
            post = await mia.sees("R1 · food · Eastside", room)
            await telegram.until(lambda: said("R1 · food · Eastside"))
            await mia.react(post, "✋")
            await telegram.until(lambda: "✋ Mia is helping." in said("R1 ·").get("text", ""))
            await mia.until(lambda: "✋ Mia is helping." in post.body)
            await telegram.until(
                lambda: any(
                    m["text"].startswith("Good news: Mia will help")
                    for m in telegram.in_chat(eli.id)
                )
            )

            # A vote from each side counts once, and both chats show the same tally.
            telegram.says(ana, group, "/propose Buy a second fridge")
            poll = await mia.sees("P1 ·", room)
            await telegram.until(lambda: said("P1 ·"))
            telegram.presses(ben, -100123, said("P1 ·")["message_id"], "vote P1 1")
            await mia.react(poll, "1️⃣")
            await telegram.until(lambda: "Voted: 2 of 4" in said("P1 ·").get("text", ""))
            await mia.until(lambda: "Voted: 2 of 4" in poll.body)
    finally:
        await telegram.stop()
