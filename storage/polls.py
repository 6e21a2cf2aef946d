"""Polls and votes. A secret ballot is stored apart from the record that its voter voted."""

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any

from sqlalchemy import select, update

from bot.model import Poll
from storage.models import BallotRow, PersonRow, PollRow, VotedRow, VoteRow
from storage.repositories import Repository, insert_ignoring_duplicates


def _poll(row: Any) -> Poll:
    values = {f.name: row._mapping[f.name] for f in fields(Poll)}
    return Poll(**{**values, "options": tuple(row.options)})


class SqlPolls(Repository):
    async def add(self, poll: Poll) -> Poll:
        values = {f.name: getattr(poll, f.name) for f in fields(poll) if f.name != "id"}
        values["options"] = list(poll.options)
        poll_id = (await self.conn.execute(PollRow.__table__.insert().values(
            **values).returning(PollRow.id))).scalar_one()
        return replace(poll, id=poll_id)

    async def get(self, poll_id: int) -> Poll | None:
        row = (await self.conn.execute(select(PollRow.__table__).where(
            PollRow.id == poll_id))).one_or_none()
        return None if row is None else _poll(row)

    async def of_group(self, group_id: int) -> list[Poll]:
        rows = await self.conn.execute(select(PollRow.__table__).where(
            PollRow.group_id == group_id).order_by(PollRow.id))
        return [_poll(r) for r in rows]

    async def change(self, poll_id: int, states: Sequence[str], **values: Any) -> bool:
        if "options" in values:
            values["options"] = list(values["options"])
        result = await self.conn.execute(update(PollRow.__table__).where(
            PollRow.id == poll_id, PollRow.state.in_(states)).values(**values))
        return result.rowcount == 1

    async def vote(self, poll_id: int, person_id: int, ballot: Mapping[str, Any]) -> None:
        votes = VoteRow.__table__
        if not await insert_ignoring_duplicates(self.conn, votes, {
                "poll_id": poll_id, "person_id": person_id, "ballot": dict(ballot)}):
            await self.conn.execute(update(votes).where(
                votes.c.poll_id == poll_id, votes.c.person_id == person_id,
            ).values(ballot=dict(ballot)))

    async def cast_secret(self, poll_id: int, person_id: int, ballot: Mapping[str, Any],
                          key: str) -> bool:
        if not await insert_ignoring_duplicates(self.conn, VotedRow.__table__, {
                "poll_id": poll_id, "person_id": person_id}):
            return False
        await self.conn.execute(BallotRow.__table__.insert().values(
            key=key, poll_id=poll_id, ballot=dict(ballot)))
        return True

    async def ballots(self, poll: Poll) -> list[Mapping[str, Any]]:
        table = BallotRow if poll.secret else VoteRow
        rows = await self.conn.execute(select(table.ballot).where(table.poll_id == poll.id))
        return [dict(r.ballot) for r in rows]

    async def named(self, poll_id: int) -> list[tuple[int, str, Mapping[str, Any]]]:
        rows = await self.conn.execute(
            select(VoteRow.person_id, PersonRow.name, VoteRow.ballot)
            .join(PersonRow, PersonRow.id == VoteRow.person_id)
            .where(VoteRow.poll_id == poll_id).order_by(PersonRow.name))
        return [(r.person_id, r.name, dict(r.ballot)) for r in rows]

    async def voters(self, poll: Poll) -> set[int]:
        table = VotedRow if poll.secret else VoteRow
        rows = await self.conn.execute(select(table.person_id).where(table.poll_id == poll.id))
        return set(rows.scalars())

    async def claim_action(self, poll_id: int) -> bool:
        result = await self.conn.execute(update(PollRow.__table__).where(
            PollRow.id == poll_id, PollRow.action_done.is_(False)).values(action_done=True))
        return result.rowcount == 1
