"""The clinic's own page (knowledge/clinic_page.ja.txt), cut into sections and passages.

The page is the source of every medical statement. This module reads it the way a patient sees it:
a heading is a line of its own (no 「。」, blank lines around it); the paragraphs and bullet points
under it are its passages. The comparison table (lines without 「。」 between text) is not a passage.

Passages are what the assistant may quote when no topic answers a question
(japanese_nlu.page_search finds the passage; actions.choice shows it). A sentence that uses wording
the medical advertising guideline rules out (knowledge.compliance) is never quoted, and a heading
with such wording is replaced by the heading above it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Sequence

from knowledge.compliance import violations

PAGE_FILE = Path(__file__).resolve().parent / "clinic_page.ja.txt"

_BULLET = re.compile(r"^\s*•\s*")
_SENTENCE = re.compile(r"[^。]+。")
_LINK = re.compile(r"こちら$")


@dataclass(frozen=True)
class Passage:
    line: int  # 1-based line of the page
    section: str  # the heading it stands under
    text: str  # the sentences of one paragraph or bullet point, as on the page


def _clean(line: str) -> str:
    return _BULLET.sub("", line).replace("**", "").strip()


def _is_heading(lines: Sequence[str], i: int) -> bool:
    text = lines[i].strip()
    if not text or "。" in text or _BULLET.match(lines[i]) or _LINK.search(text):
        return False
    before = i == 0 or not lines[i - 1].strip()
    after = i + 1 == len(lines) or not lines[i + 1].strip()
    return before and after


def headings(path: Path = PAGE_FILE) -> List[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [lines[i].strip() for i in range(len(lines)) if _is_heading(lines, i)]


def quotable(text: str) -> str:
    """The sentences of `text` that the assistant may repeat (no forbidden wording), joined."""
    return "".join(s for s in _SENTENCE.findall(text) if not violations(s))


@lru_cache(maxsize=4)
def passages(path: Path = PAGE_FILE) -> List[Passage]:
    lines = path.read_text(encoding="utf-8").splitlines()
    found: List[Passage] = []
    section = ""
    for i, line in enumerate(lines):
        if _is_heading(lines, i):
            heading = line.strip()
            section = heading if not violations(heading) else section
            continue
        text = quotable(_clean(line))
        if text and section:
            found.append(Passage(line=i + 1, section=section, text=text))
    return found
