"""The group decides, in its own chat, to move the distribution to Sunday."""

from pathlib import Path

from tests.scenarios.test_console import minga

SCRIPT = """:clock 2026-03-02 09:00
:dm
/start
:group Free Food Eastside
/setup Free Food Eastside
:as Ben
/join
:as Chioma
/join
:as Dev
/join
:as Ana
/shift add "Box distribution" sat 10:00-13:00 weekly places 12 roles packer:4,table:6,driver:2
/signup S1 packer
/propose Move the distribution to Sunday do shift move S1 sun 10:00 all
:press 1
:as Ben
/vote P1 block the hall is rented out on Sundays until April
:as Ana
/close P1
/propose Move the distribution to Sunday, at the church do shift move S1 sun 10:00 all; quorum 50%
:press 1
:as Ben
:press 1
:as Chioma
:press 2
:as Dev
:press 1
/shifts
:as Ana
/myshifts
"""


def test_a_block_then_a_revised_proposal_that_moves_the_series(tmp_path: Path) -> None:
    out = minga(tmp_path, SCRIPT)
    first, _, second = out.partition("/propose Move the distribution to Sunday, at the church")
    assert (
        "P1 is closed: Move the distribution to Sunday\n  It is blocked.\n"
        "  block: “the hall is rented out on Sundays until April”" in first
    )
    assert "Carrying out" not in first
    assert "P2 is closed: Move the distribution to Sunday, at the church\n  It passed." in second
    assert "Carrying out P2: /shift move S1 sun 10:00 all" in second
    assert "4 shifts moved; the people on them are told." in second
    assert "S1 (Box distribution) moved: it is now Sun 8 Mar 10:00–13:00." in second
    assert "S1 · Box distribution · Sun 8 Mar 10:00–13:00 · packer 1/4" in second
    assert second.rstrip().endswith("S1 · Box distribution · Sun 8 Mar 10:00–13:00 · packer")
