"""People and their accounts on the platforms."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, update

from bot.messages import Sender
from bot.model import Identity, Person
from storage.base import Remembering, insert_ignoring_duplicates
from storage.erasure import erase_person
from storage.models import (
    AuditRow,
    ChatRow,
    DialogRow,
    IdentityRow,
    LinkCodeRow,
    MemberRow,
    PersonRow,
    PollRow,
    VouchRow,
)

STATUS_RANK = ("left", "newcomer", "trusted")  # weakest first


class SqlPeople(Remembering):
    async def get(self, person_id: int) -> Person:
        if person_id not in self.known.people:
            row = (
                await self.conn.execute(
                    select(PersonRow.__table__).where(PersonRow.id == person_id)
                )
            ).one()
            self.known.people[person_id] = Person(
                id=row.id, name=row.name, language=row.language, created_at=row.created_at
            )
        return self.known.people[person_id]

    async def by_identity(self, platform: str, user_id: str) -> Person | None:
        row = (
            await self.conn.execute(
                select(PersonRow.__table__)
                .join(IdentityRow, IdentityRow.person_id == PersonRow.id)
                .where(IdentityRow.platform == platform, IdentityRow.user_id == user_id)
            )
        ).one_or_none()
        return (
            None
            if row is None
            else Person(id=row.id, name=row.name, language=row.language, created_at=row.created_at)
        )

    async def register(self, sender: Sender, language: str | None, now: datetime) -> Person:
        self.known.forget()
        person_id = await self._insert(
            PersonRow, name=sender.name, language=language, created_at=now
        )
        await self.conn.execute(
            IdentityRow.__table__.insert().values(
                person_id=person_id,
                platform=sender.platform,
                user_id=sender.user_id,
                handle=sender.handle,
                name=sender.name,
            )
        )
        return Person(id=person_id, name=sender.name, language=language, created_at=now)

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
        await self._change(PersonRow, person_id, language=language)

    async def identities(self, person_id: int) -> list[Identity]:
        rows = await self.conn.execute(
            select(IdentityRow.__table__)
            .where(IdentityRow.person_id == person_id)
            .order_by(IdentityRow.id)
        )
        return [
            Identity(
                id=r.id,
                person_id=r.person_id,
                platform=r.platform,
                user_id=r.user_id,
                handle=r.handle,
                name=r.name,
            )
            for r in rows
        ]

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
