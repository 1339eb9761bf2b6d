"""The emergency-symptom detector (japanese_nlu/emergency.py) on patient phrasings, alone and
combined with the learned classifier as EmergencyOverride combines them.

tests/safety/emergency_phrases.yml holds the phrasings:
  emergency / non_emergency                  the lists the detector was tuned on: floors asserted here
  heldout_emergency / heldout_non_emergency  written after tuning: numbers printed, not asserted

The main lists are floors (every emergency fires, precision >= 0.95); so is data/nlu: every
report_emergency example fires when the lexicon and the classifier are combined.

Recall    = emergency phrasings detected / emergency phrasings
Precision = detections that are emergencies / all detections (over both lists)
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from japanese_nlu.emergency import analyse, detect, findings

PHRASES = Path(__file__).parent / "safety" / "emergency_phrases.yml"
CONFIG = Path(__file__).parents[1] / "config.yml"
DATA = Path(__file__).parents[1] / "data" / "nlu"
MIN_RECALL = (
    1.0  # every emergency of the main lists fires (an emergency the lexicon cannot name: emergency_beyond_lexicon)
)
MIN_PRECISION = 0.95


def _load() -> Dict[str, List[str]]:
    return yaml.safe_load(PHRASES.read_text(encoding="utf-8"))


def _score(
    emergency: List[str], non_emergency: List[str], detector=detect
) -> Tuple[float, float, List[str], List[str]]:
    """(recall, precision, missed emergencies, false alarms with the phrase that fired)."""
    missed = [text for text in emergency if not detector(text)]
    false_alarms = [f"{text}  <- {detector(text)!r}" for text in non_emergency if detector(text)]
    true_positives = len(emergency) - len(missed)
    recall = true_positives / len(emergency)
    detections = true_positives + len(false_alarms)
    precision = true_positives / detections if detections else 0.0
    return recall, precision, missed, false_alarms


def _report(name: str, emergency: List[str], non_emergency: List[str], detector=detect) -> Tuple[float, float, str]:
    recall, precision, missed, false_alarms = _score(emergency, non_emergency, detector)
    lines = [
        f"{name}: recall {recall:.3f} ({len(emergency) - len(missed)}/{len(emergency)}), "
        f"precision {precision:.3f}, false alarms {len(false_alarms)}/{len(non_emergency)}"
    ]
    lines += [f"  missed:      {text}" for text in missed]
    lines += [f"  false alarm: {text}" for text in false_alarms]
    text = "\n".join(lines)
    print(text)
    return recall, precision, text


def test_phrase_file_is_big_enough():
    phrases = _load()
    assert len(phrases["emergency"]) >= 70
    assert len(phrases["non_emergency"]) >= 70
    assert len(phrases["heldout_emergency"]) >= 20
    assert len(phrases["heldout_non_emergency"]) >= 20
    for name, texts in phrases.items():
        assert len(set(texts)) == len(texts), f"duplicates in {name}"
    assert not set(phrases["emergency"]) & set(phrases["non_emergency"])


def test_recall_and_precision_on_the_main_lists():
    phrases = _load()
    recall, precision, report = _report("main", phrases["emergency"], phrases["non_emergency"])
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, report


def test_the_lexicon_alone_on_phrasings_it_was_not_tuned_on():
    """The held-out lists were written after each lexicon pass (not independent authors: those sets are
    tests/heldout). The lexicon alone measured recall 0.922 (47/51), precision 1.000 there; the floors
    sit three misses and two false alarms below, so a pattern that stops matching is caught."""
    phrases = _load()
    recall, precision, report = _report("held-out", phrases["heldout_emergency"], phrases["heldout_non_emergency"])
    assert recall >= 0.86 and precision >= 0.95, report


@pytest.fixture(scope="module")
def combined(tmp_path_factory):
    """EmergencyOverride's rule (decide(): lexicon OR classifier, with config.yml's thresholds
    and veto_limit), with the EmergencyClassifier's two models (Japanese, other languages) trained
    on data/nlu (the phrase lists are not in it)."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.loading import load_data

    from japanese_nlu.components import EmergencyOverride
    from japanese_nlu.emergency_classifier import EmergencyClassifier, decide, script, veto_for

    pipeline = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))["pipeline"]
    config = next(c for c in pipeline if c["name"].endswith("EmergencyOverride"))
    override = EmergencyOverride.create(config, None, None, None)
    storage = LocalModelStorage.create(tmp_path_factory.mktemp("emergency_models"))
    context = ExecutionContext(GraphSchema({}), node_name="emergency_classifier")
    trained = EmergencyClassifier.create({}, storage, Resource("emergency_classifier"), context)
    trained.train(load_data(str(DATA)))

    def decision(text, lexicon):
        model = trained.models.get(script(text) or "")
        p = model.probability(text) if model else None
        veto = veto_for(text, analyse(text).veto)
        source = decide(lexicon and bool(detect(text)), p, veto, override.threshold_for(text), config["veto_limit"])
        return f"{source} p={None if p is None else round(p, 2)}" if source else None

    def classifier(text):
        return decision(text, lexicon=False)

    def detector(text):
        return decision(text, lexicon=True)

    return detector, classifier


def test_combined_with_the_classifier(combined):
    """The floors hold for the combination too; the classifier alone and the held-out lists are printed."""
    detector, classifier = combined
    phrases = _load()
    for name, detect_with in (("classifier alone", classifier), ("combined", detector)):
        _report(f"{name}, held-out", phrases["heldout_emergency"], phrases["heldout_non_emergency"], detect_with)
        recall, precision, report = _report(
            f"{name}, main", phrases["emergency"], phrases["non_emergency"], detect_with
        )
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, report
    beyond = phrases["emergency_beyond_lexicon"]
    missed = [text for text in beyond if not detector(text)]
    print(f"beyond the lexicon: combined recall {1 - len(missed) / len(beyond):.3f}", *missed, sep="\n  missed: ")
    assert not any(detect(text) for text in beyond), "caught by the lexicon now: move it to the main list"
    assert len(missed) <= len(beyond) // 5, missed


def test_every_training_emergency_fires(combined):
    """Every report_emergency example of data/nlu (all languages) fires, lexicon OR classifier."""
    from rasa.shared.nlu.training_data.loading import load_data

    detector, _ = combined
    examples = [m.get("text") for m in load_data(str(DATA)).intent_examples if m.get("intent") == "report_emergency"]
    missed = [text for text in examples if not detector(text)]
    assert len(examples) > 300 and not missed, missed


# Focused unit tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", None, "   ", "\u3000", "。", "こんにちは"])
def test_empty_or_unrelated_text(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "息苦しさはないです",
        "胸は痛くないです",
        "じんましんとかは特に出ていません",
        "高熱はなかったです",
        "39度はないです",
        "熱なし、発疹なし",
    ],
)
def test_negations_do_not_fire(text):
    assert detect(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "もし息が苦しくなったらどうすればいいですか",
        "万が一高熱が出た場合は?",
        "じんましんが出ることはありますか",
        "胸が痛くなる可能性はありますか",
        "39度を超えたら連絡すればいいですか",
    ],
)
def test_hypotheticals_and_general_questions_do_not_fire(text):
    assert detect(text) is None


def test_negation_only_covers_its_own_symptom():
    assert detect("熱はないけど息が苦しいです")
    assert detect("息苦しさはないけど胸が痛い")


@pytest.mark.parametrize(
    "text", ["３９度の熱があります", "39度の熱があります", "39.5℃あります", "熱が３８．８度", "４０度出てる"]
)
def test_full_and_half_width_temperatures_fire(text):
    assert detect(text)


@pytest.mark.parametrize("text", ["３７．２度です", "36.8℃", "熱は３７度台です"])
def test_low_temperatures_do_not_fire(text):
    assert detect(text) is None


def test_returns_the_phrase_that_fired():
    assert "じんましん" in detect("点滴のあと、全身にじんましんが出ました")


# Round 2: stroke signs, vomiting, confusion, bleeding; analyse(); other languages ----------------------


@pytest.mark.parametrize(
    "text",
    [
        "母の顔の片方が下がってる",
        "くちのはしからよだれがたれてる",
        "急に片方の手に力が入らない",
        "水も飲めないくらい吐いてる",
        "祖母が急に家族の顔がわからなくなった",
        "注射のあとから血が止まらない",
        "父の顔色が真っ青で、呼んでも返事がない",
        "ＳＯＳ　母が呼吸してないみたい",
    ],
)
def test_everyday_descriptions_fire(text):
    assert detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "祖母が脳梗塞の後遺症でろれつが回りません。効果はありますか",  # history
        "点滴中に倒れたりしないか心配です",  # worry about a possibility
        "このボット、変なこと言ってる",  # about the assistant
        "「助けて」のサインってなんですか",  # a quoted word
        "胸焼けがします",  # heartburn
    ],
)
def test_everyday_non_emergencies_do_not_fire(text):
    assert detect(text) is None


def test_analyse_reports_mentions_and_the_veto():
    hypothetical = analyse("もし息が苦しくなったらどうすればいいですか")
    assert (
        hypothetical.symptom is None and hypothetical.mentions == ["息が苦し"] and hypothetical.veto == "hypothetical"
    )
    report = analyse("点滴のあと息が苦しい")
    assert report.symptom == "息が苦し" and report.veto is None
    assert analyse("注射したところが少し赤いです").veto == "mild"
    assert analyse("熱は朝には下がりました").veto == "resolved"
    assert analyse("料金はいくら？").veto == "no_symptom_words"
    assert analyse("母がなんだか変で、目が合わない").veto is None  # no opinion: the classifier decides
    assert analyse("胸がいっぱいです").veto == "figurative"  # an idiom
    # vague complaints without the treatment are not warnings the patient needs
    assert analyse("経済的に苦しい").mentions == []


@pytest.mark.parametrize(
    "text",
    [
        "じんましんが少し出ましたが、翌朝には消えてました",  # 消えて(た|ました|る …), not only 消えた
        "ちょっと息苦しくて目が覚めたけど、朝起きたら平気でした",  # 平気でした / だった: over
        "たまに動悸や息苦しさが出ますが薬で落ち着いています",  # 落ち着いて(いる|います …)
    ],
)
def test_resolved_in_every_conjugation(text):
    assert detect(text) is None and analyse(text).veto == "resolved"


@pytest.mark.parametrize(
    "text",
    [
        "じんましんが消えてたのにまた出てきて全身に広がってる",  # back again: a report
        "息苦しいけど平気です",  # minimised now, not over
    ],
)
def test_not_over_when_it_came_back_or_is_only_minimised(text):
    assert detect(text)


def test_findings_say_why_a_symptom_did_not_count():
    reasons = {(f.phrase, f.reason) for f in findings("熱はないけど、もし息が苦しくなったら？")}
    assert ("息が苦し", "hypothetical") in reasons


FOREIGN_EMERGENCIES = {
    "en": [
        "I can't breathe",
        "my throat is closing",
        "chest pain since the infusion",
        "he is having a seizure",
        "her face is drooping",
        "lips swelling after the drip",
        "the bleeding won't stop",
        "I can't keep water down",
        "temperature 103 F",
        "call an ambulance",
        "my son has a high fever of 40 since the drip and won't wake up properly",
    ],
    "zh": ["呼吸困难，快叫救护车", "她说话不清楚，脸歪了", "全身起荨麻疹"],
    "ko": ["숨이 막혀요", "가슴이 아파요", "엄마가 쓰러졌는데 안 깨어나요"],
    "vi": ["Tôi bị khó thở", "Đau ngực quá", "Mẹ tôi ngất xỉu"],
    "pt": ["Não consigo respirar", "Ela desmaiou", "Dor forte no peito", "Minha mãe está tendo convulsões agora"],
    "es": ["No puedo respirar", "Se desmayó y no despierta", "Me duele mucho el pecho"],
    "tl": ["Hindi ako makahinga", "Masakit ang dibdib ko", "Nahimatay si nanay"],
    "id": ["Saya sesak napas", "Ibu pingsan", "Dada sakit sekali"],
    "ne": ["सास फेर्न सकिनँ", "छाती धेरै दुख्यो", "आमा बेहोस हुनुभयो"],
    "th": ["หายใจไม่ออก", "เจ็บหน้าอกมาก", "แม่เป็นลม เรียกไม่ตื่น"],
}
FOREIGN_NON_EMERGENCIES = {
    "en": [
        "How likely is anaphylaxis?",
        "If I feel unwell during the infusion, will you stop?",
        "What should I do if I can't breathe?",
        "no chest pain or breathing problems",
        "I had hives years ago, is that a problem?",
        "the waiting list is killing me lol",
        "my heart skipped a beat when I saw the price",
        "Can it cause chest pain?",
        "Is fainting a common side effect?",
        "I had a fever of 39 last week but it's gone now",
        "Can you help me choose a plan?",
        "in an emergency who do I call?",
        "My aunt fainted after a vitamin drip at another hospital, is yours safer?",
        "Can I reschedule tomorrow's session, my daughter has a high fever",
    ],
    "zh": ["会不会有过敏反应？", "如果呼吸困难怎么办？", "以前有过荨麻疹，可以做吗？"],
    "ko": ["알레르기 반응이 생길 수 있나요?", "만약 숨이 차면 어떻게 해요?"],
    "vi": ["Có thể bị khó thở không?", "Nếu bị sốt cao thì sao?"],
    "pt": [
        "Se eu tiver falta de ar, o que faço?",
        "Tem risco de reação alérgica?",
        "Meu gato está tendo convulsões, vocês tratam gatos?",
    ],
    "es": [
        "¿Puede causar dificultad para respirar?",
        "Si tengo fiebre alta, ¿qué hago?",
        "Mi gata tiene convulsiones, ¿ustedes atienden mascotas?",
    ],
    "tl": ["Kung hindi ako makahinga, ano ang gagawin?", "May side effects ba na pantal?"],
    "id": ["Apakah bisa menyebabkan sesak napas?", "Kalau demam tinggi, bagaimana?"],
    "ne": ["यदि सास फेर्न गाह्रो भयो भने के गर्ने?"],
    "th": ["ถ้าหายใจไม่ออกต้องทำอย่างไร", "มีผลข้างเคียงเป็นผื่นลมพิษไหม"],
}


@pytest.mark.parametrize("lang,text", [(lang, t) for lang, texts in FOREIGN_EMERGENCIES.items() for t in texts])
def test_foreign_emergencies_fire(lang, text):
    assert detect(text), [(f.group, f.phrase, f.reason, f.language) for f in findings(text)]


@pytest.mark.parametrize("lang,text", [(lang, t) for lang, texts in FOREIGN_NON_EMERGENCIES.items() for t in texts])
def test_foreign_questions_do_not_fire(lang, text):
    assert detect(text) is None, [(f.group, f.phrase, f.reason, f.language) for f in findings(text)]


# Round 3: false alarms found by an independent check; each check by the reason it gives ---------------


def _reasons(text):
    return {f.reason for f in findings(text)}


@pytest.mark.parametrize(
    "text,reason",
    [
        ("熱もじんましんも出ていません", "negated"),  # 「AもBもない」
        ("胸の痛みや息苦しさなどはありません", "negated"),
        ("息苦しさ、発疹、めまい、どれもありません", "negated"),
        ("チアノーゼってなに？", "general"),  # a word asked about
        ("けいれんとひきつけって何が違うの", "general"),
        ("どんなときに救急車を呼べばいいですか", "general"),  # when to call
        ("予約とれなくて心臓止まりそうｗ", "figurative"),  # a joke
        ("値段を見て息が止まりそうでした、分割できますか", "figurative"),  # a cause, "…そう" and a request
        ("待合室のポールが倒れそうでした", "figurative"),  # a thing falling over
        ("受付が返事をしてくれない", "figurative"),  # the clinic, not a person
        ("知人がよその病院で倒れたらしいです", "hearsay"),  # someone else's story
        ("ネットでけいれんした人がいるって読みました", "general"),  # "人がいる": a question about people
        ("ブログで点滴のあとけいれんしたって読みました", "hearsay"),
        ("弟が去年40度の熱を出しました", "history"),  # long ago, nothing about now
        ("10年以上アトピーで全身かゆいです", "chronic"),  # a standing condition
        ("喘息持ちで季節の変わり目は息苦しくなることが多い", "general"),  # a habit
        ("顔に打ったところに小さいしこりがある", "mild"),
    ],
)
def test_round3_checks_say_why(text, reason):
    assert detect(text) is None
    assert reason in _reasons(text), findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "友達が今目の前で倒れて意識がない",  # an acquaintance, now
        "去年も同じことがあったけど、今また息が苦しい",  # a past event and a current one
        "父が脳梗塞かも、ろれつが回らない",  # a suspected stroke, not a history
        "認知症の母が急に片方の手が動かなくなった",  # a chronic illness with a sudden sign
        "胸が痛くて、吐き気もない",  # only the nausea is denied
        "息苦しさと胸の痛みがあります、熱はないです",
        "笑うと胸が痛い、点滴のあとから",  # 笑う is not a joke marker
        "別の病院で点滴したあと、息が苦しくなった",  # the patient, after a drip elsewhere
        "母から電話で、駅で急にどっちに行けばいいのかわからなくなったって",
        "呼んでもまったく反応なし",  # the negation is the symptom
        "My husband is grey and sweaty and barely responding",
        "Mi padre no puede mover el brazo derecho y habla raro",
    ],
)
def test_round3_checks_leave_reports_alone(text):
    assert detect(text), findings(text)


def test_disorientation_needs_a_sudden_onset_or_the_treatment():
    assert detect("駅で急に自分がどこにいるのかわからなくなった")
    assert detect("点滴のあと、帰り道がわからなくなった")
    assert detect("今どこにいるのかわからないので、駅からの道を教えてください") is None  # lost on the way


@pytest.mark.parametrize(
    "lang,text",
    [
        ("en", "I read online that someone had a seizure after an IV"),
        ("en", "When should I call an ambulance?"),
        ("en", "My father has Alzheimer's and often doesn't know where he is"),
        ("pt", "Minha amiga disse que teve febre alta depois do soro"),
        ("es", "Mi tía tiene demencia y a veces no sabe dónde está"),
        ("zh", "我在网上看到有人打完点滴过敏休克"),
        ("ko", "두드러기는 얼마나 자주 생기나요?"),
        ("vi", "Đọc trên mạng thấy có người bị sốc phản vệ"),
    ],
)
def test_foreign_stories_and_questions_do_not_fire(lang, text):
    assert detect(text) is None, [(f.group, f.phrase, f.reason, f.language) for f in findings(text)]


@pytest.mark.parametrize(
    "text,veto",
    [
        ("点滴のあと眠くなって早めに寝ました", "mild"),  # what the page calls normal
        ("点滴してからトイレが近いです", "mild"),
        ("ちゅうしゃのあとあざになった。ふつう？", "mild"),
        ("歯の矯正はいくらですか", "no_symptom_words"),  # a practical question
        ("パソコンが動かない", "no_symptom_words"),  # a machine
        ("待合室でしびれを切らしました", "figurative"),  # an idiom
        ("友人がほかのクリニックで具合が悪くなったと聞きました", "hearsay"),
        ("慢性的な肩の炎症がずっと続いてます", "chronic"),
    ],
)
def test_round3_message_readings_veto_the_classifier(text, veto):
    analysis = analyse(text)
    assert analysis.symptom is None and analysis.veto == veto


# Round 4: a second independent check (precision 0.88, recall 0.94); each check by the reason it gives -------------


@pytest.mark.parametrize(
    "text,reason",
    [
        ("施術後の肌を鏡で見て失神しそうでした、いい意味で", "figurative"),  # said in so many words
        ("点滴のあと受付の方の笑顔に胸がぎゅっとなりました笑", "figurative"),  # a smile, and a joke
        ("夫が「注射なんて無理、絶対気絶する」っていつも言うんです", "figurative"),  # a fear said as a habit
        ("ドラマで主人公が倒れて意識不明になるシーンがつらかった", "fiction"),
        ("the scene where the actor has a seizure was too real", "fiction"),
        ("うちの犬がけいれんしてます", "animal"),
        ("our puppy collapsed in the park", "animal"),
        ("パソコンがフリーズして意識不明状態です", "machine"),
        ("the app is frozen and not responding", "machine"),
        ("生理で出血が多い日でも点滴できますか", "menstrual"),
        ("熱（なし）、息苦しさ（なし）", "negated"),  # a checklist
        ("胸の痛み：なし", "negated"),
        ("じんましん（前回出たもの）は今回出ていません", "negated"),  # past a bracketed aside
        ("けいれんは今回の点滴のあとも起きていません", "negated"),  # the clause ends denying it
        ("chest pain: none", "negated"),
        ("抗がん剤の副作用で吐き気がひどいです", "chronic"),  # another illness's treatment
        ("注射したところが熱を持ってるけど、普通に歩けるし腫れもわずか", "mild"),  # reassuring detail
        ("膝の痛みがひどかったけど、3回目の注射でずいぶん楽になりました", "resolved"),
        ("I had a seizure once as a teenager but nothing since", "history"),
        ("My mom had a stroke in 2015, can she get the IV?", "history"),
    ],
)
def test_round4_checks_say_why(text, reason):
    assert detect(text) is None, findings(text)
    assert reason in _reasons(text), findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "ちがとまらにゃい",  # typos, dialect, kana only
        "ちがとまんない",
        "いきできひん",
        "きゅーきゅーしゃよんで",
        "いしきがない",
        "点滴の翌日から、数歩歩いただけで息切れする",  # breathless at the least effort
        "点滴のあと、しゃべるのもしんどいくらいだるい",
        "電話の途中で母の言葉がもごもごして、そのまま何も言わなくなった",
        "母が同じことを何度も聞いてくる、朝は普通だった",  # sudden loss of memory
        "It keeps bleeding through every bandage",
        "my dad is suddenly really confused and doesn't know what year it is",
        "अचानक टाउको धेरै दुख्यो र बान्ता भयो",
        "犬の散歩中に急に胸が痛くなった",  # the new checks leave these alone
        "ドラマを見ていたら急に胸が苦しくなった",
        "I dropped my phone and collapsed",
        "生理じゃないのに出血が止まらない",
        "冗談抜きで点滴のあとから胸が痛い",
        "注射したところ、普通に歩けるけど赤みがどんどん広がってる",
        "抗がん剤治療中の母が39度の熱でぐったりしてる",
        "母が「息が苦しい」と言ってます",
    ],
)
def test_round4_reports_fire(text):
    assert detect(text), findings(text)


def test_memory_loss_needs_a_sudden_onset_or_the_treatment():
    assert detect("父は同じことを何度も聞きます") is None  # dementia, or a habit
    assert detect("同じことを何度も聞いてすみません、点滴のあと") is None  # the patient apologising
    assert detect("父が点滴のあとから、今日のことを何も覚えていない")


@pytest.mark.parametrize(
    "text,veto",
    [
        ("インコが急に動かなくなった", "not_a_person"),
        ("ドラマの中でヒロインが血を吐く場面があって怖い", "fiction"),
        ("打ったところがかゆくて、赤いのは1センチくらいです", "mild"),
        ("生理中で経血が多いのですが大丈夫ですか", "menstrual"),
    ],
)
def test_round4_message_readings_veto_the_classifier(text, veto):
    analysis = analyse(text)
    assert analysis.symptom is None and analysis.veto == veto


@pytest.mark.parametrize(
    "text",
    [
        "さっきから母がスプーンを握れなくなって、話し方もおかしい",  # a hand that cannot hold, speech
        "夫の左腕がだらーんとなって上がらない",  # a limb hanging limp
        "祖父のしゃべりがもつれてきた、急に",  # tangled speech
        "背中がちょっと動かすだけで激痛、点滴のあとから",  # the least movement hurts
    ],
)
def test_round8_reports_fire(text):
    assert detect(text), findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "夜に咳止めを飲んでもいいですか",  # a medicine, not a cough
        "吐き気止めを飲んでいる父ですが受けられますか",
        "息が止まるほど悩んでます。どちらを選べばいいですか",  # figurative
        "さっき胸がズキッとしたけど一瞬で、今はなにもないです",  # over
        "夜に38.6度出たけど、朝には下がって元気です",  # over
    ],
)
def test_round8_non_emergencies_do_not_fire(text):
    assert detect(text) is None, findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "Mero aama lai sas ferna garo bhayo, chhati pani dukhyo",  # Nepali in Latin letters
        "Buwa behosh hunubhayo, bolauda pani boldainan",
        "Muka saya bengkak dan gatal di seluruh tubuh",  # Indonesian, words in between
        "tenggorokan saya terasa makin sempit",
    ],
)
def test_round8_foreign_reports_fire(text):
    assert detect(text), findings(text)


def test_nepali_in_latin_letters_is_answered_in_nepali():
    assert {f.language for f in findings("Aama behos hunubhayo") if f.reason is None} == {"ne"}


@pytest.mark.parametrize(
    "text",
    [
        "lipがswollenで、throatもきつい",  # English words inside Japanese
        "さっきからchestがpainいです",
        "母のfaceの左がdroopingしてる",
        "すみません、I can't breathe",
    ],
)
def test_english_words_inside_japanese_are_read_by_the_japanese_lexicon(text):
    assert detect(text), findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "seizureのriskってありますか?",  # a risk question, code-mixed
        "faceのswellingってどのくらいで引きますか",
    ],
)
def test_code_mixed_questions_keep_the_japanese_checks(text):
    assert detect(text) is None, findings(text)


def test_sudden_skin_ageing_is_a_beauty_question_not_an_emergency():
    assert analyse("40代で急に肌のツヤがなくなってきました。効果ありますか").veto == "efficacy"
    assert analyse("急に顔がたるんできて、しゃべりにくい").veto is None  # speech: not only the skin


@pytest.mark.parametrize(
    "text",
    [
        "認知症の父がパンを喉に詰まらせて、顔が紫になってきた",  # a condition does not explain choking
        "パーキンソン病の母が39.5度の熱でぐったりしてる",
        "てんかんの息子、けいれんがいま止まらない",  # a fit happening now
        "リウマチで普段から関節は痛いけど、今日は息が苦しくて横になれない",  # the usual, then today's
    ],
)
def test_a_long_standing_condition_does_not_hide_what_is_new(text):
    assert detect(text), findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "脳梗塞の後遺症でろれつが回りにくいのですが、効果はありますか",  # the condition's own complaint
        "パーキンソン病で手の震えがあります。治療は受けられますか",
        "てんかんの発作は1年以上起きていません。受けても大丈夫ですか",
    ],
)
def test_a_long_standing_conditions_usual_complaint_is_not_an_emergency(text):
    assert detect(text) is None, findings(text)


@pytest.mark.parametrize(
    "text",
    [
        "今、橋の上にいます。もう終わりにしようと思ってて",
        "もう死にたいです。いま薬を全部出して並べてます",
        "今ベランダにいます。飛び降りようと思ってる",
        "睡眠薬をまとめて飲もうと思ってる",
    ],
)
def test_a_suicidal_crisis_said_now_fires(text):
    assert detect(text)


@pytest.mark.parametrize(
    "text",
    [
        "治療はもう終わりにしたいです。解約できますか",  # ending a course
        "点滴は全部で何回で終わりにしますか",
        "自殺未遂の既往がありますが受けられますか",  # a history, asked about
        "もし死にたいと思ったらどこに相談すればいい？",  # hypothetical
        "恥ずかしくて死にたい笑",  # a joke
    ],
)
def test_words_of_a_crisis_that_are_not_one(text):
    assert detect(text) is None


def test_bleeding_after_a_birth_is_not_a_period():
    assert detect("産後1週間なんですが、出血が止まらなくてナプキンが1時間でいっぱいになります")
    assert detect("生理で出血が多い日でも受けられますか") is None  # a period, asked about
