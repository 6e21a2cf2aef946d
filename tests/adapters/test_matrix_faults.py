"""minga on Matrix through a proxy that makes the homeserver fail now and then."""

import json
import random
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.adapters.test_matrix import running_minga
from tests.synapse import Account, Homeserver

BAD_GATEWAY = json.dumps({"errcode": "M_UNKNOWN", "error": "Bad gateway"})


@dataclass
class FlakyProxy:
    """Forwards to the homeserver; of the sends and syncs, a share fail before reaching it,
    and as many reach it but lose their answer on the way back (the hard case: done, yet
    the bot cannot know)."""

    upstream: str
    rate: float
    dice: random.Random = field(default_factory=lambda: random.Random(7))
    failed: int = 0
    session: aiohttp.ClientSession | None = None

    async def start(self) -> str:
        app = web.Application(client_max_size=2**24)
        app.router.add_route("*", "/{tail:.*}", self._forward)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120))
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        assert self.session is not None
        await self.session.close()
        await self.runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self.session is not None
        faulty = "/send/" in request.path or request.path.endswith("/sync")
        roll = self.dice.random() if faulty else 1.0
        if roll < self.rate / 2:
            return self._fail()
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("authorization", "content-type")}
        async with self.session.request(request.method, self.upstream + request.path_qs,
                                        data=await request.read(), headers=headers) as answer:
            body = await answer.read()
            if roll < self.rate:
                return self._fail()
            return web.Response(status=answer.status, body=body,
                                content_type=answer.content_type)

    def _fail(self) -> web.Response:
        self.failed += 1
        return web.Response(status=502, text=BAD_GATEWAY, content_type="application/json")


@pytest.fixture
async def flaky(homeserver: Homeserver) -> AsyncIterator[tuple[FlakyProxy, str]]:
    proxy = FlakyProxy(homeserver.url, rate=0.2)
    url = await proxy.start()
    yield proxy, url
    await proxy.stop()


async def test_with_one_send_or_sync_in_five_failing_nothing_is_lost_or_doubled(
        homeserver: Homeserver, new_account: Callable[..., Account], tmp_path: Path,
        flaky: tuple[FlakyProxy, str]) -> None:
    proxy, url = flaky
    async with running_minga(homeserver, new_account, tmp_path, through=url) as minga:
        ana = await minga.person("Ana")
        room = await ana.room("Kitchen", (minga.bot,))
        await ana.sees("Hello! I'm minga.", room, within=60)
        for n in range(30):
            await ana.say(room, f"!try{n}")
        await ana.sees("I don't know !try29", room, within=120)
        answers = [t.split(".")[0] for t in ana.texts(room) if t.startswith("I don't know")]
        assert answers == [f"I don't know !try{n}" for n in range(30)]
    assert proxy.failed >= 10  # the faults really happened
