"""Translations: every message in the code reads well in every language, and plurals work."""

from functools import cache
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import bot
from bot.i18n import LANGUAGES, load_catalogs, pick_language, translator

BOT = Path(bot.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
RUN = "Run ./dev i18n to refresh the catalogs, then translate."

Message = str | tuple[str, str]


@cache
def extracted() -> dict[str, Message]:
    """The messages in the code, keyed by msgid (the singular for plurals)."""
    found = extract_from_dir(BOT, [("**.py", "python")], keywords=KEYWORDS)
    return {(m[0] if isinstance(m, tuple) else m): m for _, _, m, _, _ in found}


@cache
def catalog(language: str) -> Catalog:
    with (BOT / "locales" / language / "LC_MESSAGES" / "minga.po").open("rb") as handle:
        return read_po(handle, locale=language, domain="minga")


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def test_a_language_is_a_folder_of_bot_locales_with_a_word_list_and_a_catalog() -> None:
    folders = {path.name for path in (BOT / "locales").iterdir() if path.is_dir()}
    assert set(LANGUAGES) == folders, "Each needs words.toml and LC_MESSAGES/minga.po"
    for language in LANGUAGES:
        assert (BOT / "locales" / language / "LC_MESSAGES" / "minga.po").is_file(), language
    assert LANGUAGES["es"] == "Español"  # the name it gives itself, in its words.toml
    assert LANGUAGES["pt"] == "Português"


TRANSLATED = [language for language in LANGUAGES if language != "en"]  # English is the code


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_in_the_code_is_in_the_catalog(language: str) -> None:
    po = f"bot/locales/{language}/LC_MESSAGES/minga.po"
    missing = [key for key in extracted() if key not in catalog(language)]
    assert not missing, f"Not in {po}: {missing}. {RUN}"
    hidden = [key for key in extracted() if key in catalog(language).obsolete]
    assert not hidden, f"Only obsolete (#~) entries in {po} for: {hidden}. {RUN}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_finished_translation(language: str) -> None:
    unfinished = []
    for key, message in extracted().items():
        entry = catalog(language).get(key)
        if entry is None:
            continue  # reported by the test above
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        wanted = catalog(language).num_plurals if isinstance(message, tuple) else 1
        if entry.fuzzy or len(forms) != wanted or not all(forms):
            unfinished.append(key)
    assert not unfinished, f"Untranslated or fuzzy in {language}: {unfinished}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_translation_keeps_exactly_the_placeholders_of_the_english(language: str) -> None:
    for key, message in extracted().items():
        entry = catalog(language).get(key)
        if entry is None:
            continue
        ids = message if isinstance(message, tuple) else (message,)
        forms = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for msgid, text in zip(ids, forms, strict=True):
            assert fields(text) == fields(msgid), f"{language}: {msgid!r} → {text!r}"


def test_the_catalogs_count_the_way_people_do() -> None:
    # Babel's own rules for Spanish and Portuguese add a form for millions ("1 millón de
    # personas") that minga never needs; each catalog says the usual gettext rule instead.
    # A new language writes its usual rule in its catalog's Plural-Forms.
    rules = {"en": "(n != 1)", "es": "(n != 1)", "pt": "(n > 1)"}  # Brazil: "0 pessoa"
    for language, rule in rules.items():
        assert catalog(language).plural_forms == f"nplurals=2; plural={rule};", language


def test_the_spanish_translator_formats_and_counts() -> None:
    es = translator(load_catalogs(), "es")
    one, many = "On the roster: {n} person.", "On the roster: {n} people."
    assert es.ngettext(one, many, 1) == "En la lista: 1 persona."
    assert es.ngettext(one, many, 0) == "En la lista: 0 personas."
    assert es.ngettext(one, many, 2) == "En la lista: 2 personas."
    assert es._("Welcome to minga, {group}!", group="Olla Común") == (
        "¡Bienvenidos a minga, Olla Común!"
    )
    assert es._("From now on I'll speak English with you.") == (
        "A partir de ahora te hablaré en español."
    )


def test_the_portuguese_translator_formats_and_counts() -> None:
    pt = translator(load_catalogs(), "pt")
    # In Brazil 0 takes the singular, and "0 pessoa" reads oddly: a count that may be 0 is
    # written as a label instead.
    one, many = "On the roster: {n} person.", "On the roster: {n} people."
    assert pt.ngettext(one, many, 0) == "Pessoas na lista: 0."
    assert pt.ngettext(one, many, 1) == "Pessoas na lista: 1."
    assert pt.ngettext(one, many, 2) == "Pessoas na lista: 2."
    assert pt.ngettext("{n} left", "{n} left", 0) == "disponível: 0"
    assert pt.ngettext("{n} left", "{n} left", 5) == "disponíveis: 5"
    assert pt.ngettext("{n} open request:", "{n} open requests:", 1) == "1 pedido aberto:"
    assert pt.ngettext("{n} open request:", "{n} open requests:", 3) == "3 pedidos abertos:"
    assert pt.number(4000) == "4.000"
    assert pt._("Welcome to minga, {group}!", group="Panela Comum") == (
        "Boas-vindas à minga, Panela Comum!"
    )
    assert pt._("From now on I'll speak English with you.") == (
        "A partir de agora vou falar português com você."
    )


def test_english_falls_back_to_the_code() -> None:
    en = translator(load_catalogs(), "en")
    assert en.ngettext("On the roster: {n} person.", "On the roster: {n} people.", 1) == (
        "On the roster: 1 person."
    )
    assert en.ngettext("On the roster: {n} person.", "On the roster: {n} people.", 3) == (
        "On the roster: 3 people."
    )


def test_pick_language() -> None:
    assert pick_language("es-AR", "en") == "es"
    assert pick_language("es_ES", "en") == "es"
    assert pick_language("pt-BR", "en") == "pt"
    assert pick_language("fr", "en") == "en"
    assert pick_language(None, "es") == "es"
