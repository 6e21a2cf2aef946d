"""Groups, their settings, and their members with their vouches."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select

from bot.model import Group, Member, MemberStatus
from storage.base import Remembering, insert_ignoring_duplicates
from storage.models import (
    GroupRow,
    IdentityRow,
    MemberRow,
    NetworkGroupRow,
    PersonRow,
    SettingRow,
    VouchRow,
)


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
            Group(
                id=r.id,
                name=r.name,
                created_at=r.created_at,
                founding_until=r.founding_until,
                settings=settings,
            )
            for r, settings in found.values()
        ]
        self.known.groups.update((group.id, group) for group in groups)
        return groups

    async def create(self, name: str, now: datetime, founding_until: datetime) -> Group:
        group_id = await self._insert(
            GroupRow,
            name=name,
            name_key=name.casefold(),
            created_at=now,
            founding_until=founding_until,
        )
        return Group(id=group_id, name=name, created_at=now, founding_until=founding_until)

    async def get(self, group_id: int) -> Group | None:
        if group_id not in self.known.groups:
            found = await self._load(GroupRow.id == group_id)
            if not found:
                return None
            self.known.groups[group_id] = found[0]
        return self.known.groups[group_id]

    async def many(self, group_ids: Sequence[int]) -> list[Group]:
        missing = [g for g in group_ids if g not in self.known.groups]
        if missing:
            for group in await self._load(GroupRow.id.in_(missing)):
                self.known.groups[group.id] = group
        return [self.known.groups[g] for g in group_ids if g in self.known.groups]

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
        await self._put(SettingRow, {"group_id": group_id, "key": key}, value=value)

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
        id=r.id,
        group_id=r.group_id,
        person_id=r.person_id,
        name=r.name,
        handle=r.handle,
        status=r.status,
        joined_at=r.joined_at,
        trusted_at=r.trusted_at,
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

    async def among(self, group_ids: list[int], person_id: int) -> list[Member]:
        """The person's memberships of any of these groups, in one statement: a network
        vote asks it of fifty groups at once."""
        rows = await self.conn.execute(
            _member_query().where(
                MemberRow.group_id.in_(group_ids), MemberRow.person_id == person_id
            )
        )
        found = [_member(row) for row in rows]
        for member in found:
            self.known.members[member.group_id, person_id] = member
        return found

    async def in_network(self, network_id: int, person_id: int) -> list[Member]:
        """The person's memberships of the network's groups, in one statement: asked by
        every vote on a network assembly."""
        groups = select(NetworkGroupRow.group_id).where(NetworkGroupRow.network_id == network_id)
        rows = await self.conn.execute(
            _member_query().where(MemberRow.group_id.in_(groups), MemberRow.person_id == person_id)
        )
        found = [_member(row) for row in rows]
        for member in found:
            self.known.members[member.group_id, person_id] = member
        return found

    async def join(
        self, group_id: int, person_id: int, status: MemberStatus, now: datetime
    ) -> Member:
        self.known.forget()
        await self._put(
            MemberRow,
            {"group_id": group_id, "person_id": person_id},
            status=status,
            joined_at=now,
            trusted_at=now if status == "trusted" else None,
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
        await self._change(MemberRow, member_id, status=status, trusted_at=trusted_at)

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
