"""Config.from_env reads only the mapping it is given."""

import pytest

from helpdesk_soap.config import Config


def test_defaults():
    config = Config.from_env({})
    assert config.database_url.startswith("sqlite:///")
    assert config.database_url.endswith("helpdesk.sqlite3")
    assert (config.bind, config.workers, config.log_level) == ("127.0.0.1:8080", 2, "info")
    assert config.max_request_bytes == 10 * 1024 * 1024
    assert config.auth_cache_seconds == 300.0


def test_explicit_environ_ignores_process_environment(monkeypatch):
    monkeypatch.setenv("HELPDESK_WORKERS", "9")
    monkeypatch.setenv("HELPDESK_DATABASE_URL", "sqlite:///from-process.db")
    config = Config.from_env({})
    assert config.workers == 2
    assert config.database_url != "sqlite:///from-process.db"


def test_environment_values_are_honoured_and_typed():
    config = Config.from_env({
        "HELPDESK_DATABASE_URL": "postgresql+psycopg://db/helpdesk",
        "HELPDESK_WORKERS": "5",
        "HELPDESK_BIND": "0.0.0.0:9000",
        "HELPDESK_MAX_REQUEST_BYTES": "2048",
        "HELPDESK_AUTH_CACHE_SECONDS": "0",
        "HELPDESK_LOG_LEVEL": "debug",
        "HELPDESK_SQLITE_CHECKPOINT_EVERY": "25",
        "HELPDESK_CALL_CACHE_MB": "0",
    })
    assert config.database_url == "postgresql+psycopg://db/helpdesk"
    assert config.workers == 5 and isinstance(config.workers, int)
    assert config.bind == "0.0.0.0:9000"
    assert config.max_request_bytes == 2048
    assert config.auth_cache_seconds == 0.0 and isinstance(config.auth_cache_seconds, float)
    assert config.log_level == "debug"
    assert config.sqlite_checkpoint_every == 25
    assert config.call_cache_mb == 0


def test_empty_values_fall_back_to_defaults():
    config = Config.from_env({"HELPDESK_DATABASE_URL": "", "HELPDESK_WORKERS": ""})
    assert config.database_url.endswith("helpdesk.sqlite3")
    assert config.workers == 2


@pytest.mark.parametrize("var, raw", [("HELPDESK_WORKERS", "many"),
                                      ("HELPDESK_WORKERS", "2.5"),
                                      ("HELPDESK_AUTH_CACHE_SECONDS", "soon"),
                                      ("HELPDESK_SQLITE_CHECKPOINT_EVERY", "0"),
                                      ("HELPDESK_SQLITE_CHECKPOINT_EVERY", "often"),
                                      ("HELPDESK_CALL_CACHE_MB", "-1"),
                                      ("HELPDESK_CALL_CACHE_MB", "lots")])
def test_invalid_number_names_the_variable(var, raw):
    with pytest.raises(ValueError, match=var):
        Config.from_env({var: raw})


def test_overrides_win_over_environment():
    config = Config.from_env({"HELPDESK_WORKERS": "5", "HELPDESK_DATABASE_URL": "sqlite:///env.db"},
                             workers=3, database_url="sqlite:///cli.db")
    assert config.workers == 3
    assert config.database_url == "sqlite:///cli.db"


def test_none_overrides_are_ignored():
    config = Config.from_env({"HELPDESK_WORKERS": "5", "HELPDESK_BIND": "0.0.0.0:1"},
                             workers=None, bind=None, log_level="warning")
    assert config.workers == 5
    assert config.bind == "0.0.0.0:1"
    assert config.log_level == "warning"


def test_unknown_override_is_an_error():
    with pytest.raises(TypeError):
        Config.from_env({}, no_such_option=1)


def test_the_public_url_defaults_to_the_bind_address_and_the_web_settings_are_checked():
    assert Config.from_env({}).own_url == "http://127.0.0.1:8080"
    config = Config.from_env({"HELPDESK_PUBLIC_URL": "https://help.example/portal/",
                              "HELPDESK_WEB_SECURE_COOKIES": "TRUE",
                              "HELPDESK_WEB_SECRET_KEY": "k" * 40})
    assert config.own_url == "https://help.example/portal"
    assert config.web_secure_cookies == "true" and "k" * 40 not in repr(config)
    for env in ({"HELPDESK_PUBLIC_URL": "help.example"}, {"HELPDESK_WEB_SECURE_COOKIES": "maybe"}):
        with pytest.raises(ValueError):
            Config.from_env(env)


@pytest.mark.parametrize("raw, expected", [("0", False), ("off", False), ("1", True), ("", None)])
def test_the_store_fast_path_switch_is_read_from_the_environment(raw, expected):
    assert Config.from_env({"HELPDESK_STORE_FAST": raw}).store_fast is expected


def test_an_unclear_store_fast_path_switch_is_refused():
    with pytest.raises(ValueError, match="HELPDESK_STORE_FAST"):
        Config.from_env({"HELPDESK_STORE_FAST": "maybe"})
