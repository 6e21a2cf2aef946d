"""The audit log of what was done in a group."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.model import AuditEntry
from storage.base import Repository
from storage.models import AuditRow


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
            AuditEntry(
                id=r.id,
                at=r.at,
                group_id=r.group_id,
                actor_id=r.actor_id,
                action=r.action,
                detail=dict(r.detail),
            )
            for r in rows
        ]
