"""Checks of the values in minga's configuration file, in the words an operator reads.

A check receives a value of the right type and returns what is wrong with it, or None.
"""

import difflib
import re
import zoneinfo
from collections.abc import Callable, Iterable
from typing import Any

Check = Callable[[Any], str | None]


def quoted(options: Iterable[str]) -> str:
    items = [repr(option) for option in options]
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    # Compare case-insensitively so "debug" still finds "DEBUG".
    by_lower = {candidate.lower(): candidate for candidate in candidates}
    close = difflib.get_close_matches(word.lower(), by_lower, n=1)
    return f"; did you mean {by_lower[close[0]]!r}?" if close else ""


def between(low: int, high: int) -> Check:
    def check(value: int) -> str | None:
        return None if low <= value <= high else f"must be between {low} and {high}, got {value}"

    return check


def one_of(*allowed: str) -> Check:
    def check(value: str) -> str | None:
        if value in allowed:
            return None
        return f"must be one of {quoted(allowed)}, got {value!r}" + did_you_mean(value, allowed)

    return check


def starts_with(*schemes: str) -> Check:
    # Empty means "not set"; whether it must be set is decided by not_empty or _requirements.
    def check(value: str) -> str | None:
        if not value or value.startswith(schemes):
            return None
        return f"must start with {quoted(schemes)}"

    return check


def matches(pattern: str, message: str) -> Check:
    def check(value: str) -> str | None:
        return None if not value or re.fullmatch(pattern, value) else message

    return check


def not_empty(value: str) -> str | None:
    return None if value else "must not be empty"


def time_zone(value: str) -> str | None:
    zones = zoneinfo.available_timezones()  # read lazily: it scans the disk
    if value in zones:
        return None
    hint = did_you_mean(value, zones) or "; use a name like 'Europe/Madrid' or 'UTC'"
    return f"{value!r} is not a known time zone" + hint
