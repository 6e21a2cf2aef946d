"""English words in a Spanish text: what minga writes or reads in English and Spanish does not.

The vocabulary is minga's own: the words of every English message in the code, the English
forms of the words people type (bot/locales/en/words.toml) and the English names of days and
months, less every word that Spanish uses too (the Spanish catalog's translations, the
Spanish word forms and day and month names), so "no", "a", "total" or "de" are never
English. A translation's word counts as Spanish only where its English message does not
have it: a word the catalog copies from the English (a command, a keyword, an example such
as "/vote P1 agree") is kept, not translated, and is the very leak this looks for. A word
the group typed itself (a name, a title, an option) is not minga's leak.
"""

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel import Locale
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import bot
from bot import words

BOT = Path(bot.__file__).parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
WORD = re.compile(r"[^\W_]+")  # letters and digits: "pickup_grace_minutes" is three words
# Words that are English and Spanish alike but that the Spanish catalog never writes on its
# own (it only keeps them from the English message).
BOTH = frozenset(
    {
        "minga",  # the bot's name, in every language
        "telegram",  # the platforms' names
        "matrix",
        "america",  # time zone names (America/Caracas, Europe/Madrid) are the same everywhere
        "europe",
        "caracas",
        "madrid",
        "english",  # a language is offered by its own name: English, Español, Português
        "roles",  # the same word in Spanish ("Los roles suman…")
        "vote",  # Spanish too ("salvo que antes vote todo el que puede")
        "chat",  # English words Spanish speakers use as they are
        "app",
        "bots",
        "control",
        "borda",  # Borda count, named after its inventor
        "ana",  # the people and dishes of the catalog's examples
        "tacos",
    }
)


def words_of(text: str) -> set[str]:
    """The words of a text, casefolded; a token with a digit (S1, P1, 10h) is no word."""
    return {w.casefold() for w in WORD.findall(PLACEHOLDER.sub(" ", text)) if w.isalpha()}


def _messages() -> Iterable[str]:
    for _, _, message, _, _ in extract_from_dir(BOT, [("**.py", "python")], keywords=KEYWORDS):
        yield from message if isinstance(message, tuple) else (message,)


def _spanish_in_catalog() -> set[str]:
    """The words of the Spanish translations that their English messages do not have."""
    found: set[str] = set()
    path = BOT / "locales" / "es" / "LC_MESSAGES" / "minga.po"
    with path.open("rb") as handle:
        for entry in read_po(handle, locale="es", domain="minga"):
            if not entry.id:
                continue  # the catalog's header
            ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
            texts = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            kept = set().union(*map(words_of, ids))
            found |= set().union(*map(words_of, texts)) - kept
    return found


def _forms(language: str) -> Iterable[str]:
    for keys in words.table(language).values():
        for key, forms in keys.items():
            yield from (key, *forms) if language == "en" else forms


def _calendar(language: str) -> Iterable[str]:
    """The names of days and months, whole and short, as dates are written in the language."""
    locale = Locale.parse(language)
    for names in (locale.days, locale.months):
        for context in names.values():
            for width in ("wide", "abbreviated"):
                yield from context.get(width, {}).values()


@cache
def english() -> frozenset[str]:
    found = set().union(*map(words_of, [*_messages(), *_forms("en"), *_calendar("en")]))
    spanish = set().union(_spanish_in_catalog(), *map(words_of, [*_forms("es"), *_calendar("es")]))
    return frozenset(w for w in found - spanish - BOTH if len(w) > 1)


def english_in(text: str, typed: Iterable[str] = ()) -> list[str]:
    """The English words of a Spanish text, in order, less those of what the group typed."""
    theirs = set().union(set(), *map(words_of, typed))
    return [
        w for w in (w.casefold() for w in WORD.findall(text)) if w in english() and w not in theirs
    ]
