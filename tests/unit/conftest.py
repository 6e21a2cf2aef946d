import pytest

from storage.engine import create_engine
from tests import rows
from tests.conftest import in_own_loop, sqlite_engine_at
from tests.harness import Harness, Snapshot


async def _found(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    for who in ("Eli", "Ben", "Chioma"):
        await bot.say(who, "/start", group=None)


@pytest.fixture(scope="session")
def founded_on_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The group below on SQLite, built once."""

    async def build() -> Snapshot:
        bot = Harness(await sqlite_engine_at(tmp_path_factory.mktemp("group")))
        await _found(bot)
        return await bot.snapshot(tmp_path_factory.mktemp("founded"))

    return in_own_loop(build())


@pytest.fixture(scope="session")
def founded_on_postgresql(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """The group below on PostgreSQL, built once in the run's database (which every test
    that uses it empties first)."""

    async def build() -> Snapshot:
        bot = Harness(create_engine(postgres_url))
        async with bot.engine.begin() as conn:
            await rows.empty(conn)
        await _found(bot)
        try:
            return await bot.snapshot(tmp_path_factory.mktemp("founded"))
        finally:
            await bot.engine.dispose()

    return in_own_loop(build())


@pytest.fixture
async def group(bot: Harness, request: pytest.FixtureRequest) -> Harness:
    """Free Food with four trusted founders and Eli, a newcomer; Eli, Ben and Chioma have
    written to minga privately (Dev and Ana have not). A copy of one built once."""
    await bot.restore(request.getfixturevalue(f"founded_on_{bot.engine.dialect.name}"))
    return bot
