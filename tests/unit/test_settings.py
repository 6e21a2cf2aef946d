"""The table of group settings: the operator's file and /set read every setting alike."""

import dataclasses
import itertools
import re
from pathlib import Path

import pytest

from bot.config import load_config
from bot.model import Group
from bot.params import BadArgument
from bot.settings import SETTINGS, GroupDefaults, setting, vouches_needed
from tests.fakes import FakeClock

README = Path(__file__).resolve().parents[2] / "README.md"
NOW = FakeClock().now()
ROWS = dataclasses.fields(GroupDefaults)
ROWS_BY_NAME = {row.name: row for row in ROWS}
WORDS = [
    "auto", "0", "2", "21", "-1", "en", "Español", "fr", "", "europe/madrid", "Mars/Olympus",
    "UTC", "food", "food, ride", "Food,  RIDE, food", "a b, c", "numbers", "names", "1", "3",
    "on", "OFF", "maybe", "trusted", "proposals", "10",
]  # fmt: skip
NUMBERS = [-1, 0, 1, 9, 10, 12, 13, 20, 60, 61, 100, 336, 337, 720, 721, 1440, 3650, 3651]


def group() -> Group:
    return Group(id=1, name="Food", created_at=NOW, founding_until=NOW)


def in_the_file(tmp_path: Path, key: str, value: int | str) -> tuple[object, list[str]]:
    path = tmp_path / "minga.toml"
    written = value if isinstance(value, int) else f'"{value}"'
    path.write_text(f"[groups]\n{key} = {written}\n", encoding="utf-8")
    config, problems = load_config(path, {})
    return getattr(config.groups, key), [p.message for p in problems]


def by_set(key: str, value: int | str) -> str | None:
    """What /set keeps of this value, or None when it refuses it."""
    parse = SETTINGS[key].parse if key in SETTINGS else ROWS_BY_NAME[key].metadata["rule"].parse
    try:
        return str(parse(str(value)))
    except BadArgument:
        return None


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_every_setting_reads_its_own_default_as_it_is(row: dataclasses.Field) -> None:
    assert by_set(row.name, row.default) == str(row.default)  # type: ignore[arg-type]


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.name)
def test_the_operators_file_and_set_accept_and_refuse_the_same_values(
    tmp_path: Path, row: dataclasses.Field
) -> None:
    for value in NUMBERS if row.type is int else WORDS:
        kept, problems = in_the_file(tmp_path, row.name, value)
        if by_set(row.name, value) is None:
            assert len(problems) == 1 and problems[0], (row.name, value)
            assert kept == row.default
        else:
            assert problems == [], (row.name, value)
            assert str(kept) == by_set(row.name, value), (row.name, value)


def test_the_operator_sets_how_many_vouches_new_groups_need(tmp_path: Path) -> None:
    path = tmp_path / "minga.toml"
    path.write_text('[groups]\nvouches_needed = "2"\n', encoding="utf-8")
    config, problems = load_config(path, {})
    assert problems == []
    assert vouches_needed(group(), 10, config.groups) == 2


def test_the_operator_is_told_what_a_setting_takes(tmp_path: Path) -> None:
    _, problems = in_the_file(tmp_path, "vouches_needed", "lots")
    assert problems == ["must be 'auto' or a number from 1 to 20, in quotes"]
    _, problems = in_the_file(tmp_path, "pickup_names", "nams")
    assert problems == ["must be one of 'numbers' or 'names', got 'nams'; did you mean 'names'?"]


def test_a_value_the_operator_writes_as_a_person_would_is_kept_as_minga_keeps_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "minga.toml"
    path.write_text(
        '[groups]\nlanguage = "Español"\ntimezone = "europe/madrid"\n'
        'categories = "Food, ride,food"\n',
        encoding="utf-8",
    )
    config, problems = load_config(path, {})
    assert problems == []
    assert setting(group(), "language", config.groups) == "es"
    assert setting(group(), "timezone", config.groups) == "Europe/Madrid"
    assert setting(group(), "categories", config.groups) == "food, ride"


def test_only_the_operator_sets_the_founding_hours_and_link_codes() -> None:
    assert {row.name for row in ROWS} - set(SETTINGS) == {"founding_hours", "link_code_minutes"}


def readme_table() -> dict[str, list[str]]:
    """The README's table of group settings: setting → what, values, default, changed by."""
    lines = README.read_text(encoding="utf-8").splitlines()
    start = lines.index("| setting | what it is | values | default | changed by |")
    rows = itertools.takewhile(lambda line: line.startswith("|"), lines[start + 2 :])
    cells = [[cell.strip() for cell in row.strip("|").split(" | ")] for row in rows]
    return {key.strip("`"): rest for key, *rest in cells}


def changed_by_whom(key: str) -> str:
    if key not in SETTINGS:
        return "the operator"
    return "binding" if SETTINGS[key].binding_only else "`/set`"


def test_the_readmes_table_of_settings_is_the_codes() -> None:
    table = readme_table()
    assert list(table) == [row.name for row in ROWS]
    for row in ROWS:
        _, values, default, changed_by = table[row.name]
        assert default.strip("`") == str(row.default), row.name
        assert changed_by == changed_by_whom(row.name), row.name
        bounds = re.fullmatch(r"(?:`auto` or )?(\d+) to (\d+)", values)
        if bounds:
            low, high = (int(bound) for bound in bounds.groups())
            assert [by_set(row.name, n) for n in (low - 1, low, high, high + 1)] == [
                None,
                str(low),
                str(high),
                None,
            ], row.name
        for word in re.findall(r"`([^`]+)`", values):
            assert by_set(row.name, word) is not None, (row.name, word)


# The areas a group serves: names as people say them (several words each), or none.

TWENTY = ", ".join(f"Zona {n}" for n in range(20))  # 168 characters
MANY = TWENTY + ", Zona 20"  # 21 areas, 177 characters


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Centro, Barrio Norte", "Centro, Barrio Norte"),
        ("  Centro ,Barrio   Norte,, CÉNTRO ", "Centro, Barrio Norte"),  # once each
        ("San José", "San José"),
        (TWENTY, TWENTY),
        ("x" * 40, "x" * 40),
        ("none", "none"),
        ("None", "none"),
        ("anywhere", "none"),
        ("ninguna", "none"),
        ("nenhuma", "none"),
    ],
)
def test_a_group_names_the_areas_it_serves_or_none(typed: str, kept: str) -> None:
    assert by_set("areas", typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        MANY,  # 21 areas
        "Centro, " + "x" * 41,  # one too long
        ",",
        " , ,, ",
        "",
        "Centro, ?",  # a name with no letter in it matches nothing
        ", ".join(f"{n} {'x' * 36}" for n in range(6)),  # 6 names of 38: over 200 in all
    ],
)
def test_too_many_areas_one_too_long_or_only_commas_are_refused(typed: str) -> None:
    assert by_set("areas", typed) is None


def test_the_operator_is_told_what_areas_take(tmp_path: Path) -> None:
    _, problems = in_the_file(tmp_path, "areas", MANY)
    assert problems == [
        "must be 'none' or 1 to 20 areas separated by commas (at most 40 characters each, "
        "200 in all)"
    ]
    kept, problems = in_the_file(tmp_path, "areas", "Centro,Norte")
    assert (kept, problems) == ("Centro, Norte", [])
