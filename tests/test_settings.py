"""settings/: one typed home for every environment variable, checked at start-up."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml

import settings
from channels.guard import Guard
from settings import ROOT, ConsoleSettings, GuardSettings, SettingsError, StoreSettings

APP_PACKAGES = ("actions", "channels", "console", "japanese_nlu", "knowledge", "stores", "web", "harness", "bench")
# Read by libraries, not by the assistant: set in the containers and scripts, never declared.
LIBRARY_VARIABLES = {
    "TF_CPP_MIN_LOG_LEVEL",
    "RASA_TELEMETRY_ENABLED",
    "SQLALCHEMY_SILENCE_UBER_WARNING",
    "POSTGRES_DB",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "TZ",
}


def test_env_example_is_written_from_the_settings():
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == settings.example(), (
        "run: python -m settings example > .env.example"
    )


def test_no_module_reads_the_environment_for_a_setting_itself():
    """Only settings/ reads variables; channels/credentials.py resolves credentials.yml's
    placeholders for any variable, and the harness and bench pass the environment on to servers."""
    pattern = re.compile(r"os\.environ\.get|os\.environ\[|os\.getenv|environ\.get\(")
    allowed = {"channels/credentials.py"}
    found = []
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if "node_modules" in relative or relative in allowed:
                continue
            found += [f"{relative}: {line.strip()}" for line in path.read_text().splitlines() if pattern.search(line)]
    assert not found, found


def _placeholders(text: str):
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", code))


def test_every_variable_the_files_name_is_declared():
    declared = set(settings.variables())
    files = ["credentials.yml", "endpoints.yml", "endpoints.production.yml", "deploy/docker-compose.yml"]
    named = set().union(*(_placeholders((ROOT / f).read_text(encoding="utf-8")) for f in files))
    compose = yaml.safe_load((ROOT / "deploy/docker-compose.yml").read_text(encoding="utf-8"))
    for service in compose["services"].values():
        environment = service.get("environment") or {}
        named |= set(environment if isinstance(environment, dict) else [e.split("=")[0] for e in environment])
    for line in (ROOT / "deploy/env.example").read_text(encoding="utf-8").splitlines():
        if re.match(r"^[A-Z_]+=", line):
            named.add(line.split("=")[0])
    for script in ("scripts/run.sh", "deploy/rasa-server.sh"):
        named |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*):[-?]", (ROOT / script).read_text(encoding="utf-8")))
    missing = named - declared - LIBRARY_VARIABLES
    assert not missing, f"declare these in settings/__init__.py: {sorted(missing)}"


def test_empty_means_default_and_overrides_win():
    store = StoreSettings.from_env({"SQL_RETRY_SECONDS": "", "DB_PORT": " 6543 "})
    assert store.sql_retry_seconds == 10.0 and store.db_port == 6543
    assert StoreSettings.from_env({}, db_name="other").db_name == "other"


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"RATE_LIMIT_MESSAGES": "twenty"}, "RATE_LIMIT_MESSAGES"),
        ({"RATE_LIMIT_MESSAGES": "-1"}, "RATE_LIMIT_MESSAGES"),
        ({"RATE_LIMIT_WINDOW_SECONDS": "0"}, "RATE_LIMIT_WINDOW_SECONDS"),
        ({"RATE_LIMIT_REDIS_URL": "localhost:6379"}, "RATE_LIMIT_REDIS_URL"),
        ({"ANSWER_TIMEOUT_SECONDS": "soon"}, "ANSWER_TIMEOUT_SECONDS"),
        ({"DB_PORT": "99999"}, "DB_PORT"),
        ({"CONSOLE_TIMEZONE": "Mars/Olympus"}, "CONSOLE_TIMEZONE"),
        ({"CONSOLE_LOW_CONFIDENCE": "1.5"}, "CONSOLE_LOW_CONFIDENCE"),
        ({"CONSOLE_DATABASE_URL": "not a url"}, "CONSOLE_DATABASE_URL"),
        ({"WEB_PORT": "eighty"}, "WEB_PORT"),
    ],
)
def test_a_bad_value_is_named(env, variable):
    problems = settings.check(env)
    assert len(problems) == 1 and problems[0].startswith(f"{variable}="), problems


def test_secrets_are_not_repeated_in_errors():
    with pytest.raises(SettingsError) as raised:
        ConsoleSettings.from_env({"CONSOLE_SECRET_KEY": "tooshort-but-secret"})
    assert "tooshort" not in str(raised.value) and "CONSOLE_SECRET_KEY" in str(raised.value)


def test_the_guard_refuses_to_start_with_a_bad_limit(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_MESSAGES", "lots")
    with pytest.raises(SettingsError, match="RATE_LIMIT_MESSAGES"):
        Guard.from_env()
    monkeypatch.setenv("RATE_LIMIT_MESSAGES", "3")
    monkeypatch.setenv("ANSWER_TIMEOUT_SECONDS", "7.5")
    guard = Guard.from_env()
    assert guard.settings == GuardSettings(rate_limit_messages=3, answer_timeout_seconds=7.5)
    assert guard.answer_timeout == 7.5


def test_check_command_stops_a_bad_start_with_the_variable_named():
    env = {"PATH": "/usr/bin:/bin", "DB_PORT": "five"}
    bad = subprocess.run(
        [sys.executable, "-m", "settings", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "DB_PORT='five'" in bad.stderr
    good = subprocess.run(
        [sys.executable, "-m", "settings", "check"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CLINIC_NAME": "テストクリニック"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
    assert "CLINIC_PHONE is not set" in good.stderr and "CLINIC_NAME" not in good.stderr


def test_the_scripts_defaults_are_the_settings_defaults():
    """scripts/run.sh and deploy/rasa-server.sh write a literal default beside a variable
    (`${RASA_PORT:-5005}`): it must be the default settings/ declares."""
    declared = settings.variables()
    found = 0
    for script in ("scripts/run.sh", "deploy/rasa-server.sh"):
        text = (ROOT / script).read_text(encoding="utf-8")
        for name, default in re.findall(r"\$\{([A-Z][A-Z0-9_]*):-([^}$\"]+)\}", text):
            group, field = declared[name]
            assert str(group.__fields__[field].default) == default, (script, name, default)
            found += 1
    assert found >= 6
