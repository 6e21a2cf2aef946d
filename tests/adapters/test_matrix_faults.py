"""minga on Matrix through a proxy that makes the homeserver fail now and then."""

import json
import random
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiohttp import web

from tests.adapters.test_matrix import running_minga
from tests.proxy import Proxy
from tests.synapse import Account, Homeserver

BAD_GATEWAY = json.dumps({"errcode": "M_UNKNOWN", "error": "Bad gateway"})


class FlakyProxy(Proxy):
    """Forwards to the homeserver; of the sends and syncs, a share fail before reaching it,
    and as many reach it but lose their answer on the way back (the hard case: done, yet
    the bot cannot know)."""

    def __init__(self, upstream: str, rate: float) -> None:
        super().__init__(upstream)
        self.rate = rate
        self.dice = random.Random(7)
        self.failed = 0

    async def _forward(self, request: web.Request) -> web.Response:
        assert self.session is not None
        faulty = "/send/" in request.path or request.path.endswith("/sync")
        roll = self.dice.random() if faulty else 1.0
        if roll < self.rate / 2:
            return self._fail()
        headers = self.headers(request)
        async with self.session.request(
            request.method,
            self.upstream + request.path_qs,
            data=await request.read(),
            headers=headers,
        ) as answer:
            body = await answer.read()
            if roll < self.rate:
                return self._fail()
            return web.Response(status=answer.status, body=body, content_type=answer.content_type)

    def _fail(self) -> web.Response:
        self.failed += 1
        return web.Response(status=502, text=BAD_GATEWAY, content_type="application/json")


@pytest.fixture
async def flaky(homeserver: Homeserver) -> AsyncIterator[tuple[FlakyProxy, str]]:
    proxy = FlakyProxy(homeserver.url, rate=0.2)
    url = await proxy.start()
    yield proxy, url
    await proxy.stop()


@pytest.mark.slow
async def test_with_one_send_or_sync_in_five_failing_nothing_is_lost_or_doubled(
    homeserver: Homeserver,
    new_account: Callable[..., Account],
    tmp_path: Path,
    flaky: tuple[FlakyProxy, str],
) -> None:
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
