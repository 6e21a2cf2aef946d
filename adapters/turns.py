"""A platform's shared budget, taken in turns: the most urgent send first, then the oldest.

Each chat's own limit is its lane's business; what every chat shares (Telegram's 30 a
second, a homeserver's rate limit) is handed out here, so a person waiting for an answer
goes before a wave of reminders or a tally being redrawn.
"""

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Turns:
    """`wait(priority)` says in how many seconds the budget has room for a send that urgent
    (0 or less: now); `start()` counts a send in it. Whoever's turn it is checks again when
    `changed()` is called (a send came back) or when the wait is over."""

    wait: Callable[[int], float]
    start: Callable[[], None]
    _queue: list[tuple[int, int, asyncio.Event]] = field(default_factory=list)
    _numbers: "itertools.count[int]" = field(default_factory=itertools.count)

    async def take(self, priority: int) -> None:
        """Return once it is this send's turn and the budget has room; it is counted."""
        me = (priority, next(self._numbers), asyncio.Event())
        heapq.heappush(self._queue, me)
        try:
            while True:
                wait = None
                if self._queue[0] is me:
                    wait = self.wait(priority)
                    if wait <= 0:
                        heapq.heappop(self._queue)
                        self.start()
                        self.changed()  # the next one may go at once too
                        return
                me[2].clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(me[2].wait(), wait)
        except BaseException:
            if me in self._queue:
                self._queue.remove(me)
                heapq.heapify(self._queue)
                self.changed()
            raise

    def changed(self) -> None:
        if self._queue:
            self._queue[0][2].set()
