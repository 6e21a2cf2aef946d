"""Decisions in the chat: every kind of poll, the rules, secret ballots, binding actions."""

import pytest
from sqlalchemy import inspect, select

from bot.messages import marks_of
from storage.models import BallotCountRow, VotedRow
from tests.decide import decided
from tests.harness import Harness, in_chat, text

SOUP = '/shift add "Soup" sat 10:00-12:00 weekly places 2'


def post(seen: list, number: int) -> str:  # type: ignore[type-arg]
    return [s.text for s in seen if s.text.startswith(f"P{number} ·")][-1]


async def test_a_proposal_is_posted_with_four_buttons(group: Harness) -> None:
    seen = await group.say("Ana", "/propose Buy a second fridge; quorum 50%")
    assert seen[0].text.splitlines()[0] == "P1 · proposal · Buy a second fridge"
    assert "Closes Wed 11 Mar 09:00 · named votes · quorum 50%" in seen[0].text
    assert seen[0].buttons == ("vote P1 1", "vote P1 2", "vote P1 3", "vote P1 4")


async def test_a_poll_posts_number_in_monospace_and_title_in_bold(group: Harness) -> None:
    """For the platforms that show marks; the console shows the same plain text."""
    seen = await group.say("Ana", "/poll choice Lunch <b>: soup | salad")
    title = seen[0].text.splitlines()[0]
    assert title == "P1 · choice · Lunch <b>"
    marked = [(title[m.start : m.end], m.style) for m in marks_of(seen[0].text)]
    assert marked == [("P1", "code"), ("Lunch <b>", "strong")]


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("/poll choice Lunch: soup", "A poll needs 2 to 20 options"),
        ("/poll choice Lunch: " + " | ".join(f"o{n}" for n in range(30)), "2 to 20 options"),
        ("/poll time Meeting: yesterday 10:00 | sat 10:00", "has already passed"),
        ("/poll choice Lunch: soup | salad; closes yesterday", "has already passed"),
        ("/poll choice Lunch: soup | salad; loudly", "I don't understand 'loudly'"),
        ("/poll vote Lunch: a | b", "Please choose one of: consent, choice, time, dot, ranked."),
        ("/propose Fridge: a | b", "A proposal has fixed answers"),
        ("/propose Sundays do help", "A proposal can make me do one of"),
        ("/poll choice Lunch: a | A | a", "'A' is there twice: give each option once."),
        (
            "/poll ranked a | a | b",
            "Put a colon between the title and the options, like: /poll choice Lunch: soup | salad",
        ),
        ("/poll ranked Project: a | a | b", "'a' is there twice"),
        ("/poll choice Lunch: soup || salad", "One of the options is empty"),
        ("/poll choice Lunch: soup | " + "s" * 101, "An option can be at most 100 characters."),
        (
            "/poll time Meeting: sat 10:00 | saturday 10:00",
            "Two of the candidate times are the same time.",
        ),
        ("/propose Fridge; days 99999999999", "days must be a number from 1 to 60."),
        ("/propose Fridge; days 0", "days must be a number from 1 to 60."),
        ("/propose Fridge; quorum 999%", "quorum must be a number from 0 to 100."),
        ("/poll choice Lunch: a | b; max 0", "max must be a number from 1 to 2."),
        (
            "/poll dot Lunch: a | b; points " + "1" + "0" * 30,
            "points must be a number from 1 to 100.",
        ),
        ("/poll dot Lunch: a | b; points 10^30", "I don't understand 'points 10^30'"),
        (
            "/poll choice Lunch: a | b do set timezone UTC",
            "Only a proposal can make me do something",
        ),
    ],
)
async def test_bad_polls_are_refused(group: Harness, typed: str, answer: str) -> None:
    assert answer in text(await group.say("Ana", typed))
    assert text(await group.say("Ana", "/polls")) == "No open polls."


async def test_votes_change_until_close_and_the_tally_is_edited(group: Harness) -> None:
    await group.say("Ana", "/propose Buy a second fridge")
    first = await group.press("Ben", "vote P1 1")
    assert text(first).startswith("Your vote on P1 is counted.")
    assert "agree    ██████████ 1 (100%)" in post(await group.later(seconds=3), 1)
    changed = await group.say("Ben", "/vote P1 disagree")
    assert "Your vote on P1 is changed." in text(changed)
    assert "Say why, if you like" in text(changed)
    assert "disagree ██████████ 1 (100%)" in post(await group.later(seconds=3), 1)


async def test_the_same_vote_again_is_said_to_be_counted_already(group: Harness) -> None:
    """A second press of the same button (or a message sent twice) changes nothing, and
    minga says so instead of "changed"; the tally is not redrawn for it."""
    await group.say("Ana", "/propose Buy a second fridge")
    await group.press("Ben", "vote P1 1")
    await group.later(seconds=3)
    again = await group.say("Ben", "/vote P1 agree")
    assert text(again) == "Your vote on P1 was already counted just so: nothing changed."
    assert not [s for s in await group.later(seconds=3) if s.edit]
    await group.say("Ben", "/language es", group=None)
    again = await group.press("Ben", "vote P1 1")
    assert text(again) == "Tu voto en P1 ya estaba contado así: no cambió nada."


async def test_a_burst_of_votes_redraws_the_tally_once_a_few_seconds_later(group: Harness) -> None:
    await group.say("Ana", "/propose Buy a second fridge")
    votes = [await group.press(who, "vote P1 1") for who in ("Ben", "Chioma", "Eli")]
    assert not [s for seen in votes for s in seen if s.edit]  # not one redraw per vote
    assert not [s for s in await group.later(seconds=2) if s.edit]
    assert "Voted: 3 of 5" in post(await group.later(seconds=1), 1)


@pytest.mark.parametrize(
    ("who", "typed", "answer"),
    [
        ("Ben", "/vote P1 block", "Say why, it is needed for block: /vote P1 block <why>"),
        ("Ben", "/vote P1 maybe", "Answer with one of: agree, abstain, disagree, block."),
        ("Zed", "/vote P1 agree", "Only the roster of Free Food votes on P1."),
        ("Ben", "/vote P9 agree", "There is no poll P9."),
        ("Ben", "/vote P1 ²", "Answer with one of: agree, abstain, disagree, block."),
        ("Ben", "/vote P1 99999999999999999999", "Answer with one of"),
    ],
)
async def test_bad_votes_change_nothing(group: Harness, who: str, typed: str, answer: str) -> None:
    await group.say("Ana", "/propose Buy a second fridge")
    assert answer in text(await group.say(who, typed))
    async with group.core.uow() as uow:
        poll = await uow.polls.get(1)
        assert poll is not None and await uow.polls.voters(poll) == set()


async def test_a_vote_after_the_deadline_is_refused(group: Harness) -> None:
    await group.say("Ana", "/propose Buy a second fridge; days 1")
    group.clock.advance(days=1)
    closed = await group.fire_due()
    assert "Too few voted: no decision." in in_chat(closed, "group:food")
    assert text(await group.say("Ben", "/vote P1 1")) == "P1 is closed."
    [tally] = [s for s in closed if s.edit]
    assert text(await group.press("Ben", "vote P1 1", message_id=tally.message_id)) == (
        "That button is out of date: the message has changed since, so I did nothing. "
        "Please look at it again."
    )


async def test_a_block_stops_a_proposal_and_its_reason_is_shown(group: Harness) -> None:
    await group.say("Ana", "/propose Move to Sundays")
    await group.press("Ben", "vote P1 1")
    await group.say("Chioma", "/vote P1 block the hall is closed on Sundays")
    closed = await group.say("Ana", "/close P1")
    assert (
        "P1 is closed: Move to Sundays\nIt is blocked.\nblock: “the hall is closed on "
        "Sundays”" in text(closed)
    )


async def test_only_the_author_closes_early(group: Harness) -> None:
    await group.say("Ana", "/propose Buy a second fridge")
    assert text(await group.say("Ben", "/close P1")) == (
        "Only the author of P1 can close it early."
    )


async def test_when_everyone_has_voted_it_closes_and_a_binding_action_runs_once(
    group: Harness,
) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ana", "/propose Soup on Sundays do shift move S1 sun 10:00 all")
    for who in ("Ana", "Ben", "Chioma"):
        await group.press(who, "vote P1 1")
    assert text(await group.say("Eli", "/vote P1 abstain")) == (  # a newcomer
        "Only the members who were trusted when P1 opened vote on it."
    )
    seen = await group.press("Dev", "vote P1 1")
    said = in_chat(seen, "group:food")
    assert "P1 is closed: Soup on Sundays\nIt passed." in said
    assert "Carrying out P1: /shift move S1 sun 10:00 all" in said
    assert "4 shifts moved" in said
    assert "S1 · Soup · Sun 8 Mar 10:00–12:00" in text(await group.say("Ana", "/shifts"))
    group.clock.advance(days=8)
    assert "Carrying out" not in text(await group.fire_due())  # the deadline finds it closed


async def test_a_second_binding_proposal_is_checked_against_things_at_its_close(
    group: Harness,
) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ana", "/propose Stop the soup do shift cancel S1 all")
    await group.say("Ana", "/propose Soup on Sundays do shift move S1 sun 10:00 all")
    second: list = []  # type: ignore[type-arg]
    for number in (1, 2):
        for who in ("Ana", "Ben", "Chioma", "Dev"):
            second = await group.press(who, f"vote P{number} 1")
    assert "P2 passed, but I cannot carry it out: S1 was cancelled." in text(second)
    assert "Carrying out P2" not in text(second)


async def test_group_changes_only_through_proposals_when_the_group_says_so(group: Harness) -> None:
    await decided(group, "Proposals only do set direct_changes proposals")
    assert "such changes go through proposals" in text(
        await group.say("Ben", "/set timezone Europe/Madrid")
    )
    await decided(group, "Madrid time do set timezone Europe/Madrid", author="Ben")
    assert "timezone = Europe/Madrid" in text(await group.say("Ana", "/settings"))


async def test_a_spammer_is_removed_by_proposal(group: Harness) -> None:
    await group.say("Spam", "/join")
    closed = text(await decided(group, "Remove the spammer do remove @spam"))
    assert "Spam is no longer on the roster of Free Food." in closed
    assert "Spam" not in text(await group.say("Ana", "/roster"))


async def test_consent_passes_without_objection(group: Harness) -> None:
    await group.say("Ana", "/poll consent Try the new van")
    await group.press("Ben", "vote P1 1")
    assert "Say why, it is needed for objection" in text(await group.say("Chioma", "/vote P1 2"))
    await group.say("Chioma", "/vote P1 objection it has no insurance yet")
    assert "It is blocked.\nobjection: “it has no insurance yet”" in text(
        await group.say("Ana", "/close P1")
    )


async def test_choice_with_several_answers_and_a_write_in(group: Harness) -> None:
    await group.say("Ana", "/poll choice Lunch: soup | salad | stew; max 2 write-in")
    assert "Choose up to 2" in text(await group.say("Ben", "/vote P1 1,2,3", group=None))
    await group.say("Ben", "/vote P1 1,3", group=None)
    await group.say("Chioma", "/vote P1 +tacos", group=None)
    await group.say("Dev", "/vote P1 4", group=None)  # tacos is option 4 now
    result = text(await group.say("Ana", "/close P1"))
    assert "tacos" in result and "Chosen: tacos." in result


async def test_a_write_in_that_is_already_there_is_a_vote_for_it(group: Harness) -> None:
    await group.say("Ana", "/poll choice Lunch: soup | salad; write-in")
    assert "Write your option after the +" in text(await group.say("Ben", "/vote P1 +", group=None))
    await group.say("Ben", "/vote P1 +  SOUP ", group=None)
    result = text(await group.say("Ana", "/close P1"))
    assert "soup  ██████████ 1 (100%)" in result and "SOUP" not in result


async def test_a_refused_secret_ballot_says_nothing_of_what_was_tried(group: Harness) -> None:
    await group.say("Ana", "/propose New treasurer; secret")
    answers = {
        text(await group.say("Ben", typed, group=None))
        for typed in ("/vote P1 block", "/vote P1 objection", "/vote P1 7")
    }
    assert len(answers) == 1 and answers.pop().startswith("I could not count that ballot.\nP1")
    await group.say("Ben", "/vote P1 disagree it costs too much", group=None)
    async with group.engine.connect() as conn:
        stored = [r.ballot for r in await conn.execute(select(BallotCountRow.ballot))]
    assert stored == [{"choices": ["disagree"], "reason": ""}]  # a reason nobody would see


async def test_a_meeting_time(group: Harness) -> None:
    await group.say("Ana", "/poll time Meeting: sat 10:00 | sun 11:00")
    assert "yes, maybe or no for each of the 2" in text(
        await group.say("Ben", "/vote P1 yes", group=None)
    )
    await group.say("Ben", "/vote P1 yes no", group=None)
    await group.say("Chioma", "/vote P1 maybe yes", group=None)
    await group.say("Dev", "/vote P1 no yes", group=None)
    assert "Chosen: Sun 8 Mar 11:00." in text(await group.say("Ana", "/close P1"))


async def test_dot_votes_cannot_spend_more_than_their_points(group: Harness) -> None:
    await group.say("Ana", "/poll dot Priorities: garden | kitchen | library; points 5")
    assert "5 in all at most" in text(await group.say("Ben", "/vote P1 3 2 1", group=None))
    await group.say("Ben", "/vote P1 3 2 0", group=None)
    await group.say("Chioma", "/vote P1 0 5 0", group=None)
    result = text(await group.say("Ana", "/close P1"))
    assert "kitchen ██████████ 7" not in result and "Chosen: kitchen." in result


async def test_ranked_ballots_need_every_option_once(group: Harness) -> None:
    await group.say("Ana", "/poll ranked Project: garden | kitchen | library")
    for ballot in ("1 1 2", "1 2", "1 2 4"):
        assert "Rank every option once" in text(
            await group.say("Ben", f"/vote P1 {ballot}", group=None)
        )
    for who, ballot in (("Ben", "1 2 3"), ("Chioma", "2 1 3"), ("Dev", "3 2 1")):
        await group.say(who, f"/vote P1 {ballot}", group=None)
    result = text(await group.say("Ana", "/close P1"))
    assert "Instant runoff:\nround 1: garden 1, kitchen 1, library 1" in result
    assert "Borda count: kitchen 4, garden 3, library 2" in result
    assert "Chosen: kitchen." in result


async def test_a_secret_ballot_is_cast_privately_once_and_cannot_be_linked(group: Harness) -> None:
    await group.say("Ana", "/propose New treasurer; secret")
    in_group = await group.say("Ben", "/vote P1 1")
    assert text(in_group) == "P1 is voted in a private chat with me."
    assert in_group[0].buttons == ("vote P1",)
    for who, ballot in (("Ben", "agree"), ("Chioma", "disagree"), ("Dev", "agree")):
        assert "Your secret vote on P1 is counted." in text(
            await group.say(who, f"/vote P1 {ballot}", group=None)
        )
    assert "a secret vote cannot be changed" in text(
        await group.say("Ben", "/vote P1 disagree", group=None)
    )
    async with group.engine.connect() as conn:
        voted_columns = {
            c["name"] for c in await conn.run_sync(lambda sync: inspect(sync).get_columns("voted"))
        }
        count_columns = {
            c["name"]
            for c in await conn.run_sync(lambda sync: inspect(sync).get_columns("ballot_counts"))
        }
        counts = sorted(
            (r.ballot["choices"], r.count)
            for r in await conn.execute(select(BallotCountRow.ballot, BallotCountRow.count))
        )
        voters = list(await conn.execute(select(VotedRow.person_id)))
    assert voted_columns == {"poll_id", "person_id"}  # who voted: no time, no choice
    # the choices, counted: no row per vote, no person, no time
    assert count_columns == {"poll_id", "digest", "ballot", "count"}
    assert counts == [(["agree"], 2), (["disagree"], 1)] and len(voters) == 3
    result = text(await group.say("Ana", "/close P1"))
    assert "agree    ███████░░░ 2 (67%)" in result and "Ben" not in result


async def test_hidden_results_show_only_at_close(group: Harness) -> None:
    await group.say("Ana", "/poll choice Lunch: soup | salad; hidden")
    await group.press("Ben", "vote P1 1")
    seen = await group.later(seconds=3)
    assert "soup" not in post(seen, 1).split("\n", 1)[1] and "Voted: 1 of 5" in post(seen, 1)
    assert "soup  ██████████ 1 (100%)" in text(await group.say("Ana", "/close P1"))


async def test_those_who_have_not_voted_are_reminded_a_day_before(group: Harness) -> None:
    await group.say("Ana", "/propose Buy a second fridge; days 3")
    await group.press("Ben", "vote P1 1")
    await group.later(seconds=3)
    reminded = await group.later(days=2)
    assert {s.chat_id for s in reminded} == {"dm:eli", "dm:chioma"}  # Ana, Dev never wrote
    assert "P1 closes in a day and you have not voted yet" in reminded[0].text


async def test_outcome_after_close(group: Harness) -> None:
    await group.say("Ana", "/propose Buy a second fridge")
    assert "once the poll is closed" in text(await group.say("Ana", "/outcome P1 bought"))
    await group.say("Ana", "/close P1")
    seen = await group.say("Ana", "/outcome P1 We found one for free!")
    assert "Outcome: We found one for free!" in post(seen, 1)
    assert "Only the author" in text(await group.say("Ben", "/outcome P1 mine"))


async def test_a_poll_asked_step_by_step(group: Harness) -> None:
    asked = await group.say("Ana", "/poll")
    assert "Which kind of poll?" in text(asked)
    assert asked[0].buttons == (">consent", ">choice", ">time", ">dot", ">ranked")
    await group.press("Ana", ">choice")
    seen = await group.say("Ana", "Lunch: soup | salad")
    assert seen[0].text.startswith("P1 · choice · Lunch")
    assert "What do you propose?" in text(await group.say("Ben", "/propose"))
    assert text(await group.say("Ben", "A second fridge")).startswith(
        "P2 · proposal · A second fridge"
    )
