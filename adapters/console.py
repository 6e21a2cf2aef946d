"""The console chat: act as different people in a terminal, or replay a conversation file.

Lines that start with ':' steer the console; every other line is what the person types.
"""

import asyncio
import itertools
import re
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TextIO

from adapters.delivery import Courier, Outlet
from adapters.scheduler import Scheduler
from bot.dispatch import Core, handle
from bot.messages import Button, ButtonPress, Chat, ChatKind, Message, Sender
from bot.model import OutboxMessage

PLATFORM = "console"
STOPS = 10_000  # jobs one jump of the clock runs at most
HELP = """Console lines:
  :as NAME        become that person (created on first use)
  :group [NAME]   speak in that group's chat (the last one if no name)
  :dm             speak in my private chat with the bot
  :press N        press button N of the latest message that had buttons
  :advance 2h     move the clock forward (m, h, d), so reminders and deadlines fire
  :clock 2026-03-07 09:00   set the clock (UTC), to replay a conversation exactly
  :quit           leave
Every other line is what the person types, e.g. /help"""


class ConsoleClock:
    """The system clock plus an offset that `:advance` moves forward."""

    def __init__(self, now: Callable[[], datetime], monotonic: Callable[[], float]) -> None:
        self._now, self._monotonic = now, monotonic
        self.offset = timedelta()

    def now(self) -> datetime:
        return self._now() + self.offset

    def monotonic(self) -> float:
        return self._monotonic()


def parse_duration(text: str) -> timedelta | None:
    """'2h', '90m', '1d12h' → a timedelta; None when it is not one."""
    parts = re.findall(r"(\d+)\s*([dhm])", text.lower())
    if not parts or re.sub(r"[\d\sdhm]", "", text.lower()):
        return None
    unit = {"d": "days", "h": "hours", "m": "minutes"}
    return sum((timedelta(**{unit[u]: int(n)}) for n, u in parts), timedelta())


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "chat"


@dataclass
class Console:
    core: Core
    clock: ConsoleClock
    scheduler: Scheduler
    out: TextIO
    person: str = "Ana"
    group: str | None = None
    private: bool = False
    buttons: tuple[Chat, str, tuple[Button, ...]] | None = None  # the latest, with its id
    titles: dict[str, str] = field(default_factory=dict)  # chat id → what to call it
    quiet: bool = False
    files: Path = field(default_factory=lambda: Path.cwd() / "minga-files")  # attachments
    _ids: Iterator[int] = field(default_factory=itertools.count)
    courier: Courier = field(init=False)

    def __post_init__(self) -> None:
        self.courier = Courier(self.core, Outlet(PLATFORM, self.deliver))

    def sender(self) -> Sender:
        return Sender(PLATFORM, self.person.casefold(), self.person, self.person.casefold())

    def chat(self) -> Chat:
        if self.private or self.group is None:
            chat_id = f"dm:{self.person.casefold()}"
            self.titles[chat_id] = f"{self.person}, private"
            return Chat(PLATFORM, chat_id, "private", self.person)
        chat_id = f"group:{slug(self.group)}"
        self.titles[chat_id] = self.group
        return Chat(PLATFORM, chat_id, "group", self.group)

    def prompt(self) -> str:
        where = "private" if self.private or self.group is None else self.group
        return f"{self.person} ({where})> "

    def say(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    async def deliver(self, row: OutboxMessage) -> tuple[str, ...]:
        where = self.titles.get(row.chat_id, row.chat_id)
        verb = "edits its post" if row.kind == "edit" and row.message_id else "says"
        lines = [f"[{where}] minga {verb}:"] + ["  " + line for line in row.text.splitlines()]
        if row.buttons:
            lines.append(
                "  " + "   ".join(f"({n}) {b.label}" for n, b in enumerate(row.buttons, 1))
            )
            kind: ChatKind = "private" if row.chat_id.startswith("dm:") else "group"
            self.buttons = (
                Chat(PLATFORM, row.chat_id, kind, where),
                row.message_id or str(row.id),
                row.buttons,
            )
        if row.attachment:
            self.files.mkdir(exist_ok=True)
            path = self.files / row.attachment.name
            path.write_bytes(row.attachment.data)
            lines.append(f"  [file: {path}]")
        self.say("\n".join(lines))
        return (row.message_id or str(row.id),)

    async def flush(self) -> None:
        await self.scheduler.fire_due()
        await self.courier.drain()

    async def travel(self, to: datetime) -> None:
        """Move the clock to `to`, stopping at every job due on the way: each runs at its
        own time, as if minga had been running all along, so none of them is late."""
        fired: set[tuple[int, datetime]] = set()  # a job that failed runs again at its retry's
        for _ in range(STOPS):
            async with self.core.uow() as uow:
                due = [
                    job
                    for job in await uow.jobs.pending()
                    if job.runs_at <= to and (job.id, job.runs_at) not in fired
                ]
            if not due:
                break
            job = min(due, key=lambda j: (j.runs_at, j.id))
            self.clock.offset += max(job.runs_at - self.clock.now(), timedelta())
            fired.add((job.id, job.runs_at))
            await self.scheduler.fire(job.id, self.clock.now())
            await self.courier.drain()
        self.clock.offset += max(to - self.clock.now(), timedelta())

    def event_id(self) -> str:
        return f"{uuid.uuid4().hex}-{next(self._ids)}"

    async def line(self, text: str) -> bool:
        """Act on one input line; False when the console should stop."""
        command, _, rest = text.strip().partition(" ")
        rest = rest.strip()
        if command == ":quit":
            return False
        if command == ":as" and rest:
            self.person = rest[:1].upper() + rest[1:]
        elif command == ":group":
            self.choose_group(rest)
        elif command == ":dm":
            self.private = True
        elif command == ":press":
            await self.press(rest)
        elif command == ":advance":
            await self.advance(rest)
        elif command == ":clock":
            await self.set_clock(rest)
        elif command.startswith(":"):
            self.say(HELP)
        elif text.strip():
            await handle(self.core, Message(self.event_id(), self.chat(), self.sender(), text))
        await self.flush()
        return True

    def choose_group(self, name: str) -> None:
        self.group, self.private = name or self.group, False
        if self.group is None:
            self.say("Which group? Type :group NAME.")

    async def advance(self, how_far: str) -> None:
        step = parse_duration(how_far)
        if step is None:
            self.say("Say how far, like :advance 2h, :advance 30m or :advance 1d.")
            return
        await self.travel(self.clock.now() + step)
        self.say(f"(the clock now reads {self.clock.now():%a %d %b %H:%M} UTC)")

    async def set_clock(self, when: str) -> None:
        try:
            wanted = datetime.fromisoformat(when).replace(tzinfo=UTC)
        except ValueError:
            self.say("Say the time like :clock 2026-03-07 09:00 (UTC).")
            return
        if wanted > self.clock.now():
            await self.travel(wanted)
        self.clock.offset += wanted - self.clock.now()
        self.say(f"(the clock now reads {self.clock.now():%a %d %b %H:%M} UTC)")

    async def press(self, which: str) -> None:
        if self.buttons is None:
            self.say("No message with buttons yet.")
            return
        chat, message_id, buttons = self.buttons
        if not re.fullmatch(r"[0-9]{1,3}", which) or not 1 <= int(which) <= len(buttons):
            self.say(f"Press a number from 1 to {len(buttons)}, like :press 1.")
            return
        button = buttons[int(which) - 1]
        if button.private:  # a link: it opens my private chat with its payload
            self.private = True
            await handle(
                self.core,
                Message(self.event_id(), self.chat(), self.sender(), f"/start {button.data}"),
            )
            return
        await handle(
            self.core, ButtonPress(self.event_id(), chat, self.sender(), message_id, button.data)
        )


DEMO_GROUP = "Free Food Eastside"
DEMO = [
    ":group " + DEMO_GROUP,
    "/setup " + DEMO_GROUP,
    *itertools.chain.from_iterable(
        (f":as {name}", ":dm", "/start", ":group", "/join") for name in ("Ben", "Chioma", "Dev")
    ),
    ":advance 2d",
    ":as Eli",
    ":dm",
    "/start",
    ":group",
    "/join",
    ":as Ana",
    ":dm",
    "/start",
    ":group",
]


async def seed_demo(console: Console) -> None:
    """The free-food project, played through the core two days ago, so it has a history."""
    console.quiet = True
    console.clock.offset -= timedelta(days=2)
    for text in DEMO:
        await console.line(text)
    console.quiet = False
    console.say(f"""Welcome to the minga console. A demo group is ready: {DEMO_GROUP}.
Ana, Ben, Chioma and Dev founded it and are trusted; Eli joined later as a newcomer.
You are Ana, in the group's chat. Try:
  /roster            who is on the roster
  /trust @eli        vouch for Eli (then :as Ben and /trust @eli again)
  /help              what you can do here
  :dm then /help     what you can do in your private chat
  :help              the console's own lines""")


async def run_console(
    core: Core,
    clock: ConsoleClock,
    scheduler: Scheduler,
    demo: bool,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    console = Console(core, clock, scheduler, out)
    async with core.uow() as uow:
        groups = await uow.groups.all()
        chats = await uow.chats.of_group(groups[0].id) if groups else []
    if not groups and demo:
        await seed_demo(console)
    else:
        console.group = next((c.title for c in chats if c.platform == PLATFORM), None)
        console.say("minga console. :help lists the console's lines; /help what minga does.")
    interactive = stdin.isatty()
    while True:
        if interactive:
            try:
                text = await asyncio.to_thread(input, console.prompt())
            except EOFError:
                break
        else:
            text = stdin.readline()
            if not text:
                break
            text = text.rstrip("\n")
            console.say(console.prompt() + text)
        if not await console.line(text):
            break
