"""An offer shared with the network: posted in every group of it, each in its language, and
taken by anyone on the roster of one of those groups, counted down once wherever it is taken."""

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dispatch import handle
from bot.messages import ButtonPress
from tests.conftest import Built
from tests.harness import Harness, in_chat, text
from tests.unit.test_networks import BAKERS, BAKERS_AND_BEN, formed, passed

SHARED = "/offer food Eastside until saturday network: 3 loaves of bread"
LINE = "O1 · food · Eastside · until Sat 7 Mar 18:00 · 3 loaves of bread · offered by Dev"


async def _network(bot: Harness) -> None:
    """Free Food and Bakery, in the network Barquisimeto; Ben is on both rosters."""
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Fay", "/setup Bakery", group="bakery")
    for who in (*BAKERS[1:], "Ben"):
        await bot.say(who, "/join", group="bakery")
    for who in ("Dev", "Eli", "Gus", "Hana", "Zed"):
        await bot.say(who, "/start", group=None)
    bot.clock.advance(days=2)
    await bot.fire_due()
    code = await formed(bot)
    await passed(bot, f"Join do network join {code}", "bakery", BAKERS_AND_BEN)
    bot.seen.clear()


@pytest.fixture
async def bot(engine: AsyncEngine) -> Harness:
    """Replayed on SQLite and on a real PostgreSQL: the last one is taken once, at once."""
    return Harness(engine)


@pytest.fixture
async def two(bot: Harness, built: Built) -> Harness:
    await built(bot, _network)
    return bot


async def test_a_shared_offer_is_posted_in_every_group_of_the_network(two: Harness) -> None:
    seen = await two.say("Dev", SHARED, group=None)
    for chat in ("group:food", "group:bakery"):
        [post] = [s for s in seen if s.chat_id == chat]
        assert post.text == LINE + " · 3 left"
        assert post.buttons == ("take 1",)
    assert "O1 is posted in Free Food and shared with the network Barquisimeto." in in_chat(
        seen, "dm:dev"
    )


async def test_taken_in_the_sibling_group_it_counts_down_once_everywhere(two: Harness) -> None:
    await two.say("Dev", SHARED, group=None)
    seen = await two.press("Gus", "take 1", group="bakery")
    for chat in ("group:food", "group:bakery"):
        [edit] = [s for s in seen if s.chat_id == chat and s.edit]
        assert edit.text == LINE + " · 2 left"
    assert "Gus (@gus) would like one of O1" in in_chat(seen, "dm:dev")
    assert "arrange the hand-over with them: Dev (@dev)" in in_chat(seen, "dm:gus")
    await two.press("Eli", "take 1")
    last = await two.press("Hana", "take 1", group="bakery")
    for chat in ("group:food", "group:bakery"):
        [edit] = [s for s in last if s.chat_id == chat and s.edit]
        assert edit.text == LINE + " · 0 left\nAll taken." and edit.buttons == ()
    assert text(await two.say("Fay", "/take O1", group="bakery")) == (
        "Sorry, O1 has all been taken or has ended."
    )


async def test_the_last_one_taken_from_two_groups_at_once_goes_to_one(two: Harness) -> None:
    await two.say("Dev", "/offer food Eastside network: 1 loaf of bread", group=None)
    presses = [
        ButtonPress(
            f"press-{who}",
            two.group_chat(where),
            two.sender(who),
            two.showing(f"group:{where}", "take 1"),
            "take 1",
        )
        for who, where in (("Gus", "bakery"), ("Eli", "food"))
    ]
    await asyncio.gather(*(handle(two.core, press) for press in presses))
    await two.flush()
    assert sum(s.chat_id == "dm:dev" and "would like one of O1" in s.text for s in two.seen) == 1
    assert sum(s.text == "Sorry, O1 has all been taken or has ended." for s in two.seen) == 1
    async with two.core.uow() as uow:
        offer = await uow.offers.get(1)
    assert offer is not None and (offer.remaining, offer.state) == (0, "closed")


async def test_an_offer_not_shared_stays_in_its_group(two: Harness) -> None:
    seen = await two.say("Dev", "/offer food Eastside until saturday: 3 loaves", group=None)
    assert in_chat(seen, "group:food").startswith("O1 · food")
    assert in_chat(seen, "group:bakery") == ""
    # Nor does Bakery learn that O1 exists, nor whose it is.
    assert text(await two.say("Gus", "/take O1", group="bakery")) == "There is no offer O1."


async def test_no_one_off_the_networks_rosters_takes_it(two: Harness) -> None:
    await two.say("Dev", SHARED, group=None)
    assert "Only people on the roster of Bakery" in text(
        await two.press("Zed", "take 1", group="bakery")
    )
    # Privately, on no roster of the network, it is as a number that does not exist.
    assert text(await two.say("Zed", "/take O1", group=None)) == "There is no offer O1."


async def test_ending_it_ends_every_post(two: Harness) -> None:
    await two.say("Dev", SHARED, group=None)
    ended = await two.say("Dev", "/close O1", group=None)
    for chat in ("group:food", "group:bakery"):
        [edit] = [s for s in ended if s.chat_id == chat and s.edit]
        assert edit.text.endswith("This offer has ended.")


async def test_a_group_that_left_sees_no_new_shared_offers(two: Harness) -> None:
    await passed(two, "Out do network leave", "bakery", BAKERS_AND_BEN)
    seen = await two.say("Dev", SHARED, group=None)
    assert in_chat(seen, "group:food").startswith("O1 · food")
    assert in_chat(seen, "group:bakery") == ""
    # Nor does Bakery learn that O1 exists, nor whose it is.
    assert text(await two.say("Gus", "/take O1", group="bakery")) == "There is no offer O1."


async def test_a_group_in_no_network_cannot_share(group_alone: Harness) -> None:
    refused = text(await group_alone.say("Dev", SHARED, group=None))
    assert refused == (
        "Free Food is in no network, so the offer can only be for the group: "
        "leave out the word network."
    )
    assert "O1" not in in_chat(group_alone.seen, "group:food")


@pytest.fixture
async def group_alone(bot: Harness) -> Harness:
    await bot.setup_group()
    await bot.say("Dev", "/start", group=None)
    return bot


async def test_the_dialog_asks_only_in_a_network(two: Harness) -> None:
    answers = ("food", "3 loaves of bread", "Eastside", "saturday")
    for answer in ("/offer", *answers):
        asked = text(await two.say("Dev", answer, group=None))
    assert asked.startswith("Who should see it?")
    seen = await two.say("Dev", "The whole network Barquisimeto", group=None)
    assert in_chat(seen, "group:bakery") == LINE + " · 3 left"
    for answer in ("/offer", *answers):
        seen = await two.say("Dev", answer, group=None)
    seen = await two.say("Dev", "1", group=None)  # only Free Food
    assert in_chat(seen, "group:food").startswith("O2")
    assert in_chat(seen, "group:bakery") == ""


async def test_no_network_no_question(group_alone: Harness) -> None:
    for answer in ("/offer", "food", "3 loaves of bread", "Eastside"):
        await group_alone.say("Dev", answer, group=None)
    seen = await group_alone.say("Dev", "saturday", group=None)
    assert in_chat(seen, "group:food").startswith("O1 · food")


async def test_in_spanish_each_group_reads_it_in_its_language(two: Harness) -> None:
    await two.say("Fay", "/ajustar idioma es", group="bakery")
    seen = await two.say(
        "Hana", "/ofrecer comida Centro hasta sábado red: 10 panes", group=None, language="es"
    )
    assert in_chat(seen, "group:bakery") == (
        "O1 · comida · Centro · hasta el sáb 7 mar 18:00 · 10 panes · lo ofrece Hana · quedan 10"
    )
    assert in_chat(seen, "group:food") == (
        "O1 · food · Centro · until Sat 7 Mar 18:00 · 10 panes · offered by Hana · 10 left"
    )
    assert "O1 está publicada en Bakery y compartida con la red Barquisimeto." in in_chat(
        seen, "dm:hana"
    )
    taken = await two.press("Eli", "take 1")
    assert in_chat(taken, "group:bakery").endswith("quedan 9")
