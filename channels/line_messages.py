"""Turning the bot's messages into one LINE reply (pure functions, no Rasa, no I/O).

LINE's limits (Messaging API reference):
- a reply carries at most 5 message objects;
- a text message holds at most 5,000 characters;
- a quick reply holds at most 13 items, an item's label at most 20 characters;
- a postback action's data and displayText hold at most 300 characters.

Lengths are counted in UTF-16 code units, so that an emoji outside the BMP counts as two: never
more than LINE counts, whichever way LINE counts. Texts are cut at paragraph, line or sentence
ends when they can be, and never inside a character cluster (emoji with modifiers or ZWJ,
combining marks, flags).

Quick replies are shown by LINE only on the last message of a reply, so every button of the
bot's messages becomes a quick-reply item of the last message.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Sequence

from linebot.models import (
    ImageSendMessage,
    PostbackAction,
    QuickReply,
    QuickReplyButton,
    SendMessage,
    TextSendMessage,
)

from knowledge import knowledge_base

logger = logging.getLogger(__name__)

MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_DISPLAY_TEXT = 300
ELLIPSIS = "…"

# Answer to stickers, images, audio, video, files and locations: the assistant reads text only.
TEXT_ONLY_NOTICE = knowledge_base().phrase("text_only")
# Text of the message that carries quick replies when the bot sent buttons without any text.
CHOOSE_BELOW = knowledge_base().phrase("choose_below")

_ZWJ = "\u200d"
_PARAGRAPH = ("\n\n",)
_LINE = ("\n",)
_SENTENCE = ("。", "！", "？", "!", "?", "．", "…")
_CLOSERS = "」』）)】〉》〕］]\"'”’"
_SPACE = (" ", "\u3000", "、", "，", ",", "・")


def line_len(text: str) -> int:
    """Length as LINE may count it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _is_extender(char: str) -> bool:
    """Characters that belong to the character before them (must not start a new piece)."""
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or unicodedata.category(char) in ("Mn", "Me", "Mc")
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0xE0100 <= code <= 0xE01EF
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
        or code in (0x3099, 0x309A)  # combining (han)dakuten
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def safe_boundary(text: str, index: int) -> int:
    """The largest position <= index at which text can be cut without breaking a cluster."""
    index = max(0, min(index, len(text)))
    while 0 < index < len(text) and (
        _is_extender(text[index]) or text[index - 1] == _ZWJ or text[index - 1 : index + 1] == "\r\n"
    ):
        index -= 1
    if 0 < index < len(text) and _is_regional_indicator(text[index]):
        run = 0
        while index - run - 1 >= 0 and _is_regional_indicator(text[index - run - 1]):
            run += 1
        if run % 2:  # cutting here would split a flag
            index -= 1
    return index


def _fitting_prefix(text: str, limit: int) -> int:
    """Number of code points of the longest prefix whose line_len is <= limit."""
    used = 0
    for i, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return i
    return len(text)


def _cut_point(text: str, limit: int) -> int:
    """Where to cut a text longer than limit: a paragraph, line, sentence or word end if one
    falls in the second half of the window, else the last cluster boundary that fits."""
    window_end = safe_boundary(text, _fitting_prefix(text, limit))
    window = text[:window_end]
    for separators in (_PARAGRAPH, _LINE, _SENTENCE, _SPACE):
        best = -1
        for sep in separators:
            found = window.rfind(sep)
            if found >= 0:
                end = found + len(sep)
                while end < window_end and text[end] in _CLOSERS:
                    end += 1
                best = max(best, end)
        if best > window_end // 2:
            return best
    return window_end if window_end > 0 else 1


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Splits a text into pieces of at most `limit` (LINE) characters, cutting cleanly."""
    text = (text or "").strip()
    pieces: List[str] = []
    while text and line_len(text) > limit:
        cut = _cut_point(text, limit)
        head, text = text[:cut].rstrip(), text[cut:].lstrip()
        if head:
            pieces.append(head)
    if text:
        pieces.append(text)
    return pieces


def truncate(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """Shortens a text to at most `limit` characters; a shortened text ends with the ellipsis.

    Cuts at a cluster boundary and drops dangling spaces and punctuation before the ellipsis.
    """
    text = " ".join((text or "").split())
    if line_len(text) <= limit:
        return text
    room = max(limit - line_len(ellipsis), 0)
    head = text[: safe_boundary(text, _fitting_prefix(text, room))]
    head = head.rstrip(" \u3000、，,・:：;；-ー（(「『【")
    return head + ellipsis


def quick_reply_buttons(buttons: Iterable[Dict[str, Any]], limit: int = MAX_QUICK_REPLIES) -> List[QuickReplyButton]:
    """Rasa buttons ({"title", "payload"}) as LINE quick-reply items with postback actions.

    The payload becomes the postback data (sent back to Rasa as the user's message when tapped),
    the title the label (truncated to 20 characters) and the text shown in the chat as the
    patient's message. Duplicate payloads are dropped; so are payloads too long for LINE.
    """
    items: List[QuickReplyButton] = []
    seen = set()
    for button in buttons:
        payload = str(button.get("payload") or "").strip()
        title = " ".join(str(button.get("title") or "").split()) or payload
        if not payload or payload in seen:
            continue
        if line_len(payload) > MAX_POSTBACK_DATA:
            logger.warning("button payload too long for a LINE postback, left out: %.60s…", payload)
            continue
        seen.add(payload)
        items.append(
            QuickReplyButton(
                action=PostbackAction(
                    label=truncate(title, MAX_LABEL),
                    data=payload,
                    display_text=truncate(title, MAX_DISPLAY_TEXT),
                )
            )
        )
        if len(items) >= limit:
            break
    return items


def _parts(messages: Sequence[Dict[str, Any]]) -> List[Dict[str, str]]:
    """The bot's messages as ordered text / image parts (texts split to LINE's size)."""
    parts: List[Dict[str, str]] = []
    for message in messages:
        for piece in split_text(message.get("text") or ""):
            parts.append({"type": "text", "text": piece})
        image = message.get("image")
        if image:
            if str(image).startswith("https://"):
                parts.append({"type": "image", "url": str(image)})
            else:  # LINE only shows images served over HTTPS
                parts.append({"type": "text", "text": str(image)})
        attachment = message.get("attachment")
        if attachment and isinstance(attachment, str):
            parts.extend({"type": "text", "text": p} for p in split_text(attachment))
        if message.get("custom") is not None:
            logger.debug("custom payload not sent to LINE: %s", message.get("custom"))
    return parts


def _as_text(part: Dict[str, str]) -> str:
    return part["text"] if part["type"] == "text" else part["url"]


def _pack(parts: List[Dict[str, str]], max_messages: int, limit: int) -> List[Dict[str, str]]:
    """At most `max_messages` parts: the first ones as they are, the rest merged into the last."""
    if len(parts) <= max_messages:
        return parts
    head, rest = parts[: max_messages - 1], parts[max_messages - 1 :]
    merged = "\n\n".join(_as_text(p) for p in rest)
    if line_len(merged) <= limit:
        return head + [{"type": "text", "text": merged}]
    # Too much for one message: merge neighbouring texts wherever they fit, then cut what is left.
    packed: List[Dict[str, str]] = []
    for part in parts:
        last = packed[-1] if packed else None
        if (
            last is not None
            and last["type"] == part["type"] == "text"
            and line_len(last["text"]) + 2 + line_len(part["text"]) <= limit
        ):
            last["text"] = f"{last['text']}\n\n{part['text']}"
        else:
            packed.append(dict(part))
    if len(packed) <= max_messages:
        return packed
    head, rest = packed[: max_messages - 1], packed[max_messages - 1 :]
    logger.warning("bot answer too long for one LINE reply, the end is cut")
    return head + [{"type": "text", "text": truncate_text("\n\n".join(_as_text(p) for p in rest), limit)}]


def truncate_text(text: str, limit: int = MAX_TEXT) -> str:
    """A long text cut at its last clean break within the limit, ending with the ellipsis."""
    if line_len(text) <= limit:
        return text
    head = split_text(text, limit - line_len(ELLIPSIS))[0]
    return head.rstrip() + ELLIPSIS


def build_reply(
    messages: Sequence[Dict[str, Any]],
    extra_quick_replies: Sequence[QuickReplyButton] = (),
    max_messages: int = MAX_MESSAGES,
) -> List[SendMessage]:
    """The LINE message objects for one reply to the bot's collected messages.

    `messages` are the dicts Rasa's CollectingOutputChannel stores (text, buttons, image, ...).
    `extra_quick_replies` are added after the bot's own buttons (kept even when the bot's buttons
    fill the quick reply: room is made for them).
    """
    parts = _pack(_parts(messages), max_messages, MAX_TEXT)
    buttons = [b for m in messages for b in (m.get("buttons") or [])]
    extra = list(extra_quick_replies)[:MAX_QUICK_REPLIES]
    items = quick_reply_buttons(buttons, MAX_QUICK_REPLIES - len(extra)) + extra if buttons else extra
    if not parts and not items:
        return []
    if not parts:
        parts = [{"type": "text", "text": CHOOSE_BELOW}]
    quick_reply: Optional[QuickReply] = QuickReply(items=items) if items else None
    result: List[SendMessage] = []
    for index, part in enumerate(parts):
        qr = quick_reply if index == len(parts) - 1 else None
        if part["type"] == "image":
            result.append(
                ImageSendMessage(original_content_url=part["url"], preview_image_url=part["url"], quick_reply=qr)
            )
        else:
            result.append(TextSendMessage(text=part["text"], quick_reply=qr))
    return result
