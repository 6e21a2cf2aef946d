"""Networks of groups, the groups in each, and each network's join code (as a digest)."""

from datetime import datetime
from typing import Any

from sqlalchemy import Select, SQLColumnExpression, delete, func, select
from sqlalchemy.orm import aliased

from bot.model import Network, NetworkGroup
from storage.base import Repository, digest, insert_ignoring_duplicates, record
from storage.models import NetworkCodeRow, NetworkGroupRow, NetworkRow


def in_one_network(
    query: Select[Any], home: SQLColumnExpression[int], there: SQLColumnExpression[int]
) -> tuple[Select[Any], SQLColumnExpression[int]]:
    """`query` kept to rows whose two groups (the item's `home` and the group it was offered
    or shared to, `there`) are in one network now, so that a group that left it, or whose
    network ended, sees no more of them; and that network's id, to narrow to one."""
    at_home, at_there = aliased(NetworkGroupRow), aliased(NetworkGroupRow)
    joined = query.join(at_home, at_home.group_id == home).join(
        at_there, (at_there.group_id == there) & (at_there.network_id == at_home.network_id)
    )
    return joined, at_home.network_id


class SqlNetworks(Repository):
    async def create(self, name: str, group_id: int, now: datetime) -> Network:
        network_id = await self._insert(
            NetworkRow, name=name, name_key=name.casefold(), created_at=now
        )
        await self.conn.execute(
            NetworkGroupRow.__table__.insert().values(
                network_id=network_id, group_id=group_id, joined_at=now
            )
        )
        return Network(id=network_id, name=name, created_at=now)

    async def get(self, network_id: int) -> Network | None:
        return await self._get(Network, NetworkRow, id=network_id)

    async def by_name(self, name: str) -> Network | None:
        return await self._get(Network, NetworkRow, name_key=name.casefold())

    async def of_group(self, group_id: int) -> Network | None:
        row = (
            await self.conn.execute(
                select(NetworkRow.__table__)
                .join(NetworkGroupRow, NetworkGroupRow.network_id == NetworkRow.id)
                .where(NetworkGroupRow.group_id == group_id)
            )
        ).one_or_none()
        return None if row is None else record(Network, row)

    async def groups(self, network_id: int) -> list[NetworkGroup]:
        rows = await self.conn.execute(
            select(NetworkGroupRow.__table__)
            .where(NetworkGroupRow.network_id == network_id)
            .order_by(NetworkGroupRow.joined_at, NetworkGroupRow.group_id)
        )
        return [record(NetworkGroup, r) for r in rows]

    async def join(self, network_id: int, group_id: int, now: datetime) -> bool:
        # The network's row is locked: a join waits for the last group leaving (which ends
        # the network), so no group joins a network that is gone.
        if await self._row(NetworkRow, lock=True, id=network_id) is None:
            return False
        return await insert_ignoring_duplicates(
            self.conn,
            NetworkGroupRow.__table__,
            {"network_id": network_id, "group_id": group_id, "joined_at": now},
        )

    async def leave(self, group_id: int) -> tuple[Network, int] | None:
        network = await self.of_group(group_id)
        if network is None:
            return None
        # Two last groups leaving at once take turns: the second sees it is the last.
        await self._row(NetworkRow, lock=True, id=network.id)
        gone = await self.conn.execute(
            delete(NetworkGroupRow.__table__).where(NetworkGroupRow.group_id == group_id)
        )
        if gone.rowcount != 1:
            return None
        staying = (
            await self.conn.execute(
                select(func.count()).where(NetworkGroupRow.network_id == network.id)
            )
        ).scalar_one()
        if staying == 0:
            await self.drop_code(network.id)
            await self.conn.execute(delete(NetworkRow.__table__).where(NetworkRow.id == network.id))
        return network, staying

    async def set_code(self, network_id: int, code: str, expires_at: datetime) -> None:
        await self._put(
            NetworkCodeRow, {"network_id": network_id}, digest=digest(code), expires_at=expires_at
        )

    async def by_code(self, code: str, now: datetime) -> Network | None:
        row = (
            await self.conn.execute(
                select(NetworkRow.__table__)
                .join(NetworkCodeRow, NetworkCodeRow.network_id == NetworkRow.id)
                .where(NetworkCodeRow.digest == digest(code), NetworkCodeRow.expires_at > now)
            )
        ).one_or_none()
        return None if row is None else record(Network, row)

    async def drop_code(self, network_id: int) -> None:
        await self.conn.execute(
            delete(NetworkCodeRow.__table__).where(NetworkCodeRow.network_id == network_id)
        )
