"""The word that makes a proposal binding ('do', 'hacer', 'fazer'): typed in any language,
taken as that word only where a command follows it, and written in the reader's language."""

import re
from importlib import resources

from babel.messages.pofile import read_po

from bot import words
from bot.i18n import DOMAIN, LANGUAGES
from tests.decide import decided
from tests.harness import Harness, text

IF_IT_PASSES = "Si se aprueba, haré:"


async def test_a_spanish_proposal_is_made_binding_with_hacer(group: Harness) -> None:
    await group.say("Ana", "/ajustar idioma es")
    posted = text(
        await group.say("Ana", "/proponer Hora de Madrid hacer ajustar zona_horaria Europe/Madrid")
    )
    assert posted.startswith("P1 · propuesta · Hora de Madrid\n")
    assert f"{IF_IT_PASSES} /ajustar zona_horaria Europe/Madrid" in posted
    closed = text(await decided(group, "Otra vez hacer ajustar zona_horaria Europe/Lisbon"))
    assert "Llevo a cabo lo decidido en P2: /ajustar zona_horaria Europe/Lisbon" in closed


async def test_a_portuguese_proposal_is_made_binding_with_fazer(group: Harness) -> None:
    await group.say("Ana", "/set language pt")
    posted = text(
        await group.say("Ana", "/propor Fuso de Lisboa fazer ajustar fuso_horário Europe/Lisbon")
    )
    assert posted.startswith("P1 · proposta · Fuso de Lisboa\n")
    assert "/ajustar fuso_horário Europe/Lisbon" in posted


async def test_the_word_in_an_ordinary_title_is_part_of_the_title(group: Harness) -> None:
    await group.say("Ana", "/ajustar idioma es")
    for number, title in enumerate(
        ("Vamos a hacer una fiesta", "What we do next", "Vamos fazer uma festa"), start=1
    ):
        posted = text(await group.say("Ana", f"/proponer {title}"))
        assert posted.startswith(f"P{number} · propuesta · {title}\n"), posted
        assert IF_IT_PASSES not in posted


async def test_english_do_and_a_command_in_another_language_make_it_binding(
    group: Harness,
) -> None:
    posted = text(await group.say("Ana", "/propose Madrid time do ajustar timezone Europe/Madrid"))
    assert posted.startswith("P1 · proposal · Madrid time\n")
    assert "If it passes, I will: /set timezone Europe/Madrid" in posted


async def test_usage_and_refusals_name_the_word_in_the_readers_language(group: Harness) -> None:
    usage_es = text(await group.say("Lucía", "/ayuda proponer", group=None, language="es"))
    assert usage_es.startswith("/proponer <título> [hacer <comando>]")
    usage_pt = text(await group.say("João", "/ajuda propor", group=None, language="pt"))
    assert usage_pt.startswith("/propor <título> [fazer <comando>]")
    await group.say("Ana", "/ajustar idioma es")
    refused = text(
        await group.say("Eli", "/proponer Confíen en mí hacer avalar @eli", language="es")
    )
    assert refused.startswith(
        "Solo los miembros de confianza hacen propuestas vinculantes (con 'hacer')."
    )


# A message that names the word: quoted ('do'), or before a command or its placeholder.
NAMES_THE_WORD = re.compile(r"'do\b|\bdo (<|set |shift |trust |remove |link\b)")


def test_translations_write_the_word_in_their_own_language() -> None:
    for language in set(LANGUAGES) - {"en"}:
        word = words.shown(language, "proposal_word", "do")
        po = resources.files("bot") / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
        for message in catalog:
            if isinstance(message.id, str) and NAMES_THE_WORD.search(message.id):
                assert re.search(rf"\b{word}\b", message.string), (language, message.string)
                assert not re.search(r"'do'|\bdo <", message.string), (language, message.string)
