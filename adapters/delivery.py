"""Draining the outbox: one sender per platform, in order per chat, with retries and reasons."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

from bot.dispatch import Core
from bot.model import OutboxMessage

log = logging.getLogger("minga.delivery")


class Retry(Exception):
    """The platform asked us to wait (rate limit) or failed for now (5xx, timeout)."""

    def __init__(self, reason: str, after_seconds: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after_seconds = after_seconds


class GiveUp(Exception):
    """The platform refused for good (bad request, blocked by the person)."""


Deliver = Callable[[OutboxMessage], Awaitable[str | None]]  # returns the platform's message id

UNRECORDED_WAIT = 10.0  # seconds a press waits at most for its message to be recorded


@dataclass
class Unrecorded:
    """A message with buttons the platform may already show while the outbox does not know
    its id yet: a press on it (a person, or a test, can be quicker than a commit) waits
    until it is recorded, since a press is checked against the buttons recorded."""

    settled: asyncio.Event = field(default_factory=asyncio.Event)

    def __post_init__(self) -> None:
        self.settled.set()

    @contextlib.asynccontextmanager
    async def sending(self) -> AsyncIterator[None]:
        """Around a send and the record of its id; one platform's sends come one by one."""
        self.settled.clear()
        try:
            yield
        finally:
            self.settled.set()

    def recorded(self) -> None:
        """The id is recorded before the send is over (Matrix still adds its reactions)."""
        self.settled.set()

    async def wait(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.settled.wait(), UNRECORDED_WAIT)


async def drain(core: Core, platform: str, deliver: Deliver, batch: int = 100) -> int:
    """Send what is due for one platform; returns how many went out."""
    sent = 0
    posted: dict[tuple[str, str], str] = {}  # (chat, key) → message id, for edits in this batch
    while True:
        async with core.uow() as uow:
            rows = await uow.outbox.pending(platform, core.clock.now(), batch)
        for row in rows:
            if row.kind == "edit" and row.message_id is None and row.key:
                row = replace(row, message_id=posted.get((row.chat_id, row.key)))
            started = core.clock.monotonic()
            try:
                message_id = await deliver(row)
            except Retry as wait:
                await _mark_failed(core, row, wait.reason, wait.after_seconds)
                return sent  # the platform is busy: the next round starts after the wait
            except GiveUp as refusal:
                log.warning("outbox=%d platform=%s given-up reason=%s", row.id, platform,
                            refusal)
                await _mark_failed(core, row, str(refusal), None)
                continue
            async with core.uow() as uow:
                await uow.outbox.mark_sent(row, message_id, core.clock.now())
                await uow.commit()
            if row.key and message_id:
                posted[(row.chat_id, row.key)] = message_id
            sent += 1
            log.info("sent platform=%s outbox=%d kind=%s ms=%.1f", platform, row.id, row.kind,
                     (core.clock.monotonic() - started) * 1000)
        if len(rows) < batch:
            return sent


async def _mark_failed(core: Core, row: OutboxMessage, reason: str,
                       after_seconds: float | None) -> None:
    retry_at = None if after_seconds is None else (
        core.clock.now() + timedelta(seconds=after_seconds))
    async with core.uow() as uow:
        await uow.outbox.mark_failed(row.id, reason, retry_at)
        await uow.commit()


async def run_sender(core: Core, platform: str, deliver: Deliver, wake: asyncio.Event,
                     every: float = 1.0) -> None:
    """Drain whenever a commit may have left work, and every `every` seconds for retries."""
    while True:
        wake.clear()
        try:
            await drain(core, platform, deliver)
        except Exception:
            log.exception("sender platform=%s failed; trying again", platform)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), every)
