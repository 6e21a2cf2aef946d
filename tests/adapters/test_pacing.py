"""The shared budget served most urgent first, and Telegram's windows, without a network."""

import asyncio

import pytest

from adapters.telegram import pacing
from adapters.telegram.pacing import Pacer
from adapters.turns import Turns
from bot.model import Priority


async def test_when_the_budget_has_room_again_the_most_urgent_waiter_goes_first() -> None:
    room = {"left": 0}
    turns = Turns(
        lambda priority: 0.0 if room["left"] else 60.0,
        lambda: room.__setitem__("left", room["left"] - 1),
    )
    went: list[str] = []

    async def send(name: str, priority: Priority) -> None:
        await turns.take(priority)
        went.append(name)

    waiting = [
        asyncio.create_task(send(name, priority))
        for name, priority in (
            ("reminder 1", Priority.BULK),
            ("tally", Priority.BULK),
            ("post", Priority.POST),
            ("answer", Priority.ANSWER),
            ("reminder 2", Priority.BULK),
        )
    ]
    await asyncio.sleep(0.05)
    assert went == []  # no room: everyone waits
    for _ in range(5):
        room["left"] = 1
        turns.changed()
        await asyncio.sleep(0.01)
    await asyncio.gather(*waiting)
    assert went == ["answer", "post", "reminder 1", "tally", "reminder 2"]


async def test_a_waiter_that_gives_up_lets_the_next_one_go() -> None:
    room = {"left": 0}
    turns = Turns(
        lambda priority: 0.0 if room["left"] else 60.0,
        lambda: room.__setitem__("left", room["left"] - 1),
    )
    first = asyncio.create_task(turns.take(Priority.ANSWER))
    second = asyncio.create_task(turns.take(Priority.BULK))
    await asyncio.sleep(0.01)
    first.cancel()  # a lane stopped (the sender is shutting down)
    await asyncio.gather(first, return_exceptions=True)
    room["left"] = 1
    turns.changed()
    await asyncio.wait_for(second, 1)


async def test_thirty_a_second_overall_and_one_a_second_in_a_private_chat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = {"now": 1000.0}
    monkeypatch.setattr(pacing.time, "monotonic", lambda: clock["now"])
    pacer = Pacer()
    for chat in range(30):
        async with pacer.slot(chat, Priority.ANSWER):
            pass
    assert pacer.overall.wait(clock["now"]) > 0.99  # the 31st waits for the second to end
    assert pacer.ready_in(7) > 0.99  # so does a second message to one person
    assert pacer.ready_in(-100) == 0.0  # a group nobody wrote to is ready
    clock["now"] += 1.02
    assert pacer.overall.wait(clock["now"]) == 0.0 and pacer.ready_in(7) == 0.0


async def test_bulk_work_is_spread_over_the_second_and_an_answer_finds_room_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = {"now": 1000.0}
    monkeypatch.setattr(pacing.time, "monotonic", lambda: clock["now"])
    pacer = Pacer()
    async with pacer.slot(1, Priority.BULK):
        pass
    assert pacer._room(Priority.BULK) == pytest.approx(pacing.SPREAD)  # not a burst of 30
    assert pacer._room(Priority.ANSWER) == 0.0
    clock["now"] += pacing.SPREAD
    assert pacer._room(Priority.BULK) == 0.0


async def test_the_pacer_forgets_chats_that_went_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = {"now": 1000.0}
    monkeypatch.setattr(pacing.time, "monotonic", lambda: clock["now"])
    pacer = Pacer()
    for chat in range(1, 500):
        clock["now"] += 0.04  # within every limit
        async with pacer.slot(chat, Priority.BULK):
            pass
    clock["now"] += pacing.FORGET_EVERY
    async with pacer.slot(-5, Priority.POST):
        pass
    assert list(pacer.chats) == [-5]  # 499 people's windows are gone, memory with them
