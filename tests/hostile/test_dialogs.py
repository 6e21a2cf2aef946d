"""The step-by-step dialogs, answered with anything at each step: typed text, the number of
a choice, one of the offered buttons, or a forged answer no button offered. The same
invariants as for one-line commands, and a forged answer changes nothing at all."""

from hypothesis import given
from hypothesis import strategies as st

from bot.messages import ANSWER
from tests.hostile.budget import cases
from tests.hostile.strategies import slot
from tests.hostile.texts import any_text
from tests.hostile.world import (
    ROLES,
    World,
    allowed,
    changed,
    chat_of,
    everything,
    leaks,
    press_event,
    run,
)

STARTS = st.sampled_from(
    (
        ("Eli", "private", "/request"),
        ("Rosa", "private", "/request"),
        ("Ana", "private", "/offer"),
        ("Eli", "private", "/offer"),
        ("Zed", "private", "/request"),
        ("Rosa", "private", "/pickup"),
        ("Zed", "private", "/pickup"),
        ("Ana", "food", "/propose"),
        ("Eli", "food", "/propose"),
        ("Zed", "food", "/propose"),
        ("Ana", "food", "/poll"),
        ("Eli", "food", "/poll"),
        ("Olga", "food", "/poll"),
        ("Eli", "private", "/forget"),
        ("Zed", "private", "/forget"),
        ("Ana", "private", "/request food"),
        ("Eli", "private", "/language"),
    )
)
TYPED = st.one_of(
    slot(
        "food",
        "Eastside",
        "asap",
        "friday 18:00",
        "tomorrow",
        "none",
        "urgent",
        "normal",
        "relay",
        "share",
        "yes",
        "no",
        "1",
        "2",
        "3",
        "9",
        "0",
        "/cancel",
        "/help",
        "choice",
        "Lunch: soup | salad",
        "consent",
        "\u00b2",
        "\u2460",
        "1" * 30,
    ),
    any_text(),
)
STEP = st.one_of(
    TYPED.map(lambda t: ("type", t)),
    st.integers(0, 30).map(lambda n: ("press", n)),
    st.one_of(slot("food", "1", "yes", "asap", "relay", "no"), any_text()).map(
        lambda t: ("forge", ANSWER + t)
    ),
)


@given(STARTS, st.lists(STEP, min_size=1, max_size=6))
@cases(110)
def test_a_dialog_answered_with_anything(start: tuple[str, str, str], steps: list) -> None:  # type: ignore[type-arg]
    who, where, first = start

    async def case(world: World) -> None:
        chat = chat_of(where, who)
        group = None if where == "private" else where
        kept = await allowed(world, who)
        await world.say(who, first, group=group)
        for kind, value in steps:
            if kind == "type":
                await world.say(who, value, group=group)
                continue
            offered = [
                (s.message_id, d)
                for s in world.seen
                if s.chat_id == chat.chat_id
                for d in s.buttons
                if d.startswith(ANSWER)
            ]
            if kind == "press":
                if offered:
                    message_id, data = offered[-1 - value % min(len(offered), 6)]
                    await world.deliver(press_event(who, data, chat, message_id))
                continue
            if value in {d for _, d in offered}:
                continue
            before = await everything(world)
            await world.deliver(press_event(who, value, chat, offered[-1][0] if offered else None))
            world.problems += [
                f"a forged answer {value!r:.60} changed {name}"
                for name, rows in (await everything(world)).items()
                if before[name] != rows
            ]
        world.problems += [
            f"{who} ({ROLES[who]}) in a dialog: {problem}"
            for problem in changed(kept, await allowed(world, who))
        ]
        world.problems += await leaks(world, world.new)

    run(case)
