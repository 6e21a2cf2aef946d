"""The README shows minga as it is: its conversations are replayed through the real core,
and its map of the tree names only what is there."""

import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.console import Console, ConsoleClock, seed_demo
from adapters.scheduler import Scheduler
from bot import words
from bot.commands import COMMANDS
from bot.config import GroupDefaults
from bot.dispatch import Core
from bot.i18n import load_catalogs
from storage.uow import units_of_work
from tests.english import english_in

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# The front door and its quick starts in other languages: their conversations are replayed too.
READMES = {
    name: (ROOT / name).read_text(encoding="utf-8") for name in ("README.md", "README.es.md")
}
PROMPT = re.compile(r"(?P<who>\w+) \((?P<where>[^)]+)\)> (?P<text>.*)")
ELIDED = "  …"  # a transcript leaves out what minga says here


@dataclass(frozen=True)
class Transcript:
    section: str  # the heading it is under
    lines: tuple[str, ...]

    def inputs(self) -> list[re.Match[str]]:
        return [m for line in self.lines if (m := PROMPT.fullmatch(line))]

    def clock(self) -> datetime:
        first = self.inputs()[0]["text"]
        assert first.startswith(":clock "), f"{self.section}: a transcript starts with :clock"
        return datetime.fromisoformat(first.removeprefix(":clock ")).replace(tzinfo=UTC)


def code_blocks(readme: str = README) -> list[tuple[str, str, list[str]]]:
    """A README's fenced blocks: (the heading they are under, their language, lines)."""
    blocks: list[tuple[str, str, list[str]]] = []
    section, inside = "", False
    for line in readme.splitlines():
        if line.startswith("```"):
            inside = not inside
            if inside:
                blocks.append((section, line.removeprefix("```"), []))
        elif inside:
            blocks[-1][2].append(line)
        elif line.startswith("#"):
            section = line.lstrip("# ")
    return blocks


def transcripts() -> list[Transcript]:
    """Every block of the READMEs that is a conversation: one that opens with a prompt."""
    return [
        Transcript(f"{name}: {section}", tuple(lines))
        for name, readme in READMES.items()
        for section, language, lines in code_blocks(readme)
        if not language and lines and PROMPT.fullmatch(lines[0])
    ]


async def replay(engine: AsyncEngine, transcript: Transcript) -> list[str]:
    """What the console shows for the transcript's input lines, on a new database with the
    demo group seeded as `./dev run` seeds it when started at the transcript's clock.

    A prompt that names someone else, or another chat, stands for the `:as`, `:group` or
    `:dm` lines that move there."""
    start = transcript.clock()
    clock = ConsoleClock(lambda: start, time.monotonic)
    core = Core(units_of_work(engine), clock, load_catalogs(), GroupDefaults(), COMMANDS)
    out = io.StringIO()
    console = Console(core, clock, Scheduler(core), out)
    await seed_demo(console)
    out.seek(0)
    out.truncate()
    for line in transcript.inputs():
        console.person = line["who"]
        console.private = line["where"] == "private"
        console.group = console.group if console.private else line["where"]
        console.say(console.prompt() + line["text"])
        await console.line(line["text"])
    return out.getvalue().splitlines()


def shown_as(expected: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern of the transcript's lines, where an elided line stands for any lines."""
    parts = ["(?:.*\n)*?" if line == ELIDED else re.escape(line) + "\n" for line in expected]
    return re.compile("".join(parts))


@pytest.mark.parametrize("transcript", transcripts(), ids=lambda t: t.section)
async def test_the_readmes_conversations_are_what_minga_says(
    sqlite_engine: AsyncEngine, transcript: Transcript
) -> None:
    said = await replay(sqlite_engine, transcript)
    if not shown_as(transcript.lines).fullmatch("".join(line + "\n" for line in said)):
        assert "\n".join(said) == "\n".join(transcript.lines)  # shows where they part


def test_each_readme_has_conversations_to_replay() -> None:
    replayed = [t.section.split(":")[0] for t in transcripts()]
    assert replayed.count("README.md") >= 4 and replayed.count("README.es.md") >= 1


def named_paths(lines: list[str]) -> list[tuple[Path, str]]:
    """(the top-level folder whose entry names it, the name) for each file or folder named."""
    named, folder = [], ROOT
    for line in lines:
        if line[:1].strip():
            folder = ROOT / line.split()[0]
        names = re.findall(r"(?<![\w/.])\w[\w/]*(?:\.\w+)?", line)
        named += [(folder, name.rstrip("/")) for name in names if "/" in name or "." in name]
    return named


def test_where_things_live_names_only_what_is_there() -> None:
    [block] = [lines for section, _, lines in code_blocks() if section == "Where things live"]
    named = named_paths(block)
    missing = [
        name
        for folder, name in named
        if not any((place / name).exists() for place in (folder, ROOT))
        and not any(folder.glob(f"**/{name}"))
    ]
    assert len(named) > 20 and missing == []


def test_where_things_live_names_every_module() -> None:
    """A new module is placed on the map when it is made, so the map never lags the tree."""
    [block] = [lines for section, _, lines in code_blocks() if section == "Where things live"]
    named = {Path(name).name for _, name in named_paths(block)}
    unnamed = [
        str(path.relative_to(ROOT))
        for package in ("bot", "adapters", "storage")
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py"
        and not {"migrations", "handlers"} & set(path.parts)
        and path.name not in named
    ]
    assert unnamed == []


def _a_word_of(language: str, typed: str) -> bool:
    """A form people type in that language (a language's code, like `es`, in any)."""
    folded = words.fold(typed.strip("/ "))
    return any(
        folded in {words.fold(form) for form in forms}
        or (folded == words.fold(key) and (language == "en" or kind == "value"))
        for kind, keys in words.table(language).items()
        for key, forms in keys.items()
    )


def test_the_languages_table_shows_words_minga_reads() -> None:
    """Each cell of the table in "Languages" is made of words of its column's language."""
    section = README.split("\n## Languages\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    unknown = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")][1:]
        for language, cell in zip(("en", "es", "pt"), cells, strict=True):
            for item in re.split(r",\s*|\s+/\s+|;\s*", cell.replace("`", "")):
                if _a_word_of(language, item):
                    continue
                unknown += [
                    (language, word)
                    for word in item.split()
                    if word != "…" and not word.isdecimal() and not _a_word_of(language, word)
                ]
    assert len(rows) >= 6 and unknown == []


def test_the_spanish_quick_start_names_commands_as_minga_reads_them() -> None:
    """Its table pairs each Spanish name with the English one of the same command, covers
    every command people type, and the text names no command minga would not read."""
    rows = re.findall(r"^\|[^|]*\| `/(\w+)` \| `/(\w+)` \|", READMES["README.es.md"], re.M)
    assert [words.read("command", es) for es, _ in rows] == [en for _, en in rows]
    assert {en for _, en in rows} == {n for n, c in COMMANDS.items() if not c.hidden}
    named = re.findall(r"(?<![\w/.])/(\w+)", READMES["README.es.md"])
    assert [name for name in named if words.read("command", name) is None] == []


def test_the_spanish_quick_start_speaks_only_spanish() -> None:
    """minga's part of its conversations (the console's own lines aside) is all Spanish,
    but for the words people typed themselves."""
    for transcript in transcripts():
        if transcript.section.startswith("README.es.md"):
            typed = [m["text"] for m in transcript.inputs()] + [
                m["who"] for m in transcript.inputs()
            ]
            said = [line for line in transcript.lines if line.startswith("  ")]
            assert [
                (line, english_in(line, typed)) for line in said if english_in(line, typed)
            ] == []
