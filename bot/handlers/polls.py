"""Group decisions in the chat: proposals with blocks, consent, choice, time, dot, ranked.

Named polls are voted with buttons in the group; secret polls (and kinds that need more
than a press) privately. A secret ballot is stored apart from the record that its voter
voted, and its poll shows only how many voted until it closes. A proposal may carry one
action that minga carries out, once, for the group, if it passes: such a binding proposal
is made by a trusted member, voted by the members trusted when it opened, open a minimum
time, and counted against the group's own quorum (README, "Decisions without admins").

A network assembly ('; network') is a poll of every group of the author's network: posted
and redrawn in each, voted by everyone on their rosters, once per person however many
rosters they are on, and counted against all of them ("A network of groups").
"""

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from bot import decisions, words
from bot.context import Context, Work
from bot.dates import parse_when
from bot.handlers import groups, networks, offers, shifts, trust
from bot.handlers.common import active_member, only_if_seen
from bot.i18n import N_, Translator
from bot.messages import LINE, Action, Button, Edit, Post, Reply, Rich, Sender, code, strong
from bot.model import (
    Group,
    Job,
    JobKind,
    Member,
    Network,
    Person,
    Poll,
    PollKind,
    Revote,
    Turnout,
)
from bot.params import BadArgument, reference
from bot.poll_kinds import (
    KINDS,
    NEEDS_REASON,
    Ballot,
    Kind,
    Tally,
    answer_words,
    check_options,
    label,
    listed,
)
from bot.router import (
    Args,
    Command,
    CommandLine,
    find,
    missing,
    parse_command,
    run_command,
    split_args,
    usage,
)
from bot.settings import number, setting
from bot.text import decimal

REMIND_BEFORE = timedelta(hours=24)
TALLY_EVERY = timedelta(seconds=3)  # a post shows new votes at most this often
MAX_DAYS = 60  # the furthest a poll closes
NUMBERED = {"quorum": "50%", "days": "3", "max": "2", "points": "8"}  # with an example each
# The settings after a ';' are words in any language ([poll_setting] in bot/locales/*/words.toml);
# these take a whole number, 'closes' a day and time, the others nothing.


# --- creating --------------------------------------------------------------------------------


def split_poll_line(tr: Translator, line: str) -> tuple[str, str, list[str], dict[str, str]]:
    """'Title: a | b do action; secret days 3' → title, action, options, settings."""
    head, _, flag_text = line.partition(";")
    flags = _settings(tr, flag_text.split())
    head, action = _split_action(head)
    title, _, options_text = head.partition(":")
    options = [o.strip() for o in options_text.split("|")] if options_text.strip() else []
    return title.strip(), action, options, flags


def _split_action(head: str) -> tuple[str, str]:
    """'Hora de Madrid hacer ajustar zona_horaria …' → the title and the action. The
    proposal word ('do', 'hacer', 'fazer', in any language) counts only where a command
    name follows it, so 'Vamos a hacer una fiesta' is a title and nothing more."""
    said = list(re.finditer(r"\S+", head))
    for word, command in pairwise(said[1:]):
        if words.read("proposal_word", word.group()) and words.read("command", command.group()):
            return head[: word.start()], head[command.start() :].strip()
    return head, ""


def _setting_at(said: list[str]) -> tuple[str, int] | None:
    """The setting the typed words begin with, and how many words name it."""
    found = words.read_start("poll_setting", " ".join(said[:4]))
    return (found[0], len(said[:4]) - len(found[1].split())) if found else None


def _settings(tr: Translator, said: list[str]) -> dict[str, str]:
    """'secreta días 3 cierra viernes 18:00' → {'secret': '', 'days': '3', 'closes': …}."""
    flags: dict[str, str] = {}
    while said:
        found = _setting_at(said)
        if found is None:
            raise _not_understood(tr, said[: _next_setting(said, 1)])
        key, n = found
        value = ""
        if key in NUMBERED:
            value = said[n].rstrip(",").removesuffix("%") if len(said) > n else ""
            if not value.isdecimal():
                raise _not_understood(tr, said[: n + 1])
            n += 1
        elif key == "closes":
            end = _next_setting(said, n)
            value, n = " ".join(said[n:end]).rstrip(","), end
        flags[key] = value
        said = said[n:]
    return flags


def _next_setting(said: list[str], start: int) -> int:
    """Where the next setting begins, from `start` on; the end if none does."""
    return next((i for i in range(start, len(said)) if _setting_at(said[i:])), len(said))


def _not_understood(tr: Translator, said: list[str]) -> BadArgument:
    return BadArgument(
        N_("I don't understand '{value}'. After a ';' come: {settings}."),
        value=" ".join(said),
        settings=_settings_shown(tr),
    )


def _settings_shown(tr: Translator) -> str:
    examples = {**NUMBERED, "closes": tr._("friday 18:00")}
    return ", ".join(
        " ".join([tr.word("poll_setting", key), examples.get(key, "")]).strip()
        for key in words.table("en")["poll_setting"]
    )


def _whole(
    tr: Translator, flags: Mapping[str, str], key: str, low: int, high: int, default: int
) -> int:
    if key not in flags:
        return default
    value = decimal(flags[key])
    if value is None or not low <= value <= high:
        raise BadArgument(
            N_("{key} must be a number from {low} to {high}."),
            key=tr.word("poll_setting", key),
            low=low,
            high=high,
        )
    return value


# --- binding proposals ---------------------------------------------------------------------


async def _setting(ctx: Context, args: Args) -> int | None:
    groups.check_set(ctx, args)
    return None


async def _plan(ctx: Context, args: Args) -> int | None:
    await shifts.check_plan(ctx, args)
    return None


async def _link(ctx: Context, args: Args) -> int | None:
    if "code" in args:
        raise BadArgument(
            N_(
                "A proposal links a chat with 'do link' alone: the code it gives "
                "is then typed in the other chat."
            )
        )
    return None


async def _network(ctx: Context, args: Args) -> int | None:
    await networks.check_network(ctx, args)
    return None


@dataclass(frozen=True)
class Binding:
    """One thing a proposal may make minga do, checked when it is proposed (so a refusal
    names what is wrong at once) and again when it is carried out."""

    # The same checks as the command itself; returns the person it is about, if any.
    check: Callable[[Context, Args], Awaitable[int | None]]
    needs_author: bool = False  # what it makes belongs to someone (a link code)
    # What follows from it having been done, for the group (a network joined: its assemblies).
    then: Callable[[Work, Group], Awaitable[list[Action]]] | None = None


ACTIONS = {
    "set": Binding(_setting),
    "trust": Binding(trust.check_trust),
    "remove": Binding(trust.check_remove),
    "shift": Binding(_plan),
    "link": Binding(_link, needs_author=True),
    "network": Binding(_network, then=lambda work, group: put_to_newcomer(work, group)),
}


def action_line(commands: Mapping[str, Command], action: str) -> CommandLine | None:
    """'ajustar idioma es' → set, 'idioma es': a proposal's action by the command's English
    name, whichever name it was written with; None if no proposal can make me do it."""
    line = parse_command("/" + action, ("/",), None)
    command = find(commands, line.name) if line else None
    if line is None or command is None or command.name not in ACTIONS:
        return None
    return CommandLine(command.name, line.args)


def shown_action(tr: Translator, action: str) -> str:
    """A stored action ('set language es') with its command named in the reader's language."""
    name, _, args = action.partition(" ")
    return " ".join(filter(None, (tr.word("command", name), args)))


async def check_action(ctx: Context, action: str) -> int | None:
    """Whom the action is about (trust, remove), or a refusal naming what is wrong."""
    line = action_line(ctx.commands, action)
    if line is None:
        raise BadArgument(
            N_(
                "A proposal can make me do one of: /set, /trust, /remove, "
                "/shift, /link, /network; write it after 'do', like: /propose Sundays "
                "do shift move S4 sun 10:00 all"
            )
        )
    command = ctx.commands[line.name]
    try:
        raw, extra = split_args(command, line.args)
    except ValueError:
        raise BadArgument(N_("A quote is not closed.")) from None
    if extra or missing(command, raw):
        raise BadArgument(
            N_("The action is not complete, or has too much. It is written: {usage}"),
            usage=usage(command, ctx.tr),
        )
    args = {p.name: p.parse(raw[p.name]) for p in command.params if p.name in raw}
    return await ACTIONS[line.name].check(ctx, args)


def binding_terms(
    ctx: Context, group: Group, flags: Mapping[str, str], quorum: int, closes_at: datetime
) -> tuple[int, datetime]:
    """The group's floor for a binding proposal: a poll may ask more, never less."""
    least = number(group, "binding_quorum", ctx.defaults)
    if "quorum" in flags and quorum < least:
        raise BadArgument(
            N_(
                "A binding proposal needs a quorum of at least {quorum}% (the "
                "group's binding_quorum)."
            ),
            quorum=least,
        )
    hours = number(group, "binding_min_hours", ctx.defaults)
    earliest = ctx.now + timedelta(hours=hours)
    if closes_at < earliest and ("days" in flags or "closes" in flags):
        raise BadArgument(
            N_(
                "A binding proposal stays open at least {hours} hours (the "
                "group's binding_min_hours): it can close {when} at the "
                "earliest."
            ),
            hours=hours,
            when=ctx.tr.when(earliest, ctx.zone(group)),
        )
    return max(quorum, least), max(closes_at, earliest)


async def _author(ctx: Context, group: Group) -> Member:
    member = await active_member(ctx, group.id)
    if member is None:
        raise BadArgument(
            N_(
                "Only people on the roster of {group} open polls here: press Join "
                "(or type /join) first."
            ),
            group=group.name,
        )
    return member


def _options(tr: Translator, rules: Kind, title: str, typed: list[str]) -> list[str]:
    """The options the author typed, checked, or the kind's fixed answers."""
    if not rules.answers:
        check_options(title, typed)
        return typed
    if typed:
        raise BadArgument(
            N_("A {kind} has fixed answers: write it without options."),
            kind=tr.word("poll_kind", rules.name),
        )
    return list(rules.answers)


async def _subject(ctx: Context, rules: Kind, author: Member, action: str) -> int | None:
    """Whom a binding proposal's action is about, once it is known to be allowed."""
    if not rules.binding:
        raise BadArgument(
            N_("Only a proposal can make me do something: /propose <title> do <command>.")
        )
    if author.status != "trusted":
        raise BadArgument(
            N_(
                "Only trusted members make binding proposals (with 'do'). "
                "Propose it without 'do' for the group to talk it over; a "
                "trusted member can make it binding."
            )
        )
    return await check_action(ctx, action)


def _closes_at(ctx: Context, group: Group, rules: Kind, flags: Mapping[str, str]) -> datetime:
    """'days 3' or 'closes friday 18:00'; else the kind's own days or the group's poll_days."""
    usual = number(group, "poll_days", ctx.defaults) if rules.days is None else rules.days
    days = _whole(ctx.tr, flags, "days", 1, MAX_DAYS, usual)
    if "closes" not in flags:
        return ctx.now + timedelta(days=days)
    moment = parse_when(flags["closes"], ctx.now, ctx.zone(group), ctx.tr.language)
    if moment is None:
        raise BadArgument(
            N_("Say when the poll closes, like: {closes} {example}."),
            closes=ctx.tr.word("poll_setting", "closes"),
            example=ctx.tr._("friday 18:00"),
        )
    if moment > ctx.now + timedelta(days=MAX_DAYS):
        raise BadArgument(N_("A poll closes within {days} days."), days=MAX_DAYS)
    return moment


async def create(ctx: Context, kind: PollKind, line: str) -> list[Action]:
    assert ctx.group is not None
    group, tr, rules = ctx.group, ctx.tr, KINDS[kind]
    author = await _author(ctx, group)
    title, action, options, flags = split_poll_line(tr, line)
    network = await _assembly(ctx, group, author, action) if "network" in flags else None
    if not title or len(title) > 300:
        raise BadArgument(N_("Give the poll a title of at most 300 characters."))
    options = _options(tr, rules, title, options)
    subject = await _subject(ctx, rules, author, action) if action else None
    if action:  # kept with the command's English name, shown in each reader's language
        checked = action_line(ctx.commands, action)
        assert checked is not None
        action = f"{checked.name} {checked.args}".strip()
    zone = ctx.zone(group)
    options = rules.keep(options, lambda typed: parse_when(typed, ctx.now, zone, tr.language))
    closes_at = _closes_at(ctx, group, rules, flags)
    quorum = _whole(tr, flags, "quorum", 0, 100, 0)
    if action:
        quorum, closes_at = binding_terms(ctx, group, flags, quorum, closes_at)
    poll = await ctx.uow.polls.add(
        Poll(
            id=0,
            group_id=group.id,
            author_id=ctx.person.id,
            kind=kind,
            title=title,
            options=tuple(options),
            max_choices=_whole(tr, flags, "max", 1, len(options), 1),
            points=_whole(tr, flags, "points", 1, 100, 8),
            write_in="write-in" in flags,
            quorum=quorum,
            trusted_only="trusted" in flags or bool(action),
            secret="secret" in flags,
            hidden="hidden" in flags,
            closes_at=closes_at,
            state="open",
            result=None,
            outcome=None,
            action=action or None,
            action_done=False,
            created_at=ctx.now,
            subject_id=subject,
            network_id=network.id if network else None,
        )
    )
    await ctx.uow.jobs.add(JobKind.POLL_CLOSE, poll.id, closes_at)
    if closes_at - REMIND_BEFORE > ctx.now:
        await ctx.uow.jobs.add(JobKind.POLL_REMIND, poll.id, closes_at - REMIND_BEFORE)
    await ctx.uow.audit.add(
        group.id,
        ctx.person.id,
        "poll.open",
        {"poll": poll.id, "kind": kind, "action": action or None},
        ctx.now,
    )
    return [
        Post(g.id, text, buttons, key=f"poll:{poll.id}")
        for g, text, buttons in await posts_of(ctx, poll)
    ]


async def _assembly(ctx: Context, group: Group, author: Member, action: str) -> Network:
    """The network a poll is opened for, if this author may open one for it."""
    network = await ctx.uow.networks.of_group(group.id)
    if network is None:
        raise BadArgument(
            N_("{group} is in no network: leave out the word {word}."),
            group=group.name,
            word=ctx.tr.word("poll_setting", "network"),
        )
    if author.status != "trusted":
        raise BadArgument(
            N_("Only trusted members open a poll for the whole network {network}."),
            network=network.name,
        )
    # What a group does, joining or leaving the network included, each group decides by
    # its own proposals: no network decision is carried out in a group's name.
    if action:
        raise BadArgument(
            N_(
                "A network proposal cannot make me do anything: each group decides its "
                "own settings, and joining or leaving the network, by its own proposal. "
                "Leave out 'do …' for the network to decide it together."
            )
        )
    return network


async def posted_in(work: Work, poll: Poll) -> list[Group]:
    """The groups whose chats show the poll: its own, or every group in its network now.
    One that joins while it is open gets its post then (`put_to_newcomer`); one that leaves
    keeps the post it had, no longer edited."""
    if poll.network_id is None:
        return [await work.load_group(poll.group_id)]
    return await work.network_groups(poll.network_id)


async def _poll(ctx: Context, number_: int, lock: bool = False) -> Poll:
    """A poll by its number, as one that does not exist to whoever may not see it: on no
    roster of the groups whose chats show it, and not asking in one of them."""
    poll = await ctx.uow.polls.get(number_, lock=lock)
    missing = N_("There is no poll P{number}.")
    if poll is None:
        raise BadArgument(missing, number=number_)
    shown = (  # the group ids of posted_in, without loading the groups
        [poll.group_id]
        if poll.network_id is None
        else [n.group_id for n in await ctx.uow.networks.groups(poll.network_id)]
    )
    await only_if_seen(ctx, missing, poll.id, shown, (poll.author_id,))
    return poll


async def put_to_newcomer(work: Work, group: Group) -> list[Action]:
    """A group that has just joined a network is put its open assemblies, as everyone on
    its roster now votes on them: their posts in its chats, and every other group's post
    redrawn with its part."""
    network = await work.uow.networks.of_group(group.id)
    if network is None:  # it formed none, or it left
        return []
    actions: list[Action] = []
    for poll in await work.uow.polls.of_network(network.id):
        for shown, text, buttons in await posts_of(work, poll):
            key = f"poll:{poll.id}"
            actions.append(
                Post(shown.id, text, buttons, key=key)
                if shown.id == group.id
                else Edit(shown.id, key, text, buttons)
            )
    return actions


async def propose(ctx: Context, args: Args) -> list[Action]:
    return await create(ctx, "proposal", args["text"])


# The kinds /poll opens; a proposal has /propose.
POLL_KINDS = tuple(name for name, rules in KINDS.items() if rules.opened_by == "poll")


def poll_kind(tr: Translator, typed: str) -> PollKind:
    """The kind of poll /poll opens, named in any language ('elección', 'choice')."""
    kind = words.read("poll_kind", typed)
    for name in POLL_KINDS:
        if name == kind:
            return name
    raise BadArgument(
        N_("Please choose one of: {choices}."),
        param="kind",
        choices=", ".join(tr.word("poll_kind", k) for k in POLL_KINDS),
    )


async def kind_buttons(ctx: Context, answers: Mapping[str, object]) -> list[tuple[str, str]]:
    return [(ctx.tr.word("poll_kind", k), k) for k in POLL_KINDS]


async def poll_command(ctx: Context, args: Args) -> list[Action]:
    return await create(ctx, poll_kind(ctx.tr, args["kind"]), args["text"])


# --- showing ---------------------------------------------------------------------------------


async def eligible(work: Work, poll: Poll) -> dict[int, Group]:
    """Who may vote, each with the first group of theirs the poll is posted in (whose
    language they hear if they chose none). On a binding proposal: the members trusted when
    it opened and still on the roster, except the one it is about; accounts trusted since
    then do not count."""
    admitted: dict[int, Group] = {}
    for g in await posted_in(work, poll):
        for m in await work.uow.members.roster(g.id):
            if poll.electorate.admits(m):
                admitted.setdefault(m.person_id, g)  # a person on several rosters once
    return admitted


def result_of(poll: Poll, counted: Tally, voted: int, eligible_: int) -> str:
    if poll.action:
        return decisions.binding(
            counted["counts"],
            voted,
            eligible_,
            poll.quorum,
            removal=poll.action.split()[0].casefold() == "remove",
        )
    return KINDS[poll.kind].decide(counted, voted, eligible_, poll.quorum / 100)


@dataclass(frozen=True)
class Counts:
    """What every post of a poll shows alike, counted once for all the groups it is in."""

    turnout: Turnout
    counted: Tally | None  # None while the results are not shown
    network: str | None  # a network assembly's network
    parts: tuple[tuple[str, Turnout], ...]  # each group's part of an assembly, by name


async def posts_of(work: Work, poll: Poll) -> list[tuple[Group, str, tuple[Button, ...]]]:
    """The poll's post in each group it is posted in, in that group's language."""
    groups = await posted_in(work, poll)
    counts = await _counts(work, poll, groups)
    return [(g, *post_of(work, poll, g, counts)) for g in groups]


async def _counts(work: Work, poll: Poll, groups: list[Group]) -> Counts:
    counted = None
    # A secret or hidden poll shows only how many voted until it closes: a tally that grows
    # vote by vote would tell, to anyone who watches it, what each voter chose.
    if poll.state == "closed" or not (poll.hidden or poll.secret):
        counted = KINDS[poll.kind].tally(poll, await work.uow.polls.ballots(poll))
    if poll.network_id is None:
        return Counts(await work.uow.polls.turnout(poll), counted, None, ())
    network = await work.uow.networks.get(poll.network_id)
    assert network is not None  # a network that ends leaves its polls (SET NULL)
    # Each group's part: only counts, as the total shows them.
    parts = await work.uow.polls.parts(poll)
    nobody = Turnout(voted=0, eligible=0, missing=0)
    return Counts(
        await work.uow.polls.turnout(poll),
        counted,
        network.name,
        tuple((g.name, parts.get(g.id, nobody)) for g in groups),
    )


def post_of(work: Work, poll: Poll, group: Group, counts: Counts) -> tuple[str, tuple[Button, ...]]:
    tr, zone, rules = work.group_tr(group), work.zone(group), KINDS[poll.kind]
    turnout, counted = counts.turnout, counts.counted
    lines: list[str] = [
        Rich(" · ").join([code(f"P{poll.id}"), tr.word("poll_kind", poll.kind), strong(poll.title)])
    ]
    if counts.network:
        lines.append(tr._("For the whole network {network}.", network=counts.network))
    if poll.action:
        lines.append(tr._("If it passes, I will: /{action}", action=shown_action(tr, poll.action)))
        lines.append(
            tr._(
                "Binding: the members trusted when it opened vote, and at least {n} must agree.",
                n=decisions.MIN_AGREE,
            )
        )
    way = tr._("secret ballot") if poll.secret else tr._("named votes")
    lines.append(
        tr._(
            "Closes {when} · {way} · quorum {quorum}%",
            when=tr.when(poll.closes_at, zone),
            way=way,
            quorum=poll.quorum,
        )
    )
    if counted is not None and turnout.voted:
        lines += rules.results(tr, poll, counted, zone)
    lines.append(
        " · ".join(
            [
                tr._(
                    "Voted: {voted} of {eligible}", voted=turnout.voted, eligible=turnout.eligible
                ),
                *[
                    tr._(
                        "{group} {voted} of {eligible}",
                        group=name,
                        voted=part.voted,
                        eligible=part.eligible,
                    )
                    for name, part in counts.parts
                ],
            ]
        )
    )
    if poll.state == "closed":
        assert counted is not None
        lines.append(conclusion(tr, poll, counted, zone))
        return LINE.join(lines), ()
    if poll.secret or not rules.buttons or poll.max_choices > 1:
        return LINE.join(lines), (tr.button(tr._("Vote"), f"vote P{poll.id}", private=True),)
    native = setting(group, "native_polls", work.defaults) == "on"
    return LINE.join(lines), tuple(
        tr.button(label(tr, poll, o, zone), f"vote P{poll.id} {n}", answer=native)
        for n, o in enumerate(poll.options, 1)
    )


def conclusion(tr: Translator, poll: Poll, counted: Tally, zone: str) -> str:
    lines = []
    said = {
        "passed": tr._("It passed."),
        "blocked": tr._("It is blocked."),
        "rejected": tr._("It did not pass."),
        "tie": tr._("It is a tie: back to discussion."),
        "no quorum": tr._("Too few voted: no decision."),
    }
    if poll.result in said:
        lines.append(said[poll.result])
    lines += KINDS[poll.kind].remarks(tr, poll, counted, zone)
    if poll.outcome:
        lines.append(tr._("Outcome: {text}", text=poll.outcome))
    return "\n".join(lines)


# --- voting ----------------------------------------------------------------------------------


def how_to_vote(tr: Translator, poll: Poll, zone: str) -> str:
    lines = [f"P{poll.id} · {poll.title}"] + [
        f"{n}. {label(tr, poll, o, zone)}" for n, o in enumerate(poll.options, 1)
    ]
    hint = KINDS[poll.kind].how_to_vote
    lines.append(
        tr._(hint, number=poll.id, max=poll.max_choices, points=poll.points, **answer_words(tr))
    )
    if poll.secret:
        lines.append(
            tr._(
                "This ballot is secret: nobody, minga included, can tell your vote "
                "from you. It cannot be changed once cast."
            )
        )
    return "\n".join(lines)


async def _may_vote(ctx: Context, poll: Poll, group: Group) -> str | None:
    """Why this person may not vote on this poll, or None if they may."""
    tr = ctx.tr
    if poll.network_id is not None:
        return await _may_vote_in_network(ctx, poll)
    member = await active_member(ctx, group.id)
    if member is None:
        return tr._(
            "Only the roster of {group} votes on P{number}.", group=group.name, number=poll.id
        )
    if poll.action and ctx.person.id == poll.subject_id:
        return tr._("P{number} is about you: the others decide it.", number=poll.id)
    if poll.action and not poll.electorate.admits(member):
        return tr._(
            "Only the members who were trusted when P{number} opened vote on it.", number=poll.id
        )
    if poll.trusted_only and member.status != "trusted":
        return tr._("Only trusted members vote on P{number}.", number=poll.id)
    return None


async def _may_vote_in_network(ctx: Context, poll: Poll) -> str | None:
    """Anyone on a roster of the network votes, from whichever group's chat; where only
    trusted members vote, being trusted in one of the groups is enough."""
    assert poll.network_id is not None
    # As posted_in: the groups in the network now, one that joined since included.
    memberships = await ctx.uow.members.in_network(poll.network_id, ctx.person.id)
    on = [m for m in memberships if m.status != "left"]
    if not on:
        network = await ctx.uow.networks.get(poll.network_id)
        assert network is not None
        return ctx.tr._(
            "Only the rosters of the groups in the network {network} vote on P{number}.",
            network=network.name,
            number=poll.id,
        )
    if not any(poll.electorate.admits(m) for m in on):
        return ctx.tr._("Only trusted members vote on P{number}.", number=poll.id)
    return None


def _secret(ballot: Ballot) -> Ballot:
    """What a secret ballot keeps: a reason only where the result shows it (a block, an
    objection), so that fewer ballots stand out as one of a kind."""
    if ballot.get("reason") and ballot["choices"][0] not in NEEDS_REASON:
        return {**ballot, "reason": ""}
    return ballot


async def _not_here(ctx: Context, poll: Poll, group: Group) -> list[Action]:
    """Why no vote is taken here and now: the poll is closed, this person may not vote on
    it, or it is voted in private. Nothing if one is."""
    if poll.state != "open" or poll.closes_at <= ctx.now:
        return [Reply(ctx.tr._("P{number} is closed.", number=poll.id))]
    refusal = await _may_vote(ctx, poll, group)
    if refusal:
        return [Reply(refusal)]
    if poll.secret and ctx.chat.kind != "private":
        return [
            Reply(
                ctx.tr._("P{number} is voted in a private chat with me.", number=poll.id),
                (ctx.tr.button(ctx.tr._("Vote privately"), f"vote P{poll.id}", private=True),),
            )
        ]
    return []


async def _ballot(ctx: Context, poll: Poll, raw: str, zone: str) -> Ballot | Reply:
    """The ballot to keep (a write-in's option is added to the poll), or the answer to one
    that cannot be counted."""
    try:
        ballot = KINDS[poll.kind].read(ctx.tr, poll, raw.strip())
    except BadArgument:
        if not poll.secret:
            raise
        # The same answer to every mistake: a message kept in the outbox must not hint at
        # what the voter was trying to choose ("a block needs a reason").
        tr = ctx.tr
        return Reply(tr._("I could not count that ballot.") + "\n" + how_to_vote(tr, poll, zone))
    if not ballot.get("write_in"):
        return ballot
    await ctx.uow.polls.change(poll.id, ["open"], options=(*poll.options, ballot["choices"][0]))
    return {"choices": ballot["choices"]}


async def _count_named(ctx: Context, poll: Poll, ballot: Ballot) -> tuple[str, Revote]:
    """A named vote, new, changed or the same again; a disagree without a reason is invited
    to give one."""
    tr = ctx.tr
    said = {
        "new": N_("Your vote on P{number} is counted."),
        "changed": N_("Your vote on P{number} is changed."),
        "same": N_("Your vote on P{number} was already counted just so: nothing changed."),
    }
    revote = await ctx.uow.polls.vote(poll.id, ctx.person.id, ballot)
    answer = tr._(said[revote], number=poll.id)
    if revote == "same":
        return answer, revote
    if ballot.get("choices") == ["disagree"] and not ballot.get("reason"):
        answer += "\n" + tr._(
            "Say why, if you like: /vote P{number} {disagree} <why>.",
            number=poll.id,
            disagree=tr.word("vote", "disagree"),
        )
    return answer, revote


async def vote(ctx: Context, args: Args) -> list[Action]:
    # Votes on one poll take turns: whoever votes last sees every other vote committed, so
    # "has everyone voted?" is answered yes once (unlocked, eight votes at once on
    # PostgreSQL each missed the others' and nobody closed the poll).
    poll = await _poll(ctx, args["poll"], lock=True)
    tr, group = ctx.tr, await ctx.load_group(poll.group_id)
    zone = ctx.zone(group)
    refused = await _not_here(ctx, poll, group)
    if refused:
        return refused
    if "ballot" not in args:
        return [Reply(how_to_vote(tr, poll, zone))]
    ballot = await _ballot(ctx, poll, args["ballot"], zone)
    if isinstance(ballot, Reply):
        return [ballot]
    if poll.secret:
        if not await ctx.uow.polls.cast_secret(poll.id, ctx.person.id, _secret(ballot)):
            return [
                Reply(
                    tr._(
                        "You already voted on P{number}; a secret vote cannot be changed.",
                        number=poll.id,
                    )
                )
            ]
        answer = tr._("Your secret vote on P{number} is counted.", number=poll.id)
    else:
        answer, revote = await _count_named(ctx, poll, ballot)
        if revote == "same":  # nothing to count again nor to redraw
            return [Reply(answer)]
    if await ctx.uow.polls.all_voted(poll):
        current = await ctx.uow.polls.get(poll.id)  # with a write-in's new option
        assert current is not None
        return [Reply(answer, transient=poll.secret), *await close(ctx, current, group)]
    # The tally is redrawn by a job that runs once the burst has committed: a hundred votes
    # at once give a handful of edits, each counting every vote committed before it. A vote
    # in the seconds after a redraw waits for the next one (the platforms take an edit of a
    # post every few seconds anyway): 460 votes in a row were 230 redraws.
    await ctx.uow.jobs.add_once(JobKind.POLL_TALLY, poll.id, ctx.now + TALLY_EVERY)
    return [Reply(answer, transient=poll.secret)]  # a secret vote's moment is not kept


async def redraw(work: Work, job: Job) -> list[Action]:
    poll = await work.uow.polls.get(job.ref_id)
    if poll is None or poll.state != "open":
        return []
    return [
        Edit(g.id, f"poll:{poll.id}", text, buttons)
        for g, text, buttons in await posts_of(work, poll)
    ]


# --- closing ---------------------------------------------------------------------------------


async def standing(work: Work, poll: Poll) -> tuple[str, Tally]:
    """The result the poll would have if it closed now, and its tally."""
    turnout = await work.uow.polls.turnout(poll)
    counted = KINDS[poll.kind].tally(poll, await work.uow.polls.ballots(poll))
    return result_of(poll, counted, turnout.voted, turnout.eligible), counted


async def close(work: Work, poll: Poll, group: Group) -> list[Action]:
    result, counted = await standing(work, poll)
    if not await work.uow.polls.change(poll.id, ["open"], state="closed", result=result):
        return []
    await work.uow.audit.add(
        group.id, None, "poll.close", {"poll": poll.id, "result": result}, work.now
    )
    closed = await work.uow.polls.get(poll.id)
    assert closed is not None
    actions: list[Action] = []
    for shown, text, _ in await posts_of(work, closed):
        tr = work.group_tr(shown)
        actions += [
            Edit(shown.id, f"poll:{poll.id}", text, ()),
            Post(
                shown.id,
                tr._("P{number} is closed: {title}", number=poll.id, title=poll.title)
                + "\n"
                + conclusion(tr, closed, counted, work.zone(shown)),
            ),
        ]
    if result == "passed" and poll.action:
        actions += await carry_out(work, closed, group)
    return actions


async def carry_out(work: Work, poll: Poll, group: Group) -> list[Action]:
    """The group's decision, done once, by minga for the group (not as its author), checked
    again against things as they are now; the author and the outcome go in the audit log."""
    assert poll.action is not None
    if not await work.uow.polls.claim_action(poll.id):
        return []
    chats = await work.uow.chats.of_group(group.id)
    tr = work.group_tr(group)
    line = action_line(work.commands, poll.action)
    assert line is not None and chats
    binding = ACTIONS[line.name]
    author = (
        await work.uow.people.get(poll.author_id)
        if poll.author_id and binding.needs_author
        else None
    )
    # The group acts: with by_group no check of the person's own rights is made, the audit
    # names nobody, and answers are in the group's language. The person is a stand-in with
    # no id, or the author where what is made belongs to someone (a link code).
    ctx = Context.of(
        work,
        sender=Sender(chats[0].platform, "", group.name),
        person=author or Person(id=0, name=group.name, language=None, created_at=work.now),
        chat=chats[0],
        group=group,
        by_group=True,
    )
    try:
        if binding.needs_author and author is None:
            raise BadArgument(N_("its author is gone."))
        if await check_action(ctx, poll.action) != poll.subject_id:
            raise BadArgument(N_("the member it names is not the one it named when it opened."))
    except BadArgument as error:
        await _audit_action(work, poll, group, outcome="not possible", why=error.message)
        return [
            Post(
                group.id,
                tr._(
                    "P{number} passed, but I cannot carry it out: {why}",
                    number=poll.id,
                    why=tr._(error.message, **error.values),
                ),
            )
        ]
    done = await run_command(ctx, CommandLine(line.name, line.args))
    if binding.then is not None:
        done += await binding.then(work, group)
    await _audit_action(work, poll, group, outcome="carried out")
    return [
        Post(
            group.id,
            tr._(
                "Carrying out P{number}: /{action}",
                number=poll.id,
                action=shown_action(tr, poll.action),
            ),
        ),
        *[Post(group.id, a.text) if isinstance(a, Reply) else a for a in done],
    ]


async def _audit_action(work: Work, poll: Poll, group: Group, **outcome: str) -> None:
    """The group's log of a binding action: done, or why not; it names no person but the
    author, who proposed it in the open."""
    entry = {"poll": poll.id, "action": poll.action, "author": poll.author_id, **outcome}
    await work.uow.audit.add(group.id, None, "poll.action", entry, work.now)


async def close_job(work: Work, job: Job) -> list[Action]:
    poll = await work.uow.polls.get(job.ref_id)
    if poll is None or poll.state != "open" or poll.closes_at > work.now + timedelta(minutes=1):
        return []
    return await close(work, poll, await work.load_group(poll.group_id))


async def remind(work: Work, job: Job) -> list[Action]:
    """A day before a poll closes, those who may vote and have not are asked once."""
    poll = await work.uow.polls.get(job.ref_id)
    if poll is None or poll.state != "open":
        return []
    voted = await work.uow.polls.voters(poll)
    return [
        await work.tell(
            person,
            group,
            N_("P{number} closes in a day and you have not voted yet: {title}"),
            ((N_("Vote"), f"vote P{poll.id}"),),
            number=poll.id,
            title=poll.title,
        )
        for person, group in (await eligible(work, poll)).items()
        if person not in voted
    ]


async def end(ctx: Context, number_: int) -> list[Action]:
    """The author closes their poll early; a binding one only once everyone who may vote
    has, or when a block already stops it (to propose it again, revised)."""
    poll = await _poll(ctx, number_)
    if poll.author_id != ctx.person.id:
        return [Reply(ctx.tr._("Only the author of P{number} can close it early.", number=poll.id))]
    if poll.state != "open":
        return [Reply(ctx.tr._("P{number} is closed.", number=poll.id))]
    group = await ctx.load_group(poll.group_id)
    if poll.action and (await standing(ctx, poll))[0] != "blocked":
        turnout = await ctx.uow.polls.turnout(poll)
        return [
            Reply(
                ctx.tr._(
                    "P{number} is binding: it stays open until {when}, unless "
                    "everyone who may vote has voted before ({voted} of {eligible} "
                    "so far).",
                    number=poll.id,
                    voted=turnout.voted,
                    eligible=turnout.eligible,
                    when=ctx.tr.when(poll.closes_at, ctx.zone(group)),
                )
            )
        ]
    return await close(ctx, poll, group)


async def outcome(ctx: Context, args: Args) -> list[Action]:
    poll = await ctx.uow.polls.get(args["poll"])
    if poll is None or poll.author_id != ctx.person.id:
        return [Reply(ctx.tr._("Only the author of a poll can add its outcome."))]
    if not await ctx.uow.polls.change(poll.id, ["closed"], outcome=args["text"]):
        return [Reply(ctx.tr._("An outcome is added once the poll is closed."))]
    closed = await ctx.uow.polls.get(poll.id)
    assert closed is not None
    return [
        *[Edit(g.id, f"poll:{poll.id}", text, ()) for g, text, _ in await posts_of(ctx, closed)],
        Reply(ctx.tr._("The outcome is on the post of P{number}.", number=poll.id)),
    ]


async def open_in(ctx: Context, group: Group) -> list[Poll]:
    """The open polls a group's roster votes on: its own and its network's assemblies."""
    network = await ctx.uow.networks.of_group(group.id)
    assemblies = await ctx.uow.polls.of_network(network.id) if network else []
    return [*await ctx.uow.polls.of_group(group.id, open_only=True), *assemblies]


async def polls(ctx: Context, args: Args) -> list[Action]:
    groups = [ctx.group] if ctx.group else await ctx.uow.groups.of_person(ctx.person.id)
    # An assembly is listed once, in the zone of the first of the person's groups in it.
    open_ = {p.id: (p, ctx.zone(g)) for g in reversed(groups) for p in await open_in(ctx, g)}
    if not open_:
        return [Reply(ctx.tr._("No open polls."))]
    return [
        Reply(
            "\n".join(
                [ctx.tr._("Open polls:")]
                + [listed(ctx.tr, p, zone) for p, zone in sorted(open_.values(), key=_number)]
            )
        )
    ]


def _number(shown: tuple[Poll, str]) -> int:
    return shown[0].id


async def close_either(ctx: Context, args: Args) -> list[Action]:
    """`/close P3` closes your poll early; `/close O5` ends your offer."""
    what = args["what"].strip().upper()
    if what.startswith("P"):
        return await end(ctx, reference("P")(what))
    return await offers.close(ctx, {"offer": reference("O")(what)})
