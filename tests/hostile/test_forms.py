"""Every command and one-line form, written right and wrong with hostile text in every slot,
typed by anyone anywhere, through the real core on SQLite. After every case: no apology (no
internal failure), every message minga sent is accepted by Telegram and well formed for
Matrix, nothing changed that the speaker may not change, and no group message ties the
anonymous requester to her requests."""

import re

from hypothesis import given
from hypothesis import strategies as st

from tests.hostile.budget import cases
from tests.hostile.strategies import COMMAND_IN_PROPOSAL, FLAGS, LINES, WHAT
from tests.hostile.world import (
    FOOD,
    REQUESTER,
    ROLES,
    World,
    allowed,
    changed,
    fresh,
    leaks,
    press_event,
    run,
    seizable,
)

# Who speaks where: Rosa only privately (her own requests in the group are the next test's);
# Olga not in her own group's chat, where she may change what she likes.
SPEAKERS = st.sampled_from(
    [
        (who, where)
        for who in ROLES
        for where in ("food", "other", None)
        if not (who == REQUESTER and where) and not (who == "Olga" and where == "other")
    ]
)


async def said(world: World, who: str, where: str | None, line: str) -> list[str]:
    before = await allowed(world, who)
    await world.say(who, line, group=where)
    return [
        f"{who} ({ROLES[who]}) in {where or 'private'}: {problem}"
        for problem in changed(before, await allowed(world, who))
    ]


@given(st.lists(st.tuples(SPEAKERS, LINES), min_size=1, max_size=3))
@cases(160)
def test_any_command_line_by_anyone_anywhere(steps: list) -> None:  # type: ignore[type-arg]
    async def case(world: World) -> None:
        for (who, where), line in steps:
            world.problems += await said(world, who, where, line)
        world.problems += await leaks(world, world.new)

    run(case)


HERS = (1, 2, 3)  # Rosa's: R1 open, R2 claimed by Ben, R3 done
BYSTANDER = "Dev"  # trusted, on the roster, in none of Rosa's requests
PARTY_ONLY = ("Passed on.", "I can't reach them privately yet")


async def group_answers(world: World, who: str, typed: str) -> list[str]:
    """What the group chat reads (not post edits, not answers to the presser alone) when
    `who` types or presses `typed` there, with their name taken out."""
    start = len(world.seen)
    if typed.startswith("press "):
        await world.deliver(
            press_event(who, typed.removeprefix("press "), world.group_chat("food"))
        )
    else:
        await world.say(who, typed)
    return [
        s.text.replace(who, "NAME")
        for s in world.seen[start:]
        if s.chat_id == FOOD and not s.edit and not s.toast
    ]


@given(
    st.sampled_from(HERS),
    st.sampled_from(
        (
            "/claim R{n}",
            "/unclaim R{n}",
            "/done R{n}",
            "/cancel R{n}",
            "/reopen R{n}",
            "/thanks R{n} {x}",
            "/msg R{n} {x}",
            "press claim {n}",
            "press unclaim {n}",
            "/cancel",
            "/request food Eastside by friday: {x}",
        )
    ),
    WHAT,
)
@cases(50)
def test_the_requester_speaking_of_her_own_request_in_the_group_stays_anonymous(
    n: int, action: str, words: str
) -> None:
    """Whatever she types or presses in the group about her own request, the group reads
    what it would read had anyone else done it, or at most a neutral answer that names no
    request: nothing that tells it the request is hers."""
    typed = action.format(n=n, x=words)

    async def case(world: World) -> None:
        hers = await group_answers(world, REQUESTER, typed)
        world.problems += await leaks(world, world.new)
        async with fresh() as twin:
            anyone = await group_answers(twin, BYSTANDER, typed)
        for text in hers:
            if text not in anyone and (
                re.search(rf"\bR{n}\b", text) or text.startswith(PARTY_ONLY)
            ):
                world.problems.append(
                    f"after {typed!r} by {REQUESTER} the group reads "
                    f"{text!r}; after anyone else's, {anyone!r:.200}"
                )

    run(case)


ATTACKERS = st.sampled_from(("Eli", "Rosa", "Zed", "Olga"))
POWERS = (
    "trust @eli",
    "trust @rosa",
    "trust @zed",
    "remove @ana",
    "untrust @ben",
    "set direct_changes proposals",
    "set vouches_needed 1",
    "set timezone Mars/Base",
    "shift cancel S1 all",
    "link",
    "invite",
    "set categories a,b",
)


@given(
    ATTACKERS,
    st.one_of(st.sampled_from(POWERS), st.sampled_from(POWERS), COMMAND_IN_PROPOSAL),
    st.one_of(st.just(""), FLAGS),
    st.booleans(),
    st.booleans(),
    st.sampled_from((0, 2, 49, 73)),
)
@cases(60)
def test_nobody_below_trust_seizes_the_group_with_a_proposal(
    who: str, command: str, flags: str, vote: bool, close: bool, hours: int
) -> None:
    """A newcomer or an outsider proposes a binding change, votes for it alone, closes it
    or waits as long as they like: the group's rules, roster and trust stay as they were."""

    async def case(world: World) -> None:
        before = await seizable(world, who)
        await world.say(who, f"/propose Let me do {command}" + (f"; {flags}" if flags else ""))
        number = (await world.table("SELECT max(id) FROM polls"))[0][0]
        if vote:
            await world.say(who, f"/vote P{number} agree")
        if close:
            await world.say(who, f"/close P{number}")
        world.clock.advance(hours=hours)
        await world.fire_due()
        world.problems += [
            f"{who} ({ROLES[who]}) proposing 'do {command}': {problem}"
            for problem in changed(before, await seizable(world, who))
        ]

    run(case)
