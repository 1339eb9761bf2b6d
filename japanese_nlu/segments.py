"""Two questions in one message: each is classified on its own, so the first can be answered and
the second offered as a button ("副作用はある？あと何回くらい通うの").

`split_questions(text)` cuts a message into question segments. A sentence that asks nothing (the
patient's own story: 「母が78歳です。」) joins the question after it, so "story + one question" stays
one segment. Connectors that start a second question inside a sentence (あと / それと / それから /
ついでに / また) cut it too, when the part before them already asks something.

In the pipeline, QuestionSplitter (first) adds the segments of a message with two or more questions
to the list of messages, so that every later component — tokenizer, featurizers, the intent classifier, entities —
processes them exactly like messages of their own; QuestionSegments (last) takes them out again and
puts a short summary of each into the parse output of the message they came from:

    "segments": [{"text": ..., "intent": ..., "confidence": ..., "entities": {...}}, ...]

Rasa hands the first message of the list to the dialogue, so the segments never reach it.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from japanese_nlu import MAX_MESSAGE_CHARS
from japanese_nlu.components import Stateless

MAX_SEGMENTS = 3
SEGMENT_OF = "segment_of"  # set on a segment: the index of its message in the list
SEGMENTS = "segments"
FALLBACK = "nlu_fallback"

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]*")
_CONNECTOR = re.compile(r"[、,]?\s*(あと|それと|それから|ついでに|また)[、,]?(?=.{2,})")
# Something is asked: a question mark, a question ending, a request, a worry, a bare "について".
_ASKS = re.compile(
    r"[？?]|か[。．.…]*$|(ますか|ですか|でしょうか|かな|のか|の$|って何|ってなに|とは|教えて|おしえて|知りたい|しりたい|"
    r"について|不安|心配|気になる|聞きたい|ききたい|わからない|分からない|ある[？?]?$|できる[？?]?$|いい[？?]?$)"
)


_STARTS_ANOTHER = re.compile(r"^[、,\s]*(あと|それと|それから|ついでに)")


def _asks(text: str) -> bool:
    return bool(_ASKS.search(text.strip()) or _STARTS_ANOTHER.match(text))


def split_questions(text: str) -> List[str]:
    """The question segments of `text` (one segment when it asks one thing or nothing)."""
    if not text or len(text) > MAX_MESSAGE_CHARS:
        return [text or ""]
    pieces: List[str] = []
    for sentence in _SENTENCE.findall(text):
        start = 0
        for match in _CONNECTOR.finditer(sentence):
            before = sentence[start : match.start()]
            if before.strip() and _asks(before):
                pieces.append(before)
                start = match.start()
        pieces.append(sentence[start:])
    segments: List[str] = []
    story = ""
    for piece in pieces:
        if not piece.strip():
            continue
        if _asks(piece):
            segments.append(story + piece)
            story = ""
        else:
            story += piece
    if story:
        if segments:
            segments[-1] += story
        else:
            segments.append(story)
    segments = [s.strip(" 、,\u3000") for s in segments if s.strip(" 、,\u3000")]
    return segments[:MAX_SEGMENTS] if len(segments) > 1 else [text]


def _summary(segment: Message) -> Dict[str, Any]:
    """The segment's own classification: the classifier's best intent (not the fallback), its entities."""
    ranking = [r for r in segment.get(INTENT_RANKING_KEY) or [] if r.get("name") != FALLBACK]
    top = ranking[0] if ranking else (segment.get(INTENT) or {})
    return {
        "text": segment.get(TEXT),
        "intent": top.get("name"),
        "confidence": round(float(top.get("confidence") or 0.0), 4),
        "second_confidence": round(float(ranking[1].get("confidence") or 0.0), 4) if len(ranking) > 1 else 0.0,
        "entities": {e["entity"]: e["value"] for e in segment.get(ENTITIES) or []},
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionSplitter(Stateless):
    """First in the pipeline: appends the question segments of each message to the list."""

    def process(self, messages: List[Message]) -> List[Message]:
        extra: List[Message] = []
        for index, message in enumerate(messages):
            segments = split_questions(message.get(TEXT) or "")
            if len(segments) > 1:
                extra += [Message(data={TEXT: text, SEGMENT_OF: index}) for text in segments]
        return messages + extra


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class QuestionSegments(Stateless):
    """Last in the pipeline: moves each segment's classification into its message's output."""

    def process(self, messages: List[Message]) -> List[Message]:
        originals = [m for m in messages if m.get(SEGMENT_OF) is None]
        for message in messages:
            index = message.get(SEGMENT_OF)
            if index is not None:
                owner = originals[index]
                owner.set(SEGMENTS, (owner.get(SEGMENTS) or []) + [_summary(message)], add_to_output=True)
        return originals
