"""A modified client sends any button data; a link is posted anywhere. Neither runs more than
the button or the link minga made, on SQLite and on PostgreSQL."""

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.messages import ButtonPress
from tests.conftest import Built
from tests.harness import Harness, in_chat, text

BOXES = '/shift add "Box distribution" sat 10:00-13:00 weekly places 12 roles packer:4,table:8'
NOT_OFFERED = "That button is not on that message (any more), so I did nothing."


async def _found(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    for who in ("Eli", "Ben"):
        await bot.say(who, "/start", group=None)
    await bot.say("Ana", BOXES)
    await bot.say("Eli", "/request food Eastside by friday: 2 boxes", group=None)


@pytest.fixture
async def food(engine: AsyncEngine, built: Built) -> Harness:
    """Free Food with four trusted founders, Eli a newcomer, a weekly shift and a request."""
    bot = Harness(engine)
    await built(bot, _found)
    return bot


async def state(bot: Harness) -> tuple[str, str, str, str]:
    return (
        text(await bot.say("Ana", "/settings")),
        text(await bot.say("Ana", "/roster")),
        text(await bot.say("Ana", "/shifts")),
        text(await bot.say("Eli", "/mine", group=None)),
    )


async def voters(bot: Harness) -> set[int]:
    async with bot.core.uow() as uow:
        poll = await uow.polls.get(1)
        assert poll is not None
        return await uow.polls.voters(poll)


@pytest.mark.parametrize(
    "forged",
    [
        "shift cancel S1 all",
        "set vouches_needed 1",
        "leave",
        "remove @ben",
        "trust @eli",
        "cancel R1",
        "claim 9",
    ],
)
async def test_a_forged_press_on_a_real_post_changes_nothing_and_is_answered(
    food: Harness, forged: str
) -> None:
    post = food.showing("group:food", "claim 1")  # the request's post, with its one button
    before = await state(food)
    seen = await food.press("Ben", forged, message_id=post, toast=True)
    assert [(s.toast, s.text) for s in seen] == [(True, NOT_OFFERED)]  # the spinner stops
    assert await state(food) == before


async def test_a_strangers_forged_press_is_answered_and_keeps_nothing_of_them(
    food: Harness,
) -> None:
    post = food.showing("group:food", "claim 1")
    seen = await food.press("Mallory", "set vouches_needed 1", message_id=post, toast=True)
    assert [(s.toast, s.text) for s in seen] == [(True, NOT_OFFERED)]
    async with food.core.uow() as uow:
        assert await uow.people.by_identity("test", "mallory") is None  # not even a name


async def test_a_button_of_one_chat_pressed_in_another_does_nothing(food: Harness) -> None:
    await food.say("Ana", "/setup Bakery", group="bakery")
    post = food.showing("group:food", "claim 1")
    seen = await food.press("Ana", "claim 1", group="bakery", message_id=post)
    assert text(seen) == NOT_OFFERED
    assert "(open)" in text(await food.say("Eli", "/mine", group=None))


async def test_a_button_someone_else_was_sent_privately_does_nothing_for_me(food: Harness) -> None:
    """Ben's private message has Ben's buttons; Eli sending the same data in her chat, or
    pointing at Ben's message, is refused."""
    asked = await food.say("Ben", "/forget", group=None)
    yes = next(s for s in asked if ">yes" in s.buttons)
    assert text(await food.press("Eli", ">yes", group=None, message_id=yes.message_id)) == (
        NOT_OFFERED
    )
    assert "Name: Eli" in text(await food.say("Eli", "/mydata", group=None))


async def test_a_button_taken_off_its_post_is_refused_as_out_of_date(food: Harness) -> None:
    post = food.showing("group:food", "claim 1")
    await food.press("Ben", "claim 1")
    stale = await food.press("Chioma", "claim 1", message_id=post)
    assert text(stale) == (
        "That button is out of date: the message has changed since, so I "
        "did nothing. Please look at it again."
    )
    assert "(being helped)" in text(await food.say("Eli", "/mine", group=None))


async def test_a_taken_back_press_undoes_only_what_its_button_undoes(food: Harness) -> None:
    """Matrix: removing a reaction presses the button's undo, nothing else."""
    post = food.showing("group:food", "signup 1 packer")
    forged = ButtonPress(
        "taken-back",
        food.group_chat(),
        food.sender("Ben"),
        post,
        "shift cancel S1 all",
        taken_back=True,
    )
    seen = await food.deliver(forged)
    assert text(seen) == NOT_OFFERED
    assert "S1 · Box distribution" in text(await food.say("Ana", "/shifts"))


@pytest.mark.parametrize(
    "payload",
    [
        "cancel R1",
        "cancel_R1",
        "vote P1 block a linked click",
        "leave",
        "claim 1",
        "request food Eastside: x",
        "forget yes",
        "join",
        "vote P1 1",
        "vote P1x",
    ],
)
async def test_a_link_does_nothing_but_greet_unless_minga_made_it(
    food: Harness, payload: str
) -> None:
    await food.say("Ana", "/propose Buy a second fridge")
    before = await state(food)
    seen = await food.say("Ben", f"/start {payload}", group=None)
    assert text(seen).startswith("Hello Ben! I'm minga.")
    assert await state(food) == before
    assert await voters(food) == set()


async def test_a_link_to_vote_shows_how_and_casts_nothing(food: Harness) -> None:
    await food.say("Ana", "/propose Buy a second fridge")
    seen = await food.say("Ben", "/start vote P1", group=None)
    assert "/vote P1" in text(seen)
    assert await voters(food) == set()


async def test_a_link_to_ask_for_help_asks_and_posts_nothing(food: Harness) -> None:
    seen = await food.say("Ben", "/start request", group=None)
    assert "What kind of help?" in text(seen)
    assert not in_chat(seen, "group:food")


async def test_an_invitation_link_asks_before_putting_anyone_on_the_roster(food: Harness) -> None:
    invitation = await food.say("Ana", "/invite")
    code = next(s for s in invitation if s.buttons).buttons[0].split()[1]
    linked = await food.say("Mia", f"/start join {code}", group=None)
    assert "You are invited to the roster of Free Food. Press Join to be on it." in text(linked)
    assert "Mia" not in text(await food.say("Ana", "/roster"))
    joined = await food.press("Mia", f"join {code}", group=None)
    assert "Welcome, Mia!" in text(joined)
    assert "Mia" in text(await food.say("Ana", "/roster"))


async def test_a_private_button_is_a_link_not_a_press(food: Harness) -> None:
    """A client that presses a link button's data in place gets nothing from it."""
    await food.say("Ana", "/propose New treasurer; secret")
    post = food.showing("group:food", "vote P1")
    seen = await food.press("Ben", "vote P1", message_id=post)
    assert text(seen) == NOT_OFFERED
