"""A whole week of requests: nothing posted in a group chat names who asked, unless they chose."""

from tests.harness import Harness

VOLUNTEERS = ("Ana", "Ben", "Chioma", "Dev")
HIDDEN = ("Rosa", "Omar", "Kofi", "Mae")  # asked without showing their names
SHOWN = "Lin"  # chose to show her name


async def test_a_week_of_requests_never_names_those_who_asked(bot: Harness) -> None:
    await bot.setup_group(founders=VOLUNTEERS)
    for who in (*HIDDEN, SHOWN, *VOLUNTEERS):
        await bot.say(who, "/start", group=None)
    for who in (*HIDDEN, SHOWN):
        await bot.say(who, "/join")
    week_starts = len(bot.seen)

    # Monday: four requests, one of them by someone who shows her name.
    await bot.say("Rosa", "/request food Eastside by friday: 2 boxes for a family of 4", group=None)
    await bot.say("Omar", "/request ride Westside by tomorrow 9:00: a lift to court", group=None)
    await bot.say("Kofi", "/request", group=None)
    for answer in (
        "legal",
        "someone to come to my hearing",
        "Centre",
        "thursday 10:00",
        "urgent",
        "share",
        "no",
    ):
        await bot.say("Kofi", answer, group=None)
    await bot.say(SHOWN, "/request", group=None)
    for answer in (
        "childcare",
        "2 hours on Wednesday",
        "Eastside",
        "wednesday 15:00",
        "normal",
        "relay",
        "yes",
    ):
        question = bot.seen[-1]
        if ">" + answer in question.buttons:  # pressed where a button offers it, else typed
            await bot.press(SHOWN, ">" + answer, group=None)
        else:
            await bot.say(SHOWN, answer, group=None)
    # Tuesday: claims, a relay conversation, a volunteer who has to give one back.
    bot.clock.advance(days=1)
    await bot.press("Ben", "claim 1")
    await bot.press("Chioma", "claim 1")
    await bot.say("Rosa", "/msg R1 the blue door, after 5", group=None)
    await bot.say("Ben", "/msg R1 perfect, see you", group=None)
    await bot.press("Dev", "claim 3")
    await bot.say("Dev", "/unclaim R3", group=None)
    await bot.press("Ana", "claim 3")
    await bot.say("Ana", "/requests")
    # Some who asked forget where they are and type about their request in the group chat.
    await bot.say("Rosa", "/msg R1 running a bit late")
    await bot.press("Kofi", "claim 3")
    await bot.say("Omar", "/cancel R2")
    await bot.say("Kofi", "/done R3")
    # Wednesday: an offer that matches, a new request that matches it, a reminder.
    bot.clock.advance(days=1)
    await bot.say("Dev", "/offer food Eastside until saturday: 6 loaves of bread", group=None)
    await bot.say("Mae", "/request food Eastside by saturday: bread", group=None)
    await bot.press("Mae", "take 1")
    await bot.fire_due()
    # Thursday to Sunday: done with thanks, an expiry, a reopening, reminders.
    bot.clock.advance(days=1)
    await bot.say("Rosa", "/done R1", group=None)
    await bot.say("Rosa", "/thanks R1 Thank you so much, the kids loved it", group=None)
    await bot.say("Ana", "/done R3", group=None)
    for _ in range(3):
        bot.clock.advance(days=1)
        await bot.fire_due()
    await bot.say("Omar", "/reopen R2", group=None)
    await bot.say("Ben", "/requests")

    to_groups = [s.text for s in bot.seen[week_starts:] if s.chat_id.startswith("group:")]
    assert len(to_groups) > 20
    assert not [t for t in to_groups if "your own" in t or "yours" in t or "Passed on" in t]
    assert any(f"asked by {SHOWN}" in t for t in to_groups)
    for who in HIDDEN:
        for trace in (who, f"@{who.lower()}"):
            leaks = [t for t in to_groups if trace in t]
            assert not leaks, (who, leaks)
