"""What the web pages ask of the core: a group's week, or a calendar feed, for a token,
read in one read-only unit of work that waits for no writer."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from bot.context import Work
from bot.dispatch import Core, work_for
from bot.handlers.calendar import group_calendar, subscribed
from bot.handlers.web import WeekPage, opened, week_page
from bot.i18n import LANGUAGES, translator


@asynccontextmanager
async def _reading(core: Core) -> AsyncIterator[Work]:
    async with core.uow(read_only=True) as uow:
        yield work_for(uow, core)


def spoken(wanted: Sequence[str]) -> str | None:
    """The first of the reader's languages, best first ('es', 'pt-BR'), that minga speaks."""
    bases = (tag.replace("_", "-").split("-")[0].lower() for tag in wanted)
    return next((code for code in bases if code in LANGUAGES), None)


async def week_for(core: Core, token: str, wanted: Sequence[str] = ()) -> WeekPage | None:
    """The week page a token opens, in the first of the `wanted` languages minga speaks,
    else the group's; None when the token opens nothing."""
    async with _reading(core) as work:
        group = await opened(work, token)
        if group is None:
            return None
        return await week_page(work, group, spoken(wanted))


async def week_calendar_for(core: Core, token: str, wanted: Sequence[str] = ()) -> bytes | None:
    """The group's week as a calendar feed, for the token of its week page."""
    async with _reading(core) as work:
        group = await opened(work, token)
        if group is None:
            return None
        language = spoken(wanted)
        tr = work.group_tr(group) if language is None else translator(core.catalogs, language)
        return await group_calendar(work, group, tr)


async def calendar_for(core: Core, token: str) -> bytes | None:
    """A person's own calendar feed, for the token of their subscription."""
    async with _reading(core) as work:
        return await subscribed(work, token)
