"""Requests, offers, shifts, polls, pickups and trades have numbers shared by every group on
one minga. Someone of another group who types a number of Free Food's learns nothing from
the answer: it is the answer to a number that does not exist, in the chat of their own
group and in their private chat. A sibling group of the network is such a stranger too,
but for what was posted to it: a referred request, a shared offer, a network assembly."""

import re

import pytest

from tests.conftest import Built
from tests.harness import Harness, Seen, text
from tests.unit.test_network_lists import network, referred

FREE_FOOD = ("Free Food", "Ana", "Ben", "Chioma", "Dev", "Eli")
MISSING = 999


async def _items(bot: Harness) -> None:
    """In Free Food, on top of the network of test_network_lists: Eli's request R1 (not for
    the network) that Ben helps with, Eli's request R2, open; Dev's offer O1 (the group
    only), which Eli took (hand-over 1); shifts S1 and S2 (Ben on S1, Chioma on S2) and
    Ben's trade of S1 for S2 (trade 1); Choir's S3, with Kai on it; Ana's open poll P4 and
    the closed proposal P1; a pickup window and Eli's booking B1."""
    await network(bot)
    await bot.say("Eli", "/request food Eastside: 2 boxes", group=None)
    await bot.say("Eli", "/request food Westside: a ride", group=None)
    await bot.say("Ben", "/claim R1")
    await bot.say("Dev", "/offer food Eastside until saturday: 3 loaves of bread", group=None)
    await bot.say("Eli", "/take O1", group=None)
    await bot.say("Ana", '/shift add "Soup" sat 10:00-12:00 places 2')
    await bot.say("Ana", '/shift add "Bread" sun 10:00-12:00 places 2')
    await bot.say("Ben", "/signup S1")
    await bot.say("Chioma", "/signup S2")
    await bot.say("Ben", "/swap S1 S2", group=None)
    await bot.say("Kai", '/shift add "Rehearsal" sat 18:00-20:00 places 2', group="choir")
    await bot.say("Kai", "/signup S3", group="choir")
    await bot.say("Ana", "/poll choice Lunch: soup | salad")
    await bot.say("Ana", "/pickups open sat 13:00-14:00 every 15 boxes 2")
    asked = await bot.say("Eli", "/pickup", group=None)
    await bot.press("Eli", asked[-1].buttons[0], group=None)
    bot.seen.clear()


@pytest.fixture
async def items(bot: Harness, built: Built) -> Harness:
    await built(bot, _items)
    return bot


# Every command that takes a number, `{n}` where the number goes, and the item of Free Food
# whose number it is (a hand-over, a trade are numbers too).
TYPED = [
    *(
        (line.replace("{n}", "R{n}"), number)
        for line in (
            "/claim {n}",
            "/unclaim {n}",
            "/done {n}",
            "/thanks {n} thank you",
            "/reopen {n}",
            "/msg {n} hello",
            "/cancel {n}",
        )
        for number in (1, 2)  # R1 being helped, R2 open
    ),
    ("/take O{n}", 1),
    ("/close O{n}", 1),
    ("/handed {n}", 1),
    *(
        (line, number)
        for line in (
            "/take S{n}",
            "/signup S{n}",
            "/signup S{n} volunteer",
            "/withdraw S{n}",
            "/giveaway S{n}",
            "/swap S{n} S{n}",
            "/swap S{n} @ben",
            "/swap S3 S{n}",  # Kai's place on Choir's S3 for one of Free Food's
            "/shift cancel S{n}",
            "/shift move S{n} sun 11:00",
            "/propose Not this one do shift cancel S{n}",
        )
        for number in (1, 2)
    ),
    ("/swappick {n} 1", 1),
    ("/swapyes {n} 2", 1),
    ("/swapno {n}", 1),
    *(
        (line, number)
        for line in (
            "/vote P{n}",
            "/vote P{n} soup",
            "/close P{n}",
            "/outcome P{n} we agreed",
            "/start vote P{n}",  # a link to vote privately
        )
        for number in (4, 1)  # P4 open, P1 closed
    ),
    ("/collected B{n}", 1),
]
# Choir is in no network; Books and Bakery are in Free Food's, but none of these was posted
# to them.
STRANGERS = [
    (who, where)
    for who, chat in (("Kai", "choir"), ("Ida", "books"), ("Gus", "bakery"))
    for where in (chat, None)
]


def _seen(seen: list[Seen], number: int) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """What reached which chat, the number typed made '#'."""
    typed = re.compile(rf"(?<!\d){number}(?!\d)")
    return [
        (s.chat_id, typed.sub("#", s.text), tuple(typed.sub("#", b) for b in s.buttons), s.toast)
        for s in seen
    ]


@pytest.mark.parametrize(("who", "where"), STRANGERS)
@pytest.mark.parametrize(("line", "number"), TYPED)
async def test_a_number_of_another_group_is_answered_as_one_that_does_not_exist(
    items: Harness, who: str, where: str | None, line: str, number: int
) -> None:
    missing = await items.say(who, line.format(n=MISSING), group=where)
    real = await items.say(who, line.format(n=number), group=where)
    assert _seen(real, number) == _seen(missing, MISSING)
    assert not any(name in text(real) for name in FREE_FOOD), text(real)


async def _shared(bot: Harness) -> None:
    """On top of `_items`: Eli's request R3, for the network, offered to Bakery after a day
    (Books serves no food); Dev's offer O2 shared with the network; Dev's network assembly
    P5."""
    await _items(bot)
    await referred(bot, "/request food Eastside network: bread for 3")
    await bot.say("Dev", "/offer food Eastside until saturday network: 4 jars of jam", group=None)
    await bot.say("Dev", "/propose Share the truck ; network")
    bot.seen.clear()


@pytest.fixture
async def shared(bot: Harness, built: Built) -> Harness:
    await built(bot, _shared)
    return bot


@pytest.mark.parametrize("where", ["bakery", None])
@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("/claim R3", "You are helping with R3."),
        ("/take O2", "Dev knows you would like one of O2"),
        ("/vote P5", "Vote with /vote P5 agree"),
        ("/vote P5 agree", "Your vote on P5"),
        ("/close O2", "Only the person who made O2 can end it."),
        ("/close P5", "Only the author of P5 can close it early."),
    ],
)
async def test_what_was_posted_to_a_sibling_works_there(
    shared: Harness, where: str | None, line: str, answer: str
) -> None:
    assert answer in text(await shared.say("Gus", line, group=where))


@pytest.mark.parametrize(
    ("who", "where", "line", "missing"),
    [
        *(
            (who, where, line, missing)
            for who, where in (("Kai", "choir"), ("Kai", None))
            for line, missing in (
                ("/claim R3", "There is no request R3."),
                ("/take O2", "There is no offer O2."),
                ("/vote P5", "There is no poll P5."),
            )
        ),
        ("Ida", "books", "/claim R3", "There is no request R3."),
        ("Ida", None, "/claim R3", "There is no request R3."),
    ],
)
async def test_what_was_not_posted_to_a_group_does_not_exist_there(
    shared: Harness, who: str, where: str | None, line: str, missing: str
) -> None:
    """Choir is in no network; Books is in it, but R3 was not offered to it (O2 and P5 were:
    Ida can take and vote on them)."""
    assert text(await shared.say(who, line, group=where)) == missing
    if who == "Ida":
        assert "Vote with /vote P5 agree" in text(await shared.say(who, "/vote P5", group=where))


@pytest.mark.parametrize(
    ("who", "where", "line", "answer"),
    [
        ("Chioma", "food", "/close O1", "Only the person who made O1 can end it."),
        ("Ben", None, "/close P4", "Only the author of P4 can close it early."),
        ("Ben", None, "/vote P1", "P1 is closed."),
        (
            "Zed",
            "food",
            "/take O1",
            "Only people on the roster of Free Food can take its offers. Press Join in its chat "
            "first.",
        ),
        ("Ben", None, "/withdraw S2", "You are not on S2."),
    ],
)
async def test_who_may_see_it_is_still_told_why_not(
    items: Harness, who: str, where: str | None, line: str, answer: str
) -> None:
    """In Free Food's chat, or on its roster, the polite explanation stays."""
    assert text(await items.say(who, line, group=where)) == answer


async def test_the_person_who_asked_keeps_their_request_off_the_roster(items: Harness) -> None:
    await items.say("Eli", "/leave")
    cancelled = text(await items.say("Eli", "/cancel R2", group=None))
    assert cancelled.startswith("R2 is cancelled.")
