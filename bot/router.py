"""From a line of text to a handler: command names, typed arguments, step-by-step dialogs."""

import difflib
import io
import shlex
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot import words
from bot.context import Context
from bot.i18n import N_, Translator
from bot.messages import ANSWER, Action, Button, Reply
from bot.model import Dialog
from bot.params import CHOOSE, BadArgument, Param
from bot.text import decimal
from bot.words import fold

MAX_TEXT = 4000

Args = Mapping[str, Any]
Handler = Callable[[Context, Args], Awaitable[list[Action]]]
Where = Literal["private", "group", "any"]


@dataclass(frozen=True)
class Command:
    name: str
    summary: str  # marked with N_
    run: Handler
    where: Where = "any"
    params: tuple[Param, ...] = ()
    dialog: bool = False  # ask for missing arguments one at a time instead of refusing
    needs_group: bool = False  # only in a chat that belongs to a minga group
    new_group: bool = False  # only in a chat that does not belong to a group yet
    topic: str = ""  # marked with N_; /help lists commands by topic
    hidden: bool = False  # only reached by buttons: not listed in /help
    # A command with a free-form line (e.g. "/request food Eastside by friday: bread") parses
    # it itself into raw answers; `syntax` (marked with N_) then shows how to write it.
    parse_line: Callable[[str], dict[str, str]] | None = None
    syntax: str | None = None


@dataclass(frozen=True)
class CommandLine:
    name: str
    args: str


def parse_command(text: str, prefixes: tuple[str, ...], bot_name: str | None) -> CommandLine | None:
    """'/help@mingabot trust' → ('help', 'trust'); None if not a command for us."""
    stripped = text.strip()
    prefix = next((p for p in prefixes if stripped.startswith(p)), None)
    if prefix is None:
        return None
    head, *rest = stripped[len(prefix) :].split(maxsplit=1) or [""]
    args = rest[0] if rest else ""
    name, _, addressee = head.partition("@")
    if addressee and (bot_name is None or addressee.casefold() != bot_name.casefold()):
        return CommandLine("", "")  # for another bot: not ours to answer
    return CommandLine(name.casefold(), args.strip())


def problem_with_text(text: str) -> str | None:
    """Why a text cannot be taken, as a message id; None when it is fine."""
    if len(text) > MAX_TEXT:
        return N_("That message is too long for me: please keep it under {limit} characters.")
    if not text.strip():
        return N_("I got an empty message. Please type what you need.")
    # Line breaks arrive as "\n" (bot.text.clean); any other control character is refused.
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        return N_(
            "Your message has invisible control characters I can't read. Please type it again."
        )
    return None


def find(commands: Mapping[str, Command], typed: str) -> Command | None:
    """A command by any of its names, in any language: "/ayuda" is /help."""
    return commands.get(words.read("command", typed) or typed)


def suggest(commands: Mapping[str, Command], typed: str, tr: Translator) -> str | None:
    """The command someone probably meant, as the reader's language names it; the names
    compared are the English ones and the reader's own."""
    names = {**{name: name for name in commands}, **words.index("command", tr.language)}
    close = difflib.get_close_matches(words.fold(typed), list(names), n=1)
    return tr.word("command", names[close[0]]) if close else None


def usage(command: Command, tr: Translator) -> str:
    shown = tr.word("command", command.name)
    if command.syntax:
        return f"/{shown} {tr._(command.syntax)}"
    parts = [f"/{shown}"]
    for param in command.params:
        label = tr._(param.label) + ("…" if param.rest else "")
        parts.append(f"[{label}]" if param.optional or command.dialog else f"<{label}>")
    return " ".join(parts)


def split_args(command: Command, raw: str) -> tuple[dict[str, Any], list[str]]:
    """Assign typed words to parameters; returns (raw values by name, extra words).

    Words may be quoted ("Box distribution"); the rest of a line is taken as typed, so
    an apostrophe in a message ("I'll be there") is just an apostrophe.
    """
    stream = io.StringIO(raw)  # what the lexer has not read yet is the rest of the line
    lexer = shlex.shlex(stream, posix=True)
    lexer.whitespace_split, lexer.commenters = True, ""
    values: dict[str, Any] = {}
    for param in command.params:
        if param.rest:
            rest = stream.read().strip()
            if rest:
                values[param.name] = rest
            return values, []
        word = lexer.get_token()
        if word is None:
            break
        values[param.name] = word
    return values, list(lexer)


def missing(command: Command, answers: Mapping[str, Any]) -> Param | None:
    return next((p for p in command.params if not p.optional and p.name not in answers), None)


async def ask(
    ctx: Context, param: Param, answers: Mapping[str, Any], error: str | None = None
) -> Reply:
    assert param.prompt is not None
    lines = [error] if error else []
    question = ctx.tr._(param.prompt)
    if ctx.chat.kind == "group":
        question = f"{ctx.person.name}: {question}"
    lines.append(question)
    lines.append(ctx.tr._("(Type /cancel to stop.)"))
    options = await param.options(ctx, answers) if param.options else ()
    return Reply("\n".join(lines), tuple(Button(label, ANSWER + value) for label, value in options))


def refuse(ctx: Context, error: BadArgument) -> str:
    return ctx.tr._(error.message, **error.values)


def check_where(ctx: Context, command: Command) -> str | None:
    tr = ctx.tr
    shown = tr.word("command", command.name)
    if command.where == "private" and ctx.chat.kind != "private":
        return tr._("Please send /{command} to me in a private chat.", command=shown)
    if command.where == "group" and ctx.chat.kind != "group":
        return tr._("/{command} works in a group chat.", command=shown)
    if command.needs_group and ctx.group is None:
        return tr._(
            "This chat is not part of a minga group yet. Anyone here can start one with /setup."
        )
    if command.new_group and ctx.group is not None:
        return tr._("This chat already belongs to {group}.", group=ctx.group.name)
    return None


async def run_command(ctx: Context, line: CommandLine) -> list[Action]:
    tr = ctx.tr
    command = find(ctx.commands, line.name)
    if command is None:
        suggestion = suggest(ctx.commands, line.name, tr)
        if suggestion:
            return [
                Reply(
                    tr._(
                        "I don't know /{command}. Did you mean /{suggestion}? "
                        "/help lists what I can do.",
                        command=line.name,
                        suggestion=suggestion,
                    )
                )
            ]
        return [
            Reply(tr._("I don't know /{command}. /help lists what I can do.", command=line.name))
        ]
    refusal = check_where(ctx, command)
    if refusal:
        # Personal things are typed privately: one press moves the person there.
        move = command.where == "private" and ctx.chat.kind == "group"
        return [
            Reply(
                refusal,
                (tr.button(tr._("Talk to me privately"), command.name, private=True),)
                if move
                else (),
            )
        ]
    try:
        raw, extra = (
            (command.parse_line(line.args), [])
            if command.parse_line
            else (split_args(command, line.args))
        )
    except ValueError:
        return [Reply(tr._("A quote is not closed. Usage: {usage}", usage=usage(command, tr)))]
    except BadArgument as error:
        return [Reply(refuse(ctx, error) + "\n" + tr._("Usage: {usage}", usage=usage(command, tr)))]
    if extra:
        return [
            Reply(
                tr._(
                    "That is more than /{command} takes. Usage: {usage}",
                    command=tr.word("command", command.name),
                    usage=usage(command, tr),
                )
            )
        ]
    answers: dict[str, Any] = {}
    for param in command.params:
        if param.name in raw:
            try:
                answers[param.name] = param.parse(raw[param.name])
            except BadArgument as error:
                return [
                    Reply(
                        refuse(ctx, error) + "\n" + tr._("Usage: {usage}", usage=usage(command, tr))
                    )
                ]
    return await complete(ctx, command, answers)


async def complete(ctx: Context, command: Command, answers: dict[str, Any]) -> list[Action]:
    """Run the command, or ask for the next missing argument and remember the dialog."""
    for each in command.params:
        if each.name not in answers and each.default is not None:
            try:
                value = await each.default(ctx, answers)
            except BadArgument as error:  # nothing to choose from: asking would not help
                await ctx.uow.dialogs.clear(ctx.person.id, ctx.chat.id)
                return [Reply(refuse(ctx, error))]
            if value is not None:
                answers[each.name] = value
    param = missing(command, answers)
    if param is None:
        try:
            return await command.run(ctx, answers)
        except BadArgument as error:
            answers = {k: v for k, v in answers.items() if k != error.param}
            again = missing(command, answers)
            if not command.dialog or again is None:
                return [Reply(refuse(ctx, error))]
            await ctx.uow.dialogs.save(
                Dialog(
                    person_id=ctx.person.id,
                    chat_id=ctx.chat.id,
                    command=command.name,
                    answers=answers,
                ),
                ctx.now,
            )
            return [await ask(ctx, again, answers, refuse(ctx, error))]
    if not command.dialog:
        return [
            Reply(
                ctx.tr._(
                    "/{command} is missing the {what}. Usage: {usage}",
                    command=ctx.tr.word("command", command.name),
                    what=ctx.tr._(param.label),
                    usage=usage(command, ctx.tr),
                )
            )
        ]
    await ctx.uow.dialogs.save(
        Dialog(person_id=ctx.person.id, chat_id=ctx.chat.id, command=command.name, answers=answers),
        ctx.now,
    )
    return [await ask(ctx, param, answers)]


def typed_option(text: str, options: Sequence[tuple[str, str]]) -> str:
    """A button's number or label, typed instead of pressed, stands for its value: a
    Spanish speaker answers "urgente" as the button reads, not "urgent"."""
    number = decimal(text)
    if number is not None and 1 <= number <= len(options):
        return options[number - 1][1]
    named = {fold(label): value for label, value in options}
    return named.get(fold(text), text)


async def continue_dialog(
    ctx: Context, dialog: Dialog, text: str, pressed: bool = False
) -> list[Action]:
    command = ctx.commands[dialog.command]
    param = missing(command, dialog.answers)
    assert param is not None
    options = await param.options(ctx, dialog.answers) if param.options else ()
    labels = ", ".join(label for label, _ in options)
    if not pressed:
        text = typed_option(text, options)
    try:
        value = param.parse(text)
        if param.only_options and str(value) not in {v for _, v in options}:
            raise BadArgument(CHOOSE, choices=labels)
        if param.check:
            await param.check(ctx, dialog.answers, value)
    except BadArgument as error:
        if error.message == CHOOSE and options:  # the buttons as they read, not their values
            error = BadArgument(CHOOSE, choices=labels)
        return [await ask(ctx, param, dialog.answers, refuse(ctx, error))]
    await ctx.uow.dialogs.clear(ctx.person.id, ctx.chat.id)
    return await complete(ctx, command, {**dialog.answers, param.name: value})
