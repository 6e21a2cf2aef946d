"""Repositories: the core's ports (bot/ports.py) in SQL. Rows in, plain records out."""

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import and_, bindparam, case, delete, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import BindParameter, Executable

from bot.messages import Attachment, Button, Chat, Sender
from bot.model import (
    AuditEntry,
    ChatRecord,
    Dialog,
    Group,
    HelpRequest,
    Identity,
    Job,
    JobOutcome,
    LinkCode,
    LinkKind,
    Member,
    MemberStatus,
    Offer,
    OfferState,
    OutboxMessage,
    Person,
    Priority,
    Reaction,
    RequestState,
    Take,
)
from storage.erasure import erase_person
from storage.models import (
    AuditRow,
    ChatRow,
    CursorRow,
    DialogRow,
    GroupRow,
    IdentityRow,
    InboxRow,
    JobRow,
    LaneRow,
    LinkCodeRow,
    MatchRow,
    MemberRow,
    OfferRow,
    OutboxRow,
    PersonRow,
    PollRow,
    ReactionRow,
    RequestRow,
    SettingRow,
    TakeRow,
    UTCDateTime,
    VouchRow,
)
from storage.scene import Known

if TYPE_CHECKING:
    from _typeshed import DataclassInstance


def upsert(conn: AsyncConnection, table: Any) -> Any:
    """An INSERT that can say what to do ON CONFLICT, in the connection's own dialect."""
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)


async def insert_ignoring_duplicates(
    conn: AsyncConnection, table: Any, values: Mapping[str, Any]
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row went in."""
    statement = upsert(conn, table).values(**values).on_conflict_do_nothing()
    result = await conn.execute(statement)
    return result.rowcount == 1


R = TypeVar("R", bound="DataclassInstance")
STATUS_RANK = ("left", "newcomer", "trusted")  # weakest first


class Repository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn


class Remembering(Repository):
    """A repository of records this transaction keeps once read (storage/scene.py): each
    of its writes forgets them."""

    def __init__(self, conn: AsyncConnection, known: Known) -> None:
        super().__init__(conn)
        self.known = known


class SqlPeople(Remembering):
    async def get(self, person_id: int) -> Person:
        if person_id not in self.known.people:
            row = (
                await self.conn.execute(
                    select(PersonRow.__table__).where(PersonRow.id == person_id)
                )
            ).one()
            self.known.people[person_id] = Person(row.id, row.name, row.language, row.created_at)
        return self.known.people[person_id]

    async def by_identity(self, platform: str, user_id: str) -> Person | None:
        row = (
            await self.conn.execute(
                select(PersonRow.__table__)
                .join(IdentityRow, IdentityRow.person_id == PersonRow.id)
                .where(IdentityRow.platform == platform, IdentityRow.user_id == user_id)
            )
        ).one_or_none()
        return None if row is None else Person(row.id, row.name, row.language, row.created_at)

    async def register(self, sender: Sender, language: str | None, now: datetime) -> Person:
        self.known.forget()
        person_id = (
            await self.conn.execute(
                PersonRow.__table__.insert()
                .values(name=sender.name, language=language, created_at=now)
                .returning(PersonRow.id)
            )
        ).scalar_one()
        await self.conn.execute(
            IdentityRow.__table__.insert().values(
                person_id=person_id,
                platform=sender.platform,
                user_id=sender.user_id,
                handle=sender.handle,
                name=sender.name,
            )
        )
        return Person(person_id, sender.name, language, now)

    async def refresh_identity(self, sender: Sender) -> None:
        self.known.forget()
        identity = IdentityRow.__table__
        await self.conn.execute(
            identity.update()
            .where(
                identity.c.platform == sender.platform,
                identity.c.user_id == sender.user_id,
                or_(
                    identity.c.handle.is_distinct_from(sender.handle),
                    identity.c.name != sender.name,
                ),
            )
            .values(handle=sender.handle, name=sender.name)
        )

    async def set_language(self, person_id: int, language: str) -> None:
        self.known.forget()
        await self.conn.execute(
            update(PersonRow.__table__).where(PersonRow.id == person_id).values(language=language)
        )

    async def identities(self, person_id: int) -> list[Identity]:
        rows = await self.conn.execute(
            select(IdentityRow.__table__)
            .where(IdentityRow.person_id == person_id)
            .order_by(IdentityRow.id)
        )
        return [Identity(r.id, r.person_id, r.platform, r.user_id, r.handle, r.name) for r in rows]

    async def merge(self, keep_id: int, gone_id: int) -> None:
        """Fold person `gone_id` into `keep_id`: identities, chats, memberships, codes."""
        self.known.forget()
        members = MemberRow.__table__
        kept = members.alias("kept")
        doubles = (
            await self.conn.execute(
                select(
                    members.c.id.label("gone"),
                    members.c.status.label("gone_status"),
                    members.c.trusted_at.label("gone_trusted_at"),
                    kept.c.id.label("kept"),
                    kept.c.status.label("kept_status"),
                    kept.c.trusted_at.label("kept_trusted_at"),
                )
                .join(kept, (kept.c.group_id == members.c.group_id) & (kept.c.person_id == keep_id))
                .where(members.c.person_id == gone_id)
            )
        ).all()
        for double in doubles:
            status = max(double.gone_status, double.kept_status, key=STATUS_RANK.index)
            since = [t for t in (double.gone_trusted_at, double.kept_trusted_at) if t]
            await self._fold_membership(
                double.gone,
                double.kept,
                status,
                min(since) if status == "trusted" and since else None,
            )
        for table in (IdentityRow.__table__, ChatRow.__table__, members, LinkCodeRow.__table__):
            await self.conn.execute(
                update(table).where(table.c.person_id == gone_id).values(person_id=keep_id)
            )
        await self.conn.execute(delete(DialogRow.__table__).where(DialogRow.person_id == gone_id))
        await self.conn.execute(
            update(AuditRow.__table__).where(AuditRow.actor_id == gone_id).values(actor_id=keep_id)
        )
        for column in ("author_id", "subject_id"):  # one facing removal stays who they were
            await self.conn.execute(
                update(PollRow.__table__)
                .where(PollRow.__table__.c[column] == gone_id)
                .values({column: keep_id})
            )
        await self.conn.execute(delete(PersonRow.__table__).where(PersonRow.id == gone_id))

    async def forget(
        self, person_id: int, words: Sequence[str], addresses: Sequence[tuple[str, str]]
    ) -> None:
        self.known.forget()
        await erase_person(self.conn, person_id, words, addresses)

    async def _fold_membership(
        self, gone: int, kept: int, status: str, trusted_at: datetime | None
    ) -> None:
        """One person on a roster twice: the stronger status stays, and so do the vouches."""
        vouches = VouchRow.__table__
        for row in await self.conn.execute(
            select(vouches).where(or_(vouches.c.voucher_id == gone, vouches.c.member_id == gone))
        ):
            voucher = kept if row.voucher_id == gone else row.voucher_id
            vouched = kept if row.member_id == gone else row.member_id
            if voucher != vouched:
                await insert_ignoring_duplicates(
                    self.conn,
                    vouches,
                    {"voucher_id": voucher, "member_id": vouched, "created_at": row.created_at},
                )
        await self.conn.execute(delete(MemberRow.__table__).where(MemberRow.id == gone))
        await self.conn.execute(
            update(MemberRow.__table__)
            .where(MemberRow.id == kept)
            .values(status=status, trusted_at=trusted_at)
        )


def _chat(row: Any) -> ChatRecord:
    return ChatRecord(
        row.id, row.platform, row.chat_id, row.kind, row.title, row.group_id, row.person_id
    )


class SqlChats(Remembering):
    async def get(self, platform: str, chat_id: str) -> ChatRecord | None:
        row = (
            await self.conn.execute(
                select(ChatRow.__table__).where(
                    ChatRow.platform == platform, ChatRow.chat_id == chat_id
                )
            )
        ).one_or_none()
        return None if row is None else _chat(row)

    async def ensure(self, chat: Chat, person_id: int | None) -> ChatRecord:
        self.known.forget()
        await insert_ignoring_duplicates(
            self.conn,
            ChatRow.__table__,
            {
                "platform": chat.platform,
                "chat_id": chat.chat_id,
                "kind": chat.kind,
                "title": chat.title,
                "person_id": person_id,
            },
        )
        # A private chat follows whoever speaks in it (a person who was forgotten and
        # came back is a new person in the same chat).
        await self.conn.execute(
            update(ChatRow.__table__)
            .where(
                ChatRow.platform == chat.platform,
                ChatRow.chat_id == chat.chat_id,
                or_(
                    ChatRow.title.is_distinct_from(chat.title),
                    ChatRow.person_id.is_distinct_from(person_id),
                ),
            )
            .values(title=chat.title, person_id=person_id)
        )
        found = await self.get(chat.platform, chat.chat_id)
        assert found is not None
        return found

    async def attach(self, chat_record_id: int, group_id: int) -> None:
        self.known.forget()
        await self.conn.execute(
            update(ChatRow.__table__).where(ChatRow.id == chat_record_id).values(group_id=group_id)
        )

    async def of_group(self, group_id: int) -> list[ChatRecord]:
        if group_id not in self.known.group_chats:
            rows = await self.conn.execute(
                select(ChatRow.__table__).where(ChatRow.group_id == group_id).order_by(ChatRow.id)
            )
            self.known.group_chats[group_id] = [_chat(r) for r in rows]
        return self.known.group_chats[group_id]

    async def move(self, platform: str, chat_id: str, new_chat_id: str) -> None:
        self.known.forget()
        await self.conn.execute(
            update(ChatRow.__table__)
            .where(ChatRow.platform == platform, ChatRow.chat_id == chat_id)
            .values(chat_id=new_chat_id)
        )

    async def private_of(self, person_id: int) -> list[ChatRecord]:
        if person_id not in self.known.private_chats:
            rows = await self.conn.execute(
                select(ChatRow.__table__)
                .where(ChatRow.person_id == person_id, ChatRow.kind == "private")
                .order_by(ChatRow.id)
            )
            self.known.private_chats[person_id] = [_chat(r) for r in rows]
        return self.known.private_chats[person_id]


class SqlGroups(Remembering):
    async def _load(self, condition: Any) -> list[Group]:
        """One row per setting (at least one per group)."""
        rows = await self.conn.execute(
            select(GroupRow.__table__, SettingRow.key, SettingRow.value)
            .outerjoin(SettingRow, SettingRow.group_id == GroupRow.id)
            .where(condition)
            .order_by(GroupRow.id)
        )
        found: dict[int, tuple[Any, dict[str, str]]] = {}
        for r in rows:
            _, settings = found.setdefault(r.id, (r, {}))
            if r.key is not None:
                settings[r.key] = r.value
        groups = [
            Group(r.id, r.name, r.created_at, r.founding_until, settings)
            for r, settings in found.values()
        ]
        self.known.groups.update((group.id, group) for group in groups)
        return groups

    async def create(self, name: str, now: datetime, founding_until: datetime) -> Group:
        group_id = (
            await self.conn.execute(
                GroupRow.__table__.insert()
                .values(
                    name=name,
                    name_key=name.casefold(),
                    created_at=now,
                    founding_until=founding_until,
                )
                .returning(GroupRow.id)
            )
        ).scalar_one()
        return Group(group_id, name, now, founding_until, {})

    async def get(self, group_id: int) -> Group | None:
        if group_id not in self.known.groups:
            found = await self._load(GroupRow.id == group_id)
            if not found:
                return None
            self.known.groups[group_id] = found[0]
        return self.known.groups[group_id]

    async def by_name(self, name: str) -> Group | None:
        found = await self._load(GroupRow.name_key == name.casefold())
        return found[0] if found else None

    async def all(self) -> list[Group]:
        return await self._load(GroupRow.id.is_not(None))

    async def of_person(self, person_id: int) -> list[Group]:
        return await self._load(
            GroupRow.id.in_(
                select(MemberRow.group_id).where(
                    MemberRow.person_id == person_id, MemberRow.status != "left"
                )
            )
        )

    async def set_setting(self, group_id: int, key: str, value: str) -> None:
        self.known.forget()
        settings = SettingRow.__table__
        if not await insert_ignoring_duplicates(
            self.conn, settings, {"group_id": group_id, "key": key, "value": value}
        ):
            await self.conn.execute(
                update(settings)
                .where(settings.c.group_id == group_id, settings.c.key == key)
                .values(value=value)
            )

    async def take_turn(self, group_id: int) -> None:
        self.known.forget()
        # FOR NO KEY UPDATE (key_share): a member this transaction just added holds a key
        # share on the group's row, which FOR UPDATE would wait for: two joins deadlocked.
        await self.conn.execute(
            select(GroupRow.id).where(GroupRow.id == group_id).with_for_update(key_share=True)
        )


def _member_query() -> Any:
    return select(
        MemberRow.id,
        MemberRow.group_id,
        MemberRow.person_id,
        PersonRow.name,
        MemberRow.status,
        MemberRow.joined_at,
        MemberRow.trusted_at,
        select(IdentityRow.handle)
        .where(IdentityRow.person_id == PersonRow.id, IdentityRow.handle.is_not(None))
        .order_by(IdentityRow.id)
        .limit(1)
        .scalar_subquery()
        .label("handle"),
    ).join(PersonRow, PersonRow.id == MemberRow.person_id)


def _member(r: Any) -> Member:
    return Member(
        r.id, r.group_id, r.person_id, r.name, r.handle, r.status, r.joined_at, r.trusted_at
    )


class SqlMembers(Remembering):
    async def get(self, group_id: int, person_id: int) -> Member | None:
        if (group_id, person_id) not in self.known.members:
            row = (
                await self.conn.execute(
                    _member_query().where(
                        MemberRow.group_id == group_id, MemberRow.person_id == person_id
                    )
                )
            ).one_or_none()
            self.known.members[group_id, person_id] = None if row is None else _member(row)
        return self.known.members[group_id, person_id]

    async def join(
        self, group_id: int, person_id: int, status: MemberStatus, now: datetime
    ) -> Member:
        self.known.forget()
        members = MemberRow.__table__
        values = {
            "status": status,
            "joined_at": now,
            "trusted_at": now if status == "trusted" else None,
        }
        if not await insert_ignoring_duplicates(
            self.conn, members, {"group_id": group_id, "person_id": person_id, **values}
        ):
            await self.conn.execute(
                update(members)
                .where(
                    members.c.group_id == group_id,
                    members.c.person_id == person_id,
                )
                .values(**values)
            )
        found = await self.get(group_id, person_id)
        assert found is not None
        return found

    async def set_status(self, member_id: int, status: MemberStatus, now: datetime) -> None:
        self.known.forget()
        members = MemberRow.__table__
        # Trusted since the first moment of an unbroken trust; anything else forgets it.
        trusted_at = (
            case((members.c.status == "trusted", members.c.trusted_at), else_=now)
            if status == "trusted"
            else None
        )
        await self.conn.execute(
            update(members)
            .where(members.c.id == member_id)
            .values(status=status, trusted_at=trusted_at)
        )

    async def roster(self, group_id: int) -> list[Member]:
        rows = await self.conn.execute(
            _member_query()
            .where(
                MemberRow.group_id == group_id,
                MemberRow.status != "left",
            )
            .order_by(func.lower(PersonRow.name), MemberRow.id)
        )
        return [_member(r) for r in rows]

    async def count(self, group_id: int) -> int:
        return (
            await self.conn.execute(
                select(func.count()).where(
                    MemberRow.group_id == group_id, MemberRow.status != "left"
                )
            )
        ).scalar_one()

    async def vouch(self, voucher_id: int, member_id: int, now: datetime) -> bool:
        await self._take_turns(member_id)
        return await insert_ignoring_duplicates(
            self.conn,
            VouchRow.__table__,
            {"voucher_id": voucher_id, "member_id": member_id, "created_at": now},
        )

    async def unvouch(self, voucher_id: int, member_id: int) -> bool:
        await self._take_turns(member_id)
        result = await self.conn.execute(
            delete(VouchRow.__table__).where(
                VouchRow.voucher_id == voucher_id, VouchRow.member_id == member_id
            )
        )
        return result.rowcount == 1

    async def _take_turns(self, member_id: int) -> None:
        """Vouches for one member wait for each other, so the one that completes the count
        sees the others (at once on PostgreSQL, each saw only its own: nobody was trusted)."""
        self.known.forget()
        await self.conn.execute(
            select(MemberRow.id).where(MemberRow.id == member_id).with_for_update(key_share=True)
        )

    async def vouchers(self, member_id: int) -> list[Member]:
        rows = await self.conn.execute(
            _member_query()
            .join(
                VouchRow,
                VouchRow.voucher_id == MemberRow.id,
            )
            .where(VouchRow.member_id == member_id)
            .order_by(VouchRow.created_at)
        )
        return [_member(r) for r in rows]


class SqlDialogs(Repository):
    async def get(self, person_id: int, chat_id: int) -> Dialog | None:
        row = (
            await self.conn.execute(
                select(DialogRow.__table__).where(
                    DialogRow.person_id == person_id, DialogRow.chat_id == chat_id
                )
            )
        ).one_or_none()
        return (
            None
            if row is None
            else Dialog(row.person_id, row.chat_id, row.command, dict(row.answers))
        )

    async def save(self, dialog: Dialog, now: datetime) -> None:
        await self.clear(dialog.person_id, dialog.chat_id)
        await self.conn.execute(
            DialogRow.__table__.insert().values(
                person_id=dialog.person_id,
                chat_id=dialog.chat_id,
                command=dialog.command,
                answers=dict(dialog.answers),
                updated_at=now,
            )
        )

    async def clear(self, person_id: int, chat_id: int) -> bool:
        result = await self.conn.execute(
            delete(DialogRow.__table__).where(
                DialogRow.person_id == person_id, DialogRow.chat_id == chat_id
            )
        )
        return result.rowcount > 0


class SqlInbox(Repository):
    async def record(self, platform: str, event_id: str, now: datetime) -> bool:
        return await insert_ignoring_duplicates(
            self.conn,
            InboxRow.__table__,
            {"platform": platform, "event_id": event_id, "received_at": now},
        )

    async def prune(self, before: datetime) -> int:
        result = await self.conn.execute(
            delete(InboxRow.__table__).where(InboxRow.received_at < before)
        )
        return result.rowcount


def _buttons(buttons: Sequence[Button]) -> list[list[str]]:
    return [
        [
            b.label,
            b.data,
            *(["private"] if b.private else []),
            *(["answer"] if b.answer else []),
            *([UNDO + b.undo] if b.undo else []),
        ]
        for b in buttons
    ]


def _unbuttons(stored: list[list[str]]) -> tuple[Button, ...]:
    return tuple(
        Button(
            label,
            data,
            private="private" in rest,
            answer="answer" in rest,
            undo=next((r[len(UNDO) :] for r in rest if r.startswith(UNDO)), None),
        )
        for label, data, *rest in stored
    )


# A button's flags after its label and data: "private", "answer", "undo:<command>".
UNDO = "undo:"


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
        r.id,
        r.platform,
        r.chat_id,
        r.kind,
        r.key,
        r.text,
        _unbuttons(r.buttons),
        r.attempts,
        target,
        Attachment(r.file_name, r.file_mime, r.file_data) if r.file_name else None,
        Priority(r.priority),
        parts,
        r.address,
        r.transient,
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

    def _add(
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
        self._add(
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
        self._add(platform, chat_id, "toast", toast_id, text, (), now, Priority.ANSWER)

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
                row.update(text=text, buttons=_buttons(buttons))
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
            .values(text=text, buttons=_buttons(buttons))
        )
        if waiting.rowcount == 0:
            self._add(platform, chat_id, "edit", key, text, buttons, now, Priority.BULK)

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
                    select(outbox.c.text, outbox.c.buttons)
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
        await self._execute(update(outbox).where(earlier, outbox.c.kind == "send").values(text=""))

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
            .values(text="")
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


class SqlAudit(Repository):
    async def add(
        self,
        group_id: int | None,
        actor_id: int | None,
        action: str,
        detail: Mapping[str, Any],
        now: datetime,
    ) -> None:
        await self.conn.execute(
            AuditRow.__table__.insert().values(
                at=now, group_id=group_id, actor_id=actor_id, action=action, detail=dict(detail)
            )
        )

    async def of_group(self, group_id: int) -> list[AuditEntry]:
        rows = await self.conn.execute(
            select(AuditRow.__table__).where(AuditRow.group_id == group_id).order_by(AuditRow.id)
        )
        return [
            AuditEntry(r.id, r.at, r.group_id, r.actor_id, r.action, dict(r.detail)) for r in rows
        ]


def _job(r: Any) -> Job:
    return Job(r.id, r.kind, r.ref_id, r.due_at, r.done_at, r.outcome)


class SqlJobs(Repository):
    def __init__(self, conn: AsyncConnection, added: list[Job]) -> None:
        super().__init__(conn)
        self.added = added

    async def add(self, kind: str, ref_id: int, due_at: datetime) -> Job:
        job_id = (
            await self.conn.execute(
                JobRow.__table__.insert()
                .values(kind=kind, ref_id=ref_id, due_at=due_at)
                .returning(JobRow.id)
            )
        ).scalar_one()
        job = Job(job_id, kind, ref_id, due_at)
        self.added.append(job)
        return job

    async def get(self, job_id: int) -> Job | None:
        row = (
            await self.conn.execute(select(JobRow.__table__).where(JobRow.id == job_id))
        ).one_or_none()
        return None if row is None else _job(row)

    async def pending(self, until: datetime | None = None) -> list[Job]:
        query = select(JobRow.__table__).where(JobRow.done_at.is_(None))
        if until is not None:
            query = query.where(JobRow.due_at <= until)
        rows = await self.conn.execute(query.order_by(JobRow.due_at, JobRow.id))
        return [_job(r) for r in rows]

    async def add_once(self, kind: str, ref_id: int, due_at: datetime) -> Job | None:
        jobs = JobRow.__table__
        pending = select(jobs.c.id).where(
            jobs.c.kind == kind, jobs.c.ref_id == ref_id, jobs.c.done_at.is_(None)
        )
        job_id = (
            await self.conn.execute(
                jobs.insert()
                .from_select(
                    ["kind", "ref_id", "due_at"],
                    select(
                        literal(kind), literal(ref_id), literal(due_at, jobs.c.due_at.type)
                    ).where(~pending.exists()),
                )
                .returning(jobs.c.id)
            )
        ).scalar_one_or_none()
        if job_id is None:
            return None
        job = Job(job_id, kind, ref_id, due_at)
        self.added.append(job)
        return job

    async def cancel(self, kinds: Sequence[str], ref_id: int, now: datetime) -> None:
        await self.conn.execute(
            update(JobRow.__table__)
            .where(
                JobRow.kind.in_(kinds),
                JobRow.ref_id == ref_id,
                JobRow.done_at.is_(None),
            )
            .values(done_at=now, outcome="cancelled")
        )

    async def prune(self, done_before: datetime) -> int:
        result = await self.conn.execute(
            delete(JobRow.__table__).where(JobRow.done_at < done_before)
        )
        return result.rowcount

    async def finish(self, job_id: int, outcome: JobOutcome, now: datetime) -> bool:
        result = await self.conn.execute(
            update(JobRow.__table__)
            .where(and_(JobRow.id == job_id, JobRow.done_at.is_(None)))
            .values(done_at=now, outcome=outcome)
        )
        return result.rowcount == 1


class SqlLinks(Repository):
    async def create(
        self, code: str, kind: LinkKind, group_id: int | None, person_id: int, expires_at: datetime
    ) -> None:
        await self.conn.execute(
            LinkCodeRow.__table__.insert().values(
                code=code, kind=kind, group_id=group_id, person_id=person_id, expires_at=expires_at
            )
        )

    async def get(self, code: str) -> LinkCode | None:
        row = (
            await self.conn.execute(select(LinkCodeRow.__table__).where(LinkCodeRow.code == code))
        ).one_or_none()
        return (
            None
            if row is None
            else LinkCode(
                row.code, row.kind, row.group_id, row.person_id, row.expires_at, row.used_at
            )
        )

    async def use(self, code: str, now: datetime) -> bool:
        result = await self.conn.execute(
            update(LinkCodeRow.__table__)
            .where(LinkCodeRow.code == code, LinkCodeRow.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount == 1


def record(cls: type[R], row: Any) -> R:
    return cls(**{f.name: row._mapping[f.name] for f in fields(cls)})


class SqlRequests(Repository):
    async def add(self, request: HelpRequest) -> HelpRequest:
        values = {f.name: getattr(request, f.name) for f in fields(request) if f.name != "id"}
        request_id = (
            await self.conn.execute(
                RequestRow.__table__.insert()
                .values(anonymised=False, **values)
                .returning(RequestRow.id)
            )
        ).scalar_one()
        return replace(request, id=request_id)

    async def get(self, request_id: int) -> HelpRequest | None:
        row = (
            await self.conn.execute(select(RequestRow.__table__).where(RequestRow.id == request_id))
        ).one_or_none()
        return None if row is None else record(HelpRequest, row)

    async def change(
        self, request_id: int, states: Sequence[RequestState], now: datetime, **values: Any
    ) -> bool:
        result = await self.conn.execute(
            update(RequestRow.__table__)
            .where(
                RequestRow.id == request_id,
                RequestRow.state.in_(states),
            )
            .values(changed_at=now, **values)
        )
        return result.rowcount == 1

    async def listed(
        self,
        group_ids: Sequence[int],
        states: Sequence[RequestState],
        category: str | None,
        area: str | None,
    ) -> list[HelpRequest]:
        query = select(RequestRow.__table__).where(
            RequestRow.group_id.in_(group_ids), RequestRow.state.in_(states)
        )
        if category:
            query = query.where(RequestRow.category == category)
        if area:
            query = query.where(func.lower(RequestRow.area) == area.casefold())
        rows = await self.conn.execute(query.order_by(RequestRow.urgent.desc(), RequestRow.id))
        return [record(HelpRequest, r) for r in rows]

    async def of_person(self, person_id: int) -> list[HelpRequest]:
        rows = await self.conn.execute(
            select(RequestRow.__table__)
            .where(
                or_(RequestRow.requester_id == person_id, RequestRow.claimer_id == person_id),
            )
            .order_by(RequestRow.id.desc())
        )
        return [record(HelpRequest, r) for r in rows]

    async def anonymise(self, request_id: int) -> None:
        await self.conn.execute(
            update(RequestRow.__table__)
            .where(RequestRow.id == request_id)
            .values(
                requester_id=None,
                claimer_id=None,
                description="",
                area="",
                thanks=None,
                show_name=False,
                anonymised=True,
            )
        )


class SqlOffers(Repository):
    async def add(self, offer: Offer) -> Offer:
        values = {f.name: getattr(offer, f.name) for f in fields(offer) if f.name != "id"}
        offer_id = (
            await self.conn.execute(
                OfferRow.__table__.insert().values(**values).returning(OfferRow.id)
            )
        ).scalar_one()
        return replace(offer, id=offer_id)

    async def get(self, offer_id: int) -> Offer | None:
        row = (
            await self.conn.execute(select(OfferRow.__table__).where(OfferRow.id == offer_id))
        ).one_or_none()
        return None if row is None else record(Offer, row)

    async def take(self, offer_id: int, person_id: int, now: datetime) -> Take | None:
        offers = OfferRow.__table__
        # A skill is not counted; things are, and the last one goes to exactly one person.
        taken = await self.conn.execute(
            update(offers)
            .where(
                offers.c.id == offer_id,
                offers.c.state == "open",
                or_(offers.c.quantity.is_(None), offers.c.remaining > 0),
            )
            .values(remaining=offers.c.remaining - 1)
        )
        if taken.rowcount != 1:
            return None
        take_id = (
            await self.conn.execute(
                TakeRow.__table__.insert()
                .values(
                    offer_id=offer_id,
                    person_id=person_id,
                    created_at=now,
                )
                .returning(TakeRow.id)
            )
        ).scalar_one()
        return Take(take_id, offer_id, person_id, now, None)

    async def get_take(self, take_id: int) -> Take | None:
        row = (
            await self.conn.execute(select(TakeRow.__table__).where(TakeRow.id == take_id))
        ).one_or_none()
        return None if row is None else record(Take, row)

    async def hand_over(self, take_id: int, now: datetime) -> Take | None:
        result = await self.conn.execute(
            update(TakeRow.__table__)
            .where(TakeRow.id == take_id, TakeRow.handed_at.is_(None))
            .values(handed_at=now)
        )
        return await self.get_take(take_id) if result.rowcount == 1 else None

    async def change(self, offer_id: int, states: Sequence[OfferState], **values: Any) -> bool:
        result = await self.conn.execute(
            update(OfferRow.__table__)
            .where(OfferRow.id == offer_id, OfferRow.state.in_(states))
            .values(**values)
        )
        return result.rowcount == 1

    async def listed(
        self, group_ids: Sequence[int], category: str | None, area: str | None
    ) -> list[Offer]:
        query = select(OfferRow.__table__).where(
            OfferRow.group_id.in_(group_ids), OfferRow.state == "open"
        )
        if category:
            query = query.where(OfferRow.category == category)
        if area:
            query = query.where(func.lower(OfferRow.area) == area.casefold())
        return [record(Offer, r) for r in await self.conn.execute(query.order_by(OfferRow.id))]

    async def of_person(self, person_id: int) -> list[Offer]:
        rows = await self.conn.execute(
            select(OfferRow.__table__)
            .where(OfferRow.offerer_id == person_id)
            .order_by(OfferRow.id.desc())
        )
        return [record(Offer, r) for r in rows]

    async def record_match(self, request_id: int, offer_id: int) -> bool:
        return await insert_ignoring_duplicates(
            self.conn, MatchRow.__table__, {"request_id": request_id, "offer_id": offer_id}
        )


class SqlCursors(Repository):
    async def get(self, name: str) -> str | None:
        return (
            await self.conn.execute(select(CursorRow.value).where(CursorRow.name == name))
        ).scalar_one_or_none()

    async def set(self, name: str, value: str) -> None:
        if not await insert_ignoring_duplicates(
            self.conn, CursorRow.__table__, {"name": name, "value": value}
        ):
            await self.conn.execute(
                update(CursorRow.__table__).where(CursorRow.name == name).values(value=value)
            )


REACTIONS_KEPT = timedelta(days=30)  # long enough to take one back; then it is history


class SqlReactions(Repository):
    async def add(self, platform: str, event_id: str, reaction: Reaction, now: datetime) -> None:
        table = ReactionRow.__table__
        await self.conn.execute(delete(table).where(table.c.created_at < now - REACTIONS_KEPT))
        await insert_ignoring_duplicates(
            self.conn,
            table,
            {
                "platform": platform,
                "event_id": event_id,
                "chat_id": reaction.chat_id,
                "user_id": reaction.user_id,
                "message_id": reaction.message_id,
                "data": reaction.data,
                "created_at": now,
            },
        )

    async def take(self, platform: str, event_id: str) -> Reaction | None:
        table = ReactionRow.__table__
        row = (
            await self.conn.execute(
                delete(table)
                .where(table.c.platform == platform, table.c.event_id == event_id)
                .returning(table.c.chat_id, table.c.user_id, table.c.message_id, table.c.data)
            )
        ).one_or_none()
        return None if row is None else Reaction(row.chat_id, row.user_id, row.message_id, row.data)
