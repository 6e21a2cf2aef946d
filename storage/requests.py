"""Requests for help."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, or_, select

from bot.model import HelpRequest, RequestState
from storage.base import Repository, insert_ignoring_duplicates, record
from storage.models import ReferralRow, RequestRow
from storage.networks import in_one_network


def _referrals_in_a_network(network_id: int | None = None) -> Any:
    """Each referral whose request's group and the group it was offered to are in one
    network now (this one, if given): its request's columns, and the group it was offered
    to."""
    query, network = in_one_network(
        select(ReferralRow.group_id.label("offered_to"), RequestRow.__table__).join(
            RequestRow, RequestRow.id == ReferralRow.request_id
        ),
        RequestRow.group_id,
        ReferralRow.group_id,
    )
    return query if network_id is None else query.where(network == network_id)


class SqlRequests(Repository):
    async def add(self, request: HelpRequest) -> HelpRequest:
        return await self._add(RequestRow, request, anonymised=False)

    async def get(self, request_id: int) -> HelpRequest | None:
        return await self._get(HelpRequest, RequestRow, id=request_id)

    async def change(
        self, request_id: int, states: Sequence[RequestState], now: datetime, **values: Any
    ) -> bool:
        return await self._change(
            RequestRow, request_id, RequestRow.state.in_(states), changed_at=now, **values
        )

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

    async def refer(self, request_id: int, group_id: int) -> bool:
        return await insert_ignoring_duplicates(
            self.conn, ReferralRow.__table__, {"request_id": request_id, "group_id": group_id}
        )

    async def referred(self, request_id: int) -> list[int]:
        rows = await self.conn.execute(
            select(ReferralRow.group_id)
            .where(ReferralRow.request_id == request_id)
            .order_by(ReferralRow.group_id)
        )
        return list(rows.scalars())

    async def offered_to(
        self,
        group_ids: Sequence[int],
        states: Sequence[RequestState],
        category: str | None,
        area: str | None,
    ) -> list[tuple[int, HelpRequest]]:
        query = _referrals_in_a_network().where(
            ReferralRow.group_id.in_(group_ids), RequestRow.state.in_(states)
        )
        if category:
            query = query.where(RequestRow.category == category)
        if area:
            query = query.where(func.lower(RequestRow.area) == area.casefold())
        rows = await self.conn.execute(
            query.order_by(RequestRow.urgent.desc(), RequestRow.id, ReferralRow.group_id)
        )
        return [(r.offered_to, record(HelpRequest, r)) for r in rows]

    async def referred_out(self, group_id: int) -> list[HelpRequest]:
        rows = await self.conn.execute(
            _referrals_in_a_network()
            .where(RequestRow.group_id == group_id, RequestRow.state == "open")
            .order_by(RequestRow.id)
        )
        return list({r.id: record(HelpRequest, r) for r in rows}.values())

    async def open_referrals(self, network_id: int) -> int:
        referrals = _referrals_in_a_network(network_id).where(RequestRow.state == "open")
        counted = select(func.count(distinct(referrals.subquery().c.id)))
        return int((await self.conn.execute(counted)).scalar_one())

    async def anonymise(self, request_id: int) -> None:
        await self._change(
            RequestRow,
            request_id,
            requester_id=None,
            claimer_id=None,
            description="",
            area="",
            thanks=None,
            show_name=False,
            anonymised=True,
        )
