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

from bot import decisions, words
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
TIME_ANSWERS = ("yes", "if need be", "no")
# The fixed answers and time answers are stored as their English keys and shown as the words
# people type in their language ([vote] and [time_answer] in bot/locales/*/words.toml).


def answer_words(tr: Translator) -> dict[str, str]:
    """The fixed words as messages name them: {agree}, {no_objection}, {if_need_be}…"""
    return {
        key.replace(" ", "_"): tr.word(kind, key)
        for kind in ("vote", "time_answer")
        for key in words.table("en")[kind]
    }


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


def _shown_as_word(tr: Translator, option: str, zone: str) -> str:
    return tr.word("vote", option)


def _shown_as_time(tr: Translator, option: str, zone: str) -> str:
    return tr.when(datetime.fromisoformat(option), zone)


def label(tr: Translator, poll: Poll, option: str, zone: str) -> str:
    """An option as people see it."""
    return KINDS[poll.kind].show(tr, option, zone)


def listed(tr: Translator, poll: Poll, zone: str) -> str:
    """An open poll in a list (/polls, /network)."""
    return f"P{poll.id} · {tr.word('poll_kind', poll.kind)} · {poll.title} · " + tr._(
        "closes {when}", when=tr.when(poll.closes_at, zone)
    )


# --- reading a ballot ------------------------------------------------------------------------


def _answer(tr: Translator, poll: Poll, text: str) -> Ballot:
    """'agree', '1', 'bloqueo no todavía': one of the fixed answers, and why."""
    answer, reason = _answer_and_reason(tr, poll, text)
    if answer in NEEDS_REASON and not reason:
        raise BadArgument(
            N_("Say why, it is needed for {answer}: /vote P{number} {answer} <why>"),
            answer=tr.word("vote", answer),
            number=poll.id,
        )
    return {"choices": [answer], "reason": reason[:500]}


def _answer_and_reason(tr: Translator, poll: Poll, text: str) -> tuple[str, str]:
    """The answer by its number or its word in any language ('en desacuerdo porque…')."""
    said = text.split(maxsplit=1)
    place = decimal(said[0]) if said else None
    if place is not None and 1 <= place <= len(poll.options):
        return poll.options[place - 1], (said[1] if len(said) > 1 else "").strip(" :,")
    found = words.read_start("vote", text)
    if found is None or found[0] not in poll.options:
        raise BadArgument(
            N_("Answer with one of: {answers}."),
            answers=", ".join(tr.word("vote", o) for o in poll.options),
        )
    return found[0], found[1].strip(" :,")


def _numbered(poll: Poll, options: Sequence[str]) -> str:
    return ", ".join(f"{poll.options.index(o) + 1}. {o}" for o in options)


def _named(tr: Translator, poll: Poll, typed: str) -> str:
    """The option a typed name stands for: the whole name, or the start of only one."""
    name = words.fold(typed)
    same = [o for o in poll.options if words.fold(o) == name]
    starting = same or [o for o in poll.options if words.fold(o).startswith(name)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise BadArgument(
            N_(
                "'{name}' is more than one option: {options}. Say which, by its number or its "
                "whole name."
            ),
            name=typed,
            options=_numbered(poll, starting),
        )
    raise BadArgument(
        N_("'{name}' is not one of the options of P{number}: {options}."),
        name=typed,
        number=poll.id,
        options=_numbered(poll, poll.options),
    )


def _picked(tr: Translator, poll: Poll, text: str) -> list[str | None]:
    """Options by number or by name, in the order typed: '1,3', '2 1 3', 'sopa, ensalada',
    'kitchen > garden'; None for a number that is no option's."""
    if any(words.fold(o) == words.fold(text) for o in poll.options):
        return [_named(tr, poll, text)]  # a name with a comma or a '>' in it
    picked: list[str | None] = []
    for piece in (p.strip() for p in re.split(r"[,;>|]", text)):
        if any(c.isalpha() for c in piece):
            picked.append(_named(tr, poll, piece))
            continue
        for n in (int(n) for n in re.findall(r"\d+", piece)):
            picked.append(poll.options[n - 1] if 1 <= n <= len(poll.options) else None)
    return picked


def _choices(tr: Translator, poll: Poll, text: str) -> Ballot:
    """'1,3' or 'soup, salad' (up to the poll's max), or '+tacos' where write-ins are allowed."""
    if poll.write_in and text.startswith("+"):
        return _write_in(poll, " ".join(text[1:].split())[:100])
    picked = list(dict.fromkeys(_picked(tr, poll, text)))
    if not picked or len(picked) > poll.max_choices or None in picked:
        raise BadArgument(
            N_("Choose up to {max} of the options, by number or name, like 1 or 1,3."),
            max=poll.max_choices,
        )
    return {"choices": picked}


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


def _times(tr: Translator, poll: Poll, text: str) -> Ballot:
    """'yes no maybe', 'sí, si hace falta': an answer for each candidate time, in order."""
    answers = words.read_each("time_answer", text.replace(",", " "))
    if answers is None or len(answers) != len(poll.options):
        raise BadArgument(
            N_(
                "Answer {yes}, {if_need_be} or {no} for each of the {n} times, in order, "
                "like: {yes} {no} {if_need_be}."
            ),
            n=len(poll.options),
            **answer_words(tr),
        )
    return {"answers": dict(zip(poll.options, answers, strict=True))}


def _points(tr: Translator, poll: Poll, text: str) -> Ballot:
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


def _ranking(tr: Translator, poll: Poll, text: str) -> Ballot:
    """'2 1 3' or 'kitchen > garden > library': every option once, best first."""
    ranking = _picked(tr, poll, text)
    if len(ranking) != len(poll.options) or set(ranking) != set(poll.options):
        raise BadArgument(N_("Rank every option once, by number or name, best first, like: 2 1 3."))
    return {"ranking": ranking}


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
        counts = (f"{tr.word('time_answer', a)} {answers.get(a, 0)}" for a in TIME_ANSWERS)
        lines.append(f"{label(tr, poll, option, zone)}: {', '.join(counts)}")
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
        tr._("{answer}: “{reason}”", answer=tr.word("vote", answer), reason=reason)
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

    name: PollKind  # shown as [poll_kind] in bot/locales/*/words.toml
    opened_by: Literal["propose", "poll"]  # the command that opens it
    how_to_vote: str  # with {number}, {max}, {points} and the answer_words
    read: Callable[[Translator, Poll, str], Ballot]  # a typed or pressed ballot, or a refusal
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
        opened_by="propose",
        how_to_vote=N_(
            "Vote with /vote P{number} {agree}, {abstain}, {disagree} <why>, or {block} <why>."
        ),
        read=_answer,
        tally=_count_choices,
        decide=_proposal,
        results=_bars,
        remarks=_reasons,
        export=_export_counts,
        answers=decisions.PROPOSAL,
        show=_shown_as_word,
        days=7,
        binding=True,
    ),
    "consent": Kind(
        name="consent",
        opened_by="poll",
        how_to_vote=N_("Vote with /vote P{number} {no_objection}, or {objection} <why>."),
        read=_answer,
        tally=_count_choices,
        decide=_consent,
        results=_bars,
        remarks=_reasons,
        export=_export_counts,
        answers=decisions.CONSENT,
        show=_shown_as_word,
        days=7,
    ),
    "choice": Kind(
        name="choice",
        opened_by="poll",
        how_to_vote=N_(
            "Vote with /vote P{number} and the number or name of your choice (up to {max})."
        ),
        read=_choices,
        tally=_count_choices,
        decide=_decided,
        results=_bars,
        remarks=_chosen,
        export=_export_counts,
    ),
    "time": Kind(
        name="time",
        opened_by="poll",
        how_to_vote=N_(
            "Vote with /vote P{number} and {yes}, {if_need_be} or {no} for each time, in order."
        ),
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
        opened_by="poll",
        how_to_vote=N_("Vote with /vote P{number} and the options' numbers or names, best first."),
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
