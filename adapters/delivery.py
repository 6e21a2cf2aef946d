"""Draining the outbox: a lane per chat, lanes sent side by side, answers to presses first.

Each chat's messages leave in their order (its lane); different chats go independently,
each waiting only for its own limit and for its turn in the platform's shared budget
(adapters/turns.py), where what a person's action caused goes before bulk work. A retry,
a back-off or a slow send holds back its own chat only. Answers to presses (toasts) wait
for nothing. While a sender works a chat it holds the chat's lane in the database, so
several processes can send without two of them writing to one chat or breaking its limit.
"""

import asyncio
import contextlib
import heapq
import itertools
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum

from bot.config import DeliveryConfig
from bot.dispatch import Core
from bot.model import OutboxMessage, Priority
from bot.ports import UnitOfWork

log = logging.getLogger("minga.delivery")


class Retry(Exception):
    """The platform asked us to wait (rate limit) or failed for now (5xx, timeout)."""

    def __init__(self, reason: str, after_seconds: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after_seconds = after_seconds


class GiveUp(Exception):
    """The platform refused for good (bad request, blocked by the person)."""


Deliver = Callable[[OutboxMessage], Awaitable[Sequence[str]]]  # the ids of its parts


def no_wait(chat_id: str) -> float:
    return 0.0


@dataclass(frozen=True)
class Outlet:
    """What a platform gives the sender: how to send, and its limits per chat (seconds)."""

    platform: str
    deliver: Deliver
    # Until this chat's own limit lets its next message go.
    ready_in: Callable[[str], float] = no_wait
    # Between two edits of one post in this chat: a live tally is redrawn at most this
    # often, and what changed meanwhile goes in the next edit, never as a backlog.
    edit_every: Callable[[str], float] = no_wait


WORKERS = 16  # lanes sent at once, per platform
URGENT_WORKERS = 4  # of those, never given a lane that has only bulk work
# A lane stays with its sender this long after each message (seconds), longer than any one
# send takes: another machine takes it over only from a sender that stopped without saying.
HOLD = 30.0
BATCH = 20  # rows read at once from a lane
LOOKAHEAD = 64  # lanes read at once from the outbox
TOASTS = 32  # answers to presses on their way at once
STEP_ASIDE = 2.0  # a lane waits in place for its chat's limit this long; longer, it steps
# aside and the database says when it is ready (ready_at), so it holds no worker meanwhile
UNRECORDED_WAIT = 10.0  # seconds a press waits at most for its message to be recorded
# A message the platform took is recorded as sent, or it is sent again: while the database
# is away (restarting) the record is tried again, waiting 0.5, 1, 2, 4, then 5 s, about two
# minutes in all. No other sender takes the lane within its HOLD, so an outage shorter
# than that repeats nothing.
RECORD_TRIES = 28


class Outcome(Enum):
    SENT = "sent"
    LATER = "later"  # retried later: a message holds back its lane, an edit only itself
    GIVEN_UP = "given-up"
    LOST = "lost"  # sent, but the lane went to another sender meanwhile (a stall)


@dataclass
class Unrecorded:
    """Messages with buttons that the platform may already show while the outbox does not
    know their ids yet. A press in that chat (a person, or a test, can be quicker than a
    commit) waits until they are recorded, since a press is checked against the buttons
    recorded."""

    _sending: dict[str, set[int]] = field(default_factory=dict)
    _settled: dict[str, asyncio.Event] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def sending(self, row: OutboxMessage) -> AsyncIterator[None]:
        """Around a send and the record of its id."""
        self._sending.setdefault(row.chat_id, set()).add(row.id)
        self._settled.setdefault(row.chat_id, asyncio.Event()).clear()
        try:
            yield
        finally:
            self.recorded(row)

    def recorded(self, row: OutboxMessage) -> None:
        """The id is recorded, maybe before the send is over (Matrix still adds reactions)."""
        waiting = self._sending.get(row.chat_id)
        if waiting is None:
            return
        waiting.discard(row.id)
        if not waiting:
            del self._sending[row.chat_id]
            self._settled.pop(row.chat_id).set()

    def pending(self, chat_id: str) -> bool:
        return chat_id in self._settled

    async def wait(self, chat_id: str) -> None:
        settled = self._settled.get(chat_id)
        if settled is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(settled.wait(), UNRECORDED_WAIT)


@dataclass(eq=False)
class Sent:
    """A message the platform took, waiting to be recorded as sent."""

    row: OutboxMessage
    ids: Sequence[str]
    then_read: bool  # read the lane's next batch in the same transaction
    # Whether the lane is still this sender's, and the next batch (None: not read).
    recorded: "asyncio.Future[tuple[bool, list[OutboxMessage] | None]]" = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass(eq=False)
class Courier:
    """Sends one platform's outbox. `run` works lanes side by side until cancelled;
    `drain` sends what can go now, one lane after another, and returns."""

    core: Core
    outlet: Outlet
    workers: int = WORKERS
    # Who holds the lanes it works: the machine, so the same process started again takes
    # up its lanes at once after a crash; another machine waits until they are free.
    owner: str = field(default_factory=socket.gethostname)
    sent: int = 0
    done: int = 0  # sent or given up
    _busy: set[str] = field(default_factory=set)  # chats a worker has now
    # Rows on their way: one moved to another chat meanwhile (a group that became a
    # supergroup) is not sent again from there.
    _on_the_way: set[int] = field(default_factory=set)
    _toasting: set[int] = field(default_factory=set)  # answers to presses on their way
    _queue: list[tuple[Priority, int, str]] = field(default_factory=list)
    _queued: set[str] = field(default_factory=set)
    _numbers: "itertools.count[int]" = field(default_factory=itertools.count)
    _work: asyncio.Condition = field(default_factory=asyncio.Condition)
    _edited: dict[tuple[str, str], datetime] = field(default_factory=dict)  # (chat, key) → when
    _held_until: dict[str, datetime] = field(default_factory=dict)  # the lanes it holds
    _toasts: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(TOASTS))
    _wake: asyncio.Event | None = None
    _sent: list[Sent] = field(default_factory=list)  # taken by the platform, not recorded
    _recording: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def configured(cls, core: Core, outlet: Outlet, config: DeliveryConfig) -> "Courier":
        return cls(core, outlet, workers=config.lanes, owner=config.sender or socket.gethostname())

    @property
    def platform(self) -> str:
        return self.outlet.platform

    async def run(self, wake: asyncio.Event, every: float = 1.0) -> None:
        """Look for work whenever a commit may have left some (`wake`), when the workers ran
        out of it, and every `every` seconds for retries and limits that came to an end."""
        self._wake = wake
        try:
            async with asyncio.TaskGroup() as tasks:
                for n in range(self.workers):
                    # At least one worker takes any lane, however few there are.
                    urgent_only = n < min(URGENT_WORKERS, self.workers - 1)
                    tasks.create_task(self._worker(wake, urgent_only))
                while True:
                    wake.clear()
                    try:
                        await self._look(tasks)
                    except Exception:
                        log.exception("sender platform=%s failed; trying again", self.platform)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), every)
        finally:
            await self._release()

    def nudge(self) -> None:
        """Look for work now: something the platform waited for has come (a person joined)."""
        if self._wake is not None:
            self._wake.set()

    async def _release(self) -> None:
        """Stopping: the lanes this sender held are free for the next one at once."""
        try:
            async with self.core.uow() as uow:
                await uow.lanes.release(self.platform, self.owner)
                await uow.commit()
        except Exception:
            log.exception("sender platform=%s could not release its lanes", self.platform)

    async def drain(self) -> int:
        """Send everything that can go now, lane after lane; how many went."""
        before = self.sent
        while True:
            toasts, lanes = await self._due()
            went = self.done
            for toast in toasts:
                await self._toast(toast)
            for chat, priority in lanes:
                if chat in self._busy:  # a worker of `run` has it (Matrix drains at start)
                    continue
                self._busy.add(chat)
                try:
                    await self._lane(chat, priority)
                finally:
                    self._busy.discard(chat)
            if self.done == went:
                return self.sent - before

    async def _due(self) -> tuple[list[OutboxMessage], list[tuple[str, Priority]]]:
        now = self.core.clock.now()
        async with self.core.uow(read_only=True) as uow:
            toasts = await uow.outbox.toasts(self.platform, now, TOASTS)
            lanes = await uow.outbox.lanes_due(self.platform, now, self.owner, LOOKAHEAD)
        return [t for t in toasts if t.id not in self._toasting], lanes

    async def _look(self, tasks: asyncio.TaskGroup) -> None:
        toasts, lanes = await self._due()
        for toast in toasts:
            tasks.create_task(self._toast(toast))
        async with self._work:
            for chat, priority in lanes:
                if chat not in self._busy and chat not in self._queued:
                    heapq.heappush(self._queue, (priority, next(self._numbers), chat))
                    self._queued.add(chat)
            self._work.notify_all()

    async def _worker(self, wake: asyncio.Event, urgent_only: bool) -> None:
        while True:
            # A cancel that something below lost (a library under a send turning it into an
            # error, caught below) must still stop the worker: otherwise it waits for work
            # for ever and the stop hangs.
            if (task := asyncio.current_task()) is not None and task.cancelling():
                raise asyncio.CancelledError
            async with self._work:
                await self._work.wait_for(
                    lambda: (
                        bool(self._queue) and (not urgent_only or self._queue[0][0] < Priority.BULK)
                    )
                )
                priority, _, chat = heapq.heappop(self._queue)
                self._queued.discard(chat)
                if chat in self._busy:  # `drain` took it meanwhile
                    continue
                self._busy.add(chat)
            try:
                await self._lane(chat, priority)
            except Exception:
                log.exception("lane failed platform=%s", self.platform)
            finally:
                self._busy.discard(chat)
            if not self._queue:
                wake.set()  # the workers ran out: look for more

    async def _lane(self, chat: str, urgency: Priority) -> None:
        """Send one chat's messages in order while it can; it stops when its limit says
        to wait longer than a moment, at a message to retry later, or when it is empty."""
        async with self.core.uow() as uow:
            held = self._held()
            claimed = await uow.lanes.claim(
                self.platform, chat, self.owner, self.core.clock.now(), held
            )
            rows = await self._rows(uow, chat) if claimed else []
            await uow.commit()
        if claimed and rows:
            self._held_until[chat] = held
        while rows:
            went, following = False, None
            # Edits of posts already shown wait for no message: in a chat that has reached
            # its limit, the messages people wait for go first, and an edit that waits takes
            # in what changes meanwhile.
            rows = sorted(rows, key=lambda r: r.kind == "edit")
            for n, row in enumerate(rows):
                if row.id in self._on_the_way or (row.kind == "edit" and await self._too_soon(row)):
                    continue
                wait = self.outlet.ready_in(chat)
                if wait > STEP_ASIDE:
                    await self._step_aside(chat, wait)
                    return
                # A message ahead of an answer in its chat goes as urgently as the answer.
                urgent = min(urgency, *(r.priority for r in rows[n:]))
                # The last of a batch reads the next batch in the transaction marking it.
                last = n == len(rows) - 1
                outcome, following = await self._attempt(replace(row, priority=urgent), last)
                if row.kind == "edit" and row.key and outcome is not Outcome.LATER:
                    self._edited[(chat, row.key)] = self.core.clock.now()
                if outcome is Outcome.LOST or (outcome is Outcome.LATER and row.kind == "send"):
                    return  # another sender has the chat, or the rest waits behind this
                went = went or outcome is not Outcome.LATER
            if following is not None:
                rows = following
            elif went:
                async with self.core.uow() as uow:
                    rows = await self._rows(uow, chat)
                    await uow.commit()
            else:
                return

    async def _rows(self, uow: UnitOfWork, chat: str) -> list[OutboxMessage]:
        """The lane's next batch; an empty lane is kept nowhere (it names a chat)."""
        rows = await uow.outbox.lane(self.platform, chat, self.core.clock.now(), BATCH)
        if not rows:
            await uow.lanes.free(self.platform, chat, self.owner, self.core.clock.now())
            self._held_until.pop(chat, None)
        return rows

    async def _still_held(self, uow: UnitOfWork, chat: str) -> bool:
        """Whether the lane is still this sender's, held on for another while. Nobody else
        can take it before it runs out, so it is renewed only once half of it has gone."""
        now = self.core.clock.now()
        if self._held_until.get(chat, now) - now > timedelta(seconds=HOLD / 2):
            return True
        self._held_until[chat] = self._held()
        return await uow.lanes.hold(self.platform, chat, self.owner, self._held_until[chat])

    def _held(self) -> datetime:
        return self.core.clock.now() + timedelta(seconds=HOLD)

    async def _too_soon(self, edit: OutboxMessage) -> bool:
        """An edit of a post edited a moment ago waits for the interval (and takes in what
        changes meanwhile); it holds back nothing else."""
        assert edit.key is not None
        last = self._edited.get((edit.chat_id, edit.key))
        if last is None:
            return False
        due = last + timedelta(seconds=self.outlet.edit_every(edit.chat_id))
        if due <= self.core.clock.now():
            del self._edited[(edit.chat_id, edit.key)]
            return False
        async with self.core.uow() as uow:
            await uow.outbox.defer(edit.id, due)
            await uow.commit()
        return True

    async def _step_aside(self, chat: str, wait: float) -> None:
        ready = self.core.clock.now() + timedelta(seconds=wait)
        self._held_until.pop(chat, None)
        async with self.core.uow() as uow:
            await uow.lanes.hold(
                self.platform, chat, self.owner, ready + timedelta(seconds=HOLD), ready
            )
            await uow.commit()

    async def _toast(self, row: OutboxMessage) -> None:
        """An answer to a press, which no lane orders: it is taken in the database, so
        that of two looks (or two senders) that found it, one sends it."""
        if row.id in self._toasting:
            return
        self._toasting.add(row.id)
        try:
            async with self.core.uow() as uow:
                taken = await uow.outbox.take(row.id, self.core.clock.now(), self._held())
                await uow.commit()
            if taken:
                async with self._toasts:
                    await self._attempt(row)
        except Exception:
            log.exception("toast failed platform=%s", self.platform)
        finally:
            self._toasting.discard(row.id)

    async def _attempt(
        self, row: OutboxMessage, then_read: bool = False
    ) -> tuple[Outcome, list[OutboxMessage] | None]:
        """Send a row and record how it went; `then_read`: and read the lane's next batch
        in the same transaction (None when it was not read)."""
        self._on_the_way.add(row.id)
        try:
            return await self._deliver(row, then_read)
        finally:
            self._on_the_way.discard(row.id)

    async def _deliver(
        self, row: OutboxMessage, then_read: bool
    ) -> tuple[Outcome, list[OutboxMessage] | None]:
        started = self.core.clock.monotonic()
        try:
            ids = await self.outlet.deliver(row)
        except Retry as wait:
            await self._failed(row, wait.reason, wait.after_seconds)
            return Outcome.LATER, None
        except GiveUp as refusal:
            log.warning("outbox=%d platform=%s given-up reason=%s", row.id, self.platform, refusal)
            await self._failed(row, str(refusal), None)
            self.done += 1
            return Outcome.GIVEN_UP, None
        held, following = await self._record_sent(row, ids, then_read)
        self.sent += 1
        self.done += 1
        self._forget_old_edits()
        log.info(
            "sent platform=%s outbox=%d kind=%s priority=%d ms=%.1f",
            self.platform,
            row.id,
            row.kind,
            row.priority,
            (self.core.clock.monotonic() - started) * 1000,
        )
        return (Outcome.SENT if held else Outcome.LOST), following

    async def _record_sent(
        self, row: OutboxMessage, ids: Sequence[str], then_read: bool
    ) -> tuple[bool, list[OutboxMessage] | None]:
        """Mark a row sent: whether the lane is still this sender's, and its next batch
        when `then_read` asks for it (None when it was not read)."""
        tries = 0
        while True:
            try:
                sent = Sent(row, ids, then_read)
                self._sent.append(sent)
                async with self._recording:  # unless the one before took it along
                    if not sent.recorded.done():
                        batch, self._sent = self._sent, []
                        await self._record(batch)
                return sent.recorded.result()
            except Exception as error:
                tries += 1
                if tries == RECORD_TRIES:
                    raise
                log.warning(
                    "outbox=%d platform=%s sent, not yet recorded: reason=%s",
                    row.id,
                    self.platform,
                    type(error).__name__,
                )
                self._held_until.pop(row.chat_id, None)  # the next try renews the hold
                await asyncio.sleep(min(0.5 * 2 ** (tries - 1), 5.0))

    async def _record(self, batch: list[Sent]) -> None:
        """What the workers sent meanwhile, recorded in one transaction: one commit, and on
        SQLite one turn of the writer, for a batch (16 lanes at once were 16 commits). A
        batch that fails is recorded one by one, so that a bad row fails alone."""
        try:
            async with self.core.uow() as uow:
                results = []
                for sent in batch:
                    row = sent.row
                    await uow.outbox.mark_sent(row, sent.ids, self.core.clock.now())
                    held = row.kind == "toast" or await self._still_held(uow, row.chat_id)
                    results.append(
                        (
                            held,
                            await self._rows(uow, row.chat_id) if held and sent.then_read else None,
                        )
                    )
                await uow.commit()
        except Exception as error:
            for sent in batch:
                self._held_until.pop(sent.row.chat_id, None)  # renewed in what rolled back
            if len(batch) == 1:
                batch[0].recorded.set_exception(error)
            else:
                for sent in batch:
                    await self._record([sent])
            return
        for sent, result in zip(batch, results, strict=True):
            sent.recorded.set_result(result)

    async def _failed(self, row: OutboxMessage, reason: str, after_seconds: float | None) -> None:
        retry_at = (
            None
            if after_seconds is None
            else (self.core.clock.now() + timedelta(seconds=after_seconds))
        )
        async with self.core.uow() as uow:
            await uow.outbox.mark_failed(row.id, reason, retry_at)
            await uow.commit()

    def _forget_old_edits(self) -> None:
        if len(self._edited) > 1000:
            now = self.core.clock.now()
            self._edited = {
                k: t
                for k, t in self._edited.items()
                if now - t < timedelta(seconds=self.outlet.edit_every(k[0]))
            }
