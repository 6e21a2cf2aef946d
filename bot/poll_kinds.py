"""The kinds of poll, one row each in KINDS: what its options are, how a ballot is read,
counted, decided and shown, and where it is voted. Adding a kind is adding a row.

Plain functions over a poll and its ballots; bot/handlers/polls.py stores and posts them,
bot/decisions.py turns counts into results.
"""

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot import decisions
from bot.decisions import Result
from bot.i18n import N_, Translator
from bot.model import Poll, PollKind
from bot.params import BadArgument
from bot.text import decimal

Ballot = Mapping[str, Any]  # what one voter chose, as stored
Tally = dict[str, Any]  # what the results need, from the ballots alone
When = Callable[[str], datetime | None]  # a typed day and time, read in the group's zone

MAX_OPTIONS = 20  # typed by the author; write-ins may add up to WRITE_INS_MAX more
WRITE_INS_MAX = 20
NEEDS_REASON = {"block", "objection"}
TIME_WORDS = {
    "yes": "yes",
    "y": "yes",
    "sí": "yes",
    "si": "yes",
    "no": "no",
    "n": "no",
    "maybe": "if need be",
    "m": "if need be",
    "ifneedbe": "if need be",
    "quizás": "if need be",
    "quizas": "if need be",
}
# The fixed answers are stored in English and shown translated.
ANSWER_LABELS = (
    N_("agree"),
    N_("abstain"),
    N_("disagree"),
    N_("block"),
    N_("no objection"),
    N_("objection"),
)


# --- options ---------------------------------------------------------------------------------


def check_options(title: str, options: list[str]) -> None:
    """The options an author typed: 2 to 20, none empty, none twice, none too long."""
    if not options and "|" in title:
        raise BadArgument(
            N_(
                "Put a colon between the title and the options, like: "
                "/poll choice Lunch: soup | salad"
            )
        )
    if not 2 <= len(options) <= MAX_OPTIONS:
        raise BadArgument(
            N_(
                "A poll needs 2 to 20 options, separated by |, each at most 100 "
                "characters: /poll choice Lunch: soup | salad"
            )
        )
    if not all(options):
        raise BadArgument(
            N_("One of the options is empty: write something between each pair of |.")
        )
    if any(len(o) > 100 for o in options):
        raise BadArgument(N_("An option can be at most 100 characters."))
    seen: set[str] = set()
    for option in options:
        if option.casefold() in seen:
            raise BadArgument(
                N_("'{option}' is there twice: give each option once."), option=option
            )
        seen.add(option.casefold())


def _as_typed(options: list[str], when: When) -> list[str]:
    return options


def _as_times(options: list[str], when: When) -> list[str]:
    """Candidate times are kept as moments, so they read right in any language and zone."""
    moments = [when(o) for o in options]
    if None in moments:
        raise BadArgument(N_("Each candidate time needs a day and a time, like sat 10:00."))
    kept = [m.isoformat() for m in moments if m is not None]
    if len(set(kept)) < len(kept):
        raise BadArgument(N_("Two of the candidate times are the same time."))
    return kept


def _shown_as_kept(tr: Translator, option: str, zone: str) -> str:
    return option


def _shown_translated(tr: Translator, option: str, zone: str) -> str:
    return tr._(option)


def _shown_as_time(tr: Translator, option: str, zone: str) -> str:
    return tr.when(datetime.fromisoformat(option), zone)


def label(tr: Translator, poll: Poll, option: str, zone: str) -> str:
    """An option as people see it."""
    return KINDS[poll.kind].show(tr, option, zone)


# --- reading a ballot ------------------------------------------------------------------------


def _answer(poll: Poll, text: str) -> Ballot:
    """'agree', '1', 'block not yet': one of the fixed answers, and why."""
    answer, reason = _answer_and_reason(poll.options, text)
    if answer in NEEDS_REASON and not reason:
        raise BadArgument(
            N_("Say why, it is needed for {answer}: /vote P{number} {answer} <why>"),
            answer=answer,
            number=poll.id,
        )
    return {"choices": [answer], "reason": reason[:500]}


def _answer_and_reason(options: Sequence[str], text: str) -> tuple[str, str]:
    words = text.split(maxsplit=1)
    place = decimal(words[0]) if words else None
    if place is not None and 1 <= place <= len(options):
        return options[place - 1], (words[1] if len(words) > 1 else "").strip(" :,")
    answer = next((o for o in options if text.casefold().startswith(o)), None)
    if answer is None:
        raise BadArgument(N_("Answer with one of: {answers}."), answers=", ".join(options))
    return answer, text[len(answer) :].strip(" :,")


def _choices(poll: Poll, text: str) -> Ballot:
    """'1,3' (up to the poll's max), or '+tacos' where write-ins are allowed."""
    if poll.write_in and text.startswith("+"):
        return _write_in(poll, " ".join(text[1:].split())[:100])
    picked = list(dict.fromkeys(int(n) for n in re.findall(r"\d+", text)))
    in_range = all(1 <= n <= len(poll.options) for n in picked)
    if not picked or len(picked) > poll.max_choices or not in_range:
        raise BadArgument(
            N_("Choose up to {max} of the options by number, like 1 or 1,3."),
            max=poll.max_choices,
        )
    return {"choices": [poll.options[n - 1] for n in picked]}


def _write_in(poll: Poll, written: str) -> Ballot:
    if not written:
        raise BadArgument(
            N_("Write your option after the +, like: /vote P{number} +tacos"), number=poll.id
        )
    same = next((o for o in poll.options if o.casefold() == written.casefold()), None)
    if same is not None:
        return {"choices": [same]}
    if len(poll.options) >= MAX_OPTIONS + WRITE_INS_MAX:
        raise BadArgument(
            N_("P{number} has no room for more options: vote for one of them by number."),
            number=poll.id,
        )
    return {"choices": [written], "write_in": True}


def _times(poll: Poll, text: str) -> Ballot:
    """'yes no maybe': an answer for each candidate time, in order."""
    words = [TIME_WORDS.get(w.casefold()) for w in text.replace(",", " ").split()]
    if len(words) != len(poll.options) or None in words:
        raise BadArgument(
            N_("Answer yes, maybe or no for each of the {n} times, in order, like: yes no maybe."),
            n=len(poll.options),
        )
    return {"answers": dict(zip(poll.options, words, strict=True))}


def _points(poll: Poll, text: str) -> Ballot:
    """'3 0 5': points for each option, in order, at most the poll's points in all."""
    points = [int(n) for n in re.findall(r"\d+", text)]
    if len(points) != len(poll.options) or sum(points) > poll.points:
        raise BadArgument(
            N_(
                "Give points to each of the {n} options, in order, {points} "
                "in all at most, like: 3 0 5."
            ),
            n=len(poll.options),
            points=poll.points,
        )
    return {"points": dict(zip(poll.options, points, strict=True))}


def _ranking(poll: Poll, text: str) -> Ballot:
    """'2 1 3': every option's number once, best first."""
    ranking = [int(n) for n in re.findall(r"\d+", text)]
    if sorted(ranking) != list(range(1, len(poll.options) + 1)):
        raise BadArgument(N_("Rank every option once, by number, best first, like: 2 1 3."))
    return {"ranking": [poll.options[n - 1] for n in ranking]}


# --- counting and deciding -------------------------------------------------------------------


def _count_choices(poll: Poll, ballots: Sequence[Ballot]) -> Tally:
    counts = Counter(choice for b in ballots for choice in b["choices"])
    return {
        "counts": {o: counts.get(o, 0) for o in poll.options},
        "reasons": [(b["choices"][0], b["reason"]) for b in ballots if b.get("reason")],
    }


def _count_times(poll: Poll, ballots: Sequence[Ballot]) -> Tally:
    return {
        "answers": {
            o: Counter(b["answers"][o] for b in ballots if o in b["answers"]) for o in poll.options
        }
    }


def _count_points(poll: Poll, ballots: Sequence[Ballot]) -> Tally:
    return {"counts": {o: sum(b["points"].get(o, 0) for b in ballots) for o in poll.options}}


def _count_rankings(poll: Poll, ballots: Sequence[Ballot]) -> Tally:
    rankings = [b["ranking"] for b in ballots]
    return {
        "runoff": decisions.instant_runoff(rankings, poll.options),
        "borda": decisions.borda(rankings, poll.options),
    }


def _proposal(counted: Tally, voted: int, eligible: int, quorum: float) -> Result:
    return decisions.proposal(counted["counts"], voted, eligible, quorum)


def _consent(counted: Tally, voted: int, eligible: int, quorum: float) -> Result:
    return decisions.consent(counted["counts"], voted, eligible, quorum)


def _decided(counted: Tally, voted: int, eligible: int, quorum: float) -> Result:
    """A poll among options is decided once enough voted; the tally says for what."""
    return "decided" if decisions.quorum_met(voted, eligible, quorum) else "no quorum"


def _most_counted(poll: Poll, counted: Tally) -> str | None:
    counts = counted["counts"]
    return max(poll.options, key=lambda o: (counts[o], -poll.options.index(o)))


def _best_time(poll: Poll, counted: Tally) -> str | None:
    return decisions.best_time({o: counted["answers"][o] for o in poll.options}, poll.options)


def _runoff_winner(poll: Poll, counted: Tally) -> str | None:
    winner: str | None = counted["runoff"].winner
    return winner


# --- showing ---------------------------------------------------------------------------------


def _bars(tr: Translator, poll: Poll, counted: Tally, zone: str) -> list[str]:
    counts = counted["counts"]
    total = sum(counts.values())
    width = max(len(label(tr, poll, o, zone)) for o in poll.options)
    return [
        f"{label(tr, poll, o, zone).ljust(width)} {decisions.bar(counts[o], total)}"
        for o in poll.options
    ]


def _time_answers(tr: Translator, poll: Poll, counted: Tally, zone: str) -> list[str]:
    lines = []
    for option in poll.options:
        answers = counted["answers"][option]
        lines.append(
            tr._(
                "{time}: yes {yes}, if need be {maybe}, no {no}",
                time=label(tr, poll, option, zone),
                yes=answers.get("yes", 0),
                maybe=answers.get("if need be", 0),
                no=answers.get("no", 0),
            )
        )
    return lines


def _runoff_rounds(tr: Translator, poll: Poll, counted: Tally, zone: str) -> list[str]:
    runoff, borda = counted["runoff"], counted["borda"]
    lines = [tr._("Instant runoff:")]
    for n, count in enumerate(runoff.rounds, 1):
        lines.append(
            tr._(
                "round {n}: {counts}",
                n=n,
                counts=", ".join(f"{o} {c}" for o, c in count.items()),
            )
        )
    lines.append(
        tr._(
            "Borda count: {scores}",
            scores=", ".join(f"{o} {s}" for o, s in sorted(borda.items(), key=lambda i: -i[1])),
        )
    )
    return lines


def _reasons(tr: Translator, poll: Poll, counted: Tally, zone: str) -> list[str]:
    """A closed proposal or consent round shows why each block or objection was made."""
    return [
        tr._("{answer}: “{reason}”", answer=tr._(answer), reason=reason)
        for answer, reason in counted["reasons"]
        if answer in NEEDS_REASON
    ]


def _chosen(tr: Translator, poll: Poll, counted: Tally, zone: str) -> list[str]:
    """A decided poll among options names the option chosen."""
    winner = KINDS[poll.kind].winner(poll, counted) if poll.result == "decided" else None
    if winner is None:
        return []
    return [tr._("Chosen: {option}.", option=label(tr, poll, winner, zone))]


def _export_counts(counted: Tally) -> object:
    return counted["counts"]


def _export_times(counted: Tally) -> object:
    return {o: dict(a) for o, a in counted["answers"].items()}


def _export_runoff(counted: Tally) -> object:
    return {"borda": counted["borda"], "winner": counted["runoff"].winner}


# --- the table -------------------------------------------------------------------------------

Shown = Callable[[Translator, Poll, Tally, str], list[str]]  # lines, in the group's zone


@dataclass(frozen=True, kw_only=True)
class Kind:
    """What one kind of poll does differently from the others."""

    name: PollKind
    label: str  # the kind's name, shown translated
    opened_by: Literal["propose", "poll"]  # the command that opens it
    how_to_vote: str  # with {number}, {max} and {points}
    read: Callable[[Poll, str], Ballot]  # a typed or pressed ballot, or a refusal
    tally: Callable[[Poll, Sequence[Ballot]], Tally]
    decide: Callable[[Tally, int, int, float], Result]  # tally, voted, eligible, quorum
    results: Shown  # the tally, on the poll's post
    remarks: Shown  # what the closing post says besides the result
    export: Callable[[Tally], object]  # a secret poll's tally, for `minga export`
    answers: tuple[str, ...] = ()  # fixed answers; none: the author types the options
    keep: Callable[[list[str], When], list[str]] = _as_typed  # the typed options, as stored
    show: Callable[[Translator, str, str], str] = _shown_as_kept  # an option, in a zone
    winner: Callable[[Poll, Tally], str | None] = _most_counted  # of a decided poll
    days: int | None = None  # how long it stays open unless told; None: the group's poll_days
    buttons: bool = True  # one choice, pressed on the post (unless secret or max > 1)
    binding: bool = False  # may carry a command for minga to carry out if it passes


KINDS: dict[PollKind, Kind] = {
    "proposal": Kind(
        name="proposal",
        label=N_("proposal"),
        opened_by="propose",
        how_to_vote=N_("Vote with /vote P{number} agree, abstain, disagree <why>, or block <why>."),
        read=_answer,
        tally=_count_choices,
        decide=_proposal,
        results=_bars,
        remarks=_reasons,
        export=_export_counts,
        answers=decisions.PROPOSAL,
        show=_shown_translated,
        days=7,
        binding=True,
    ),
    "consent": Kind(
        name="consent",
        label=N_("consent"),
        opened_by="poll",
        how_to_vote=N_("Vote with /vote P{number} no objection, or objection <why>."),
        read=_answer,
        tally=_count_choices,
        decide=_consent,
        results=_bars,
        remarks=_reasons,
        export=_export_counts,
        answers=decisions.CONSENT,
        show=_shown_translated,
        days=7,
    ),
    "choice": Kind(
        name="choice",
        label=N_("choice"),
        opened_by="poll",
        how_to_vote=N_("Vote with /vote P{number} and the number of your choice (up to {max})."),
        read=_choices,
        tally=_count_choices,
        decide=_decided,
        results=_bars,
        remarks=_chosen,
        export=_export_counts,
    ),
    "time": Kind(
        name="time",
        label=N_("time"),
        opened_by="poll",
        how_to_vote=N_("Vote with /vote P{number} and yes, maybe or no for each time, in order."),
        read=_times,
        tally=_count_times,
        decide=_decided,
        results=_time_answers,
        remarks=_chosen,
        export=_export_times,
        keep=_as_times,
        show=_shown_as_time,
        winner=_best_time,
        buttons=False,
    ),
    "dot": Kind(
        name="dot",
        label=N_("dot"),
        opened_by="poll",
        how_to_vote=N_(
            "Vote with /vote P{number} and your points for each option, in order ({points} in all)."
        ),
        read=_points,
        tally=_count_points,
        decide=_decided,
        results=_bars,
        remarks=_chosen,
        export=_export_counts,
        buttons=False,
    ),
    "ranked": Kind(
        name="ranked",
        label=N_("ranked"),
        opened_by="poll",
        how_to_vote=N_("Vote with /vote P{number} and the options' numbers, best first."),
        read=_ranking,
        tally=_count_rankings,
        decide=_decided,
        results=_runoff_rounds,
        remarks=_chosen,
        export=_export_runoff,
        winner=_runoff_winner,
        buttons=False,
    ),
}
