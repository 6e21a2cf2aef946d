"""minga stops when asked, even if a library under it swallows the first cancel."""

import asyncio

from bot import bootstrap


async def test_a_task_that_swallows_a_cancel_is_stopped_all_the_same() -> None:
    """Python 3.11's wait_for (which nio and aiohttp use) can lose a cancel that races a
    timeout; the task then carries on as if nothing happened, and a stop would hang."""
    stopped_after: list[int] = []

    async def stubborn() -> None:
        swallowed = 0
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                swallowed += 1
                if swallowed > 1:
                    stopped_after.append(swallowed)
                    raise

    running = [asyncio.create_task(stubborn()), asyncio.create_task(asyncio.sleep(3600))]
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(bootstrap.stop_all(running, grace=0.05), timeout=5)
        assert all(task.done() for task in running)
        assert stopped_after == [2]
    finally:  # should it fail, the test must not hang on the stubborn task
        for _ in range(2):
            for task in running:
                task.cancel()
            await asyncio.sleep(0)
