"""A request nobody in its group took is offered, with the asker's consent, to the sibling
groups of its network whose categories and areas fit: anonymous as at home, claimed by one
volunteer network-wide, relayed as within a group."""

import asyncio

import pytest

from bot.dispatch import handle
from bot.messages import ButtonPress
from bot.settings import in_area
from tests.conftest import Built
from tests.harness import Harness, in_chat, text
from tests.unit.test_networks import CODE, formed, passed

BAKERS = ("Fay", "Gus", "Hana")
READERS = ("Ida", "Jon", "Kim")


async def found_group(bot: Harness, chat: str, name: str, founders: tuple[str, ...]) -> None:
    await bot.say(founders[0], f"/setup {name}", group=chat)
    for who in founders[1:]:
        await bot.say(who, "/join", group=chat)
    for who in founders:
        await bot.say(who, "/start", group=None)


async def siblings(bot: Harness) -> None:
    """Free Food (Ana, Ben, Chioma, Dev; Eli a newcomer), Bakery (Fay, Gus, Hana) and Books
    (Ida, Jon, Kim; it serves no food) in the network Barquisimeto."""
    await bot.setup_group()
    await bot.say("Eli", "/join")
    await bot.say("Eli", "/start", group=None)
    await found_group(bot, "bakery", "Bakery", BAKERS)
    await found_group(bot, "books", "Books", READERS)
    bot.clock.advance(days=2)
    await bot.fire_due()
    await bot.say("Ida", "/set categories books, ride", group="books")
    code = await formed(bot)
    await passed(bot, f"Join do network join {code}", "bakery", BAKERS)
    await passed(bot, f"Join do network join {code}", "books", READERS)
    bot.clock.advance(days=3)
    await bot.fire_due()


@pytest.fixture
async def net(bot: Harness, built: Built) -> Harness:
    await built(bot, siblings)
    return bot


async def dialog(bot: Harness, category: str, show_name: str = "no") -> list[str]:
    """Eli's dialog up to the question about the network; the buttons it offers."""
    await bot.say("Eli", "/request", group=None)
    for answer in (category, "some help", "Eastside", "asap", "normal", "relay", show_name):
        seen = await bot.say("Eli", answer, group=None)
    assert "May I offer it to the other groups of the network" in text(seen), text(seen)
    return list(seen[-1].buttons)


async def test_the_dialog_asks_whether_the_network_may_help_yes_proposed(net: Harness) -> None:
    assert await dialog(net, "food") == [">yes", ">no"]


async def test_for_a_sensitive_category_it_proposes_no(net: Harness) -> None:
    assert await dialog(net, "legal") == [">no", ">yes"]


async def test_a_group_in_no_network_is_not_asked(group: Harness) -> None:
    await group.say("Eli", "/request", group=None)
    for answer in ("food", "some help", "Eastside", "asap", "normal", "relay"):
        await group.say("Eli", answer, group=None)
    seen = await group.say("Eli", "no", group=None)
    assert "R1 is posted in Free Food" in in_chat(seen, "dm:eli")


ONE_LINE = "/request food Eastside network: 2 boxes for a family of 4"


def posts(bot: Harness, chat: str) -> list[str]:
    return [s.text for s in bot.seen if s.chat_id == f"group:{chat}" and "R1" in s.text]


async def test_one_line_with_network_is_offered_to_the_groups_that_serve_food_after_a_day(
    net: Harness,
) -> None:
    asked = in_chat(await net.say("Eli", ONE_LINE, group=None), "dm:eli")
    assert "If nobody in Free Food takes it within 24 hours, I'll offer it" in asked
    await net.later(hours=23)
    assert posts(net, "bakery") == []
    seen = await net.later(hours=1)
    post = next(s for s in seen if s.chat_id == "group:bakery")
    assert post.text == (
        "From Free Food, in the network:\nR1 · food · Eastside · as soon as possible · "
        "2 boxes for a family of 4"
    )
    assert post.buttons == ("claim 1",)
    assert posts(net, "books") == []  # Books helps with no food
    assert "so I offered it, without your name" in in_chat(seen, "dm:eli")


async def test_without_the_word_it_stays_in_the_group(net: Harness) -> None:
    asked = await net.say("Eli", ONE_LINE.replace(" network", ""), group=None)
    assert "I'll offer it" not in text(asked)
    await net.later(hours=30)
    assert posts(net, "bakery") == []


async def test_a_request_taken_at_home_is_not_offered(net: Harness) -> None:
    await net.say("Eli", ONE_LINE, group=None)
    await net.press("Ben", "claim 1")
    await net.later(hours=30)
    assert posts(net, "bakery") == []


async def test_a_sensitive_request_stays_home_with_the_proposed_answer(net: Harness) -> None:
    proposed = await dialog(net, "legal")
    await net.say("Eli", proposed[0].removeprefix(">"), group=None)
    await net.later(hours=30)
    assert posts(net, "bakery") == []


async def test_the_network_never_sees_the_name_even_when_the_group_does(net: Harness) -> None:
    await net.say("Fay", "/set categories food, legal", group="bakery")
    proposed = await dialog(net, "legal", show_name="yes")
    await net.say("Eli", proposed[1].removeprefix(">"), group=None)  # yes, after all
    assert "asked by Eli" in posts(net, "food")[-1]
    await net.later(hours=24)
    assert posts(net, "bakery") and not any("Eli" in p for p in posts(net, "bakery"))


async def test_referral_hours_zero_never_refers(net: Harness) -> None:
    await net.say("Ana", "/set referral_hours 0")
    asked = await net.say("Eli", ONE_LINE, group=None)
    assert "I'll offer it" not in text(asked)
    await net.later(hours=48)
    assert posts(net, "bakery") == []


async def test_a_group_that_left_the_network_gets_no_referrals(net: Harness) -> None:
    await net.say("Eli", ONE_LINE, group=None)
    await passed(net, "Leave do network leave", "bakery", BAKERS)
    await net.later(hours=30)
    assert posts(net, "bakery") == []


async def test_the_sibling_reads_it_in_its_own_language(net: Harness) -> None:
    await net.say("Fay", "/set language es", group="bakery")
    await net.say("Eli", ONE_LINE, group=None)
    await net.later(hours=24)
    assert posts(net, "bakery")[-1].startswith(
        "De Free Food, en la red:\nR1 · comida · Eastside · lo antes posible"
    )


async def referred(net: Harness) -> None:
    await net.say("Eli", ONE_LINE, group=None)
    await net.later(hours=24)


async def test_a_volunteer_of_a_sibling_takes_it_and_the_relay_works(net: Harness) -> None:
    await referred(net)
    seen = await net.press("Fay", "claim 1", group="bakery")
    assert posts(net, "food")[-1].endswith("✋ A volunteer of Bakery is helping.")
    assert posts(net, "bakery")[-1].endswith("✋ Fay is helping.")
    assert "Good news: Fay, a volunteer of Bakery, will help with R1." in in_chat(seen, "dm:eli")
    assert "You are helping with R1." in in_chat(seen, "dm:fay")
    to_fay = await net.say("Eli", "/msg R1 thank you, Eastside corner", group=None)
    assert "About R1, the person who asked writes:" in in_chat(to_fay, "dm:fay")
    to_eli = await net.say("Fay", "/msg R1 on my way", group=None)
    assert "About R1, Fay writes:" in in_chat(to_eli, "dm:eli")
    done = await net.say("Fay", "/done R1", group=None)
    assert posts(net, "food")[-1].endswith("✅ Done, with the help of a volunteer of Bakery.")
    assert "R1 is marked done." in in_chat(done, "dm:eli")
    # No one's name crossed over: not Eli's into Bakery, not Fay's into Free Food.
    assert not any("Eli" in s.text for s in net.seen if s.chat_id == "group:bakery")
    assert not any("Fay" in s.text for s in net.seen if s.chat_id == "group:food")


async def test_a_group_not_offered_it_cannot_take_it(net: Harness) -> None:
    await referred(net)
    refused = await net.say("Ida", "/claim R1", group="books")
    assert text(refused) == "There is no request R1."  # nor does Books learn whose it is
    assert posts(net, "food")[-1].endswith("· 2 boxes for a family of 4")


async def test_one_winner_across_groups_and_the_late_one_hears_who(net: Harness) -> None:
    await net.say("Ben", "/start", group=None)
    await referred(net)
    home = net.showing("group:food", "claim 1")
    away = net.showing("group:bakery", "claim 1")
    await net.press("Gus", "claim 1", group="bakery", message_id=away)
    late = await net.press("Ben", "claim 1", message_id=home)
    assert "R1 was just taken by a volunteer of Bakery." in text(late)
    assert "Gus" not in text(late)
    assert posts(net, "food")[-1].endswith("✋ A volunteer of Bakery is helping.")


async def test_claims_at_once_from_two_groups_make_one_winner(net: Harness) -> None:
    await referred(net)
    presses = [
        ButtonPress(
            "a",
            net.group_chat("food"),
            net.sender("Ben"),
            net.showing("group:food", "claim 1"),
            "claim 1",
            None,
        ),
        ButtonPress(
            "b",
            net.group_chat("bakery"),
            net.sender("Hana"),
            net.showing("group:bakery", "claim 1"),
            "claim 1",
            None,
        ),
    ]
    await asyncio.gather(*(handle(net.core, p) for p in presses))
    await net.flush()
    mine = {who: text(await net.say(who, "/mine", group=None)) for who in ("Ben", "Hana")}
    helping = [who for who, shown in mine.items() if "R1" in shown]
    assert len(helping) == 1, mine


async def test_a_volunteer_who_gives_it_back_reopens_it_everywhere(net: Harness) -> None:
    await referred(net)
    await net.press("Fay", "claim 1", group="bakery")
    await net.say("Fay", "/unclaim R1", group=None)
    assert posts(net, "bakery")[-1].endswith("· 2 boxes for a family of 4")
    assert net.showing("group:bakery", "claim 1")


async def test_the_spanish_sibling_reads_who_took_it_in_spanish(net: Harness) -> None:
    await net.say("Ana", "/set language es")
    await referred(net)
    await net.press("Fay", "claim 1", group="bakery")
    assert posts(net, "food")[-1].endswith("✋ Una persona voluntaria de Bakery está ayudando.")


async def test_in_spanish_the_word_is_red(net: Harness) -> None:
    await net.say("Eli", "/idioma es", group=None)
    asked = await net.say("Eli", "/pedir comida Centro red: dos cajas", group=None)
    assert "lo ofreceré, sin tu nombre, a los otros grupos de la red" in text(asked)
    await net.later(hours=24)
    assert posts(net, "bakery")[-1].endswith("R1 · food · Centro · as soon as possible · dos cajas")


# "Or at once, if the requester asks and the group allows": the setting refer_at_once.


async def test_a_group_that_allows_it_offers_right_away_in_the_dialog(net: Harness) -> None:
    assert ">now" not in await dialog(net, "food")  # off by default
    await net.say("Eli", "/cancel", group=None)
    await net.say("Ana", "/set refer_at_once on")
    assert await dialog(net, "food") == [">yes", ">now", ">no"]
    asked = await net.say("Eli", "now", group=None)
    assert "I'll offer it now, without your name, to the other groups" in text(asked)
    assert posts(net, "bakery")[-1].startswith("From Free Food, in the network:\nR1 · food")
    assert "I offered R1, without your name, to the other groups" in in_chat(asked, "dm:eli")
    assert "Nobody in Free Food has taken" not in in_chat(asked, "dm:eli")


AT_ONCE = "/request food Eastside network-now: 2 boxes for a family of 4"


async def test_one_line_network_now_offers_it_at_once_where_the_group_allows(
    net: Harness,
) -> None:
    await net.say("Ana", "/set refer_at_once on")
    await net.say("Eli", AT_ONCE, group=None)
    assert posts(net, "bakery")[-1].endswith("as soon as possible · 2 boxes for a family of 4")


async def test_where_the_group_does_not_allow_it_the_usual_wait_applies(net: Harness) -> None:
    asked = await net.say("Eli", AT_ONCE, group=None)
    assert "If nobody in Free Food takes it within 24 hours, I'll offer it" in text(asked)
    await net.later(hours=23)
    assert posts(net, "bakery") == []
    await net.later(hours=1)
    assert posts(net, "bakery")


async def test_referral_hours_zero_never_refers_even_at_once(net: Harness) -> None:
    await net.say("Ana", "/set refer_at_once on")
    await net.say("Ana", "/set referral_hours 0")
    await net.say("Eli", AT_ONCE, group=None)
    await net.later(hours=48)
    assert posts(net, "bakery") == []


async def test_in_portuguese_the_word_is_rede_ja(net: Harness) -> None:
    await net.say("Ana", "/set encaminhar_já on")
    await net.say("Eli", "/idioma pt", group=None)
    asked = await net.say("Eli", "/pedir comida Centro rede-já: duas caixas", group=None)
    assert "Agora vou oferecê-lo" in text(asked), text(asked)
    assert posts(net, "bakery")[-1].endswith("duas caixas")


# "Offered to the sibling groups whose area and categories fit": a group names the areas it
# serves (/set areas); a request goes where its category fits and, when the group names any,
# one of them is in the request's area, as whole words, whatever the case and accents.


@pytest.mark.parametrize(
    ("served", "area", "fits"),
    [
        ([], "Norte", True),  # a group that names no area serves any
        (["Norte"], "", True),  # a request that says no area goes wherever its category fits
        (["Norte"], "Norte", True),
        (["Norte"], "  NORTE ", True),
        (["San José"], "san jose", True),
        (["Centro"], "Centro, cerca del mercado", True),
        (["Sur", "Barrio Norte"], "barrio  norte, casa 4", True),
        (["Norte"], "Barrio Norte", True),  # a name inside a longer one, as whole words
        (["Norte"], "Sur", False),
        (["Norte"], "Nortesur", False),  # not part of a word
        (["Barrio Norte"], "Norte", False),  # the group's whole name, not a piece of it
        (["Barrio Norte"], "Norte Barrio", False),
        (["Sur", "Oeste"], "Norte", False),
    ],
)
def test_a_group_serves_a_request_when_one_of_its_areas_is_in_the_requests_area(
    served: list[str], area: str, fits: bool
) -> None:
    assert in_area(served, area) is fits


async def test_a_trusted_member_sets_the_areas_and_settings_show_them(net: Harness) -> None:
    seen = await net.say("Fay", "/set areas Centro,  barrio Norte", group="bakery")
    assert in_chat(seen, "group:bakery") == "Fay set areas to Centro, barrio Norte."
    shown = text(await net.say("Gus", "/settings", group="bakery"))
    assert "\nareas = Centro, barrio Norte – the areas the group serves" in shown
    cleared = await net.say("Fay", "/set areas none", group="bakery")
    assert in_chat(cleared, "group:bakery") == "Fay set areas to none."
    assert "\nareas = none – " in text(await net.say("Gus", "/settings", group="bakery"))


async def test_a_newcomer_cannot_set_the_areas(net: Harness) -> None:
    refused = text(await net.say("Eli", "/set areas Norte"))
    assert "set areas to" not in refused
    assert "areas = none" in text(await net.say("Ana", "/settings"))


@pytest.mark.parametrize(
    "typed",
    [
        ", ".join(f"Zona {n}" for n in range(21)),
        "Centro, " + "x" * 41,
        ", ,,",
    ],
)
async def test_too_many_areas_one_too_long_or_only_commas_are_refused(
    net: Harness, typed: str
) -> None:
    refused = text(await net.say("Fay", f"/set areas {typed}", group="bakery"))
    assert refused == (
        "Please give 1 to 20 areas separated by commas, each at most 40 characters and 200 "
        "in all, like: Centro, Barrio Norte; or none, for any area."
    )
    assert "areas = none" in text(await net.say("Fay", "/settings", group="bakery"))


async def test_in_spanish_the_setting_is_zonas_and_none_is_ninguna(net: Harness) -> None:
    await net.say("Fay", "/set language es", group="bakery")
    seen = await net.say("Fay", "/ajustar zonas Centro, Barrio Norte", group="bakery")
    assert in_chat(seen, "group:bakery") == "Fay cambió zonas a Centro, Barrio Norte."
    seen = await net.say("Fay", "/ajustar zonas ninguna", group="bakery")
    assert in_chat(seen, "group:bakery") == "Fay cambió zonas a ninguna."


async def _garden(net: Harness) -> None:
    """A fourth group, Garden (Lia, Max), joins with a code Fay gets for it; it serves food
    and says no area."""
    await found_group(net, "garden", "Garden", ("Lia", "Max"))
    found = CODE.search(text(await net.say("Fay", "/network code", group="bakery")))
    assert found
    await passed(net, f"Join do network join {found.group()}", "garden", ("Lia", "Max"))


async def test_a_request_in_norte_goes_to_who_serves_norte_or_names_no_area(net: Harness) -> None:
    await _garden(net)
    await net.say("Ida", "/set categories books, food", group="books")
    await net.say("Ida", "/set areas Norte, Centro", group="books")
    await net.say("Fay", "/set areas Sur", group="bakery")
    await net.say("Eli", "/request food Norte, cerca del mercado network: 2 boxes", group=None)
    seen = await net.later(hours=24)
    assert posts(net, "books")[-1].startswith(
        "From Free Food, in the network:\nR1 · food · Norte, cerca del mercado"
    )
    assert posts(net, "garden")  # it names no area: it serves any
    assert posts(net, "bakery") == []  # only Sur
    assert "so I offered it, without your name" in in_chat(seen, "dm:eli")
    # Not offered to Bakery: answered as a number that does not exist.
    assert text(await net.say("Gus", "/claim R1", group="bakery")) == "There is no request R1."
    await net.press("Jon", "claim 1", group="books")
    assert posts(net, "food")[-1].endswith("✋ A volunteer of Books is helping.")


async def test_the_area_matches_without_case_or_accents(net: Harness) -> None:
    await net.say("Fay", "/set areas Barrio Norte, San José", group="bakery")
    await net.say("Eli", "/request food san jose network: 2 boxes", group=None)
    await net.later(hours=24)
    assert posts(net, "bakery")


async def test_when_no_sibling_serves_the_area_the_requester_hears_it_stays_home(
    net: Harness,
) -> None:
    await net.say("Fay", "/set areas Sur, Oeste", group="bakery")
    await net.say("Eli", "/request food Norte network: 2 boxes", group=None)
    seen = await net.later(hours=24)
    assert posts(net, "bakery") == [] and posts(net, "books") == []
    assert in_chat(seen, "dm:eli") == (
        "Nobody in Free Food has taken R1 yet, and none of the other groups of the network "
        "serves its category in its area, so it stays in Free Food."
    )
    assert "I offered" not in in_chat(net.seen, "dm:eli")


async def test_offered_at_once_where_no_sibling_serves_the_area_it_says_so(
    net: Harness,
) -> None:
    await net.say("Ana", "/set refer_at_once on")
    await net.say("Fay", "/set areas Sur", group="bakery")
    asked = await net.say("Eli", "/request food Norte network-now: 2 boxes", group=None)
    assert posts(net, "bakery") == []
    assert (
        "None of the other groups of the network serves the category of R1 in its area, so it "
        "stays in Free Food."
    ) in in_chat(asked, "dm:eli")
    assert "I offered R1" not in in_chat(asked, "dm:eli")
