"""The start of every event in one read: who speaks, in which chat, of which group, on its
roster or not. What it finds is kept for the rest of the transaction (`Known`), so no
handler reads it again."""

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, bindparam, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.messages import Chat, Sender
from bot.model import ChatRecord, Group, Member, Person, Scene
from storage.models import ChatRow, GroupRow, IdentityRow, MemberRow, PersonRow, SettingRow


@dataclass
class Known:
    """What this transaction has read by id. Whatever writes people, chats, groups or
    rosters forgets all of it, and so does taking a turn (after waiting, others' commits
    count)."""

    people: dict[int, Person] = field(default_factory=dict)
    groups: dict[int, Group] = field(default_factory=dict)
    members: dict[tuple[int, int], Member | None] = field(default_factory=dict)
    group_chats: dict[int, list[ChatRecord]] = field(default_factory=dict)
    private_chats: dict[int, list[ChatRecord]] = field(default_factory=dict)

    def forget(self) -> None:
        for known in (self.people, self.groups, self.members, self.group_chats, self.private_chats):
            known.clear()


@cache
def _query() -> Any:
    """One row per setting of the chat's group (at least one row): everything else repeats.
    Starting from a one-row relation, each part may be missing on its own."""
    chats, groups, settings = ChatRow.__table__, GroupRow.__table__, SettingRow.__table__
    identities, people, members = (IdentityRow.__table__, PersonRow.__table__, MemberRow.__table__)
    private, handles = chats.alias("private"), identities.alias("handles")
    sender_platform: BindParameter[str] = bindparam("sender_platform")
    member_handle = (
        select(handles.c.handle)
        .where(handles.c.person_id == people.c.id, handles.c.handle.is_not(None))
        .order_by(handles.c.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            chats.c.id.label("chat_row"),
            chats.c.kind,
            chats.c.title,
            chats.c.group_id,
            chats.c.person_id.label("chat_person"),
            groups.c.name.label("group_name"),
            groups.c.created_at.label("group_created"),
            groups.c.founding_until,
            settings.c.key,
            settings.c.value,
            identities.c.handle,
            identities.c.name.label("identity_name"),
            people.c.id.label("person"),
            people.c.name,
            people.c.language,
            people.c.created_at,
            members.c.id.label("member"),
            members.c.status,
            members.c.joined_at,
            members.c.trusted_at,
            member_handle.label("member_handle"),
            private.c.person_id.label("private_person"),
        )
        .select_from(select(literal(1).label("one")).subquery())
        .outerjoin(
            chats,
            (chats.c.platform == bindparam("platform")) & (chats.c.chat_id == bindparam("chat_id")),
        )
        .outerjoin(groups, groups.c.id == chats.c.group_id)
        .outerjoin(settings, settings.c.group_id == groups.c.id)
        .outerjoin(
            identities,
            (identities.c.platform == sender_platform)
            & (identities.c.user_id == bindparam("user_id")),
        )
        .outerjoin(people, people.c.id == identities.c.person_id)
        .outerjoin(
            members, (members.c.group_id == groups.c.id) & (members.c.person_id == people.c.id)
        )
        .outerjoin(
            private,
            (private.c.platform == sender_platform)
            & (private.c.chat_id == bindparam("private_chat_id")),
        )
    )


class SqlScenes:
    def __init__(self, conn: AsyncConnection, known: Known) -> None:
        self.conn = conn
        self.known = known

    async def load(self, chat: Chat, sender: Sender) -> Scene:
        rows = (
            await self.conn.execute(
                _query(),
                {
                    "platform": chat.platform,
                    "chat_id": chat.chat_id,
                    "sender_platform": sender.platform,
                    "user_id": sender.user_id,
                    "private_chat_id": sender.private_chat_id,
                },
            )
        ).all()
        first = rows[0]
        person = (
            Person(
                id=first.person,
                name=first.name,
                language=first.language,
                created_at=first.created_at,
            )
            if first.person is not None
            else None
        )
        record = (
            ChatRecord(
                id=first.chat_row,
                platform=chat.platform,
                chat_id=chat.chat_id,
                kind=first.kind,
                title=first.title,
                group_id=first.group_id,
                person_id=first.chat_person,
            )
            if first.chat_row is not None
            else None
        )
        group = (
            Group(
                id=first.group_id,
                name=first.group_name,
                created_at=first.group_created,
                founding_until=first.founding_until,
                settings={r.key: r.value for r in rows if r.key is not None},
            )
            if record is not None and first.group_id is not None
            else None
        )
        member = (
            Member(
                id=first.member,
                group_id=first.group_id,
                person_id=first.person,
                name=first.name,
                handle=first.member_handle,
                status=first.status,
                joined_at=first.joined_at,
                trusted_at=first.trusted_at,
            )
            if first.member is not None
            else None
        )
        if person is not None:
            self.known.people[person.id] = person
            if group is not None:
                self.known.members[group.id, person.id] = member
        if group is not None:
            self.known.groups[group.id] = group
        return Scene(
            person=person,
            identity=(first.handle, first.identity_name) if person else None,
            chat=record,
            group=group,
            member=member,
            reachable=person is not None and first.private_person == person.id,
        )
