"""Everyone can see what minga keeps about them and have it erased."""

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.scheduler import Scheduler
from bot.messages import Message
from bot.model import Job
from storage.models import InboxRow, OutboxRow
from tests.harness import Harness, in_chat, text


@pytest.fixture
async def busy(group: Harness) -> Harness:
    """Eli asked for bread, helps Ben with a lift, and offers jam."""
    bot = group
    await bot.say("Eli", "/request food Eastside by friday: bread for the kids", group=None)
    await bot.say("Ben", "/request ride Eastside by friday: a lift", group=None)
    await bot.press("Eli", "claim 2")
    await bot.say("Eli", "/offer food Eastside: 4 jars of jam", group=None)
    return bot


async def test_mydata_shows_everything_kept(busy: Harness) -> None:
    data = text(await busy.say("Eli", "/mydata", group=None))
    for kept in (
        "Name: Eli",
        "Account: test @eli",
        "On the roster of Free Food since",
        "R1 (asked, open): food · Eastside · bread for the kids",
        "R2 (helping, being helped)",
        "O1: food · Eastside · 4 jars of jam",
    ):
        assert kept in data
    assert text(await busy.say("Eli", "/mydata")).startswith("Please send /mydata")


async def test_forget_asks_first(busy: Harness) -> None:
    asked = await busy.say("Eli", "/forget", group=None)
    assert asked[0].buttons == (">yes", ">no")
    assert text(await busy.press("Eli", ">no", group=None)) == "Nothing was erased."
    assert "Name: Eli" in text(await busy.say("Eli", "/mydata", group=None))


async def test_forget_closes_what_is_open_tells_the_others_and_erases(busy: Harness) -> None:
    await busy.say("Eli", "/forget", group=None)
    seen = await busy.press("Eli", ">yes", group=None)
    assert in_chat(seen, "dm:eli") == (
        "Done: I have forgotten you. What you did stays in the groups' history without your name."
    )
    assert "The volunteer can't help with R2 after all" in in_chat(seen, "dm:ben")
    edits = [s.text for s in seen if s.edit]
    assert any(t.startswith("R1") and "Cancelled" in t for t in edits)
    assert "R2 · ride · Eastside · by Fri 6 Mar 18:00 · a lift" in edits  # open again
    assert any(t.startswith("O1") and "This offer has ended." in t for t in edits)
    assert "Eli" not in text(await busy.say("Ana", "/roster"))
    fresh = text(await busy.say("Eli", "/mydata", group=None))  # a new person, known anew
    assert "On the roster" not in fresh and "R1" not in fresh and "O1" not in fresh
    async with busy.core.uow() as uow:
        request = await uow.requests.get(1)
    assert request is not None and request.requester_id is None


async def test_a_forgotten_person_can_come_back(busy: Harness) -> None:
    await busy.say("Eli", "/forget", group=None)
    await busy.press("Eli", ">yes", group=None)
    back = await busy.say("Eli", "/join")
    assert "Welcome, Eli!" in text(back)
    assert "Ana vouched for Eli" in text(await busy.say("Ana", "/trust @eli"))
    assert "Hello Eli!" in text(await busy.say("Eli", "/start", group=None))


async def outbox(bot: Harness) -> list[Any]:
    async with bot.engine.connect() as conn:
        return list(await conn.execute(select(OutboxRow.__table__).order_by(OutboxRow.id)))


async def pending_prunes(bot: Harness) -> list[Job]:
    async with bot.core.uow() as uow:
        return [job for job in await uow.jobs.pending() if job.kind == "prune"]


async def test_private_texts_are_gone_after_a_week_and_open_posts_still_work(
    group: Harness,
) -> None:
    bot = group
    await bot.say("Ana", "/set request_grace_hours 720")  # R1 stays open all along
    await bot.say("Eli", "/request food Eastside by friday: bread for the kids", group=None)
    await bot.say("Ben", "/request ride Eastside by friday: a lift", group=None)
    await bot.press("Chioma", "claim 2")
    await bot.say("Chioma", "/msg R2 I'm at the blue door", group=None)
    post = next(s for s in bot.seen if s.text.startswith("R1 ·") and not s.edit)
    bot.clock.advance(days=8)
    await bot.fire_due()
    kept = await outbox(bot)
    assert not [r for r in kept if "blue door" in r.text or r.chat_id.startswith("dm:")]
    assert {r.key for r in kept} >= {"request:1", "request:2", "welcome:1"}
    async with bot.engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(InboxRow))).scalar() == 0
    claimed = await bot.press("Ben", "claim 1")
    edit = next(s for s in claimed if s.edit and s.text.startswith("R1 ·"))
    assert edit.message_id == post.message_id and "Ben is helping" in edit.text


async def test_a_reply_to_a_relayed_message_is_routed_only_while_it_is_kept(group: Harness) -> None:
    bot = group
    await bot.say("Ana", "/set request_grace_hours 720")
    await bot.say("Ben", "/request ride Eastside by friday: a lift", group=None)
    await bot.press("Chioma", "claim 1")
    relayed = next(
        s for s in await bot.say("Chioma", "/msg R1 blue door", group=None) if s.chat_id == "dm:ben"
    )
    answer = Message(
        "reply-1",
        bot.private_chat("Ben"),
        bot.sender("Ben"),
        "thanks!",
        reply_to=relayed.message_id,
    )
    assert "thanks!" in in_chat(await bot.deliver(answer), "dm:chioma")
    bot.clock.advance(days=8)
    await bot.fire_due()
    later = replace(answer, event_id="reply-2")
    assert "thanks!" not in in_chat(await bot.deliver(later), "dm:chioma")


async def test_a_secret_votes_confirmation_is_not_kept_once_sent(group: Harness) -> None:
    await group.say("Ana", "/propose New treasurer; secret")
    seen = await group.say("Ben", "/vote P1 agree", group=None)
    assert "Your secret vote on P1 is counted." in in_chat(seen, "dm:ben")
    assert not [r for r in await outbox(group) if "secret vote" in r.text]


async def test_answers_to_a_press_and_replaced_edits_are_not_kept(group: Harness) -> None:
    await group.say("Eli", "/request food Eastside by friday: bread", group=None)
    await group.press("Ben", "claim 1", toast=True)
    await group.say("Ben", "/unclaim R1")
    await group.press("Chioma", "claim 1", toast=True)
    rows = [r for r in await outbox(group) if r.key == "request:1"]
    assert [(r.kind, r.text == "", bool(r.message_id)) for r in rows] == [
        ("send", True, True),
        ("edit", False, True),
    ]  # the original keeps only its id
    assert "Chioma is helping" in rows[-1].text
    assert not [r for r in await outbox(group) if r.kind == "toast"]


async def test_a_fresh_group_prunes_every_day_in_one_chain(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    assert [j.due_at for j in await pending_prunes(bot)] == [bot.clock.now() + timedelta(days=1)]
    async with bot.core.uow() as uow:  # a second scheduler planned its own
        await uow.jobs.add("prune", 0, bot.clock.now() + timedelta(hours=25))
        await uow.commit()
    bot.clock.advance(days=3)
    await bot.fire_due()
    assert [j.due_at for j in await pending_prunes(bot)] == [bot.clock.now() + timedelta(days=1)]


async def test_the_scheduler_plans_pruning_for_a_database_without_it(bot: Harness) -> None:
    for _ in range(2):  # started again: still one plan
        scheduler = Scheduler(bot.core)
        await scheduler.start()
        await scheduler.stop()
    assert len(await pending_prunes(bot)) == 1


async def test_done_jobs_are_forgotten_after_a_week_and_pending_ones_stay(bot: Harness) -> None:
    await bot.setup_group()  # its founding days closed by a job, two days in
    founding = next(j for j in bot.jobs if j.kind == "founding_closed")
    bot.clock.advance(days=8)
    await bot.say("Ana", "/poll choice Lunch: soup | salad")
    await bot.fire_due()
    async with bot.core.uow() as uow:
        assert await uow.jobs.get(founding.id) is None
        pending = await uow.jobs.pending()
    assert {"poll_close", "prune"} <= {j.kind for j in pending}
