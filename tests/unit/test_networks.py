"""A network of groups is formed, joined and left only by each group's own binding
proposal; a code lets a group propose to join, nothing more; a sibling group sees a group's
name, what it serves and where, never who is on its roster."""

import re

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Built
from tests.decide import FOUNDERS
from tests.harness import Harness, Seen, in_chat, text

BAKERS = ("Fay", "Gus", "Hana")
CODE = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")


async def passed(
    bot: Harness, line: str, group: str = "food", voters: tuple[str, ...] = FOUNDERS
) -> list[Seen]:
    """A binding proposal of `group`, everyone agreeing: what its close brought."""
    posted = await bot.say(voters[0], f"/propose {line}", group=group)
    agree = next(s for s in posted if s.buttons and s.buttons[0].startswith("vote P")).buttons[0]
    seen: list[Seen] = []
    for who in voters:
        seen += await bot.press(who, agree, group=group)
    return seen


@pytest.fixture
async def bot(engine: AsyncEngine) -> Harness:
    """Replayed on SQLite and on a real PostgreSQL: joining and leaving lock the network."""
    return Harness(engine)


async def _two_groups(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Fay", "/setup Bakery", group="bakery")
    for who in (*BAKERS[1:], "Ben"):  # Ben is on both rosters
        await bot.say(who, "/join", group="bakery")
    await bot.say("Ben", "/start", group=None)
    bot.clock.advance(days=2)
    await bot.fire_due()


@pytest.fixture
async def two(bot: Harness, built: Built) -> Harness:
    """Free Food (Ana, Ben, Chioma, Dev trusted; Eli a newcomer) and Bakery (Fay, Gus, Hana
    and Ben, trusted), in no network; Ben has a private chat with minga."""
    await built(bot, _two_groups)
    return bot


async def formed(bot: Harness) -> str:
    """Free Food forms the Barquisimeto network; the join code it posts."""
    closed = in_chat(
        await passed(bot, "Form a network do network create Barquisimeto"), "group:food"
    )
    found = CODE.search(closed)
    assert found, closed
    return found.group()


BAKERS_AND_BEN = (*BAKERS, "Ben")


async def test_a_group_forms_a_network_by_proposal_and_gets_a_code_to_share(two: Harness) -> None:
    closed = in_chat(
        await passed(two, "Form a network do network create Barquisimeto"), "group:food"
    )
    assert "Free Food formed the network Barquisimeto." in closed
    assert "/propose <title> do network join" in closed
    assert text(await two.say("Dev", "/network")) == (
        "The network Barquisimeto: 1 group.\n"
        "• Free Food – food, ride, errand, housing, legal, medical, childcare, other · any area"
    )


async def test_typing_it_directly_only_explains_that_it_needs_a_proposal(two: Harness) -> None:
    assert text(await two.say("Ana", "/network create Barquisimeto")) == (
        "Only Free Food as a whole forms, joins or leaves a network: by a binding "
        "proposal, like: /propose <title> do network create Barquisimeto"
    )
    assert text(await two.say("Ana", "/network leave")).startswith("Only Free Food as a whole")
    assert "Free Food is in no network." in text(await two.say("Ana", "/network"))


async def test_a_newcomer_cannot_propose_it(two: Harness) -> None:
    refused = text(await two.say("Eli", "/propose Ours do network create Eli's"))
    assert "Only trusted members make binding proposals" in refused
    assert text(await two.say("Ana", "/polls")) == "No open polls."


async def test_another_group_joins_with_the_code_and_the_network_is_told(two: Harness) -> None:
    code = await formed(two)
    seen = await passed(two, f"Join Barquisimeto do network join {code}", "bakery", BAKERS_AND_BEN)
    assert "Bakery joined the network Barquisimeto, with: Free Food." in in_chat(
        seen, "group:bakery"
    )
    assert in_chat(seen, "group:food") == "Bakery joined the network Barquisimeto."
    for where in ("food", "bakery"):
        shown = text(await two.say("Ben", "/network", group=where))
        assert shown.startswith("The network Barquisimeto: 2 groups.\n• Free Food – food")
        assert "\n• Bakery – food" in shown


async def test_a_sibling_sees_no_one_on_another_groups_roster(two: Harness) -> None:
    code = await formed(two)
    await passed(two, f"Join do network join {code}", "bakery", BAKERS_AND_BEN)
    shown = text(await two.say("Ana", "/network"))
    for name in (*BAKERS, "Ben", "Ana", "4", "5"):  # no names, no sizes
        assert name not in shown
    told = in_chat(two.seen, "group:food")
    for name in BAKERS:
        assert name not in told


@pytest.mark.parametrize("typed", ["ABCD-EFGH", "", "network"])
async def test_a_wrong_code_is_refused_when_proposed(two: Harness, typed: str) -> None:
    await formed(two)
    refused = text(await two.say("Fay", f"/propose Join do network join {typed}", group="bakery"))
    assert "That network code does not work (any more)." in refused
    assert text(await two.say("Fay", "/polls", group="bakery")) == "No open polls."


async def test_an_expired_code_is_refused(two: Harness) -> None:
    code = await formed(two)
    two.clock.advance(days=8)
    refused = text(await two.say("Fay", f"/propose Join do network join {code}", group="bakery"))
    assert "That network code does not work (any more)." in refused


async def test_a_new_code_stops_the_old_one_and_comes_privately(two: Harness) -> None:
    old = await formed(two)
    seen = await two.say("Ben", "/network code")
    private = in_chat(seen, "dm:ben")
    assert "The join code of the network Barquisimeto:" in private
    assert in_chat(seen, "group:food") == ""  # nothing of it in the group
    new = CODE.search(private)
    assert new and new.group() != old
    assert "does not work" in text(
        await two.say("Fay", f"/propose Join do network join {old}", group="bakery")
    )
    assert "P" in text(
        await two.say("Fay", f"/propose Join do network join {new.group()}", group="bakery")
    )


async def test_only_trusted_members_get_a_code(two: Harness) -> None:
    await formed(two)
    assert text(await two.say("Eli", "/network code")) == (
        "Only trusted members get the network's join code."
    )


async def test_a_group_joins_one_network_at_most(two: Harness) -> None:
    code = await formed(two)
    refused = text(await two.say("Ana", f"/propose Again do network join {code}"))
    assert refused == (
        "Free Food is already in the network Barquisimeto: a group is in one network at most."
    )
    assert "already in the network Barquisimeto" in text(
        await two.say("Ana", "/propose Second do network create Lara")
    )
    await passed(two, f"Join do network join {code}", "bakery", BAKERS_AND_BEN)
    await two.say("Fay", "/network leave", group="bakery")  # only explains
    assert "Bakery is already in the network Barquisimeto" in text(
        await two.say("Fay", f"/propose Twice do network join {code}", group="bakery")
    )


async def test_two_open_proposals_to_join_carry_out_once(two: Harness) -> None:
    code = await formed(two)
    for title in ("One", "Two"):
        await two.say("Fay", f"/propose {title} do network join {code}", group="bakery")
    for poll in ("P2", "P3"):
        for who in BAKERS_AND_BEN:
            seen = await two.press(who, f"vote {poll} 1", group="bakery")
    assert "P3 passed, but I cannot carry it out: Bakery is already in the network" in text(seen)
    assert "2 groups" in text(await two.say("Ana", "/network"))


async def test_leaving_when_in_no_network_is_refused(two: Harness) -> None:
    assert text(await two.say("Ana", "/propose Out do network leave")) == (
        "Free Food is in no network."
    )


async def test_a_blocked_join_joins_nothing(two: Harness) -> None:
    code = await formed(two)
    await two.say("Fay", f"/propose Join do network join {code}", group="bakery")
    await two.say("Gus", "/vote P2 block not before we talk", group="bakery")
    for who in ("Fay", "Hana", "Ben"):
        await two.press(who, "vote P2 1", group="bakery")
    assert "Bakery is in no network." in text(await two.say("Fay", "/network", group="bakery"))
    assert "1 group." in text(await two.say("Ana", "/network"))
    assert "Bakery" not in in_chat(two.seen, "group:food")


async def test_leaving_tells_the_others_and_the_last_ends_it(two: Harness) -> None:
    code = await formed(two)
    await passed(two, f"Join do network join {code}", "bakery", BAKERS_AND_BEN)
    seen = await passed(two, "Out do network leave", "bakery", BAKERS_AND_BEN)
    assert in_chat(seen, "group:food") == "Bakery left the network Barquisimeto."
    assert "1 group." in text(await two.say("Ana", "/network"))
    # The code went around with the group that left: it brings nobody in now.
    assert "does not work" in text(
        await two.say("Fay", f"/propose Back do network join {code}", group="bakery")
    )
    ended = in_chat(await passed(two, "Out do network leave"), "group:food")
    assert "Free Food left the network Barquisimeto, the last group in it: it has ended." in ended
    assert "Free Food is in no network." in text(await two.say("Ana", "/network"))
    assert "Free Food formed the network Barquisimeto." in in_chat(
        await passed(two, "Again do network create Barquisimeto"), "group:food"
    )


async def test_a_network_name_is_taken_once(two: Harness) -> None:
    await formed(two)
    refused = text(
        await two.say("Fay", "/propose Ours do network create barquisimeto", group="bakery")
    )
    assert refused == "There is already a network called barquisimeto."


async def test_in_spanish_by_the_words_of_spanish(two: Harness) -> None:
    await two.say("Fay", "/ajustar idioma es", group="bakery")
    closed = await passed(two, "Formar la red hacer red crear Lara", "bakery", BAKERS_AND_BEN)
    assert "Bakery formó la red Lara." in in_chat(closed, "group:bakery")
    assert text(await two.say("Fay", "/red", group="bakery", language="es")).startswith(
        "La red Lara: 1 grupo."
    )


async def test_the_network_shows_each_groups_areas_in_the_readers_language(two: Harness) -> None:
    code = await formed(two)
    await passed(two, f"Join do network join {code}", "bakery", BAKERS_AND_BEN)
    await two.say("Fay", "/set categories food, ride", group="bakery")
    await two.say("Fay", "/set areas Centro, Barrio Norte", group="bakery")
    shown = text(await two.say("Ana", "/network"))
    assert (
        "\n• Free Food – food, ride, errand, housing, legal, medical, childcare, other · any area"
        in shown
    )
    assert shown.endswith("\n• Bakery – food, ride · areas: Centro, Barrio Norte")
    await two.say("Ana", "/set language es")
    shown = text(await two.say("Ana", "/red", language="es"))
    assert "\n• Bakery – comida, transporte · zonas: Centro, Barrio Norte" in shown
    assert "· cualquier zona" in shown
    await two.say("Ana", "/ajustar idioma pt")
    shown = text(await two.say("Ana", "/rede", language="pt"))
    assert "\n• Bakery – comida, carona · áreas: Centro, Barrio Norte" in shown
    assert "· qualquer área" in shown
