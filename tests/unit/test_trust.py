"""Trust given by peers: the threshold, who may vouch, and what is refused."""

import pytest

from bot.config import GroupDefaults
from bot.model import Group
from bot.settings import vouches_needed
from tests.decide import decided
from tests.fakes import FakeClock
from tests.harness import Harness, text


@pytest.mark.parametrize(
    ("trusted", "needed"), [(0, 1), (1, 1), (3, 1), (4, 2), (5, 2), (6, 3), (50, 3)]
)
def test_default_threshold_is_half_the_trusted_between_one_and_three(
    trusted: int, needed: int
) -> None:
    now = FakeClock().now()
    group = Group(id=1, name="g", created_at=now, founding_until=now)
    assert vouches_needed(group, trusted, GroupDefaults()) == needed


async def test_a_newcomer_becomes_trusted_at_the_threshold(bot: Harness) -> None:
    await bot.setup_group()  # four founders: two vouches needed
    await bot.say("Eli", "/join")
    first = await bot.say("Ana", "/trust @eli")
    assert text(first) == "Ana vouched for Eli: 1 of 2 vouches needed."
    second = await bot.say("Ben", "/trust Eli")
    assert text(second) == "Eli is now a trusted member of Free Food, vouched for by Ana, Ben."
    assert "★ Eli" in text(await bot.say("Eli", "/roster"))


async def test_the_newly_trusted_hear_it_privately_if_they_ever_wrote_to_minga(
    bot: Harness,
) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Eli", "/language es", group=None)
    await bot.say("Fay", "/join")
    await bot.say("Ana", "/trust @eli")
    seen = await bot.say("Ben", "/trust @eli")
    assert [(s.chat_id, s.text) for s in seen if s.chat_id == "dm:eli"] == [
        (
            "dm:eli",
            "Ahora eres miembro de confianza de Free Food. Puedes avalar a personas "
            "nuevas con /avalar y enlazar otros chats con /vincular.",
        )
    ]
    await bot.say("Ana", "/trust @fay")
    fay = await bot.say("Ben", "/trust @fay")  # Fay never wrote to minga privately
    assert [s.chat_id for s in fay] == ["group:food"]


async def test_the_group_can_set_its_own_threshold(bot: Harness) -> None:
    await bot.setup_group()
    await decided(bot, "Three vouches do set vouches_needed 3")
    await bot.say("Eli", "/join")
    await bot.say("Ana", "/trust @eli")
    assert "2 of 3 vouches" in text(await bot.say("Ben", "/trust @eli"))
    assert "now a trusted member" in text(await bot.say("Chioma", "/trust @eli"))


@pytest.mark.parametrize(
    ("who", "target", "answer"),
    [
        ("Eli", "@fay", "Only trusted members can vouch for someone."),
        ("Ana", "@ana", "You can't vouch for yourself."),
        ("Ana", "@ben", "Ben is already trusted."),
        ("Ana", "@zed", "No one called @zed is on the roster of Free Food. /roster shows who is."),
    ],
)
async def test_refusals_change_nothing(bot: Harness, who: str, target: str, answer: str) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Fay", "/join")
    assert text(await bot.say(who, f"/trust {target}")) == answer
    assert "· Fay" in text(await bot.say("Ana", "/roster"))


async def test_vouching_twice_counts_once(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Ana", "/trust @eli")
    assert text(await bot.say("Ana", "/trust @eli")) == "You already vouched for Eli."
    assert "· Eli" in text(await bot.say("Ana", "/roster"))


async def test_two_people_with_one_name_need_a_handle(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Sam", "/join", handle="sam1")
    await bot.say("Sam", "/join", handle="sam2")
    assert "Please use their @handle" in text(await bot.say("Ana", "/trust Sam"))
    assert "1 of 2" in text(await bot.say("Ana", "/trust @sam2"))


async def test_withdrawn_trust_below_the_threshold_makes_a_newcomer_again(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Ana", "/trust @eli")
    await bot.say("Ben", "/trust @eli")
    assert "Eli ← Ana, Ben" in text(await bot.say("Dev", "/trusts"))
    assert text(await bot.say("Dev", "/untrust @eli")) == "You have not vouched for Eli."
    seen = await bot.say("Ben", "/untrust @eli")
    assert text(seen) == (
        "Eli is a newcomer again: fewer than 2 trusted members vouch for them now."
    )
    assert "· Eli" in text(await bot.say("Ana", "/roster"))


async def test_founding_members_keep_their_trust(bot: Harness) -> None:
    await bot.setup_group()
    assert "Nobody yet" in text(await bot.say("Ana", "/trusts"))
    assert text(await bot.say("Ana", "/untrust @ben")) == "You have not vouched for Ben."


async def test_a_proposal_can_trust_someone_directly(bot: Harness) -> None:
    await bot.setup_group()
    await bot.say("Eli", "/join")
    assert "Eli is now a trusted member of Free Food." in text(
        await decided(bot, "Trust Eli do trust @eli")
    )
