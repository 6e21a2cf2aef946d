"""Drive the real core and storage the way an adapter does, and see what people would see."""

import shutil
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.delivery import Courier, Outlet
from adapters.scheduler import Scheduler
from bot.commands import COMMANDS
from bot.config import GroupDefaults, WebConfig
from bot.dispatch import Committed, Core, handle
from bot.i18n import load_catalogs
from bot.messages import ButtonPress, Chat, Message, Sender
from bot.model import Job, OutboxMessage
from storage.uow import units_of_work
from tests import rows
from tests.fakes import FakeClock

PLATFORM = "test"
OTHER_PLATFORM = "other"  # a second platform, for links across platforms
CATALOGS = load_catalogs()


@dataclass(frozen=True)
class Seen:
    """One message as it reached a chat."""

    platform: str
    chat_id: str
    text: str
    buttons: tuple[str, ...]  # button data
    edit: bool
    message_id: str  # what the platform would call it
    attachment: bytes | None = None
    toast: bool = False  # shown only to the person who pressed
    links: tuple[str, ...] = ()  # the data of the buttons that are links to the private chat


@dataclass(frozen=True)
class Snapshot:
    """A harness at rest, its database and what it remembers: many tests can start from a
    state built once, since copying a database takes milliseconds where building a group
    takes hundreds."""

    database: Path | rows.Rows  # SQLite's file, or PostgreSQL's rows
    now: datetime
    seen: tuple[Seen, ...]
    jobs: tuple[Job, ...]
    heard: frozenset[str]


@dataclass
class Harness:
    engine: AsyncEngine
    clock: FakeClock = field(default_factory=FakeClock)
    defaults: GroupDefaults = field(default_factory=GroupDefaults)
    seen: list[Seen] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    couriers: dict[str, Courier] = field(default_factory=dict)  # one sender per platform
    # The platforms minga has heard from: no other can have anything to send.
    heard: set[str] = field(default_factory=lambda: {PLATFORM})
    web: WebConfig = field(default_factory=WebConfig)  # the operator's [web]

    def __post_init__(self) -> None:
        self.units = units_of_work(self.engine)  # one writer's turn for the whole test

    @property
    def core(self) -> Core:
        return Core(
            self.units,
            self.clock,
            CATALOGS,
            self.defaults,
            COMMANDS,
            self._committed,
            web=self.web,
        )

    def _committed(self, committed: Committed) -> None:
        self.jobs.extend(committed.jobs)

    @staticmethod
    def sender(
        who: str, language: str | None = None, handle: str | None = None, platform: str = PLATFORM
    ) -> Sender:
        handle = handle or who.casefold()
        return Sender(platform, handle, who, handle, language)

    @staticmethod
    def group_chat(name: str = "food") -> Chat:
        return Chat(PLATFORM, f"group:{name}", "group", name.title())

    @staticmethod
    def private_chat(who: str) -> Chat:
        return Chat(PLATFORM, f"dm:{who.casefold()}", "private", who)

    async def say(
        self,
        who: str,
        text: str,
        group: str | None = "food",
        language: str | None = None,
        event_id: str | None = None,
        handle: str | None = None,
        platform: str = PLATFORM,
    ) -> list[Seen]:
        """`who` types `text` in a group chat (or privately when group is None)."""
        sender = self.sender(who, language, handle, platform)
        chat = self.group_chat(group) if group else self.private_chat(sender.user_id)
        event = Message(
            event_id or uuid.uuid4().hex,
            replace(chat, platform=platform),
            sender,
            text,
            bot_name="mingabot",
        )
        return await self.deliver(event)

    def showing(self, chat_id: str, data: str) -> str:
        """The id of the latest message in a chat that has this button, as a client has it."""
        shown = [s for s in self.seen if s.chat_id == chat_id and data in s.buttons]
        assert shown, f"no message in {chat_id} shows a button {data!r}"
        return shown[-1].message_id

    async def press(
        self,
        who: str,
        data: str,
        group: str | None = "food",
        toast: bool = False,
        message_id: str | None = None,
    ) -> list[Seen]:
        """`who` presses the button `data` on the latest message that shows it, or on the
        message `message_id` (what a modified client could send). `toast`: the platform can
        answer the presser alone (Telegram's callback answer)."""
        chat = self.group_chat(group) if group else self.private_chat(who)
        on = message_id or self.showing(chat.chat_id, data)
        if message_id is None and data in self.links(on):  # a link opens the private chat
            return await self.say(who, f"/start {data}", group=None)
        return await self.deliver(
            ButtonPress(
                uuid.uuid4().hex,
                chat,
                self.sender(who),
                on,
                data,
                uuid.uuid4().hex if toast else None,
            )
        )

    def links(self, message_id: str) -> tuple[str, ...]:
        return next((s.links for s in reversed(self.seen) if s.message_id == message_id), ())

    async def deliver(self, event: Message | ButtonPress) -> list[Seen]:
        """As an adapter with its scheduler: handle, run what fell due, send."""
        self.heard.add(event.chat.platform)
        await handle(self.core, event)
        await Scheduler(self.core).fire_due()
        return await self.flush()

    async def flush(self) -> list[Seen]:
        before = len(self.seen)
        for platform in (PLATFORM, OTHER_PLATFORM):
            if platform not in self.heard:
                continue
            if platform not in self.couriers:
                self.couriers[platform] = Courier(self.core, Outlet(platform, self._record))
            await self.couriers[platform].drain()
        return self.seen[before:]

    async def fire_due(self) -> list[Seen]:
        await Scheduler(self.core).fire_due()
        return await self.flush()

    async def later(self, **delta: float) -> list[Seen]:
        """Time passes: what fell due meanwhile (a tally's redraw) runs and is sent."""
        self.clock.advance(**delta)
        return await self.fire_due()

    async def _record(self, row: OutboxMessage) -> tuple[str, ...]:
        message_id = row.message_id or str(row.id)
        self.seen.append(
            Seen(
                row.platform,
                row.chat_id,
                row.text,
                tuple(b.data for b in row.buttons),
                row.kind == "edit" and row.message_id is not None,
                message_id,
                row.attachment.data if row.attachment else None,
                row.kind == "toast",
                tuple(b.data for b in row.buttons if b.private),
            )
        )
        return (message_id,)

    async def snapshot(self, directory: Path) -> Snapshot:
        """This harness at rest, its database copied into `directory` (SQLite) or read."""
        if self.engine.dialect.name == "sqlite":
            await self.engine.dispose()  # the last connection to close folds in the WAL
            database: Path | rows.Rows = directory / "minga.db"
            shutil.copy(self._database, database)
        else:
            database = await rows.read(self.engine)
        return Snapshot(
            database, self.clock.now(), tuple(self.seen), tuple(self.jobs), frozenset(self.heard)
        )

    async def restore(self, snapshot: Snapshot) -> None:
        """Back to the snapshot's state, on this harness's own database; its senders start
        afresh, as they do when minga restarts."""
        if isinstance(snapshot.database, rows.Rows):
            await rows.write(self.engine, snapshot.database)
        else:
            await self.engine.dispose()
            for journal in ("-wal", "-shm"):
                self._database.with_name(self._database.name + journal).unlink(missing_ok=True)
            shutil.copy(snapshot.database, self._database)
        self.clock.current = snapshot.now
        self.seen[:] = snapshot.seen
        self.jobs[:] = snapshot.jobs
        self.heard = set(snapshot.heard)
        self.couriers.clear()

    @property
    def _database(self) -> Path:
        assert self.engine.url.database
        return Path(self.engine.url.database)

    async def setup_group(
        self, founders: tuple[str, ...] = ("Ana", "Ben", "Chioma", "Dev"), name: str = "Free Food"
    ) -> None:
        """A group whose founding days are over, with these founders trusted."""
        await self.say(founders[0], f"/setup {name}")
        for who in founders[1:]:
            await self.say(who, "/join")
        self.clock.advance(days=2)
        await self.fire_due()


def text(seen: list[Seen]) -> str:
    return "\n".join(s.text for s in seen)


def in_chat(seen: list[Seen], chat_id: str) -> str:
    return "\n".join(s.text for s in seen if s.chat_id == chat_id)
