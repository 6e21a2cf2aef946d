"""The real python-telegram-bot Application against a Bot API stand-in on loopback."""

import asyncio
import contextlib
import itertools
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from adapters.telegram.adapter import EDIT_EVERY
from bot import bootstrap
from bot.config import Config, StorageConfig, TelegramConfig
from tests.botapi import BotApi, Person
from tests.days import tomorrow

GROUP = -100123
ANA, BEN, ELI = (Person(1, "Ana", "ana"), Person(2, "Ben", "ben"), Person(3, "Eli", "eli", "es"))


def texts(api: BotApi, chat_id: int) -> list[str]:
    return [m["text"] for m in api.in_chat(chat_id)]


def buttons(message: dict) -> list[dict]:  # type: ignore[type-arg]
    return [b for row in message.get("reply_markup", {}).get("inline_keyboard", []) for b in row]


async def test_the_command_menu_in_each_language_and_scope(api: BotApi) -> None:
    scopes = {(c["scope"]["type"], c.get("language_code")) for c in api.commands}
    assert scopes == {
        ("all_private_chats", None),
        ("all_private_chats", "es"),
        ("all_private_chats", "pt"),
        ("all_group_chats", None),
        ("all_group_chats", "es"),
        ("all_group_chats", "pt"),
    }

    def menu(scope: str, language: str | None) -> dict[str, str]:
        shown = next(
            c
            for c in api.commands
            if c["scope"]["type"] == scope and c.get("language_code") == language
        )
        return {c["command"]: c["description"] for c in shown["commands"]}

    private_es, group_es = menu("all_private_chats", "es"), menu("all_group_chats", "es")
    assert private_es["pedir"] == "pedir ayuda, en privado"
    assert {"ayuda", "ofrecer", "turnos", "votar", "cancelar"} <= set(private_es)
    assert {"ayuda", "proponer", "encuesta", "votar", "unirme"} <= set(group_es)
    assert "help" not in private_es and "request" not in private_es
    assert {"ajuda", "pedir", "oferecer", "turnos", "votar", "propor"} <= set(
        menu("all_private_chats", "pt") | menu("all_group_chats", "pt")
    )
    assert {"help", "request", "propose"} <= set(
        menu("all_private_chats", None) | menu("all_group_chats", None)
    )


async def test_a_command_typed_in_spanish_is_answered_in_spanish(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ELI, group, "/ayuda@mingabot")
    await api.until(lambda: texts(api, GROUP))
    assert texts(api, GROUP)[0].startswith("Esto puedes hacer aquí:")
    assert "/pedir" in texts(api, GROUP)[0] and "/request" not in texts(api, GROUP)[0]


async def test_a_request_from_intake_to_claim(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.adds_bot(ANA, group)
    await api.until(lambda: texts(api, GROUP))
    assert "Type /setup" in texts(api, GROUP)[0]
    api.says(ANA, group, "/setup@mingabot Free Food")
    await api.until(lambda: any("Welcome to minga" in t for t in texts(api, GROUP)))
    welcome = api.last(GROUP)
    assert [b["callback_data"] for b in buttons(welcome)] == ["join"]
    for person in (BEN, ELI):
        api.presses(person, GROUP, welcome["message_id"], "join")
    await api.until(lambda: "On the roster: 3 people." in welcome["text"])
    # Every press gets its spinner stopped; the second answer may follow the edit.
    await api.until(lambda: len(api.answered) >= 2)
    assert len(api.answered) == 2
    api.says(
        ELI, api.private(ELI), "/request food Eastside by friday: 2 boxes <for> a family & kids"
    )
    await api.until(lambda: any(t.startswith("R1 ·") for t in texts(api, GROUP)))
    post = next(m for m in api.in_chat(GROUP) if m["text"].startswith("R1 ·"))
    assert "2 boxes <for> a family & kids" in post["text"]  # escaped on the way, shown as typed
    assert "Eli" not in post["text"]
    # Its number in monospace and its category in bold, as entities: nothing typed is markup.
    assert not any(p.get("parse_mode") for m, p in api.calls if m == "sendMessage")
    assert post["entities"] == [
        {"type": "code", "offset": 0, "length": 2},
        {"type": "bold", "offset": 5, "length": 4},
    ]
    api.presses(BEN, GROUP, post["message_id"], "claim 1")
    await api.until(lambda: "✋ Ben is helping." in post["text"])
    assert buttons(post) == []
    # Eli's Telegram speaks Spanish, so minga does too.
    await api.until(
        lambda: any(
            t.startswith("Buenas noticias: Ben va a ayudar con R1.") for t in texts(api, ELI.id)
        )
    )
    # Ben never opened a private chat: the group hears only that there is something.
    await api.until(lambda: any("I have a message for you" in t for t in texts(api, GROUP)))
    note = api.last(GROUP)
    assert buttons(note)[0]["url"] == "https://t.me/mingabot?start=start"
    api.says(BEN, api.private(BEN), "/start start")
    await api.until(lambda: any("You are helping with R1" in t for t in texts(api, BEN.id)))


async def test_commands_for_other_bots_and_edits_are_left_alone(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/help@otherbot")
    api.edits(ANA, group, 1, "/roster")
    api.says(ANA, group, "/help")
    await api.until(lambda: len(texts(api, GROUP)) == 1)
    assert texts(api, GROUP)[0].startswith("What you can do here")


async def test_a_group_upgraded_to_a_supergroup_keeps_its_data(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    await api.until(lambda: texts(api, GROUP))
    api.migrates(ANA, GROUP, -1009999)
    api.says(ANA, api.chats[-1009999], "/roster")
    await api.until(lambda: texts(api, -1009999))
    assert texts(api, -1009999)[0].startswith("Roster of Free Food: 1 person.")


async def test_an_anonymous_admin_gets_a_polite_note(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    anonymous = Person(1087968824, "Group")
    api.says(anonymous, group, "/setup Free Food")
    await api.until(lambda: texts(api, GROUP))
    assert texts(api, GROUP) == [
        "I can't tell who you are when you write as the group or as "
        "a channel. Please write as yourself."
    ]


async def test_an_invitation_link_opens_the_private_chat_and_joins_the_roster(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    api.says(ANA, group, "/invite")
    await api.until(lambda: len(texts(api, GROUP)) == 2)
    invite = buttons(api.last(GROUP))[0]
    assert invite["url"].startswith("https://t.me/mingabot?start=join_")
    api.says(ELI, api.private(ELI), "/start " + invite["url"].split("start=")[1])
    await api.until(lambda: texts(api, ELI.id))
    asked = api.last(ELI.id)  # a link alone joins no roster: it asks
    assert asked["text"] == "Te invitaron a la lista de Free Food. Pulsa Unirme para estar en ella."
    api.presses(ELI, ELI.id, asked["message_id"], buttons(asked)[0]["callback_data"])
    await api.until(lambda: len(texts(api, ELI.id)) == 2)
    assert texts(api, ELI.id)[1] == (
        "¡Te damos la bienvenida, Eli! Ya estás en la lista de "
        "Free Food como miembro fundador de confianza."
    )


async def test_a_modified_client_pressing_any_data_changes_nothing_and_its_spinner_stops(
    api: BotApi,
) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    await api.until(lambda: any("Welcome to minga" in t for t in texts(api, GROUP)))
    welcome = api.last(GROUP)
    api.presses(BEN, GROUP, welcome["message_id"], "join")
    await api.until(lambda: "On the roster: 2 people." in welcome["text"])
    api.says(ANA, group, f'/shift add "Soup" {tomorrow()} 10:00-13:00 weekly places 2')
    await api.until(lambda: any(t.startswith("S1 ·") for t in texts(api, GROUP)))
    for forged in ("shift cancel S1 all", "set vouches_needed 1", "leave"):
        api.presses(BEN, GROUP, welcome["message_id"], forged)
    await api.until(lambda: len(api.answered) == 4)
    assert [a.get("text") for a in api.answered[1:]] == [
        "That button is not on that message (any more), so I did nothing."
    ] * 3
    api.says(ANA, group, "/shifts")
    api.says(ANA, group, "/settings")
    await api.until(lambda: any(t.startswith("Settings of") for t in texts(api, GROUP)))
    assert "On the roster: 2 people." in welcome["text"]
    assert any("S1 · Soup" in t for t in texts(api, GROUP)[-2:])
    assert "vouches_needed = auto" in texts(api, GROUP)[-1]


async def test_a_deep_link_posted_anywhere_cancels_nothing_for_whoever_taps_it(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    api.says(ANA, api.private(ANA), "/request food Eastside by friday: bread")
    await api.until(lambda: any(t.startswith("R1 ·") for t in texts(api, GROUP)))
    api.says(ANA, api.private(ANA), "/start cancel_R1")  # t.me/mingabot?start=cancel_R1
    await api.until(lambda: any(t.startswith("Hello Ana!") for t in texts(api, ANA.id)))
    api.says(ANA, api.private(ANA), "/mine")
    await api.until(lambda: texts(api, ANA.id)[-1].startswith("Your requests:"))
    assert "(open)" in texts(api, ANA.id)[-1]
    assert not any("Cancelled" in t for t in texts(api, GROUP))


@pytest.mark.slow
async def test_a_hundred_vote_by_button_and_the_tally_is_edited_at_most_once_per_interval(
    api: BotApi,
) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    await api.until(lambda: texts(api, GROUP))
    welcome = api.last(GROUP)
    voters = [Person(1000 + n, f"Voter{n}") for n in range(100)]
    for voter in voters:
        api.presses(voter, GROUP, welcome["message_id"], "join")
    await api.until(lambda: "On the roster: 101 people." in welcome["text"], within=30)
    api.says(ANA, group, "/propose Buy a second fridge")
    await api.until(lambda: any(t.startswith("P1 ·") for t in texts(api, GROUP)))
    poll = next(m for m in api.in_chat(GROUP) if m["text"].startswith("P1 ·"))
    for n, voter in enumerate(voters):
        api.presses(voter, GROUP, poll["message_id"], f"vote P1 {1 + n % 3}")
        if n % 25 == 24:
            await asyncio.sleep(1.5)  # votes keep coming over several intervals
    await api.until(lambda: "Voted: 100 of 101" in poll["text"], within=60)
    assert "agree    ███░░░░░░░ 34 (34%)" in poll["text"]
    assert "disagree ███░░░░░░░ 33 (33%)" in poll["text"]
    edits = [
        at
        for (method, params), at in zip(api.calls, api.called_at, strict=True)
        if method == "editMessageText" and int(params["message_id"]) == poll["message_id"]
    ]
    gaps = [later - earlier for earlier, later in itertools.pairwise(edits)]
    # No storm, whatever the timing of the votes: one edit per interval at the most.
    assert gaps and min(gaps) >= EDIT_EVERY["group"] - 0.5, gaps
    await api.until(lambda: len(api.answered) >= 200)  # every press answered, with a toast
    await asyncio.sleep(1)
    assert len(api.answered) == 200  # and only once
    assert (
        sum(a.get("text", "").startswith("Your vote on P1 is counted.") for a in api.answered)
        == 100
    )
    assert not any(t.startswith("Your vote") for t in texts(api, GROUP))  # no noise


SECRET = "a-long-random-secret"


@pytest.fixture
async def webhook(tmp_path: Path) -> AsyncIterator[tuple[BotApi, str]]:
    """minga in webhook mode, and the address it listens at."""
    stand_in = BotApi()
    base_url = await stand_in.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/telegram"
    config = Config(
        storage=StorageConfig(f"sqlite:///{tmp_path}/minga.db"),
        telegram=TelegramConfig(
            enabled=True,
            token=stand_in.token,
            base_url=base_url,
            mode="webhook",
            webhook_url=url,
            webhook_listen="127.0.0.1",
            webhook_port=port,
            webhook_secret=SECRET,
        ),
    )
    running = asyncio.create_task(bootstrap.run_platforms(config))
    try:
        await stand_in.until(lambda: stand_in.webhook is not None or running.done())
        assert stand_in.webhook == (url, SECRET)
        yield stand_in, url
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await stand_in.stop()


async def test_webhook_mode_takes_only_updates_with_the_secret(webhook: tuple[BotApi, str]) -> None:
    stand_in, url = webhook
    group = stand_in.group(GROUP, "Free Food")
    stand_in.says(ANA, group, "/setup Free Food")
    await stand_in.until(lambda: texts(stand_in, GROUP))
    assert texts(stand_in, GROUP)[0].startswith("Welcome to minga, Free Food!")
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url, json={"update_id": 999}, headers={"X-Telegram-Bot-Api-Secret-Token": "a-guess"}
        ) as forged,
    ):
        assert forged.status == 403
    assert stand_in.webhook_answers == [200]


@pytest.mark.parametrize(
    "body",
    [
        "[1, 2]",
        "[]",
        '"an update"',
        "42",
        "null",
        "{not json",
        "{}",
        '{"update_id": 1, "message": 5}',
    ],
)
async def test_a_webhook_post_that_is_no_update_gets_a_polite_400_and_minga_goes_on(
    webhook: tuple[BotApi, str], body: str, caplog: pytest.LogCaptureFixture
) -> None:
    stand_in, url = webhook
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as answer,
    ):
        assert (answer.status, await answer.text()) == (
            400,
            "Expected a Telegram update: a JSON object.\n",
        )
    assert "telegram=webhook-refused" in caplog.text
    stand_in.says(ANA, stand_in.group(GROUP, "Free Food"), "/setup Free Food")
    await stand_in.until(lambda: texts(stand_in, GROUP))


async def test_intake_through_the_deep_link_from_the_group(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    api.says(ANA, group, "/request")
    await api.until(lambda: len(texts(api, GROUP)) == 2)
    link = buttons(api.last(GROUP))[0]["url"]
    assert link == "https://t.me/mingabot?start=request"
    chat = api.private(ANA)
    api.says(ANA, chat, "/start " + link.split("start=")[1])  # what Telegram sends on a tap
    await api.until(lambda: texts(api, ANA.id))
    question = api.last(ANA.id)
    assert question["text"].startswith("What kind of help?")
    api.presses(ANA, ANA.id, question["message_id"], ">food")
    for n, answer in enumerate(("bread for 3", "Eastside", "tomorrow", "normal", "relay", "no"), 2):
        await api.until(lambda n=n: len(texts(api, ANA.id)) >= n)  # the next question
        api.says(ANA, chat, answer)
    await api.until(lambda: any(t.startswith("R1 · food · Eastside") for t in texts(api, GROUP)))


async def test_a_shift_place_given_away_is_taken_by_button(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    api.says(BEN, group, "/join")
    api.says(ANA, group, f'/shift add "Soup" {tomorrow()} 10:00-12:00 places 1')
    await api.until(lambda: any(t.startswith("S1 · Soup") for t in texts(api, GROUP)))
    api.says(ANA, group, "/signup S1")
    api.says(ANA, group, "/giveaway S1")
    # The giver's own answer also says "up for grabs": wait for the group's offer itself.
    await api.until(lambda: any(t.startswith("A volunteer place") for t in texts(api, GROUP)))
    offer = next(m for m in api.in_chat(GROUP) if m["text"].startswith("A volunteer place"))
    assert [b["callback_data"] for b in buttons(offer)] == ["take S1"]
    api.presses(BEN, GROUP, offer["message_id"], "take S1")
    shift = next(m for m in api.in_chat(GROUP) if m["text"].startswith("S1 · Soup"))
    await api.until(lambda: "volunteer 1/1: Ben" in shift["text"])
    await api.until(
        lambda: any(
            a.get("text", "").startswith("You took the volunteer place") for a in api.answered
        )
    )


async def test_a_reminder_is_delivered_by_the_scheduler(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(BEN, api.private(BEN), "/start")
    api.says(ANA, group, "/setup Free Food")
    api.says(BEN, group, "/join")
    api.says(ANA, group, "/propose Buy a second fridge; closes in 24 hours 2 seconds")
    # The reminder a day before the close falls due two seconds after the proposal, behind
    # four messages through the platform: on a loaded machine more than the usual 10 s.
    await api.until(
        lambda: any("closes in a day and you have not voted yet" in t for t in texts(api, BEN.id)),
        within=30,
    )
