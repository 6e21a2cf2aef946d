"""Command names in every language: typed in any of them, shown in the reader's."""

import re
from importlib import resources

from babel.messages.pofile import read_po

from adapters.matrix.render import COMMAND
from bot import words
from bot.commands import COMMANDS
from bot.i18n import DOMAIN, LANGUAGES
from tests.decide import decided
from tests.harness import Harness, text

TELEGRAM_NAME = re.compile(r"[a-z0-9_]{1,32}")  # what a command menu takes


def test_every_command_people_type_has_a_name_in_every_language() -> None:
    typed = {name for name, command in COMMANDS.items() if not command.hidden}
    for language in LANGUAGES:
        # Hidden commands are reached only by buttons, whose data is always English.
        assert set(words.table(language)["command"]) == typed, language


def test_the_name_shown_in_menus_is_one_a_command_menu_takes() -> None:
    for language in LANGUAGES:
        for key, forms in words.table(language)["command"].items():
            assert TELEGRAM_NAME.fullmatch(forms[0]), f"{language}: {key} = {forms[0]!r}"
            assert all(form.split() == [form] for form in forms), f"{language}: {key}"
    assert words.forms("en", "command", "help")[0] == "help"  # English names stay as they are


def test_no_name_is_another_commands_english_name() -> None:
    for language in LANGUAGES:
        for key, forms in words.table(language)["command"].items():
            taken = {words.fold(form) for form in forms} & (set(COMMANDS) - {key})
            assert not taken, f"{language}: a name of /{key} is another command's: {taken}"


def shown_commands(translation: str) -> list[str]:
    """The words written as commands in a message: what Matrix shows with its prefix."""
    found = (re.match(r"\w+", translation[mark.end() :]) for mark in COMMAND.finditer(translation))
    return [match.group() for match in found if match]


def test_translations_name_commands_in_their_own_language() -> None:
    for language in set(LANGUAGES) - {"en"}:
        shown = {words.shown(language, "command", key): key for key in COMMANDS}
        po = resources.files("bot") / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not message.id or not any(strings):
                continue
            wanted = {name for each in ids for name in shown_commands(each)}
            for translation in strings:
                named = shown_commands(translation)
                leaked = [name for name in named if name not in shown]
                assert not leaked, f"{language}: {leaked} in {translation!r}"
                assert {shown[name] for name in named} == wanted, (
                    f"{language}: {translation!r} does not name the commands of {message.id!r}"
                )


async def test_a_command_is_understood_by_any_of_its_names(bot: Harness) -> None:
    await bot.setup_group()
    for typed in ("/ayuda", "/AYUDA", "/ayuda@mingabot", "/Ajuda", "/help"):
        assert text(await bot.say("Lucía", typed, language="es")).startswith(
            "Esto puedes hacer aquí:"
        ), typed
    assert text(await bot.say("Lucía", "/ayuda@otrobot", language="es")) == ""
    assert "pedir ayuda" in text(await bot.say("Lucía", "/ayuda pedido", language="es"))
    assert "pedir ayuda" in text(await bot.say("Lucía", "/ayuda /solicitar", language="es"))


async def test_help_names_commands_in_the_readers_language(bot: Harness) -> None:
    await bot.setup_group()
    help_es = text(await bot.say("Lucía", "/ayuda", language="es"))
    assert "Pedidos: /pedir /pedidos" in help_es
    assert "Decisiones: /proponer /encuesta /votar /encuestas /resultado" in help_es
    assert "/ayuda <comando> te cuenta qué hace cada uno, por ejemplo /ayuda pedir." in help_es
    help_pt = text(await bot.say("João", "/ajuda", language="pt"))
    assert "/pedir /pedidos" in help_pt and "/propor" in help_pt and "/ajuda" in help_pt
    assert "Requests: /request /requests" in text(await bot.say("Ana", "/ayuda"))


async def test_refusals_and_usage_name_the_command_as_the_reader_does(bot: Harness) -> None:
    await bot.setup_group()
    assert text(await bot.say("Lucía", "/pedido", language="es")).startswith(
        "Envíame /pedir en un chat privado"
    )
    assert text(await bot.say("Lucía", "/votar", language="es")) == (
        "A /votar le falta: votación. Uso: /votar <votación> [tu voto…]"
    )
    assert text(await bot.say("Lucía", "/ayuda votar", group=None, language="es")).startswith(
        "/votar <votación> [tu voto…]\ndar tu voto en una votación"
    )


async def test_a_near_miss_is_suggested_in_the_readers_language(bot: Harness) -> None:
    assert text(await bot.say("Lucía", "/ayudaa", group=None, language="es")) == (
        "No conozco /ayudaa. ¿Quisiste decir /ayuda? /ayuda muestra lo que puedo hacer."
    )
    assert "¿Quisiste decir /ayuda?" in text(
        await bot.say("Lucía", "/hlep", group=None, language="es")
    )
    assert "Did you mean /help?" in text(await bot.say("Ana", "/hlep", group=None))


async def test_a_question_stopped_is_named_in_the_readers_language(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Lucía", "/unirme", language="es")
    await bot.say("Lucía", "/pedir", group=None, language="es")
    assert text(await bot.say("Lucía", "/cancelar", group=None, language="es")) == (
        "Cancelé /pedir. No se cambió nada."
    )


async def test_a_binding_proposal_names_its_command_in_the_groups_language(
    group: Harness,
) -> None:
    await group.say("Ana", "/set language es")
    posted = text(
        await group.say("Ana", "/propose Hora de Madrid do ajustar timezone Europe/Madrid")
    )
    assert "Si se aprueba, haré: /ajustar timezone Europe/Madrid" in posted
    closed = text(await decided(group, "Otra vez do set timezone Europe/Lisbon"))
    assert "Llevo a cabo lo decidido en P2: /ajustar timezone Europe/Lisbon" in closed
    assert "zona_horaria = Europe/Lisbon" in text(await group.say("Ana", "/ajustes"))
