"""A small, known set of conversations, written with Rasa's own SQLTrackerStore."""

from __future__ import annotations

from typing import Dict

from tests.console.support import Conversation, Database, days_ago, rasa_store, save

DID_YOU_MEAN = "申し訳ありません、ご質問を正確に読み取れませんでした。次のどれかに近いでしょうか。"
PII_TEXT = "電話番号は090-1234-5678、メールはtaro@example.comです。折り返しください"
BAD = '/feedback{"rating":"bad"}'
GOOD = '/feedback{"rating":"good"}'


def rating(value: str):
    return [{"entity": "rating", "value": value, "start": 0, "end": 0}]


def seed(database: Database, prefix: str = "t") -> Dict[str, str]:
    """Writes the conversations; returns name -> sender id."""
    s = {
        name: f"{prefix}-{name}"
        for name in ("normal", "fallback", "low", "human", "emergency", "bad", "pii", "old", "formula")
    }
    base = days_ago(0.2)
    convs = [
        Conversation(s["normal"], base, "socketio")
        .user("副作用はありますか？", "ask_safety", 0.97)
        .action(
            "action_answer_topic",
            "重い副作用の報告は少ないとされています。",
            buttons=[{"title": "もっと詳しく", "payload": "/ask_more_detail"}],
            topic="safety",
        )
        .user("/ask_more_detail", "ask_more_detail", 1.0)
        .action("action_more_detail", "詳しくは…")
        .user(GOOD, "feedback", 1.0, entities=rating("good"))
        .action("utter_feedback_thanks", "ご評価ありがとうございます。"),
        Conversation(s["fallback"], base + 100, "line")
        .user(
            "ほにゃららぷー",
            "nlu_fallback",
            0.5,
            ranking=[
                {"name": "nlu_fallback", "confidence": 0.5},
                {"name": "ask_price", "confidence": 0.31},
                {"name": "greet", "confidence": 0.2},
            ],
        )
        .action("action_did_you_mean", DID_YOU_MEAN, buttons=[{"title": "費用", "payload": "/ask_price"}]),
        Conversation(s["low"], base + 200, "rest")
        .user("値段ってどのくらい", "ask_price", 0.55)
        .action("action_answer_topic", "費用はクリニックにお問い合わせください。", topic="price"),
        Conversation(s["human"], base + 300, "slack")
        .user("スタッフと話したい", "request_human", 0.9)
        .action("action_answer_topic", "お電話でご相談ください。", topic="human"),
        Conversation(s["emergency"], base + 400, "socketio")
        .user(
            "点滴のあと息が苦しいです",
            "report_emergency",
            1.0,
            ranking=[{"name": "ask_administration", "confidence": 0.4}, {"name": "ask_safety", "confidence": 0.3}],
        )
        .action("action_emergency", "すぐに119番に電話してください。"),
        Conversation(s["bad"], base + 500, "socketio")
        .user("注射は痛いですか", "ask_pain", 0.92)
        .action("action_answer_topic", "痛みは少ないとされています。", topic="pain")
        .user(BAD, "feedback", 1.0, entities=rating("bad"))
        .action("utter_feedback_thanks", "ご評価ありがとうございます。"),
        Conversation(s["pii"], base + 600, "rest")
        .user(PII_TEXT, "request_human", 0.8)
        .action("action_answer_topic", "担当者からご連絡します。代表 03-1234-5678", topic="human"),
        Conversation(s["old"], days_ago(100), "socketio")
        .user("費用はいくらですか", "ask_price", 0.9)
        .action("action_answer_topic", "費用はお問い合わせください。", topic="price")
        .new_session(7200)
        .user("予約したい", "ask_booking", 0.9)
        .action("action_answer_topic", "予約はお電話で。", topic="booking"),
        Conversation(s["formula"], base - 100, "socketio")
        .user('=HYPERLINK("http://x")', "out_of_scope", 0.8)
        .action("action_answer_topic", "お答えできません。", topic="out_of_scope"),
    ]
    store = rasa_store(database)
    save(store, convs)
    store.engine.dispose()
    return s


HISTORY_QUESTIONS = [
    ("副作用はありますか", "ask_safety", "safety"),
    ("どんな病気に使われますか", "ask_indications", "indications"),
    ("費用はいくらですか", "ask_price", "price"),
    ("何回くらい通えばいいですか", "ask_schedule", "schedule"),
    ("幹細胞治療とどう違うの？", "ask_difference", "difference"),
    ("点滴は痛いですか", "ask_pain", "pain"),
    ("予約したいです", "ask_booking", "booking"),
    ("保険は使えますか", "ask_insurance", "insurance"),
    ("セクレトームって何？", "ask_what_is", "what_is"),
    ("本当に効くんですか", "ask_efficacy", "efficacy"),
]
HISTORY_UNCLEAR = ["ぴよぴよ", "あれってどうなの", "それは前のやつ？", "うーん"]


def history(database: Database, days: int = 30, seed_value: int = 7) -> int:
    """Plausible earlier conversations spread over `days` days (for the dashboard's charts),
    written with Rasa's store like the others. Returns how many."""
    import random

    rnd = random.Random(seed_value)
    convs = []
    for day in range(days, 0, -1):
        for n in range(rnd.randint(1, 6)):
            start = days_ago(day) + rnd.uniform(0, 36000)
            channel = rnd.choice(["socketio", "socketio", "socketio", "line", "line", "rest"])
            conv = Conversation(f"h-{day}-{n}", start, channel)
            for _ in range(rnd.randint(1, 3)):
                if rnd.random() < 0.15:
                    text = rnd.choice(HISTORY_UNCLEAR)
                    conv.user(
                        text,
                        "nlu_fallback",
                        0.5,
                        ranking=[
                            {"name": "nlu_fallback", "confidence": 0.5},
                            {"name": "ask_price", "confidence": round(rnd.uniform(0.2, 0.45), 2)},
                        ],
                    )
                    conv.action("action_did_you_mean", DID_YOU_MEAN)
                else:
                    text, intent, topic = rnd.choice(HISTORY_QUESTIONS)
                    conv.user(text, intent, round(rnd.uniform(0.55, 0.99), 2))
                    conv.action("action_answer_topic", "（回答）", topic=topic)
            if rnd.random() < 0.3:
                value = "good" if rnd.random() < 0.75 else "bad"
                conv.user(GOOD if value == "good" else BAD, "feedback", 1.0, entities=rating(value))
                conv.action("utter_feedback_thanks", "ご評価ありがとうございます。")
            convs.append(conv)
    store = rasa_store(database)
    save(store, convs)
    store.engine.dispose()
    return len(convs)
