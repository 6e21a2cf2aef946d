"""minga's core driven as its adapters drive it, for the benchmarks.

`Minga` wires the core as bot.bootstrap.run_platforms does (bootstrap.make_core with its
Edges, the real sender adapters.delivery.Courier, the real adapters.scheduler.Scheduler as
one process runs it: without a lock to hold, firing every job itself), with one difference:
the platform is a null one (NullPlatform) that takes every message at once, has no limits
and answers with a message id, so that what is measured is minga alone.
People are played by the bench: each event is a bot.messages Message or ButtonPress, handed
to bot.dispatch.handle exactly as an adapter hands it, and a press carries the data of a
button minga put on a message that the null platform received (the Screen), with that
message's id.

The clock is bot's Clock: set by hand while a network's history is written (it moves only
when told, as the tests' FakeClock), the real time afterwards.
"""

import asyncio
import json
import logging
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.delivery import Courier, Outlet
from adapters.scheduler import Scheduler
from bench.statements import LABEL, StatementCounter
from bot.bootstrap import Edges, SystemClock, make_core
from bot.config import Config, StorageConfig
from bot.dispatch import handle
from bot.messages import ButtonPress, Chat, Due, Event, Message, Sender
from bot.model import OutboxMessage
from storage.engine import async_url, create_engine
from storage.migrate import upgrade

PLATFORM = "bench"  # the null platform's name: every chat and identity of the benchmarks
BOT_NAME = "mingabot"
SYSTEM = SystemClock()


@dataclass
class BenchClock:
    """Manual (`at` set): the time moves only when told. Real (`at` None): the system's."""

    at: datetime | None = None

    def now(self) -> datetime:
        return self.at if self.at is not None else SYSTEM.now()

    def monotonic(self) -> float:
        return time.monotonic()

    def advance(self, **delta: float) -> None:
        assert self.at is not None, "only a manual clock is moved by hand"
        self.at += timedelta(**delta)

    def real(self) -> None:
        self.at = None


@dataclass(frozen=True)
class Someone:
    """A person as the platform shows them: always the same name and handle, so that minga
    has nothing to update about them."""

    user_id: str
    name: str
    handle: str

    @property
    def sender(self) -> Sender:
        return Sender(PLATFORM, self.user_id, self.name, self.handle, "en")

    @property
    def private(self) -> Chat:
        return Chat(PLATFORM, self.user_id, "private", self.name)


def group_chat(chat_id: str, title: str) -> Chat:
    return Chat(PLATFORM, chat_id, "group", title)


def message(who: Someone, chat: Chat, line: str) -> Message:
    return Message(uuid.uuid4().hex, chat, who.sender, line, bot_name=BOT_NAME)


def press(who: Someone, chat: Chat, message_id: str, data: str) -> ButtonPress:
    """As Telegram: every press has a callback query to answer (the toast)."""
    return ButtonPress(
        uuid.uuid4().hex, chat, who.sender, message_id, data, toast_id=uuid.uuid4().hex
    )


@dataclass(frozen=True)
class Shown:
    """A post as people see it now: its message id and the data of its buttons."""

    message_id: str
    buttons: tuple[str, ...]


@dataclass
class Screen:
    """The keyed posts minga sent (request:17, shift:5, poll:3, offer:2, welcome:1) that show
    buttons now, by chat, kind and number: a send records one, an edit changes its buttons
    (an edit without buttons takes it off: nothing left to press)."""

    posts: dict[str, dict[str, dict[int, Shown]]] = field(default_factory=dict)

    def record(
        self,
        chat_id: str,
        key: str | None,
        kind: str,
        message_id: str | None,
        buttons: Sequence[str],
    ) -> None:
        if key is None or message_id is None or kind == "toast":
            return
        what, _, number = key.partition(":")
        if not number.isdecimal():
            return
        shown = self.posts.setdefault(chat_id, {}).setdefault(what, {})
        if buttons:
            shown[int(number)] = Shown(message_id, tuple(buttons))
        else:
            shown.pop(int(number), None)

    def find(self, chat_id: str, kind: str) -> list[tuple[int, Shown]]:
        """Posts of this kind (request, shift, poll, offer, welcome) in a chat that show
        buttons: (the item's number, the post)."""
        return list(self.posts.get(chat_id, {}).get(kind, {}).items())

    async def load(self, engine: AsyncEngine) -> None:
        """What people's screens show of everything sent before this process started."""
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT chat_id, key, kind, message_id, buttons FROM outbox WHERE platform = "
                    ":platform AND key IS NOT NULL AND message_id IS NOT NULL ORDER BY id"
                ),
                {"platform": PLATFORM},
            )
            for row in rows:
                stored = row.buttons if isinstance(row.buttons, list) else json.loads(row.buttons)
                self.record(
                    row.chat_id,
                    row.key,
                    row.kind,
                    row.message_id,
                    [b[1] for b in stored if "private" not in b[2:]],
                )
            await conn.rollback()


@dataclass
class NullPlatform:
    """Takes everything at once: a send gets a new message id, an edit keeps its message's.
    No limits, no failures."""

    screen: Screen = field(default_factory=Screen)
    sent: dict[str, int] = field(default_factory=lambda: {"send": 0, "edit": 0, "toast": 0})
    edit_every: float = 0.0  # seconds between two edits of one post (Telegram: 5 in a group)
    edits: Counter[str] = field(default_factory=Counter)  # received, by chat

    async def deliver(self, row: OutboxMessage) -> tuple[str, ...]:
        self.sent[row.kind] += 1
        if row.kind == "edit":
            self.edits[row.chat_id] += 1
        if row.kind == "toast":
            return ()
        message_id = row.message_id if row.kind == "edit" and row.message_id else f"m{row.id}"
        self.screen.record(
            row.chat_id,
            row.key,
            row.kind,
            message_id,
            [b.data for b in row.buttons if not b.private],
        )
        return (message_id,)

    def outlet(self) -> Outlet:
        return Outlet(PLATFORM, self.deliver, edit_every=lambda chat: self.edit_every)


@dataclass
class Failures:
    """Events that failed: handle() raised or returned False (nothing could be recorded), or
    the core logged event=failed (it catches its own errors, answers with an apology and
    logs them)."""

    raised: int = 0
    logged: dict[str, int] = field(default_factory=dict)  # by the bench's label

    @property
    def total(self) -> int:
        return self.raised + sum(self.logged.values())


class CoreLog(logging.Handler):
    """Reads minga.core's log: failed events (by the bench's label), and the jobs the
    scheduler ran in the background (event=due), counted as events of their label."""

    def __init__(self, failures: Failures, counter: StatementCounter) -> None:
        super().__init__(logging.INFO)
        self.failures = failures
        self.counter = counter

    def emit(self, record: logging.LogRecord) -> None:
        text_ = record.getMessage()
        label = LABEL.get()
        if text_.startswith(("event=failed", "event=apology-failed")):
            self.failures.logged[label] = self.failures.logged.get(label, 0) + 1
        elif (
            text_.startswith("event=due") and label == BACKGROUND_JOBS and (self.counter.recording)
        ):
            self.counter.counts[label].events += 1


BACKGROUND_JOBS = "job"  # the label of everything the scheduler does


@dataclass
class Minga:
    """minga in this process: the core, the sender, and (once `run_edges`) the scheduler."""

    url: str
    engine: AsyncEngine
    clock: BenchClock
    counter: StatementCounter
    platform: NullPlatform
    failures: Failures = field(default_factory=Failures)
    edges: Edges = field(default_factory=Edges)
    scheduler: Scheduler | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _log: CoreLog | None = None

    def __post_init__(self) -> None:
        # The bench's own looks at the database (what is due, what is pending): through an
        # engine of its own, not counted, and on SQLite without minga's BEGIN IMMEDIATE, so
        # that they wait for no writer and hold none up (WAL: readers do not block).
        self.reader = create_async_engine(async_url(self.url))
        self.core = make_core(
            self.engine, self.clock, Config(storage=StorageConfig(self.url)), self.edges
        )
        self.courier = Courier(self.core, self.platform.outlet(), owner="bench")
        self._log = CoreLog(self.failures, self.counter)
        core_log = logging.getLogger("minga.core")
        core_log.addHandler(self._log)
        if core_log.getEffectiveLevel() > logging.INFO:  # its INFO lines say what ran
            core_log.setLevel(logging.INFO)

    @classmethod
    async def open(
        cls,
        url: str,
        clock: BenchClock,
        counter: StatementCounter | None = None,
        platform: NullPlatform | None = None,
    ) -> "Minga":
        """On the database of `url`, migrated to the newest schema as minga does at start."""
        engine = create_engine(url)
        await upgrade(engine)
        counter = counter or StatementCounter()
        counter.attach(engine)
        return cls(url, engine, clock, counter, platform or NullPlatform())

    async def handle(self, event: Event, label: str) -> float:
        """One event, as an adapter hands it over; seconds it took."""
        started = time.perf_counter()
        with self.counter.labelled(label):
            try:
                if await handle(self.core, event) is False:  # nothing could be recorded
                    self.failures.raised += 1
            except Exception:
                self.failures.raised += 1
                logging.getLogger("bench").exception("handle raised")
        return time.perf_counter() - started

    async def say(self, who: Someone, chat: Chat, line: str, label: str) -> float:
        return await self.handle(message(who, chat, line), label)

    async def press(
        self, who: Someone, chat: Chat, message_id: str, data: str, label: str
    ) -> float:
        return await self.handle(press(who, chat, message_id, data), label)

    async def drain(self) -> int:
        """Send what can go now (as the sender would), in this task."""
        token = LABEL.set("sender")
        try:
            return await self.courier.drain()
        finally:
            LABEL.reset(token)

    async def fire_due(self, label: str = "job") -> int:
        """Run every job already due by the clock, as the scheduler would (manual clock)."""
        token = LABEL.set("(bench)")
        try:
            async with self.reader.connect() as conn:
                due = [
                    r.id
                    for r in await conn.execute(
                        text(
                            "SELECT id FROM jobs WHERE done_at IS NULL AND due_at <= :now "
                            "ORDER BY due_at, id"
                        ),
                        {"now": _stored(self.clock.now(), self.url)},
                    )
                ]
                await conn.rollback()
        finally:
            LABEL.reset(token)
        for job_id in due:
            await self.handle(Due(job_id), label)
        return len(due)

    async def run_edges(self, scheduler: bool = True) -> None:
        """The sender (and the scheduler) running beside the events, as in production: woken
        after every commit, looking every second anyway."""
        token = LABEL.set("sender")
        self._tasks.append(asyncio.create_task(self.courier.run(self.edges.wake())))
        LABEL.reset(token)
        if scheduler:  # one process: it fires every job itself (no lock to hold)
            token = LABEL.set(BACKGROUND_JOBS)
            self.scheduler = Scheduler(self.core)
            self.edges.scheduler = self.scheduler
            try:
                await self.scheduler.start()
            finally:
                LABEL.reset(token)

    async def stop_edges(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.edges.scheduler = self.scheduler = None

    async def close(self) -> None:
        await self.stop_edges()
        if self._log is not None:
            logging.getLogger("minga.core").removeHandler(self._log)
        await self.engine.dispose()
        await self.reader.dispose()

    async def backlog(self) -> tuple[int, float, int]:
        """The sender's backlog now: rows it could send (pending, for the platform), the age
        in seconds of the oldest, and rows waiting for a person with no private chat yet."""
        token = LABEL.set("(bench)")
        try:
            async with self.reader.connect() as conn:
                pending = (
                    await conn.execute(
                        text(
                            "SELECT count(*) AS n, min(created_at) AS oldest FROM outbox WHERE "
                            "platform = :platform AND sent_at IS NULL AND failed IS NULL"
                        ),
                        {"platform": PLATFORM},
                    )
                ).one()
                waiting = (
                    await conn.execute(
                        text("SELECT count(*) FROM outbox WHERE platform = '' AND sent_at IS NULL")
                    )
                ).scalar_one()
                await conn.rollback()
        finally:
            LABEL.reset(token)
        oldest = _read(pending.oldest)
        age = (self.clock.now() - oldest).total_seconds() if oldest else 0.0
        return pending.n, max(age, 0.0), waiting


def _stored(moment: datetime, url: str) -> Any:
    """A moment as storage.models.UTCDateTime stores it (naive UTC on SQLite)."""
    return moment.replace(tzinfo=None) if url.startswith("sqlite") else moment


def _read(value: Any) -> datetime | None:
    """A moment read back with raw SQL (SQLite gives text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
