"""Requests for help: intake, the anonymous post, claiming, the lifecycle and the relay."""

from dataclasses import replace

import pytest

from bot.config import GroupDefaults
from bot.messages import ButtonPress, Message
from tests.harness import Harness, in_chat, text

ASK = "/request food Eastside by friday: 2 boxes for a family of 4"
POST = "R1 · food · Eastside · by Fri 6 Mar 18:00 · 2 boxes for a family of 4"


@pytest.fixture
async def asked(group: Harness) -> Harness:
    await group.say("Eli", ASK, group=None)
    return group


async def state_of(bot: Harness) -> str:
    return text(await bot.say("Eli", "/mine", group=None))


async def test_a_request_in_one_line_is_posted_without_a_name(group: Harness) -> None:
    seen = await group.say("Eli", ASK, group=None)
    post = next(s for s in seen if s.chat_id == "group:food")
    assert (post.text, post.buttons) == (POST, ("claim 1",))
    assert "R1 is posted in Free Food, without your name." in in_chat(seen, "dm:eli")


async def test_the_guided_dialog_refuses_bad_answers_and_keeps_good_ones(group: Harness) -> None:
    first = await group.say("Eli", "/request", group=None)
    assert first[0].buttons[:2] == (">food", ">ride")
    assert "has no category 'pizza'" in text(await group.say("Eli", "pizza", group=None))
    await group.press("Eli", ">food", group=None)
    assert "I got an empty message" in text(await group.say("Eli", "\t", group=None))
    too_long = await group.say("Eli", "x" * 1001, group=None)
    assert "at most 1000 characters" in text(too_long)
    await group.say("Eli", "2 boxes for a family of 4", group=None)
    await group.say("Eli", "Eastside", group=None)
    assert "can't read 'next blursday'" in text(await group.say("Eli", "next blursday", group=None))
    assert "has already passed" in text(await group.say("Eli", "yesterday", group=None))
    await group.say("Eli", "friday", group=None)
    for answer in ("urgent", "share", "2"):  # typed values, or the number of a button
        await group.say("Eli", answer, group=None)
    [post] = [s for s in group.seen if s.chat_id == "group:food" and s.text.startswith("R1")]
    assert post.text == (
        "R1 · URGENT · food · Eastside · by Fri 6 Mar 18:00 · 2 boxes for a "
        "family of 4 · asked by Eli"
    )


async def test_someone_in_several_groups_picks_one(group: Harness) -> None:
    await group.say("Zoe", "/setup Rides West", group="rides")
    await group.say("Eli", "/join", group="rides")
    asked = await group.say("Eli", ASK, group=None)
    assert "For which group?" in text(asked)
    assert set(asked[0].buttons) == {">1", ">2"}
    posted = await group.press("Eli", ">2", group=None)
    assert any(s.chat_id == "group:rides" for s in posted)


async def test_someone_on_no_roster_is_told_what_to_do(bot: Harness) -> None:
    seen = await bot.say("Sam", "/request", group=None)
    assert text(seen) == (
        "You are not on any group's roster yet. Press Join (or type /join) in "
        "your group's chat first."
    )
    assert await bot.say("Sam", "food", group=None) != []  # no question is left open
    assert "I only understand commands" in bot.seen[-1].text


async def test_asking_in_the_group_chat_moves_to_a_private_one(group: Harness) -> None:
    seen = await group.say("Eli", "/request")
    assert seen[0].chat_id == "group:food" and "private chat" in seen[0].text
    assert seen[0].buttons == ("request",)


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        (
            "/request food Eastside",
            "Write it like this: food Eastside by friday: 2 boxes for a family of 4",
        ),
        ("/request pizza Eastside: a pizza", "Free Food has no category 'pizza'."),
        ("/request food Eastside by next blursday: bread", "I can't read 'next blursday'"),
    ],
)
async def test_a_bad_line_changes_nothing(group: Harness, line: str, answer: str) -> None:
    assert answer in text(await group.say("Eli", line, group=None))
    assert text(await group.say("Ben", "/requests")) == "Nothing open right now."


async def test_claiming_edits_the_post_and_tells_both_sides(asked: Harness) -> None:
    seen = await asked.press("Ben", "claim 1")
    post = next(s for s in seen if s.edit)
    assert post.text == POST + "\n✋ Ben is helping." and post.buttons == ()
    assert "Good news: Ben will help with R1." in in_chat(seen, "dm:eli")
    assert "/msg R1" in in_chat(seen, "dm:ben")
    assert "@eli" not in text(seen)  # Eli chose the relay


async def test_the_loser_of_a_claim_hears_privately_who_won(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    lost = await asked.say("Chioma", "/claim R1")
    assert in_chat(lost, "dm:chioma") == "R1 was just taken by Ben."
    assert in_chat(lost, "group:food") == "I answered you privately."
    assert in_chat(await asked.say("Ben", "/claim R1"), "dm:ben") == (
        "You are already helping with R1."
    )


@pytest.mark.parametrize(
    ("who", "chat", "answer"),
    [
        ("Eli", "dm:eli", "R1 is your own request."),
        (
            "Stranger",
            "group:food",
            "Only people on the roster of Free Food can take its requests. "
            "Press Join in its chat first.",
        ),
    ],
)
async def test_claims_that_are_refused(asked: Harness, who: str, chat: str, answer: str) -> None:
    assert in_chat(await asked.press(who, "claim 1"), chat) == answer
    assert "(open)" in await state_of(asked)


async def test_a_shared_handle_goes_only_to_the_volunteer(group: Harness) -> None:
    await group.say("Eli", "/request", group=None)
    for answer in ("food", "bread", "Eastside", "asap", "normal", "share", "no"):
        await group.say("Eli", answer, group=None)
    seen = await group.press("Ben", "claim 1")
    assert "They chose to share their contact: @eli" in in_chat(seen, "dm:ben")
    assert "@eli" not in in_chat(seen, "group:food")


async def test_what_minga_cannot_tell_a_volunteer_yet_waits_for_their_private_chat(
    asked: Harness,
) -> None:
    seen = await asked.press("Dev", "claim 1")  # Dev never wrote to minga privately
    reply = next(s for s in seen if s.chat_id == "group:food" and not s.edit)
    assert reply.text == ("Dev, I have a message for you: open a private chat with me to read it.")
    assert reply.buttons == ("start",)
    assert "/msg R1" not in in_chat(seen, "group:food")
    opened = await asked.say("Dev", "/start", group=None)
    assert "You are helping with R1. Thank you!" in in_chat(opened, "dm:dev")


async def test_a_volunteer_the_platform_can_reach_privately_is_told_there_at_once(
    asked: Harness,
) -> None:
    """Matrix opens a direct room on demand: no note in the group, no waiting."""
    dev = replace(asked.sender("Dev"), private_chat_id="dm:dev")
    seen = await asked.deliver(
        ButtonPress(
            "press-1", asked.group_chat(), dev, asked.showing("group:food", "claim 1"), "claim 1"
        )
    )
    assert "You are helping with R1. Thank you!" in in_chat(seen, "dm:dev")
    assert "I have a message for you" not in in_chat(seen, "group:food")


async def test_giving_back_a_request(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    refused = await asked.say("Chioma", "/unclaim R1")
    assert "Only the volunteer on R1 can give it back" in text(refused)
    seen = await asked.say("Ben", "/unclaim R1", group=None)
    assert any(s.edit and s.text == POST and s.buttons == ("claim 1",) for s in seen)
    assert "R1 is open again: can someone else help?" in in_chat(seen, "group:food")
    assert "The volunteer can't help with R1 after all" in in_chat(seen, "dm:eli")


async def test_a_trusted_member_may_free_a_request_that_went_quiet(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    asked.clock.advance(hours=47)
    assert "Only the volunteer" in text(await asked.say("Chioma", "/unclaim R1"))
    asked.clock.advance(hours=1)
    assert "open again" in text(await asked.say("Chioma", "/unclaim R1"))


async def test_done_thanks_and_who_may_do_them(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    assert "Only the person who asked or the volunteer" in text(
        await asked.say("Chioma", "/done R1")
    )
    assert "Thanks can be given once R1 is done" in text(
        await asked.say("Eli", "/thanks R1 lovely", group=None)
    )
    done = await asked.say("Ben", "/done R1", group=None)
    assert any(s.edit and s.text.endswith("✅ Done, with the help of Ben.") for s in done)
    assert "R1 is marked done." in in_chat(done, "dm:eli")
    assert "Only the person who asked can thank" in text(
        await asked.say("Ben", "/thanks R1 me", group=None)
    )
    thanked = await asked.say("Eli", "/thanks R1 You are wonderful", group=None)
    assert any(s.edit and s.text.endswith("Thanks: “You are wonderful”") for s in thanked)
    assert "Thanks for R1: “You are wonderful”" in in_chat(thanked, "dm:ben")
    assert "R1 is done, so that is not possible now." in text(
        await asked.say("Ben", "/done R1", group=None)
    )


async def test_cancel_and_reopen(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    assert "Only the person who asked can cancel R1." in text(
        await asked.say("Ben", "/cancel R1", group=None)
    )
    cancelled = await asked.say("Eli", "/cancel R1", group=None)
    assert any(s.edit and "Cancelled by the person who asked." in s.text for s in cancelled)
    assert "was cancelled by the person who asked" in in_chat(cancelled, "dm:ben")
    assert "R1 is cancelled, so that is not possible now." in text(
        await asked.say("Chioma", "/claim R1")
    )
    reopened = await asked.say("Eli", "/reopen R1", group=None)
    assert any(s.edit and s.buttons == ("claim 1",) for s in reopened)
    assert "Good news: Chioma" in text(await asked.press("Chioma", "claim 1"))


async def test_the_relay_keeps_both_sides_hidden(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    seen = await asked.say("Eli", "/msg R1 I'm at the blue door", group=None)
    assert in_chat(seen, "dm:ben").startswith(
        "About R1, the person who asked writes:\nI'm at the blue door"
    )
    back = await asked.say("Ben", "/msg R1 on my way", group=None)
    assert "About R1, Ben writes:\non my way" in in_chat(back, "dm:eli")
    assert "Messages about R1 go between" in text(
        await asked.say("Chioma", "/msg R1 hello", group=None)
    )


async def test_a_reply_to_a_relayed_message_is_relayed(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    relayed = next(
        s for s in await asked.say("Ben", "/msg R1 on my way", group=None) if s.chat_id == "dm:eli"
    )
    reply = Message(
        "reply-1",
        asked.private_chat("eli"),
        asked.sender("Eli"),
        "thank you!",
        reply_to=relayed.message_id,
    )
    seen = await asked.deliver(reply)
    assert "About R1, the person who asked writes:\nthank you!" in in_chat(seen, "dm:ben")


async def test_the_group_is_reminded_once_of_an_unclaimed_request(asked: Harness) -> None:
    asked.clock.advance(hours=24)
    bumped = await asked.fire_due()
    assert [s.text for s in bumped] == ["Still waiting for someone:\n" + POST]
    asked.clock.advance(hours=24)
    assert await asked.fire_due() == []


async def test_a_quiet_volunteer_is_asked_once_how_it_goes(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    asked.clock.advance(hours=48)
    nudged = await asked.fire_due()
    assert [s.chat_id for s in nudged] == ["dm:ben"]
    assert "How is R1 going?" in nudged[0].text


async def test_an_unfinished_request_expires_after_the_grace(asked: Harness) -> None:
    asked.clock.advance(days=2, hours=9)  # Fri 18:00
    await asked.fire_due()
    asked.clock.advance(hours=24)  # plus the default grace
    expired = await asked.fire_due()
    assert any(s.edit and s.text.endswith("Expired without help.") for s in expired)
    assert "R1 has expired. If you still need it, /reopen R1." in in_chat(expired, "dm:eli")


async def test_closed_requests_are_anonymised_after_the_retention(asked: Harness) -> None:
    await asked.press("Ben", "claim 1")
    await asked.say("Eli", "/done R1", group=None)
    asked.clock.advance(days=90)
    await asked.fire_due()
    assert "R1" not in await state_of(asked)  # no longer linked to Eli
    async with asked.core.uow() as uow:
        request = await uow.requests.get(1)
    assert request is not None
    assert (request.requester_id, request.claimer_id, request.description) == (None, None, "")


async def test_unknown_or_malformed_numbers(group: Harness) -> None:
    assert text(await group.say("Ben", "/claim R99")) == "There is no request R99."
    assert "'R1x' is not a number like R17." in text(await group.say("Ben", "/claim R1x"))


async def test_an_operator_sets_the_defaults_every_group_starts_with(group: Harness) -> None:
    group.defaults = GroupDefaults(bump_hours=2, categories="food, books")
    assert "has no category 'ride'" in text(
        await group.say("Eli", "/request ride Eastside: a lift", group=None)
    )
    await group.say("Eli", "/request books Eastside: a dictionary", group=None)
    group.clock.advance(hours=2)
    assert [s.text.splitlines()[0] for s in await group.fire_due()] == [
        "Still waiting for someone:"
    ]
    await group.say("Ana", "/set bump_hours 30")  # a group's own choice wins
    await group.say("Eli", "/request food Eastside: bread", group=None)
    group.clock.advance(hours=2)
    assert await group.fire_due() == []


async def test_a_time_with_a_colon_in_the_one_line_form(group: Harness) -> None:
    seen = await group.say(
        "Eli", "/request ride Westside by friday 10:00: a lift to the clinic", group=None
    )
    assert in_chat(seen, "group:food") == (
        "R1 · ride · Westside · by Fri 6 Mar 10:00 · a lift to the clinic"
    )


@pytest.mark.parametrize(
    ("who", "typed", "answer"),
    [
        ("Ben", "/reopen R1", "Only the person who asked can reopen R1."),
        ("Eli", "/reopen R1", "R1 is open, so that is not possible now."),
        (
            "Eli",
            "/msg R1 hello?",
            "Messages about R1 go between the person who asked and the volunteer who helps.",
        ),
        ("Ben", "/done R1", "Only the person who asked or the volunteer can mark R1 done."),
        ("Ben", "/unclaim R1", "R1 is open, so that is not possible now."),
        (
            "Eli",
            "/request food Eastside by friday: " + "x" * 1001,
            "That is too long: at most 1000 characters, please.",
        ),
    ],
)
async def test_more_refusals_that_change_nothing(
    asked: Harness, who: str, typed: str, answer: str
) -> None:
    assert answer in text(await asked.say(who, typed, group=None))
    assert text(await asked.say("Ben", "/requests")) == "1 open request:\n" + POST
