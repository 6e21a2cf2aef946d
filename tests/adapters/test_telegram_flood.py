"""A wave of 2,000 reminders and 20 group tallies: all delivered, no 429, near the limits."""

import time
from pathlib import Path

from adapters.delivery import drain
from adapters.telegram.adapter import TelegramAdapter
from bot.config import GroupDefaults, TelegramConfig
from bot.dispatch import Core
from storage.uow import SqlUnitOfWork
from tests.botapi import BotApi, Person
from tests.conftest import sqlite_engine_at
from tests.fakes import FakeClock
from tests.harness import CATALOGS

PEOPLE = 2000
GROUPS = 20


def minimum_seconds(messages: int, per_second: int = 30) -> float:
    """The fastest Telegram's 30-a-second limit allows: the first 30 at once, then 30 a
    second (the per-group and per-person limits do not bind in this wave)."""
    return (messages - 1) // per_second


async def test_a_wave_of_two_thousand_messages_earns_no_429(tmp_path: Path) -> None:
    api = BotApi()
    base_url = await api.start()
    engine = await sqlite_engine_at(tmp_path)
    core = Core(lambda: SqlUnitOfWork(engine), FakeClock(), CATALOGS, GroupDefaults(), {})
    adapter = TelegramAdapter(core, TelegramConfig(enabled=True, token=api.token,
                                                   base_url=base_url))
    for n in range(PEOPLE):
        api.private(Person(10_000 + n, f"P{n}"))
        api.started.add(10_000 + n)
    for g in range(GROUPS):
        api.group(-200 - g, f"Group {g}")
    async with core.uow() as uow:
        for n in range(PEOPLE):
            await uow.outbox.send("telegram", str(10_000 + n), "Reminder: S1 · Box "
                                  "distribution · Sat 7 Mar 10:00–13:00.", (), None,
                                  core.clock.now())
        for g in range(GROUPS):
            await uow.outbox.send("telegram", str(-200 - g), "P1 · choice · Lunch\nsoup 3",
                                  (), f"poll:{g}", core.clock.now())
        await uow.commit()
    await adapter.start()
    try:
        started = time.monotonic()
        sent = await drain(core, "telegram", adapter.deliver)
        took = time.monotonic() - started
    finally:
        await adapter.stop()
        await api.stop()
        await engine.dispose()
    wave = PEOPLE + GROUPS
    print(f"\n{wave} messages in {took:.1f} s; the limits allow {minimum_seconds(wave)} s at "
          f"best; 429s: {api.too_many}")
    assert sent == wave
    assert len(api.messages) == wave  # each delivered once
    assert api.too_many == 0
    assert took <= 1.1 * minimum_seconds(wave)
