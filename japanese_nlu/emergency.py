"""Emergency symptoms in a patient's message, with negations and mild mentions left alone.

`detect(text)` returns the matched symptom phrase or None; `analyse(text)` also returns the serious
symptoms the message names but that do not count (hypothetical, history, general question, negated):
the answer then adds its "if this happens, call 119" line. It is deliberately a lexicon, readable by
staff; japanese_nlu/emergency_classifier.py adds a learned classifier for recall, and
japanese_nlu/components.py EmergencyOverride combines the two. tests/safety/emergency_phrases.yml
measures the lexicon.

How it works (Japanese)
  1. The text is normalised: NFKC (full-width digits and letters, half-width kana, "℃" -> "°c"),
     ASCII lower case, spaces removed, and katakana folded to hiragana for matching, so that
     ジンマシン / じんましん or ゼーゼー / ぜーぜー are the same word. Patterns below are folded the
     same way, so they can be written in whichever script reads best.
  2. The text is cut into sentences (。！？). Each symptom match is then checked
     against its own sentence and clause (the part up to the next 、 / けど / ので):
       negated         "熱はないです", "息苦しくはありません", "じんましんは出ていません"
       hypothetical    "もし…", "息苦しくなったら", "高熱が出た場合は"
       general         "熱が出ることはありますか", "倒れる人はいますか", "高熱の副作用", "…可能性",
                       "激痛ですか?", "倒れたりしないか心配", "アナフィラキシー対策"
       figurative      "胸が痛むような話", "心臓がバクバクするくらい緊張", "息が止まるかと思った"
       resolved        "39度まで上がったけど今は下がりました", "腫れは2日でひきました"
       history         "以前アナフィラキシーを起こした", "蕁麻疹持ち", "脳卒中で倒れてから"
       efficacy        "腰の激痛に効きますか" (the symptom is what the patient wants treated)
       about the bot   "このチャット、変なこと言ってる" (confusion words aimed at the assistant)
       denied as a list  "息苦しさもじんましんもないです", "胸の痛みや息苦しさなどはありません"
       about a word    "チアノーゼってなに?", "けいれんとひきつけの違い", "どんなときに119番すれば?"
       joking          "忙しすぎて倒れそうｗ", "値段見て息が止まりそう、分割できますか", "ポールが倒れそう"
                       (jokes, a cause + an exaggeration or an unrelated request; never with the treatment named)
       hearsay         "友達がほかのクリニックで気を失ったって", "ネットで…って読みました", "妹が去年39度の熱を"
       chronic         "10年以上アトピーで全身かゆい", "喘息持ちで季節の変わり目は息苦しくなることが多い"
                       (never when sudden: "認知症の母が急に片方の手が動かない" is a stroke sign)
     A match that passes all checks is an emergency.
  3. Mild mentions are handled by the patterns themselves: local redness, slight swelling, a
     slight or short fever and ordinary injection pain are not in the lexicon at all; a fever
     counts from 38.5 °C (38 °C when it persists), or when it will not come down.

Vague complaints (苦しい, 具合が悪い, one weak hand, a bad headache), severe pain and heavy swelling
count only when the message places them after the treatment, at the injection site, or says they
started suddenly (NEEDS_CONTEXT): "膝の痛みがひどい" alone describes the patient's condition,
"注射したところが痛すぎる" is a reaction, "急に右手に力が入らない" is a stroke sign.

Other languages (FOREIGN below): short emergencies in English, Chinese, Korean, Vietnamese,
Portuguese, Spanish, Tagalog, Indonesian, Nepali and Thai, matched on the text with its spaces kept
(Latin letters without accents, so "não"/"nao" and "khó thở"/"kho tho" are the same), each
language with its own checks for questions about risk, "if ...", negation, history and jokes.

When no symptom counts, analyse() also reads the whole message for EmergencyOverride's classifier veto
(_message_veto): mild or normal effects ("点滴のあと眠くなりました", "あざ、普通?"), idioms and jokes, hearsay,
long-standing conditions, questions about a word, machines, practical questions with no complaint.

When in doubt about danger the lexicon prefers a false alarm: any current breathing trouble,
chest pain or loss of consciousness fires, even when described as slight.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

# People a patient may write about: "母が起きない", "夫の言葉が変".
PERSON = (
    r"(夫|妻|母|父|主人|旦那|息子|娘|子供|子ども|こども|うちの子|祖母|祖父|家族|本人|彼|彼女|姉|兄|妹|弟|義母|義父|"
    r"おばあちゃん|おじいちゃん|ばあちゃん|じいちゃん|お母さん|お父さん|おかあさん|おとうさん|母親|父親|患者|利用者)"
)

# --------------------------------------------------------------------------------------------
# Symptom lexicon: one group per symptom. Order matters only for which phrase is reported.
# --------------------------------------------------------------------------------------------

BREATHING = [
    # 息が苦しい / いきぐるしい / 息がうまく吸えない / 息ができない / 息が止まりそう / 息が続かない
    r"(息|いき)(が|も)?(うまく|上手く|ちゃんと|しっかり|十分|じゅうぶん|全然|ぜんぜん|まともに)?"
    r"(苦し|くるし|ぐるし|でき(な|ませ|ず)|出来(な|ませ|ず)|しづら|しずら|しにく|吸いにく|すいにく|吸いづら|"
    r"吸え(な|ませ|ず)|すえな|止ま|とま|詰ま|つま|浅|あさ|続かな|つづかな|荒|あら|おかし|変|へん|上がって|あがって|切れて|きれて)",
    r"(息|いき)(切れ|ぎれ)(が)?(ひど|酷|すご|止まらな|とまらな|おさまらな|治まらな)",
    r"(息|いき)(を)?(吸って|すって)も[^、。]{0,6}(苦し|くるし|入らな|はいらな)",
    r"肩で(息|いき)|(息|いき|呼吸)(を)?して(い)?な(い|さそう|いみたい)",
    r"(空気|酸素)(が)?[^、。]{0,4}(入ってこな|はいってこな|吸えな|すえな|足りな|たりな)",
    r"呼吸(が)?(苦し|くるし|困難|でき(な|ませ|ず)|しづら|しずら|しにく|止ま|とま|荒|あら|浅|あさ|速|はや|早|"
    r"おかし|変|へん|乱れ)",
    # swollen or tight throat (airway); "つばが飲み込めない"
    r"(喉|のど)(の奥|のおく)?(が|も)?[^、。]{0,6}?(腫れ|はれ|詰ま|つま|締め付け|しめつけ|締ま|しま(る|っ|り)|閉ま|ふさが|塞が|"
    r"狭|せま|苦し|くるし)",
    r"(つば|唾|唾液)(が|を)?(飲み込め|のみこめ)(な|ず|ませ)|(飲み込|のみこ)(みにく|みづら|めな|めず)",
    r"ゼーゼー|ゼイゼイ|ぜえぜえ|ヒューヒュー|ヒュー(って|っと|と)?(音|いう|いって|言って|鳴)|ハアハア|ハァハァ",
    # hoarse / no voice: airway swelling
    r"声(が)?[^、。]{0,2}(出な|でな|出ませ|でませ|出にく|でにく|かすれ|かれて|ガラガラ|変に|へんに|おかしく)",
    r"窒息|チアノーゼ",
]

CHEST = [
    # 胸が痛い / 胸が苦しい / 胸が締め付けられる / 胸のあたりがぎゅっと / 胸が重い / 胸が焼けるように痛い
    r"(胸|むね|胸部)(のあたり|の辺り|の奥|の真ん中|のまんなか|の中)?(が|の|も|は|に)?"
    r"(痛|いた|苦し|くるし|締め付け|しめつけ|締めつけ|圧迫|ぎゅ|キュー|ズキ|チク|キリキリ|重苦し|おもくるし|重い|おもい|重た|おもた|重し|おもし|"
    r"焼ける|やける|焼けそう|ざわざわ|ドクドク|ズーン|押しつぶ|おしつぶ|潰れ|つぶれ|裂け|さけ)",
    r"胸痛|(胸|むね)を(押さえ|おさえ)",
    r"心臓(のあたり|の辺り|のところ)?(が|の)?[^、。]{0,2}(痛|いた|苦し|くるし|バクバク|止ま|とま|おかし|変|へん|ズーン|飛び出|とびだ|ぎゅ)",
    r"(動悸|どうき)(が)?(ひど|酷|すご|止まらな|とまらな|おさまらな|治まらな|激し|はげし)",
    r"(ドキドキ|バクバク|ドクドク)[^、。]{0,8}(止まらな|とまらな|おさまらな|治まらな|ひど|気を失|きをうしな|倒れ|たおれ|気が遠|座り込|すわりこ)",
    r"(脈|みゃく)(が)?[^、。]{0,8}?(速|はや|早|飛|とん|とぶ|乱れ|みだれ|弱|よわ|触れな|ふれな)",
]

CONSCIOUSNESS = [
    # fainting
    r"意識(が|を)?(ない|無い|なく|ありませ|もうろう|朦朧|失|うしな|遠の|とおの|飛|とび|とん|おかし|はっきりしな|ぼんやり|"
    r"薄|うす|混濁|戻らな|もどらな|とぎれ|途切れ)",
    r"意識不明|気絶|失神|卒倒|(?<!やる)(?<!元)(?<!勇)(?<!人)気(を)?失|きをうしな",
    r"けいれん|痙攣|ひきつけ|引きつけ|引き付け|白目|(泡|あわ)(を)?(吹|ふ)",
    r"(体|からだ|全身|手足)(が|を)?[^、。]{0,3}(突っ張|つっぱ|硬直|こうちょく|ガクガク|びくびく|ビクビク)",
    r"発作(が|を)?(起き|おき|起こ|おこ|出て|でて|止まらな|とまらな)",
    # "倒れた" without its ending, so the checks below see "倒れたら" / "倒れたりしない"
    r"(倒れ|たおれ)(?=た|て|ま|そう|込|こ)|(崩れ|くずれ)(落ち|おち)|へたり(込|こ)|ずり(落ち|おち)|(床|ゆか)に(崩|くず|倒|たお)",
    r"(座り|すわり)(込|こ)んで[^、。]{0,6}(立て|たて|動け|うごけ)|ぐにゃっと|ぐにゃり|(腰|こし)が(抜け|ぬけ)",
    r"目の前が(真っ暗|まっくら|真っ白|まっしろ|暗く|くらく|白く|しろく)",
    r"(ふらふら|ふらつ|めまい|目まい|目眩|眩暈|目が回|目がまわ|ぐるぐる|くらくら|動悸|どうき|ドキドキ|吐き気|はきけ)[^、]{0,10}"
    r"(立て(な|ず|ませ)|(立っていられ|立ってられ|たってられ|たっていられ|起き上がれ|おきあがれ|座ってられ|すわってられ)(な|ず|ませ)|"
    r"歩けな|あるけな|倒れ|たおれ|ひど|酷|止まらな|とまらな|おさまらな|治まらな)",
    r"目(を|が)?(覚まさな|さまさな|開けな|あけな|覚めな|さめな)",
    r"目(が)?(うつろ|虚ろ)|焦点(が)?(合って(い)?な|あって(い)?な|合わな|あわな)",
    # not waking, not responding: "呼んでも起きない", "肩をたたいても反応ありません", "揺さぶってもおきない"
    r"(呼んでも|よんでも|呼びかけても|よびかけても|話しかけても|はなしかけても|声(を)?かけても|こえ(を)?かけても|揺すっても|ゆすっても|"
    r"揺さぶっても|ゆさぶっても|たたいても|叩いても|つねっても|起こしても|おこしても)[^。]{0,10}?"
    r"(起きな|おきな|起きませ|おきませ|反応|返事|へんじ|答え(な|ませ|られ)|こたえ(な|ませ)|目を(開けな|あけな)|うーん|ぼーっと|ぼんやり)",
    PERSON + r"(が|は|も)(起きな|起きませ|おきな|おきませ|目を(開けな|あけな))",
    PERSON + r"(が|は)[^、。]{0,12}(たまま|て)(動かな|うごかな|動きませ)",
    r"(まま|たまま)(動かな|うごかな|動きませ)|いびき[^。]{0,8}(起きな|おきな|目を(覚まさ|さまさ))",
    r"(呼びかけ|よびかけ|話しかけ|はなしかけ|声をかけ|こえをかけ)[^、]{0,3}(反応|返事|へんじ|応え|答え|こたえ)[^、]{0,2}"
    r"(ない|なく|しな|しませ|ありませ|鈍|にぶ)",
    r"(呼びかけ|よびかけ|声をかけ|こえをかけ)ると[^。]{0,10}(すぐ|また)(寝|ね)",
    r"(?<!アレルギー)(?<!拒絶)(?<!免疫)(?<!炎症)(?<!副)(?<!あれるぎー)(?<!きょぜつ)(?<!めんえき)(反応|はんのう)(が|も|は)?"
    r"(ない|無い|なく|なし|無し|ゼロ|鈍|にぶ|おかし|薄|うす|ありませ|しな|しませ)"
    r"|(?<!アレルギー)(?<!拒絶)(?<!免疫)(?<!炎症)(?<!副)(なんの|何の)(反応|はんのう)も|無反応|むはんのう",  # a person
    r"ぐったり|失禁",
    # speech
    r"(ろれつ|呂律)(が)?(回らな|まわらな|回って(い)?な|まわって(い)?な|おかし|変|へん|怪し|あやし)",
    r"言葉(が)?(出な|でな|出てこな|でてこな)",
    r"(?<!語)(?<!語が)(?<!語は)(?<!語も)(しゃべれ|喋れ|話せ)(な|ませ|ず)",  # not "日本語が話せない"
    r"(返事|へんじ)(を|が|も)?(しな|しませ|ない|なく|できな|ありませ|してくれな|してくれませ)",
]

# Signs of a stroke as a family member sees them: the face droops on one side, drooling, slurred
# or tangled speech, one side weak, sudden double vision, the worst headache ever.
STROKE = [
    r"(顔|かお|口|くち|口元|口もと|くちもと|口角|口の(端|はし)|くちのはし|まぶた)(の)?"
    r"(片方|片側|半分|かたほう|かたがわ|右側?|左側?|右半分|左半分)(だけ)?(が|も)?[^、。]{0,4}?"
    r"(下が|さが|垂れ|たれ|ゆが|歪|曲が|まが|動かな|うごかな|上がらな|あがらな|しびれ|痺れ)",
    r"(顔|かお|口|くち)(が|も)?(ゆがん|歪ん)|(口|くち)(が|も)?(片方|片側|かたほう)(しか|だけ)",
    r"よだれ(が|を)?[^、。]{0,4}(垂れ|たれ|垂ら|たら|止まらな|とまらな|出て|でて|こぼれ)|(口|くち)の(端|はし)から[^、。]{0,6}(こぼれ|垂れ|たれ|漏れ)",
    # one side of the body: "片側の手足がしびれて", "右手と右足に力が入らない", "左半分がしびれて"
    r"(片方|片側|半分|半身|かたほう|かたがわ|(?<!左)右|左)(側|半分)?(の)?(手足|てあし|半身)",
    r"(右|左)(手|腕)と(右|左)?(足|脚)|(右|左)半分(が)?[^、。]{0,4}(しびれ|痺れ|動かな)",
    r"(片方|片側|かたほう|かたがわ)(の)?(手|腕|うで|足|脚|あし)(が|に)?[^、。]{0,6}"
    r"(力が入らな|ちからがはいらな|力がはいらな|動かな|うごかな|しびれ|痺れ|落ちて|おちて)",
    r"(片方|かたほう)だけ(落ち|おち|下が|さが)|(片足|かたあし)を(引きず|ひきず)",
    r"(?<!左)(右|左)(の)?(手|腕|うで|足|脚|あし)(が|に)?[^、。]{0,4}(力が入らな|ちからがはいらな|力がはいらな|しびれ|痺れ|うまく動かな|うまくうごかな)",
    r"(手|足)が(言う|いう)こと(を)?(きかな|聞かな)",
    r"(舌|した|ろれつ|言葉|ことば)(が)?もつれ|(言葉|ことば|しゃべり方|喋り方|しゃべりかた|話し方|はなしかた)(が)?[^、。]{0,2}(変|へん|おかし)",
    r"(物|もの)が(二重|にじゅう|ダブって)|(片目|片方の目)(が)?[^、。]{0,3}(見えな|みえな)|視界(の半分)?(が)?[^、。]{0,3}(欠け|かけ|見えな)",
    r"(まっすぐ|真っ直ぐ)(歩けな|あるけな)|(急に|突然|きゅうに|いきなり)[^、。]{0,4}(見えな|みえな|見えにく|みえにく)",
    # sudden, worst-ever headache
    r"頭(が)?(割れ|われ)(そう|る)|(バット|ハンマー|金づち|鈍器)で(殴|なぐ)られ",
    r"(今まで|人生|生まれて)(で)?(一番|いちばん|最悪)[^、。]{0,6}(痛|頭痛)",
    r"頭痛[^。]{0,12}(今まで|人生|生まれて)(で)?(一番|いちばん|最悪|経験したことのない|けいけんしたことのない)",
    r"(突然|急に|きゅうに|いきなり)[^、。]{0,3}(ひどい|激しい|はげしい|強烈な|すごい|猛烈な)(頭痛|頭の痛み)",
    r"頭痛[^。]{0,10}(首|くび)(が|も)?(固|硬|かた)",
]

# Sudden confusion: does not know where they are, does not recognise family, talks nonsense.
CONFUSION = [
    r"(ここ|今いる所|いまいるところ)(が)?(どこ|何処)(か|だか)?[^、。]{0,3}(わからな|分からな|わかんな)",
    r"(トイレ|自宅|家|部屋)の場所(も|が)?[^、。]{0,3}(わからな|分からな)",
    r"(私|わたし|家族|娘|息子|夫|妻|母|父|孫)(の|が)?(こと|顔)(を|が|も)?[^、。]{0,2}(わからな|分からな|わかんな|誰|だれ|どちら)",
    r"(名前|日付|今日が何日)(も|が)?[^、。]{0,8}(言えな|いえな|答えられな|こたえられな)",
    r"(変な|へんな|おかしな|意味不明な|わけのわからな(い)?|訳のわからな(い)?|意味のわからな(い)?|とんちんかんな)(こと)?(を)?"
    r"(言|い(って|い|う|だ)|しゃべ|喋|叫|話し|話す)",
    PERSON + r"(の|が|は)[^。]{0,10}(何|なに)(を)?(言って|いって)(い)?るか(わからな|分からな)",
    r"(いない|居ない)はずの|(虫|人|ひと)(が|も)?(いる|見える|みえる)って(騒|さわ|言|い)|幻覚|幻聴|うわごと|譫言",
    r"(急に|突然|きゅうに)[^、。]{0,6}(ぼけ|ボケ|物忘れ|ものわすれ|認知症みたい)",
    r"(返事|受け答え|うけこたえ)(が|も)?(ちぐはぐ|おかし|変|へん|めちゃくちゃ|あいまい|曖昧)",
    r"(言って(い)?る|話して(い)?る)(こと|内容)(が)?(おかし|変|へん|支離滅裂|めちゃくちゃ|わからな|分からな)",
    r"(話|はなし|会話)(が)?(かみ合わ|噛み合わ|かみあわ)(な|ず)|(話|はなし|会話)(が)?(通じな|つうじな)",
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
    r"(熱|ねつ|体温)(が|も)?[^、。]{0,4}(ぐんぐん|どんどん|みるみる)[^、。]{0,2}(上が|あが)|上がる一方|上がり続け",
    r"解熱剤[^、]{0,10}(効かな|きかな|効きませ|下がらな|さがらな|下がりませ)",
    r"(熱|ねつ)で[^、。]{0,10}(ぼんやり|ぼーっと|ぐったり|動けな|うごけな|起きられな|立てな)",
    r"(燃える|もえる)(よう|みたい)に(熱|あつ)",
    # rigors
    r"(悪寒|寒気|さむけ)(で|が|と)?[^、。]{0,6}(震え|ふるえ|ガタガタ|ガクガク|ブルブル|止まらな|とまらな)",
    r"(震え|ふるえ)(が|て)?(止まらな|とまらな)|(ガタガタ|ガクガク|ブルブル)(震え|ふるえ)|(歯|は)(が)?ガチガチ",
]

ALLERGY = [
    # hives anywhere: after an infusion it can be the start of anaphylaxis
    r"じんましん|じんま疹|蕁麻疹|蕁麻しん|みみず(ばれ|腫れ)",
    # rash / itch / redness spreading or all over the body
    r"(発疹|ほっしん|湿疹|しっしん|ぶつぶつ|ボツボツ|ぽつぽつ|斑点|はんてん|模様|かゆみ|痒み|赤み|あかみ)(が|も)?[^、]{0,10}"
    r"(全身|体中|からだじゅう|体じゅう|身体中|からだ中|広が|ひろが|どんどん|増え|ふえ|まで(来|き|広|ひろ))",
    r"(全身|体中|からだじゅう|体じゅう|身体中|身体じゅう|からだ中)(が|に|も|の)?[^、]{0,4}"
    r"(腫れ|はれ|痒|かゆ|赤|発疹|湿疹|ぶつぶつ|斑点|じんま|蕁麻)",
    # swelling of face, eyelids, lips, tongue (angioedema)
    r"(顔|かお|まぶた|瞼|目の周り|目のまわり|唇|くちびる|口びる|舌|口の中|くちのなか|口のまわり)(が|も|の|と)?[^、]{0,8}?"
    r"(腫れ|はれ|パンパン)|したがはれ",
    r"(腫れ|はれ|むくみ|むくん)[^、。]{0,8}目が(開か|あか|開け|あけ)な|目が(開か|あか|開け|あけ)な[^、。]{0,8}(腫|はれ|むく)",
    r"舌(が)?[^、。]{0,6}(大きく|おおきく|もったり|しびれ|痺れ)|(唇|くちびる)(が|も)?[^、。]{0,3}(しびれ|痺れ)",
    r"(首|胸|顔|背中|お腹|耳)(まで|にまで)[^、。]{0,3}(赤く|あかく|真っ赤|まっか|腫れ|はれ|広が)",
    r"(かゆ|痒|じんま|蕁麻|発疹)[^。]{0,12}(顔|首|のど|喉)(も|が|まで)[^、。]{0,3}(赤|あか|真っ赤|腫|はれ|苦し|変)",
    # swelling or redness spreading (at the injection site or anywhere)
    r"(腫れ|はれ|赤み|あかみ|赤く|発赤)[^、]{0,10}"
    r"(広が|ひろが|大きくな|おおきくな|拡大|全体|肩まで|ひじまで|肘まで|手首|指先まで)",
    r"(どんどん|だんだん|みるみる|ますます)(腫れ|はれ|赤く|あかく|広が|ひろが)",
    r"(腕|うで|肩|足|脚|手|太もも|お尻|おしり)(全体|中|じゅう|ぜんたい)(が|も)?[^、。]{0,4}?(腫れ|はれ|赤|パンパン)",
    r"パンパンに(腫|はれ)",
    # anaphylaxis, allergic reaction, shock
    r"アナフィラキシー|ショック(症状|状態|を起こ)|血圧(が)?(急に)?(下が(っ|り)|さが(っ|り)|低くな)",
    r"アレルギー(反応|症状)?((が|を)(出|でた|でて|でま|起こ|起き)|っぽい|みたい|らしき|かも)",
]

INJECTION_SITE = [
    # pus, abscess
    r"膿|うみ(が|の|みたい|っぽい)?[^、]{0,6}(出|で(て|た|る|き)|たま|溜ま)",
    r"膿ん|うんで(る|い|ま|き)|化膿|かのうして|ジュクジュク|黄色い(の|汁|液)(が)?(出|で)",
    # red streaks running up the arm (lymphangitis)
    r"赤い(線|すじ|筋)",
    # hot, hard, blistered, discoloured or badly swollen injection site
    r"(注射|点滴|打っ|打た|刺し|刺さ|針)[^、]{0,6}(ところ|とこ|所|部分|部位|場所|跡|痕|あと|周り|まわり)[^、]{0,8}"
    r"(熱を持|熱もっ|熱をも|硬く腫|かたくはれ|しこり|ただれ|水ぶくれ|水疱|腫れ上が|はれあが|パンパン|黒く|黒っぽ|黒ずん|紫|変色|冷た)",
    r"(熱くて|あつくて|熱を持って)[^、。]{0,6}(パンパン|硬|かた|腫れ|はれ)",
]

# Severe pain counts only when the message places it after the treatment, at the injection site,
# or says it started suddenly (see NEEDS_CONTEXT): "膝の痛みがひどい" alone is a patient describing
# their condition.
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
    r"(触れ|さわれ|触れられ|さわれられ)(ない|ません)(ほど|くらい|ぐらい)|脈打つ|ズキンズキン",
    r"(ひどい|激しい|はげしい|すごい|強烈な)頭痛|頭痛(が)?(ひど|すご|激し|止まらな|とまらな|治まらな|おさまらな)",
]

# Badly swollen, counted only after the treatment or when sudden: "注射したあと腕がすごく腫れてきた"
# (not "膝がすごく腫れて", a condition).
SEVERE_SWELLING = [
    r"(すごく|すっごく|かなり|ひどく|めっちゃ|めちゃくちゃ|異常に|大きく)(腫れ|はれ)",
    r"(倍|ばい)(くらい|ぐらい|ほど)?(に|の)?[^、。]{0,2}(腫れ|はれ|太さ|ふとさ|大きさ)|(真っ赤|まっか)に(腫れ|はれ)",
    r"(顔|かお|まぶた|瞼|唇|くちびる)(が|も)?[^、。]{0,6}(むくん|むくみ)",
]

# Bleeding that will not stop, blood vomited or coughed up, black stool.
BLEEDING = [
    r"(血|出血|鼻血)(が|は)?[^、。]{0,4}(止まらな|とまらな|止まりませ|とまりませ|止まって(い)?な|止まら(ず|ない))|ちがとまらな",
    r"(血|出血)(が)?[^、。]{0,3}(どんどん|どくどく|たくさん|大量に|いっぱい)[^、。]{0,2}(出|で)|血で(真っ赤|まっか|染ま|そま)",
    r"血(が)?[^、。]{0,4}(あふれ|溢れ|ぽたぽた|ポタポタ|だらだら|ダラダラ|どくどく|ドクドク|噴き出|吹き出|ふきだ|垂れ)|ちが(あふれ|ぽたぽた|だらだら|どくどく|ふきだ|にじ)",
    r"(押さえても|おさえても)[^。]{0,10}血(が)?[^、。]{0,4}(にじ|滲|出|で)",
    r"出血(が)?[^、。]{0,3}(ひど|多い|多量|大量|止まらな)|大量(の|に)?出血|大出血|血だらけ|血まみれ",
    r"(ガーゼ|絆創膏|ばんそうこう|服|シャツ|タオル)[^、。]{0,6}(真っ赤|まっか|血だらけ|赤く染|あかくそ)",
    r"吐血|喀血|下血|血(を)?(吐|は)い|ちをはい|血(が|の)?混じ(って|った|る)|吐いたもの(が|に)[^、。]{0,3}(黒|血|赤|茶色|コーヒー)",
    r"(黒い|真っ黒な|まっくろな)(便|うんち|うんこ)|タール(便|状)|(おしっこ|尿)(が)?(真っ赤|まっか|赤い|血)",
    r"(あざ|アザ|内出血)(が)?[^、。]{0,6}(どんどん|みるみる)[^、。]{0,3}(大きく|広が|ひろが)|(あざ|アザ)(が)?あちこち",
]

# Vomiting (or diarrhoea) so much that water does not stay down.
VOMITING = [
    r"(水|みず|お茶|飲み物)(も|を|が)?[^、。]{0,3}(飲め|のめ|受け付け|うけつけ)(な|ず|ませ)|水分(も|が|を)?[^、。]{0,2}(取れ|とれ)(な|ず|ませ)",
    r"(水|みず|飲み物|何)(を)?(飲んで|のんで|食べて|たべて)も[^、。]{0,6}(吐|はい|戻|もど)",
    r"(吐い|はい)て(吐い|はい)て|(吐き|はき)(続け|つづけ)|(吐い|はい)てばかり|胃液(しか|まで|が)",
    r"(\d+|何|なん|数)(回|度)(以上|も)?[^、。]{0,2}(吐|はいて|はいちゃ|はいた|嘔吐|戻し|もどし)",
    r"(何度も|何回も|なんども|なんかいも|ずっと|繰り返し|くりかえし)[^、]{0,6}(吐|嘔吐|おう吐|戻し|もどし)",
    r"(吐き気|はきけ|嘔吐|おう吐|吐くの)(が)?(止まらな|とまらな|ひど|酷|おさまらな|治まらな)",
    r"(下痢|げり)(が|も)?[^、。]{0,2}(止まらな|とまらな)|トイレから出られな",
    r"(おしっこ|尿)(が)?[^、。]{0,4}(出て(い)?な|でて(い)?な|出な|でな)",
]

# Signs of shock or collapse and explicit calls for help.
GENERAL_DANGER = [
    r"(顔色|かおいろ)(が|も)?(真っ青|まっさお|真っ白|まっしろ|悪|わる|土気色|ない|無い|灰色|青白)",
    r"(顔|かお|肌)(が|も)?[^、。]{0,2}(真っ白|まっしろ|真っ青|まっさお|灰色|はいいろ|土気色|青白|あおじろ)|顔面蒼白|蒼白|青ざめ|あおざめ|血の気(が)?(引|ひ|な)",
    r"(唇|くちびる|指先|爪|手足の先|足先)(の色)?(が|も)?[^、。]{0,3}(紫|むらさき|青|あお)|(唇|くちびる)(が|も)?[^、。]{0,3}(白っぽ|しろっぽ)",
    r"(唇|くちびる|爪)の(色|いろ)(が)?(悪|わる|おかし|変)",
    r"冷や汗|ひや汗|冷汗|冷たい汗|つめたい汗|(汗|あせ)[^、。]{0,8}(体|からだ|手|肌)(が|は)?[^、。]{0,3}(冷た|つめた)|(肌|皮膚)(が)?まだら",
    r"様子(が)?(おかし|変|へん)",
    r"(むり|無理|マジで|まじで|やばい|ヤバい|死ぬほど)[^、。]{0,3}(苦し|くるし)",
    r"救急車|きゅうきゅうしゃ|(?<!\d)119(?!\d)|死にそう|しにそう|死ぬほど",
    r"救急(外来|病院|センター)?(に|へ)?[^、。]{0,2}(行|い)(く|っ|き)|(今すぐ|いますぐ)[^、。]{0,3}(病院|受診|救急)",
    r"助けて|たすけて|(?<![a-zの])sos(?![a-z])|(誰か|だれか|すぐ)(来て|きて)",
]

# Vague complaints that count only after the treatment or when sudden: "点滴してから苦しい",
# "点滴後から具合がすごく悪い", "急に右手に力が入らない". Alone they are often about money, information
# or a chronic condition.
UNWELL = [
    r"苦し(い|く|そう|です)|くるし(い|く|そう)",
    r"気が(遠く|とおく)",  # often a figure of speech ("気が遠くなるほど待った")
    r"(?<!少し)(?<!ちょっと)(?<!やや)(具合|体調|気分)(が)?(すごく|とても|かなり|めちゃくちゃ|ひどく|急に)?(悪|わる)",
    r"混乱(して|状態|し)",
    r"(手|腕|うで|足|脚|手足|てあし|体|からだ|全身)(が|に)?[^、。]{0,6}(力が入らな|ちからがはいらな|力がはいらな|力が抜け|動かな|うごかな|しびれ|痺れ)",
    r"(立って(い)?られ|たって(い)?られ|起き上がれ|おきあがれ)(な|ず|ませ)|(立て|たて)な(い|く)",
    r"(下痢|げり)(が)?[^、。]{0,3}(ひど|続)",
    # clumsy hands: a stroke sign when sudden, an everyday slip otherwise
    r"(箸|はし|コップ|茶碗|スプーン)(を|が)?(落と|おと|持てな|もてな)|字が[^、。]{0,3}(書けな|かけな)",
]

# Lost in a familiar place: "駅で急に自分がどこにいるのかわからなくなった", "急にどっちに行けばいいか分からなくなった".
# Counted only when sudden or after the treatment (NEEDS_CONTEXT): "今どこにいるかわからないので道を教えて" is
# a patient lost on the way to the clinic.
DISORIENTATION = [
    r"((自分|じぶん|今|いま)(が|は)?[^、。]{0,3})?(どこ|何処)(に|へ)?(いる|居る|いて|いるの)[^。]{0,8}(わからな|分からな|わかんな|わからず|分からず)",
    r"(自分|じぶん|今|いま)(の)?(いる|居る)(場所|所|ところ)(が|も)?[^、。]{0,3}(わからな|分からな|わかんな)",
    r"(どっち|どちら|どこ)(に|へ)(行|い)けば(いい|よい)(のか|か)?[^。]{0,6}(わからな|分からな|わかんな)",
    r"(帰り道|道|方向|方角|帰り方|かえりみち)(が|も)[^、。]{0,3}(わからな|分からな|わかんな)く(な|て)",
    r"(道|みち)(に|で)(迷|まよ)(っ|い|う)|迷子に(なっ|なり|なる)|まいごに(なっ|なり|なる)",
]

SYMPTOM_GROUPS = {
    "breathing": BREATHING,
    "chest": CHEST,
    "consciousness": CONSCIOUSNESS,
    "stroke": STROKE,
    "confusion": CONFUSION,
    "disorientation": DISORIENTATION,
    "fever": FEVER,
    "allergy": ALLERGY,
    "injection_site": INJECTION_SITE,
    "bleeding": BLEEDING,
    "vomiting": VOMITING,
    "severe_pain": SEVERE_PAIN,
    "severe_swelling": SEVERE_SWELLING,
    "general_danger": GENERAL_DANGER,
    "unwell": UNWELL,
}
# groups that count only after the treatment, at the injection site, or when sudden
NEEDS_CONTEXT = {"severe_pain", "severe_swelling", "unwell", "disorientation"}

# --------------------------------------------------------------------------------------------
# Temperatures: "39度", "３９．５℃", "38度5分", "三十九度", "体温39.2", "熱39", "熱は…今39.4"
# --------------------------------------------------------------------------------------------

KANJI_TEMPERATURES = {"三十五": 35, "三十六": 36, "三十七": 37, "三十八": 38, "三十九": 39, "四十": 40, "四十一": 41, "四十二": 42}
TEMPERATURE = (
    r"(?<![\d.])(?P<num>(3[5-9]|4[0-2])(\.\d+)?|三十[五六七八九]|四十[一二]?)"
    r"(度|°c|°|ど)((?P<bu>\d|五)分|(?P<half>後半|半))?"
    r"|(熱|ねつ|体温計?|検温)(が|は|も|で|を測ったら|測ったら|計ったら)?(は)?(?P<num2>(3[5-9]|4[0-2])(\.\d+)?)(?![\d])"
    # a bare decimal (39.4) counts when the sentence speaks of fever or temperature
    r"|(?<![\d.])(?P<num3>(3[5-9]|4[0-2])\.\d)(?![\d])"
)
FEVER_WORD = r"熱|ねつ|体温|発熱|解熱"
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
    r"^[ぁ-ゖ]{0,3}?(感じ|症状|様子|の|こと)?(とか|など|なんか|等)?(は|も|が)?[、,]?"
    r"(特に|とくに|全然|ぜんぜん|まったく|全く|別に|べつに|一切|いっさい|もう|今は|いまは|まだ)?"
    r"(出て|でて|出|起きて|おきて|起き|して|し)?(い)?(ない|無い|なく|なかっ|ありません|ありませんで|ません|なし|無し)"
)
# Before the symptom, same clause: a hypothetical. "もし息が苦しくなったら", "万が一胸が痛くなったら".
HYPOTHETICAL_BEFORE = r"もし|もしも|万が一|万一|まんがいち|仮に|かりに"
# After the symptom, same clause: a condition. "息苦しくなったら", "高熱が出た場合", "腫れが出る時は".
HYPOTHETICAL_AFTER = (
    r"たら(?!し)|れば|場合|ばあい|時は|ときは|時って|ときって|(の|な)?(時|とき)の|なら(?!な)|際は|際に|ても大丈夫"  # not "…たらしい"
)
# After the symptom, same clause: a question about side effects in general, not a report.
GENERAL_AFTER = (
    r"こと(は|が|も|って|の)?(ある|あり|あっ|ない|な)"           # 熱が出ることはありますか / じんましんが出たことのある人
    r"|(人|方|ひと|かた)(は|も|が|って|とか)?[^、。]{0,8}?(い|お)(る|ます|ません|た|ました)"  # 倒れる人はどのくらいいますか
    r"|(人|ひと)の(投稿|話|はなし|ブログ|口コミ|記事|動画|体験談|書き込み|こと)|(人|ひと|方)(について|を見|をみ)"  # …になった人の投稿
    r"|こと(が|も)?(多|よくあ|たまにあ|時々あ|ときどきあ)"                  # 息苦しくなることが多い (a habit)
    r"|可能性|リスク|確率|危険性|恐れ|おそれ|報告|事例|症例|頻度|割合"  # 出る可能性は? / ショック症状の報告
    r"|(ような|みたいな)(副作用|症状|反応|こと|ケース)"           # 高熱が出るような副作用
    r"|やすい|(?<=[ぁ-ゖ])がち(?!か)"                             # 化膿しやすい, なりがち (a tendency)
    r"|ニュース|記事|口コミ|動画"                                 # 倒れた人のニュースを見た
    r"|(ないか|ませんか)(が|と)?[^、。]{0,10}(心配|不安|気にな|こわ|怖)"  # 倒れたりしないか心配
)
# After the symptom, same clause: figurative or exaggerated. "胸が痛むような話", "息が止まるかと思った".
FIGURATIVE_AFTER = (
    r"(ような|みたいな)(話|ニュース|気持ち|思い)"
    r"|かと思(っ|い)"
    r"|(ほど|くらい|ぐらい)(感動|嬉し|うれし|悲し|かなし|切な|せつな|緊張|楽しみ|たのしみ|びっくり|驚|ドキドキ|わくわく|ワクワク)"
    r"|(まで|ほど|くらい|ぐらい)(走|はし|運動|歩い|泳|頑張|がんば|笑)"  # 胸が苦しくなるまで走った (exertion)
)
# Anywhere in the sentence, for a racing heart or tight chest: nerves or joy, not a reaction.
FIGURATIVE_CHEST = r"緊張|恋|ときめ|感動|わくわく|ワクワク|楽しみ|たのしみ|映画|ドラマ|小説|記事|ニュース|話を聞|歌|曲"
# Directly after the symptom: a short question about it. "激痛ですか?", "胸が痛くなりますか", "息苦しくなる?",
# "胸が苦しくなったりしない?". No は inside, so "胸が痛いのは副作用ですか" stays a report.
GENERAL_QUESTION_AFTER = (
    r"^((?!は)[ぁ-ゖ]){0,6}?(ますか|ですか|でしょうか|ます\?|る\?|るの\?|るんですか|るんでしょうか|たりする\?|たりしますか"
    r"|たりしな(い|いの|いか|いです)?(\?|か|よね|かな)|たりしませんか)"
)
# Directly after the symptom: a side effect or risk as a category. "高熱の副作用", "息苦しさとかの副作用が心配",
# "アナフィラキシー対策", "アナフィラキシーの対応".
GENERAL_NOUN_AFTER = (
    r"^((?!は)[ぁ-ゖ]){0,5}?(副作用|リスク|可能性|危険性|確率|対策|対応|予防|準備|体制|報告|頻度|割合|事例|症例|について|とは)"
)
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
    r"消えた|消えました|きえた|(?<=[がはもみ])(なくなった|なくなりました|無くなりました)|戻った|戻りました|もどった|もどりました|"
    r"(引い|ひい|治まっ|おさまっ|収まっ|良くなっ|よくなっ|薄くなっ|うすくなっ|小さくなっ|ちいさくなっ|目立たなくなっ|めだたなくなっ)"
    r"(てき|てる|ています|てます|てました|てた)|消えかけ|治りかけ|なおりかけ|ましになっ|マシになっ|すっきりし|"
    r"いつも通り|いつもどおり|普段通り|ふだんどおり|元通り|もとどおり|"
    r"止まった|止まりました|とまった|とまりました|もう大丈夫|今は大丈夫|もう平気|今は平気|"
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
    "bleeding": r"(血|出血)(は|が|も)",
    "vomiting": r"(吐き気|嘔吐)(は|が|も)",
}
# After the resolution: it came back. "一度下がったけどまた39度".
RECURRED = r"また|再び|ふたたび|ぶり返|ぶりかえ"
# Before the symptom, same clause: medical history (not "以前より息が苦しい"). "以前アナフィラキシーを起こしたことが…".
HISTORY_BEFORE = (
    r"(以前|昔|むかし|過去に|小さい頃|子供の頃|子どもの頃|若い頃|持病|既往|もともと|元々)(?!より|と比べ|とくらべ)"
    r"|ワクチン|予防接種"                                        # a reaction to something else
)
# Directly after the symptom: a standing condition. "蕁麻疹持ち", "じんましん体質", "脳梗塞の後遺症".
HISTORY_AFTER = r"^[ぁ-ゖ]{0,2}(持ち|もち(です|なん|で|だ)|体質|の既往|歴|の後遺症|後遺症|をやった|をした|を患)"
# A chronic disease named before the symptom, with no treatment in the message: "脳卒中で倒れてから麻痺が".
CHRONIC_DISEASE_BEFORE = (
    r"脳卒中|脳梗塞|脳出血|くも膜下|心筋梗塞|認知症|アルツハイマー|パーキンソン|てんかん|後遺症"
    r"|神経痛|ヘルニア|坐骨|腰痛|狭窄|リウマチ|関節症|五十肩|四十肩"
    r"|アトピー|褥瘡|床ずれ|とこずれ|乾癬|片頭痛|偏頭痛|関節炎|腱鞘炎|変形性"
)
# For the classifier's veto only (the lexicon still fires on a symptom): conditions whose complaints are
# the condition itself. Not for the lexicon: "寝たきりの母が高熱でぐったり" is an emergency.
CHRONIC_CUE = CHRONIC_DISEASE_BEFORE + r"|寝たきり|慢性|糖尿病|抗がん剤|化学療法|放射線治療|持病|後遺症|リハビリ"
# Right after a disease name: the patient suspects it now ("脳梗塞かも、ろれつが回らない"), not a history.
SUSPECTED_AFTER = r"^(かも|では|じゃ|みたい|っぽ|の疑い|の(症状|前兆|サイン|よう)|か(な|も|\?|。|、|$)|だと思|を(起こし|おこし)(た|て)(?!から|以来|いらい|こと|あと|後))"
# Anywhere in the sentence, with no treatment named: a long-standing or recurring complaint.
# "10年以上アトピーで全身かゆい", "喘息持ちで季節の変わり目は息苦しくなることが多い".
CHRONIC_DURATION = (
    r"(\d+|数|何|十)(年|か月|ヶ月|カ月|ヵ月|ケ月)(以上|来|も|間|前から|くらい前から|ほど前から)|何年も|長年|長いこと|何か月も|何ヶ月も"
    r"|(子供|子ども|こども|小さい|幼い|若い)(の)?(頃|ころ)から|生まれつき|昔から|むかしから|ずっと前から"
    r"|(部活|スポーツ|試合|練習|事故|転ん|転倒)[^、。]{0,8}(痛め|傷め|いため|けが|怪我|ケガ|骨折|捻挫)(て|た)?(から|以来|いらい|あと)"
    r"|(けが|怪我|ケガ|骨折|捻挫|事故)(で|の|以来|から|して)[^。]{0,20}(ずっと|いまだに|今でも|今も|治らな|なおらな|続いて|つづいて)"
)
HABITUAL = (
    r"季節の変わり目|毎年|毎月|しょっちゅう|たびたび|こと(が|も)?(多|よくあ)"
    r"|(?<![がくも])(よく(?!な)|時々|ときどき|たまに)[^、。]{0,4}(なり|なる|なっ|あり|ある|起き|おき)"
)
# Directly after the symptom: the patient asks whether the therapy treats it. "腰の激痛に効きますか".
EFFICACY_AFTER = (
    r"^[ぁ-ゖ]{0,3}?((に|にも)(効|きく|きき|使え|つかえ|いい|良い)|(は|が|も)(治り|なおり|良くなり|よくなり|改善し|和らぎ)ますか)"
)
# Anywhere in the sentence: whether the therapy helps a condition. "母は脳梗塞の後遺症でろれつが回りません。効果はありますか".
EFFICACY_SENTENCE = r"(効果|効き目|効く|ききめ)(は|が|って)?(あり|ある|あれ|出|で)|(効|き)きますか|改善(し|でき|する)|悩み|なやみ"
# Whether the patient can have the treatment: "膝が腫れて熱を持っているのですが、治療できますか".
ELIGIBILITY = r"治療(でき|して(もらえ|いただけ)|を受け)|受けられ|うけられ|受けれ|うけれ|受けたい|うけたい|対象(に|で)"
# Someone else's fever that only matters for rescheduling: "子供が高熱で学校を休んだので予約を変更したい".
THIRD_PARTY = r"息子|娘|子供|子ども|こども|夫|妻|主人|旦那|家族|母|父|祖母|祖父|親"
RESCHEDULING = r"(学校|保育園|幼稚園|会社|仕事)(を)?休|予約[^、]{0,6}(変更|キャンセル|取り消|ずら)|キャンセル"
# Words about the assistant itself: "このチャット、変なこと言ってる", "話が通じない、AIだから？".
ABOUT_THE_BOT = r"チャット|ボット|bot|(?<![a-z])ai(?![a-z])|あなた|君|きみ|お前|おまえ|回答|返答|このサイト|ホームページ|説明|文章|サイト"
ABOUT_THE_BOT_GROUPS = {"confusion", "stroke"}
# The message places the symptom after the treatment, at the injection site, or says it is sudden.
TREATMENT = r"注射|点滴|施術|治療|投与|処置|エクソソーム|上清|セクレトーム|幹細胞|培養|ちゅうしゃ|てんてき|せじゅつ"
AFTER_TREATMENT = (
    r"(" + TREATMENT + r")(を|の)?(受け|うけ|し|やっ|打っ|して|もらっ|終わっ|おわっ)?(た|て)?(あと|後|から|直後|以来|翌日|次の日|夜|帰り)"
    r"|(点滴|注射|施術|てんてき|ちゅうしゃ)(の)?(途中|中|最中|終わ|おわ)"
    r"|(昨日|きのう|今日|きょう|今朝|けさ|さっき|先ほど|さきほど|午前|午後|時間前|先週|昨夜)[^、。]{0,12}(" + TREATMENT + r")"
    r"[^、。]{0,6}(受け|うけ|し|打っ|打ち|やっ|して|もらっ)(た|て|まし)"
    r"|(注射|点滴|打っ|打た|刺し|刺さ|針)[^、。]{0,6}(ところ|とこ|所|部分|部位|場所|跡|痕|あと|周り|まわり)"
    r"|(注射|点滴|打っ|打た|刺し|刺さ)(を)?(し|して|受け|うけ)?(た|て)?(ほう|方|側|腕|うで|膝|ひざ|顔|頭皮|お尻|肩)"
)
SUDDEN = r"急に|突然|きゅうに|とつぜん|いきなり|さっきまで"
# A beauty concern, not a stroke: "口角の左側が下がってきたのが気になる", "顔のむくみが悩み".
COSMETIC = r"気にな|悩み|なやみ|たるみ|しわ|ほうれい|改善|効果|治したい|なおしたい|若返|美容|見た目"
COSMETIC_GROUPS = {"stroke", "severe_swelling"}
# "変なこと言いますが…": the patient apologising for their own question.
CONFUSION_PREFACE_AFTER = r"^[ぁ-ゖ]{0,2}(ますが|ますけど|ますけれど)"
# Money or life is hard, not breathing: "経済的にマジで苦しい".
MONEY = r"お金|金銭|経済|家計|生活|支払|費用|値段|料金|ローン|給料"
# "選ぶのを助けて": help with a choice, not a call for help.
HELP_FOR_INFO = r"選|決め|教え|知り|相談|迷|わから|分から"
# Symptom words in a list that is denied as a whole: "息苦しさもじんましんもないです", "胸の痛みや息苦しさなどは
# ありません", "息苦しさ、発疹、めまい、どれもありません". Only a noun may come before the list's particle (さ, み, 気),
# so "胸が痛くて、吐き気もない" keeps the chest pain.
COORDINATED_NEGATION_AFTER = (
    r"^(さ|み|け|き)?(も|や|とか|と|、|,|・|やら)((?!あり|ある|あっ|です|ます|てい|てる|でい|でる|した|する|けど|ので|から|が、)[^。]){0,24}?"
    r"((も|とか|など|なども|は)[、,]?(特に|とくに|全く|全然|まったく|ぜんぜん|一切|いっさい|何も|なにも)?(出て|でて|起きて|おきて|感じて|して)?(い)?"
    r"(ない|無い|なし|無し|ありません|ません|なかった)"
    r"|(どれも|いずれも|どちらも|両方とも|何も|なにも)[^。]{0,6}(ない|無い|ありません|ません|なし))"
)
# Right after the symptom word: a question about the word. "チアノーゼってなに?", "けいれんってどういう状態",
# "高熱って何度から", "アナフィラキシーとは".
WORD_QUESTION_AFTER = (
    r"^[ぁ-ゖー]{0,4}?(って|とは|て)(何|なに|なん|どういう|どんな|どうゆう|いうのは|言うのは)"
    r"|^[ぁ-ゖー]{0,4}?(の意味|という言葉|って言葉|とは$|とは[?。])"
)
# Right after a milder symptom word: how long or how often it lasts. "しこりって、どのくらいで消えますか".
HOW_LONG_AFTER = r"^[ぁ-ゖー]{0,4}?って[、,]?(どのくらい|どれくらい|どれぐらい|どのぐらい|いつまで|いつごろ|何日|なんにち|何週|普通|ふつう|よくある)"
HOW_LONG_GROUPS = {"injection_site", "allergy", "fever", "severe_pain", "severe_swelling", "vomiting"}
# In the sentence: how two words differ. "けいれんとひきつけって何が違うの", "じんましんと湿疹の見分け方".
DIFFERENCE_QUESTION = r"(違い|ちがい)(は|って|を|が|に)|何が違|なにがちが|どう違|どうちが|区別|見分け|使い分け"
# In the sentence of "119" / "救急車": a question about when to call. "どんな症状のときに119番すればいい?",
# "救急車を呼ぶ目安", "いつ救急車を呼べばいいの?".
WHEN_TO_CALL = (
    r"どんな(時|とき|場合|症状|状態|ケース)|どういう(時|とき|場合|症状|状態|ケース)|どの(ような|よう|程度|くらい|ぐらい|タイミング)"
    r"|目安|基準|タイミング|いつ(?!も|から|まで|の間)|何番|番号|べき(症状|状態|時|とき)|何度以上|何日以上|どれ(くらい|ぐらい)で"
)
# Joking or exaggerating (no treatment named in the message): "忙しすぎて倒れそうｗ", "値段見て息が止まりそう(笑)".
# Not 笑う / 笑顔 / 笑え(ない) / 微笑; "w" only between non-Latin characters.
JOKE = (
    r"[(（](笑|わら|苦笑)[)）]|(?<!微)笑(?![うえおっわ顔みいかすけ])|(?<![a-z.\d])w+(?![a-z.])|草(?=[。!?、]|$)"
    r"|lol|lmao|haha|😂|🤣|😆|😅"
)
FIGURATIVE_GROUPS = {"breathing", "chest", "consciousness", "general_danger", "unwell", "severe_pain", "confusion", "disorientation"}
# Causes that make "倒れそう", "心臓止まりそう", "息ができない" a figure of speech, with an exaggeration
# ("そう", "かと", "寸前", "すぎて") or an unrelated request in the message ("予約", "分割").
FIGURATIVE_CAUSE = (
    r"忙し|いそがし|多忙|残業|徹夜|締め切り|締切|しめきり|試験|テスト|受験|課題|値段|料金|金額|見積|請求|価格|高すぎ|たかすぎ"
    r"|推し|おし(が|の)|ライブ|コンサート|アイドル|イケメン|かっこよ|かわいすぎ|可愛すぎ|尊|恋|好きすぎ|待ち時間|待たされ|待ちくたびれ"
    r"|予約(が|は)?(取れ|とれ|いっぱい|埋ま|満)"
)
EXAGGERATION_AFTER = r"^[ぁ-ゖ]{0,2}?(そう|かと|寸前|レベル|勢い|くらい|ぐらい|ほど)"
UNRELATED_REQUEST = r"予約|変更|キャンセル|空き|空いて|枠|分割|支払|振替|取り直|とりなお|割引"
# Idioms: "気が遠くなるほど待った", "死ぬほど忙しい".
IDIOM_AFTER = {
    "気が遠く": r"^(なる|なるような|なりそうな)(ほど|くらい|ぐらい|よう|話|作業|量|数|時間)",
    "死ぬほど": r"^(忙|いそが|暇|ひま|眠|ねむ|笑|わら|楽|たの|好|すき|美味|おいし|うま|疲|つか|恥|はず|嬉|うれ|緊張|きんちょう|悩|なや"
               r"|迷|まよ|考|かんが|待|まっ|また|まち|後悔|羨|うらや|驚|おどろ|びっくり|感動|寒|さむ|暑|あつ|高|たか|混|こん)",
}
# Answers from the clinic, not a person's state: "メールの返事がない", "受付が返事をしてくれない".
NOT_A_PERSON_ANSWER = r"メール|ライン|line|問い合わせ|といあわせ|連絡|電話|クリニック|受付|スタッフ|病院|予約|担当|事務|チャット|dm"
# Things, not people, falling over: "受付のポールが倒れそう", "傘立てが倒れかけてた".
THING_SUBJECT_BEFORE = (
    r"(スタンド|ポール|看板|棚|傘立て|かさたて|傘|自転車|花瓶|椅子|イス|本棚|ボトル|点滴台|木|ドミノ|タワー|マネキン|家具|テレビ|"
    r"モニター|パネル|ついたて|衝立|パーテーション|置物|植木|鉢|ラック|ワゴン|ポスター|のぼり|荷物|箱|ゴミ箱|ケース|机|テーブル|"
    r"ロッカー|瓶|びん|グラス|コップ|カップ|ペットボトル|会社|お店|内閣|政権|株価)(が|は|も)[^、。]{0,6}$"
)
THING_FALLING = THING_SUBJECT_BEFORE[:-1] + r"(倒れ|たおれ|崩れ|くずれ)"
# Someone else's story or something read: an acquaintance (not the family the patient looks after), another
# clinic, or the internet, with a hearsay ending. "友達がほかのクリニックで気を失ったって言ってました",
# "ネットでけいれんを起こした人がいるって読みました". A family member's state told now stays a report.
ACQUAINTANCE = (
    r"友達|友だち|ともだち|友人|知人|知り合い|しりあい|同僚|先輩|後輩|上司|部下|近所の|ママ友|いとこ|従兄弟|従姉妹|従兄|従姉|親戚"
    r"|叔母|叔父|伯母|伯父|おばさん|おじさん|有名人|芸能人|インフルエンサー|ある人|人から|ひとから|人の話|ひとのはなし"
)
SOURCE = (
    r"ネット|インターネット|sns|ブログ|ツイッター|twitter|インスタ|youtube|ユーチューブ|テレビ|雑誌|記事|口コミ|くちこみ|レビュー"
    r"|掲示板|知恵袋|ニュース|投稿|動画|論文|まとめサイト"
)
OTHER_PLACE = (
    r"(別の|べつの|ほかの|他の|よその|違う|ちがう)(クリニック|病院|医院|ところ|所|とこ|美容外科|美容クリニック|サロン|施設)"
    r"|よそ(で|の)|他院|ほかで"
)
HEARSAY_END = (
    r"(た|だ|る)そう(です|だ|で|な)|らし(い|く|かった)|(って|と)(言|い)(って(た|ました|いた|いました)|った|いました)"
    r"|(って|と)(聞|きい|きき)|(って|と)(話|はなし)(して(た|ました|いた|いました)|でした|だった|を)"
    r"|(って|と)(書|かい)|んだって|なんだって|とのこと|って(いう|言う)(話|の)|(た|だ)って(。|!|$)"
    r"|(という|って(いう|言う)?)(書き込み|投稿|記事|話|はなし|口コミ|レビュー|体験談|噂|うわさ|ニュース|動画|ツイート)"
)
READ_OR_SEEN_AFTER = r"(見|み|読|よ)(た|ました|まし|ん|て)"
# Long ago, with nothing about now: "妹が去年39度の熱を出して寝込みました".
PAST_TIME = (
    r"去年|昨年|一昨年|おととし|先月|先々月|(\d+|数|何|一|二|三|十)(年|か月|ヶ月|カ月|ヵ月|ケ月|箇月)前"
    r"|(子供|子ども|こども|小さい|幼い|若い|学生)(の)?(頃|ころ|時代)|独身の(頃|ころ)|結婚前|出産前"
)
RECENT = (
    r"今|(?<![てでしにがな])いま(?![すせし])|現在|さっき|先ほど|さきほど|今朝|けさ|今日|きょう|昨日|きのう|昨夜|ゆうべ|今夜|今晩"
    r"|まだ|いまだ|ずっと|続いて(い|る|ま)|助けて|たすけて|どうしよう|どうしたら|どうすれば"
)
PAST_FORM = r"(た|だ)(?!ら|り)|でした|ました"
# Pus or weeping from a wound, not an injection site, when the message names no treatment.
WOUND = (
    r"傷|きず|潰瘍|褥瘡|床ずれ|とこずれ|水虫|にきび|ニキビ|おでき|虫刺され|やけど|火傷|ピアス|巻き爪|糖尿病|アトピー|靴擦れ|くつずれ"
)
# A mild mark on the injection site: "打ったところに米粒くらいのしこり", "注射のあとに小さい水ぶくれ".
MILD_NEAR = r"小さ|ちいさ|米粒|こめつぶ|豆粒|小豆|あずき|ほんの|少し|すこし|ちょっと|わずか|軽い|かるい|うっすら|ぽこっ|ぷくっ|ミリ|\dcm|1センチ"

QUOTES = "「」『』\"“”'"
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
_FEVER_WORD = _compile(FEVER_WORD)
_PERSISTENT = _compile(PERSISTENT)
_NOT_BODY_TEMPERATURE = _compile(NOT_BODY_TEMPERATURE)
_NEGATED_AFTER = _compile(NEGATED_AFTER)
_HYPOTHETICAL_BEFORE = _compile(HYPOTHETICAL_BEFORE)
_HYPOTHETICAL_AFTER = _compile(HYPOTHETICAL_AFTER)
_GENERAL_AFTER = _compile(GENERAL_AFTER)
_FIGURATIVE_AFTER = _compile(FIGURATIVE_AFTER)
_FIGURATIVE_CHEST = _compile(FIGURATIVE_CHEST)
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
_EFFICACY_SENTENCE = _compile(EFFICACY_SENTENCE)
_ELIGIBILITY = _compile(ELIGIBILITY)
_THIRD_PARTY = _compile(THIRD_PARTY)
_RESCHEDULING = _compile(RESCHEDULING)
_ABOUT_THE_BOT = _compile(ABOUT_THE_BOT)
_AFTER_TREATMENT = _compile(AFTER_TREATMENT)
_SUDDEN = _compile(SUDDEN)
_COSMETIC = _compile(COSMETIC)
_CONFUSION_PREFACE_AFTER = _compile(CONFUSION_PREFACE_AFTER)
_MONEY = _compile(MONEY)
_HELP_FOR_INFO = _compile(HELP_FOR_INFO)
_SUSPECTED_AFTER = _compile(SUSPECTED_AFTER)
_CHRONIC_DURATION = _compile(CHRONIC_DURATION)
_HABITUAL = _compile(HABITUAL)
_COORDINATED_NEGATION_AFTER = _compile(COORDINATED_NEGATION_AFTER)
_WORD_QUESTION_AFTER = _compile(WORD_QUESTION_AFTER)
_WHEN_TO_CALL = _compile(WHEN_TO_CALL)
_DIFFERENCE_QUESTION = _compile(DIFFERENCE_QUESTION)
_HOW_LONG_AFTER = _compile(HOW_LONG_AFTER)
_WOUND = _compile(WOUND)
_JOKE = _compile(JOKE)
_FIGURATIVE_CAUSE = _compile(FIGURATIVE_CAUSE)
_EXAGGERATION_AFTER = _compile(EXAGGERATION_AFTER)
_UNRELATED_REQUEST = _compile(UNRELATED_REQUEST)
_IDIOM_AFTER = {_fold(phrase): _compile(after) for phrase, after in IDIOM_AFTER.items()}
_THING_SUBJECT_BEFORE = _compile(THING_SUBJECT_BEFORE)
_THING_FALLING = _compile(THING_FALLING)
_NOT_A_PERSON_ANSWER = _compile(NOT_A_PERSON_ANSWER)
_ACQUAINTANCE = _compile(ACQUAINTANCE)
_SOURCE = _compile(SOURCE)
_OTHER_PLACE = _compile(OTHER_PLACE)
_HEARSAY_END = _compile(HEARSAY_END)
_READ_OR_SEEN_AFTER = _compile(READ_OR_SEEN_AFTER)
_PAST_TIME = _compile(PAST_TIME)
_RECENT = _compile(RECENT)
_PAST_FORM = _compile(PAST_FORM)
_MILD_NEAR = _compile(MILD_NEAR)


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
    for bare in ("num2", "num3"):
        if match.group(bare):
            return float(match.group(bare))
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
        if match.group("num3") and not _FEVER_WORD.search(sentence):
            continue
        value = _temperature(match)
        if value >= HIGH_FEVER or (value >= FEVER_THRESHOLD and _PERSISTENT.search(sentence)):
            yield match


def _other_symptom_named(group: str, text: str) -> bool:
    return any(other != group and regex.search(text) for other, regex in _SYMPTOM_SUBJECTS.items())


def _chronic_disease_named(before: str) -> bool:
    """A standing disease named before the symptom, not as a suspicion ("脳梗塞かも、ろれつが…")."""
    return any(not _SUSPECTED_AFTER.search(before[m.end():]) for m in _CHRONIC_DISEASE_BEFORE.finditer(before))


def _someone_elses_story(sentence: str, after: str) -> bool:
    """Read or heard about someone else, or an acquaintance's past: "ネットでけいれんを起こした人がいるって読みました",
    "友達がほかのクリニックで気を失ったって言ってました", "同僚がよそで倒れたらしい"."""
    if _SOURCE.search(sentence) and (_HEARSAY_END.search(after) or _READ_OR_SEEN_AFTER.search(after)):
        return True
    if _RECENT.search(sentence):
        return False
    acquaintance, elsewhere = _ACQUAINTANCE.search(sentence), _OTHER_PLACE.search(sentence)
    if (acquaintance or elsewhere) and _HEARSAY_END.search(after):
        return True
    return bool(acquaintance and elsewhere and _PAST_FORM.search(after))


def _figurative(group: str, phrase: str, before: str, after: str, sentence: str, whole: str, treated: bool) -> bool:
    """Jokes, exaggerations, idioms and things falling over, when the message names no treatment."""
    if treated:
        return False
    for idiom, regex in _IDIOM_AFTER.items():
        if phrase.startswith(idiom) and regex.search(after):
            return True
    if group == "consciousness" and phrase[:2] in ("倒れ", "たお", "崩れ", "くず") and _THING_SUBJECT_BEFORE.search(before):
        return True
    if group == "consciousness" and ("返事" in phrase or "へんじ" in phrase) and _NOT_A_PERSON_ANSWER.search(before):
        return True
    if group not in FIGURATIVE_GROUPS:
        return False
    if _JOKE.search(whole):
        return True
    exaggerated = phrase.endswith("そう") or _EXAGGERATION_AFTER.search(after) or "すぎ" in before
    return bool(_FIGURATIVE_CAUSE.search(sentence) and (exaggerated or _UNRELATED_REQUEST.search(whole)))


def _rejection(group: str, sentence: str, original: str, start: int, end: int, whole: str) -> Optional[str]:
    """Why the symptom at sentence[start:end] is not a current report (negated, hypothetical,
    general, figurative, resolved, history ...), or None when it is one.

    `sentence` is folded to hiragana, `original` is the same sentence unfolded, `whole` the folded message."""
    before, after = sentence[:start], sentence[end:]
    clause_before = _clause_before(before, original[:start])
    clause_after = _clause_after(after, original[end:])
    treated = bool(_AFTER_TREATMENT.search(whole))
    sudden = bool(_SUDDEN.search(sentence))
    in_context = bool(treated or _SUDDEN.search(whole))
    phrase = sentence[start:end]

    # "呼んでも反応なし": the negation is the symptom itself
    no_answer = group == "consciousness" and phrase.endswith(("反応", "はんのう", "返事", "へんじ", "答え", "こたえ"))
    if (_NEGATED_AFTER.search(after) and not no_answer) or _COORDINATED_NEGATION_AFTER.search(after):
        return "negated"
    if _HYPOTHETICAL_BEFORE.search(clause_before) or _HYPOTHETICAL_AFTER.search(clause_after):
        return "hypothetical"
    if _FIGURATIVE_AFTER.search(clause_after) or (group == "chest" and _FIGURATIVE_CHEST.search(sentence)):
        return "figurative"
    if _figurative(group, phrase, before, after, sentence, whole, treated):
        return "figurative"
    if before and after and before[-1] in QUOTES and after[0] in QUOTES:
        return "general"
    if _WORD_QUESTION_AFTER.search(after) or _DIFFERENCE_QUESTION.search(sentence):
        return "general"
    if group in HOW_LONG_GROUPS and _HOW_LONG_AFTER.search(after):
        return "general"
    if group == "general_danger" and re.search(r"救急|きゅうきゅう|119", phrase):
        if _WHEN_TO_CALL.search(sentence):
            return "general"
        if re.search(r"なら|たら|れば|場合|ばあい|(時|とき)(は|に)", clause_before):  # "何度以上の熱なら119番?"
            return "hypothetical"
    if ("苦し" in phrase or "くるし" in phrase) and _MONEY.search(sentence):
        return "figurative"
    if group == "confusion" and _CONFUSION_PREFACE_AFTER.search(after):
        return "figurative"
    if phrase in ("助けて", "たすけて") and _HELP_FOR_INFO.search(sentence):
        return "general"
    if _GENERAL_AFTER.search(clause_after) or _GENERAL_QUESTION_AFTER.search(after):
        return "general"
    if _GENERAL_NOUN_AFTER.search(after):
        return "general"
    if _HEARSAY_AFTER.search(clause_after) and _QUESTION_OR_WORRY.search(after) and not _THIRD_PARTY.search(sentence):
        return "general"
    if _WORRY_AFTER.search(after):
        return "general"
    if _someone_elses_story(sentence, after):
        return "hearsay"
    resolved = _RESOLVED_AFTER.search(after)
    if resolved and not _RECURRED.search(after[resolved.end():]) and not _other_symptom_named(group, after[: resolved.start()]):
        return "resolved"
    if _HISTORY_BEFORE.search(clause_before) or _HISTORY_AFTER.search(after):
        return "history"
    if not treated and _PAST_TIME.search(sentence) and not _RECENT.search(sentence) and _PAST_FORM.search(after):
        return "history"
    if not treated and not sudden and (
        _chronic_disease_named(before) or _EFFICACY_SENTENCE.search(sentence)
        or _CHRONIC_DURATION.search(sentence) or _HABITUAL.search(sentence)
    ):
        return "chronic"
    if _EFFICACY_AFTER.search(after):
        return "efficacy"
    if group in ABOUT_THE_BOT_GROUPS and _ABOUT_THE_BOT.search(sentence):
        return "about_the_bot"
    if group in COSMETIC_GROUPS and _COSMETIC.search(sentence) and not in_context:
        return "efficacy"
    if group == "injection_site" and not treated and _WOUND.search(sentence):
        return "chronic"
    if group == "injection_site" and re.search(r"(紫|黒|変色)", phrase) and re.search(r"^[^、。]{0,4}(あざ|内出血)", after):
        return "mild"  # "紫っぽいあざ": a bruise
    if group == "injection_site" and re.search(r"(しこり|水ぶくれ|水疱)$", phrase) and (
        _MILD_NEAR.search(phrase) or _MILD_NEAR.search(clause_before[-8:])
    ):
        return "mild"
    if group in NEEDS_CONTEXT and not in_context:
        return "no_treatment_context"
    if group == "fever" and not treated and _THIRD_PARTY.search(sentence) and _RESCHEDULING.search(sentence):
        return "rescheduling"
    return None


def _candidates(sentence: str) -> Iterator[Tuple[str, int, int]]:
    for group, regexes in _GROUPS.items():
        if group == "fever":
            for match in _high_temperature(sentence):
                yield group, match.start(), match.end()
        for regex in regexes:
            for match in regex.finditer(sentence):
                if match.end() > match.start():
                    yield group, match.start(), match.end()


# ============================================================================================
# Other languages: short emergencies, matched on the text with its spaces kept.
# Latin-script languages are matched without accents ("não" -> "nao", "khó thở" -> "kho tho").
# Each language: symptom patterns by group, and the checks that make a match NOT a report:
#   hypothetical / general (a risk question) / history / figurative  anywhere in the sentence before
#   the match; negated  right before it; *_after  right after it; resolved  later in the sentence.
# ============================================================================================

_N = r"(?:can'?t|cannot|can not|couldn'?t|unable to)"  # English "cannot"

FOREIGN: Dict[str, Dict[str, List[str]]] = {
    "en": {
        "breathing": [
            _N + r" ?(breath|breathe|catch (my|his|her|their) breath|get (enough )?air)\b",
            r"\b(hard|difficult|struggling|struggle|trouble|difficulty|problems?|hard time) (to )?(breath|breathe|breathing)\b",
            r"\b(short(ness)? of breath|out of breath|breathless|gasping|wheez\w*|chok(ing|es)|suffocat\w*|struggling for (air|breath))\b",
            r"\b(not|isn'?t|is not|stopped|barely|hardly|no longer) breathing\b",
            r"\bbreathing (problems?|difficult(y|ies)|trouble|is (hard|difficult|fast|weird|strange|shallow|noisy))\b",
            r"\bthroat\b.{0,20}\b(clos(ing|e|es)|tight\w*|swell\w*|swollen|blocked)\b|\b(tight|swollen|closing) throat\b|\bhoarse\b",
        ],
        "chest": [
            r"\bchest\b.{0,25}\b(pains?|hurts?|hurting|ache|aching|tight\w*|pressure|heavy|heaviness|crush\w*|squeez\w*|burning|pounding)\b",
            r"\b(pain|tightness|pressure|heaviness) in (my|his|her|their|the) chest\b",
            r"\b(having|had|is having|think (i'?m|im|he'?s|she'?s) having) a heart attack\b",
        ],
        "consciousness": [
            r"\b(passed|blacked|passing|blacking|pass|black) out\b|\bfaint(ed|ing)\b|\b(feel|feeling|felt|going to|gonna|about to) faint\b",
            r"\bcollaps(ed|ing|es)\b|\b(unconscious|unresponsive|non-?responsive|not responsive)\b",
            r"\b(won'?t|will not|doesn'?t|does not|isn'?t|is not|not|can'?t get (him|her|them) to) (respond\w*|wake\w*)\b",
            r"\b(barely|hardly|only just|slow to|slow in) (respond\w*|responsive|conscious|awake|answer\w*|react\w*|wak\w*|mov\w*)\b",
            r"\b(won'?t|doesn'?t|isn'?t|not) answer(ing)? (me|us|when)\b|" + _N + r" wake (him|her|them|my \w+)( up)?\b",
            r"\b(seizures?|seizing|convuls\w*|fitting|jerking)\b",
            r"\b(dizzy|lightheaded|light-headed|spinning)\b.{0,20}" + _N + r" (stand|walk|get up)\b|" + _N + r" (get up|stand up)\b",
        ],
        "stroke": [
            r"\bface\b.{0,20}\b(droop\w*|dropp(ing|ed)|lopsided|uneven|crooked|sagging|fallen)\b|\bdroop\w* (face|mouth|smile|on one side)\b",
            r"\b(one side|half) of (his|her|my|their|the) (face|body|mouth)\b|\bslurr\w*\b|\bdrool\w*\b",
            _N + r" (lift|raise|move|feel|use|grip) (his|her|my|their|the) (left |right )?(arm|leg|hand|side)\b",
            r"\b(left|right|one) (arm|leg|hand|side) (is |feels |went |has gone )?(weak|numb|limp|dead)\b",
            r"\b(numb|weak)(ness)? (on|in|down) (one|the left|the right|his left|her left|his right|her right|my left|my right) side\b|\bnumb and weak\b|\bweak and numb\b",
            r"\b(worst|sudden|severe|thunderclap) headache\b|\b(double vision|seeing double)\b|" + _N + r" (speak|talk|walk straight)\b",
            r"\b(having|had|is having) a stroke\b|\bstroke symptoms\b",
        ],
        "confusion": [
            r"\b(he|she|they|mom|mum|mother|dad|father|husband|wife|grandma|grandpa|grandmother|grandfather|son|daughter|partner)('?s| is| seems| looks| got| suddenly| became| getting)?\b.{0,15}\bconfused\b",
            r"\bsudden(ly)? confus\w*\b|\bconfused and (dizzy|weak|drowsy|sleepy)\b|\b(disoriented|delirious|hallucinat\w*|incoheren\w*)\b",
            r"\b(doesn'?t|does not|didn'?t|can'?t|cannot|don'?t) (know|recogni[sz]e) (where (he|she|they|i) (is|am|are)|me|us|who (i|we) (am|are)|his own|her own|what day)\b",
            r"\b(talking|speaking|saying) (nonsense|gibberish|strange things|weird things)\b|\bnot making (any )?sense\b",
        ],
        "allergy": [
            r"\b(face|lips?|tongue|throat|eyes?|eyelids?|mouth|cheeks?)\b.{0,15}\b(swell\w*|swollen|puff(ing|ed) up|blow(ing)? up)\b",
            r"\bswell\w* (of|in) (the |my |his |her )?(face|lips?|tongue|throat)\b",
            r"\b(hives|welts|rash|itch\w*|red (spots|bumps|blotches))\b.{0,20}\b(all over|everywhere|spreading|whole body|entire body)\b",
            r"\b(whole|entire) body\b.{0,15}\b(itch\w*|hives|rash|red|swollen|covered)\b|\bhives\b",
            r"\banaphyla\w*\b|\ballergic (reaction|shock)\b",
        ],
        "bleeding": [
            r"\b(bleeding|blood)\b.{0,25}\b(won'?t|will not|doesn'?t|does not|not|can'?t|isn'?t|is not|hasn'?t|never) stop\w*\b",
            r"\bblood\b.{0,20}\b(pouring|gushing|spurting|everywhere)\b",
            r"\bcan'?t stop (the )?bleeding\b|\bbleeding (heavily|a lot|badly|profusely|everywhere|nonstop|non-stop)\b",
            r"\b(heavy|lots of|a lot of|so much) (bleeding|blood)\b|\b(vomit\w*|throw\w* up|cough\w* up|spit\w* up|puk\w*) blood\b",
            r"\bblood in (my |his |her )?(vomit|stool|poop|urine|pee)\b|\b(black|tarry|bloody) (stool|poop)s?\b",
        ],
        "vomiting": [
            _N + r" (keep|hold) (anything|water|fluids?|liquids?|food|even water|it) down\b",
            r"\b(vomit\w*|throw\w* up|puk\w*|being sick)\b.{0,15}\b(nonstop|non-stop|constantly|for hours|all (night|day)|everything|again and again|over and over|repeatedly|won'?t stop|\d+ times)\b",
            r"\b(keeps?|kept|keep on) (vomit\w*|throwing up|puking)\b|\b(diarrh?o?ea)\b.{0,10}\b(nonstop|non-stop|won'?t stop|for hours|constantly)\b",
        ],
        "fever": [
            r"\b(high|very high|raging|really high) (fever|temp\w*)\b|\b(fever|temp\w*)\b.{0,15}\b(won'?t|not|isn'?t|will not) (go|come|going|coming) down\b",
            r"\b(fever|temp\w*) (won'?t|will not|doesn'?t) break\b",
            r"\b(shaking|shivering|trembling|chills|rigou?rs)\b.{0,15}\b(uncontrollabl\w*|won'?t stop|nonstop|non-stop|can'?t stop|badly|so much)\b|\b(uncontrollabl\w*|violent\w*) (shaking|shivering|chills)\b",
        ],
        "shock": [
            r"\b(lips?|face|skin|fingers?|nails?)\b.{0,12}\b(blue|purple|grey|gray|ashen)\b|\bturning (blue|purple|grey|gray)\b",
            r"\b(cold sweat|clammy|ashen|white as a sheet|pale as a ghost)\b|\bpale\b.{0,15}\b(sweat\w*|clammy|cold|shaking|faint|dizzy)\b",
            r"\b(grey|gray)\b.{0,20}\b(sweat\w*|clammy)\b|\b(sweat\w*|clammy)\b.{0,20}\b(grey|gray|pale)\b",
        ],
        "injection_site": [
            r"\bred (streaks?|lines?)\b|\b(pus|oozing|abscess)\b|\btwice (its|the) (normal )?size\b",
            r"\b(redness|swelling)\b.{0,10}\b(spreading|getting bigger|growing|up (my|his|her) arm)\b|\b(hot|burning)\b.{0,10}\b(swollen|swelling)\b",
        ],
        "call_for_help": [
            r"\b(call(ed|ing)?|get|phone|dial) (an |the )?ambulance\b|\bambulance\b|\b(call|dial|calling|called)\s*(911|999|112|000)\b",
            r"\bemergency\b(?! (number|contact|line|plan|procedure|kit|support|care|services?|protocols?|system|response))",
            r"\b(please help|help me|help please|somebody help|someone help)\b(?!\s+(me\s+)?(choose|decide|understand|find|with|to|book|pick|figure|out|know|learn|compare|select|get|make|plan))|\bsos\b|\bhelp\s*!",
            r"\b(i'?m|i am|he'?s|she'?s|is) dying\b|\bi think (i'?m|i am|he'?s|she'?s) (going to|gonna) die\b",
        ],
    },
    "zh": {
        "breathing": [r"喘不(上|过|過)(气|氣)|呼吸困(难|難)|(不能|没法|沒法|无法|無法)呼吸|透不(过|過)(气|氣)|上不(来|來)(气|氣)|憋(气|氣)|窒息|呼吸(急促|很(困难|困難|急))|喉(咙|嚨)(好|很)?(紧|緊|肿|腫)"],
        "chest": [r"(胸口|胸部|胸)(好|很|非常|特别|特別|剧烈|劇烈)?(痛|疼|闷|悶|紧|緊|压|壓)|心(脏|臟)(好|很)?(痛|疼)|心(绞|絞)痛|胸痛"],
        "consciousness": [r"(晕|暈|昏)倒|昏迷|(晕|暈|昏)(过|過)去|失去(意识|意識)|不省人事|叫不(醒|应|應)|(没|沒)(有)?(反应|反應)|抽搐|(痉|痙)(挛|攣)|(癫|癲)(痫|癇)(发|發)作"],
        "stroke": [r"(脸|臉|嘴)(歪|一(边|邊))|(口齿|口齒|说话|說話|讲话|講話)(不清|含糊)|半(边|邊)(身体|身體)|(一侧|一側|一(边|邊))(手|脚|腳|身体|身體)?(无力|無力|麻|动不了|動不了)|(手|脚|腳)(没力|沒力|无力|無力)|流口水|中(风|風)|重影"],
        "confusion": [r"(认|認)不(出|得)|不(认|認)(识|識)(我|人|家人)|(意识|意識|神志)(模糊|不清)|胡言(乱|亂)(语|語)|(语|語)无伦次|語無倫次|(说话|說話|讲话|講話)(乱|亂)七八糟|不知道(自己)?在哪"],
        "allergy": [r"(红肿|紅腫)[^，,。]{0,4}(扩散|擴散|变大|變大)|(荨|蕁)麻疹|(风|風)(团|團)|(全身|浑身|渾身)[^，,。]{0,4}(痒|癢|疹|红|紅|肿|腫)|(脸|臉|嘴唇|嘴|舌头|舌頭|眼皮|喉咙|喉嚨)[^，,。]{0,3}(肿|腫)|(过|過)敏(反应|反應|性休克)?"],
        "bleeding": [r"(血|出血)[^，,。]{0,3}(止不住|停不下|不停|一直流)|流血不止|(吐|咳)血|便血|大出血"],
        "vomiting": [r"(吐|呕吐|嘔吐)[^，,。]{0,6}(不停|一直|停不下|(连|連)水|喝不下)|(喝水|水)(都|也)?[^，,。]{0,3}(喝不下|吐)|一直(吐|呕|嘔)"],
        "fever": [r"高(烧|燒)|(烧|燒)[^，,。]{0,3}(不退|退不下)|(发抖|發抖|打寒(战|戰)|寒(颤|顫))[^，,。]{0,3}(不停|一直)|一直(发抖|發抖)"],
        "shock": [r"(嘴唇|指甲|脸|臉)(发|發|变|變)?(紫|青)|冷汗|(脸|臉)色(苍白|蒼白|发白|發白)"],
        "call_for_help": [r"(救护|救護)(车|車)|急救|(打|叫|拨|撥)\s*(120|119|911)|救命|快(来|來)人"],
    },
    "ko": {
        "breathing": [r"숨(을|이)?\s*(못|안)\s*쉬|숨(이|을)?\s*(차|막|가빠|가쁘|막혀)|숨\s*쉬기(가)?\s*(힘들|어렵|곤란)|호흡(이|을)?\s*(곤란|힘들|못|안)|목(이|구멍이)?\s*(조여|막혀|부어|붓)"],
        "chest": [r"가슴(이|에)?\s*(너무|많이|엄청|갑자기|좀)?\s*(아파|아프|아픕|답답|조여|쥐어짜|찢어)|흉통"],
        "consciousness": [r"쓰러(졌|져|지)|기절|실신|의식(이|을)?\s*(없|잃|못)|(안|못)\s*깨어나|깨어나지\s*(않|못)|(반응|대답)(이|을)?\s*(없|안|못)|경련|발작|의식불명"],
        "stroke": [r"얼굴\s*(한쪽|반쪽|한 쪽)(이)?\s*(처지|쳐지|처졌|쳐졌|마비|돌아)|(말|발음)(이)?\s*(어눌|꼬|이상)|(한쪽|반쪽|한 쪽)\s*(팔|다리|손|몸)(이|에)?\s*(힘이 없|마비|저리|안 움직)|(팔|다리)(에|이)?\s*힘이\s*(안|없|빠)|침(을)?\s*흘리|뇌졸중|중풍"],
        "confusion": [r"(여기가|어디인지|어딘지)\s*(어딘지|모르)|못\s*알아보|알아보지\s*못|횡설수설|헛소리|정신(이)?\s*(혼미|오락가락)|의식이?\s*흐려"],
        "allergy": [r"두드러기|(얼굴|입술|혀|눈|목|눈꺼풀)(이|가)?\s*(부었|부어|붓|퉁퉁)|온몸(에|이)?\s*(가려|두드러기|발진|빨갛)|아나필락시스|알레르기\s*반응|쇼크"],
        "bleeding": [r"피(가|는)?\s*(안|잘 안|계속)\s*(멈|멎|흘)|피(가)?\s*멈추지\s*않|출혈(이)?\s*(심|계속)|피를?\s*토|토혈|각혈|혈변"],
        "vomiting": [r"(계속|자꾸)\s*(토|구토)|구토(가)?\s*(멈추지|안 멈|계속|심)|물(도|조차)?\s*(못|안)\s*마시|물만\s*마셔도\s*토"],
        "fever": [r"고열|열(이)?\s*(안\s*내려|내리지\s*않|안\s*떨어)|(오한|떨림)(이)?\s*(멈추지|심|안 멈|계속)|(몸|온몸)(이)?\s*(덜덜|벌벌)"],
        "shock": [r"(입술|얼굴|손끝|손톱)(이|가)?\s*(파랗|파래|보라|하얗|창백)|식은땀|창백"],
        "call_for_help": [r"구급차|응급실|살려\s*주"],
    },
    "vi": {
        "breathing": [r"\b(khong|ko|k) (the )?tho (duoc|dc)\b|\bkho tho\b|\bngat tho\b|\bhut hoi\b|\btho (gap|doc)\b|\bnghet tho\b|\b(co hong|hong) (bi )?(sung|nghen)\b"],
        "chest": [r"\b(dau|tuc|that) nguc\b|\bnguc (dau|tuc|that)\b"],
        "consciousness": [r"\b(bi |da |vua )?ngat (xiu|di|roi)\b|\bxiu\b|\bbi ngat\b|\bbat tinh\b|\bmat y thuc\b|\b(goi|lay) (khong|ko|mai khong) (tinh|day|tra loi)\b|\bkhong (tinh|phan ung|tra loi)\b|\bco giat\b|\bdong kinh\b"],
        "stroke": [r"\b(mat|mieng|moi) (bi )?(lech|meo|xe)\b|\b(meo|lech) (mieng|mat)\b|\bnoi (ngong|lap|kho|khong ro)\b|\b(yeu|te) (nua nguoi|mot ben)\b|\bmot ben (nguoi|mat|tay|chan) (bi )?(yeu|te|liet|lech)\b|\bdot quy\b|\btai bien\b"],
        "confusion": [r"\blu lan\b|\bmo man\b|\bnoi (nham|lung tung|linh tinh)\b|\bkhong (nhan ra|biet minh o dau)\b"],
        "allergy": [r"\bme day\b|\bphan ve\b|\bdi ung (nang|nghiem trong)\b|\bphan ung di ung\b|\b(moi|mat|luoi|mi mat|co hong|hong) (bi )?sung\b|\bsung (moi|mat|luoi)\b|\bngua (khap|toan than)\b"],
        "bleeding": [r"\bchay mau (khong|ko) (cam|ngung|dung|het)\b|\bmau (chay )?(khong|ko) (cam|ngung|dung)\b|\bchay mau nhieu\b|\b(non|ho) ra mau\b"],
        "vomiting": [r"\bnon (lien tuc|mai|nhieu lan|khong ngung)\b|\b(uong|an) (nuoc|gi) (cung|la) (non|oi)\b"],
        "fever": [r"\bsot cao\b|\bsot (khong|ko) (ha|giam|ngung)\b|\b(run|ret run) (cam cap|ban bat|khong ngung|du doi)\b"],
        "shock": [r"\b(moi|mat|mong tay) (tim|tai nhot|xanh)\b|\bmo hoi lanh\b"],
        "call_for_help": [r"\bcap cuu\b|\bcuu (toi|voi|em)\b|\b115\b"],
    },
    "pt": {
        "breathing": [r"\b(nao|nem) (consigo|consegue|consegui|da pra|da para) respirar\b|\bfalta (de|o) ar\b|\bfaltando ar\b|\bsem ar\b|\bdificuldade (para|pra|de) respirar\b|\bsufoc\w*\b|\bchiado\b|\bgarganta (fechando|inchad\w*|inchando|apertada)\b"],
        "chest": [r"\bdor (forte |muito forte |intensa )?no peito\b|\bpeito (doendo|apertado|pesado|doi)\b|\baperto no peito\b|\binfarto\b"],
        "consciousness": [r"\bdesmai\w*\b|\bperdeu (a )?consciencia\b|\binconsciente\b|\bnao (acorda|responde|reage)\b|\bconvuls\w*\b|\bdesacordad\w*\b"],
        "stroke": [r"\bnao (consegue|consigo|pode|conseguiu) (mexer|mover|levantar|sentir|usar) (o|a|os|as|seu|sua|meu|minha) (braco|perna|mao|lado)s?\b|\bfal(a|ando) (estranho|esquisito|enrolado|embolado|arrastado|errado|tudo errado)\b|\b(rosto|boca|cara) (dele |dela )?(caiu|caido|torto|torta|entortou|paralisad\w*)\b|\bfala (ta |esta )?(enrolada|arrastada|embolada|estranha)\b|\b(braco|perna|lado) (sem forca|fraco|dormente|paralisad\w*)\b|\bavc\b|\bderrame\b"],
        "confusion": [r"\bconfus[oa]\b(?! (com|sobre))|\bdesorientad[oa]\b|\bdelirando\b|\bnao (sabe|reconhece) (onde|quem|ninguem|a gente)\b|\bnao me reconhece\b|\bfalando coisas? sem sentido\b"],
        "allergy": [r"\burticaria\b|\banafila\w*\b|\b(boca|labios?|lingua|rosto|olhos?|garganta|cara) (ta |esta |estao |ficou |ficaram )?(inchad\w*|inchando)\b|\breacao alergica\b|\bcoceira (no corpo todo|pelo corpo)\b|\b(manchas|placas|vergoes|bolinhas) (pelo|no) corpo\b"],
        "bleeding": [r"\b(sangue|sangramento)\b.{0,15}\bnao (para|parou|estanca)\b|\bnao para de sangrar\b|\bsangrando (muito|sem parar)\b|\b(vomit\w*|tossindo) sangue\b"],
        "vomiting": [r"\bvomit\w* (sem parar|muito|tudo|o tempo todo)\b|\bnem (a )?agua (para|fica|parou)\b|\bnao (consigo|consegue) (beber|tomar) (nem )?agua\b"],
        "fever": [r"\bfebre (alta|muito alta|nao (baixa|passa|cede))\b|\btremendo (muito|sem parar)\b|\bcalafrios?\b.{0,10}\b(sem parar|fortes?|muito)\b"],
        "shock": [r"\bsuando frio\b|\bsuor frio\b|\b(labios?|boca|dedos|unhas) (roxos?|roxas?|azul|azuis|arroxead\w*)\b|\bmuito palid\w*\b"],
        "call_for_help": [r"\bambulancia\b|\bsamu\b|\b192\b|\bsocorro\b|\bme ajuda\b|\bemergencia\b|\bpronto[- ]socorro\b"],
    },
    "es": {
        "breathing": [r"\bno (puedo|puede|podia|logro) respirar\b|\b(me |le )?falta (el )?aire\b|\bdificultad para respirar\b|\b(me|se) ahog\w*\b|\bsilbido\b|\bgarganta (cerrada|cerrando|hinchada|apretada)\b|\bse (me |le )?cierra la garganta\b"],
        "chest": [r"\bdolor (fuerte |muy fuerte |intenso )?(en el|de) pecho\b|\b(me |le )?duele (mucho )?el pecho\b|\bpecho (apretado|oprimido)\b|\bopresion en el pecho\b|\binfarto\b"],
        "consciousness": [r"\bdesmay\w*\b|\bperdio (el )?conocimiento\b|\binconsciente\b|\bno (despierta|responde|reacciona)\b|\bconvulsi\w*\b"],
        "stroke": [r"\bno (puede|puedo|podia|pudo) (mover|levantar|sentir|usar|apretar|mantener) (el|la|los|las|su|sus|mi|mis) (brazo|pierna|mano|pie|lado)s?\b|\bhabla (raro|rara|extran\w*|enredad\w*|arrastrad\w*|incoherente|trabad\w*|torcid\w*)\b|\bse le (cayo|cae) (la cara|la boca|el labio|un lado)\b|\b(cara|boca) (caida|torcida|chueca|paralizada)\b|\bcara .{0,10}de un lado\b|\bno habla bien\b|\barrastra las palabras\b|\b(brazo|pierna|lado) (sin fuerza|debil|dormid[oa]|paralizad[oa])\b|\bderrame( cerebral)?\b|\bictus\b"],
        "confusion": [r"\bconfundid[oa]\b(?! (con|sobre|por))|\bdesorientad[oa]\b|\bdelirando\b|\bno (me |nos )?reconoce\b|\bno sabe (donde|quien)\b|\bdice cosas sin sentido\b|\bincoherente\b"],
        "allergy": [r"\bronchas\b|\burticaria\b|\banafila\w*\b|\b(labios?|lengua|cara|ojos?|parpados?|garganta|boca) (se (me |le )?)?hinch\w*\b|\bse (me |le )?hinch\w* (los |la |el )?(labios?|lengua|cara|ojos?|garganta)\b|\breaccion alergica\b|\b(comezon|picazon) (en todo el cuerpo|por todo)\b"],
        "bleeding": [r"\bno (para|deja) de sangrar\b|\b(la )?sangre no (para|se detiene)\b|\bsangrando (mucho|sin parar)\b|\bsangrado (abundante|que no para)\b|\b(vomit\w*|tos\w*) sangre\b"],
        "vomiting": [r"\bvomit\w* (todo|sin parar|mucho|todo el tiempo|a cada rato)\b|\bni (el )?agua (me |le )?(queda|aguanto|retengo|tolero)\b|\bno (tolero|retengo|aguanto) (ni )?(el )?agua\b|\bno puedo (tomar|beber) (ni )?agua\b"],
        "fever": [r"\bfiebre (alta|muy alta|que no baja)\b|\bescalofrios\b.{0,15}\b(no paran|fuertes|sin parar)\b|\btembl\w* (mucho|sin parar)\b"],
        "shock": [r"\bsud(or|ando) frio\b|\b(labios|unas|dedos) (morados|azules)\b|\bmuy palid[oa]\b"],
        "call_for_help": [r"\bambulancia\b|\b911\b|\bemergencia\b|\burgencias\b|\bauxilio\b|\bsocorro\b|\bayuda\s*!|\bayudenme\b"],
    },
    "tl": {
        "breathing": [r"\bmakahinga\b|\bhirap (na )?(huminga|sa paghinga)\b|\bkapos (ang|sa) hininga\b|\bhinihingal\b|\bnaninikip ang lalamunan\b"],
        "chest": [r"\b(masakit|sumasakit|naninikip|mabigat) (ang |na )?dibdib\b|\bsakit (ng|sa) dibdib\b|\bdibdib (ko )?(ay )?(masakit|naninikip|sumasakit)\b"],
        "consciousness": [r"\bnahimatay\b|\bhinimatay\b|\bwalang malay\b|\bnawalan (ng|nang) malay\b|\bhindi (magising|gumigising|sumasagot|tumutugon)\b|\bnangingisay\b|\bkombulsyon\b"],
        "stroke": [r"\b(tumabingi|tabingi|lumaylay|nakalaylay) (ang )?(mukha|bibig)\b|\bmukha\b.{0,10}\b(tumabingi|tabingi|lumaylay)\b|\bbulol\b|\b(hindi|di) (maigalaw|maiangat|makagalaw)\b|\bnamamanhid (ang )?(kalahati|isang)\b"],
        "confusion": [r"\bnalilito\b|\b(makilala|nakikilala)\b|\bnagdedeliryo\b|\bwala sa sarili\b"],
        "allergy": [r"\bpantal\b|\bnamamaga (ang )?(mukha|labi|dila|lalamunan|mata)\b|\b(mukha|labi|dila|lalamunan|mata) (ay )?(namamaga|maga)\b|\bkati (sa|ng) buong katawan\b"],
        "bleeding": [r"\b(ayaw|hindi) (tumigil|huminto|maampat)\b.{0,10}\bdugo\b|\bdugo\b.{0,15}\b(ayaw|hindi) (tumigil|huminto|maampat)\b|\b(sumusuka|nagsusuka|umuubo) (ng )?dugo\b|\bdumudugo (pa rin|nang husto|ng husto)\b"],
        "vomiting": [r"\bsuka (nang|ng) suka\b|\bisinusuka\b|\bnagsusuka (pa rin|nang husto|palagi)\b|\b(hindi|di) (makainom|mapanatili)\b"],
        "fever": [r"\bmataas na lagnat\b|\blagnat\b.{0,10}\b(hindi|ayaw) bumaba\b|\bnanginginig (nang|ng) (husto|todo)\b|\bginaw na ginaw\b"],
        "shock": [r"\bmalamig na pawis\b|\b(labi|kuko) (ay )?(kulay )?(ube|asul|violet)\b|\bmaputla\b"],
        "call_for_help": [r"\bambulans(i)?ya\b|\btulong\s*!|\btulungan (mo |niyo |nyo )?(ako|kami)\b|\bsaklolo\b"],
    },
    "id": {
        "breathing": [r"\b(tidak|tak|gak|ga|nggak) (bisa|dapat) (bernapas|bernafas|napas|nafas)\b|\bsesak( napas| nafas)?\b|\b(susah|sulit) (bernapas|napas|nafas|bernafas)\b|\btenggorokan (bengkak|tercekik|menyempit)\b"],
        "chest": [r"\b(nyeri|sakit) dada\b|\bdada (sakit|nyeri|sesak|terasa berat|ditekan)\b"],
        "consciousness": [r"\bpingsan\b|\btidak sadar(kan diri)?\b|\bhilang kesadaran\b|\b(tidak|tak|gak) (bangun|merespons|respon|menjawab)\b|\bkejang\b"],
        "stroke": [r"\bwajah\b.{0,10}\b(mencong|miring|turun|perot)\b|\bmulut (mencong|miring|perot)\b|\bbicara (pelo|cadel|tidak jelas)\b|\bpelo\b|\blemah (sebelah|separuh)\b|\b(tangan|kaki) (sebelah|kanan|kiri) (lemas|lemah|mati rasa)\b"],
        "confusion": [r"\btiba-tiba bingung\b|\bjadi bingung\b|\blinglung\b|\bmengigau\b|\bngelantur\b|\b(tidak|tak|gak) (kenal|mengenali) (saya|aku|kami)\b"],
        "allergy": [r"\bbiduran\b|\bkaligata\b|\bgatal-?gatal (di )?seluruh (badan|tubuh)\b|\bruam (di )?seluruh\b|\b(bibir|wajah|muka|lidah|mata|tenggorokan) (jadi |menjadi )?bengkak\b|\bbengkak (di )?(bibir|wajah|muka|lidah|mata)\b|\breaksi alergi\b|\banafila\w*\b"],
        "bleeding": [r"\bdarah\b.{0,10}\b(tidak|tak|gak) (berhenti|mau berhenti)\b|\bpendarahan (hebat|tidak berhenti)\b|\b(muntah|batuk) darah\b"],
        "vomiting": [r"\bmuntah (terus|-muntah)\b|\bmuntah-muntah\b|\bminum (air )?(pun |juga )?muntah\b|\b(tidak|tak|gak) bisa (minum|menahan)\b"],
        "fever": [r"\bdemam tinggi\b|\bdemam (tidak|tak|gak) turun\b|\bmenggigil (hebat|terus)\b|\bpanas tinggi\b"],
        "shock": [r"\bkeringat dingin\b|\b(bibir|kuku) (biru|membiru|ungu)\b|\bpucat\b"],
        "call_for_help": [r"\bambulans\b|\btolong( saya| kami)?\s*!|\btolong saya\b|\bgawat darurat\b|\bugd\b"],
    },
    "ne": {
        "breathing": [r"सास\s*(फेर्न)?\s*(सकिन|सक्दिन|सकेन|सक्नुहुन्न|गाह्रो|रोकि|फुल)"],
        "chest": [r"छाती\s*(धेरै|एकदम)?\s*(दुख|पोल|कस|भारी|च्याप)"],
        "consciousness": [r"बेहोस|होस\s*(छैन|गुम|हरा)|उठ्नुहुन्न|उठ्दैन|ब्युँझ|ब्यूँझ|मुर्छा|छारे"],
        "stroke": [r"(मुख|अनुहार)\s*(बाङ्गो|बांगो|एकातिर|ढल्क)|बोली\s*(लरबरा|अस्पष्ट|लट्पट)|(एकातिरको|एक तर्फको)\s*(हात|खुट्टा|शरीर)|पक्षाघात"],
        "confusion": [r"(चिन्नु|चिन्न)\s*(हुन्न|सक्नु|सकिन)|अलमल|बरबराउ"],
        "allergy": [r"डाबर|पित्त\s*(आयो|उठ्यो|निस्क)|(ओठ|अनुहार|जिब्रो|घाँटी|आँखा)\s*(सुन्नि|फुल)"],
        "bleeding": [r"रगत\s*(रोकि|थामि|बग्न)|रगत\s*बान्ता"],
        "vomiting": [r"बान्ता\s*(रोकि|भइरह|गरिरह)|पानी\s*(पनि|समेत)?\s*(बान्ता|पिउन सकि|अडि)"],
        "fever": [r"(ज्वरो|ज्वर)\s*(धेरै|उच्च|तेज)|उच्च\s*ज्वरो|(ज्वरो|ज्वर)\s*(घटेन|झरेन)|काम्ने|कामिरहे"],
        "shock": [r"चिसो\s*पसिना|(ओठ|नङ)\s*(निलो|नीलो|बैजनी)|फिक्का"],
        "call_for_help": [r"एम्बुलेन्स|एम्बुलेंस|बचाउ|आपतकालीन"],
    },
    "th": {
        "breathing": [r"หายใจ\s*(ไม่ออก|ไม่ทัน|ลำบาก|ติดขัด|ไม่ได้|หอบ)|หอบ(?!หืด)|แน่นหน้าอก"],
        "chest": [r"(เจ็บ|ปวด|แน่น)\s*(หน้า)?อก"],
        "consciousness": [r"เป็นลม|หมดสติ|ไม่รู้สึกตัว|(เรียก|ปลุก)\s*ไม่\s*(ตื่น|ตอบ|รู้สึกตัว)|ชักเกร็ง|ชักกระตุก|กำลังชัก|มีอาการชัก|ชักไม่หยุด|หน้ามืด"],
        "stroke": [r"(หน้า|ปาก)\s*(เบี้ยว|ตก|ห้อย)|พูด\s*(ไม่ชัด|ลำบาก|ไม่ได้)|(แขน|ขา)\s*(ข้างหนึ่ง|ซีกหนึ่ง)?\s*อ่อนแรง|ชาครึ่งซีก|อ่อนแรงครึ่งซีก|อัมพาต"],
        "confusion": [r"สับสน|จำ\s*(ฉัน|ใคร)\s*ไม่ได้|เพ้อ|ไม่รู้ว่าอยู่ที่ไหน"],
        "allergy": [r"ผื่น\s*(ขึ้น)?\s*(ทั้งตัว|เต็มตัว|ลาม)|ลมพิษ|(ปาก|หน้า|ตา|ลิ้น|คอ|ริมฝีปาก)\s*บวม|แพ้\s*รุนแรง"],
        "bleeding": [r"เลือด\s*(ไหล)?\s*ไม่\s*หยุด|เลือดออก\s*(ไม่หยุด|มาก)|(อาเจียน|ไอ)เป็นเลือด"],
        "vomiting": [r"(อาเจียน|อ้วก)\s*(ไม่หยุด|ตลอด|หลายครั้ง)|(ดื่ม|กิน)\s*น้ำ\s*(ก็)?\s*(อาเจียน|อ้วก)"],
        "fever": [r"ไข้\s*สูง|ไข้\s*ไม่\s*ลด|หนาวสั่น"],
        "shock": [r"เหงื่อแตก|เหงื่อเย็น|ตัวเย็น|(ปาก|ริมฝีปาก|เล็บ)\s*(ม่วง|เขียว)|หน้าซีด"],
        "call_for_help": [r"รถพยาบาล|ช่วยด้วย|ฉุกเฉิน|1669"],
    },
}

# A body temperature written with digits, in any of the languages above: counts from 38.5 °C
# (101.5 °F) when a fever word is in the same sentence ("fever 39.8", "febre de 39,8", "발열 39도").
FOREIGN_FEVER_WORD = (
    r"fever|temp|febre|fiebre|\bsot\b|lagnat|demam|suhu|\bpanas\b|열|체온|发烧|發燒|发热|發熱|体温|體溫|ไข้|อุณหภูมิ|ज्वरो|ज्वर"
)
FOREIGN_TEMPERATURE = r"(?<![\d.,])(?P<c>(3[5-9]|4[0-2]))([.,](?P<tenth>\d))?(?![\d])|(?<![\d.])(?P<f>1(0\d))([.](\d))?\s*(°\s*f|f\b|degrees)"

# Context checks per language (searched on the accent-free, lower-case sentence).
FOREIGN_CONTEXT: Dict[str, Dict[str, str]] = {
    "en": {
        "hypothetical": r"(?<!know )(?<!sure )(?<!wonder )(?<!wondering )\b(if|what if|in case|suppose|supposing|unless|what happens when|what (should|do) (i|we) do (if|when)|what to do (if|when))\b|\bin (an?|case of( an?)?|the event of( an?)?)\s*$",
        "general": (
            r"\b(chances?|risks?|likely|likelihood|probability|possible|possibility|how (common|often|likely|many)|"
            r"(does|can|could|will|would|might) (it|this|that|the \w+|secretome|exosomes?|the treatment|the drip|the injection) (cause|make|give|lead|trigger|result)|"
            r"side effects?|ever (get|had|have|happen)|anyone (ever|get|got|had)|has anyone|do people|people (get|have)|"
            r"worried about|afraid of|scared of|concerned about|nervous about|precautions?|prepared for|"
            r"(is|are) (it|there|that) (common|possible|rare)|is \w+ (common|possible|rare)|reported|cases of|"
            r"when (should|do|to|would|must|is it|can)|what does|meaning of|definition of)\b|\bwhat(s|'s| is| are) (an? )?$"
        ),
        "history": r"\b(history of|in the past|used to|as a (kid|child|teen)|previously|years ago|months ago|once had|last year|have had .{0,20} before)\b",
        # someone else's story, read or heard: "I heard from a friend that she fainted", "I read online that someone had a seizure"
        "hearsay": (
            r"\b(heard|read) (that|about|online|from|somewhere|on |in )|\b(saw|seen|watched) (it )?(online|on (reddit|facebook|instagram|tiktok|youtube|twitter|the news|the internet|social media|a forum)|a (post|story|video|review))"
            r"|\b(someone|somebody) (had|got|went|once)\b|\b(friend|coworker|co-worker|colleague|acquaintance|neighbou?r|cousin|someone|somebody|people)\b.{0,30}\b(said|told|says|mentioned|posted|wrote)\b"
            r"|\b(online|internet|forum|reddit|social media|in the news|tiktok|youtube)\b"
            r"|\b(another|other|a different) clinic\b"
        ),
        # a standing condition, not a reaction: "my father has Alzheimer's and often doesn't know where he is"
        "chronic": r"\b(alzheimer'?s?|dementia|parkinson'?s?|for (years|months)|chronic\w*|since (his|her|my) stroke)\b",
        "sudden": r"\b(sudden\w*|all of a sudden|just now|right now|now|this (morning|evening|afternoon)|today|tonight|(an|one|two|\d+) hours? ago|minutes ago|after the (drip|iv|infusion|injection|shot|treatment))\b",
        "figurative": r"\b(lol|lmao|haha\w*|jk|kidding|killing me|dying to|dying for|dying of|skipped a beat|took my breath away|take my breath away|breathtaking|price|cost|movie|film|song)\b|😂|🤣",
        # "no chest pain or breathing problems": the negation covers both
        "negated": r"\b(no|without|never|not any|don'?t have( any)?|didn'?t have( any)?|haven'?t had( any)?|do not have|did not have|free of|denies|nor)\s+(\w+\s+){0,2}((or|nor)\s+(\w+\s+){0,2})?$",
        "negated_after": r"^\s*(is|are|was|were)\s+(not|no longer)\b",
        "hypothetical_after": r"^[^,.!?]{0,3}\b(if|in case)\b",
        "general_after": r"^[^,.!?]{0,25}\b(a |one of the |common |possible |known |rare )?side effects?\b|^[^,.!?]{0,20}\b(common|possible|likely|normal side)\b\s*\?|^\s*(mean|means|stand for)\b",
        "resolved": r"\b(gone now|went away|is gone|has gone|passed now|better now|fine now|ok now|okay now|resolved|subsided|no longer|stopped now|feel fine)\b",
    },
    "zh": {
        "hypothetical": r"如果|要是|万一|萬一|假如|假设|假設|的话|的話",
        "general": r"会不会|會不會|会有|會有|会出现|會出現|会引起|會引起|会导致|會導致|可能|风险|風險|几率|機率|概率|副作用|有没有人|有沒有人|常见|常見|容易",
        "history": r"以前|曾经|曾經|过去|過去|病史|去年|前年|小时候|小時候",
        "hearsay": r"听说|聽說|据说|據說|网上|網上|新闻|新聞|看到有人|有人说|有人說|朋友说|朋友說|同事说|同事說|别的(诊所|医院)|別的(診所|醫院)",
        "chronic": r"老年痴呆|失智|阿尔茨海默|阿茲海默|帕金森|多年|常常|经常|經常|总是|總是|慢性",
        "sudden": r"突然|忽然|刚才|剛才|现在|現在",
        "figurative": r"哈哈|笑死",
        "negated": r"(没有|沒有|无|無|不会|不會)\s*$",
        "resolved": r"已经好了|已經好了|好了|退了|消了|停了",
    },
    "ko": {
        "hypothetical": r"만약|만일",
        "general": r"가능성|위험|확률|부작용|흔한가요|생길 수|경우가 있|걱정|무서|얼마나|흔히|흔한|어떤 (증상|경우|때)|무슨 뜻|뜻이|의미",
        "hearsay": r"인터넷|온라인|들었|봤어|봤는데|글을 봤|글 봤|뉴스|기사|카더라|지인|다른 병원|다른 클리닉",
        "chronic": r"치매|파킨슨|알츠하이머|오래전부터|몇 년째|만성",
        "sudden": r"갑자기|방금|지금",
        "history": r"예전에|과거에|옛날에|적이 있",
        "figurative": r"ㅋㅋ|ㅎㅎ",
        "negated": r"(안|없이)\s*$",
        "negated_after": r"^[가-힣]{0,2}(는|은|도)?\s?(없어|없습|없고|없었)",
        "hypothetical_after": r"^[가-힣]{0,3}면(\s|$|,|\?)",
        "general_after": r"^[^.?!]{0,12}(수 있나요|수 있어요|가능성|위험|부작용|경우가 있|걱정|무서|얼마나|자주|생기나요|생길까요|나타나나요|일어나나요|뭐예요|무엇|뜻)",
        "resolved": r"괜찮아졌|나았|멈췄|가라앉았",
    },
    "vi": {
        "hypothetical": r"\b(neu|gia su|lo nhu|trong truong hop)\b",
        "general": r"\b(nguy co|kha nang|ti le|ty le|tac dung phu|co thuong)\b",
        "general_sentence": r"\bco the\b.{0,30}\bkhong\b",  # "có thể bị khó thở không?" (can it ...?)
        "history": r"\b(truoc day|tung bi|da tung|tien su|nam ngoai|nam truoc)\b",
        "hearsay": r"\b(doc (tren|o|bao|thay|duoc)|nghe noi|nghe ke|tren mang|tren mxh|tren bao|ban (toi|em|minh) (noi|ke)|nguoi quen|phong kham khac)\b",
        "figurative": r"\b(haha|hihi)\b",
        "negated": r"\b(khong (bi|co)|khong he)\s+(\w+\s+){0,1}$",
        "resolved": r"\b(da (het|khoi|do)|het roi|khoi roi)\b",
    },
    "pt": {
        "hypothetical": r"(^|\b(e|o que (eu )?faco|o que fazer|devo\b.{0,20}))\s*se\b|\bcaso\b|\bem caso de\b",
        "general": r"\b(risco|riscos|chance|probabilidade|possivel|pode (causar|dar|provocar|ter)|efeitos? colatera\w*|e normal|costuma|alguem ja|com que frequencia|quando (devo|chamar|ligar)|o que (e|significa))\b",
        "history": r"\b(ja tive|historico|no passado|anos atras|quando (era )?crianca|ano passado)\b",
        "hearsay": (
            r"\b(amig[oa]s?|conhecid[oa]s?|colegas?|vizinh[oa]s?|prim[oa]s?|alguem|pessoas?)\b.{0,30}\b(disse|falou|contou|comentou|postou|diz|dizem)\b"
            r"|\bouvi dizer\b|\bli (na|no|em|que)\b|\bvi (na|no|em) (internet|instagram|facebook|youtube|tiktok|noticia|jornal|tv)\b"
            r"|\b(internet|online|instagram|facebook|youtube|forum|tiktok)\b|\boutra clinica\b|\balguem (teve|ficou|passou)\b"
        ),
        "chronic": r"\b(alzheimer|demencia|parkinson|ha anos|faz anos|cronic\w*)\b",
        "sudden": r"\b(de repente|agora|hoje|ha pouco|do nada)\b",
        "figurative": r"\b(kkk+|haha\w*|rsrs)\b",
        "negated": r"\b(sem|nenhum|nenhuma|nao (tenho|tive|tem|teve|sinto|senti))\s+(\w+\s+){0,2}$",
        "resolved": r"\b(ja passou|passou|melhorou|parou)\b",
    },
    "es": {
        "hypothetical": r"\bsi\b(?!\s*[,!.])|\ben caso de\b|\bque pasa si\b",
        "general": r"\b(riesgo|riesgos|probabilidad|posible|puede (causar|dar|provocar)|efectos? secundarios?|es normal|es comun|alguien (ha|ya)|frecuencia|que tan (comun|seguido|frecuente)|a menudo|suele|cuando (debo|llamar|hay que)|que (es|significa))\b",
        "history": r"\b(historial|antecedentes|ya tuve|hace (anos|meses)|de nin[oa]|el ano pasado)\b",
        "hearsay": (
            r"\b(amig[oa]s?|conocid[oa]s?|companer[oa]s?|vecin[oa]s?|prim[oa]s?|alguien|gente)\b.{0,30}\b(dijo|conto|comento|publico|dice|dicen|cuenta)\b"
            r"|\bescuche que\b|\blei (que|en)\b|\bvi en (internet|instagram|facebook|youtube|tiktok|las noticias|la tele)\b"
            r"|\b(internet|en linea|redes|foro|facebook|instagram|tiktok|youtube)\b|\botra clinica\b|\balguien (tuvo|le dio)\b"
        ),
        "chronic": r"\b(alzheimer|demencia|parkinson|desde hace (anos|meses)|hace anos|cronic\w*)\b",
        "sudden": r"\b(de repente|repentinamente|ahora|ahorita|hoy|hace un rato|de la nada)\b",
        "figurative": r"\b(jaja\w*|jeje\w*)\b",
        "negated": r"\b(sin|ningun|ninguna|no (tengo|tuve|tiene|tuvo|siento|senti))\s+(\w+\s+){0,2}$",
        "resolved": r"\b(ya (paso|se me paso|estoy bien)|se me quito|se quito)\b",
    },
    "tl": {
        "hypothetical": r"(?<!alam )\b(kung|paano kung|sakaling|kapag)\b",
        "general": r"\b(posible|panganib|side effects?|normal ba|may tsansa|delikado ba)\b",
        "history": r"\b(dati|noon)\b",
        "figurative": r"\b(haha\w*|hehe\w*)\b",
        "negated": r"\b(walang|wala (akong|siyang|naman))\s+(\w+\s+){0,2}$",
        "resolved": r"\b(nawala na|okay na|ok na|magaling na)\b",
    },
    "id": {
        "hypothetical": r"\b(jika|kalau|bila|apabila|seandainya|andaikan)\b",
        "general": r"\b(risiko|kemungkinan|efek samping|apakah (bisa|dapat|akan|mungkin)|bisa(kah)? (menyebabkan|bikin))\b",
        "history": r"\b(dulu|pernah|riwayat)\b",
        "figurative": r"\b(wkwk\w*|haha\w*)\b",
        "negated": r"\b(tidak ada|tanpa)\s+(\w+\s+){0,2}$",
        "resolved": r"\b(sudah (hilang|sembuh|reda|baikan))\b",
    },
    "ne": {
        "hypothetical": r"यदि|अगर|कदाचित",
        "general": r"जोखिम|सम्भावना|साइड इफेक्ट|हुन सक्छ",
        "history": r"पहिले|विगतमा",
        "negated_after": r"^\s*(छैन|भएन|हुँदैन)",
        "hypothetical_after": r"^\S*\s*(भने)",
    },
    "th": {
        "hypothetical": r"ถ้า|หาก|กรณี|เผื่อ",
        "general": r"ความเสี่ยง|โอกาส|ผลข้างเคียง|เป็นไปได้",
        "history": r"เคย|ก่อนหน้านี้",
        "figurative": r"555",
        "negated": r"ไม่มี\s*$",
        "general_after": r"^\s*(ได้)?\s*(ไหม|มั้ย|หรือเปล่า|หรือไม่)",
    },
}

# Which scripts each language needs; a language's patterns run only on texts that have its script
# (Chinese only on texts without kana: a Japanese message with kanji is Japanese).
_SCRIPT = {
    "latin": re.compile(r"[a-z]"),
    "han": re.compile(r"[\u3400-\u9fff]"),
    "hangul": re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "devanagari": re.compile(r"[\u0900-\u097f]"),
    "thai": re.compile(r"[\u0e00-\u0e7f]"),
}
_LANGUAGE_SCRIPT = {"en": "latin", "vi": "latin", "pt": "latin", "es": "latin", "tl": "latin", "id": "latin",
                    "zh": "han", "ko": "hangul", "ne": "devanagari", "th": "thai"}
_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")

# Patterns are normalised as the text is (NFKC writes Thai ำ as two characters, for one).
_FOREIGN = {
    lang: {group: [re.compile(unicodedata.normalize("NFKC", p)) for p in patterns] for group, patterns in groups.items()}
    for lang, groups in FOREIGN.items()
}
_FOREIGN_CONTEXT = {
    lang: {k: re.compile(unicodedata.normalize("NFKC", v)) for k, v in checks.items()} for lang, checks in FOREIGN_CONTEXT.items()
}
_FOREIGN_FEVER_WORD = re.compile(unicodedata.normalize("NFKC", FOREIGN_FEVER_WORD))
_FOREIGN_TEMPERATURE = re.compile(FOREIGN_TEMPERATURE)
_FOREIGN_SENTENCE = re.compile(r"[^.!?。！？\n]+(?:[.!?。！？]+|\n|$)|[.!?。！？]+")
_FOREIGN_CLAUSE_END = re.compile(r"[,;:，、；]")


def _foreign_normalize(text: str) -> str:
    """NFKC, lower case, one space between words, curly apostrophes straight, and accents removed
    from Latin letters only (Devanagari and Thai vowel signs are combining marks too, and stay)."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'").replace("‘", "'")
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and "a" <= out[-1] <= "z":
            continue
        out.append(ch)
    text = unicodedata.normalize("NFC", "".join(out)).replace("đ", "d").replace("ð", "d")
    return re.sub(r"[ \t\u3000]+", " ", text)


def _foreign_fever(sentence: str) -> Iterator[Tuple[int, int]]:
    if not _FOREIGN_FEVER_WORD.search(sentence):
        return
    for match in _FOREIGN_TEMPERATURE.finditer(sentence):
        if match.group("c"):
            value = float(match.group("c")) + (int(match.group("tenth")) / 10 if match.group("tenth") else 0)
            if value >= HIGH_FEVER:
                yield match.start(), match.end()
        elif float(match.group("f")) >= 101.5:
            yield match.start(), match.end()


def _foreign_rejection(lang: str, sentence: str, start: int, end: int) -> Optional[str]:
    checks = _FOREIGN_CONTEXT.get(lang, {})
    before, after = sentence[:start], sentence[end:]
    clause_after = after[: m.start()] if (m := _FOREIGN_CLAUSE_END.search(after)) else after
    if "negated" in checks and checks["negated"].search(before):
        return "negated"
    if "negated_after" in checks and checks["negated_after"].search(after):
        return "negated"
    if "hypothetical" in checks and checks["hypothetical"].search(before):
        return "hypothetical"
    if "hypothetical_after" in checks and checks["hypothetical_after"].search(after):
        return "hypothetical"
    if "figurative" in checks and checks["figurative"].search(sentence):
        return "figurative"
    if "general" in checks and checks["general"].search(before):
        return "general"
    if "general_after" in checks and checks["general_after"].search(after):
        return "general"
    if "general_sentence" in checks and checks["general_sentence"].search(sentence):
        return "general"
    sudden = "sudden" in checks and checks["sudden"].search(sentence)
    if "history" in checks and checks["history"].search(sentence) and not sudden:
        return "history"
    if "hearsay" in checks and checks["hearsay"].search(sentence):
        return "hearsay"
    if "chronic" in checks and checks["chronic"].search(sentence) and not sudden:
        return "chronic"
    if "resolved" in checks and checks["resolved"].search(clause_after if lang in ("zh", "ko", "th") else after):
        return "resolved"
    return None


def _foreign_findings(text: str) -> Iterator["Finding"]:
    norm = _foreign_normalize(text)
    languages = [lang for lang, script in _LANGUAGE_SCRIPT.items() if _SCRIPT[script].search(norm)]
    if "zh" in languages and _KANA.search(norm):
        languages.remove("zh")
    if not languages:
        return
    for match in _FOREIGN_SENTENCE.finditer(norm):
        sentence = match.group().strip()
        if not sentence:
            continue
        for lang in languages:
            spans = [(group, m.start(), m.end()) for group, regexes in _FOREIGN[lang].items()
                     for regex in regexes for m in regex.finditer(sentence) if m.end() > m.start()]
            if lang in ("en", "zh", "ko", "th", "ne"):  # the digits are the same in every Latin language
                spans += [("fever", s, e) for s, e in _foreign_fever(sentence)]
            for group, start, end in spans:
                yield Finding(group, sentence[start:end], _foreign_rejection(lang, sentence, start, end), lang)


# ============================================================================================
# Public API
# ============================================================================================


class Finding(NamedTuple):
    group: str             # symptom group ("breathing", "stroke" ...)
    phrase: str            # the words that matched, normalised
    reason: Optional[str]  # why it does not count ("negated", "hypothetical" ...), None when it counts
    language: str = "ja"


class Analysis(NamedTuple):
    symptom: Optional[str]  # the first phrase that counts as an emergency, or None
    mentions: List[str]     # serious symptoms named but not counted (hypothetical, history, negated ...)
    veto: Optional[str]     # why the message reads as NOT a current emergency, when no symptom counts


# Serious symptoms the patient named without reporting them now: the answer adds its "if this
# happens, call 119" line. Not for figurative use, efficacy questions, chronic conditions, words about
# the bot, or vague complaints without the treatment (those are not warnings the patient needs).
MENTION_REASONS = {"negated", "hypothetical", "general", "resolved", "history", "hearsay"}

# The learned classifier (emergency_classifier.py) reads words, not their context: it scores
# "じんましんは出ていません" or "微熱が1日だけ出て下がりました" as it scores a report. When no symptom
# counts, these readings of the lexicon tell EmergencyOverride not to follow the classifier:
#   a symptom the checks above set aside (negated, hypothetical, general, history, figurative ...),
#   or a message that says itself that it is mild, over, hypothetical, or a temperature under 38 °C.
VETO_REASONS = MENTION_REASONS | {"figurative", "chronic", "efficacy", "about_the_bot", "rescheduling", "mild"}
MILD = (
    r"(少し|すこし|ちょっと|ちょっぴり|軽く|かるく|わずかに|若干|多少|やや)(だけ)?[^、。]{0,8}"
    r"(赤|あか|青|あお|黄|かゆ|痒|腫|はれ|痛|いた|だる|熱|ねつ|ズキ|ヒリ|むくみ|むくん|眠|ねむ|ぼー|ぼんやり|ふら|くら|重|内出血|あざ|血|にじ)"
    r"|(かゆみ|痛み|腫れ|赤み|熱|だるさ|しびれ)(も|は|が)?(少し|すこし|ちょっと|軽く|わずか)"
    r"|軽い|微熱|程度|ほとんど(ない|なく|ありませ)|大したこと(ない|は)"
    r"|普通に(でき|して|動|歩|話)|(異常|問題|変わり|かわり)(は|も)?(ない|なく|ありませ)|何ともな|なんともな|元気(?!が(な|あり))|はっきりして"
)
# A symptom word denied: "腫れてはいないです", "発疹なし", "熱ゎないです", "熱は全く出てません".
NEGATED_SYMPTOM = (
    r"(熱|ねつ|腫れ|はれ|発疹|かゆみ|痒み|痛み|いたみ|息苦しさ|じんましん|蕁麻疹|赤み|しびれ|めまい|吐き気|症状|出血"
    r"|むくみ|頭痛|咳|せき|だるさ|倦怠感|あざ|内出血|しこり|ふらつき)"
    r"(は|も|とか|など|ゎ|わ)?(特に|全く|全然|まったく|ぜんぜん|一切)?(出て|でて|出|で)?(い)?(ない|なし|無し|ありません|ません)"
    r"|(腫れ|はれ|赤く|痛く|いたく)(て|なって)?(は|も)(い)?(ない|ません)|(痛く|いたく|かゆく|痒く|腫れて|はれて)(は|も)?(い)?(ない|ありません|ません)"
)
# Words a report of an emergency has: a body part, a symptom, a state, a person. A message without
# any ("愛してる", "Wi-Fiがつながらない", "回答がずれてる") is not one, whatever the classifier says.
BODY_OR_STATE = (
    r"体|からだ|身体|全身|胸|むね|息|いき|呼吸|喉|のど|心臓|動悸|どうき|脈|頭|あたま|顔|かお|目|口|くち|唇|くちびる|舌|歯|"
    r"手|足|あし|脚|腕|うで|膝|ひざ|肩|首|くび|背中|腹|おなか|皮膚|肌|血|熱|ねつ|体温|汗|ひやあせ|吐|はいて|はいちゃ|はきけ|便|尿|おしっこ|"
    r"意識|反応|返事|へんじ|声|こえ|言葉|ことば|話|はなし|しゃべ|喋|倒|たおれ|震|ふるえ|痛|いたい|いたく|いたみ|苦|くるし|しびれ|痺|"
    r"腫|はれ|むくみ|むくん|かゆ|痒|赤|まっか|青|紫|むらさき|白|冷|つめた|動か|うごか|動け|うごけ|立て|たてな|立ち|歩|起き|おきな|おきあが|寝|眠|"
    r"ぐったり|ふらふら|ふらつ|ふらっ|くらくら|めまい|目まい|持てな|もてな|気持ち悪|きもちわる|具合|ぐあい|体調|気分|様子|ようす|"
    r"変|へんな|へんで|へんだ|へんです|へんに|おかし|救急|119|助け|たすけ|"
    r"死|しぬ|しにそう|やばい|むり|無理|点滴|注射|施術|てんてき|ちゅうしゃ|" + PERSON[1:-1] + r"|ママ|パパ"
)
HYPOTHETICAL_CUE = (
    r"もし|もしも|万が一|万一|まんがいち|仮に|かりに|場合(は|って|に)|(時|とき)(は|って)|たらどう|たら(連絡|電話|受診|すぐ)"
    r"|(出|なっ|起き|起こ|感じ)たら|(ても|でも)(いい|大丈夫|平気|問題)(です|でしょう)?(か|\?)"
)
# A standing condition or a past event: "出血が止まりにくい体質です", "昔から片頭痛持ちです".
HISTORY_CUE = r"体質|持ち(です|で|なん|だ)|持病|既往|昔から|以前|前に|過去に|ことがあ(る|り)"
# Nerves, not the heart: "こわくて胸がドキドキしてます".
NERVES_CUE = r"(こわ|怖|不安|緊張|心配)(くて|で|して)[^。]{0,8}(ドキドキ|バクバク|どきどき)"
# What the clinic's page calls normal after a treatment, and what is not: a message naming only the
# former ("点滴のあと眠くなりました", "トイレが近い", "あざが薄くなってきた") is not an emergency.
BENIGN_EFFECT = (
    r"あざ|内出血|眠気|眠く|ねむく|眠た|ねむた|眠い|ねむい|だる|倦怠|疲れ|つかれ|トイレ(が|の)?(近|回数)|頻尿|あくび"
    r"|(おしっこ|尿|トイレ)(が|は|の)?(近|よく|たくさん|いっぱい|多く|回数|量)"
    r"|しこり|ぷくっ|ぽこっ|ふくらみ|体が重|からだがおも|肩がこ|ヒリヒリ|むずむず"
)
SERIOUS = (
    r"苦し|くるし|息|いき(が|も|を)|呼吸|胸|むね|心臓|動悸|脈|意識|反応|返事|へんじ|倒|たお|吐|はい(て|た|ちゃ)|嘔|(?<!内出)血|腫|はれ"
    r"|むく(み|ん)|熱|ねつ|震|ふるえ|しびれ|痺|動か|うごか|動け|うごけ|様子|変|へん|おかし|ぐったり|ふらふら|ふらつ|ふらっ|くらくら|くらっ"
    r"|めまい|目まい|冷た|つめた"
    r"|青白|紫|むらさき|真っ白|まっしろ|真っ青|まっさお|蒼|けいれん|痙攣|痛|いた(い|く|み|む|すぎ)|救急|119|助け|たすけ|やば|死|しぬ|しにそう"
    r"|立て|起き(な|ら|れ)|しゃべ|喋|言葉|ろれつ|呂律|見えな|広が|ひろが|かゆ|痒|じんま|蕁麻|発疹|ぶつぶつ|赤|あか(い|く|み)|黒|顔色|汗"
    r"|急に|突然|いきなり|さっきまで|きゅうに"
)
# Narrower: what no "is this normal?" question makes mild.
DANGER = (
    r"苦し|くるし|息|呼吸|胸|心臓|動悸|脈|意識|反応|返事|へんじ|倒|たお|吐|嘔|(?<!内出)血|震|ふるえ|しびれ|痺|動か|うごか|動け|うごけ"
    r"|様子|変|へん|おかし|ぐったり|ふらふら|めまい|冷た|つめた|青白|紫|真っ白|真っ青|蒼|けいれん|痙攣|救急|119|助け|たすけ|やば|立て"
    r"|しゃべ|喋|言葉|ろれつ|呂律|見えな|広が|ひろが|全身|体中|顔|唇|くちびる|舌|のど|喉|じんま|蕁麻|急に|突然|いきなり|高熱|39|40|膿|うみ"
)
# The page's "is this normal?": "これって普通ですか", "様子見でいいですか", "よくあること?".
NORMAL_QUESTION = (
    r"普通(ですか|でしょうか|かな|\?|なの|なん|のこと|の範囲)|ふつう(ですか|でしょうか|かな|\?|なの|なん)|正常|よくある|想定内|そういうもの"
    r"|様子見で(いい|大丈夫|平気|よい)|様子を見て(いい|大丈夫|平気|よい)|気にしなくて(いい|大丈夫)|心配(ない|いらない)(です)?(か|よね|\?)"
    r"|(放って|ほうって|ほっと|放っと)(おいて|いて|い)"
)
# Practical questions (price, booking, access ...) with no complaint at all: "歯の矯正はいくら?".
LOGISTICS = (
    r"料金|値段|費用|価格|いくら|何円|円|割引|支払|カード|分割|ローン|保険|予約|キャンセル|空き|空いて|営業|何時|駐車場|アクセス|問診票"
    r"|初診|初回|コース|何回|回数|何分|通え|通う|期間|持ち物|服装|子連れ|子供連れ|子ども連れ"
)
# Idioms and figures with no treatment named: "しびれを切らして", "頭が真っ白になって", "目が回るほど忙しい".
IDIOM = (
    r"しびれを切ら|痺れを切ら|しびれをきら|頭(の中)?が真っ白|あたま(のなか)?がまっしろ|頭が(いっぱい|パンク)|気が遠くなる(ほど|くらい|よう|話)"
    r"|目が回る(ほど|くらい|ぐらい|よう)|息をのむ|息を呑|息が合|息抜き|胸が(いっぱい|躍|おど|高鳴|たかな|熱く)|胸を(なでおろ|撫で下ろ|張)"
    r"|心臓に悪い|肝を冷や|手が回らな|首が回らな|頭が痛い(問題|話|ところ)|腹が立|血の気が多|顔から火"
    r"|(種類|選択肢|情報|説明|違い|選び方|プラン|メニュー|コース)[^。]{0,12}(混乱|こんがら|パニック)"
)
# A word or a rule asked about: "アナフィラキシーってなに", "119番するのはどんなとき", "救急車を呼ぶ目安".
ABOUT_A_WORD = (
    r"(って|とは)(何|なに|なん|どういう|どんな|どうゆう)|(の|って|という)意味|どんな(時|とき|場合)|どういう(時|とき|場合)|目安|基準"
    r"|たり(します|する)(か|\?)|" + DIFFERENCE_QUESTION
)
# Parts of a body, for the machines' check below.
BODY_PART = (
    r"体|からだ|身体|全身|胸|むね|息|いき(が|を)|呼吸|喉|のど|心臓|脈|頭|あたま|顔|かお|目|口|唇|くちびる|舌|手|足|脚|腕|うで|膝|ひざ|肩|首"
    r"|背中|腹|おなか|皮膚|肌|血|熱|体温|意識|声|言葉|ろれつ"
)
# Machines and things that "do not move" or "make a strange noise": "洗濯機から変な音がする", "パソコンが動かない".
MACHINE_SUBJECT = (
    r"(洗濯機|パソコン|ぱそこん|pc|スマホ|携帯|車|エアコン|冷蔵庫|テレビ|アプリ|サイト|ページ|wi-?fi|プリンター|機械|画面|ボタン|リンク"
    r"|電車|バス|時計|エレベーター|ドア|鍵|カギ|レジ|カード|マウス|キーボード)(が|から|は|も|の)"
)
_MILD = _compile(MILD)
_BENIGN_EFFECT = _compile(BENIGN_EFFECT)
_PERSON = _compile(PERSON)
_SERIOUS = _compile(SERIOUS)
_DANGER = _compile(DANGER)
_CHRONIC_CUE = _compile(CHRONIC_CUE)
_NORMAL_QUESTION = _compile(NORMAL_QUESTION)
_LOGISTICS = _compile(LOGISTICS)
_IDIOM = _compile(IDIOM)
_ABOUT_A_WORD = _compile(ABOUT_A_WORD)
_MACHINE_SUBJECT = _compile(MACHINE_SUBJECT)
_BODY_PART = _compile(BODY_PART)
_BODY_OR_STATE = _compile(BODY_OR_STATE)
_NEGATED_SYMPTOM = _compile(NEGATED_SYMPTOM)
_HYPOTHETICAL_CUE = _compile(HYPOTHETICAL_CUE)
_HISTORY_CUE = _compile(HISTORY_CUE)
_NERVES_CUE = _compile(NERVES_CUE)


def _message_veto(folded: str) -> Optional[str]:
    """A reading of the whole message: mild, over, hypothetical, a temperature not high."""
    if not _BODY_OR_STATE.search(folded):
        return "no_symptom_words"
    if _MILD.search(folded):
        return "mild"
    if _NEGATED_SYMPTOM.search(folded):
        return "negated"
    resolved = _RESOLVED_AFTER.search(folded)
    if resolved and not _RECURRED.search(folded[resolved.end():]):
        return "resolved"
    if _HYPOTHETICAL_CUE.search(folded):
        return "hypothetical"
    if _HISTORY_CUE.search(folded) or (_PAST_TIME.search(folded) and not _RECENT.search(folded)):
        return "history"
    treated = bool(_AFTER_TREATMENT.search(folded))
    if _NERVES_CUE.search(folded) or ((_JOKE.search(folded) or _IDIOM.search(folded) or _THING_FALLING.search(folded)) and not treated):
        return "figurative"
    if _ABOUT_A_WORD.search(folded):
        return "general"
    if (_SOURCE.search(folded) or _ACQUAINTANCE.search(folded) or _OTHER_PLACE.search(folded)) and _HEARSAY_END.search(folded):
        return "hearsay"
    if _NORMAL_QUESTION.search(folded) and not _DANGER.search(folded):
        return "mild"
    sudden = _SUDDEN.search(folded)
    if not sudden and not treated and (
        _CHRONIC_CUE.search(folded) or _CHRONIC_DURATION.search(folded) or _HABITUAL.search(folded)
    ):
        return "chronic"
    if _EFFICACY_SENTENCE.search(folded) or _ELIGIBILITY.search(folded):
        return "efficacy"
    if _RESCHEDULING.search(folded) or _NOT_BODY_TEMPERATURE.search(folded):
        return "rescheduling"
    temperatures = [_temperature(m) for m in _TEMPERATURE.finditer(folded)]
    if temperatures and max(temperatures) < FEVER_THRESHOLD:
        return "mild"
    if _MACHINE_SUBJECT.search(folded) and not _BODY_PART.search(folded) and not _PERSON.search(folded):
        return "no_symptom_words"
    if not _SERIOUS.search(folded):
        if _BENIGN_EFFECT.search(folded):
            return "mild"
        if _LOGISTICS.search(folded) and not _PERSON.search(folded):
            return "no_symptom_words"
    return None


def findings(text: Optional[str]) -> List[Finding]:
    """Every candidate symptom, Japanese first, with the reason it does not count (None: it counts)."""
    if not text:
        return []
    norm = _normalize(text)
    folded = _fold(norm)
    found = [
        Finding(group, norm[offset + start : offset + end],
                _rejection(group, sentence, norm[offset : offset + len(sentence)], start, end, folded))
        for offset, sentence in _sentences(folded)
        for group, start, end in _candidates(sentence)
    ]
    found += list(_foreign_findings(text))
    return found


def analyse(text: Optional[str]) -> Analysis:
    found = findings(text)
    symptom = next((f.phrase for f in found if f.reason is None), None)
    mentions: List[str] = []
    for f in found:
        if f.reason in MENTION_REASONS and f.group not in NEEDS_CONTEXT and f.phrase not in mentions:
            mentions.append(f.phrase)
    veto = None
    if symptom is None:
        veto = next((f.reason for f in found if f.reason in VETO_REASONS), None)
        if veto is None and text:
            veto = _message_veto(_fold(_normalize(text)))
    return Analysis(symptom, mentions, veto)


def detect(text: Optional[str]) -> Optional[str]:
    """The first emergency symptom phrase in `text` (as the patient wrote it, normalised), or None."""
    if not text:
        return None
    norm = _normalize(text)
    folded = _fold(norm)
    for offset, sentence in _sentences(folded):
        original = norm[offset : offset + len(sentence)]
        for group, start, end in _candidates(sentence):
            if _rejection(group, sentence, original, start, end, folded) is None:
                return norm[offset + start : offset + end]
    return next((f.phrase for f in _foreign_findings(text) if f.reason is None), None)


def explain(text: str) -> List[Tuple[str, str, bool]]:
    """Every candidate symptom as (group, phrase, counted?): for staff and for debugging the lexicon."""
    return [(f.group, f.phrase, f.reason is None) for f in findings(text)]
