"""What goes out: the outbox, and the lanes that keep one sender per chat."""

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import BindParameter, Executable

from bot.messages import Attachment, Button, Mark, Rich, Style, marks_of
from bot.model import OutboxMessage, Priority
from storage.base import Repository, upsert
from storage.models import ChatRow, LaneRow, OutboxRow, UTCDateTime


def _buttons(buttons: Sequence[Button]) -> list[list[str]]:
    return [
        [
            b.label,
            b.data,
            *(["private"] if b.private else []),
            *(["answer"] if b.answer else []),
            *([UNDO + b.undo] if b.undo else []),
            *([TYPED + b.typed] if b.typed else []),
        ]
        for b in buttons
    ]


def _marks(text: str) -> list[list[int | str]] | None:
    return [[m.start, m.end, m.style] for m in marks_of(text)] or None


def _marked(text: str, stored: list[list[Any]] | None) -> str:
    if not stored:
        return text
    return Rich(text, tuple(Mark(start, end, cast(Style, style)) for start, end, style in stored))


def _unbuttons(stored: list[list[str]]) -> tuple[Button, ...]:
    return tuple(
        Button(
            label,
            data,
            private="private" in rest,
            answer="answer" in rest,
            undo=next((r[len(UNDO) :] for r in rest if r.startswith(UNDO)), None),
            typed=next((r[len(TYPED) :] for r in rest if r.startswith(TYPED)), None),
        )
        for label, data, *rest in stored
    )


# A button's flags after its label and data: "private", "answer", "undo:<command>",
# "typed:<command as the reader types it>".
UNDO = "undo:"
TYPED = "typed:"


def _sendable() -> Any:
    """A message that can go now: due, and not held back by an earlier message of its chat
    that waits for a retry; an edit only once the message it changes is out. Bound:
    `platform`, `now`."""
    outbox = OutboxRow.__table__
    earlier = outbox.alias("earlier")
    now = bindparam("now", type_=UTCDateTime())
    unsent = and_(
        earlier.c.platform == outbox.c.platform,
        earlier.c.chat_id == outbox.c.chat_id,
        earlier.c.kind == "send",
        earlier.c.sent_at.is_(None),
        earlier.c.failed.is_(None),
    )
    held_back = (
        select(earlier.c.id)
        .where(unsent, earlier.c.id < outbox.c.id, earlier.c.next_attempt_at > now)
        .exists()
    )
    original_unsent = select(earlier.c.id).where(unsent, earlier.c.key == outbox.c.key).exists()
    return and_(
        outbox.c.platform == bindparam("platform"),
        outbox.c.sent_at.is_(None),
        outbox.c.failed.is_(None),
        outbox.c.kind != "toast",
        or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
        or_(
            and_(outbox.c.kind == "send", ~held_back),
            and_(outbox.c.kind == "edit", ~original_unsent),
        ),
    )


# The sender runs these for every message: built once (building one costs more than
# running it), with their values bound at each run.
@cache
def _lanes_due_query() -> Any:
    outbox, lanes = OutboxRow.__table__, LaneRow.__table__
    now = bindparam("now", type_=UTCDateTime())
    owner: BindParameter[str] = bindparam("owner")
    free = or_(
        lanes.c.chat_id.is_(None),
        and_(
            or_(lanes.c.owner.is_(None), lanes.c.owner == owner, lanes.c.held_until < now),
            or_(lanes.c.ready_at.is_(None), lanes.c.ready_at <= now),
        ),
    )
    urgency = func.min(outbox.c.priority).label("urgency")
    first = func.min(outbox.c.id).label("first")
    return (
        select(outbox.c.chat_id, urgency, first)
        .select_from(
            outbox.outerjoin(
                lanes,
                and_(lanes.c.platform == outbox.c.platform, lanes.c.chat_id == outbox.c.chat_id),
            )
        )
        .where(_sendable(), free)
        .group_by(outbox.c.chat_id)
        .order_by(urgency, first)
        .limit(bindparam("limit"))
    )


@cache
def _lane_query() -> Any:
    outbox = OutboxRow.__table__
    original = outbox.alias("original")

    def target(column: Any) -> Any:
        return (
            select(column)
            .where(
                original.c.platform == outbox.c.platform,
                original.c.chat_id == outbox.c.chat_id,
                original.c.key == outbox.c.key,
                original.c.message_id.is_not(None),
            )
            .order_by(original.c.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    return (
        select(
            outbox,
            target(original.c.message_id).label("target"),
            target(original.c.part_ids).label("target_parts"),
        )
        .where(_sendable(), outbox.c.chat_id == bindparam("chat_id"))
        .order_by(outbox.c.id)
        .limit(bindparam("limit"))
    )


def _message(r: Any, target: str | None, parts: tuple[str, ...]) -> OutboxMessage:
    return OutboxMessage(
        id=r.id,
        platform=r.platform,
        chat_id=r.chat_id,
        kind=r.kind,
        key=r.key,
        text=_marked(r.text, r.marks),
        buttons=_unbuttons(r.buttons),
        attempts=r.attempts,
        message_id=target,
        attachment=Attachment(r.file_name, r.file_mime, r.file_data) if r.file_name else None,
        priority=Priority(r.priority),
        parts=parts,
        address=r.address,
        transient=r.transient,
    )


class SqlOutbox(Repository):
    """New rows wait in `_new` and go in together, in one statement, before anything else
    is done with the outbox and when the unit of work commits: an event that answers, posts
    to two chats and tells someone privately writes its outbox once."""

    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn)
        self._new: list[dict[str, Any]] = []

    async def write(self) -> None:
        if self._new:
            rows, self._new = self._new, []
            await self.conn.execute(OutboxRow.__table__.insert(), rows)

    async def _execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]:
        await self.write()
        return await self.conn.execute(statement, parameters)

    def _queue(
        self,
        platform: str,
        chat_id: str,
        kind: str,
        key: str | None,
        text: str,
        buttons: Sequence[Button],
        now: datetime,
        priority: Priority,
        transient: bool = False,
        address: str | None = None,
        attachment: Attachment | None = None,
    ) -> None:
        self._new.append(
            {
                "platform": platform,
                "chat_id": chat_id,
                "kind": kind,
                "key": key,
                "text": text,
                "marks": _marks(text),
                "buttons": _buttons(buttons),
                "created_at": now,
                "attempts": 0,
                "transient": transient,
                "priority": priority,
                "address": address,
                "file_name": attachment and attachment.name,
                "file_mime": attachment and attachment.mime,
                "file_data": attachment and attachment.data,
            }
        )

    async def send(
        self,
        platform: str,
        chat_id: str,
        text: str,
        buttons: Sequence[Button],
        key: str | None,
        now: datetime,
        attachment: Attachment | None = None,
        transient: bool = False,
        priority: Priority = Priority.POST,
        address: str | None = None,
    ) -> None:
        self._queue(
            platform,
            chat_id,
            "send",
            key,
            text,
            buttons,
            now,
            priority,
            transient,
            address,
            attachment,
        )

    async def toast(
        self, platform: str, chat_id: str, toast_id: str, text: str, now: datetime
    ) -> None:
        self._queue(platform, chat_id, "toast", toast_id, text, (), now, Priority.ANSWER)

    async def edit(
        self,
        platform: str,
        chat_id: str,
        key: str,
        text: str,
        buttons: Sequence[Button],
        now: datetime,
    ) -> None:
        # A change that is still waiting is replaced, not queued behind: a burst of edits
        # to one post (a live tally) costs the platform one call.
        for row in reversed(self._new):
            if (row["platform"], row["chat_id"], row["key"]) == (platform, chat_id, key):
                row.update(text=text, marks=_marks(text), buttons=_buttons(buttons))
                return
        outbox = OutboxRow.__table__
        # Not _execute: no new row has this key, so they can wait for the others.
        waiting = await self.conn.execute(
            update(outbox)
            .where(
                outbox.c.platform == platform,
                outbox.c.chat_id == chat_id,
                outbox.c.key == key,
                outbox.c.sent_at.is_(None),
                outbox.c.failed.is_(None),
                outbox.c.id
                == select(func.max(outbox.c.id))
                .where(
                    outbox.c.platform == platform, outbox.c.chat_id == chat_id, outbox.c.key == key
                )
                .scalar_subquery(),
            )
            .values(text=text, marks=_marks(text), buttons=_buttons(buttons))
        )
        if waiting.rowcount == 0:
            self._queue(platform, chat_id, "edit", key, text, buttons, now, Priority.BULK)

    async def lanes_due(
        self, platform: str, now: datetime, owner: str, limit: int
    ) -> list[tuple[str, Priority]]:
        """The chats with a message to send now, most urgent first (then oldest), leaving
        out those another sender holds and those waiting for their own limit."""
        rows = await self._execute(
            _lanes_due_query(), {"platform": platform, "now": now, "owner": owner, "limit": limit}
        )
        return [(r.chat_id, Priority(r.urgency)) for r in rows]

    async def lane(
        self, platform: str, chat_id: str, now: datetime, limit: int
    ) -> list[OutboxMessage]:
        """What one chat can be sent now, in order: its messages, each after the ones
        before it, and the edits of posts already shown, which wait for no other message."""
        rows = await self._execute(
            _lane_query(), {"platform": platform, "now": now, "chat_id": chat_id, "limit": limit}
        )
        return [
            _message(
                r,
                r.target if r.kind == "edit" else None,
                tuple(r.target_parts or ()) if r.kind == "edit" else (),
            )
            for r in rows
        ]

    async def toasts(self, platform: str, now: datetime, limit: int) -> list[OutboxMessage]:
        """Answers to presses, which wait for nothing."""
        outbox = OutboxRow.__table__
        rows = await self._execute(
            select(outbox)
            .where(
                outbox.c.platform == platform,
                outbox.c.kind == "toast",
                outbox.c.sent_at.is_(None),
                outbox.c.failed.is_(None),
                or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
            )
            .order_by(outbox.c.id)
            .limit(limit)
        )
        return [_message(r, None, ()) for r in rows]

    async def mark_sent(
        self, message: OutboxMessage, platform_ids: Sequence[str], now: datetime
    ) -> None:
        outbox = OutboxRow.__table__
        if message.transient or message.kind == "toast":  # nothing will ever need it again
            await self._execute(delete(outbox).where(outbox.c.id == message.id))
            return
        sent = (message.text, _buttons(message.buttons))
        # Only a post (a row with a key) can be edited while on its way.
        stored = (
            (
                await self._execute(
                    select(outbox.c.text, outbox.c.buttons, outbox.c.marks)
                    .where(outbox.c.id == message.id)
                    .with_for_update()
                )
            ).one()
            if message.key
            else None
        )
        await self._execute(
            update(outbox)
            .where(outbox.c.id == message.id)
            .values(
                sent_at=now,
                message_id=platform_ids[-1] if platform_ids else None,
                part_ids=list(platform_ids) if len(platform_ids) > 1 else None,
                text=sent[0],
                marks=_marks(message.text),
                buttons=sent[1],
            )
        )
        if message.kind == "edit" and message.key:
            await self._supersede(message)
        if stored is not None and (stored.text, stored.buttons) != sent:
            # An edit replaced this row while it was on its way: what was sent is the old
            # text, so the new one follows as an edit of the message just sent.
            await self._execute(
                outbox.insert().values(
                    platform=message.platform,
                    chat_id=message.chat_id,
                    kind="edit",
                    key=message.key,
                    text=stored.text,
                    marks=stored.marks,
                    buttons=stored.buttons,
                    created_at=now,
                    attempts=0,
                    priority=Priority.BULK,
                )
            )

    async def _supersede(self, edit: OutboxMessage) -> None:
        """The post says this now: its earlier texts are kept nowhere but on the platform.
        The original keeps its row (message id, key) for later edits and replies."""
        outbox = OutboxRow.__table__
        earlier = and_(
            outbox.c.platform == edit.platform,
            outbox.c.chat_id == edit.chat_id,
            outbox.c.key == edit.key,
            outbox.c.id < edit.id,
            outbox.c.sent_at.is_not(None),
        )
        await self._execute(delete(outbox).where(earlier, outbox.c.kind == "edit"))
        await self._execute(
            update(outbox).where(earlier, outbox.c.kind == "send").values(text="", marks=None)
        )

    async def take(self, message_id: int, now: datetime, until: datetime) -> bool:
        """True for the one sender that sends this row now; it is nobody else's till then."""
        outbox = OutboxRow.__table__
        taken = await self._execute(
            update(outbox)
            .where(
                outbox.c.id == message_id,
                outbox.c.sent_at.is_(None),
                outbox.c.failed.is_(None),
                or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
            )
            .values(next_attempt_at=until)
        )
        return taken.rowcount == 1

    async def retry_now(self, platform: str, chat_id: str) -> None:
        """What waits to be tried again for this chat is tried at once, answers to presses
        addressed to it included."""
        await self._execute(
            update(OutboxRow.__table__)
            .where(
                OutboxRow.platform == platform,
                or_(
                    OutboxRow.chat_id == chat_id,
                    and_(OutboxRow.kind == "toast", OutboxRow.key == chat_id),
                ),
                OutboxRow.sent_at.is_(None),
                OutboxRow.failed.is_(None),
            )
            .values(next_attempt_at=None)
        )

    async def defer(self, message_id: int, until: datetime) -> None:
        """Not before then (an edit of a post edited a moment ago): nothing failed."""
        await self._execute(
            update(OutboxRow.__table__)
            .where(OutboxRow.id == message_id, OutboxRow.sent_at.is_(None))
            .values(next_attempt_at=until)
        )

    async def prune(self, sent_before: datetime) -> int:
        outbox, chats = OutboxRow.__table__, ChatRow.__table__
        in_group = (
            select(chats.c.id)
            .where(
                chats.c.platform == outbox.c.platform,
                chats.c.chat_id == outbox.c.chat_id,
                chats.c.kind == "group",
            )
            .exists()
        )
        done = or_(
            outbox.c.sent_at < sent_before,
            and_(outbox.c.failed.is_not(None), outbox.c.created_at < sent_before),
        )
        result = await self._execute(
            delete(outbox).where(done, or_(outbox.c.key.is_(None), ~in_group))
        )
        return result.rowcount

    async def blank(self, key: str) -> None:
        await self._execute(
            update(OutboxRow.__table__)
            .where(OutboxRow.key == key, OutboxRow.sent_at.is_not(None))
            .values(text="", marks=None)
        )

    async def readdress(
        self, platform: str, chat_id: str, to_platform: str, to_chat_id: str
    ) -> None:
        await self._execute(
            update(OutboxRow.__table__)
            .where(
                OutboxRow.platform == platform,
                OutboxRow.chat_id == chat_id,
                OutboxRow.sent_at.is_(None),
            )
            .values(platform=to_platform, chat_id=to_chat_id)
        )

    async def key_of(self, platform: str, chat_id: str, platform_message_id: str) -> str | None:
        return (
            await self._execute(
                select(OutboxRow.key)
                .where(
                    OutboxRow.platform == platform,
                    OutboxRow.chat_id == chat_id,
                    OutboxRow.message_id == platform_message_id,
                )
                .limit(1)
            )
        ).scalar_one_or_none()

    async def buttons_of(
        self, platform: str, chat_id: str, platform_message_id: str
    ) -> tuple[Button, ...]:
        """The buttons a sent message shows now: its last edit's, else its own. A row has
        its platform id once it is sent, or once `posted` noted it on the way."""
        rows = await self._execute(
            select(OutboxRow.buttons)
            .where(
                OutboxRow.platform == platform,
                OutboxRow.chat_id == chat_id,
                OutboxRow.message_id == platform_message_id,
            )
            .order_by(OutboxRow.id.desc())
            .limit(1)
        )
        return _unbuttons(rows.scalar_one_or_none() or [])

    async def buttons_before(
        self, platform: str, chat_id: str, platform_message_id: str
    ) -> tuple[Button, ...]:
        """Every button a sent message showed in any of its versions."""
        rows = await self._execute(
            select(OutboxRow.buttons).where(
                OutboxRow.platform == platform,
                OutboxRow.chat_id == chat_id,
                OutboxRow.message_id == platform_message_id,
            )
        )
        return tuple(b for stored in rows.scalars() for b in _unbuttons(stored))

    async def posted(self, message: OutboxMessage, platform_message_id: str) -> None:
        """A message with buttons is out, though its row is not done yet (Matrix still adds
        the bot's own reactions): a press on it can come now and must be recognised."""
        await self._execute(
            update(OutboxRow.__table__)
            .where(OutboxRow.id == message.id, OutboxRow.sent_at.is_(None))
            .values(message_id=platform_message_id)
        )

    async def mark_failed(self, message_id: int, error: str, retry_at: datetime | None) -> None:
        outbox = OutboxRow.__table__
        values: dict[str, Any] = {"attempts": outbox.c.attempts + 1}
        values.update({"next_attempt_at": retry_at} if retry_at else {"failed": error})
        await self._execute(update(outbox).where(outbox.c.id == message_id).values(values))
        if retry_at is None:  # given up: a transient text has no reason to stay either
            await self._execute(
                delete(outbox).where(outbox.c.id == message_id, outbox.c.transient.is_(True))
            )


class SqlLanes(Repository):
    """Which sender sends to a chat now: one at a time, which keeps the chat's order. A
    lane is held a while after each message, and given up when its sender stops."""

    async def claim(
        self, platform: str, chat_id: str, owner: str, now: datetime, until: datetime
    ) -> bool:
        lanes = LaneRow.__table__
        taken = await self.conn.execute(
            upsert(self.conn, lanes)
            .values(platform=platform, chat_id=chat_id, owner=owner, held_until=until)
            .on_conflict_do_update(
                index_elements=[lanes.c.platform, lanes.c.chat_id],
                set_={"owner": owner, "held_until": until},
                where=or_(
                    lanes.c.owner.is_(None), lanes.c.owner == owner, lanes.c.held_until < now
                ),
            )
        )
        return taken.rowcount == 1

    async def hold(
        self,
        platform: str,
        chat_id: str,
        owner: str,
        until: datetime,
        ready_at: datetime | None = None,
    ) -> bool:
        """Still ours until then (False: another sender has it now); `ready_at`: its own
        limit lets the next message go then."""
        lanes = LaneRow.__table__
        held = await self.conn.execute(
            update(lanes)
            .where(lanes.c.platform == platform, lanes.c.chat_id == chat_id, lanes.c.owner == owner)
            .values(held_until=until, ready_at=ready_at)
        )
        return held.rowcount == 1

    async def free(self, platform: str, chat_id: str, owner: str, now: datetime) -> None:
        """Nothing waits for the chat: its lane goes, unless its limit is still counting."""
        lanes = LaneRow.__table__
        await self.conn.execute(
            delete(lanes).where(
                lanes.c.platform == platform,
                lanes.c.chat_id == chat_id,
                lanes.c.owner == owner,
                or_(lanes.c.ready_at.is_(None), lanes.c.ready_at <= now),
            )
        )

    async def release(self, platform: str, owner: str) -> None:
        lanes = LaneRow.__table__
        await self.conn.execute(
            update(lanes)
            .where(lanes.c.platform == platform, lanes.c.owner == owner)
            .values(owner=None)
        )

    async def prune(self, before: datetime) -> int:
        lanes = LaneRow.__table__
        result = await self.conn.execute(
            delete(lanes).where(
                or_(lanes.c.held_until.is_(None), lanes.c.held_until < before),
                or_(lanes.c.ready_at.is_(None), lanes.c.ready_at < before),
            )
        )
        return result.rowcount
