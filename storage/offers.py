"""Offers of help and what was taken from them; matches of requests to offers."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select

from bot.model import Offer, OfferState, Take
from storage.base import Repository, insert_ignoring_duplicates, record
from storage.models import MatchRow, OfferRow, OfferShareRow, TakeRow
from storage.networks import in_one_network


class SqlOffers(Repository):
    async def add(self, offer: Offer) -> Offer:
        return await self._add(OfferRow, offer)

    async def get(self, offer_id: int) -> Offer | None:
        return await self._get(Offer, OfferRow, id=offer_id)

    async def take(self, offer_id: int, person_id: int, now: datetime) -> Take | None:
        offers = OfferRow.__table__
        # A skill is not counted; things are, and the last one goes to exactly one person.
        if not await self._change(
            OfferRow,
            offer_id,
            offers.c.state == "open",
            or_(offers.c.quantity.is_(None), offers.c.remaining > 0),
            remaining=offers.c.remaining - 1,
        ):
            return None
        take_id = await self._insert(
            TakeRow, offer_id=offer_id, person_id=person_id, created_at=now
        )
        return Take(
            id=take_id, offer_id=offer_id, person_id=person_id, created_at=now, handed_at=None
        )

    async def get_take(self, take_id: int) -> Take | None:
        return await self._get(Take, TakeRow, id=take_id)

    async def hand_over(self, take_id: int, now: datetime) -> Take | None:
        handed = await self._change(TakeRow, take_id, TakeRow.handed_at.is_(None), handed_at=now)
        return await self.get_take(take_id) if handed else None

    async def change(self, offer_id: int, states: Sequence[OfferState], **values: Any) -> bool:
        return await self._change(OfferRow, offer_id, OfferRow.state.in_(states), **values)

    async def listed(
        self, group_ids: Sequence[int], category: str | None, area: str | None
    ) -> list[Offer]:
        query = select(OfferRow.__table__).where(
            OfferRow.group_id.in_(group_ids), OfferRow.state == "open"
        )
        if category:
            query = query.where(OfferRow.category == category)
        if area:
            query = query.where(func.lower(OfferRow.area) == area.casefold())
        return [record(Offer, r) for r in await self.conn.execute(query.order_by(OfferRow.id))]

    async def shared_with(
        self, group_ids: Sequence[int], category: str | None, area: str | None
    ) -> list[tuple[int, Offer]]:
        # Only while the offerer's group and the one it was shared with are in one network:
        # a group that left it lists no more of its offers.
        query, _ = in_one_network(
            select(OfferShareRow.group_id.label("shared_with"), OfferRow.__table__).join(
                OfferRow, OfferRow.id == OfferShareRow.offer_id
            ),
            OfferRow.group_id,
            OfferShareRow.group_id,
        )
        query = query.where(OfferShareRow.group_id.in_(group_ids), OfferRow.state == "open")
        if category:
            query = query.where(OfferRow.category == category)
        if area:
            query = query.where(func.lower(OfferRow.area) == area.casefold())
        rows = await self.conn.execute(query.order_by(OfferRow.id, OfferShareRow.group_id))
        return [(r.shared_with, record(Offer, r)) for r in rows]

    async def of_person(self, person_id: int) -> list[Offer]:
        rows = await self.conn.execute(
            select(OfferRow.__table__)
            .where(OfferRow.offerer_id == person_id)
            .order_by(OfferRow.id.desc())
        )
        return [record(Offer, r) for r in rows]

    async def record_match(self, request_id: int, offer_id: int) -> bool:
        return await insert_ignoring_duplicates(
            self.conn, MatchRow.__table__, {"request_id": request_id, "offer_id": offer_id}
        )

    async def share(self, offer_id: int, group_ids: Sequence[int]) -> None:
        if group_ids:
            await self.conn.execute(
                OfferShareRow.__table__.insert(),
                [{"offer_id": offer_id, "group_id": g} for g in group_ids],
            )

    async def groups(self, offer: Offer) -> list[int]:
        rows = await self.conn.execute(
            select(OfferShareRow.group_id)
            .where(OfferShareRow.offer_id == offer.id)
            .order_by(OfferShareRow.group_id)
        )
        return [offer.group_id, *rows.scalars()]
