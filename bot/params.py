"""Typed command arguments: each parser turns typed text into a value or a polite refusal."""

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from bot.i18n import LANGUAGES, N_


class BadArgument(Exception):
    """A refusal to show the person: a message id to translate and its values."""

    def __init__(self, message: str, *, param: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.param = param  # set by a handler that finds an answer unusable after parsing
        self.values = values


Parser = Callable[[str], Any]


@dataclass(frozen=True)
class Param:
    name: str
    label: str  # marked with N_; shown in usage lines as <label>
    parse: Parser
    prompt: str | None = None  # marked with N_; asked for in a dialog
    optional: bool = False
    rest: bool = False  # takes the rest of the line, spaces included


def text(max_length: int) -> Parser:
    def parse(raw: str) -> str:
        value = " ".join(raw.split())
        if not value:
            raise BadArgument(N_("That was empty. Please type some words."))
        if len(value) > max_length:
            raise BadArgument(N_("That is too long: at most {limit} characters, please."),
                              limit=max_length)
        return value

    return parse


def integer(low: int, high: int) -> Parser:
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise BadArgument(N_("'{value}' is not a number."), value=raw.strip()) from None
        if not low <= value <= high:
            raise BadArgument(N_("Please give a number from {low} to {high}."),
                              low=low, high=high)
        return value

    return parse


@cache
def _zones() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


def timezone(raw: str) -> str:
    wanted = raw.strip().replace(" ", "_")
    zones = _zones()
    if wanted.casefold() in zones:
        return zones[wanted.casefold()]
    close = difflib.get_close_matches(wanted.casefold(), zones, n=1, cutoff=0.6)
    if close:
        raise BadArgument(N_("I don't know the time zone '{value}'. Did you mean {suggestion}?"),
                          value=raw.strip(), suggestion=zones[close[0]])
    raise BadArgument(N_("I don't know the time zone '{value}'. Write it like Europe/Madrid "
                         "or America/Caracas."), value=raw.strip())


def language(raw: str) -> str:
    wanted = raw.strip().casefold()
    for code, name in LANGUAGES.items():
        if wanted in (code, name.casefold()):
            return code
    raise BadArgument(N_("I speak these languages: {choices}."),
                      choices=", ".join(f"{name} ({code})" for code, name in LANGUAGES.items()))


def member(raw: str) -> str:
    value = raw.strip()
    if not value.lstrip("@"):
        raise BadArgument(N_("Please name a member, like @ana."))
    return value


def code(raw: str) -> str:
    return raw.strip().upper().replace("-", "").replace(" ", "")


def word(raw: str) -> str:
    return raw.strip().lower()
