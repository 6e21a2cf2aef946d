"""Shifts: activities, their shifts and places, signups, swaps, and when a person wants to hear."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, select, update

from bot.model import Activity, Prefs, RolePlaces, Shift, Signup, Swap
from storage.base import Repository, record
from storage.models import (
    ActivityRow,
    PersonRow,
    PrefsRow,
    ShiftRoleRow,
    ShiftRow,
    SignupRow,
    SwapRow,
)

SIGNUP = select(
    SignupRow.id,
    SignupRow.shift_id,
    SignupRow.role,
    SignupRow.person_id,
    PersonRow.name,
    SignupRow.state,
    SignupRow.giving_away,
    SignupRow.created_at,
).join(PersonRow, PersonRow.id == SignupRow.person_id)


def _activity(row: Any) -> Activity:
    return record(Activity, row, roles=tuple((r, n) for r, n in row.roles))


class SqlShifts(Repository):
    async def add_activity(self, activity: Activity) -> Activity:
        return await self._add(ActivityRow, activity, roles=[list(r) for r in activity.roles])

    async def get_activity(self, activity_id: int) -> Activity | None:
        row = await self._row(ActivityRow, id=activity_id)
        return None if row is None else _activity(row)

    async def set_activity(self, activity_id: int, **values: Any) -> None:
        await self._change(ActivityRow, activity_id, **values)

    async def rotating(self, group_ids: Sequence[int]) -> list[Activity]:
        rows = await self.conn.execute(
            select(ActivityRow.__table__)
            .where(
                ActivityRow.group_id.in_(group_ids),
                ActivityRow.rotating.is_(True),
                ActivityRow.state == "active",
            )
            .order_by(ActivityRow.name, ActivityRow.id)
        )
        return [_activity(r) for r in rows]

    async def turns(
        self, activity_id: int, since: datetime, until: datetime
    ) -> list[tuple[int, datetime]]:
        rows = await self.conn.execute(
            select(SignupRow.person_id, ShiftRow.starts_at)
            .join(ShiftRow, ShiftRow.id == SignupRow.shift_id)
            .where(
                ShiftRow.activity_id == activity_id,
                ShiftRow.state == "scheduled",
                ShiftRow.starts_at >= since,
                ShiftRow.starts_at < until,
                SignupRow.state == "in",
            )
            .order_by(ShiftRow.starts_at, SignupRow.id)
        )
        return [(r.person_id, r.starts_at) for r in rows]

    async def add(self, activity: Activity, starts_at: datetime, ends_at: datetime) -> Shift:
        shift_id = await self._insert(
            ShiftRow,
            activity_id=activity.id,
            group_id=activity.group_id,
            starts_at=starts_at,
            ends_at=ends_at,
            state="scheduled",
            posted=False,
        )
        await self.conn.execute(
            ShiftRoleRow.__table__.insert(),
            [
                {"shift_id": shift_id, "role": role, "places": places, "taken": 0}
                for role, places in activity.roles
            ],
        )
        shift = await self.get(shift_id)
        assert shift is not None
        return shift

    async def _load(self, condition: Any, lock: bool = False) -> list[Shift]:
        """One row per role of each shift."""
        query = (
            select(
                ShiftRow.__table__,
                ActivityRow.name,
                ActivityRow.kind,
                ActivityRow.roles,
                ShiftRoleRow.role,
                ShiftRoleRow.places,
                ShiftRoleRow.taken,
            )
            .join(ActivityRow, ActivityRow.id == ShiftRow.activity_id)
            .outerjoin(ShiftRoleRow, ShiftRoleRow.shift_id == ShiftRow.id)
            .where(condition)
            .order_by(ShiftRow.starts_at, ShiftRow.id)
        )
        if lock:
            query = query.with_for_update(of=ShiftRow.__table__, key_share=True)
        found: dict[int, tuple[Any, dict[str, RolePlaces]]] = {}
        for r in await self.conn.execute(query):
            _, places = found.setdefault(r.id, (r, {}))
            if r.role is not None:
                places[r.role] = RolePlaces(role=r.role, places=r.places, taken=r.taken)
        # Roles in the order the activity named them.
        return [
            Shift(
                id=r.id,
                activity_id=r.activity_id,
                group_id=r.group_id,
                name=r.name,
                kind=r.kind,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                state=r.state,
                roles=tuple(places[role] for role, _ in r.roles if role in places),
                posted=r.posted,
            )
            for r, places in found.values()
        ]

    async def get(self, shift_id: int, lock: bool = False) -> Shift | None:
        found = await self._load(ShiftRow.id == shift_id, lock)
        return found[0] if found else None

    async def of_activity(self, activity_id: int, after: datetime) -> list[Shift]:
        return await self._load(
            and_(
                ShiftRow.activity_id == activity_id,
                ShiftRow.state == "scheduled",
                ShiftRow.starts_at > after,
            )
        )

    async def of_group(self, group_id: int) -> list[Shift]:
        return await self._load(ShiftRow.group_id == group_id)

    async def latest(self, activity_id: int) -> Shift | None:
        found = await self._load(
            ShiftRow.id
            == select(ShiftRow.id)
            .where(ShiftRow.activity_id == activity_id)
            .order_by(ShiftRow.starts_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        return found[0] if found else None

    async def between(
        self, group_ids: Sequence[int], start: datetime, end: datetime
    ) -> list[Shift]:
        return await self._load(
            and_(
                ShiftRow.group_id.in_(group_ids),
                ShiftRow.state == "scheduled",
                ShiftRow.starts_at >= start,
                ShiftRow.starts_at < end,
            )
        )

    async def change(self, shift_id: int, **values: Any) -> None:
        await self._change(ShiftRow, shift_id, **values)

    async def cancel(self, shift_id: int) -> bool:
        return await self._change(
            ShiftRow, shift_id, ShiftRow.state == "scheduled", state="cancelled"
        )

    async def _signups(self, condition: Any) -> list[Signup]:
        rows = await self.conn.execute(
            SIGNUP.where(condition).order_by(SignupRow.state, SignupRow.created_at, SignupRow.id)
        )  # "in" sorts before "waiting"
        return [record(Signup, r) for r in rows]

    async def signups(self, shift_id: int) -> list[Signup]:
        return await self._signups(SignupRow.shift_id == shift_id)

    async def waiting(self, shift_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        """How many wait for each (shift, role) of these shifts, in one statement."""
        rows = await self.conn.execute(
            select(SignupRow.shift_id, SignupRow.role, func.count())
            .where(SignupRow.shift_id.in_(shift_ids), SignupRow.state == "waiting")
            .group_by(SignupRow.shift_id, SignupRow.role)
        )
        return {(shift_id, role): count for shift_id, role, count in rows}

    async def signup_of(self, shift_id: int, person_id: int) -> Signup | None:
        found = await self._signups(
            and_(SignupRow.shift_id == shift_id, SignupRow.person_id == person_id)
        )
        return found[0] if found else None

    async def get_signup(self, signup_id: int) -> Signup | None:
        found = await self._signups(SignupRow.id == signup_id)
        return found[0] if found else None

    async def _insert_signup(
        self, shift_id: int, role: str, person_id: int, state: str, now: datetime
    ) -> Signup:
        signup_id = await self._insert(
            SignupRow,
            shift_id=shift_id,
            role=role,
            person_id=person_id,
            state=state,
            giving_away=False,
            created_at=now,
        )
        found = await self.get_signup(signup_id)
        assert found is not None
        return found

    async def take_place(
        self, shift_id: int, role: str, person_id: int, now: datetime
    ) -> Signup | None:
        roles = ShiftRoleRow.__table__
        result = await self.conn.execute(
            update(roles)
            .where(
                roles.c.shift_id == shift_id,
                roles.c.role == role,
                roles.c.taken < roles.c.places,
            )
            .values(taken=roles.c.taken + 1)
        )
        if result.rowcount != 1:
            return None
        return await self._insert_signup(shift_id, role, person_id, "in", now)

    async def wait(self, shift_id: int, role: str, person_id: int, now: datetime) -> Signup:
        return await self._insert_signup(shift_id, role, person_id, "waiting", now)

    async def release(self, signup: Signup) -> Signup | None:
        deleted = await self.conn.execute(
            delete(SignupRow.__table__).where(SignupRow.id == signup.id)
        )
        if deleted.rowcount != 1 or signup.state != "in":
            return None
        first = (
            await self.conn.execute(
                select(SignupRow.id)
                .where(
                    SignupRow.shift_id == signup.shift_id,
                    SignupRow.role == signup.role,
                    SignupRow.state == "waiting",
                )
                .order_by(SignupRow.created_at, SignupRow.id)
                .limit(1)
            )
        ).scalar_one_or_none()
        if first is None:
            roles = ShiftRoleRow.__table__
            await self.conn.execute(
                update(roles)
                .where(
                    roles.c.shift_id == signup.shift_id,
                    roles.c.role == signup.role,
                )
                .values(taken=roles.c.taken - 1)
            )
            return None
        await self._change(SignupRow, first, state="in")
        return await self.get_signup(first)

    async def give_away(self, signup_id: int, on: bool) -> bool:
        return await self._change(
            SignupRow,
            signup_id,
            SignupRow.state == "in",
            SignupRow.giving_away.is_(not on),
            giving_away=on,
        )

    async def hand_over(self, signup_id: int, giver_id: int, taker_id: int) -> bool:
        signups = SignupRow.__table__
        offered = (
            await self.conn.execute(
                select(signups.c.shift_id)
                .where(
                    signups.c.id == signup_id,
                    signups.c.person_id == giver_id,
                    signups.c.giving_away.is_(True),
                    signups.c.state == "in",
                )
                .with_for_update()
            )
        ).one_or_none()
        if offered is None:
            return False
        await self._leave_waitlist(offered.shift_id, taker_id)
        await self.conn.execute(
            update(signups)
            .where(signups.c.id == signup_id)
            .values(person_id=taker_id, giving_away=False)
        )
        return True

    async def _leave_waitlist(self, shift_id: int, person_id: int) -> None:
        """Someone waiting for a shift gets a place on it: the waiting row goes (only then,
        so whoever loses the race keeps their place in the queue)."""
        await self.conn.execute(
            delete(SignupRow.__table__).where(
                SignupRow.shift_id == shift_id,
                SignupRow.person_id == person_id,
                SignupRow.state == "waiting",
            )
        )

    async def of_person(self, person_id: int, after: datetime) -> list[tuple[Signup, Shift]]:
        signups = await self._signups(SignupRow.person_id == person_id)
        shifts = {
            s.id: s
            for s in await self._load(
                and_(
                    ShiftRow.id.in_([s.shift_id for s in signups]),
                    ShiftRow.state == "scheduled",
                    ShiftRow.ends_at > after,
                )
            )
        }
        pairs = [(s, shifts[s.shift_id]) for s in signups if s.shift_id in shifts]
        return sorted(pairs, key=lambda pair: pair[1].starts_at)

    async def busy(
        self,
        person_id: int,
        starts_at: datetime,
        ends_at: datetime,
        except_shift: int | None = None,
    ) -> Shift | None:
        overlapping = await self._load(
            and_(
                ShiftRow.id.in_(
                    select(SignupRow.shift_id).where(
                        SignupRow.person_id == person_id, SignupRow.state == "in"
                    )
                ),
                ShiftRow.state == "scheduled",
                ShiftRow.starts_at < ends_at,
                ShiftRow.ends_at > starts_at,
                ShiftRow.id != (except_shift or 0),
            )
        )
        return overlapping[0] if overlapping else None

    async def add_swap(self, swap: Swap) -> Swap:
        return await self._add(SwapRow, swap)

    async def get_swap(self, swap_id: int) -> Swap | None:
        return await self._get(Swap, SwapRow, id=swap_id)

    async def change_swap(self, swap_id: int, states: Sequence[str], **values: Any) -> bool:
        return await self._change(SwapRow, swap_id, SwapRow.state.in_(states), **values)

    async def exchange(self, first: Signup, second: Signup) -> bool:
        signups = SignupRow.__table__
        # Lock both rows (in id order, so two exchanges cannot deadlock), check that each
        # is still held by the same person, then move both. This must come before anything
        # else in the transaction points at these rows (a swap's foreign key would hold a
        # key-share lock that this key update has to wait for).
        held = {
            r.id: r.person_id
            for r in await self.conn.execute(
                select(signups.c.id, signups.c.person_id)
                .where(signups.c.id.in_([first.id, second.id]), signups.c.state == "in")
                .order_by(signups.c.id)
                .with_for_update()
            )
        }
        if held != {first.id: first.person_id, second.id: second.person_id}:
            return False
        await self._leave_waitlist(second.shift_id, first.person_id)
        await self._leave_waitlist(first.shift_id, second.person_id)
        for signup, to in ((first, second.person_id), (second, first.person_id)):
            await self.conn.execute(
                update(signups)
                .where(signups.c.id == signup.id)
                .values(person_id=to, giving_away=False)
            )
        return True

    async def prefs(self, person_id: int) -> Prefs | None:
        row = await self._row(PrefsRow, person_id=person_id)
        if row is None:
            return None
        hours = tuple(int(h) for h in row.hours.split(",") if h)
        return Prefs(
            person_id=row.person_id, hours=hours, quiet_from=row.quiet_from, quiet_to=row.quiet_to
        )

    async def set_prefs(self, prefs: Prefs) -> None:
        await self._put(
            PrefsRow,
            {"person_id": prefs.person_id},
            hours=",".join(str(h) for h in prefs.hours),
            quiet_from=prefs.quiet_from,
            quiet_to=prefs.quiet_to,
        )
