"""Japanese typed in Latin letters (rōmaji), read as kana.

Foreign residents and people on a phone without a Japanese keyboard write 「seibun wa nani desu ka」.
Read as English, such a message matches nothing; read as kana (「せいぶんはなにですか」), it is an
ordinary kana-only question. `read(text)` returns the kana reading when the message is rōmaji
Japanese, else None. A message is rōmaji Japanese when at least half of its Latin words spell whole
rōmaji syllables and it has more Japanese function words (desu, masu, ka, nani, kudasai …) than common
words of English, Spanish, Portuguese, Tagalog or Indonesian; English words in it (stem cell, OK) stay.
"""

from __future__ import annotations

import re
from typing import List, Optional

from japanese_nlu import language

# Hepburn and Kunrei spellings, longest first when matching.
_SYLLABLES = {
    "kya": "きゃ",
    "kyu": "きゅ",
    "kyo": "きょ",
    "sha": "しゃ",
    "shu": "しゅ",
    "sho": "しょ",
    "she": "しぇ",
    "sya": "しゃ",
    "syu": "しゅ",
    "syo": "しょ",
    "cha": "ちゃ",
    "chu": "ちゅ",
    "cho": "ちょ",
    "che": "ちぇ",
    "tya": "ちゃ",
    "tyu": "ちゅ",
    "tyo": "ちょ",
    "nya": "にゃ",
    "nyu": "にゅ",
    "nyo": "にょ",
    "hya": "ひゃ",
    "hyu": "ひゅ",
    "hyo": "ひょ",
    "mya": "みゃ",
    "myu": "みゅ",
    "myo": "みょ",
    "rya": "りゃ",
    "ryu": "りゅ",
    "ryo": "りょ",
    "gya": "ぎゃ",
    "gyu": "ぎゅ",
    "gyo": "ぎょ",
    "ja": "じゃ",
    "ju": "じゅ",
    "jo": "じょ",
    "je": "じぇ",
    "jya": "じゃ",
    "jyu": "じゅ",
    "jyo": "じょ",
    "zya": "じゃ",
    "zyu": "じゅ",
    "zyo": "じょ",
    "bya": "びゃ",
    "byu": "びゅ",
    "byo": "びょ",
    "pya": "ぴゃ",
    "pyu": "ぴゅ",
    "pyo": "ぴょ",
    "shi": "し",
    "chi": "ち",
    "tsu": "つ",
    "ka": "か",
    "ki": "き",
    "ku": "く",
    "ke": "け",
    "ko": "こ",
    "sa": "さ",
    "si": "し",
    "su": "す",
    "se": "せ",
    "so": "そ",
    "ta": "た",
    "ti": "ち",
    "tu": "つ",
    "te": "て",
    "to": "と",
    "na": "な",
    "ni": "に",
    "nu": "ぬ",
    "ne": "ね",
    "no": "の",
    "ha": "は",
    "hi": "ひ",
    "fu": "ふ",
    "hu": "ふ",
    "he": "へ",
    "ho": "ほ",
    "ma": "ま",
    "mi": "み",
    "mu": "む",
    "me": "め",
    "mo": "も",
    "ya": "や",
    "yu": "ゆ",
    "yo": "よ",
    "ra": "ら",
    "ri": "り",
    "ru": "る",
    "re": "れ",
    "ro": "ろ",
    "wa": "わ",
    "wo": "を",
    "ga": "が",
    "gi": "ぎ",
    "gu": "ぐ",
    "ge": "げ",
    "go": "ご",
    "za": "ざ",
    "ji": "じ",
    "zi": "じ",
    "zu": "ず",
    "ze": "ぜ",
    "zo": "ぞ",
    "da": "だ",
    "di": "ぢ",
    "du": "づ",
    "de": "で",
    "do": "ど",
    "ba": "ば",
    "bi": "び",
    "bu": "ぶ",
    "be": "べ",
    "bo": "ぼ",
    "pa": "ぱ",
    "pi": "ぴ",
    "pu": "ぷ",
    "pe": "ぺ",
    "po": "ぽ",
    "fa": "ふぁ",
    "fi": "ふぃ",
    "fe": "ふぇ",
    "fo": "ふぉ",
    "a": "あ",
    "i": "い",
    "u": "う",
    "e": "え",
    "o": "お",
}
_SYLLABLE = re.compile("|".join(sorted(_SYLLABLES, key=len, reverse=True)))
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*", re.IGNORECASE)
# Words that say "this is Japanese" (a message needs more of them than of any other language's).
_MARKERS = {
    "desu",
    "desuka",
    "masu",
    "masuka",
    "masen",
    "mashita",
    "kudasai",
    "nani",
    "nan",
    "dou",
    "doko",
    "itsu",
    "ikura",
    "donna",
    "dore",
    "tte",
    "deshou",
    "desho",
    "onegai",
    "shimasu",
    "arimasu",
    "dekimasu",
    "imasu",
    "ka",
    "wa",
    "ga",
    "wo",
    "kana",
    "janai",
    "dekiru",
    "naru",
    "shitai",
    "iku",
    # casual speech, and what someone in trouble types: "iki ga kurushii kedo", "tasukete"
    "kedo",
    "kara",
    "node",
    "demo",
    "chotto",
    "sugoku",
    "totemo",
    "dekinai",
    "itai",
    "kurushii",
    "kurushikute",
    "tasukete",
    "teimasu",
    "shimashita",
}
# Particles written with other kana than they sound.
_PARTICLES = {"wa": "は", "wo": "を", "o": "を", "e": "へ"}


def _kana(word: str) -> Optional[str]:
    """The kana of one rōmaji word, or None when it does not spell whole syllables."""
    out: List[str] = []
    i, word = 0, word.lower().replace("-", "ー")
    while i < len(word):
        ch = word[i]
        if ch == "ー":
            out.append("ー")
            i += 1
        elif ch == "n" and (i + 1 == len(word) or word[i + 1] not in "aiueoy"):
            out.append("ん")
            i += 1
            if i < len(word) and word[i] == "'":
                i += 1
        elif i + 1 < len(word) and ch == word[i + 1] and ch not in "aiueon":  # double consonant: っ
            out.append("っ")
            i += 1
        else:
            match = _SYLLABLE.match(word, i)
            if not match:
                return None
            out.append(_SYLLABLES[match.group()])
            i = match.end()
    return "".join(out)


def read(text: str) -> Optional[str]:
    """The message with its rōmaji words in kana, or None when it is not rōmaji Japanese."""
    if re.search(r"[\u3040-\u30ff\u3400-\u9fff]", text):  # already written in Japanese script
        return None
    words = _WORD.findall(text)
    lower = [w.lower() for w in words]
    markers = sum(w in _MARKERS for w in lower)
    # more Japanese function words than common words of any other language (Tagalog "ka", Spanish "de")
    if len(words) < 2 or not markers or markers <= max(language.latin_word_scores(lower).values()):
        return None
    readings = {w: _kana(w) if len(w) > 1 else None for w in words}  # "I", "a" stay
    if sum(1 for w in words if readings[w]) < 0.5 * len(words):
        return None

    def replace(match: "re.Match[str]") -> str:
        word = match.group()
        if word.lower() in _PARTICLES:
            return _PARTICLES[word.lower()]
        return readings.get(word) or word

    return _WORD.sub(replace, text)
