"""How a group's votes become a decision: plain functions over counts and ballots.

Loomio's rules are the reference. A proposal passes with quorum met, no block, and more
agree than disagree; a tie goes back to discussion. Consent passes with no objection.
Ranked ballots are counted by instant-runoff and by Borda count, side by side.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from typing import Literal

Result = Literal["passed", "blocked", "rejected", "tie", "no quorum", "decided"]

PROPOSAL = ("agree", "abstain", "disagree", "block")
CONSENT = ("no objection", "objection")


def quorum_met(voted: int, eligible: int, quorum: float) -> bool:
    """Quorum is a share of the roster; 0 means any turnout will do."""
    return voted >= ceil(quorum * eligible) and voted > 0


def proposal(counts: Mapping[str, int], voted: int, eligible: int, quorum: float) -> Result:
    if counts.get("block", 0):
        return "blocked"
    if not quorum_met(voted, eligible, quorum):
        return "no quorum"
    agree, disagree = counts.get("agree", 0), counts.get("disagree", 0)
    if agree == disagree:
        return "tie"
    return "passed" if agree > disagree else "rejected"


MIN_AGREE = 2  # one voter never passes a binding proposal alone


def binding(
    counts: Mapping[str, int], voted: int, eligible: int, quorum_percent: int, removal: bool
) -> Result:
    """A proposal that makes minga act: the quorum of those who may vote, never fewer than
    two of them, and at least two agree, more than disagree.

    On a removal a block counts as a disagree: otherwise the one it would remove could be
    kept by a single friend, or by a single account of their own.
    """
    blocks = counts.get("block", 0)
    if blocks and not removal:
        return "blocked"
    if voted < max(MIN_AGREE, -(-quorum_percent * eligible // 100)):
        return "no quorum"
    agree, disagree = counts.get("agree", 0), counts.get("disagree", 0) + blocks
    if agree == disagree:
        return "tie"
    return "passed" if agree > disagree and agree >= MIN_AGREE else "rejected"


def consent(counts: Mapping[str, int], voted: int, eligible: int, quorum: float) -> Result:
    if not quorum_met(voted, eligible, quorum):
        return "no quorum"
    return "blocked" if counts.get("objection", 0) else "passed"


@dataclass(frozen=True)
class Runoff:
    rounds: tuple[dict[str, int], ...]  # first preferences per round, eliminated ones gone
    eliminated: tuple[str, ...]  # in order
    winner: str | None


def borda(ballots: Sequence[Sequence[str]], options: Sequence[str]) -> dict[str, int]:
    """Each ballot ranks every option: first gets n-1 points, last gets 0."""
    scores = dict.fromkeys(options, 0)
    for ballot in ballots:
        for place, option in enumerate(ballot):
            scores[option] += len(options) - 1 - place
    return scores


def instant_runoff(ballots: Sequence[Sequence[str]], options: Sequence[str]) -> Runoff:
    """Count first preferences; while nobody has a majority, drop the weakest and recount.

    A tie for the fewest votes drops the one with the lower Borda score; if that ties
    too, the one listed later in the poll, so the count never depends on chance.
    """
    standing = list(options)
    scores = borda(ballots, options)
    rounds: list[dict[str, int]] = []
    eliminated: list[str] = []
    while standing:
        firsts = Counter(next(o for o in ballot if o in standing) for ballot in ballots)
        count = {option: firsts.get(option, 0) for option in standing}
        rounds.append(count)
        total = sum(count.values())
        leader = max(standing, key=lambda o: (count[o], scores[o], -options.index(o)))
        if total == 0:
            return Runoff(tuple(rounds), tuple(eliminated), None)
        if count[leader] * 2 > total or len(standing) == 1:
            return Runoff(tuple(rounds), tuple(eliminated), leader)
        weakest = min(standing, key=lambda o: (count[o], scores[o], -options.index(o)))
        standing.remove(weakest)
        eliminated.append(weakest)
    return Runoff(tuple(rounds), tuple(eliminated), None)


def best_time(answers: Mapping[str, Mapping[str, int]], options: Sequence[str]) -> str | None:
    """The candidate most can make: most yes, then most yes-or-if-need-be, then earliest."""
    if not options:
        return None
    return max(
        options,
        key=lambda o: (
            answers[o].get("yes", 0),
            answers[o].get("yes", 0) + answers[o].get("if need be", 0),
            -options.index(o),
        ),
    )


def bar(count: int, total: int, width: int = 10) -> str:
    """'███████░░░ 7 (70%)': a tally that fits a chat message."""
    filled = round(width * count / total) if total else 0
    share = round(100 * count / total) if total else 0
    return f"{'█' * filled}{'░' * (width - filled)} {count} ({share}%)"
