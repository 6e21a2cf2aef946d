"""The table of poll kinds: every kind has a complete row, and its parts fit together."""

import json
from dataclasses import replace
from datetime import UTC, datetime
from string import Formatter
from typing import get_args

import pytest

from bot import words
from bot.commands import COMMANDS
from bot.handlers.polls import poll_kind
from bot.i18n import LANGUAGES, load_catalogs, translator
from bot.model import Poll, PollKind
from bot.params import BadArgument
from bot.poll_kinds import KINDS, answer_words

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TR = translator(load_catalogs(), "en")
ES = translator(load_catalogs(), "es")
# A ballot as a voter types it, for each kind: a new kind adds one here too.
TYPED = {
    "proposal": "block not yet",
    "consent": "2 too early",
    "choice": "1",
    "time": "yes no maybe",
    "dot": "3 0 5",
    "ranked": "2 1 3",
}


def poll_of(name: PollKind) -> Poll:
    kind = KINDS[name]
    typed = ["2026-03-07 10:00", "2026-03-08 10:00", "2026-03-09 10:00"]
    when = {t: datetime.fromisoformat(t).replace(tzinfo=UTC) for t in typed}
    options = kind.answers or tuple(kind.keep(typed, when.get))
    return Poll(
        id=1,
        group_id=1,
        author_id=1,
        kind=name,
        title="Lunch",
        options=options,
        max_choices=1,
        points=8,
        write_in=False,
        quorum=0,
        trusted_only=False,
        secret=False,
        hidden=False,
        closes_at=NOW,
        state="closed",
        result=None,
        outcome=None,
        action=None,
        action_done=False,
        created_at=NOW,
    )


def test_every_kind_has_a_row_and_the_commands_open_exactly_those() -> None:
    assert list(KINDS) == list(get_args(PollKind))
    assert all(kind.name == name for name, kind in KINDS.items())
    for name, kind in KINDS.items():
        if kind.opened_by == "poll":
            assert poll_kind(TR, name) == name
        else:
            with pytest.raises(BadArgument):
                poll_kind(TR, name)
    assert [k.name for k in KINDS.values() if k.opened_by == "propose"] == ["proposal"]
    assert all(k.answers for k in KINDS.values() if k.binding), "binding counts fixed answers"


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_is_shown_and_typed_in_every_language(name: PollKind) -> None:
    kind = KINDS[name]
    assert ES._(kind.how_to_vote) != kind.how_to_vote, "the hint has no Spanish translation"
    fields = {f for _, f, _, _ in Formatter().parse(kind.how_to_vote) if f}
    assert fields <= {"number", "max", "points", *answer_words(TR)}
    for language in LANGUAGES:
        for word_kind, key in [("poll_kind", name), *(("vote", a) for a in kind.answers)]:
            forms = words.forms(language, word_kind, key)
            assert forms, f"{language}: [{word_kind}] {key} has no form"
            assert all(words.read(word_kind, form) == key for form in forms)


@pytest.mark.parametrize("name", KINDS)
def test_each_kind_reads_counts_shows_and_decides_its_own_ballots(name: PollKind) -> None:
    assert set(TYPED) == set(KINDS)
    kind, poll = KINDS[name], poll_of(name)
    ballot = kind.read(TR, poll, TYPED[name])
    counted = kind.tally(poll, [ballot, ballot])
    assert kind.decide(counted, 2, 2, 0.5) in ("passed", "blocked", "decided")
    assert kind.results(TR, poll, counted, "UTC")
    said = kind.remarks(TR, replace(poll, result="decided"), counted, "UTC")
    assert said if kind.answers else said[0].startswith("Chosen: ")
    json.dumps(kind.export(counted))
    assert all(kind.show(TR, o, "UTC") for o in poll.options)


def test_the_poll_commands_help_names_kinds_and_settings_as_each_language_types_them() -> None:
    """/help and the command menus show these fixed lines: their words are the typed ones."""
    poll, propose = COMMANDS["poll"], COMMANDS["propose"]
    catalogs = load_catalogs()
    for language in LANGUAGES:
        tr = translator(catalogs, language)
        summary = tr._(poll.summary)
        for name in (k for k in KINDS if KINDS[k].opened_by == "poll"):
            assert tr.word("poll_kind", name) in summary, f"{language}: {summary!r}"
        for command, settings in ((poll, ("secret", "hidden", "max")), (propose, SETTINGS)):
            assert command.syntax is not None
            syntax = tr._(command.syntax)
            for key in settings:
                assert tr.word("poll_setting", key) in syntax, f"{language}: {syntax!r}"


SETTINGS = ("secret", "hidden", "trusted", "quorum", "days")  # those /propose's syntax names
