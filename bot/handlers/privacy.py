"""What minga keeps about a person, shown on request and erased on request."""

from bot.context import Context
from bot.handlers import offers as offer_handlers
from bot.handlers import requests as request_handlers
from bot.messages import Action, Reply
from bot.router import Args


async def mydata(ctx: Context, args: Args) -> list[Action]:
    tr, person = ctx.tr, ctx.person
    lines = [tr._("This is everything I keep about you:"),
             tr._("Name: {name}", name=person.name),
             tr._("Language: {language}", language=person.language or tr._("not chosen"))]
    for identity in await ctx.uow.people.identities(person.id):
        lines.append(tr._("Account: {platform} {handle}", platform=identity.platform,
                          handle=f"@{identity.handle}" if identity.handle else identity.user_id))
    for group in await ctx.uow.groups.of_person(person.id):
        member = await ctx.uow.members.get(group.id, person.id)
        assert member is not None
        lines.append(tr._("On the roster of {group} since {when} ({status})", group=group.name,
                          when=tr.when(member.joined_at, ctx.zone(group)),
                          status=tr._("trusted") if member.status == "trusted"
                          else tr._("newcomer")))
    for request in await ctx.uow.requests.of_person(person.id):
        role = tr._("asked") if request.requester_id == person.id else tr._("helping")
        lines.append(f"R{request.id} ({role}, {tr._(request_handlers.STATE_WORDS[request.state])})"
                     f": {request.category} · {request.area} · {request.description}")
    for offer in await ctx.uow.offers.of_person(person.id):
        lines.append(f"O{offer.id}: {offer.category} · {offer.area} · {offer.what}")
    lines.append(tr._("/forget erases your name, accounts and roster places; your open "
                      "requests and offers are closed first."))
    return [Reply("\n".join(lines))]


async def forget(ctx: Context, args: Args) -> list[Action]:
    if args["sure"] != "yes":
        return [Reply(ctx.tr._("Nothing was erased."))]
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
    # What those steps said to this person is moot now; the others still hear of them.
    actions = [a for a in actions if not isinstance(a, Reply)]
    await ctx.uow.people.forget(ctx.person.id)
    await ctx.uow.audit.add(None, None, "person.forget", {}, ctx.now)
    return [*actions, Reply(ctx.tr._("Done: I have forgotten you. What you did stays in the "
                                     "groups' history without your name."))]
