"""Two groups form a network, each by its own binding proposal, through the console: the
food group forms it and shares its code; the bakery proposes to join with it; both see the
network; the bakery leaves it the same way."""

import re
from pathlib import Path

from tests.scenarios.test_console import minga

FOUNDERS = """:clock 2026-03-02 09:00
:group Free Food Eastside
/setup Free Food Eastside
:as Ben
/join
:as Chioma
/join
:as Ana
/network create Barquisimeto
/propose Form the Barquisimeto network do network create Barquisimeto
:press 1
:as Ben
:press 1
:as Chioma
:press 1
"""

BAKERY = """:clock 2026-03-02 10:00
:group Free Food Eastside
:as Ana
/network
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
/network
:group Free Food Eastside
:as Ana
/network
:group Bakery
:as Fay
/propose Leave Barquisimeto do network leave
:press 1
:as Gus
:press 1
:as Hana
:press 1
:group Free Food Eastside
:as Ana
/network
"""


def test_two_groups_form_a_network_by_their_own_proposals(tmp_path: Path) -> None:
    formed = minga(tmp_path, FOUNDERS)
    assert "Only Free Food Eastside as a whole forms, joins or leaves a network" in formed
    assert "Carrying out P1: /network create Barquisimeto" in formed
    shared = re.search(r"do network join (\w{4}-\w{4})", formed)
    assert shared, formed
    out = minga(tmp_path, BAKERY.format(code=shared.group(1)))
    joined, _, left = out.partition("/propose Leave Barquisimeto")
    assert (
        "[Bakery] minga says:\n  Bakery joined the network Barquisimeto, with: Free Food Eastside."
        in joined
    )
    assert "[Free Food Eastside] minga says:\n  Bakery joined the network Barquisimeto." in joined
    seen = "The network Barquisimeto: 2 groups.\n  • Free Food Eastside – food"
    assert "The network Barquisimeto: 1 group.\n  • Free Food Eastside – food" in joined
    assert joined.count(seen) == 2  # from either group
    answer = joined.split("Ana (Free Food Eastside)> /network\n")[2].split("> ")[0]
    assert not {"Fay", "Gus", "Hana", "3"} & set(re.findall(r"\w+", answer))  # no baker, no size
    assert "[Free Food Eastside] minga says:\n  Bakery left the network Barquisimeto." in left
    assert "The network Barquisimeto: 1 group.\n  • Free Food Eastside – food" in left
