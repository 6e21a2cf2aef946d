"""minga's own examples of the shift, pickup and reminder commands, as each language's catalog
writes them, do what they say when a person of that language types them: a translated example
that shows an English word, or a word minga does not read, fails here."""

import re
from functools import cache

import pytest
from babel.support import Translations

from bot import words
from bot.i18n import Translator, load_catalogs, translator
from tests.harness import Harness, text
from tests.unit.test_group_words import FOUNDERS, spanish_group

PLAN = (
    'Write it like: /shift add "Box distribution" sat 10:00-13:00 '
    "weekly places 12 roles packer:4,table:6,driver:2"
)
SIGNUP = "Write it like /signup S45 packer, or /signup S45 packer 4 for four weeks in a row."
WHERE = "Say where to: /shift move S45 sun 10:00, or a day, or a time."
CHANGES = "Use /shift add …, /shift move S45 sun 10:00 [all] or /shift cancel S45 [all]."
OPEN = 'Write it like: /pickups open sat 13:00-15:00 every 15 boxes 4 at "Community hall"'
PICKUPS = (
    "Use /pickups to see today's table, or /pickups open sat "
    "13:00-15:00 every 15 boxes 4 at 'Community hall'."
)
BOOKED = "B{number}: your box is booked for {window}. /pickup cancel if you cannot come."
REMINDERS = "Change with /reminders 24,2 or /reminders off; quiet hours with /quiet 22-8."

# Messages that name the words without a whole example: the word each shows, by kind and key.
SHOWN = [
    ("add, move or cancel", "shift_word", ("add", "move", "cancel")),
    ("[cancel]", "pickup_word", ("cancel",)),
    ("book a food box in a pickup window (or: /pickup cancel)", "pickup_word", ("cancel",)),
    ("when I remind you: /reminders 24,2, or off", "reminder_word", ("off",)),
    ("hours, on or off", "reminder_word", ("on", "off")),
    ("hours when I send nothing: /quiet 22-8, or off", "reminder_word", ("off",)),
    (
        "Say how many hours before, like 24,2; or off, or on for the usual.",
        "reminder_word",
        ("on", "off"),
    ),
    ("Say the quiet hours like 22-8 (from 22:00 to 8:00), or off.", "reminder_word", ("off",)),
    (
        "A proposal can make me do one of: /set, /trust, /remove, /shift, /link, /network; "
        "write it after 'do', like: /propose Sundays do shift move S4 sun 10:00 all",
        "shift_word",
        ("move", "all"),
    ),
]

LANGUAGES = ("es", "pt")
KINDS = ("shift_word", "pickup_word", "reminder_word", "date_weekday")  # none shown in English


@cache
def catalogs() -> dict[str, Translations]:
    return load_catalogs()


def written(tr: Translator, message: str, pattern: str, **values: object) -> list[str]:
    """The commands a translated message shows, found by `pattern`."""
    shown = tr._(message, **values)
    assert shown != message.format(**values), f"{tr.language} does not translate {message!r}"
    found = re.findall(pattern, shown)
    assert found, f"no example in the {tr.language} text {shown!r}"
    english, own = (
        {form for kind in KINDS for form in words.index(kind, language)}
        for language in ("en", tr.language)
    )
    left = [w for w in re.findall(r"[^\W\d_]+", shown) if words.fold(w) in english - own]
    assert not left, f"{tr.language}: {shown!r} shows the English {left}"
    return found


@pytest.fixture(params=LANGUAGES)
async def speakers(request: pytest.FixtureRequest, bot: Harness) -> tuple[Harness, Translator]:
    await spanish_group(bot, request.param)
    return bot, translator(catalogs(), request.param)


async def test_the_shift_examples_plan_sign_up_move_and_cancel(
    speakers: tuple[Harness, Translator],
) -> None:
    bot, tr = speakers
    planner, volunteer = FOUNDERS[0], FOUNDERS[1]

    async def say(who: str, line: str) -> str:
        return text(await bot.say(who, line, language=tr.language))

    [plan] = written(tr, PLAN, r"(/\S+ .+)$")
    assert "S1 ·" in await say(planner, plan)  # four weekly shifts: S1 to S4
    weeks = written(tr, SIGNUP, r"(/\S+ S45 \S+ 4)")[0].replace("S45", "S1")
    assert "S4 ·" in await say(volunteer, weeks)
    [move] = written(tr, WHERE, r"(/\S+ \S+ S45 \S+ \d\d:\d\d)")
    moved = tr.ngettext(
        "{n} shift moved; the people on it are told.",
        "{n} shifts moved; the people on them are told.",
        1,
    )
    assert (await say(planner, move.replace("S45", "S1"))).startswith(moved)
    series = written(tr, CHANGES, r"(/\S+ \S+ S45[^\[]*)\[(\S+)\]")
    assert len(series) == 2  # the move, then the cancel, each of the series
    (move_all, every), (cancel_all, every_) = series
    moved_all = await say(planner, f"{move_all.replace('S45', 'S2')}{every}")
    assert moved_all.startswith(
        tr.ngettext(
            "{n} shift moved; the people on it are told.",
            "{n} shifts moved; the people on them are told.",
            3,
        )
    )
    cancelled = await say(planner, f"{cancel_all.replace('S45', 'S2')}{every_}")
    assert cancelled.startswith(
        tr.ngettext(
            "{n} shift cancelled; the people on it are told.",
            "{n} shifts cancelled; the people on them are told.",
            3,
        )
    )


async def test_the_pickup_examples_open_windows_and_cancel_a_box(
    speakers: tuple[Harness, Translator],
) -> None:
    bot, tr = speakers
    opened = tr.ngettext("{n} pickup window is open.", "{n} pickup windows are open.", 8)
    [first] = written(tr, OPEN, r"(/\S+ .+)$")
    [second] = written(tr, PICKUPS, r"(/\S+ \S+ \S+ \d\d:\d\d-\d\d:\d\d .+?)\.?$")
    for example in (first, second):
        assert opened in text(await bot.say(FOUNDERS[0], example, language=tr.language))
    await bot.say(FOUNDERS[1], "/pickup", group=None, language=tr.language)
    await bot.say(FOUNDERS[1], "1", group=None, language=tr.language)
    [cancel] = written(tr, BOOKED, r"(/\S+ \w+)", number=1, window="")
    cancelled = text(await bot.say(FOUNDERS[1], cancel, group=None, language=tr.language))
    assert cancelled.startswith(
        tr._("B{number} is cancelled; the box goes to someone else.", number=1)
    )


async def test_the_reminder_examples_change_and_mute_reminders(
    speakers: tuple[Harness, Translator],
) -> None:
    bot, tr = speakers
    hours, off, quiet = written(tr, REMINDERS, r"(/\S+ [^\s;,.]+(?:,\d+)?)")
    answers = [
        text(await bot.say(FOUNDERS[1], line, group=None, language=tr.language))
        for line in (hours, quiet, off)
    ]
    assert answers[0].startswith(tr._("Reminders: {hours} hours before each shift.", hours="24, 2"))
    assert (
        tr._(
            "Quiet hours: {start}:00 to {end}:00; a reminder due then comes before.",
            start=22,
            end=8,
        )
        in answers[1]
    )
    assert answers[2].startswith(tr._("Reminders: off."))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("message", "kind", "keys"), SHOWN)
def test_messages_name_the_words_as_their_language_writes_them(
    language: str, message: str, kind: str, keys: tuple[str, ...]
) -> None:
    shown = translator(catalogs(), language)._(message)
    missing = [
        words.shown(language, kind, key)
        for key in keys
        if not re.search(rf"(?<!\w){re.escape(words.shown(language, kind, key))}(?!\w)", shown)
    ]
    assert not missing, f"{language}: {shown!r} does not show {missing}"
