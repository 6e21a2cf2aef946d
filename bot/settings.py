"""A group's own settings: what can be set, how it is read, what it defaults to."""

from collections.abc import Callable
from dataclasses import dataclass

from bot import params
from bot.config import GroupDefaults
from bot.i18n import N_
from bot.model import Group
from bot.params import BadArgument, Parser


def _vouches(raw: str) -> str:
    if raw.strip().lower() == "auto":
        return "auto"
    try:
        return str(params.integer(1, 20)(raw))
    except BadArgument:
        raise BadArgument(N_("Please give 'auto' or a number from 1 to 20.")) from None


@dataclass(frozen=True)
class Setting:
    key: str
    description: str  # marked with N_
    parse: Parser
    default: Callable[[GroupDefaults], str]


SETTINGS = {s.key: s for s in (
    Setting("language", N_("language of the group's posts"), params.language,
            lambda d: d.language),
    Setting("timezone", N_("time zone for dates and reminders"), params.timezone,
            lambda d: d.timezone),
    Setting("vouches_needed",
            N_("vouches a newcomer needs to become trusted; 'auto' is half the trusted "
               "members, at least 1 and at most 3"),
            _vouches, lambda d: "auto"),
)}


def setting(group: Group, key: str, defaults: GroupDefaults) -> str:
    return group.settings.get(key) or SETTINGS[key].default(defaults)


def vouches_needed(group: Group, trusted: int, defaults: GroupDefaults) -> int:
    value = setting(group, "vouches_needed", defaults)
    return min(3, max(1, trusted // 2)) if value == "auto" else int(value)
