"""The command parser and every typed argument, fed anything: a value or a polite refusal
(BadArgument), never another exception. Pure functions, so thousands of cases."""

from datetime import UTC, datetime
from functools import partial

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot import dates, params, times
from bot.commands import COMMANDS
from bot.dates import NO_END, parse_when
from bot.handlers import offers, pickups, polls, reminders, requests, shifts
from bot.i18n import load_catalogs, translator
from bot.params import BadArgument
from bot.router import CommandLine, parse_command, problem_with_text, split_args
from bot.settings import SETTINGS
from tests.hostile.budget import cases
from tests.hostile.texts import any_text, hostile, word

ES = translator(load_catalogs(), "es")  # a refused poll setting is answered in it

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PREFIXES = st.sampled_from((("/",), ("!",), ("/", "!"), ("!minga ",)))
PARAMS = [(c.name, p) for c in COMMANDS.values() for p in c.params]
LINE_FORMS = [(c.name, c.parse_line) for c in COMMANDS.values() if c.parse_line]


def only_refusals(parse, raw):  # type: ignore[no-untyped-def]
    """Call a parser: what it may do is return or refuse politely."""
    try:
        return parse(raw)
    except BadArgument:
        return None


@given(any_text(), PREFIXES, st.sampled_from((None, "mingabot", "MingaBot", "")))
@cases(1700)
def test_any_text_is_a_command_or_not_and_never_breaks_the_parser(
    text: str, prefixes: tuple[str, ...], bot_name: str | None
) -> None:
    line = parse_command(text, prefixes, bot_name)
    if not any(text.strip().startswith(p) for p in prefixes):
        assert line is None
        return
    assert line is not None
    assert line.name == line.name.casefold() and not any(c.isspace() for c in line.name)
    assert "@" not in line.name
    assert line.args == line.args.strip()
    problem_with_text(text)  # never raises either


@given(st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), any_text())
@cases(500)
def test_a_command_line_comes_back_as_typed(name: str, args: str) -> None:
    line = parse_command(f"/{name} {args}", ("/",), "mingabot")
    assert line is not None and line.name == name and line.args == args.strip()
    addressed = parse_command(f"/{name}@MINGABOT {args}", ("/",), "mingabot")
    assert addressed == line
    assert parse_command(f"/{name}@otherbot {args}", ("/",), "mingabot") == CommandLine("", "")


@given(st.sampled_from(sorted(COMMANDS)), any_text())
@cases(1000)
def test_words_are_split_among_a_commands_parameters(name: str, raw: str) -> None:
    command = COMMANDS[name]
    try:
        values, extra = split_args(command, raw)
    except ValueError:  # an unclosed quote: answered "A quote is not closed"
        return
    assert set(values) <= {p.name for p in command.params}
    assert all(isinstance(v, str) for v in values.values())  # "" when typed as ""
    assert all(isinstance(w, str) for w in extra)


@given(st.sampled_from(PARAMS), st.one_of(any_text(), word()))
@cases(2000)
def test_every_typed_argument_is_a_value_or_a_polite_refusal(
    param: tuple[str, params.Param], raw: str
) -> None:
    only_refusals(param[1].parse, raw)


@given(st.sampled_from(LINE_FORMS), any_text())
@cases(1000)
def test_every_one_line_form_reads_or_refuses(form, line: str) -> None:  # type: ignore[no-untyped-def]
    answers = only_refusals(form[1], line)
    if answers is None:
        return
    command = COMMANDS[form[0]]
    assert set(answers) <= {p.name for p in command.params}
    for param in command.params:  # and what it read, each parameter reads or refuses
        if param.name in answers:
            only_refusals(param.parse, answers[param.name])


@given(st.sampled_from(sorted(SETTINGS)), st.one_of(any_text(), word()))
@cases(500)
def test_every_setting_value_is_read_or_refused(key: str, raw: str) -> None:
    only_refusals(SETTINGS[key].parse, raw)


@given(st.one_of(hostile(6), word()))
@cases(1000)
def test_the_pieces_of_the_plan_forms_read_or_refuse(raw: str) -> None:
    """Days, clock times, ranges, roles, flags and counts inside /shift, /pickups, /poll,
    /offer, /signup and /reminders."""
    for parse in (
        partial(dates.weekday, language="es"),
        times.clock,
        times.time_range,
        offers.quantity_of,
        shifts.role_and_weeks,
        shifts.split_flags,
        partial(polls.split_poll_line, ES),
        reminders._hours,
        pickups.parse_line,
        requests.parse_request_line,
        offers.parse_offer_line,
    ):
        only_refusals(parse, raw)
    only_refusals(shifts.parse_roles, raw.split())


@pytest.mark.parametrize("language", ["en", "es"])
@given(
    st.one_of(hostile(5), st.sampled_from(("friday 18:00", "mañana", "asap", "none"))),
    st.sampled_from(("UTC", "America/Caracas", "Pacific/Kiritimati")),
)
@cases(100)
def test_dates_typed_in_any_words_read_or_refuse(language: str, raw: str, zone: str) -> None:
    assume(len(raw) < 200)  # the dialog's own limit (params.text(100)) comes first
    for moment in (
        only_refusals(lambda r: parse_when(r, NOW, zone, language), raw),
        only_refusals(lambda r: parse_when(r, NOW, zone, language, NO_END), raw),
    ):
        assert moment is None or moment > NOW
