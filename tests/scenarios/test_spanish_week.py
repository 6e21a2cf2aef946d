"""A Saturday distribution week and a blocked proposal, lived in Spanish through the console.

The group is a Spanish-speaking one (minga set up with Spanish as its language, as a network
in Venezuela would run it), and everyone types what a Spanish speaker types: Spanish command
names, days, roles, vote words and settings. Everything minga says must be Spanish: the only
English words allowed are those the group typed itself (tests/english.py finds the rest).

This is the "done when" of issue 15: the command names, the words after them (a shift's
plan, a pickup window), vote words, poll settings, categories, date forms and the word that
makes a proposal binding (`hacer`) are all typed in Spanish here.
"""

import re

import pytest

from tests.english import english_in
from tests.scenarios.test_console import minga
from tests.scenarios.test_distribution_week import messages

SPANISH = 'language = "es"'  # the network's minga speaks Spanish to new people and groups

GROUP = "Olla Común Centro"
VOLUNTEERS = {
    "Beto": "empaque",
    "Carmen": "empaque",
    "Diego": "mesa",
    "Elena": "mesa",
    "Fabio": "mesa",
    "Gabi": "chofer",
}
RECIPIENTS = ["Lucía", "Marta", "Nico", "Olga", "Pablo", "Rosa", "Sara", "Tomás", "Vera"]

WEEK = "\n".join(
    [
        ":clock 2026-03-02 09:00",
        ":dm",
        "/empezar",
        ":press 2",  # Español
        "/idioma es",
        f":group {GROUP}",
        f"/crear {GROUP}",
        "/ajustar idioma es",
        '/turno nuevo "Reparto de cajas" sábado 10:00-13:00 semanal plazas 6 '
        "roles empaque:2,mesa:3,chofer:1",
        '/turno nuevo "Pan de la panadería" viernes 08:00-08:30 semanal plazas 1 recogida',
        '/retiros abrir sábado 13:00-14:00 cada 15 cajas 2 en "Salón comunal"',
        *(
            line
            for who in [*VOLUNTEERS, "Hugo", "Iris", *RECIPIENTS]
            for line in (f":as {who}", ":group", "/unirme", ":dm", "/empezar", ":group")
        ),
        *(
            line
            for who, role in VOLUNTEERS.items()
            for line in (f":as {who}", f"/anotarme S1 {role}")
        ),
        ":as Iris",
        "/anotarme S1 mesa",  # full: the waitlist
        ":as Ana",
        "/anotarme S1 mesa",
        ":as Hugo",
        "/anotarme S2 chofer",
        ":as Elena",
        "/anotarme S5",  # the bread, on Friday
        # Eight boxes for nine families: the ninth is asked whether to wait, and says yes.
        *(
            line
            for n, who in enumerate(RECIPIENTS)
            for line in (f":as {who}", ":dm", "/reservar", "1" if n < 8 else ":press 1")
        ),
        # A request and an offer, typed the way minga's own Spanish examples show them.
        ":as Lucía",
        "/pedir comida Centro para el viernes: 2 cajas para una familia de 4",
        ":as Marta",  # step by step, answering minga's questions
        "/pedir",
        "comida",
        "pañales para bebé",
        "Barrio Norte",
        "lo antes posible",
        "urgente",
        ":press 1",  # through minga
        ":press 1",  # without her name
        ":as Nico",
        "/ofrecer comida Centro hasta el sábado: 10 panes",
        ":as Beto",
        ":group",
        "/pedidos",
        "/ayudar R1",
        ":dm",
        "/mensaje R1 Puedo llevarlas el jueves después de las 5, ¿está bien?",
        ":as Lucía",
        "/mensaje R1 ¡sí, gracias! Toca el timbre dos veces",
        ":as Olga",
        ":group",
        "/ofertas",
        "/tomar O1",
        ":clock 2026-03-03 09:00",
        ":as Diego",
        ":group",
        "/ceder S1",
        ":as Iris",
        ":dm",
        "/tomar S1",
        ":clock 2026-03-04 09:00",
        ":as Gabi",
        ":dm",
        "/cambiar S1 S2",
        ":as Hugo",
        ":dm",
        ":press 1",
        # Each reminder at its time: the evening before the bread, a day and two hours
        # before the distribution, two hours before each pickup window.
        ":clock 2026-03-05 20:00",
        ":as Beto",
        "/hecho R1",
        ":as Lucía",
        "/gracias R1 Los niños quedaron felices",
        ":clock 2026-03-06 10:00",
        ":clock 2026-03-07 08:00",
        ":as Fabio",
        ":dm",
        ":clock 2026-03-07 08:30",
        "/retirarme S1",
        ":clock 2026-03-07 11:00",
        ":clock 2026-03-07 13:30",
        ":as Ana",
        ":group",
        "/retiros",
        *(f"/recogido B{n}" for n in range(2, 9)),  # B1 is not collected: Vera gets it
        ":clock 2026-03-07 17:30",
        "/turnos",
        "/misturnos",
    ]
)

DECISION = "\n".join(
    [
        ":clock 2026-03-02 09:00",
        ":dm",
        "/empezar",
        f":group {GROUP}",
        f"/crear {GROUP}",
        *(line for who in ("Beto", "Carmen", "Diego") for line in (f":as {who}", "/unirme")),
        ":as Ana",
        '/turno nuevo "Reparto de cajas" sábado 10:00-13:00 semanal plazas 12 '
        "roles empaque:4,mesa:6,chofer:2",
        "/anotarme S1 empaque",
        "/proponer Mover el reparto al domingo hacer turno mover S1 domingo 10:00 todas",
        ":press 1",
        ":as Beto",
        "/votar P1 bloqueo el salón está alquilado los domingos hasta abril",
        ":as Ana",
        "/cerrar P1",
        "/proponer Mover el reparto al domingo, en la iglesia "
        "hacer turno mover S1 domingo 10:00 todas; quórum 50%",
        ":press 1",
        ":as Beto",
        ":press 1",
        ":as Carmen",
        ":press 2",
        ":as Diego",
        "/votar P2 de acuerdo",
        "/turnos",
        ":as Ana",
        "/misturnos",
    ]
)


def typed(script: str) -> list[str]:
    """What the people typed: their lines, names and the group's name; not the console's."""
    found = []
    for line in script.splitlines():
        steer, _, rest = line.partition(" ")
        if not line.startswith(":"):
            found.append(line)
        elif steer in (":as", ":group"):
            found.append(rest)
    return found


def leaks(transcript: list[tuple[str, str]], script: str) -> list[str]:
    """Each line minga said with English in it, with the English words."""
    theirs = typed(script)
    return [
        f"[{where}] {line}  ← {found}"
        for where, body in transcript
        for line in body.splitlines()
        if (found := english_in(line, theirs))
    ]


def said(transcript: list[tuple[str, str]], where: str, text: str) -> int:
    return sum(text in body for place, body in transcript if place == where)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    return messages(minga(tmp_path_factory.mktemp("semana"), WEEK + "\n", groups=SPANISH))


@pytest.fixture(scope="module")
def decision(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    return messages(minga(tmp_path_factory.mktemp("decision"), DECISION + "\n", groups=SPANISH))


def test_the_week_speaks_only_spanish(week: list[tuple[str, str]]) -> None:
    assert leaks(week, WEEK) == []


def test_the_decision_speaks_only_spanish(decision: list[tuple[str, str]]) -> None:
    assert leaks(decision, DECISION) == []


def to(who: str) -> str:
    return f"{who}, private"


def test_the_distribution_is_filled_swapped_and_reminded(week: list[tuple[str, str]]) -> None:
    assert said(week, to("Iris"), "te lo ofrezco a ti primero") == 1
    assert said(week, to("Diego"), "Iris tomó tu lugar de mesa en S1: quedas libre.") == 1
    assert said(week, to("Gabi"), "Hugo aceptó: tu intercambio de S1 y S2 ya está hecho.") == 1
    assert said(week, to("Ana"), "Se liberó un lugar: ahora estás en S1") == 1
    final = [body for _, body in week if body.startswith("S1 · Reparto de cajas")][-1]
    assert final.splitlines()[1:4] == [
        "empaque 2/2: Beto, Carmen",
        "mesa 3/3: Iris, Elena, Ana",
        "chofer 1/1: Hugo",
    ]
    reminded = {
        who: said(week, to(who), "Recordatorio: S1 · Reparto de cajas · sáb 7 mar 10:00–13:00")
        for who in [*VOLUNTEERS, "Hugo", "Iris", "Ana"]
    }
    # Diego gave his place away and Gabi swapped before the reminders; Ana came in after.
    assert reminded == {
        "Beto": 2,
        "Carmen": 2,
        "Diego": 0,
        "Elena": 2,
        "Fabio": 2,
        "Gabi": 0,
        "Hugo": 2,
        "Iris": 2,
        "Ana": 0,
    }
    bread = "Recordatorio: S5 · Pan de la panadería · vie 6 mar 08:00–08:30"
    assert said(week, to("Elena"), bread) == 1
    assert not [body for _, body in week if "(Enviado con retraso" in body]


def test_the_boxes_are_booked_collected_and_passed_on(week: list[tuple[str, str]]) -> None:
    assert [
        who for who in RECIPIENTS if said(week, to(who), "Recordatorio: tu caja de comida")
    ] == (RECIPIENTS[:8])
    assert said(week, to("Vera"), "Ahora todas las cajas están reservadas.") == 1
    assert said(week, to("Lucía"), "Tu caja B1 no se retiró a tiempo") == 1
    assert said(week, to("Vera"), "Hoy hay una caja de comida libre para ti en Salón comunal") == 1
    table = next(body for _, body in week if body.startswith("Retiros de hoy:"))
    assert "B1" in table and "Lucía" not in table


def test_a_request_is_helped_and_an_offer_taken(week: list[tuple[str, str]]) -> None:
    assert said(week, to("Lucía"), "Buenas noticias: Beto va a ayudar con R1.") == 1
    assert said(week, to("Lucía"), "Puedo llevarlas el jueves después de las 5, ¿está bien?") == 1
    assert said(week, GROUP, "✅ Completado, con la ayuda de Beto.") >= 1
    assert said(week, GROUP, "Agradecimiento: “Los niños quedaron felices”") >= 1
    assert said(week, GROUP, "R2 · URGENTE · comida · Barrio Norte · lo antes posible") >= 1
    assert said(week, GROUP, "O1 · comida · Centro · hasta el sáb 7 mar 18:00 · 10 panes") >= 1
    assert said(week, to("Nico"), "Olga (@olga) quiere su parte de O1") == 1


def test_the_week_view_shows_next_saturday(week: list[tuple[str, str]]) -> None:
    view = [body for _, body in week if body.startswith("La próxima semana:")][-1]
    assert "S2 · Reparto de cajas · sáb 14 mar 10:00–13:00 · empaque 0/2, mesa 0/3, chofer 1/1" in (
        view
    )


def test_a_block_stops_a_proposal_and_the_revised_one_moves_the_series(
    decision: list[tuple[str, str]],
) -> None:
    closed = [body for _, body in decision if body.startswith("Se cerró P1")]
    assert closed == [
        "Se cerró P1: Mover el reparto al domingo\nQuedó bloqueada.\n"
        "bloqueo: “el salón está alquilado los domingos hasta abril”"
    ]
    assert said(
        decision, GROUP, "Se cerró P2: Mover el reparto al domingo, en la iglesia\nSe aprobó."
    )
    assert said(decision, GROUP, "Llevo a cabo lo decidido en P1") == 0
    assert said(decision, GROUP, "Llevo a cabo lo decidido en P2") == 1
    assert said(decision, GROUP, "4 turnos reprogramados; les aviso a las personas") == 1
    moved = "S1 (Reparto de cajas) cambió de horario: ahora es el dom 8 mar 10:00–13:00."
    assert said(decision, to("Ana"), moved) == 1
    mine = [body for _, body in decision if body.startswith("Tus turnos:")][-1]
    assert mine.endswith("S1 · Reparto de cajas · dom 8 mar 10:00–13:00 · empaque")


def test_the_people_who_typed_only_found_themselves_understood(
    week: list[tuple[str, str]], decision: list[tuple[str, str]]
) -> None:
    refused = re.compile(r"No conozco|no es un|no tiene|Escríbelo así|Usa /|Responde con")
    assert [body for _, body in week + decision if refused.search(body)] == []
