"""Reminders and clock changes: the rows are the truth, each reminder is sent once."""

from datetime import UTC, datetime

import pytest

from adapters.scheduler import Scheduler
from tests.harness import Harness, in_chat, text
from tests.unit.test_group_words import spanish_group

SOUP = '/shift add "Soup" sat 10:00-13:00 places 2 roles cook:1,server:1'


async def reminder_times(bot: Harness, kind: str = "shift_reminder") -> list[datetime]:
    async with bot.core.uow() as uow:
        return [j.due_at for j in await uow.jobs.pending() if j.kind == kind]


async def outcomes(bot: Harness, kind: str = "shift_reminder") -> list[str | None]:
    async with bot.core.uow() as uow:
        jobs = [await uow.jobs.get(j.id) for j in bot.jobs if j.kind == kind]
    return [j.outcome for j in jobs if j is not None]


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def test_by_default_a_day_and_two_hours_before(group: Harness) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ben", "/signup S1 cook")
    assert await reminder_times(group) == [utc(6, 10), utc(7, 8)]
    group.clock.advance(days=2, hours=1)
    assert "Reminder: S1 · Soup · Sat 7 Mar 10:00–13:00. You are on it as cook." in in_chat(
        await group.fire_due(), "dm:ben"
    )
    group.clock.advance(hours=22)
    assert "Reminder: S1" in in_chat(await group.fire_due(), "dm:ben")
    assert await group.fire_due() == []


async def test_signing_up_five_hours_ahead_gets_only_the_two_hour_reminder(
    group: Harness,
) -> None:
    """As the README says: a reminder whose time has passed at sign-up is skipped."""
    await group.say("Ana", SOUP)
    group.clock.advance(days=2, hours=20)  # Sat 05:00, five hours before the shift
    await group.say("Ben", "/signup S1 cook")
    assert await reminder_times(group) == [utc(7, 8)]


async def test_after_a_restart_late_reminders_are_sent_once_and_marked_late(group: Harness) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ben", "/signup S1 cook")
    group.clock.advance(days=3)  # Sat 09:00: minga was down through both reminders' times
    restarted = Harness(group.engine, clock=group.clock)
    sent = in_chat(await restarted.fire_due(), "dm:ben")
    assert sent.count("Reminder: S1") == 2
    assert sent.count("(Sent late: I was offline when it was due.)") == 2
    assert await Harness(group.engine, clock=group.clock).fire_due() == []
    assert await outcomes(group) == ["late", "late"]


async def test_a_reminder_found_due_40_seconds_late_says_it_is_late(group: Harness) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ben", "/signup S1 cook")
    group.clock.advance(days=2, hours=1, seconds=40)
    assert "(Sent late: I was offline when it was due.)" in in_chat(
        await group.fire_due(), "dm:ben"
    )


async def test_a_reminder_found_due_on_time_is_not_late_however_long_it_waited_after(
    group: Harness,
) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ben", "/signup S1 cook")
    [first, _] = await reminder_times(group)
    [job] = [j for j in group.jobs if j.kind == "shift_reminder" and j.due_at == first]
    group.clock.advance(days=2, hours=1, minutes=2)  # a busy scheduler took two minutes
    await Scheduler(group.core).fire(job.id, fired_at=first)
    sent = in_chat(await group.flush(), "dm:ben")
    assert "Reminder: S1" in sent and "Sent late" not in sent


async def test_reminders_past_their_shift_are_recorded_missed_not_sent(group: Harness) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ben", "/signup S1 cook")
    group.clock.advance(days=3, hours=2)  # Sat 11:00: the shift has begun
    assert in_chat(await Harness(group.engine, clock=group.clock).fire_due(), "dm:ben") == ""
    assert await outcomes(group) == ["missed", "missed"]


async def test_each_person_chooses_or_mutes_their_reminders(group: Harness) -> None:
    await group.say("Ana", SOUP)
    await group.say("Ben", "/signup S1 cook")
    answer = text(await group.say("Ben", "/reminders 3", group=None))
    assert answer.startswith("Reminders: 3 hours before each shift.")
    assert await reminder_times(group) == [utc(7, 7)]
    await group.say("Ben", "/reminders off", group=None)
    assert await reminder_times(group) == []
    assert "Say how many hours before" in text(
        await group.say("Ben", "/reminders soon", group=None)
    )


async def test_quiet_hours_bring_a_reminder_forward(group: Harness) -> None:
    await group.say("Ana", '/shift add "Early bread" sat 07:00-09:00 places 1')
    await group.say("Ben", "/quiet 22-8", group=None)
    await group.say("Ben", "/signup S1")
    assert await reminder_times(group) == [utc(5, 22), utc(6, 22)]  # not at 07:00 nor 05:00
    assert "Say the quiet hours like 22-8" in text(
        await group.say("Ben", "/quiet late", group=None)
    )


async def test_a_donor_pickup_is_reminded_the_evening_before(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    await group.say(
        "Ana", '/shift add "Bread at the bakery" fri 08:00-08:30 weekly places 1 collection'
    )
    await group.say("Ben", "/signup S1")
    assert (await reminder_times(group))[0] == utc(5, 19)  # Thursday 20:00 in Madrid


async def test_a_weekly_shift_keeps_its_wall_time_across_the_madrid_clock_change(
    group: Harness,
) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    await group.say("Ana", '/shift add "Sunday soup" sun 10:00-12:00 weekly places 2')
    async with group.core.uow() as uow:
        starts = [s.starts_at for s in await uow.shifts.of_activity(1, group.clock.now())]
    assert starts == [utc(8, 9), utc(15, 9), utc(22, 9), utc(29, 8)]  # 10:00 CET, then CEST
    week = text(await group.say("Ana", "/shifts"))
    assert "Sun 8 Mar 10:00–12:00" in week


async def test_a_weekly_shift_across_the_new_york_clock_change(group: Harness) -> None:
    await group.say("Ana", "/set timezone America/New_York")
    await group.say("Ana", '/shift add "Pantry" sat 10:00-12:00 weekly places 2')
    async with group.core.uow() as uow:
        starts = [s.starts_at for s in await uow.shifts.of_activity(1, group.clock.now())]
    assert starts[:2] == [utc(7, 15), utc(14, 14)]  # 10:00 EST, then 10:00 EDT


@pytest.mark.parametrize(
    ("zone", "clock_to", "spec", "answer"),
    [
        (
            "Europe/Madrid",
            19,
            "sun 02:30-04:00",
            "02:30 does not exist on Sun 29 Mar in Europe/Madrid: the clocks jump forward",
        ),
        (
            "America/New_York",
            0,
            "sun 02:30-04:00",
            "02:30 does not exist on Sun 8 Mar in America/New_York",
        ),
    ],
)
async def test_a_time_that_does_not_exist_is_refused(
    group: Harness, zone: str, clock_to: int, spec: str, answer: str
) -> None:
    await group.say("Ana", f"/set timezone {zone}")
    group.clock.advance(days=clock_to)
    assert answer in text(await group.say("Ana", f'/shift add "Night" {spec} places 1'))
    assert text(await group.say("Ana", "/shifts")) == "No shifts in the coming week."


async def test_a_time_that_happens_twice_is_refused(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    group.clock.current = utc(20, 9, month=10)  # Tuesday 20 October
    answer = text(await group.say("Ana", '/shift add "Night" sun 02:30-04:00 places 1'))
    assert "02:30 happens twice on Sun 25 Oct in Europe/Madrid" in answer


async def test_a_weekly_series_steps_over_the_gap_and_says_so(group: Harness) -> None:
    await group.say("Ana", "/set timezone Europe/Madrid")
    group.clock.advance(days=14)
    seen = text(await group.say("Ana", '/shift add "Night" sun 02:30-04:00 weekly places 1'))
    assert "On Sun 29 Mar the clocks change: that shift starts at 03:30." in seen


@pytest.mark.parametrize(
    ("language", "command", "off", "on", "answer"),
    [
        ("es", "/recordatorios", "no", "sí", "Recordatorios: desactivados."),
        ("pt", "/lembretes", "não", "sim", "Lembretes: desativados."),
    ],
)
async def test_reminders_and_quiet_hours_are_turned_off_in_the_speakers_words(
    bot: Harness, language: str, command: str, off: str, on: str, answer: str
) -> None:
    await spanish_group(bot, language)
    await bot.say("Lucía", SOUP, language=language)
    await bot.say("Beto", "/signup S1 cook", language=language)
    muted = text(await bot.say("Beto", f"{command} {off}", group=None, language=language))
    assert muted.startswith(answer)
    assert await reminder_times(bot) == []
    await bot.say("Beto", f"{command} {on}", group=None, language=language)
    assert len(await reminder_times(bot)) == 2
    quiet = text(await bot.say("Beto", "/silencio 22-8", group=None, language=language))
    assert len(quiet.splitlines()) == 2  # the reminders, then the quiet hours
    unquiet = text(await bot.say("Beto", f"/silencio {off}", group=None, language=language))
    assert unquiet == quiet.splitlines()[0]
