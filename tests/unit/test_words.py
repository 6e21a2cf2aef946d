"""The words people type: every language has each of them, and no typed form is ambiguous."""

from collections import defaultdict

from bot import words
from bot.i18n import LANGUAGES, load_catalogs, translator

PER_LANGUAGE = "date"  # kinds named date… are read only in the speaker's language (bot/words.py)


def test_every_language_has_a_word_list() -> None:
    assert set(words.languages()) == set(LANGUAGES)


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
