"""channels/credentials.py: only channels whose variables are set are written, without secrets."""

import subprocess
import sys

import yaml

from channels.credentials import active_credentials, summary
from harness.stack import ROOT

LINE_ENV = {"LINE_CHANNEL_SECRET": "s3cret", "LINE_CHANNEL_ACCESS_TOKEN": "t0ken"}
SLACK_ENV = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s1gning-value"}


def project_credentials():
    return yaml.safe_load((ROOT / "credentials.yml").read_text(encoding="utf-8"))


def test_nothing_set_keeps_rest_and_socketio_only():
    active, on, off = active_credentials(project_credentials(), {})
    assert on == ["rest", "socketio"]
    assert not any("line" in key or "slack" in key for key in active)
    assert off == {
        "line": ["LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN"],
        "slack": ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"],
    }
    assert summary(on, off) == (
        "channels on: rest, socketio; off: line (set LINE_CHANNEL_SECRET, "
        "LINE_CHANNEL_ACCESS_TOKEN), slack (set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)"
    )


def test_line_on_optional_variables_dropped_when_unset_and_kept_as_placeholders():
    active, on, off = active_credentials(project_credentials(), {**LINE_ENV, "SLACK_BOT_TOKEN": "x"})
    assert on == ["rest", "socketio", "line"]
    assert off == {"slack": ["SLACK_SIGNING_SECRET"]}
    assert active["channels.line.LineInput"] == {
        "channel_secret": "${LINE_CHANNEL_SECRET}",
        "channel_access_token": "${LINE_CHANNEL_ACCESS_TOKEN}",
    }
    active, _, _ = active_credentials(project_credentials(), {**LINE_ENV, "LINE_API_ENDPOINT": "http://127.0.0.1:1"})
    assert active["channels.line.LineInput"]["api_endpoint"] == "${LINE_API_ENDPOINT}"


def test_empty_variable_counts_as_unset_and_defaults_apply():
    config = {"a.b.C": {"x": "${REQ}", "y": "${OPT:-fallback}", "z": "pre-${OPT:-}"}}
    assert active_credentials(config, {"REQ": ""})[2] == {"b": ["REQ"]}
    active, on, _ = active_credentials(config, {"REQ": "1"})
    assert on == ["b"] and active["a.b.C"] == {"x": "${REQ}", "y": "fallback", "z": "pre-"}


def test_cli_writes_file_rasa_reads_with_env(tmp_path):
    target = tmp_path / "var" / "credentials.yml"
    env = {"PATH": "/usr/bin:/bin", **LINE_ENV, **SLACK_ENV, "SLACK_CHANNEL": "C123"}
    result = subprocess.run(
        [sys.executable, "-m", "channels.credentials", "credentials.yml", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "channels on: rest, socketio, line, slack"
    written = target.read_text(encoding="utf-8")
    for secret in ("s3cret", "t0ken", "xoxb-1", "s1gning-value"):
        assert secret not in written  # placeholders only: Rasa reads the values from the env
    # Rasa's own reader expands the placeholders from the environment.
    code = f"import json, rasa.shared.utils.io as io;print(json.dumps(io.read_config_file({str(target)!r})))"
    out = (
        subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**env, "TF_CPP_MIN_LOG_LEVEL": "3"},
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    loaded = yaml.safe_load(out)
    assert loaded["channels.line.LineInput"] == {"channel_secret": "s3cret", "channel_access_token": "t0ken"}
    assert loaded["channels.slack.SlackInput"] == {
        "slack_token": "xoxb-1",
        "slack_signing_secret": "s1gning-value",
        "slack_channel": "C123",
    }
    socketio = next(v for k, v in loaded.items() if "socketio" in k)
    assert socketio["bot_message_evt"] == "bot_uttered"
    assert any("rest" in k for k in loaded)
