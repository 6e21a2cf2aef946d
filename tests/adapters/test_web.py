"""The week page's server on loopback: what any answer carries, one 404 for every token that
opens nothing, and a limit per address."""

import asyncio
import base64
import hashlib
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import icalendar
import pytest
from multidict import CIMultiDict

from adapters.web.server import WebServer, client_address, languages
from bot import bootstrap
from bot.config import Config, StorageConfig, TelegramConfig, WebConfig
from bot.i18n import LANGUAGES
from tests.botapi import BotApi
from tests.conftest import Built
from tests.harness import Harness, in_chat, text
from tests.stopping import stopped
from tests.unit.conftest import _found
from tests.unit.test_web import WEB, link_of

SERVED = replace(WEB, port=0)
SAME = (
    "Cache-Control",
    "Content-Security-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Content-Type",
    "Content-Length",
)


@pytest.fixture
async def group(bot: Harness, built: Built) -> Harness:
    """Free Food with four trusted founders and Eli, a newcomer (tests/unit/conftest.py)."""
    await built(bot, _found)
    return bot


@pytest.fixture
async def paged(group: Harness) -> Harness:
    group.web = SERVED
    await group.say("Ana", "/set web on")
    await group.say(
        "Ana", '/shift add "Box distribution" wed 10:00-13:00 weekly places 2 roles packer:2'
    )
    return group


async def serving(bot: Harness, config: WebConfig = SERVED) -> AsyncIterator[str]:
    server = WebServer(bot.core, config)
    await server.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        await server.stop()


@pytest.fixture
async def site(paged: Harness) -> AsyncIterator[str]:
    async for address in serving(paged):
        yield address


async def get(url: str, **headers: str) -> tuple[int, dict[str, str], str]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as answer:
        return answer.status, dict(answer.headers), await answer.text()


async def test_the_page_is_served_with_strict_headers(paged: Harness, site: str) -> None:
    token = await link_of(paged, "Ben")
    status, headers, body = await get(f"{site}/week/{token}")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Server" not in headers
    policy = headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; ")
    assert "script" not in policy and "unsafe" not in policy
    style = re.search(r"<style>(.*?)</style>", body, re.S)
    assert style
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy  # the one style the page has, by its hash
    assert "<script" not in body and " style=" not in body
    assert '<meta http-equiv="refresh" content="60">' in body
    assert '<html lang="en">' in body
    assert "Box distribution" in body


async def test_every_token_that_opens_nothing_gets_the_same_plain_404(
    paged: Harness, site: str
) -> None:
    old = await link_of(paged, "Ben")
    await link_of(paged, "Ben", "/web new")  # the old link stops
    chioma = await link_of(paged, "Chioma")
    await paged.say("Chioma", "/leave")  # her link stops with her place on the roster
    tried = [
        f"/week/{old}",
        f"/week/{chioma}",
        "/week/" + "A" * 43,
        "/week/short",
        "/week/" + "%2e%2e%2f" * 5,
        "/",
        "/favicon.ico",
        f"/week/{old}/",
    ]
    answers = [await get(site + path) for path in tried]
    assert {status for status, _, _ in answers} == {404}
    assert {body for _, _, body in answers} == {"Not found.\n"}
    assert len({tuple(sorted((k, h[k]) for k in SAME)) for _, h, _ in answers}) == 1
    assert {tuple(sorted(set(h) - {"Date"})) for _, h, _ in answers} == {
        tuple(sorted(set(answers[0][1]) - {"Date"}))
    }


async def test_an_address_that_asks_too_often_waits(paged: Harness) -> None:
    token = await link_of(paged, "Ben")
    async for site in serving(paged, replace(SERVED, per_minute=3)):
        statuses = [(await get(f"{site}/week/{token}"))[0] for _ in range(3)]
        assert statuses == [200, 200, 200]
        status, headers, body = await get(f"{site}/week/{token}")
        assert body == "Too many requests; please wait a little.\n"
        assert status == 429 and int(headers["Retry-After"]) >= 1
        assert headers["Cache-Control"] == "private, no-store"
        # Without a trusted proxy, a forwarded address someone wrote changes nothing.
        assert (await get(f"{site}/week/{token}", **{"X-Forwarded-For": "203.0.113.9"}))[0] == 429
        # Guessing tokens counts too.
        assert (await get(f"{site}/week/{'B' * 43}"))[0] == 429


async def test_behind_a_trusted_proxy_each_reader_has_their_own_limit(paged: Harness) -> None:
    token = await link_of(paged, "Ben")
    async for site in serving(paged, replace(SERVED, per_minute=2, trust_forwarded=True)):
        for _ in range(2):
            assert (await get(f"{site}/week/{token}", **{"X-Forwarded-For": "203.0.113.9"}))[
                0
            ] == 200
        limited = await get(f"{site}/week/{token}", **{"X-Forwarded-For": "203.0.113.9"})
        assert limited[0] == 429
        # The proxy appends the reader's address: what a client wrote before it is not theirs.
        other = await get(
            f"{site}/week/{token}", **{"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
        )
        assert other[0] == 200


def test_the_reader_s_languages_are_read_best_first() -> None:
    assert languages("pt-BR;q=0.5, es-AR, en;q=0.9, *;q=0.1, de;q=0") == ["es-AR", "en", "pt-BR"]
    assert languages(None) == []
    assert languages("en;q=nan, es;q=abc") == []


def test_a_forwarded_address_is_read_only_when_trusted() -> None:
    class Asked:
        remote = "127.0.0.1"
        headers = CIMultiDict([("X-Forwarded-For", "1.1.1.1, 2.2.2.2")])

    assert client_address(Asked(), False) == "127.0.0.1"  # type: ignore[arg-type]
    assert client_address(Asked(), True) == "2.2.2.2"  # type: ignore[arg-type]


async def test_a_spanish_reader_reads_the_page_in_spanish(paged: Harness, site: str) -> None:
    token = await link_of(paged, "Ben")
    _, _, body = await get(f"{site}/week/{token}", **{"Accept-Language": "es-VE,es;q=0.9"})
    assert '<html lang="es">' in body and "Esta semana" in body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_minga_run_serves_the_pages_beside_a_platform(tmp_path: Path) -> None:
    stand_in = BotApi()
    base_url = await stand_in.start()
    port = free_port()
    config = Config(
        storage=StorageConfig(f"sqlite:///{tmp_path}/minga.db"),
        telegram=TelegramConfig(enabled=True, token=stand_in.token, base_url=base_url),
        web=replace(SERVED, port=port),
    )
    running = asyncio.create_task(bootstrap.run_platforms(config))
    try:
        menus = 2 * len(LANGUAGES)  # set once the adapter started, as tests/adapters/conftest.py
        await stand_in.until(lambda: len(stand_in.commands) == menus or running.done())
        await asyncio.sleep(0.2)  # its tasks started too
        assert not running.done(), running.exception()
        status, headers, body = await get(f"http://127.0.0.1:{port}/week/{'A' * 43}")
        assert (status, body) == (404, "Not found.\n")
        assert headers["Cache-Control"] == "private, no-store"
    finally:
        await stopped(running)
        await stand_in.stop()
    with pytest.raises(aiohttp.ClientConnectionError):  # stopped with the rest
        await get(f"http://127.0.0.1:{port}/")


FEED = re.compile(r"https://minga\.example\.org(/calendar/[A-Za-z0-9_-]{43}\.ics)")


async def feed_path(bot: Harness, who: str, line: str = "/calendar") -> str:
    said = in_chat(await bot.say(who, line, group=None), f"dm:{who.casefold()}")
    found = FEED.search(said)
    assert found, said
    assert "webcal://minga.example.org/calendar/" in said
    return found.group(1)


async def events(url: str) -> dict[str, icalendar.Event]:
    status, headers, body = await get(url)
    assert status == 200, body
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Cache-Control"] == "private, no-store"
    return {str(e["uid"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


async def test_a_calendar_subscription_follows_a_moved_shift(paged: Harness, site: str) -> None:
    await paged.say("Ben", "/signup S1 packer")
    path = await feed_path(paged, "Ben")
    [(uid, event)] = (await events(site + path)).items()
    assert event.decoded("dtstart") == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Box distribution (packer) · S1"
    await paged.say("Ana", "/shift move S1 thu 11:00")
    moved = await events(site + path)
    assert list(moved) == [uid]  # the same event, which a calendar app moves
    assert moved[uid].decoded("dtstart") == datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
    assert moved[uid].decoded("dtend") == datetime(2026, 3, 5, 14, 0, tzinfo=UTC)
    await paged.say("Ben", "/withdraw S1")
    assert await events(site + path) == {}


async def test_a_new_subscription_link_stops_the_old_and_forgetting_stops_both(
    paged: Harness, site: str
) -> None:
    old = await feed_path(paged, "Ben")
    again = text(await paged.say("Ben", "/calendar", group=None))
    assert "you got a subscription link on Wed 4 Mar" in again and not FEED.search(again)
    new = await feed_path(paged, "Ben", "/calendar new")
    assert (await get(site + old))[:3:2] == (404, "Not found.\n")
    assert (await get(site + new))[0] == 200
    await paged.say("Ben", "/forget", group=None)
    await paged.say("Ben", "yes", group=None)
    assert (await get(site + new))[:3:2] == (404, "Not found.\n")


async def test_the_page_links_a_feed_of_the_groups_week(paged: Harness, site: str) -> None:
    await paged.say("Ben", "/signup S1 packer")
    token = await link_of(paged, "Ben")
    _, _, body = await get(f"{site}/week/{token}")
    assert f'href="webcal://minga.example.org/week/{token}.ics"' in body
    assert f'href="{token}.ics"' in body  # beside the page, over https
    week = await events(f"{site}/week/{token}.ics")
    assert sorted(week) == ["shift-1@minga", "shift-2@minga"]  # this week and the next
    assert str(week["shift-1@minga"]["description"]) == "packer 1/2"
    assert "Ben" not in (await get(f"{site}/week/{token}.ics"))[2]
    await paged.say("Ana", "/shift move S1 thu 11:00")
    moved = await events(f"{site}/week/{token}.ics")
    assert moved["shift-1@minga"].decoded("dtstart") == datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
    assert (await get(f"{site}/week/{'A' * 43}.ics"))[:3:2] == (404, "Not found.\n")
