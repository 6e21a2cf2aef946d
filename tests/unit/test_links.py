"""One-time link codes: a second chat for a group, or one person across two platforms."""

import re

from tests.harness import OTHER_PLATFORM, Harness, text


def code_in(seen: str) -> str:
    found = re.search(r"/link ([A-Z0-9]{4}-[A-Z0-9]{4})", seen)
    assert found, seen
    return found.group(1)


async def chat_code(bot: Harness, who: str = "Ana") -> str:
    return code_in(text(await bot.say(who, "/link")))


async def test_a_second_chat_joins_and_then_hears_everything(bot: Harness) -> None:
    await bot.setup_group()
    code = await chat_code(bot)
    joined = await bot.say("Ana", f"/link {code}", group="second")
    assert {s.chat_id for s in joined} == {"group:food", "group:second"}
    assert all("A new chat is now part of Free Food: Second." in s.text for s in joined)
    changed = await bot.say("Ben", "/set timezone America/Caracas", group="second")
    assert {s.chat_id for s in changed} == {"group:food", "group:second"}


async def test_codes_are_typed_loosely(bot: Harness) -> None:
    await bot.setup_group()
    code = (await chat_code(bot)).lower().replace("-", " ")
    joined = await bot.say("Ana", f'/link "{code}"', group="second")
    assert "A new chat is now part of Free Food" in text(joined)


async def test_a_code_works_once(bot: Harness) -> None:
    await bot.setup_group()
    code = await chat_code(bot)
    await bot.say("Ana", f"/link {code}", group="second")
    again = await bot.say("Ana", f"/link {code}", group="third")
    assert text(again) == f"The code {code} was already used. Ask for a new one with /link."
    assert "not part of a minga group" in text(await bot.say("Ana", "/roster", group="third"))


async def test_an_expired_code_is_refused(bot: Harness) -> None:
    await bot.setup_group()
    code = await chat_code(bot)
    bot.clock.advance(minutes=15)
    late = await bot.say("Ana", f"/link {code}", group="second")
    assert text(late) == f"The code {code} has expired. Ask for a new one with /link."


async def test_a_wrong_code_is_refused(bot: Harness) -> None:
    await bot.setup_group()
    wrong = await bot.say("Ana", "/link ABCD-EFGH", group="second")
    assert text(wrong) == "I don't know the code ABCD-EFGH. Please check it for typos."


async def test_only_trusted_members_make_chat_codes(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    refused = await bot.say("Eli", "/link")
    assert text(refused).startswith("Only trusted members can change this directly.")


async def test_a_chat_of_another_group_cannot_be_taken(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Zoe", "/setup Rides", group="rides")
    code = await chat_code(bot)
    taken = await bot.say("Zoe", f"/link {code}", group="rides")
    assert text(taken) == "This chat already belongs to Rides."
    same = await bot.say("Ana", f"/link {code}")
    assert text(same) == "This chat is already part of Free Food."


async def test_a_chat_code_in_a_private_chat_is_explained(bot: Harness) -> None:
    await bot.setup_group()
    code = await chat_code(bot)
    assert text(await bot.say("Ana", f"/link {code}", group=None)) == (
        "This code adds a chat to a group: type it in that group chat."
    )


async def test_one_person_on_two_platforms(bot: Harness) -> None:
    await bot.setup_group()
    code = code_in(text(await bot.say("Ana", "/link", group=None)))
    in_group = await bot.say("Ana", f"/link {code}", platform=OTHER_PLATFORM)
    assert text(in_group) == "This code links your accounts: send it to me in a private chat."
    linked = await bot.say("Ana", f"/link {code}", group=None, platform=OTHER_PLATFORM)
    assert text(linked) == ("Linked: this account and your other one are now the same person, Ana.")
    start = await bot.say("Ana", "/start", group=None, platform=OTHER_PLATFORM)
    assert "You are on the roster of: Free Food." in text(start)
    again = await bot.say("Ana", f"/link {code}", group=None, platform=OTHER_PLATFORM)
    assert "was already used" in text(again)
    fresh = code_in(text(await bot.say("Ana", "/link", group=None, platform=OTHER_PLATFORM)))
    same = await bot.say("Ana", f"/link {fresh}", group=None)
    assert text(same) == "These accounts are already linked."
