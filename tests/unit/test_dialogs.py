"""Questions asked step by step live in the database: a restart in the middle loses nothing."""

from tests.harness import Harness, text


async def test_a_dialog_survives_a_restart(bot: Harness) -> None:
    await bot.say("Ana", "/setup")
    restarted = Harness(bot.engine, clock=bot.clock)  # a new core on the same database
    done = await restarted.say("Ana", "Free Food")
    assert "Welcome to minga, Free Food!" in text(done)


async def test_cancel_stops_the_question_and_changes_nothing(bot: Harness) -> None:
    await bot.say("Ana", "/setup")
    assert text(await bot.say("Ana", "/cancel")) == "Stopped /setup. Nothing was changed."
    assert await bot.say("Ana", "Free Food") == []  # plain chatter again
    assert text(await bot.say("Ana", "/cancel")) == "There was nothing to stop."


async def test_a_dialog_belongs_to_one_person_in_one_chat(bot: Harness) -> None:
    await bot.say("Ana", "/setup")
    assert await bot.say("Ben", "Ben's Group") == []  # Ben was not asked
    assert text(await bot.say("Ana", "/help setup", group=None)).startswith("/setup")
    done = await bot.say("Ana", "Free Food")
    assert "Welcome to minga, Free Food!" in text(done)


async def test_a_bad_answer_is_asked_again(bot: Harness) -> None:
    await bot.say("Ana", "/setup")
    again = await bot.say("Ana", "x" * 101)
    assert text(again) == (
        "That is too long: at most 100 characters, please.\n"
        "Ana: What is the group called?\n(Type /cancel to stop.)"
    )
    assert "Welcome to minga, Food!" in text(await bot.say("Ana", "Food"))


async def test_other_commands_work_while_a_question_is_open(bot: Harness) -> None:
    await bot.say("Ana", "/setup")
    assert "What you can do here" in text(await bot.say("Ana", "/help"))
    assert "Welcome to minga, Food!" in text(await bot.say("Ana", "Food"))


async def test_a_buttons_label_typed_in_spanish_is_the_answer(group: Harness) -> None:
    await group.say("Eli", "/language es", group=None)
    await group.say("Eli", "/request", group=None)
    for answer in ("1", "2 cajas", "Centro", "friday 18:00"):  # the date and the category
        await group.say("Eli", answer, group=None)  # in Spanish are other tests' part
    wrong = text(await group.say("Eli", "muy", group=None))
    assert wrong.startswith("Elige una de estas opciones, por favor: No es urgente, Urgente.")
    asked = text(await group.say("Eli", "urgente", group=None))  # as the button reads
    assert asked.startswith("¿Cómo quieres que te contacte quien te ayude?")
