"""Saturday's reminder wave on Telegram while one group is busy: a benchmark that prints figures.

minga runs for real, bot.bootstrap.run_platforms with a Config: SQLite in a temporary
folder, Telegram pointed at WaveApi (tests/botapi.py's stand-in, with Telegram's limits and
429s, noting when things arrive), in one event loop with the stand-in and the people, whose
work therefore counts against minga.

The wave, --groups x --people-per-group reminders in private chats, is written the
documented bulk way, as the scheduler's jobs write it: one outbox row per reminder,
priority=Priority.BULK, one transaction each, in turn. The script writes the rows with the
project's storage API (storage.uow.units_of_work) on minga's SQLite file through an engine
of its own (taking turns with minga's writes in SQLite's busy handler, as another process
would); minga is neither told nor patched: its Courier finds them, as it looks every second
and after each of its own commits. The busy group, one of the 50, is set up through the
stand-in first; during the wave it gets a press about every 0.5 s, /help or /mine in a
private chat about every 0.5 s, and /roster in the group from each of its 21 members.

Figures (time.monotonic). Time to send: from just before the first row is written until
the stand-in accepts the last reminder, ÷ the minimum Telegram's limits allow: n messages
at 30 a second, the first at 0 s, need (n - 1) // 30 s, n counting every sendMessage and
editMessageText accepted meanwhile (reminders and the busy group's messages; answers to
presses are not limited, and with one reminder per private chat their limit does not bind).
429s from the start to the end of the drain. Callback answers: press received -> its
answerCallbackQuery; private replies: /help or /mine received -> the next sendMessage in
that chat that is not a reminder; asked during the wave, answered up to DRAIN s after it
(one never answered counts with the time it waited). Floors, after minga stopped: a bare
python-telegram-bot Bot sending n messages paced only by the limits (minga ÷ bare), and a
bare SQLAlchemy async INSERT + COMMIT loop on the same SQLite file (time per insert).
Targets (the issue): wave <= 1.1 x the minimum with 0 x 429; callback answers p95 <= 1 s;
private replies p95 <= 3 s. About 2 minutes; --quick (10 groups of 20) about 30 s.
"""

import argparse
import asyncio
import contextlib
import itertools
import logging
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import Bot
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: tests/ and bench/ are not installed
    sys.path.insert(0, str(ROOT))

from adapters.telegram.translate import PLATFORM  # noqa: E402
from bench.report import percentile, session, spread, table, verdict  # noqa: E402
from bot import bootstrap  # noqa: E402
from bot.config import Config, LoggingConfig, StorageConfig, TelegramConfig  # noqa: E402
from bot.model import Priority  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.uow import units_of_work  # noqa: E402
from tests.botapi import LIMITS, BotApi, Person  # noqa: E402

BUSY = -100777  # the busy group's chat
MEMBERS = 21  # on its roster, each with a private chat: chat ids 1..21
CLAIMERS, TALKERS = range(4, 10), range(10, MEMBERS)  # members 0..3 post the requests
REQUESTS = 8
EVERY = (0.35, 0.65)  # seconds between two presses, and between two private commands
ROSTER_EVERY = (1.5, 2.5)  # seconds between two /roster in the group
DRAIN = 10.0  # seconds answers get after the wave
REMINDER = "Reminder:"
OVERALL, OVERALL_SECONDS = LIMITS["overall"]
MARGIN = 0.01  # seconds, as minga's pacer: the resolution of clocks
WAVE_TARGET, PRESS_TARGET, PRIVATE_TARGET = 1.1, 1.0, 3.0


def minimum_seconds(messages: int) -> int:
    return max(messages - 1, 0) // OVERALL


@dataclass
class WaveApi(BotApi):
    """The stand-in, noting when things arrive. Asks and answers are noted while `watching`
    (the wave and its drain); in a chat, the n-th answer answers the n-th ask."""

    counted: list[float] = field(default_factory=list)  # messages the overall window counts
    reminded: list[float] = field(default_factory=list)
    watching: bool = False
    pressed: dict[str, list[float]] = field(default_factory=dict)  # by callback query id
    press_answers: dict[str, list[float]] = field(default_factory=dict)
    asked: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    replies: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))

    def open_private(self, chat_id: int) -> None:
        """Someone who started the bot long ago: minga may write to them."""
        self.started.add(chat_id)
        self.private(Person(chat_id, f"Person{chat_id}"))

    def presses(self, person: Person, chat_id: int, message_id: int, data: str) -> int:
        at = time.monotonic()
        update_id = super().presses(person, chat_id, message_id, data)
        if self.watching:
            self.pressed[self.updates[-1]["callback_query"]["id"]] = [at]
        return update_id

    def says(
        self, person: Person, chat: dict[str, Any], text: str, reply_to: int | None = None
    ) -> int:
        if self.watching and chat["type"] == "private":
            self.asked[chat["id"]].append(time.monotonic())
        return super().says(person, chat, text, reply_to)

    def _flood(self, chat_id: int) -> None:
        super()._flood(chat_id)  # a message it does not refuse here is accepted
        self.counted.append(time.monotonic())

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        message = await super()._m_sendMessage(params)
        chat_id = message["chat"]["id"]
        if chat_id > 0 and message["text"].startswith(REMINDER):
            self.reminded.append(time.monotonic())
        elif chat_id > 0 and self.watching:  # talkers hear nothing else privately
            self.replies[chat_id].append(time.monotonic())
        return message

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        if self.watching:  # the first answer counts; Telegram refuses a second
            self.press_answers.setdefault(str(params["callback_query_id"]), [time.monotonic()])
        return await super()._m_answerCallbackQuery(params)


def waits(
    asked: dict[Any, list[float]], answered: dict[Any, list[float]], until: float
) -> tuple[list[float], int]:
    """Seconds from each ask to its answer (one never answered: until `until`), and how
    many were never answered."""
    found, missing = [], 0
    for key, times in asked.items():
        answers = answered.get(key, [])
        for n, at in enumerate(times):
            found.append((answers[n] if n < len(answers) else until) - at)
            missing += n >= len(answers)
    return found, missing


def plan_wave(groups: int, per_group: int, rng: random.Random) -> list[tuple[int, str]]:
    """(private chat, text) in the order the jobs fall due; the busy group's members are
    the first group's first 21."""
    chats = [
        1 + n if group == 0 and n < MEMBERS else 100_000 + 1000 * group + n
        for group in range(groups)
        for n in range(per_group)
    ]
    rng.shuffle(chats)  # jobs of many groups fall due in the same minute
    return [
        (
            chat,
            f"{REMINDER} Soup kitchen · Sat 14 Jun 10:00–13:00, Eastside hall. You are "
            f"on it as volunteer (S{n + 1}).",
        )
        for n, chat in enumerate(chats)
    ]


async def write_wave(engine: AsyncEngine, wave: Sequence[tuple[int, str]]) -> None:
    """The rows the scheduler's jobs write, one transaction each."""
    clock, unit = bootstrap.SystemClock(), units_of_work(engine)
    for chat_id, text in wave:
        async with unit() as uow:
            await uow.outbox.send(
                PLATFORM, str(chat_id), text, (), None, clock.now(), priority=Priority.BULK
            )
            await uow.commit()


async def set_up_busy_group(
    api: WaveApi, engine: AsyncEngine, rng: random.Random
) -> list[Callable[[int], None]]:
    """As people do it, through the stand-in, until minga has sent it all; what its people
    do during the wave."""
    members = [Person(1 + n, f"Member{n + 1}", f"member{n + 1}") for n in range(MEMBERS)]
    api.says(members[0], api.group(BUSY, "Busy Kitchen"), "/setup Busy Kitchen")
    await api.until(lambda: bool(api.in_chat(BUSY)), 30)
    welcome = api.last(BUSY)
    for person in members:
        api.says(person, api.private(person), "/start")
    for person in members[1:]:
        api.presses(person, BUSY, welcome["message_id"], "join")
    await api.until(lambda: f"On the roster: {MEMBERS} people." in welcome["text"], 30)
    for n in range(REQUESTS):
        api.says(
            members[n % 4],
            api.chats[members[n % 4].id],
            f"/request food Eastside by friday: {n + 2} boxes",
        )
    for _ in range(150):  # 30 s, until the wave can start alone: nothing left to send
        posts = [
            (int(found[1]), m["message_id"])
            for m in api.in_chat(BUSY)
            if (found := re.match(r"R(\d+) ·", m["text"]))
        ]  # (request, message id)
        async with engine.connect() as conn:
            unsent = (
                await conn.execute(
                    sql("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed IS NULL")
                )
            ).scalar_one()
        if (
            len(posts) == REQUESTS
            and not unsent
            and (time.monotonic() - api.counted[-1] > OVERALL_SECONDS + 0.2)
        ):
            break
        await asyncio.sleep(0.2)
    else:
        raise TimeoutError("minga did not finish setting up the busy group")
    talkers = [members[n] for n in TALKERS]
    rosters = rng.sample(members, MEMBERS)

    def press(n: int) -> None:  # Join by someone new, "I can help" by a member, in turns
        if n % 2 == 0:
            api.presses(Person(700_000 + n, f"Newcomer{n}"), BUSY, welcome["message_id"], "join")
        else:
            number, message_id = rng.choice(posts)  # most are claimed: a polite answer
            api.presses(members[rng.choice(CLAIMERS)], BUSY, message_id, f"claim {number}")

    def talk(n: int) -> None:
        person = talkers[n % len(talkers)]
        api.says(person, api.chats[person.id], ("/help", "/mine")[n // len(talkers) % 2])

    def roster(n: int) -> None:
        if n < MEMBERS:
            api.says(rosters[n], api.chats[BUSY], "/roster")

    return [press, talk, roster]


async def keep_doing(
    act: Callable[[int], None], gaps: tuple[float, float], stop: asyncio.Event, rng: random.Random
) -> None:
    for n in itertools.count():
        act(n)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), rng.uniform(*gaps))
            return


@dataclass
class Wave:
    reminders: int
    complete: bool
    seconds: float  # the start until the last reminder was accepted (or until given up)
    counted: int  # messages in the overall window from the start to the last reminder
    floods: int
    presses: tuple[list[float], int]  # waits, and how many never answered
    private: tuple[list[float], int]


async def run_minga(url: str, wave: Sequence[tuple[int, str]], rng: random.Random) -> Wave:
    api, stop, engine, tasks = WaveApi(), asyncio.Event(), None, []
    config = Config(
        storage=StorageConfig(url),
        telegram=TelegramConfig(enabled=True, token=api.token, base_url=await api.start()),
    )
    for chat_id, _ in wave:
        if chat_id > MEMBERS:
            api.open_private(chat_id)
    running = asyncio.create_task(bootstrap.run_platforms(config))
    try:
        await api.until(lambda: running.done() or any(m == "getUpdates" for m, _ in api.calls), 60)
        if running.done():
            raise RuntimeError("minga stopped while starting") from running.exception()
        engine = create_engine(url)  # once minga has made the tables
        acts = await set_up_busy_group(api, engine, rng)
        print("busy group set up; the wave starts", flush=True)
        floods, api.watching, started = api.too_many, True, time.monotonic()
        tasks = [
            asyncio.create_task(work)
            for work in (
                write_wave(engine, wave),
                *(
                    keep_doing(act, gaps, stop, rng)
                    for act, gaps in zip(acts, (EVERY, EVERY, ROSTER_EVERY), strict=True)
                ),
            )
        ]
        with contextlib.suppress(TimeoutError):
            await api.until(
                lambda: len(api.reminded) >= len(wave), 2 * minimum_seconds(len(wave)) + 30
            )
        complete = len(api.reminded) >= len(wave)
        ended = api.reminded[-1] if complete else time.monotonic()
        stop.set()
        await asyncio.gather(*tasks)
        with contextlib.suppress(TimeoutError):  # answers to what was asked during the wave
            await api.until(
                lambda: (
                    not (
                        waits(api.pressed, api.press_answers, 0)[1]
                        or waits(api.asked, api.replies, 0)[1]
                    )
                ),
                DRAIN,
            )
        drained = time.monotonic()
        return Wave(
            len(api.reminded),
            complete,
            ended - started,
            counted=sum(started <= at <= ended for at in api.counted),
            floods=api.too_many - floods,
            presses=waits(api.pressed, api.press_answers, drained),
            private=waits(api.asked, api.replies, drained),
        )
    finally:
        for task in (*tasks, running):
            task.cancel()
        await asyncio.gather(*tasks, running, return_exceptions=True)
        if engine is not None:
            await engine.dispose()
        await api.stop()


async def client_floor(messages: int, body: str) -> tuple[float, int]:
    """python-telegram-bot's Bot alone, as fast as the overall limit lets it: seconds from
    the first send until the last was accepted, and 429s. Message i goes once the answers
    of messages 0..i-30 are back and a second has passed since the last of them: Telegram
    counted each before its answer, so the window has room whatever the network did."""
    api, sending, latest = WaveApi(), [], 0.0
    bot = Bot(api.token, base_url=await api.start(), request=HTTPXRequest(connection_pool_size=256))
    back = [asyncio.get_running_loop().create_future() for _ in range(messages)]

    async def send(n: int) -> None:
        with contextlib.suppress(TelegramError):  # a 429 shows in the stand-in's count
            await bot.send_message(900_000 + n, body)
        back[n].set_result(time.monotonic())

    try:
        for n in range(messages):
            api.open_private(900_000 + n)
        await bot.initialize()
        started = time.monotonic()
        async with asyncio.timeout(2 * minimum_seconds(messages) + 30):
            for n in range(messages):
                if n >= OVERALL:
                    latest = max(latest, await back[n - OVERALL])
                    await asyncio.sleep(latest + OVERALL_SECONDS + MARGIN - time.monotonic())
                sending.append(asyncio.create_task(send(n)))
            await asyncio.gather(*sending)
        return api.counted[-1] - started, api.too_many
    finally:
        for task in sending:
            task.cancel()
        await bot.shutdown()
        await api.stop()


async def database_floor(url: str, count: int) -> float:
    """Seconds per INSERT + COMMIT, one transaction each, with minga's engine (BEGIN
    IMMEDIATE, WAL) on the same SQLite file."""
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(sql("CREATE TABLE bench_floor (id INTEGER PRIMARY KEY, body TEXT)"))
        started = time.monotonic()
        for n in range(count):
            async with engine.begin() as conn:
                await conn.execute(
                    sql("INSERT INTO bench_floor (body) VALUES (:body)"),
                    {"body": f"{REMINDER} row {n}"},
                )
        return (time.monotonic() - started) / count
    finally:
        await engine.dispose()


def answers(found: tuple[list[float], int], target: float) -> tuple[str, str, str]:
    values, missing = found
    met = bool(values) and percentile(values, 0.95) <= target
    return (
        spread(values) + (f", {missing} never answered" if missing else ""),
        f"p95 <= {target:g} s",
        verdict(met),
    )


def figures(wave: Wave, client: tuple[float, int], db_seconds: float) -> str:
    least = minimum_seconds(wave.counted)
    ratio = wave.seconds / least if least else float("inf")
    return table(
        [
            (
                "reminder wave: time to send",
                f"{wave.seconds:.2f} s, {wave.reminders} reminders"
                + ("" if wave.complete else " (NOT all sent)"),
                f"minimum {least} s: {wave.counted} msgs at 30/s",
                "",
            ),
            (
                "  ÷ the minimum",
                f"{ratio:.3f}",
                f"<= {WAVE_TARGET}",
                verdict(wave.complete and ratio <= WAVE_TARGET),
            ),
            ("429s answered", str(wave.floods), "0", verdict(wave.floods == 0)),
            ("callback answers", *answers(wave.presses, PRESS_TARGET)),
            ("private replies", *answers(wave.private, PRIVATE_TARGET)),
            (
                "bare PTB Bot, same msgs",
                f"{client[0]:.2f} s, {client[1]} x 429",
                f"minimum {least} s",
                "",
            ),
            ("  minga ÷ bare Bot", f"{wave.seconds / client[0]:.3f}", "1.0 = as fast", ""),
            ("bare database", f"{db_seconds * 1000:.2f} ms per INSERT+COMMIT", "", ""),
        ]
    ) + (
        f"\n\nn = {wave.counted}: {wave.reminders} reminders (alone: minimum "
        f"{minimum_seconds(wave.reminders)} s) and the busy group's messages and edits."
    )


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--groups", type=int, default=50, help="groups in the wave (50)")
    parser.add_argument(
        "--people-per-group", type=int, default=32, help="people with a reminder in each group (32)"
    )
    parser.add_argument("--seed", type=int, default=7, help="for a reproducible run (7)")
    parser.add_argument("--quick", action="store_true", help="10 groups of 20: a check")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary folder (database, minga's log)"
    )
    found = parser.parse_args()
    if found.quick:
        found.groups, found.people_per_group = 10, 20
    if found.groups < 1 or found.people_per_group < 1:
        parser.error("--groups and --people-per-group must be at least 1")
    return found


async def bench(chosen: argparse.Namespace, folder: Path) -> None:
    rng = random.Random(chosen.seed)
    wave = plan_wave(chosen.groups, chosen.people_per_group, rng)
    url = f"sqlite:///{folder}/minga.db"
    print(
        f"{len(wave)} reminders: {chosen.groups} groups x {chosen.people_per_group} people; "
        f"seed {chosen.seed}; folder {folder}",
        flush=True,
    )
    result = await run_minga(url, wave, rng)
    print(f"wave over in {result.seconds:.1f} s; now the floors", flush=True)
    client = await client_floor(max(result.counted, 1), wave[0][1])
    print(f"\n{figures(result, client, await database_floor(url, len(wave)))}")


def main() -> None:
    chosen = options()
    with (
        session(
            "telegram_wave: Saturday's reminders while one group is busy", chosen.keep
        ) as folder,
        open(folder / "minga.log", "w") as log,
    ):
        # minga's own logging, to a file; only errors on the terminal.
        bootstrap.setup_logging(LoggingConfig(level="INFO"), console=False, stream=log)
        errors = logging.StreamHandler(sys.stderr)
        errors.setLevel(logging.ERROR)
        logging.getLogger().addHandler(errors)
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # the stand-in's
        asyncio.run(bench(chosen, folder))


if __name__ == "__main__":
    main()
