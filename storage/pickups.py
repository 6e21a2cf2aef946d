"""Pickup windows, their bookings, and who waits for one."""

from collections.abc import Sequence
from dataclasses import fields, replace
from datetime import datetime

from sqlalchemy import delete, select, update

from bot.model import Booking, PickupSlot
from storage.base import Repository, insert_ignoring_duplicates, record
from storage.models import BookingRow, PickupSlotRow, PickupWaitRow


class SqlPickups(Repository):
    async def add_slot(self, slot: PickupSlot) -> PickupSlot:
        values = {f.name: getattr(slot, f.name) for f in fields(slot) if f.name != "id"}
        slot_id = (
            await self.conn.execute(
                PickupSlotRow.__table__.insert().values(**values).returning(PickupSlotRow.id)
            )
        ).scalar_one()
        return replace(slot, id=slot_id)

    async def get_slot(self, slot_id: int) -> PickupSlot | None:
        row = (
            await self.conn.execute(
                select(PickupSlotRow.__table__).where(PickupSlotRow.id == slot_id)
            )
        ).one_or_none()
        return None if row is None else record(PickupSlot, row)

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
        result = await self.conn.execute(
            update(slots)
            .where(
                slots.c.id == slot_id,
                slots.c.booked < slots.c.boxes,
            )
            .values(booked=slots.c.booked + 1)
        )
        if result.rowcount != 1:
            return None
        booking_id = (
            await self.conn.execute(
                BookingRow.__table__.insert()
                .values(
                    slot_id=slot_id,
                    person_id=person_id,
                    state="booked",
                    created_at=now,
                )
                .returning(BookingRow.id)
            )
        ).scalar_one()
        return Booking(booking_id, slot_id, person_id, "booked", now)

    async def get(self, booking_id: int) -> Booking | None:
        row = (
            await self.conn.execute(select(BookingRow.__table__).where(BookingRow.id == booking_id))
        ).one_or_none()
        return None if row is None else record(Booking, row)

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
        result = await self.conn.execute(
            update(BookingRow.__table__)
            .where(BookingRow.id == booking_id, BookingRow.state.in_(states))
            .values(state=state)
        )
        if result.rowcount != 1:
            return False
        if booking is not None and booking.state == "booked" and state != "collected":
            slots = PickupSlotRow.__table__
            await self.conn.execute(
                update(slots).where(slots.c.id == booking.slot_id).values(booked=slots.c.booked - 1)
            )
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
