"""Binding proposals cannot be captured: by a newcomer, by someone off the roster, by one
voter, by closing early, or by sock puppets trusted while a removal is open."""

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import decisions
from tests.decide import decided
from tests.harness import Harness, in_chat, text


@pytest.fixture
async def bot(engine: AsyncEngine) -> Harness:
    """These attacks are replayed on SQLite and on a real PostgreSQL."""
    return Harness(engine)


MADRID = "Madrid time do set timezone Europe/Madrid"


async def roster(bot: Harness) -> str:
    return text(await bot.say("Ana", "/roster"))


async def settings(bot: Harness) -> str:
    return text(await bot.say("Ana", "/settings"))


async def test_a_newcomer_cannot_make_themselves_trusted(group: Harness) -> None:
    refused = text(await group.say("Eli", "/propose Make me trusted do trust @eli"))
    assert refused == (
        "Only trusted members make binding proposals (with 'do'). Propose it "
        "without 'do' for the group to talk it over; a trusted member can make "
        "it binding."
    )
    assert text(await group.say("Eli", "/vote P1 agree")) == "There is no poll P1."
    assert "There is no poll P1." in text(await group.say("Eli", "/close P1"))
    assert "· Eli" in await roster(group)


async def test_a_newcomer_cannot_remove_a_trusted_member(group: Harness) -> None:
    assert "Only trusted members make binding proposals" in text(
        await group.say("Eli", "/propose Remove Ana do remove @ana")
    )
    assert "Only trusted members can change this directly." in text(
        await group.say("Eli", "/remove @ana")
    )
    assert "★ Ana" in await roster(group)


async def test_a_newcomer_cannot_make_the_group_decide_only_by_proposals(group: Harness) -> None:
    assert "Only trusted members make binding proposals" in text(
        await group.say("Eli", "/propose Proposals do set direct_changes proposals")
    )
    assert "direct_changes = trusted" in await settings(group)


async def test_a_newcomer_can_still_propose_for_discussion(group: Harness) -> None:
    seen = await group.say("Eli", "/propose Make Eli trusted")
    assert seen[0].text.startswith("P1 · proposal · Make Eli trusted")


async def test_someone_off_the_roster_cannot_open_polls(group: Harness) -> None:
    for typed in (
        "/propose Buy a fridge",
        "/poll choice Lunch: soup | salad",
        "/propose Trust me do trust @zed",
    ):
        assert text(await group.say("Zed", typed)) == (
            "Only people on the roster of Free Food open polls here: press Join (or type "
            "/join) first."
        )
    assert text(await group.say("Ana", "/polls")) == "No open polls."


async def test_a_binding_proposal_cannot_be_closed_early_by_its_author(group: Harness) -> None:
    await group.say("Ana", f"/propose {MADRID}")
    for who in ("Ana", "Ben"):
        await group.press(who, "vote P1 1")
    assert text(await group.say("Ana", "/close P1")) == (
        "P1 is binding: it stays open until Wed 11 Mar 09:00, unless everyone who may vote "
        "has voted before (2 of 4 so far)."
    )
    assert text(await group.say("Ben", "/close P1")) == (
        "Only the author of P1 can close it early."
    )
    assert "timezone = UTC" in await settings(group)
    group.clock.advance(days=7)
    closed = in_chat(await group.fire_due(), "group:food")  # at its time it counts
    assert "It passed." in closed and "The group set timezone to Europe/Madrid." in closed


async def test_it_closes_before_its_time_once_everyone_who_may_vote_has(group: Harness) -> None:
    closed = text(await decided(group, MADRID))
    assert "P1 is closed: Madrid time\nIt passed." in closed


async def test_a_blocked_binding_proposal_can_be_closed_by_its_author_to_revise_it(
    group: Harness,
) -> None:
    await group.say("Ana", f"/propose {MADRID}")
    await group.say("Ben", "/vote P1 block we meet people from Lisbon too")
    closed = text(await group.say("Ana", "/close P1"))
    assert "It is blocked." in closed and "Carrying out" not in closed


@pytest.mark.parametrize(
    ("flags", "answer"),
    [
        (
            "days 1",
            "A binding proposal stays open at least 48 hours (the group's "
            "binding_min_hours): it can close Fri 6 Mar 09:00 at the earliest.",
        ),
        ("closes tomorrow 10:00", "stays open at least 48 hours"),
        (
            "quorum 10%",
            "A binding proposal needs a quorum of at least 50% (the group's binding_quorum).",
        ),
    ],
)
async def test_a_binding_proposal_cannot_be_made_easier_than_the_group_allows(
    group: Harness, flags: str, answer: str
) -> None:
    assert answer in text(await group.say("Ana", f"/propose {MADRID}; {flags}"))
    assert text(await group.say("Ana", "/polls")) == "No open polls."


async def test_a_binding_proposal_may_ask_a_higher_quorum_and_shows_its_rules(
    group: Harness,
) -> None:
    post = (await group.say("Ana", f"/propose {MADRID}; quorum 75%"))[0].text
    assert "Binding: the members trusted when it opened vote, and at least 2 must agree." in post
    assert "quorum 75%" in post
    assert "quorum 50%" in (await group.say("Ana", f"/propose {MADRID}"))[0].text


async def test_one_voter_never_passes_a_binding_proposal_alone(bot: Harness) -> None:
    await bot.setup_group(founders=("Ana", "Ben"))
    await decided(bot, "Any quorum do set binding_quorum 10")
    await bot.say("Ana", f"/propose {MADRID}")
    await bot.press("Ana", "vote P2 1")
    bot.clock.advance(days=7)
    assert "Too few voted: no decision." in text(await bot.fire_due())
    await bot.say("Ana", f"/propose {MADRID}")
    await bot.press("Ana", "vote P3 1")
    assert "It did not pass." in text(await bot.press("Ben", "vote P3 2"))  # Ben abstains
    assert "timezone = UTC" in await settings(bot)


@pytest.mark.parametrize(
    ("counts", "voted", "eligible", "quorum", "removal", "result"),
    [
        ({"agree": 1}, 1, 1, 100, False, "no quorum"),  # one voter alone, even all of them
        ({"agree": 1, "abstain": 1}, 2, 4, 50, False, "rejected"),  # fewer than two agree
        ({"agree": 2}, 2, 5, 50, False, "no quorum"),  # 2 of 5 is under half
        ({"agree": 3}, 3, 5, 50, False, "passed"),
        ({"agree": 3, "block": 1}, 4, 5, 50, False, "blocked"),
        ({"agree": 3, "block": 1}, 4, 5, 50, True, "passed"),  # on a removal, a disagree
        ({"agree": 2, "block": 2}, 4, 5, 50, True, "tie"),
    ],
)
def test_the_binding_rule(
    counts: dict[str, int], voted: int, eligible: int, quorum: int, removal: bool, result: str
) -> None:
    assert decisions.binding(counts, voted, eligible, quorum, removal) == result


@pytest.mark.parametrize(
    ("action", "answer"),
    [
        ("set timezone Mars/Base", "I don't know the time zone 'Mars/Base'."),
        ("set colour blue", "There is no setting 'colour'. /settings lists them."),
        (
            "set timezone",
            "The action is not complete, or has too much. It is written: /set <setting> <value…>",
        ),
        ("set binding_quorum 5", "Please give a number from 10 to 100."),
        ("trust @zed", "No one called @zed is on the roster of Free Food."),
        ("trust @ben", "Ben is already trusted."),
        ("remove @zed", "No one called @zed is on the roster of Free Food."),
        ("shift move S9 sun 10:00", "There is no shift S9."),
        ("shift dance S1", "Use /shift add …"),
        ("link ABCD-EFGH", "A proposal links a chat with 'do link' alone"),
        ("help", "A proposal can make me do one of: /set, /trust, /remove, /shift, /link"),
    ],
)
async def test_a_binding_action_is_checked_when_it_is_proposed(
    group: Harness, action: str, answer: str
) -> None:
    assert answer in text(await group.say("Ana", f"/propose Something do {action}"))
    assert text(await group.say("Ana", "/polls")) == "No open polls."


async def test_minga_carries_it_out_for_the_group_and_logs_author_and_outcome(
    group: Harness,
) -> None:
    closed = in_chat(await decided(group, MADRID, author="Ben"), "group:food")
    assert "The group set timezone to Europe/Madrid." in closed and "Ben set" not in closed
    async with group.core.uow() as uow:
        ben = await uow.people.by_identity("test", "ben")
        log = await uow.audit.of_group(1)
    assert ben is not None
    carried = [e for e in log if e.action == "poll.action"]
    assert [(e.actor_id, dict(e.detail)) for e in carried] == [
        (
            None,
            {
                "poll": 1,
                "action": "set timezone Europe/Madrid",
                "author": ben.id,
                "outcome": "carried out",
            },
        )
    ]
    assert [e.actor_id for e in log if e.action == "setting.set"] == [None]


async def test_a_binding_action_that_became_impossible_is_logged_as_such(group: Harness) -> None:
    await group.say("Ana", "/propose Trust Eli do trust @eli")
    for who in ("Ana", "Ben", "Chioma"):
        await group.press(who, "vote P1 1")
    await group.say("Eli", "/leave")
    group.clock.advance(days=7)
    closed = text(await group.fire_due())
    assert "P1 passed, but I cannot carry it out: No one called @eli is on the roster" in closed


@pytest.mark.parametrize(
    "key", ["direct_changes", "vouches_needed", "binding_quorum", "binding_min_hours"]
)
async def test_the_rules_of_deciding_change_only_by_a_binding_proposal(
    group: Harness, key: str
) -> None:
    value = {
        "direct_changes": "proposals",
        "vouches_needed": "1",
        "binding_quorum": "75",
        "binding_min_hours": "72",
    }[key]
    assert text(await group.say("Ana", f"/set {key} {value}")) == (
        f"{key} is one of the rules of how Free Food decides: it changes only by a binding "
        f"proposal, like: /propose <title> do set {key} <value>"
    )
    assert f"{key} = {value}" not in await settings(group)
    await decided(group, f"New rule do set {key} {value}")
    assert f"{key} = {value}" in await settings(group)


async def test_a_trusted_member_is_removed_only_by_a_binding_proposal(group: Harness) -> None:
    assert text(await group.say("Ana", "/remove @ben")) == (
        "Ben is a trusted member: only the group removes a trusted member, by a binding "
        "proposal: /propose Remove Ben do remove @ben"
    )
    assert "★ Ben" in await roster(group)
    assert "Eli is no longer on the roster" in text(await group.say("Ana", "/remove @eli"))
    closed = text(
        await decided(group, "Remove Ben do remove @ben", voters=("Ana", "Chioma", "Dev"))
    )
    assert "Ben is no longer on the roster of Free Food." in closed
    assert "Ben" not in await roster(group)


async def test_sock_puppets_trusted_after_a_removal_opened_cannot_save_it(bot: Harness) -> None:
    """Karrot's hole: Mal, facing removal, and Dev, a friend, bring in new accounts."""
    await bot.setup_group(founders=("Ana", "Ben", "Chioma", "Dev", "Mal"))  # 2 vouches needed
    await bot.say("Ana", "/propose Remove Mal do remove @mal")
    bot.clock.advance(minutes=5)
    for puppet in ("Sock", "Puppet"):
        await bot.say(puppet, "/join")
    assert text(await bot.say("Mal", "/trust @sock")) == (
        "While P1, the proposal to remove you, is open, you cannot vouch for anyone."
    )
    await bot.say("Dev", "/trust @sock")
    assert "Sock is now a trusted member" in text(await bot.say("Chioma", "/trust @sock"))
    assert text(await bot.press("Sock", "vote P1 3")) == (
        "Only the members who were trusted when P1 opened vote on it."
    )
    assert text(await bot.press("Mal", "vote P1 3")) == "P1 is about you: the others decide it."
    await bot.say("Dev", "/vote P1 block Mal is my friend")
    for who in ("Ana", "Ben"):
        await bot.press(who, "vote P1 1")
    closed = text(await bot.press("Chioma", "vote P1 1"))  # all four who may vote have
    assert "It passed." in closed and "Mal is no longer on the roster" in closed
    assert "Mal" not in await roster(bot)


async def test_founders_are_trusted_and_decide_from_the_first_day(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    await bot.say("Ben", "/join")
    closed = text(await decided(bot, MADRID, voters=("Ana", "Ben")))
    assert "It passed." in closed and "★ Ben" in await roster(bot)
