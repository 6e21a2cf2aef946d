"""How quickly minga answers a burst on Matrix and reaches new people, as ratios to bare clients.

A real Synapse on loopback (tests.synapse.start, every account exempt from its rate limit);
minga run for real (bot.bootstrap.run_platforms: SQLite, Matrix only) in a process of its
own, its log in the temporary folder; people played by matrix-nio clients in this process,
whose syncs ask for up to 1000 events a room (with Synapse's default of 10 a client silently
misses most of a burst).
A  --people people type --commands unknown commands in all (!zza17, answered with one short
   message: what is measured is receiving and sending), each their share back to back, in
   their own encrypted direct room with minga; B  the same in one unencrypted group room.
   minga's time: the first command sent -> the last answer seen by the people.
R  --reminders reminders for people minga never talked to, written into its outbox the
   documented bulk way (one row each, priority=Priority.BULK, one transaction each, as the
   scheduler's jobs write them); minga opens an encrypted direct room for each, which their
   client joins. Figures: how many can read theirs; from the first row written until the
   last can.
Floors in the same run, from a bare matrix-nio client (another account, in a process of its
own like minga, on a fresh device logged out after each run). The issue's (A, B): it sends
the same answers at once into rooms of the same kind with the same people, joined before
its clock starts, until the last send is answered (target: minga <= 1.5 x). The echo bot
(A, B): it answers each command as it arrives, AT_ONCE at a time like minga, as the same
people type the same burst. R: it opens a direct room for each person, waits for their
join and devices as minga does, and sends, until the last can read theirs.
"""

import argparse
import asyncio
import contextlib
import logging
import multiprocessing
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from queue import Queue
from typing import Any

import nio

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: tests/ and bench/ are not installed
    sys.path.insert(0, str(ROOT))

from adapters.matrix.adapter import AT_ONCE  # noqa: E402
from adapters.matrix.render import content  # noqa: E402
from adapters.matrix.translate import PLATFORM  # noqa: E402
from bench.report import session, table, verdict  # noqa: E402
from bot.bootstrap import SystemClock, run_platforms, setup_logging  # noqa: E402
from bot.config import Config, LoggingConfig, MatrixConfig, StorageConfig  # noqa: E402
from bot.model import Priority  # noqa: E402
from storage.engine import create_engine  # noqa: E402
from storage.uow import units_of_work  # noqa: E402
from tests.synapse import Account, start  # noqa: E402

FLOOR = 1.5  # the bar: minga's time at most this many times the bare client's
ENCRYPTION = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
SEE_EVERYTHING = {"room": {"timeline": {"limit": 1000}}}
SYNC_MS = 30_000  # long polls: fifty idle people must not poll Synapse all the time
PASSWORD = "bench-password"
ANSWER = re.compile(r"I don't know !(zz[ab])(\d+)\b")
REMINDER = "Reminder: Soup kitchen · Sat 10:00–12:00, Eastside hall. You are on it (S{n})."
SETUP, BURST, REMINDERS = 30.0, 150.0, 90.0  # seconds each step gets at most
SPAWN = multiprocessing.get_context("spawn")
Row = tuple[str, str, str, str]


async def until(condition: Callable[[], object], within: float) -> bool:
    """Polls what callbacks change; the times measured are the callbacks' own."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(0.02)
    return True


@dataclass
class Person:
    """A client syncing in the background, as tests/matrix_people.py: joins the rooms it is
    invited to and notes each message, (sender, room, body, time.monotonic()), and each it
    could not decrypt (body: the event id)."""

    client: nio.AsyncClient
    seen: list[tuple[str, str, str, float]] = field(default_factory=list)
    unreadable: list[tuple[str, str, str, float]] = field(default_factory=list)
    syncing: asyncio.Task[Any] | None = None


async def connect(url: str, user_id: str, store: Path, account: Account | None) -> Person:
    """With the account's device, or (the bare client) logged in on a fresh one."""
    await asyncio.to_thread(store.mkdir, parents=True)
    client = nio.AsyncClient(
        url,
        user_id,
        store_path=str(store),
        config=nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=False),
    )
    person = Person(client)
    if account:
        client.restore_login(user_id, account.device_id, account.access_token)
    elif not isinstance(
        logged := await client.login(PASSWORD, device_name="bare"), nio.LoginResponse
    ):
        raise RuntimeError(f"bare login: {logged}")

    async def invited(room: nio.MatrixRoom, event: nio.InviteMemberEvent) -> None:
        if event.state_key == user_id and event.membership == "invite":
            await client.join(room.room_id)

    async def message(room: nio.MatrixRoom, event: Any) -> None:
        broken = isinstance(event, nio.MegolmEvent)
        (person.unreadable if broken else person.seen).append(
            (event.sender, room.room_id, event.event_id if broken else event.body, time.monotonic())
        )

    client.add_event_callback(invited, nio.InviteMemberEvent)
    client.add_event_callback(
        message, (nio.RoomMessageText, nio.RoomMessageNotice, nio.MegolmEvent)
    )
    await client.sync(timeout=0, full_state=True, sync_filter=SEE_EVERYTHING)
    if client.should_upload_keys:
        await client.keys_upload()
    person.syncing = asyncio.create_task(
        client.sync_forever(timeout=SYNC_MS, sync_filter=SEE_EVERYTHING)
    )
    return person


async def leave(people: Sequence[Person]) -> None:
    for person in people:
        if person.syncing:
            person.syncing.cancel()
            await asyncio.gather(person.syncing, return_exceptions=True)
        await person.client.close()


async def open_room(
    client: nio.AsyncClient, invite: list[str], direct: bool, encrypted: bool
) -> str:
    made = await client.room_create(
        name=None if direct else "Free Food",
        invite=invite,
        is_direct=direct,
        preset=nio.RoomPreset.trusted_private_chat if direct else nio.RoomPreset.private_chat,
        initial_state=[ENCRYPTION] if encrypted else [],
    )
    if not isinstance(made, nio.RoomCreateResponse):
        raise RuntimeError(f"room not made: {made}")
    return str(made.room_id)


async def send(client: nio.AsyncClient, room: str, body: dict[str, str]) -> None:
    sent = await client.room_send(room, "m.room.message", body, ignore_unverified_devices=True)
    if not isinstance(sent, nio.RoomSendResponse):
        raise RuntimeError(f"not sent: {sent}")


def has_joined(client: nio.AsyncClient, room_id: str, user_id: str, devices: bool = False) -> bool:
    """`devices`: and in an encrypted room their devices are known, which minga waits for
    before its first message in a room it opened (one sent before stays unreadable)."""
    room = client.rooms.get(room_id)
    if not (room and user_id in room.users and not room.users[user_id].invited):
        return False
    return not (devices and room.encrypted) or (
        not client.should_query_keys and any(client.device_store.active_user_devices(user_id))
    )


def firsts(
    people: Sequence[Person], sender: str, rooms: set[str] | None = None, broken: bool = False
) -> dict[str, float]:
    """Each message from `sender` (in these rooms), by body, when someone first had it."""
    found: dict[str, float] = {}
    for who, room, body, at in (s for p in people for s in (p.unreadable if broken else p.seen)):
        if who == sender and (rooms is None or room in rooms):
            found[body] = min(found.get(body, at), at)
    return found


# --- the bare client, in a process of its own ----------------------------------------------


@dataclass(frozen=True)
class Plan:
    url: str
    user_id: str
    store: Path
    people: tuple[str, ...]
    mode: str  # "direct": a room each; "group": one room; "open": a room each, on the clock
    encrypted: bool
    within: float
    messages: tuple[tuple[int, dict[str, str]], ...] = ()  # (person's place, content)
    answers: tuple[tuple[str, dict[str, str]], ...] = ()  # the echo bot: command → answer


def bare_process(plan: Plan, queue: "Queue[tuple[Any, ...]]") -> None:
    """Tells ("ready", rooms, when its clock started), then ("done", when it was done)."""
    logging.getLogger("nio").setLevel(logging.ERROR)  # a warning per device with no session
    try:
        asyncio.run(asyncio.wait_for(bare(plan, queue), plan.within))
    except Exception as error:
        queue.put(("failed", f"{type(error).__name__}: {error}"))


async def bare(plan: Plan, queue: "Queue[tuple[Any, ...]]") -> None:
    me = await connect(plan.url, plan.user_id, plan.store, None)
    client, answers, answering = me.client, dict(plan.answers), []
    gate = asyncio.Semaphore(AT_ONCE if plan.answers else len(plan.messages) or 1)

    async def gated(room: str, body: dict[str, str]) -> None:
        async with gate:
            await send(client, room, body)

    async def room_with(people: list[str]) -> str:
        room = await open_room(client, people, plan.mode != "group", plan.encrypted)
        if not await until(lambda: all(has_joined(client, room, p, True) for p in people), SETUP):
            raise TimeoutError("the people did not join the bare client's room")
        return room

    async def heard(room: nio.MatrixRoom, event: nio.RoomMessageText) -> None:
        if event.body in answers:
            answering.append(asyncio.create_task(gated(room.room_id, answers.pop(event.body))))

    try:
        if plan.mode == "open":
            queue.put(("ready", [], time.monotonic()))

            async def reach(place: int, body: dict[str, str]) -> None:
                await gated(await room_with([plan.people[place]]), body)

            await asyncio.gather(*(reach(place, body) for place, body in plan.messages))
        else:
            rooms = (
                [await room_with([p]) for p in plan.people]
                if plan.mode == "direct"
                else [await room_with(list(plan.people))]
            )
            client.add_event_callback(heard, nio.RoomMessageText)
            queue.put(("ready", rooms, time.monotonic()))
            await until(lambda: not answers, plan.within)
            await asyncio.gather(
                *answering,
                *(gated(rooms[place % len(rooms)], body) for place, body in plan.messages),
            )
        queue.put(("done", time.monotonic()))
    finally:
        # Its device goes, or every later message to these people would be encrypted for it.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.logout(), 10)
        await leave([me])


# --- the parts ----------------------------------------------------------------------------


@dataclass
class Run:
    args: argparse.Namespace
    url: str
    folder: Path
    bot: str
    bare: str
    ends: float  # time.monotonic() when the budget runs out
    people: list[Person] = field(default_factory=list)

    def left(self, step: float) -> float:
        return max(0.0, min(step, self.ends - time.monotonic()))

    @contextlib.asynccontextmanager
    async def bare_client(
        self, people: Sequence[Person], mode: str, encrypted: bool, **plan: Any
    ) -> AsyncIterator[Callable[[str], Awaitable[Any]]]:
        """The bare client's process; yields a wait for what it tells next."""
        queue = SPAWN.Queue()
        process = SPAWN.Process(
            target=bare_process,
            daemon=True,
            args=(
                Plan(
                    self.url,
                    self.bare,
                    self.folder / f"bare-{time.monotonic_ns()}",
                    tuple(p.client.user_id for p in people),
                    mode,
                    encrypted,
                    self.left(BURST) + SETUP,
                    **plan,
                ),
                queue,
            ),
        )
        process.start()

        async def told(what: str) -> Any:
            # Polled: a thread blocked on the queue would outlive a cancelled run.
            if not await until(lambda: not queue.empty(), self.left(BURST) + 2 * SETUP):
                raise TimeoutError("the bare client said nothing")
            said = queue.get()
            if said[0] != what:
                raise RuntimeError(f"bare client: {said[1:]}")
            return said[1:]

        try:
            yield told
        finally:
            await asyncio.to_thread(process.join, SETUP)  # it logs its device out first
            if process.is_alive():
                process.terminate()
                process.join(5)


async def burst(
    run: Run, rooms: list[str], tag: str, answerer: str
) -> tuple[float | None, dict[int, str], list[float]]:
    """The people type their shares at once, each back to back into their room. Seconds
    from the first command sent to the last answer seen (None: not all could be read), the
    answers' bodies by command, and when each was first seen, in order."""
    total, people = run.args.commands, run.people
    if not await until(
        lambda: all(r in p.client.rooms for p, r in zip(people, rooms, strict=True)), SETUP
    ):
        raise TimeoutError("the people's clients do not know their rooms")

    async def types(place: int) -> None:
        for n in range(place, total, len(people)):
            await send(
                people[place].client, rooms[place], {"msgtype": "m.text", "body": f"!{tag}{n}"}
            )

    def answers() -> dict[int, tuple[float, str]]:
        return {
            int(found[2]): (at, body)
            for body, at in firsts(people, answerer, set(rooms)).items()
            if (found := ANSWER.match(body)) and found[1] == tag
        }

    started = time.monotonic()
    typing = asyncio.gather(*(types(place) for place in range(len(people))))
    try:
        await until(
            lambda: (
                (typing.done() and typing.exception())
                or len(answers()) + len(firsts(people, answerer, set(rooms), broken=True)) >= total
            ),
            run.left(BURST),
        )
        if typing.done() and typing.exception():
            raise RuntimeError(f"a person could not type: {typing.exception()}")
    finally:
        typing.cancel()
        await asyncio.gather(typing, return_exceptions=True)
    got = answers()
    times = sorted(at for at, _ in got.values())
    return (
        times[-1] - started if len(got) == total else None,
        {n: body for n, (_, body) in got.items()},
        times,
    )


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"


def ratio(mine: float | None, floor: float | None, name: str) -> tuple[str, str, str]:
    shown = f"{mine / floor:.2f} = {seconds(mine)} / {seconds(floor)}" if mine and floor else "-"
    return shown, f"<= {FLOOR} x {name}", verdict(bool(mine and floor and mine / floor <= FLOOR))


async def compare(run: Run, part: str, mode: str, encrypted: bool, rooms: list[str]) -> list[Row]:
    """minga's burst, then the issue's floor and the echo bot."""
    tag, total = f"zz{part.lower()}", run.args.commands
    mine, bodies, times = await burst(run, rooms, tag, run.bot)
    rows = [
        (
            f"{part}: minga, first command to last answer",
            f"{seconds(mine)}, {len(bodies)}/{total} answered",
            "",
            verdict(mine is not None),
        )
    ]
    if mine is None:
        return rows
    sent = tuple((n % len(run.people), content(body, [], "!")) for n, body in bodies.items())
    async with run.bare_client(run.people, mode, encrypted, messages=sent) as told:
        _, started = await told("ready")
        floor = (await told("done"))[0] - started
    echoed = tuple((f"!{tag}{n}", content(body, [], "!")) for n, body in bodies.items())
    async with run.bare_client(run.people, mode, encrypted, answers=echoed) as told:
        echo_rooms, _ = await told("ready")
        echo, _, echo_times = await burst(
            run, echo_rooms * (len(rooms) // len(echo_rooms)), tag, run.bare
        )
        await told("done")
    if mode == "group":
        print(
            f"  note: one room is one lane: minga sends a room's answers one after another, "
            f"in order (one seen every {every(times)}), and Synapse takes ~50 ms an event; "
            f"the echo bot sends them concurrently, out of order (every {every(echo_times)})."
        )
    return [
        *rows,
        ("  ÷ bare client sending the answers", *ratio(mine, floor, "(the issue's)")),
        ("  ÷ echo bot answering the burst", *ratio(mine, echo, "the echo bot")),
    ]


def every(times: list[float]) -> str:
    return f"{(times[-1] - times[0]) / (len(times) - 1) * 1000:.0f} ms" if times[1:] else "-"


async def part_a(run: Run) -> list[Row]:
    print(
        f"A  {len(run.people)} people x {run.args.commands // len(run.people)} commands, "
        "each in their own encrypted direct room with minga",
        flush=True,
    )
    rooms = [await open_room(p.client, [run.bot], True, True) for p in run.people]
    if not await until(
        lambda: all(
            has_joined(p.client, r, run.bot) for p, r in zip(run.people, rooms, strict=True)
        ),
        run.left(SETUP),
    ):
        raise TimeoutError("minga did not join the direct rooms")
    return await compare(run, "A", "direct", True, rooms)


async def part_b(run: Run) -> list[Row]:
    print(
        f"B  {len(run.people)} people x {run.args.commands // len(run.people)} commands "
        "in one unencrypted group room",
        flush=True,
    )
    founder, users = run.people[0].client, [p.client.user_id for p in run.people]
    room = await open_room(founder, [run.bot, *users[1:]], False, False)
    if not await until(
        lambda: (
            any(b.startswith("Hello! I'm minga") for b in firsts(run.people[:1], run.bot, {room}))
            and all(has_joined(founder, room, u) for u in users)
        ),
        run.left(SETUP),
    ):
        raise TimeoutError("minga or the people did not join the group room")
    return await compare(run, "B", "group", False, [room] * len(run.people))


async def part_r(run: Run, accounts: list[Account]) -> list[Row]:
    print(f"R  {len(accounts)} reminders, each to someone minga never talked to", flush=True)
    people = list(
        await asyncio.gather(
            *(
                connect(run.url, account.user_id, run.folder / "r" / str(n), account)
                for n, account in enumerate(accounts)
            )
        )
    )
    engine = create_engine(f"sqlite:///{run.folder}/minga.db")
    try:
        texts = [REMINDER.format(n=n + 1) for n in range(len(people))]
        started, unit = time.monotonic(), units_of_work(engine)
        for person, text in zip(people, texts, strict=True):  # as the scheduler's jobs
            async with unit() as uow:
                await uow.outbox.send(
                    PLATFORM,
                    person.client.user_id,
                    text,
                    (),
                    None,
                    SystemClock().now(),
                    priority=Priority.BULK,
                )
                await uow.commit()
        mine, readable = await reached(people, run.bot, started, run.left(REMINDERS))
        sent = tuple((n, content(text, [], "!")) for n, text in enumerate(texts))
        async with run.bare_client(people, "open", True, messages=sent) as told:
            _, started = await told("ready")
            floor, _ = await reached(people, run.bare, started, run.left(REMINDERS))
            await told("done")
    finally:
        await engine.dispose()
        await leave(people)
    broken = sum(bool(firsts([p], run.bot, broken=True)) for p in people)
    return [
        (
            "R: reminders readable",
            f"{readable}/{len(people)}, {broken} undecryptable",
            str(len(people)),
            verdict(readable == len(people)),
        ),
        ("R: minga, until the last can read theirs", seconds(mine), "", ""),
        ("  ÷ bare client opening rooms", *ratio(mine, floor, "the bare client")),
    ]


async def reached(
    people: list[Person], sender: str, started: float, within: float
) -> tuple[float | None, int]:
    """Until everyone has a message from `sender` or could not read it: seconds from
    `started` until the last could read theirs (None: not all), and how many can."""
    await until(
        lambda: all(firsts([p], sender) or firsts([p], sender, broken=True) for p in people), within
    )
    times = [min(found.values()) for p in people if (found := firsts([p], sender))]
    return (max(times) - started if len(times) == len(people) else None), len(times)


# --- minga, and the program ---------------------------------------------------------------


def minga_process(config: Config, log: Path) -> None:
    """SIGTERM cancels run_platforms, which stops its adapters and frees its lanes."""

    async def until_stopped() -> None:
        running = asyncio.create_task(run_platforms(config))
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, running.cancel)
        with contextlib.suppress(asyncio.CancelledError):
            await running

    with open(log, "a") as stream:
        setup_logging(LoggingConfig(), console=False, stream=stream)
        logging.getLogger("nio").setLevel(logging.WARNING)  # its INFO is one line a request
        asyncio.run(until_stopped())


def stop(process: multiprocessing.process.BaseProcess) -> None:
    process.terminate()  # SIGTERM: a clean stop
    process.join(15)
    if process.is_alive():
        process.kill()
        process.join(5)


async def parts(
    args: argparse.Namespace, url: str, folder: Path, accounts: dict[str, Account]
) -> list[Row]:
    run = Run(
        args,
        url,
        folder,
        accounts["minga"].user_id,
        accounts["bare"].user_id,
        time.monotonic() + args.budget,
    )
    rows: list[Row] = []
    try:
        run.people = list(
            await asyncio.gather(
                *(
                    connect(
                        url,
                        accounts[f"person{n}"].user_id,
                        folder / "people" / str(n),
                        accounts[f"person{n}"],
                    )
                    for n in range(args.people)
                )
            )
        )
        # minga is up once it joins a room it is invited to.
        room = await open_room(run.people[0].client, [run.bot], False, False)
        if not await until(lambda: has_joined(run.people[0].client, room, run.bot), 60):
            raise TimeoutError("minga did not join a room within a minute: see its log")
        reminded = [accounts[f"new{n}"] for n in range(args.reminders)]
        for name, part in (("A", part_a), ("B", part_b), ("R", lambda r: part_r(r, reminded))):
            if name in (args.only or "ABR"):
                try:
                    rows += await part(run)
                except Exception as error:  # the next part may still measure
                    print(f"  {name} stopped: {type(error).__name__}: {error}", flush=True)
                    rows.append((f"{name}: stopped early", "NOT MEASURED", "", verdict(False)))
    finally:
        await leave(run.people)
    return rows


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--commands", type=int, default=200, help="in each burst (200)")
    parser.add_argument("--people", type=int, default=4, help="people typing them (4)")
    parser.add_argument("--reminders", type=int, default=50, help="due at once (50)")
    parser.add_argument("--quick", action="store_true", help="40 commands, 2 people, 10 reminders")
    parser.add_argument(
        "--only", choices=["A", "B", "R"], action="append", help="run only this part (repeatable)"
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=300.0,
        help="seconds for the parts; every wait stops at its end (300)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.quick:
        args.commands, args.people, args.reminders = 40, 2, 10
    args.people = max(1, args.people)
    args.commands = max(args.people, args.commands - args.commands % args.people)  # equal
    return args


def main() -> None:
    args = options()
    logging.getLogger("nio").setLevel(logging.ERROR)  # a warning per device with no session
    with (
        session(
            "matrix_burst: minga on Matrix against a real Synapse on loopback", args.keep
        ) as folder,
        contextlib.ExitStack() as cleanup,
    ):
        print(
            f"{args.commands} commands from {args.people} people; {args.reminders} "
            f"reminders; minga sends {AT_ONCE} at once",
            flush=True,
        )
        (folder / "synapse").mkdir()
        homeserver = start(folder / "synapse")
        cleanup.callback(homeserver.stop)
        accounts = {
            name: homeserver.register(name, password=PASSWORD)
            for name in [
                "minga",
                "bare",
                *(f"person{n}" for n in range(args.people)),
                *(f"new{n}" for n in range(args.reminders)),
            ]
        }
        for account in accounts.values():
            homeserver.exempt(account.user_id)  # Synapse's default: about one message in 5 s
        minga = SPAWN.Process(
            target=minga_process,
            daemon=True,
            args=(
                Config(
                    storage=StorageConfig(f"sqlite:///{folder}/minga.db"),
                    matrix=MatrixConfig(
                        enabled=True,
                        homeserver=homeserver.url,
                        password=PASSWORD,
                        user_id=accounts["minga"].user_id,
                        store_path=str(folder / "minga-store"),
                    ),
                ),
                folder / "minga.log",
            ),
        )
        minga.start()
        cleanup.callback(stop, minga)
        rows = asyncio.run(
            asyncio.wait_for(parts(args, homeserver.url, folder, accounts), args.budget + 180)
        )
        if not minga.is_alive():
            print("minga's process ended during the run: see its log (--keep)")
        print(f"\n{table(rows)}")


if __name__ == "__main__":
    main()
