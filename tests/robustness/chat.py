"""Talking to the running assistant over socket.io, as the patient web page does."""

from __future__ import annotations

import queue
import threading
import time
import uuid
from typing import Any, Dict, List, Optional

import socketio


class SocketChat:
    """One socket.io connection with a persistent session (the web page's `session_request`)."""

    def __init__(self, url: str, session_id: Optional[str] = None, timeout: float = 20) -> None:
        self.timeout = timeout
        self.replies: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        confirmed: "queue.Queue[str]" = queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_confirm", confirmed.put)
        # Polling: the synchronous client's websocket transport needs websocket-client.
        self.client.connect(url, socketio_path="/socket.io", transports=["polling"], wait_timeout=timeout)
        self.client.emit("session_request", {"session_id": session_id or uuid.uuid4().hex})
        self.session_id = confirmed.get(timeout=timeout)

    def emit(self, data: Any, event: str = "user_uttered") -> None:
        self.client.emit(event, data)

    def say(self, text: Any, quiet: float = 0.5) -> List[Dict[str, Any]]:
        """The bot's messages for one message: waits for the first, then `quiet` s for more."""
        self.drain()
        self.emit({"message": text, "session_id": self.session_id})
        replies = [self.replies.get(timeout=self.timeout)]
        try:
            while True:
                replies.append(self.replies.get(timeout=quiet))
        except queue.Empty:
            return replies

    def burst(self, texts: List[Any], seconds: float = 3.0) -> List[Dict[str, Any]]:
        """Sends all the messages at once; the bot's messages that came within `seconds`."""
        self.drain()
        for text in texts:
            self.emit({"message": text, "session_id": self.session_id})
            # The client batches queued events into one HTTP poll; the server refuses polls of
            # more than 16 packets ("Too many packets in payload") and they would be lost.
            time.sleep(0.02)
        replies = []
        deadline = time.monotonic() + seconds
        try:
            while time.monotonic() < deadline:
                replies.append(self.replies.get(timeout=max(deadline - time.monotonic(), 0.01)))
        except queue.Empty:
            pass
        return replies

    def drain(self) -> None:
        try:
            while True:
                self.replies.get_nowait()
        except queue.Empty:
            pass

    def close(self) -> None:
        # disconnect() waits for the pending long-poll (up to socket.io's 25 s ping interval).
        threading.Thread(target=self.client.disconnect, daemon=True).start()

    def __enter__(self) -> "SocketChat":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
