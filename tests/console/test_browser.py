"""Headless Chromium drives the running console: log in, filter to fallbacks, open a
transcript, correct an intent, export; screenshots go to results/screenshots/."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from rasa.shared.nlu.training_data.loading import load_data

from harness.stack import ROOT, free_port
from tests.console.seed import history
from tests.console.support import PASSWORD, SECRET, add_user, copy_of

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "results" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]


@pytest.fixture
def console_url(driven_factory, tmp_path):
    """`python -m console serve` on a copy of the real assistant's SQLite database, with
    30 days of earlier conversations added (written by Rasa's store) for the charts."""
    driven = driven_factory("sqlite")
    with copy_of(driven.database, tmp_path) as database:
        history(database)
        add_user(database.url)
        port = free_port()
        env = {
            **os.environ,
            "CONSOLE_DATABASE_URL": database.url,
            "CONSOLE_SECRET_KEY": SECRET,
            "CONSOLE_PORT": str(port),
        }
        log = (tmp_path / "console.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "console", "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    requests.get(f"{url}/login", timeout=2)
                    break
                except requests.ConnectionError:
                    assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "console.log").read_text()
                    time.sleep(0.3)
            yield url, driven
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            log.close()


def test_staff_workflow_in_chromium(console_url, tmp_path):
    if not CHROMIUM.exists():
        pytest.fail("Chromium missing: apt-get install -y chromium fonts-noto-cjk")
    from playwright.sync_api import expect, sync_playwright

    url, driven = console_url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="ja-JP", accept_downloads=True)
        # The wrong-password page itself answers 401: Chromium logs that, it is expected.
        page.on(
            "console",
            lambda m: m.type in ("error", "warning") and "status of 401" not in m.text and problems.append(m.text),
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        try:
            page.goto(f"{url}/conversations")
            expect(page).to_have_url(f"{url}/login?next=%2Fconversations")
            page.fill("input[name=username]", "nurse")
            page.fill("input[name=password]", "wrong password")
            page.click("button[type=submit]")
            expect(page.locator(".error")).to_contain_text("パスワードが違います")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(f"{url}/conversations")

            page.click("nav.nav >> text=ダッシュボード")
            expect(page.locator("h1")).to_have_text("ダッシュボード")
            expect(page.locator("svg.chart").first).to_be_visible()
            page.screenshot(path=str(SCREENSHOTS / "console_dashboard.png"), full_page=True)

            page.click("nav.nav >> text=会話一覧")
            page.check("input[name=fell_back]")
            page.click("button:has-text('絞り込む')")
            expect(page).to_have_url(f"{url}/conversations?fell_back=1")
            rows = page.locator("table.list tbody tr")
            assert rows.count() >= 1
            for i in range(rows.count()):
                expect(rows.nth(i).locator(".badge.warn")).to_have_text("フォールバック")
            page.screenshot(path=str(SCREENSHOTS / "console_fallbacks.png"), full_page=True)

            fallback_text = next(
                text for (text, _), fell in zip(driven.replies["fallback"], driven.fell_back("fallback")) if fell
            )
            page.fill("input[name=q]", fallback_text)
            page.click("button:has-text('絞り込む')")
            expect(rows).to_have_count(1)
            rows.first.locator("td.question a").click()
            expect(page.locator("h1")).to_have_text("会話の詳細")
            turn = page.locator("article.turn.user.fallback").first
            expect(turn.locator(".bubble")).to_have_text(fallback_text)
            form = turn.locator("details.correct")
            if form.get_attribute("open") is None:
                form.locator("summary").click()
            form.locator("select[name=intent]").select_option("out_of_scope")
            form.locator("button:has-text('修正を保存')").click()
            expect(page.locator(".flash")).to_have_text("意図の修正を保存しました")
            expect(page.locator("article.turn.user.fallback .corrected").first).to_contain_text("out_of_scope")
            page.check("input[name=reviewed]")
            page.fill("textarea[name=note]", "折り返し 090-1111-2222 済み")
            page.click("aside form.card button:has-text('保存')")
            expect(page.locator(".flash")).to_have_text("確認済みにしました")
            expect(page.locator("textarea[name=note]")).to_have_value("折り返し ＜電話番号＞ 済み")
            page.screenshot(path=str(SCREENSHOTS / "console_transcript.png"), full_page=True)

            page.click("nav.nav >> text=意図の修正")
            with page.expect_download() as download:
                page.click("text=NLU学習データ（YAML）を出力")
            out = tmp_path / "corrections.yml"
            download.value.save_as(out)
            examples = {(m.get("intent"), m.get("text")) for m in load_data(str(out)).intent_examples}
            assert examples == {("out_of_scope", fallback_text)}

            page.click("nav.nav >> text=会話一覧")
            with page.expect_download() as download:
                page.click("text=CSV出力")
            csv_file = tmp_path / "conversations.csv"
            download.value.save_as(csv_file)
            data = csv_file.read_bytes()
            assert data.startswith(b"\xef\xbb\xbf") and "090-1234-5678" not in data.decode()

            page.click("button:has-text('ログアウト')")
            expect(page).to_have_url(f"{url}/login")
            page.goto(f"{url}/")
            expect(page).to_have_url(f"{url}/login?next=%2F")
        finally:
            browser.close()
    # A Content-Security-Policy violation (inline script or style) shows up as a console error.
    assert problems == []
    assert (SCREENSHOTS / "console_dashboard.png").stat().st_size > 10_000
