"""Help that fits on one screen, per chat; logs that say what happened but never who or what."""

import logging

import pytest

from tests.harness import Harness, text


async def test_help_fits_one_screen_and_depends_on_the_chat(bot: Harness) -> None:
    await bot.setup_group()
    in_group = text(await bot.say("Ana", "/help"))
    in_private = text(await bot.say("Ana", "/help", group=None))
    assert len(in_group.splitlines()) <= 10 and len(in_private.splitlines()) <= 10
    assert (
        "Group: /join /invite /leave /roster /trust /untrust /trusts /remove /link "
        "/settings /set" in in_group
    )
    assert "/roster" not in in_private and "/start" in in_private
    assert "/setup" not in in_group  # this chat is a group already
    assert "Requests: /request /requests" in in_group  # asking moves to a private chat


async def test_help_for_one_command_says_where_it_works(bot: Harness) -> None:
    assert text(await bot.say("Ana", "/help /trust", group=None)) == (
        "/trust <member>\nvouch for a newcomer\n/trust works in a group chat."
    )
    assert text(await bot.say("Ana", "/help nothing", group=None)) == (
        "I don't know /nothing. /help lists what I can do."
    )


async def test_logs_time_every_event_and_keep_people_out(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await bot.say("Zelda", "/setup Secret Garden Collective")
    await bot.say("Yusuf", "/join", handle="yusuf_k")
    await bot.say("Yusuf", "my address is 12 Elm Street", group=None)
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("event=command:setup ") and " ms=" in line for line in lines)
    assert any(line.startswith("sent platform=test ") and " ms=" in line for line in lines)
    for secret in ("Zelda", "Yusuf", "yusuf_k", "Secret Garden", "Elm Street"):
        assert not any(secret in line for line in lines), secret
