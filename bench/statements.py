"""Counting SQL statements per event, with SQLAlchemy's own event hooks.

The bench names what it is about to do (`counter.labelled("press:vote")`) around its call of
bot.dispatch.handle; every statement the engine runs meanwhile in that task counts for that
name. The name is a context variable, so with eight events at once each statement still
counts for its own event, and the sender's and the scheduler's work (their tasks were started
under names of their own) never counts for a person's event.

What is counted: every statement sent through a cursor (`before_cursor_execute`), which
includes SQLite's BEGIN IMMEDIATE (storage/engine.py runs it as a statement) but not the
driver's COMMIT, nor PostgreSQL's implicit BEGIN; and, apart, each connection checked out of
the pool (on PostgreSQL each one is pinged first: pool_pre_ping, not seen by the hook).
Outbox rows: INSERTs into the outbox; an edit folded into a pending one (SqlOutbox.edit's
UPDATE ... WHERE id = (SELECT max(id) ...)) is counted apart as a merged edit.
"""

import contextlib
import contextvars
import re
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

UNLABELLED = "(other)"
LABEL: contextvars.ContextVar[str] = contextvars.ContextVar("bench_label", default=UNLABELLED)
SPACES = re.compile(r"\s+")


def one_line(statement: str, limit: int = 1000) -> str:
    line = SPACES.sub(" ", statement).strip()
    return line if len(line) <= limit else line[:limit] + " …"


@dataclass
class Counts:
    """What one name ran: events, statements, checkouts, outbox rows, edits."""

    events: int = 0
    statements: int = 0
    checkouts: int = 0
    outbox_rows: int = 0
    outbox_edits: int = 0  # rows of kind edit inserted
    merged_edits: int = 0  # edits folded into a pending edit row

    def per_event(self, what: str) -> float:
        return getattr(self, what) / self.events if self.events else 0.0


@dataclass
class StatementCounter:
    """Attach to an engine; then `labelled(name)` around each event. `keep` names whose
    statements are kept, one event's worth each (for --show-sql)."""

    counts: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    recording: bool = True
    keep_samples: bool = False
    samples: dict[str, list[str]] = field(default_factory=dict)
    # (name, statement) → (times run, seconds in all): where the database time goes
    timings: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    _current: contextvars.ContextVar[list[str] | None] = field(
        default_factory=lambda: contextvars.ContextVar("bench_sample", default=None)
    )

    def attach(self, engine: AsyncEngine) -> None:
        event.listen(engine.sync_engine, "before_cursor_execute", self._statement)
        event.listen(engine.sync_engine, "after_cursor_execute", self._done)
        event.listen(engine.sync_engine.pool, "checkout", self._checkout)

    def detach(self, engine: AsyncEngine) -> None:
        event.remove(engine.sync_engine, "before_cursor_execute", self._statement)
        event.remove(engine.sync_engine, "after_cursor_execute", self._done)
        event.remove(engine.sync_engine.pool, "checkout", self._checkout)

    @contextlib.contextmanager
    def labelled(self, label: str) -> Iterator[None]:
        """One event under this name: its statements count for it."""
        token = LABEL.set(label)
        sample: list[str] | None = None
        if self.recording and self.keep_samples and label not in self.samples:
            sample = []
        sample_token = self._current.set(sample)
        try:
            yield
        finally:
            if self.recording:
                self.counts[label].events += 1
                if sample is not None:
                    self.samples[label] = sample
            self._current.reset(sample_token)
            LABEL.reset(token)

    def _statement(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if not self.recording:
            return
        counts = self.counts[LABEL.get()]
        counts.statements += 1
        head = statement.lstrip()[:40].upper()
        if head.startswith("INSERT INTO OUTBOX"):
            rows = len(parameters) if executemany and isinstance(parameters, Sequence) else 1
            counts.outbox_rows += rows
            if _mentions(parameters, "edit"):
                counts.outbox_edits += rows
        elif head.startswith("UPDATE OUTBOX SET TEXT") and "max(outbox.id)" in statement:
            counts.merged_edits += 1
        sample = self._current.get()
        if sample is not None:
            sample.append(one_line(statement))
        conn.info["bench_started"] = time.perf_counter()

    def _done(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        """How long the statement took, from the driver's point of view (on SQLite: with
        the wait for aiosqlite's thread)."""
        started = conn.info.pop("bench_started", None)
        if started is None or not self.recording:
            return
        key = (LABEL.get().split(":", 1)[0], one_line(statement, 110))
        spent = self.timings.setdefault(key, [0, 0.0])
        spent[0] += 1
        spent[1] += time.perf_counter() - started

    def _checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if self.recording:
            self.counts[LABEL.get()].checkouts += 1

    def reset(self) -> None:
        self.counts.clear()
        self.samples.clear()
        self.timings.clear()

    def snapshot(self) -> dict[str, Counts]:
        return {label: Counts(**vars(c)) for label, c in self.counts.items()}

    def total(self, labels: Sequence[str]) -> Counts:
        whole = Counts()
        for label in labels:
            if label in self.counts:
                for key, value in vars(self.counts[label]).items():
                    setattr(whole, key, getattr(whole, key) + value)
        return whole


def _mentions(parameters: Any, value: str) -> bool:
    """Whether a bound parameter is exactly `value` (the row's kind), whatever the driver's
    shape of parameters: a tuple, a dict, or a list of them."""
    if isinstance(parameters, Mapping):
        return value in parameters.values()
    if isinstance(parameters, list | tuple):
        return any(
            _mentions(p, value) if isinstance(p, list | tuple | Mapping) else p == value
            for p in parameters
        )
    return False


def by_family(counts: Mapping[str, Counts], family: str) -> Counts:
    """Every name that starts with `family:` together (views, presses, new items)."""
    whole = Counts()
    for label, c in counts.items():
        if label.split(":", 1)[0] == family:
            for key, value in vars(c).items():
                setattr(whole, key, getattr(whole, key) + value)
    return whole


COUNT_HEADERS = (
    "events of this kind",
    "n",
    "statements/event",
    "checkouts/event",
    "outbox rows/event",
)


def table_of(counts: Mapping[str, Counts], families: Sequence[str]) -> list[tuple[str, ...]]:
    """Rows (name, events, statements/event, checkouts/event, outbox rows/event) for the
    families, each family's total first, then its names."""
    rows: list[tuple[str, ...]] = []
    for family in families:
        names = sorted(label for label in counts if label.split(":", 1)[0] == family)
        if not names:
            continue
        whole = by_family(counts, family)
        rows.append(_row(f"{family} (all)", whole))
        rows += [_row(f"  {label.split(':', 1)[1]}", counts[label]) for label in names]
    return rows


def _row(name: str, c: Counts) -> tuple[str, ...]:
    return (
        name,
        str(c.events),
        f"{c.per_event('statements'):.1f}",
        f"{c.per_event('checkouts'):.1f}",
        f"{c.per_event('outbox_rows'):.2f}",
    )


def print_samples(samples: Mapping[str, list[str]], wanted: Sequence[str] | None = None) -> None:
    """The statements of one event of each name (the first one counted)."""
    for label in sorted(samples):
        if wanted and not any(label.startswith(w) for w in wanted):
            continue
        statements = samples[label]
        print(f"\n--- {label}: {len(statements)} statements, in order")
        for n, statement in enumerate(statements, 1):
            print(f"{n:3}. {statement}")


def slowest(timings: Mapping[tuple[str, str], list[float]], top: int) -> list[tuple[str, ...]]:
    """The statements that took the most database time in all, with who ran them."""
    ranked = sorted(timings.items(), key=lambda item: -item[1][1])[:top]
    return [
        (f"{seconds * 1000:,.0f}", str(int(runs)), f"{seconds / runs * 1000:.2f}", name, statement)
        for (name, statement), (runs, seconds) in ranked
    ]


SLOWEST_HEADERS = ("ms in all", "runs", "ms each", "run by", "statement")
