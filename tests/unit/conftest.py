import pytest
import pytest_asyncio

from tests.conftest import sqlite_engine_at
from tests.harness import Harness, Snapshot


async def _found(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    for who in ("Eli", "Ben", "Chioma"):
        await bot.say(who, "/start", group=None)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def founded(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The group below, built once on SQLite."""
    bot = Harness(await sqlite_engine_at(tmp_path_factory.mktemp("group")))
    await _found(bot)
    return await bot.snapshot(tmp_path_factory.mktemp("founded") / "minga.db")


@pytest.fixture
async def group(bot: Harness, founded: Snapshot) -> Harness:
    """Free Food with four trusted founders and Eli, a newcomer; Eli, Ben and Chioma have
    written to minga privately (Dev and Ana have not). On SQLite, a copy of one built once."""
    if bot.engine.dialect.name == "sqlite":
        await bot.restore(founded)
    else:
        await _found(bot)
    return bot
