"""Requests for help: private intake, anonymous group posts, race-safe claiming, a relay.

A request is shown by its number (R17) and never by who asked, unless they chose so.
Every change is a conditional update (only from the states it may come from), so two
people pressing at once cannot both win; the post in the group is edited to match.

minga must not give away who asked either, when the person who asked types or presses
about their request in a group chat: whatever the answer would tell (that R17 is theirs,
that a message about it was passed on), it is given in the private chat, and the group
sees one neutral line, the same whoever typed it. Only the volunteer, whom the post
names anyway, acts on a request from a group chat; a change only the person who asked
may make is offered to them privately, with a button, since the post's edit right after
their message would show the group whose request it is.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot import words
from bot.context import Context, Work
from bot.dates import parse_when, split_when
from bot.handlers.common import (
    active_member,
    answer_privately,
    category_of,
    chosen_group,
    handle_of,
    only_if_seen,
    privately,
    reachable,
    split_form,
)
from bot.i18n import N_, Translator
from bot.messages import LINE, Action, Button, Edit, Post, PrivateMessage, Reply, Rich, code, strong
from bot.model import Group, HelpRequest, Job, JobKind, Offer, Person, RequestState
from bot.params import BadArgument
from bot.router import Args
from bot.settings import areas, categories, category, in_area, number, setting

ASAP_FOR = timedelta(days=7)  # how long an "as soon as possible" request stays open
URGENT_WORDS = {"urgent", "urgente"}
STATE_WORDS = {
    "open": N_("open"),
    "claimed": N_("being helped"),
    "done": N_("done"),
    "cancelled": N_("cancelled"),
    "expired": N_("expired"),
}


def parse_request_line(line: str) -> dict[str, str]:
    """'food Eastside by friday: 2 boxes' → raw answers; an empty line starts the dialog."""
    if not line.strip():
        return {}
    head, colon, what = split_form(line)
    typed = head.split()
    refer = [w for w in typed if words.read("request_word", w) in ("network", "at_once")]
    typed = [w for w in typed if w not in refer]
    at_once = any(words.read("request_word", w) == "at_once" for w in refer)
    kept = [w for w in typed if w.casefold() not in URGENT_WORDS]
    if not colon or len(kept) < 2 or not what.strip():
        raise BadArgument(
            N_("Write it like this: food Eastside by friday: 2 boxes for a family of 4")
        )
    area, when = split_when(" ".join(kept[1:]))
    return {
        "category": kept[0],
        "area": area,
        "when": when or "asap",
        "what": what,
        "urgency": "urgent" if len(kept) < len(typed) else "normal",
        "contact": "relay",
        "show_name": "no",
        # As with the name and the contact, the one line keeps the request to the group
        # unless the person says otherwise: with the word "network" ("network-now": at once,
        # where the group allows it).
        "refer": "now" if at_once else "yes" if refer else "no",
    }


async def refer_unasked(ctx: Context, answers: Mapping[str, Any]) -> str | None:
    """A group in no network has no one to offer the request to: nothing to ask."""
    in_network = "group" in answers and await ctx.uow.networks.of_group(answers["group"])
    return None if in_network else "no"


async def refer_options(ctx: Context, answers: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    """Yes first, as proposed, except for a category the group keeps to itself by default;
    "right away" only where the group allows it."""
    tr = ctx.tr
    yes = (tr._("Yes, the network may help"), "yes")
    no = (tr._("No, only this group"), "no")
    group = await ctx.uow.groups.get(answers["group"])
    now = (
        [(tr._("Yes, and right away"), "now")]
        if group is not None and setting(group, "refer_at_once", ctx.defaults) == "on"
        else []
    )
    sensitive = group is not None and category(
        group, answers.get("category", ""), ctx.defaults
    ) in categories(group, ctx.defaults, "sensitive_categories")
    return (no, yes, *now) if sensitive else (yes, *now, no)


def request_line(tr: Translator, request: HelpRequest, zone: str, asker: Person | None) -> str:
    """R12 · URGENT · food · Eastside · …: the number monospace, what is asked for bold."""
    parts: list[str] = [
        code(f"R{request.id}"),
        *([strong(tr._("URGENT"))] if request.urgent else []),
        strong(tr.word("category", request.category)),
        request.area,
    ]
    parts.append(
        tr._("by {when}", when=tr.when(request.needed_by, zone))
        if request.needed_by
        else tr._("as soon as possible")
    )
    parts.append(request.description)
    if request.show_name and asker is not None:
        parts.append(tr._("asked by {name}", name=asker.name))
    return Rich(" · ").join(parts)


async def post_of(work: Work, request: HelpRequest, group: Group) -> tuple[str, tuple[Button, ...]]:
    """The group post of a request as it stands now: its line, its state, its button."""
    tr = work.group_tr(group)
    # Another group of the network sees it without a name, whatever its own group sees.
    home = group.id == request.group_id
    asker = (
        await work.uow.people.get(request.requester_id) if home and request.requester_id else None
    )
    lines = [request_line(tr, request, work.zone(group), asker)]
    if not home:
        origin = await work.load_group(request.group_id)
        lines.insert(0, tr._("From {group}, in the network:", group=origin.name))
    if request.state == "open":
        return LINE.join(lines), (
            tr.button(tr._("I can help"), f"claim {request.id}", undo=f"unclaim {request.id}"),
        )
    helper = await work.uow.people.get(request.claimer_id) if request.claimer_id else None
    # Another group sees the volunteer's group, not their name.
    helpers = await work.load_group(request.helper_group_id or request.group_id)
    away = helpers.id != group.id
    if request.state == "claimed" and helper:
        lines.append(
            tr._("✋ A volunteer of {group} is helping.", group=helpers.name)
            if away
            else tr._("✋ {name} is helping.", name=helper.name)
        )
    elif request.state == "done":
        lines.append(
            tr._("✅ Done, with the help of a volunteer of {group}.", group=helpers.name)
            if helper and away
            else tr._("✅ Done, with the help of {name}.", name=helper.name)
            if helper
            else tr._("✅ Done.")
        )
    elif request.state == "cancelled":
        lines.append(tr._("Cancelled by the person who asked."))
    else:
        lines.append(tr._("Expired without help."))
    if request.thanks:
        lines.append(tr._("Thanks: “{text}”", text=request.thanks))
    return LINE.join(lines), ()


async def edit_posts(work: Work, request_id: int) -> list[Edit]:
    """The request's post, as it stands now, in its group and every group it was offered to."""
    request = await work.uow.requests.get(request_id)
    assert request is not None
    edits = []
    for group_id in (request.group_id, *await work.uow.requests.referred(request.id)):
        group = await work.load_group(group_id)
        edits.append(Edit(group.id, f"request:{request.id}", *await post_of(work, request, group)))
    return edits


def deadline(request: HelpRequest) -> datetime:
    return request.needed_by or request.created_at + ASAP_FOR


async def schedule_expiry(work: Work, request: HelpRequest, group: Group) -> None:
    grace = timedelta(hours=number(group, "request_grace_hours", work.defaults))
    await work.uow.jobs.add(
        JobKind.REQUEST_EXPIRE, request.id, max(deadline(request), work.now) + grace
    )


async def request_(ctx: Context, args: Args) -> list[Action]:
    group, _ = await chosen_group(ctx, args["group"])
    tr = ctx.tr
    category = category_of(ctx, group, args["category"])
    try:
        needed_by = parse_when(args["when"], ctx.now, ctx.zone(group), tr.language)
    except BadArgument as error:
        error.param = "when"
        raise
    request = await ctx.uow.requests.add(
        HelpRequest(
            id=0,
            group_id=group.id,
            requester_id=ctx.person.id,
            category=category,
            description=args["what"],
            area=args["area"],
            needed_by=needed_by,
            urgent=args["urgency"] == "urgent",
            contact=args["contact"],
            show_name=args["show_name"] == "yes",
            refer=args["refer"] in ("yes", "now"),
            state="open",
            claimer_id=None,
            created_at=ctx.now,
            changed_at=ctx.now,
        )
    )
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "request.open", {"request": request.id}, ctx.now
    )
    await ctx.uow.jobs.add(
        JobKind.REQUEST_BUMP,
        request.id,
        ctx.now + timedelta(hours=number(group, "bump_hours", ctx.defaults)),
    )
    await schedule_expiry(ctx, request, group)
    referral = number(group, "referral_hours", ctx.defaults)
    refer = request.refer and referral > 0 and await ctx.uow.networks.of_group(group.id)
    # Asked at once where the group does not allow it, it waits as any other.
    at_once = args["refer"] == "now" and setting(group, "refer_at_once", ctx.defaults) == "on"
    if refer:
        await ctx.uow.jobs.add(
            JobKind.REQUEST_REFER,
            request.id,
            ctx.now if at_once else ctx.now + timedelta(hours=referral),
        )
    text, buttons = await post_of(ctx, request, group)
    confirm = "\n".join(
        (
            tr._(
                "R{number} is posted in {group}, with your name as you chose.",
                number=request.id,
                group=group.name,
            )
            if request.show_name
            else tr._(
                "R{number} is posted in {group}, without your name.",
                number=request.id,
                group=group.name,
            ),
            tr._(
                "I'll tell you when someone claims it. /mine shows your requests; "
                "/cancel R{number} takes it back.",
                number=request.id,
            ),
            *(
                [
                    tr._(
                        "I'll offer it now, without your name, to the other groups of the "
                        "network that help with it, and tell you where it went."
                    )
                    if at_once
                    else tr._(
                        "If nobody in {group} takes it within {hours} hours, I'll offer it, "
                        "without your name, to the other groups of the network.",
                        group=group.name,
                        hours=referral,
                    )
                ]
                if refer
                else []
            ),
        )
    )
    return [
        Post(group.id, text, buttons, key=f"request:{request.id}"),
        Reply(confirm),
        *await matching_offers(ctx, request),
    ]


async def matching_offers(ctx: Context, request: HelpRequest) -> list[Action]:
    """Offerers whose offer fits a new request hear of it, once per pair."""
    notices: list[Action] = []
    for offer in await ctx.uow.offers.listed([request.group_id], request.category, request.area):
        if offer.offerer_id in (None, request.requester_id):
            continue
        if await ctx.uow.offers.record_match(request.id, offer.id):
            tr = ctx.tr_for(await ctx.uow.people.get(offer.offerer_id))
            group = await ctx.load_group(request.group_id)
            notices.append(
                PrivateMessage(
                    offer.offerer_id,
                    "\n".join(
                        (
                            tr._("A new request may fit your offer O{offer}:", offer=offer.id),
                            request_line(tr, request, ctx.zone(group), None),
                        )
                    ),
                    (
                        tr.button(
                            tr._("I can help"), f"claim {request.id}", undo=f"unclaim {request.id}"
                        ),
                    ),
                )
            )
    return notices


async def matching_requests(ctx: Context, offer: Offer) -> list[Action]:
    """Requesters whose open request an offer fits hear of it, once per pair."""
    notices: list[Action] = []
    for request in await ctx.uow.requests.listed(
        [offer.group_id], ["open"], offer.category, offer.area
    ):
        if request.requester_id in (None, offer.offerer_id):
            continue
        if await ctx.uow.offers.record_match(request.id, offer.id):
            tr = ctx.tr_for(await ctx.uow.people.get(request.requester_id))
            notices.append(
                PrivateMessage(
                    request.requester_id,
                    "\n".join(
                        (
                            tr._("An offer may fit your request R{number}:", number=request.id),
                            f"O{offer.id} · {offer.what} · {offer.area}",
                        )
                    ),
                    (tr.button(tr._("I'd like this"), f"take {offer.id}"),),
                )
            )
    return notices


async def _request(ctx: Context, number_: int) -> HelpRequest:
    request = await ctx.uow.requests.get(number_)
    missing = N_("There is no request R{number}.")
    if request is None:
        raise BadArgument(missing, number=number_)
    posted = [request.group_id, *await ctx.uow.requests.referred(request.id)]
    await only_if_seen(ctx, missing, request.id, posted, (request.requester_id, request.claimer_id))
    return request


def _asker_only(request: HelpRequest, person: Person, refusal: str) -> None:
    if person.id != request.requester_id:
        raise BadArgument(refusal, number=request.id)


def _state_refusal(ctx: Context, request: HelpRequest) -> str:
    return ctx.tr._(
        "R{number} is {state}, so that is not possible now.",
        number=request.id,
        state=ctx.tr._(STATE_WORDS[request.state]),
    )


def _refuse_state(ctx: Context, request: HelpRequest) -> list[Action]:
    return [Reply(_state_refusal(ctx, request))]


def _in_group(ctx: Context) -> bool:
    return ctx.chat.kind == "group"


async def _offered_privately(
    ctx: Context,
    request: HelpRequest,
    refusal: str,
    states: list[RequestState],
    label: str,
    command: str,
) -> list[Action]:
    """A change only the person who asked may make, typed in a group chat: offered to them
    privately with a button (`label` and `refusal` are marked with N_). Whoever typed it,
    the group sees the same neutral line."""
    tr = ctx.tr
    if ctx.person.id != request.requester_id:
        return await answer_privately(ctx, tr._(refusal, number=request.id))
    if request.state not in states:
        return await answer_privately(ctx, _state_refusal(ctx, request))
    return await answer_privately(
        ctx,
        tr._(
            "Typed in the group chat, that would show everyone that R{number} is yours. Press "
            "the button to do it here.",
            number=request.id,
        ),
        (tr.button(tr._(label, number=request.id), f"{command} {request.id}"),),
    )


async def _taken_by(ctx: Context, request: HelpRequest, mine: Group) -> str:
    """Why a claim lost; a volunteer of another group of the network is not named."""
    current = await ctx.uow.requests.get(request.id)
    assert current is not None
    if current.state == "claimed" and current.claimer_id:
        if current.claimer_id == ctx.person.id:
            return ctx.tr._("You are already helping with R{number}.", number=request.id)
        helpers = await ctx.load_group(current.helper_group_id or current.group_id)
        if helpers.id != mine.id:
            return ctx.tr._(
                "R{number} was just taken by a volunteer of {group}.",
                number=request.id,
                group=helpers.name,
            )
        helper = await ctx.uow.people.get(current.claimer_id)
        return ctx.tr._("R{number} was just taken by {name}.", number=request.id, name=helper.name)
    return _state_refusal(ctx, current)


async def _helping_group(ctx: Context, request: HelpRequest) -> tuple[Group | None, list[int]]:
    """The group whose roster lets this person take the request: its own, else one it was
    offered to that is still in its network; and all of those groups, its own first."""
    ways = [request.group_id]
    network = await ctx.uow.networks.of_group(request.group_id)
    if network is not None:
        siblings = {each.group_id for each in await ctx.uow.networks.groups(network.id)}
        ways += [g for g in await ctx.uow.requests.referred(request.id) if g in siblings]
    for group_id in ways:
        if await active_member(ctx, group_id):
            return await ctx.load_group(group_id), ways
    return None, ways


async def _off_the_rosters(ctx: Context, request: HelpRequest, ways: list[int]) -> list[Action]:
    """About the speaker, not the request (the person who asked may have left the roster
    too): said where they asked, naming the group whose roster they could join. Where the
    request was never posted, and to someone on none of the rosters it was posted to, it is
    as a number that does not exist: a group the network did not offer it to, or one in no
    network, learns neither that it exists nor whose it is."""
    posted = [request.group_id, *await ctx.uow.requests.referred(request.id)]
    if ctx.group is not None:
        shown_here = ctx.group.id in posted
    else:
        shown_here = bool(await ctx.uow.members.among(posted, ctx.person.id))
    if not shown_here:
        raise BadArgument(N_("There is no request R{number}."), number=request.id)
    # A group that left the network keeps the post it had, but joins no longer help.
    here = ctx.group if ctx.group is not None and ctx.group.id in ways else None
    group = here or await ctx.load_group(request.group_id)
    return [
        Reply(
            ctx.tr._(
                "Only people on the roster of {group} can take its requests. "
                "Press Join in its chat first.",
                group=group.name,
            )
        )
    ]


async def claim(ctx: Context, args: Args) -> list[Action]:
    request = await _request(ctx, args["request"])
    tr = ctx.tr
    group = await ctx.load_group(request.group_id)
    helpers, ways = await _helping_group(ctx, request)
    # Every refusal but being on none of the rosters is private, so that none of them
    # marks the one who asked.
    if helpers is None:
        return await _off_the_rosters(ctx, request, ways)
    if request.requester_id == ctx.person.id:
        return await answer_privately(
            ctx, tr._("R{number} is your own request.", number=request.id)
        )
    # One row for the whole network: of two claims from two groups, one wins.
    if request.state != "open" or not await ctx.uow.requests.change(
        request.id,
        ["open"],
        ctx.now,
        state="claimed",
        claimer_id=ctx.person.id,
        helper_group_id=helpers.id,
    ):
        return await answer_privately(ctx, await _taken_by(ctx, request, helpers))
    await ctx.uow.audit.add(
        group.id,
        ctx.person.id,
        "request.claim",
        {"request": request.id, "group": helpers.id},
        ctx.now,
    )
    await ctx.uow.jobs.add(
        JobKind.REQUEST_NUDGE,
        request.id,
        ctx.now + timedelta(hours=number(group, "nudge_hours", ctx.defaults)),
    )
    return [*await edit_posts(ctx, request.id), *await _tell_both(ctx, request, helpers)]


async def _tell_both(ctx: Context, request: HelpRequest, helpers: Group) -> list[Action]:
    """After a claim: the volunteer learns how to reach the person, and they learn who helps."""
    assert request.requester_id is not None
    asker = await ctx.uow.people.get(request.requester_id)
    atr, tr = ctx.tr_for(asker), ctx.tr
    handle = await handle_of(ctx, asker.id) if request.contact == "share" else None
    relay = tr._(
        "Write to them with /msg R{number} <text>: I pass it on without showing who you are.",
        number=request.id,
    )
    info = (
        tr._("You are helping with R{number}. Thank you!", number=request.id)
        + "\n"
        + (tr._("They chose to share their contact: {handle}", handle=handle) if handle else relay)
    )
    actions: list[Action] = [
        PrivateMessage(
            asker.id,
            "\n".join(
                (
                    atr._(
                        "Good news: {name} will help with R{number}.",
                        name=ctx.person.name,
                        number=request.id,
                    )
                    if helpers.id == request.group_id
                    else atr._(
                        "Good news: {name}, a volunteer of {group}, will help with R{number}.",
                        name=ctx.person.name,
                        group=helpers.name,
                        number=request.id,
                    ),
                    atr._(
                        "Write to them with /msg R{number} <text>; "
                        "you can also reply to my messages.",
                        number=request.id,
                    ),
                )
            ),
            key=f"relay:{request.id}",
        )
    ]
    return [*actions, *await privately(ctx, info, key=f"relay:{request.id}")]


async def unclaim(ctx: Context, args: Args) -> list[Action]:
    request = await _request(ctx, args["request"])
    group = await ctx.load_group(request.group_id)
    stale = request.changed_at + timedelta(hours=number(group, "nudge_hours", ctx.defaults))
    member = await active_member(ctx, group.id)
    may = request.claimer_id == ctx.person.id or (
        member is not None and member.status == "trusted" and ctx.now >= stale
    )
    if request.state != "claimed":
        return _refuse_state(ctx, request)
    if not may:
        return [
            Reply(
                ctx.tr._(
                    "Only the volunteer on R{number} can give it back (or a trusted "
                    "member, once it has had no news for a while).",
                    number=request.id,
                )
            )
        ]
    if not await ctx.uow.requests.change(
        request.id, ["claimed"], ctx.now, state="open", claimer_id=None, helper_group_id=None
    ):
        return _refuse_state(ctx, request)
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "request.unclaim", {"request": request.id}, ctx.now
    )
    gtr = ctx.group_tr(group)
    actions: list[Action] = [
        *await edit_posts(ctx, request.id),
        Post(group.id, gtr._("R{number} is open again: can someone else help?", number=request.id)),
        Reply(ctx.tr._("R{number} is open again.", number=request.id)),
    ]
    if request.requester_id:
        actions.append(
            await ctx.tell(
                request.requester_id,
                group,
                N_(
                    "The volunteer can't help with R{number} after all. "
                    "It is open again for others."
                ),
                number=request.id,
            )
        )
    return actions


async def _close(
    ctx: Context,
    request: HelpRequest,
    group: Group,
    state: RequestState,
    from_states: list[RequestState],
) -> bool:
    if not await ctx.uow.requests.change(request.id, from_states, ctx.now, state=state):
        return False
    await ctx.uow.audit.add(
        group.id, ctx.person.id, f"request.{state}", {"request": request.id}, ctx.now
    )
    await ctx.uow.jobs.add(
        JobKind.REQUEST_ANONYMISE,
        request.id,
        ctx.now + timedelta(days=number(group, "retention_days", ctx.defaults)),
    )
    return True


async def done(ctx: Context, args: Args) -> list[Action]:
    request = await _request(ctx, args["request"])
    if _in_group(ctx) and ctx.person.id != request.claimer_id:
        # The group knows the volunteer from the post; anyone else marking it done here
        # could only be the person who asked.
        return await _offered_privately(
            ctx,
            request,
            N_("Only the person who asked or the volunteer can mark R{number} done."),
            ["open", "claimed"],
            N_("Mark R{number} done"),
            "done",
        )
    if ctx.person.id not in (request.requester_id, request.claimer_id):
        return [
            Reply(
                ctx.tr._(
                    "Only the person who asked or the volunteer can mark R{number} done.",
                    number=request.id,
                )
            )
        ]
    group = await ctx.load_group(request.group_id)
    if not await _close(ctx, request, group, "done", ["open", "claimed"]):
        return _refuse_state(ctx, request)
    other = request.claimer_id if ctx.person.id == request.requester_id else (request.requester_id)
    actions: list[Action] = [
        *await edit_posts(ctx, request.id),
        Reply(
            ctx.tr._("R{number} is done. Thank you!", number=request.id)
            + (
                "\n"
                + ctx.tr._(
                    "You can leave a word of thanks with /thanks R{number} <text>.",
                    number=request.id,
                )
                if ctx.person.id == request.requester_id
                else ""
            )
        ),
    ]
    if other:
        actions.append(
            await ctx.tell(other, group, N_("R{number} is marked done."), number=request.id)
        )
    return actions


async def thanks(ctx: Context, args: Args) -> list[Action]:
    request = await _request(ctx, args["request"])
    refusal = N_("Only the person who asked can thank for R{number}.")
    not_yet = N_("Thanks can be given once R{number} is done: /done R{number}.")
    if _in_group(ctx):  # the thanks on the post, right after, would show who asked
        tr = ctx.tr
        return await answer_privately(
            ctx,
            tr._(
                refusal
                if ctx.person.id != request.requester_id
                else not_yet
                if request.state != "done"
                else N_(
                    "Typed in the group chat, your thanks would show everyone that R{number} is "
                    "yours. Send them to me here instead: /thanks R{number} <your words>. They go "
                    "on the post without your name."
                ),
                number=request.id,
            ),
        )
    _asker_only(request, ctx.person, refusal)
    if not await ctx.uow.requests.change(request.id, ["done"], ctx.now, thanks=args["text"]):
        return [Reply(ctx.tr._(not_yet, number=request.id))]
    actions: list[Action] = [
        *await edit_posts(ctx, request.id),
        Reply(ctx.tr._("Your thanks are on the post of R{number}.", number=request.id)),
    ]
    if request.claimer_id:
        actions.append(
            await ctx.tell(
                request.claimer_id,
                None,
                N_("Thanks for R{number}: “{text}”"),
                number=request.id,
                text=args["text"],
            )
        )
    return actions


async def cancel_request(ctx: Context, number_: int) -> list[Action]:
    request = await _request(ctx, number_)
    refusal = N_("Only the person who asked can cancel R{number}.")
    if _in_group(ctx):
        return await _offered_privately(
            ctx, request, refusal, ["open", "claimed"], N_("Cancel R{number}"), "cancel"
        )
    _asker_only(request, ctx.person, refusal)
    group = await ctx.load_group(request.group_id)
    if not await _close(ctx, request, group, "cancelled", ["open", "claimed"]):
        return _refuse_state(ctx, request)
    actions: list[Action] = [
        *await edit_posts(ctx, request.id),
        Reply(ctx.tr._("R{number} is cancelled.", number=request.id)),
    ]
    if request.claimer_id:
        actions.append(
            await ctx.tell(
                request.claimer_id,
                group,
                N_("R{number} was cancelled by the person who asked. Thank you all the same!"),
                number=request.id,
            )
        )
    return actions


async def reopen(ctx: Context, args: Args) -> list[Action]:
    request = await _request(ctx, args["request"])
    refusal = N_("Only the person who asked can reopen R{number}.")
    if _in_group(ctx):
        return await _offered_privately(
            ctx,
            request,
            refusal,
            ["cancelled", "expired", "done"],
            N_("Reopen R{number}"),
            "reopen",
        )
    _asker_only(request, ctx.person, refusal)
    if not await ctx.uow.requests.change(
        request.id,
        ["cancelled", "expired", "done"],
        ctx.now,
        state="open",
        claimer_id=None,
        helper_group_id=None,
        thanks=None,
    ):
        return _refuse_state(ctx, request)
    group = await ctx.load_group(request.group_id)
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "request.reopen", {"request": request.id}, ctx.now
    )
    reopened = await ctx.uow.requests.get(request.id)
    assert reopened is not None
    await schedule_expiry(ctx, reopened, group)
    return [
        *await edit_posts(ctx, request.id),
        Reply(ctx.tr._("R{number} is open again.", number=request.id)),
    ]


async def relay(ctx: Context, args: Args) -> list[Action]:
    """Typed in a group chat, it is still passed on; but whether it may be, and whether it
    was, would tell the group who asked, so every answer is private."""
    request = await _request(ctx, args["request"])
    parties = (request.requester_id, request.claimer_id)
    if ctx.person.id not in parties or request.claimer_id is None:
        return await answer_privately(
            ctx,
            ctx.tr._(
                "Messages about R{number} go between the person who asked and the volunteer who "
                "helps.",
                number=request.id,
            ),
        )
    other = request.claimer_id if ctx.person.id == request.requester_id else (request.requester_id)
    if other is None:
        return await answer_privately(
            ctx,
            ctx.tr._("The person who asked for R{number} is no longer here.", number=request.id),
        )
    otr = ctx.tr_for(await ctx.uow.people.get(other))
    sender = (
        otr._("the person who asked") if ctx.person.id == request.requester_id else ctx.person.name
    )
    return [
        PrivateMessage(
            other,
            "\n".join(
                (
                    otr._("About R{number}, {sender} writes:", number=request.id, sender=sender),
                    args["text"],
                    otr._(
                        "(Answer with /msg R{number} <text>, or reply to this message.)",
                        number=request.id,
                    ),
                )
            ),
            key=f"relay:{request.id}",
        ),
        *await answer_privately(
            ctx,
            ctx.tr._("Passed on.")
            if await reachable(ctx, other)
            else ctx.tr._(
                "I can't reach them privately yet; they will see it once they write to me."
            ),
        ),
    ]


async def bump(work: Work, job: Job) -> list[Action]:
    request = await work.uow.requests.get(job.ref_id)
    if request is None or request.state != "open":
        return []
    group = await work.load_group(request.group_id)
    tr = work.group_tr(group)
    text, buttons = await post_of(work, request, group)
    return [Post(group.id, tr._("Still waiting for someone:") + "\n" + text, buttons)]


async def nudge(work: Work, job: Job) -> list[Action]:
    request = await work.uow.requests.get(job.ref_id)
    if request is None or request.state != "claimed" or request.claimer_id is None:
        return []
    group = await work.load_group(request.group_id)
    if request.changed_at + timedelta(hours=number(group, "nudge_hours", work.defaults)) > (
        work.now
    ):
        return []  # there was news since this nudge was planned
    return [
        await work.tell(
            request.claimer_id,
            group,
            N_(
                "How is R{number} going? /done R{number} when it is done, or /unclaim R{number} if "
                "you can't do it after all."
            ),
            number=request.id,
        )
    ]


async def expire(work: Work, job: Job) -> list[Action]:
    request = await work.uow.requests.get(job.ref_id)
    if request is None:
        return []
    group = await work.load_group(request.group_id)
    grace = timedelta(hours=number(group, "request_grace_hours", work.defaults))
    if max(deadline(request), request.changed_at) + grace > work.now:
        return []  # reopened or changed since: a newer expiry is planned
    if not await work.uow.requests.change(
        request.id, ["open", "claimed"], work.now, state="expired"
    ):
        return []
    await work.uow.audit.add(group.id, None, "request.expired", {"request": request.id}, work.now)
    await work.uow.jobs.add(
        JobKind.REQUEST_ANONYMISE,
        request.id,
        work.now + timedelta(days=number(group, "retention_days", work.defaults)),
    )
    actions: list[Action] = [*await edit_posts(work, request.id)]
    if request.requester_id:
        actions.append(
            await work.tell(
                request.requester_id,
                group,
                N_("R{number} has expired. If you still need it, /reopen R{number}."),
                number=request.id,
            )
        )
    return actions


async def refer(work: Work, job: Job) -> list[Action]:
    """Nobody in its group took it: the request goes, as an anonymous post of each of their
    chats, to the groups of the network that serve its category and its area (one of their
    areas is in the request's, or they name none). Whoever joined since is in; whoever left,
    out. The person who asked hears where it went, or that no group fits and it stays."""
    request = await work.uow.requests.get(job.ref_id)
    if request is None or request.state != "open" or not request.refer:
        return []
    network = await work.uow.networks.of_group(request.group_id)
    if network is None:
        return []
    group = await work.load_group(request.group_id)
    fitting: list[Group] = []
    for other in await work.network_groups(network.id):
        if (
            other.id != group.id
            and request.category in categories(other, work.defaults)
            and in_area(areas(other, work.defaults), request.area)
        ):
            fitting.append(other)
    actions: list[Action] = []
    for other in fitting:
        if not await work.uow.requests.refer(request.id, other.id):
            continue  # offered there already
        actions.append(
            Post(other.id, *await post_of(work, request, other), key=f"request:{request.id}")
        )
    if not request.requester_id or (fitting and not actions):
        return actions
    # Offered at the moment it was asked, it was not for want of anyone at home.
    at_once = job.runs_at <= request.created_at
    if actions:
        await work.uow.audit.add(group.id, None, "request.refer", {"request": request.id}, work.now)
        told = (
            N_(
                "I offered R{number}, without your name, to the other groups of the network "
                "that help with it."
            )
            if at_once
            else N_(
                "Nobody in {name} has taken R{number} yet, so I offered it, without your "
                "name, to the other groups of the network that help with it."
            )
        )
    else:
        told = (
            N_(
                "None of the other groups of the network serves the category of R{number} in "
                "its area, so it stays in {name}."
            )
            if at_once
            else N_(
                "Nobody in {name} has taken R{number} yet, and none of the other groups of the "
                "network serves its category in its area, so it stays in {name}."
            )
        )
    actions.append(
        await work.tell(request.requester_id, group, told, name=group.name, number=request.id)
    )
    return actions


async def anonymise(work: Work, job: Job) -> list[Action]:
    request = await work.uow.requests.get(job.ref_id)
    if request is None or request.state in ("open", "claimed"):
        return []
    group = await work.load_group(request.group_id)
    if request.changed_at + timedelta(days=number(group, "retention_days", work.defaults)) > (
        work.now
    ):
        return []  # reopened and closed again since: a later job does it
    await work.uow.requests.anonymise(request.id)
    await work.uow.outbox.blank(f"request:{request.id}")  # its post said what was asked
    return []
