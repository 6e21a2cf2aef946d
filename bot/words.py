"""Words people type to minga (command names, vote answers, categories…), in each language.

Each language lists them in bot/locales/<language>/words.toml: for each word minga knows, the
forms a person may type, the first being the one minga shows. A typed form is recognised
whichever language it is in, so a group that mixes languages is understood; case and accents
do not matter ("miercoles" is "miércoles"). Kinds whose forms mean different things in
different languages (the date words: "mañana" is tomorrow in Spanish, "manhã" morning in
Portuguese) are read per language with `index`.
"""

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

Forms = tuple[str, ...]
Table = dict[str, dict[str, Forms]]  # kind → key → the forms people type, shown form first


def fold(text: str) -> str:
    """How typed words are compared: no case, no accents, single spaces."""
    parts = unicodedata.normalize("NFKD", " ".join(text.casefold().split()))
    return "".join(c for c in parts if not unicodedata.combining(c))


LOCALES = resources.files("bot") / "locales"


@cache
def languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LOCALES.iterdir() if (p / "words.toml").is_file()))


@cache
def table(language: str) -> Table:
    path = LOCALES / language / "words.toml"
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return {kind: {key: tuple(forms) for key, forms in keys.items()} for kind, keys in raw.items()}


def forms(language: str, kind: str, key: str) -> Forms:
    return table(language).get(kind, {}).get(key, ())


def shown(language: str, kind: str, key: str) -> str:
    """The form minga writes; a key no table knows (a group's own category) as it is."""
    found = forms(language, kind, key)
    return found[0] if found else key


@cache
def index(kind: str, language: str | None = None) -> dict[str, str]:
    """Folded form → key, in one language or (None) in all of them."""
    found: dict[str, str] = {}
    for each in [language] if language else languages():
        for key, typed in table(each).get(kind, {}).items():
            for form in (key, *typed) if each == "en" else typed:
                found.setdefault(fold(form), key)
    return found


def read(kind: str, typed: str) -> str | None:
    """The key a typed word stands for, in any language; None if it is not one."""
    return index(kind).get(fold(typed))


@cache
def _most_words(kind: str) -> int:
    return max((len(form.split()) for form in index(kind)), default=0)


def read_start(kind: str, typed: str) -> tuple[str, str] | None:
    """The key a typed text begins with, in any language, and the rest of the text:
    'en desacuerdo: cuesta mucho' → ('disagree', 'cuesta mucho'). The longest form wins, so
    'no objection' is not read as 'no'; a form ends where a word ends ('agreed' is not
    'agree')."""
    said = typed.split()
    for n in range(min(len(said), _most_words(kind)), 0, -1):
        key = read(kind, " ".join(said[:n]).rstrip(":,;."))
        if key is not None:
            return key, " ".join(said[n:]).lstrip(":,; ")
    return None


def read_each(kind: str, typed: str) -> list[str] | None:
    """Keys typed one after the other: 'sí, si hace falta no' → ['yes', 'if need be', 'no'];
    None if something in it is not one."""
    keys, rest = [], typed
    while rest.strip():
        found = read_start(kind, rest)
        if found is None:
            return None
        keys.append(found[0])
        rest = found[1]
    return keys


@dataclass(frozen=True)
class Listed:
    """Words to list in the reader's language, given where the reader is not yet known (in a
    refusal): the translator writes them, comma-separated, when it writes the message."""

    kind: str
    keys: tuple[str, ...]

    def written(self, language: str) -> str:
        return ", ".join(shown(language, self.kind, key) for key in self.keys)
