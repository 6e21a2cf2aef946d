"""The words people type: every language has each of them, and no typed form is ambiguous."""

import re
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

from bot import words
from bot.i18n import LANGUAGES, load_catalogs, translator

LOCALES = Path(words.__file__).parent / "locales"
PER_LANGUAGE = "date"  # kinds named date… are read only in the speaker's language (bot/words.py)


def test_every_word_has_a_form_in_every_language() -> None:
    missing = [
        f"{language}: [{kind}] {key}"
        for kind, keys in words.table("en").items()
        for key in keys
        for language in LANGUAGES
        if not all(form.strip() for form in words.forms(language, kind, key))
        or not words.forms(language, kind, key)
    ]
    assert not missing, f"Words without a form (bot/locales/<language>/words.toml): {missing}"
    extra = [
        f"{language}: [{kind}] {key}"
        for language in LANGUAGES
        for kind, keys in words.table(language).items()
        for key in keys
        if key not in words.table("en").get(kind, {})
    ]
    assert not extra, f"Words English does not have: {extra}"


def test_no_typed_form_stands_for_two_words() -> None:
    for kind in words.table("en"):
        for group in [None] if not kind.startswith(PER_LANGUAGE) else list(LANGUAGES):
            meaning: dict[str, set[str]] = defaultdict(set)
            for language in [group] if group else LANGUAGES:
                for key, forms in words.table(language).get(kind, {}).items():
                    for form in forms:
                        meaning[words.fold(form)].add(key)
            twice = {form: keys for form, keys in meaning.items() if len(keys) > 1}
            assert not twice, f"[{kind}] forms with two meanings: {twice}"


def test_a_word_is_read_in_any_language_and_shown_in_the_speakers() -> None:
    assert words.read("answer", "Sí") == "yes"
    assert words.read("answer", "si") == "yes"
    assert words.read("answer", "YES") == "yes"
    assert words.read("answer", "perhaps") is None
    es = translator(load_catalogs(), "es")
    assert es.word("answer", "yes") == "sí"
    assert es.word("category", "a group's own") == "a group's own"


def _english_keywords(language: str) -> set[str]:
    """The words English speakers type that this language writes otherwise. Command names are
    left out: they are written with their slash, which tests/unit/test_command_names.py checks,
    and a name like "vote" is a plain word in Spanish and Portuguese; so is the key of a
    language's own name."""
    theirs = {words.fold(f) for keys in words.table(language).values() for f in _all(keys)}
    return {
        words.fold(form)
        for kind, keys in words.table("en").items()
        if kind not in ("command", "language")
        for key, forms in keys.items()
        for form in (key, *forms)
        if words.fold(form) not in theirs and len(form) > 2
    }


def _all(keys: dict[str, words.Forms]) -> list[str]:
    return [form for forms in keys.values() for form in forms]


def test_no_translation_shows_an_english_keyword() -> None:
    """Examples and hints in a translation use that language's words ('o quanto antes', not
    'asap'), so what a reader copies from minga's answer is what minga reads in theirs."""
    found = []
    for language in LANGUAGES:
        if language == "en":
            continue
        keywords = _english_keywords(language)
        with (LOCALES / language / "LC_MESSAGES" / "minga.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in list(catalog)[1:]:  # the first is the header
            texts = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in texts:
                plain = words.fold(re.sub(r"\{\w*\}", " ", text))
                found += [
                    (language, keyword, text)
                    for keyword in keywords
                    if re.search(rf"(?<![\w/]){re.escape(keyword)}(?!\w)", plain)
                ]
    assert found == []
