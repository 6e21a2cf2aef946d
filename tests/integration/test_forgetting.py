"""After /forget, nothing in the database names or addresses the person (SQLite and PostgreSQL).

The attack: someone reads a backup (or the operator looks) after a person asked to be
forgotten. The person here has distinctive words, so that any trace is found by a plain
scan of every value of every table.
"""

import uuid
from typing import Any

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.messages import Arrived, ButtonPress, Chat, Message, Sender, marks_of, strong
from bot.model import Reaction
from tests.conftest import Built
from tests.harness import PLATFORM, Harness, Seen, in_chat

NAME, HANDLE, USER_ID = "Elisabeth Quux", "elq_77", "7777123"
TRACES = (NAME, "Elisabeth", "Quux", HANDLE, USER_ID)
ELQ = Sender(PLATFORM, USER_ID, NAME, HANDLE)
# On Telegram a person's private chat with the bot has their user id as its id.
PRIVATE = Chat(PLATFORM, USER_ID, "private", f"{NAME}, private")
SHIFT = '/shift add "Soup" sat 10:00-13:00 places 2 roles cook:1,server:1'
WINDOWS = '/pickups open sat 13:00-14:00 every 15 boxes 2 at "Community hall"'


async def says(bot: Harness, line: str, group: str | None = None) -> list[Seen]:
    chat = bot.group_chat(group) if group else PRIVATE
    return await bot.deliver(
        Message(f"u{uuid.uuid4().int % 10**9}", chat, ELQ, line, bot_name="mingabot")
    )


async def presses(bot: Harness, data: str, group: str | None = None) -> list[Seen]:
    chat = bot.group_chat(group) if group else PRIVATE
    return await bot.deliver(
        ButtonPress(
            f"u{uuid.uuid4().int % 10**9}", chat, ELQ, bot.showing(chat.chat_id, data), data
        )
    )


async def dump(engine: AsyncEngine) -> list[tuple[str, str, str]]:
    """(table, column, value) of every value of every table the database has, whatever
    the models say: tables are read from the database itself."""
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
        found = []
        for table in tables:
            result = await conn.execute(text(f'SELECT * FROM "{table}"'))
            for row in result.mappings():
                found += [(table, column, _as_text(value)) for column, value in row.items()]
    return found


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


def traces(rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    return [r for r in rows if any(t.casefold() in r[2].casefold() for t in TRACES)]


@pytest.fixture
async def lived(engine: AsyncEngine, built: Built) -> Harness:
    """Elisabeth did a bit of everything in Free Food before asking to be forgotten."""
    bot = Harness(engine)
    await built(bot, _live)
    return bot


async def _live(bot: Harness) -> None:
    await bot.setup_group()
    for who in ("Ana", "Ben", "Chioma", "Eli"):
        await bot.say(who, "/start", group=None)
    await bot.say("Eli", "/join")
    await says(bot, "/start")
    await says(bot, "/language es")
    await says(bot, "/language en")
    await bot.deliver(Arrived(f"u{uuid.uuid4().int % 10**9}", bot.group_chat(), ELQ))
    await bot.flush()
    await says(bot, "/join", group="food")
    await bot.say("Ana", f"/trust @{HANDLE}")
    await bot.say("Ben", f"/trust @{HANDLE}")
    await says(bot, "/trust @eli", group="food")
    await says(bot, "/request food Eastside by friday: bread for the kids")
    await bot.press("Ben", "claim 1")
    await says(bot, f"/msg R1 I am {NAME}, ask for {HANDLE} at the blue door")
    await bot.say("Ben", "/msg R1 see you at five, Elisabeth", group=None)
    await bot.say("Chioma", "/request ride Eastside by friday: a lift", group=None)
    await presses(bot, "claim 2", group="food")
    await says(bot, "/offer food Eastside: 4 jars of jam")
    await bot.say("Ana", SHIFT)
    await says(bot, "/signup S1 cook", group="food")
    await bot.say("Ana", WINDOWS)
    await says(bot, "/pickup")
    await says(bot, "1")
    await bot.say("Ana", f"/poll choice Who cooks on Friday?: {NAME} | Ana")
    await says(bot, "/vote P1 1", group="food")
    await says(bot, "/mydata")
    async with bot.core.uow() as uow:  # what the Matrix adapter keeps of a reaction
        await uow.reactions.add(
            PLATFORM,
            "$reaction",
            Reaction(chat_id="group:food", user_id=USER_ID, message_id="$post", data="claim 2"),
            bot.clock.now(),
        )
        await uow.commit()


async def test_before_forget_the_database_is_full_of_the_person(lived: Harness) -> None:
    """The attack's premise: the scan does find them while they are known."""
    found = {table for table, _, _ in traces(await dump(lived.engine))}
    assert {"people", "identities", "chats", "outbox", "reactions"} <= found


async def test_after_forget_no_table_names_or_addresses_the_person(lived: Harness) -> None:
    await says(lived, "/forget")
    seen = await presses(lived, ">yes")
    assert in_chat(seen, USER_ID).startswith("Done: I have forgotten you.")
    assert traces(await dump(lived.engine)) == []


async def test_after_forget_the_others_keep_what_they_need(lived: Harness) -> None:
    await says(lived, "/forget")
    seen = await presses(lived, ">yes")
    assert "R1 was cancelled by the person who asked." in in_chat(seen, "dm:ben")
    assert "The volunteer can't help with R2 after all" in in_chat(seen, "dm:chioma")
    assert [s.text for s in seen if s.edit and s.text.startswith("S1")] == [
        "S1 · Soup · Sat 7 Mar 10:00–13:00\ncook 0/1\nserver 0/1"
    ]
    roster = in_chat(await lived.say("Ana", "/roster"), "group:food")
    assert "Eli" in roster and NAME not in roster
    assert "R1 (helping, cancelled)" in in_chat(
        await lived.say("Ben", "/mydata", group=None), "dm:ben"
    )
    chats = {row[2] for row in await dump(lived.engine) if row[:2] == ("chats", "chat_id")}
    assert {"group:food", "dm:ana", "dm:ben"} <= chats


async def test_a_message_waiting_when_the_person_is_forgotten_is_bold_on_the_right_words(
    lived: Harness,
) -> None:
    """Their name becomes one character, which moves every word after it: a stretch in bold
    counted in the old text would land on other words."""
    await says(lived, "/forget")
    async with lived.core.uow() as uow:  # still waiting to be sent when the answer comes
        waiting = f"{NAME} cooks · " + strong("bring bread") + " to the hall at ten"
        await uow.outbox.send(PLATFORM, "group:food", waiting, (), None, lived.clock.now())
        await uow.commit()
    seen = await presses(lived, ">yes")
    [sent] = [s.text for s in seen if "bring bread" in s.text]
    assert sent == "… cooks · bring bread to the hall at ten"
    assert [sent[m.start : m.end] for m in marks_of(sent)] in ([], ["bring bread"])
