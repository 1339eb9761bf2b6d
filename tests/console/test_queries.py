"""The console's queries against real SQLite and PostgreSQL databases holding Rasa's events
(written by Rasa's own SQLTrackerStore)."""

from __future__ import annotations

import asyncio
import csv
import io
import time
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from rasa.shared.nlu.training_data.loading import load_data

from console import db, index, queries, retention
from console.index import local_day
from tests.console.seed import BAD, DID_YOU_MEAN, seed
from tests.console.support import Conversation, days_ago, make_settings, rasa_store, save

TZ = make_settings("sqlite://").tz


@pytest.fixture
def env(database):
    senders = seed(database)
    settings = make_settings(database.url)
    engine = db.make_engine(database.url)
    db.init_db(engine)
    index.sync(engine, settings.tz)
    yield database, engine, senders, settings
    engine.dispose()


def listed(engine, filters=None, page=1, page_size=50):
    with engine.connect() as conn:
        return queries.list_conversations(conn, filters or queries.Filters(), 0.6, TZ, page, page_size)


def senders_of(engine, **filters):
    rows, total = listed(engine, queries.Filters(**filters))
    assert total == len(rows)
    return {row.sender for row in rows}


def events_snapshot(engine):
    with engine.connect() as conn:
        return conn.execute(sa.select(db.events).order_by(db.events.c.id)).all()


def test_list_is_newest_first_and_paginated(env):
    _, engine, s, _ = env
    rows, total = listed(engine)
    assert total == 9
    assert [r.last for r in rows] == sorted((r.last for r in rows), reverse=True)
    assert rows[0].sender == s["pii"] and rows[-1].sender == s["old"]
    first, total = listed(engine, page=1, page_size=4)
    second, _ = listed(engine, page=2, page_size=4)
    third, _ = listed(engine, page=3, page_size=4)
    assert total == 9 and [len(first), len(second), len(third)] == [4, 4, 1]
    assert {r.key for r in first + second + third} == {r.key for r in rows}


def test_row_fields_and_channels(env):
    _, engine, s, _ = env
    rows = {r.sender: r for r in listed(engine)[0]}
    assert rows[s["normal"]].channel == "web"
    assert rows[s["fallback"]].channel == "line"
    assert rows[s["human"]].channel == "slack"
    assert rows[s["low"]].channel == "rest"
    assert rows[s["normal"]].turns == 3
    assert rows[s["normal"]].first_question == "副作用はありますか？"
    assert rows[s["old"]].turns == 2  # both sessions


def test_flags(env):
    _, engine, s, _ = env
    rows = {r.sender: r for r in listed(engine)[0]}
    flags = {
        name: {f for f in queries.Filters.FLAGS if getattr(row, f)}
        for name, row in ((n, rows[sender]) for n, sender in s.items())
    }
    assert flags == {
        "normal": set(),
        "fallback": {"fell_back", "low_confidence"},  # best real guess 0.31 < 0.6
        "low": {"low_confidence"},
        "human": {"asked_human"},
        "emergency": {"emergency"},  # the lexicon's 1.0 counts, not the classifier's 0.4
        "bad": {"negative_feedback"},
        "pii": {"asked_human"},
        "old": set(),
        "formula": set(),
    }
    assert all(not r.reviewed for r in rows.values())


def test_low_confidence_threshold_is_a_setting(env):
    _, engine, s, _ = env
    with engine.connect() as conn:
        rows, _ = queries.list_conversations(conn, queries.Filters(low_confidence=True), 0.5, TZ)
    assert {r.sender for r in rows} == {s["fallback"]}


@pytest.mark.parametrize(
    "flag, expected",
    [
        ("fell_back", {"fallback"}),
        ("low_confidence", {"fallback", "low"}),
        ("asked_human", {"human", "pii"}),
        ("emergency", {"emergency"}),
        ("negative_feedback", {"bad"}),
    ],
)
def test_flag_filters(env, flag, expected):
    _, engine, s, _ = env
    assert senders_of(engine, **{flag: True}) == {s[n] for n in expected}


def test_flag_filters_combine_with_and(env):
    _, engine, s, _ = env
    assert senders_of(engine, fell_back=True, low_confidence=True) == {s["fallback"]}
    assert senders_of(engine, fell_back=True, asked_human=True) == set()


def test_review_and_attention(env):
    _, engine, s, _ = env
    problems = {s[n] for n in ("fallback", "low", "human", "emergency", "bad", "pii")}
    assert senders_of(engine, attention=True) == problems
    with engine.begin() as conn:
        queries.set_review(conn, s["emergency"], True, "患者さんに電話済み 090-1111-2222", "nurse")
        queries.set_review(conn, s["normal"], True, "", "nurse")
    assert senders_of(engine, attention=True) == problems - {s["emergency"]}
    assert senders_of(engine, reviewed="yes") == {s["emergency"], s["normal"]}
    assert len(senders_of(engine, reviewed="no")) == 7
    with engine.connect() as conn:
        review = queries.get_review(conn, s["emergency"])
        assert review["reviewed_by"] == "nurse" and review["reviewed_at"]
        assert review["note"] == "患者さんに電話済み ＜電話番号＞"  # masked on the way out
        assert queries.attention_count(conn, 0.6, TZ) == 5
    with engine.begin() as conn:
        queries.set_review(conn, s["emergency"], False, "やり直し", "doctor")
    with engine.connect() as conn:
        review = queries.get_review(conn, s["emergency"])
    assert not review["reviewed"] and review["reviewed_by"] is None
    assert review["updated_by"] == "doctor"


def test_date_range(env):
    _, engine, s, _ = env
    today = datetime.now(TZ).date()
    recent = senders_of(engine, date_from=today - timedelta(days=30))
    assert s["old"] not in recent and len(recent) == 8
    assert senders_of(engine, date_to=today - timedelta(days=50)) == {s["old"]}
    old_day = date.fromisoformat(local_day(days_ago(100), TZ))
    assert senders_of(engine, date_from=old_day, date_to=old_day) == {s["old"]}


def test_intent_channel_tag_and_text_filters(env):
    _, engine, s, _ = env
    assert senders_of(engine, intent="ask_price") == {s["low"], s["old"]}
    assert senders_of(engine, intent="nlu_fallback") == {s["fallback"]}
    assert senders_of(engine, channel="line") == {s["fallback"]}
    assert senders_of(engine, q="副作用") == {s["normal"]}
    assert senders_of(engine, q="予約") == {s["old"]}  # the second session's text
    assert senders_of(engine, q="ＨＹＰＥＲＬＩＮＫ") == {s["formula"]}  # full width, any case
    assert senders_of(engine, q="100%") == set()  # LIKE wildcards are escaped
    # Searches see masked text only: the number itself is not findable.
    assert senders_of(engine, q="1234-5678") == set()
    assert senders_of(engine, q="＜電話番号＞") == {s["pii"]}
    with engine.begin() as conn:
        assert queries.add_tag(conn, s["low"], "料金 問い合わせ", "nurse")
        assert not queries.add_tag(conn, s["low"], "   ", "nurse")
        queries.add_tag(conn, s["low"], "料金 問い合わせ", "nurse")  # no duplicate
    assert senders_of(engine, tag="料金_問い合わせ") == {s["low"]}
    rows = {r.sender: r for r in listed(engine)[0]}
    assert rows[s["low"]].tags == ["料金_問い合わせ"]
    with engine.begin() as conn:
        queries.remove_tag(conn, s["low"], "料金_問い合わせ")
    assert senders_of(engine, tag="料金_問い合わせ") == set()


def test_filters_from_query_params_round_trip():
    params = {
        "fell_back": "1",
        "reviewed": "no",
        "date_from": "2025-01-02",
        "q": " 副作用 ",
        "intent": "ask_safety",
        "date_to": "not a date",
        "reviewed_x": "1",
    }
    filters = queries.Filters.from_params(params)
    assert filters.fell_back and not filters.emergency
    assert filters.q == "副作用" and filters.date_to is None
    assert queries.Filters.from_params(filters.params()) == filters


def test_transcript(env):
    _, engine, s, _ = env
    with engine.connect() as conn:
        normal = queries.transcript(conn, s["normal"], 0.6)
        fallback = queries.transcript(conn, s["fallback"], 0.6)
        pii = queries.transcript(conn, s["pii"], 0.6)
        old = queries.transcript(conn, s["old"], 0.6)
        bad = queries.transcript(conn, s["bad"], 0.6)
        emergency = queries.transcript(conn, s["emergency"], 0.6)
    kinds = [(t.kind, t.intent or t.action) for t in normal.turns]
    assert kinds == [
        ("user", "ask_safety"),
        ("bot", "action_answer_topic"),
        ("user", "ask_more_detail"),
        ("bot", "action_more_detail"),
        ("user", "feedback"),
        ("bot", "utter_feedback_thanks"),
    ]
    question, answer, detail = normal.turns[0], normal.turns[1], normal.turns[2]
    assert question.confidence == pytest.approx(0.97) and not question.low_confidence
    assert answer.topic == "safety" and answer.buttons[0]["title"] == "もっと詳しく"
    assert detail.payload == "/ask_more_detail" and detail.button_title == "もっと詳しく"
    assert normal.turns[3].topic is None
    assert normal.turns[4].rating == "good"

    user, bot = fallback.turns
    assert user.fallback and user.low_confidence and user.confidence == pytest.approx(0.31)
    assert bot.action == "action_did_you_mean" and bot.text == DID_YOU_MEAN

    assert pii.turns[0].text == "電話番号は＜電話番号＞、メールは＜メールアドレス＞です。折り返しください"
    assert pii.turns[1].text.endswith("代表 ＜電話番号＞")
    assert "090" not in repr(pii) and "taro@" not in repr(pii)

    assert [t.kind for t in old.turns] == ["user", "bot", "session", "user", "bot"]
    assert bad.turns[2].rating == "bad" and bad.turns[2].payload == BAD
    assert emergency.turns[0].emergency and not emergency.turns[0].low_confidence


def test_corrections_export_is_rasa_nlu_yaml(env, tmp_path):
    _, engine, s, _ = env
    with engine.connect() as conn:
        turns = {name: queries.transcript(conn, s[name], 0.6).turns for name in ("fallback", "pii", "normal")}
    with engine.begin() as conn:
        assert queries.save_correction(conn, s["fallback"], turns["fallback"][0].event_id, "ask_price", "nurse")
        assert queries.save_correction(conn, s["pii"], turns["pii"][0].event_id, "ask_booking", "nurse")
        # corrected again: the latest choice wins
        assert queries.save_correction(conn, s["pii"], turns["pii"][0].event_id, "request_human", "doctor")
        # a button payload is not an example; an event of another sender is refused
        assert not queries.save_correction(conn, s["normal"], turns["normal"][2].event_id, "ask_safety", "nurse")
        assert not queries.save_correction(conn, s["normal"], turns["fallback"][0].event_id, "ask_safety", "nurse")
    with engine.connect() as conn:
        listed_corrections = queries.list_corrections(conn)
        text = queries.corrections_yaml(conn)
        corrected = queries.transcript(conn, s["fallback"], 0.6).turns[0].corrected_intent
    assert corrected == "ask_price"
    assert {c["intent"] for c in listed_corrections} == {"ask_price", "request_human"}
    out = tmp_path / "corrections.yml"
    out.write_text(text, encoding="utf-8")
    data = load_data(str(out))
    examples = {(m.get("intent"), m.get("text")) for m in data.intent_examples}
    assert examples == {
        ("ask_price", "ほにゃららぷー"),
        ("request_human", "電話番号は＜電話番号＞、メールは＜メールアドレス＞です。折り返しください"),
    }
    assert 'version: "3.1"' in text
    with engine.begin() as conn:
        queries.delete_correction(conn, turns["fallback"][0].event_id)
        queries.delete_correction(conn, turns["pii"][0].event_id)
    with engine.connect() as conn:
        empty = queries.corrections_yaml(conn)
    out.write_text(empty, encoding="utf-8")
    assert load_data(str(out)).intent_examples == []


def test_training_text_cannot_inject_entity_markup():
    assert queries.training_text("[がん](condition)に効く？\n二行目") == "［がん］(condition)に効く？ 二行目"
    assert queries.training_text("普通の [括弧] です") == "普通の [括弧] です"


def test_csv_export(env):
    _, engine, s, settings = env
    with engine.begin() as conn:
        queries.set_review(conn, s["pii"], True, "折り返し先 taro@example.com", "nurse")
        queries.add_tag(conn, s["pii"], "要電話", "nurse")
    with engine.connect() as conn:
        rows = queries.iter_conversations(conn, queries.Filters(), 0.6, TZ, batch=4)
        text = "".join(queries.conversations_csv(rows, TZ))
    assert text.startswith("\ufeff会話ID,")
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(table) == 9
    by_sender = {row["会話ID"]: row for row in table}
    pii = by_sender[s["pii"]]
    assert pii["最初の質問"] == "電話番号は＜電話番号＞、メールは＜メールアドレス＞です。折り返しください"
    assert pii["メモ"] == "折り返し先 ＜メールアドレス＞"
    assert pii["スタッフ希望"] == "1" and pii["確認済み"] == "1" and pii["タグ"] == "要電話"
    assert by_sender[s["fallback"]]["フォールバック"] == "1"
    assert by_sender[s["fallback"]]["チャネル"] == "LINE"
    assert by_sender[s["formula"]]["最初の質問"].startswith("'=")
    for secret in ("090-1234-5678", "taro@example.com", "03-1234-5678"):
        assert secret not in text
    with engine.connect() as conn:
        only = queries.iter_conversations(conn, queries.Filters(fell_back=True), 0.6, TZ)
        assert len(list(csv.reader(io.StringIO("".join(queries.conversations_csv(only, TZ)))))) == 2


def test_dashboard_numbers(env):
    _, engine, s, _ = env
    with engine.connect() as conn:
        data = queries.dashboard(conn, TZ, days=30)
    assert data["conversations"] == 8  # the 100-day-old one is outside
    # typed (not button) messages: one each, the normal one's first only
    assert data["typed_messages"] == 8
    assert data["fallbacks"] == 1
    assert data["fallback_rate"] == pytest.approx(1 / 8)
    assert data["ratings"] == {"good": 1, "bad": 1}
    assert data["asked_human"] == 2 and data["emergency"] == 1 and data["negative_feedback"] == 1
    assert data["unanswered"][0]["text"] == "ほにゃららぷー" and data["unanswered"][0]["count"] == 1
    assert len(data["unanswered"]) == 1
    top = {t["intent"]: t["count"] for t in data["top_intents"]}
    assert top["request_human"] == 2
    assert "nlu_fallback" not in top and "feedback" not in top and "ask_booking" not in top
    channels = {c["channel"]: c["count"] for c in data["channels"]}
    assert channels == {"web": 4, "line": 1, "rest": 2, "slack": 1}
    assert len(data["daily"]) == 30
    assert sum(d["conversations"] for d in data["daily"]) >= 8
    assert sum(d["fallbacks"] for d in data["daily"]) == 1
    with engine.connect() as conn:
        longer = queries.dashboard(conn, TZ, days=120)
    assert longer["conversations"] == 9 and longer["typed_messages"] == 10


def test_index_follows_new_events_and_never_writes_rasa_events(env):
    database, engine, s, settings = env
    before = events_snapshot(engine)
    with engine.begin() as conn:
        queries.set_review(conn, s["normal"], True, "ok", "nurse")
        queries.add_tag(conn, s["normal"], "tag", "nurse")
    with engine.connect() as conn:
        queries.transcript(conn, s["normal"], 0.6)
        queries.dashboard(conn, TZ)
    assert index.sync(engine, settings.tz) == 0
    assert events_snapshot(engine) == before

    later = Conversation(s["human"], time.time(), "slack")
    later.events = []  # continue the stored conversation
    later.user("やっぱり費用を知りたい", "ask_price", 0.9).action(
        "action_answer_topic", "費用はお問い合わせください。", topic="price"
    )
    store = rasa_store(database)
    tracker = asyncio.run(store.retrieve_full_tracker(s["human"]))
    for event in later.events:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    store.engine.dispose()
    assert index.sync(engine, settings.tz) == 1
    rows = {r.sender: r for r in listed(engine)[0]}
    assert rows[s["human"]].turns == 2
    assert listed(engine)[0][0].sender == s["human"]  # newest activity first


def test_purge(env):
    database, engine, s, settings = env
    with engine.connect() as conn:
        old_event = queries.transcript(conn, s["old"], 0.6).turns[0].event_id
    with engine.begin() as conn:
        queries.set_review(conn, s["old"], True, "古い", "nurse")
        queries.add_tag(conn, s["old"], "古い", "nurse")
        queries.save_correction(conn, s["old"], old_event, "ask_price", "nurse")
        queries.add_tag(conn, s["normal"], "残す", "nurse")
    others_before = [e for e in events_snapshot(engine) if e.sender_id != s["old"]]

    dry = retention.purge(engine, 30, dry_run=True)
    assert dry["conversations"] == 1 and dry["events"] > 0
    assert len(events_snapshot(engine)) > len(others_before)

    counts = retention.purge(engine, 30)
    assert counts["conversations"] == 1 and counts["events"] == dry["events"]
    assert counts["console_reviews"] == 1 and counts["console_tags"] == 1
    assert counts["console_corrections"] == 1
    assert events_snapshot(engine) == others_before  # only the old sender's events went
    with engine.connect() as conn:
        for table in db.PER_SENDER_TABLES:
            assert conn.execute(sa.select(sa.func.count()).where(table.c.sender_id == s["old"])).scalar_one() == 0
    index.sync(engine, settings.tz)
    assert s["old"] not in senders_of(engine)
    assert len(senders_of(engine)) == 8
    assert senders_of(engine, tag="残す") == {s["normal"]}
    assert retention.purge(engine, 30)["conversations"] == 0


def test_sessions_without_patient_messages_are_not_listed(env):
    database, engine, s, settings = env
    store = rasa_store(database)
    save(store, [Conversation("t-opened-only", days_ago(0.1))])
    store.engine.dispose()
    index.sync(engine, settings.tz)
    rows, total = listed(engine)
    assert total == 9 and "t-opened-only" not in {r.sender for r in rows}
    with engine.connect() as conn:
        assert queries.dashboard(conn, TZ)["conversations"] == 8


def test_rebuilding_the_index_in_chunks_gives_the_same_rows(env):
    _, engine, _, settings = env
    before = listed(engine)[0]
    with engine.begin() as conn:
        db.set_meta(conn, "index", "an older index")  # e.g. another CONSOLE_TIMEZONE before
    assert index.sync(engine, settings.tz, chunk=2) == 9
    assert listed(engine)[0] == before
    assert index.sync(engine, settings.tz) == 0


def test_every_intent_has_a_label_staff_can_read():
    """Staff see every intent of domain.yml in Japanese: a topic intent by its topic's title (the words
    patients see), the others by the console's own names; none as its raw name."""
    import yaml

    from console.queries import intent_label
    from knowledge import ROOT, knowledge_base

    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for intent in domain["intents"]:
        name = intent if isinstance(intent, str) else next(iter(intent))
        assert intent_label(name) != name, name
    assert intent_label("ask_safety") == knowledge_base().topics["safety"].title
    assert intent_label("nlu_fallback") == "理解できず（フォールバック）"
