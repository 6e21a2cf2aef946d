"""Polls and votes. A secret ballot is stored apart from the record that its voter voted."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, delete, distinct, exists, func, select, update

from bot.model import Poll, Revote, Turnout
from storage.base import Repository, insert_ignoring_duplicates, record
from storage.models import (
    BallotCountRow,
    MemberRow,
    NetworkGroupRow,
    PersonRow,
    PollRow,
    VotedRow,
    VoteRow,
)


def canonical(ballot: Mapping[str, Any]) -> str:
    """One text for one ballot, however its keys were ordered."""
    return json.dumps(ballot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _poll(row: Any) -> Poll:
    return record(Poll, row, options=tuple(row.options))


class SqlPolls(Repository):
    async def add(self, poll: Poll) -> Poll:
        return await self._add(PollRow, poll, options=list(poll.options))

    async def get(self, poll_id: int, lock: bool = False) -> Poll | None:
        row = await self._row(PollRow, lock=lock, id=poll_id)
        return None if row is None else _poll(row)

    async def of_group(self, group_id: int, open_only: bool = False) -> list[Poll]:
        query = select(PollRow.__table__).where(PollRow.group_id == group_id)
        if open_only:
            query = query.where(PollRow.state == "open")
        rows = await self.conn.execute(query.order_by(PollRow.id))
        return [_poll(r) for r in rows]

    async def of_network(self, network_id: int) -> list[Poll]:
        rows = await self.conn.execute(
            select(PollRow.__table__)
            .where(PollRow.network_id == network_id, PollRow.state == "open")
            .order_by(PollRow.id)
        )
        return [_poll(r) for r in rows]

    async def change(self, poll_id: int, states: Sequence[str], **values: Any) -> bool:
        if "options" in values:
            values["options"] = list(values["options"])
        return await self._change(PollRow, poll_id, PollRow.state.in_(states), **values)

    async def vote(self, poll_id: int, person_id: int, ballot: Mapping[str, Any]) -> Revote:
        votes = VoteRow.__table__
        key = {"poll_id": poll_id, "person_id": person_id}
        if await insert_ignoring_duplicates(self.conn, votes, {**key, "ballot": dict(ballot)}):
            return "new"
        mine = and_(votes.c.poll_id == poll_id, votes.c.person_id == person_id)
        kept = (await self.conn.execute(select(votes.c.ballot).where(mine))).scalar_one()
        if canonical(kept) == canonical(ballot):
            return "same"
        await self.conn.execute(update(votes).where(mine).values(ballot=dict(ballot)))
        return "changed"

    async def cast_secret(self, poll_id: int, person_id: int, ballot: Mapping[str, Any]) -> bool:
        # One secret vote at a time per poll (SQLite writes one at a time anyway), so the
        # counts read below are the ones rewritten. It is an UPDATE, not a SELECT ... FOR
        # UPDATE, so that on PostgreSQL the poll row, too, carries the newest vote's xmin
        # and not that of the vote that last changed it (a write-in adds an option).
        await self._change(PollRow, poll_id, id=PollRow.id)
        if not await insert_ignoring_duplicates(
            self.conn, VotedRow.__table__, {"poll_id": poll_id, "person_id": person_id}
        ):
            return False
        counts = BallotCountRow.__table__
        text = canonical(ballot)
        kept = {
            digest: (dict(ballot), count)
            for digest, ballot, count in await self.conn.execute(
                select(counts.c.digest, counts.c.ballot, counts.c.count).where(
                    counts.c.poll_id == poll_id
                )
            )
        }
        digest = hashlib.sha256(text.encode()).hexdigest()
        kept[digest] = (json.loads(text), kept.get(digest, ({}, 0))[1] + 1)
        # Every row of the poll is written anew, in digest order: what changed cannot be
        # told from where the rows are, nor from the transaction that wrote them.
        await self.conn.execute(delete(counts).where(counts.c.poll_id == poll_id))
        await self.conn.execute(
            counts.insert(),
            [
                {"poll_id": poll_id, "digest": d, "ballot": b, "count": n}
                for d, (b, n) in sorted(kept.items())
            ],
        )
        return True

    async def ballots(self, poll: Poll) -> list[Mapping[str, Any]]:
        if poll.secret:
            rows = await self.conn.execute(
                select(BallotCountRow.ballot, BallotCountRow.count).where(
                    BallotCountRow.poll_id == poll.id
                )
            )
            return [dict(ballot) for ballot, count in rows for _ in range(count)]
        rows = await self.conn.execute(select(VoteRow.ballot).where(VoteRow.poll_id == poll.id))
        return [dict(r.ballot) for r in rows]

    async def named(self, poll_id: int) -> list[tuple[int, str, Mapping[str, Any]]]:
        rows = await self.conn.execute(
            select(VoteRow.person_id, PersonRow.name, VoteRow.ballot)
            .join(PersonRow, PersonRow.id == VoteRow.person_id)
            .where(VoteRow.poll_id == poll_id)
            .order_by(PersonRow.name)
        )
        return [(r.person_id, r.name, dict(r.ballot)) for r in rows]

    async def turnout(self, poll: Poll) -> Turnout:
        """Counted in one statement, however long the rosters; a person on several rosters
        of a network assembly is one voter."""
        members = MemberRow.__table__
        voted = _voted(poll)
        eligible = _eligible(poll)
        people = func.count(distinct(members.c.person_id))
        row = (
            await self.conn.execute(
                select(
                    select(func.count())
                    .select_from(voted.subquery())
                    .scalar_subquery()
                    .label("voted"),
                    select(people).where(*eligible).scalar_subquery().label("eligible"),
                    select(people)
                    .where(*eligible, members.c.person_id.not_in(voted))
                    .scalar_subquery()
                    .label("missing"),
                )
            )
        ).one()
        return Turnout(voted=row.voted, eligible=row.eligible, missing=row.missing)

    async def voted(self, poll: Poll) -> int:
        """How many voted, without counting who may: `turnout(poll).voted`, for a page that
        shows only that (the electorate of an assembly is a network's 23,000 people)."""
        count = select(func.count()).select_from(_voted(poll).subquery())
        return int(await self.conn.scalar(count) or 0)

    async def all_voted(self, poll: Poll) -> bool:
        """Whether no one who may vote is left: the question of every vote, so it stops at
        the first member found without a ballot instead of counting the whole electorate
        (18 ms a vote over a network's 23,000 people)."""
        members = MemberRow.__table__
        table = VotedRow if poll.secret else VoteRow
        ballot = exists().where(table.poll_id == poll.id, table.person_id == members.c.person_id)
        return not await self.conn.scalar(select(exists().where(*_eligible(poll), ~ballot)))

    async def parts(self, poll: Poll) -> dict[int, Turnout]:
        """Each group's part of a network assembly: how many on its roster may vote and how
        many of them did. A person on several rosters counts in each of them."""
        members = MemberRow.__table__
        voted = members.c.person_id.in_(_voted(poll))
        rows = await self.conn.execute(
            select(
                members.c.group_id,
                func.count().label("eligible"),
                func.count().filter(voted).label("voted"),
            )
            .where(*_eligible(poll))
            .group_by(members.c.group_id)
        )
        return {
            r.group_id: Turnout(voted=r.voted, eligible=r.eligible, missing=r.eligible - r.voted)
            for r in rows
        }

    async def voters(self, poll: Poll) -> set[int]:
        table = VotedRow if poll.secret else VoteRow
        rows = await self.conn.execute(select(table.person_id).where(table.poll_id == poll.id))
        return set(rows.scalars())

    async def claim_action(self, poll_id: int) -> bool:
        return await self._change(
            PollRow, poll_id, PollRow.action_done.is_(False), action_done=True
        )


def _voted(poll: Poll) -> Any:
    table = VotedRow if poll.secret else VoteRow
    return select(table.person_id).where(table.poll_id == poll.id)


def _eligible(poll: Poll) -> list[Any]:
    """Electorate.admits (bot/model.py) as conditions on the members table, over the
    poll's group or, for a network assembly, every group in the network now (as
    bot.handlers.polls.posted_in: one that joined since it opened too)."""
    members = MemberRow.__table__
    electorate = poll.electorate
    groups = (
        members.c.group_id == poll.group_id
        if poll.network_id is None
        else members.c.group_id.in_(
            select(NetworkGroupRow.group_id).where(NetworkGroupRow.network_id == poll.network_id)
        )
    )
    conditions = [groups, members.c.status != "left"]
    if electorate.trusted_only:
        conditions.append(members.c.status == "trusted")
    if electorate.trusted_by is not None:
        conditions.append(members.c.trusted_at <= electorate.trusted_by)
    if electorate.excluded is not None:
        conditions.append(members.c.person_id != electorate.excluded)
    return conditions
