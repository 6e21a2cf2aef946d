"""Storage on SQLite and PostgreSQL, through the unit of work exactly as the core uses it.

"Nothing lost, nothing twice" (DESIGN.md) rests on what is checked here: the inbox
recognises repeats, the outbox keeps order and collapses edits, jobs and link codes are
compare-and-set, and times come back as the aware UTC instants that went in.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.messages import Button, Chat, Sender
from bot.model import Group, Job, JobKind, Member, OutboxMessage, Person, Reaction
from storage.models import Base, InboxRow, JobRow, MemberRow, OutboxRow, PersonRow
from storage.uow import SqlUnitOfWork

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PLATFORM = "telegram"
TALLY = (Button("Yes", "vote 1 yes"), Button("No", "vote 1 no"))


# --- helpers -------------------------------------------------------------------------------


@asynccontextmanager
async def unit(engine: AsyncEngine) -> AsyncIterator[SqlUnitOfWork]:
    """One unit of work, committed when the block ends without an error (as the core does)."""
    async with SqlUnitOfWork(engine) as uow:
        yield uow
        await uow.commit()


async def count(engine: AsyncEngine, row: type[Base]) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(row))).scalar_one()


async def at_once(tasks: int, work: Callable[[], Awaitable[bool]]) -> list[bool]:
    """Run `work` in that many concurrent tasks, each with its own unit of work."""
    return list(await asyncio.gather(*(work() for _ in range(tasks))))


def sender(name: str, platform: str = PLATFORM, handle: str | None = None) -> Sender:
    return Sender(platform, f"{platform}:{name.casefold()}", name, handle)


async def person(engine: AsyncEngine, name: str, platform: str = PLATFORM) -> Person:
    async with unit(engine) as uow:
        return await uow.people.register(sender(name, platform, name.casefold()), None, T0)


async def group(engine: AsyncEngine, name: str = "Free Food") -> Group:
    async with unit(engine) as uow:
        return await uow.groups.create(name, T0, T0 + timedelta(days=2))


async def member(engine: AsyncEngine, group_id: int, person_id: int, at: datetime = T0) -> Member:
    async with unit(engine) as uow:
        return await uow.members.join(group_id, person_id, "trusted", at)


async def record(engine: AsyncEngine, event_id: str, platform: str = PLATFORM) -> bool:
    async with unit(engine) as uow:
        return await uow.inbox.record(platform, event_id, T0)


async def send(
    engine: AsyncEngine,
    chat_id: str,
    text: str,
    key: str | None = None,
    buttons: tuple[Button, ...] = (),
) -> None:
    async with unit(engine) as uow:
        await uow.outbox.send(PLATFORM, chat_id, text, buttons, key, T0)


async def edit(engine: AsyncEngine, chat_id: str, key: str, text: str) -> None:
    async with unit(engine) as uow:
        await uow.outbox.edit(PLATFORM, chat_id, key, text, TALLY, T0)


async def pending(engine: AsyncEngine, now: datetime = T0) -> list[OutboxMessage]:
    """What a sender could send now, every chat's in order, ordered by row."""
    async with unit(engine) as uow:
        lanes = await uow.outbox.lanes_due(PLATFORM, now, "sender", 100)
        rows = [row for chat, _ in lanes for row in await uow.outbox.lane(PLATFORM, chat, now, 100)]
    return sorted(rows, key=lambda r: r.id)


async def mark_sent(engine: AsyncEngine, message: OutboxMessage, platform_message_id: str) -> None:
    async with unit(engine) as uow:
        await uow.outbox.mark_sent(message, (platform_message_id,), T0)


async def mark_failed(engine: AsyncEngine, outbox_id: int, retry_at: datetime | None) -> None:
    async with unit(engine) as uow:
        await uow.outbox.mark_failed(outbox_id, "platform said no", retry_at)


async def add_job(engine: AsyncEngine, due_at: datetime, ref_id: int = 1) -> Job:
    async with unit(engine) as uow:
        return await uow.jobs.add(JobKind.SHIFT_REMINDER, ref_id, due_at)


async def get_job(engine: AsyncEngine, job_id: int) -> Job:
    async with unit(engine) as uow:
        job = await uow.jobs.get(job_id)
    assert job is not None
    return job


async def finish(engine: AsyncEngine, job_id: int) -> bool:
    async with unit(engine) as uow:
        return await uow.jobs.finish(job_id, "sent", T0)


def texts(rows: list[OutboxMessage]) -> list[str]:
    return [r.text for r in rows]


# --- inbox ---------------------------------------------------------------------------------


async def test_an_event_is_recorded_once(engine: AsyncEngine) -> None:
    assert await record(engine, "1001") is True
    assert await record(engine, "1001") is False
    assert await count(engine, InboxRow) == 1


async def test_the_same_event_id_on_two_platforms_does_not_clash(engine: AsyncEngine) -> None:
    assert await record(engine, "1001", "telegram") is True
    assert await record(engine, "1001", "matrix") is True


async def test_an_event_whose_handling_was_rolled_back_can_be_handled_again(
    engine: AsyncEngine,
) -> None:
    async with SqlUnitOfWork(engine) as uow:
        assert await uow.inbox.record(PLATFORM, "1001", T0) is True
        # the handler fails or stops here: no commit
    assert await count(engine, InboxRow) == 0
    assert await record(engine, "1001") is True


async def test_an_event_delivered_twenty_times_at_once_is_handled_once(engine: AsyncEngine) -> None:
    results = await at_once(20, lambda: record(engine, "1001"))
    assert results.count(True) == 1
    assert await count(engine, InboxRow) == 1


# --- outbox --------------------------------------------------------------------------------


async def test_pending_messages_come_in_the_order_they_were_queued(engine: AsyncEngine) -> None:
    await send(engine, "chat-a", "first", key="post")
    await send(engine, "chat-b", "second")
    await send(engine, "chat-a", "third")
    await edit(engine, "chat-a", "post", "first, changed")  # rewrites the oldest row in place
    rows = await pending(engine)
    assert texts(rows) == ["first, changed", "second", "third"]
    assert [r.id for r in rows] == sorted(r.id for r in rows)


async def test_an_edit_of_an_unsent_message_changes_it_instead_of_queueing(
    engine: AsyncEngine,
) -> None:
    await send(engine, "chat-a", "0 votes", key="tally")
    await edit(engine, "chat-a", "tally", "1 vote")
    [row] = await pending(engine)
    assert (row.kind, row.text, row.buttons) == ("send", "1 vote", TALLY)
    assert await count(engine, OutboxRow) == 1


async def test_an_edit_of_a_sent_message_targets_the_platforms_message_id(
    engine: AsyncEngine,
) -> None:
    await send(engine, "chat-a", "0 votes", key="tally")
    [original] = await pending(engine)
    await mark_sent(engine, original, "tg-77")
    await edit(engine, "chat-a", "tally", "1 vote")
    [row] = await pending(engine)
    assert (row.kind, row.text, row.message_id) == ("edit", "1 vote", "tg-77")


async def test_an_edit_made_while_the_message_was_on_its_way_follows_it(
    engine: AsyncEngine,
) -> None:
    await send(engine, "chat-a", "0 votes", key="tally")
    [on_its_way] = await pending(engine)
    await edit(engine, "chat-a", "tally", "1 vote")
    await mark_sent(engine, on_its_way, "tg-77")
    [row] = await pending(engine)
    assert (row.kind, row.text, row.message_id) == ("edit", "1 vote", "tg-77")


async def test_a_burst_of_edits_collapses_into_one_with_the_latest_text(
    engine: AsyncEngine,
) -> None:
    await send(engine, "chat-a", "0 votes", key="tally")
    [original] = await pending(engine)
    await mark_sent(engine, original, "tg-77")
    for votes in range(1, 6):
        await edit(engine, "chat-a", "tally", f"{votes} votes")
    [row] = await pending(engine)
    assert (row.kind, row.text, row.message_id) == ("edit", "5 votes", "tg-77")
    assert await count(engine, OutboxRow) == 2


async def test_a_message_to_retry_waits_and_holds_back_its_chat_only(engine: AsyncEngine) -> None:
    await send(engine, "chat-a", "a1")
    await send(engine, "chat-a", "a2")
    await send(engine, "chat-b", "b1")
    first = (await pending(engine))[0]
    retry_at = T0 + timedelta(seconds=30)
    await mark_failed(engine, first.id, retry_at)
    assert texts(await pending(engine, T0)) == ["b1"]
    assert texts(await pending(engine, retry_at - timedelta(seconds=1))) == ["b1"]
    again = await pending(engine, retry_at)
    assert texts(again) == ["a1", "a2", "b1"]
    assert again[0].attempts == 1


async def test_a_message_given_up_never_comes_back_nor_blocks_its_chat(engine: AsyncEngine) -> None:
    await send(engine, "chat-a", "a1")
    await send(engine, "chat-a", "a2")
    first = (await pending(engine))[0]
    await mark_failed(engine, first.id, None)
    assert texts(await pending(engine, T0)) == ["a2"]
    assert texts(await pending(engine, T0 + timedelta(days=365))) == ["a2"]


async def test_buttons_come_back_as_they_went_in(engine: AsyncEngine) -> None:
    buttons = (Button("Me apunto ✋", "join 3"), Button("Ça marche", "ok 3"), Button("x", "x"))
    await send(engine, "chat-a", "Pick one", buttons=buttons)
    [row] = await pending(engine)
    assert row.buttons == buttons


# --- jobs ----------------------------------------------------------------------------------


async def test_a_job_is_finished_by_one_caller_only(engine: AsyncEngine) -> None:
    job = await add_job(engine, T0)
    assert await finish(engine, job.id) is True
    assert await finish(engine, job.id) is False
    done = await get_job(engine, job.id)
    assert (done.done_at, done.outcome) == (T0, "sent")


async def test_ten_schedulers_finishing_one_job_at_once_finish_it_once(engine: AsyncEngine) -> None:
    job = await add_job(engine, T0)
    results = await at_once(10, lambda: finish(engine, job.id))
    assert results.count(True) == 1


async def test_pending_jobs_are_unfinished_ones_soonest_first(engine: AsyncEngine) -> None:
    lima = timezone(timedelta(hours=-5))
    later = await add_job(engine, datetime(2026, 3, 2, 10, 0, tzinfo=lima), ref_id=1)  # 15:00Z
    done = await add_job(engine, T0, ref_id=2)
    soon = await add_job(engine, T0 + timedelta(hours=5), ref_id=3)  # 14:00Z
    await finish(engine, done.id)
    async with unit(engine) as uow:
        assert [j.id for j in await uow.jobs.pending()] == [soon.id, later.id]
        # What a leader's look takes in: those due by a time (the limit included).
        assert [j.id for j in await uow.jobs.pending(soon.due_at)] == [soon.id]


async def test_a_job_of_a_kind_this_minga_does_not_know_is_left_for_one_that_does(
    engine: AsyncEngine,
) -> None:
    """A newer minga sharing the database (a rolling upgrade) may plan jobs of a new kind:
    this one neither stops at its start over them nor takes them."""
    known = await add_job(engine, T0)
    async with engine.begin() as conn:
        await conn.execute(
            JobRow.__table__.insert().values(kind="from_a_newer_minga", ref_id=1, due_at=T0)
        )
    async with unit(engine) as uow:
        assert [j.id for j in await uow.jobs.pending()] == [known.id]
        assert [j.id for j in await uow.jobs.pending(T0)] == [known.id]
    async with engine.connect() as conn:
        left = await conn.scalar(select(func.count()).where(JobRow.done_at.is_(None)))
    assert left == 2


async def test_a_failed_try_puts_a_job_off_and_one_given_up_is_never_pending(
    engine: AsyncEngine,
) -> None:
    retried, given_up, finished = [await add_job(engine, T0, ref_id=n) for n in (1, 2, 3)]
    await finish(engine, finished.id)
    retry_at = T0 + timedelta(minutes=1)
    async with unit(engine) as uow:
        await uow.jobs.fail(retried.id, "RuntimeError: no", retry_at, T0)
        await uow.jobs.fail(given_up.id, "RuntimeError: no", None, T0)
        await uow.jobs.fail(finished.id, "RuntimeError: too late", None, T0)  # changes nothing
        assert [(j.id, j.runs_at) for j in uow.new_jobs] == [(retried.id, retry_at)]  # to plan
    async with unit(engine) as uow:
        assert [j.id for j in await uow.jobs.pending()] == [retried.id]
        assert await uow.jobs.pending(T0) == []  # a look skips it until its retry is near
        assert [j.id for j in await uow.jobs.pending(retry_at)] == [retried.id]
    again, gone, done = [await get_job(engine, j.id) for j in (retried, given_up, finished)]
    assert (again.due_at, again.runs_at, again.attempts, again.failed) == (T0, retry_at, 1, None)
    assert (gone.done_at, gone.outcome, gone.attempts) == (T0, "failed", 1)
    assert gone.failed == "RuntimeError: no"
    assert (done.outcome, done.attempts, done.failed) == ("sent", 0, None)


@pytest.mark.parametrize(
    "zone", [UTC, timezone(timedelta(hours=5, minutes=30))], ids=["utc", "kolkata"]
)
async def test_times_come_back_aware_utc_and_equal(engine: AsyncEngine, zone: timezone) -> None:
    due = datetime(2026, 3, 2, 21, 45, 12, 345678, tzinfo=zone)
    job = await add_job(engine, due)
    stored = await get_job(engine, job.id)
    assert stored.due_at == due
    assert stored.due_at.utcoffset() == timedelta(0)
    assert stored.due_at.tzinfo is UTC


async def test_naive_times_are_refused(engine: AsyncEngine) -> None:
    with pytest.raises((ValueError, StatementError)) as refused:
        async with unit(engine) as uow:
            await uow.jobs.add(JobKind.SHIFT_REMINDER, 1, datetime(2026, 3, 2, 9, 0))
    error = refused.value
    assert isinstance(getattr(error, "orig", error), ValueError)
    async with unit(engine) as uow:
        assert await uow.jobs.pending() == []


# --- link codes ----------------------------------------------------------------------------


async def code_for(engine: AsyncEngine, code: str) -> None:
    ana = await person(engine, "Ana")
    async with unit(engine) as uow:
        await uow.links.create(code, "identity", None, ana.id, T0 + timedelta(hours=1))


async def use(engine: AsyncEngine, code: str) -> bool:
    async with unit(engine) as uow:
        return await uow.links.use(code, T0)


async def test_a_link_code_works_once(engine: AsyncEngine) -> None:
    await code_for(engine, "K7Q2")
    assert await use(engine, "K7Q2") is True
    assert await use(engine, "K7Q2") is False
    async with unit(engine) as uow:
        used = await uow.links.get("K7Q2")
    assert used is not None and used.used_at == T0


async def test_a_link_code_used_from_ten_places_at_once_works_once(engine: AsyncEngine) -> None:
    await code_for(engine, "K7Q2")
    assert (await at_once(10, lambda: use(engine, "K7Q2"))).count(True) == 1


# --- people --------------------------------------------------------------------------------


async def test_a_registered_person_is_found_by_their_identity_only(engine: AsyncEngine) -> None:
    ana = await person(engine, "Ana")
    async with unit(engine) as uow:
        assert await uow.people.by_identity(PLATFORM, "telegram:ana") == ana
        assert await uow.people.by_identity("matrix", "telegram:ana") is None
        assert await uow.people.by_identity(PLATFORM, "telegram:ben") is None


@pytest.mark.parametrize(
    ("name", "handle"),
    [("Ana María", "ana"), ("Ana", "ana_m"), ("Ana", None)],
    ids=["new-name", "new-handle", "handle-removed"],
)
async def test_a_changed_name_or_handle_is_refreshed(
    engine: AsyncEngine, name: str, handle: str | None
) -> None:
    ana = await person(engine, "Ana")
    async with unit(engine) as uow:
        await uow.people.refresh_identity(Sender(PLATFORM, "telegram:ana", name, handle))
    async with unit(engine) as uow:
        [identity] = await uow.people.identities(ana.id)
    assert (identity.name, identity.handle) == (name, handle)


async def test_merging_moves_everything_to_the_kept_person(engine: AsyncEngine) -> None:
    kept, gone = await person(engine, "Ana"), await person(engine, "Ana", "matrix")
    both, only_gone = await group(engine, "Food"), await group(engine, "Rides")
    for group_id, person_id in ((both.id, kept.id), (both.id, gone.id), (only_gone.id, gone.id)):
        await member(engine, group_id, person_id)
    async with unit(engine) as uow:
        dm = await uow.chats.ensure(Chat("matrix", "!dm:ana", "private"), gone.id)
    async with unit(engine) as uow:
        await uow.people.merge(kept.id, gone.id)
    async with unit(engine) as uow:
        assert await uow.people.by_identity("matrix", "matrix:ana") == kept
        assert [i.platform for i in await uow.people.identities(kept.id)] == [PLATFORM, "matrix"]
        assert [c.id for c in await uow.chats.private_of(kept.id)] == [dm.id]
        assert [g.id for g in await uow.groups.of_person(kept.id)] == [both.id, only_gone.id]
        assert [m.person_id for m in await uow.members.roster(both.id)] == [kept.id]
    assert await count(engine, PersonRow) == 1
    assert await count(engine, MemberRow) == 2


async def test_merging_keeps_the_stronger_membership_and_its_vouches(engine: AsyncEngine) -> None:
    kept, gone = await person(engine, "Ana"), await person(engine, "Ana", "matrix")
    ben, cy = await person(engine, "Ben"), await person(engine, "Cy")
    food = await group(engine, "Food")
    async with unit(engine) as uow:
        left = await uow.members.join(food.id, kept.id, "left", T0)
        trusted = await uow.members.join(food.id, gone.id, "trusted", T0)
        by_ben = await uow.members.join(food.id, ben.id, "trusted", T0)
        newcomer = await uow.members.join(food.id, cy.id, "newcomer", T0)
        await uow.members.vouch(by_ben.id, trusted.id, T0)  # Ben vouched for Ana's double
        await uow.members.vouch(trusted.id, newcomer.id, T0)  # the double vouched for Cy
        await uow.members.vouch(left.id, trusted.id, T0)  # would become a self-vouch
    async with unit(engine) as uow:
        await uow.people.merge(kept.id, gone.id)
    async with unit(engine) as uow:
        ana = await uow.members.get(food.id, kept.id)
        assert ana is not None and ana.status == "trusted"
        assert [v.name for v in await uow.members.vouchers(ana.id)] == ["Ben"]
        assert [v.name for v in await uow.members.vouchers(newcomer.id)] == ["Ana"]


# --- groups --------------------------------------------------------------------------------


async def test_group_names_are_unique_whatever_their_case(engine: AsyncEngine) -> None:
    food = await group(engine, "Food")
    with pytest.raises(IntegrityError):
        await group(engine, "food")
    async with unit(engine) as uow:
        assert await uow.groups.by_name("FOOD") == food
        assert await uow.groups.all() == [food]


async def test_settings_are_set_overwritten_and_kept_per_group(engine: AsyncEngine) -> None:
    food, rides = await group(engine, "Food"), await group(engine, "Rides")
    async with unit(engine) as uow:
        await uow.groups.set_setting(food.id, "quorum", "3")
        await uow.groups.set_setting(rides.id, "quorum", "5")
    async with unit(engine) as uow:
        await uow.groups.set_setting(food.id, "quorum", "4")
        await uow.groups.set_setting(food.id, "language", "es")
    async with unit(engine) as uow:
        assert {g.name: dict(g.settings) for g in await uow.groups.all()} == {
            "Food": {"quorum": "4", "language": "es"},
            "Rides": {"quorum": "5"},
        }


# --- members -------------------------------------------------------------------------------


async def test_rejoining_after_leaving_updates_the_one_membership(engine: AsyncEngine) -> None:
    food, ana = await group(engine), await person(engine, "Ana")
    first = await member(engine, food.id, ana.id)
    async with unit(engine) as uow:
        await uow.members.set_status(first.id, "left", T0)
    later = T0 + timedelta(days=3)
    async with unit(engine) as uow:
        again = await uow.members.join(food.id, ana.id, "newcomer", later)
    assert (again.id, again.status, again.joined_at) == (first.id, "newcomer", later)
    assert await count(engine, MemberRow) == 1


async def test_the_roster_is_alphabetical_and_leaves_out_who_left(engine: AsyncEngine) -> None:
    food = await group(engine)
    for name in ("carla", "Dmitri", "ana", "Ben"):
        joined = await member(engine, food.id, (await person(engine, name)).id)
        if name == "Dmitri":
            async with unit(engine) as uow:
                await uow.members.set_status(joined.id, "left", T0)
    async with unit(engine) as uow:
        roster = await uow.members.roster(food.id)
    assert [(m.name, m.handle) for m in roster] == [
        ("ana", "ana"),
        ("Ben", "ben"),
        ("carla", "carla"),
    ]


async def test_one_vouch_per_pair_and_vouchers_listed_by_when_they_vouched(
    engine: AsyncEngine,
) -> None:
    food = await group(engine)
    ana, ben, chioma, dev = [
        await member(engine, food.id, (await person(engine, n)).id)
        for n in ("Ana", "Ben", "Chioma", "Dev")
    ]

    async def vouch(voucher: Member, minutes: int) -> bool:
        async with unit(engine) as uow:
            return await uow.members.vouch(voucher.id, dev.id, T0 + timedelta(minutes=minutes))

    assert await vouch(ben, 1) is True
    assert await vouch(ben, 5) is False
    assert await vouch(chioma, 3) is True
    assert await vouch(ana, 2) is True
    async with unit(engine) as uow:
        assert [m.name for m in await uow.members.vouchers(dev.id)] == ["Ben", "Ana", "Chioma"]
        assert await uow.members.vouchers(ben.id) == []


async def test_a_reaction_is_remembered_once_taken_back_once_and_forgotten_after_a_month(
    engine: AsyncEngine,
) -> None:
    now = datetime(2026, 3, 1, 12, tzinfo=UTC)
    pressed = Reaction(
        chat_id="!room", user_id="@ben:example.org", message_id="$post", data="unclaim 3"
    )
    async with unit(engine) as uow:
        await uow.reactions.add("matrix", "$r1", pressed, now)
        await uow.reactions.add("matrix", "$r1", pressed, now)  # the same event, redelivered
        await uow.reactions.add("matrix", "$old", pressed, now)
    async with unit(engine) as uow:
        assert await uow.reactions.take("matrix", "$r1") == pressed
        assert await uow.reactions.take("matrix", "$r1") is None
        await uow.reactions.add("matrix", "$r2", pressed, now + timedelta(days=31))
        assert await uow.reactions.take("matrix", "$old") is None


async def test_a_sent_message_keeps_its_buttons_with_what_undoes_them(engine: AsyncEngine) -> None:
    claim = Button("Ayudo", "claim 3", undo="unclaim 3", typed="ayudar 3")
    place = Button("Vote", "vote P1", private=True)
    async with unit(engine) as uow:
        await uow.outbox.send("matrix", "!room", "R3", (claim, place), "request:3", T0)
    async with unit(engine) as uow:
        [row] = await uow.outbox.lane("matrix", "!room", T0, 10)
        await uow.outbox.mark_sent(row, ("$post",), T0)
    async with unit(engine) as uow:
        assert await uow.outbox.buttons_of("matrix", "!room", "$post") == (claim, place)
