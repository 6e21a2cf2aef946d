"""Lists that fit one message: open requests, open offers, and what is mine."""

from collections.abc import Sequence

from bot.context import Context
from bot.handlers.offers import offer_line
from bot.handlers.requests import STATE_WORDS, request_line
from bot.messages import LINE, Action, Reply, strong
from bot.model import Group, HelpRequest
from bot.router import Args
from bot.settings import category
from bot.text import decimal

PAGE = 10
LAST_PAGE = 10**12  # any page past the last shows the last


async def _scope(ctx: Context) -> list[Group]:
    """In a group's chat, that group; in a private chat, every group I am on."""
    return [ctx.group] if ctx.group else await ctx.uow.groups.of_person(ctx.person.id)


def _filter(
    raw: str | None, groups: Sequence[Group], ctx: Context
) -> tuple[str | None, str | None, int]:
    """'food 2' or 'comida 2' → category food, page 2; 'eastside' → area Eastside, page 1."""
    words = (raw or "").split()
    page = 1
    if words and words[-1].isdecimal():
        number = decimal(words.pop())
        page = number if number is not None else LAST_PAGE
    wanted = " ".join(words).casefold() or None
    known = [c for g in groups if wanted and (c := category(g, wanted, ctx.defaults))]
    return (known[0], None, page) if known else (None, wanted, page)


def _page(ctx: Context, title: str, lines: list[str], page: int, command: str) -> Reply:
    tr = ctx.tr
    if not lines:
        return Reply(tr._("Nothing open right now."))
    pages = -(-len(lines) // PAGE)
    page = min(max(page, 1), pages)
    shown = [strong(title), *lines[(page - 1) * PAGE : page * PAGE]]
    if page < pages:
        shown.append(
            tr._(
                "Page {page} of {pages}: /{command} {next} for more.",
                page=page,
                pages=pages,
                command=tr.word("command", command),
                next=page + 1,
            )
        )
    return Reply(LINE.join(shown))


async def requests(ctx: Context, args: Args) -> list[Action]:
    """The open requests of the group (of each of my groups, privately), and those another
    group of the network offered to it, marked as their posts are: from which group."""
    groups = await _scope(ctx)
    category, area, page = _filter(args.get("filter"), groups, ctx)
    zones = {g.id: ctx.zone(g) for g in groups}
    found = await ctx.uow.requests.listed(list(zones), ["open"], category, area)
    lines = {r.id: (r, request_line(ctx.tr, r, zones[r.group_id], None)) for r in found}
    for group_id, r in await ctx.uow.requests.offered_to(list(zones), ["open"], category, area):
        if r.id not in lines:  # one of my groups' own, or offered to two of them: once
            origin = await ctx.load_group(r.group_id)
            lines[r.id] = (
                r,
                request_line(ctx.tr, r, zones[group_id], None)
                + " · "
                + ctx.tr._("from {group}, in the network", group=origin.name),
            )
    listed = [line for r, line in sorted(lines.values(), key=lambda each: _urgent_first(each[0]))]
    return [
        _page(
            ctx,
            ctx.tr.ngettext("{n} open request:", "{n} open requests:", len(listed)),
            listed,
            page,
            "requests",
        )
    ]


def _urgent_first(request: HelpRequest) -> tuple[bool, int]:
    return not request.urgent, request.id


async def offers(ctx: Context, args: Args) -> list[Action]:
    """The open offers of the group (of each of my groups, privately), and those shared
    with it by another group of the network, marked as from the network: their posts do
    not say which group, since a person's other groups are not shown."""
    groups = await _scope(ctx)
    category, area, page = _filter(args.get("filter"), groups, ctx)
    zones = {g.id: ctx.zone(g) for g in groups}
    found = await ctx.uow.offers.listed(list(zones), category, area)
    lines = {o.id: offer_line(ctx.tr, o, zones[o.group_id], None) for o in found}
    for group_id, o in await ctx.uow.offers.shared_with(list(zones), category, area):
        if o.id not in lines:
            lines[o.id] = (
                offer_line(ctx.tr, o, zones[group_id], None) + " · " + ctx.tr._("from the network")
            )
    listed = [lines[number] for number in sorted(lines)]
    return [
        _page(
            ctx,
            ctx.tr.ngettext("{n} open offer:", "{n} open offers:", len(listed)),
            listed,
            page,
            "offers",
        )
    ]


async def mine(ctx: Context, args: Args) -> list[Action]:
    tr = ctx.tr
    zones = {g.id: ctx.zone(g) for g in await ctx.uow.groups.all()}
    mine_ = await ctx.uow.requests.of_person(ctx.person.id)
    asked = [r for r in mine_ if r.requester_id == ctx.person.id][:PAGE]
    helping = [r for r in mine_ if r.claimer_id == ctx.person.id][:PAGE]
    offered = (await ctx.uow.offers.of_person(ctx.person.id))[:PAGE]
    if not (asked or helping or offered):
        return [
            Reply(
                tr._(
                    "You have no requests, claims or offers yet. /request asks for "
                    "help; /offer offers something."
                )
            )
        ]
    lines: list[str] = []
    for title, items in ((tr._("Your requests:"), asked), (tr._("You are helping with:"), helping)):
        if items:
            lines.append(strong(title))
            lines += [
                request_line(tr, r, zones[r.group_id], None) + f" ({tr._(STATE_WORDS[r.state])})"
                for r in items
            ]
    if offered:
        lines.append(strong(tr._("Your offers:")))
        lines += [offer_line(tr, o, zones[o.group_id], None) for o in offered]
    return [Reply(LINE.join(lines))]
