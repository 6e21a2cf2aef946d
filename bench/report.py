"""What every benchmark prints around its figures: the machine, its load, the code measured,
and one table of figures against their floors and targets."""

import contextlib
import math
import os
import platform
import shutil
import subprocess
import tempfile
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = _field("/proc/cpuinfo", "model name") or platform.processor() or "unknown CPU"
    memory = _field("/proc/meminfo", "MemTotal")  # in kB
    ram = f"{int(memory.split()[0]) / 2**20:.1f} GiB" if memory else "unknown"
    return (
        f"{cpu}, {os.cpu_count()} cores, RAM {ram}, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )


def _field(path: str, name: str) -> str | None:
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:  # not Linux
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(name)), None)


def load() -> str:
    """Other work on the machine skews timings: printed at the start and at the end."""
    return " ".join(f"{average:.2f}" for average in os.getloadavg())


def code_version() -> str:
    """The commit measured, and whether tracked files differ from it."""
    try:
        commit = _git("rev-parse", "--short", "HEAD")
        dirty = bool(_git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{commit} ({'dirty: uncommitted changes' if dirty else 'clean tree'})"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
    ).stdout.strip()


@contextlib.contextmanager
def session(title: str, keep: bool) -> Iterator[Path]:
    """A run: what runs where first, a temporary folder (removed at the end unless kept),
    and the load at the end. An error is printed, never raised: this is a measurement."""
    print(
        f"{title}\nmachine: {machine()}\ncode: {code_version()}\nload average at start: {load()}",
        flush=True,
    )
    started, folder = time.monotonic(), Path(tempfile.mkdtemp(prefix="minga-bench-"))
    try:
        yield folder
    except Exception:
        traceback.print_exc()
        print("NOT MEASURED: the run stopped early (see above)")
    finally:
        if keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"load average at end: {load()}; the run took {time.monotonic() - started:.0f} s")


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest rank: the smallest value that at least `share` of them do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def spread(values: Sequence[float]) -> str:
    if not values:
        return "none"
    return (
        f"p50 {percentile(values, 0.5):.3f} / p95 {percentile(values, 0.95):.3f} / "
        f"max {max(values):.3f} s (n={len(values)})"
    )


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


HEADERS = ("figure", "value", "floor / target", "verdict")


def table(rows: Sequence[tuple[str, ...]], headers: Sequence[str] = HEADERS) -> str:
    """Plain text, one row a figure: what, its value, its floor or target, the verdict (or
    other columns, named by `headers`)."""
    everything = [tuple(headers), *rows]
    widths = [max(len(row[n]) for row in everything) for n in range(len(headers))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in everything
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)
