"""Offers: bread to give, a car on Saturday. Counted things go down as people take them.
An offer shared with the network is posted in every group of the offerer's network, each
post as the group's own shows it, and anyone on one of those groups' rosters takes from the
one count."""

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot import words
from bot.context import Context, Work
from bot.dates import NO_END, parse_when, split_when
from bot.handlers.common import (
    active_member,
    category_of,
    chosen_group,
    handle_of,
    only_if_seen,
    privately,
    split_form,
)
from bot.handlers.requests import matching_requests
from bot.i18n import N_, Translator
from bot.messages import Action, Button, Edit, Post, PrivateMessage, Reply, Rich, code, strong
from bot.model import Group, Job, JobKind, Offer, Person
from bot.params import BadArgument
from bot.router import Args

QUANTITY = re.compile(r"^(\d{1,4})\b")


def parse_offer_line(line: str) -> dict[str, str]:
    """'food Eastside until saturday: 10 loaves' → raw answers; empty starts the dialog.
    The network's word just before the colon shares it: 'food Eastside network: bread'."""
    if not line.strip():
        return {}
    head, colon, what = split_form(line)
    typed = head.split()
    # Only as the last word, so that an area called Red Hill stays an area.
    shared = len(typed) > 2 and words.read("offer_word", typed[-1]) == "network"
    typed = typed[:-1] if shared else typed
    if not colon or len(typed) < 2 or not what.strip():
        raise BadArgument(
            N_("Write it like this: food Eastside until saturday: 10 loaves of bread")
        )
    area, until = split_when(" ".join(typed[1:]), ("until",))
    return {
        "category": typed[0],
        "area": area,
        "until": until or "none",
        "what": what,
        "share": "network" if shared else "group",
    }


async def share_default(ctx: Context, answers: Mapping[str, Any]) -> str | None:
    """Only a group in a network is asked whom the offer is for."""
    if "group" not in answers:
        return None  # asked once the group is known
    return None if await ctx.uow.networks.of_group(answers["group"]) else "group"


async def share_options(ctx: Context, answers: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    group = await ctx.load_group(answers["group"])
    network = await ctx.uow.networks.of_group(group.id)
    assert network is not None  # share_default asks only then
    return [
        (ctx.tr._("Only {group}", group=group.name), "group"),
        (ctx.tr._("The whole network {network}", network=network.name), "network"),
    ]


def quantity_of(what: str) -> int | None:
    """'10 loaves of bread' counts 10; 'a ride to the clinic' is a skill, not counted."""
    found = QUANTITY.match(what.strip())
    return int(found.group(1)) if found and int(found.group(1)) > 0 else None


def offer_line(tr: Translator, offer: Offer, zone: str, offerer: Person | None) -> str:
    """O5 · food · Eastside · …: the number monospace, what is offered bold."""
    parts: list[str] = [
        code(f"O{offer.id}"),
        strong(tr.word("category", offer.category)),
        offer.area,
    ]
    if offer.until:
        parts.append(tr._("until {when}", when=tr.when(offer.until, zone)))
    parts.append(offer.what)
    if offerer is not None:
        parts.append(tr._("offered by {name}", name=offerer.name))
    if offer.remaining is not None:
        parts.append(tr.ngettext("{n} left", "{n} left", offer.remaining))
    return Rich(" · ").join(parts)


async def post_of(work: Work, offer: Offer, group: Group) -> tuple[str, tuple[Button, ...]]:
    tr = work.group_tr(group)
    offerer = await work.uow.people.get(offer.offerer_id) if offer.offerer_id else None
    line = offer_line(tr, offer, work.zone(group), offerer)
    if offer.state == "open":
        return line, (tr.button(tr._("I'd like this"), f"take {offer.id}"),)
    ended = tr._("All taken.") if offer.remaining == 0 else tr._("This offer has ended.")
    return line + "\n" + ended, ()


async def edit_posts(work: Work, offer_id: int) -> list[Action]:
    """The offer's post as it is now, in every group it was posted in."""
    offer = await work.uow.offers.get(offer_id)
    assert offer is not None
    return [
        Edit(g, f"offer:{offer.id}", *await post_of(work, offer, await work.load_group(g)))
        for g in await work.uow.offers.groups(offer)
    ]


async def _siblings(ctx: Context, group: Group) -> tuple[str, list[Group]]:
    """The network's name and its other groups, for an offer shared with it."""
    network = await ctx.uow.networks.of_group(group.id)
    if network is None:
        raise BadArgument(
            N_(
                "{group} is in no network, so the offer can only be for the group: "
                "leave out the word {word}."
            ),
            group=group.name,
            word=ctx.tr.word("offer_word", "network"),
        )
    return network.name, [g for g in await ctx.network_groups(network.id) if g.id != group.id]


async def offer_(ctx: Context, args: Args) -> list[Action]:
    group, _ = await chosen_group(ctx, args["group"])
    category = category_of(ctx, group, args["category"])
    try:
        until = parse_when(args["until"], ctx.now, ctx.zone(group), ctx.tr.language, NO_END)
    except BadArgument as error:
        error.param = "until"
        raise
    network, siblings = await _siblings(ctx, group) if args["share"] == "network" else (None, [])
    quantity = quantity_of(args["what"])
    offer = await ctx.uow.offers.add(
        Offer(
            id=0,
            group_id=group.id,
            offerer_id=ctx.person.id,
            category=category,
            what=args["what"],
            area=args["area"],
            quantity=quantity,
            remaining=quantity,
            until=until,
            state="open",
            created_at=ctx.now,
        )
    )
    await ctx.uow.offers.share(offer.id, [g.id for g in siblings])
    await ctx.uow.audit.add(group.id, ctx.person.id, "offer.open", {"offer": offer.id}, ctx.now)
    if until:
        await ctx.uow.jobs.add(JobKind.OFFER_EXPIRE, offer.id, until)
    tr = ctx.tr
    counted = (
        tr.ngettext(
            "I count {n}: it goes down as people take them.",
            "I count {n}: it goes down as people take them.",
            quantity,
        )
        if quantity
        else tr._("It is offered as a skill or service, not counted.")
    )
    posted = (
        tr._(
            "O{number} is posted in {group} and shared with the network {network}.",
            number=offer.id,
            group=group.name,
            network=network,
        )
        if network
        else tr._("O{number} is posted in {group}.", number=offer.id, group=group.name)
    )
    return [
        *[
            Post(g.id, *await post_of(ctx, offer, g), key=f"offer:{offer.id}")
            for g in (group, *siblings)
        ],
        Reply(posted + "\n" + counted),
        *await matching_requests(ctx, offer),
    ]


async def _offer(ctx: Context, number_: int) -> Offer:
    offer = await ctx.uow.offers.get(number_)
    missing = N_("There is no offer O{number}.")
    if offer is None:
        raise BadArgument(missing, number=number_)
    posted = await ctx.uow.offers.groups(offer)
    await only_if_seen(ctx, missing, offer.id, posted, (offer.offerer_id,))
    return offer


async def take(ctx: Context, args: Args) -> list[Action]:
    offer = await _offer(ctx, args["offer"])
    tr = ctx.tr
    group = await ctx.uow.groups.get(offer.group_id)
    assert group is not None
    if offer.offerer_id == ctx.person.id:
        return [Reply(tr._("O{number} is your own offer.", number=offer.id))]
    posted_in = await ctx.uow.offers.groups(offer)
    if not [g for g in posted_in if await active_member(ctx, g) is not None]:
        # Named: the group whose post was pressed, the one a person can join there.
        here = ctx.group if ctx.group is not None and ctx.group.id in posted_in else group
        return [
            Reply(
                tr._(
                    "Only people on the roster of {group} can take its offers. "
                    "Press Join in its chat first.",
                    group=here.name,
                )
            )
        ]
    taken = await ctx.uow.offers.take(offer.id, ctx.person.id, ctx.now)
    if taken is None:
        return [Reply(tr._("Sorry, O{number} has all been taken or has ended.", number=offer.id))]
    await ctx.uow.audit.add(group.id, ctx.person.id, "offer.take", {"offer": offer.id}, ctx.now)
    after = await ctx.uow.offers.get(offer.id)
    assert after is not None
    if after.remaining == 0:
        await ctx.uow.offers.change(offer.id, ["open"], state="closed")
    actions = await edit_posts(ctx, offer.id)
    if offer.offerer_id is None:
        return [*actions, Reply(tr._("You have one of O{number}.", number=offer.id))]
    offerer = await ctx.uow.people.get(offer.offerer_id)
    otr = ctx.tr_for(offerer, group)
    taker = ctx.person.name + (f" ({h})" if (h := await handle_of(ctx, ctx.person.id)) else "")
    actions.append(
        PrivateMessage(
            offerer.id,
            otr._(
                "{name} would like one of O{number}: {what}. Arrange the hand-over together, then "
                "press the button.",
                name=taker,
                number=offer.id,
                what=offer.what,
            ),
            (Button(otr._("Handed over"), f"handed {taken.id}"),),
        )
    )
    contact = offerer.name + (f" ({h})" if (h := await handle_of(ctx, offerer.id)) else "")
    info = tr._(
        "{name} knows you would like one of O{number}; arrange the hand-over with them: {contact}.",
        name=offerer.name,
        number=offer.id,
        contact=contact,
    )
    return [*actions, *await privately(ctx, info)]


async def handed(ctx: Context, args: Args) -> list[Action]:
    taken = await ctx.uow.offers.get_take(args["take"])
    offer = await ctx.uow.offers.get(taken.offer_id) if taken else None
    if taken is None or offer is None or offer.offerer_id != ctx.person.id:
        return [Reply(ctx.tr._("Only the person who made the offer can confirm a hand-over."))]
    if await ctx.uow.offers.hand_over(taken.id, ctx.now) is None:
        return [Reply(ctx.tr._("That hand-over was already noted."))]
    await ctx.uow.audit.add(
        offer.group_id, ctx.person.id, "offer.handed", {"offer": offer.id}, ctx.now
    )
    return [Reply(ctx.tr._("Noted: handed over. Thank you!"))]


async def close(ctx: Context, args: Args) -> list[Action]:
    offer = await _offer(ctx, args["offer"])
    if offer.offerer_id != ctx.person.id:
        return [Reply(ctx.tr._("Only the person who made O{number} can end it.", number=offer.id))]
    if not await ctx.uow.offers.change(offer.id, ["open"], state="closed"):
        return [Reply(ctx.tr._("O{number} has already ended.", number=offer.id))]
    await ctx.uow.audit.add(
        offer.group_id, ctx.person.id, "offer.close", {"offer": offer.id}, ctx.now
    )
    return [
        *await edit_posts(ctx, offer.id),
        Reply(ctx.tr._("O{number} has ended.", number=offer.id)),
    ]


async def expire(work: Work, job: Job) -> list[Action]:
    offer = await work.uow.offers.get(job.ref_id)
    if offer is None or not await work.uow.offers.change(offer.id, ["open"], state="expired"):
        return []
    await work.uow.audit.add(offer.group_id, None, "offer.expired", {"offer": offer.id}, work.now)
    return await edit_posts(work, offer.id)
