"""A group's own words (categories, the default role, setting names and values) are shown in
the reader's language and understood in any: `comida` and `food` are the same category."""

import re

from tests.decide import decided
from tests.harness import Harness, in_chat, text

FOUNDERS = ("Lucía", "Beto", "Carmen", "Diego")


async def spanish_group(bot: Harness, language: str = "es") -> Harness:
    """A group set up by people who speak `language`, past its founding days."""
    await bot.say(FOUNDERS[0], "/setup Olla Común", language=language)
    for who in FOUNDERS[1:]:
        await bot.say(who, "/join", language=language)
    bot.clock.advance(days=2)
    await bot.fire_due()
    for who in FOUNDERS:
        await bot.say(who, "/start", group=None, language=language)
    return bot


def english_words(answer: str, *words: str) -> list[str]:
    return [w for w in words if re.search(rf"\b{w}\b", answer, re.IGNORECASE)]


DEFAULT_CATEGORIES = ("food", "ride", "errand", "housing", "medical", "childcare", "other")


async def test_minga_s_own_spanish_examples_are_accepted_verbatim(bot: Harness) -> None:
    await spanish_group(bot)
    asked = await bot.say(
        "Lucía", "/request comida Centro para el viernes: 2 cajas para una familia de 4", group=None
    )
    assert "R1 · comida · Centro" in in_chat(asked, "group:food")
    offered = await bot.say("Beto", "/offer comida Centro hasta el sábado: 10 panes", group=None)
    assert "O1 · comida · Centro" in in_chat(offered, "group:food")


async def test_a_category_typed_in_either_language_is_the_same_one(bot: Harness) -> None:
    await spanish_group(bot)
    await bot.say("Lucía", "/request food Centro: arroz", group=None)
    await bot.say("Beto", "/request comida Centro: frijoles", group=None)
    await bot.say("Carmen", "/request transporte Centro: al médico", group=None)
    listed = text(await bot.say("Diego", "/requests comida", group=None))
    assert "arroz" in listed and "frijoles" in listed and "médico" not in listed
    assert "R1 · comida · Centro" in listed
    english = text(await bot.say("Ann", "/requests food", group=None, language="en"))
    assert english == "" or "comida" not in english  # Ann is on no group: nothing of theirs


async def test_the_categories_are_listed_in_the_readers_language(bot: Harness) -> None:
    await spanish_group(bot)
    refused = text(await bot.say("Lucía", "/request pizza Centro: algo", group=None))
    assert "no tiene la categoría 'pizza'" in refused
    assert "comida, transporte, mandado, vivienda" in refused
    assert not english_words(refused, *DEFAULT_CATEGORIES)
    asked = await bot.say("Lucía", "/request", group=None)
    assert asked[0].buttons[:2] == (">food", ">ride")  # the key travels; the label is Spanish
    again = text(await bot.say("Lucía", "pizza", group=None))
    assert "Tiene estas: comida, transporte" in again
    await bot.say("Lucía", "Comida", group=None)
    await bot.say("Lucía", "2 cajas", group=None)
    await bot.say("Lucía", "Centro", group=None)
    await bot.say("Lucía", "mañana", group=None)
    for answer in ("urgente", "compartir", "sí"):  # typed values, in Spanish
        await bot.say("Lucía", answer, group=None)
    [post] = [s for s in bot.seen if s.chat_id == "group:food" and s.text.startswith("R1")]
    assert post.text.startswith("R1 · URGENTE · comida · Centro")
    assert post.text.endswith("lo pide Lucía")


async def test_a_group_s_categories_typed_in_spanish_are_shown_to_each_in_theirs(
    bot: Harness,
) -> None:
    await spanish_group(bot)
    changed = text(await bot.say("Lucía", "/set categorías comida, transporte, semillas"))
    assert changed == "Lucía cambió categorías a comida, transporte, semillas."
    await bot.say("Ann", "/join", language="en")
    await bot.say("Ann", "/start", group=None, language="en")
    refused = text(await bot.say("Ann", "/request pizza Eastside: x", group=None, language="en"))
    assert "It has: food, ride, semillas." in refused
    posted = await bot.say("Ann", "/request comida Centro: x", group=None)
    assert "R1 · comida · Centro" in in_chat(posted, "group:food")  # the group's language
    assert "R1 · food · Centro" in text(await bot.say("Ann", "/requests", group=None))


async def test_a_spanish_shift_has_volunteers_in_spanish(bot: Harness) -> None:
    await spanish_group(bot)
    added = text(await bot.say("Lucía", '/shift add "Reparto" sat 10:00-13:00 places 3'))
    assert "voluntario" in added and "volunteer" not in added
    signed = text(await bot.say("Beto", "/signup S1 voluntario"))
    assert "voluntario" in signed and "volunteer" not in signed
    assert "voluntario 1/3" in text(await bot.say("Carmen", "/shifts"))


async def test_a_role_typed_as_voluntario_is_the_default_role(bot: Harness) -> None:
    await spanish_group(bot)
    await bot.say("Lucía", '/shift add "Reparto" sat 10:00-13:00 places 3 roles voluntario:3')
    await bot.say("Ann", "/join", language="en")
    signed = text(await bot.say("Ann", "/signup S1 volunteer", language="en"))
    assert "as volunteer" in signed


async def test_settings_are_named_and_announced_in_spanish(bot: Harness) -> None:
    await spanish_group(bot)
    changed = text(await bot.say("Lucía", "/set idioma es"))
    assert changed == "Lucía cambió idioma a español."
    zone = text(await bot.say("Lucía", "/set zona_horaria America/Caracas"))
    assert zone == "Lucía cambió zona_horaria a America/Caracas."
    names = text(await bot.say("Lucía", "/set nombres_retiro nombres"))
    assert names == "Lucía cambió nombres_retiro a nombres."
    listed = text(await bot.say("Lucía", "/settings"))
    assert "idioma = español" in listed
    assert "nombres_retiro = nombres" in listed
    assert "categorías = comida, transporte" in listed
    assert not english_words(listed, "language", "timezone", "names", "numbers", "off", "food")
    back = text(await bot.say("Lucía", "/set language en"))  # the English name works too
    assert back == "Lucía set language to English."  # said in the group's new language


async def test_a_setting_value_typed_in_spanish_is_refused_in_spanish(bot: Harness) -> None:
    await spanish_group(bot)
    refused = text(await bot.say("Lucía", "/set encuestas_nativas quizás"))
    assert "activadas, desactivadas" in refused
    turned = text(await bot.say("Lucía", "/set encuestas_nativas activadas"))
    assert turned == "Lucía cambió encuestas_nativas a activadas."


async def test_yes_is_si_wherever_yes_works(bot: Harness) -> None:
    await spanish_group(bot)
    await bot.say("Beto", "/forget", group=None)
    refused = text(await bot.say("Beto", "tal vez", group=None))
    assert "Elige una de estas opciones, por favor: Sí, olvídame, No." in refused
    assert "ya te olvidé" in text(await bot.say("Beto", "sí", group=None))


async def test_a_portuguese_group_reads_and_shows_its_own_words(bot: Harness) -> None:
    await spanish_group(bot, language="pt")
    asked = await bot.say("Lucía", "/request comida Centro: 2 cestas", group=None)
    assert "R1 · comida · Centro" in in_chat(asked, "group:food")
    await bot.say("Beto", "/request carona Centro: ao médico", group=None)
    listed = text(await bot.say("Diego", "/requests carona", group=None))
    assert "carona" in listed and "cestas" not in listed
    changed = text(await bot.say("Lucía", "/set fuso_horario America/Sao_Paulo"))
    assert "fuso_horário" in changed and "timezone" not in changed
    added = text(await bot.say("Lucía", '/shift add "Entrega" sat 10:00-13:00 places 3'))
    assert "voluntário" in added and "volunteer" not in added


async def test_each_reader_sees_an_english_groups_categories_in_their_language(
    group: Harness,
) -> None:
    await group.say("Eli", "/request food Eastside: bread", group=None)
    await group.say("Ben", "/language es", group=None)
    assert "R1 · comida · Eastside" in text(await group.say("Ben", "/requests", group=None))
    assert "R1 · food · Eastside" in text(await group.say("Chioma", "/requests", group=None))
    found = text(await group.say("Ben", "/requests comida", group=None))
    assert "R1 · comida" in found


async def test_a_binding_proposal_names_a_setting_in_spanish(group: Harness) -> None:
    closed = text(await decided(group, "Más avales do set avales_necesarios 2"))
    assert "The group set vouches_needed to 2." in closed
    assert "vouches_needed = 2" in text(await group.say("Ana", "/settings"))
