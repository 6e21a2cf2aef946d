"""Stopping a minga that a test started, as an operator does."""

import asyncio
import contextlib
import io

STOPPED_WITHIN = 30.0  # seconds: a minga that does not stop fails its test, not the run


async def stopped(running: asyncio.Task[None]) -> None:
    """Stop a running minga as an operator does; if it does not stop, say where it hangs."""
    running.cancel()
    done, _ = await asyncio.wait({running}, timeout=STOPPED_WITHIN)
    if not done:
        stuck = io.StringIO()
        for task in asyncio.all_tasks():
            task.print_stack(file=stuck)
        raise AssertionError(
            f"minga did not stop within {STOPPED_WITHIN:.0f} s:\n{stuck.getvalue()}"
        )
    with contextlib.suppress(asyncio.CancelledError):
        running.result()
