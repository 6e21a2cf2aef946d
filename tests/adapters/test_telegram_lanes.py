"""Telegram's lanes, through python-telegram-bot and the Bot API stand-in: a busy group never
holds back a press's answer or anyone's private chat, a post in parts is edited part by
part, and nothing earns a 429. (A vote storm's edits: tests/adapters/test_telegram.py.)"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.telegram.adapter import EDIT_EVERY, TelegramAdapter
from bot.config import GroupDefaults, TelegramConfig
from bot.dispatch import Core
from bot.model import Priority
from storage.uow import units_of_work
from tests.adapters.test_telegram import ANA, BEN, ELI, GROUP, buttons, texts
from tests.botapi import BotApi, Person
from tests.conftest import sqlite_engine_at
from tests.fakes import FakeClock
from tests.harness import CATALOGS

ROSTER_TYPERS = [Person(500 + n, f"Typer{n}", f"typer{n}") for n in range(21)]


def answered_after(api: BotApi, query_id: str, since: float) -> float | None:
    """Seconds from a press to Telegram getting its answer (None: not answered yet)."""
    for (method, params), at in zip(api.calls, api.called_at, strict=True):
        if method == "answerCallbackQuery" and params.get("callback_query_id") == query_id:
            return at - since
    return None


def first_message_after(api: BotApi, chat_id: int, since: float) -> float | None:
    """Seconds from `since` to the first message the bot sent to this chat after it."""
    for (method, params), at in zip(api.calls, api.called_at, strict=True):
        if method == "sendMessage" and int(params["chat_id"]) == chat_id and at >= since:
            return at - since
    return None


def press(
    api: BotApi, person: Person, chat_id: int, message_id: int, data: str
) -> tuple[str, float]:
    """A press; its callback query's id and when the person pressed."""
    update_id = api.presses(person, chat_id, message_id, data)
    query = next(u["callback_query"] for u in api.updates if u["update_id"] == update_id)
    return query["id"], api.made_at[update_id]


async def a_request_post(api: BotApi) -> dict:  # type: ignore[type-arg]
    group = api.group(GROUP, "Free Food")
    for person in (ANA, BEN, ELI):
        api.says(person, api.private(person), "/start")
    api.says(ANA, group, "/setup Free Food")
    for person in (BEN, ELI):
        api.says(person, group, "/join")
    await api.until(lambda: sum(", Eli!" in t or ", Ben!" in t for t in texts(api, GROUP)) == 2)
    api.says(ELI, api.private(ELI), "/request food Eastside by friday: bread for 3")
    await api.until(lambda: any(t.startswith("R1 ·") for t in texts(api, GROUP)))
    return next(m for m in api.in_chat(GROUP) if m["text"].startswith("R1 ·"))


async def test_a_press_after_21_people_typed_in_the_group_is_answered_within_a_second(
    api: BotApi,
) -> None:
    post = await a_request_post(api)
    group = api.chats[GROUP]
    for person in ROSTER_TYPERS:
        api.says(person, group, "/roster")
    # The group's 20 messages a minute are spent: some of these answers wait a minute.
    await api.until(lambda: sum(t.startswith("Roster of") for t in texts(api, GROUP)) >= 10)
    await asyncio.sleep(2)
    told = len(texts(api, ELI.id))
    query_id, pressed = press(api, BEN, GROUP, post["message_id"], "claim 1")
    await api.until(lambda: answered_after(api, query_id, pressed) is not None)
    assert answered_after(api, query_id, pressed) < 1.0  # well inside Telegram's window
    # Both private notes the claim caused go now, not after the group's minute.
    await api.until(
        lambda: (
            any("You are helping with R1" in t for t in texts(api, BEN.id))
            and len(texts(api, ELI.id)) > told
        ),
        within=5,
    )
    roster_answers = sum(t.startswith("Roster of") for t in texts(api, GROUP))
    assert roster_answers < len(ROSTER_TYPERS)  # the group's own queue is still waiting
    assert api.too_many == 0


async def test_private_starts_on_a_first_day_do_not_wait_behind_the_group(api: BotApi) -> None:
    group = api.group(GROUP, "Free Food")
    api.says(ANA, group, "/setup Free Food")
    await api.until(lambda: any("Welcome to minga" in t for t in texts(api, GROUP)))
    newcomers = [Person(700 + n, f"New{n}", f"new{n}") for n in range(25)]
    for person in newcomers:
        api.says(person, group, "/join")  # 25 answers in the group: a minute and more
    await api.until(lambda: sum(t.startswith("Welcome, New") for t in texts(api, GROUP)) >= 15)
    started = {}
    for person in newcomers[:20]:
        update_id = api.says(person, api.private(person), "/start")
        started[person.id] = api.made_at[update_id]
    await api.until(lambda: all(texts(api, p) for p in started), within=15)
    waits = sorted(first_message_after(api, p, t) or 99.0 for p, t in started.items())
    assert waits[-1] < 5.0, waits  # one a second per private chat, not a minute's queue
    assert sum(t.startswith("Welcome, New") for t in texts(api, GROUP)) < len(newcomers)
    assert api.too_many == 0


@contextlib.asynccontextmanager
async def sender(tmp_path: Path) -> AsyncIterator[tuple[BotApi, Core, TelegramAdapter]]:
    """minga's Telegram sender alone, on its own database, with the stand-in."""
    stand_in = BotApi()
    base_url = await stand_in.start()
    engine = await sqlite_engine_at(tmp_path)
    core = Core(units_of_work(engine), FakeClock(), CATALOGS, GroupDefaults(), {})
    adapter = TelegramAdapter(
        core, TelegramConfig(enabled=True, token=stand_in.token, base_url=base_url)
    )
    await adapter.start()
    try:
        yield stand_in, core, adapter
    finally:
        await adapter.stop()
        await stand_in.stop()
        await engine.dispose()


async def queue(
    core: Core,
    chat_id: int,
    text: str,
    key: str | None = None,
    priority: Priority = Priority.POST,
    edit: bool = False,
) -> None:
    async with core.uow() as uow:
        if edit:
            assert key is not None
            await uow.outbox.edit("telegram", str(chat_id), key, text, (), core.clock.now())
        else:
            await uow.outbox.send(
                "telegram", str(chat_id), text, (), key, core.clock.now(), priority=priority
            )
        await uow.commit()


async def test_a_post_in_parts_is_edited_part_by_part(tmp_path: Path) -> None:
    async with sender(tmp_path) as (api, core, adapter):
        clock = core.clock
        assert isinstance(clock, FakeClock)
        api.group(GROUP, "Free Food")
        lines = [f"{n:04d} " + "x" * 95 for n in range(100)]  # 10,000 characters: 3 parts
        await queue(core, GROUP, "\n".join(lines), key="list")
        await adapter.courier.drain()
        sent = api.in_chat(GROUP)
        assert len(sent) == 3 and sent[0]["text"].startswith("0000")
        await queue(
            core, GROUP, "\n".join(line.replace("x", "y") for line in lines), key="list", edit=True
        )
        await adapter.courier.drain()
        assert len(api.in_chat(GROUP)) == 3  # edited in place, nothing new posted
        shown = [m["text"] for m in api.in_chat(GROUP)]
        assert shown[0].startswith("0000 yyy") and shown[2].endswith("y" * 95)
        assert "\n".join(shown) == "\n".join(line.replace("x", "y") for line in lines)
        await queue(core, GROUP, "Just one line now.", key="list", edit=True)
        await adapter.courier.drain()
        assert "\n".join(m["text"] for m in api.in_chat(GROUP)).count("y") > 9000
        clock.advance(seconds=EDIT_EVERY["group"])  # a post is edited at most that often
        await adapter.courier.drain()
        assert [m["text"] for m in api.in_chat(GROUP)] == ["Just one line now.", "…", "…"]


@pytest.mark.parametrize("cut", [4095, 4093])
async def test_an_ampersand_at_the_cut_is_sent_intact(tmp_path: Path, cut: int) -> None:
    async with sender(tmp_path) as (api, core, adapter):
        api.group(GROUP, "Free Food")
        text = "a" * cut + "& <b>soup</b> &amp; bread"
        await queue(core, GROUP, text, key="post")
        await adapter.courier.drain()
        assert "".join(m["text"] for m in api.in_chat(GROUP)) == text  # as it was written
        await queue(core, GROUP, "b" * cut + "&&&&&&", key="post", edit=True)
        await adapter.courier.drain()
        assert "".join(m["text"] for m in api.in_chat(GROUP)) == "b" * cut + "&&&&&&"


@pytest.mark.slow
async def test_a_wave_of_private_reminders_and_tallies_earns_no_429(tmp_path: Path) -> None:
    async with sender(tmp_path) as (api, core, adapter):
        people = [Person(20_000 + n, f"P{n}") for n in range(240)]
        for person in people:
            api.private(person)
            api.started.add(person.id)
        for g in range(6):
            api.group(-300 - g, f"Group {g}")
            for n in range(3):
                await queue(core, -300 - g, f"Tally {n}", key=f"poll:{g}:{n}")
        for person in people:
            await queue(
                core,
                person.id,
                "Reminder: S1 · Box distribution · Sat 10:00.",
                priority=Priority.BULK,
            )
        wake = asyncio.Event()
        running = asyncio.create_task(adapter.courier.run(wake))
        try:
            await api.until(lambda: len(api.messages) == len(people) + 18, within=60)
            await asyncio.sleep(0.5)  # time for a second copy, were one coming
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
        assert len(api.messages) == len(people) + 18  # each delivered once
        assert all(len(api.in_chat(p.id)) == 1 for p in people)
        assert api.too_many == 0


async def test_a_refused_private_chat_holds_back_nobody(tmp_path: Path) -> None:
    async with sender(tmp_path) as (api, core, adapter):
        stranger, friend = Person(41, "Never"), Person(42, "Started")
        api.private(stranger)  # never started the bot: Telegram answers 403
        api.private(friend)
        api.started.add(friend.id)
        await queue(core, stranger.id, "For you")
        await queue(core, friend.id, "For you too")
        await adapter.courier.drain()
        assert texts(api, friend.id) == ["For you too"]
        assert texts(api, stranger.id) == []
        assert not buttons(api.last(friend.id))
