"""`python -m console ...`: accounts, corrections export, purge, serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests
import sqlalchemy as sa
from rasa.shared.nlu.training_data.loading import load_data

from console import db, queries
from harness.stack import ROOT, free_port
from tests.console.seed import seed
from tests.console.support import SECRET


def run(database, *args, password=None, env=None, check=True):
    full_env = {**os.environ, "CONSOLE_DATABASE_URL": database.url, "CONSOLE_SECRET_KEY": SECRET, **(env or {})}
    full_env.pop("CONSOLE_PASSWORD", None)
    full_env.pop("CONSOLE_RETENTION_DAYS", None)
    if password is not None:
        full_env["CONSOLE_PASSWORD"] = password
    if env:
        full_env.update(env)
    result = subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_accounts(database):
    assert "作成しました: nurse" in run(database, "create-user", "Nurse", password="a long password").stdout
    again = run(database, "create-user", "nurse", password="a long password", check=False)
    assert again.returncode == 2 and "既にあります" in again.stderr
    no_tty = run(database, "create-user", "doctor", check=False)
    assert no_tty.returncode == 2 and "CONSOLE_PASSWORD" in no_tty.stderr
    short = run(database, "create-user", "doctor", password="short", check=False)
    assert short.returncode == 2
    assert (
        "パスワードを変更しました"
        in run(database, "create-user", "nurse", "--update", password="another long one").stdout
    )
    assert run(database, "list-users").stdout.startswith("nurse\t")
    assert run(database, "delete-user", "nurse").returncode == 0
    assert run(database, "delete-user", "nurse", check=False).returncode == 1
    assert run(database, "list-users").stdout == ""


def test_export_corrections(database, tmp_path):
    senders = seed(database)
    engine = db.make_engine(database.url)
    db.init_db(engine)
    with engine.begin() as conn:
        event_id = conn.execute(
            sa.select(db.events.c.id).where(db.events.c.sender_id == senders["pii"], db.events.c.type_name == "user")
        ).scalar()
        assert queries.save_correction(conn, senders["pii"], event_id, "ask_booking", "nurse")
    engine.dispose()
    out = tmp_path / "out" / "corrections.yml"
    result = run(database, "export-corrections", str(out))
    assert "1 件" in result.stdout
    examples = [(m.get("intent"), m.get("text")) for m in load_data(str(out)).intent_examples]
    assert examples == [("ask_booking", "電話番号は＜電話番号＞、メールは＜メールアドレス＞です。折り返しください")]
    assert not (ROOT / "data" / "nlu" / "corrections.yml").exists()


def test_purge(database):
    senders = seed(database)
    engine = db.make_engine(database.url)

    def count():
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count(sa.distinct(db.events.c.sender_id)))).scalar_one()

    assert count() == 9
    missing = run(database, "purge", check=False)
    assert missing.returncode == 2 and "CONSOLE_RETENTION_DAYS" in missing.stderr
    dry = run(database, "purge", "--older-than-days", "30", "--dry-run")
    assert "1 件" in dry.stdout and count() == 9
    run(database, "purge", env={"CONSOLE_RETENTION_DAYS": "30"})
    assert count() == 8
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).where(db.events.c.sender_id == senders["old"])).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(db.conversations)).scalar_one() == 8
    run(database, "purge", "--older-than-days", "1000")
    assert count() == 8
    engine.dispose()


def test_serve(sqlite_database):
    port = free_port()
    env = {
        **os.environ,
        "CONSOLE_DATABASE_URL": sqlite_database.url,
        "CONSOLE_SECRET_KEY": SECRET,
        "CONSOLE_PORT": str(port),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=2)
                break
            except requests.ConnectionError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(proc.stdout.read())
                time.sleep(0.3)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login")
        assert "server" not in {k.lower() for k in response.headers}
        assert requests.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
