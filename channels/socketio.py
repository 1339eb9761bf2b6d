"""Rasa's socket.io channel (the patient web page) with the patient guard of channels/guard.py.

Registered in credentials.yml as `channels.socketio.SocketIOInput:` in place of `socketio:`, with
the same settings (user_message_evt, bot_message_evt, session_persistence, socketio_path, ...)
and the same events. Rate-limited messages and "temporarily unavailable" answers arrive as
ordinary `bot_uttered` messages ({"text": ...}).

Two handlers of Rasa 3.6's channel are replaced:
- `session_request`: Rasa calls `sio.enter_room(...)`, a coroutine since python-socketio 5.10
  (pinned: 5.18.1), without awaiting it, so with `session_persistence: true` the client never
  joins its session's room and never receives the bot's answers (they are emitted to that room).
  A session id that is not a usable sender id (not a string, over 255 characters, control
  characters) is replaced by a new one, as a missing one is.
- the user message event: a message whose `message` is not a string, or whose metadata is not an
  object, gets a polite "please send text" answer (Rasa raises inside the handler and answers
  nothing); event data that is not an object, or has no usable session id, is ignored with a
  warning, as Rasa ignores a message without a session id.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from rasa.core.channels.socketio import SocketIOOutput
from sanic import Blueprint

from channels.guard import NOT_TEXT_TEXT, Guard, message_problem, sender_problem

logger = logging.getLogger(__name__)


class SocketIOInput(RasaSocketIOInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = Guard.from_env()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        on_new_message = self.guard.wrap(on_new_message)
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Any]) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not isinstance(session_id, str) or sender_problem(session_id):
                session_id = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                logger.warning("socket.io message that is not an object ignored")
                return
            sender_id = data.get("session_id") if self.session_persistence else sid
            if not isinstance(sender_id, str) or sender_problem(sender_id):
                logger.warning("socket.io message without a usable session_id ignored")
                return
            output_channel = SocketIOOutput(sio, self.bot_message_evt)
            text = data.get("message", "")
            metadata = data.get(self.metadata_key) or None
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    pass  # reported by message_problem below
            if message_problem(text, metadata):
                await output_channel.send_text_message(sender_id, NOT_TEXT_TEXT)
                return
            await on_new_message(
                UserMessage(text, output_channel, sender_id, input_channel=self.name(), metadata=metadata)
            )

        return blueprint
