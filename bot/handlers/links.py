"""One-time codes that attach another chat to a group, or tie a person's accounts together."""

import secrets
from datetime import timedelta

from bot.context import Context
from bot.handlers.common import change_refusal
from bot.messages import Action, Post, Reply
from bot.model import LinkCode
from bot.router import Args

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # nothing to confuse: no 0/O, 1/I


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


async def link(ctx: Context, args: Args) -> list[Action]:
    if "code" in args:
        return await _use(ctx, args["code"])
    return await _make(ctx)


async def _make(ctx: Context) -> list[Action]:
    tr, minutes = ctx.tr, ctx.defaults.link_code_minutes
    expires = ctx.now + timedelta(minutes=minutes)
    if ctx.chat.kind == "private":
        code = new_code()
        await ctx.uow.links.create(code, "identity", None, ctx.person.id, expires)
        return [
            Reply(
                tr._(
                    "Your code is {code}. Within {minutes} minutes, send /link {code} "
                    "to me from your other account (Telegram or Matrix) to make them "
                    "one.",
                    code=shown(code),
                    minutes=minutes,
                )
            )
        ]
    if ctx.group is None:
        return [
            Reply(
                tr._(
                    "To add this chat to an existing group, ask for a code with /link "
                    "in that group's chat, then type /link CODE here."
                )
            )
        ]
    refusal = await change_refusal(ctx)
    if refusal:
        return [Reply(refusal)]
    code = new_code()
    await ctx.uow.links.create(code, "chat", ctx.group.id, ctx.person.id, expires)
    return [
        Reply(
            tr._(
                "Type /link {code} in the other chat within {minutes} minutes to make "
                "it part of {group}.",
                code=shown(code),
                minutes=minutes,
                group=ctx.group.name,
            )
        )
    ]


def _refusal(ctx: Context, code: LinkCode | None, typed: str) -> str | None:
    tr = ctx.tr
    if code is None:
        return tr._("I don't know the code {code}. Please check it for typos.", code=typed)
    if code.kind == "invite":
        return tr._(
            "That code is an invitation to a roster: send /join {code} to me in a private chat.",
            code=typed,
        )
    if code.used_at is not None:
        return tr._("The code {code} was already used. Ask for a new one with /link.", code=typed)
    if code.expires_at <= ctx.now:
        return tr._("The code {code} has expired. Ask for a new one with /link.", code=typed)
    if code.kind == "chat" and ctx.chat.kind != "group":
        return tr._("This code adds a chat to a group: type it in that group chat.")
    if code.kind == "identity" and ctx.chat.kind != "private":
        return tr._("This code links your accounts: send it to me in a private chat.")
    return None


async def _use(ctx: Context, typed: str) -> list[Action]:
    tr = ctx.tr
    code = await ctx.uow.links.get(typed)
    refusal = _refusal(ctx, code, shown(typed))
    if refusal:
        return [Reply(refusal)]
    assert code is not None
    if code.kind == "identity":
        if code.person_id == ctx.person.id:
            return [Reply(tr._("These accounts are already linked."))]
        if not await ctx.uow.links.use(code.code, ctx.now):
            return [
                Reply(
                    tr._(
                        "The code {code} was already used. Ask for a new one with /link.",
                        code=shown(typed),
                    )
                )
            ]
        await ctx.uow.people.merge(code.person_id, ctx.person.id)
        await ctx.uow.audit.add(
            None, code.person_id, "identity.link", {"platform": ctx.chat.platform}, ctx.now
        )
        kept = await ctx.uow.people.get(code.person_id)
        return [
            Reply(
                ctx.tr_for(kept)._(
                    "Linked: this account and your other one are now the same person, {name}.",
                    name=kept.name,
                )
            )
        ]
    assert code.group_id is not None
    group = await ctx.uow.groups.get(code.group_id)
    assert group is not None
    if ctx.group is not None:
        if ctx.group.id == group.id:
            return [Reply(tr._("This chat is already part of {group}.", group=group.name))]
        return [Reply(tr._("This chat already belongs to {group}.", group=ctx.group.name))]
    if not await ctx.uow.links.use(code.code, ctx.now):
        return [
            Reply(
                tr._(
                    "The code {code} was already used. Ask for a new one with /link.",
                    code=shown(typed),
                )
            )
        ]
    await ctx.uow.chats.attach(ctx.chat.id, group.id)
    await ctx.uow.audit.add(
        group.id, ctx.person.id, "chat.link", {"platform": ctx.chat.platform}, ctx.now
    )
    return [
        Post(
            group.id,
            ctx.group_tr(group)._(
                "A new chat is now part of {group}: {chat}. "
                "Everything the group posts reaches every chat.",
                group=group.name,
                chat=ctx.chat.title or ctx.chat.platform,
            ),
        )
    ]
