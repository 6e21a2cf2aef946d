"""Private web links on SQLite and PostgreSQL: found by their token, one per person, kind
and group, a new one replacing the old at once."""

import asyncio

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.harness import Harness

PAGE, FEED, NEWER = "a" * 43, "b" * 43, "c" * 43


@pytest.fixture
async def bot(engine: AsyncEngine) -> Harness:
    return Harness(engine)


async def test_a_link_opens_only_what_it_was_made_for_until_replaced(bot: Harness) -> None:
    await bot.setup_group()
    now = bot.clock.now()
    async with bot.units() as uow:
        [group] = await uow.groups.all()
        ana, ben = [m.person_id for m in (await uow.members.roster(group.id))[:2]]
        await uow.web_links.renew("week", ana, group.id, PAGE, now)
        await uow.web_links.renew("calendar", ana, None, FEED, now)
        await uow.commit()
    async with bot.units() as uow:
        found = await uow.web_links.find("week", PAGE)
        assert found is not None and (found.person_id, found.group_id) == (ana, group.id)
        assert await uow.web_links.find("calendar", PAGE) is None  # kinds do not mix
        assert await uow.web_links.find("week", FEED) is None
        assert await uow.web_links.mine("week", ben, group.id) is None
        await uow.web_links.renew("week", ana, group.id, NEWER, now)
        assert await uow.web_links.find("week", PAGE) is None
        assert (await uow.web_links.find("week", NEWER)) is not None
        mine = await uow.web_links.mine("calendar", ana, None)
        assert mine is not None and mine.created_at == now
        await uow.web_links.renew("calendar", ana, None, PAGE, now)  # the feed's turn
        assert await uow.web_links.find("calendar", FEED) is None
        assert (await uow.web_links.find("calendar", PAGE)) is not None


async def test_two_new_feed_links_at_once_leave_one_that_works(bot: Harness) -> None:
    """`/calendar new` pressed twice at the same instant: on PostgreSQL both transactions ran
    side by side, each deleted the old row and put its own, and two feeds stayed open."""
    await bot.setup_group()
    now = bot.clock.now()
    async with bot.units() as uow:
        [group] = await uow.groups.all()
        ana = (await uow.members.roster(group.id))[0].person_id

    async def renew(token: str) -> bool:
        try:
            async with bot.units() as uow:
                await uow.web_links.renew("calendar", ana, None, token, now)
                await asyncio.sleep(0.2)  # both inside their transactions at once
                await uow.commit()
        except IntegrityError:
            return False
        return True

    made = await asyncio.gather(renew(FEED), renew(NEWER))
    async with bot.units() as uow:
        working = [t for t in (FEED, NEWER) if await uow.web_links.find("calendar", t)]
    assert len(working) == 1 and any(made)
