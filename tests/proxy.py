"""A proxy on loopback between minga and a server, for tests that make the way between them
fail or slow down: a subclass says what it does to each request in `_forward`."""

import aiohttp
from aiohttp import web


class Proxy:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.session: aiohttp.ClientSession | None = None
        self.runner: web.AppRunner | None = None

    async def start(self) -> str:
        """Listen on a free port; the address to give minga instead of the server's."""
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
        assert self.session is not None and self.runner is not None
        await self.session.close()
        await self.runner.cleanup()

    async def _forward(self, request: web.Request) -> web.Response:
        raise NotImplementedError

    @staticmethod
    def headers(request: web.Request) -> dict[str, str]:
        """What of a request's headers the server needs."""
        return {
            k: v
            for k, v in request.headers.items()
            if k.lower() in ("authorization", "content-type")
        }
