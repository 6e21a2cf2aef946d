"""Telegram's sending limits as sliding windows, so no 429 is ever earned.

PTB's AIORateLimiter is a leaky bucket: after a quiet spell it lets a burst through on top
of its rate, which Telegram may answer with 429, and it does not pace private chats at all.
This pacer waits until every window the message falls in has room. It counts a message
when its answer came back, not when it left: Telegram counts it somewhere in between, so
the pacer can only be early in its own count, never late, whatever the network does.
"""

import asyncio
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field

OVERALL = (30, 1.0)  # messages, seconds
GROUP = (20, 60.0)
PRIVATE = (1, 1.0)
MARGIN = 0.01  # seconds, for the resolution of clocks


@dataclass
class Pacer:
    _sent: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))

    def _windows(self, chat_id: int) -> tuple[tuple[str, tuple[int, float]], ...]:
        own = (f"group:{chat_id}", GROUP) if chat_id < 0 else (f"private:{chat_id}", PRIVATE)
        return ("overall", OVERALL), own

    async def wait(self, chat_id: int) -> None:
        """Return once a message to this chat keeps within every limit."""
        while True:
            now = time.monotonic()
            later = 0.0
            for name, (count, seconds) in self._windows(chat_id):
                window = self._sent[name]
                while window and window[0] <= now - seconds - MARGIN:
                    window.popleft()
                if len(window) >= count:
                    later = max(later, window[0] + seconds + MARGIN - now)
            if later <= 0:
                return
            await asyncio.sleep(later)

    def sent(self, chat_id: int) -> None:
        """A message to this chat was answered (or failed): it counts from now."""
        now = time.monotonic()
        for name, _ in self._windows(chat_id):
            self._sent[name].append(now)
