"""A shift's times: overnight shifts, the forms people type, the nights the clocks change."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest

from bot.params import BadArgument
from bot.times import time_range
from tests.harness import Harness, in_chat, text


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def lengths(bot: Harness) -> list[tuple[datetime, timedelta]]:
    """Each shift's start and how long it lasts in real time."""
    async with bot.core.uow() as uow:
        shifts = await uow.shifts.of_activity(1, bot.clock.now())
    return [(s.starts_at, s.ends_at - s.starts_at) for s in shifts]


@pytest.mark.parametrize(
    ("typed", "start", "hours"),
    [
        ("10:00-13:00", time(10), 3),
        ("22:00-06:00", time(22), 8),
        ("22-6", time(22), 8),
        ("22h-6h", time(22), 8),
        ("22h00-06h00", time(22), 8),
        ("22:00–06:00", time(22), 8),  # the en dash a phone puts in
        ("22:00 — 06:00", time(22), 8),
        ("22.00-06.00", time(22), 8),
        ("10hs-13hs", time(10), 3),
        ("10am-1pm", time(10), 3),
        ("10pm-6am", time(22), 8),
        ("12pm-12:30pm", time(12), 0.5),
        ("from 22 to 6", time(22), 8),
        ("de 22 a 6", time(22), 8),
        ("desde las 22 hasta las 6", time(22), 8),
        ("das 22 às 6", time(22), 8),
        ("das 22h até as 6h", time(22), 8),
        ("18:00-10:00", time(18), 16),
    ],
)
def test_the_ways_people_write_a_time_range(typed: str, start: time, hours: float) -> None:
    assert time_range(typed) == (start, int(hours * 60))


@pytest.mark.parametrize(
    ("typed", "refusal"),
    [
        ("10:00-10:00", "The end (10:00) must come after the start (10:00)."),
        ("13:00-10:00", "From 13:00 to 10:00 the next day is 21 hours"),
        ("10:00-25:00", "'25:00' is not a time of day"),
        ("10:00", "Write the time like 10:00-13:00"),
        ("de 22", "Write the time like 10:00-13:00"),
        ("ten-one", "Write the time like 10:00-13:00"),
        ("13pm-2pm", "'13pm' is not a time of day"),
    ],
)
def test_a_range_that_is_not_a_shift_is_refused(typed: str, refusal: str) -> None:
    with pytest.raises(BadArgument) as refused:
        time_range(typed)
    assert refusal in refused.value.message.format(**refused.value.values)


async def test_a_night_shift_ends_the_next_morning(group: Harness) -> None:
    seen = text(await group.say("Ana", '/shift add "Night shelter" sat from 22 to 6 places 2'))
    assert "S1 · Night shelter · Sat 7 Mar 22:00–Sun 8 Mar 06:00" in seen
    assert await lengths(group) == [(utc(7, 22), timedelta(hours=8))]
    await group.say("Ben", "/signup S1")
    assert "S1 · Night shelter · Sat 7 Mar 22:00–Sun 8 Mar 06:00" in text(
        await group.say("Ben", "/myshifts", group=None)
    )
    reply = (await group.say("Ben", "/calendar", group=None))[0]
    assert reply.attachment is not None
    [event] = icalendar.Calendar.from_ical(reply.attachment).walk("VEVENT")
    assert (event.decoded("dtstart"), event.decoded("dtend")) == (utc(7, 22), utc(8, 6))


async def test_a_night_shift_overlaps_the_next_morning(group: Harness) -> None:
    await group.say("Ana", '/shift add "Night shelter" sat 22-6 places 2')
    await group.say("Ana", '/shift add "Breakfast" sun 05:00-08:00 places 2')
    await group.say("Ben", "/signup S1")
    assert "That overlaps your shift S1 · Night shelter" in text(
        await group.say("Ben", "/signup S2")
    )


async def test_a_night_shift_in_spanish_and_portuguese(group: Harness) -> None:
    await group.say("Ana", "/language es", group=None)
    seen = text(
        await group.say("Ana", '/shift add "Albergue" sáb de 22 a 6 plazas 2', language="es")
    )
    assert "S1 · Albergue · sáb 7 mar 22:00–dom 8 mar 06:00" in seen
    await group.say("Ana", "/language pt", group=None)
    seen = text(await group.say("Ana", "/shifts", language="pt"))
    assert "S1 · Albergue · sáb. 7 mar. 22:00–dom. 8 mar. 06:00" in seen


async def test_the_night_the_clocks_go_back_says_which_0230(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    group.clock.current = utc(20, 9, month=10)  # Tuesday 20 October; clocks go back on the 25th
    seen = text(await group.say("Ana", '/shift add "Night" sun 02:30-03:30 weekly places 1'))
    assert "S1 · Night · Sun 25 Oct 02:30 (the first time)–03:30" in seen
    assert (
        "On Sun 25 Oct the clocks go back, so 02:30 comes twice: that shift starts at 02:30, "
        "the first time. It lasts 2 hours instead of 1 hour."
    ) in seen
    first, second, *_ = await lengths(group)
    assert first == (utc(25, 0, 30, month=10), timedelta(hours=2))  # 02:30 CEST to 03:30 CET
    assert second == (utc(1, 1, 30, month=11), timedelta(hours=1))


async def test_a_night_shift_across_the_clock_change_ends_at_six_by_the_clock(
    group: Harness,
) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    group.clock.current = utc(20, 9, month=10)
    seen = text(await group.say("Ana", '/shift add "Night" sat 22:00-06:00 weekly places 1'))
    assert "S1 · Night · Sat 24 Oct 22:00–Sun 25 Oct 06:00" in seen
    assert (
        "The clocks change during the shift of Sat 24 Oct: it lasts 9 hours instead of 8 hours."
    ) in seen
    first, second, *_ = await lengths(group)
    assert first == (utc(24, 20, month=10), timedelta(hours=9))
    assert second == (utc(31, 21, month=10), timedelta(hours=8))


async def test_a_shift_that_ends_in_the_hour_that_comes_twice(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    group.clock.current = utc(20, 9, month=10)
    seen = text(await group.say("Ana", '/shift add "Late" sun 01:00-02:30 places 1'))
    assert "S1 · Late · Sun 25 Oct 01:00–02:30 (the first time)" in seen
    assert await lengths(group) == [(utc(24, 23, month=10), timedelta(hours=1, minutes=30))]


async def test_a_series_extended_into_the_spring_gap_carries_the_note(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    await group.say("Ana", "/set weeks_ahead 1")
    created = text(await group.say("Ana", '/shift add "Night" sun 02:30-04:00 weekly places 1'))
    assert "clocks change" not in created  # only Sun 8 Mar is open yet
    seen = []
    for _ in range(3):  # each week one more Sunday opens; Sun 29 Mar is the third
        seen += await group.later(days=7)
    note = in_chat(seen, "group:food")
    assert (
        "S4 · Night · Sun 29 Mar 03:30–04:00\n"
        "On Sun 29 Mar the clocks change: that shift starts at 03:30. "
        "It lasts 30 minutes instead of 1 hour 30 minutes."
    ) in note
    assert note.count("clocks change") == 1


async def test_the_note_of_an_extension_is_in_the_groups_language(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    await group.say("Ana", "/set weeks_ahead 1")
    await group.say("Ana", "/set language es")
    await group.say("Ana", '/shift add "Noche" dom 02:30-04:00 weekly places 1')
    seen = []
    for _ in range(3):
        seen += await group.later(days=7)
    assert "El dom 29 mar cambia la hora: ese turno empieza a las 03:30." in in_chat(
        seen, "group:food"
    )


async def test_which_0230_in_spanish(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    await group.say("Ana", "/language es", group=None)
    group.clock.current = utc(20, 9, month=10)
    seen = text(await group.say("Ana", '/shift add "Noche" dom 02:30-03:30 weekly places 1'))
    assert "S1 · Noche · dom 25 oct 02:30 (la primera vez)–03:30" in seen
    assert (
        "El dom 25 oct se atrasan los relojes y las 02:30 llegan dos veces: ese turno empieza "
        "a las 02:30, la primera vez. Dura 2 horas en vez de 1 hora."
    ) in seen
