"""The console on conversations produced by the real assistant (Rasa + action server, trained
model), stored by Rasa's SQL tracker store in SQLite and in PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from rasa.shared.nlu.training_data.loading import load_data

from console import db, index, queries, retention
from console.masking import mask
from tests.console.driven import CONVERSATIONS, SOCKETIO_MESSAGES
from tests.console.seed import PII_TEXT
from tests.console.support import copy_of, make_settings

SECRETS = ("090-1234-5678", "taro@example.com", "1234-5678")
MASKED_PII = "電話番号は＜電話番号＞、メールは＜メールアドレス＞です。折り返しください"


@pytest.fixture
def console(driven):
    settings = make_settings(driven.database.url)
    engine = db.make_engine(driven.database.url)
    db.init_db(engine)
    index.sync(engine, settings.tz)
    yield engine, settings
    engine.dispose()


def ours(driven, rows):
    names = {sender: name for name, sender in driven.senders.items()}
    return {names[r.sender]: r for r in rows if r.sender in names}


def rows_for(engine, driven, **filters):
    with engine.connect() as conn:
        rows, _ = queries.list_conversations(
            conn, queries.Filters(**filters), 0.6, make_settings("sqlite://").tz, 1, 500
        )
    return ours(driven, rows)


def test_the_assistant_did_what_the_scenarios_need(driven):
    assert any(driven.fell_back("fallback")), driven.user_turns("fallback")
    assert not any(driven.fell_back("normal"))
    assert driven.intents("normal")[0] == "ask_safety"
    assert driven.intents("human") == ["request_human"]
    assert driven.intents("emergency") == ["report_emergency"]
    assert "action_emergency" in driven.user_turns("emergency")[0]["actions"]
    assert driven.intents("bad")[1] == "feedback"


def test_list_and_flags(driven, console):
    engine, _ = console
    rows = rows_for(engine, driven)
    with engine.connect() as conn:  # what the index saw, should this ever fail again
        counts = [
            conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for t in (db.events, db.conversations)
        ]
    assert set(rows) == set(driven.senders), (counts, driven.database.url)
    assert [r.sender for r in sorted(rows.values(), key=lambda r: -r.last)][0] == driven.senders["web"]  # newest first
    for name, row in rows.items():
        assert row.channel == ("web" if name == "web" else "rest"), name
        assert row.turns == len(CONVERSATIONS.get(name, SOCKETIO_MESSAGES)), name
        assert row.fell_back == any(driven.fell_back(name)), name
        assert row.asked_human == ("request_human" in driven.intents(name)), name
        assert row.emergency == (name == "emergency"), name
        assert row.negative_feedback == (name == "bad"), name
        assert not row.reviewed
    assert rows["fallback"].fell_back and rows["human"].asked_human
    assert rows["normal"].first_question == "副作用はありますか？"
    assert rows["pii"].first_question == MASKED_PII


def test_filters(driven, console):
    engine, settings = console
    # which conversations fell back is what the assistant did (read from its tracker), not a guess
    fell = {name for name in driven.senders if any(driven.fell_back(name))}
    assert "fallback" in fell
    assert set(rows_for(engine, driven, fell_back=True)) == fell
    assert set(rows_for(engine, driven, emergency=True)) == {"emergency"}
    assert set(rows_for(engine, driven, negative_feedback=True)) == {"bad"}
    human = set(rows_for(engine, driven, asked_human=True))
    assert "human" in human and human <= {"human", "pii"}
    assert set(rows_for(engine, driven, channel="web")) == {"web"}
    assert set(rows_for(engine, driven, q="副作用")) == {"normal"}
    assert set(rows_for(engine, driven, q="＜メールアドレス＞")) == {"pii"}
    assert set(rows_for(engine, driven, q="taro")) == set()
    assert "normal" in rows_for(engine, driven, intent="ask_safety")
    assert set(rows_for(engine, driven, intent="report_emergency")) == {"emergency"}
    low = rows_for(engine, driven, low_confidence=True)
    assert all(row.low_confidence for row in low.values())
    today = datetime.now(settings.tz).date()
    assert len(rows_for(engine, driven, date_from=today - timedelta(days=1))) == 7
    assert rows_for(engine, driven, date_to=today - timedelta(days=2)) == {}
    attention = set(rows_for(engine, driven, attention=True))
    assert {"fallback", "human", "emergency", "bad"} <= attention
    assert "normal" not in attention or rows_for(engine, driven)["normal"].low_confidence


def test_transcript(driven, console):
    engine, _ = console
    with engine.connect() as conn:
        normal = queries.transcript(conn, driven.senders["normal"], 0.6).turns
        fallback = queries.transcript(conn, driven.senders["fallback"], 0.6).turns
        pii = queries.transcript(conn, driven.senders["pii"], 0.6).turns
        emergency = queries.transcript(conn, driven.senders["emergency"], 0.6).turns
        web = queries.transcript(conn, driven.senders["web"], 0.6).turns
    users = [t for t in normal if t.kind == "user"]
    assert [u.intent for u in users] == driven.intents("normal")
    assert users[0].text == "副作用はありますか？" and 0 < users[0].confidence <= 1
    assert users[1].rating == "good" and users[1].payload
    answer = normal[normal.index(users[0]) + 1]
    assert answer.kind == "bot" and answer.action == "action_answer_topic"
    assert answer.topic == "safety" and answer.text
    assert any(b["payload"] == "/ask_more_detail" for b in answer.buttons or [])

    user_fallbacks = [t.fallback for t in fallback if t.kind == "user"]
    assert user_fallbacks == driven.fell_back("fallback")
    for i, turn in enumerate(fallback):
        if turn.kind == "user" and turn.fallback:
            reply = fallback[i + 1]
            assert reply.kind == "bot" and reply.action in ("action_did_you_mean", "action_default_fallback")
            assert turn.candidates is None or all(c["intent"] != "nlu_fallback" for c in turn.candidates)

    assert pii[0].text == MASKED_PII
    dump = repr(pii)
    assert not any(secret in dump for secret in SECRETS)

    assert emergency[0].emergency and "119" in emergency[1].text
    assert emergency[1].action == "action_emergency"
    assert [t.text for t in web if t.kind == "user"] == SOCKETIO_MESSAGES
    assert any(t.kind == "bot" and t.topic == "what_is" for t in web)


def test_corrections_export(driven, console, tmp_path):
    engine, _ = console
    with engine.connect() as conn:
        turns = {name: queries.transcript(conn, driven.senders[name], 0.6).turns for name in ("fallback", "pii")}
    fallback_turn = next(t for t in turns["fallback"] if t.kind == "user" and t.fallback)
    try:
        with engine.begin() as conn:
            assert queries.save_correction(
                conn, driven.senders["fallback"], fallback_turn.event_id, "out_of_scope", "nurse"
            )
            assert queries.save_correction(
                conn, driven.senders["pii"], turns["pii"][0].event_id, "request_human", "nurse"
            )
            text = queries.corrections_yaml(conn)
        out = tmp_path / "corrections.yml"
        out.write_text(text, encoding="utf-8")
        examples = {(m.get("intent"), m.get("text")) for m in load_data(str(out)).intent_examples}
        assert examples == {("out_of_scope", fallback_turn.text), ("request_human", MASKED_PII)}
        assert PII_TEXT not in text
    finally:
        with engine.begin() as conn:
            conn.execute(sa.delete(db.corrections))


def test_csv_export(driven, console):
    engine, settings = console
    with engine.connect() as conn:
        rows = queries.iter_conversations(conn, queries.Filters(), 0.6, settings.tz)
        text = "".join(queries.conversations_csv(rows, settings.tz))
    assert text.startswith("\ufeff")
    table = {row["会話ID"]: row for row in csv.DictReader(io.StringIO(text[1:]))}
    assert set(driven.senders.values()) <= set(table)
    assert table[driven.senders["pii"]]["最初の質問"] == MASKED_PII
    assert table[driven.senders["fallback"]]["フォールバック"] == "1"
    assert table[driven.senders["emergency"]]["緊急"] == "1"
    assert table[driven.senders["bad"]]["低評価"] == "1"
    assert table[driven.senders["web"]]["チャネル"] == "Web"
    assert not any(secret in text for secret in SECRETS)


def test_dashboard(driven, console):
    engine, settings = console
    with engine.connect() as conn:
        data = queries.dashboard(conn, settings.tz, days=7)
    typed = [
        text
        for texts in list(CONVERSATIONS.values()) + [SOCKETIO_MESSAGES]
        for text in texts
        if not text.startswith("/")
    ]
    fallbacks = sum(
        fell
        for name in driven.senders
        for fell, (text, _) in zip(driven.fell_back(name), driven.replies[name])
        if not text.startswith("/")
    )
    assert data["conversations"] == 7
    assert data["typed_messages"] == len(typed)
    assert data["fallbacks"] == fallbacks >= 1
    assert data["fallback_rate"] == pytest.approx(fallbacks / len(typed))
    assert data["ratings"] == {"good": 1, "bad": 1}
    assert data["emergency"] == 1 and data["negative_feedback"] == 1
    assert data["asked_human"] == sum("request_human" in driven.intents(n) for n in driven.senders)
    assert {c["channel"]: c["count"] for c in data["channels"]} == {"rest": 6, "web": 1}
    unanswered = {u["text"] for u in data["unanswered"]}
    fell = {
        mask(text)
        for name in driven.senders
        for (text, _), f in zip(driven.replies[name], driven.fell_back(name))
        if f and not text.startswith("/")
    }
    assert unanswered == fell
    top = {t["intent"]: t["count"] for t in data["top_intents"]}
    assert top["ask_safety"] >= 1 and top["report_emergency"] == 1
    assert sum(d["conversations"] for d in data["daily"]) >= 7


def test_console_never_changes_rasa_events(driven, console):
    engine, settings = console

    def snapshot():
        with engine.connect() as conn:
            return conn.execute(sa.select(db.events).order_by(db.events.c.id)).all()

    before = snapshot()
    with engine.connect() as conn:
        queries.dashboard(conn, settings.tz)
        for sender in driven.senders.values():
            queries.transcript(conn, sender, 0.6)
    index.sync(engine, settings.tz)
    assert snapshot() == before


def test_purge(driven, tmp_path):
    order = [name for name, _ in driven.finished]
    cutoff = dict(driven.finished)[order[2]]  # the first three conversations are "older"
    with copy_of(driven.database, tmp_path) as copy:
        settings = make_settings(copy.url)
        engine = db.make_engine(copy.url)
        db.init_db(engine)
        index.sync(engine, settings.tz)
        gone = {driven.senders[name] for name in order[:3]}
        with engine.begin() as conn:
            for sender in driven.senders.values():
                queries.set_review(conn, sender, True, "", "nurse")
                queries.add_tag(conn, sender, "tag", "nurse")
        counts = retention.purge(engine, 0, now=cutoff + 0.01)
        assert counts["conversations"] == 3 and counts["events"] > 0
        assert counts["console_reviews"] == 3 and counts["console_tags"] == 3
        index.sync(engine, settings.tz)
        with engine.connect() as conn:
            left = {row[0] for row in conn.execute(sa.select(db.events.c.sender_id).distinct())}
            reviews = {row[0] for row in conn.execute(sa.select(db.reviews.c.sender_id))}
            indexed = {row[0] for row in conn.execute(sa.select(db.conversations.c.sender_id))}
        assert left == indexed == reviews == set(driven.senders.values()) - gone
        engine.dispose()
