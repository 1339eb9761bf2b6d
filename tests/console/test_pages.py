"""The web pages and JSON API, logged in, on both databases."""

from __future__ import annotations

import csv
import io
import re

import yaml

from tests.console.seed import PII_TEXT, seed
from tests.console.support import csrf_from, logged_in_client, make_settings

SECRETS = ("090-1234-5678", "taro@example.com", "03-1234-5678")


def no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_pages_end_to_end(database):
    senders = seed(database)
    client = logged_in_client(make_settings(database.url))

    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert dashboard.text.count("<svg") >= 5
    assert 'id="kpi-conversations">8<' in dashboard.text
    assert "ほにゃららぷー" in dashboard.text  # unanswered question
    assert "スタッフと話したい" in dashboard.text  # top topic label
    no_secrets(dashboard.text)
    assert client.get("/?days=7").status_code == 200
    assert client.get("/?days=12345").status_code == 200  # falls back to 30

    api = client.get("/api/dashboard").json()
    assert api["conversations"] == 8 and api["ratings"] == {"good": 1, "bad": 1}

    listing = client.get("/conversations")
    assert listing.status_code == 200 and "9 件" in listing.text
    no_secrets(listing.text)
    fallbacks = client.get("/conversations?fell_back=1")
    assert "1 件" in fallbacks.text and "ほにゃららぷー" in fallbacks.text
    assert "副作用はありますか" not in fallbacks.text
    attention = client.get("/api/conversations?attention=1").json()
    assert attention["total"] == 6
    assert client.get("/conversations?page=abc").status_code == 200

    convs = {c["sender"]: c for c in client.get("/api/conversations").json()["conversations"]}
    pii_key = convs[senders["pii"]]["key"]
    assert senders["pii"] not in pii_key  # URLs carry a hash, not the sender id
    page = client.get(f"/conversations/{pii_key}")
    assert page.status_code == 200
    assert "電話番号は＜電話番号＞、メールは＜メールアドレス＞です" in page.text
    assert "action_answer_topic" in page.text and "human" in page.text
    no_secrets(page.text)
    assert client.get("/conversations/" + "0" * 24).status_code == 404

    token = csrf_from(page.text)
    user_event = int(re.search(r'name="event_id" value="(\d+)"', page.text).group(1))
    response = client.post(
        f"/conversations/{pii_key}/corrections",
        data={"csrf_token": token, "event_id": user_event, "intent": "ask_booking"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and "msg=corrected" in response.headers["location"]
    bad_intent = client.post(
        f"/conversations/{pii_key}/corrections",
        data={"csrf_token": token, "event_id": user_event, "intent": "drop_tables"},
        follow_redirects=False,
    )
    assert "msg=bad-intent" in bad_intent.headers["location"]
    page = client.get(f"/conversations/{pii_key}?msg=corrected")
    assert "意図の修正を保存しました" in page.text and "修正済み" in page.text

    client.post(
        f"/conversations/{pii_key}/review",
        data={"csrf_token": token, "reviewed": "1", "note": "090-9999-8888 に折り返し"},
    )
    client.post(f"/conversations/{pii_key}/tags", data={"csrf_token": token, "tag": "要電話"})
    conv = client.get(f"/api/conversations/{pii_key}").json()
    assert conv["conversation"]["reviewed"] and conv["conversation"]["tags"] == ["要電話"]
    assert conv["conversation"]["note"] == "＜電話番号＞ に折り返し"
    assert conv["turns"][0]["text"] == "電話番号は＜電話番号＞、メールは＜メールアドレス＞です。折り返しください"
    assert conv["turns"][0]["corrected_intent"] == "ask_booking"
    no_secrets(str(conv))
    assert client.get("/api/conversations?reviewed=yes").json()["total"] == 1
    assert client.get("/api/conversations?tag=要電話").json()["total"] == 1

    corrections = client.get("/corrections")
    assert "ask_booking" in corrections.text
    exported = client.get("/corrections/export.yml")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    data = yaml.safe_load(exported.text)
    assert data["version"] == "3.1"
    assert data["nlu"][0]["intent"] == "ask_booking"
    assert PII_TEXT not in exported.text and "＜電話番号＞" in exported.text

    export = client.get("/export/conversations.csv?asked_human=1")
    assert export.status_code == 200 and export.content.startswith(b"\xef\xbb\xbf")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and {r["スタッフ希望"] for r in rows} == {"1"}
    no_secrets(export.content.decode("utf-8-sig"))

    token = csrf_from(client.get("/corrections").text)
    client.post(f"/corrections/{user_event}/delete", data={"csrf_token": token})
    assert "ask_booking" not in client.get("/corrections/export.yml").text
    client.post(f"/conversations/{pii_key}/tags/remove", data={"csrf_token": token, "tag": "要電話"})
    assert client.get(f"/api/conversations/{pii_key}").json()["conversation"]["tags"] == []
