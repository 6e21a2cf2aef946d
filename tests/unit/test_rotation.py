"""Rotating activities: the people who took an activity least are asked first, privately;
each person sees their own share, the group only how many took turns."""

import pytest

from bot.handlers.rotation import least_first
from tests.harness import Harness, Seen, in_chat, text
from tests.unit.test_group_words import spanish_group

ROSTER = ("Ana", "Ben", "Chioma", "Dev", "Eli")
SOUP = '/shift add "Soup" sat 10:00-13:00 weekly places 2 rotating'
ASKED = "rotates: you are asked first"


def asked(seen: list[Seen], shift: str = "S") -> list[str]:
    """Who got the private ask (for this shift), in the order minga wrote to them."""
    return [
        s.chat_id.removeprefix("dm:").title()
        for s in seen
        if s.chat_id.startswith("dm:") and ASKED in s.text and s.text.startswith(shift)
    ]


@pytest.fixture
async def soup(group: Harness) -> Harness:
    """Soup every Saturday, rotating, 2 places: S1 on 7 March … S4 on 28 March; everyone
    on the roster has written to minga privately."""
    for who in ("Ana", "Dev"):
        await group.say(who, "/start", group=None)
    await group.say("Ana", SOUP)
    return group


async def history(bot: Harness, turns: dict[int, tuple[str, str]]) -> None:
    for number, people in turns.items():
        for who in people:
            await bot.say(who, f"/signup S{number}")


async def until_s4_opens(bot: Harness) -> list[str]:
    """The clock runs to Saturday 21 March 10:00, when S4 (28 March) is asked for."""
    bot.clock.advance(days=17, hours=1)
    return asked(await bot.fire_due(), "S4 ")


async def test_the_least_active_are_asked_first_privately(soup: Harness) -> None:
    await history(soup, {1: ("Ana", "Ben"), 2: ("Ana", "Chioma"), 3: ("Ana", "Ben")})
    assert sorted(await until_s4_opens(soup)) == ["Dev", "Eli"]  # 0 turns each, 2 places


async def test_a_tie_goes_to_whoever_waited_longest(soup: Harness) -> None:
    # One turn each for Ben (7 Mar), Chioma (14 Mar), Eli and Ana (21 Mar); Dev two.
    await history(soup, {1: ("Ben", "Dev"), 2: ("Chioma", "Dev"), 3: ("Eli", "Ana")})
    assert await until_s4_opens(soup) == ["Ben", "Chioma"]


def test_a_full_tie_is_drawn_the_same_way_each_time_for_a_shift() -> None:
    people = [1, 2, 3, 4, 5, 6]
    draws = {tuple(least_first(people, [], seed)) for seed in range(20)}
    assert all(sorted(d) == people for d in draws)
    assert len(draws) > 1  # not always the same people
    assert least_first(people, [], 7) == least_first(people, [], 7)


async def test_someone_on_an_overlapping_shift_or_in_quiet_hours_is_not_asked(
    soup: Harness,
) -> None:
    await history(soup, {1: ("Ana", "Ben"), 2: ("Ana", "Chioma"), 3: ("Ana", "Ben")})
    await soup.say("Ana", '/shift add "Bread" 28/3 11:00-12:00 places 1')
    await soup.say("Dev", "/signup S5")
    await soup.say("Eli", "/quiet 9-11", group=None)
    assert await until_s4_opens(soup) == ["Chioma", "Ben"]  # Ben last took it later


async def test_the_ask_signs_up_that_shift_and_no_other(soup: Harness) -> None:
    await history(soup, {1: ("Ana", "Ben"), 2: ("Ana", "Chioma"), 3: ("Ana", "Ben")})
    await until_s4_opens(soup)
    ask = soup.showing("dm:eli", "signup 4 volunteer")
    await soup.press("Eli", "signup 2 volunteer", group=None, message_id=ask)  # forged
    await soup.press("Eli", "signup 3 volunteer", group=None, message_id=ask)  # forged
    assert "You are on S4 · Soup · Sat 28 Mar 10:00–13:00 as volunteer." in text(
        await soup.press("Eli", "signup 4 volunteer", group=None)
    )
    mine = text(await soup.say("Eli", "/myshifts", group=None))
    assert "S4 · Soup" in mine
    assert "S2 ·" not in mine and "S3 ·" not in mine


async def test_a_full_shift_asks_nobody(soup: Harness) -> None:
    await history(soup, {4: ("Ana", "Ben")})
    assert await until_s4_opens(soup) == []


async def test_an_activity_that_does_not_rotate_asks_nobody(group: Harness) -> None:
    seen = await group.say("Ana", SOUP.removesuffix(" rotating"))
    group.clock.advance(days=17, hours=1)
    seen += await group.fire_due()
    assert not [s for s in seen if s.chat_id.startswith("dm:")]


async def test_rotation_is_turned_on_and_off_for_an_activity(group: Harness) -> None:
    await group.say("Ana", SOUP.removesuffix(" rotating"))
    assert "Eli" not in text(await group.say("Eli", "/shift rotate S1 on"))
    on = await group.say("Ana", "/shift rotate S1 on")
    assert "Soup rotates now" in text(on)
    assert asked(on)  # S1 is open now: its askees hear at once
    off = text(await group.say("Ana", "/shift rotate S2 off"))
    assert "Soup no longer rotates" in off
    group.clock.advance(days=17, hours=1)
    assert asked(await group.fire_due()) == []


async def test_a_share_is_told_to_each_person_and_never_shown_in_the_group(
    soup: Harness,
) -> None:
    await history(soup, {1: ("Ana", "Ben"), 2: ("Ana", "Chioma"), 3: ("Ana", "Ben")})
    soup.clock.advance(days=18)  # Sunday 22 March: S1 to S3 are done
    await soup.fire_due()
    ben = text(await soup.say("Ben", "/shifts", group=None))
    assert "You took Soup 2 times in the last 6 weeks; the group's average is 1.2." in ben
    dev = text(await soup.say("Dev", "/myshifts", group=None))
    assert "You took Soup 0 times in the last 6 weeks; the group's average is 1.2." in dev
    in_group = text(await soup.say("Ben", "/shifts"))
    assert "Soup: 3 people took turns in the last 6 weeks." in in_group
    assert "You took" not in in_group
    group_messages = in_chat(soup.seen, "group:food")
    assert "You took" not in group_messages
    assert not any(f"{who}: " in group_messages for who in ROSTER)


async def test_spanish_words(bot: Harness) -> None:
    await spanish_group(bot)
    planned = await bot.say(
        "Lucía", '/turno nuevo "Reparto" sáb 10:00-13:00 semanal plazas 2 rotativo'
    )
    assert "te pregunto primero, porque eres de quienes menos" in text(planned)
    assert "Reparto rota" in text(planned)
    assert "Reparto: 0 personas tomaron turnos" in text(await bot.say("Beto", "/turnos"))
    assert "Tomaste Reparto 0 veces" in text(await bot.say("Beto", "/turnos", group=None))
    off = text(await bot.say("Lucía", "/turno rotar S1 no"))
    assert "Reparto ya no rota" in off


async def test_portuguese_words(bot: Harness) -> None:
    await spanish_group(bot, "pt")
    planned = await bot.say(
        "Lucía", '/turno novo "Entrega" sáb 10:00-13:00 semanal vagas 2 rotativo'
    )
    assert "Entrega tem rodízio" in text(planned)
    assert "Você fez Entrega" in text(await bot.say("Beto", "/meusturnos", group=None))
    off = text(await bot.say("Lucía", "/turno revezar S1 desativar"))
    assert "Entrega não tem mais rodízio" in off
