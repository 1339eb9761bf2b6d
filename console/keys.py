"""How a conversation is named outside Rasa: in the console's URLs and in the staff's Slack alerts.

No dependencies, so the action server can link an emergency alert to the conversation.
"""

from __future__ import annotations

import hashlib
from typing import Optional


def conversation_key(sender_id: str) -> str:
    """The id used in URLs: the sender id itself may be personal (a LINE user id, a phone)."""
    return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:24]


def conversation_url(sender_id: str, console_url: Optional[str]) -> str:
    """The conversation's page in the console; only its path when the console's address is not set."""
    return f"{(console_url or '').rstrip('/')}/conversations/{conversation_key(sender_id)}"
