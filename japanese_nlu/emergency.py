"""Emergency symptoms in a patient's message, with negations and mild mentions left alone.

`detect(text)` returns the matched symptom phrase or None. It is deliberately a lexicon, not a
learned classifier: it must work for phrasings never seen in training, and staff must be able to
read exactly what triggers it. The test file tests/safety/emergency_phrases.yml measures it.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Optional

# Each pattern is a serious symptom after treatment. Kept readable: one group per symptom.
SYMPTOMS = [
    # breathing trouble
    r"息(が|も)?(苦し|くるし|できな|しづら|しにく|が止ま)",
    r"呼吸(が|も)?(苦し|くるし|困難|できな|しづら|しにく|が止ま|が荒)",
    r"(いき|イキ)(が)?(くるし|苦し|できな)",
    r"喉(が|の奥が)?(腫れ|詰ま|締め付け|しめつけ)",
    r"ゼーゼー|ヒューヒュー",
    # chest pain
    r"胸(が|の)?(痛|いた|苦し|くるし|締め付け|しめつけ|圧迫)",
    # fainting / confusion
    r"意識(が|を)?(ない|なく|もうろう|朦朧|失|遠の|飛)",
    r"気(を)?失",
    r"失神|けいれん|痙攣|ひきつけ",
    r"倒れ(た|て|ました)",
    r"(呼びかけ|話しかけ)(に|て)?(も)?(反応|応え|答え)(が|し)?(ない|ません)",
    r"(言葉|ろれつ|呂律)(が)?(出な|回らな|まわらな|おかし)",
    r"(錯乱|混乱して|わけのわからない|意味不明なこと)",
    # persistent high fever
    r"(高熱|39度|40度|３９度|４０度|39℃|40℃|３９℃|４０℃)",
    r"熱(が)?(下がらな|さがらな|ずっと|続い|つづい)",
    # hives / spreading swelling / anaphylaxis
    r"(じんましん|蕁麻疹|じんま疹)",
    r"(腫れ|はれ|赤み|発疹|ぶつぶつ|ブツブツ)(が)?(全身|広が|ひろが|どんどん)",
    r"全身(が|に)?(腫れ|はれ|かゆ|痒|赤|発疹|ぶつぶつ)",
    r"(顔|まぶた|唇|くちびる)(が)?(腫れ|はれ|パンパン)",
    r"アナフィラキシー|ショック(症状|状態)",
    # severe pain / pus at the injection site
    r"(激痛|耐えられない痛|我慢できない痛|強い痛み)",
    r"(膿|うみ)(が)?(出|でて|たま|溜ま)",
    r"(注射|点滴|針)(した|を打った|の)?(ところ|部分|場所|跡|部位)(が)?(化膿|膿|うみ|熱を持って|どんどん)",
]

# A symptom followed closely by one of these is negated or mild ("熱はないです", "少し赤いけど大丈夫").
NEGATION_AFTER = r"(は|も)?(ない|無い|なかった|ありません|ないです|出ていません|でていません|しません|してない|していません|ないけど|なし|無し)"
NEGATION_BEFORE = r"(もし|万が一|万一|仮に)"

_SYMPTOM_RES = [re.compile(p) for p in SYMPTOMS]
_NEG_AFTER_RE = re.compile("^" + NEGATION_AFTER)
_NEG_BEFORE_RE = re.compile(NEGATION_BEFORE + r"[^。！？!?]{0,12}$")
_HYPOTHETICAL_AFTER_RE = re.compile(r"^[^。！？!?]{0,10}(たら|れば|場合|ときは|時は)")


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "").replace("\u3000", "")


def detect(text: str) -> Optional[str]:
    """The first emergency symptom phrase in `text`, or None."""
    if not text:
        return None
    norm = _normalize(text)
    for regex in _SYMPTOM_RES:
        for match in regex.finditer(norm):
            before, after = norm[: match.start()], norm[match.end():]
            if _NEG_AFTER_RE.match(after) or _NEG_BEFORE_RE.search(before):
                continue
            if _HYPOTHETICAL_AFTER_RE.match(after):
                continue
            return match.group(0)
    return None
