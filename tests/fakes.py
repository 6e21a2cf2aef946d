"""The one fake the core's tests need: a clock that moves only when told."""

from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) -> None:
        self.current = start
        self.ticks = 0.0

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        self.ticks += 0.001
        return self.ticks

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)
