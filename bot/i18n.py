"""Languages: gettext catalogs kept as .po files (Babel), compiled in memory when loaded."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from bot import words
from bot.messages import Button

DOMAIN = "minga"
# The languages minga speaks, by code, with the name each gives itself: one for each folder
# bot/locales/<code>/ with a word list (which names the language, [language] name) and a
# catalog. Adding a language is adding those files.
LANGUAGES = {code: words.shown(code, "language", "name") for code in words.languages()}


def N_(message: str) -> str:
    """Marks a message for translation where it is defined; it is translated where shown."""
    return message


def load_catalogs() -> dict[str, Translations]:
    catalogs = {}
    for language in LANGUAGES:
        po = resources.files("bot") / "locales" / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        catalogs[language] = Translations(compiled, domain=DOMAIN)
    return catalogs


def pick_language(wanted: str | None, default: str) -> str:
    """'es-AR' → 'es'; anything we do not speak → the default."""
    if wanted:
        base = wanted.replace("_", "-").split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default


@dataclass(frozen=True)
class Translator:
    language: str
    catalog: Translations

    def _(self, message: str, **values: object) -> str:
        text = self.catalog.gettext(message)
        if not values:
            return text
        return text.format(
            **{
                name: value.written(self.language) if isinstance(value, words.Listed) else value
                for name, value in values.items()
            }
        )

    def ngettext(self, singular: str, plural: str, n: int, **values: object) -> str:
        return self.catalog.ngettext(singular, plural, n).format(n=n, **values)

    def button(self, label: str, data: str, *, said: str | None = None, **flags: Any) -> Button:
        """A button whose command is also named as this language types it; `said`: the
        command line with its arguments in the reader's words, where they are words (a
        role), else the data's."""
        name, _, rest = (said or data).partition(" ")
        typed = " ".join(filter(None, (self.word("command", name), rest)))
        return Button(label, data, typed=typed, **flags)

    def word(self, kind: str, key: str) -> str:
        """A word people type (a vote answer, a category…) as this language writes it."""
        return words.shown(self.language, kind, key)

    def number(self, value: int) -> str:
        return format_decimal(value, locale=self.language)

    def tenths(self, value: float) -> str:
        """A number to one decimal, as this language writes it: 1.2, 1,2."""
        return format_decimal(round(value, 1), format="0.0", locale=self.language)

    def day(self, day: date) -> str:
        return format_date(day, "EEE d MMM", locale=self.language)

    def clock(self, moment: datetime, zone: str) -> str:
        return format_datetime(moment, "HH:mm", tzinfo=ZoneInfo(zone), locale=self.language)

    def when(self, moment: datetime, zone: str) -> str:
        return format_datetime(
            moment, "EEE d MMM HH:mm", tzinfo=ZoneInfo(zone), locale=self.language
        )


def translator(catalogs: Mapping[str, Translations], language: str) -> Translator:
    return Translator(language, catalogs[language])
