"""Dates as people type them: how long minga's own reading takes, against dateparser alone.

minga reads the common forms ("jueves 10h", "mañana por la tarde", "sexta às 18h") with its
table (bot/dates.py `fast`) and hands only the rest to dateparser, which it called for every
date before. Figures, per language: how many of the forms below the table reads itself,
and the time of one reading through `parse_when` (what a request, offer, shift or poll
deadline calls), against dateparser.parse on the same text with the settings minga used
to give it (the floor this replaced). Target (issue 15): the common forms never reach
dateparser.

    .venv/bin/python -m bench.dates [--rounds 200]
"""

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import dateparser

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: bench/ is not installed
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bot.dates import fast, parse_when  # noqa: E402

ZONE = "America/Caracas"
NOW = datetime(2026, 12, 9, 18, 0, tzinfo=UTC)  # Wednesday 14:00 in Caracas
FORMS = {
    "en": (
        "friday 18:00",
        "tomorrow",
        "tomorrow at 10",
        "next tuesday",
        "thursday 10am",
        "dec 10",
        "10/12 18:30",
        "in 2 hours",
        "in 3 days",
        "saturday morning",
    ),
    "es": (
        "jueves 10h",
        "miércoles 18h",
        "el lunes a las 8",
        "mañana a las 10",
        "pasado mañana",
        "mañana por la tarde",
        "el próximo martes",
        "martes que viene",
        "jueves 10hs",
        "8 de la noche",
        "10 de diciembre",
        "en 3 días",
    ),
    "pt": (
        "sexta às 18h",
        "amanhã de manhã",
        "depois de amanhã",
        "terça que vem",
        "próxima quinta",
        "10 de dezembro",
        "em 2 horas",
        "em 3 dias",
        "sábado à tarde",
        "18h30",
    ),
}


def each(read: Callable[[str, str], object], rounds: int) -> float:
    """Seconds one reading takes, over every form of every language, `rounds` times."""
    started = time.perf_counter()
    for _ in range(rounds):
        for language, forms in FORMS.items():
            for typed in forms:
                read(typed, language)
    return (time.perf_counter() - started) / (rounds * sum(map(len, FORMS.values())))


def minga(typed: str, language: str) -> object:
    return parse_when(typed, NOW, ZONE, language)


def dateparser_alone(typed: str, language: str) -> object:
    return dateparser.parse(
        typed,
        languages=list(dict.fromkeys([language, "en", "es"])),
        settings={
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": NOW.replace(tzinfo=None),
            "TIMEZONE": ZONE,
            "RETURN_AS_TIMEZONE_AWARE": True,
            "DATE_ORDER": "DMY",
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = max(1, parser.parse_args().rounds)
    with report.session("dates: minga's reading against dateparser alone", keep=False):
        rows = []
        for language, forms in FORMS.items():
            by_table = sum(fast(typed, NOW, ZONE, language) is not None for typed in forms)
            rows.append(
                (
                    f"forms read by the table ({language})",
                    f"{by_table} of {len(forms)}",
                    "all",
                    report.verdict(by_table == len(forms)),
                )
            )
        each(minga, 1), each(dateparser_alone, 1)  # warm both: caches, dateparser's languages
        ours = each(minga, rounds)
        floor = each(dateparser_alone, max(1, rounds // 10))
        rows += [
            ("one reading, minga (parse_when)", f"{ours * 1e6:.0f} µs", "", ""),
            ("one reading, dateparser alone", f"{floor * 1e6:.0f} µs", "", ""),
            ("dateparser ÷ minga", f"{floor / ours:.1f}", "> 1", report.verdict(floor > ours)),
        ]
        print(report.table(rows))


if __name__ == "__main__":
    main()
