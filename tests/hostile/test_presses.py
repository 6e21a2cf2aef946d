"""Button presses a modified client can send: any data, on any message, in any chat, twice,
late, or too long. A press does only what a button minga put on that message offers; any
other press is answered politely (the presser alone) and changes nothing at all."""

from hypothesis import assume, given
from hypothesis import strategies as st

from bot.commands import COMMANDS
from bot.messages import ANSWER
from tests.hostile.budget import cases
from tests.hostile.texts import any_text, hostile
from tests.hostile.world import (
    FOOD,
    OTHER,
    ROLES,
    World,
    chat_of,
    everything,
    leaks,
    press_event,
    run,
)

ATTACKS = (
    "shift cancel S1 all",
    "set vouches_needed 1",
    "set direct_changes proposals",
    "leave",
    "remove @ana",
    "trust @eli",
    "close P1",
    "cancel R1",
    "done R2",
    "forget yes",
    "swapyes 1 1",
    "swapno 1",
    "withdraw S1",
    "giveaway S1",
    "claim 1",
    "claim 3",
    "unclaim 2",
    "take S2",
    "take 1",
    "vote P1 4",
    "vote P2 1",
    "collected B1",
    "handed 1",
    "signup 1 cook",
    "signup 2 server",
    "pickup",
    "join",
    "start",
    "link",
    "invite",
    "propose x do trust @eli",
    "reopen R3",
    "msg R2 hello",
    ANSWER + "1",
    ANSWER + "yes",
    ANSWER + "food",
    ANSWER,
)
DATA = st.one_of(
    st.sampled_from(ATTACKS),
    st.tuples(st.sampled_from(sorted(COMMANDS)), hostile(3)).map(" ".join),
    hostile(4),
    any_text(),
    st.tuples(st.sampled_from(ATTACKS), st.integers(65, 5000)).map(
        lambda t: t[0] + " " + "x" * t[1]
    ),
)
PRESSERS = st.sampled_from(sorted(ROLES))
WHERE = st.sampled_from(("food", "other", "private"))


async def refused(world: World, who: str, data: str, where: str, message_id: str | None) -> None:
    """A press that matches no button: answered to the presser, nothing else changes."""
    chat = chat_of(where, who)
    before = await everything(world)
    start = len(world.seen)
    await world.deliver(press_event(who, data, chat, message_id))
    seen = world.seen[start:]
    label = f"{who} pressing {data!r:.80} in {chat.chat_id}"
    world.problems += [
        f"{label}: {name} changed"
        for name, rows in (await everything(world)).items()
        if before[name] != rows
    ]
    if not any(s.chat_id == chat.chat_id for s in seen):
        world.problems.append(f"{label}: no answer")
    world.problems += [
        f"{label}: {s.chat_id} was told {s.text!r:.120}" for s in seen if s.chat_id != chat.chat_id
    ]
    world.problems += await leaks(world, seen)


def on_a_message(world: World, chat_id: str, pick: int) -> str | None:
    messages = world.messages_in(chat_id)
    return messages[pick % len(messages)] if messages else None


@given(PRESSERS, DATA, WHERE, st.integers(0, 100))
@cases(130)
def test_a_forged_press_is_answered_and_changes_nothing(
    who: str, data: str, where: str, pick: int
) -> None:
    async def case(world: World) -> None:
        chat = chat_of(where, who)
        assume(data not in world.buttons_in(chat.chat_id))
        await refused(world, who, data, where, on_a_message(world, chat.chat_id, pick))

    run(case)


@given(PRESSERS, st.integers(0, 1000), st.integers(0, 100))
@cases(40)
def test_a_button_from_another_groups_chat_does_nothing_here(
    who: str, button: int, pick: int
) -> None:
    async def case(world: World) -> None:
        foreign = sorted(world.buttons_in(FOOD) - world.buttons_in(OTHER))
        await refused(
            world, who, foreign[button % len(foreign)], "other", on_a_message(world, OTHER, pick)
        )

    run(case)


@given(PRESSERS, st.integers(0, 1000), st.sampled_from(("food", "private")), st.integers(60, 400))
@cases(30)
def test_a_press_too_long_for_any_platform_does_nothing(
    who: str, button: int, where: str, extra: int
) -> None:
    async def case(world: World) -> None:
        chat = chat_of(where, who)
        genuine = sorted(world.buttons_in(chat.chat_id)) or ["claim 1"]
        data = genuine[button % len(genuine)] + " " + "9" * extra
        assume(len(data.encode()) > 64)
        await refused(world, who, data, where, on_a_message(world, chat.chat_id, 0))

    run(case)


def superseded(world: World) -> list[tuple[str, str, str]]:
    """(chat, message, data) of buttons a message had before an edit took them away."""
    latest: dict[tuple[str, str], tuple[str, ...]] = {}
    ever: dict[tuple[str, str], set[str]] = {}
    for s in world.seen:
        if s.toast:
            continue
        latest[(s.chat_id, s.message_id)] = s.buttons
        ever.setdefault((s.chat_id, s.message_id), set()).update(s.buttons)
    return sorted(
        (chat, message, data)
        for (chat, message), datas in ever.items()
        for data in datas - set(latest[(chat, message)])
    )


@given(PRESSERS, st.integers(0, 1000))
@cases(30)
def test_a_button_taken_away_by_an_edit_is_stale(who: str, which: int) -> None:
    async def case(world: World) -> None:
        stale = superseded(world)
        assert stale, "the world has no edited post"
        chat_id, message_id, data = stale[which % len(stale)]
        where = "private" if chat_id.startswith("dm:") else chat_id.removeprefix("group:")
        # A private chat's buttons are pressed by the person it is with.
        presser = chat_id.removeprefix("dm:").title() if where == "private" else who
        await refused(world, presser, data, where, message_id)

    run(case)


@given(PRESSERS, st.integers(0, 1000), st.booleans())
@cases(40)
def test_a_press_delivered_twice_counts_once(who: str, which: int, in_private: bool) -> None:
    """Telegram redelivers after a crash; Matrix replays a sync: the second copy of a press
    (the same event id) is recognised and does nothing, says nothing."""

    async def case(world: World) -> None:
        chat_id = f"dm:{who.casefold()}" if in_private else FOOD
        offered = sorted(
            {(s.message_id, d) for s in world.seen if s.chat_id == chat_id for d in s.buttons}
        )
        assume(offered)
        message_id, data = offered[which % len(offered)]
        event = press_event(
            who, data, chat_of("private" if in_private else "food", who), message_id
        )
        await world.deliver(event)
        before, start = await everything(world), len(world.seen)
        await world.deliver(event)
        if world.seen[start:]:
            world.problems.append(
                f"a repeated press of {data!r} was answered again: {world.seen[start:]!r:.300}"
            )
        if await everything(world) != before:
            world.problems.append(f"a repeated press of {data!r} changed something")
        world.problems += await leaks(world, world.new)

    run(case)
