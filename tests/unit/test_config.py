import dataclasses
import tomllib
from pathlib import Path

import pytest

from bot.config import (
    Config,
    GroupDefaults,
    Problem,
    StorageConfig,
    TelegramConfig,
    find_config_path,
    load_config,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.toml"


def load_text(tmp_path: Path, text: str, env: dict[str, str] | None = None):
    path = tmp_path / "minga.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env or {})


def only_problem(problems: list[Problem], key: str) -> Problem:
    found = [p for p in problems if p.key == key]
    assert len(found) == 1, problems
    return found[0]


# --- defaults and round trip ------------------------------------------------------------------


def test_no_file_gives_defaults_and_no_problems():
    config, problems = load_config(None, {})
    assert problems == []
    assert config == Config()
    assert config.storage.url == "sqlite:///minga.db"
    assert config.groups.timezone == "UTC"
    assert config.telegram.enabled is False
    assert config.matrix.command_prefix == "!"
    assert config.logging.level == "INFO"


def test_empty_file_gives_defaults(tmp_path):
    assert load_text(tmp_path, "") == (Config(), [])


def test_full_valid_file_round_trips(tmp_path):
    config, problems = load_text(
        tmp_path,
        """
        [storage]
        url = "postgresql://minga@localhost/minga"
        [groups]
        language = "es"
        timezone = "America/Bogota"
        founding_hours = 48
        link_code_minutes = 30
        [telegram]
        enabled = true
        token = "123:abc"
        base_url = "http://localhost:8081/bot"
        mode = "webhook"
        webhook_url = "https://minga.example.org/telegram"
        webhook_listen = "0.0.0.0"
        webhook_port = 9000
        webhook_secret = "s3cret"
        [matrix]
        enabled = true
        homeserver = "https://matrix.example.org"
        user_id = "@minga:example.org"
        password = "pw"
        access_token = ""
        device_name = "minga-bot"
        command_prefix = "!!"
        store_path = "/var/lib/minga/matrix"
        auto_join = false
        [console]
        demo = false
        [logging]
        level = "DEBUG"
        format = "json"
    """,
    )
    assert problems == []
    assert config.storage.url == "postgresql://minga@localhost/minga"
    assert config.groups == GroupDefaults("es", "America/Bogota", 48, 30)
    assert config.telegram == TelegramConfig(
        True,
        "123:abc",
        "http://localhost:8081/bot",
        "webhook",
        "https://minga.example.org/telegram",
        "0.0.0.0",
        9000,
        "s3cret",
    )
    assert config.matrix.user_id == "@minga:example.org"
    assert config.matrix.auto_join is False
    assert config.matrix.store_path == "/var/lib/minga/matrix"
    assert config.console.demo is False
    assert (config.logging.level, config.logging.format) == ("DEBUG", "json")


def test_config_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Config().storage.url = "sqlite://"  # type: ignore[misc]


def test_secrets_are_not_in_repr(tmp_path):
    config, _ = load_text(tmp_path, '[telegram]\ntoken = "123:very-secret"\n')
    assert config.telegram.token == "123:very-secret"
    assert "very-secret" not in repr(config)


# --- environment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "section", "key", "value"),
    [
        ("MINGA_DATABASE_URL", "storage", "url", "postgres://db.example.org/minga"),
        ("MINGA_TELEGRAM_TOKEN", "telegram", "token", "999:from-env"),
        ("MINGA_TELEGRAM_WEBHOOK_SECRET", "telegram", "webhook_secret", "env-secret"),
        ("MINGA_MATRIX_PASSWORD", "matrix", "password", "env-password"),
        ("MINGA_MATRIX_ACCESS_TOKEN", "matrix", "access_token", "env-token"),
    ],
)
def test_env_overrides_each_secret(tmp_path, variable, section, key, value):
    file_value = "sqlite:///file.db" if key == "url" else "from-file"
    text = f'[{section}]\n{key} = "{file_value}"\n'
    config, problems = load_text(tmp_path, text, {variable: value})
    assert problems == []
    assert getattr(getattr(config, section), key) == value


def test_env_override_works_without_a_file():
    config, problems = load_config(None, {"MINGA_TELEGRAM_TOKEN": "1:x"})
    assert problems == []
    assert config.telegram.token == "1:x"


def test_empty_env_variable_does_not_override(tmp_path):
    text = '[telegram]\ntoken = "from-file"\n'
    config, _ = load_text(tmp_path, text, {"MINGA_TELEGRAM_TOKEN": ""})
    assert config.telegram.token == "from-file"


def test_bad_env_value_names_the_variable_and_keeps_default():
    config, problems = load_config(None, {"MINGA_DATABASE_URL": "mysql://u:hunter2@db/minga"})
    problem = only_problem(problems, "storage.url")
    assert "MINGA_DATABASE_URL" in problem.message
    assert "sqlite://" in problem.message
    assert "hunter2" not in problem.message
    assert config.storage == StorageConfig()


def test_each_instance_of_one_file_listens_on_its_own_port():
    """minga@8441 and minga@8442 share a file; the port comes from the environment."""
    config, problems = load_config(None, {"MINGA_TELEGRAM_WEBHOOK_PORT": "8441"})
    assert problems == [] and config.telegram.webhook_port == 8441
    assert "8441" in repr(config)  # not a secret
    config, problems = load_config(None, {"MINGA_TELEGRAM_WEBHOOK_PORT": "84x"})
    problem = only_problem(problems, "telegram.webhook_port")
    assert "whole number" in problem.message and "MINGA_TELEGRAM_WEBHOOK_PORT" in problem.message
    assert "'84x'" in problem.message
    assert config.telegram.webhook_port == 8443


def test_telegram_enabled_with_token_from_env_is_fine(tmp_path):
    env = {"MINGA_TELEGRAM_TOKEN": "1:x"}
    _, problems = load_text(tmp_path, "[telegram]\nenabled = true\n", env)
    assert problems == []


# --- the file itself --------------------------------------------------------------------------


def test_missing_file_is_a_problem_not_an_exception(tmp_path):
    config, problems = load_config(tmp_path / "nope.toml", {})
    assert config == Config()
    assert [p.key for p in problems] == [""]
    assert "does not exist" in problems[0].message
    assert "nope.toml" in problems[0].message


def test_unreadable_file_is_a_problem(tmp_path):
    _, problems = load_config(tmp_path, {})  # a directory cannot be read as a file
    assert [p.key for p in problems] == [""]
    assert "could not be read" in problems[0].message


def test_non_utf8_file_is_a_problem(tmp_path):
    path = tmp_path / "minga.toml"
    path.write_bytes(b'[groups]\nlanguage = "\xff"\n')
    _, problems = load_config(path, {})
    assert "UTF-8" in only_problem(problems, "").message


def test_toml_syntax_error_is_reported_with_line_and_column(tmp_path):
    config, problems = load_text(tmp_path, '[groups]\nlanguage = "en"\ntimezone = \n')
    assert config == Config()
    problem = only_problem(problems, "")
    assert "not valid TOML" in problem.message
    assert "line 3" in problem.message
    assert "column" in problem.message


def test_syntax_error_still_applies_env_and_checks_it(tmp_path):
    config, problems = load_text(tmp_path, "[[[", {"MINGA_TELEGRAM_TOKEN": "1:x"})
    assert [p.key for p in problems] == [""]
    assert config.telegram.token == "1:x"


# --- unknown names ----------------------------------------------------------------------------


def test_unknown_key_suggests_the_close_one(tmp_path):
    config, problems = load_text(tmp_path, '[groups]\ntimezon = "Europe/Madrid"\n')
    assert "did you mean 'timezone'" in only_problem(problems, "groups.timezon").message
    assert config.groups.timezone == "UTC"


def test_unknown_section_suggests_the_close_one(tmp_path):
    _, problems = load_text(tmp_path, "[telegarm]\nenabled = true\n")
    problem = only_problem(problems, "telegarm")
    assert "unknown section" in problem.message
    assert "did you mean 'telegram'" in problem.message


def test_misplaced_key_points_to_its_section(tmp_path):
    _, problems = load_text(tmp_path, 'token = "1:x"\n[telegram]\ntimezone = "UTC"\n')
    assert "[telegram]" in only_problem(problems, "token").message
    assert "[groups]" in only_problem(problems, "telegram.timezone").message


def test_unknown_key_without_any_match_is_still_reported(tmp_path):
    _, problems = load_text(tmp_path, "[console]\nzzz = 1\n")
    problem = only_problem(problems, "console.zzz")
    assert "unknown setting 'zzz'" in problem.message
    assert "did you mean" not in problem.message


def test_section_given_as_a_value(tmp_path):
    config, problems = load_text(tmp_path, "logging = 3\n")
    assert "expected a section [logging]" in only_problem(problems, "logging").message
    assert config.logging == Config().logging


# --- types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key", "expected"),
    [
        (
            '[groups]\nfounding_hours = "10"',
            "groups.founding_hours",
            "expected a whole number, got the text '10'",
        ),
        (
            "[groups]\nfounding_hours = true",
            "groups.founding_hours",
            "expected a whole number, got the value true",
        ),
        (
            "[groups]\nlink_code_minutes = 1.5",
            "groups.link_code_minutes",
            "expected a whole number, got the number 1.5",
        ),
        (
            '[telegram]\nenabled = "yes"',
            "telegram.enabled",
            "expected true or false, got the text 'yes'",
        ),
        ("[console]\ndemo = 1", "console.demo", "expected true or false, got the number 1"),
        (
            "[matrix]\ndevice_name = 7",
            "matrix.device_name",
            "expected text in quotes, got the number 7",
        ),
        ('[logging]\nlevel = ["INFO"]', "logging.level", "got a list"),
        ("[storage]\nurl = 2024-01-01", "storage.url", "got a date"),
    ],
)
def test_wrong_type_says_expected_and_got(tmp_path, toml, key, expected):
    config, problems = load_text(tmp_path, toml + "\n")
    assert expected in only_problem(problems, key).message
    section, name = key.split(".")
    assert getattr(getattr(config, section), name) == getattr(getattr(Config(), section), name)


def test_wrong_type_for_a_secret_does_not_echo_it(tmp_path):
    _, problems = load_text(tmp_path, "[telegram]\ntoken = 123456789\n")
    message = only_problem(problems, "telegram.token").message
    assert "expected text" in message
    assert "123456789" not in message


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key", "expected"),
    [
        ("[groups]\nfounding_hours = 0", "groups.founding_hours", "between 1 and 720, got 0"),
        ("[groups]\nfounding_hours = 721", "groups.founding_hours", "between 1 and 720, got 721"),
        ("[groups]\nlink_code_minutes = 1441", "groups.link_code_minutes", "between 1 and 1440"),
        ("[telegram]\nwebhook_port = 70000", "telegram.webhook_port", "between 1 and 65535"),
        ('[telegram]\nmode = "webhok"', "telegram.mode", "did you mean 'webhook'"),
        ('[telegram]\nmode = "push"', "telegram.mode", "one of 'polling' or 'webhook', got 'push'"),
        ('[logging]\nformat = "xml"', "logging.format", "one of 'text' or 'json'"),
        ('[logging]\nlevel = "debug"', "logging.level", "did you mean 'DEBUG'"),
        ('[logging]\nlevel = "TRACE"', "logging.level", "'DEBUG', 'INFO', 'WARNING' or 'ERROR'"),
        ('[groups]\nlanguage = "fr"', "groups.language", "one of 'en', 'es' or 'pt', got 'fr'"),
        ('[groups]\ntimezone = "Europe/Madird"', "groups.timezone", "did you mean 'Europe/Madrid'"),
        ('[groups]\ntimezone = "Mars/Olympus"', "groups.timezone", "not a known time zone"),
        (
            '[storage]\nurl = "mysql://localhost/minga"',
            "storage.url",
            "'sqlite://', 'postgresql://' or 'postgres://'",
        ),
        ('[storage]\nurl = ""', "storage.url", "must not be empty"),
        (
            '[telegram]\nbase_url = "api.telegram.org/bot"',
            "telegram.base_url",
            "'http://' or 'https://'",
        ),
        (
            '[telegram]\nwebhook_url = "http://minga.example.org"',
            "telegram.webhook_url",
            "must start with 'https://'",
        ),
        (
            '[matrix]\nhomeserver = "matrix.example.org"',
            "matrix.homeserver",
            "'http://' or 'https://'",
        ),
        ('[matrix]\nuser_id = "minga"', "matrix.user_id", "@minga:example.org"),
        ('[matrix]\ncommand_prefix = ""', "matrix.command_prefix", "must not be empty"),
        ('[matrix]\ncommand_prefix = "! "', "matrix.command_prefix", "must not contain spaces"),
    ],
)
def test_bad_value_is_reported_and_default_kept(tmp_path, toml, key, expected):
    config, problems = load_text(tmp_path, toml + "\n")
    assert expected in only_problem(problems, key).message
    section, name = key.split(".")
    assert getattr(getattr(config, section), name) == getattr(getattr(Config(), section), name)


@pytest.mark.parametrize(
    "url", ["sqlite:///minga.db", "sqlite://", "postgresql://h/db", "postgres://u:p@h:5432/db"]
)
def test_accepted_database_urls(tmp_path, url):
    assert load_text(tmp_path, f'[storage]\nurl = "{url}"\n')[1] == []


def test_range_edges_are_accepted(tmp_path):
    _, problems = load_text(
        tmp_path,
        "[groups]\nfounding_hours = 1\nlink_code_minutes = 1440\n"
        "[telegram]\nwebhook_port = 65535\n",
    )
    assert problems == []


# --- what an enabled adapter needs ------------------------------------------------------------


def test_telegram_enabled_without_token(tmp_path):
    _, problems = load_text(tmp_path, "[telegram]\nenabled = true\n")
    assert "MINGA_TELEGRAM_TOKEN" in only_problem(problems, "telegram.token").message
    assert len(problems) == 1


def test_telegram_webhook_mode_needs_url_and_secret(tmp_path):
    text = '[telegram]\nenabled = true\ntoken = "1:x"\nmode = "webhook"\n'
    _, problems = load_text(tmp_path, text)
    assert sorted(p.key for p in problems) == ["telegram.webhook_secret", "telegram.webhook_url"]
    assert "https://" in only_problem(problems, "telegram.webhook_url").message
    secret_problem = only_problem(problems, "telegram.webhook_secret")
    assert "MINGA_TELEGRAM_WEBHOOK_SECRET" in secret_problem.message


def test_disabled_adapters_need_nothing(tmp_path):
    _, problems = load_text(tmp_path, '[telegram]\nmode = "webhook"\n[matrix]\nenabled = false\n')
    assert problems == []


def test_matrix_enabled_needs_homeserver_user_and_credentials(tmp_path):
    _, problems = load_text(tmp_path, "[matrix]\nenabled = true\n")
    keys = sorted(p.key for p in problems)
    assert keys == ["matrix.homeserver", "matrix.password", "matrix.user_id"]
    message = only_problem(problems, "matrix.password").message
    assert "access_token" in message
    assert "MINGA_MATRIX_PASSWORD" in message


def test_matrix_access_token_alone_is_enough(tmp_path):
    _, problems = load_text(
        tmp_path,
        '[matrix]\nenabled = true\nhomeserver = "https://m.org"\nuser_id = "@b:m.org"\n',
        {"MINGA_MATRIX_ACCESS_TOKEN": "tok"},
    )
    assert problems == []


def test_a_bad_value_is_not_reported_twice(tmp_path):
    _, problems = load_text(tmp_path, "[telegram]\nenabled = true\ntoken = 5\n")
    assert [p.key for p in problems] == ["telegram.token"]
    assert "expected text" in problems[0].message


# --- many problems at once --------------------------------------------------------------------


def test_all_problems_in_one_file_are_reported_together(tmp_path):
    config, problems = load_text(
        tmp_path,
        """
        [storage]
        url = "mysql://x"
        [groups]
        timezon = "UTC"
        founding_hours = "10"
        language = "fr"
        [telegram]
        enabled = true
        webhook_port = 0
        [logging]
        format = "xml"
        [extra]
    """,
    )
    assert {p.key for p in problems} == {
        "storage.url",
        "groups.timezon",
        "groups.founding_hours",
        "groups.language",
        "telegram.token",
        "telegram.webhook_port",
        "logging.format",
        "extra",
    }
    assert all(p.message for p in problems)
    assert config.groups.founding_hours == 24
    assert config.telegram.enabled is True


def test_problem_reads_as_key_and_message():
    assert str(Problem("groups.language", "must be one of 'en' or 'es'")) == (
        "groups.language: must be one of 'en' or 'es'"
    )
    assert str(Problem("", "The configuration file x does not exist.")) == (
        "The configuration file x does not exist."
    )


# --- finding the file -------------------------------------------------------------------------


def test_find_config_path_prefers_explicit(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minga.toml").write_text("")
    assert find_config_path("other.toml", {"MINGA_CONFIG": "env.toml"}) == Path("other.toml")


def test_find_config_path_then_env(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minga.toml").write_text("")
    assert find_config_path(None, {"MINGA_CONFIG": "env.toml"}) == Path("env.toml")


def test_find_config_path_then_local_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert find_config_path(None, {}) is None
    (tmp_path / "minga.toml").write_text("")
    assert find_config_path(None, {}) == Path("minga.toml")


# --- the example file -------------------------------------------------------------------------


def test_example_file_loads_without_problems():
    config, problems = load_config(EXAMPLE, {})
    assert problems == []
    assert config.telegram.enabled is False
    assert config.matrix.enabled is False


def test_example_file_mentions_every_setting():
    example = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    for section in dataclasses.fields(Config):
        assert section.name in example, f"[{section.name}] missing from config.example.toml"
        for setting in dataclasses.fields(section.type):
            assert setting.name in example[section.name], (
                f"{section.name}.{setting.name} missing from config.example.toml"
            )


def test_example_file_names_every_env_variable():
    text = EXAMPLE.read_text(encoding="utf-8")
    for section in dataclasses.fields(Config):
        for setting in dataclasses.fields(section.type):
            if "env" in setting.metadata:
                assert setting.metadata["env"] in text


def test_group_categories_must_be_a_list_of_single_words(tmp_path: Path) -> None:
    path = tmp_path / "minga.toml"
    path.write_text('[groups]\ncategories = "food only"\n')
    _, problems = load_config(path, {})
    assert [p.key for p in problems] == ["groups.categories"]
    assert "2 to 20 one-word categories" in problems[0].message


def test_processes_behind_one_proxy_hold_their_lanes_under_names_of_their_own():
    from bot.bootstrap import sending_as

    def named(env: dict[str, str]) -> str:
        config, problems = load_config(None, {"MINGA_TELEGRAM_TOKEN": "1:x", **env})
        assert problems == []
        webhook = dataclasses.replace(
            config.telegram,
            enabled=True,
            mode="webhook",
            webhook_url="https://x.org/t",
            webhook_secret="s",
        )
        return sending_as(dataclasses.replace(config, telegram=webhook)).sender

    first, second = (named({"MINGA_TELEGRAM_WEBHOOK_PORT": p}) for p in ("8441", "8442"))
    assert first.endswith(":8441") and second.endswith(":8442")
    assert first.split(":")[0] == second.split(":")[0]  # the machine's name
    assert named({"MINGA_SENDER": "kitchen-1"}) == "kitchen-1"  # a name given wins
    assert ":" not in sending_as(load_config(None, {})[0]).sender  # polling: the machine's
