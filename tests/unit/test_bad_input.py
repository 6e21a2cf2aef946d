"""Bad input of every kind: one clear, polite line, or silence where answering is noise."""

import pytest

from bot.commands import COMMANDS
from bot.dispatch import handle
from bot.messages import Unreadable
from bot.router import Command
from tests.harness import Harness, in_chat, text


async def roster_of(bot: Harness) -> str:
    return text(await bot.say("Ana", "/roster"))


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("/hepl", "I don't know /hepl. Did you mean /help? /help lists what I can do."),
        ("/frobnicate", "I don't know /frobnicate. /help lists what I can do."),
        ("/trust", "/trust is missing the member. Usage: /trust <member>"),
        ("/trust @a @b", "That is more than /trust takes. Usage: /trust <member>"),
        ('/trust "@ana', "A quote is not closed. Usage: /trust <member>"),
        ("/roster two", "'two' is not a number.\nUsage: /roster [page]"),
        ("/roster 0", "Please give a number from 1 to 10000.\nUsage: /roster [page]"),
        (
            "/language klingon",
            "I speak these languages: English (en), Español (es), Português (pt).\n"
            "Usage: /language [language]",
        ),
        ("/HELP trust", "/trust <member>\nvouch for a newcomer"),
    ],
)
async def test_commands_typed_wrong_get_one_clear_line(
    bot: Harness, typed: str, answer: str
) -> None:
    await bot.setup_group()
    before = await roster_of(bot)
    assert text(await bot.say("Ana", typed)) == answer
    assert await roster_of(bot) == before


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("x" * 4001, "That message is too long for me: please keep it under 4,000 characters."),
        ("   ", "I got an empty message. Please type what you need."),
        (
            "hello\x00\x07",
            "Your message has invisible control characters I can't read. Please type it again.",
        ),
    ],
)
async def test_odd_text_in_a_private_chat(bot: Harness, typed: str, answer: str) -> None:
    assert text(await bot.say("Ana", typed, group=None)) == answer


async def test_a_huge_command_changes_nothing(bot: Harness) -> None:
    await bot.setup_group()
    seen = await bot.say("Ana", "/set timezone " + "x" * 5000)
    assert "too long" in text(seen)
    assert "timezone = UTC" in text(await bot.say("Ana", "/settings"))


async def test_group_chatter_is_not_answered_nor_kept(bot: Harness) -> None:
    await bot.setup_group()
    assert await bot.say("Ana", "see you all on saturday!") == []
    assert await bot.say("Ana", "x" * 5000) == []
    assert await bot.say("Stranger", "hello from a chat that is no group", group="elsewhere") == []
    async with bot.core.uow() as uow:
        assert await uow.people.by_identity("test", "stranger") is None


async def test_commands_for_another_bot_are_ignored(bot: Harness) -> None:
    assert await bot.say("Ana", "/help@otherbot") == []
    assert await bot.say("Ana", "/start@OtherBot", group=None) == []
    assert "What you can do here" in text(await bot.say("Ana", "/help@MingaBot"))


async def test_plain_text_in_a_private_chat_points_to_help(bot: Harness) -> None:
    assert text(await bot.say("Ana", "hi", group=None)) == (
        "I only understand commands. /help lists them."
    )


async def test_a_redelivered_event_is_handled_once(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    first = await bot.say("Ana", "/trust @eli", event_id="update-77")
    again = await bot.say("Ana", "/trust @eli", event_id="update-77")
    assert text(first) == "Ana vouched for Eli: 1 of 2 vouches needed." and again == []


async def test_a_crash_in_a_handler_changes_nothing_and_apologises(
    bot: Harness, monkeypatch
) -> None:
    await bot.setup_group()

    async def broken(ctx, args):  # type: ignore[no-untyped-def]
        await ctx.uow.members.join(ctx.group.id, ctx.person.id, "trusted", ctx.now)
        raise RuntimeError("a bug")

    monkeypatch.setitem(COMMANDS, "join", Command("join", "", broken, where="group"))
    seen = await bot.say("Eli", "/join", event_id="poison")
    assert text(seen) == (
        "Sorry, something went wrong on my side and nothing was changed. "
        "Please try again in a little while."
    )
    assert "Eli" not in await roster_of(bot)
    assert await bot.say("Eli", "/join", event_id="poison") == []  # no second failure


async def test_a_command_where_it_does_not_belong(bot: Harness) -> None:
    assert text(await bot.say("Ana", "/start")) == "Please send /start to me in a private chat."
    assert text(await bot.say("Ana", "/setup Food", group=None)) == (
        "/setup works in a group chat."
    )


async def test_a_press_on_a_message_minga_never_sent_is_refused(bot: Harness) -> None:
    pressed = await bot.press("Ana", "join", group="nowhere", message_id="1")
    assert text(pressed) == "That button is not on that message (any more), so I did nothing."


async def test_a_private_message_minga_could_not_decrypt_gets_asked_again_in_their_language(
    group: Harness,
) -> None:
    await group.say("Eli", "/language es", group=None)
    await handle(
        group.core, Unreadable("e-unreadable", group.private_chat("eli"), group.sender("Eli"))
    )
    seen = await group.flush()
    assert in_chat(seen, "dm:eli") == (
        "No pude leer tu último mensaje: se cifró antes de que "
        "yo tuviera las claves. Por favor, envíalo de nuevo."
    )


APOLOGY = "Sorry, something went wrong on my side"


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("/claim R²", "'R²' is not a number like R17."),
        ("/done R①", "'R①' is not a number like R17."),
        ("/signup S³", "'S³' is not a number like S17."),
        ("/vote P¹ 1", "'P¹' is not a number like P17."),
        ("/take S²", "'S²' is not a number like S17."),
        ("/close P²", "'P²' is not a number like P17."),
        ("/claim R99999999999999999999999", "is not a number like R17."),
        ("/roster ²", "'²' is not a number."),
        ("/roster 1_0", "'1_0' is not a number."),
        ("/roster 99999999999999999999999", "Please give a number from 1 to 10000."),
        ("/shift move S² sun 10:00", "Use /shift add …"),
        ("/requests food ²", "Nothing open right now."),
        ("/requests food 99999999999999999999999", "Nothing open right now."),
        ("/poll ² Lunch: soup | salad", "Please choose one of: consent, choice"),
        ("/vote P1 ²", "There is no poll P1."),
    ],
)
async def test_numbers_that_only_look_like_numbers_get_a_clear_answer(
    group: Harness, typed: str, answer: str
) -> None:
    seen = text(await group.say("Ana", typed))
    assert answer in seen and APOLOGY not in seen


async def test_a_superscript_typed_for_a_button_in_a_dialog_is_asked_again(group: Harness) -> None:
    await group.say("Eli", "/request", group=None)
    assert "has no category '²'" in text(await group.say("Eli", "²", group=None))
    assert "What do you need?" in text(await group.say("Eli", "١", group=None))  # food


async def test_decimal_digits_of_any_script_are_numbers(group: Harness) -> None:
    await group.say("Eli", "/request food Eastside: bread", group=None)
    assert "Good news: Ben will help with R1." in text(await group.say("Ben", "/claim R١"))


async def test_a_lone_surrogate_is_replaced_not_a_crash(group: Harness) -> None:
    seen = await group.say("Eli", "/request food Eastside: bread \ud800 and milk", group=None)
    post = next(s for s in seen if s.chat_id == "group:food")
    assert post.text.endswith("bread \ufffd and milk")
    named = await group.say("Odd\udfff", "/join")
    assert APOLOGY not in text(named) and "Odd\ufffd" in text(named)


async def test_invisible_and_reversing_characters_never_reach_a_group_post(group: Harness) -> None:
    seen = await group.say(
        "Eli",
        "/request food Ea\u200bst\u200dside by fri\u202eday 18:00: "
        "\u2066bread\u2069\u00ad for \ufeff2",
        group=None,
    )
    post = next(s for s in seen if s.chat_id == "group:food")
    assert post.text == "R1 · food · Eastside · by Fri 6 Mar 18:00 · bread for 2"
    assert "R1" in text(await group.say("Ben", "/requests eastside"))


async def test_emoji_sequences_and_joining_scripts_keep_their_joiners(group: Harness) -> None:
    family, persian = "👨\u200d👩\u200d👧", "می\u200cخواهم"
    seen = await group.say("Eli", f"/request food Eastside: {family} {persian}", group=None)
    post = next(s for s in seen if s.chat_id == "group:food")
    assert post.text.endswith(f"{family} {persian}")


async def test_windows_line_breaks_are_line_breaks_and_other_controls_are_refused(
    group: Harness,
) -> None:
    assert "I only understand commands" in text(await group.say("Eli", "hi\r\nthere", group=None))
    assert "invisible control characters" in text(await group.say("Eli", "hi\x1b[31m", group=None))


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("\u200b\u200d", "zed"),  # nothing visible: the handle stands in
        ("Zed\n✅ Done, with the help of Zed", "Zed ✅ Done, with the help of Zed"),
        ("Z" * 200, "Z" * 63 + "…"),
        ("Z\u202eed", "Zed"),
    ],
)
async def test_a_display_name_is_shown_on_one_line_visible_and_bounded(
    group: Harness, name: str, shown: str
) -> None:
    await group.say(name, "/join", handle="zed")
    assert f"· {shown} (@zed)\n" in text(await group.say("Ana", "/roster"))
