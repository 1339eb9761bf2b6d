"""Which answer a message gets, from everything the NLU found: where answers are chosen.

`choose(parse, kb)` looks at the parse data of the patient's latest message (intent and ranking,
entities, the question segments, the best page passage, symptom words, the language) and returns a
Choice; `reply(choice, kb)` turns it into the messages sent. Both are pure: the actions
(actions/answers.py) and the benchmark (bench/heldout.py) call the same code.

In order:
  1. nothing readable / too long                         -> a short notice and the topic menu
  2. a topic intent (the classifier is confident)        -> that topic; an entity picks the specific
                                                            topic (knowledge.KnowledgeBase.find), and
                                                            the intent's own topic is the first button
  3. two questions, each classified with confidence      -> the first answered, the second a button
  4. not confident, but one topic clearly ahead          -> that topic, said to be our reading of the
                                                            question, with the runners-up as buttons
  5. otherwise, not Japanese                             -> a "Japanese only" notice and the menu
  6. otherwise a passage of the page matches             -> the passage, with its section heading
  7. otherwise                                           -> the page does not cover it: contact route
Every answer from the page ends with its 出典 line; an answer to a message that names a serious
symptom (not happening now) carries the "call 119" line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

from japanese_nlu import MAX_MESSAGE_CHARS, language
from knowledge import KnowledgeBase, Topic, knowledge_base

FALLBACK = "nlu_fallback"
EMERGENCY = "report_emergency"
MORE_DETAIL_BUTTON = {"title": knowledge_base().phrase("more_detail_button"), "payload": "/ask_more_detail"}
# Conversation intents are answered by their own responses (domain.yml), also when guessed.
CONVERSATION_RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "bot_challenge": "utter_bot_challenge",
    "chitchat": "utter_chitchat",
    "feedback": "utter_feedback_thanks",
}
MAX_BUTTONS = 4


_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Thresholds:
    """The numbers of the choice, measured on three validation splits of data/nlu (bench/tune.py,
    docs/nlu.md "Measurements"), never on a held-out set. On those splits answering the classifier's
    top topic whenever it reaches `guess_confidence` was right more often than requiring a lead over
    the runner-up (margin 0.0 beat 0.1 and 0.2), and a passage helped only below that."""

    # "Clearly ahead" (step 5): the top topic of a message below FallbackClassifier's threshold is
    # answered (as our reading, with the runners-up as buttons) from this confidence and lead on.
    guess_confidence: float = 0.20
    guess_margin: float = 0.0
    # A question segment counts (step 4) when the classifier gives it at least this confidence.
    segment_confidence: float = 0.50
    # A page passage is quoted (step 6) when its score reaches `passage_score`: its BM25 score plus
    # `passage_prior` times the confidence of each of the classifier's top 3 topics that cites the
    # passage's section. Below it, "the page does not cover it".
    passage_score: float = 3.0
    passage_prior: float = 10.0


THRESHOLDS = Thresholds()


@dataclass
class Choice:
    kind: str  # topic | guess | passage | not_covered | conversation | emergency | unreadable | too_long | not_japanese
    topic: Optional[Topic] = None
    second: Optional[Topic] = None  # the second question's topic (a button)
    alternatives: List[Topic] = field(default_factory=list)
    passage: Optional[Dict[str, Any]] = None
    response: Optional[str] = None  # a domain response, for guessed conversation intents
    safety_net: bool = False
    language: Optional[str] = None

    @property
    def answered_topic(self) -> Optional[str]:
        """The topic whose answer the patient gets (what the held-out sets are scored on)."""
        return self.topic.id if self.kind in ("topic", "guess") and self.topic else None

    @property
    def is_bare_menu(self) -> bool:
        return self.kind in ("unreadable", "not_japanese", "too_long")


def _entities(parse: Dict[str, Any]) -> Dict[str, str]:
    return {e["entity"]: e["value"] for e in parse.get("entities") or []}


def _ranking(parse: Dict[str, Any]) -> List[Dict[str, Any]]:
    return [r for r in parse.get("intent_ranking") or [] if r.get("name") not in (FALLBACK, None)]


def _segment_topics(parse: Dict[str, Any], kb: KnowledgeBase, minimum: float) -> List[Topic]:
    """Distinct topics of the confidently classified question segments, in the order asked."""
    topics: List[Topic] = []
    for segment in parse.get("segments") or []:
        if (segment.get("confidence") or 0) < minimum:
            continue
        topic = kb.find(segment.get("intent") or "", segment.get("entities") or {})
        if topic and topic.intent != "out_of_scope" and topic not in topics:
            topics.append(topic)
    return topics


def _runners_up(
    ranking: List[Dict[str, Any]],
    entities: Dict[str, str],
    kb: KnowledgeBase,
    exclude: Optional[Topic] = None,
    limit: int = 3,
) -> List[Topic]:
    found: List[Topic] = []
    for ranked in ranking:
        if ranked["name"] in (EMERGENCY, "out_of_scope"):
            continue
        topic = kb.find(ranked["name"], entities)
        if topic and topic != exclude and topic not in found:
            found.append(topic)
        if len(found) == limit:
            break
    return found


def emergency_language(parse: Dict[str, Any]) -> Optional[str]:
    """The language the 119 answer is also given in: the message's, and English for a message typed in
    rōmaji Japanese (read as kana by the pipeline; its writer may not read kanji)."""
    if parse.get("romaji"):
        return "en"
    return language.detect(parse.get("text") or "")


def choose(parse: Dict[str, Any], kb: KnowledgeBase, thresholds: Thresholds = THRESHOLDS) -> Choice:
    text = parse.get("text") or ""
    lang = language.detect(text)
    safety_net = bool(parse.get("symptom_mentions"))
    intent = (parse.get("intent") or {}).get("name") or FALLBACK
    if intent == EMERGENCY:
        return Choice("emergency", kb.get("emergency"), language=emergency_language(parse))
    if not _LETTERS.search(text):
        return Choice("unreadable", language=lang)
    if len(text) > MAX_MESSAGE_CHARS:
        return Choice("too_long", language=lang)
    entities = _entities(parse)
    ranking = _ranking(parse)
    segments = _segment_topics(parse, kb, thresholds.segment_confidence)

    if intent != FALLBACK:
        if intent in CONVERSATION_RESPONSES:
            if segments:  # "こんにちは。副作用は？": the question, not the greeting
                second = segments[1] if len(segments) > 1 else None
                return Choice("topic", segments[0], second=second, safety_net=safety_net)
            return Choice("conversation", response=CONVERSATION_RESPONSES[intent])
        topic = kb.find(intent, entities)
        if len(segments) >= 2:
            return Choice("topic", segments[0], second=segments[1], safety_net=safety_net)
        if topic is None:  # an intent no topic answers (its own rule normally takes it)
            return Choice("not_covered", safety_net=safety_net)
        # An entity picked a specific topic ("本当に効くの？父の脳梗塞に" -> what the page says on stroke): the
        # intent's own topic (does it work at all) is the first button.
        asked = kb.find(intent, {})
        also = [asked] if topic.entities and asked is not None and asked is not topic else []
        return Choice("topic", topic, alternatives=also, safety_net=safety_net)

    if len(segments) >= 2:
        return Choice("topic", segments[0], second=segments[1], safety_net=safety_net)
    if ranking:
        top = ranking[0]
        second_confidence = ranking[1]["confidence"] if len(ranking) > 1 else 0.0
        clearly_ahead = (
            top["confidence"] >= thresholds.guess_confidence
            and top["confidence"] - second_confidence >= thresholds.guess_margin
        )
        if clearly_ahead and top["name"] in CONVERSATION_RESPONSES:
            return Choice("conversation", response=CONVERSATION_RESPONSES[top["name"]])
        topic = kb.find(top["name"], entities)
        if clearly_ahead and topic:
            return Choice(
                "guess",
                topic,
                alternatives=_runners_up(ranking, entities, kb, exclude=topic, limit=2),
                safety_net=safety_net,
            )
    if lang not in (language.JAPANESE, None):  # the page is Japanese: nothing to quote for it
        return Choice("not_japanese", language=lang)
    passage = _best_passage(parse, ranking, entities, kb, thresholds)
    if passage:
        return Choice(
            "passage", passage=passage, alternatives=_runners_up(ranking, entities, kb), safety_net=safety_net
        )
    return Choice("not_covered", safety_net=safety_net)


def _best_passage(
    parse: Dict[str, Any],
    ranking: List[Dict[str, Any]],
    entities: Dict[str, str],
    kb: KnowledgeBase,
    thresholds: Thresholds,
) -> Optional[Dict[str, Any]]:
    """The page passage to quote: BM25 plus a prior for sections the likely topics cite."""
    prior: Dict[str, float] = {}
    for ranked in ranking[:3]:
        topic = kb.find(ranked["name"], entities)
        for section in topic.sources if topic else ():
            prior[section] = prior.get(section, 0.0) + ranked["confidence"]
    scored = [
        (p["score"] + thresholds.passage_prior * prior.get(p["section"], 0.0), p)
        for p in parse.get("page_passages") or []
    ]
    if not scored:
        return None
    score, best = max(scored, key=lambda s: s[0])
    return {**best, "score": round(score, 3)} if score >= thresholds.passage_score else None


def _topic_text(topic: Topic, kb: KnowledgeBase) -> str:
    return "\n".join(part for part in (kb.render(topic.answer), kb.source_line(topic)) if part)


def _safety_net(text: str, choice: Choice, kb: KnowledgeBase) -> str:
    return f"{text}\n{kb.phrase('safety_net')}" if choice.safety_net and "119" not in text else text


def _topic_buttons(topic: Topic, kb: KnowledgeBase, first: Sequence[Topic] = ()) -> List[Dict[str, str]]:
    buttons = kb.buttons([t.id for t in first])
    if topic.detail != topic.answer:
        buttons.append(MORE_DETAIL_BUTTON)
    buttons += [b for b in kb.buttons(topic.followups) if b not in buttons]
    return buttons[:MAX_BUTTONS]


def reply(choice: Choice, kb: KnowledgeBase) -> List[Dict[str, Any]]:
    """The messages for a choice: dicts for CollectingDispatcher.utter_message(**message)."""
    if choice.kind == "emergency":
        return emergency_messages(choice.language, kb)
    if choice.kind == "conversation":
        return [{"response": choice.response}]
    if choice.kind in ("topic", "guess"):
        topic = choice.topic
        assert topic is not None, choice  # a topic choice always names its topic
        text = _topic_text(topic, kb)
        first: List[Topic] = list(choice.alternatives)
        if choice.kind == "guess":
            text = f"{kb.phrase('guess', title=topic.title)}\n{text}"
            if choice.alternatives:
                text += f"\n{kb.phrase('guess_others')}"
        if choice.second:
            text += f"\n\n{kb.phrase('second_question', title=choice.second.title)}"
            first = [choice.second]
        return [{"text": _safety_net(text, choice, kb), "buttons": _topic_buttons(topic, kb, first)}]
    if choice.kind == "passage":
        passage = choice.passage
        assert passage is not None, choice
        text = "\n".join(
            [kb.phrase("passage", section=passage["section"]), f"「{passage['text']}」", kb.phrase("passage_end")]
        )
        return [{"text": _safety_net(text, choice, kb), "buttons": kb.buttons([t.id for t in choice.alternatives])}]
    if choice.kind == "not_covered":
        return [{"text": _safety_net(kb.phrase("not_covered"), choice, kb), "buttons": kb.buttons(kb.menu)}]
    names = {"unreadable": "unreadable", "too_long": "too_long", "not_japanese": "japanese_only"}
    return [{"text": kb.phrase(names[choice.kind], max_chars=MAX_MESSAGE_CHARS), "buttons": kb.buttons(kb.menu)}]


def emergency_messages(lang: Optional[str], kb: KnowledgeBase) -> List[Dict[str, Any]]:
    """The emergency answer: in the patient's language first when it is not Japanese, then Japanese."""
    topic = kb.get("emergency")
    assert topic is not None, "knowledge/answers.yml has no emergency topic"
    messages = [{"text": kb.render(topic.answer)}]
    if lang and lang in topic.translations:
        messages.insert(0, {"text": kb.render(topic.translations[lang])})
    return messages
