"""Each person hears minga in their own language; group posts use the group's."""

from tests.harness import Harness, text


async def test_the_platform_language_is_used_from_the_first_word(bot: Harness) -> None:
    seen = await bot.say("Lucía", "/start", group=None, language="es-VE")
    assert "¡Hola, Lucía!" in text(seen)


async def test_an_unknown_language_asks_with_buttons(bot: Harness) -> None:
    seen = await bot.say("Ana", "/start", group=None, language="fr-FR")
    assert seen[0].buttons == ("language en", "language es", "language pt")
    chosen = await bot.press("Ana", "language es", group=None)
    assert text(chosen) == "A partir de ahora te hablaré en español."
    assert "Esto puedes hacer aquí" in text(await bot.say("Ana", "/help", group=None))


async def test_switching_language_back_and_forth(bot: Harness) -> None:
    await bot.say("Ana", "/language es", group=None)
    assert "Esto puedes hacer aquí" in text(await bot.say("Ana", "/help", group=None))
    assert text(await bot.say("Ana", "/language English", group=None)) == (
        "From now on I'll speak English with you."
    )


async def test_numbers_are_written_the_way_the_reader_writes_them(bot: Harness) -> None:
    seen = await bot.say("Lucía", "x" * 4001, group=None, language="es")
    assert "menos de 4.000 caracteres" in text(seen)
    assert "under 4,000 characters" in text(await bot.say("Ann", "x" * 4001, group=None))


async def test_group_posts_use_the_group_language(bot: Harness) -> None:
    welcome = await bot.say("Lucía", "/setup Comida", language="es")
    assert "¡Bienvenidos a minga, Comida!" in text(welcome)
    joined = await bot.say("Ann", "/join", language="en")
    assert "Welcome, Ann!" in joined[0].text  # a reply to Ann, in her language
    assert "En la lista: 2 personas." in joined[1].text  # the group's post, in Spanish


async def test_a_brazilian_is_greeted_and_helped_in_portuguese(bot: Harness) -> None:
    seen = await bot.say("João", "/start", group=None, language="pt-BR")
    assert "Olá, João! Eu sou a minga." in text(seen)
    helped = text(await bot.say("João", "/help", group=None))
    assert "O que você pode fazer aqui:" in helped
    assert "Pedidos: /pedir" in helped
    assert "pedir ajuda, no privado" in text(await bot.say("João", "/help request", group=None))


async def test_a_language_is_chosen_by_its_code_or_its_name_in_any_spelling(bot: Harness) -> None:
    for typed in ("pt", "Português", "portugues", "Portuguese"):
        assert text(await bot.say("Ana", f"/language {typed}", group=None)) == (
            "A partir de agora vou falar português com você."
        ), typed
    refused = text(await bot.say("Ana", "/language klingon", group=None))
    assert "English (en), Español (es), Português (pt)" in refused


async def test_someone_with_no_language_hears_their_groups_privately(bot: Harness) -> None:
    await bot.setup_group()  # Free Food, in the deployment's English
    await bot.say("Ana", "/set language es")
    await bot.say("Beto", "/join")
    assert "¡Hola, Beto!" in text(await bot.say("Beto", "/start", group=None))
    assert "Esto puedes hacer aquí" in text(await bot.say("Beto", "/help", group=None))
    # Their own choice and their platform's language come first; no group, the default.
    await bot.say("Beto", "/language en", group=None)
    assert "What you can do here" in text(await bot.say("Beto", "/help", group=None))
    await bot.say("Carla", "/join", language="pt-BR")
    assert "Olá, Carla!" in text(await bot.say("Carla", "/start", group=None))
    assert "Hello Zoe!" in text(await bot.say("Zoe", "/start", group=None))
