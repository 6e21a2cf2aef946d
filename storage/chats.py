"""Chats on the platforms, and the dialogs a person has in one."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from bot.messages import Chat
from bot.model import ChatRecord, Dialog
from storage.base import Remembering, Repository, insert_ignoring_duplicates
from storage.models import ChatRow, DialogRow


def _chat(row: Any) -> ChatRecord:
    return ChatRecord(
        id=row.id,
        platform=row.platform,
        chat_id=row.chat_id,
        kind=row.kind,
        title=row.title,
        group_id=row.group_id,
        person_id=row.person_id,
    )


class SqlChats(Remembering):
    async def get(self, platform: str, chat_id: str) -> ChatRecord | None:
        return await self._get(ChatRecord, ChatRow, platform=platform, chat_id=chat_id)

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
        await self._change(ChatRow, chat_record_id, group_id=group_id)

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


class SqlDialogs(Repository):
    async def get(self, person_id: int, chat_id: int) -> Dialog | None:
        return await self._get(Dialog, DialogRow, person_id=person_id, chat_id=chat_id)

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
