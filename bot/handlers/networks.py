"""A network of groups. A group forms one, joins one or leaves one only by a binding
proposal of its own, carried out by minga for the group; no group and no person decides
for another. A join code lets a group propose to join, nothing more: the network's groups
do not vote on a newcomer, since each group answers only for itself. What one group sees
of another is what a group's post already shows, and the areas it says it serves: its
name, what it serves and where; never who is on its roster, nor how many."""

from datetime import timedelta

from bot import words
from bot.context import Context, Work
from bot.handlers.common import active_member, privately
from bot.handlers.links import new_code, shown
from bot.i18n import N_, Translator
from bot.messages import Action, Post, Reply
from bot.model import Group, Network
from bot.params import BadArgument, code
from bot.poll_kinds import listed
from bot.router import Args
from bot.settings import areas, setting, shown_value

CODE_LASTS = timedelta(days=7)
MAX_NAME = 100
BY_PROPOSAL = ("create", "join", "leave")  # what only the group as a whole does
SHOWN = 10  # requests offered in the network that /network lists; /requests has them all


def _word(args: Args) -> str | None:
    return words.read("network_word", args["action"]) if "action" in args else None


async def network(ctx: Context, args: Args) -> list[Action]:
    """`/network`: the group's network; `/network code`: a fresh join code, privately;
    create, join and leave are carried out from a binding proposal that passed."""
    assert ctx.group is not None
    if "action" not in args:
        return [Reply(await _shown(ctx, ctx.group))]
    action, spec = _word(args), args.get("spec", "")
    if action == "code":
        return await _code(ctx, ctx.group)
    if action not in BY_PROPOSAL:
        raise BadArgument(_USAGE)
    if not ctx.by_group:
        return [Reply(_needs_proposal(ctx.tr, ctx.group, action, spec))]
    network = await check_network(ctx, args)
    if action == "create":
        return await _create(ctx, ctx.group, spec.strip())
    if action == "join":
        assert network is not None
        return await _join(ctx, ctx.group, network)
    return await _leave(ctx, ctx.group)


_USAGE = N_(
    "Use /network to see the group's network, /network code for a join code; a binding "
    "proposal creates, joins or leaves one: /propose <title> do network create <name>."
)


def _needs_proposal(tr: Translator, group: Group, action: str, spec: str) -> str:
    said = " ".join(filter(None, (tr.word("network_word", action), spec.strip())))
    return tr._(
        "Only {group} as a whole forms, joins or leaves a network: by a binding "
        "proposal, like: /propose <title> do network {action}",
        group=group.name,
        action=said,
    )


async def check_network(ctx: Context, args: Args) -> Network | None:
    """A binding `network` checked as it will be carried out: a wrong or expired code, a
    name taken, a group already in a network or in none are refused when it is proposed
    (and again when it passes). The network it joins, for a join."""
    assert ctx.group is not None
    group, action, spec = ctx.group, _word(args), args.get("spec", "").strip()
    if action not in BY_PROPOSAL:
        raise BadArgument(
            N_(
                "A proposal can make the group create, join or leave a network. A trusted "
                "member gets a join code with /network code, without a proposal."
            )
        )
    current = await ctx.uow.networks.of_group(group.id)
    if action == "leave":
        if current is None:
            raise BadArgument(N_("{group} is in no network."), group=group.name)
        return None
    if current is not None:
        raise BadArgument(
            N_("{group} is already in the network {network}: a group is in one network at most."),
            group=group.name,
            network=current.name,
        )
    if action == "create":
        if not spec or len(spec) > MAX_NAME:
            raise BadArgument(N_("Name the network, in at most {max} characters."), max=MAX_NAME)
        if await ctx.uow.networks.by_name(spec) is not None:
            raise BadArgument(N_("There is already a network called {name}."), name=spec)
        return None
    joined = await ctx.uow.networks.by_code(code(spec), ctx.now) if spec else None
    if joined is None:
        raise BadArgument(
            N_(
                "That network code does not work (any more). A trusted member of a group "
                "in the network can get a new one with /network code."
            )
        )
    return joined


async def _new_code(work: Work, network: Network) -> str:
    fresh = new_code()
    await work.uow.networks.set_code(network.id, fresh, work.now + CODE_LASTS)
    return fresh


async def _create(ctx: Context, group: Group, name: str) -> list[Action]:
    network = await ctx.uow.networks.create(name, group.id, ctx.now)
    fresh = await _new_code(ctx, network)
    await ctx.uow.audit.add(group.id, None, "network.create", {"network": network.id}, ctx.now)
    tr = ctx.group_tr(group)
    return [
        Post(
            group.id,
            tr._(
                "{group} formed the network {network}. Another group joins it by a binding "
                "proposal of its own: /propose <title> do network join {code} (the code "
                "works for {days} days; a trusted member gets a new one with /network code).",
                group=group.name,
                network=network.name,
                code=shown(fresh),
                days=CODE_LASTS.days,
            ),
        )
    ]


async def _join(ctx: Context, group: Group, network: Network) -> list[Action]:
    if not await ctx.uow.networks.join(network.id, group.id, ctx.now):
        raise BadArgument(N_("{group} is in no network."), group=group.name)
    await ctx.uow.audit.add(group.id, None, "network.join", {"network": network.id}, ctx.now)
    siblings = await ctx.network_groups(network.id)
    names = ", ".join(g.name for g in siblings if g.id != group.id)
    tr = ctx.group_tr(group)
    return [
        Post(
            group.id,
            tr._(
                "{group} joined the network {network}, with: {groups}.",
                group=group.name,
                network=network.name,
                groups=names,
            ),
        ),
        *_told(ctx, siblings, group, N_("{group} joined the network {network}."), network),
    ]


async def _leave(ctx: Context, group: Group) -> list[Action]:
    left = await ctx.uow.networks.leave(group.id)
    if left is None:
        raise BadArgument(N_("{group} is in no network."), group=group.name)
    network, staying = left
    await ctx.uow.audit.add(group.id, None, "network.leave", {"network": network.id}, ctx.now)
    if staying == 0:
        ended = N_("{group} left the network {network}, the last group in it: it has ended.")
        return [
            Post(group.id, ctx.group_tr(group)._(ended, group=group.name, network=network.name))
        ]
    # The code may have gone around with the group that left: it brings nobody in now.
    await ctx.uow.networks.drop_code(network.id)
    siblings = await ctx.network_groups(network.id)
    message = N_("{group} left the network {network}.")
    tr = ctx.group_tr(group)
    return [
        Post(group.id, tr._(message, group=group.name, network=network.name)),
        *_told(ctx, siblings, group, message, network),
    ]


def _told(
    work: Work, groups: list[Group], about: Group, message: str, network: Network
) -> list[Action]:
    """A post in every other group of the network, in that group's language."""
    return [
        Post(g.id, work.group_tr(g)._(message, group=about.name, network=network.name))
        for g in groups
        if g.id != about.id
    ]


async def _shown(ctx: Context, group: Group) -> str:
    """The network as any group in it sees it: each group's name and categories, which its
    own posts show anyway, and the areas it serves; nothing of anyone's roster."""
    tr = ctx.tr
    network = await ctx.uow.networks.of_group(group.id)
    if network is None:
        return tr._(
            "{group} is in no network. A binding proposal forms one: /propose <title> do "
            "network create <name>; or joins one, with a code from a group in it: /propose "
            "<title> do network join <code>.",
            group=group.name,
        )
    siblings = await ctx.network_groups(network.id)
    lines = [
        tr.ngettext(
            "The network {network}: {n} group.",
            "The network {network}: {n} groups.",
            len(siblings),
            network=network.name,
        )
    ]
    for g in siblings:
        served = shown_value(tr, "categories", setting(g, "categories", ctx.defaults))
        where = areas(g, ctx.defaults)
        place = tr._("areas: {areas}", areas=", ".join(where)) if where else tr._("any area")
        lines.append(f"• {g.name} – {served} · {place}")
    lines += await _open_in(ctx, group, network)
    return "\n".join(lines)


async def _open_in(ctx: Context, group: Group, network: Network) -> list[str]:
    """What is open in the network, as one of its groups sees it: how many requests one
    group offered to another; which of them were offered to this group or by it, as their
    posts show them (number, category, area, from which group); and every open assembly,
    which the roster of every group in the network votes on, including one that joined
    after it opened."""
    tr = ctx.tr
    lines: list[str] = []
    referrals = await ctx.uow.requests.open_referrals(network.id)
    if referrals:
        lines.append(tr._("Requests offered in the network and still open: {n}.", n=referrals))
        offered = {r.id: r for r in await ctx.uow.requests.referred_out(group.id)}
        offered |= {
            r.id: r for _, r in await ctx.uow.requests.offered_to([group.id], ["open"], None, None)
        }
        for number in sorted(offered)[:SHOWN]:
            request = offered[number]
            origin = await ctx.load_group(request.group_id)
            lines.append(
                " · ".join(
                    (
                        f"R{number}",
                        tr.word("category", request.category),
                        request.area,
                        tr._("from {group}", group=origin.name),
                    )
                )
            )
        if len(offered) > SHOWN:
            more = len(offered) - SHOWN
            lines.append(
                tr.ngettext("… and {n} more: /requests", "… and {n} more: /requests", more)
            )
        if offered:
            lines.append(tr._("To help with one: /claim R<number>."))
    assemblies = await ctx.uow.polls.of_network(network.id)
    if assemblies:
        lines.append(tr._("Open assemblies:"))
        lines += [listed(tr, p, ctx.zone(group)) for p in assemblies]
        lines.append(tr._("To vote: /vote P<number>."))
    return lines


async def _code(ctx: Context, group: Group) -> list[Action]:
    """A trusted member gets a fresh join code privately; the one before stops working. No
    proposal: a code lets another group propose to join, and only its own proposal does."""
    member = await active_member(ctx, group.id)
    if member is None or member.status != "trusted":
        return [Reply(ctx.tr._("Only trusted members get the network's join code."))]
    network = await ctx.uow.networks.of_group(group.id)
    if network is None:
        raise BadArgument(N_("{group} is in no network."), group=group.name)
    fresh = await _new_code(ctx, network)
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "network.code", {"network": network.id}, ctx.now
    )
    return await privately(
        ctx,
        ctx.tr._(
            "The join code of the network {network}: {code}. It works for {days} days; the "
            "code before it no longer does. Another group joins by a binding proposal of its "
            "own: /propose <title> do network join {code}",
            network=network.name,
            code=shown(fresh),
            days=CODE_LASTS.days,
        ),
    )
