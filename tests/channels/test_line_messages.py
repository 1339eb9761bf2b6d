"""The pure parts of the LINE channel: splitting, truncation, quick replies, packing a reply."""

import pytest
from linebot.models import PostbackAction, QuickReplyButton

from channels.line_messages import (
    CHOOSE_BELOW,
    ELLIPSIS,
    MAX_LABEL,
    MAX_MESSAGES,
    MAX_QUICK_REPLIES,
    MAX_TEXT,
    build_reply,
    line_len,
    quick_reply_buttons,
    safe_boundary,
    split_text,
    truncate,
    truncate_text,
)

FAMILY = "👨\u200d👩\u200d👧"  # one cluster of 5 code points, 8 UTF-16 units
FLAG = "🇯🇵"
GA = "か\u3099"  # か + combining dakuten


def as_json(messages):
    return [m.as_json_dict() for m in messages]


# --- lengths and boundaries ---------------------------------------------------------------


def test_line_len_counts_utf16_units():
    assert line_len("副作用") == 3
    assert line_len("👍") == 2
    assert line_len(FAMILY) == 8


@pytest.mark.parametrize(
    "clusters",
    [[FAMILY] * 3, [FLAG] * 4, [GA] * 5, ["a", "\r\n", "b"] * 3, ["👍🏽"] * 4, ["あ", FAMILY, FLAG, GA]],
)
def test_safe_boundary_never_splits_a_cluster(clusters):
    text = "".join(clusters)
    boundaries, position = {0}, 0
    for cluster in clusters:
        position += len(cluster)
        boundaries.add(position)
    for index in range(len(text) + 1):
        cut = safe_boundary(text, index)
        assert cut <= index
        assert cut in boundaries, (clusters, index, cut)


# --- splitting ---------------------------------------------------------------------------


def test_short_text_is_one_piece_and_stripped():
    assert split_text("  副作用はほとんどありません。 \n") == ["副作用はほとんどありません。"]
    assert split_text("") == []
    assert split_text(" \n ") == []


def test_split_prefers_paragraphs():
    text = "あ" * 60 + "\n\n" + "い" * 60
    assert split_text(text, 100) == ["あ" * 60, "い" * 60]


def test_split_prefers_lines_then_sentences():
    lines = "あ" * 60 + "\n" + "い" * 60
    assert split_text(lines, 100) == ["あ" * 60, "い" * 60]
    sentences = "あ" * 59 + "。" + "い" * 59 + "。"
    assert split_text(sentences, 100) == ["あ" * 59 + "。", "い" * 59 + "。"]


def test_split_keeps_closing_brackets_with_the_sentence():
    text = "「" + "あ" * 57 + "。」" + "い" * 60
    pieces = split_text(text, 100)
    assert pieces[0].endswith("。」")
    assert "".join(pieces) == text


def test_split_hard_cut_without_breaks_respects_clusters():
    text = FAMILY * 30  # 240 units, no breaks at all
    pieces = split_text(text, 100)
    assert all(line_len(p) <= 100 for p in pieces)
    assert "".join(pieces) == text
    assert all(p.startswith("👨") and p.endswith("👧") for p in pieces)


def test_split_real_limit_and_content_kept():
    paragraph = "セクレトーム療法は、幹細胞が分泌する成長因子やサイトカインを用いる治療です。" * 20
    text = "\n\n".join([paragraph] * 12)
    assert line_len(text) > MAX_TEXT
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(line_len(p) <= MAX_TEXT for p in pieces)
    assert "\n\n".join(pieces) == text  # cut at paragraph ends only


# --- truncation ----------------------------------------------------------------------------


def test_truncate_short_titles_unchanged():
    assert truncate("副作用・安全性", MAX_LABEL) == "副作用・安全性"


def test_truncate_long_label_ends_with_ellipsis_within_limit():
    title = "幹細胞治療とセクレトーム療法の違いについて詳しく知りたい"
    label = truncate(title, MAX_LABEL)
    assert line_len(label) <= MAX_LABEL
    assert label.endswith(ELLIPSIS)
    assert title.startswith(label[:-1])


def test_truncate_exactly_twenty_is_kept():
    title = "あ" * 20
    assert truncate(title, MAX_LABEL) == title
    assert truncate("あ" * 21, MAX_LABEL) == "あ" * 19 + ELLIPSIS


def test_truncate_drops_dangling_punctuation_and_does_not_split_emoji():
    assert truncate("あ" * 18 + "、" + "い" * 5, MAX_LABEL) == "あ" * 18 + ELLIPSIS
    label = truncate("👍" * 15, MAX_LABEL)
    assert label == "👍" * 9 + ELLIPSIS  # 18 units + 1
    label = truncate("あ" * 17 + FAMILY, MAX_LABEL)
    assert label == "あ" * 17 + ELLIPSIS
    assert truncate("  複数   の\n空白  ", MAX_LABEL) == "複数 の 空白"


def test_truncate_text_cuts_cleanly():
    text = ("あ" * 40 + "。") * 200
    cut = truncate_text(text, 1000)
    assert line_len(cut) <= 1000
    assert cut.endswith("。" + ELLIPSIS)


# --- quick replies --------------------------------------------------------------------------


def test_quick_reply_items_are_postbacks_with_payload_and_title():
    items = quick_reply_buttons(
        [
            {"title": "もっと詳しく", "payload": "/ask_more_detail"},
            {"title": "がんへの使用", "payload": '/ask_indications{"condition":"がん"}'},
        ]
    )
    assert [i.as_json_dict() for i in items] == [
        {
            "type": "action",
            "action": {
                "type": "postback",
                "label": "もっと詳しく",
                "data": "/ask_more_detail",
                "displayText": "もっと詳しく",
            },
        },
        {
            "type": "action",
            "action": {
                "type": "postback",
                "label": "がんへの使用",
                "data": '/ask_indications{"condition":"がん"}',
                "displayText": "がんへの使用",
            },
        },
    ]


def test_quick_replies_capped_deduplicated_and_labels_truncated():
    buttons = [{"title": f"とても長いボタンのタイトルの番号{i:02d}番です", "payload": f"/ask_{i}"} for i in range(20)]
    buttons.insert(1, {"title": "重複", "payload": "/ask_0"})
    items = quick_reply_buttons(buttons)
    assert len(items) == MAX_QUICK_REPLIES
    assert [i.action.data for i in items] == [f"/ask_{i}" for i in range(13)]
    for i, item in enumerate(items):
        assert line_len(item.action.label) <= MAX_LABEL
        assert item.action.label.endswith(ELLIPSIS)
        assert item.action.display_text == f"とても長いボタンのタイトルの番号{i:02d}番です"


def test_quick_replies_skip_empty_and_too_long_payloads_and_use_payload_without_title():
    items = quick_reply_buttons(
        [{"title": "空", "payload": ""}, {"title": "長い", "payload": "/x" + "a" * 400}, {"payload": "/greet"}]
    )
    assert [(i.action.label, i.action.data) for i in items] == [("/greet", "/greet")]


# --- whole replies -------------------------------------------------------------------------


def test_answer_with_buttons_is_one_text_with_quick_replies():
    reply = as_json(
        build_reply(
            [
                {
                    "text": "第一段落。\n\n第二段落。",
                    "buttons": [{"title": "もっと詳しく", "payload": "/ask_more_detail"}],
                }
            ]
        )
    )
    assert len(reply) == 1
    assert reply[0]["text"] == "第一段落。\n\n第二段落。"
    assert reply[0]["quickReply"]["items"][0]["action"]["data"] == "/ask_more_detail"


def test_quick_replies_go_on_the_last_message_only():
    reply = as_json(
        build_reply(
            [
                {"text": "一つ目", "buttons": [{"title": "A", "payload": "/a"}]},
                {"text": "二つ目", "buttons": [{"title": "B", "payload": "/b"}]},
            ]
        )
    )
    assert "quickReply" not in reply[0] or reply[0]["quickReply"] is None
    assert [i["action"]["data"] for i in reply[1]["quickReply"]["items"]] == ["/a", "/b"]


def test_at_most_five_messages_extra_texts_merged_into_the_fifth():
    reply = as_json(build_reply([{"text": f"メッセージ{i}"} for i in range(8)]))
    assert len(reply) == MAX_MESSAGES
    assert [m["text"] for m in reply[:4]] == [f"メッセージ{i}" for i in range(4)]
    assert reply[4]["text"] == "メッセージ4\n\nメッセージ5\n\nメッセージ6\n\nメッセージ7"


def test_long_texts_split_and_everything_within_limits():
    long = ("セクレトーム療法についての説明文です。" * 30 + "\n\n") * 30
    reply = as_json(
        build_reply(
            [
                {"text": long},
                {"text": "最後", "buttons": [{"title": f"ボタン{i}", "payload": f"/b{i}"} for i in range(15)]},
            ]
        )
    )
    assert 1 < len(reply) <= MAX_MESSAGES
    assert all(line_len(m["text"]) <= MAX_TEXT for m in reply)
    assert len(reply[-1]["quickReply"]["items"]) == MAX_QUICK_REPLIES
    assert reply[-1]["text"].endswith("最後")


def test_far_too_long_answer_is_cut_not_dropped():
    text = ("あ" * 99 + "。") * 400  # 40,000 characters: more than 5 full messages
    reply = as_json(build_reply([{"text": text}]))
    assert len(reply) == MAX_MESSAGES
    assert all(line_len(m["text"]) <= MAX_TEXT for m in reply)
    assert reply[-1]["text"].endswith(ELLIPSIS)
    assert reply[0]["text"] == text[: len(reply[0]["text"])]


def test_buttons_without_text_get_a_prompt_and_nothing_gives_nothing():
    reply = as_json(build_reply([{"buttons": [{"title": "A", "payload": "/a"}]}]))
    assert reply[0]["text"] == CHOOSE_BELOW and reply[0]["quickReply"]["items"]
    assert build_reply([]) == []
    assert build_reply([{"text": "  "}]) == []


def test_extra_quick_replies_keep_their_place():
    feedback = [
        QuickReplyButton(action=PostbackAction(label="👍", data='/feedback{"rating":"good"}')),
        QuickReplyButton(action=PostbackAction(label="👎", data='/feedback{"rating":"bad"}')),
    ]
    buttons = [{"title": f"話題{i}", "payload": f"/t{i}"} for i in range(20)]
    items = as_json(build_reply([{"text": "回答", "buttons": buttons}], feedback))[0]["quickReply"]["items"]
    assert len(items) == MAX_QUICK_REPLIES
    assert [i["action"]["label"] for i in items[-2:]] == ["👍", "👎"]
    only_feedback = as_json(build_reply([{"text": "回答"}], feedback))[0]["quickReply"]["items"]
    assert len(only_feedback) == 2


def test_images_https_as_images_other_urls_as_text():
    reply = as_json(build_reply([{"image": "https://example.org/a.png"}, {"image": "http://x/b.png"}]))
    assert reply[0] == {
        "type": "image",
        "originalContentUrl": "https://example.org/a.png",
        "previewImageUrl": "https://example.org/a.png",
    }
    assert reply[1]["type"] == "text" and reply[1]["text"] == "http://x/b.png"
