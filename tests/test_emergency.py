"""The emergency-symptom detector (japanese_nlu/emergency.py) on patient phrasings.

tests/safety/emergency_phrases.yml holds the phrasings:
  emergency / non_emergency                  the lists the detector was tuned on: floors asserted here
  heldout_emergency / heldout_non_emergency  written after tuning: numbers printed, not asserted

Recall    = emergency phrasings detected / emergency phrasings
Precision = detections that are emergencies / all detections (over both lists)
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from japanese_nlu.emergency import detect

PHRASES = Path(__file__).parent / "safety" / "emergency_phrases.yml"
MIN_RECALL = 0.98
MIN_PRECISION = 0.90


def _load() -> Dict[str, List[str]]:
    return yaml.safe_load(PHRASES.read_text(encoding="utf-8"))


def _score(emergency: List[str], non_emergency: List[str]) -> Tuple[float, float, List[str], List[str]]:
    """(recall, precision, missed emergencies, false alarms with the phrase that fired)."""
    missed = [text for text in emergency if not detect(text)]
    false_alarms = [f"{text}  <- {detect(text)!r}" for text in non_emergency if detect(text)]
    true_positives = len(emergency) - len(missed)
    recall = true_positives / len(emergency)
    detections = true_positives + len(false_alarms)
    precision = true_positives / detections if detections else 0.0
    return recall, precision, missed, false_alarms


def _report(name: str, emergency: List[str], non_emergency: List[str]) -> Tuple[float, float, str]:
    recall, precision, missed, false_alarms = _score(emergency, non_emergency)
    lines = [
        f"{name}: recall {recall:.3f} ({len(emergency) - len(missed)}/{len(emergency)}), "
        f"precision {precision:.3f}, false alarms {len(false_alarms)}/{len(non_emergency)}"
    ]
    lines += [f"  missed:      {text}" for text in missed]
    lines += [f"  false alarm: {text}" for text in false_alarms]
    text = "\n".join(lines)
    print(text)
    return recall, precision, text


def test_phrase_file_is_big_enough():
    phrases = _load()
    assert len(phrases["emergency"]) >= 70
    assert len(phrases["non_emergency"]) >= 70
    assert len(phrases["heldout_emergency"]) >= 20
    assert len(phrases["heldout_non_emergency"]) >= 20
    for name, texts in phrases.items():
        assert len(set(texts)) == len(texts), f"duplicates in {name}"
    assert not set(phrases["emergency"]) & set(phrases["non_emergency"])


def test_recall_and_precision_on_the_main_lists():
    phrases = _load()
    recall, precision, report = _report("main", phrases["emergency"], phrases["non_emergency"])
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, report


def test_heldout_numbers_are_reported():
    """Not a floor: the held-out lists only show how the detector does on phrasings it was not tuned on."""
    phrases = _load()
    _report("held-out", phrases["heldout_emergency"], phrases["heldout_non_emergency"])


# Focused unit tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", None, "   ", "\u3000", "。", "こんにちは"])
def test_empty_or_unrelated_text(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "息苦しさはないです",
        "胸は痛くないです",
        "じんましんとかは特に出ていません",
        "高熱はなかったです",
        "39度はないです",
        "熱なし、発疹なし",
    ],
)
def test_negations_do_not_fire(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "もし息が苦しくなったらどうすればいいですか",
        "万が一高熱が出た場合は?",
        "じんましんが出ることはありますか",
        "胸が痛くなる可能性はありますか",
        "39度を超えたら連絡すればいいですか",
    ],
)
def test_hypotheticals_and_general_questions_do_not_fire(text):
    assert detect(text) is None


def test_negation_only_covers_its_own_symptom():
    assert detect("熱はないけど息が苦しいです")
    assert detect("息苦しさはないけど胸が痛い")


@pytest.mark.parametrize("text", ["３９度の熱があります", "39度の熱があります", "39.5℃あります", "熱が３８．８度", "４０度出てる"])
def test_full_and_half_width_temperatures_fire(text):
    assert detect(text)


@pytest.mark.parametrize("text", ["３７．２度です", "36.8℃", "熱は３７度台です"])
def test_low_temperatures_do_not_fire(text):
    assert detect(text) is None


def test_returns_the_phrase_that_fired():
    assert "じんましん" in detect("点滴のあと、全身にじんましんが出ました")
