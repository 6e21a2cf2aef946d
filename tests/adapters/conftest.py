"""minga running against the Bot API stand-in; one real Synapse for the whole session,
shared by the Matrix adapter tests."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from bot import bootstrap
from bot.config import Config, StorageConfig, TelegramConfig
from bot.i18n import LANGUAGES
from tests.botapi import BotApi
from tests.stopping import stopped
from tests.synapse import Account, Homeserver, start, unique_localpart


@pytest.fixture(scope="session")
def homeserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Homeserver]:
    """Started once: a Synapse start costs seconds, a fresh account costs milliseconds."""
    server = start(Path(tmp_path_factory.mktemp("synapse")))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def new_account(homeserver: Homeserver) -> Callable[..., Account]:
    """`new_account("alice")` registers a user named after `alice` that no other test has;
    `exempt=True` lifts its message rate limit."""

    def register(prefix: str, *, admin: bool = False, exempt: bool = False) -> Account:
        account = homeserver.register(unique_localpart(prefix), admin=admin)
        if exempt:
            homeserver.exempt(account.user_id)
        return account

    return register


@pytest.fixture
async def api(tmp_path: Path) -> AsyncIterator[BotApi]:
    """minga running with only Telegram enabled, talking to the stand-in."""
    stand_in = BotApi()
    base_url = await stand_in.start()
    config = Config(
        storage=StorageConfig(f"sqlite:///{tmp_path}/minga.db"),
        telegram=TelegramConfig(enabled=True, token=stand_in.token, base_url=base_url),
    )
    running = asyncio.create_task(bootstrap.run_platforms(config))
    menus = 2 * len(LANGUAGES)  # private chats and groups, in each language
    await stand_in.until(lambda: len(stand_in.commands) == menus or running.done())
    assert not running.done(), running.exception()
    yield stand_in
    await stopped(running)
    await stand_in.stop()
