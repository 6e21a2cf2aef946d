"""How many cases each hostile property runs, and a count of those that did.

Counts are written per property (`@cases(2000)`, below `@given`). MINGA_HOSTILE_SCALE scales
them all (0.05 while developing, 1 in CI); a fresh random seed is drawn every run, and a
failure prints the shrunk example with the blob that reproduces it (`@reproduce_failure`).
"""

import functools
import os
import time
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, settings

SCALE = float(os.environ.get("MINGA_HOSTILE_SCALE", "1"))
RAN: dict[str, int] = {}  # property → cases it ran (shrinking included)
STARTED = time.monotonic()


def cases(n: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(test: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(test)
        def counted(*args: Any, **kwargs: Any) -> Any:
            RAN[test.__name__] = RAN.get(test.__name__, 0) + 1
            return test(*args, **kwargs)

        return settings(
            max_examples=max(1, round(n * SCALE)),
            deadline=None,
            print_blob=True,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.filter_too_much,
                HealthCheck.large_base_example,
            ],
        )(counted)

    return decorate
