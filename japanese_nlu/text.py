"""One normal form for matching patients' Japanese: the same word however it was typed.

`fold(text)` is NFKC (full-width letters and digits, half-width kana with their voicing marks),
lower case, katakana folded to hiragana, and no spaces next to Japanese characters: ＰＲＰ / prp,
エクソソーム / えくそそーむ / ｴｸｿｿｰﾑ become one string, and so do 「かんさいぼうの ちりょう」 (words
spaced out, as many older patients type kana) and 「かんさいぼうのちりょう」. Spaces between Latin
words stay. `fold_with_offsets` also returns, for each folded character, the index of the character
of the original text it came from, so a match in the folded text can be located in the message the
patient wrote. `unspace(text)` removes only those spaces (before Sudachi reads a message).
"""

from __future__ import annotations

import re
import unicodedata
from typing import List, Tuple

_JAPANESE = r"\u3000-\u30ff\u3400-\u9fff\uff01-\uff60\uff66-\uff9f"
# whitespace with a Japanese character on either side
_SPACE_NEXT_TO_JAPANESE = re.compile(rf"(?<=[{_JAPANESE}])[^\S\n]+|[^\S\n]+(?=[{_JAPANESE}])")


def unspace(text: str) -> str:
    return _SPACE_NEXT_TO_JAPANESE.sub("", text)


def hiragana(text: str) -> str:
    """Katakana as hiragana, one code point each (offsets are kept); everything else as it is."""
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


_HALF_WIDTH_MARKS = "\uff9e\uff9f"  # ﾞ ﾟ: NFKC joins them with the kana before them


def fold_with_offsets(text: str) -> Tuple[str, List[int]]:
    out: List[str] = []
    offsets: List[int] = []
    removed = {m for span in _SPACE_NEXT_TO_JAPANESE.finditer(text) for m in range(*span.span())}
    i = 0
    while i < len(text):
        if i in removed:
            i += 1
            continue
        j = i + 1
        while j < len(text) and text[j] in _HALF_WIDTH_MARKS:
            j += 1
        piece = hiragana(unicodedata.normalize("NFKC", text[i:j]).lower())
        out.append(piece)
        offsets.extend([i] * len(piece))
        i = j
    return "".join(out), offsets


def fold(text: str) -> str:
    return fold_with_offsets(text)[0]
