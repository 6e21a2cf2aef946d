"""What a sibling group sees of the network's shared things besides the posts: `/requests`
lists the requests offered to it, `/offers` the offers shared with it, `/network` the
network's open referrals and assemblies. Each shows only what the group's own posts show,
to the groups in the network now, and nothing to any other group."""

import asyncio
import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dispatch import handle
from bot.messages import Message
from tests.conftest import Built
from tests.harness import Harness, in_chat, text
from tests.unit.test_networks import passed
from tests.unit.test_referrals import BAKERS, found_group, siblings

SINGERS = ("Kai", "Lu")
ASKED = "/request food Eastside network: 2 boxes for a family of 4"
REFERRED = (
    "R1 · food · Eastside · as soon as possible · 2 boxes for a family of 4 · "
    "from Free Food, in the network"
)
SHARED = "/offer food Eastside until saturday network: 3 loaves of bread"


async def network(bot: Harness) -> None:
    """test_referrals' network: Free Food (Ana, Ben, Chioma, Dev; Eli a newcomer), Bakery
    (Fay, Gus, Hana) and Books (Ida, Jon, Kim; it serves no food) in Barquisimeto; and here
    Choir (Kai, Lu) in none, and Dev with a private chat with minga."""
    await siblings(bot)
    await bot.say("Dev", "/start", group=None)
    await found_group(bot, "choir", "Choir", SINGERS)
    bot.seen.clear()


@pytest.fixture
async def bot(engine: AsyncEngine) -> Harness:
    """Replayed on SQLite and on a real PostgreSQL: the lists are read in SQL."""
    return Harness(engine)


@pytest.fixture
async def net(bot: Harness, built: Built) -> Harness:
    await built(bot, network)
    return bot


async def referred(net: Harness, line: str = ASKED) -> None:
    """Eli asks, agreeing to the network; nobody at home takes it in a day: Bakery has it."""
    await net.say("Eli", line, group=None)
    await net.later(hours=24)


def post_in(net: Harness, chat: str, number: str) -> str:
    return [s.text for s in net.seen if s.chat_id == f"group:{chat}" and number in s.text][-1]


# --- /requests -------------------------------------------------------------------------------


async def test_a_sibling_lists_the_requests_offered_to_it(net: Harness) -> None:
    await net.say("Eli", ASKED, group=None)
    await net.later(hours=23)
    assert text(await net.say("Gus", "/requests", group="bakery")) == "Nothing open right now."
    await net.later(hours=1)
    assert text(await net.say("Gus", "/requests", group="bakery")) == (
        "1 open request:\n" + REFERRED
    )
    # Privately, from each of the person's groups: Gus is on Bakery's roster.
    assert text(await net.say("Gus", "/requests", group=None)) == "1 open request:\n" + REFERRED
    # At home, it is one of the group's own, as before.
    assert text(await net.say("Ben", "/requests")) == (
        "1 open request:\nR1 · food · Eastside · as soon as possible · 2 boxes for a family of 4"
    )


async def test_its_own_and_the_referred_ones_are_listed_together_and_filtered(
    net: Harness,
) -> None:
    await referred(net)
    await net.say("Hana", "/request food Westside urgent: bread for the shelter", group=None)
    await net.say("Gus", "/request ride Westside: to the market", group=None)
    listed = text(await net.say("Fay", "/requests", group="bakery"))
    assert listed == (
        "3 open requests:\n"
        "R2 · URGENT · food · Westside · as soon as possible · bread for the shelter\n"
        + REFERRED
        + "\nR3 · ride · Westside · as soon as possible · to the market"
    )
    assert text(await net.say("Fay", "/requests eastside", group="bakery")) == (
        "1 open request:\n" + REFERRED
    )
    assert text(await net.say("Fay", "/requests ride", group="bakery")) == (
        "1 open request:\nR3 · ride · Westside · as soon as possible · to the market"
    )


async def test_a_sibling_takes_it_by_its_number_as_from_the_post(net: Harness) -> None:
    await referred(net)
    seen = await net.say("Gus", "/claim R1", group="bakery")
    assert "Good news: Gus, a volunteer of Bakery, will help with R1." in in_chat(seen, "dm:eli")
    assert post_in(net, "food", "R1").endswith("✋ A volunteer of Bakery is helping.")
    assert post_in(net, "bakery", "R1").endswith("✋ Gus is helping.")
    assert text(await net.say("Fay", "/requests", group="bakery")) == "Nothing open right now."
    lost = await net.say("Hana", "/claim R1", group=None)
    assert text(lost) == "R1 was just taken by Gus."


async def test_claims_typed_at_once_in_two_groups_make_one_winner(net: Harness) -> None:
    """By its number, as by the post's button: one conditional update of the one request,
    whichever group's chat it is typed in."""
    await referred(net)
    claims = [
        Message(
            uuid.uuid4().hex,
            net.group_chat(where),
            net.sender(who),
            "/claim R1",
            bot_name="mingabot",
        )
        for who, where in (("Gus", "bakery"), ("Ben", "food"), ("Hana", "bakery"))
    ]
    await asyncio.gather(*(handle(net.core, claim) for claim in claims))
    seen = await net.flush()
    assert sum("will help with R1" in s.text for s in seen if s.chat_id == "dm:eli") == 1
    async with net.core.uow() as uow:
        request = await uow.requests.get(1)
    assert request is not None and request.state == "claimed"
    helpers = {"Gus": "bakery", "Ben": "food", "Hana": "bakery"}
    [winner] = [w for w in helpers if f"Good news: {w}" in in_chat(seen, "dm:eli")]
    assert post_in(net, helpers[winner], "R1").endswith(f"✋ {winner} is helping.")


async def test_the_list_never_names_who_asked_nor_shows_more_than_the_post(net: Harness) -> None:
    """Eli shows her name to her own group and shares her contact: neither crosses over."""
    await net.say("Fay", "/set categories food, legal", group="bakery")
    await net.say("Eli", "/request", group=None)
    for answer in ("food", "2 boxes", "Eastside", "asap", "urgent", "share", "yes", "yes"):
        await net.say("Eli", answer, group=None)
    assert "asked by Eli" in post_in(net, "food", "R1")
    await net.later(hours=24)
    post = post_in(net, "bakery", "R1")
    for who, where in (("Gus", "bakery"), ("Gus", None)):
        listed = text(await net.say(who, "/requests", group=where))
        assert "R1" in listed
        assert "Eli" not in listed and "@eli" not in listed
        [line] = [li for li in listed.splitlines() if "R1" in li]
        # Every part of the line is on the post, but the mark of where it comes from,
        # which the post says too.
        parts = line.split(" · ")
        assert parts[-1] == "from Free Food, in the network"
        assert "From Free Food, in the network:" in post
        assert all(part in post for part in parts[:-1]), (parts, post)


async def test_a_group_it_was_not_offered_to_does_not_list_it(net: Harness) -> None:
    await referred(net)
    for who, where in (("Ida", "books"), ("Kai", "choir")):
        assert text(await net.say(who, "/requests", group=where)) == "Nothing open right now."
    assert text(await net.say("Ida", "/requests", group=None)) == "Nothing open right now."


async def test_a_group_that_left_the_network_no_longer_lists_it(net: Harness) -> None:
    await referred(net)
    await passed(net, "Leave do network leave", "bakery", BAKERS)
    assert text(await net.say("Gus", "/requests", group="bakery")) == "Nothing open right now."
    assert text(await net.say("Gus", "/requests", group=None)) == "Nothing open right now."


async def test_a_request_taken_or_done_leaves_the_siblings_list(net: Harness) -> None:
    await referred(net)
    await net.press("Ben", "claim 1")
    assert text(await net.say("Gus", "/requests", group="bakery")) == "Nothing open right now."


@pytest.mark.parametrize(
    ("who", "where"),
    [("Ida", "books"), ("Kai", "choir"), ("Ida", None), ("Kai", None)],
)
async def test_claiming_one_not_offered_here_is_answered_as_a_number_that_does_not_exist(
    net: Harness, who: str, where: str | None
) -> None:
    """Books is in the network but was not offered R1; Choir is in no network. Neither
    learns that R1 exists, nor whose it is."""
    await referred(net)
    missing = text(await net.say(who, "/claim R99", group=where))
    assert missing == "There is no request R99."
    answer = text(await net.say(who, "/claim R1", group=where))
    assert answer == missing.replace("R99", "R1")
    assert post_in(net, "food", "R1").endswith("· 2 boxes for a family of 4")  # still open


async def test_in_spanish_the_sibling_reads_where_it_comes_from(net: Harness) -> None:
    await net.say("Fay", "/set language es", group="bakery")
    await referred(net)
    listed = text(await net.say("Gus", "/pedidos", group="bakery", language="es"))
    assert listed.endswith("· 2 boxes for a family of 4 · de Free Food, en la red")


# --- /offers ---------------------------------------------------------------------------------

OFFERED = "O1 · food · Eastside · until Sat 14 Mar 18:00 · 3 loaves of bread · {n} left"


async def test_a_sibling_lists_the_offers_shared_with_it(net: Harness) -> None:
    await net.say("Dev", SHARED, group=None)
    shared = OFFERED.format(n=3) + " · from the network"
    for who, where in (("Gus", "bakery"), ("Gus", None), ("Ida", "books")):
        assert text(await net.say(who, "/offers", group=where)) == "1 open offer:\n" + shared
    assert text(await net.say("Ben", "/offers")) == "1 open offer:\n" + OFFERED.format(n=3)


async def test_the_list_shows_nothing_the_post_does_not(net: Harness) -> None:
    """The sibling's post names the person who offers, not their group: a person's other
    groups are never shown to a group they are not on."""
    await net.say("Dev", SHARED, group=None)
    listed = text(await net.say("Gus", "/offers", group="bakery"))
    post = post_in(net, "bakery", "O1")
    assert "Free Food" not in listed and "Free Food" not in post
    [line] = [li for li in listed.splitlines() if "O1" in li]
    assert all(part in post for part in line.split(" · ")[:-1]), (line, post)


async def test_a_sibling_takes_from_it_by_number_until_none_is_left(net: Harness) -> None:
    await net.say("Dev", "/offer food Eastside network: 2 loaves of bread", group=None)
    taken = await net.say("Gus", "/take O1", group="bakery")
    assert "Gus (@gus) would like one of O1" in in_chat(taken, "dm:dev")
    assert text(await net.say("Fay", "/offers", group="bakery")) == (
        "1 open offer:\nO1 · food · Eastside · 2 loaves of bread · 1 left · from the network"
    )
    await net.say("Jon", "/take O1", group="books")
    assert text(await net.say("Fay", "/offers", group="bakery")) == "Nothing open right now."
    assert text(await net.say("Ben", "/offers")) == "Nothing open right now."


async def test_an_offer_not_shared_and_a_group_outside_are_not_shown(net: Harness) -> None:
    await net.say("Dev", "/offer food Eastside: 3 loaves of bread", group=None)
    await net.say("Ana", "/offer food Eastside until saturday network: jam", group=None)
    assert text(await net.say("Gus", "/offers", group="bakery")) == (
        "1 open offer:\nO2 · food · Eastside · until Sat 14 Mar 18:00 · jam · from the network"
    )
    assert text(await net.say("Kai", "/offers", group="choir")) == "Nothing open right now."


async def test_a_group_that_left_the_network_no_longer_lists_shared_offers(net: Harness) -> None:
    await net.say("Dev", SHARED, group=None)
    await passed(net, "Leave do network leave", "bakery", BAKERS)
    assert text(await net.say("Gus", "/offers", group="bakery")) == "Nothing open right now."
    assert text(await net.say("Gus", "/offers", group=None)) == "Nothing open right now."


async def test_in_portuguese_the_offer_is_marked_as_from_the_network(net: Harness) -> None:
    await net.say("Dev", SHARED, group=None)
    await net.say("Gus", "/language pt", group=None)
    listed = text(await net.say("Gus", "/ofertas", group=None))
    assert listed.endswith("· da rede"), listed


# --- /network --------------------------------------------------------------------------------


async def test_network_lists_the_open_referrals_each_group_sees(net: Harness) -> None:
    await referred(net)
    await net.say("Eli", "/request books Centre network-now: a novel", group=None)
    shown = text(await net.say("Gus", "/network", group="bakery"))
    assert shown.endswith(
        "Requests offered in the network and still open: 1.\n"
        "R1 · food · Eastside · from Free Food\n"
        "To help with one: /claim R<number>."
    )
    # Books serves no food: it is told how many, not which, until one is offered to it.
    assert text(await net.say("Ida", "/network", group="books")).endswith(
        "Requests offered in the network and still open: 1."
    )
    # Its own group sees which of its requests are out in the network.
    assert text(await net.say("Ana", "/network")).endswith(
        "R1 · food · Eastside · from Free Food\nTo help with one: /claim R<number>."
    )
    await net.press("Fay", "claim 1", group="bakery")
    assert "offered in the network" not in text(await net.say("Gus", "/network", group="bakery"))


async def test_network_shows_nothing_of_the_network_to_a_group_outside(net: Harness) -> None:
    await referred(net)
    await net.say("Dev", "/propose Share the truck ; network")
    shown = text(await net.say("Kai", "/network", group="choir"))
    assert shown.startswith("Choir is in no network.")
    assert "R1" not in shown and "Share the truck" not in shown


async def test_a_group_that_left_sees_none_of_the_networks_referrals(net: Harness) -> None:
    await referred(net)
    await passed(net, "Leave do network leave", "bakery", BAKERS)
    assert text(await net.say("Gus", "/network", group="bakery")).startswith(
        "Bakery is in no network."
    )


async def test_network_in_spanish(net: Harness) -> None:
    await net.say("Fay", "/set language es", group="bakery")
    await referred(net)
    await net.say("Dev", "/propose Share the truck ; network")
    shown = text(await net.say("Gus", "/red", group="bakery", language="es"))
    assert "Pedidos ofrecidos en la red y aún abiertos: 1.\n" in shown
    assert "R1 · comida · Eastside · de Free Food\nPara ayudar con uno: /ayudar R<número>." in shown
    assert shown.endswith("Para votar: /votar P<número>.")
