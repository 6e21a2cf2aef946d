"""A network assembly through the console: three groups in one network; a proposal for the
whole network is posted in each group's chat and voted there by people on one, two and three
rosters, each counted once, with each group's part shown."""

import re
from pathlib import Path

from tests.scenarios.test_console import minga
from tests.scenarios.test_two_groups_network import FOUNDERS

JOINS = """:clock 2026-03-02 {time}
:group {group}
:as {founder}
/setup {group}
:as {second}
/join
:as {third}
/join
:as {founder}
/propose Join Barquisimeto do network join {code}
:press 1
:as {second}
:press 1
:as {third}
:press 1
"""

ASSEMBLY = """:clock 2026-03-02 11:00
:group Free Food Eastside
:as Chioma
/propose Share the truck between our groups ; network
:as Ben
/vote P4 agree
:as Ana
/vote P4 agree
:group Bakery
:as Ben
/vote P4 disagree
:as Gus
/vote P4 agree
:group Garden
:as Ben
/vote P4 agree
:as Ana
/vote P4 agree
:as Ivo
/vote P4 agree
:advance 1m
"""


def test_a_network_proposal_is_voted_once_by_each_person(tmp_path: Path) -> None:
    formed = minga(tmp_path, FOUNDERS)
    shared = re.search(r"do network join (\w{4}-\w{4})", formed)
    assert shared, formed
    for time, group, people in (
        ("10:00", "Bakery", ("Fay", "Gus", "Ben")),
        ("10:30", "Garden", ("Ivo", "Ana", "Ben")),
    ):
        founder, second, third = people
        joined = minga(
            tmp_path,
            JOINS.format(
                time=time,
                group=group,
                founder=founder,
                second=second,
                third=third,
                code=shared.group(1),
            ),
        )
        assert f"{group} joined the network Barquisimeto" in joined
    out = minga(tmp_path, ASSEMBLY)
    # Posted in the three groups' chats (the console names a chat it has not spoken in yet
    # by its id: [group:bakery]).
    assert out.count("minga says:\n  P4 · proposal · Share the truck between our groups") == 3
    assert out.count("minga edits its post:\n  P4 · proposal") == 3
    assert "Your vote on P4 is changed." in out  # Ben, again, from another group's chat
    assert "Your vote on P4 was already counted just so" in out  # Ana, the same again
    # Ana, Ben, Chioma; Fay, Gus; Ivo: six people on the three rosters of three each.
    last = out.rsplit("Voted: ", 1)[1].split("\n")[0]
    assert last == "4 of 6 · Free Food Eastside 2 of 3 · Bakery 2 of 3 · Garden 3 of 3"
