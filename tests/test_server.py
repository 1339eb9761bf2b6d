"""The real assistant over the REST webhook: right answers, multi-turn context, bad input."""

import pytest
import requests

from actions.choice import Choice, reply
from knowledge import knowledge_base

KB = knowledge_base()


def answer_of(topic_id: str) -> str:
    return reply(Choice("topic", KB.get(topic_id)), KB)[0]["text"]


@pytest.mark.parametrize(
    "question, topic",
    [
        ("副作用ってありますか？", "safety"),
        ("母がパーキンソン病で…この治療は効果ありますか", "indication_neuro"),
        ("リウマチに効きますか", "indication_inflammation"),
        ("料金はいくらくらいかかりますか", "price"),
        ("点滴って何分くらいかかるの？", "administration"),
    ],
)
def test_questions_get_the_topic_answer(stack, question, topic):
    replies = stack.say(f"q-{topic}", question)
    assert replies[0]["text"] == answer_of(topic)
    assert replies[0]["buttons"], "answers offer follow-up topics as buttons"


def test_more_detail_follows_the_conversation(stack):
    stack.say("ctx", "培養上清ってどうやって作るんですか")
    replies = stack.say("ctx", "もっと詳しく")
    assert replies[0]["text"].startswith(KB.render(KB.get("manufacturing").detail))


def test_a_long_conversation_keeps_its_context_and_every_message(stack):
    """The tracker store hands Rasa only the last `window_turns` turns (endpoints.yml): the topic a
    patient asked about twelve messages ago still drives "もっと詳しく", and every message is stored."""
    import sqlalchemy as sa

    window_turns = stack.endpoints["tracker_store"]["window_turns"]
    stack.say("long", "培養上清ってどうやって作るんですか")
    for i in range(window_turns + 2):
        stack.say("long", "ありがとう" if i % 2 else "なるほど")
    replies = stack.say("long", "もっと詳しく")
    assert replies[0]["text"].startswith(KB.render(KB.get("manufacturing").detail))
    engine = sa.create_engine(f"sqlite:///{stack.endpoints['tracker_store']['db']}")
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = 'long' AND type_name = 'user'")
        ).scalar()
    engine.dispose()
    assert stored == window_turns + 4


def test_emergency_is_answered_first(stack):
    replies = stack.say("er", "昨日点滴を受けてから息が苦しくて胸が痛いです。副作用ですか？")
    assert "119" in replies[0]["text"]


def test_button_payload_reaches_its_topic(stack):
    replies = stack.say("btn", KB.get("indication_cancer").payload())
    assert replies[0]["text"] == answer_of("indication_cancer")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "あ" * 10_000,
        "😀😀😀🙏",
        "What is secretome therapy?",
        "<script>alert('x')</script><b>副作用</b>",
        "\x00\x01\x1b[31m副作用\u202e",
        "１２３４５６７８９０",
    ],
    ids=["empty", "spaces", "10k", "emoji", "english", "html", "control", "digits"],
)
def test_bad_input_gets_a_polite_answer(stack, text):
    response = stack.rest("bad-input", text)
    assert response.status_code == 200
    replies = response.json()
    assert replies and all(r.get("text") for r in replies), replies
    assert "<script>" not in replies[0]["text"]


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ('{"sender": "x", "message": 12345}', "application/json"),
        ('{"sender": ["x"], "message": "副作用"}', "application/json"),
        ("[]", "application/json"),
        ("", "application/json"),
    ],
    ids=["malformed", "number", "list-sender", "array", "empty-body"],
)
def test_malformed_requests_never_get_500(stack, body, content_type):
    response = requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        data=body.encode(),
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert response.status_code < 500, response.text
    assert stack.say("after-malformed", "こんにちは"), "the server keeps answering"
