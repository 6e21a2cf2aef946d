"""The web pages' HTTP server, inside `minga run` when [web] is enabled: a group's week page
at /week/<token>, drawn with Jinja2 (autoescaped) from what the core returns, nothing else.

Safe by construction: every answer carries the same strict headers (no cache, no referrer,
a Content-Security-Policy that allows only the page's own inline style, by its hash); a
token that opens nothing (wrong, old, replaced, of a group that turned its page off) gets
the one plain 404 that any unknown address gets, byte for byte; each address may ask a
few pages a minute (a token bucket, 429 with Retry-After past it). Behind a reverse proxy
the address is the last one the proxy adds to X-Forwarded-For, only when the configuration
trusts it."""

import base64
import hashlib
import logging
import math
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import TypeVar

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.config import WebConfig
from bot.dispatch import Core
from bot.handlers.calendar import FEED_PATH, webcal
from bot.handlers.web import PAGE_PATH, WeekPage
from bot.pages import calendar_for, week_calendar_for, week_for

log = logging.getLogger("minga.web")

REFRESH_SECONDS = 60  # the page reloads itself this often, never more
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,100}")  # what secrets.token_urlsafe gives, with room
FEED = "{token:[A-Za-z0-9_-]+}.ics"
MAX_ADDRESSES = 10_000  # buckets kept; past it, the full ones (idle addresses) are dropped
NOT_FOUND = "Not found.\n"
TOO_MANY = "Too many requests; please wait a little.\n"
UNAVAILABLE = "Not available right now; please try again in a minute.\n"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
R = TypeVar("R")


def _style() -> str:
    return (resources.files("adapters.web") / "templates" / "week.css").read_text("utf-8")


def policy(style: str) -> str:
    """Nothing but the page's one inline style: no script, no image, no frame, no form."""
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    return (
        "default-src 'none'; "
        f"style-src 'sha256-{digest}'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def headers(style: str) -> dict[str, str]:
    """Sent with every answer, a page or a refusal."""
    return {
        "Cache-Control": "private, no-store",
        "Content-Security-Policy": policy(style),
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class Limiter:
    """A token bucket per address: `per_minute` requests a minute, after a first burst of as
    many."""

    per_minute: int
    clock: Callable[[], float]
    buckets: dict[str, Bucket] = field(default_factory=dict)

    def wait(self, address: str) -> float:
        """0 when this request may go on (and it is counted); else seconds to wait."""
        now, rate = self.clock(), self.per_minute / 60
        bucket = self.buckets.get(address)
        if bucket is None:
            if len(self.buckets) >= MAX_ADDRESSES:
                self._forget_idle(now)
            bucket = self.buckets[address] = Bucket(float(self.per_minute), now)
        bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / rate

    def _forget_idle(self, now: float) -> None:
        rate = self.per_minute / 60
        for address, bucket in list(self.buckets.items()):
            if bucket.tokens + (now - bucket.at) * rate >= self.per_minute:
                del self.buckets[address]
        if len(self.buckets) >= MAX_ADDRESSES:  # all busy: start again rather than grow
            self.buckets.clear()


def languages(header: str | None) -> list[str]:
    """An Accept-Language header's languages, most wanted first ('es-AR,es;q=0.9,en;q=0.5')."""
    found: list[tuple[float, int, str]] = []
    for n, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0 and math.isfinite(quality):
            found.append((-quality, n, tag.strip()))
    return [tag for _, _, tag in sorted(found)]


def client_address(request: web.Request, trust_forwarded: bool) -> str:
    """Who asks: the connection's address, or behind a trusted proxy the last address the
    proxy added to X-Forwarded-For (the ones before it are whatever the client wrote)."""
    if trust_forwarded:
        forwarded = request.headers.getall("X-Forwarded-For", [])
        hops = [hop.strip() for line in forwarded for hop in line.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.remote or "unknown"


class WebServer:
    """Serves the week pages until stopped; `port` is the one it listens on (a test asks
    for port 0 and reads it here)."""

    def __init__(self, core: Core, config: WebConfig) -> None:
        self.core = core
        self.config = config
        self.style = _style()
        self.headers = headers(self.style)
        self.limiter = Limiter(config.per_minute, core.clock.monotonic)
        self.templates = jinja2.Environment(
            loader=jinja2.PackageLoader("adapters.web", "templates"),
            autoescape=True,  # every value is text; none is markup
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.runner: web.AppRunner | None = None
        self.port = config.port

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=1024)
        app.router.add_get(PAGE_PATH + FEED, self._week_feed)
        app.router.add_get(FEED_PATH + FEED, self._feed)
        app.router.add_get(PAGE_PATH + "{token}", self._week)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        app.on_response_prepare.append(self._headers)
        return app

    async def start(self) -> None:
        self.runner = web.AppRunner(self.app(), access_log=None)  # a log line would hold tokens
        await self.runner.setup()
        site = web.TCPSite(self.runner, self.config.listen, self.config.port)
        await site.start()
        self.port = self.runner.addresses[0][1]
        log.info("web=listening address=%s port=%d", self.config.listen, self.port)

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None

    def render(self, page: WeekPage, token: str = "") -> str:
        """The page; `token` (its own) for the link to the week's calendar feed."""
        feed = f"{token}.ics"
        return self.templates.get_template("week.html").render(
            page=page,
            style=Markup(self.style),
            refresh=REFRESH_SECONDS,
            feed=feed,
            webcal=webcal(self.config.base_url.rstrip("/") + PAGE_PATH + feed),
        )

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        wait = self.limiter.wait(client_address(request, self.config.trust_forwarded))
        if wait:
            log.warning("web=limited")
            return web.Response(
                status=429, text=TOO_MANY, headers={"Retry-After": str(math.ceil(wait))}
            )
        return await handler(request)

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(self.headers)
        response.headers.pop("Server", None)

    async def _not_found(self, request: web.Request) -> web.Response:
        return _not_found()

    async def _week(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        page = await self._read(token, week_for, languages(request.headers.get("Accept-Language")))
        if isinstance(page, web.Response):
            return page
        return web.Response(
            text=self.render(page, token), content_type="text/html", charset="utf-8"
        )

    async def _week_feed(self, request: web.Request) -> web.Response:
        wanted = languages(request.headers.get("Accept-Language"))
        feed = await self._read(request.match_info["token"], week_calendar_for, wanted)
        return feed if isinstance(feed, web.Response) else _calendar(feed)

    async def _feed(self, request: web.Request) -> web.Response:
        feed = await self._read(request.match_info["token"], calendar_for)
        return feed if isinstance(feed, web.Response) else _calendar(feed)

    async def _read(
        self, token: str, read: Callable[..., Awaitable[R | None]], *args: object
    ) -> R | web.Response:
        """What a token opens; the plain 404 when it opens nothing, a 503 when the
        database is away (the page reloads itself, a calendar app looks again)."""
        if not TOKEN.fullmatch(token):
            return _not_found()
        try:
            found = await read(self.core, token, *args)
        except Exception:
            log.exception("web=failed")
            return web.Response(status=503, text=UNAVAILABLE, headers={"Retry-After": "60"})
        return _not_found() if found is None else found


def _not_found() -> web.Response:
    return web.Response(status=404, text=NOT_FOUND)


def _calendar(data: bytes) -> web.Response:
    return web.Response(body=data, content_type="text/calendar", charset="utf-8")
