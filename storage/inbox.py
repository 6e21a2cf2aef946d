"""What comes in: the events already handled, where each platform's stream is, and the
reactions that can undo a press."""

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.model import Reaction
from storage.base import Repository, insert_ignoring_duplicates
from storage.models import CursorRow, InboxRow, ReactionRow


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


class SqlCursors(Repository):
    async def get(self, name: str) -> str | None:
        return (
            await self.conn.execute(select(CursorRow.value).where(CursorRow.name == name))
        ).scalar_one_or_none()

    async def set(self, name: str, value: str) -> None:
        await self._put(CursorRow, {"name": name}, value=value)


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
        return (
            None
            if row is None
            else Reaction(
                chat_id=row.chat_id, user_id=row.user_id, message_id=row.message_id, data=row.data
            )
        )
