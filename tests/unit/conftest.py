import pytest

from tests.conftest import Built
from tests.harness import Harness


async def _found(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    for who in ("Eli", "Ben", "Chioma"):
        await bot.say(who, "/start", group=None)


@pytest.fixture
async def group(bot: Harness, built: Built) -> Harness:
    """Free Food with four trusted founders and Eli, a newcomer; Eli, Ben and Chioma have
    written to minga privately (Dev and Ana have not)."""
    await built(bot, _found)
    return bot
