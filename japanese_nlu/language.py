"""Which language a message is written in: Japanese, or one of the languages the emergency answer
is translated into (knowledge/answers.yml, topic `emergency`, `translations`).

A heuristic on scripts and a few very common words, not a model: the messages are short, and the
only decisions that depend on it are which language the 119 answer is also given in, and whether the
"Japanese only" notice is shown. Kanji-only messages are Japanese (値段, 副作用?) unless they use
characters or function words that Japanese does not (吗, 这, 们, 没, 很 ...).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Dict, List, Optional

JAPANESE = "ja"

_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_THAI = re.compile(r"[\u0e00-\u0e7f]")
_LATIN_WORD = re.compile(r"[a-zà-ÿăđĩũơưạ-ỹ]{2,}")
# Characters and words of written Chinese that Japanese text does not use.
_CHINESE_ONLY = re.compile(
    r"[吗呢们这么没很啊吧呀您谁哪说话过还后针疼样为对让给从时间]|我的|你的|什么|怎么|可以吗|了[，,。]"
)
# Vietnamese letters (with the tone marks Vietnamese alone uses).
_VIETNAMESE = re.compile(r"[ăđơư]|[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
_LATIN_WORDS = {
    "es": {
        "el",
        "la",
        "los",
        "las",
        "de",
        "que",
        "y",
        "mi",
        "me",
        "no",
        "puedo",
        "tengo",
        "dolor",
        "pecho",
        "respirar",
        "está",
        "esta",
        "después",
        "despues",
        "desde",
        "muy",
        "mañana",
        "qué",
        "tratamiento",
        "fiebre",
        "hace",
        "con",
        "una",
        "un",
        "por",
        "favor",
        "ayuda",
        "madre",
        "padre",
    },
    "pt": {
        "o",
        "a",
        "os",
        "as",
        "de",
        "que",
        "e",
        "minha",
        "meu",
        "não",
        "nao",
        "estou",
        "tenho",
        "dor",
        "peito",
        "respirar",
        "depois",
        "muito",
        "com",
        "uma",
        "um",
        "está",
        "ajuda",
        "mãe",
        "pai",
        "falta",
        "ar",
        "inchado",
        "desmaiou",
        "tratamento",
        "febre",
        "isso",
    },
    "tl": {
        "ang",
        "ng",
        "sa",
        "ako",
        "ko",
        "mo",
        "niya",
        "hindi",
        "ba",
        "lang",
        "na",
        "at",
        "po",
        "nanay",
        "tatay",
        "makahinga",
        "pagkatapos",
        "dugo",
        "masakit",
        "tulong",
    },
    "id": {
        "saya",
        "setelah",
        "tidak",
        "dan",
        "yang",
        "ibu",
        "ayah",
        "sakit",
        "napas",
        "bisa",
        "terus",
        "muntah",
        "tolong",
        "dada",
        "sesak",
    },
    "en": {
        "the",
        "i",
        "my",
        "is",
        "a",
        "and",
        "to",
        "it",
        "of",
        "in",
        "after",
        "can",
        "cant",
        "can't",
        "not",
        "what",
        "how",
        "are",
        "do",
        "he",
        "she",
        "her",
        "his",
        "me",
        "have",
        "had",
        "breathe",
        "chest",
        "pain",
        "help",
        "please",
        "now",
        "drip",
        "injection",
        "treatment",
    },
}


def detect(text: Optional[str]) -> Optional[str]:
    """An ISO 639-1 code ("ja", "en", "zh", "ko", "vi", "es", "pt", "tl", "id", "ne", "th"), or None
    when the text holds no letters at all (empty, digits, emoji, punctuation)."""
    if not text:
        return None
    norm = unicodedata.normalize("NFKC", text).lower()
    if _KANA.search(norm):
        return JAPANESE
    if _HANGUL.search(norm):
        return "ko"
    if _DEVANAGARI.search(norm):
        return "ne"
    if _THAI.search(norm):
        return "th"
    if _HAN.search(norm):
        return "zh" if _CHINESE_ONLY.search(norm) else JAPANESE
    words = _LATIN_WORD.findall(norm)
    if not words:
        return None
    if _VIETNAMESE.search(norm):
        return "vi"
    scores = latin_word_scores(words)
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] else "en"


def latin_word_scores(words: List[str]) -> Dict[str, int]:
    """For each language written in Latin letters, how many of `words` (lower case) are its common words."""
    return {lang: sum(word in vocabulary for word in words) for lang, vocabulary in _LATIN_WORDS.items()}
