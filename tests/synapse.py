"""A real Synapse homeserver for the tests, in a virtual environment of its own.

Only the standard library is used, so `python3 tests/synapse.py` can install Synapse before
the project's own venv exists (CI does that first).
"""

import fcntl
import hashlib
import hmac
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SYNAPSE_REQUIREMENT = "matrix-synapse>=1.160,<2"
REPO = Path(__file__).resolve().parent.parent
SERVER_NAME = "localhost"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0

# Generous enough that no test meets them; the message limit (rc_message) is left out on
# purpose: it stays at Synapse's default so tests can meet the limit real bots meet.
RELAXED = {"per_second": 1000, "burst_count": 10000}
RATE_LIMITS: dict[str, Any] = {
    "rc_registration": RELAXED,
    "rc_registration_token_validity": RELAXED,
    "rc_login": {"address": RELAXED, "account": RELAXED, "failed_attempts": RELAXED},
    "rc_joins": {"local": RELAXED, "remote": RELAXED},
    "rc_joins_per_room": RELAXED,
    "rc_invites": {"per_room": RELAXED, "per_user": RELAXED, "per_issuer": RELAXED},
    "rc_third_party_invite": RELAXED,
    "rc_3pid_validation": RELAXED,
    "rc_admin_redaction": RELAXED,
    "rc_key_requests": RELAXED,
    "rc_media_create": RELAXED,
    "rc_presence": {"per_user": RELAXED},
    "rc_delayed_event_mgmt": RELAXED,
    "rc_room_creation": RELAXED,
    "rc_reports": RELAXED,
    "rc_user_directory": RELAXED,
    "rc_profile": RELAXED,
}


@dataclass(frozen=True)
class Account:
    user_id: str
    access_token: str
    device_id: str
    password: str


@dataclass
class Homeserver:
    url: str
    server_name: str
    shared_secret: str
    process: subprocess.Popen[bytes]
    base: Path
    # Registered by start(): the token that may lift a user's rate limit.
    admin: Account = field(init=False, repr=False)

    def register(self, localpart: str, password: str | None = None, admin: bool = False) -> Account:
        """A new account through the shared-secret admin API, logged in on a fresh device."""
        password = password if password is not None else f"pw-{localpart}"
        endpoint = f"{self.url}/_synapse/admin/v1/register"
        nonce = _request("GET", endpoint)["nonce"]
        body = {
            "nonce": nonce,
            "username": localpart,
            "password": password,
            "admin": admin,
            "mac": registration_mac(self.shared_secret, nonce, localpart, password, admin),
        }
        reply = _request("POST", endpoint, body)
        return Account(reply["user_id"], reply["access_token"], reply["device_id"], password)

    def exempt(self, user_id: str) -> None:
        """Lift the message rate limit for one user; everyone else keeps Synapse's default."""
        quoted = urllib.parse.quote(user_id, safe="")
        _request(
            "POST",
            f"{self.url}/_synapse/admin/v1/users/{quoted}/override_ratelimit",
            {"messages_per_second": 0, "burst_count": 0},
            self.admin.access_token,
        )

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def registration_mac(secret: str, nonce: str, user: str, password: str, admin: bool) -> str:
    """The HMAC-SHA1 that Synapse's shared-secret registration expects."""
    parts = (nonce, user, password, "admin" if admin else "notadmin")
    return hmac.new(
        secret.encode(), b"\x00".join(part.encode() for part in parts), hashlib.sha1
    ).hexdigest()


def unique_localpart(prefix: str) -> str:
    """One server serves the whole session: each test's users need names no other test has."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def venv_path() -> Path:
    return Path(os.environ.get("MINGA_SYNAPSE_VENV") or REPO / ".synapse-venv")


def _has_synapse(venv: Path) -> bool:
    python = venv / "bin" / "python"
    return (
        python.exists()
        and subprocess.run(
            [python, "-c", "import synapse"], capture_output=True, check=False
        ).returncode
        == 0
    )


def ensure_venv() -> Path:
    """The Synapse venv, made on first use: Synapse's pins must never reach the project's."""
    venv = venv_path()
    if _has_synapse(venv):
        return venv
    venv.mkdir(parents=True, exist_ok=True)
    with open(venv / ".install.lock", "w") as lock:
        # pytest-xdist workers or a parallel CI step may race to install: one does, the others
        # wait and then find it done.
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _has_synapse(venv):
            # Run from the project's venv, `-m venv` still builds on the base interpreter.
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
            subprocess.run(
                [venv / "bin" / "python", "-m", "pip", "install", "--quiet", SYNAPSE_REQUIREMENT],
                check=True,
            )
    return venv


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def write_config(base: Path, port: int, shared_secret: str) -> Path:
    """homeserver.yaml for a throw-away local server (JSON is YAML, so no YAML writer)."""
    log_config = base / "log.yaml"
    log_config.write_text(
        json.dumps(
            {
                "version": 1,
                "formatters": {
                    "plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}
                },
                "handlers": {
                    "file": {
                        "class": "logging.FileHandler",
                        "formatter": "plain",
                        "filename": str(base / "homeserver.log"),
                    }
                },
                "root": {"level": "WARNING", "handlers": ["file"]},
                "disable_existing_loggers": False,
            }
        )
    )
    config = base / "homeserver.yaml"
    config.write_text(
        json.dumps(
            {
                "server_name": SERVER_NAME,
                "listeners": [
                    {
                        "port": port,
                        "bind_addresses": ["127.0.0.1"],
                        "type": "http",
                        "tls": False,
                        "x_forwarded": False,
                        "resources": [{"names": ["client"], "compress": False}],
                    }
                ],
                "database": {"name": "sqlite3", "args": {"database": str(base / "homeserver.db")}},
                "log_config": str(log_config),
                "media_store_path": str(base / "media_store"),
                "signing_key_path": str(base / "signing.key"),
                "registration_shared_secret": shared_secret,
                "macaroon_secret_key": secrets.token_urlsafe(32),
                "form_secret": secrets.token_urlsafe(32),
                "enable_registration": False,
                "report_stats": False,
                "suppress_key_server_warning": True,
                "trusted_key_servers": [],
                # Synapse's default cost makes each registration take a quarter of a second.
                "bcrypt_rounds": 4,
                **RATE_LIMITS,
            },
            indent=2,
        )
    )
    return config


def _synapse(venv: Path, config: Path, *extra: str) -> list[str]:
    return [str(venv / "bin" / "python"), "-m", "synapse.app.homeserver", "-c", str(config), *extra]


def _tail(base: Path, lines: int = 40) -> str:
    logs = [base / "synapse.out", base / "homeserver.log"]
    return "\n".join(
        f"--- {log.name}\n" + "\n".join(log.read_text().splitlines()[-lines:])
        for log in logs
        if log.exists()
    )


def _wait_until_up(process: subprocess.Popen[bytes], url: str, base: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Synapse exited with {process.returncode}:\n{_tail(base)}")
        try:
            with urllib.request.urlopen(f"{url}/_matrix/client/versions", timeout=1) as reply:
                if reply.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"Synapse did not answer within {START_TIMEOUT:.0f} s:\n{_tail(base)}")


def start(base: Path) -> Homeserver:
    """A fresh Synapse on 127.0.0.1 with its config, database and logs in `base`."""
    venv = ensure_venv()
    port = free_port()
    shared_secret = secrets.token_urlsafe(32)
    config = write_config(base, port, shared_secret)
    keys = subprocess.run(
        _synapse(venv, config, "--generate-keys"), capture_output=True, check=False
    )
    if keys.returncode:
        raise RuntimeError(f"Synapse could not make its keys:\n{keys.stderr.decode()}")
    with open(base / "synapse.out", "wb") as out:
        process = subprocess.Popen(
            _synapse(venv, config), stdout=out, stderr=subprocess.STDOUT, cwd=base
        )
    homeserver = Homeserver(f"http://127.0.0.1:{port}", SERVER_NAME, shared_secret, process, base)
    try:
        _wait_until_up(process, homeserver.url, base)
        homeserver.admin = homeserver.register("admin", admin=True)
    except BaseException:
        homeserver.stop()
        raise
    return homeserver


def _request(
    method: str, url: str, body: dict[str, Any] | None = None, token: str | None = None
) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return json.load(reply)
    except urllib.error.HTTPError as error:
        # Synapse's JSON error (errcode, error) says more than the bare status line.
        raise RuntimeError(f"{method} {url}: {error.code} {error.read().decode()}") from error


if __name__ == "__main__":
    print(ensure_venv())
