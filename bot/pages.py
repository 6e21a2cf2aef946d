"""What the web pages ask of the core: a group's week for a token, read in one read-only
unit of work that waits for no writer."""

from collections.abc import Sequence

from bot.context import Work
from bot.dispatch import Core
from bot.handlers.web import WeekPage, opened, week_page
from bot.i18n import LANGUAGES


async def week_for(core: Core, token: str, wanted: Sequence[str] = ()) -> WeekPage | None:
    """The week page a token opens, in the first of the `wanted` languages (the reader's,
    best first: 'es', 'pt-BR') that minga speaks, else the group's; None when the token
    opens nothing."""
    async with core.uow(read_only=True) as uow:
        work = Work(
            uow=uow,
            now=core.clock.now(),
            defaults=core.defaults,
            catalogs=core.catalogs,
            commands=core.commands,
            privacy=core.privacy,
            web=core.web,
        )
        group = await opened(work, token)
        if group is None:
            return None
        spoken = (tag.replace("_", "-").split("-")[0].lower() for tag in wanted)
        language = next((code for code in spoken if code in LANGUAGES), None)
        return await week_page(work, group, language)
