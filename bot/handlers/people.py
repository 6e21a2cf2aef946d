"""A person and the bot: first contact, language, help, stopping a question."""

from bot.context import Context
from bot.i18n import LANGUAGES
from bot.messages import Action, Button, Reply
from bot.router import Args, check_where, usage


def language_buttons() -> tuple[Button, ...]:
    return tuple(Button(name, f"language {code}") for code, name in LANGUAGES.items())


async def start(ctx: Context, args: Args) -> list[Action]:
    tr = ctx.tr
    lines = [tr._("Hello {name}! I'm minga. I help your group share requests for help, "
                  "shifts and decisions, without admins.", name=ctx.person.name)]
    groups = await ctx.uow.groups.of_person(ctx.person.id)
    if groups:
        lines.append(tr._("You are on the roster of: {groups}.",
                          groups=", ".join(g.name for g in groups)))
    else:
        lines.append(tr._("To take part, press Join (or type /join) in your group's chat."))
    lines.append(tr._("/help shows what you can do here."))
    if ctx.person.language is None:
        lines.append(tr._("Which language shall I speak with you?"))
        return [Reply("\n".join(lines), language_buttons())]
    return [Reply("\n".join(lines))]


async def language(ctx: Context, args: Args) -> list[Action]:
    if "language" not in args:
        return [Reply(ctx.tr._("Which language shall I speak with you?"), language_buttons())]
    code = args["language"]
    await ctx.uow.people.set_language(ctx.person.id, code)
    await ctx.uow.audit.add(None, ctx.person.id, "person.language", {"language": code}, ctx.now)
    tr = ctx.tr_for(await ctx.uow.people.get(ctx.person.id))
    # TRANSLATORS: said in the language just chosen: name your own language here.
    return [Reply(tr._("From now on I'll speak English with you."))]


async def cancel(ctx: Context, args: Args) -> list[Action]:
    dialog = await ctx.uow.dialogs.get(ctx.person.id, ctx.chat.id)
    if dialog is None:
        return [Reply(ctx.tr._("There was nothing to stop."))]
    await ctx.uow.dialogs.clear(ctx.person.id, ctx.chat.id)
    return [Reply(ctx.tr._("Stopped /{command}. Nothing was changed.", command=dialog.command))]


async def help_(ctx: Context, args: Args) -> list[Action]:
    tr = ctx.tr
    if "command" in args:
        command = ctx.commands.get(args["command"].lstrip("/!"))
        if command is None:
            return [Reply(tr._("I don't know /{command}. /help lists what I can do.",
                               command=args["command"].lstrip("/!")))]
        lines = [usage(command, tr), tr._(command.summary)]
        where = check_where(ctx, command)
        if where:
            lines.append(where)
        return [Reply("\n".join(lines))]
    here = [c for c in ctx.commands.values() if check_where(ctx, c) is None]
    lines = [tr._("What you can do here:")]
    lines += [f"/{c.name} – {tr._(c.summary)}" for c in here]
    lines.append(tr._("/help <command> tells more about one."))
    return [Reply("\n".join(lines))]
