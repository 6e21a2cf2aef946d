import pytest

from tests.harness import Harness


@pytest.fixture
async def group(bot: Harness) -> Harness:
    """Free Food with four trusted founders and Eli, a newcomer; Eli, Ben and Chioma have
    written to minga privately (Dev and Ana have not)."""
    await bot.setup_group()
    await bot.say("Eli", "/join")
    for who in ("Eli", "Ben", "Chioma"):
        await bot.say(who, "/start", group=None)
    return bot
