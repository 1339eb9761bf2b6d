"""The last turns of a conversation, not the whole of it: what Rasa needs to answer a message.

Rasa rebuilds a conversation's tracker from every event of its session on every message, computes
the policies' states over all of it and sends all of it to the action server, so a message costs
more the longer the conversation (`python -m bench.turns`, docs/performance.md). This assistant's
policies look back three turns at most (MemoizationPolicy max_history 3, one-turn rules) and its
actions read only the latest message and the slots.

`window(rows, turns)` picks, from the stored events of a session (oldest first), those a tracker
of its last `turns` user turns needs: the session's opening (up to the first action_listen), then
what the earlier turns left behind (each slot's last value, a pause still in force, an active
loop), then every event of the last turns. Only the picked rows are parsed. The database keeps
every event: `new_events` tells the store which events of such a tracker are new, so saving
appends exactly those.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Protocol, Sequence

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import Event

# Set on a windowed tracker: (events it was built from, events of its session in the database then).
WINDOW_ATTRIBUTE = "_window_stored"


class Row(Protocol):
    """One stored event, as SQLTrackerStore.SQLEvent holds it."""

    type_name: str
    action_name: Optional[str]
    data: str


def _is_listen(row: Row) -> bool:
    return row.type_name == "action" and row.action_name == ACTION_LISTEN_NAME


def window(rows: Sequence[Row], turns: int) -> List[Row]:
    """The rows a tracker of the last `turns` user turns is built from (all of them when fewer)."""
    users = [i for i, row in enumerate(rows) if row.type_name == "user"]
    opening = next((i + 1 for i, row in enumerate(rows) if _is_listen(row)), 0)
    if len(users) <= turns or users[-turns] <= opening:
        return list(rows)
    cut = users[-turns]
    if _is_listen(rows[cut - 1]):
        cut -= 1  # a turn starts with the listen before the message
    slots: Dict[str, int] = {}
    pause: Optional[int] = None
    loop: Optional[int] = None
    for i in range(opening, cut):
        kind = rows[i].type_name
        if kind == "slot":
            slots[json.loads(rows[i].data)["name"]] = i
        elif kind in ("pause", "resume"):
            pause = i if kind == "pause" else None
        elif kind == "active_loop":
            loop = i if json.loads(rows[i].data).get("name") else None
    left_behind = sorted([*slots.values(), *(i for i in (pause, loop) if i is not None)])
    return [*rows[:opening], *(rows[i] for i in left_behind), *rows[cut:]]


def new_events(tracker: Any, in_database: int) -> Optional[List[Event]]:
    """The events of a windowed `tracker` not yet in the database, which holds `in_database` events
    of its session now; None for a tracker that was not built by a windowing store."""
    stored = getattr(tracker, WINDOW_ATTRIBUTE, None)
    if stored is None:
        return None
    built_from, at_retrieval = stored
    start = built_from + max(0, in_database - at_retrieval)
    return list(tracker.events)[start:]
