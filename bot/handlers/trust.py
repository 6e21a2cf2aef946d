"""Trust given by peers: a newcomer becomes trusted once enough trusted members vouch."""

from bot.context import Context
from bot.handlers.common import change_refusal, find_member
from bot.i18n import N_
from bot.messages import Action, Post, PrivateMessage, Reply
from bot.model import Group, Member, Poll
from bot.params import BadArgument
from bot.router import Args
from bot.settings import vouches_needed


async def _one(ctx: Context, roster: list[Member], who: str) -> Member:
    assert ctx.group is not None
    found = find_member(roster, who)
    if not found:
        raise BadArgument(
            N_("No one called {who} is on the roster of {group}. /roster shows who is."),
            who=who,
            group=ctx.group.name,
        )
    if len(found) > 1:
        raise BadArgument(
            N_("Several members are called {who}. Please use their @handle."), who=who
        )
    return found[0]


async def check_trust(ctx: Context, args: Args) -> int:
    """Whom a binding `trust` is about, or a refusal naming what is wrong."""
    assert ctx.group is not None
    member = await _one(ctx, await ctx.uow.members.roster(ctx.group.id), args["member"])
    if member.status == "trusted" and not ctx.by_group:
        raise BadArgument(N_("{name} is already trusted."), name=member.name)
    return member.person_id


async def check_remove(ctx: Context, args: Args) -> int:
    """Whom a binding `remove` is about, or a refusal naming what is wrong."""
    assert ctx.group is not None
    return (await _one(ctx, await ctx.uow.members.roster(ctx.group.id), args["member"])).person_id


async def removal_of(ctx: Context, person_id: int) -> Poll | None:
    """The open proposal to remove this person from the chat's group, if there is one."""
    assert ctx.group is not None
    return next(
        (
            p
            for p in await ctx.uow.polls.of_group(ctx.group.id, open_only=True)
            if p.subject_id == person_id and p.action and p.action.split()[0].casefold() == "remove"
        ),
        None,
    )


async def _trusted_by_group(ctx: Context, group: Group, member: Member) -> list[Action]:
    """A proposal that passed: the group trusts them, no vouches needed."""
    await ctx.uow.members.set_status(member.id, "trusted", ctx.now)
    await ctx.uow.audit.add(
        group.id, None, "trust.trusted", {"member": member.person_id, "by": "proposal"}, ctx.now
    )
    return [
        Post(
            group.id,
            ctx.group_tr(group)._(
                "{name} is now a trusted member of {group}.", name=member.name, group=group.name
            ),
        )
    ]


async def _vouch_refusal(ctx: Context, voucher: Member, member: Member) -> str | None:
    """Why this trusted member may not vouch for that one, or None if they may."""
    tr = ctx.tr
    if member.id == voucher.id:
        return tr._("You can't vouch for yourself.")
    if member.status == "trusted":
        return tr._("{name} is already trusted.", name=member.name)
    removal = await removal_of(ctx, voucher.person_id)
    if removal is not None:  # no new trusted friends to outvote it
        return tr._(
            "While P{number}, the proposal to remove you, is open, you cannot vouch for anyone.",
            number=removal.id,
        )
    return None


async def trust(ctx: Context, args: Args) -> list[Action]:
    assert ctx.group is not None
    group, tr = ctx.group, ctx.tr
    roster = await ctx.uow.members.roster(group.id)
    if ctx.by_group:
        return await _trusted_by_group(ctx, group, await _one(ctx, roster, args["member"]))
    voucher = next((m for m in roster if m.person_id == ctx.person.id), None)
    if voucher is None or voucher.status != "trusted":
        return [Reply(tr._("Only trusted members can vouch for someone."))]
    member = await _one(ctx, roster, args["member"])
    refusal = await _vouch_refusal(ctx, voucher, member)
    if refusal:
        return [Reply(refusal)]
    if not await ctx.uow.members.vouch(voucher.id, member.id, ctx.now):
        return [Reply(tr._("You already vouched for {name}.", name=member.name))]
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "trust.vouch", {"member": member.person_id}, ctx.now
    )
    vouchers = await ctx.uow.members.vouchers(member.id)
    needed = vouches_needed(group, sum(m.status == "trusted" for m in roster), ctx.defaults)
    if len(vouchers) < needed:
        return [
            Reply(
                tr.ngettext(
                    "{voucher} vouched for {name}: {count} of {n} vouch needed.",
                    "{voucher} vouched for {name}: {count} of {n} vouches needed.",
                    needed,
                    voucher=voucher.name,
                    name=member.name,
                    count=len(vouchers),
                )
            )
        ]
    await ctx.uow.members.set_status(member.id, "trusted", ctx.now)
    await ctx.uow.audit.add(
        group.id,
        None,
        "trust.trusted",
        {"member": member.person_id, "vouchers": [v.person_id for v in vouchers]},
        ctx.now,
    )
    gtr = ctx.group_tr(group)
    mtr = ctx.tr_for(await ctx.uow.people.get(member.person_id))
    return [
        Post(
            group.id,
            gtr._(
                "{name} is now a trusted member of {group}, vouched for by {vouchers}.",
                name=member.name,
                group=group.name,
                vouchers=", ".join(v.name for v in vouchers),
            ),
        ),
        PrivateMessage(
            member.person_id,
            mtr._(
                "You are now a trusted member of {group}. You can vouch for newcomers with "
                "/trust and link other chats with /link.",
                group=group.name,
            ),
        ),
    ]


async def untrust(ctx: Context, args: Args) -> list[Action]:
    """Take back a vouch; below the threshold, a member trusted by vouches is a newcomer again."""
    assert ctx.group is not None
    group, tr = ctx.group, ctx.tr
    roster = await ctx.uow.members.roster(group.id)
    voucher = next((m for m in roster if m.person_id == ctx.person.id), None)
    member = await _one(ctx, roster, args["member"])
    if voucher is None or not await ctx.uow.members.unvouch(voucher.id, member.id):
        return [Reply(tr._("You have not vouched for {name}.", name=member.name))]
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "trust.unvouch", {"member": member.person_id}, ctx.now
    )
    left = await ctx.uow.members.vouchers(member.id)
    needed = vouches_needed(group, sum(m.status == "trusted" for m in roster), ctx.defaults)
    founding = member.joined_at < group.founding_until
    if member.status != "trusted" or founding or len(left) >= needed:
        return [Reply(tr._("You took back your vouch for {name}.", name=member.name))]
    await ctx.uow.members.set_status(member.id, "newcomer", ctx.now)
    await ctx.uow.audit.add(
        group.id, None, "trust.withdrawn", {"member": member.person_id}, ctx.now
    )
    return [
        Post(
            group.id,
            ctx.group_tr(group)._(
                "{name} is a newcomer again: "
                "fewer than {needed} trusted members vouch for them now.",
                name=member.name,
                needed=needed,
            ),
        )
    ]


async def trusts(ctx: Context, args: Args) -> list[Action]:
    assert ctx.group is not None
    tr = ctx.tr
    lines = [tr._("Who vouched for whom in {group}:", group=ctx.group.name)]
    for member in await ctx.uow.members.roster(ctx.group.id):
        vouchers = await ctx.uow.members.vouchers(member.id)
        if vouchers:
            lines.append(f"{member.name} ← {', '.join(v.name for v in vouchers)}")
    if len(lines) == 1:
        lines.append(tr._("Nobody yet: the founding members were trusted from the start."))
    return [Reply("\n".join(lines))]


async def remove(ctx: Context, args: Args) -> list[Action]:
    """Take someone off the roster: a decision about the group itself."""
    assert ctx.group is not None
    refusal = await change_refusal(ctx)
    if refusal:
        return [Reply(refusal)]
    member = await _one(ctx, await ctx.uow.members.roster(ctx.group.id), args["member"])
    if member.status == "trusted" and not ctx.by_group:
        handle = f"@{member.handle}" if member.handle else member.name
        return [
            Reply(
                ctx.tr._(
                    "{name} is a trusted member: only the group removes a trusted "
                    "member, by a binding proposal: /propose Remove {name} do "
                    "remove {handle}",
                    name=member.name,
                    handle=handle,
                )
            )
        ]
    await ctx.uow.members.set_status(member.id, "left", ctx.now)
    await ctx.uow.audit.add(
        ctx.group.id, ctx.actor_id, "member.remove", {"member": member.person_id}, ctx.now
    )
    return [
        Post(
            ctx.group.id,
            ctx.group_tr(ctx.group)._(
                "{name} is no longer on the roster of {group}.",
                name=member.name,
                group=ctx.group.name,
            ),
        )
    ]
