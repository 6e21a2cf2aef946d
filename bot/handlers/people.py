"""A person and the bot: first contact, language, help, stopping a question."""

import logging
import re

from bot.context import Context
from bot.handlers.groups import invitation
from bot.handlers.requests import cancel_request
from bot.i18n import LANGUAGES, Translator
from bot.messages import Action, Button, Reply
from bot.params import code
from bot.router import Args, CommandLine, check_where, find, run_command, usage


def language_buttons(tr: Translator) -> tuple[Button, ...]:
    return tuple(tr.button(name, f"language {code}") for code, name in LANGUAGES.items())


log = logging.getLogger("minga.core")

# What a link may bring to the private chat (`/start PAYLOAD`, a private button): a question
# to answer or something to read. Whoever taps a link someone posted changes nothing by it.
OPENED_BY_LINK = frozenset(
    {"request", "offer", "pickup", "mine", "mydata", "calendar", "forget", "help"}
)
POLL = re.compile(r"P[0-9]{1,9}")


async def start(ctx: Context, args: Args) -> list[Action]:
    if "then" in args:  # a link or button from a group chat that brought the person here
        followed = await _followed(ctx, args["then"])
        if followed is not None:
            return followed
        log.warning("link=refused")  # anything else is a plain /start
    tr = ctx.tr
    lines = [
        tr._(
            "Hello {name}! I'm minga. I help your group share requests for help, "
            "shifts and decisions, without admins.",
            name=ctx.person.name,
        )
    ]
    groups = await ctx.uow.groups.of_person(ctx.person.id)
    if groups:
        lines.append(
            tr._("You are on the roster of: {groups}.", groups=", ".join(g.name for g in groups))
        )
    else:
        lines.append(tr._("To take part, press Join (or type /join) in your group's chat."))
    lines.append(tr._("/help shows what you can do here."))
    if ctx.person.language is None:
        lines.append(tr._("Which language shall I speak with you?"))
        return [Reply("\n".join(lines), language_buttons(tr))]
    return [Reply("\n".join(lines))]


async def _followed(ctx: Context, payload: str) -> list[Action] | None:
    """What a link's payload opens, if minga makes links of that shape; None if it does not."""
    name, _, rest = payload.strip().partition(" ")
    name, rest = name.casefold(), rest.strip()
    if name in OPENED_BY_LINK and not rest:
        return await run_command(ctx, CommandLine(name, ""))
    if name == "vote" and POLL.fullmatch(rest):  # how to vote, not a vote
        return await run_command(ctx, CommandLine(name, rest))
    if name == "join" and rest and " " not in rest:  # asks before putting anyone on a roster
        return await invitation(ctx, code(rest))
    return None


async def language(ctx: Context, args: Args) -> list[Action]:
    if "language" not in args:
        return [Reply(ctx.tr._("Which language shall I speak with you?"), language_buttons(ctx.tr))]
    code = args["language"]
    await ctx.uow.people.set_language(ctx.person.id, code)
    await ctx.uow.audit.add(None, ctx.person.id, "person.language", {"language": code}, ctx.now)
    tr = ctx.tr_for(await ctx.uow.people.get(ctx.person.id))
    # TRANSLATORS: said in the language just chosen: name your own language here.
    return [Reply(tr._("From now on I'll speak English with you."))]


async def cancel(ctx: Context, args: Args) -> list[Action]:
    if "request" in args:
        return await cancel_request(ctx, args["request"])
    dialog = await ctx.uow.dialogs.get(ctx.person.id, ctx.chat.id)
    if dialog is None:
        return [Reply(ctx.tr._("There was nothing to stop."))]
    await ctx.uow.dialogs.clear(ctx.person.id, ctx.chat.id)
    return [
        Reply(
            ctx.tr._(
                "Stopped /{command}. Nothing was changed.",
                command=ctx.tr.word("command", dialog.command),
            )
        )
    ]


async def help_(ctx: Context, args: Args) -> list[Action]:
    tr = ctx.tr
    if "command" in args:
        command = find(ctx.commands, args["command"].lstrip("/!"))
        if command is None:
            return [
                Reply(
                    tr._(
                        "I don't know /{command}. /help lists what I can do.",
                        command=args["command"].lstrip("/!"),
                    )
                )
            ]
        lines = [usage(command, tr), tr._(command.summary)]
        where = check_where(ctx, command)
        if where:
            lines.append(where)
        return [Reply("\n".join(lines))]
    # What works here, and what is personal: from a group chat, that moves to a private one.
    here = [
        c
        for c in ctx.commands.values()
        if not c.hidden
        and (check_where(ctx, c) is None or (c.where == "private" and ctx.chat.kind == "group"))
    ]
    lines = [tr._("What you can do here:")]
    for topic in dict.fromkeys(c.topic for c in ctx.commands.values()):
        names = " ".join(f"/{tr.word('command', c.name)}" for c in here if c.topic == topic)
        if names:
            lines.append(f"{tr._(topic)}: {names}")
    lines.append(
        tr._(
            "/help <command> tells what one does, like /help {example}.",
            example=tr.word("command", "request"),
        )
    )
    return [Reply("\n".join(lines))]
