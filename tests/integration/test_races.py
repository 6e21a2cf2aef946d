"""Many people pressing at once, on SQLite and on PostgreSQL: exactly one wins each prize."""

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dispatch import handle
from bot.messages import ButtonPress
from tests.harness import Harness

VOLUNTEERS = [f"Vol{n:02}" for n in range(20)]


async def everyone_presses(bot: Harness, people: list[str], data: str) -> None:
    presses = [ButtonPress(f"press-{who}", bot.group_chat(), bot.sender(who), data)
               for who in people]
    await asyncio.gather(*(handle(bot.core, press) for press in presses))
    await bot.flush()


async def test_twenty_volunteers_claim_one_request_at_once(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    await bot.setup_group(founders=("Ana", *VOLUNTEERS))
    await bot.say("Ana", "/request food Eastside by friday: 2 boxes", group=None)
    await everyone_presses(bot, VOLUNTEERS, "claim 1")
    told = [s.text for s in bot.seen if s.chat_id == "dm:ana" and "will help with R1" in s.text]
    assert len(told) == 1
    winner = told[0].removeprefix("Good news: ").split(" will help")[0]
    losers = [s.text for s in bot.seen if s.text.startswith("R1 was just taken by")]
    assert losers == [f"R1 was just taken by {winner}."] * 19
    async with bot.core.uow() as uow:
        request = await uow.requests.get(1)
        person = await uow.people.by_identity("test", winner.casefold())
    assert request is not None and person is not None
    assert (request.state, request.claimer_id) == ("claimed", person.id)


async def test_ten_people_take_the_last_loaf_at_once(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    takers = VOLUNTEERS[:10]
    await bot.setup_group(founders=("Ana", *takers))
    await bot.say("Ana", "/offer food Eastside: 1 loaf of bread", group=None)
    await everyone_presses(bot, takers, "take 1")
    assert sum(s.chat_id == "dm:ana" and "would like one of O1" in s.text
               for s in bot.seen) == 1
    assert sum(s.text == "Sorry, O1 has all been taken or has ended." for s in bot.seen) == 9
    async with bot.core.uow() as uow:
        offer = await uow.offers.get(1)
    assert offer is not None and (offer.remaining, offer.state) == (0, "closed")
