"""Held-out NLU accuracy: `rasa test nlu` on tests/nlu_heldout.yml (never used for training)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu_heldout.yml"
MODEL = ROOT / "models" / "current.tar.gz"
INTENT_ACCURACY_FLOOR = 0.90


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("heldout")
    subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "test",
            "nlu",
            "--nlu",
            str(HELDOUT),
            "--model",
            str(MODEL),
            "--out",
            str(out),
            "--no-plot",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return out


def test_heldout_is_not_in_the_training_data():
    training = {m.get("text") for m in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    copied = [m.get("text") for m in load_data(str(HELDOUT)).intent_examples if m.get("text") in training]
    assert not copied, copied


def test_heldout_intent_accuracy(report):
    intents = json.loads((report / "intent_report.json").read_text())
    errors = json.loads((report / "intent_errors.json").read_text())
    mistakes = "\n".join(f"{e['text']!r}: {e['intent']} -> {e['intent_prediction']['name']}" for e in errors)
    assert intents["accuracy"] >= INTENT_ACCURACY_FLOOR, mistakes
