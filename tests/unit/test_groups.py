"""A group without admins: setting up, the roster, founding members, settings."""

from bot.dispatch import handle
from bot.messages import Arrived
from tests.harness import Harness, Seen, text


async def test_setup_posts_a_welcome_with_a_join_button(bot: Harness) -> None:
    seen = await bot.say("Ana", "/setup Free Food")
    assert len(seen) == 1
    assert "Welcome to minga, Free Food!" in seen[0].text
    assert seen[0].buttons == ("join",)
    assert "On the roster: 1 person." in seen[0].text


async def test_setup_asks_for_the_name_when_not_given(bot: Harness) -> None:
    asked = await bot.say("Ana", "/setup")
    assert "Ana: What is the group called?" in text(asked)
    done = await bot.say("Ana", "Free Food")
    assert "Welcome to minga, Free Food!" in text(done)


async def test_a_taken_name_is_asked_again_and_nothing_is_created(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    await bot.say("Zoe", "/setup", group="other")
    again = await bot.say("Zoe", "free food", group="other")
    assert "There is already a group called free food" in text(again)
    assert "What is the group called?" in text(again)
    await bot.say("Zoe", "/roster", group="other")
    assert "not part of a minga group yet" in bot.seen[-1].text
    created = await bot.say("Zoe", "Rides West", group="other")
    assert "Welcome to minga, Rides West!" in text(created)


async def test_setup_twice_in_one_chat_is_refused(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    seen = await bot.say("Ben", "/setup Other")
    assert text(seen) == "This chat already belongs to Free Food."


async def test_people_joining_in_the_founding_days_are_trusted(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    bot.clock.advance(hours=23)
    seen = await bot.say("Ben", "/join")
    assert "as a founding trusted member" in seen[0].text
    assert seen[1].edit and "On the roster: 2 people." in seen[1].text
    bot.clock.advance(hours=2)
    later = await bot.say("Chioma", "/join")
    assert "Trusted members can vouch for you with /trust" in later[0].text
    roster = text(await bot.say("Ana", "/roster"))
    assert "★ Ben (@ben)" in roster and "· Chioma (@chioma)" in roster


async def test_the_end_of_the_founding_days_is_announced_once(bot: Harness) -> None:
    await bot.setup_group()
    announced = [s for s in bot.seen if "founding days of Free Food are over" in s.text]
    assert len(announced) == 1
    assert "with 4 trusted members" in announced[0].text
    assert "when 2 trusted members vouch" in announced[0].text
    assert await bot.fire_due() == []


async def test_join_by_button_and_twice(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    first = await bot.press("Ben", "join")
    assert "Welcome, Ben!" in first[0].text
    second = await bot.press("Ben", "join")
    assert text(second) == "Ben, you are already on the roster of Free Food."


async def test_leave_and_come_back(bot: Harness) -> None:
    await bot.setup_group()
    left = await bot.say("Dev", "/leave")
    assert "Dev left the roster of Free Food." in left[0].text
    assert "On the roster: 3 people." in left[1].text
    assert "Dev" not in text(await bot.say("Ana", "/roster"))
    again = await bot.say("Dev", "/leave")
    assert text(again) == "You are not on the roster of Free Food."
    back = await bot.say("Dev", "/join")
    assert "vouch for you" in back[0].text  # the founding days are over: a newcomer again


async def test_roster_is_paged(bot: Harness) -> None:
    await bot.say("Ana", "/setup Free Food")
    for n in range(30):
        await bot.say(f"Person{n:02}", "/join")
    first = text(await bot.say("Ana", "/roster"))
    assert "31 people" in first and "Page 1 of 2: /roster 2 for more." in first
    second = text(await bot.say("Ana", "/roster 2"))
    assert "Person29" in second and "Person00" not in second
    assert second.splitlines()[-1] == "Page 2 of 2."
    assert len(second.splitlines()) < 15


async def test_roster_commands_need_a_group(bot: Harness) -> None:
    seen = await bot.say("Ana", "/join", group="nowhere")
    assert "not part of a minga group yet" in text(seen)
    private = await bot.say("Ana", "/join", group=None)
    assert "/join needs the invitation code" in text(private)


async def test_trusted_members_change_settings_and_everyone_sees_it(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    refused = await bot.say("Eli", "/set timezone Europe/Madrid")
    assert text(refused).startswith("Only trusted members can change this directly.")
    changed = await bot.say("Ana", "/set timezone europe/madrid")
    assert text(changed) == "Ana set timezone to Europe/Madrid."
    assert "timezone = Europe/Madrid" in text(await bot.say("Eli", "/settings"))


async def test_bad_setting_values_change_nothing(bot: Harness) -> None:
    await bot.setup_group()
    typo = await bot.say("Ana", "/set timezone Europe/Madird")
    assert "Did you mean Europe/Madrid?" in text(typo)
    unknown = await bot.say("Ana", "/set colour blue")
    assert "There is no setting 'colour'" in text(unknown)
    settings = text(await bot.say("Ana", "/settings"))
    assert "timezone = UTC" in settings and "colour" not in settings


async def test_every_change_is_in_the_audit_log(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Ana", "/set timezone Europe/Madrid")
    async with bot.core.uow() as uow:
        group = await uow.groups.by_name("Free Food")
        assert group is not None
        actions = [entry.action for entry in await uow.audit.of_group(group.id)]
    assert actions == ["group.setup", "member.join", "member.join", "member.join", "setting.set"]


async def test_an_invitation_brings_people_onto_the_roster_privately(bot: Harness) -> None:
    await bot.setup_group()
    assert "Only trusted members can invite" in text(await bot.say("Zed", "/invite"))
    seen = await bot.say("Ana", "/invite")
    code = seen[0].buttons[0].split()[1]
    assert f"whoever sends /join {code[:4]}-{code[4:]} to me" in seen[0].text
    for who in ("Rosa", "Omar"):
        joined = await bot.say(who, f"/join {code}", group=None)
        assert f"Welcome, {who}! You are on the roster of Free Food." in text(joined)
        assert not any(s.chat_id == "group:food" and who in s.text for s in joined)
    assert "invitation code a group gave you" in text(await bot.say("Sam", "/join", group=None))
    assert "That code is an invitation" in text(
        await bot.say("Ana", f"/link {code}", group="other")
    )
    bot.clock.advance(days=8)
    assert "does not work (any more)" in text(await bot.say("Sam", f"/join {code}", group=None))
    assert "Rosa" in text(await bot.say("Ana", "/roster"))


async def test_where_a_platform_can_answer_a_press_privately_it_does_exactly_once(
    bot: Harness,
) -> None:
    await bot.say("Ana", "/setup Free Food")
    joined = await bot.press("Ben", "join", toast=True)
    assert [(s.toast, s.text.split("!")[0]) for s in joined if not s.edit] == [
        (True, "Welcome, Ben")
    ]
    again = await bot.press("Ben", "join", toast=True)
    assert [(s.toast, s.text) for s in again] == [
        (True, "Ben, you are already on the roster of Free Food.")
    ]
    forged = await bot.press("Ben", "help", toast=True, message_id=joined[0].message_id)
    assert [(s.toast, s.text) for s in forged] == [
        (True, "That button is not on that message (any more), so I did nothing.")
    ]


async def test_someone_who_comes_into_a_groups_chat_is_offered_the_roster_once_on_it_not(
    group: Harness,
) -> None:
    async def arrives(who: str) -> list[Seen]:
        await handle(group.core, Arrived(f"arrived-{who}", group.group_chat(), group.sender(who)))
        return await group.flush()

    seen = await arrives("Mia")
    assert seen[0].text.startswith("Welcome, Mia! This chat belongs to Free Food")
    assert seen[0].buttons == ("join",)
    assert await arrives("Ben") == []  # already on the roster
    await handle(
        group.core, Arrived("arrived-elsewhere", group.group_chat("other"), group.sender("Leo"))
    )
    assert await group.flush() == []  # a chat that is no group's
