"""Telegram's sending limits as sliding windows, so no 429 is ever earned.

PTB's AIORateLimiter is a leaky bucket: after a quiet spell it lets a burst through on top
of its rate, which Telegram may answer with 429, and it does not pace private chats at all.
Here every chat has its window (20 a minute in a group, one a second in a private chat)
and all share one (30 a second), handed out most urgent first (adapters/turns.py). A
message counts from when it leaves until its answer comes back, and from then on for the
window's length: Telegram counts it somewhere in between, so the count here can only be
early, never late, whatever the network does. Answers to presses are not counted: Telegram
does not limit them.
"""

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from telegram.constants import FloodLimit

from adapters.turns import Turns
from bot.model import Priority

MARGIN = 0.01  # seconds, for the resolution of clocks
# Everything but answers leaves at most this often (seconds): spread over the second, not
# in a burst as each second opens, so a slot frees every 33 ms and an answer, first in
# line, never waits longer for one.
SPREAD = 1.0 / FloodLimit.MESSAGES_PER_SECOND
SENDING = 0.05  # seconds to look again when a window is full only of messages on their way
FORGET_EVERY = 60.0  # seconds between two clear-outs of idle chats' windows


@dataclass
class Window:
    count: int
    seconds: float
    done: deque[float] = field(default_factory=deque)  # when answers came back
    on_the_way: int = 0

    def wait(self, now: float) -> float:
        """Seconds until one more message fits (0: now)."""
        while self.done and self.done[0] <= now - self.seconds - MARGIN:
            self.done.popleft()
        if self.on_the_way + len(self.done) < self.count:
            return 0.0
        return self.done[0] + self.seconds + MARGIN - now if self.done else SENDING

    def idle(self, now: float) -> bool:
        return self.wait(now) == 0.0 and not self.done and not self.on_the_way


def is_group(chat_id: int) -> bool:
    return chat_id < 0


def own_limit(chat_id: int) -> tuple[int, float]:
    return (
        (FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP, 60.0)
        if is_group(chat_id)
        else (FloodLimit.MESSAGES_PER_SECOND_PER_CHAT, 1.0)
    )


@dataclass
class Pacer:
    overall: Window = field(default_factory=lambda: Window(FloodLimit.MESSAGES_PER_SECOND, 1.0))
    chats: dict[int, Window] = field(default_factory=dict)
    turns: Turns = field(init=False)
    _forgotten_at: float = 0.0  # when idle chats were last cleared out
    _left_at: float = 0.0  # when the last message not an answer left

    def __post_init__(self) -> None:
        self.turns = Turns(self._room, self._leaving)

    def _room(self, priority: int) -> float:
        now = time.monotonic()
        wait = self.overall.wait(now)
        return wait if priority == Priority.ANSWER else max(wait, self._left_at + SPREAD - now)

    def _leaving(self) -> None:
        self.overall.on_the_way += 1

    def _window(self, chat_id: int) -> Window:
        if chat_id not in self.chats:
            self.chats[chat_id] = Window(*own_limit(chat_id))
        return self.chats[chat_id]

    def ready_in(self, chat_id: int) -> float:
        """Seconds until this chat's own limit lets a message go."""
        window = self.chats.get(chat_id)
        return window.wait(time.monotonic()) if window else 0.0

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int, priority: int) -> AsyncIterator[None]:
        """Around one call that sends a message to this chat: it goes once the chat's own
        window has room and it is its turn in the shared one."""
        own = self._window(chat_id)
        # One lane sends to a chat, so nobody else waits for this window: time alone frees it.
        while (wait := own.wait(time.monotonic())) > 0:  # noqa: ASYNC110
            await asyncio.sleep(wait)
        own.on_the_way += 1
        try:
            await self.turns.take(priority)
        except BaseException:
            own.on_the_way -= 1
            raise
        if priority != Priority.ANSWER:
            self._left_at = time.monotonic()
        try:
            yield
        finally:
            now = time.monotonic()
            for window in (own, self.overall):
                window.on_the_way -= 1
                window.done.append(now)
            self.turns.changed()
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        """A chat nobody wrote to for a while has nothing to remember."""
        if now - self._forgotten_at < FORGET_EVERY:
            return
        self._forgotten_at = now
        for chat_id in [c for c, w in self.chats.items() if w.idle(now)]:
            del self.chats[chat_id]
