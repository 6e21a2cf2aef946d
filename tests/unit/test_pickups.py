"""Pickup windows: booking a box, changing, cancelling, the table, and boxes left behind."""

import pytest

from tests.harness import Harness, in_chat, text
from tests.unit.test_group_words import spanish_group

OPEN = '/pickups open sat 13:00-14:00 every 15 boxes 2 at "Community hall"'


@pytest.fixture
async def windows(group: Harness) -> Harness:
    """Four windows on Saturday 7 March from 13:00, two boxes each."""
    await group.say("Ana", OPEN)
    return group


async def book(bot: Harness, who: str, choice: str = "1") -> str:
    await bot.say(who, "/pickup", group=None)
    return text(await bot.say(who, choice, group=None))


async def test_opening_windows_tells_the_group_how_to_book(group: Harness) -> None:
    seen = await group.say("Ana", OPEN)
    post = next(s for s in seen if s.buttons)
    assert post.text == (
        "Food boxes on Sat 7 Mar at Community hall: 4 windows of 15 minutes "
        "from 13:00, 2 boxes each. Book yours privately with /pickup."
    )
    assert post.buttons == ("pickup",)
    assert text(await group.say("Eli", OPEN)) == "Only trusted members can open pickup windows."


async def test_booking_a_box(windows: Harness) -> None:
    asked = await windows.say("Eli", "/pickup", group=None)
    assert asked[0].buttons == (">1", ">2", ">3", ">4")
    assert asked[0].text.startswith("Which window suits you?")
    booked = text(await windows.press("Eli", ">2", group=None))
    assert booked == (
        "B1: your box is booked for Sat 7 Mar 13:15–13:30 · Community hall. "
        "/pickup cancel if you cannot come."
    )


async def test_a_full_window_is_not_offered_and_the_last_box_goes_once(windows: Harness) -> None:
    early = await windows.say("Chioma", "/pickup", group=None)
    await book(windows, "Eli")
    await book(windows, "Ben")
    asked = await windows.say("Chioma", "/pickup", group=None)
    assert asked[0].buttons == (">2", ">3", ">4")
    stale = text(
        await windows.press("Chioma", ">1", group=None, message_id=early[0].message_id)
    )  # an older question's
    assert stale.startswith("That window was just filled. Please choose another.")
    assert "B3: your box is booked for Sat 7 Mar 13:15" in text(
        await windows.say("Chioma", "1", group=None)
    )  # typed: the first button now offered


async def test_changing_the_window_keeps_one_box(windows: Harness) -> None:
    await book(windows, "Eli")
    await book(windows, "Eli", "3")
    async with windows.core.uow() as uow:
        slots = await uow.pickups.slots(
            [1], windows.clock.now(), windows.clock.now().replace(month=4)
        )
    assert [s.booked for s in slots] == [0, 0, 1, 0]


async def test_no_box_left_asks_before_the_waitlist_and_a_cancel_tells_you(group: Harness) -> None:
    await group.say("Ana", "/pickups open sat 13:00-13:15 every 15 boxes 1")
    await book(group, "Eli")
    full = await group.say("Ben", "/pickup", group=None)
    assert text(full).startswith(
        "All boxes are booked right now. Shall I put you on the waiting list?"
    )
    assert full[0].buttons == ("pickup wait",)
    async with group.core.uow() as uow:
        assert await uow.pickups.waiting(1) == []  # asking changed nothing
    waiting = text(await group.press("Ben", "pickup wait", group=None))
    assert waiting == "You are on the waiting list: I will tell you as soon as a box is free."
    cancelled = await group.say("Eli", "/pickup cancel", group=None)
    assert "B1 is cancelled; the box goes to someone else." in in_chat(cancelled, "dm:eli")
    assert "A food box is free: book it with /pickup." in in_chat(cancelled, "dm:ben")
    assert text(await group.say("Eli", "/pickup cancel", group=None)) == "You have no box booked."


async def test_the_table_sees_numbers_and_marks_boxes_collected(windows: Harness) -> None:
    await book(windows, "Eli")
    await book(windows, "Ben", "2")
    windows.clock.advance(days=3)  # Saturday
    table = (await windows.say("Chioma", "/pickups"))[0]
    assert table.text.splitlines()[:3] == ["Pickups today:", "13:00 (1/2): B1", "13:15 (1/2): B2"]
    assert "Eli" not in table.text and table.buttons == ("collected 1", "collected 2")
    assert text(await windows.press("Chioma", "collected 1")) == "B1 collected. Thank you!"
    assert text(await windows.press("Dev", "collected 1")) == "B1 is already marked."
    await windows.say("Ana", "/set pickup_names names")
    assert "B2 Ben" in text(await windows.say("Chioma", "/pickups"))


async def test_a_box_not_collected_in_time_goes_to_the_waitlist(group: Harness) -> None:
    await group.say("Ana", "/pickups open sat 13:00-13:30 every 15 boxes 1")
    await book(group, "Eli")  # 13:00
    await book(group, "Ben")  # 13:15, the last box
    await group.say("Chioma", "/pickup", group=None)  # all booked: asked whether to wait
    await group.press("Chioma", "pickup wait", group=None)
    group.clock.advance(days=3, hours=4, minutes=45)  # Sat 13:45: 13:00 window plus grace
    seen = await group.fire_due()
    assert "Your box B1 was not collected in time" in in_chat(seen, "dm:eli")
    assert in_chat(seen, "dm:chioma") == (
        "A food box is free for you today at Free Food: come to the table and say your name."
    )


async def test_a_recipient_is_reminded_two_hours_before(windows: Harness) -> None:
    await book(windows, "Eli")
    windows.clock.advance(days=3, hours=2)  # Saturday 11:00
    assert in_chat(await windows.fire_due(), "dm:eli") == (
        "Reminder: your food box B1 is waiting for you Sat 7 Mar 13:00–13:15 · Community hall."
    )


async def test_with_no_window_at_all_pickup_says_so_and_waitlists_nobody(group: Harness) -> None:
    seen = await group.say("Eli", "/pickup", group=None)
    assert text(seen) == (
        "No pickup window is open right now. The group announces new ones in its chat."
    )
    assert seen[0].buttons == ()
    assert text(await group.say("Eli", "/pickup wait", group=None)) == text(seen)
    async with group.core.uow() as uow:
        assert await uow.pickups.waiting(1) == []


async def test_the_waiting_list_is_no_way_around_a_free_box(windows: Harness) -> None:
    asked = await windows.say("Eli", "/pickup wait", group=None)
    assert text(asked).startswith("Please choose one of the windows.\nWhich window suits you?")
    async with windows.core.uow() as uow:
        assert await uow.pickups.waiting(1) == []


@pytest.mark.parametrize("window", ["foo", "99999999999999999999999", "²", "-1", "1_0"])
async def test_a_window_that_is_no_window_is_asked_again(windows: Harness, window: str) -> None:
    asked = text(await windows.say("Eli", f"/pickup {window}", group=None))
    assert asked.startswith("Please choose one of the windows.\nWhich window suits you?")


@pytest.mark.parametrize(
    ("spec", "answer"),
    [
        ("sat 13:00-14:00 every 15 boxes 100000000", "with 1 to 500 boxes each"),
        ("sat 13:00-14:00 every ¹⁵ boxes 2", "Write it like: /pickups open"),
        ("sat 13:00-14:00 every 15 boxes 2 at " + "x" * 101, "at most 100 characters"),
    ],
)
async def test_opening_windows_out_of_bounds_is_refused(
    group: Harness, spec: str, answer: str
) -> None:
    assert answer in text(await group.say("Ana", f"/pickups open {spec}"))
    assert text(await group.say("Eli", "/pickup", group=None)).startswith("No pickup window")


async def test_a_spanish_group_opens_books_and_cancels_in_spanish(bot: Harness) -> None:
    await spanish_group(bot)
    seen = await bot.say(
        "Lucía",
        '/retiros abrir sábado 13:00-14:00 cada 15 cajas 2 en "Salón comunal"',
        language="es",
    )
    assert "Se abrieron 4 franjas de retiro." in text(seen)
    assert "Salón comunal" in in_chat(seen, "group:food")
    await book(bot, "Beto")
    cancelled = text(await bot.say("Beto", "/reservar cancelar", group=None, language="es"))
    assert cancelled.startswith("B1 quedó cancelada")


async def test_a_portuguese_group_opens_windows_in_portuguese(bot: Harness) -> None:
    await spanish_group(bot, "pt")
    seen = await bot.say(
        "Lucía",
        '/retiradas abrir sábado 13:00-14:00 cada 15 cestas 2 no "Salão comunitário"',
        language="pt",
    )
    assert "Horários de retirada abertos: 4." in text(seen)
    assert "Salão comunitário" in in_chat(seen, "group:food")
