"""The English-leak detector finds minga's English in a Spanish text, and nothing else."""

from tests.english import english_in


def test_the_vote_words_left_in_english_are_found() -> None:
    line = "Responde con una de estas opciones: agree, abstain, disagree, block"
    assert english_in(line) == ["agree", "abstain", "disagree", "block"]


def test_a_date_written_the_english_way_is_found() -> None:
    assert english_in("Recordatorio: S1 · Reparto · Sat 7 Mar 10:00–13:00") == ["sat"]


def test_a_spanish_line_is_clean() -> None:
    line = "P1 se cerró: Mover el reparto al domingo. Está bloqueada. Total: 4 de 12, no hay R3."
    assert english_in(line) == []
    assert english_in("S1 · Reparto de cajas · sáb 7 mar 10:00–13:00 · mesa 6/6: Ana") == []


def test_words_the_group_typed_are_theirs() -> None:
    line = "Ana: Free Food Eastside está listo. Lunch: soup"
    assert english_in(line) == ["free", "food", "eastside", "lunch", "soup"]
    assert english_in(line, typed=["/setup Free Food Eastside", "Lunch: soup | salad"]) == []
