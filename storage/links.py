"""One-time codes that link a chat, an account or a newcomer."""

from datetime import datetime

from sqlalchemy import update

from bot.model import LinkCode, LinkKind
from storage.base import Repository
from storage.models import LinkCodeRow


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
        return await self._get(LinkCode, LinkCodeRow, code=code)

    async def use(self, code: str, now: datetime) -> bool:
        result = await self.conn.execute(
            update(LinkCodeRow.__table__)
            .where(LinkCodeRow.code == code, LinkCodeRow.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount == 1
