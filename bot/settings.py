"""The group settings, each declared once: one field of `GroupDefaults` is one setting.

A field holds the setting's default (which the operator may change in the configuration
file's [groups] section), the rule of the values it takes, the words `/settings` shows, in
every language through the catalogs, and whether only a binding proposal changes it. The
operator's file (bot/config.py) and `/set` read a value with the same rule, so they accept
and refuse the same values; adding a setting is adding one field.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from bot import checks, params, words
from bot.checks import Check
from bot.i18n import LANGUAGES, N_, Translator
from bot.model import Group
from bot.params import BadArgument, Parser


@dataclass(frozen=True)
class Rule:
    """The values a setting takes."""

    parse: Parser  # typed text → the value as stored, or a BadArgument in the person's words
    refusal: Check  # what `parse` refuses, in the operator's words


def whole(low: int, high: int) -> Rule:
    return Rule(lambda raw: str(params.integer(low, high)(raw)), checks.between(low, high))


def choice(*values: str) -> Rule:
    return Rule(params.choice(*values), checks.one_of(*values))


def _vouches(raw: str) -> str:
    if words.read("value", raw) == "auto":
        return "auto"
    try:
        return str(params.integer(1, 20)(raw))
    except BadArgument:
        raise BadArgument(N_("Please give 'auto' or a number from 1 to 20.")) from None


def _category_names(raw: str, least: int) -> list[str] | None:
    """A category minga knows, typed in any language, is kept as its key ('comida' → food),
    so each reader sees it in their language; a group's own word is kept as typed. None
    when they are too few, too many or not one word each."""
    typed = [" ".join(name.split()).casefold() for name in raw.split(",")]
    names = [words.read("category", name) or name for name in typed]
    if not least <= len(names) <= 20 or not all(0 < len(n) <= 20 and " " not in n for n in names):
        return None
    return list(dict.fromkeys(names))


def _categories(raw: str) -> str:
    names = _category_names(raw, 2)
    if names is None:
        raise BadArgument(
            N_(
                "Please give 2 to 20 one-word categories separated by commas, "
                "like: food, ride, errand."
            )
        )
    return ", ".join(names)


def _sensitive(raw: str) -> str:
    names = _category_names(raw, 1)
    if names is None:
        raise BadArgument(
            N_("Please give 1 to 20 one-word categories separated by commas, like: legal, medical.")
        )
    return ", ".join(names)


MAX_AREAS, MAX_AREA, MAX_AREAS_TEXT = 20, 40, 200  # the last: as a setting is stored


def _area_words(text: str) -> list[str]:
    """An area's words as they are compared: no case, no accents, no punctuation."""
    return re.findall(r"\w+", words.fold(text))


def _areas(raw: str) -> str:
    """The areas a group serves, as typed (once each, whatever the case and accents); or
    'none', for any area."""
    if words.read("value", raw) == "none":
        return "none"
    typed = [" ".join(name.split()) for name in raw.split(",")]
    once: dict[tuple[str, ...], str] = {}
    for name in typed:
        if name:
            once.setdefault(tuple(_area_words(name)), name)
    names = list(once.values())
    kept = ", ".join(names)
    if (
        not 0 < len(names) <= MAX_AREAS
        or not all(len(n) <= MAX_AREA and _area_words(n) for n in names)
        or len(kept) > MAX_AREAS_TEXT
    ):
        raise BadArgument(
            N_(
                "Please give 1 to 20 areas separated by commas, each at most 40 characters "
                "and 200 in all, like: Centro, Barrio Norte; or none, for any area."
            )
        )
    return kept


def in_area(served: Sequence[str], area: str) -> bool:
    """Whether a group that serves these areas serves a request in this area: when it names
    none, or the request says none, or one of its names is in the request's area as whole
    words, whatever the case, accents and punctuation ("Centro" is in "centro, cerca del
    mercado"; "Barrio Norte" is not in "Norte")."""
    asked = _area_words(area)
    if not served or not asked:
        return True
    for name in served:
        wanted = _area_words(name)
        if any(asked[i : i + len(wanted)] == wanted for i in range(len(asked))):
            return True
    return False


LANGUAGE = Rule(params.language, checks.one_of(*LANGUAGES))
TIME_ZONE = Rule(params.timezone, checks.time_zone)
VOUCHES = Rule(_vouches, lambda value: "must be 'auto' or a number from 1 to 20, in quotes")
CATEGORIES = Rule(
    _categories,
    lambda value: (
        "must be 2 to 20 one-word categories (at most 20 letters each) separated by commas"
    ),
)
SENSITIVE = Rule(
    _sensitive,
    lambda value: (
        "must be 1 to 20 one-word categories (at most 20 letters each) separated by commas"
    ),
)


AREAS = Rule(
    _areas,
    lambda value: (
        f"must be 'none' or 1 to {MAX_AREAS} areas separated by commas (at most {MAX_AREA} "
        f"characters each, {MAX_AREAS_TEXT} in all)"
    ),
)


def _operator_check(rule: Rule) -> Check:
    def check(value: int | str) -> str | None:
        try:
            rule.parse(str(value))
        except BadArgument:
            return rule.refusal(value) or f"cannot be {value!r}"
        return None

    return check


def _read(rule: Rule) -> Callable[[Any], Any]:
    """The operator's value as a group would store it (a number stays a number)."""
    return lambda value: type(value)(rule.parse(str(value)))


def _row(
    default: int | str, rule: Rule, description: str | None = None, binding_only: bool = False
) -> Any:
    """One group setting. `description` (marked with N_) is None for a setting only the
    operator sets, for every group alike; `binding_only`: changed only by a binding proposal
    that passes, never directly, so that whoever holds trust today cannot lower the bar for
    tomorrow."""
    return field(
        default=default,
        metadata={
            "checks": (_operator_check(rule),),
            "reads": _read(rule),
            "rule": rule,
            "description": description,
            "binding_only": binding_only,
        },
    )


@dataclass(frozen=True)
class GroupDefaults:
    """What new groups start with, as the operator set it; each group changes its own
    with /set, except founding_hours and link_code_minutes."""

    language: str = _row("en", LANGUAGE, N_("language of the group's posts"))
    timezone: str = _row("UTC", TIME_ZONE, N_("time zone for dates and reminders"))
    founding_hours: int = _row(24, whole(1, 720))
    link_code_minutes: int = _row(15, whole(1, 1440))
    vouches_needed: str = _row(
        "auto",
        VOUCHES,
        N_(
            "vouches a newcomer needs to become trusted; 'auto' is half the trusted "
            "members, at least 1 and at most 3"
        ),
        binding_only=True,
    )
    categories: str = _row(
        "food, ride, errand, housing, legal, medical, childcare, other",
        CATEGORIES,
        N_("the kinds of help people can ask for"),
    )
    areas: str = _row(
        "none",
        AREAS,
        N_(
            "the areas the group serves, separated by commas: the network's requests from "
            "other areas do not reach it; 'none': any area"
        ),
    )
    sensitive_categories: str = _row(
        "legal, medical",
        SENSITIVE,
        N_(
            "categories whose requests stay in the group unless the person who asks agrees "
            "otherwise"
        ),
    )
    bump_hours: int = _row(
        24, whole(1, 720), N_("hours after which an unclaimed request is shown again")
    )
    referral_hours: int = _row(
        24,
        whole(0, 720),
        N_(
            "hours after which a request nobody here took is offered to the other groups of "
            "the network, if the person who asked agreed; 0: never"
        ),
    )
    refer_at_once: str = _row(
        "off",
        choice("on", "off"),
        N_(
            "whether the person who asks may have their request offered to the other groups "
            "of the network right away, without waiting referral_hours: 'on' or 'off'"
        ),
    )
    nudge_hours: int = _row(
        48,
        whole(1, 720),
        N_("hours without news after which the volunteer on a request is asked how it goes"),
    )
    request_grace_hours: int = _row(
        24,
        whole(0, 720),
        N_("hours after its 'needed by' time that an unfinished request expires"),
    )
    weeks_ahead: int = _row(
        4, whole(1, 12), N_("weeks of a recurring shift that are open for sign-up")
    )
    coverage_hours: int = _row(
        48,
        whole(13, 336),
        N_("hours before a shift that the group is told which roles are still short"),
    )
    rotation_weeks: int = _row(
        6,
        whole(2, 26),
        N_(
            "weeks looked back on to ask first, privately, those who took a rotating activity least"
        ),
    )
    pickup_grace_minutes: int = _row(
        30,
        whole(0, 720),
        N_("minutes after a pickup window that an uncollected box goes to someone waiting"),
    )
    pickup_names: str = _row(
        "numbers",
        choice("numbers", "names"),
        N_("what the table sees of a pickup: 'numbers' (B7) or 'names'"),
    )
    poll_days: int = _row(3, whole(1, 60), N_("days a poll stays open unless it says otherwise"))
    native_polls: str = _row(
        "off",
        choice("on", "off"),
        N_(
            "show one-choice polls as the chat app's own polls where it has them "
            "(Matrix): 'on' or 'off'"
        ),
    )
    web: str = _row(
        "off",
        choice("on", "off"),
        N_(
            "a read-only web page of the group's week, reached by private links that the "
            "roster gets with /web: 'on' or 'off'"
        ),
    )
    direct_changes: str = _row(
        "trusted",
        choice("trusted", "proposals"),
        N_(
            "who changes the group itself: 'trusted' members directly, or only "
            "'proposals' that pass"
        ),
        binding_only=True,
    )
    binding_quorum: int = _row(
        50,
        whole(10, 100),
        N_("percent of the trusted members who must vote for a binding proposal to count"),
        binding_only=True,
    )
    binding_min_hours: int = _row(
        48,
        whole(12, 720),
        N_("hours a binding proposal stays open at least, unless everyone who may vote has voted"),
        binding_only=True,
    )
    retention_days: int = _row(
        90, whole(1, 3650), N_("days after which a closed request is anonymised")
    )


@dataclass(frozen=True)
class Setting:
    """A setting a group changes with /set, as /settings lists it."""

    key: str
    description: str  # marked with N_
    parse: Parser
    binding_only: bool


SETTINGS = {
    f.name: Setting(
        f.name, f.metadata["description"], f.metadata["rule"].parse, f.metadata["binding_only"]
    )
    for f in fields(GroupDefaults)
    if f.metadata["description"] is not None
}


def named(typed: str) -> Setting | None:
    """The setting a typed name stands for, in any language ('idioma' is language)."""
    return SETTINGS.get(words.read("setting", typed) or typed.strip().casefold())


def shown_value(tr: Translator, key: str, value: str) -> str:
    """A setting's value as this reader writes it: 'español', 'comida, transporte'."""
    if key in ("categories", "sensitive_categories"):
        return words.Listed("category", tuple(value.split(", "))).written(tr.language)
    if key == "areas" and value != "none":
        return value  # as the group wrote them
    return tr.word("value", value)


def setting(group: Group, key: str, defaults: GroupDefaults) -> str:
    return group.settings.get(key) or str(getattr(defaults, key))


def number(group: Group, key: str, defaults: GroupDefaults) -> int:
    return int(setting(group, key, defaults))


def categories(group: Group, defaults: GroupDefaults, key: str = "categories") -> list[str]:
    """The group's categories, or those of another setting that lists some."""
    return setting(group, key, defaults).split(", ")


def areas(group: Group, defaults: GroupDefaults) -> list[str]:
    """The areas the group serves; none: it said none, and serves any."""
    value = setting(group, "areas", defaults)
    return [] if value == "none" else value.split(", ")


def category(group: Group, typed: str, defaults: GroupDefaults) -> str | None:
    """The group's category a typed word names, in any language ('comida' is food), or None."""
    names = categories(group, defaults)
    folded = words.fold(typed)
    same = [name for name in names if words.fold(name) == folded]
    found = same[0] if same else words.read("category", typed)
    return found if found in names else None


def vouches_needed(group: Group, trusted: int, defaults: GroupDefaults) -> int:
    value = setting(group, "vouches_needed", defaults)
    return min(3, max(1, trusted // 2)) if value == "auto" else int(value)
