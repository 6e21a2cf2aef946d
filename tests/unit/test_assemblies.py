"""A network assembly: a poll of the whole network, opened by a trusted member of one of its
groups, posted in every group's chat, voted by everyone on the groups' rosters once each,
counted against all of them, with each group's part shown."""

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.export import group_records
from tests.conftest import Built
from tests.harness import OTHER_PLATFORM, Harness, in_chat, text
from tests.unit.test_links import code_in
from tests.unit.test_networks import CODE, formed, passed
from tests.unit.test_web import WEB, link_of, page

CHATS = ("group:food", "group:bakery", "group:garden")
BAKERY = ("Fay", "Gus", "Hana", "Ben")
GARDEN = ("Ivo", "Jo", "Ben", "Ana")


async def _three_groups(bot: Harness) -> None:
    """Free Food (Ana, Ben, Chioma, Dev; Eli a newcomer), Bakery (Fay, Gus, Hana, Ben) and
    Garden (Ivo, Jo, Ben, Ana) in the network Barquisimeto; Choir (Kai, Lu) in none. Ben is on
    three rosters, Ana on two, everyone else on one: ten people."""
    await bot.setup_group()
    await bot.say("Eli", "/join")
    for founder, name, members in (("Fay", "Bakery", BAKERY), ("Ivo", "Garden", GARDEN)):
        await bot.say(founder, f"/setup {name}", group=name.casefold())
        for who in members[1:]:
            await bot.say(who, "/join", group=name.casefold())
    await bot.say("Kai", "/setup Choir", group="choir")
    await bot.say("Lu", "/join", group="choir")
    for who in ("Ana", "Ben", "Dev", "Zed"):
        await bot.say(who, "/start", group=None)
    bot.clock.advance(days=2)
    await bot.fire_due()
    code = await formed(bot)
    await passed(bot, f"Join do network join {code}", "bakery", BAKERY)
    await passed(bot, f"Join do network join {code}", "garden", GARDEN)
    bot.seen.clear()


@pytest.fixture
async def bot(engine: AsyncEngine) -> Harness:
    return Harness(engine)


@pytest.fixture
async def net(bot: Harness, built: Built) -> Harness:
    await built(bot, _three_groups)
    return bot


async def test_it_is_posted_in_every_chat_of_the_network(net: Harness) -> None:
    seen = await net.say("Dev", "/propose Share the truck ; network")
    for chat in CHATS:
        post = in_chat(seen, chat)
        assert "P4 · proposal · Share the truck" in post
        assert "For the whole network Barquisimeto." in post
        assert "Voted: 0 of 10 · Free Food 0 of 5 · Bakery 0 of 4 · Garden 0 of 4" in post
    assert in_chat(seen, "group:choir") == ""


async def test_a_person_on_one_two_or_three_rosters_votes_once(net: Harness) -> None:
    await net.say("Dev", "/propose Share the truck ; network")
    await net.say("Ben", "/vote P4 agree", group="bakery")
    changed = await net.say("Ben", "/vote P4 disagree", group="garden")
    assert "Your vote on P4 is changed." in text(changed)
    await net.say("Ana", "/vote P4 agree", group="garden")
    await net.press("Gus", "vote P4 1", group="bakery")  # agree, on Bakery's post
    seen = await net.later(seconds=5)
    for chat in CHATS:
        [edit] = [s for s in seen if s.chat_id == chat and s.edit]
        # Ben counts in each of his three groups' parts, and once in the total.
        assert "Voted: 3 of 10 · Free Food 2 of 5 · Bakery 2 of 4 · Garden 2 of 4" in edit.text
        assert "2 (67%)" in edit.text and "disagree ███░░░░░░░ 1 (33%)" in edit.text


async def test_quorum_counts_against_everyone_on_the_rosters(net: Harness) -> None:
    await net.say("Dev", "/propose Share the truck ; network quorum 50")
    for who in ("Ana", "Ben", "Chioma", "Dev"):  # four of Free Food's five: 4 of 10
        await net.say(who, "/vote P4 agree")
    closed = await net.say("Dev", "/close P4")
    for chat in CHATS:
        assert "Too few voted: no decision." in in_chat(closed, chat)


async def test_when_everyone_has_voted_it_closes_in_every_chat(net: Harness) -> None:
    await net.say("Dev", "/poll consent Share the truck ; network")
    seen = []
    for who, where in (
        *((w, "food") for w in ("Ana", "Ben", "Chioma", "Dev", "Eli")),
        *((w, "bakery") for w in ("Fay", "Gus", "Hana")),
        *((w, "garden") for w in ("Ivo", "Jo")),
    ):
        seen = await net.say(who, "/vote P4 no objection", group=where)
    for chat in CHATS:
        assert "P4 is closed: Share the truck" in in_chat(seen, chat)


async def test_a_secret_network_vote_is_cast_once(net: Harness) -> None:
    await net.say("Dev", "/poll consent Share the truck ; network secret")
    assert "Your secret vote on P4 is counted." in text(
        await net.say("Ben", "/vote P4 no objection", group=None)
    )
    assert "a secret vote cannot be changed" in text(
        await net.say("Ben", "/vote P4 objection too far", group=None)
    )
    # On no roster of the network, Zed learns neither that P4 exists nor the network's name.
    assert text(await net.say("Zed", "/vote P4 no objection", group=None)) == (
        "There is no poll P4."
    )


async def test_a_newcomer_cannot_open_one(net: Harness) -> None:
    assert text(await net.say("Eli", "/propose Share the truck ; network")) == (
        "Only trusted members open a poll for the whole network Barquisimeto."
    )


async def test_a_group_in_no_network_cannot(net: Harness) -> None:
    assert text(await net.say("Kai", "/propose Sing ; network", group="choir")) == (
        "Choir is in no network: leave out the word network."
    )


async def test_a_network_proposal_carries_no_action(net: Harness) -> None:
    refused = text(await net.say("Dev", "/propose Longer polls do set poll_days 5 ; network"))
    assert refused.startswith("A network proposal cannot make me do anything")


async def test_in_spanish(net: Harness) -> None:
    await net.say("Fay", "/set language es", group="bakery")
    seen = await net.say(
        "Gus", "/propuesta Compartir el camión ; red", group="bakery", language="es"
    )
    post = in_chat(seen, "group:bakery")
    assert "Para toda la red Barquisimeto." in post
    assert "Votaron: 0 de 10 · Free Food 0 de 5 · Bakery 0 de 4 · Garden 0 de 4" in post
    assert "For the whole network Barquisimeto." in in_chat(seen, "group:food")


async def test_every_group_of_the_network_lists_it(net: Harness) -> None:
    await net.say("Dev", "/propose Share the truck ; network")
    await net.say("Gus", "/propose Bake on Sundays", group="bakery")
    assert text(await net.say("Jo", "/polls", group="garden")) == (
        "Open polls:\nP4 · proposal · Share the truck · closes Fri 13 Mar 09:00"
    )
    assert text(await net.say("Ben", "/polls", group=None)) == (
        "Open polls:\n"
        "P4 · proposal · Share the truck · closes Fri 13 Mar 09:00\n"
        "P5 · proposal · Bake on Sundays · closes Fri 13 Mar 09:00"
    )
    shown = text(await net.say("Jo", "/network", group="garden"))
    assert shown.endswith(
        "Open assemblies:\nP4 · proposal · Share the truck · closes Fri 13 Mar 09:00\n"
        "To vote: /vote P<number>."
    )


async def test_a_groups_export_names_only_its_own_voters(net: Harness) -> None:
    await net.say("Dev", "/propose Share the truck ; network")
    for who, where in (("Dev", "food"), ("Ben", "bakery"), ("Gus", "bakery")):
        await net.say(who, "/vote P4 agree", group=where)
    async with net.core.uow() as uow:
        records = await group_records(uow, "Free Food")
    assert records is not None
    [assembly] = [p for p in records["polls"] if p["poll"] == "P4"]
    assert [v["name"] for v in assembly["votes"]] == ["Ben", "Dev"]  # not Gus, of Bakery


async def test_two_linked_accounts_on_two_rosters_are_one_voter(net: Harness) -> None:
    """Jo is on Garden's roster here and, from another platform's chat of Bakery, on
    Bakery's; once she links her accounts she is one voter on both."""
    chat_code = code_in(text(await net.say("Fay", "/link", group="bakery")))
    await net.say("Fay", f"/link {chat_code}", group="bakery", platform=OTHER_PLATFORM)
    await net.say("Jo", "/join", group="bakery", platform=OTHER_PLATFORM)
    seen = await net.say("Dev", "/propose Share the truck ; network")
    assert "Voted: 0 of 11 · Free Food 0 of 5 · Bakery 0 of 5 · Garden 0 of 4" in text(seen)
    code = code_in(text(await net.say("Jo", "/link", group=None)))
    await net.say("Jo", f"/link {code}", group=None, platform=OTHER_PLATFORM)
    await net.say("Jo", "/vote P4 agree", group="bakery", platform=OTHER_PLATFORM)
    changed = await net.say("Jo", "/vote P4 disagree", group="garden")
    assert "Your vote on P4 is changed." in text(changed)
    [edit] = [s for s in await net.later(seconds=5) if s.chat_id == "group:garden" and s.edit]
    assert "Voted: 1 of 10 · Free Food 0 of 5 · Bakery 1 of 5 · Garden 1 of 4" in edit.text


async def test_everyone_on_the_rosters_who_has_not_voted_is_reminded_once(net: Harness) -> None:
    await net.say("Dev", "/propose Share the truck ; network days 3")
    await net.say("Ben", "/vote P4 agree", group="bakery")
    for who in ("Fay", "Jo"):
        await net.say(who, "/start", group=None)
    reminded = await net.later(days=2)
    told = [s for s in reminded if "P4 closes in a day" in s.text]
    # Ben voted; Ana is on two rosters and told once; Zed is on none.
    assert sorted(s.chat_id for s in told) == ["dm:ana", "dm:dev", "dm:fay", "dm:jo"]


async def test_a_reminder_speaks_the_language_of_the_voters_own_group(net: Harness) -> None:
    """Fay has said no language of her own: she hears Bakery's, not that of the group that
    opened the assembly."""
    await net.say("Fay", "/set language es", group="bakery")
    await net.say("Dev", "/propose Share the truck ; network days 3")
    for who in ("Fay", "Dev"):
        await net.say(who, "/start", group=None)
    reminded = {s.chat_id: s.text for s in await net.later(days=2)}
    assert reminded["dm:fay"].startswith("P4 se cierra en un día")
    assert reminded["dm:dev"].startswith("P4 closes in a day")


async def test_a_group_that_joins_while_it_is_open_takes_part(net: Harness) -> None:
    """The electorate is the union of the network's rosters: a group that joins while an
    assembly is open gets its post, finds it in /network and /polls, and its roster votes
    and counts, as a person who joins a group's roster meanwhile does on the group's polls."""
    await net.say("Dev", "/propose Share the truck ; network")
    net.clock.advance(minutes=1)
    found = CODE.search(in_chat(await net.say("Ana", "/network code"), "dm:ana"))
    assert found
    code = found.group()
    joined = await passed(net, f"Join do network join {code}", "choir", ("Kai", "Lu"))
    [post] = [s for s in joined if s.chat_id == "group:choir" and "P4 ·" in s.text]
    assert "For the whole network Barquisimeto." in post.text
    assert "Voted: 0 of 12 · Free Food 0 of 5 · Bakery 0 of 4 · Garden 0 of 4 · Choir 0 of 2" in (
        post.text
    )
    assert post.buttons[0] == "vote P4 1"
    for chat in CHATS:  # the others' posts count the newcomers in
        [edit] = [s for s in joined if s.chat_id == chat and s.edit and "P4 ·" in s.text]
        assert "Voted: 0 of 12 ·" in edit.text and "Choir 0 of 2" in edit.text
    shown = text(await net.say("Lu", "/network", group="choir"))
    assert "Open assemblies:\nP4 · proposal · Share the truck · closes Fri 13 Mar 09:00" in shown
    assert shown.endswith("To vote: /vote P<number>.")
    assert text(await net.say("Lu", "/polls", group="choir")).startswith("Open polls:\nP4 ·")
    assert "Your vote on P4 is counted." in text(await net.say("Lu", "/vote P4 agree", "choir"))
    await net.press("Kai", "vote P4 1", group="choir")
    seen = await net.later(seconds=5)
    assert {s.chat_id for s in seen if s.edit and "P4 ·" in s.text} == {*CHATS, "group:choir"}
    assert "Voted: 2 of 12 · Free Food 0 of 5 · Bakery 0 of 4 · Garden 0 of 4 · Choir 2 of 2" in (
        text(seen)
    )


async def test_a_group_that_leaves_while_it_is_open_no_longer_votes(net: Harness) -> None:
    await net.say("Dev", "/propose Share the truck ; network")
    await passed(net, "Out do network leave", "garden", GARDEN)
    # Out of the network, Garden is as any other group: P4 is a number that does not exist.
    assert text(await net.say("Jo", "/vote P4 agree", group="garden")) == "There is no poll P4."
    await net.say("Gus", "/vote P4 agree", group="bakery")
    seen = await net.later(seconds=5)
    # Ben and Ana, on Garden's roster too, still vote through their other groups.
    assert "Voted: 1 of 8 · Free Food 0 of 5 · Bakery 1 of 4" in text(seen)
    assert "Garden" not in text(seen)


async def test_a_week_page_shows_the_assembly_and_how_many_voted(net: Harness) -> None:
    """Bakery's page lists the network's assembly with everyone who voted, from any group."""
    net.web = WEB
    await net.say("Fay", "/set web on", group="bakery")
    await net.say("Dev", "/propose Share the truck ; network")
    for who, group in (("Ben", "bakery"), ("Ana", "garden"), ("Dev", "food")):
        await net.say(who, "/vote P4 agree", group=group)
    await net.say("Gus", "/start", group=None)
    token = await link_of(net, "Gus", group="bakery")
    shown = await page(net, token)
    assert shown is not None
    assert [(p.number, p.title, p.voted) for p in shown.polls] == [("P4", "Share the truck", 3)]
