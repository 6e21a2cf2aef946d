"""The `minga` command line. It reads arguments and calls the bootstrap; nothing more."""

import argparse
import asyncio
import logging
import os
import signal
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bot import bootstrap
from bot.config import Config, Problem, find_config_path, load_config
from bot.export import as_csv, as_json, group_records
from storage.uow import SqlUnitOfWork

log = logging.getLogger("minga")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="minga", description="A chat bot for mutual aid groups.")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--config", metavar="PATH", help="configuration file (TOML)")
        return sub

    command("run", "run every adapter the configuration enables, or the console chat")
    command("console", "chat with minga in this terminal")
    check = commands.add_parser("check-config", help="report every problem in a configuration")
    check.add_argument("path", nargs="?", metavar="PATH")
    db = command("db", "database maintenance")
    db.add_argument("action", choices=["upgrade"], help="apply the schema migrations")
    export = command("export", "write a group's records")
    export.add_argument("--group", required=True, metavar="NAME")
    export.add_argument("--format", choices=["csv", "json"], default="json")
    export.add_argument("--output", metavar="FILE", help="file to write (default: the screen)")
    return top


def report(problems: Sequence[Problem]) -> str:
    lines = [f"minga: the configuration has {len(problems)} problem(s):"]
    return "\n".join(lines + [f"  - {p}" for p in problems])


def configuration(path: str | None) -> tuple[Config, list[Problem]]:
    return load_config(find_config_path(path, os.environ), os.environ)


def safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


async def export(config: Config, name: str, fmt: str) -> str | None:
    engine = await bootstrap.open_storage(config)
    try:
        async with SqlUnitOfWork(engine) as uow:
            records = await group_records(uow, name)
    finally:
        await engine.dispose()
    if records is None:
        return None
    return as_csv(records) if fmt == "csv" else as_json(records)


async def until_stopped(work: Coroutine[Any, Any, None]) -> int:
    """Run until the work ends or a signal stops it: SIGINT (Ctrl-C: exit code 130) or
    SIGTERM (systemd's stop, `docker stop`: 0). Either cancels the work, which then stops
    cleanly (its lanes freed, the scheduler's lock handed over). Set here, not left to
    Python: a process started in the background by a shell inherits SIGINT ignored, and
    then Ctrl-C and systemd's KillSignal=SIGINT did nothing."""
    task = asyncio.ensure_future(work)
    received: list[signal.Signals] = []

    def stop(which: signal.Signals) -> None:
        received.append(which)
        task.cancel()

    loop = asyncio.get_running_loop()
    for which in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(which, stop, which)
    try:
        await task
    except asyncio.CancelledError:
        if not received:
            raise
    finally:
        await _cancel_the_rest()
    return 130 if signal.SIGINT in received else 0


async def _cancel_the_rest(rounds: int = 5) -> None:
    """Cancel every task the work left running, again each second until it ends. After
    this, asyncio.run cancels what is left only once and then waits for it for ever: a task
    that awaits again after one cancel kept a stopped minga from exiting (SQLAlchemy's
    graceful close of an aiosqlite connection, begun when a webhook handler was cancelled
    mid-transaction, waits on a thread that has already stopped)."""
    me = asyncio.current_task()
    for again in range(rounds):
        left = {t for t in asyncio.all_tasks() if t is not me and not t.done()}
        if not left:
            return
        for task in left:
            task.cancel()
        _, pending = await asyncio.wait(left, timeout=1.0)
        if again:  # it outlived a cancel
            for task in left - pending:
                log.warning("task=stopped-late name=%s", task.get_name())
    for task in asyncio.all_tasks() - {me}:
        log.warning("task=still-running name=%s", task.get_name())


def check_config(path: str | None) -> int:
    config, problems = configuration(path)
    if not problems:
        problems = [p for p in [asyncio.run(bootstrap.database_problem(config))] if p]
    if problems:
        print(report(problems), file=sys.stderr)
        return 1
    print("minga: the configuration is fine.")
    return 0


def in_terminal(config: Config, args: argparse.Namespace) -> bool:
    """`minga console`, or `minga run` with no platform enabled: the chat in this terminal."""
    return args.command == "console" or not bootstrap.platforms_enabled(config)


def run(config: Config, args: argparse.Namespace) -> int:
    if not in_terminal(config, args):
        return asyncio.run(until_stopped(bootstrap.run_platforms(config)))
    asyncio.run(bootstrap.run_console_app(config, sys.stdin, sys.stdout))
    return 0


def upgrade(config: Config, args: argparse.Namespace) -> int:
    changed = asyncio.run(bootstrap.upgrade_database(config))
    print(
        f"minga: the database at {safe_url(config.storage.url)} "
        + ("now has the newest schema." if changed else "was already up to date.")
    )
    return 0


def write_export(config: Config, args: argparse.Namespace) -> int:
    text = asyncio.run(export(config, args.group, args.format))
    if text is None:
        print(f"minga: there is no group called {args.group!r}.", file=sys.stderr)
        return 1
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


# What each command does once the configuration is read: its exit code.
COMMANDS = {"run": run, "console": run, "db": upgrade, "export": write_export}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "check-config":
        return check_config(args.path)
    config, problems = configuration(args.config)
    if problems:
        print(report(problems), file=sys.stderr)
        print("Fix these, then try again (`minga check-config` checks a file).", file=sys.stderr)
        return 2
    bootstrap.setup_logging(
        config.logging, console=args.command in ("run", "console") and in_terminal(config, args)
    )
    try:
        return COMMANDS[args.command](config, args)
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"minga: {error}", file=sys.stderr)
        return 1
