"""Two groups in a network, through the console: a request nobody took at home is claimed by
a volunteer of the sibling group, the relay works both ways and no name crosses over except
where the person who asked chose; an offer shared with the network is counted down once."""

import re
from pathlib import Path

from tests.scenarios.test_console import minga
from tests.scenarios.test_two_groups_network import FOUNDERS

JOIN = """:clock 2026-03-02 10:00
:group Bakery
:as Fay
/setup Bakery
:as Gus
/join
:as Hana
/join
:as Fay
/propose Join Barquisimeto do network join {code}
:press 1
:as Gus
:press 1
:as Hana
:press 1
:advance 2d
:group Free Food Eastside
:as Eli
/join
"""

# Eli asks through the dialog: his name on his own group's post, as he chooses, and yes to
# the network. Nobody at home takes it in a day; Gus of Bakery does, from Bakery's chat.
REFERRED = """:dm
/start
/request
food
2 boxes for a family of 4
Eastside
asap
normal
relay
yes
yes
:as Gus
:dm
/start
:advance 25h
:group Bakery
:press 1
:as Eli
:dm
/msg R1 thank you, corner of 5th and Main
:as Gus
:dm
/msg R1 on my way
/done R1
"""

SHARED = """:as Chioma
:dm
/start
/offer food Eastside network: 2 loaves of bread
:as Gus
:group Bakery
:press 1
:as Eli
:group Free Food Eastside
:press 1
:as Hana
:group Bakery
/take O1
"""

AT_ONCE = """:as Ana
:group Free Food Eastside
/set refer_at_once on
:as Eli
:dm
/start
/request food Eastside network-now: soup for two tonight
"""


def networked(tmp_path: Path, then: str) -> str:
    """Free Food Eastside (Ana, Ben, Chioma; Eli joins later) and Bakery (Fay, Gus, Hana)
    form the network Barquisimeto, each by its own proposal; what follows is `then`."""
    formed = minga(tmp_path, FOUNDERS)
    code = re.search(r"do network join (\w{4}-\w{4})", formed)
    assert code, formed
    out = minga(tmp_path, JOIN.format(code=code.group(1)) + then)
    assert "Bakery joined the network Barquisimeto, with: Free Food Eastside." in out
    return out.partition("Eli (Free Food Eastside)> /join\n")[2]


def said(out: str, chat: str) -> list[str]:
    """What minga wrote in a chat, message by message (without people's own lines)."""
    blocks = re.findall(r"^\[([^\]]+)\] minga (?:says|edits its post):\n((?:  .*\n?)*)", out, re.M)
    return [body for where, body in blocks if where == chat]


def test_a_request_referred_is_claimed_in_the_sibling_group_and_no_name_crosses(
    tmp_path: Path,
) -> None:
    out = networked(tmp_path, REFERRED)
    home = [body for body in said(out, "Free Food Eastside") if "R1" in body]
    away = [body for body in said(out, "Bakery") if "R1" in body]
    assert "asked by Eli" in home[0]  # as he chose, in his own group
    assert away[0].startswith("  From Free Food Eastside, in the network:\n  R1 · food · Eastside")
    assert "✋ A volunteer of Bakery is helping." in home[-2]
    assert "✅ Done, with the help of a volunteer of Bakery." in home[-1]
    assert "✅ Done, with the help of Gus." in away[-1]
    eli, gus = "\n".join(said(out, "Eli, private")), "\n".join(said(out, "Gus, private"))
    assert "so I offered it, without your name, to the other groups" in eli
    assert "Good news: Gus, a volunteer of Bakery, will help with R1." in eli
    assert "About R1, the person who asked writes:\n  thank you, corner of 5th and Main" in gus
    assert "About R1, Gus writes:\n  on my way" in eli
    assert "R1 is marked done." in eli
    # Eli's name reaches no one in Bakery; Gus's name, nobody in Free Food but Eli.
    for chat in ("Bakery", "Fay, private", "Gus, private", "Hana, private"):
        assert not any("Eli" in body for body in said(out, chat)), chat
    assert not any("Gus" in body for body in said(out, "Free Food Eastside"))


def test_an_offer_shared_with_the_network_is_counted_down_once(tmp_path: Path) -> None:
    out = networked(tmp_path, SHARED)
    home = [body for body in said(out, "Free Food Eastside") if "O1 ·" in body]
    away = [body for body in said(out, "Bakery") if "O1 ·" in body]
    line = "O1 · food · Eastside · 2 loaves of bread · offered by Chioma"
    assert home[0].startswith(f"  {line} · 2 left") and away[0].startswith(f"  {line} · 2 left")
    taken_in_bakery = out.partition("Gus (Bakery)> :press 1\n")[2].partition("> ")[0]
    assert taken_in_bakery.count(f"{line} · 1 left") == 2  # one edit in each group, once
    assert "Gus (@gus) would like one of O1" in "\n".join(said(out, "Chioma, private"))
    assert f"{line} · 0 left\n  All taken." in home[-1]
    assert f"{line} · 0 left\n  All taken." in away[-1]
    assert "Sorry, O1 has all been taken or has ended." in out.partition("/take O1")[2]


def test_a_group_that_allows_it_offers_a_request_to_the_network_at_once(tmp_path: Path) -> None:
    out = networked(tmp_path, AT_ONCE)
    assert (
        "I'll offer it now, without your name, to the other groups of the network that help "
        "with it, and tell you where it went." in out
    )
    [post] = [body for body in said(out, "Bakery") if "R1" in body]
    assert post.startswith("  From Free Food Eastside, in the network:\n  R1 · food")
    assert ":advance" not in out  # no time passed


# Bakery serves Westside and Old Town: a request in Eastside stays at home, and Eli hears
# so; one in Old Town is offered to Bakery.
AREAS = """:as Fay
:group Bakery
/set areas Westside, Old Town
:as Ana
:group Free Food Eastside
/set refer_at_once on
/network
:as Eli
:dm
/start
/request food Eastside network-now: soup for two tonight
/request food old town, near the church network-now: bread for one
"""


def test_a_request_is_offered_only_to_the_groups_that_serve_its_area(tmp_path: Path) -> None:
    out = networked(tmp_path, AREAS)
    network = out.partition("Ana (Free Food Eastside)> /network\n")[2].partition("> ")[0]
    every = "food, ride, errand, housing, legal, medical, childcare, other"
    assert f"  • Free Food Eastside – {every} · any area\n" in network
    assert f"  • Bakery – {every} · areas: Westside, Old Town\n" in network
    away = [body for body in said(out, "Bakery") if "From Free Food Eastside" in body]
    assert len(away) == 1
    assert away[0].startswith(
        "  From Free Food Eastside, in the network:\n  R2 · food · old town, near the church"
    )
    eli = "\n".join(said(out, "Eli, private"))
    assert (
        "None of the other groups of the network serves the category of R1 in its area, so it "
        "stays in Free Food Eastside."
    ) in eli
    assert "I offered R2, without your name, to the other groups of the network" in eli
    assert "I offered R1" not in eli
