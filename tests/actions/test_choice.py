"""actions.choice: which answer a message gets from everything the NLU found, and its messages."""

import pytest

from actions.choice import MORE_DETAIL_BUTTON, THRESHOLDS, Choice, choose, emergency_messages, reply
from knowledge import knowledge_base

KB = knowledge_base()
PASSAGE = {
    "section": "投与方法の選択肢(点滴・局所注射)",
    "text": "施術は通常、腕の静脈から点滴を行います。",
    "line": 161,
    "score": THRESHOLDS.passage_score + 1,
}
OTHER = {"section": "マイクロベシクルについて", "text": "マイクロベシクルは微小な粒子です。", "line": 241}


def parse(text="質問です", intent="nlu_fallback", ranking=(), entities=None, **extra):
    ranked = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": ranked[0]["confidence"] if ranked else 0.5},
        "intent_ranking": ([{"name": "nlu_fallback", "confidence": 0.5}] if intent == "nlu_fallback" else []) + ranked,
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        **extra,
    }


def segment(text, intent, confidence=0.9, entities=None):
    return {"text": text, "intent": intent, "confidence": confidence, "entities": entities or {}}


def test_a_confident_intent_gets_its_topic():
    choice = choose(parse("副作用は？", "ask_safety", [("ask_safety", 0.9)]), KB)
    assert (choice.kind, choice.answered_topic) == ("topic", "safety")


@pytest.mark.parametrize(
    "intent, entities, expected",
    [
        ("ask_what_is", {"therapy": "PRP"}, "difference_prp"),
        ("ask_benefits", {"therapy": "幹細胞治療"}, "difference_stem_cell"),
        ("ask_what_is", {"therapy": "NK細胞療法"}, "difference_nk"),
        ("ask_efficacy", {"condition": "がん"}, "indication_cancer"),
        ("ask_what_is", {"component": "サイトカイン"}, "component_cytokine"),
        ("ask_administration", {"route": "点鼻"}, "administration_routes"),
        ("ask_difference", {"therapy": "培養上清液"}, "difference_supernatant"),
        ("ask_what_is", {"therapy": "培養上清液"}, "what_is"),  # 「培養上清って何？」 is this therapy
        ("ask_safety", {"therapy": "エクソソーム"}, "safety"),  # patients call the therapy エクソソーム点滴
        ("ask_price", {"condition": "がん"}, "price"),
    ],
)
def test_entities_pick_the_specific_topic_for_the_intents_they_belong_to(intent, entities, expected):
    assert choose(parse("q", intent, [(intent, 0.9)], entities), KB).answered_topic == expected


def test_when_an_entity_picks_the_topic_the_topic_asked_is_the_first_button():
    """「本当に効くの？父の脳梗塞に」: what the page says on stroke, and "does it work at all" one tap away."""
    choice = choose(
        parse("本当に効く？父の脳梗塞に", "ask_efficacy", [("ask_efficacy", 0.9)], {"condition": "脳卒中"}), KB
    )
    assert choice.answered_topic == "indication_neuro"
    [message] = reply(choice, KB)
    assert message["buttons"][0]["payload"] == KB.topics["efficacy"].payload()
    plain = choose(parse("本当に効く？", "ask_efficacy", [("ask_efficacy", 0.9)]), KB)
    assert plain.answered_topic == "efficacy" and not plain.alternatives


def test_two_questions_answer_the_first_and_offer_the_second():
    segments = [segment("副作用はある?", "ask_safety"), segment("あと何回くらい通うの", "ask_schedule")]
    choice = choose(
        parse("副作用はある?あと何回くらい通うの", "ask_schedule", [("ask_schedule", 0.7)], segments=segments), KB
    )
    assert (choice.topic.id, choice.second.id) == ("safety", "schedule")
    [message] = reply(choice, KB)
    assert KB.phrase("second_question", title=KB.get("schedule").title) in message["text"]
    assert message["buttons"][0]["payload"] == KB.get("schedule").payload()


def test_two_questions_help_even_when_the_whole_message_was_not_understood():
    segments = [segment("痛い？", "ask_pain"), segment("費用は？", "ask_price", entities={})]
    choice = choose(parse("痛い？費用は？", segments=segments, ranking=[("ask_pain", 0.3), ("ask_price", 0.28)]), KB)
    assert (choice.topic.id, choice.second.id) == ("pain", "price")


def test_an_unsure_segment_does_not_count():
    segments = [segment("あのー", "ask_safety", confidence=0.2), segment("費用は？", "ask_price")]
    choice = choose(parse("あのー費用は？", "ask_price", [("ask_price", 0.8)], segments=segments), KB)
    assert (choice.topic.id, choice.second) == ("price", None)


def test_a_topic_clearly_ahead_is_answered_as_a_guess_with_the_runners_up():
    top = max(THRESHOLDS.guess_confidence, 0.25)
    choice = choose(
        parse(
            ranking=[
                ("ask_effect_timing", top),
                ("ask_schedule", top - THRESHOLDS.guess_margin - 0.05),
                ("ask_efficacy", 0.05),
            ]
        ),
        KB,
    )
    assert (choice.kind, choice.topic.id) == ("guess", "effect_timing")
    assert [t.id for t in choice.alternatives] == ["schedule", "efficacy"]
    [message] = reply(choice, KB)
    assert message["text"].startswith(KB.phrase("guess", title=KB.get("effect_timing").title))
    assert KB.phrase("guess_others") in message["text"]
    assert [b["payload"] for b in message["buttons"][:2]] == ["/ask_schedule", "/ask_efficacy"]


def test_below_the_guess_confidence_no_topic_is_guessed():
    low = THRESHOLDS.guess_confidence - 0.01
    choice = choose(parse(ranking=[("ask_pain", low), ("ask_safety", low - 0.02)], page_passages=[PASSAGE]), KB)
    assert choice.kind == "passage"


def test_a_passage_of_the_page_is_quoted_with_its_section():
    choice = choose(
        parse("点滴はどこから入れる", ranking=[("ask_pain", 0.15), ("ask_safety", 0.14)], page_passages=[PASSAGE]), KB
    )
    assert choice.kind == "passage" and not choice.is_bare_menu
    [message] = reply(choice, KB)
    lines = message["text"].splitlines()
    assert lines[0] == KB.phrase("passage", section=PASSAGE["section"])
    assert lines[1] == f"「{PASSAGE['text']}」"
    assert "個人差" in lines[2] and "医師" in lines[2]
    assert [b["payload"] for b in message["buttons"]] == ["/ask_pain", "/ask_safety"]


def test_a_passage_in_a_section_the_likely_topics_cite_is_preferred():
    lexical = {**OTHER, "score": PASSAGE["score"] + 1}
    choice = choose(
        parse(
            "点滴ってどう？",
            ranking=[("ask_administration", 0.1), ("ask_pain", 0.08)],
            page_passages=[lexical, PASSAGE],
        ),
        KB,
    )
    assert choice.kind == "passage" and choice.passage["section"] == PASSAGE["section"]
    assert choice.passage["score"] == round(PASSAGE["score"] + THRESHOLDS.passage_prior * 0.18, 3)


def test_a_weak_passage_is_not_quoted_and_the_page_not_covering_it_is_said_honestly():
    weak = {**OTHER, "score": THRESHOLDS.passage_score - 0.1}
    choice = choose(
        parse("駐輪場はある？", ranking=[("ask_pain", 0.1), ("ask_safety", 0.09)], page_passages=[weak]), KB
    )
    assert choice.kind == "not_covered" and not choice.is_bare_menu
    [message] = reply(choice, KB)
    assert KB.clinic["phone"] in message["text"] and "見当たりませんでした" in message["text"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("😀😀😀", "unreadable"),
        ("？？？", "unreadable"),
        ("", "unreadable"),
        ("副作用" * 200, "too_long"),
        ("What is secretome therapy?", "not_japanese"),
        ("这个治疗有什么副作用吗", "not_japanese"),
    ],
)
def test_a_bare_menu_only_for_what_cannot_be_read(text, kind):
    choice = choose(parse(text, ranking=[("ask_what_is", THRESHOLDS.guess_confidence / 2)]), KB)
    assert choice.kind == kind and choice.is_bare_menu
    [message] = reply(choice, KB)
    assert [b["payload"] for b in message["buttons"]] == [KB.get(i).payload() for i in KB.menu]


def test_an_emergency_comes_first_in_the_patients_language_then_in_japanese():
    messages = reply(choose(parse("I can't breathe after the drip", "report_emergency"), KB), KB)
    assert messages[0]["text"].startswith("Call 119 now")
    assert messages[1]["text"] == KB.render(KB.get("emergency").answer)
    japanese = reply(choose(parse("息が苦しい", "report_emergency"), KB), KB)
    assert japanese == [{"text": KB.render(KB.get("emergency").answer)}]


def test_every_translation_of_the_emergency_answer_gives_119_and_the_clinic_numbers_first_line_119():
    topic = KB.get("emergency")
    assert {"en", "zh", "ko", "vi", "pt", "es", "tl"} <= set(topic.translations)
    for lang in topic.translations:
        first, *rest = emergency_messages(lang, KB)
        assert "119" in first["text"].splitlines()[0], lang
        assert KB.clinic["emergency_phone"] in first["text"] and KB.clinic["phone"] in first["text"], lang


def test_a_guessed_conversation_intent_gets_its_response():
    choice = choose(parse("ありがとね〜", ranking=[("thanks", 0.45), ("goodbye", 0.1)]), KB)
    assert reply(choice, KB) == [{"response": "utter_thanks"}]


def test_a_serious_symptom_word_adds_the_119_line_unless_the_answer_has_it():
    choice = choose(
        parse(
            "以前ワクチンでアナフィラキシーが出ました。受けられますか",
            "ask_eligibility",
            [("ask_eligibility", 0.9)],
            symptom_mentions=["アナフィラキシー"],
        ),
        KB,
    )
    [message] = reply(choice, KB)
    assert message["text"].endswith(KB.phrase("safety_net"))
    safety = choose(
        parse("アナフィラキシーの確率は？", "ask_safety", [("ask_safety", 0.9)], symptom_mentions=["アナフィラキシー"]),
        KB,
    )
    [message] = reply(safety, KB)
    assert message["text"].count("119") == 1


def test_answers_without_a_longer_version_offer_no_more_detail_button():
    [message] = reply(Choice("topic", KB.get("human")), KB)
    assert MORE_DETAIL_BUTTON not in message["buttons"]


def test_a_clear_guess_is_answered_in_any_language():
    choice = choose(
        parse("How long does the effect last?", ranking=[("ask_effect_timing", 0.28), ("ask_schedule", 0.05)]), KB
    )
    assert (choice.kind, choice.answered_topic) == ("guess", "effect_timing")
