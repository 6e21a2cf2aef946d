"""Lanes on SQLite and PostgreSQL: two senders never write to one chat at once, order holds,
a stopped sender's chats are free at once, a crashed one's after a while, answers go first,
and a post shown live is edited at most once per interval."""

import asyncio
from collections import defaultdict
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.delivery import HOLD, Courier, Outlet, Retry
from bot.config import GroupDefaults
from bot.dispatch import Core
from bot.model import OutboxMessage, Priority
from storage.uow import units_of_work
from tests.fakes import FakeClock
from tests.harness import CATALOGS

PLATFORM = "x"


class Platform:
    """Records who sent what where; each send takes a while, so senders overlap."""

    def __init__(self, pause: float = 0.005) -> None:
        self.pause = pause
        self.got: list[tuple[str, str, str]] = []  # (sender, chat, text)
        self.sending: dict[str, str] = {}  # chat → the sender writing to it now
        self.overlaps: list[str] = []

    def outlet(self, name: str, every: float = 0.0) -> Outlet:
        async def deliver(row: OutboxMessage) -> tuple[str, ...]:
            if self.sending.setdefault(row.chat_id, name) != name:
                self.overlaps.append(row.chat_id)
            await asyncio.sleep(self.pause)
            self.sending.pop(row.chat_id, None)
            self.got.append((name, row.chat_id, row.text))
            return (f"m{row.id}",)

        return Outlet(PLATFORM, deliver, edit_every=lambda chat: every)


def core_on(engine: AsyncEngine, clock: FakeClock) -> Core:
    return Core(units_of_work(engine), clock, CATALOGS, GroupDefaults(), {})


async def queue(
    core: Core, chat: str, text: str, priority: Priority = Priority.POST, key: str | None = None
) -> None:
    async with core.uow() as uow:
        await uow.outbox.send(PLATFORM, chat, text, (), key, core.clock.now(), priority=priority)
        await uow.commit()


async def test_two_senders_never_write_to_one_chat_at_once_and_keep_its_order(
    engine: AsyncEngine,
) -> None:
    clock = FakeClock()
    core = core_on(engine, clock)
    for n in range(8):
        for chat in ("a", "b", "c", "d"):
            await queue(core, chat, f"{chat}{n}")
    platform = Platform()
    one = Courier(core, platform.outlet("one"), owner="one")
    two = Courier(core_on(engine, clock), platform.outlet("two"), owner="two")
    await asyncio.gather(one.drain(), two.drain())
    await asyncio.gather(one.drain(), two.drain())  # whatever one left, the other takes
    by_chat = defaultdict(list)
    for sender, chat, text in platform.got:
        by_chat[chat].append((sender, text))
    assert platform.overlaps == []
    for chat, sent in by_chat.items():
        assert [text for _, text in sent] == [f"{chat}{n}" for n in range(8)]  # once, in order
        assert len({sender for sender, _ in sent}) == 1  # one sender per chat
    assert len(platform.got) == 32


async def test_two_senders_answer_each_press_once(engine: AsyncEngine) -> None:
    clock = FakeClock()
    core = core_on(engine, clock)
    async with core.uow() as uow:
        for n in range(20):
            await uow.outbox.toast(PLATFORM, "group", f"query{n}", f"Counted {n}", clock.now())
        await uow.commit()
    platform = Platform()
    one = Courier(core, platform.outlet("one"), owner="one")
    two = Courier(core_on(engine, clock), platform.outlet("two"), owner="two")
    await asyncio.gather(one.drain(), two.drain())
    assert sorted(text for _, _, text in platform.got) == sorted(f"Counted {n}" for n in range(20))


async def test_a_stopped_senders_chats_are_free_at_once_a_crashed_ones_after_a_while(
    engine: AsyncEngine,
) -> None:
    clock = FakeClock()
    core = core_on(engine, clock)
    for n in range(3):
        await queue(core, "a", f"a{n}")
    platform = Platform(pause=0.05)
    crashed = Courier(core, platform.outlet("crashed"), owner="crashed")
    async with core.uow() as uow:  # it held the lane when it died
        assert await uow.lanes.claim(
            PLATFORM, "a", "crashed", clock.now(), clock.now() + timedelta(seconds=HOLD)
        )
        await uow.commit()
    other = Courier(core, platform.outlet("other"), owner="other")
    assert await other.drain() == 0  # the chat may still be written to by the other
    clock.advance(seconds=HOLD + 1)
    assert await other.drain() == 3

    for n in range(3, 6):
        await queue(core, "a", f"a{n}")
    wake = asyncio.Event()
    stopping = Courier(core, Platform(pause=0.5).outlet("stopping"), owner="stopping")
    running = asyncio.create_task(stopping.run(wake))
    await asyncio.sleep(0.3)  # it took the lane and is sending
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert await other.drain() >= 2  # released as it stopped: no waiting for the hold
    assert crashed.sent == 0


async def test_answers_go_before_bulk_work(engine: AsyncEngine) -> None:
    clock = FakeClock()
    core = core_on(engine, clock)
    for n in range(5):
        await queue(core, f"reminded{n}", "Reminder", Priority.BULK)
    await queue(core, "tally", "P1 tally", Priority.BULK, key="poll:1")
    await queue(core, "asker", "Your answer", Priority.ANSWER)
    await queue(core, "group", "A new post", Priority.POST)
    platform = Platform()
    await Courier(core, platform.outlet("one"), owner="one").drain()
    assert [text for _, _, text in platform.got[:2]] == ["Your answer", "A new post"]


async def test_a_message_to_retry_holds_back_its_chat_but_an_edit_holds_back_nothing(
    engine: AsyncEngine,
) -> None:
    clock = FakeClock()
    core = core_on(engine, clock)
    await queue(core, "a", "tally 0", key="poll")
    platform = Platform()
    courier = Courier(core, platform.outlet("one"), owner="one")
    await courier.drain()
    async with core.uow() as uow:
        await uow.outbox.edit(PLATFORM, "a", "poll", "tally 1", (), clock.now())
        await uow.commit()
    await queue(core, "a", "after the edit")
    failing = Outlet(PLATFORM, _busy_for_edits(platform.outlet("one")))
    assert await Courier(core, failing, owner="one").drain() == 1
    assert platform.got[-1][2] == "after the edit"  # the edit to retry waits alone


def _busy_for_edits(outlet: Outlet):  # type: ignore[no-untyped-def]
    async def deliver(row: OutboxMessage) -> tuple[str, ...]:
        if row.kind == "edit":
            raise Retry("429 Too Many Requests", 30)
        return tuple(await outlet.deliver(row))

    return deliver


async def test_a_post_shown_live_is_edited_at_most_once_per_interval(engine: AsyncEngine) -> None:
    clock = FakeClock()
    core = core_on(engine, clock)
    await queue(core, "group", "0 votes", key="poll")
    platform = Platform()
    courier = Courier(core, platform.outlet("one", every=5.0), owner="one")
    await courier.drain()
    for votes in range(1, 40):
        async with core.uow() as uow:
            await uow.outbox.edit(PLATFORM, "group", "poll", f"{votes} votes", (), clock.now())
            await uow.commit()
        await courier.drain()
        clock.advance(seconds=0.5)  # 40 votes over 20 seconds
    for _ in range(3):
        clock.advance(seconds=5)
        await courier.drain()
    edits = [text for _, _, text in platform.got[1:]]
    assert edits[-1] == "39 votes"  # the latest always arrives
    assert len(edits) <= 20 / 5 + 2  # not one per vote: one per interval


async def test_a_sender_stops_even_when_a_send_turns_its_cancel_into_an_error(
    engine: AsyncEngine,
) -> None:
    """A library under a send may lose a cancel (raise an error of its own instead); the
    sender must stop all the same, not wait for work for ever."""
    core = core_on(engine, FakeClock())
    await queue(core, "a", "a0")
    sending = asyncio.Event()

    async def deliver(row: OutboxMessage) -> tuple[str, ...]:
        sending.set()
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            raise RuntimeError("connection closed") from None
        return ("never",)

    courier = Courier(core, Outlet(PLATFORM, deliver, edit_every=lambda chat: 0.0), owner="one")
    running = asyncio.create_task(courier.run(asyncio.Event()))
    await asyncio.wait_for(sending.wait(), 5)
    running.cancel()
    try:
        done, _ = await asyncio.wait({running}, timeout=5)
        assert done, "the sender did not stop"
    finally:  # should it hang, the test must not
        for _ in range(3):
            running.cancel()
            await asyncio.sleep(0)
