"""Rasa's socket.io channel (the patient web page) with the patient guard of channels/guard.py.

Registered in credentials.yml as `channels.socketio.SocketIOInput:` in place of `socketio:`, with
the same settings (user_message_evt, bot_message_evt, session_persistence, socketio_path, ...).
Rate-limited messages and "temporarily unavailable" answers arrive as ordinary `bot_uttered`
messages ({"text": ...}); a message whose text is not a string gets a polite "please send text".
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

from channels.guard import Guard


class SocketIOInput(RasaSocketIOInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.guard = Guard.from_env()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        return super().blueprint(self.guard.wrap(on_new_message))
