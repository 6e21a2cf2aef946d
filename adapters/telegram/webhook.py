"""Webhook mode's HTTP server. Imported only in that mode: aiohttp costs a polling process
9 MiB it never uses."""

import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus

from aiohttp import web

log = logging.getLogger("minga.telegram")

# What Telegram is told, beside the status, for what it should not simply send again.
ANSWERS = {
    HTTPStatus.BAD_REQUEST: "Expected a Telegram update: a JSON object.\n",
    HTTPStatus.SERVICE_UNAVAILABLE: "Not handled yet; please send it again.\n",
}


@asynccontextmanager
async def listening(
    host: str,
    port: int,
    path: str,
    secret: str,
    settle: Callable[[dict[str, object]], Awaitable[HTTPStatus]],
) -> AsyncIterator[None]:
    """Serve `path` until the block ends: each post with the right secret token and a JSON
    object is settled before it is answered (OK; BAD_REQUEST for what is no update;
    SERVICE_UNAVAILABLE when nothing of it could be recorded, so that it is posted again)."""

    async def post(request: web.Request) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given, secret):
            log.warning("telegram=webhook-refused reason=secret")
            return answer(HTTPStatus.FORBIDDEN)
        try:
            data = await request.json()
        except ValueError:
            log.warning("telegram=webhook-refused reason=json")
            return answer(HTTPStatus.BAD_REQUEST)
        if not isinstance(data, dict):
            log.warning("telegram=webhook-refused reason=not-an-object")
            return answer(HTTPStatus.BAD_REQUEST)
        return answer(await settle(data))

    def answer(status: HTTPStatus) -> web.Response:
        return web.Response(status=status, text=ANSWERS.get(status))

    app = web.Application()
    app.router.add_post(path, post)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        yield
    finally:
        await runner.cleanup()
