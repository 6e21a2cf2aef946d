"""Private links to the web pages, each kept as the SHA-256 digest of its token.

A token is looked up by its digest: the index compares digests, whose bytes a guesser
cannot choose, so how long a lookup takes tells nothing about a real token; the row found
is then compared with `hmac.compare_digest` all the same."""

import hmac
from datetime import datetime

from sqlalchemy import ColumnElement, delete, select

from bot.model import WebLink, WebLinkKind
from storage.base import Repository, digest, record
from storage.models import WebLinkRow


def _owned(kind: WebLinkKind, person_id: int, group_id: int | None) -> list[ColumnElement[bool]]:
    table = WebLinkRow.__table__
    same_group = table.c.group_id.is_(None) if group_id is None else table.c.group_id == group_id
    return [table.c.kind == kind, table.c.person_id == person_id, same_group]


class SqlWebLinks(Repository):
    async def renew(
        self, kind: WebLinkKind, person_id: int, group_id: int | None, token: str, now: datetime
    ) -> None:
        table = WebLinkRow.__table__
        await self.conn.execute(delete(table).where(*_owned(kind, person_id, group_id)))
        await self.conn.execute(
            table.insert().values(
                kind=kind,
                person_id=person_id,
                group_id=group_id,
                digest=digest(token),
                created_at=now,
            )
        )

    async def mine(self, kind: WebLinkKind, person_id: int, group_id: int | None) -> WebLink | None:
        table = WebLinkRow.__table__
        row = (
            await self.conn.execute(select(table).where(*_owned(kind, person_id, group_id)))
        ).first()
        return None if row is None else record(WebLink, row)

    async def find(self, kind: WebLinkKind, token: str) -> WebLink | None:
        table = WebLinkRow.__table__
        wanted = digest(token)
        row = (
            await self.conn.execute(
                select(table).where(table.c.digest == wanted, table.c.kind == kind)
            )
        ).one_or_none()
        if row is None or not hmac.compare_digest(row.digest, wanted):
            return None
        return record(WebLink, row)
