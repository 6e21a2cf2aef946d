"""Everyone can see what minga keeps about them and have it erased."""

import pytest

from tests.harness import Harness, in_chat, text


@pytest.fixture
async def busy(group: Harness) -> Harness:
    """Eli asked for bread, helps Ben with a lift, and offers jam."""
    bot = group
    await bot.say("Eli", "/request food Eastside by friday: bread for the kids", group=None)
    await bot.say("Ben", "/request ride Eastside by friday: a lift", group=None)
    await bot.press("Eli", "claim 2")
    await bot.say("Eli", "/offer food Eastside: 4 jars of jam", group=None)
    return bot


async def test_mydata_shows_everything_kept(busy: Harness) -> None:
    data = text(await busy.say("Eli", "/mydata", group=None))
    for kept in ("Name: Eli", "Account: test @eli", "On the roster of Free Food since",
                 "R1 (asked, open): food · Eastside · bread for the kids",
                 "R2 (helping, being helped)", "O1: food · Eastside · 4 jars of jam"):
        assert kept in data
    assert text(await busy.say("Eli", "/mydata")).startswith("Please send /mydata")


async def test_forget_asks_first(busy: Harness) -> None:
    asked = await busy.say("Eli", "/forget", group=None)
    assert asked[0].buttons == (">yes", ">no")
    assert text(await busy.press("Eli", ">no", group=None)) == "Nothing was erased."
    assert "Name: Eli" in text(await busy.say("Eli", "/mydata", group=None))


async def test_forget_closes_what_is_open_tells_the_others_and_erases(busy: Harness) -> None:
    await busy.say("Eli", "/forget", group=None)
    seen = await busy.press("Eli", ">yes", group=None)
    assert in_chat(seen, "dm:eli") == ("Done: I have forgotten you. What you did stays in the "
                                       "groups' history without your name.")
    assert "The volunteer can't help with R2 after all" in in_chat(seen, "dm:ben")
    edits = [s.text for s in seen if s.edit]
    assert any(t.startswith("R1") and "Cancelled" in t for t in edits)
    assert "R2 · ride · Eastside · by Fri 6 Mar 18:00 · a lift" in edits  # open again
    assert any(t.startswith("O1") and "This offer has ended." in t for t in edits)
    assert "Eli" not in text(await busy.say("Ana", "/roster"))
    fresh = text(await busy.say("Eli", "/mydata", group=None))  # a new person, known anew
    assert "On the roster" not in fresh and "R1" not in fresh and "O1" not in fresh
    async with busy.core.uow() as uow:
        request = await uow.requests.get(1)
    assert request is not None and request.requester_id is None


async def test_a_forgotten_person_can_come_back(busy: Harness) -> None:
    await busy.say("Eli", "/forget", group=None)
    await busy.press("Eli", ">yes", group=None)
    back = await busy.say("Eli", "/join")
    assert "Welcome, Eli!" in text(back)
    assert "Ana vouched for Eli" in text(await busy.say("Ana", "/trust @eli"))
    assert "Hello Eli!" in text(await busy.say("Eli", "/start", group=None))
