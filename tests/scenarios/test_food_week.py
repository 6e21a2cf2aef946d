"""A week of the free-food project, typed into the console chat by the people who live it."""

from pathlib import Path

from tests.scenarios.test_console import minga

WEEK = """
:as Eli
:dm
/start
/request food Eastside by friday: 2 boxes for a family of 4
/request ride Westside by tomorrow 10:00: a lift to the clinic
:as Ben
:dm
/start
:group
/requests
/claim R1
:dm
/msg R1 I can bring them on Thursday after 5, is that ok?
:as Eli
/msg R1 yes, thank you! Ring twice
:as Chioma
:group
/claim R2
/unclaim R2
:as Dev
:dm
/start
/offer food Eastside until saturday: 10 loaves of bread
:as Eli
/request food Eastside by saturday: bread for the kids
:as Ana
:dm
/start
/offer ride Westside: a ride on Saturday morning
:advance 3d
:as Ben
/done R1
:as Eli
/thanks R1 The kids loved it
/mine
"""


def test_a_week_of_requests_offers_and_help(tmp_path: Path) -> None:
    # Three days: past R2's "tomorrow 10:00" and its day of grace at any hour of a run.
    out = minga(tmp_path, WEEK, demo=True)
    assert "R1 is posted in Free Food Eastside, without your name." in out
    assert "2 open requests:" in out
    assert "✋ Ben is helping." in out
    assert "Good news: Ben will help with R1." in out
    assert "About R1, Ben writes:\n  I can bring them on Thursday after 5, is that ok?" in out
    assert "About R1, the person who asked writes:\n  yes, thank you! Ring twice" in out
    assert "R2 is open again: can someone else help?" in out
    assert "A new request may fit your offer O1:" in out  # Dev hears of Eli's bread request
    assert "An offer may fit your request R2:" in out  # Eli hears of Ana's ride
    assert "R2 has expired. If you still need it, /reopen R2." in out
    assert "✅ Done, with the help of Ben." in out
    assert "Thanks: “The kids loved it”" in out
    mine = out.split("/mine")[-1]
    assert "R1 · food · Eastside" in mine and "(done)" in mine and "(expired)" in mine
