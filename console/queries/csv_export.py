"""The conversation list as CSV for Excel: UTF-8 with a BOM, formulas kept as text."""

from __future__ import annotations

import csv
import io
from typing import Iterator
from zoneinfo import ZoneInfo

from console.queries.conversations import ConversationRow
from console.queries.labels import CHANNEL_LABELS, format_ts

CSV_COLUMNS = [
    ("会話ID", lambda r: r.sender),
    ("開始", None),
    ("最終", None),
    ("チャネル", lambda r: CHANNEL_LABELS.get(r.channel, r.channel)),
    ("発話数", lambda r: r.turns),
    ("最初の質問", lambda r: r.first_question),
    ("フォールバック", lambda r: int(r.fell_back)),
    ("低信頼度", lambda r: int(r.low_confidence)),
    ("スタッフ希望", lambda r: int(r.asked_human)),
    ("緊急", lambda r: int(r.emergency)),
    ("低評価", lambda r: int(r.negative_feedback)),
    ("確認済み", lambda r: int(r.reviewed)),
    ("タグ", lambda r: " ".join(r.tags)),
    ("メモ", lambda r: r.note),
]


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is a formula to Excel: keep it text.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def conversations_csv(rows: Iterator[ConversationRow], tz: ZoneInfo) -> Iterator[str]:
    """CSV text (UTF-8 with BOM when encoded, so Excel opens the Japanese), row by row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        out = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return out

    writer.writerow([name for name, _ in CSV_COLUMNS])
    yield "\ufeff" + flush()
    for row in rows:
        values = []
        for name, get in CSV_COLUMNS:
            if name == "開始":
                values.append(format_ts(row.started, tz))
            elif name == "最終":
                values.append(format_ts(row.last, tz))
            elif get is not None:
                values.append(_csv_cell(get(row)))
        writer.writerow(values)
        yield flush()
