"""The group never learns who asked: not even when the person who asked types or presses
about their request in the group chat, where everyone reads minga's answers."""

from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.messages import ButtonPress
from tests.harness import Harness, Seen, in_chat, text


@pytest.fixture
async def bot(engine: AsyncEngine) -> Harness:
    """These attacks are replayed on SQLite and on a real PostgreSQL."""
    return Harness(engine)


ASK = "/request food Eastside by friday: 2 boxes for a family of 4"
GROUP = "group:food"
# What the person who asked might type about their own request in the group chat.
TYPED = (
    "/claim R1",
    "/msg R1 I'm at the blue door",
    "/done R1",
    "/thanks R1 lovely",
    "/cancel R1",
    "/reopen R1",
)
# Words that would single out the person who asked, or show that their action went through.
GIVEAWAYS = (
    "Eli",
    "eli",
    "your own",
    "yours",
    "Passed on",
    "cancelled",
    "is done",
    "open again",
    "Thanks:",
    "person who asked",
)


@pytest.fixture
async def asked(group: Harness) -> Harness:
    await group.say("Eli", ASK, group=None)
    return group


def seen_by_group(seen: list[Seen]) -> list[tuple[str, tuple[str, ...], bool]]:
    return [(s.text, s.buttons, s.edit) for s in seen if s.chat_id == GROUP and not s.toast]


def giveaways(seen: list[Seen]) -> list[str]:
    return [
        f"{word!r} in {s.text!r}"
        for s in seen
        if s.chat_id == GROUP
        for word in GIVEAWAYS
        if word in s.text
    ]


async def test_the_group_never_learns_who_asked_when_the_requester_types_about_their_request(
    asked: Harness,
) -> None:
    start = len(asked.seen)
    for typed in ("/claim R1", "/msg R1 hello?"):  # while it is open
        await asked.say("Eli", typed)
    await asked.press("Eli", "claim 1")  # their own post's "I can help", where no toast shows
    await asked.press("Eli", "claim 1", toast=True)
    await asked.press("Ben", "claim 1")
    claimed = len(asked.seen)
    for typed in TYPED:
        by_requester = await asked.say("Eli", typed)
        by_someone_else = await asked.say("Chioma", typed)
        # The same neutral line, whoever typed it: nothing that tells them apart.
        assert (
            seen_by_group(by_requester)
            == seen_by_group(by_someone_else)
            == [("I answered you privately.", (), False)]
        ), typed
    assert giveaways(asked.seen[start:]) == []
    assert not any(s.edit for s in asked.seen[claimed:] if s.chat_id == GROUP)
    async with asked.core.uow() as uow:
        request = await uow.requests.get(1)
    assert request is not None and (request.state, request.thanks) == ("claimed", None)


async def test_what_the_requester_typed_in_the_group_is_answered_in_their_private_chat(
    asked: Harness,
) -> None:
    assert in_chat(await asked.say("Eli", "/claim R1"), "dm:eli") == "R1 is your own request."
    toast = await asked.press("Eli", "claim 1", toast=True)
    assert [(s.text, s.toast) for s in toast if s.chat_id == GROUP] == [
        ("I answered you privately.", True)
    ]
    await asked.press("Ben", "claim 1")
    relayed = await asked.say("Eli", "/msg R1 I'm at the blue door")
    assert in_chat(relayed, "dm:ben").startswith(
        "About R1, the person who asked writes:\nI'm at the blue door"
    )
    assert in_chat(relayed, "dm:eli") == "Passed on."
    thanks = in_chat(await asked.say("Eli", "/thanks R1 lovely"), "dm:eli")
    assert thanks == "Thanks can be given once R1 is done: /done R1."
    assert in_chat(await asked.say("Chioma", "/cancel R1"), "dm:chioma") == (
        "Only the person who asked can cancel R1."
    )


@pytest.mark.parametrize(
    ("typed", "button", "done"),
    [
        ("/cancel R1", ("Cancel R1", "cancel 1"), "Cancelled by the person who asked."),
        ("/done R1", ("Mark R1 done", "done 1"), "✅ Done, with the help of Ben."),
    ],
)
async def test_a_change_the_requester_types_in_the_group_is_offered_privately_and_made_there(
    asked: Harness, typed: str, button: tuple[str, str], done: str
) -> None:
    await asked.press("Ben", "claim 1")
    offered = [s for s in await asked.say("Eli", typed) if s.chat_id == "dm:eli"]
    assert [(s.text, s.buttons) for s in offered] == [
        (
            "Typed in the group chat, that would show everyone that R1 is yours. Press the button "
            "to do it here.",
            (button[1],),
        )
    ]
    made = await asked.press("Eli", button[1], group=None)
    assert any(s.edit and s.chat_id == GROUP and s.text.endswith(done) for s in made)
    assert not [s for s in made if s.chat_id == GROUP and not s.edit]


async def test_the_requester_is_told_privately_to_send_thanks_from_there(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    await asked.say("Ben", "/done R1", group=None)
    told = await asked.say("Eli", "/thanks R1 lovely")
    assert in_chat(told, "dm:eli").startswith(
        "Typed in the group chat, your thanks would show everyone that R1 is yours."
    )
    assert "lovely" not in text(await asked.say("Ben", "/requests"))
    reopen = await asked.say("Eli", "/reopen R1")
    assert [s.buttons for s in reopen if s.chat_id == "dm:eli"] == [("reopen 1",)]


async def test_someone_without_a_private_chat_gets_the_neutral_line_with_a_way_there(
    asked: Harness,
) -> None:
    seen = await asked.say("Dev", "/cancel R1")  # Dev never wrote to minga privately
    assert seen_by_group(seen) == [
        ("I answered you privately: open a private chat with me to read it.", ("start",), False)
    ]
    opened = await asked.say("Dev", "/start", group=None)
    assert "Only the person who asked can cancel R1." in in_chat(opened, "dm:dev")


async def test_the_volunteer_the_post_names_still_acts_from_the_group(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    done = await asked.say("Ben", "/done R1")
    assert any(s.edit and s.text.endswith("✅ Done, with the help of Ben.") for s in done)
    assert "R1 is done. Thank you!" in in_chat(done, GROUP)


async def test_a_platform_that_opens_private_chats_itself_gets_the_answer_there(
    asked: Harness,
) -> None:
    """Matrix opens a direct room on demand: the neutral line, and the answer there."""
    eli = replace(asked.sender("Eli"), private_chat_id="dm:eli")
    seen = await asked.deliver(
        ButtonPress(
            "press-own", asked.group_chat(), eli, asked.showing(GROUP, "claim 1"), "claim 1"
        )
    )
    assert seen_by_group(seen) == [("I answered you privately.", (), False)]
    assert in_chat(seen, "dm:eli") == "R1 is your own request."
