"""knowledge/answers.yml against the shared brief, domain.yml, the rules and the clinic's page.

Real files only: the knowledge base, clinic.yml, domain.yml, data/rules (and data/stories) and,
where it is beside the repository, the clinic's page in shared/content.
"""

import re
import string
from typing import Dict, List, Set, Tuple

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from actions.choice import MORE_DETAIL_BUTTON
from knowledge import (
    BUTTON_TITLE_MAX,
    ROOT,
    KnowledgeBase,
    load_knowledge,
    parse_topics,
)
from knowledge.page import PAGE_FILE, headings, passages
from settings import clinic

# The shared brief's table "Knowledge-base topics": topic id -> (intent, entities).
BRIEF_TOPICS: Dict[str, Tuple[str, Dict[str, List[str]]]] = {
    "what_is": ("ask_what_is", {}),
    "mechanism": ("ask_mechanism", {}),
    "components": ("ask_components", {}),
    "component_growth_factor": ("ask_components", {"component": ["成長因子"]}),
    "component_cytokine": ("ask_components", {"component": ["サイトカイン"]}),
    "component_exosome": ("ask_components", {"component": ["エクソソーム"]}),
    "component_microvesicle": ("ask_components", {"component": ["マイクロベシクル"]}),
    "benefits": ("ask_benefits", {}),
    "efficacy": ("ask_efficacy", {}),
    "effect_timing": ("ask_effect_timing", {}),
    "safety": ("ask_safety", {}),
    "difference": ("ask_difference", {}),
    "difference_stem_cell": ("ask_difference", {"therapy": ["幹細胞治療"]}),
    "difference_nk": ("ask_difference", {"therapy": ["NK細胞療法"]}),
    "difference_prp": ("ask_difference", {"therapy": ["PRP"]}),
    "difference_exosome": ("ask_difference", {"therapy": ["エクソソーム"]}),
    "difference_supernatant": ("ask_difference", {"therapy": ["培養上清液"]}),
    "combination": ("ask_combination", {}),
    "indications": ("ask_indications", {}),
    "indication_cancer": ("ask_indications", {"condition": ["がん"]}),
    "indication_neuro": (
        "ask_indications",
        {"condition": ["パーキンソン病", "アルツハイマー病", "脳卒中", "神経疾患"]},
    ),
    "indication_antiaging": (
        "ask_indications",
        {"condition": ["アンチエイジング", "肌の若返り", "薄毛", "疲労"]},
    ),
    "indication_wounds": (
        "ask_indications",
        {"condition": ["やけど", "糖尿病性潰瘍", "床ずれ", "難治性の傷"]},
    ),
    "indication_inflammation": (
        "ask_indications",
        {"condition": ["関節リウマチ", "変形性関節症", "炎症性腸疾患", "慢性炎症"]},
    ),
    "manufacturing": ("ask_manufacturing", {}),
    "origin": ("ask_origin", {}),
    "administration": ("ask_administration", {}),
    "administration_routes": ("ask_administration", {"route": ["点鼻", "塗布", "吸入", "経口", "点眼"]}),
    "visit_flow": ("ask_visit_flow", {}),
    "schedule": ("ask_schedule", {}),
    "pain": ("ask_pain", {}),
    "how_to_choose": ("ask_how_to_choose", {}),
    "outlook": ("ask_outlook", {}),
    "price": ("ask_price", {}),
    "insurance": ("ask_insurance", {}),
    "booking": ("ask_booking", {}),
    "hours_access": ("ask_hours_access", {}),
    "eligibility": ("ask_eligibility", {}),
    "aftercare": ("ask_aftercare", {}),
    "human": ("request_human", {}),
    "out_of_scope": ("out_of_scope", {}),
    "emergency": ("report_emergency", {}),
}

# The brief's "Not on the page" topics, plus the emergency answer: no page source, clinic contact.
OFF_PAGE = {
    "price",
    "insurance",
    "booking",
    "hours_access",
    "eligibility",
    "aftercare",
    "human",
    "out_of_scope",
    "emergency",
}

# The brief's canonical entity values (synonyms map surface forms to these).
CANONICAL = {
    "condition": {
        "がん",
        "パーキンソン病",
        "アルツハイマー病",
        "脳卒中",
        "神経疾患",
        "アンチエイジング",
        "肌の若返り",
        "薄毛",
        "疲労",
        "やけど",
        "糖尿病性潰瘍",
        "床ずれ",
        "難治性の傷",
        "関節リウマチ",
        "変形性関節症",
        "炎症性腸疾患",
        "慢性炎症",
    },
    "therapy": {"幹細胞治療", "NK細胞療法", "エクソソーム", "PRP", "培養上清液"},
    "component": {"成長因子", "サイトカイン", "エクソソーム", "マイクロベシクル"},
    "route": {"点鼻", "塗布", "吸入", "経口", "点眼"},
}

# Intents action_answer_topic answers, as the brief lists them (used when data/rules is absent).
BRIEF_ANSWERED_INTENTS = {intent for intent, _ in BRIEF_TOPICS.values() if intent != "report_emergency"}

PLACEHOLDERS = {"clinic_name", "phone", "emergency_phone", "booking_url", "hours", "billing_note"}
SHARED_PAGE = ROOT.parent / "shared" / "content" / "secretome_therapy.ja.txt"

SENTENCE_END = re.compile(r"[。？！?!]")
ANSWER_SENTENCES = (2, 4)
DETAIL_SENTENCES = (4, 10)  # for topics on the page; off-page details only give contact routes
ANSWER_MAX_CHARS = 250  # a phone screen or two
DETAIL_MAX_CHARS = 600
JAPANESE = r"[\u3000-\u30ff\u3400-\u9fff\uff01-\uff5e]"
FOLDED_SPACE = re.compile(f"{JAPANESE} {JAPANESE}")
MARKDOWN = re.compile(r"\*\*|__|`|\[[^\]]*\]\([^)]*\)|^\s*(#|[-*+] )", re.MULTILINE)

DATA = load_knowledge()
TOPICS = parse_topics(DATA)
KB = KnowledgeBase(TOPICS, clinic(), DATA.get("menu") or (), DATA.get("phrases"))
DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def answered_intents() -> Set[str]:
    """Intents whose rule (or story) step is followed by action_answer_topic."""
    files = sorted((ROOT / "data" / "rules").glob("*.yml")) + sorted((ROOT / "data" / "stories").glob("*.yml"))
    intents: Set[str] = set()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flow in (data.get("rules") or []) + (data.get("stories") or []):
            steps = flow.get("steps") or []
            for step, following in zip(steps, steps[1:]):
                if "intent" in step and following.get("action") == "action_answer_topic":
                    intents.add(step["intent"])
    return intents or BRIEF_ANSWERED_INTENTS


def placeholders(text: str) -> Set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def texts(topic) -> List[str]:
    return [topic.answer, topic.detail]


# ---------------------------------------------------------------- the brief and the domain


def test_every_topic_of_the_brief_exists_with_its_intent_and_entities():
    missing = sorted(set(BRIEF_TOPICS) - set(KB.topics))
    assert not missing, f"topics of the brief missing from answers.yml: {missing}"
    for topic_id, (intent, entities) in BRIEF_TOPICS.items():
        topic = KB.get(topic_id)
        assert topic.intent == intent, topic_id
        assert topic.entities == entities, topic_id
        assert topic.intent in topic.entity_intents, topic_id


def test_no_topic_outside_the_brief():
    assert sorted(set(KB.topics) - set(BRIEF_TOPICS)) == []


def test_topic_intents_and_entities_are_in_the_domain():
    for topic in TOPICS:
        assert topic.intent in DOMAIN.intents, topic.id
        for name in topic.entities:
            assert name in DOMAIN.entities, (topic.id, name)


def test_every_intent_answered_by_action_answer_topic_has_a_general_topic():
    intents = answered_intents()
    assert intents <= set(DOMAIN.intents), sorted(intents - set(DOMAIN.intents))
    for intent in sorted(intents):
        general = [t for t in KB.for_intent(intent) if not t.entities]
        assert len(general) == 1, f"{intent}: {len(general)} general topics"
        assert KB.find(intent, {}) is general[0]


def test_every_topic_intent_is_answered_by_its_action():
    intents = answered_intents() | {"report_emergency"}  # action_emergency sends `emergency`
    assert sorted({t.intent for t in TOPICS} - intents) == []


# ---------------------------------------------------------------- buttons


def test_followups_and_menu_point_to_existing_topics():
    for topic in TOPICS:
        for followup in topic.followups:
            assert followup in KB.topics, (topic.id, followup)
        assert topic.id not in topic.followups, topic.id
        assert len(set(topic.followups)) == len(topic.followups), topic.id
        if topic.id == "emergency":
            assert list(topic.followups) == [], "the emergency answer offers no buttons"
        else:
            assert 2 <= len(topic.followups) <= 3, topic.id
    assert KB.menu, "menu is empty"
    for topic_id in KB.menu:
        assert topic_id in KB.topics, topic_id


def test_titles_fit_a_button_and_are_unique():
    titles = [t.title for t in TOPICS]
    for topic in TOPICS:
        assert 0 < len(topic.title) <= BUTTON_TITLE_MAX, (topic.id, topic.title)
    duplicates = sorted({t for t in titles if titles.count(t) > 1})
    assert not duplicates, duplicates
    assert MORE_DETAIL_BUTTON["title"] not in titles


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_payload_parses_back_to_the_intent_and_canonical_entities(topic):
    message = YAMLStoryReader.unpack_regex_message(Message(data={"text": topic.payload()}), DOMAIN)
    assert (message.get("intent") or {}).get("name") == topic.intent, topic.payload()
    entities = {e["entity"]: e["value"] for e in message.get("entities") or []}
    assert entities == {name: values[0] for name, values in topic.entities.items()}
    for name, value in entities.items():
        assert value in CANONICAL[name], (topic.id, name, value)


@pytest.mark.parametrize("topic", [t for t in TOPICS if t.entities], ids=lambda t: t.id)
def test_find_returns_the_topic_for_each_of_its_entity_values_and_intents(topic):
    for name, values in topic.entities.items():
        for value in values:
            assert value in CANONICAL[name], (topic.id, name, value)
            for intent in topic.entity_intents:
                assert intent in DOMAIN.intents, (topic.id, intent)
                assert KB.find(intent, {name: value}) is topic, (intent, name, value)


def test_entities_never_take_over_questions_the_page_does_not_answer():
    for topic in TOPICS:
        if topic.entities:
            assert not set(topic.entity_intents) & {t.intent for t in TOPICS if not t.on_page}, topic.id


def test_unknown_entity_value_falls_back_to_the_general_topic():
    assert KB.find("ask_indications", {"condition": "水虫"}).id == "indications"
    assert KB.find("ask_difference", {"therapy": "漢方"}).id == "difference"
    assert KB.find("ask_components", {}).id == "components"


# ---------------------------------------------------------------- sources


def test_on_page_topics_name_a_source_and_off_page_topics_do_not():
    for topic in TOPICS:
        if topic.id in OFF_PAGE:
            assert not topic.sources, topic.id
        else:
            assert topic.sources, f"{topic.id} is on the page but names no source"


def test_sources_are_headings_of_the_page():
    page = set(headings())
    for topic in TOPICS:
        for source in topic.sources:
            assert source in page, (topic.id, source)


@pytest.mark.skipif(not SHARED_PAGE.exists(), reason=f"{SHARED_PAGE} is not beside the repository")
def test_the_page_in_the_repository_is_the_clinics_page():
    assert PAGE_FILE.read_bytes() == SHARED_PAGE.read_bytes(), "copy shared/content's page to knowledge/"


def test_page_passages_are_quotable_and_under_a_heading():
    from knowledge.compliance import violations

    found = passages()
    assert len(found) > 50
    for passage in found:
        assert passage.section in headings() and passage.text.endswith("。"), passage
        assert not violations(passage.text) and not violations(passage.section), passage
    # the comparison table and the link line are not passages
    assert not any("含むが少量" in p.text or p.text.endswith("こちら") for p in found)


def test_off_page_answers_give_the_clinic_phone():
    for topic_id in OFF_PAGE:
        for text in texts(KB.get(topic_id)):
            assert "{phone}" in text, topic_id


# ---------------------------------------------------------------- text


def test_placeholders_are_the_clinic_ones():
    for topic in TOPICS:
        for text in texts(topic) + [topic.title] + list(topic.translations.values()):
            assert placeholders(text) <= PLACEHOLDERS, (topic.id, placeholders(text) - PLACEHOLDERS)
        assert not placeholders(topic.title), f"{topic.id}: no placeholder in a button title"
    phrase_values = {"title", "sources", "section", "max_chars", "message", "link"}
    for name, text in KB.phrases.items():
        assert placeholders(text) <= PLACEHOLDERS | phrase_values, (name, placeholders(text))


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_answers_are_chat_sized(topic):
    low, high = ANSWER_SENTENCES
    assert low <= len(SENTENCE_END.findall(topic.answer)) <= high, topic.answer
    assert len(topic.answer) <= ANSWER_MAX_CHARS
    assert len(topic.detail) <= DETAIL_MAX_CHARS
    if topic.on_page:
        low, high = DETAIL_SENTENCES
        assert topic.detail != topic.answer, "a page topic has a longer 詳しく answer"
        assert low <= len(SENTENCE_END.findall(topic.detail)) <= high, topic.detail


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.id)
def test_plain_text_without_markdown_or_folding_spaces(topic):
    for text in texts(topic) + [topic.title]:
        assert not MARKDOWN.search(text), (topic.id, MARKDOWN.search(text).group())
        assert not FOLDED_SPACE.search(text), (topic.id, FOLDED_SPACE.search(text).group())
        for line in text.splitlines():
            assert line == line.strip() and line, (topic.id, line)


def test_emergency_says_119_first_then_the_clinic():
    topic = KB.get("emergency")
    first_line = topic.answer.splitlines()[0]
    assert "119" in first_line and "今すぐ" in first_line
    for symptom in ("息", "胸", "意識", "広が"):
        assert symptom in first_line, symptom
    assert "{emergency_phone}" in topic.answer and "{phone}" in topic.answer


def test_cancer_answers_say_supportive_not_a_cure():
    for text in texts(KB.get("indication_cancer")):
        assert "補助療法" in text
        assert re.search(r"がんそのものを直接治す(治療|もの)では(な|あ)", text), text


# ---------------------------------------------------------------- rendering with clinic values


CLINIC_ENV = {
    "CLINIC_NAME": "テスト再生クリニック",
    "CLINIC_PHONE": "03-0000-1234",
    "CLINIC_EMERGENCY_PHONE": "090-0000-5678",
    "CLINIC_BOOKING_URL": "https://booking.example.test/secretome",
    "CLINIC_HOURS": "平日10時〜18時",
    "CLINIC_BILLING_NOTE": "テスト用の請求に関するご案内です。",
}


@pytest.fixture
def clinic_kb(monkeypatch) -> KnowledgeBase:
    for key, value in CLINIC_ENV.items():
        monkeypatch.setenv(key, value)
    data = load_knowledge()
    return KnowledgeBase(parse_topics(data), clinic(), data.get("menu") or ())


def test_rendering_fills_every_placeholder_with_the_clinic_values(clinic_kb):
    assert clinic_kb.clinic["phone"] == CLINIC_ENV["CLINIC_PHONE"]
    env_for = {
        "clinic_name": "CLINIC_NAME",
        "phone": "CLINIC_PHONE",
        "emergency_phone": "CLINIC_EMERGENCY_PHONE",
        "booking_url": "CLINIC_BOOKING_URL",
        "hours": "CLINIC_HOURS",
        "billing_note": "CLINIC_BILLING_NOTE",
    }
    for topic in clinic_kb.topics.values():
        for text in texts(topic):
            rendered = clinic_kb.render(text)
            assert "{" not in rendered and "}" not in rendered, (topic.id, rendered)
            for name in placeholders(text):
                assert CLINIC_ENV[env_for[name]] in rendered, (topic.id, name)
        if topic.id in OFF_PAGE:
            assert CLINIC_ENV["CLINIC_PHONE"] in clinic_kb.render(topic.answer), topic.id
    for topic_id in ("price", "insurance"):
        rendered = clinic_kb.render(clinic_kb.get(topic_id).answer)
        assert CLINIC_ENV["CLINIC_BILLING_NOTE"] in rendered
    emergency = clinic_kb.render(clinic_kb.get("emergency").answer)
    assert CLINIC_ENV["CLINIC_EMERGENCY_PHONE"] in emergency and "119" in emergency


def test_rendering_with_the_committed_clinic_file_leaves_no_placeholder():
    for topic in TOPICS:
        for text in texts(topic) + list(topic.translations.values()):
            rendered = KB.render(text)
            assert "{" not in rendered and "}" not in rendered, topic.id
    for name in KB.phrases:
        rendered = KB.phrase(name, title="t", sources="s", section="s", max_chars=500, message="m", link="l")
        assert "{" not in rendered and "}" not in rendered, name


def test_the_greeting_menu_uses_the_topics_titles():
    """domain.yml's greeting (a fixed reply: it works without the action server) offers topics; each
    button reads as that topic's title in knowledge/answers.yml, the one home of topic labels."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    buttons = domain["responses"]["utter_greet"][0]["buttons"]
    main_topic = {t.intent: t for t in TOPICS if not t.entities}
    assert buttons
    for button in buttons:
        assert button["title"] == main_topic[button["payload"].lstrip("/")].title, button
