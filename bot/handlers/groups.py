"""A group and its roster: setting up, joining, leaving, settings. No admins anywhere."""

from datetime import timedelta

from bot.context import Context, Work
from bot.handlers.common import change_refusal
from bot.handlers.links import new_code, shown
from bot.handlers.retention import EVERY, keep_pruning
from bot.i18n import N_
from bot.messages import Action, Button, Edit, Post, Reply
from bot.model import Group, Job, JobKind
from bot.params import BadArgument
from bot.router import Args
from bot.settings import SETTINGS, named, setting, shown_value, vouches_needed

ROSTER_PAGE = 25
INVITATION_LASTS = timedelta(days=7)


def welcome(work: Work, group: Group, on_roster: int) -> tuple[str, tuple[Button, ...]]:
    tr = work.group_tr(group)
    until = tr.when(group.founding_until, work.zone(group))
    founding = (
        tr._("Everyone who joins before {when} is a founding trusted member.", when=until)
        if work.now < group.founding_until
        else tr._(
            "The founding days ended on {when}; trusted members vouch for newcomers.", when=until
        )
    )
    text = "\n".join(
        (
            tr._("Welcome to minga, {group}!", group=group.name),
            tr._(
                "There are no admins here: what other bots leave to an admin, "
                "this group decides together."
            ),
            tr._(
                "Press Join (or type /join) to be on the roster. The roster is who counts "
                "for decisions and reminders."
            ),
            founding,
            tr.ngettext("On the roster: {n} person.", "On the roster: {n} people.", on_roster),
        )
    )
    return text, (tr.button(tr._("Join"), "join"),)


async def _welcome_edit(ctx: Context, group: Group) -> Edit:
    await ctx.uow.groups.take_turn(group.id)  # people joining at once count each other
    count = await ctx.uow.members.count(group.id)
    return Edit(group.id, f"welcome:{group.id}", *welcome(ctx, group, count))


async def setup(ctx: Context, args: Args) -> list[Action]:
    name = args["name"]
    if await ctx.uow.groups.by_name(name) is not None:
        raise BadArgument(
            N_("There is already a group called {name}. Please pick another name."),
            param="name",
            name=name,
        )
    founding_until = ctx.now + timedelta(hours=ctx.defaults.founding_hours)
    created = await ctx.uow.groups.create(name, ctx.now, founding_until)
    await ctx.uow.groups.set_setting(created.id, "language", ctx.tr.language)
    await ctx.uow.chats.attach(ctx.chat.id, created.id)
    await ctx.uow.members.join(created.id, ctx.person.id, "trusted", ctx.now)
    await ctx.uow.jobs.add(JobKind.FOUNDING_CLOSED, created.id, founding_until)
    await keep_pruning(ctx.uow, ctx.now + EVERY)
    await ctx.uow.audit.add(created.id, ctx.person.id, "group.setup", {"name": name}, ctx.now)
    group = await ctx.uow.groups.get(created.id)
    assert group is not None
    text, buttons = welcome(ctx, group, 1)
    return [Post(group.id, text, buttons, key=f"welcome:{group.id}")]


async def join(ctx: Context, args: Args) -> list[Action]:
    """In a group's chat, its roster; in a private chat, the roster an invitation is for."""
    if ctx.chat.kind == "private":
        return await _join_by_invitation(ctx, args.get("code"))
    if ctx.group is None:
        return [
            Reply(
                ctx.tr._(
                    "This chat is not part of a minga group yet. Anyone here can "
                    "start one with /setup."
                )
            )
        ]
    return await _join(ctx, ctx.group)


async def _join_by_invitation(ctx: Context, code: str | None) -> list[Action]:
    if not code:
        return [
            Reply(
                ctx.tr._(
                    "In a private chat, /join needs the invitation code a group "
                    "gave you: /join CODE. Or press Join in the group's chat."
                )
            )
        ]
    group = await _invited_to(ctx, code)
    return await _join(ctx, group) if group else [_bad_invitation(ctx)]


async def invitation(ctx: Context, code: str) -> list[Action]:
    """An invitation link asks first: tapping a link someone posted joins no roster."""
    group = await _invited_to(ctx, code)
    if group is None:
        return [_bad_invitation(ctx)]
    return [
        Reply(
            ctx.tr._(
                "You are invited to the roster of {group}. Press Join to be on it.",
                group=group.name,
            ),
            (ctx.tr.button(ctx.tr._("Join {group}", group=group.name), f"join {code}"),),
        )
    ]


async def _invited_to(ctx: Context, code: str) -> Group | None:
    found = await ctx.uow.links.get(code)
    if (
        found is None
        or found.kind != "invite"
        or not found.group_id
        or (found.expires_at <= ctx.now)
    ):
        return None
    return await ctx.uow.groups.get(found.group_id)


def _bad_invitation(ctx: Context) -> Reply:
    return Reply(
        ctx.tr._("That invitation code does not work (any more). Ask the group for a new one.")
    )


async def _join(ctx: Context, group: Group) -> list[Action]:
    tr = ctx.tr
    member = await ctx.uow.members.get(group.id, ctx.person.id)
    if member is not None and member.status != "left":
        return [
            Reply(
                tr._(
                    "{name}, you are already on the roster of {group}.",
                    name=ctx.person.name,
                    group=group.name,
                )
            )
        ]
    founding = ctx.now < group.founding_until
    await ctx.uow.members.join(
        group.id, ctx.person.id, "trusted" if founding else "newcomer", ctx.now
    )
    await ctx.uow.audit.add(group.id, ctx.person.id, "member.join", {"founding": founding}, ctx.now)
    if founding:
        note = tr._(
            "Welcome, {name}! You are on the roster of {group} as a founding trusted member.",
            name=ctx.person.name,
            group=group.name,
        )
    else:
        note = tr._(
            "Welcome, {name}! You are on the roster of {group}. Trusted members can "
            "vouch for you with /trust.",
            name=ctx.person.name,
            group=group.name,
        )
    return [Reply(note), await _welcome_edit(ctx, group)]


async def invite(ctx: Context, args: Args) -> list[Action]:
    """A code (and link) that brings people onto the roster without the group chat: the
    fifty who pick up boxes need not read the volunteers' chat."""
    assert ctx.group is not None
    member = await ctx.uow.members.get(ctx.group.id, ctx.person.id)
    if member is None or member.status != "trusted":
        return [Reply(ctx.tr._("Only trusted members can invite people to the roster."))]
    code = new_code()
    await ctx.uow.links.create(
        code, "invite", ctx.group.id, ctx.person.id, ctx.now + INVITATION_LASTS
    )
    await ctx.uow.audit.add(ctx.group.id, ctx.person.id, "member.invite", {}, ctx.now)
    return [
        Reply(
            ctx.tr._(
                "Invitation to {group}: whoever sends /join {code} to me in a "
                "private chat (or presses the button) is on the roster. It works "
                "for {days} days, for as many people as you share it with.",
                group=ctx.group.name,
                code=shown(code),
                days=INVITATION_LASTS.days,
            ),
            (
                ctx.tr.button(
                    ctx.tr._("Join {group}", group=ctx.group.name), f"join {code}", private=True
                ),
            ),
        )
    ]


async def leave(ctx: Context, args: Args) -> list[Action]:
    assert ctx.group is not None
    member = await ctx.uow.members.get(ctx.group.id, ctx.person.id)
    if member is None or member.status == "left":
        return [Reply(ctx.tr._("You are not on the roster of {group}.", group=ctx.group.name))]
    await ctx.uow.members.set_status(member.id, "left", ctx.now)
    await ctx.uow.audit.add(ctx.group.id, ctx.person.id, "member.leave", {}, ctx.now)
    return [
        Reply(
            ctx.tr._(
                "{name} left the roster of {group}.", name=ctx.person.name, group=ctx.group.name
            )
        ),
        await _welcome_edit(ctx, ctx.group),
    ]


async def roster(ctx: Context, args: Args) -> list[Action]:
    assert ctx.group is not None
    tr = ctx.tr
    members = await ctx.uow.members.roster(ctx.group.id)
    pages = max(1, -(-len(members) // ROSTER_PAGE))
    page = min(args.get("page", 1), pages)
    shown = members[(page - 1) * ROSTER_PAGE : page * ROSTER_PAGE]
    lines = [
        tr.ngettext(
            "Roster of {group}: {n} person.",
            "Roster of {group}: {n} people.",
            len(members),
            group=ctx.group.name,
        )
    ]
    for m in shown:
        mark = "★" if m.status == "trusted" else "·"
        lines.append(f"{mark} {m.name}" + (f" (@{m.handle})" if m.handle else ""))
    lines.append(tr._("★ trusted · newcomer"))
    if page < pages:
        lines.append(
            tr._(
                "Page {page} of {pages}: /roster {next} for more.",
                page=page,
                pages=pages,
                next=page + 1,
            )
        )
    elif pages > 1:
        lines.append(tr._("Page {page} of {pages}.", page=page, pages=pages))
    return [Reply("\n".join(lines))]


async def settings(ctx: Context, args: Args) -> list[Action]:
    assert ctx.group is not None
    tr = ctx.tr
    lines = [tr._("Settings of {group}:", group=ctx.group.name)]
    for key, spec in SETTINGS.items():
        value = shown_value(tr, key, setting(ctx.group, key, ctx.defaults))
        lines.append(f"{tr.word('setting', key)} = {value} – {tr._(spec.description)}")
    lines.append(tr._("Trusted members change one with /set <setting> <value>."))
    return [Reply("\n".join(lines))]


def check_set(ctx: Context, args: Args) -> tuple[str, str]:
    """The setting and its value as stored, or a refusal naming what is wrong. A binding
    proposal is checked with this when it is made, and again when it is carried out."""
    spec = named(args["key"])
    if spec is None:
        raise BadArgument(N_("There is no setting '{key}'. /settings lists them."), key=args["key"])
    return spec.key, spec.parse(args["value"])


async def set_(ctx: Context, args: Args) -> list[Action]:
    assert ctx.group is not None
    group, tr = ctx.group, ctx.tr
    spec = named(args["key"])
    if spec is not None and spec.binding_only and not ctx.by_group:
        return [
            Reply(
                tr._(
                    "{key} is one of the rules of how {group} decides: it changes only "
                    "by a binding proposal, like: /propose <title> do set {key} "
                    "<value>",
                    key=tr.word("setting", spec.key),
                    group=group.name,
                )
            )
        ]
    refusal = await change_refusal(ctx)
    if refusal:
        return [Reply(refusal)]
    key, value = check_set(ctx, args)
    await ctx.uow.groups.set_setting(group.id, key, value)
    await ctx.uow.audit.add(
        group.id, ctx.actor_id, "setting.set", {"key": key, "value": value}, ctx.now
    )
    changed = await ctx.uow.groups.get(group.id)
    assert changed is not None
    gtr = ctx.group_tr(changed)
    words = {"key": gtr.word("setting", key), "value": shown_value(gtr, key, value)}
    if ctx.by_group:
        return [Post(group.id, gtr._("The group set {key} to {value}.", **words))]
    return [Post(group.id, gtr._("{name} set {key} to {value}.", name=ctx.person.name, **words))]


async def founding_closed(work: Work, job: Job) -> list[Action]:
    group = await work.uow.groups.get(job.ref_id)
    if group is None:
        return []
    trusted = sum(m.status == "trusted" for m in await work.uow.members.roster(group.id))
    tr = work.group_tr(group)
    needed = vouches_needed(group, trusted, work.defaults)
    return [
        Post(
            group.id,
            "\n".join(
                (
                    tr.ngettext(
                        "The founding days of {group} are over, with {n} trusted member.",
                        "The founding days of {group} are over, with {n} trusted members.",
                        trusted,
                        group=group.name,
                    ),
                    tr.ngettext(
                        "From now on a newcomer becomes trusted when {n} trusted member vouches "
                        "with /trust.",
                        "From now on a newcomer becomes trusted when {n} trusted members vouch "
                        "with /trust.",
                        needed,
                    ),
                )
            ),
        )
    ]
