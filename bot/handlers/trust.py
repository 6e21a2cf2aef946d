"""Trust given by peers: a newcomer becomes trusted once enough trusted members vouch."""

from bot.context import Context
from bot.handlers.common import find_member
from bot.messages import Action, Post, PrivateMessage, Reply
from bot.router import Args
from bot.settings import vouches_needed


async def trust(ctx: Context, args: Args) -> list[Action]:
    assert ctx.group is not None
    group, tr = ctx.group, ctx.tr
    roster = await ctx.uow.members.roster(group.id)
    voucher = next((m for m in roster if m.person_id == ctx.person.id), None)
    if voucher is None or voucher.status != "trusted":
        return [Reply(tr._("Only trusted members can vouch for someone."))]
    found = find_member(roster, args["member"])
    if not found:
        return [Reply(tr._("No one called {who} is on the roster of {group}. /roster shows "
                           "who is.", who=args["member"], group=group.name))]
    if len(found) > 1:
        return [Reply(tr._("Several members are called {who}. Please use their @handle.",
                           who=args["member"]))]
    member = found[0]
    if member.id == voucher.id:
        return [Reply(tr._("You can't vouch for yourself."))]
    if member.status == "trusted":
        return [Reply(tr._("{name} is already trusted.", name=member.name))]
    if not await ctx.uow.members.vouch(voucher.id, member.id, ctx.now):
        return [Reply(tr._("You already vouched for {name}.", name=member.name))]
    await ctx.uow.audit.add(group.id, ctx.person.id, "trust.vouch",
                            {"member": member.person_id}, ctx.now)
    vouchers = await ctx.uow.members.vouchers(member.id)
    needed = vouches_needed(group, sum(m.status == "trusted" for m in roster), ctx.defaults)
    if len(vouchers) < needed:
        return [Reply(tr.ngettext("{voucher} vouched for {name}: {count} of {n} vouch needed.",
                                  "{voucher} vouched for {name}: {count} of {n} vouches needed.",
                                  needed, voucher=voucher.name, name=member.name,
                                  count=len(vouchers)))]
    await ctx.uow.members.set_status(member.id, "trusted")
    await ctx.uow.audit.add(group.id, None, "trust.trusted",
                            {"member": member.person_id, "vouchers": [v.person_id for v in
                                                                      vouchers]}, ctx.now)
    gtr = ctx.group_tr(group)
    mtr = ctx.tr_for(await ctx.uow.people.get(member.person_id))
    return [Post(group.id, gtr._("{name} is now a trusted member of {group}, vouched for by "
                                 "{vouchers}.", name=member.name, group=group.name,
                                 vouchers=", ".join(v.name for v in vouchers))),
            PrivateMessage(member.person_id, mtr._(
                "You are now a trusted member of {group}. You can vouch for newcomers with "
                "/trust and link other chats with /link.", group=group.name))]
