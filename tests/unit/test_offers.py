"""Offers, matching with requests, and the lists that show what is open and what is mine."""

import pytest

from tests.harness import Harness, in_chat, text

BREAD = "/offer food Eastside until saturday: 3 loaves of bread"


@pytest.fixture(autouse=True)
async def dev_can_be_told(group: Harness) -> None:
    await group.say("Dev", "/start", group=None)


async def test_an_offer_is_posted_and_counted(group: Harness) -> None:
    seen = await group.say("Dev", BREAD, group=None)
    post = next(s for s in seen if s.chat_id == "group:food")
    assert post.text == (
        "O1 · food · Eastside · until Sat 7 Mar 18:00 · 3 loaves of bread · offered by Dev · 3 left"
    )
    assert post.buttons == ("take 1",)
    assert "I count 3" in in_chat(seen, "dm:dev")


async def test_taking_counts_down_to_all_taken(group: Harness) -> None:
    await group.say("Dev", BREAD, group=None)
    for who, left in (("Eli", "2 left"), ("Ben", "1 left")):
        seen = await group.press(who, "take 1")
        assert any(s.edit and s.text.endswith(left) for s in seen)
        assert f"{who} (@{who.lower()}) would like one of O1" in in_chat(seen, "dm:dev")
    last = await group.press("Chioma", "take 1")
    [post] = [s for s in last if s.edit]
    assert post.text.endswith("0 left\nAll taken.") and post.buttons == ()
    assert text(await group.press("Ana", "take 1", message_id=post.message_id)) == (
        "That button is out of date: the message has changed since, so I did nothing. "
        "Please look at it again."
    )
    assert text(await group.say("Ana", "/take O1")) == (
        "Sorry, O1 has all been taken or has ended."
    )


async def test_a_skill_is_not_counted(group: Harness) -> None:
    seen = await group.say("Dev", "/offer ride Eastside: a ride to the clinic", group=None)
    assert "offered as a skill" in in_chat(seen, "dm:dev")
    for who in ("Eli", "Ben"):
        assert "would like one of O1" in in_chat(await group.press(who, "take 1"), "dm:dev")


async def test_refused_takes(group: Harness) -> None:
    await group.say("Dev", BREAD, group=None)
    assert text(await group.press("Dev", "take 1")) == "O1 is your own offer."
    assert "Only people on the roster of Free Food" in text(await group.press("Zed", "take 1"))
    assert text(await group.say("Eli", "/take O9")) == "There is no offer O9."


async def test_the_offerer_confirms_each_hand_over_once(group: Harness) -> None:
    await group.say("Dev", BREAD, group=None)
    taken = await group.press("Eli", "take 1")
    note = next(s for s in taken if s.chat_id == "dm:dev")
    handed = note.buttons[0]
    assert text(await group.press("Eli", handed, group=None, message_id=note.message_id)) == (
        "That button is not on that message (any more), so I did nothing."
    )
    assert text(await group.say("Eli", f"/{handed}", group=None)) == (
        "Only the person who made the offer can confirm a hand-over."
    )
    assert text(await group.press("Dev", handed, group=None)) == "Noted: handed over. Thank you!"
    assert text(await group.press("Dev", handed, group=None)) == (
        "That hand-over was already noted."
    )


async def test_an_offer_ends_by_hand_or_by_time(group: Harness) -> None:
    await group.say("Dev", BREAD, group=None)
    await group.say("Dev", "/offer food Eastside until sunday: 2 jars of soup", group=None)
    assert "Only the person who made O1" in text(await group.say("Eli", "/close O1", group=None))
    ended = await group.say("Dev", "/close O1", group=None)
    assert any(s.edit and s.text.endswith("This offer has ended.") for s in ended)
    group.clock.advance(days=5)
    expired = await group.fire_due()
    assert any(
        s.edit and s.text.startswith("O2") and "This offer has ended." in s.text for s in expired
    )
    assert text(await group.say("Eli", "/offers")) == "Nothing open right now."


async def test_a_new_request_tells_matching_offerers_once(group: Harness) -> None:
    await group.say("Dev", BREAD, group=None)
    await group.say("Ben", "/offer food Westside: 5 cans of beans", group=None)
    seen = await group.say("Eli", "/request food eastside by friday: bread", group=None)
    assert "A new request may fit your offer O1:" in in_chat(seen, "dm:dev")
    assert in_chat(seen, "dm:ben") == ""  # another area
    again = await group.say("Dev", "/offer food Eastside: 2 more loaves", group=None)
    assert "An offer may fit your request R1:" in in_chat(again, "dm:eli")
    assert in_chat(again, "dm:dev").count("R1") == 0  # not about his own offer


async def test_a_new_offer_tells_requesters_once_and_never_the_offerer(group: Harness) -> None:
    await group.say("Eli", "/request food Eastside by friday: bread", group=None)
    await group.say("Dev", "/request food Eastside by friday: flour", group=None)
    seen = await group.say("Dev", BREAD, group=None)
    assert "An offer may fit your request R1:" in in_chat(seen, "dm:eli")
    assert "fit your request" not in in_chat(seen, "dm:dev")
    assert seen[-1].buttons == ("take 1",)


async def test_lists_filter_and_page(group: Harness) -> None:
    for n in range(12):
        await group.say("Eli", f"/request food Eastside by friday: box {n}", group=None)
    await group.say("Eli", "/request ride Westside by friday: to the clinic", group=None)
    first = text(await group.say("Ben", "/requests"))
    assert first.startswith("13 open requests:") and "Page 1 of 2: /requests 2" in first
    assert "box 11" not in first and "box 10" in text(await group.say("Ben", "/requests 2"))
    rides = text(await group.say("Ben", "/requests ride"))
    assert rides.startswith("1 open request:") and "to the clinic" in rides
    west = text(await group.say("Ben", "/requests westside"))
    assert west.startswith("1 open request:")


async def test_mine_shows_what_i_asked_help_with_and_offer(group: Harness) -> None:
    await group.say("Eli", "/request food Eastside by friday: bread", group=None)
    await group.say("Ben", "/request ride Eastside by friday: a lift", group=None)
    await group.press("Eli", "claim 2")
    await group.say("Eli", BREAD, group=None)
    mine = text(await group.say("Eli", "/mine", group=None))
    assert mine.splitlines()[0] == "Your requests:"
    assert "R1 · food · Eastside" in mine and "(open)" in mine
    assert "You are helping with:\nR2" in mine and "(being helped)" in mine
    assert "Your offers:\nO1" in mine
    assert "You have no requests" in text(await group.say("Dev", "/mine", group=None))


async def test_an_ended_offer_cannot_end_again_nor_be_taken(group: Harness) -> None:
    await group.say("Dev", BREAD, group=None)
    await group.say("Dev", "/close O1", group=None)
    assert text(await group.say("Dev", "/close O1", group=None)) == "O1 has already ended."
    assert text(await group.say("Eli", "/take O1")) == (
        "Sorry, O1 has all been taken or has ended."
    )
