"""Many people pressing at once, on SQLite and on PostgreSQL: exactly one wins each prize."""

import asyncio

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.dispatch import handle
from bot.messages import ButtonPress, Message
from tests.harness import Harness

VOLUNTEERS = [f"Vol{n:02}" for n in range(20)]


async def everyone_presses(bot: Harness, people: list[str], data: str) -> None:
    post = bot.showing(bot.group_chat().chat_id, data)
    presses = [
        ButtonPress(f"press-{who}", bot.group_chat(), bot.sender(who), post, data) for who in people
    ]
    await asyncio.gather(*(handle(bot.core, press) for press in presses))
    await bot.flush()


async def test_twenty_volunteers_claim_one_request_at_once(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    await bot.setup_group(founders=("Ana", *VOLUNTEERS))
    for who in VOLUNTEERS:  # where each hears, privately, whether they got it
        await bot.say(who, "/start", group=None)
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
    assert sum(s.chat_id == "dm:ana" and "would like one of O1" in s.text for s in bot.seen) == 1
    assert sum(s.text == "Sorry, O1 has all been taken or has ended." for s in bot.seen) == 9
    async with bot.core.uow() as uow:
        offer = await uow.offers.get(1)
    assert offer is not None and (offer.remaining, offer.state) == (0, "closed")


async def test_ten_people_take_the_last_place_on_a_shift_at_once(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    people = VOLUNTEERS[:10]
    await bot.setup_group(founders=("Ana", *people))
    await bot.say("Ana", '/shift add "Soup" sat 10:00-13:00 places 1')
    await everyone_presses(bot, people, "signup 1 volunteer")
    placed = [s for s in bot.seen if s.text.startswith("You are on S1")]
    waiting = [s for s in bot.seen if "full: you are on its waitlist" in s.text]
    assert (len(placed), len(waiting)) == (1, 9)
    async with bot.core.uow() as uow:
        shift = await uow.shifts.get(1)
        signups = await uow.shifts.signups(1)
    assert shift is not None and shift.roles[0].taken == 1
    assert [s.state for s in signups].count("in") == 1


async def test_ten_people_book_the_last_box_at_once(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    people = VOLUNTEERS[:10]
    await bot.setup_group(founders=("Ana", *people))
    await bot.say("Ana", "/pickups open sat 13:00-13:15 every 15 boxes 1")
    for who in people:
        await bot.say(who, "/pickup", group=None)
    chats = [bot.private_chat(who.casefold()) for who in people]
    presses = [
        ButtonPress(f"book-{who}", chat, bot.sender(who), bot.showing(chat.chat_id, ">1"), ">1")
        for who, chat in zip(people, chats, strict=True)
    ]
    await asyncio.gather(*(handle(bot.core, press) for press in presses))
    await bot.flush()
    assert sum(s.text.startswith("B1: your box is booked") for s in bot.seen) == 1
    assert sum(s.text.startswith("That window was just filled") for s in bot.seen) == 9
    async with bot.core.uow() as uow:
        slot = await uow.pickups.get_slot(1)
    assert slot is not None and slot.booked == 1


async def test_two_swaps_for_the_same_place_at_once_only_one_completes(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    await bot.setup_group(founders=("Ana", "Ben", "Chioma"))
    await bot.say("Ana", '/shift add "Soup" sat 10:00-13:00 weekly places 1')
    for who, shift in (("Ana", 1), ("Ben", 2), ("Chioma", 3)):
        await bot.say(who, "/start", group=None)
        await bot.say(who, f"/signup S{shift}")
    # Ana and Chioma both ask Ben for his place on S2; he accepts both at once.
    for who, shift in (("Ana", 1), ("Chioma", 3)):
        await bot.say(who, f"/swap S{shift} S2", group=None)
    accepts = [
        (s.message_id, s.buttons[0]) for s in bot.seen if s.chat_id == "dm:ben" and s.buttons
    ]
    await asyncio.gather(
        *(
            handle(
                bot.core,
                ButtonPress(
                    f"accept-{n}", bot.private_chat("ben"), bot.sender("Ben"), message_id, data
                ),
            )
            for n, (message_id, data) in enumerate(accepts)
        )
    )
    seen = await bot.flush()
    assert sum(s.text.startswith("Traded:") for s in seen) == 1
    assert sum("That trade is off" in s.text or "no longer open" in s.text for s in seen) == 1
    async with bot.core.uow() as uow:
        holders = {s.shift_id: s.name for n in (1, 2, 3) for s in await uow.shifts.signups(n)}
    assert sorted(holders.values()) == ["Ana", "Ben", "Chioma"]  # nobody lost or doubled


@pytest.mark.slow
async def test_two_hundred_vote_at_once_and_the_post_is_edited_a_handful_of_times(
    engine: AsyncEngine,
) -> None:
    bot = Harness(engine)
    voters = [f"Voter{n:03}" for n in range(200)]
    await bot.setup_group(founders=("Ana", *voters))
    await bot.say("Ana", "/poll choice Lunch: soup | salad | stew")
    before = len(bot.seen)
    post = bot.showing(bot.group_chat().chat_id, "vote P1 1")
    presses = [
        ButtonPress(f"vote-{who}", bot.group_chat(), bot.sender(who), post, f"vote P1 {n % 3 + 1}")
        for n, who in enumerate(voters)
    ]
    await asyncio.gather(*(handle(bot.core, press) for press in presses))
    seen = await bot.later(seconds=3)  # the scheduler redraws the tally after the burst
    edits = [s for s in bot.seen[before:] if s.edit]
    assert edits and seen
    assert len(edits) <= 10
    async with bot.core.uow() as uow:
        poll = await uow.polls.get(1)
        assert poll is not None
        ballots = await uow.polls.ballots(poll)
    assert len(ballots) == 200
    counts = {o: sum(b["choices"] == [o] for b in ballots) for o in ("soup", "salad", "stew")}
    assert counts == {"soup": 67, "salad": 67, "stew": 66}
    assert "Voted: 200 of 201" in edits[-1].text


async def test_when_the_last_of_everyone_votes_at_once_the_poll_closes(engine: AsyncEngine) -> None:
    """Eight at a time, every vote's "has everyone voted?" must see the votes committed
    beside it: else each misses the others' and nobody closes the poll."""
    bot = Harness(engine)
    voters = [f"Voter{n:02}" for n in range(31)]
    await bot.setup_group(founders=("Ana", *voters))
    await bot.say("Ana", "/poll choice Lunch: soup | salad | stew")
    await bot.press("Ana", "vote P1 1")
    post = bot.showing(bot.group_chat().chat_id, "vote P1 1")
    presses = [
        ButtonPress(f"vote-{who}", bot.group_chat(), bot.sender(who), post, f"vote P1 {n % 3 + 1}")
        for n, who in enumerate(voters)
    ]
    for start in range(0, len(presses), 8):
        await asyncio.gather(*(handle(bot.core, press) for press in presses[start : start + 8]))
    seen = await bot.flush()
    async with bot.core.uow() as uow:
        poll = await uow.polls.get(1)
    assert poll is not None and poll.state == "closed"
    closing = [s for s in seen if "P1 is closed" in s.text]
    assert len(closing) == 1, "closed once, announced once"


async def test_the_vouches_that_make_someone_trusted_can_come_at_once(engine: AsyncEngine) -> None:
    """Each vouch counts the vouches beside it: two at once, each seeing only its own,
    would leave a newcomer with enough vouches untrusted."""
    bot = Harness(engine)
    await bot.setup_group(founders=("Ana", "Ben", "Chioma", "Dev", "Eve", "Fay"))
    await bot.say("Zoe", "/join")
    vouches = [
        Message(
            f"vouch-{who}", bot.group_chat(), bot.sender(who), "/trust @zoe", bot_name="mingabot"
        )
        for who in ("Ana", "Ben", "Chioma")
    ]
    await asyncio.gather(*(handle(bot.core, vouch) for vouch in vouches))
    seen = await bot.flush()
    assert sum("Zoe is now a trusted member" in s.text for s in seen) == 1
    async with bot.core.uow() as uow:
        zoe = await uow.people.by_identity("test", "zoe")
        assert zoe is not None
        member = await uow.members.get(1, zoe.id)
    assert member is not None and member.status == "trusted"


async def test_a_shift_post_shows_every_place_taken_at_once_in_its_roles(
    engine: AsyncEngine,
) -> None:
    """Places in different roles are different rows: the post each signup redraws must
    still count the signups beside it, or the last edit shown hides someone."""
    bot = Harness(engine)
    roles = ("cook", "driver", "packer", "table")
    people = VOLUNTEERS[:8]
    await bot.setup_group(founders=("Ana", *people))
    await bot.say(
        "Ana",
        '/shift add "Soup" sat 10:00-13:00 places 8 roles '
        + ",".join(f"{role}:2" for role in roles),
    )
    post = bot.showing(bot.group_chat().chat_id, "signup 1 cook")
    presses = [
        ButtonPress(
            f"signup-{who}", bot.group_chat(), bot.sender(who), post, f"signup 1 {roles[n % 4]}"
        )
        for n, who in enumerate(people)
    ]
    await asyncio.gather(*(handle(bot.core, press) for press in presses))
    await bot.flush()
    shown = [s for s in bot.seen if s.message_id == post][-1].text
    assert all(f"{role} 2/2" in shown for role in roles), shown


async def test_the_roster_count_stays_right_when_people_join_at_once(engine: AsyncEngine) -> None:
    bot = Harness(engine)
    await bot.setup_group()
    joins = [
        Message(f"join-{who}", bot.group_chat(), bot.sender(who), "/join", bot_name="mingabot")
        for who in VOLUNTEERS[:8]
    ]
    await asyncio.gather(*(handle(bot.core, join) for join in joins))
    seen = await bot.flush()
    welcome = [s for s in seen if s.edit and "On the roster" in s.text]
    assert welcome and "On the roster: 12 people." in welcome[-1].text, welcome[-1].text


async def test_forty_people_writing_at_once_are_all_answered(
    engine: AsyncEngine, caplog: pytest.LogCaptureFixture
) -> None:
    """As Telegram's webhook delivers them: handled side by side. SQLite has one writer;
    each waits for its turn, in order, and none is turned away as "database is locked"."""
    bot = Harness(engine)
    people = [f"Person{n:02}" for n in range(40)]
    await bot.setup_group(founders=("Ana", *people[:10]))
    await bot.say("Ana", '/shift add "Soup" sat 10:00-13:00 places 20')
    post = bot.showing(bot.group_chat().chat_id, "signup 1 volunteer")
    events = [
        ButtonPress(f"at-once-{who}", bot.group_chat(), bot.sender(who), post, "signup 1 volunteer")
        if n < 10
        else Message(
            f"at-once-{who}",
            bot.private_chat(who),
            bot.sender(who),
            "/help" if n % 2 else "/join",
            bot_name="mingabot",
        )
        for n, who in enumerate(people)
    ]
    await asyncio.gather(*(handle(bot.core, event) for event in events))
    seen = await bot.flush()
    assert "event=failed" not in caplog.text
    answered = {s.chat_id for s in seen if not s.edit}
    assert all(bot.private_chat(who).chat_id in answered for who in people[10:])
    assert sum(s.text.startswith("You are on S1") for s in seen) == 10
