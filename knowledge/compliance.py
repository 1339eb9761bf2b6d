"""Japan's medical advertising guideline (医療広告ガイドライン): wording the assistant never uses.

`violations(text)` lists the forbidden expressions in a text, compared after NFKC normalisation and
case folding (so full-width １００％ and Ｎｏ．１ are caught). tests/test_compliance.py applies it to
everything the assistant says; knowledge.page applies it to the page passages it may quote.
"""

from __future__ import annotations

import re
import unicodedata
from typing import List, Tuple

# Forbidden expressions: (regular expression on the normalised text, why it is forbidden).
# Add to this list, do not remove from it; a legitimate sentence can always be reworded.
FORBIDDEN: List[Tuple[str, str]] = [
    # Superlatives and "better than other treatments" (比較優良広告 / 誇大広告).
    ("最も", "superlative"),
    ("最高", "superlative"),
    ("最適", "superlative"),
    ("最大", "superlative (the page's 「最大の理由」)"),
    ("最善", "superlative"),
    ("最先端", "superlative"),
    ("一番", "superlative"),
    (r"no\.?\s*1(?![0-9])", "superlative (No.1)"),
    ("ナンバーワン", "superlative"),
    ("唯一", "superlative"),
    ("圧倒的", "superlative (the page's 「圧倒的に有利」)"),
    ("劇的", "exaggeration"),
    ("画期的", "exaggeration"),
    ("優れた", "comparison with other treatments (the page's 「最も優れた選択肢」)"),
    ("優れている", "comparison with other treatments"),
    ("劣ります", "disparages other products (the page's 「治療効果が劣ります」)"),
    ("劣る", "disparages other products"),
    ("有利", "comparison with other treatments (the page's 「圧倒的に有利」)"),
    ("強力", "exaggeration (the page's 「強力に後押し」)"),
    ("安価", "price appeal (the page's 「安全かつ安価」)"),
    ("奇跡", "exaggeration"),
    # Promises of cure or efficacy.
    ("絶対", "promise"),
    ("必ず", "promise"),
    ("確実に", "promise"),
    ("確実な", "promise"),
    ("完治", "promise of cure"),
    ("根治", "promise of cure"),
    ("治ります", "promise of cure"),
    ("治せます", "promise of cure"),
    ("効果があります", "promise of efficacy: say 期待されています"),
    ("効果を保証", "promise of efficacy"),
    ("保証します", "promise"),
    (r"100\s*(%|パーセント)", "promise (100%)"),
    # Absolute safety.
    ("副作用はありません", "absolute safety: say 起こりにくいとされています"),
    ("副作用がありません", "absolute safety"),
    ("副作用がない", "absolute safety"),
    ("副作用のない", "absolute safety"),
    ("副作用なし", "absolute safety"),
    ("リスクはありません", "absolute safety: say リスクはゼロではありません"),
    ("リスクもありません", "absolute safety (the page's 「リスクもありません」)"),
    ("リスクがありません", "absolute safety"),
    ("安全です", "absolute safety: say 比較的安全性が高いと考えられています"),
    ("安心安全", "absolute safety"),
    # Wording the page uses for itself (content audit): no "evolved" / "next generation" claims.
    ("進化した", "exaggeration (the page's 「進化した再生医療」)"),
    ("次世代", "exaggeration (the page's 「次世代の再生医療」)"),
]


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


PATTERNS = [(re.compile(normalise(pattern)), pattern, reason) for pattern, reason in FORBIDDEN]


def violations(text: str) -> List[str]:
    found = []
    normalised = normalise(text)
    for regex, _pattern, reason in PATTERNS:
        match = regex.search(normalised)
        if match:
            found.append(f"「{match.group()}」 ({reason})")
    return found
