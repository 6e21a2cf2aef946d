"""Polls in the group's language: the vote words, time answers, kinds and settings people type
are read in any language and shown in theirs; options are voted by name as well as number."""

import re

from tests.harness import Harness, text

ENGLISH = re.compile(r"\b(agree|abstain|disagree|block|objection|secret|hidden|yes|maybe)\b")
VOTES = re.compile(r"\b(agree|abstain|disagree|block)\b")  # the Portuguese catalog is young


async def in_language(group: Harness, language: str) -> None:
    await group.say("Ana", f"/set language {language}")
    for who in ("Ana", "Ben", "Chioma", "Dev", "Eli"):
        await group.say(who, f"/language {language}", group=None)


async def stored_choices(group: Harness) -> list[list[str]]:
    async with group.core.uow() as uow:
        poll = await uow.polls.get(1)
        assert poll is not None
        return sorted(b["choices"] for b in await uow.polls.ballots(poll))


async def test_a_spanish_proposal_is_voted_and_answered_in_spanish(group: Harness) -> None:
    await in_language(group, "es")
    said = [await group.say("Ana", "/propose Comprar una segunda nevera")]
    assert said[0][0].text.splitlines()[0] == "P1 · propuesta · Comprar una segunda nevera"
    said.append(await group.say("Ben", "/vote P1 bloqueo"))
    assert "con bloqueo es obligatorio: /votar P1 bloqueo <por qué>" in text(said[-1])
    said.append(await group.say("Ben", "/vote P1 quizás"))
    assert text(said[-1]) == (
        "Responde con una de estas opciones: de acuerdo, me abstengo, en desacuerdo, bloqueo."
    )
    said.append(await group.say("Ben", "/vote P1 desacuerdo"))
    assert "Se contó tu voto en P1." in text(said[-1])
    assert "/votar P1 en desacuerdo <" in text(said[-1])  # why, if Ben likes
    said.append(await group.say("Chioma", "/vote P1 En Desacuerdo porque cuesta mucho"))
    said.append(await group.say("Dev", "/vote P1 Bloqueo: no estamos listos"))
    said.append(await group.say("Ana", "/vote P1 a favor"))
    said.append(await group.later(seconds=3))
    assert await stored_choices(group) == [["agree"], ["block"], ["disagree"], ["disagree"]]
    said.append(await group.say("Ana", "/close P1"))
    assert "Quedó bloqueada." in text(said[-1])
    assert "bloqueo: “no estamos listos”" in text(said[-1])
    assert "en desacuerdo" in text(said[-1]) and "de acuerdo" in text(said[-1])
    leaks = [s.text for seen in said for s in seen if ENGLISH.search(s.text)]
    assert not leaks, f"English words in Spanish answers: {leaks}"


async def test_a_spanish_consent_round_and_its_refusals(group: Harness) -> None:
    await in_language(group, "es")
    said = [await group.say("Ana", "/poll consentimiento Probar la furgoneta nueva")]
    assert said[0][0].text.startswith("P1 · consentimiento · Probar")
    said.append(await group.say("Ben", "/vote P1 sin objeción"))
    said.append(await group.say("Chioma", "/vote P1 objeción"))
    assert "con objeción es obligatorio: /votar P1 objeción <por qué>" in text(said[-1])
    said.append(await group.say("Chioma", "/vote P1 objecion todavía no tiene seguro"))
    said.append(await group.say("Dev", "/vote P1 no"))
    assert text(said[-1]) == "Responde con una de estas opciones: sin objeción, objeción."
    said.append(await group.say("Ana", "/close P1"))
    assert "objeción: “todavía no tiene seguro”" in text(said[-1])
    assert await stored_choices(group) == [["no objection"], ["objection"]]
    leaks = [s.text for seen in said for s in seen if ENGLISH.search(s.text)]
    assert not leaks, f"English words in Spanish answers: {leaks}"


async def test_poll_kinds_and_settings_are_typed_in_spanish(group: Harness) -> None:
    await in_language(group, "es")
    refused = text(await group.say("Ana", "/poll encuesta Almuerzo: sopa | ensalada"))
    assert "consentimiento, elección, horario, puntos, preferencias" in refused
    refused = text(await group.say("Ana", "/poll elección Almuerzo: sopa | ensalada; fuerte"))
    assert refused.startswith("No entiendo 'fuerte'. Después de un ';' puede ir: secreta, oculta,")
    assert not ENGLISH.search(refused)
    refused = text(await group.say("Ana", "/propose Nevera; días 99"))
    assert refused == "días tiene que ser un número del 1 al 60."
    seen = await group.say(
        "Ana", "/poll eleccion Almuerzo: sopa | ensalada; secreto días 3 máximo 2"
    )
    assert seen[0].text.splitlines()[0] == "P1 · elección · Almuerzo"
    async with group.core.uow() as uow:
        poll = await uow.polls.get(1)
    assert poll is not None and poll.kind == "choice" and poll.secret and poll.max_choices == 2
    assert "P1 · elección · Almuerzo" in text(await group.say("Ana", "/polls"))


async def test_the_kind_is_asked_with_buttons_in_spanish(group: Harness) -> None:
    await in_language(group, "es")
    asked = await group.say("Ana", "/poll")
    assert asked[0].buttons == (">consent", ">choice", ">time", ">dot", ">ranked")
    await group.say("Ana", "horario")
    seen = await group.say("Ana", "Reunión: sábado 10:00 | domingo 11:00")
    assert seen[0].text.startswith("P1 · horario · Reunión")


async def test_time_answers_in_any_language(group: Harness) -> None:
    await in_language(group, "es")
    await group.say("Ana", "/poll horario Reunión: sábado 10:00 | domingo 11:00")
    refused = text(await group.say("Ben", "/vote P1 sí", group=None))
    assert "Responde sí, quizás o no para cada uno de los 2 horarios" in refused
    await group.say("Ben", "/vote P1 sí, no", group=None)
    await group.say("Chioma", "/vote P1 si hace falta SI", group=None)
    await group.say("Dev", "/vote P1 tal vez sí", group=None)
    closed = text(await group.say("Ana", "/close P1"))
    assert "sí 1, quizás 2, no 0" in closed and "sí 2, quizás 0, no 1" in closed
    assert "Se eligió: dom 8 mar 11:00." in closed
    assert not ENGLISH.search(closed)


async def test_options_are_voted_by_name(group: Harness) -> None:
    await group.say("Ana", "/poll choice Lunch: Sopa de verduras | Ensalada | Sopa de pollo; max 2")
    await group.say("Ben", "/vote P1 ensalada", group=None)
    await group.say("Chioma", "/vote P1 sopa de pollo, Ensalada", group=None)
    await group.say("Dev", "/vote P1 sopa de verdura", group=None)  # all of one option's start
    assert await stored_choices(group) == [
        ["Ensalada"],
        ["Sopa de pollo", "Ensalada"],
        ["Sopa de verduras"],
    ]
    unclear = text(await group.say("Eli", "/vote P1 sopa", group=None))
    assert unclear == (
        "'sopa' is more than one option: 1. Sopa de verduras, 3. Sopa de pollo. "
        "Say which, by its number or its whole name."
    )
    unknown = text(await group.say("Eli", "/vote P1 pizza", group=None))
    assert unknown == (
        "'pizza' is not one of the options of P1: 1. Sopa de verduras, 2. Ensalada, "
        "3. Sopa de pollo."
    )
    assert "Choose up to 2" in text(await group.say("Eli", "/vote P1 1, ensalada, 3", group=None))


async def test_a_ranking_by_name(group: Harness) -> None:
    await group.say("Ana", "/poll ranked Project: garden | kitchen | library")
    await group.say("Ben", "/vote P1 kitchen > garden > library", group=None)
    await group.say("Chioma", "/vote P1 2, 1, 3", group=None)
    assert "Rank every option once" in text(
        await group.say("Dev", "/vote P1 kitchen > kitchen > library", group=None)
    )
    async with group.core.uow() as uow:
        poll = await uow.polls.get(1)
        assert poll is not None
        rankings = [b["ranking"] for b in await uow.polls.ballots(poll)]
    assert rankings == [["kitchen", "garden", "library"]] * 2


async def test_a_portuguese_proposal(group: Harness) -> None:
    await in_language(group, "pt")
    said = [await group.say("Ana", "/propose Comprar uma geladeira; secreta")]
    assert said[0][0].text.splitlines()[0] == "P1 · proposta · Comprar uma geladeira"
    said.append(await group.say("Ben", "/vote P1 discordo", group=None))
    said.append(await group.say("Chioma", "/vote P1 bloqueio não estamos prontos", group=None))
    said.append(await group.say("Dev", "/vote P1 de acordo", group=None))
    said.append(await group.say("Ana", "/close P1"))
    assert "bloqueio: “não estamos prontos”" in text(said[-1])
    leaks = [s.text for seen in said for s in seen if VOTES.search(s.text)]
    assert not leaks, f"English vote words in Portuguese answers: {leaks}"
