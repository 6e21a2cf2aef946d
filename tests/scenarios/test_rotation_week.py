"""A rotating Saturday soup, lived through the console for three weeks and the ask for the
fourth: minga asks privately, first, those who took it least (ties to whoever waited
longest); the ask's button signs that person up; the group only ever hears how many took
turns, and each person alone hears their own share. Then the same, shortly, in Spanish.
"""

import re

import pytest

from tests.scenarios.test_console import minga
from tests.scenarios.test_distribution_week import messages

GROUP = "Free Food Eastside"
ROSTER = ("Ana", "Ben", "Chioma", "Dev", "Eli", "Fay", "Gus")
ASKED = "rotates: you are asked first"
S4 = "S4 · Soup · Sat 28 Mar 10:00–13:00"

# Turns before S4 (28 March): Ana 3, Ben 2; Chioma 1 (7 Mar), Dev 1 (14 Mar), Eli and Fay 1
# (21 Mar); Gus none. Three places: Gus, then Chioma, who waited longer than Dev.
WEEKS = {
    "2026-03-02": ("S1", ("Ana", "Ben", "Chioma")),
    "2026-03-09": ("S2", ("Ana", "Ben", "Dev")),
    "2026-03-16": ("S3", ("Ana", "Fay", "Eli")),
}


def season() -> str:
    lines = [":clock 2026-03-02 08:00", ":dm", "/start", f":group {GROUP}", f"/setup {GROUP}"]
    for who in ROSTER[1:]:
        lines += [f":as {who}", ":group", "/join", ":dm", "/start"]
    lines += [
        ":as Ana",
        ":group",
        '/shift add "Soup" sat 10:00-13:00 weekly places 3 rotating',
    ]
    for day, (shift, people) in WEEKS.items():  # each Monday, that week's people sign up
        lines.append(f":clock {day} 09:00")
        for who in people:
            lines += [f":as {who}", ":group", f"/signup {shift}"]
    lines += [
        ":clock 2026-03-21 08:00",
        ":advance 2h",  # Saturday 10:00: S3 begins, and S4 is asked for
        ":as Dev",  # the last one asked presses the ask's button
        ":press 1",
        ":clock 2026-03-21 14:00",
        ":as Ana",
        ":group",
        "/shifts",
        *(line for who in ("Ana", "Dev", "Gus") for line in (f":as {who}", ":dm", "/myshifts")),
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> str:
    return minga(tmp_path_factory.mktemp("rotation"), season())


def asks(transcript: list[tuple[str, str]], shift: str) -> list[str]:
    """Who was asked privately for `shift`, in the order minga wrote to them."""
    return [
        where.removesuffix(", private")
        for where, body in transcript
        if body.startswith(f"{shift} ·") and ASKED in body
    ]


def test_the_least_active_are_asked_first_and_ties_go_to_who_waited_longest(out: str) -> None:
    before, _, after = out.partition("> :advance 2h\n")
    ask_time = after.split("(the clock now reads")[0]
    assert asks(messages(ask_time), "S4") == ["Gus", "Chioma", "Dev"]
    assert asks(messages(before), "S4") == []  # not a moment before its day
    assert asks(messages(out), "S4") == ["Gus", "Chioma", "Dev"]  # and once only


def test_the_asks_button_signs_that_person_up(out: str) -> None:
    pressed = messages(out.partition("Dev (Free Food Eastside)> :press 1\n")[2].split("> ")[0])
    assert ("Dev, private", f"You are on {S4} as volunteer. Thank you!") in pressed
    mine = out.partition("Dev (private)> /myshifts\n")[2].split("> ")[0]
    assert S4 in mine


def test_the_group_hears_how_many_took_turns_never_who(out: str) -> None:
    answer = out.partition(f"Ana ({GROUP})> /shifts\n")[2].split("> ")[0]
    assert "Soup: 6 people took turns in the last 6 weeks." in answer
    in_group = [body for where, body in messages(out) if where == GROUP]
    shares = [line for body in in_group for line in body.splitlines() if "took turns" in line]
    assert shares == ["Soup: 6 people took turns in the last 6 weeks."]
    counted = re.compile(r"\b\d+ times?\b|you are asked first|You took|average")
    assert not [body for body in in_group if counted.search(body)]


def test_myshifts_tells_each_person_their_own_share_privately(out: str) -> None:
    def share(who: str) -> str:
        return out.partition(f"{who} (private)> /myshifts\n")[2].split("> ")[0]

    average = "in the last 6 weeks; the group's average is 1.3."  # 9 turns, 7 people
    assert f"You took Soup 3 times {average}" in share("Ana")
    assert f"You took Soup 1 time {average}" in share("Dev")
    assert f"You took Soup 0 times {average}" in share("Gus")
    assert all(other not in share("Gus") for other in ROSTER[:-1])


SPANISH_GROUP = "Olla Común Centro"
SPANISH = "\n".join(
    [
        ":clock 2026-03-02 08:00",
        ":dm",
        "/empezar",
        ":press 2",  # Español
        f":group {SPANISH_GROUP}",
        f"/crear {SPANISH_GROUP}",
        *(
            line
            for who in ("Beto", "Carmen")
            for line in (f":as {who}", ":group", "/unirme", ":dm", "/empezar")
        ),
        ":as Ana",
        ":group",
        '/turno nuevo "Reparto" sábado 10:00-13:00 semanal plazas 1 rotativo',
        "/anotarme S1",
        ":as Beto",
        "/anotarme S2",
        ":clock 2026-03-14 08:00",
        ":advance 2h",  # S3's ask: Carmen, who took none
        ":as Carmen",
        ":press 1",
        ":as Ana",
        ":group",
        "/turnos",
        ":dm",
        "/misturnos",
        ":group",
        "/turno rotar S4 no",  # from now on, its shifts open to everyone at once
        ":clock 2026-03-21 11:00",
    ]
)


def test_a_rotating_activity_in_spanish(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = minga(tmp_path_factory.mktemp("rotativo"), SPANISH + "\n", groups='language = "es"')
    after = out.partition("> :advance 2h\n")[2]
    ask_time = messages(after.split("(the clock now reads")[0])
    assert [(where, body.splitlines()[1]) for where, body in ask_time] == [
        (
            "Carmen, private",
            "Reparto rota: te pregunto primero, porque eres de quienes menos lo tomaron "
            "en las últimas 6 semanas. Libres: voluntario 1.",
        )
    ]
    assert "Estás en S3 · Reparto" in out.partition("> :press 1\n")[2].split("> ")[0]
    assert "Reparto ya no rota" in out.partition("/turno rotar S4 no\n")[2].split("> ")[0]
    shifts = out.partition(f"Ana ({SPANISH_GROUP})> /turnos\n")[2].split("> ")[0]
    assert "Reparto: 2 personas tomaron turnos en las últimas 6 semanas." in shifts
    own = out.partition("Ana (private)> /misturnos\n")[2].split("> ")[0]
    assert "Tomaste Reparto 1 vez en las últimas 6 semanas; el promedio del grupo es 0,7." in own
    after_off = out.partition(f"Ana ({SPANISH_GROUP})> :clock 2026-03-21 11:00\n")[2]
    assert "te pregunto primero" not in after_off  # S4 no longer rotates: nobody asked
