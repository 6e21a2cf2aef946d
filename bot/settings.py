"""A group's own settings: what can be set, how it is read, what it defaults to."""

from collections.abc import Callable
from dataclasses import dataclass

from bot import params
from bot.config import GroupDefaults
from bot.i18n import N_
from bot.model import Group
from bot.params import BadArgument, Parser

# The lowest a group can decide for its binding rules (bot/config.py checks the same bounds).
BINDING_QUORUM_LOW = 10
BINDING_MIN_HOURS_LOW = 12


def _vouches(raw: str) -> str:
    if raw.strip().lower() == "auto":
        return "auto"
    try:
        return str(params.integer(1, 20)(raw))
    except BadArgument:
        raise BadArgument(N_("Please give 'auto' or a number from 1 to 20.")) from None


def _categories(raw: str) -> str:
    names = [" ".join(name.split()).casefold() for name in raw.split(",")]
    if not 2 <= len(names) <= 20 or not all(0 < len(n) <= 20 and " " not in n for n in names):
        raise BadArgument(
            N_(
                "Please give 2 to 20 one-word categories separated by commas, "
                "like: food, ride, errand."
            )
        )
    return ", ".join(dict.fromkeys(names))


def _hours(low: int, high: int) -> Parser:
    return lambda raw: str(params.integer(low, high)(raw))


@dataclass(frozen=True)
class Setting:
    key: str
    description: str  # marked with N_
    parse: Parser
    default: Callable[[GroupDefaults], str]
    # Rules about who decides: changed only by a binding proposal that passes, never
    # directly, so that whoever holds trust today cannot lower the bar for tomorrow.
    binding_only: bool = False


SETTINGS = {
    s.key: s
    for s in (
        Setting(
            "language", N_("language of the group's posts"), params.language, lambda d: d.language
        ),
        Setting(
            "timezone",
            N_("time zone for dates and reminders"),
            params.timezone,
            lambda d: d.timezone,
        ),
        Setting(
            "vouches_needed",
            N_(
                "vouches a newcomer needs to become trusted; 'auto' is half the trusted "
                "members, at least 1 and at most 3"
            ),
            _vouches,
            lambda d: "auto",
            binding_only=True,
        ),
        Setting(
            "categories",
            N_("the kinds of help people can ask for"),
            _categories,
            lambda d: _categories(d.categories),
        ),
        Setting(
            "bump_hours",
            N_("hours after which an unclaimed request is shown again"),
            _hours(1, 720),
            lambda d: str(d.bump_hours),
        ),
        Setting(
            "nudge_hours",
            N_("hours without news after which the volunteer on a request is asked how it goes"),
            _hours(1, 720),
            lambda d: str(d.nudge_hours),
        ),
        Setting(
            "request_grace_hours",
            N_("hours after its 'needed by' time that an unfinished request expires"),
            _hours(0, 720),
            lambda d: str(d.request_grace_hours),
        ),
        Setting(
            "weeks_ahead",
            N_("weeks of a recurring shift that are open for sign-up"),
            _hours(1, 12),
            lambda d: str(d.weeks_ahead),
        ),
        Setting(
            "coverage_hours",
            N_("hours before a shift that the group is told which roles are still short"),
            _hours(13, 336),
            lambda d: str(d.coverage_hours),
        ),
        Setting(
            "pickup_grace_minutes",
            N_("minutes after a pickup window that an uncollected box goes to someone waiting"),
            _hours(0, 720),
            lambda d: str(d.pickup_grace_minutes),
        ),
        Setting(
            "pickup_names",
            N_("what the table sees of a pickup: 'numbers' (B7) or 'names'"),
            params.choice("numbers", "names"),
            lambda d: d.pickup_names,
        ),
        Setting(
            "poll_days",
            N_("days a poll stays open unless it says otherwise"),
            _hours(1, 60),
            lambda d: str(d.poll_days),
        ),
        Setting(
            "native_polls",
            N_(
                "show one-choice polls as the chat app's own polls where it has them "
                "(Matrix): 'on' or 'off'"
            ),
            params.choice("on", "off"),
            lambda d: d.native_polls,
        ),
        Setting(
            "direct_changes",
            N_(
                "who changes the group itself: 'trusted' members directly, or only "
                "'proposals' that pass"
            ),
            params.choice("trusted", "proposals"),
            lambda d: d.direct_changes,
            binding_only=True,
        ),
        Setting(
            "binding_quorum",
            N_("percent of the trusted members who must vote for a binding proposal to count"),
            _hours(BINDING_QUORUM_LOW, 100),
            lambda d: str(d.binding_quorum),
            binding_only=True,
        ),
        Setting(
            "binding_min_hours",
            N_(
                "hours a binding proposal stays open at least, unless everyone who may vote "
                "has voted"
            ),
            _hours(BINDING_MIN_HOURS_LOW, 720),
            lambda d: str(d.binding_min_hours),
            binding_only=True,
        ),
        Setting(
            "retention_days",
            N_("days after which a closed request is anonymised"),
            _hours(1, 3650),
            lambda d: str(d.retention_days),
        ),
    )
}


def setting(group: Group, key: str, defaults: GroupDefaults) -> str:
    return group.settings.get(key) or SETTINGS[key].default(defaults)


def number(group: Group, key: str, defaults: GroupDefaults) -> int:
    return int(setting(group, key, defaults))


def categories(group: Group, defaults: GroupDefaults) -> list[str]:
    return setting(group, "categories", defaults).split(", ")


def vouches_needed(group: Group, trusted: int, defaults: GroupDefaults) -> int:
    value = setting(group, "vouches_needed", defaults)
    return min(3, max(1, trusted // 2)) if value == "auto" else int(value)
