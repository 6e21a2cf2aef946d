"""Dates and times as people type them, in each language: the instant each form gives."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dateparser
import pytest

from bot.dates import NO_END, PASSED, UNREADABLE, fast, parse_when
from bot.i18n import load_catalogs, translator
from bot.params import BadArgument
from tests.harness import Harness, Seen, text

# Where and when each row is typed: the zone and the local time there.
SCENES = {
    "caracas": ("America/Caracas", "2026-12-09T14:00"),  # a Wednesday afternoon
    "madrid": ("Europe/Madrid", "2026-12-09T10:00"),
    "sao_paulo": ("America/Sao_Paulo", "2026-12-09T14:00"),
    "madrid_spring": (
        "Europe/Madrid",
        "2027-03-27T12:00",
    ),  # the clocks jump 02:00→03:00 next night
    "madrid_autumn": ("Europe/Madrid", "2026-10-24T12:00"),  # 02:00–03:00 comes twice next night
}
# (what is typed, the instant it gives with the zone's offset, the scene)
CASES = {
    "en": [
        ("friday", "2026-12-11T18:00-04:00"),
        ("friday 18:00", "2026-12-11T18:00-04:00"),
        ("fri 10h", "2026-12-11T10:00-04:00"),
        ("on friday", "2026-12-11T18:00-04:00"),
        ("by friday", "2026-12-11T18:00-04:00"),
        ("Friday.", "2026-12-11T18:00-04:00"),
        ("next friday", "2026-12-11T18:00-04:00"),
        ("wednesday", "2026-12-09T18:00-04:00"),
        ("next wednesday", "2026-12-16T18:00-04:00"),
        ("wednesday 10:00", "2026-12-16T10:00-04:00"),
        ("this coming monday", "2026-12-14T18:00-04:00"),
        ("monday at 8", "2026-12-14T08:00-04:00"),
        ("monday at 5", "2026-12-14T17:00-04:00"),
        ("monday at 5am", "2026-12-14T05:00-04:00"),
        ("saturday 9 am", "2026-12-12T09:00-04:00"),
        ("tomorrow", "2026-12-10T18:00-04:00"),
        ("tomorrow at 10", "2026-12-10T10:00-04:00"),
        ("tomorrow morning", "2026-12-10T09:00-04:00"),
        ("tomorrow afternoon", "2026-12-10T15:00-04:00"),
        ("tomorrow evening", "2026-12-10T19:00-04:00"),
        ("tomorrow night", "2026-12-10T21:00-04:00"),
        ("tomorrow at noon", "2026-12-10T12:00-04:00"),
        ("midnight", "2026-12-10T00:00-04:00"),
        ("today", "2026-12-09T18:00-04:00"),
        ("today at 4pm", "2026-12-09T16:00-04:00"),
        ("tonight", "2026-12-09T21:00-04:00"),
        ("this evening", "2026-12-09T19:00-04:00"),
        ("afternoon", "2026-12-09T15:00-04:00"),
        ("morning", "2026-12-10T09:00-04:00"),
        ("the day after tomorrow", "2026-12-11T18:00-04:00"),
        ("day after tomorrow at 9am", "2026-12-11T09:00-04:00"),
        ("10/12", "2026-12-10T18:00-04:00"),
        ("10/12 at 3pm", "2026-12-10T15:00-04:00"),
        ("24/12/2026", "2026-12-24T18:00-04:00"),
        ("5/1", "2027-01-05T18:00-04:00"),
        ("5/1/27", "2027-01-05T18:00-04:00"),
        ("10.12.", "2026-12-10T18:00-04:00"),
        ("24.12.2026 20:00", "2026-12-24T20:00-04:00"),
        ("dec 10", "2026-12-10T18:00-04:00"),
        ("december 24th", "2026-12-24T18:00-04:00"),
        ("24 december", "2026-12-24T18:00-04:00"),
        ("jan 15 2027", "2027-01-15T18:00-04:00"),
        ("10 dec 9:30", "2026-12-10T09:30-04:00"),
        ("friday 11 december", "2026-12-11T18:00-04:00"),
        ("10h", "2026-12-10T10:00-04:00"),
        ("16h", "2026-12-09T16:00-04:00"),
        ("16:30", "2026-12-09T16:30-04:00"),
        ("18.30", "2026-12-09T18:30-04:00"),
        ("10h30", "2026-12-10T10:30-04:00"),
        ("8am", "2026-12-10T08:00-04:00"),
        ("8 pm", "2026-12-09T20:00-04:00"),
        ("8 p.m.", "2026-12-09T20:00-04:00"),
        ("12pm", "2026-12-10T12:00-04:00"),
        ("12am", "2026-12-10T00:00-04:00"),
        ("at 5", "2026-12-09T17:00-04:00"),
        ("at 8", "2026-12-10T08:00-04:00"),
        ("at 7:30", "2026-12-09T19:30-04:00"),
        ("at 05:30", "2026-12-10T05:30-04:00"),
        ("8 in the evening", "2026-12-09T20:00-04:00"),
        ("8 in the morning", "2026-12-10T08:00-04:00"),
        ("in 3 days", "2026-12-12T18:00-04:00"),
        ("in 2 hours", "2026-12-09T16:00-04:00"),
        ("in 30 minutes", "2026-12-09T14:30-04:00"),
        ("in a week", "2026-12-16T18:00-04:00"),
        ("within two weeks", "2026-12-23T18:00-04:00"),
        ("in an hour", "2026-12-09T15:00-04:00"),
        ("in 2 months", "2027-02-09T18:00-04:00"),  # dateparser's
        ("today", "2026-12-09T18:00+01:00", "madrid"),
        ("at 11", "2026-12-09T11:00+01:00", "madrid"),
        ("tomorrow 8am", "2026-12-10T08:00-03:00", "sao_paulo"),
        ("tomorrow 02:30", "2027-03-28T03:30+02:00", "madrid_spring"),  # after the jump
        ("tomorrow 18h", "2027-03-28T18:00+02:00", "madrid_spring"),
        ("in 24 hours", "2027-03-28T13:00+02:00", "madrid_spring"),
        ("sunday 02:30", "2026-10-25T02:30+02:00", "madrid_autumn"),  # the first 02:30
        ("tomorrow", "2026-10-25T18:00+01:00", "madrid_autumn"),
        ("in 24 hours", "2026-10-25T11:00+01:00", "madrid_autumn"),
    ],
    "es": [
        ("jueves 10h", "2026-12-10T10:00-04:00"),
        ("miércoles 18h", "2026-12-09T18:00-04:00"),
        ("el lunes a las 8", "2026-12-14T08:00-04:00"),
        ("mañana a las 10", "2026-12-10T10:00-04:00"),
        ("pasado mañana", "2026-12-11T18:00-04:00"),
        ("mañana por la tarde", "2026-12-10T15:00-04:00"),
        ("el próximo martes", "2026-12-15T18:00-04:00"),
        ("martes que viene", "2026-12-15T18:00-04:00"),
        ("jueves 10hs", "2026-12-10T10:00-04:00"),
        ("Jueves 10H", "2026-12-10T10:00-04:00"),
        ("miercoles 18h", "2026-12-09T18:00-04:00"),
        ("viernes", "2026-12-11T18:00-04:00"),
        ("el viernes", "2026-12-11T18:00-04:00"),
        ("para el viernes", "2026-12-11T18:00-04:00"),
        ("hasta el viernes", "2026-12-11T18:00-04:00"),
        ("antes del viernes", "2026-12-11T18:00-04:00"),
        ("viernes 18:00", "2026-12-11T18:00-04:00"),
        ("vie 9h", "2026-12-11T09:00-04:00"),
        ("el viernes a las 3 de la tarde", "2026-12-11T15:00-04:00"),
        ("sábado a las 9 de la mañana", "2026-12-12T09:00-04:00"),
        ("sábado por la mañana", "2026-12-12T09:00-04:00"),
        ("domingo al mediodía", "2026-12-13T12:00-04:00"),
        ("miércoles", "2026-12-09T18:00-04:00"),
        ("el miércoles que viene", "2026-12-16T18:00-04:00"),
        ("el próximo miércoles", "2026-12-16T18:00-04:00"),
        ("mañana", "2026-12-10T18:00-04:00"),
        ("mañana en la mañana", "2026-12-10T09:00-04:00"),
        ("mañana temprano", "2026-12-10T09:00-04:00"),
        ("mañana por la noche", "2026-12-10T21:00-04:00"),
        ("mañana a las 8 de la noche", "2026-12-10T20:00-04:00"),
        ("hoy", "2026-12-09T18:00-04:00"),
        ("hoy a las 4", "2026-12-09T16:00-04:00"),
        ("hoy en la noche", "2026-12-09T21:00-04:00"),
        ("esta noche", "2026-12-09T21:00-04:00"),
        ("esta tarde", "2026-12-09T15:00-04:00"),
        ("pasado mañana a las 7", "2026-12-11T19:00-04:00"),
        ("10/12", "2026-12-10T18:00-04:00"),
        ("10/12 a las 10", "2026-12-10T10:00-04:00"),
        ("24/12/2026", "2026-12-24T18:00-04:00"),
        ("10.12.", "2026-12-10T18:00-04:00"),
        ("5/1", "2027-01-05T18:00-04:00"),
        ("10 de diciembre", "2026-12-10T18:00-04:00"),
        ("el 24 de diciembre", "2026-12-24T18:00-04:00"),
        ("24 de diciembre a las 8 de la noche", "2026-12-24T20:00-04:00"),
        ("1 de enero de 2027", "2027-01-01T18:00-04:00"),
        ("15 de marzo", "2027-03-15T18:00-04:00"),
        ("viernes 11 de diciembre", "2026-12-11T18:00-04:00"),
        ("10h", "2026-12-10T10:00-04:00"),
        ("16h", "2026-12-09T16:00-04:00"),
        ("18.30", "2026-12-09T18:30-04:00"),
        ("10h30", "2026-12-10T10:30-04:00"),
        ("16:45", "2026-12-09T16:45-04:00"),
        ("a las 10 horas", "2026-12-10T10:00-04:00"),
        ("a las 5", "2026-12-09T17:00-04:00"),
        ("a las 8", "2026-12-10T08:00-04:00"),
        ("a las 7:30", "2026-12-09T19:30-04:00"),
        ("a las 05:30", "2026-12-10T05:30-04:00"),
        ("a las 5 de la mañana", "2026-12-10T05:00-04:00"),
        ("5 de la madrugada", "2026-12-10T05:00-04:00"),
        ("8 de la noche", "2026-12-09T20:00-04:00"),
        ("a la 1 de la tarde", "2026-12-10T13:00-04:00"),
        ("8pm", "2026-12-09T20:00-04:00"),
        ("por la tarde", "2026-12-09T15:00-04:00"),
        ("mediodía", "2026-12-10T12:00-04:00"),
        ("en 3 días", "2026-12-12T18:00-04:00"),
        ("en 2 horas", "2026-12-09T16:00-04:00"),
        ("en 30 minutos", "2026-12-09T14:30-04:00"),
        ("dentro de una semana", "2026-12-16T18:00-04:00"),
        ("en una hora", "2026-12-09T15:00-04:00"),
        ("en dos semanas", "2026-12-23T18:00-04:00"),
        ("en 2 meses", "2027-02-09T18:00-04:00"),  # dateparser's
        ("jueves 10h", "2026-12-10T10:00+01:00", "madrid"),
        ("miércoles 18h", "2026-12-09T18:00+01:00", "madrid"),
        ("mañana a las 10", "2026-12-10T10:00+01:00", "madrid"),
        ("mañana a las 2h30", "2027-03-28T03:30+02:00", "madrid_spring"),
        ("domingo 18h", "2027-03-28T18:00+02:00", "madrid_spring"),
        ("mañana a las 02:30", "2026-10-25T02:30+02:00", "madrid_autumn"),
        ("mañana", "2026-10-25T18:00+01:00", "madrid_autumn"),
        ("en 24 horas", "2026-10-25T11:00+01:00", "madrid_autumn"),
    ],
    "pt": [
        ("quinta 10h", "2026-12-10T10:00-03:00"),
        ("quarta 18h", "2026-12-09T18:00-03:00"),
        ("na segunda às 8", "2026-12-14T08:00-03:00"),
        ("amanhã às 10", "2026-12-10T10:00-03:00"),
        ("depois de amanhã", "2026-12-11T18:00-03:00"),
        ("amanhã à tarde", "2026-12-10T15:00-03:00"),
        ("na próxima terça", "2026-12-15T18:00-03:00"),
        ("terça que vem", "2026-12-15T18:00-03:00"),
        ("terca", "2026-12-15T18:00-03:00"),
        ("quinta 10hs", "2026-12-10T10:00-03:00"),
        ("QUINTA 10H", "2026-12-10T10:00-03:00"),
        ("sexta", "2026-12-11T18:00-03:00"),
        ("sexta-feira", "2026-12-11T18:00-03:00"),
        ("sexta feira", "2026-12-11T18:00-03:00"),
        ("na sexta", "2026-12-11T18:00-03:00"),
        ("até sexta", "2026-12-11T18:00-03:00"),
        ("para sexta", "2026-12-11T18:00-03:00"),
        ("até o sábado", "2026-12-12T18:00-03:00"),
        ("sexta 18:00", "2026-12-11T18:00-03:00"),
        ("sex 9h", "2026-12-11T09:00-03:00"),
        ("sexta às 3 da tarde", "2026-12-11T15:00-03:00"),
        ("sábado às 9 da manhã", "2026-12-12T09:00-03:00"),
        ("sábado de manhã", "2026-12-12T09:00-03:00"),
        ("domingo ao meio-dia", "2026-12-13T12:00-03:00"),
        ("quarta", "2026-12-09T18:00-03:00"),
        ("quarta que vem", "2026-12-16T18:00-03:00"),
        ("próxima quarta-feira", "2026-12-16T18:00-03:00"),
        ("amanhã", "2026-12-10T18:00-03:00"),
        ("amanhã de manhã", "2026-12-10T09:00-03:00"),
        ("amanhã cedo", "2026-12-10T09:00-03:00"),
        ("amanhã à noite", "2026-12-10T21:00-03:00"),
        ("amanhã às 8 da noite", "2026-12-10T20:00-03:00"),
        ("hoje", "2026-12-09T18:00-03:00"),
        ("hoje às 4", "2026-12-09T16:00-03:00"),
        ("hoje à noite", "2026-12-09T21:00-03:00"),
        ("esta noite", "2026-12-09T21:00-03:00"),
        ("à tarde", "2026-12-09T15:00-03:00"),
        ("depois de amanhã às 7", "2026-12-11T19:00-03:00"),
        ("10/12", "2026-12-10T18:00-03:00"),
        ("10/12 às 10", "2026-12-10T10:00-03:00"),
        ("24/12/2026", "2026-12-24T18:00-03:00"),
        ("10.12.", "2026-12-10T18:00-03:00"),
        ("5/1", "2027-01-05T18:00-03:00"),
        ("10 de dezembro", "2026-12-10T18:00-03:00"),
        ("24 de dezembro às 8 da noite", "2026-12-24T20:00-03:00"),
        ("1º de janeiro de 2027", "2027-01-01T18:00-03:00"),
        ("15 de março", "2027-03-15T18:00-03:00"),
        ("sexta, 11 de dezembro", "2026-12-11T18:00-03:00"),
        ("10h", "2026-12-10T10:00-03:00"),
        ("16h", "2026-12-09T16:00-03:00"),
        ("18.30", "2026-12-09T18:30-03:00"),
        ("10h30", "2026-12-10T10:30-03:00"),
        ("16:45", "2026-12-09T16:45-03:00"),
        ("às 5", "2026-12-09T17:00-03:00"),
        ("às 8", "2026-12-10T08:00-03:00"),
        ("às 7:30", "2026-12-09T19:30-03:00"),
        ("às 05:30", "2026-12-10T05:30-03:00"),
        ("às 5 da manhã", "2026-12-10T05:00-03:00"),
        ("5 da madrugada", "2026-12-10T05:00-03:00"),
        ("8 da noite", "2026-12-09T20:00-03:00"),
        ("à 1 da tarde", "2026-12-10T13:00-03:00"),
        ("8pm", "2026-12-09T20:00-03:00"),
        ("meio-dia", "2026-12-10T12:00-03:00"),
        ("meia-noite", "2026-12-10T00:00-03:00"),
        ("em 3 dias", "2026-12-12T18:00-03:00"),
        ("em 2 horas", "2026-12-09T16:00-03:00"),
        ("em 30 minutos", "2026-12-09T14:30-03:00"),
        ("daqui a uma semana", "2026-12-16T18:00-03:00"),
        ("em uma hora", "2026-12-09T15:00-03:00"),
        ("dentro de duas semanas", "2026-12-23T18:00-03:00"),
        ("em 2 meses", "2027-02-09T18:00-03:00"),  # dateparser's
        ("amanhã 10h", "2026-12-10T10:00-04:00", "caracas"),
        ("amanhã às 2h30", "2027-03-28T03:30+02:00", "madrid_spring"),
        ("amanhã às 02:30", "2026-10-25T02:30+02:00", "madrid_autumn"),
        ("em 24 horas", "2026-10-25T11:00+01:00", "madrid_autumn"),
    ],
}
HOME = {"en": "caracas", "es": "caracas", "pt": "sao_paulo"}
BY_DATEPARSER = {"in 2 months", "en 2 meses", "em 2 meses"}  # the fast path leaves these
# (language, what is typed, the message, the scene)
REFUSED = [
    ("en", "yesterday", PASSED),
    ("en", "today at 9", PASSED),
    ("en", "8/12", PASSED),  # the nearest 8 December is yesterday
    ("en", "10/12/2025", PASSED),
    ("en", "next blursday", UNREADABLE),
    ("en", "banana", UNREADABLE),
    ("en", "friday 13pm", UNREADABLE),
    ("en", "31/02", UNREADABLE),
    ("en", "friday 10/12", UNREADABLE),  # the 10th is a Thursday
    ("es", "ayer", PASSED),
    ("es", "hoy a las 9", PASSED),
    ("es", "8/12", PASSED),
    ("es", "el 1 de enero de 2020", PASSED),
    ("es", "jueves 25h", UNREADABLE),
    ("es", "cuando pueda", UNREADABLE),
    ("es", "en 2 horas a las 5", UNREADABLE),
    ("es", "sin fecha", UNREADABLE),  # "no end" is for offers, not for a deadline
    ("pt", "ontem", PASSED),
    ("pt", "hoje às 9", PASSED),
    ("pt", "8/12", PASSED),
    ("pt", "quinta 25h", UNREADABLE),
    ("pt", "sei lá", UNREADABLE),
    ("pt", "sem data", UNREADABLE),
]
CATALOGS = load_catalogs()


def scene(name: str) -> tuple[str, datetime]:
    zone, local = SCENES[name]
    return zone, datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone))


ROWS = [
    pytest.param(
        language,
        row[0],
        row[1],
        row[2] if len(row) > 2 else HOME[language],
        id=f"{language}:{row[0]}",
    )
    for language, rows in CASES.items()
    for row in rows
]


def test_every_language_has_sixty_forms() -> None:
    assert {language: len(rows) >= 60 for language, rows in CASES.items()} == {
        "en": True,
        "es": True,
        "pt": True,
    }


@pytest.mark.parametrize(("language", "typed", "instant", "where"), ROWS)
def test_a_form_gives_its_instant(language: str, typed: str, instant: str, where: str) -> None:
    zone, now = scene(where)
    moment = parse_when(typed, now, zone, language)
    assert moment == datetime.fromisoformat(instant)


@pytest.mark.parametrize(("language", "typed", "instant", "where"), ROWS)
def test_the_common_forms_do_without_dateparser(
    language: str, typed: str, instant: str, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[str] = []
    monkeypatch.setattr(dateparser, "parse", lambda text, **_: called.append(text))
    zone, now = scene(where)
    fast_or_not = fast(typed, now, zone, language)
    assert (fast_or_not is None, bool(called)) == (typed in BY_DATEPARSER, False)


@pytest.mark.parametrize(("language", "typed", "message"), REFUSED, ids=lambda v: str(v)[:30])
def test_a_passed_or_unreadable_form_is_refused_politely(
    language: str, typed: str, message: str
) -> None:
    zone, now = scene(HOME[language])
    with pytest.raises(BadArgument) as refused:
        parse_when(typed, now, zone, language)
    assert (refused.value.message, refused.value.values) == (message, {"value": typed})
    shown = translator(CATALOGS, language)._(message, value=typed)
    assert typed in shown and "{" not in shown


@pytest.mark.parametrize(
    ("language", "typed"),
    [
        ("en", "asap"),
        ("en", "as soon as possible"),
        ("es", "lo antes posible"),
        ("es", "para lo antes posible"),
        ("es", "cuanto antes"),
        ("pt", "o quanto antes"),
        ("pt", "asap"),
    ],
)
def test_as_soon_as_possible_is_no_date(language: str, typed: str) -> None:
    zone, now = scene(HOME[language])
    assert parse_when(typed, now, zone, language) is None


@pytest.mark.parametrize(
    ("language", "typed"),
    [("en", "no end"), ("en", "none"), ("es", "sin fecha"), ("pt", "sem data"), ("pt", "nunca")],
)
def test_an_offer_may_have_no_end(language: str, typed: str) -> None:
    zone, now = scene(HOME[language])
    assert parse_when(typed, now, zone, language, NO_END) is None


# --- through the forms: a group in Caracas that speaks Spanish, on Wednesday 4 March 05:00 ----


@pytest.fixture
async def caracas(group: Harness) -> Harness:
    await group.say("Ana", "/set timezone America/Caracas")
    await group.say("Ana", "/set language es")
    return group


def posted(seen: list[Seen], start: str) -> str:
    return next(s.text for s in seen if s.chat_id == "group:food" and s.text.startswith(start))


async def test_a_request_in_one_line_reads_the_spanish_deadline(caracas: Harness) -> None:
    seen = await caracas.say(
        "Eli", "/request comida Centro para el jueves 10h: 2 cajas", group=None
    )
    assert posted(seen, "R1") == "R1 · comida · Centro · para el jue 5 mar 10:00 · 2 cajas"


async def test_the_connector_of_the_one_line_form_stays_out_of_the_area(caracas: Harness) -> None:
    seen = await caracas.say("Eli", "/request comida Centro para urgente: 1 caja", group=None)
    assert posted(seen, "R1") == "R1 · URGENTE · comida · Centro · lo antes posible · 1 caja"
    seen = await caracas.say(
        "Eli", "/request comida Las Mercedes antes de mañana: 1 caja", group=None
    )
    assert posted(seen, "R2") == "R2 · comida · Las Mercedes · para el jue 5 mar 18:00 · 1 caja"
    seen = await caracas.say("Eli", "/offer food Centro até o sábado: 2 pães", group=None)
    assert posted(seen, "O1").startswith("O1 · comida · Centro · hasta el sáb 7 mar 18:00 · 2 pães")


async def test_the_request_dialog_reads_the_spanish_deadline(caracas: Harness) -> None:
    await caracas.say("Lucía", "/join", language="es")
    answers = ("/request", "food", "2 cajas", "Centro", "mañana a las 10", "normal", "relay", "no")
    for answer in answers:
        seen = await caracas.say("Lucía", answer, group=None, language="es")
    assert posted(seen, "R1") == "R1 · comida · Centro · para el jue 5 mar 10:00 · 2 cajas"


async def test_an_offer_reads_the_spanish_end(caracas: Harness) -> None:
    seen = await caracas.say(
        "Eli", "/offer comida Centro hasta el sábado por la tarde: 3 panes", group=None
    )
    assert posted(seen, "O1").startswith(
        "O1 · comida · Centro · hasta el sáb 7 mar 15:00 · 3 panes"
    )


async def test_a_poll_closes_when_the_spanish_says(caracas: Harness) -> None:
    seen = await caracas.say(
        "Ana", "/poll choice Almuerzo: sopa | ensalada; closes pasado mañana a las 8"
    )
    assert "Cierra el vie 6 mar 08:00" in posted(seen, "P1")
    refused = await caracas.say(
        "Ana", "/poll choice Cena: arepas | pasta; closes ayer", language="es"
    )
    assert (
        text(refused)
        == "'ayer' ya pasó. Escribe un momento que todavía no haya llegado, por favor."
    )


# --- the day of a shift or of pickup windows: Wednesday 4 March 2026, 09:00 UTC ------------


@pytest.mark.parametrize(
    ("day", "first"),
    [
        ("sat", "Sat 7 Mar"),
        ("mañana", "Thu 5 Mar"),
        ("tomorrow", "Thu 5 Mar"),
        ("sábado que viene", "Sat 7 Mar"),
        ("next wednesday", "Wed 11 Mar"),
        ("20/3", "Fri 20 Mar"),
        ("en 3 días", "Sat 7 Mar"),
        ("sexta-feira", "Fri 6 Mar"),
    ],
)
async def test_a_shift_starts_on_a_weekday_a_date_or_a_day_from_today(
    group: Harness, day: str, first: str
) -> None:
    seen = await group.say("Ana", f'/shift add "Soup" {day} 10:00-13:00 weekly places 2')
    assert f"shifts open for sign-up, the first S1 · Soup · {first} 10:00–13:00." in seen[0].text


@pytest.mark.parametrize(
    ("day", "answer"),
    [
        ("ayer", "'ayer' has already passed."),
        ("hoy 08:00-09:00", "'hoy' has already passed."),
        ("31/2", "'31/2' is not a day I can read, like sat, 12/12 or tomorrow."),
        ("mañana a las 10 10:00-11:00", "is not a day I can read"),
    ],
)
async def test_a_shift_on_a_day_gone_or_unreadable_is_refused(
    group: Harness, day: str, answer: str
) -> None:
    hours = "" if "-" in day else " 10:00-13:00"
    assert answer in text(await group.say("Ana", f'/shift add "Soup" {day}{hours} places 2'))


async def test_pickup_windows_open_on_a_date_or_a_day_from_today(group: Harness) -> None:
    seen = await group.say("Ana", "/pickups open mañana 13:00-14:00 every 30 boxes 2")
    assert "Food boxes on Thu 5 Mar" in text(seen)
    seen = await group.say("Ana", "/pickups open 20/3 13:00-14:00 every 30 boxes 2")
    assert "Food boxes on Fri 20 Mar" in text(seen)
