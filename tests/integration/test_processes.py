"""Several `minga run` processes on one PostgreSQL, in Telegram's webhook mode behind one
address (the Bot API stand-in plays the reverse proxy that takes them in turn): every
update handled once, the scheduler in exactly one process and taken over by another within
30 s when that one is killed, and a database that goes away and comes back loses nothing.

Each test starts real processes on a database of its own, which it may cut off."""

import asyncio
import os
import socket
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from signal import SIGINT, SIGKILL

import aiohttp
import asyncpg
import pytest

from bot import bootstrap
from bot.config import Config, StorageConfig, TelegramConfig
from bot.i18n import LANGUAGES
from tests.botapi import BotApi, Person
from tests.conftest import empty_postgres, postgres_admin, postgres_fetch, postgres_url_of
from tests.stopping import stopped

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "a-long-random-secret-for-the-proxy-test"
PUBLIC = "https://minga.example.org/telegram"  # the proxy's address: Telegram posts there
FOUNDING_OVER = "founding days of"


@dataclass
class Minga:
    """One `minga run` process: its webhook port and its log."""

    name: str
    port: int
    log: Path
    process: asyncio.subprocess.Process

    def said(self, text: str) -> int:
        return self.log.read_text(errors="replace").count(text)

    @property
    def running(self) -> bool:
        return self.process.returncode is None

    async def stopped(self, within: float) -> int:
        """Its exit code once it has stopped; a process that does not stop in time fails
        the test with the end of its log, which says what it was still doing."""
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
            tail = "\n".join(self.log.read_text(errors="replace").splitlines()[-60:])
            raise AssertionError(f"{self.name} did not stop within {within} s:\n{tail}") from None


Start = Callable[[int], Awaitable[list[Minga]]]


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of this test's own: the processes migrate it as they start."""
    with empty_postgres(request, "minga_processes") as name:
        yield name


async def sql(database: str, statement: str, *args: object) -> list[asyncpg.Record]:
    return await postgres_fetch(postgres_url_of(database), statement, *args)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
async def api() -> AsyncIterator[BotApi]:
    stand_in = BotApi()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def mingas(database: str, api: BotApi, tmp_path: Path) -> AsyncIterator[Start]:
    """`await mingas(2)`: that many processes started at once on the empty database, as
    systemd starts minga@8441 and minga@8442, behind the stand-in's proxy; each is ready
    (listening) when they are returned. All are stopped at the end."""
    config = tmp_path / "minga.toml"
    config.write_text(
        f'[storage]\nurl = "{postgres_url_of(database)}"\n'
        f'[telegram]\nenabled = true\ntoken = "{api.token}"\n'
        f'base_url = "{api.base_url}"\nmode = "webhook"\n'
        f'webhook_url = "{PUBLIC}"\nwebhook_secret = "{SECRET}"\n'
        '[logging]\nlevel = "INFO"\n'
    )
    started: list[Minga] = []

    async def start(count: int) -> list[Minga]:
        ports = [free_port() for _ in range(count)]
        api.backends = [f"http://127.0.0.1:{port}/telegram" for port in ports]
        for n, port in enumerate(ports):
            log = tmp_path / f"minga{n}.log"
            with log.open("w") as out:
                # One configuration for all; the port is the instance's, as in the README's
                # minga@.service. The lanes' holder defaults to the host name and the port.
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bot",
                    "run",
                    "--config",
                    str(config),
                    cwd=ROOT,
                    env=os.environ | {"MINGA_TELEGRAM_WEBHOOK_PORT": str(port)},
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=out,
                )
            started.append(Minga(f"minga{n}", port, log, process))
        await api.until(
            lambda: all(m.said("telegram=webhook") or not m.running for m in started), within=40
        )
        for m in started:
            assert m.running, m.log.read_text()
        return started

    yield start
    for m in started:
        if m.running:
            m.process.send_signal(SIGINT)
    for m in started:
        try:
            await asyncio.wait_for(m.process.wait(), 30)
        except TimeoutError:
            m.process.kill()
            await m.process.wait()


def leaders(mingas: list[Minga]) -> list[Minga]:
    return [m for m in mingas if m.said("scheduler=leading")]


async def one_leader(api: BotApi, mingas: list[Minga]) -> Minga:
    await api.until(lambda: leaders(mingas), within=20)
    await asyncio.sleep(3)  # a second one would have come by now: followers try every 2 s
    [leader] = leaders(mingas)
    return leader


GROUP = -100700
ANA = Person(700, "Ana", "ana")
PEOPLE = [Person(710 + n, f"Person{n}", f"person{n}") for n in range(24)]


def texts(api: BotApi, chat_id: int) -> list[str]:
    return [m["text"] for m in api.in_chat(chat_id)]


async def setup_groups(api: BotApi, count: int) -> list[int]:
    """`count` groups, each set up in its own Telegram group; their chat ids."""
    chats = [GROUP - n for n in range(count)]
    for n, chat in enumerate(chats):
        api.says(ANA, api.group(chat, f"Kitchen {n}"), f"/setup Kitchen {n}")
    await api.until(lambda: all(texts(api, chat) for chat in chats), within=20)
    return chats


async def founding_jobs(database: str, seconds: list[float]) -> list[int]:
    """A job for each group, due in so many seconds, written as another process's commit
    would: the leader learns of it only from the table. Each posts once in its group."""
    groups = [r["id"] for r in await sql(database, "SELECT id FROM groups ORDER BY id")]
    assert len(groups) == len(seconds)
    ids = []
    for group, after in zip(groups, seconds, strict=True):
        [row] = await sql(
            database,
            "INSERT INTO jobs (kind, ref_id, due_at) VALUES "
            "('founding_closed', $1, now() + $2 * interval '1 second') "
            "RETURNING id",
            group,
            after,
        )
        ids.append(row["id"])
    return ids


def posted_once(api: BotApi, chats: list[int]) -> dict[int, int]:
    return {chat: sum(FOUNDING_OVER in t for t in texts(api, chat)) for chat in chats}


async def test_two_processes_behind_one_address_handle_every_update_once(
    api: BotApi, mingas: Start, database: str
) -> None:
    both = await mingas(2)  # started at once on an empty database: one migrates it
    leader = await one_leader(api, both)
    [group] = await setup_groups(api, 1)
    for person in PEOPLE:
        api.says(person, api.private(person), "/start")
    for person in PEOPLE[:8]:
        api.says(person, api.chats[group], "/join")
    await api.until(lambda: all(texts(api, p.id) for p in PEOPLE), within=30)
    await api.until(lambda: len(texts(api, group)) >= 9, within=30)

    # A proxy that gave up on a slow process posts the same update to the other one: both
    # take it at once, and it is handled once.
    late = Person(799, "Late", "late")
    chat = api.private(late)
    api.started.add(late.id)
    update = {
        "update_id": 9999,
        "message": {
            "message_id": 9999,
            "date": int(time.time()),  # noqa: TID251
            "chat": chat,
            "from": late.user(),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with aiohttp.ClientSession() as session:
        answers = await asyncio.gather(
            *(
                session.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
                for url in api.backends
            )
        )
    assert [a.status for a in answers] == [200, 200]
    await api.until(lambda: texts(api, late.id), within=10)
    await asyncio.sleep(2)  # time for a second answer, were one coming

    assert all(m.running for m in both)
    greetings = Counter(len(texts(api, p.id)) for p in [*PEOPLE, late])
    assert greetings == {1: len(PEOPLE) + 1}  # every private /start answered once
    assert len(texts(api, group)) == 9  # the welcome and eight joins, once each
    served = {url for url, status in api.webhook_posts if status == 200}
    assert served == set(api.backends)  # the proxy spread the updates over both
    [handled] = await sql(database, "SELECT count(*) AS n FROM inbox")
    assert handled["n"] == 1 + len(PEOPLE) + 8 + 1  # every update recorded once

    # Stopped as systemd stops it (KillSignal=SIGINT): the lock is handed over at once.
    [other] = [m for m in both if m is not leader]
    leader.process.send_signal(SIGINT)
    assert await leader.stopped(30) == 130
    await api.until(lambda: other.said("scheduler=leading"), within=5)
    [lanes] = await sql(
        database, "SELECT count(*) AS n FROM lanes WHERE owner LIKE $1", f"%:{leader.port}"
    )
    assert lanes["n"] == 0  # and its lanes are free
    # Each process paces Telegram's 30 a second on its own: together they may earn a 429
    # in a burst, which is waited out (README, "Several processes").
    print(f"\n429s earned by two processes sending at once: {api.too_many}")


async def test_killing_the_leader_hands_the_scheduler_over_within_30_s(
    api: BotApi, mingas: Start, database: str
) -> None:
    both = await mingas(2)
    leader = await one_leader(api, both)
    [other] = [m for m in both if m is not leader]
    chats = await setup_groups(api, 4)
    due = [1.0, 4.0, 7.0, 11.0]
    jobs = await founding_jobs(database, due)
    written = time.monotonic()
    await api.until(lambda: posted_once(api, chats[:1])[chats[0]] == 1, within=15)
    await asyncio.sleep(0.5)  # its mark committed: the kill falls between two reminders
    os.kill(leader.process.pid, SIGKILL)
    await leader.process.wait()
    killed = time.monotonic()
    await api.until(lambda: other.said("scheduler=leading"), within=30)
    took_over = time.monotonic() - killed
    await api.until(lambda: all(posted_once(api, chats).values()), within=40)
    last = time.monotonic()
    await asyncio.sleep(2)  # time for a second copy, were one coming

    print(
        f"\ntaken over {took_over:.1f} s after the kill; the last reminder "
        f"{last - written - due[-1]:+.1f} s from its time"
    )
    assert took_over < 30
    assert posted_once(api, chats) == {chat: 1 for chat in chats}  # none lost, none twice
    rows = await sql(database, "SELECT id, outcome FROM jobs WHERE id = ANY($1::int[])", jobs)
    assert {r["outcome"] for r in rows} <= {"sent", "late"} and len(rows) == len(jobs)
    assert last - written - due[-1] < 30


async def test_a_database_restart_loses_nothing(api: BotApi, mingas: Start, database: str) -> None:
    both = await mingas(2)
    await one_leader(api, both)
    chats = await setup_groups(api, 2)
    await founding_jobs(database, [2.0, 8.0])  # one due while the database is away
    await postgres_admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
    await postgres_admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
    )
    away = PEOPLE[:10]
    for person in away:  # people write while it is away
        api.says(person, api.private(person), "/start")
    await asyncio.sleep(4)
    await postgres_admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
    await api.until(lambda: all(texts(api, p.id) for p in away), within=30)
    await api.until(lambda: all(posted_once(api, chats).values()), within=30)
    api.says(ANA, api.chats[chats[0]], "/help")  # and life goes on
    await api.until(lambda: len(texts(api, chats[0])) == 3, within=15)
    await asyncio.sleep(2)  # time for a second copy, were one coming

    assert all(m.running for m in both)
    assert 502 in api.webhook_answers or 503 in api.webhook_answers  # it was felt
    assert Counter(len(texts(api, p.id)) for p in away) == {1: len(away)}
    assert posted_once(api, chats) == {chat: 1 for chat in chats}
    # The leader's session ended with the others: one of them leads again.
    assert sum(m.said("scheduler=leading") for m in both) == 2
    [handled] = await sql(database, "SELECT count(*) AS n FROM inbox")
    assert handled["n"] == len(chats) + len(away) + 1


async def test_in_polling_mode_too_a_database_restart_loses_nothing(
    api: BotApi, database: str, tmp_path: Path
) -> None:
    """One process reading updates with getUpdates: while the database is away it confirms
    nothing, and reads the same updates again once it is back."""
    config = Config(
        storage=StorageConfig(postgres_url_of(database)),
        telegram=TelegramConfig(enabled=True, token=api.token, base_url=api.base_url),
    )
    running = asyncio.create_task(bootstrap.run_platforms(config))
    try:
        menus = 2 * len(LANGUAGES)  # private chats and groups, in each language
        await api.until(lambda: len(api.commands) == menus or running.done(), within=20)
        [group] = await setup_groups(api, 1)
        await postgres_admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        await postgres_admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND pid <> pg_backend_pid()"
        )
        away = PEOPLE[:6]
        for person in away:
            api.says(person, api.private(person), "/start")
        await asyncio.sleep(4)
        await postgres_admin(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        await api.until(lambda: all(texts(api, p.id) for p in away), within=30)
        api.says(ANA, api.chats[group], "/help")
        await api.until(lambda: len(texts(api, group)) == 2, within=15)
        await asyncio.sleep(2)  # time for a second copy, were one coming
        assert not running.done()
    finally:
        await stopped(running)
    assert Counter(len(texts(api, p.id)) for p in away) == {1: len(away)}
    [handled] = await sql(database, "SELECT count(*) AS n FROM inbox")
    assert handled["n"] == 1 + len(away) + 1
