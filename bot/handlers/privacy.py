"""What minga keeps about a person, shown on request and erased on request."""

from bot.context import Context, waiting_for
from bot.erasure import naming, scrub_action
from bot.handlers import offers as offer_handlers
from bot.handlers import pickups as pickup_handlers
from bot.handlers import requests as request_handlers
from bot.handlers import shifts as shift_handlers
from bot.messages import Action, Reply
from bot.router import Args


async def mydata(ctx: Context, args: Args) -> list[Action]:
    tr, person = ctx.tr, ctx.person
    lines = [
        tr._("This is everything I keep about you:"),
        tr._("Name: {name}", name=person.name),
        tr._("Language: {language}", language=person.language or tr._("not chosen")),
    ]
    for identity in await ctx.uow.people.identities(person.id):
        lines.append(
            tr._(
                "Account: {platform} {handle}",
                platform=identity.platform,
                handle=f"@{identity.handle}" if identity.handle else identity.user_id,
            )
        )
    for group in await ctx.uow.groups.of_person(person.id):
        member = await ctx.uow.members.get(group.id, person.id)
        assert member is not None
        lines.append(
            tr._(
                "On the roster of {group} since {when} ({status})",
                group=group.name,
                when=tr.when(member.joined_at, ctx.zone(group)),
                status=tr._("trusted") if member.status == "trusted" else tr._("newcomer"),
            )
        )
    for request in await ctx.uow.requests.of_person(person.id):
        role = tr._("asked") if request.requester_id == person.id else tr._("helping")
        lines.append(
            f"R{request.id} ({role}, {tr._(request_handlers.STATE_WORDS[request.state])})"
            f": {tr.word('category', request.category)} · {request.area} · {request.description}"
        )
    for offer in await ctx.uow.offers.of_person(person.id):
        lines.append(
            f"O{offer.id}: {tr.word('category', offer.category)} · {offer.area} · {offer.what}"
        )
    lines.append(
        tr._(
            "/forget erases your name, accounts and roster places; your open "
            "requests and offers are closed first."
        )
    )
    return [Reply("\n".join(lines), transient=True)]  # a copy of it all: not kept


async def forget(ctx: Context, args: Args) -> list[Action]:
    if args["sure"] != "yes":
        return [Reply(ctx.tr._("Nothing was erased."))]
    actions = await _let_go(ctx)
    # What those steps said to this person is moot now; the others still hear of them.
    actions = [a for a in actions if not isinstance(a, Reply)]
    person = ctx.person
    words = naming(person, await ctx.uow.people.identities(person.id))
    addresses = [(c.platform, c.chat_id) for c in await ctx.uow.chats.private_of(person.id)]
    await ctx.uow.people.forget(person.id, words, [*addresses, waiting_for(person.id)])
    await ctx.uow.audit.add(None, None, "person.forget", {}, ctx.now)
    # Written before the erasure, the others' messages may still name the person.
    return [
        *(scrub_action(a, words) for a in actions),
        Reply(
            ctx.tr._(
                "Done: I have forgotten you. What you did stays in the groups' "
                "history without your name."
            ),
            transient=True,
        ),
    ]


async def _let_go(ctx: Context) -> list[Action]:
    """What the person was part of goes on without them: their open requests are
    cancelled, claims given back, offers closed, places on coming shifts and booked boxes
    freed for the next in line."""
    actions: list[Action] = []
    for request in await ctx.uow.requests.of_person(ctx.person.id):
        if request.state not in ("open", "claimed"):
            continue
        if request.requester_id == ctx.person.id:
            actions += await request_handlers.cancel_request(ctx, request.id)
        else:
            actions += await request_handlers.unclaim(ctx, {"request": request.id})
    for offer in await ctx.uow.offers.of_person(ctx.person.id):
        if offer.state == "open":
            actions += await offer_handlers.close(ctx, {"offer": offer.id})
    for _, shift in await ctx.uow.shifts.of_person(ctx.person.id, ctx.now):
        if shift.starts_at > ctx.now:
            actions += await shift_handlers.withdraw(ctx, {"shift": shift.id})
    for booking in await ctx.uow.pickups.of_person(ctx.person.id, ctx.now):
        slot = await ctx.uow.pickups.get_slot(booking.slot_id)
        if slot and await ctx.uow.pickups.change(booking.id, ["booked"], "cancelled"):
            actions += await pickup_handlers.offer_freed(ctx, await ctx.load_group(slot.group_id))
    return actions
