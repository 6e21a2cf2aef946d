"""A request nobody in its group took is offered, with the asker's consent, to the sibling
groups of its network whose categories fit: anonymous as at home, claimed by one volunteer
network-wide, relayed as within a group."""

import pytest

from tests.conftest import Built
from tests.harness import Harness, in_chat, text
from tests.unit.test_networks import formed, passed

BAKERS = ("Fay", "Gus", "Hana")
READERS = ("Ida", "Jon", "Kim")


async def _group(bot: Harness, chat: str, name: str, founders: tuple[str, ...]) -> None:
    await bot.say(founders[0], f"/setup {name}", group=chat)
    for who in founders[1:]:
        await bot.say(who, "/join", group=chat)
    for who in founders:
        await bot.say(who, "/start", group=None)


async def _network(bot: Harness) -> None:
    """Free Food (Ana, Ben, Chioma, Dev; Eli a newcomer), Bakery (Fay, Gus, Hana) and Books
    (Ida, Jon, Kim; it serves no food) in the network Barquisimeto."""
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Eli", "/start", group=None)
    await _group(bot, "bakery", "Bakery", BAKERS)
    await _group(bot, "books", "Books", READERS)
    bot.clock.advance(days=2)
    await bot.fire_due()
    await bot.say("Ida", "/set categories books, ride", group="books")
    code = await formed(bot)
    await passed(bot, f"Join do network join {code}", "bakery", BAKERS)
    await passed(bot, f"Join do network join {code}", "books", READERS)
    bot.clock.advance(days=3)
    await bot.fire_due()


@pytest.fixture
async def net(bot: Harness, built: Built) -> Harness:
    await built(bot, _network)
    return bot


async def dialog(bot: Harness, category: str) -> list[str]:
    """Eli's dialog up to the question about the network; the buttons it offers."""
    await bot.say("Eli", "/request", group=None)
    for answer in (category, "some help", "Eastside", "asap", "normal", "relay", "no"):
        seen = await bot.say("Eli", answer, group=None)
    assert "May I offer it to the other groups of the network" in text(seen), text(seen)
    return list(seen[-1].buttons)


async def test_the_dialog_asks_whether_the_network_may_help_yes_proposed(net: Harness) -> None:
    assert await dialog(net, "food") == [">yes", ">no"]


async def test_for_a_sensitive_category_it_proposes_no(net: Harness) -> None:
    assert await dialog(net, "legal") == [">no", ">yes"]


async def test_a_group_in_no_network_is_not_asked(group: Harness) -> None:
    await group.say("Eli", "/request", group=None)
    for answer in ("food", "some help", "Eastside", "asap", "normal", "relay"):
        await group.say("Eli", answer, group=None)
    seen = await group.say("Eli", "no", group=None)
    assert "R1 is posted in Free Food" in in_chat(seen, "dm:eli")
