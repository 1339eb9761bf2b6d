"""One normal form for matching patients' Japanese: the same word however it was typed.

`fold(text)` is NFKC (full-width letters and digits, half-width kana with their voicing marks),
lower case, and katakana folded to hiragana: ＰＲＰ / prp, エクソソーム / えくそそーむ / ｴｸｿｿｰﾑ all
become one string. `fold_with_offsets` also returns, for each folded character, the index of the
character of the original text it came from, so a match in the folded text can be located in the
message the patient wrote.
"""
from __future__ import annotations

import unicodedata
from typing import List, Tuple

_HALF_WIDTH_MARKS = "\uff9e\uff9f"  # ﾞ ﾟ: NFKC joins them with the kana before them


def _fold_char(ch: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in ch)


def fold_with_offsets(text: str) -> Tuple[str, List[int]]:
    out: List[str] = []
    offsets: List[int] = []
    i = 0
    while i < len(text):
        j = i + 1
        while j < len(text) and text[j] in _HALF_WIDTH_MARKS:
            j += 1
        piece = _fold_char(unicodedata.normalize("NFKC", text[i:j]).lower())
        out.append(piece)
        offsets.extend([i] * len(piece))
        i = j
    return "".join(out), offsets


def fold(text: str) -> str:
    return fold_with_offsets(text)[0]
