"""Minga's configuration: one TOML file plus a few environment variables for secrets.

The dataclasses below are the schema (the [groups] section is bot/settings.py's table of
group settings). `load_config` walks them generically, so adding a setting means adding a
field; per-key rules (ranges, allowed values, URL schemes) are check functions stored in
the field's metadata, with, where the value is kept in a form of its own, the function
that reads it ("reads"). Every problem is collected and returned together, so an operator
can fix the whole file in one pass.
"""

import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import Field, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from bot.checks import Check, between, did_you_mean, matches, not_empty, one_of, starts_with
from bot.settings import GroupDefaults


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the configuration, shown to an operator as `key: message`."""

    key: str  # dotted key, e.g. "telegram.token" ("" for the file itself)
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}" if self.key else self.message


def _setting(
    default: Any, *checks: Check, env: str | None = None, secret: bool | None = None
) -> Any:
    """A field with validation rules; `env` names a variable that overrides it, a secret
    unless `secret=False` says otherwise.

    Secrets are left out of repr() so that logging a Config never prints a token.
    """
    metadata: dict[str, Any] = {"checks": checks}
    hidden = bool(env) if secret is None else secret
    if env:
        metadata["env"] = env
    metadata["secret"] = hidden
    return field(default=default, repr=not hidden, metadata=metadata)


# --- schema ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StorageConfig:
    url: str = _setting(
        "sqlite:///minga.db",
        not_empty,
        starts_with("sqlite://", "postgresql://", "postgres://"),
        env="MINGA_DATABASE_URL",
    )


@dataclass(frozen=True)
class PrivacyConfig:
    """How long minga keeps what it sent: for everyone on this installation, not per group."""

    sent_message_days: int = _setting(7, between(1, 90))


@dataclass(frozen=True)
class TelegramConfig:
    enabled: bool = False
    token: str = _setting("", env="MINGA_TELEGRAM_TOKEN")
    base_url: str = _setting(
        "https://api.telegram.org/bot", not_empty, starts_with("http://", "https://")
    )
    mode: str = _setting("polling", one_of("polling", "webhook"))
    webhook_url: str = _setting("", starts_with("https://"))
    webhook_listen: str = _setting("127.0.0.1", not_empty)
    # Several processes behind one proxy share a file: each is told its port by systemd.
    webhook_port: int = _setting(
        8443, between(1, 65535), env="MINGA_TELEGRAM_WEBHOOK_PORT", secret=False
    )
    webhook_secret: str = _setting("", env="MINGA_TELEGRAM_WEBHOOK_SECRET")


@dataclass(frozen=True)
class MatrixConfig:
    enabled: bool = False
    homeserver: str = _setting("", starts_with("http://", "https://"))
    user_id: str = _setting("", matches(r"@[^:\s]+:\S+", "must look like '@minga:example.org'"))
    password: str = _setting("", env="MINGA_MATRIX_PASSWORD")
    access_token: str = _setting("", env="MINGA_MATRIX_ACCESS_TOKEN")
    device_name: str = "minga"
    command_prefix: str = _setting("!", not_empty, matches(r"\S+", "must not contain spaces"))
    store_path: str = _setting("matrix-store", not_empty)
    auto_join: bool = True
    encrypt_direct: bool = True


@dataclass(frozen=True)
class DeliveryConfig:
    """How minga sends: each chat is a lane; this many lanes go at once, per platform."""

    lanes: int = _setting(16, between(2, 64))
    # Who holds the lanes it sends, in the shared database: when empty, the machine's name
    # (and in webhook mode its port: bootstrap.sending_as). Two processes that send for the
    # same bot from one machine need different names.
    sender: str = _setting(
        "",
        matches(r"[\w.:@-]{1,64}", "must be 1 to 64 letters, digits or . : @ _ -"),
        env="MINGA_SENDER",
    )


@dataclass(frozen=True)
class WebConfig:
    """The read-only week pages (and calendar feeds) groups may turn on: a small web server
    inside `minga run`, usually behind a reverse proxy that adds https."""

    enabled: bool = False
    listen: str = _setting("127.0.0.1", not_empty)
    port: int = _setting(8080, between(1, 65535), env="MINGA_WEB_PORT", secret=False)
    # The address people open, as the proxy publishes it: links minga gives start with it.
    base_url: str = _setting("", starts_with("https://", "http://"))
    # Behind a proxy every request comes from the proxy's address: then the address of the
    # reader, for the limit of requests per address, is the last one the proxy adds to
    # X-Forwarded-For. Only when this is true: anyone can write that header.
    trust_forwarded: bool = False
    # Requests one address may make in a minute, beyond a first burst of as many.
    per_minute: int = _setting(30, between(1, 6000))


@dataclass(frozen=True)
class ConsoleConfig:
    demo: bool = True


@dataclass(frozen=True)
class LoggingConfig:
    level: str = _setting("INFO", one_of("DEBUG", "INFO", "WARNING", "ERROR"))
    format: str = _setting("text", one_of("text", "json"))


@dataclass(frozen=True)
class Config:
    storage: StorageConfig = StorageConfig()
    groups: GroupDefaults = field(default_factory=GroupDefaults)
    privacy: PrivacyConfig = PrivacyConfig()
    telegram: TelegramConfig = TelegramConfig()
    matrix: MatrixConfig = MatrixConfig()
    delivery: DeliveryConfig = DeliveryConfig()
    web: WebConfig = WebConfig()
    console: ConsoleConfig = ConsoleConfig()
    logging: LoggingConfig = LoggingConfig()


# --- loading --------------------------------------------------------------------------------


def find_config_path(explicit: str | None, env: Mapping[str, str]) -> Path | None:
    """explicit path if given; else env MINGA_CONFIG; else ./minga.toml if it exists; else None."""
    if explicit:
        return Path(explicit)
    if env.get("MINGA_CONFIG"):
        return Path(env["MINGA_CONFIG"])
    default = Path("minga.toml")
    return default if default.is_file() else None


def load_config(path: Path | None, env: Mapping[str, str]) -> tuple[Config, list[Problem]]:
    """Read the file (None = embedded defaults only), apply env overrides, validate.

    Never raises for bad content: every problem is returned, all at once; the Config
    returned holds the default wherever a value was bad.
    """
    table, problems = _read_toml(path) if path is not None else ({}, [])
    config = _build(Config, table, env, "", problems)
    already_reported = {problem.key for problem in problems}
    problems += [p for p in _requirements(config) if p.key not in already_reported]
    return config, problems


def _read_toml(path: Path) -> tuple[dict[str, Any], list[Problem]]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), []
    except FileNotFoundError:
        message = f"The configuration file {path} does not exist."
    except UnicodeDecodeError:
        message = f"The configuration file {path} is not UTF-8 text."
    except OSError as exc:
        message = f"The configuration file {path} could not be read: {exc.strerror}."
    except tomllib.TOMLDecodeError as exc:  # its message ends with "(at line L, column C)"
        message = f"The configuration file {path} is not valid TOML: {exc}."
    return {}, [Problem("", message)]


def _build(
    cls: type,
    table: Mapping[str, Any],
    env: Mapping[str, str],
    prefix: str,
    problems: list[Problem],
) -> Any:
    """Make a `cls` from a TOML table, keeping the default for anything missing or bad."""
    known = {f.name: f for f in fields(cls)}
    problems += [
        _unknown(prefix, name, value, known) for name, value in table.items() if name not in known
    ]
    values: dict[str, Any] = {}
    for f in known.values():
        assert isinstance(f.type, type)  # the schema's annotations are classes, never strings
        key = f"{prefix}.{f.name}" if prefix else f.name
        raw = table.get(f.name)
        if is_dataclass(f.type):
            values[f.name] = _section(f.type, raw, env, key, problems)
        elif (value := _value(f, f.type, raw, env, key, problems)) is not None:
            values[f.name] = value
    return cls(**values)


def _section(cls: type, raw: Any, env: Mapping[str, str], key: str, problems: list[Problem]) -> Any:
    if raw is not None and not isinstance(raw, dict):
        problems.append(Problem(key, f"expected a section [{key}], got {_describe(raw)}"))
    return _build(cls, raw if isinstance(raw, dict) else {}, env, key, problems)


def _value(
    f: Field[Any],
    expected: type,
    raw: Any,
    env: Mapping[str, str],
    key: str,
    problems: list[Problem],
) -> Any:
    """One setting's value as read, or None to keep its default (missing or refused)."""
    env_name = f.metadata.get("env", "")
    from_env = bool(env_name and env.get(env_name))
    if from_env:
        raw = env[env_name]
        if expected is int and raw.strip().isdigit():  # the environment holds only text
            raw = int(raw)
    if raw is None:  # TOML has no null, so None means "not given"
        return None
    error = _check(expected, f.metadata.get("checks", ()), raw, f.metadata.get("secret", False))
    if error is not None:
        source = f" (from the environment variable {env_name})" if from_env else ""
        problems.append(Problem(key, error + source))
        return None
    return f.metadata["reads"](raw) if "reads" in f.metadata else raw


_EXPECTED = {bool: "true or false", int: "a whole number", str: "text in quotes"}


def _check(expected: type, checks: Iterable[Check], value: Any, secret: bool) -> str | None:
    # bool is a subclass of int, but `port = true` is a mistake, not the number 1.
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        return f"expected {_EXPECTED[expected]}, got {_describe(value, secret)}"
    return next((error for check in checks if (error := check(value))), None)


def _describe(value: Any, secret: bool = False) -> str:
    if isinstance(value, bool):
        return f"the value {str(value).lower()}"
    if isinstance(value, dict):
        return "a section of settings"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        kind = "text"
    else:
        kind = "number" if isinstance(value, int | float) else "date"
    if secret:  # never echo something that might be a password into logs
        return f"a {kind} (not shown because this setting is secret)"
    return f"the {kind} {value!r}" if kind == "text" else f"the {kind} {value}"


def _unknown(prefix: str, name: str, value: Any, known: Iterable[str]) -> Problem:
    if prefix:
        what = f"unknown setting {name!r} in [{prefix}]"
    elif isinstance(value, dict):
        what = f"unknown section [{name}]"
    else:
        what = f"unknown setting {name!r} outside any section"
    hint = did_you_mean(name, known) or _home_of(name, prefix)
    return Problem(f"{prefix}.{name}" if prefix else name, what + hint)


def _home_of(name: str, current: str) -> str:
    """Point a misplaced setting to the section(s) where it does exist."""
    homes = [
        f"[{section.name}]"
        for section in fields(Config)
        if section.name != current
        and is_dataclass(section.type)
        and name in {f.name for f in fields(section.type)}
    ]
    return f"; it belongs in {' or '.join(homes)}" if homes else ""


def _requirements(config: Config) -> Iterator[Problem]:
    """Rules that involve more than one setting: what an enabled adapter cannot run without."""
    telegram, matrix = config.telegram, config.matrix
    if telegram.enabled:
        if not telegram.token:
            yield Problem(
                "telegram.token",
                "Telegram is enabled but has no bot token; set it "
                "here or in the environment variable MINGA_TELEGRAM_TOKEN",
            )
        if telegram.mode == "webhook" and not telegram.webhook_url:
            yield Problem(
                "telegram.webhook_url",
                "webhook mode needs the public https:// address where Telegram will send updates",
            )
        if telegram.mode == "webhook" and not telegram.webhook_secret:
            yield Problem(
                "telegram.webhook_secret",
                "webhook mode needs a secret; set it here "
                "or in the environment variable MINGA_TELEGRAM_WEBHOOK_SECRET",
            )
    yield from _web_requirements(config.web)
    if matrix.enabled:
        if not matrix.homeserver:
            yield Problem(
                "matrix.homeserver",
                "Matrix is enabled but has no homeserver address "
                "(like 'https://matrix.example.org')",
            )
        if not matrix.user_id:
            yield Problem(
                "matrix.user_id", "Matrix is enabled but has no user_id (like '@minga:example.org')"
            )
        if not (matrix.password or matrix.access_token):
            yield Problem(
                "matrix.password",
                "Matrix is enabled but has neither a password nor "
                "an access_token; set one here or in the environment variable "
                "MINGA_MATRIX_PASSWORD or MINGA_MATRIX_ACCESS_TOKEN",
            )


def _web_requirements(web: WebConfig) -> Iterator[Problem]:
    if web.enabled and not web.base_url:
        yield Problem(
            "web.base_url",
            "the web pages are enabled but have no public address (like "
            "'https://minga.example.org'): the links minga gives start with it",
        )
