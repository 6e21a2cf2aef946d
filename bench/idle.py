"""What `minga run` holds and costs when it starts again and idles, with Telegram as its
one platform: seconds until it asks Telegram for updates, the first commands after the start,
and its resident memory after idling. The floors, measured in the same run: a bare
python-telegram-bot process polling the same Bot API stand-in and answering /help, and a
bare Python interpreter.

    .venv/bin/python bench/idle.py             # about 40 s

Both processes are real child processes; memory is their VmRSS (and peak, VmHWM) read from
/proc after they idled `IDLE` seconds.
"""

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.report import session, table, verdict
from storage.engine import create_engine
from storage.migrate import upgrade
from tests.botapi import BotApi, Person

IDLE = 10.0  # seconds each process idles before its memory is read
TARGET_MIB = 80  # the scale issue's floor for an idle process with one adapter
FIRST = ("/help", "/request food Centro by friday 18:00: bread for four", "/help")

BARE_BOT = """
import sys
from telegram.ext import Application, CommandHandler

async def help_(update, context):
    await update.message.reply_text("help")

app = (Application.builder().token(sys.argv[1]).base_url(sys.argv[2]).build())
app.add_handler(CommandHandler("help", help_))
app.run_polling(poll_interval=0.0)
"""


def memory(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MiB."""
    fields = dict(
        line.split(":", 1)
        for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        if ":" in line
    )
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


async def answered(api: BotApi, chat_id: int, before: int, limit: float) -> float:
    """Seconds until the stand-in is asked to send to `chat_id` more than `before` times
    (from when the update is there to be fetched)."""
    started = time.monotonic()
    await api.until(lambda: sent_to(api, chat_id) > before, limit)
    return time.monotonic() - started


def sent_to(api: BotApi, chat_id: int) -> int:
    return sum(
        1
        for method, body in api.calls
        if method == "sendMessage" and int(body.get("chat_id", 0)) == chat_id
    )


async def started(api: BotApi, process: asyncio.subprocess.Process, limit: float) -> float:
    began = time.monotonic()
    await api.until(
        lambda: (
            process.returncode is not None or any(method == "getUpdates" for method, _ in api.calls)
        ),
        limit,
    )
    if process.returncode is not None:
        raise RuntimeError(f"the process stopped while starting ({process.returncode})")
    return time.monotonic() - began


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


@contextlib.asynccontextmanager
async def running(
    api: BotApi, *program: str, env: dict[str, str] | None = None
) -> AsyncIterator[asyncio.subprocess.Process]:
    """A bot process talking to the stand-in, until the block ends."""
    process = await asyncio.create_subprocess_exec(
        *program, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
    )
    try:
        yield process
    finally:
        await stop(process)
        await api.stop()


async def idled(process: asyncio.subprocess.Process) -> tuple[float, float]:
    await asyncio.sleep(IDLE)
    return memory(process.pid)


async def measure_minga(folder: Path) -> dict[str, float]:
    api = BotApi()
    base_url = await api.start()
    url = f"sqlite:///{folder}/minga.db"
    config = folder / "minga.toml"
    config.write_text(
        f'[storage]\nurl = "{url}"\n\n[telegram]\nenabled = true\nbase_url = "{base_url}"\n'
    )
    engine = create_engine(url)  # a restart: the database has its schema
    await upgrade(engine)
    await engine.dispose()
    figures: dict[str, float] = {}
    async with running(
        api,
        sys.executable,
        "-m",
        "bot",
        "run",
        "--config",
        str(config),
        env={**os.environ, "MINGA_TELEGRAM_TOKEN": api.token},
    ) as process:
        figures["start"] = await started(api, process, 60)
        # Each from someone else: a private chat takes a message a second, and the answers
        # would wait for that, not for minga.
        for n, text in enumerate(FIRST):
            person = Person(1001 + n, f"Person {n}", f"person{n}")
            api.says(person, api.private(person), text)
            figures[f"command {n + 1}"] = await answered(api, person.id, 0, 30)
        figures["rss"], figures["peak"] = await idled(process)
    return figures


async def measure_bare_bot() -> dict[str, float]:
    api = BotApi()
    base_url = await api.start()
    figures: dict[str, float] = {}
    async with running(api, sys.executable, "-c", BARE_BOT, api.token, base_url) as process:
        figures["start"] = await started(api, process, 60)
        ana = Person(1001, "Ana", "ana")
        api.says(ana, api.private(ana), "/help")
        figures["command 1"] = await answered(api, ana.id, 0, 30)
        figures["rss"], figures["peak"] = await idled(process)
    return figures


async def measure_python() -> float:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time; time.sleep(60)"
    )
    try:
        await asyncio.sleep(1)
        return memory(process.pid)[0]
    finally:
        await stop(process)


async def main() -> None:
    argparse.ArgumentParser(description=__doc__.split("\n\n")[0]).parse_args()
    with session(
        "minga idle: start, first commands and memory with one adapter (Telegram)", keep=False
    ) as folder:
        minga = await measure_minga(folder)
        bare = await measure_bare_bot()
        python = await measure_python()
        print(
            table(
                [
                    (
                        "start: until it asks Telegram for updates",
                        f"{minga['start']:.2f} s",
                        f"bare bot {bare['start']:.2f} s",
                        "",
                    ),
                    *[
                        (
                            f"first commands after the start: {text.split()[0]} (#{n + 1})",
                            f"{minga[f'command {n + 1}']:.3f} s",
                            f"bare bot /help {bare['command 1']:.3f} s" if n == 0 else "",
                            "",
                        )
                        for n, text in enumerate(FIRST)
                    ],
                    (
                        "resident memory after idling",
                        f"{minga['rss']:.0f} MiB (peak {minga['peak']:.0f})",
                        f"<= {TARGET_MIB} MiB",
                        verdict(minga["rss"] <= TARGET_MIB),
                    ),
                    (
                        "bare python-telegram-bot bot, idle",
                        f"{bare['rss']:.0f} MiB",
                        "",
                        f"minga {minga['rss'] / bare['rss']:.2f} x",
                    ),
                    ("bare Python", f"{python:.0f} MiB", "", ""),
                ]
            )
        )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        asyncio.run(main())
