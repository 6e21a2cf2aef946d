"""Typed command arguments: each parser turns typed text into a value or a polite refusal."""

import difflib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from bot import words
from bot.i18n import LANGUAGES, N_
from bot.text import decimal

CHOOSE = N_("Please choose one of: {choices}.")  # the choices as the person can give them
MAX_REFERENCE_DIGITS = 9  # R17, S45, P3: ids, far below what the database can hold


class BadArgument(Exception):
    """A refusal to show the person: a message id to translate and its values."""

    def __init__(self, message: str, *, param: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.param = param  # set by a handler that finds an answer unusable after parsing
        self.values = values


Parser = Callable[[str], Any]
# (context, answers so far) → the choices to offer as buttons: (label, value) pairs
Options = Callable[[Any, Mapping[str, Any]], Awaitable[Sequence[tuple[str, str]]]]
# (context, answers so far) → a value that makes asking unnecessary, or None
Default = Callable[[Any, Mapping[str, Any]], Awaitable[Any]]
# (context, answers so far, value) → raises BadArgument when the value does not fit them
Check = Callable[[Any, Mapping[str, Any], Any], Awaitable[None]]


@dataclass(frozen=True)
class Param:
    name: str
    label: str  # marked with N_; shown in usage lines as <label>
    parse: Parser
    prompt: str | None = None  # marked with N_; asked for in a dialog
    optional: bool = False
    rest: bool = False  # takes the rest of the line, spaces included
    options: Options | None = None
    only_options: bool = False  # in a dialog, the answer must be one of the options
    default: Default | None = None
    check: Check | None = None  # in a dialog, refuses at once what the handler would refuse


def text(max_length: int) -> Parser:
    def parse(raw: str) -> str:
        value = " ".join(raw.split())
        if not value:
            raise BadArgument(N_("That was empty. Please type some words."))
        if len(value) > max_length:
            raise BadArgument(
                N_("That is too long: at most {limit} characters, please."), limit=max_length
            )
        return value

    return parse


def integer(low: int, high: int) -> Parser:
    def parse(raw: str) -> int:
        if not raw.strip().isdecimal():
            raise BadArgument(N_("'{value}' is not a number."), value=raw.strip())
        value = decimal(raw)  # None: more digits than any bound here
        if value is None or not low <= value <= high:
            raise BadArgument(N_("Please give a number from {low} to {high}."), low=low, high=high)
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
        raise BadArgument(
            N_("I don't know the time zone '{value}'. Did you mean {suggestion}?"),
            value=raw.strip(),
            suggestion=zones[close[0]],
        )
    raise BadArgument(
        N_("I don't know the time zone '{value}'. Write it like Europe/Madrid or America/Caracas."),
        value=raw.strip(),
    )


def language(raw: str) -> str:
    """'pt', 'Português', 'portugues', 'Portuguese' or 'portugués' → 'pt'."""
    wanted = words.read("value", raw) or words.fold(raw)
    for code in LANGUAGES:
        if wanted in {code, *map(words.fold, words.forms(code, "language", "name"))}:
            return code
    raise BadArgument(
        N_("I speak these languages: {choices}."),
        choices=", ".join(f"{name} ({code})" for code, name in LANGUAGES.items()),
    )


def member(raw: str) -> str:
    value = raw.strip()
    if not value.lstrip("@"):
        raise BadArgument(N_("Please name a member, like @ana."))
    return value


def fixed(*choices: tuple[str, str]) -> Options:
    """The same buttons every time: (label marked with N_, value) pairs."""

    async def options(ctx: Any, answers: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
        return [(ctx.tr._(label), value) for label, value in choices]

    return options


def choice(*values: str, kind: str = "value") -> Parser:
    """One of `values`, typed as itself, as one of its forms in any language (the words of
    `kind` in bot/locales/<language>/words.toml) or as its number in the list."""

    def parse(raw: str) -> str:
        place = decimal(raw)
        if place is not None and 1 <= place <= len(values):
            return values[place - 1]
        wanted = words.read(kind, raw) or raw.strip().casefold()
        if wanted in values:
            return wanted
        raise BadArgument(CHOOSE, choices=words.Listed(kind, values))

    return parse


def reference(prefix: str) -> Parser:
    """'R17', 'r17' or '17' → 17: how requests (R) and offers (O) are named in chats."""

    def parse(raw: str) -> int:
        number = decimal(raw.strip().upper().removeprefix(prefix), MAX_REFERENCE_DIGITS)
        if number is None:
            raise BadArgument(
                N_("'{value}' is not a number like {example}."),
                value=raw.strip(),
                example=f"{prefix}17",
            )
        return number

    return parse


def code(raw: str) -> str:
    return raw.strip().upper().replace("-", "").replace(" ", "")


def word(raw: str) -> str:
    return raw.strip().lower()
