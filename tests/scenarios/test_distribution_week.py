"""A Saturday distribution week, typed into the console by everyone who lives it.

12 volunteers hand out boxes (two more are ready to step in), 50 recipients book pickup
windows, 10 donor places are collected from. A place is given away, two volunteers swap,
one cancels late and the waitlist fills the gap; every reminder is counted.
"""

import re
from collections import Counter

import pytest

from tests.scenarios.test_console import minga

VOLUNTEERS = [f"Vol{n:02}" for n in range(1, 15)]
RECIPIENTS = [f"Rec{n:02}" for n in range(1, 51)]
ROLES = ["packer"] * 4 + ["table"] * 6 + ["driver"] * 2  # Vol01..Vol12, in order


def week() -> str:
    lines = [
        ":clock 2026-03-02 09:00",
        ":dm",
        "/start",
        ":group Free Food Eastside",
        "/setup Free Food Eastside",
        '/shift add "Box distribution" sat 10:00-13:00 weekly places 12 '
        "roles packer:4,table:6,driver:2",
    ]
    lines += [
        f'/shift add "Bread at bakery {k}" fri 08:00-08:30 weekly places 1 collection'
        for k in range(1, 11)
    ]
    lines += ["/set pickup_grace_minutes 120", "/pickups open sat 13:00-15:00 every 15 boxes 6"]
    for who in [*VOLUNTEERS, *RECIPIENTS]:
        lines += [f":as {who}", ":group", "/join", ":dm", "/start", ":group"]
    for who, role in zip(VOLUNTEERS, ROLES, strict=False):
        lines += [f":as {who}", f"/signup S1 {role}"]
    lines += [
        ":as Vol13",
        "/signup S1 table",
        ":as Ana",
        "/signup S1 table",
        ":as Vol14",
        "/signup S2 driver",
    ]
    for k, who in enumerate(VOLUNTEERS[2:12]):  # Vol03..Vol12 collect, two Fridays each
        lines += [f":as {who}", f"/signup S{5 + 4 * k} 2"]
    for n, who in enumerate(RECIPIENTS):  # each takes the first free window; 48 boxes: the
        # last two are asked whether to wait, and press yes
        lines += [f":as {who}", ":dm", "/pickup", "1" if n < 48 else ":press 1"]
    lines += [
        ":clock 2026-03-03 09:00",
        ":as Vol05",
        ":group",
        "/giveaway S1",
        ":as Vol13",
        ":dm",
        "/take S1",
        ":clock 2026-03-04 09:00",
        ":as Vol01",
        ":dm",
        "/swap S1 S2",
        ":as Vol14",
        ":dm",
        ":press 1",
        # Each reminder's own time: the evening before the bread, a day and two hours
        # before the distribution, two hours before each pickup window.
        ":clock 2026-03-05 20:00",
        ":clock 2026-03-06 10:00",
        ":clock 2026-03-07 08:00",
        ":as Vol06",
        ":dm",
        ":clock 2026-03-07 08:30",
        "/withdraw S1",
        *(f":clock 2026-03-07 {11 + q // 4}:{q % 4 * 15:02}" for q in range(8)),
        ":clock 2026-03-07 14:00",
        ":as Ana",
        ":group",
        "/pickups",
    ]
    lines += [f"/collected B{n}" for n in range(1, 49) if n not in (3, 11, 19)]
    lines += [":clock 2026-03-07 17:30", "/shifts", "/myshifts"]
    return "\n".join(lines) + "\n"


def messages(out: str) -> list[tuple[str, str]]:
    """(where, text) of everything minga said, from the console's transcript."""
    found = re.findall(
        r"^\[([^\]]+)\] minga (?:says|edits its post):\n((?:  .*\n?)*)", out, re.MULTILINE
    )
    return [(where, "\n".join(line[2:] for line in body.splitlines())) for where, body in found]


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, str]]:
    return messages(minga(tmp_path_factory.mktemp("week"), week()))


def said_to(transcript: list[tuple[str, str]], who: str, text: str) -> int:
    return sum(text in body for where, body in transcript if where == f"{who}, private")


@pytest.mark.slow
def test_the_distribution_is_filled_and_the_waitlist_takes_the_gaps(
    transcript: list[tuple[str, str]],
) -> None:
    assert (
        said_to(transcript, "Vol13", "a table place is up for grabs, and you are asked first") == 1
    )
    assert said_to(transcript, "Vol05", "Vol13 took your table place on S1") == 1
    assert said_to(transcript, "Vol01", "Vol14 accepted: your trade of S1 and S2 is done.") == 1
    assert said_to(transcript, "Ana", "A place freed up: you are now on S1") == 1
    final = [body for where, body in transcript if body.startswith("S1 · Box distribution")][-1]
    assert final.splitlines()[1:4] == [
        "packer 4/4: Vol14, Vol02, Vol03, Vol04",
        "table 6/6: Vol13, Vol07, Vol08, Vol09, Vol10, Ana",
        "driver 2/2: Vol11, Vol12",
    ]


def test_every_reminder_went_out_on_time(transcript: list[tuple[str, str]]) -> None:
    assert not [body for _, body in transcript if "(Sent late" in body]


def test_every_volunteer_on_the_day_is_reminded_twice_and_nobody_else(
    transcript: list[tuple[str, str]],
) -> None:
    reminded = Counter(
        where.removesuffix(", private")
        for where, body in transcript
        if body.startswith("Reminder: S1 · Box distribution")
    )
    on_the_day = {
        "Vol02",
        "Vol03",
        "Vol04",
        "Vol14",
        "Vol13",
        "Vol06",
        "Vol07",
        "Vol08",
        "Vol09",
        "Vol10",
        "Vol11",
        "Vol12",
    }
    assert reminded == Counter({who: 2 for who in on_the_day})  # Vol06 left after both


def test_donor_pickups_are_reminded_the_evening_before(transcript: list[tuple[str, str]]) -> None:
    for k, who in enumerate(VOLUNTEERS[2:12]):
        assert (
            said_to(
                transcript,
                who,
                f"Reminder: S{5 + 4 * k} · Bread at bakery {k + 1} · Fri 6 Mar 08:00–08:30",
            )
            == 1
        )


def test_recipients_are_reminded_and_boxes_left_go_to_the_waiting(
    transcript: list[tuple[str, str]],
) -> None:
    for who in RECIPIENTS[:48]:
        assert said_to(transcript, who, "Reminder: your food box") == 1
    for who in RECIPIENTS[48:]:
        assert said_to(transcript, who, "All boxes are booked right now") == 1
    missed = [who for who in RECIPIENTS if said_to(transcript, who, "was not collected")]
    assert missed == ["Rec03", "Rec11", "Rec19"]
    told = [
        who
        for who in RECIPIENTS[48:]
        if said_to(transcript, who, "A food box is free for you today")
    ]
    assert told == ["Rec49", "Rec50"]


def test_the_table_saw_numbers_not_names(transcript: list[tuple[str, str]]) -> None:
    table = next(body for where, body in transcript if body.startswith("Pickups today:"))
    assert "B1" in table and "Rec" not in table
