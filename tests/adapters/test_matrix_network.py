"""A network of two groups on two platforms: a Telegram group (through the Bot API stand-in)
and a Matrix room (on a real Synapse), each joining by its own proposal, and a request of the
Telegram group claimed from the Matrix room, with no name crossing over."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.config import TelegramConfig
from tests.adapters.test_matrix import running_minga
from tests.botapi import BotApi, Person
from tests.synapse import Account, Homeserver

GROUP = -100123


@pytest.mark.slow
async def test_a_request_of_a_telegram_group_is_claimed_from_a_matrix_room_of_its_network(
    homeserver: Homeserver, new_account: Callable[..., Account], tmp_path: Path
) -> None:
    telegram = BotApi()
    base_url = await telegram.start()
    ana, ben, eli = Person(1, "Ana", "ana"), Person(2, "Ben", "ben"), Person(3, "Eli", "eli")
    try:
        async with running_minga(
            homeserver,
            new_account,
            tmp_path,
            telegram=TelegramConfig(enabled=True, token=telegram.token, base_url=base_url),
        ) as minga:
            group = telegram.group(GROUP, "Free Food")

            def said(start: str, chat: int = GROUP) -> dict[str, Any]:
                """The chat's message that starts so, as it reads now ({} if none)."""
                return next((m for m in telegram.in_chat(chat) if m["text"].startswith(start)), {})

            # Free Food, on Telegram, forms the network by a proposal all three pass.
            telegram.says(ana, group, "/setup Free Food")
            await telegram.until(lambda: telegram.in_chat(GROUP))
            welcome = telegram.last(GROUP)
            for person in (ben, eli):
                telegram.presses(person, GROUP, welcome["message_id"], "join")
            telegram.says(ana, group, "/propose Form it do network create Barquisimeto")
            await telegram.until(lambda: said("P1 ·"))
            for person in (ana, ben, eli):
                telegram.presses(person, GROUP, said("P1 ·")["message_id"], "vote P1 1")
            joining = re.compile(r"do network join (\w{4}-\w{4})")
            await telegram.until(
                lambda: any(joining.search(m["text"]) for m in telegram.in_chat(GROUP))
            )
            code = next(
                found.group(1)
                for m in telegram.in_chat(GROUP)
                if (found := joining.search(m["text"]))
            )

            # Bakery, a Matrix room of two, joins it by its own proposal.
            mia, noa = await minga.person("Mia"), await minga.person("Noa")
            room = await mia.room("Bakery", (minga.bot, noa.user_id))
            await mia.sees("Hello! I'm minga.", room)
            await mia.say(room, "!setup Bakery")
            bakery = await mia.sees("Welcome to minga, Bakery!", room)
            await noa.until(lambda: room in noa.client.rooms)
            await noa.react(bakery, "👋")
            await mia.until(lambda: "On the roster: 2 people." in bakery.body)
            await mia.say(room, f"!propose Join Barquisimeto do network join {code}")
            proposal = await mia.sees("P2 ·", room)
            for baker in (mia, noa):
                await baker.react(proposal, "1️⃣")
            await mia.sees("Bakery joined the network Barquisimeto, with: Free Food.", room)
            await telegram.until(lambda: said("Bakery joined the network Barquisimeto."))

            # Free Food lets a request go to the network at once; Eli asks so, privately.
            telegram.says(ana, group, "/set refer_at_once on")
            telegram.says(eli, telegram.private(eli), "/request food Eastside network-now: bread")
            post = await mia.sees("From Free Food, in the network:\nR1 · food · Eastside", room)
            await telegram.until(lambda: said("R1 · food · Eastside"))
            await mia.react(post, "✋")
            await mia.until(lambda: "✋ Mia is helping." in post.body)
            await telegram.until(
                lambda: "✋ A volunteer of Bakery is helping." in said("R1 ·").get("text", "")
            )
            await telegram.until(
                lambda: said("Good news: Mia, a volunteer of Bakery, will help with R1.", eli.id)
            )

            # The relay works both ways, across the platforms.
            await mia.until(mia.direct_from_bot)
            direct = mia.direct_from_bot()
            assert direct is not None
            await mia.sees("You are helping with R1.", direct)
            telegram.says(eli, telegram.private(eli), "/msg R1 thank you, the door code is 42")
            await mia.sees(
                "About R1, the person who asked writes:\nthank you, the door code is 42", direct
            )
            await mia.say(direct, "!msg R1 on my way")
            await telegram.until(lambda: said("About R1, Mia writes:\non my way", eli.id))

            # Eli's name never reached Bakery; Mia's name never reached Free Food's group.
            assert not any("Eli" in body for body in noa.texts(room) + mia.texts(direct))
            assert not any("Mia" in m["text"] for m in telegram.in_chat(GROUP))
    finally:
        await telegram.stop()
