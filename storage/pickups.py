"""Pickup windows, their bookings, and who waits for one."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select

from bot.model import Booking, PickupSlot
from storage.base import Repository, insert_ignoring_duplicates, record
from storage.models import BookingRow, PickupSlotRow, PickupWaitRow


class SqlPickups(Repository):
    async def add_slot(self, slot: PickupSlot) -> PickupSlot:
        return await self._add(PickupSlotRow, slot)

    async def get_slot(self, slot_id: int) -> PickupSlot | None:
        return await self._get(PickupSlot, PickupSlotRow, id=slot_id)

    async def slots(
        self, group_ids: Sequence[int], start: datetime, end: datetime
    ) -> list[PickupSlot]:
        rows = await self.conn.execute(
            select(PickupSlotRow.__table__)
            .where(
                PickupSlotRow.group_id.in_(group_ids),
                PickupSlotRow.starts_at >= start,
                PickupSlotRow.starts_at < end,
            )
            .order_by(PickupSlotRow.starts_at, PickupSlotRow.id)
        )
        return [record(PickupSlot, r) for r in rows]

    async def book(self, slot_id: int, person_id: int, now: datetime) -> Booking | None:
        slots = PickupSlotRow.__table__
        if not await self._change(
            PickupSlotRow, slot_id, slots.c.booked < slots.c.boxes, booked=slots.c.booked + 1
        ):
            return None
        booking_id = await self._insert(
            BookingRow, slot_id=slot_id, person_id=person_id, state="booked", created_at=now
        )
        return Booking(
            id=booking_id, slot_id=slot_id, person_id=person_id, state="booked", created_at=now
        )

    async def get(self, booking_id: int) -> Booking | None:
        return await self._get(Booking, BookingRow, id=booking_id)

    async def of_person(self, person_id: int, after: datetime) -> list[Booking]:
        rows = await self.conn.execute(
            select(BookingRow.__table__)
            .join(PickupSlotRow, PickupSlotRow.id == BookingRow.slot_id)
            .where(
                BookingRow.person_id == person_id,
                BookingRow.state == "booked",
                PickupSlotRow.ends_at > after,
            )
            .order_by(PickupSlotRow.starts_at)
        )
        return [record(Booking, r) for r in rows]

    async def of_slot(self, slot_id: int) -> list[Booking]:
        rows = await self.conn.execute(
            select(BookingRow.__table__)
            .where(BookingRow.slot_id == slot_id)
            .order_by(BookingRow.id)
        )
        return [record(Booking, r) for r in rows]

    async def change(self, booking_id: int, states: Sequence[str], state: str) -> bool:
        booking = await self.get(booking_id)
        if not await self._change(
            BookingRow, booking_id, BookingRow.state.in_(states), state=state
        ):
            return False
        if booking is not None and booking.state == "booked" and state != "collected":
            await self._change(PickupSlotRow, booking.slot_id, booked=PickupSlotRow.booked - 1)
        return True

    async def wait(self, group_id: int, person_id: int, now: datetime) -> bool:
        return await insert_ignoring_duplicates(
            self.conn,
            PickupWaitRow.__table__,
            {"group_id": group_id, "person_id": person_id, "created_at": now},
        )

    async def waiting(self, group_id: int) -> list[int]:
        rows = await self.conn.execute(
            select(PickupWaitRow.person_id)
            .where(PickupWaitRow.group_id == group_id)
            .order_by(PickupWaitRow.created_at)
        )
        return list(rows.scalars())

    async def unwait(self, group_id: int, person_id: int) -> None:
        await self.conn.execute(
            delete(PickupWaitRow.__table__).where(
                PickupWaitRow.group_id == group_id, PickupWaitRow.person_id == person_id
            )
        )
