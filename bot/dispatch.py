"""One event, one transaction: inbox row, effects and outbox rows commit together or not at all."""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from babel.support import Translations

from bot.config import PrivacyConfig, WebConfig
from bot.context import Context, Work, waiting_for
from bot.i18n import N_, Translator, pick_language, translator
from bot.jobs import job_failed, run_job
from bot.messages import (
    ANSWER,
    Action,
    Added,
    Arrived,
    Button,
    ButtonPress,
    Chat,
    ChatMoved,
    Due,
    Edit,
    Event,
    Message,
    Post,
    PrivateMessage,
    Reply,
    Sender,
    Unreadable,
)
from bot.model import ChatRecord, Job, Person, Priority, Scene
from bot.ports import Clock, UnitOfWork, UnitsOfWork
from bot.router import (
    MAX_TEXT,
    Command,
    CommandLine,
    continue_dialog,
    find,
    parse_command,
    problem_with_text,
    run_command,
)
from bot.settings import GroupDefaults, setting
from bot.text import cleaned

log = logging.getLogger("minga.core")


@dataclass(frozen=True)
class Committed:
    """What a commit left for the edges: jobs to schedule."""

    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class Core:
    uow: UnitsOfWork
    clock: Clock
    catalogs: Mapping[str, Translations]
    defaults: GroupDefaults
    commands: Mapping[str, Command]
    after_commit: Callable[[Committed], None] = field(default=lambda _: None)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    web: WebConfig = field(default_factory=WebConfig)


async def handle(core: Core, event: Event) -> bool:
    """Handle one event exactly once; a failure changes nothing and gets an apology (a
    job: its next try, see bot/jobs.py).

    False when nothing of it could be recorded, not even the apology (the database is
    away): the platform should deliver it again, and a job stays pending, to fire again."""
    started = core.clock.monotonic()
    event = cleaned(event)  # the one place what people type is cleaned: see bot/text.py
    try:
        kind, actions, committed = await _in_transaction(core, event)
    except Exception as error:
        log.exception("event=failed type=%s", type(event).__name__)
        if isinstance(event, Due):
            return await _retry_job(core, event, error)
        return await _apologise(core, event)
    if committed is not None:
        core.after_commit(committed)
    log.info(
        "event=%s actions=%d ms=%.1f", kind, actions, (core.clock.monotonic() - started) * 1000
    )
    return True


async def _in_transaction(core: Core, event: Event) -> tuple[str, int, Committed | None]:
    async with core.uow() as uow:
        if isinstance(event, Due):
            work = work_for(uow, core)
            kind, actions, origin = (
                "due",
                await run_job(work, event.job_id, event.fired_at or work.now),
                None,
            )
        else:
            if not await uow.inbox.record(event.chat.platform, event.event_id, core.clock.now()):
                return "duplicate", 0, None
            if isinstance(event, ChatMoved):
                await uow.chats.move(event.chat.platform, event.chat.chat_id, event.new_chat_id)
                await uow.outbox.readdress(
                    event.chat.platform, event.chat.chat_id, event.chat.platform, event.new_chat_id
                )
                kind, actions = "chat-moved", []
            elif isinstance(event, Added):
                kind, actions = "added", await _added(uow, core, event)
            elif isinstance(event, Arrived):
                kind, actions = "arrived", await _arrived(uow, core, event)
            elif isinstance(event, Unreadable):
                kind, actions = "unreadable", await _unreadable(uow, core, event)
            else:
                kind, actions = await _handle_chat_event(uow, core, event)
            origin = event.chat
        if isinstance(event, ButtonPress) and event.toast_id:
            actions = await _toast(uow, core, event, actions)
        await enqueue(uow, core, actions, origin)
        await uow.commit()
        return kind, len(actions), Committed(tuple(uow.new_jobs))


TOAST_LIMIT = 200  # Telegram shows at most this much of an answer to a press


async def _toast(
    uow: UnitOfWork, core: Core, event: ButtonPress, actions: list[Action]
) -> list[Action]:
    """Every press gets exactly one short answer where the platform shows it to the presser
    alone. In a group chat that is its first short reply, which would be noise for everyone
    else; in a private chat replies stay messages (a question asked there must stay)."""
    assert event.toast_id is not None
    short = (
        next(
            (
                a
                for a in actions
                if isinstance(a, Reply)
                and not a.buttons
                and not a.attachment
                and len(a.text) <= TOAST_LIMIT
            ),
            None,
        )
        if event.chat.kind == "group"
        else None
    )
    await uow.outbox.toast(
        event.chat.platform,
        event.chat.chat_id,
        event.toast_id,
        short.text if short else "",
        core.clock.now(),
    )
    return [a for a in actions if a is not short]


async def _added(uow: UnitOfWork, core: Core, event: Added) -> list[Action]:
    """Added to a chat: say how to start, unless it is already part of a group."""
    chat = await uow.chats.ensure(event.chat, None)
    if chat.group_id is not None or chat.kind != "group":
        return []
    tr = await _sender_tr(uow, core, event.sender)
    return [
        Reply(
            tr._(
                "Hello! I'm minga. Type /setup to make this chat a group that shares "
                "help, shifts and decisions, or /link CODE to add it to a group you "
                "already have."
            )
        )
    ]


async def _arrived(uow: UnitOfWork, core: Core, event: Arrived) -> list[Action]:
    """Someone new in a group's chat is offered its roster. Nothing is kept about them
    unless they take it."""
    chat = await uow.chats.get(event.chat.platform, event.chat.chat_id)
    group = await uow.groups.get(chat.group_id) if chat and chat.group_id else None
    if group is None:
        return []
    person = await uow.people.by_identity(event.sender.platform, event.sender.user_id)
    member = await uow.members.get(group.id, person.id) if person else None
    if member is not None and member.status != "left":
        return []
    tr = translator(core.catalogs, setting(group, "language", core.defaults))
    return [
        Reply(
            tr._(
                "Welcome, {name}! This chat belongs to {group}, a mutual aid group "
                "without admins. Press Join (or type /join) to be on its roster: the "
                "roster is who counts for decisions and reminders.",
                name=event.sender.name,
                group=group.name,
            ),
            (tr.button(tr._("Join"), "join"),),
        )
    ]


async def _unreadable(uow: UnitOfWork, core: Core, event: Unreadable) -> list[Action]:
    tr = await _sender_tr(uow, core, event.sender)
    return [
        Reply(
            tr._(
                "I could not read your last message: it was encrypted before I had "
                "the keys for it. Please send it again."
            )
        )
    ]


async def _sender_tr(uow: UnitOfWork, core: Core, sender: Sender) -> Translator:
    """The words of someone minga may not know yet: their own language if it has one."""
    person = await uow.people.by_identity(sender.platform, sender.user_id)
    return translator(
        core.catalogs,
        pick_language(person.language if person else sender.language, core.defaults.language),
    )


async def _retry_job(core: Core, event: Due, error: Exception) -> bool:
    """Record the failed try, so a job cannot fail the same way forever; False when that
    could not be recorded."""
    try:
        async with core.uow() as uow:
            await job_failed(uow, event.job_id, error, core.clock.now())
            await uow.commit()
    except Exception:
        log.exception("event=job-failure-unrecorded")
        return False
    core.after_commit(Committed(tuple(uow.new_jobs)))  # its next try
    return True


async def _apologise(
    core: Core, event: Message | ButtonPress | ChatMoved | Added | Arrived | Unreadable
) -> bool:
    """Record the event as handled, so a redelivery cannot fail the same way forever;
    False when even that could not be recorded."""
    try:
        async with core.uow() as uow:
            await uow.inbox.record(event.chat.platform, event.event_id, core.clock.now())
            if not isinstance(event, ChatMoved | Arrived):  # a person waits for an answer
                tr = await _sender_tr(uow, core, event.sender)
                await uow.outbox.send(
                    event.chat.platform,
                    event.chat.chat_id,
                    tr._(
                        "Sorry, something went wrong on my side and nothing "
                        "was changed. Please try again in a little while."
                    ),
                    (),
                    None,
                    core.clock.now(),
                    priority=Priority.ANSWER,
                    address=event.chat.address,
                )
            await uow.commit()
    except Exception:
        log.exception("event=apology-failed")
        return False
    return True


async def _handle_chat_event(
    uow: UnitOfWork, core: Core, event: Message | ButtonPress
) -> tuple[str, list[Action]]:
    if isinstance(event, ButtonPress):
        return await _handle_press(uow, core, event)
    line = parse_command(event.text, event.prefixes, event.bot_name)
    if line is not None and not line.name:
        return "other-bot", []
    if event.anonymous:
        return _anonymous(core, line)
    scene = await uow.scenes.load(event.chat, event.sender)
    if line is None and event.chat.kind == "group" and not await _in_dialog(uow, scene):
        return "chatter", []  # people talking among themselves: nothing is kept about them
    ctx = await _context(uow, core, event, scene)
    problem = problem_with_text(event.text)
    if problem:
        return "refused", [Reply(ctx.tr._(problem, limit=ctx.tr.number(MAX_TEXT)))]
    if line is None and event.reply_to:
        line = await _relayed(uow, event)
    if line is not None:
        return _kind("command", line.name, core.commands), await run_command(ctx, line)
    dialog = await uow.dialogs.get(ctx.person.id, ctx.chat.id)
    if dialog is not None:
        return f"dialog:{dialog.command}", await continue_dialog(ctx, dialog, event.text)
    return "unknown-text", [Reply(ctx.tr._("I only understand commands. /help lists them."))]


def _anonymous(core: Core, line: CommandLine | None) -> tuple[str, list[Action]]:
    """An anonymous admin or a channel: nobody minga could know."""
    if line is None:
        return "chatter", []
    tr = translator(core.catalogs, core.defaults.language)
    return "anonymous", [
        Reply(
            tr._(
                "I can't tell who you are when you write as the "
                "group or as a channel. Please write as "
                "yourself."
            )
        )
    ]


async def _handle_press(
    uow: UnitOfWork, core: Core, event: ButtonPress
) -> tuple[str, list[Action]]:
    # A press no button offers is answered before anything is kept of who pressed.
    refusal = await _refused(uow, event)
    if refusal:
        log.warning("press=refused reason=%s", refusal)
        tr = await _sender_tr(uow, core, event.sender)
        return f"button:{refusal}", [Reply(tr._(REFUSALS[refusal]))]
    scene = await uow.scenes.load(event.chat, event.sender)
    return await _press(await _context(uow, core, event, scene), event)


async def _press(ctx: Context, event: ButtonPress) -> tuple[str, list[Action]]:
    """A press runs only what a button on that very message offers now (`_refused` checked
    that); the data a client sends is a key to look the button up by, never a command line
    of its own."""
    data = event.data
    if data.startswith(ANSWER):
        dialog = await ctx.uow.dialogs.get(ctx.person.id, ctx.chat.id)
        if dialog is None:
            return "button:stale", [
                Reply(ctx.tr._("That question was already answered or stopped."))
            ]
        return f"dialog:{dialog.command}", await continue_dialog(
            ctx, dialog, data[1:], pressed=True
        )
    name, _, args = data.partition(" ")
    return _kind("button", name, ctx.commands), await run_command(ctx, CommandLine(name, args))


REFUSALS = {
    "stale": N_(
        "That button is out of date: the message has changed since, so I did "
        "nothing. Please look at it again."
    ),
    "not-offered": N_("That button is not on that message (any more), so I did nothing."),
}


async def _refused(uow: UnitOfWork, event: ButtonPress) -> str | None:
    """Why a press is not one of the buttons its message shows now; None if it is one.
    A link button is never pressed in place: the platform opens the private chat instead.
    Taking a press back undoes a button the message showed when it was pressed, which the
    press itself may have taken away (a claim)."""

    def offered(buttons: tuple[Button, ...]) -> set[str | None]:
        return {b.undo if event.taken_back else b.data for b in buttons if not b.private}

    where = (event.chat.platform, event.chat.chat_id, event.message_id)
    if not event.taken_back and event.data in offered(await uow.outbox.buttons_of(*where)):
        return None
    shown_before = offered(await uow.outbox.buttons_before(*where))
    if event.taken_back:
        return None if event.data in shown_before else "not-offered"
    return "stale" if event.data in shown_before else "not-offered"


def _kind(what: str, name: str, commands: Mapping[str, Command]) -> str:
    """For the log: a command's (English) name, never an unknown word someone typed."""
    command = find(commands, name)
    return f"{what}:{command.name if command else '?'}"


async def _relayed(uow: UnitOfWork, event: Message) -> CommandLine | None:
    """A reply to a message relayed about R17 is a message about R17."""
    assert event.reply_to is not None
    key = await uow.outbox.key_of(event.chat.platform, event.chat.chat_id, event.reply_to)
    if key and key.startswith("relay:"):
        return CommandLine("msg", f"{key.removeprefix('relay:')} {event.text}")
    return None


async def _in_dialog(uow: UnitOfWork, scene: Scene) -> bool:
    return bool(
        scene.person and scene.chat and await uow.dialogs.get(scene.person.id, scene.chat.id)
    )


async def _context(
    uow: UnitOfWork, core: Core, event: Message | ButtonPress, scene: Scene
) -> Context:
    """Who is speaking, where: a person is registered the first time they address minga.
    What the scene read is written only where it changed."""
    work = work_for(uow, core)
    person = await _speaker(uow, event.sender, scene, work.now)
    chat = await _chat(uow, event, scene, person)
    group = (
        scene.group
        if scene.group and scene.group.id == chat.group_id
        else (await uow.groups.get(chat.group_id) if chat.group_id else None)
    )
    home = None
    if event.chat.kind == "private" and person.language is None:
        home = next(iter(await uow.groups.of_person(person.id)), None)
    return Context.of(work, sender=event.sender, person=person, chat=chat, group=group, home=home)


async def _speaker(uow: UnitOfWork, sender: Sender, scene: Scene, now: datetime) -> Person:
    if scene.person is None:
        spoken = pick_language(sender.language, "") or None
        return await uow.people.register(sender, spoken, now)
    if scene.identity != (sender.handle, sender.name):
        await uow.people.refresh_identity(sender)
    return scene.person


async def _chat(
    uow: UnitOfWork, event: Message | ButtonPress, scene: Scene, person: Person
) -> ChatRecord:
    """The chat the event came from, as stored; a private chat makes its person reachable."""
    owner = person.id if event.chat.kind == "private" else None
    chat = scene.chat
    if chat is None or (chat.title, chat.person_id) != (event.chat.title, owner):
        chat = await uow.chats.ensure(event.chat, owner)
        if owner is not None and (scene.chat is None or scene.chat.person_id != owner):
            await _now_reachable(uow, owner, chat)
    private_id = event.sender.private_chat_id
    if owner is None and private_id and not scene.reachable:
        private = Chat(event.sender.platform, private_id, "private")
        await _now_reachable(uow, person.id, await uow.chats.ensure(private, person.id))
    return chat


def work_for(uow: UnitOfWork, core: Core) -> Work:
    """What an event or a job needs besides who is speaking: the core's settings, now."""
    return Work(
        uow=uow,
        now=core.clock.now(),
        defaults=core.defaults,
        catalogs=core.catalogs,
        commands=core.commands,
        privacy=core.privacy,
        web=core.web,
    )


async def _now_reachable(uow: UnitOfWork, person_id: int, private: ChatRecord) -> None:
    """A private chat is theirs from now on: messages wait for a person only while they
    have none (the platform opens one on demand), so only then is there anything to send."""
    await uow.outbox.readdress(*waiting_for(person_id), private.platform, private.chat_id)


async def enqueue(uow: UnitOfWork, core: Core, actions: list[Action], origin: Chat | None) -> None:
    """Turn actions into outbox rows, one per chat that should see them. What a person's
    action causes for people is answered first; what the scheduler sends, and changes to
    posts already shown, are bulk (origin None: a scheduled job)."""
    now = core.clock.now()
    scheduled = origin is None
    for action in actions:
        match action:
            case Reply():
                assert origin is not None, "a scheduled job has no chat to reply in"
                await uow.outbox.send(
                    origin.platform,
                    origin.chat_id,
                    action.text,
                    action.buttons,
                    None,
                    now,
                    action.attachment,
                    transient=action.transient,
                    priority=Priority.ANSWER,
                    address=origin.address,
                )
            case Post():
                for chat in await uow.chats.of_group(action.group_id):
                    await uow.outbox.send(
                        chat.platform,
                        chat.chat_id,
                        action.text,
                        action.buttons,
                        action.key,
                        now,
                        priority=Priority.BULK if scheduled else Priority.POST,
                    )
            case Edit():
                for chat in await uow.chats.of_group(action.group_id):
                    await uow.outbox.edit(
                        chat.platform, chat.chat_id, action.key, action.text, action.buttons, now
                    )
            case PrivateMessage():
                chats = await uow.chats.private_of(action.person_id)
                # The private chat opened last is the one in use; with none yet (Telegram:
                # until they start the bot) the message waits for the first one.
                platform, chat_id = (
                    (chats[-1].platform, chats[-1].chat_id)
                    if chats
                    else waiting_for(action.person_id)
                )
                # To the person who just wrote privately: where they wrote.
                address = (
                    origin.address
                    if origin and (origin.platform, origin.chat_id) == (platform, chat_id)
                    else None
                )
                await uow.outbox.send(
                    platform,
                    chat_id,
                    action.text,
                    action.buttons,
                    action.key,
                    now,
                    transient=action.transient,
                    priority=Priority.BULK if scheduled else Priority.ANSWER,
                    address=address,
                )
