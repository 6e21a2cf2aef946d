"""Which of several minga processes on one PostgreSQL runs the scheduler: the one holding a
session advisory lock, on a connection of its own that it keeps open.

PostgreSQL lets the lock go when that session ends, however it ends: the process stops, is
killed (its socket closes), or the server restarts or terminates the backend. Nothing is
written anywhere, so nothing goes stale: a follower that tries again a few seconds later
gets it. On SQLite there is one process and no lock (`scheduler_lock` gives None).
"""

import asyncio
import contextlib
import logging

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger("minga.leader")

SCHEDULER_LOCK = 0x6D696E6761_02  # "minga", 2 (the migrations' lock is 1: storage/migrate.py)
TIMEOUT = 5.0  # seconds a look at the lock's connection may take before it counts as dead
# If the leader's machine vanishes (power, network) its socket never closes; PostgreSQL's
# keepalives then end the session, and free the lock, within about 10 + 3 × 5 = 25 seconds
# instead of the kernel's two hours. (Ignored on a Unix socket, where this cannot happen.)
KEEPALIVES = {"tcp_keepalives_idle": 10, "tcp_keepalives_interval": 5, "tcp_keepalives_count": 3}


class AdvisoryLock:
    """The scheduler's lock. `acquire` takes it if it is free (and says whether this process
    holds it); `held` checks that the session holding it is still alive; `release` ends
    that session."""

    def __init__(self, engine: AsyncEngine, key: int = SCHEDULER_LOCK) -> None:
        self.engine = engine
        self.key = key
        self._conn: AsyncConnection | None = None
        self._held = False

    async def acquire(self) -> bool:
        """True when this process holds the lock, taken now or before."""
        if self._held:
            return await self.held()
        try:
            async with asyncio.timeout(TIMEOUT):
                if self._conn is None:
                    self._conn = await self._connect()
                got = await self._conn.scalar(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                )
        except BaseException:
            await self.release()  # the connection is in a state nobody knows
            raise
        self._held = bool(got)
        return self._held

    async def held(self) -> bool:
        """Whether the lock is still this process's. The lock lives as long as its session
        and is never unlocked by hand, so a session that answers still holds it."""
        if not self._held or self._conn is None:
            return False
        try:
            async with asyncio.timeout(TIMEOUT):
                await self._conn.execute(text("SELECT 1"))
        except Exception as error:
            log.warning("leader=lost reason=%s", type(error).__name__)
            await self.release()
            return False
        return True

    async def release(self) -> None:
        """End the lock's session: the lock goes with it, to whoever asks next."""
        conn, self._conn, self._held = self._conn, None, False
        if conn is None:
            return
        # Invalidated, not returned to the pool: a pooled session would keep the lock.
        with contextlib.suppress(Exception):
            await conn.invalidate()
        with contextlib.suppress(Exception):
            await conn.close()

    async def _connect(self) -> AsyncConnection:
        conn = await self.engine.connect()
        try:
            # The lock is the session's; no transaction is left open on it between looks.
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            for name, value in KEEPALIVES.items():
                await conn.execute(text(f"SET {name} = {value}"))
        except BaseException:
            with contextlib.suppress(Exception):
                await conn.invalidate()
            raise
        return conn


def scheduler_lock(engine: AsyncEngine) -> AdvisoryLock | None:
    """The lock for a database several processes can share; None for SQLite's one."""
    return AdvisoryLock(engine) if engine.dialect.name == "postgresql" else None
