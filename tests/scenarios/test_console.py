"""The console chat as a person uses it: a real `minga` process reading a conversation."""

import subprocess
import sys
from pathlib import Path

import pytest


def minga(tmp_path: Path, lines: str, *args: str, demo: bool = False, groups: str = "") -> str:
    """Run `python -m bot` in tmp_path with its own database and the given input lines;
    `groups` is the [groups] section of its configuration (new groups' settings)."""
    config = tmp_path / "minga.toml"
    config.write_text(
        f'[storage]\nurl = "sqlite:///{tmp_path}/minga.db"\n[console]\ndemo = {str(demo).lower()}\n'
        f"[groups]\n{groups}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", *(args or ("run",)), "--config", str(config)],
        input=lines,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_first_run_shows_the_demo_group_and_what_to_type(tmp_path: Path) -> None:
    out = minga(tmp_path, "/roster\n/trust @eli\n:as Ben\n/trust @eli\n", demo=True)
    assert "A demo group is ready: Free Food Eastside." in out
    assert "Roster of Free Food Eastside: 5 people." in out
    assert "· Eli (@eli)" in out
    assert "Eli is now a trusted member of Free Food Eastside, vouched for by Ana, Ben." in out


def test_the_demo_is_seeded_once(tmp_path: Path) -> None:
    minga(tmp_path, "", demo=True)
    again = minga(tmp_path, "/roster\n", demo=True)
    assert "A demo group is ready" not in again
    assert "Roster of Free Food Eastside: 5 people." in again


def test_a_dialog_goes_on_in_a_new_process(tmp_path: Path) -> None:
    first = minga(tmp_path, ":group Rides\n/setup\n")
    assert "Ana: What is the group called?" in first
    second = minga(tmp_path, ":group Rides\nRides West\n/roster\n")
    assert "Welcome to minga, Rides West!" in second
    assert "Roster of Rides West: 1 person." in second


def test_buttons_people_and_the_clock(tmp_path: Path) -> None:
    out = minga(
        tmp_path,
        "\n".join(
            [
                ":press 1",
                ":group Food",
                "/setup Food",
                ":as Ben",
                ":press 1",
                ":press 9",
                ":press ²",
                ":press 99999999999999999999",
                ":advance soon",
                ":advance 25h",
                ":dm",
                "/start",
                ":quit",
                "/never-read",
            ]
        )
        + "\n",
    )
    assert "No message with buttons yet." in out
    assert "[Food] minga edits its post:" in out
    assert "Welcome, Ben! You are on the roster of Food as a founding trusted member." in out
    assert out.count("Press a number from 1 to 1, like :press 1.") == 3
    assert "Say how far, like :advance 2h" in out
    assert "The founding days of Food are over, with 2 trusted members." in out
    assert "[Ben, private] minga says:" in out
    assert "never-read" not in out.split(":quit")[-1]


def test_a_clock_jump_runs_each_reminder_at_its_time_never_late(tmp_path: Path) -> None:
    out = minga(
        tmp_path,
        "\n".join(
            [
                ":dm",
                "/start",
                ":group Food",
                "/setup Food",
                '/shift add "Soup" sat 10:00-13:00 places 2',
                "/signup S1",
                ":advance 8d",
            ]
        )
        + "\n",
    )
    assert out.count("Reminder: S1 · Soup") == 2  # a day before, and two hours before
    assert "Sent late" not in out  # minga was running all along: nothing was late


@pytest.mark.parametrize("line", [":help", ":what"])
def test_console_lines_are_explained(tmp_path: Path, line: str) -> None:
    assert ":press N" in minga(tmp_path, line + "\n")
