"""The one masking function for personal data (APPI): every view and export goes through `mask`.

Masked: e-mail addresses, phone numbers (Japanese 0-prefixed or +country, with any hyphen,
space or parenthesis style, half- or full-width digits) and any run of 7 or more digits
(patient/card numbers, phone numbers written without separators).
"""

from __future__ import annotations

import re
from typing import Optional

EMAIL_MASK = "＜メールアドレス＞"
PHONE_MASK = "＜電話番号＞"
DIGITS_MASK = "＜番号＞"

# `\d` matches full-width digits (０-９) too.
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s?[@＠]\s?[A-Za-z0-9\-]+(?:\s?[.．]\s?[A-Za-z0-9\-]+)+")
_SEP = r"[ \u3000\-‐‑‒–—―－ーｰ−.．()（）]"
# A phone-like stretch: optional + and opening parenthesis, then 9..15 digits with at most two
# separator characters between consecutive digits.
_PHONE = re.compile(rf"(?<!\d)[+＋]?[(（]?\d(?:{_SEP}{{0,2}}\d){{8,14}}(?!\d)")
_LONG_DIGITS = re.compile(r"\d{7,}")


_DIGIT_RUN = re.compile(r"\d+")


def _is_phone(candidate: str) -> bool:
    # Japanese numbers start with 0; international ones with +. Dates and amounts do not.
    digits = _DIGIT_RUN.search(candidate)
    return candidate[:1] in "+＋" or (digits is not None and digits.group(0)[:1] in "0０")


def _mask_phones(text: str) -> str:
    parts, kept, start = [], 0, 0
    while True:
        match = _PHONE.search(text, start)
        if match is None:
            break
        if _is_phone(match.group(0)):
            parts += [text[kept : match.start()], PHONE_MASK]
            kept = start = match.end()
        else:
            # "2024-01-15 03-1234-5678": look again after this stretch's first group of digits.
            digits = _DIGIT_RUN.search(text, match.start())
            start = digits.end() if digits else match.end()
    return "".join(parts) + text[kept:]


def mask(text: Optional[str]) -> str:
    """`text` with e-mail addresses, phone numbers and 7+ digit runs replaced by labels."""
    if not text:
        return text or ""
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _mask_phones(text)
    return _LONG_DIGITS.sub(DIGITS_MASK, text)
