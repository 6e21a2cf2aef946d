"""The decision rules, checked against hand-worked examples with known answers."""

import pytest

from bot.decisions import bar, best_time, borda, consent, instant_runoff, proposal


@pytest.mark.parametrize(
    ("counts", "voted", "eligible", "quorum", "result"),
    [
        ({"agree": 5, "disagree": 2}, 7, 10, 0.5, "passed"),
        ({"agree": 3, "disagree": 3, "abstain": 1}, 7, 10, 0.5, "tie"),
        ({"agree": 2, "disagree": 3}, 5, 10, 0.5, "rejected"),
        ({"agree": 9, "block": 1}, 10, 10, 0.5, "blocked"),
        ({"agree": 5}, 5, 10, 0.5, "passed"),  # quorum just met: 5 of 10 at 50 %
        ({"agree": 4}, 4, 10, 0.5, "no quorum"),  # just missed
        ({"agree": 3}, 3, 7, 0.5, "no quorum"),  # 50 % of 7 needs 4
        ({"abstain": 6}, 6, 10, 0.5, "tie"),  # everyone abstained: back to discussion
        ({}, 0, 10, 0.0, "no quorum"),  # nobody voted
    ],
)
def test_proposal_rules(
    counts: dict[str, int], voted: int, eligible: int, quorum: float, result: str
) -> None:
    assert proposal(counts, voted, eligible, quorum) == result


@pytest.mark.parametrize(
    ("counts", "voted", "result"),
    [
        ({"no objection": 8}, 8, "passed"),
        ({"no objection": 7, "objection": 1}, 8, "blocked"),
        ({"no objection": 2}, 2, "no quorum"),
    ],
)
def test_consent_rules(counts: dict[str, int], voted: int, result: str) -> None:
    assert consent(counts, voted, 10, 0.3) == result


def test_borda_by_hand() -> None:
    ballots = [["a", "b", "c"]] * 2 + [["b", "c", "a"]] + [["c", "b", "a"]]
    assert borda(ballots, ["a", "b", "c"]) == {"a": 4, "b": 5, "c": 3}


def test_instant_runoff_by_hand() -> None:
    # 9 ballots: a 4, b 3, c 2 first; c goes, its ballots go to b, b wins 5 to 4.
    ballots = [["a", "b", "c"]] * 4 + [["b", "a", "c"]] * 3 + [["c", "b", "a"]] * 2
    runoff = instant_runoff(ballots, ["a", "b", "c"])
    assert runoff.rounds == ({"a": 4, "b": 3, "c": 2}, {"a": 4, "b": 5})
    assert runoff.eliminated == ("c",)
    assert runoff.winner == "b"


def test_a_first_round_majority_needs_no_runoff() -> None:
    runoff = instant_runoff([["a", "b"]] * 3 + [["b", "a"]], ["a", "b"])
    assert (runoff.rounds, runoff.winner) == (({"a": 3, "b": 1},), "a")


def test_an_elimination_tie_drops_the_lower_borda_score() -> None:
    # First preferences: a 3, b 2, c 2: b and c tie for fewest. Borda (2 points for a
    # first place, 1 for a second): b 3*1 + 2*2 + 2*1 = 9, c 2*2 = 4, so c goes, and its
    # voters' next choice is b: b 4, a 3.
    ballots = [["a", "b", "c"]] * 3 + [["b", "a", "c"]] * 2 + [["c", "b", "a"]] * 2
    runoff = instant_runoff(ballots, ["a", "b", "c"])
    assert borda(ballots, ["a", "b", "c"]) == {"a": 8, "b": 9, "c": 4}
    assert runoff.eliminated == ("c",)
    assert runoff.rounds[-1] == {"a": 3, "b": 4}
    assert runoff.winner == "b"


def test_a_full_tie_is_broken_by_the_order_of_the_options() -> None:
    runoff = instant_runoff([["a", "b"], ["b", "a"]], ["a", "b"])
    assert runoff.eliminated == ("b",) and runoff.winner == "a"


def test_the_best_time_is_the_one_most_can_make() -> None:
    answers = {
        "sat": {"yes": 3, "no": 2},
        "sun": {"yes": 3, "if need be": 2},
        "mon": {"yes": 1, "if need be": 4},
    }
    assert best_time(answers, ["sat", "sun", "mon"]) == "sun"


def test_bars_fit_a_line() -> None:
    assert bar(7, 10) == "███████░░░ 7 (70%)"
    assert bar(0, 0) == "░░░░░░░░░░ 0 (0%)"
