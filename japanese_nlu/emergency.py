"""Emergency symptoms in a patient's message, with negations and mild mentions left alone.

`detect(text)` returns the matched symptom phrase or None. It is deliberately a lexicon, not a
learned classifier: it must work for phrasings never seen in training, and staff must be able to
read exactly what triggers it. The test file tests/safety/emergency_phrases.yml measures it.

How it works
  1. The text is normalised: NFKC (full-width digits and letters, half-width kana, "℃" -> "°c"),
     ASCII lower case, spaces removed, and katakana folded to hiragana for matching, so that
     ジンマシン / じんましん or ゼーゼー / ぜーぜー are the same word. Patterns below are folded the
     same way, so they can be written in whichever script reads best.
  2. The text is cut into sentences (。！？). Each symptom match is then checked
     against its own sentence and clause (the part up to the next 、 / けど / ので):
       negated         "熱はないです", "息苦しくはありません", "じんましんは出ていません"
       hypothetical    "もし…", "息苦しくなったら", "高熱が出た場合は"
       general         "熱が出ることはありますか", "倒れる人はいますか", "高熱の副作用", "…可能性",
                       "激痛ですか?", "胸が痛むような話"
       resolved        "39度まで上がったけど今は下がりました", "腫れは2日でひきました"
       history         "以前アナフィラキシーを起こした", "蕁麻疹持ち", "脳卒中で倒れてから"
       efficacy        "腰の激痛に効きますか" (the symptom is what the patient wants treated)
     A match that passes all checks is an emergency.
  3. Mild mentions are handled by the patterns themselves: local redness, slight swelling, a
     slight or short fever and ordinary injection pain are not in the lexicon at all; a fever
     counts from 38.5 °C (38 °C when it persists), or when it will not come down.

Vague complaints (苦しい, 具合が悪い, 混乱), severe pain and heavy swelling count only when the message
places them after the treatment or at the injection site (NEEDS_TREATMENT_CONTEXT): "膝の痛みがひどい"
alone describes the patient's condition, "注射したところが痛すぎる" is a reaction.

When in doubt about danger the lexicon prefers a false alarm: any current breathing trouble,
chest pain or loss of consciousness fires, even when described as slight.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterator, List, Optional, Tuple

# --------------------------------------------------------------------------------------------
# Symptom lexicon: one group per symptom. Order matters only for which phrase is reported.
# --------------------------------------------------------------------------------------------

BREATHING = [
    # 息が苦しい / いきぐるしい / 息がうまく吸えない / 息ができない / 息が止まりそう
    r"(息|いき)(が|も)?(うまく|上手く|ちゃんと|しっかり|十分|じゅうぶん|全然|ぜんぜん|まともに)?"
    r"(苦し|くるし|ぐるし|でき(な|ませ|ず)|出来(な|ませ|ず)|しづら|しずら|しにく|吸いにく|すいにく|吸いづら|"
    r"吸え(な|ませ|ず)|すえな|止ま|とま|詰ま|つま|浅|あさ)",
    r"(息|いき)(切れ|ぎれ)(が)?(ひど|酷|すご|止まらな|とまらな|おさまらな|治まらな)",
    r"呼吸(が|も)?(苦し|くるし|困難|でき(な|ませ|ず)|しづら|しずら|しにく|止ま|とま|荒|あら|浅|あさ|速|はや|早|"
    r"おかし|変|へん|乱れ)",
    # swollen or tight throat (airway)
    r"(喉|のど)(の奥|のおく)?(が|も)?(腫れ|はれ|詰ま|つま|締め付け|しめつけ|締まる|しまる|閉ま|ふさが|塞が|狭|せま|"
    r"苦し|くるし)",
    r"ゼーゼー|ゼイゼイ|ぜえぜえ|ヒューヒュー|ハアハア|ハァハァ",
    r"声(が)?(出な|でな|出ませ|でませ)",  # hoarse / no voice: airway swelling
    r"窒息|チアノーゼ",
]

CHEST = [
    # 胸が痛い / 胸が苦しい / 胸が締め付けられる / 胸のあたりがぎゅっと
    r"(胸|むね|胸部)(のあたり|の辺り|の奥|の真ん中|の中)?(が|の|も|は|に)?"
    r"(痛|いた|苦し|くるし|締め付け|しめつけ|締めつけ|圧迫|ぎゅ|ズキ|チク|重苦し|おもくるし)",
    r"心臓(が|の)?(痛|いた|苦し|くるし|バクバク|止ま|とま|おかし|変|へん)",
    r"動悸(が)?(ひど|酷|すご|止まらな|とまらな|おさまらな|治まらな|激し|はげし)",
    r"(ドキドキ|バクバク)[^、]{0,4}(止まらな|とまらな|おさまらな|治まらな|ひど)",
    r"(脈|みゃく)(が)?(速|はや|早|飛|とぶ|乱れ|みだれ|弱|よわ|触れな)",
]

CONSCIOUSNESS = [
    # fainting
    r"意識(が|を)?(ない|無い|なく|ありませ|もうろう|朦朧|失|うしな|遠の|とおの|飛|とび|とん|おかし|はっきりしな|ぼんやり|"
    r"薄|うす|混濁|戻らな|もどらな)",
    r"意識不明|気絶|失神|卒倒|(?<!やる)(?<!元)(?<!勇)(?<!人)気(を)?失|きをうしな|気が(遠く|とおく)",
    r"けいれん|痙攣|ひきつけ|引きつけ|引き付け",
    r"倒れ(た|て|ました|そう|込|こん)",
    r"目の前が(真っ暗|まっくら|真っ白|まっしろ|暗く|くらく)",
    r"(ふらふら|ふらつ|めまい|目まい|目眩|眩暈)[^、]{0,10}"
    r"(立て(な|ず|ませ)|(立っていられ|立ってられ|たってられ|起き上がれ|おきあがれ)(な|ず|ませ)|歩けな|あるけな|倒れ|ひど|酷|"
    r"止まらな|とまらな|おさまらな|治まらな)",
    r"目(を|が)?(覚まさな|さまさな|開けな|あけな|覚めな|さめな)",
    r"(呼んでも|揺すっても|ゆすっても|声をかけても|起こしても)(起きな|起きませ|おきな|おきませ)",
    r"(夫|妻|母|父|主人|旦那|子|祖母|祖父|家族|本人)(が|は)(起きな|起きませ|おきな|おきませ)",
    # not responding
    r"(呼びかけ|よびかけ|話しかけ|はなしかけ|声をかけ|こえをかけ)[^、]{0,3}(反応|返事|へんじ|応え|答え|こたえ)[^、]{0,2}"
    r"(ない|なく|しな|しませ|ありませ|鈍|にぶ)",
    r"(?<!アレルギー)(?<!拒絶)(?<!免疫)(?<!炎症)(?<!副)反応(が)?(ない|無い|なく|鈍|にぶ|おかし|薄|うす)",  # a person
    r"ぐったり|失禁",
    # confusion, speech
    r"(ろれつ|呂律)(が)?(回らな|まわらな|回って(い)?な|まわって(い)?な|おかし|変|へん|怪し|あやし)",
    r"言葉(が)?(出な|でな|出てこな|でてこな)",
    r"(?<!語)(?<!語が)(?<!語は)(?<!語も)(しゃべれ|喋れ|話せ)(な|ませ|ず)",  # not "日本語が話せない"
    r"(返事|へんじ)(を|が|も)?(しな|しませ|ない|なく|できな)",
    r"(言って(い)?る|話して(い)?る)(こと|内容)(が)?(おかし|変|へん|支離滅裂|めちゃくちゃ|わからな|分からな)",
    r"(話|会話)(が)?(かみ合わ|噛み合わ|かみあわ)(な|ず)|(話|会話)(が)?(通じな|つうじな)",
    r"錯乱|せん妄|譫妄|支離滅裂",
]

FEVER = [
    # a temperature of 38.5 or more (or 38 that persists) is checked by _high_temperature() below
    r"高熱|高い熱|すごい熱|ひどい熱|酷い熱",
    # a fever that will not come down; 微熱 (slight fever) is excluded
    r"(?<!微)(熱|ねつ)(が|は|も)?[^、は]{0,6}?"
    r"(下がらな|さがらな|下がりませ|さがりませ|下がって(い)?な|さがって(い)?な|引かな|ひかな|引きませ|ひきませ)",
    r"(?<!微)(熱|ねつ)(が|も)?(高い|たかい|高くて|すごい|ひどい|酷い)",
    r"(?<!微)(熱|ねつ|発熱)(が|は)?[^、]{0,8}(続|つづ)(い|く|き)",
    r"(ずっと|何日も|なんにちも|\d+日(間|も|以上)?|数日)(熱|ねつ|発熱)",
    r"解熱剤[^、]{0,10}(効かな|きかな|効きませ|下がらな|さがらな|下がりませ)",
    # rigors
    r"(悪寒|寒気|さむけ)[^、]{0,6}(震え|ふるえ|ガタガタ|止まらな|とまらな)",
    r"(震え|ふるえ)(が|て)?(止まらな|とまらな)|ガタガタ(震え|ふるえ)",
]

ALLERGY = [
    # hives anywhere: after an infusion it can be the start of anaphylaxis
    r"じんましん|じんま疹|蕁麻疹|蕁麻しん",
    # rash / itch / redness spreading or all over the body
    r"(発疹|ほっしん|湿疹|しっしん|ぶつぶつ|ボツボツ|斑点|はんてん|かゆみ|痒み|赤み|あかみ)(が|も)?[^、]{0,6}"
    r"(全身|体中|からだじゅう|体じゅう|身体中|からだ中|広が|ひろが|どんどん|増え|ふえ)",
    r"(全身|体中|からだじゅう|体じゅう|身体中|身体じゅう|からだ中)(が|に|も)?[^、]{0,4}"
    r"(腫れ|はれ|痒|かゆ|赤|発疹|湿疹|ぶつぶつ|斑点|じんま|蕁麻)",
    # swelling of face, eyelids, lips, tongue (angioedema)
    r"(顔|かお|まぶた|瞼|目の周り|目のまわり|唇|くちびる|口びる|舌|口の中|くちのなか|口のまわり)(が|も|の|と)?[^、]{0,8}?"
    r"(腫れ|はれ|パンパン)",
    # swelling or redness spreading (at the injection site or anywhere)
    r"(腫れ|はれ|赤み|あかみ|赤く|発赤)[^、]{0,6}"
    r"(広が|ひろが|大きくな|おおきくな|拡大|全体|肩まで|ひじまで|肘まで|手首まで|手まで|指先まで)",
    r"(どんどん|だんだん|みるみる|ますます)(腫れ|はれ|赤く|あかく|広が|ひろが)",
    r"(腕|うで|肩|足|脚|手|太もも|お尻|おしり)(全体|中|じゅう|ぜんたい)(が|も)?(腫れ|はれ|赤|パンパン)",
    r"パンパンに(腫|はれ)",
    # anaphylaxis, allergic reaction, shock
    r"アナフィラキシー|ショック(症状|状態|を起こ)|血圧(が)?(急に)?(下が(っ|り)|さが(っ|り)|低くな)",
    r"アレルギー(反応|症状)?((が|を)(出|でた|でて|でま|起こ|起き)|っぽい|みたい|らしき|かも)",
]

INJECTION_SITE = [
    # pus, abscess
    r"膿|うみ(が|の|みたい|っぽい)?[^、]{0,6}(出|で(て|た|る|き)|たま|溜ま)",
    r"膿ん|うんで(る|い|ま|き)|化膿|かのうして",
    # hot, hard, blistered or badly swollen injection site
    r"(注射|点滴|打っ|打た|刺し|刺さ|針)[^、]{0,6}(ところ|とこ|所|部分|部位|場所|跡|痕|あと|周り|まわり)[^、]{0,8}"
    r"(熱を持|熱もっ|熱をも|硬く腫|かたくはれ|しこり|ただれ|水ぶくれ|水疱|腫れ上が|はれあが|パンパン|黒く|黒っぽ|黒ずん)",
]

# Severe pain counts only when the message places it after the treatment or at the injection site
# (see AFTER_TREATMENT): "膝の痛みがひどい" alone is a patient describing their condition.
SEVERE_PAIN = [
    r"激痛|劇痛|げきつう",
    r"(我慢|がまん|耐え|たえ)(でき|られ|れ)?(ない|ません|ず)(ほど|くらい|ぐらい)?(の)?(痛|いた)",
    r"(痛|いた)(くて|すぎ|過ぎ)[^、]{0,4}((眠れ|ねむれ|寝れ|ねれ|動け|うごけ|耐えられ)(な|ず|ませ)|たまらな|"
    r"我慢でき(な|ませ)|がまんでき(な|ませ)|上がらな|あがらな|動かせな|うごかせな|泣|歩けな)",
    r"痛(すぎ|過ぎ)|いたすぎ",
    r"(めっちゃ|めちゃくちゃ|めちゃめちゃ|すごく|すっごく|すごい|とても|かなり|ものすごく|物凄く|ひどく|激しく|はげしく)(痛|いた)",
    r"(痛み|いたみ)(が|は)?(どんどん|だんだん|ますます|日に日に|日ごとに)?(ひど|酷|強く|つよく|増し|まし|増して|激し|はげし|引かな|ひかな|"
    r"治まらな|おさまらな|取れな|とれな|止まらな)",
    r"ズキズキ(が|して)?(ひど|止まらな|とまらな|治まらな|おさまらな|眠れ(な|ず|ませ))",
]

# Badly swollen, counted only after the treatment: "注射したあと腕がすごく腫れてきた" (not "膝がすごく腫れて", a condition).
SEVERE_SWELLING = [
    r"(すごく|すっごく|かなり|ひどく|めっちゃ|めちゃくちゃ|異常に|大きく)(腫れ|はれ)",
]

# Signs of shock or collapse and explicit calls for help.
GENERAL_DANGER = [
    r"(顔色|かおいろ)(が)?(真っ青|まっさお|真っ白|まっしろ|悪|わる|土気色)",
    r"(唇|くちびる|指先|爪)(が)?[^、]{0,3}(紫|むらさき|青|あお)",
    r"冷や汗|ひや汗|冷汗",
    r"(何度も|何回も|なんども|なんかいも|ずっと|繰り返し|くりかえし)[^、]{0,3}(吐|嘔吐|戻し|もどし)",
    r"(吐き気|はきけ|嘔吐|吐くの)(が)?(止まらな|とまらな|ひど|酷|おさまらな|治まらな)",
    r"様子(が)?(おかし|変|へん)",
    r"救急車|きゅうきゅうしゃ|(?<!\d)119(?!\d)|死にそう|しにそう|死ぬほど",
]

# Vague complaints that count only when the message places them after the treatment: "点滴してから苦しい",
# "点滴後から具合がすごく悪い", "点滴してから混乱してるみたい". Alone they are often about money or information.
UNWELL_AFTER_TREATMENT = [
    r"苦し(い|く|そう|です)|くるし(い|く|そう)",
    r"(?<!少し)(?<!ちょっと)(?<!やや)(具合|体調|気分)(が)?(すごく|とても|かなり|めちゃくちゃ|ひどく|急に)?(悪|わる)",
    r"混乱(して|状態|し)",
]

SYMPTOM_GROUPS = {
    "breathing": BREATHING,
    "chest": CHEST,
    "consciousness": CONSCIOUSNESS,
    "fever": FEVER,
    "allergy": ALLERGY,
    "injection_site": INJECTION_SITE,
    "severe_pain": SEVERE_PAIN,
    "severe_swelling": SEVERE_SWELLING,
    "general_danger": GENERAL_DANGER,
    "unwell": UNWELL_AFTER_TREATMENT,
}
# groups that count only when the message places them after the treatment or at the injection site
NEEDS_TREATMENT_CONTEXT = {"severe_pain", "severe_swelling", "unwell"}

# --------------------------------------------------------------------------------------------
# Temperatures: "39度", "３９．５℃", "38度5分", "三十九度", "体温39.2", "熱39"
# --------------------------------------------------------------------------------------------

KANJI_TEMPERATURES = {"三十五": 35, "三十六": 36, "三十七": 37, "三十八": 38, "三十九": 39, "四十": 40, "四十一": 41, "四十二": 42}
TEMPERATURE = (
    r"(?<![\d.])(?P<num>(3[5-9]|4[0-2])(\.\d+)?|三十[五六七八九]|四十[一二]?)"
    r"(度|°c|°|ど)((?P<bu>\d|五)分|(?P<half>後半|半))?"
    r"|(熱|ねつ|体温計?|検温)(が|は|も|で|を測ったら|測ったら|計ったら)?(は)?(?P<num2>(3[5-9]|4[0-2])(\.\d+)?)(?![\d])"
)
HIGH_FEVER = 38.5      # flagged whenever it is the patient's current temperature
FEVER_THRESHOLD = 38.0  # flagged when the sentence says it persists
PERSISTENT = r"続|つづ|下がらな|さがらな|下がりませ|さがりませ|ずっと|日目|\d日|何日|毎日|引かな|ひかな"
# a temperature that is not the body's: bath, weather, room, storage
NOT_BODY_TEMPERATURE = (
    r"風呂|ふろ|湯|サウナ|温泉|シャワー|気温|室温|部屋|天気|予報|外は|水温|設定|保存|冷蔵|冷凍"
    r"|暑いですね|暑い日|猛暑|真夏|熱中症"  # not 寒い / 暑い alone: a feverish patient says those too
)

# --------------------------------------------------------------------------------------------
# Context checks
# --------------------------------------------------------------------------------------------

# Right after the symptom: a negation. "熱はないです", "息苦しさもありません", "じんましんとかは特に出ていません",
# "胸は痛くないです", "39度はないです", "膿とかは出てないです".
NEGATED_AFTER = (
    r"^[ぁ-ゖ]{0,3}?(感じ|症状|様子|の|こと)?(とか|など|なんか|等)?(は|も|が)?"
    r"(特に|とくに|全然|ぜんぜん|まったく|全く|別に|べつに|一切|いっさい|もう|今は|いまは|まだ)?"
    r"(出て|でて|出|起きて|おきて|起き|して|し)?(い)?(ない|無い|なく|なかっ|ありません|ありませんで|ません|なし|無し)"
)
# Before the symptom, same clause: a hypothetical. "もし息が苦しくなったら", "万が一胸が痛くなったら".
HYPOTHETICAL_BEFORE = r"もし|もしも|万が一|万一|まんがいち|仮に|かりに"
# After the symptom, same clause: a condition. "息苦しくなったら", "高熱が出た場合", "腫れが出る時は".
HYPOTHETICAL_AFTER = r"たら(?!し)|れば|場合|ばあい|時は|ときは|時って|ときって|なら(?!な)|際は|際に|ても大丈夫"  # not "…たらしい"
# After the symptom, same clause: a question about side effects in general, not a report.
GENERAL_AFTER = (
    r"こと(は|が|も|って)?(ある|あり|あっ|ない|な)"              # 熱が出ることはありますか / 化膿することってある?
    r"|(人|方|ひと|かた)(は|も|って|とか)?(い|お)(る|ます|ません|た|ました)"  # 倒れる人はいますか
    r"|可能性|リスク|確率|危険性|恐れ|おそれ"                     # 出る可能性は?
    r"|(ような|みたいな)(副作用|症状|反応|こと|話|ニュース|気持ち|思い|ケース)"  # 胸が痛むような話 / 高熱が出るような副作用
    r"|やすい|がち"                                              # 化膿しやすい (a tendency)
    r"|ニュース|記事|口コミ|動画"                                 # 倒れた人のニュースを見た
    r"|かと思(っ|い)"                                            # 息が止まるかと思った (hyperbole, past)
    r"|(ほど|くらい|ぐらい)(感動|嬉し|うれし|悲し|かなし|切な|せつな)"  # 胸が痛くなるほど感動
)
# Directly after the symptom: a short question about it. "激痛ですか?", "胸が痛くなりますか", "息苦しくなる?".
# No は inside, so "胸が痛いのは副作用ですか" stays a report.
GENERAL_QUESTION_AFTER = (
    r"^((?!は)[ぁ-ゖ]){0,6}?(ますか|ですか|でしょうか|ます\?|る\?|るの\?|るんですか|るんでしょうか|たりする\?|たりしますか)"
)
# Directly after the symptom: a side effect or risk as a category. "高熱の副作用", "息苦しさとかの副作用が心配".
GENERAL_NOUN_AFTER = r"^((?!は)[ぁ-ゖ]){0,5}?(副作用|リスク|可能性|危険性|確率)"
# Heard or read somewhere and asked or worried about: "激痛って聞いたけど本当?", "高熱が出ると聞いて不安です".
# Not when a family member is the subject ("母から39度あると聞いて心配です" is a report).
HEARSAY_AFTER = r"(って|と)(聞|きい|書い|かい|見た|読ん|言われ)"
QUESTION_OR_WORRY = r"本当|ほんと|ですか|でしょうか|ますか|\?|不安|心配|怖|こわ"
# Directly after a symptom noun: worry about it as a possibility. "アナフィラキシーショックが心配",
# "じんましんとかが怖い". Not "胸が痛いのが心配" (a current state).
WORRY_AFTER = r"^((?!の)[ぁ-ゖー]){0,6}?(が|も|とか|など)(心配|不安|怖|こわ)"
# Later in the same sentence: the symptom is over. "39度まで上がったけど今は下がりました", "腫れは2日でひきました".
RESOLVED_AFTER = (
    r"(?<!少し)(?<!ちょっと)(?<!やや)(?<!多少)"
    r"(下がった|下がりました|下がって(き|今|いま|もう)|さがった|さがりました|治まった|治まりました|おさまった|"
    r"おさまりました|収まった|収まりました|治った|治りました|なおった|なおりました|引いた|引きました|ひいた|ひきました|"
    r"消えた|消えました|きえた|なくなった|なくなりました|無くなりました|戻った|戻りました|もどった|もどりました|"
    r"平熱|落ち着いた|落ち着きました|おちついた|何ともな|なんともな)"
)
# Between the symptom and the resolution: another symptom is the subject, so the resolution is about that one.
# "胸が痛いです、熱は下がったけど" keeps the chest pain. Nouns map to the groups they resolve.
SYMPTOM_SUBJECTS = {
    "fever": r"(熱|ねつ|体温)(は|が|も)",
    "breathing": r"(息苦しさ|呼吸)(は|が|も)",
    "chest": r"(胸の痛み|胸)(は|が|も)",
    "allergy": r"(腫れ|はれ|かゆみ|痒み|赤み|じんましん|蕁麻疹|発疹)(は|が|も)",
    "severe_pain": r"(痛み|いたみ)(は|が|も)",
    "consciousness": r"(めまい|ふらつき|意識)(は|が|も)",
}
# After the resolution: it came back. "一度下がったけどまた39度".
RECURRED = r"また|再び|ふたたび|ぶり返|ぶりかえ"
# Before the symptom, same clause: medical history (not "以前より息が苦しい"). "以前アナフィラキシーを起こしたことが…".
HISTORY_BEFORE = (
    r"(以前|昔|むかし|過去に|小さい頃|子供の頃|子どもの頃|若い頃|持病|既往|もともと|元々)(?!より|と比べ|とくらべ)"
    r"|ワクチン|予防接種"                                        # a reaction to something else
)
# Directly after the symptom: a standing condition. "蕁麻疹持ち", "じんましん体質".
HISTORY_AFTER = r"^[ぁ-ゖ]{0,2}(持ち|もち(です|なん|で|だ)|体質|の既往|歴)"
# A chronic disease named before the symptom, with no treatment in the message: "脳卒中で倒れてから麻痺が".
CHRONIC_DISEASE_BEFORE = r"脳卒中|脳梗塞|脳出血|くも膜下|心筋梗塞|認知症|アルツハイマー|パーキンソン|てんかん|後遺症"
# Directly after the symptom: the patient asks whether the therapy treats it. "腰の激痛に効きますか".
EFFICACY_AFTER = (
    r"^[ぁ-ゖ]{0,3}?((に|にも)(効|きく|きき|使え|つかえ|いい|良い)|(は|が|も)(治り|なおり|良くなり|よくなり|改善し|和らぎ)ますか)"
)
# Someone else's fever that only matters for rescheduling: "子供が高熱で学校を休んだので予約を変更したい".
THIRD_PARTY = r"息子|娘|子供|子ども|こども|夫|妻|主人|旦那|家族|母|父|祖母|祖父|親"
RESCHEDULING = r"(学校|保育園|幼稚園|会社|仕事)(を)?休|予約[^、]{0,6}(変更|キャンセル|取り消|ずら)|キャンセル"
# The message places the symptom after the treatment or at the injection site.
AFTER_TREATMENT = (
    r"(注射|点滴|施術|治療|投与|処置|エクソソーム|上清)(を)?(受け|うけ|し|やっ|打っ|して|もらっ)?(た|て)?"
    r"(あと|後|から|直後|以来|翌日|次の日|途中|中)"
    r"|(注射|点滴|打っ|打た|刺し|刺さ|針)[^、。]{0,6}(ところ|とこ|所|部分|部位|場所|跡|痕|あと|周り|まわり)"
)

SENTENCE_END = "。！？!?"
CLAUSE_END = re.compile(r"[、,]|けど|けれど|ので|のに|が、")


def _fold(text: str) -> str:
    """Katakana to hiragana (one code point each, so offsets are kept)."""
    return "".join(chr(ord(ch) - 0x60) if "ァ" <= ch <= "ヶ" else ch for ch in text)


def _compile(pattern: str) -> "re.Pattern[str]":
    return re.compile(_fold(pattern))


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

_GROUPS = {name: [_compile(p) for p in patterns] for name, patterns in SYMPTOM_GROUPS.items()}
_TEMPERATURE = _compile(TEMPERATURE)
_PERSISTENT = _compile(PERSISTENT)
_NOT_BODY_TEMPERATURE = _compile(NOT_BODY_TEMPERATURE)
_NEGATED_AFTER = _compile(NEGATED_AFTER)
_HYPOTHETICAL_BEFORE = _compile(HYPOTHETICAL_BEFORE)
_HYPOTHETICAL_AFTER = _compile(HYPOTHETICAL_AFTER)
_GENERAL_AFTER = _compile(GENERAL_AFTER)
_GENERAL_QUESTION_AFTER = _compile(GENERAL_QUESTION_AFTER)
_GENERAL_NOUN_AFTER = _compile(GENERAL_NOUN_AFTER)
_HEARSAY_AFTER = _compile(HEARSAY_AFTER)
_QUESTION_OR_WORRY = _compile(QUESTION_OR_WORRY)
_WORRY_AFTER = _compile(WORRY_AFTER)
_RESOLVED_AFTER = _compile(RESOLVED_AFTER)
_RECURRED = _compile(RECURRED)
_SYMPTOM_SUBJECTS = {group: _compile(p) for group, p in SYMPTOM_SUBJECTS.items()}
_HISTORY_BEFORE = _compile(HISTORY_BEFORE)
_HISTORY_AFTER = _compile(HISTORY_AFTER)
_CHRONIC_DISEASE_BEFORE = _compile(CHRONIC_DISEASE_BEFORE)
_EFFICACY_AFTER = _compile(EFFICACY_AFTER)
_THIRD_PARTY = _compile(THIRD_PARTY)
_RESCHEDULING = _compile(RESCHEDULING)
_AFTER_TREATMENT = _compile(AFTER_TREATMENT)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_ASCII_LOWER)
    return re.sub(r"\s+", "", text)  # line breaks too: "胸が\n痛い" must still match


def _sentences(text: str) -> Iterator[Tuple[int, str]]:
    """(offset, sentence) pairs; the sentence keeps its closing punctuation."""
    start = 0
    for i, ch in enumerate(text):
        if ch in SENTENCE_END and (i + 1 == len(text) or text[i + 1] not in SENTENCE_END):
            yield start, text[start : i + 1]
            start = i + 1
    if start < len(text):
        yield start, text[start:]


def _clause_before(before: str, original: str) -> str:
    """The end of `before` from the last clause boundary; boundaries are found in the unfolded text
    (so that katakana folded to hiragana, like ノニ in "ニュース", is not read as a particle)."""
    ends = list(CLAUSE_END.finditer(original))
    return before[ends[-1].end():] if ends else before


def _clause_after(after: str, original: str) -> str:
    end = CLAUSE_END.search(original)
    return after[: end.start()] if end else after


def _temperature(match: "re.Match[str]") -> float:
    if match.group("num2"):
        return float(match.group("num2"))
    num = match.group("num")
    value = float(KANJI_TEMPERATURES[num]) if num in KANJI_TEMPERATURES else float(num)
    tenths = match.group("bu")
    if tenths:
        value += (5 if tenths == "五" else int(tenths)) / 10
    elif match.group("half"):
        value += 0.5
    return value


def _high_temperature(sentence: str) -> Iterator["re.Match[str]"]:
    """Body temperatures that count as a high fever: 38.5 or more, or 38 or more that persists."""
    if _NOT_BODY_TEMPERATURE.search(sentence):
        return
    for match in _TEMPERATURE.finditer(sentence):
        value = _temperature(match)
        if value >= HIGH_FEVER or (value >= FEVER_THRESHOLD and _PERSISTENT.search(sentence)):
            yield match


def _other_symptom_named(group: str, text: str) -> bool:
    return any(other != group and regex.search(text) for other, regex in _SYMPTOM_SUBJECTS.items())


def _is_current_report(group: str, sentence: str, original: str, start: int, end: int, whole: str) -> bool:
    """False when the symptom at sentence[start:end] is negated, hypothetical, general, resolved or history.

    `sentence` is folded to hiragana, `original` is the same sentence unfolded, `whole` the folded message."""
    before, after = sentence[:start], sentence[end:]
    clause_before = _clause_before(before, original[:start])
    clause_after = _clause_after(after, original[end:])
    treated = bool(_AFTER_TREATMENT.search(whole))

    if _NEGATED_AFTER.search(after):
        return False
    if _HYPOTHETICAL_BEFORE.search(clause_before) or _HYPOTHETICAL_AFTER.search(clause_after):
        return False
    if _GENERAL_AFTER.search(clause_after) or _GENERAL_QUESTION_AFTER.search(after):
        return False
    if _GENERAL_NOUN_AFTER.search(after):
        return False
    if _HEARSAY_AFTER.search(clause_after) and _QUESTION_OR_WORRY.search(after) and not _THIRD_PARTY.search(sentence):
        return False
    if _WORRY_AFTER.search(after):
        return False
    resolved = _RESOLVED_AFTER.search(after)
    if resolved and not _RECURRED.search(after[resolved.end():]) and not _other_symptom_named(group, after[: resolved.start()]):
        return False
    if _HISTORY_BEFORE.search(clause_before) or _HISTORY_AFTER.search(after):
        return False
    if _CHRONIC_DISEASE_BEFORE.search(before) and not treated:
        return False
    if _EFFICACY_AFTER.search(after):
        return False
    if group in NEEDS_TREATMENT_CONTEXT and not treated:
        return False
    if group == "fever" and not treated and _THIRD_PARTY.search(sentence) and _RESCHEDULING.search(sentence):
        return False
    return True


def _candidates(sentence: str) -> Iterator[Tuple[str, int, int]]:
    for group, regexes in _GROUPS.items():
        if group == "fever":
            for match in _high_temperature(sentence):
                yield group, match.start(), match.end()
        for regex in regexes:
            for match in regex.finditer(sentence):
                yield group, match.start(), match.end()


def detect(text: Optional[str]) -> Optional[str]:
    """The first emergency symptom phrase in `text` (as the patient wrote it, normalised), or None."""
    if not text:
        return None
    norm = _normalize(text)
    folded = _fold(norm)
    for offset, sentence in _sentences(folded):
        original = norm[offset : offset + len(sentence)]
        for group, start, end in _candidates(sentence):
            if _is_current_report(group, sentence, original, start, end, folded):
                return norm[offset + start : offset + end]
    return None


def explain(text: str) -> List[Tuple[str, str, bool]]:
    """Every candidate symptom as (group, phrase, counted?): for staff and for debugging the lexicon."""
    norm = _normalize(text or "")
    folded = _fold(norm)
    return [
        (
            group,
            norm[offset + start : offset + end],
            _is_current_report(group, sentence, norm[offset : offset + len(sentence)], start, end, folded),
        )
        for offset, sentence in _sentences(folded)
        for group, start, end in _candidates(sentence)
    ]
