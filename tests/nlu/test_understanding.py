"""Our understanding components on their own: entities in patients' words, question segments, the
page search, the language of a message (real ja_ginza / Sudachi where tokens are needed)."""

import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from japanese_nlu import language, romaji
from japanese_nlu.components import ROMAJI, GinzaNLP, RomajiReader, SudachiTokenizer
from japanese_nlu.entities import EntityMatcher, Matcher, rules_from
from japanese_nlu.page_search import PageSearch
from japanese_nlu.segments import SEGMENT_OF, QuestionSegments, QuestionSplitter, split_questions
from japanese_nlu.text import fold, fold_with_offsets
from knowledge import ROOT

MATCHER = Matcher(rules_from(load_data(str(ROOT / "data" / "nlu"))))


def values(text):
    return {(e["entity"], e["value"]) for e in MATCHER.entities(text)}


# ---------------------------------------------------------------- folding


def test_fold_ignores_width_case_and_kana_and_keeps_offsets():
    assert fold("ＰＲＰ") == fold("prp") == "prp"
    assert fold("エクソソーム") == fold("ｴｸｿｿｰﾑ") == fold("えくそそーむ")
    folded, offsets = fold_with_offsets("ﾃﾞｰﾀ")
    assert folded == "でーた" and offsets == [0, 2, 3]


# ---------------------------------------------------------------- entities


@pytest.mark.parametrize(
    "text, expected",
    [
        ("幹細胞を点滴で入れるのと何が違う?", ("therapy", "幹細胞治療")),
        ("脂肪由来の幹細胞の治療と比べると?", ("therapy", "幹細胞治療")),
        ("幹細胞と、幹細胞を育てた液って別物?", ("therapy", "幹細胞治療")),
        ("血小板を使う治療ってどういうもの?", ("therapy", "PRP")),
        ("ｐｒｐとの違い", ("therapy", "PRP")),
        ("NK細胞を増やして戻す治療との違い", ("therapy", "NK細胞療法")),
        ("順化培養液とは違うの", ("therapy", "培養上清液")),
        ("エクソソーム点滴と同じ？", ("therapy", "エクソソーム")),
        ("鼻からスプレーで入れられる？", ("route", "点鼻")),
        ("肌に直接塗るタイプは？", ("route", "塗布")),
        ("ひざの痛みにも効く？", ("condition", "変形性関節症")),
        ("ガンにききますか", ("condition", "がん")),
        ("さいとかいんって何", ("component", "サイトカイン")),
    ],
)
def test_entities_in_patients_words_get_their_canonical_value(text, expected):
    assert expected in values(text)


@pytest.mark.parametrize(
    "text", ["幹細胞培養液の点滴ってなに", "幹細胞が出した成分だけを使うの？", "幹細胞上清液について"]
)
def test_the_fluid_stem_cells_grew_in_is_not_stem_cell_therapy(text):
    assert ("therapy", "幹細胞治療") not in values(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("手術の傷の治りが遅い", ("condition", "難治性の傷")),
        ("手足のしびれにも効く？", ("condition", "神経疾患")),
        ("放射線治療のあとの体力", ("condition", "がん")),
        ("ひざに水がたまる", ("condition", "変形性関節症")),
        ("My mother has Alzheimer's, any effect on dementia?", ("condition", "アルツハイマー病")),
        ("Is this the same as stem cell conditioned media?", ("therapy", "培養上清液")),
        ("PRP治療との違い", ("therapy", "PRP")),
    ],
)
def test_conditions_and_therapies_in_everyday_and_english_words(text, expected):
    assert expected in values(text)


@pytest.mark.parametrize("text", ["seibun wa nani? kagaku no kusuri desu ka", "I also want to know", "again please"])
def test_a_latin_word_does_not_match_inside_a_longer_latin_word(text):
    assert not values(text) & {("condition", "薄毛"), ("condition", "神経疾患")}


def test_entities_point_at_the_words_the_patient_wrote():
    [entity] = [e for e in MATCHER.entities("えーと、ＰＲＰとの違いは") if e["entity"] == "therapy"]
    assert (entity["start"], entity["end"], entity["text"], entity["value"]) == (4, 7, "ＰＲＰ", "PRP")


def test_the_longest_match_wins():
    assert values("パーキンソン病") == {("condition", "パーキンソン病")}


def test_the_component_trains_persists_and_loads(tmp_path):
    storage = LocalModelStorage(tmp_path)
    resource = Resource("entities")
    matcher = EntityMatcher.create({}, storage, resource, None)
    data = load_data(str(ROOT / "data" / "nlu" / "lookups.yml")).merge(
        load_data(str(ROOT / "data" / "nlu" / "synonyms.yml")), load_data(str(ROOT / "data" / "nlu" / "patterns.yml"))
    )
    matcher.train(data)
    loaded = EntityMatcher.load({}, storage, resource, None)
    message = Message({TEXT: "血小板を使う治療は？"})
    loaded.process([message])
    assert [(e["entity"], e["value"], e["extractor"]) for e in message.get("entities")] == [
        ("therapy", "PRP", "EntityMatcher")
    ]


# ---------------------------------------------------------------- entities by their reading


@pytest.fixture(scope="module")
def read_entities(tmp_path_factory):
    """The trained EntityMatcher on tokens from GinzaNLP + SudachiTokenizer, as in the pipeline."""
    nlp = GinzaNLP.create({}, None, None, None)
    tokenizer = SudachiTokenizer(SudachiTokenizer.get_default_config())
    storage = LocalModelStorage(tmp_path_factory.mktemp("entities"))
    matcher = EntityMatcher.create({}, storage, Resource("entities"), None)
    matcher.train(load_data(str(ROOT / "data" / "nlu")))
    loaded = EntityMatcher.load({}, storage, Resource("entities"), None)

    def run(text):
        message = Message({TEXT: text})
        nlp.process([message], nlp.provide())
        tokenizer.process([message])
        loaded.process([message])
        return {(e["entity"], e["value"], e["text"]) for e in message.get("entities")}

    return run


def test_tokens_carry_their_reading_in_hiragana():
    nlp = GinzaNLP.create({}, None, None, None)
    message = Message({TEXT: "天敵のあと"})
    nlp.process([message], nlp.provide())
    SudachiTokenizer(SudachiTokenizer.get_default_config()).process([message])
    assert [t.get("reading") for t in message.get("text_tokens")] == ["てんてき", "の", "あと"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("認知賞の母にも使えますか", ("condition", "アルツハイマー病", "認知賞")),  # voice input: 賞 for 症
        ("のうこうそくのあとの麻痺", ("condition", "脳卒中", "のうこうそく")),  # kana only
        ("肝細胞点滴と何が違うの", ("therapy", "幹細胞治療", "肝細胞点滴")),  # 肝 for 幹
    ],
)
def test_a_lookup_word_matches_by_its_reading(read_entities, text, expected):
    assert expected in read_entities(text)


@pytest.mark.parametrize(
    "text, wrong",
    [
        ("主要な成分は何ですか", ("condition", "がん")),  # 主要 sounds like 腫瘍
        ("そういう傾向がありますか", ("route", "経口")),  # 傾向 sounds like 経口
        ("人体に影響はありますか", ("condition", "慢性炎症")),  # 人体 sounds like 靭帯
    ],
)
def test_a_real_word_that_sounds_like_a_lookup_word_is_not_it(read_entities, text, wrong):
    assert wrong not in {(e, v) for e, v, _ in read_entities(text)}


# ---------------------------------------------------------------- question segments


@pytest.mark.parametrize(
    "text, expected",
    [
        ("副作用はある?あと何回くらい通うの", ["副作用はある?", "あと何回くらい通うの"]),
        ("安全性とかリスクってどうなの? あと頻度も", ["安全性とかリスクってどうなの?", "あと頻度も"]),
        ("痛みとか副作用ってありますか、あと費用も知りたい", ["痛みとか副作用ってありますか", "あと費用も知りたい"]),
        ("母が78歳です。パーキンソン病ですが効きますか？", ["母が78歳です。パーキンソン病ですが効きますか？"]),
        ("副作用が心配で…", ["副作用が心配で…"]),
        ("点滴の後、また熱が出たらどうすればいい？", ["点滴の後、また熱が出たらどうすればいい？"]),
        ("効果は？費用は？保険は？通院回数は？", ["効果は？", "費用は？", "保険は？"]),
    ],
)
def test_split_questions(text, expected):
    assert split_questions(text) == expected


def test_segments_ride_through_the_pipeline_and_come_back_as_a_summary():
    message = Message({TEXT: "副作用はある?あと何回くらい通うの"})
    messages = QuestionSplitter().process([message])
    assert len(messages) == 3 and [m.get(SEGMENT_OF) for m in messages] == [None, 0, 0]
    for m, intent in zip(messages, ["nlu_fallback", "ask_safety", "ask_schedule"]):
        m.set(INTENT, {"name": intent, "confidence": 0.8})
        m.set(INTENT_RANKING_KEY, [{"name": "nlu_fallback", "confidence": 0.5}, {"name": intent, "confidence": 0.8}])
    [back] = QuestionSegments().process(messages)
    assert back is message
    assert [(s["text"], s["intent"], s["confidence"]) for s in back.get("segments")] == [
        ("副作用はある?", "ask_safety", 0.8),
        ("あと何回くらい通うの", "ask_schedule", 0.8),
    ]
    assert "segments" in back.as_dict(only_output_properties=True)


# ---------------------------------------------------------------- page search


@pytest.fixture(scope="module")
def search(tmp_path_factory):
    nlp = GinzaNLP.create({}, None, None, None)
    storage = LocalModelStorage(tmp_path_factory.mktemp("page"))
    component = PageSearch.create({}, storage, Resource("page"), None)
    component.train(TrainingData(), nlp.provide())
    loaded = PageSearch.load({}, storage, Resource("page"), None)

    def run(text):
        message = Message({TEXT: text})
        nlp.process([message], nlp.provide())
        SudachiTokenizer(SudachiTokenizer.get_default_config()).process([message])
        loaded.process([message], nlp.provide())
        return message.get("page_passages") or []

    return run


@pytest.mark.parametrize(
    "text, section",
    [
        ("製剤は冷凍で保存するんですか", "セクレトームの採取から投与までの流れ"),
        ("点滴は何分くらいかかる？", "投与方法の選択肢(点滴・局所注射)"),
        ("NK細胞療法は何をする治療？", "セクレトームと幹細胞移植・免疫細胞療法との違い"),
    ],
)
def test_page_search_finds_the_passage_that_answers_among_its_candidates(search, text, section):
    found = search(text)
    assert section in [c["section"] for c in found]
    assert all(c["score"] > 0 and c["text"] and len(c["text"]) <= 200 for c in found)
    assert [c["score"] for c in found] == sorted((c["score"] for c in found), reverse=True)


def test_page_search_finds_nothing_for_a_message_without_content_words(search):
    assert search("こんにちは") == []


# ---------------------------------------------------------------- language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("副作用はありますか", "ja"),
        ("値段", "ja"),
        ("PRPとの違い", "ja"),
        ("I can't breathe", "en"),
        ("打完针以后胸口很痛", "zh"),
        ("숨을 쉴 수가 없어요", "ko"),
        ("Tôi bị khó thở", "vi"),
        ("No puedo respirar", "es"),
        ("Estou com falta de ar", "pt"),
        ("Hindi ako makahinga", "tl"),
        ("😀😀", None),
        ("", None),
    ],
)
def test_language_of_a_message(text, lang):
    assert language.detect(text) == lang


def test_spaced_out_kana_reads_like_unspaced_kana():
    assert fold("かんさいぼうの ちりょうと おなじ ですか") == fold("かんさいぼうのちりょうとおなじですか")
    assert fold("How long  does it last?") == "how long  does it last?"  # spaces between Latin words stay
    assert ("therapy", "幹細胞治療") in values("かんさいぼうの ちりょうと おなじ ですか")


def test_ginza_reads_spaced_out_kana_as_unspaced_kana():
    nlp = GinzaNLP.create({}, None, None, None)
    tokenizer = SudachiTokenizer(SudachiTokenizer.get_default_config())

    def words(text):
        message = Message({TEXT: text})
        nlp.process([message], nlp.provide())
        tokenizer.process([message])
        return [t.text for t in message.get("text_tokens")]

    assert words("せくれとーむ　りょうほう　は いたい ですか") == words("せくれとーむりょうほうはいたいですか")
    assert words("PRP is safe?") == ["prp", "is", "safe", "?"]  # spaces between Latin words stay


# ---------------------------------------------------------------- rōmaji


@pytest.mark.parametrize(
    "typed, read_as",
    [
        ("seibun wa nani desu ka", "せいぶん は なに です か"),
        ("dou yatte tsukurimasu ka?", "どう やって つくります か?"),
        ("itai desu ka? chuusha kowai", "いたい です か? ちゅうしゃ こわい"),
        (
            "hoka no chiryou to issho ni dekimasu ka? stem cell OK?",
            "ほか の ちりょう と いっしょ に できます か? stem cell OK?",
        ),
        (
            "chuusha no ato kara mune ga itai, tasukete",
            "ちゅうしゃ の あと から むね が いたい, たすけて",
        ),  # casual, in trouble
    ],
)
def test_romaji_japanese_is_read_as_kana(typed, read_as):
    assert romaji.read(typed) == read_as


@pytest.mark.parametrize(
    "text",
    [
        "What is secretome therapy?",
        "Can I talk to a real person? Is there English-speaking staff?",
        "ano ang gagawin ko, hindi ka makahinga",  # Tagalog, with its own "ka"
        "Mi madre no puede respirar, que hago",  # Spanish "no", "que"
        "Ibu saya habis infus tadi siang, sekarang kejang",  # Indonesian
        "セクレトームって何 desu ka",  # already Japanese
        "ok",
    ],
)
def test_other_languages_are_not_read_as_romaji(text):
    assert romaji.read(text) is None


def test_the_romaji_reader_keeps_what_was_typed():
    reader = RomajiReader.create({}, None, None, None)
    [message] = reader.process([Message({TEXT: "ikura desu ka"})])
    assert message.get(TEXT) == "いくら です か" and message.get(ROMAJI) == "ikura desu ka"
    data = TrainingData([Message({TEXT: "hoken wa tsukaemasu ka", INTENT: "ask_insurance"})])
    assert reader.process_training_data(data).training_examples[0].get(TEXT) == "ほけん は つかえます か"
