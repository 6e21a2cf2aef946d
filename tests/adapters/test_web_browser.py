"""The week page in a real browser: Debian's Chromium, driven by Playwright (never a browser
that Playwright downloads), against minga's own web server on loopback. Screenshots at a
phone's width and a desktop's go to tests/artifacts/web/."""

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.adapters.test_web import SERVED, serving
from tests.conftest import Built
from tests.harness import Harness
from tests.unit.conftest import _found
from tests.unit.test_web import ASKERS, link_of

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PLAN = (
    '/shift add "Box distribution" wed 10:00-13:00 weekly places 4 roles packer:2,table:1,driver:1'
)
KITCHEN = '/shift add "Soup kitchen" fri 17:00-20:00 weekly places 3 roles cook:2,server:1'
PICKUPS = '/pickups open thu 13:00-14:00 every 30 boxes 6 at "Community hall"'


@pytest.fixture
async def week(bot: Harness, built: Built) -> Harness:
    """Free Food's busy week: two activities, signups with a waitlist, requests from five
    people, pickup windows and polls; its page is on."""
    await built(bot, _found)
    bot.web = SERVED
    await bot.say("Ana", "/set web on")
    await bot.say("Ana", PLAN)
    await bot.say("Ana", KITCHEN)
    await bot.say("Ana", PICKUPS)
    for who in ("Ben", "Chioma", "Dev"):  # Dev finds the packers full: he waits
        await bot.say(who, "/signup S1 packer")
    await bot.say("Ana", "/signup S1 driver")
    await bot.say("Ben", "/signup S5 cook")
    for n, who in enumerate(ASKERS):
        await bot.say(who, "/join")
        await bot.say(who, f"/request food Barrio{n}: milk for {who}", group=None)
    await bot.say("Ben", "/claim R2")
    await bot.say("Eli", "/pickup", group=None)
    await bot.say("Eli", "1", group=None)
    await bot.say("Ana", "/propose Buy a second fridge")
    await bot.say("Chioma", "/poll choice Cleaning day: monday | thursday ; days 1")
    await bot.say("Ben", "/vote P2 2")
    return bot


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed: apt-get install chromium (.ci/run does)"
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium)
        try:
            yield launched
        finally:
            await launched.close()


async def cell(page: Page, day: str, activity: str = "Box distribution") -> str:
    """The text of one cell of this week's grid."""
    row = page.locator("section.week").first.locator("tbody tr", has_text=activity)
    return await row.locator(f'td[data-day="{day}"]').inner_text()


async def shot(page: Page, name: str, size: dict[str, int]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size(size)
    await page.screenshot(path=str(ARTIFACTS / f"{name}-{size['width']}.png"), full_page=True)


async def test_the_grid_follows_signups_a_moved_shift_and_a_cancellation(
    week: Harness, browser: Browser
) -> None:
    token = await link_of(week, "Ben")
    async for site in serving(week):
        page = await browser.new_page(viewport=DESKTOP, java_script_enabled=False)
        await page.goto(f"{site}/week/{token}")
        assert await page.title() == "The week of Free Food"
        assert await page.get_attribute("html", "lang") == "en"
        wednesday = await cell(page, "Wed 4 Mar")
        assert "S1" in wednesday and "10:00–13:00" in wednesday
        assert "packer 2/2" in wednesday and "1 waiting" in wednesday
        assert "table 0/1" in wednesday and "1 open" in wednesday
        assert "driver 1/1" in wednesday
        await shot(page, "week", DESKTOP)

        await week.say("Ana", "/shift move S1 thu 15:00")
        await page.reload()
        assert "S1" not in await cell(page, "Wed 4 Mar")
        thursday = await cell(page, "Thu 5 Mar")
        assert "S1" in thursday and "15:00–18:00" in thursday and "packer 2/2" in thursday

        await week.say("Chioma", "/withdraw S1")  # Dev, waiting, takes her place
        await week.say("Ana", "/shift cancel S5")
        await page.reload()
        thursday = await cell(page, "Thu 5 Mar")
        assert "packer 2/2" in thursday and "waiting" not in thursday
        grid = await page.locator("section.week").first.inner_text()
        assert "Soup kitchen" not in grid  # its only shift this week was cancelled
        next_week = await page.locator("section.week").nth(1).inner_text()
        assert "Box distribution" in next_week and "Soup kitchen" in next_week

        words = await page.locator("body").inner_text()
        for who in ASKERS:
            assert who not in words
        assert "milk" not in words
        assert "R2" in words and "someone is on it" in words
        assert "Community hall" in words and "Buy a second fridge" in words


async def test_the_page_fits_a_phone_without_sideways_scrolling(
    week: Harness, browser: Browser
) -> None:
    token = await link_of(week, "Ben")
    async for site in serving(week):
        for size in (PHONE, DESKTOP):
            page = await browser.new_page(viewport=size, java_script_enabled=False)
            await page.goto(f"{site}/week/{token}")
            await shot(page, "phone" if size is PHONE else "desktop", size)
            if size is PHONE:
                sideways = await page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert sideways <= 0
                # On a phone each day of the grid is a block of its own, named by its day.
                assert await page.locator("td[data-day]:not(.empty)").first.is_visible()
            await page.close()
        printed = await browser.new_page(viewport=DESKTOP)
        await printed.goto(f"{site}/week/{token}")
        await printed.emulate_media(media="print")
        await printed.pdf(path=str(ARTIFACTS / "week.pdf"))
        await printed.close()
