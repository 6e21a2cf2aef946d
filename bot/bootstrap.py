"""The composition root: the one place that wires config, storage, the core and the edges."""

import asyncio
import json
import logging
import socket
import sys
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, TextIO

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.console import ConsoleClock, run_console
from adapters.scheduler import Scheduler
from bot.commands import COMMANDS
from bot.config import Config, DeliveryConfig, LoggingConfig, Problem
from bot.dispatch import Committed, Core
from bot.i18n import load_catalogs
from bot.ports import Clock
from storage.engine import create_engine
from storage.leader import scheduler_lock
from storage.migrate import is_current, upgrade
from storage.uow import units_of_work

if TYPE_CHECKING:  # imported where enabled: each platform's library costs 10-20 MiB
    from adapters.matrix.adapter import MatrixAdapter
    from adapters.telegram.adapter import TelegramAdapter
    from adapters.web.server import WebServer

# Seconds a stopping task has to finish what it is doing (a rollback) before it is
# cancelled again.
STOP_GRACE = 5.0


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)  # noqa: TID251 - the one place the real time is read

    def monotonic(self) -> float:
        return time.monotonic()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(
            {
                "at": self.formatTime(record),
                "level": record.levelname,
                "logger": record.name,
                "message": record.getMessage(),
            }
        )


def setup_logging(config: LoggingConfig, console: bool, stream: TextIO = sys.stderr) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        JsonFormatter()
        if config.format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    )
    # In the console chat, log lines would drown the conversation: only trouble is shown.
    level = max(logging.getLevelName(config.level), logging.WARNING if console else 0)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # Third-party INFO lines can carry message text; ours never do.
    for noisy in ("alembic", "apscheduler", "httpx", "aiosqlite", "sqlalchemy"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def platforms_enabled(config: Config) -> bool:
    return config.telegram.enabled or config.matrix.enabled


async def stop_all(running: list[asyncio.Task[None]], grace: float = STOP_GRACE) -> None:
    """Cancel what still runs and wait till it has stopped. A library may lose a cancel
    (Python 3.11's wait_for, under nio and aiohttp, can when it races a timeout) and carry
    on as if nothing happened: what still runs after `grace` is cancelled again."""
    for task in running:
        # A second cancel at once would cut short the rollback a first one is running.
        if not task.cancelling():
            task.cancel()
    _, pending = await asyncio.wait(running, timeout=grace)
    while pending:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=grace)
    await asyncio.gather(*running, return_exceptions=True)


async def run_platforms(config: Config) -> None:
    """Every enabled adapter, the scheduler and a sender per platform, until stopped."""
    engine = await open_storage(config)
    edges = Edges()
    core = make_core(engine, SystemClock(), config, edges)
    # On PostgreSQL several processes may share the database: one of them fires the jobs.
    scheduler = edges.scheduler = Scheduler(core, scheduler_lock(engine))
    delivery = sending_as(config)
    adapters: list["TelegramAdapter | MatrixAdapter | WebServer"] = []  # noqa: UP037 - imported below
    # Made only once everything started: a stop while starting leaves no coroutine unawaited.
    tasks: list[Callable[[], Coroutine[Any, Any, None]]] = []
    try:
        if config.web.enabled:
            from adapters.web.server import WebServer

            pages = WebServer(core, config.web)
            await pages.start()
            adapters.append(pages)
        if config.telegram.enabled:
            from adapters.telegram.adapter import TelegramAdapter

            telegram = TelegramAdapter(core, config.telegram, delivery)
            await telegram.start()
            adapters.append(telegram)
            tasks.append(telegram.listen if config.telegram.mode == "webhook" else telegram.poll)
            tasks.append(partial(telegram.courier.run, edges.wake()))
        if config.matrix.enabled:
            from adapters.matrix.adapter import MatrixAdapter

            matrix = MatrixAdapter(core, config.matrix, delivery)
            await matrix.start()
            adapters.append(matrix)
            tasks += [matrix.run, partial(matrix.courier.run, edges.wake())]
        await scheduler.start()
        running = [asyncio.create_task(task()) for task in tasks]
        try:
            await asyncio.gather(*running)
        finally:
            await stop_all(running)
    finally:
        await scheduler.stop()
        for adapter in adapters:
            await adapter.stop()
        await engine.dispose()


def sending_as(config: Config) -> DeliveryConfig:
    """The name this process holds its lanes under, unless the configuration gives one: the
    machine's, and in webhook mode its port too, since the processes of one machine behind
    a proxy listen on different ports. The same process started again after a crash has
    the same name and takes up its lanes at once."""
    if config.delivery.sender:
        return config.delivery
    port = (
        f":{config.telegram.webhook_port}"
        if (config.telegram.enabled and config.telegram.mode == "webhook")
        else ""
    )
    name = socket.gethostname()[: 64 - len(port)] + port  # as long as a lane's holder can be
    return replace(config.delivery, sender=name)


@dataclass
class Edges:
    """Where commits report to: the scheduler learns of new rows, senders wake up."""

    scheduler: Scheduler | None = None
    wakes: list[asyncio.Event] = field(default_factory=list)

    def wake(self) -> asyncio.Event:
        """An event set after every commit, for one sender."""
        event = asyncio.Event()
        self.wakes.append(event)
        return event

    def committed(self, committed: Committed) -> None:
        for wake in self.wakes:
            wake.set()
        if self.scheduler is not None:
            for job in committed.jobs:
                self.scheduler.add(job)


def make_core(engine: AsyncEngine, clock: Clock, config: Config, edges: Edges) -> Core:
    return Core(
        units_of_work(engine),
        clock,
        load_catalogs(),
        config.groups,
        COMMANDS,
        edges.committed,
        config.privacy,
        config.web,
    )


async def open_storage(config: Config) -> AsyncEngine:
    engine = create_engine(config.storage.url)
    await upgrade(engine)
    return engine


async def upgrade_database(config: Config) -> bool:
    """Apply what migrations are missing; False when there were none."""
    engine = create_engine(config.storage.url)
    try:
        if await is_current(engine):
            return False
        await upgrade(engine)
        return True
    finally:
        await engine.dispose()


async def database_problem(config: Config) -> Problem | None:
    engine = create_engine(config.storage.url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as error:  # any driver's way of saying "cannot connect"
        return Problem("storage.url", f"cannot reach the database: {error}")
    finally:
        await engine.dispose()
    return None


async def run_console_app(config: Config, stdin: TextIO, out: TextIO) -> None:
    engine = await open_storage(config)
    clock = ConsoleClock(SystemClock().now, time.monotonic)
    edges = Edges()
    core = make_core(engine, clock, config, edges)
    scheduler = edges.scheduler = Scheduler(core)
    await scheduler.start()
    try:
        await run_console(core, clock, scheduler, config.console.demo, stdin, out)
    finally:
        await scheduler.stop()
        await engine.dispose()
