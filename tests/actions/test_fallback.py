"""action_did_you_mean: the likeliest topics as buttons, never a guessed answer."""
from actions.fallback import ActionDidYouMean
from actions.knowledge import knowledge_base
from tests.conftest import make_tracker

KB = knowledge_base()


def ranking(*names):
    return [{"name": n, "confidence": 0.3 - i * 0.05} for i, n in enumerate(names)]


def test_offers_the_top_three_topics_in_ranking_order(dispatcher):
    tracker = make_tracker(
        "それってどうなの",
        "nlu_fallback",
        ranking=ranking("nlu_fallback", "ask_safety", "greet", "ask_pain", "ask_price", "ask_schedule"),
    )
    ActionDidYouMean().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert [b["payload"] for b in message["buttons"]] == ["/ask_safety", "/ask_pain", "/ask_price"]


def test_never_suggests_the_emergency_answer(dispatcher):
    tracker = make_tracker(
        "うーん", "nlu_fallback", ranking=ranking("report_emergency", "out_of_scope", "ask_safety")
    )
    ActionDidYouMean().run(dispatcher, tracker, {})
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/ask_safety"]


def test_no_candidate_offers_the_menu(dispatcher):
    tracker = make_tracker("😀😀😀", "nlu_fallback", ranking=ranking("nlu_fallback", "greet"))
    ActionDidYouMean().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert [b["payload"] for b in message["buttons"]] == [KB.get(i).payload() for i in KB.menu]


def test_english_gets_a_polite_japanese_only_answer(dispatcher):
    tracker = make_tracker(
        "What is secretome therapy?", "nlu_fallback", ranking=ranking("nlu_fallback", "ask_what_is")
    )
    ActionDidYouMean().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert "日本語" in message["text"] and "Japanese" in message["text"]


def test_too_long_message_is_asked_to_be_shorter(dispatcher):
    tracker = make_tracker("副作用" * 300, "nlu_fallback", ranking=ranking("nlu_fallback", "ask_safety"))
    ActionDidYouMean().run(dispatcher, tracker, {})
    [message] = dispatcher.messages
    assert "長すぎる" in message["text"]
    assert [b["payload"] for b in message["buttons"]] == [KB.get(i).payload() for i in KB.menu]
