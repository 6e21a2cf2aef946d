"""Shifts: planning, signing up, the waitlist, giveaways, swaps, moving and cancelling."""

from datetime import UTC, datetime

import icalendar
import pytest

from tests.harness import Harness, in_chat, text
from tests.unit.test_group_words import spanish_group

BOXES = (
    '/shift add "Box distribution" sat 10:00-13:00 weekly places 12 roles packer:4,table:6,driver:2'
)
SMALL = '/shift add "Soup" sat 10:00-13:00 places 2 roles cook:1,server:1'


@pytest.fixture
async def planned(group: Harness) -> Harness:
    """The weekly Saturday distribution; the clock is Wednesday 4 March 2026, 09:00 UTC."""
    await group.say("Ana", BOXES)
    return group


async def shift_line(bot: Harness, number: int) -> str:
    seen = text(await bot.say("Ana", "/shifts"))
    return next(line for line in seen.splitlines() if line.startswith(f"S{number} "))


async def test_a_weekly_activity_opens_four_weeks_and_posts_the_first(group: Harness) -> None:
    seen = await group.say("Ana", BOXES)
    assert seen[0].text == (
        "Box distribution: 4 shifts open for sign-up, the first S1 · Box "
        "distribution · Sat 7 Mar 10:00–13:00."
    )
    post = next(s for s in seen if s.chat_id == "group:food" and s.buttons)
    assert post.text.splitlines() == [
        "S1 · Box distribution · Sat 7 Mar 10:00–13:00",
        "packer 0/4",
        "table 0/6",
        "driver 0/2",
    ]
    assert post.buttons == ("signup 1 packer", "signup 1 table", "signup 1 driver")
    assert "S2 ·" not in text(await group.say("Ana", "/shifts"))  # only the coming week


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        ('"Soup" sat 10:00-10:00 places 2', "The end (10:00) must come after the start (10:00)."),
        ('"Soup" sat 13:00-10:00 places 2', "From 13:00 to 10:00 the next day is 21 hours"),
        ('"Soup" sat 10:00-13:00 places 3 roles cook:1,server:1', "The roles add up to 2 places"),
        ('"Soup" sat 10:00-13:00 roles cook:0', "Every role needs at least 1 place"),
        ('"Soup" someday 10:00-13:00 places 2', "'someday' is not a day I can read"),
        ('"Soup" sat 10-25 places 2', "'25' is not a time of day"),
        ('"Soup" sat 10:00 places 2', "Write the time like 10:00-13:00."),
        ('"Soup" sat', "Write it like: /shift add"),
        ('"" sat 10:00-13:00 places 2', "A shift needs a name of 1 to 100 characters"),
        ('"   " sat 10:00-13:00 places 2', "A shift needs a name of 1 to 100 characters"),
        (f'"{"x" * 101}" sat 10:00-13:00 places 2', "A shift needs a name of 1 to 100 characters"),
        ('"Soup" sat 10:00-13:00 places 100000000', "at most 10 roles, 500 places in all"),
        ('"Soup" sat 10:00-13:00 roles cook:400,server:200', "at most 10 roles, 500 places in all"),
        ('"Soup" sat 10:00-13:00 places 99999999999999999999999', "places as a number"),
        ('"Soup" sat 10:00-13:00 places ²', "places as a number"),
        ('"Soup" sat 10:00-13:00 roles cook:1:2', "places as a number"),
        ('"Soup" sat 10:00-13:00 roles :3', "Every role needs at least 1 place and a name"),
        (f'"Soup" sat 10:00-13:00 roles {"c" * 31}:1', "role names of at most 30 characters"),
    ],
)
async def test_a_bad_plan_changes_nothing(group: Harness, spec: str, answer: str) -> None:
    assert answer in text(await group.say("Ana", f"/shift add {spec}"))
    assert text(await group.say("Ana", "/shifts")) == "No shifts in the coming week."


async def test_only_trusted_members_plan(group: Harness) -> None:
    assert text(await group.say("Eli", SMALL)) == "Only trusted members can plan shifts."


async def test_signing_up_until_full_then_the_waitlist(planned: Harness) -> None:
    await planned.say("Ana", "/signup S1 driver")
    seen = await planned.press("Ben", "signup 1 driver")
    assert "You are on S1 · Box distribution · Sat 7 Mar 10:00–13:00 as driver." in text(seen)
    assert any(
        s.edit and "driver 2/2: Ana, Ben" in s.text and s.buttons[2] == "signup 1 driver"
        for s in seen
    )
    full = await planned.press("Chioma", "signup 1 driver")
    assert "driver on S1 is full: you are on its waitlist" in text(full)
    assert any(s.edit and "Waiting: Chioma (driver)" in s.text for s in full)
    assert "You are already on the waitlist of S1." in text(
        await planned.press("Chioma", "signup 1 driver")
    )
    assert text(await planned.press("Ben", "signup 1 driver")) == (
        "You are already on S1 as driver."
    )


async def test_a_place_that_frees_goes_to_the_first_waiting(planned: Harness) -> None:
    for who in ("Ana", "Ben", "Chioma", "Dev"):
        await planned.say(who, "/signup S1 driver")
    seen = await planned.say("Ben", "/withdraw S1")
    assert (
        "A place freed up: you are now on S1 (Box distribution, Sat 7 Mar 10:00) as "
        "driver." in in_chat(seen, "dm:chioma")
    )
    post = next(s.text for s in seen if s.edit)
    assert "driver 2/2: Ana, Chioma" in post and "Waiting: Dev (driver)" in post


@pytest.mark.parametrize(
    ("who", "typed", "answer"),
    [
        ("Ana", "/signup S1", "Which role? S1 has: packer, table, driver. Like: /signup S1 packer"),
        ("Ana", "/signup S1 cook", "Which role? S1 has"),
        ("Zed", "/signup S1 packer", "Only people on the roster of Free Food can sign up"),
        ("Ana", "/signup S9 packer", "There is no shift S9."),
        ("Ana", "/withdraw S1", "You are not on S1."),
        ("Ana", "/giveaway S1", "You have no place on S1."),
    ],
)
async def test_sign_up_refusals(planned: Harness, who: str, typed: str, answer: str) -> None:
    assert answer in text(await planned.say(who, typed))
    assert "packer 0/4, table 0/6, driver 0/2" in await shift_line(planned, 1)


async def test_no_two_shifts_at_once(planned: Harness) -> None:
    await planned.say("Ana", '/shift add "Soup" sat 12:00-14:00 places 1')
    await planned.say("Ben", "/signup S1 packer")
    assert "That overlaps your shift S1 · Box distribution" in text(
        await planned.say("Ben", "/signup S5")
    )


async def test_a_started_or_cancelled_shift_takes_no_one(planned: Harness) -> None:
    planned.clock.advance(days=3, hours=1)  # Saturday 10:00
    assert text(await planned.say("Ben", "/signup S1 packer")) == "S1 has already started."
    await planned.say("Ana", "/shift cancel S2")
    assert text(await planned.say("Ben", "/signup S2 packer")) == "S2 was cancelled."


async def test_a_giveaway_the_waitlist_hears_first_and_one_person_takes(group: Harness) -> None:
    await group.say("Ana", SMALL)
    await group.say("Ben", "/signup S1 cook")
    await group.say("Chioma", "/signup S1 cook")  # waiting
    seen = await group.say("Ben", "/giveaway S1")
    assert "You are on the waitlist of S1: a cook place is up for grabs" in in_chat(
        seen, "dm:chioma"
    )
    offer = next(s for s in seen if s.chat_id == "group:food" and s.buttons == ("take S1",))
    assert offer.text == "A cook place on S1 · Soup · Sat 7 Mar 10:00–13:00 is up for grabs."
    taken = await group.press("Chioma", "take S1", group=None)
    assert "You took the cook place on S1" in text(taken)
    assert "Chioma took your cook place on S1: you are free." in in_chat(taken, "dm:ben")
    assert "Someone was quicker" in text(await group.press("Dev", "take S1"))
    mine = text(await group.say("Chioma", "/myshifts", group=None))
    assert "S1 · Soup" in mine and "cook" in mine
    assert "You are on no coming shift" in text(await group.say("Ben", "/myshifts", group=None))


async def test_a_giver_nobody_replaced_is_reminded_they_are_still_on(group: Harness) -> None:
    await group.say("Ana", SMALL)
    await group.say("Ben", "/signup S1 cook")
    await group.say("Ben", "/giveaway S1")
    group.clock.advance(days=2, hours=1)  # Friday 10:00: one day before
    reminded = in_chat(await group.fire_due(), "dm:ben")
    assert "Reminder: S1 · Soup · Sat 7 Mar 10:00–13:00. You are on it as cook." in reminded
    assert "Nobody has taken your place yet, so you are still on this shift." in reminded


async def test_a_swap_asked_of_a_shift(planned: Harness) -> None:
    await planned.say("Ben", "/signup S1 packer")
    await planned.say("Chioma", "/signup S2 table")
    asked = await planned.say("Ben", "/swap S1 S2", group=None)
    request = next(s for s in asked if s.chat_id == "dm:chioma")
    assert request.text.startswith("Ben would trade their packer place on S1")
    done = await planned.press("Chioma", request.buttons[0], group=None)
    assert "Traded: S2 for S1." in in_chat(done, "dm:chioma")
    assert "Chioma accepted: your trade of S1 and S2 is done." in in_chat(done, "dm:ben")
    ben = text(await planned.say("Ben", "/myshifts", group=None))
    assert "S2 ·" in ben and "table" in ben and "S1 ·" not in ben
    assert "That trade is no longer open." in text(
        await planned.press("Chioma", request.buttons[0], group=None)
    )


async def test_a_swap_asked_of_a_person_who_picks_and_is_confirmed(planned: Harness) -> None:
    await planned.say("Ben", "/signup S1 packer")
    await planned.say("Chioma", "/signup S2 table")
    await planned.say("Chioma", "/signup S3 driver")
    asked = await planned.say("Ben", "/swap S1 @chioma", group=None)
    choice = next(s for s in asked if s.chat_id == "dm:chioma")
    assert [b.split()[0] for b in choice.buttons] == ["swappick", "swappick", "swapno"]
    picked = await planned.press("Chioma", choice.buttons[1], group=None)
    confirm = next(s for s in picked if s.chat_id == "dm:ben")
    assert "Chioma offers their driver place on S3" in confirm.text
    assert "That trade is no longer open." in text(  # Ben confirms, not her
        await planned.say("Chioma", f"/{confirm.buttons[0]}", group=None)
    )
    done = await planned.press("Ben", confirm.buttons[0], group=None)
    assert "Traded: S1 for S3." in text(done)


async def test_either_side_declines_and_an_unanswered_swap_expires(planned: Harness) -> None:
    await planned.say("Ben", "/signup S1 packer")
    await planned.say("Chioma", "/signup S2 table")
    asked = await planned.say("Ben", "/swap S1 S2", group=None)
    no = next(s for s in asked if s.chat_id == "dm:chioma").buttons[1]
    declined = await planned.press("Chioma", no, group=None)
    assert "Chioma declined your trade of S1. You keep your place." in in_chat(declined, "dm:ben")
    await planned.say("Ben", "/swap S1 S2", group=None)
    planned.clock.advance(days=3, hours=1)  # S1 starts
    expired = await planned.fire_due()
    assert "Nobody took up your trade of S1 in time. You keep your place." in in_chat(
        expired, "dm:ben"
    )


async def test_moving_a_shift_moves_its_reminders_and_tells_everyone(planned: Harness) -> None:
    await planned.say("Ben", "/signup S1 packer")
    moved = await planned.say("Ana", "/shift move S1 sun 11:00")
    assert "S1 (Box distribution) moved: it is now Sun 8 Mar 11:00–14:00." in in_chat(
        moved, "dm:ben"
    )
    planned.clock.advance(days=2)  # Fri 09:00: the old 24 h reminder's time has passed
    assert in_chat(await planned.fire_due(), "dm:ben") == ""
    planned.clock.advance(days=1, hours=2)  # Sat 11:00: one day before the new time
    assert "Reminder: S1 · Box distribution · Sun 8 Mar 11:00–14:00" in in_chat(
        await planned.fire_due(), "dm:ben"
    )
    async with planned.core.uow() as uow:
        stale = [
            j
            for j in await uow.jobs.pending()
            if j.kind == "shift_reminder" and j.due_at < datetime(2026, 3, 8, 9, tzinfo=UTC)
        ]
    assert stale == []


async def test_moving_and_cancelling_the_whole_series(planned: Harness) -> None:
    await planned.say("Ana", "/shift move S1 sun 10:00 all")
    week = text(await planned.say("Ana", "/shifts"))
    assert "S1 · Box distribution · Sun 8 Mar 10:00–13:00" in week
    await planned.say("Ben", "/signup S2 packer")
    cancelled = await planned.say("Ana", "/shift cancel S2 all")
    assert "3 shifts cancelled" in text(cancelled)
    assert "S2 (Box distribution, Sun 15 Mar 10:00) is cancelled." in in_chat(cancelled, "dm:ben")
    planned.clock.advance(days=14)
    await planned.fire_due()
    assert "S5" not in text(await planned.say("Ana", "/shifts"))  # no new week is opened


async def test_the_group_hears_what_is_short_48_and_12_hours_before(group: Harness) -> None:
    await group.say("Ana", SMALL)
    await group.say("Ben", "/signup S1 cook")
    group.clock.advance(days=1, hours=1)  # Thu 10:00: 48 h before
    alert = in_chat(await group.fire_due(), "group:food")
    assert alert == "S1 · Soup · Sat 7 Mar 10:00–13:00 still needs: server 1."
    await group.say("Chioma", "/signup S1 server")
    group.clock.advance(days=1, hours=12)  # Fri 22:00: 12 h before, now full
    assert in_chat(await group.fire_due(), "group:food") == ""


async def test_a_donor_pickup_claimed_for_a_run_of_weeks(group: Harness) -> None:
    await group.say(
        "Ana", '/shift add "Bread at the bakery" fri 08:00-08:30 weekly places 1 collection'
    )
    seen = text(await group.say("Ben", "/signup S1 3 weeks", group=None))
    for number, day in ((1, "Fri 6 Mar"), (2, "Fri 13 Mar"), (3, "Fri 20 Mar")):
        assert f"You are on S{number} · Bread at the bakery · {day} 08:00–08:30" in seen
    assert "S4 ·" not in seen
    assert "volunteer on S2 is full" in text(await group.say("Chioma", "/signup S2"))
    assert "Write it like /signup S45 packer" in text(await group.say("Ben", "/signup S1 99"))
    assert "Which role? S1 has: volunteer." in text(await group.say("Ben", "/signup S1 ²"))


async def test_my_calendar_holds_my_shifts_and_pickups(planned: Harness) -> None:
    assert "no coming shifts" in text(await planned.say("Ben", "/calendar", group=None))
    await planned.say("Ben", "/signup S1 packer")
    await planned.say("Ben", "/signup S2 table")
    await planned.say("Ana", "/pickups open sat 14:00-14:15 every 15 boxes 2")
    await planned.say("Ben", "/pickup", group=None)
    await planned.say("Ben", "1", group=None)
    reply = (await planned.say("Ben", "/calendar", group=None))[0]
    assert reply.text == "Your 3 coming shifts and pickups, as a file your calendar app can open."
    assert reply.attachment is not None
    events = icalendar.Calendar.from_ical(reply.attachment).walk("VEVENT")
    assert [(str(e["summary"]), e.decoded("dtstart")) for e in events] == [
        ("Box distribution (packer) · S1", datetime(2026, 3, 7, 10, tzinfo=UTC)),
        ("Box distribution (table) · S2", datetime(2026, 3, 14, 10, tzinfo=UTC)),
        ("Food box pickup B1", datetime(2026, 3, 7, 14, tzinfo=UTC)),
    ]


async def test_who_loses_the_race_for_a_giveaway_keeps_their_place_in_the_queue(
    group: Harness,
) -> None:
    await group.say("Ana", SMALL)
    await group.say("Ben", "/signup S1 cook")
    await group.say("Chioma", "/signup S1 cook")  # waiting, first
    await group.say("Dev", "/signup S1 cook")  # waiting, second
    await group.say("Ben", "/giveaway S1")
    await group.press("Chioma", "take S1")
    assert "Someone was quicker" in text(await group.press("Dev", "take S1"))
    mine = text(await group.say("Dev", "/myshifts"))
    assert "S1 · Soup" in mine and "waitlist" in mine


async def test_a_spanish_group_plans_moves_and_cancels_with_spanish_words(bot: Harness) -> None:
    await spanish_group(bot)  # Friday 6 March 2026
    planned = text(
        await bot.say(
            "Lucía",
            '/turno nuevo "Reparto" sábado 10:00-13:00 semanal plazas 6 '
            "roles empaque:2,mesa:3,chofer:1",
            language="es",
        )
    )
    assert planned.startswith("Reparto: 4 turnos abiertos para anotarse; el primero, S1")
    bread = text(
        await bot.say(
            "Lucía", '/turno agregar "Pan" viernes 08:00-08:30 plazas 1 recogida', language="es"
        )
    )
    assert bread.startswith("Pan: 1 turno abierto para anotarse: S5")
    async with bot.core.uow() as uow:
        found = [await uow.shifts.get(n) for n in (1, 5)]
    assert [s.kind if s else None for s in found] == ["shift", "collection"]
    moved = text(await bot.say("Lucía", "/turno mover S1 domingo 11:00 todas", language="es"))
    assert moved.startswith("4 turnos reprogramados; les aviso a las personas")
    one = text(await bot.say("Lucía", "/turno cancelar S2", language="es"))
    assert one.startswith("1 turno cancelado; les aviso a las personas")
    refused = text(await bot.say("Lucía", "/turno borrar S3", language="es"))
    assert "/turno nuevo …, /turno mover S45 dom 10:00 [todas]" in refused


async def test_a_portuguese_group_plans_and_cancels_with_portuguese_words(bot: Harness) -> None:
    await spanish_group(bot, "pt")
    planned = text(
        await bot.say(
            "Lucía",
            '/turno novo "Distribuição" sábado 10:00-13:00 semanal vagas 4 '
            "funções embalagem:2,mesa:2",
            language="pt",
        )
    )
    assert planned.startswith("Distribuição: 4 turnos abertos para inscrição; o primeiro, S1")
    moved = text(await bot.say("Lucía", "/turno mudar S1 domingo todos", language="pt"))
    assert moved.startswith("4 turnos remarcados")
    cancelled = text(await bot.say("Lucía", "/turno cancelar S1 todos", language="pt"))
    assert cancelled.startswith("4 turnos cancelados")
