"""Telegram failing one call in ten: every message still arrives once, every update counts once."""

import asyncio
import contextlib
from collections import Counter
from pathlib import Path

import pytest

from bot import bootstrap
from bot.config import Config, StorageConfig, TelegramConfig
from tests.botapi import BotApi, Person

PEOPLE = [Person(100 + n, f"Person{n}", f"person{n}") for n in range(12)]  # within 20/min


@pytest.mark.slow
async def test_with_one_call_in_ten_failing_nothing_is_lost_or_doubled(tmp_path: Path) -> None:
    api = BotApi(fault_rate=0.1)
    base_url = await api.start()
    config = Config(
        storage=StorageConfig(f"sqlite:///{tmp_path}/minga.db"),
        telegram=TelegramConfig(enabled=True, token=api.token, base_url=base_url),
    )
    running = asyncio.create_task(bootstrap.run_platforms(config))
    try:
        group = api.group(-500, "Free Food")
        api.says(PEOPLE[0], group, "/setup Free Food")
        for person in PEOPLE:
            api.says(person, api.private(person), "/start")
            api.says(person, group, "/join")
        await api.until(
            lambda: (
                all(api.in_chat(p.id) for p in PEOPLE)
                and "On the roster: 12 people." in api.in_chat(-500)[0]["text"]
                and len(welcomes(api)) >= 11
            ),
            within=120,
        )  # none lost
        await asyncio.sleep(3)  # time for a copy to come, if the outbox were to send one

    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await api.stop()
    failed = Counter(method for method, _ in api.calls)
    assert failed["sendMessage"] > len(api.messages)  # some calls did fail and were retried
    for person in PEOPLE:  # one greeting each: nothing twice, nothing lost
        assert [m["text"].split("!")[0] for m in api.in_chat(person.id)] == [
            f"Hello {person.first_name}"
        ]
    joined = welcomes(api)
    assert sorted(joined) == sorted(set(joined)) and len(joined) == 11  # the founder set it up


def welcomes(api: BotApi) -> list[str]:
    return [m["text"] for m in api.in_chat(-500) if m["text"].startswith("Welcome, ")]
