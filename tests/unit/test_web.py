"""The week page: who gets a link, what a link opens, and what the page never shows."""

import hashlib
import re

import pytest
import sqlalchemy as sa

from adapters.web.server import WebServer
from bot.config import WebConfig
from bot.handlers.web import WeekPage
from bot.pages import week_for
from tests.harness import Harness, in_chat, text

WEB = WebConfig(enabled=True, base_url="https://minga.example.org")
LINK = re.compile(r"https://minga\.example\.org/week/([A-Za-z0-9_-]{43})\b")
PLAN = '/shift add "Box distribution" wed 10:00-13:00 weekly places 3 roles packer:2,driver:1'
# People who ask for help; none of them may be named anywhere on the page.
ASKERS = ("Rosa", "Quentin", "Wanjiru", "Tomasz", "Yusuf")


async def link_of(bot: Harness, who: str, line: str = "/web", group: str | None = "food") -> str:
    seen = await bot.say(who, line, group=group)
    found = LINK.search(in_chat(seen, f"dm:{who.casefold()}"))
    assert found, text(seen)
    return found.group(1)


async def page(bot: Harness, token: str, *languages: str) -> WeekPage | None:
    return await week_for(bot.core, token, languages)


def html(bot: Harness, shown: WeekPage) -> str:
    return WebServer(bot.core, WEB).render(shown)


@pytest.fixture
async def paged(group: Harness) -> Harness:
    """Free Food, whose operator serves web pages, turned its week page on."""
    group.web = WEB
    await group.say("Ana", "/set web on")
    return group


async def test_a_member_gets_a_private_link_that_opens_the_week(paged: Harness) -> None:
    seen = await paged.say("Ben", "/web")
    assert in_chat(seen, "group:food") == "I answered you privately."
    assert not LINK.search(in_chat(seen, "group:food"))
    told = in_chat(seen, "dm:ben")
    assert told.startswith("Your private link to the week page of Free Food: https://minga")
    token = LINK.search(told)
    assert token
    shown = await page(paged, token.group(1))
    assert shown is not None and shown.group == "Free Food" and shown.language == "en"


async def test_the_link_is_not_kept_in_the_database_only_its_digest(paged: Harness) -> None:
    token = await link_of(paged, "Ben")
    async with paged.engine.connect() as conn:
        links = (await conn.execute(sa.text("SELECT * FROM web_links"))).all()
        sent = (await conn.execute(sa.text("SELECT text FROM outbox"))).scalars().all()
    assert [row.digest for row in links] == [hashlib.sha256(token.encode()).hexdigest()]
    assert not any(token in str(value) for row in links for value in row)
    assert not any(token in message for message in sent)  # the message went, and is gone


async def test_asking_again_says_when_the_link_was_made_and_changes_nothing(
    paged: Harness,
) -> None:
    token = await link_of(paged, "Ben")
    again = in_chat(await paged.say("Ben", "/web"), "dm:ben")
    assert again.startswith("You got your link to the week page of Free Food on Wed 4 Mar.")
    assert not LINK.search(again)
    assert await page(paged, token) is not None


async def test_a_new_link_stops_the_old_one_at_once(paged: Harness) -> None:
    old = await link_of(paged, "Ben")
    new = await link_of(paged, "Ben", "/web new")
    assert new != old
    assert await page(paged, old) is None
    assert await page(paged, new) is not None
    assert await page(paged, "x" * 43) is None
    spanish = await link_of(paged, "Chioma", "/web nuevo")
    assert await page(paged, spanish) is not None


async def test_a_stranger_gets_no_link_and_a_newcomer_one_that_ends_with_the_roster(
    paged: Harness,
) -> None:
    seen = await paged.say("Zed", "/web")  # on no roster
    assert not LINK.search(text(seen))
    assert text(seen) == "Only people on the roster of Free Food get a link to its week page."
    token = await link_of(paged, "Eli")  # a newcomer sees in the chat what the page shows
    assert await page(paged, token) is not None
    await paged.say("Eli", "/leave")
    assert await page(paged, token) is None


async def test_no_link_while_the_group_or_the_operator_has_no_page(group: Harness) -> None:
    assert "has not turned them on" in text(await group.say("Ben", "/web"))
    group.web = WEB
    assert text(await group.say("Ben", "/web")) == (
        "Free Food has no week page. The group turns it on with /set web on."
    )


async def test_turning_the_page_off_closes_every_link(paged: Harness) -> None:
    token = await link_of(paged, "Ben")
    await paged.say("Ana", "/set web off")
    assert await page(paged, token) is None
    await paged.say("Ana", "/set web on")
    assert await page(paged, token) is not None
    paged.web = WebConfig()  # the operator turns the web pages off
    assert await page(paged, token) is None


async def test_a_link_stops_when_its_holder_leaves_the_roster(paged: Harness) -> None:
    token = await link_of(paged, "Ben")
    await paged.say("Ben", "/leave")
    assert await page(paged, token) is None


async def test_a_link_of_one_group_shows_that_group_only(paged: Harness) -> None:
    await paged.say("Fay", "/setup Bakery", group="bakery")
    await paged.say("Ben", "/join", group="bakery")
    paged.clock.advance(days=2)
    await paged.fire_due()
    await paged.say("Fay", "/set web on", group="bakery")
    await paged.say("Fay", '/shift add "Baking" thu 06:00-08:00 places 2', group="bakery")
    food = await link_of(paged, "Ben")
    bakery = await link_of(paged, "Ben", group="bakery")
    food_page, bakery_page = await page(paged, food), await page(paged, bakery)
    assert food_page is not None and bakery_page is not None
    assert (food_page.group, bakery_page.group) == ("Free Food", "Bakery")
    assert "Baking" not in html(paged, food_page)
    assert "Baking" in html(paged, bakery_page)


async def test_the_grid_counts_places_and_the_waitlist(paged: Harness) -> None:
    await paged.say("Ana", PLAN)
    for who in ("Ben", "Chioma"):
        await paged.say(who, "/signup S1 packer")
    await paged.say("Dev", "/signup S1 packer")  # the role is full: Dev waits
    shown = await page(paged, await link_of(paged, "Ben"))
    assert shown is not None
    this_week = shown.weeks[0]
    assert this_week.days[2] == "Wed 4 Mar"
    [row] = this_week.rows
    assert row.activity == "Box distribution"
    [slot] = row.cells[2]
    assert (slot.number, slot.hours) == ("S1", "10:00–13:00")
    assert [(p.role, p.taken, p.places, p.open, p.waiting) for p in slot.places] == [
        ("packer", 2, 2, 0, 1),
        ("driver", 0, 1, 1, 0),
    ]
    assert this_week.open_places == 1
    [next_row] = shown.weeks[1].rows
    assert [len(cell) for cell in next_row.cells] == [0, 0, 1, 0, 0, 0, 0]
    drawn = html(paged, shown)
    for name in ("Ben", "Chioma", "Dev"):  # who is on a shift is not the page's to show
        assert name not in drawn


async def test_a_week_full_of_requests_names_nobody_who_asked(paged: Harness) -> None:
    for n, who in enumerate(ASKERS):
        await paged.say(who, "/join")
        await paged.say(who, f"/request food Eastside{n}: bread for {who}'s family", group=None)
    # One asks with the guided dialog and chooses to have their name shown in the group.
    await paged.say("Eli", "/request", group=None)
    await paged.press("Eli", ">food", group=None)
    for answer in ("2 boxes", "Westside", "friday", "urgent", "share", "2"):
        await paged.say("Eli", answer, group=None)
    assert any("asked by Eli" in s.text for s in paged.seen if s.chat_id == "group:food")
    await paged.say("Ben", "/claim R2")
    shown = await page(paged, await link_of(paged, "Chioma"))
    assert shown is not None
    assert [(r.number, r.category, r.area, r.claimed) for r in shown.requests][:3] == [
        ("R1", "food", "Eastside0", False),
        ("R2", "food", "Eastside1", True),
        ("R3", "food", "Eastside2", False),
    ]
    eli = shown.requests[-1]
    assert (eli.area, eli.urgent, eli.needed_by) == ("Westside", True, "Fri 6 Mar 18:00")
    drawn = html(paged, shown)
    for who in (*ASKERS, "Eli"):
        assert who not in drawn
        assert who.casefold() not in drawn.casefold()
    assert "bread" not in drawn  # nor what they asked for, in their words


async def test_the_page_speaks_the_readers_language_else_the_groups(paged: Harness) -> None:
    token = await link_of(paged, "Ben")
    spanish = await page(paged, token, "es-AR", "en")
    assert spanish is not None and spanish.language == "es"
    assert spanish.weeks[0].title == "Esta semana"
    assert '<html lang="es">' in html(paged, spanish)
    unknown = await page(paged, token, "de", "fr")
    assert unknown is not None and unknown.language == "en"
    await paged.say("Ana", "/set language pt")
    assert (await page(paged, token, "de")).language == "pt"  # type: ignore[union-attr]


async def test_pickups_polls_and_what_was_decided(paged: Harness) -> None:
    await paged.say("Ana", '/pickups open wed 13:00-14:00 every 30 boxes 3 at "Community hall"')
    await paged.say("Eli", "/pickup", group=None)
    await paged.say("Eli", "1", group=None)
    await paged.say("Ana", "/poll choice Lunch: soup | salad ; days 1")
    await paged.say("Ben", "/vote P1 1")
    await paged.say("Ana", "/propose Buy a fridge")
    await paged.say("Ana", "/poll choice Paint: red | blue ; days 1")
    token = await link_of(paged, "Ben")
    shown = await page(paged, token)
    assert shown is not None
    assert [(w.place, w.booked, w.left) for w in shown.pickups] == [
        ("Community hall", 1, 2),
        ("Community hall", 0, 3),
    ]
    assert [(p.number, p.title, p.kind, p.voted) for p in shown.polls][:1] == [
        ("P1", "Lunch", "choice", 1)
    ]
    await paged.say("Chioma", "/vote P1 1")
    await paged.say("Dev", "/vote P1 1")
    await paged.later(days=2)
    shown = await page(paged, token)
    assert shown is not None
    assert [p.number for p in shown.polls] == ["P2"]
    decided = {o.number: o for o in shown.outcomes}
    assert decided["P1"].title == "Lunch" and "soup" in decided["P1"].result
    assert "Ben" not in html(paged, shown)  # who voted
