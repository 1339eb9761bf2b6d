// The patient chat page: a small widget on Rasa's socket.io channel (credentials.yml `socketio`
// with session_persistence: true). The page learns where Rasa is from /config.json (web/server.py).
import { io } from "socket.io-client";
import {
  clearConversation,
  cleanReplies,
  isValidSessionId,
  loadHistory,
  loadSessionId,
  saveHistory,
  saveSessionId,
} from "./store.js";
import { ChatView } from "./view.js";

const DEFAULT_CONFIG = { rasaUrl: "http://localhost:5005", socketPath: "/socket.io" };
const USER_EVENT = "user_uttered";
const BOT_EVENT = "bot_uttered";
const REPLY_TIMEOUT_MS = 30000;
const GREETING_PAYLOAD = "/greet";
const FEEDBACK_PAYLOAD = { good: '/feedback{"rating":"good"}', bad: '/feedback{"rating":"bad"}' };

async function loadConfig() {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (response.ok) {
      const data = await response.json();
      return {
        rasaUrl: typeof data.rasaUrl === "string" ? data.rasaUrl : DEFAULT_CONFIG.rasaUrl,
        socketPath: typeof data.socketPath === "string" ? data.socketPath : DEFAULT_CONFIG.socketPath,
      };
    }
  } catch {
    // fall back to the default
  }
  return DEFAULT_CONFIG;
}

class Chat {
  constructor(config) {
    this.config = config;
    this.sessionId = loadSessionId();
    this.turns = loadHistory(this.sessionId);
    this.currentBotTurn = null; // the bot turn that incoming messages are added to
    this.nextFeedback = "open"; // whether the next bot turn is an answer to rate
    this.ready = false; // connected and in the session's room
    this.outbox = [];
    this.replyTimer = null;
    this.view = new ChatView(document, {
      onSend: (text) => this.send(text, text, "text"),
      onQuickReply: (title, payload) => this.send(payload, title, "quick_reply"),
      onFeedback: (turn, rating) => this.rate(turn, rating),
      onReset: () => this.reset(),
    });
  }

  start() {
    this.view.renderAll(this.turns);
    this.socket = io(this.config.rasaUrl, {
      path: this.config.socketPath,
      reconnectionDelayMax: 10000,
    });
    this.socket.on("connect", () => {
      this.ready = false;
      this.view.setStatus("connecting", "接続しています…");
      this.socket.emit("session_request", { session_id: this.sessionId });
    });
    this.socket.on("session_confirm", (data) => this.onSessionConfirm(data));
    this.socket.on(BOT_EVENT, (message) => this.receive(message));
    this.socket.on("disconnect", () => {
      this.ready = false;
      this.view.setStatus("offline", "接続が切れました。再接続しています…");
    });
    this.socket.on("connect_error", () => {
      this.ready = false;
      this.view.setStatus("offline", "サーバーに接続できません。再試行しています…");
    });
  }

  onSessionConfirm(data) {
    const id = typeof data === "string" ? data : data && data.session_id;
    if (!isValidSessionId(id)) return;
    if (this.sessionId && id !== this.sessionId) {
      // the server started another conversation: what was shown belonged to the old one
      this.turns = [];
      this.currentBotTurn = null;
      this.view.renderAll(this.turns);
    }
    this.sessionId = id;
    saveSessionId(id);
    this.save();
    this.ready = true;
    this.view.setStatus("online", "オンライン");
    const pending = this.outbox.splice(0);
    for (const message of pending) this.emit(message);
    if (!this.turns.length && !pending.length) this.send(GREETING_PAYLOAD, null, "greeting");
  }

  emit(message) {
    this.socket.emit(USER_EVENT, { message, session_id: this.sessionId });
  }

  /** Sends `message` to Rasa, showing `display` as the patient's bubble (null: no bubble). */
  send(message, display, kind) {
    const text = message.trim();
    if (!text) return false;
    if (kind !== "feedback") {
      for (const turn of this.turns) if (turn.role === "bot") turn.repliesOpen = false;
      this.view.closeQuickReplies();
    }
    if (display) {
      const turn = { role: "user", text: display };
      this.turns.push(turn);
      this.view.addUserTurn(turn);
    }
    this.currentBotTurn = null;
    this.nextFeedback = kind === "feedback" || kind === "greeting" ? "off" : "open";
    this.save();
    if (this.ready) this.emit(text);
    else this.outbox.push(text);
    this.view.showNotice("");
    this.view.setTyping(true);
    clearTimeout(this.replyTimer);
    this.replyTimer = setTimeout(() => {
      this.view.setTyping(false);
      this.view.showNotice("応答に時間がかかっています。しばらくしてから、もう一度お試しください。");
    }, REPLY_TIMEOUT_MS);
    return true;
  }

  receive(message) {
    if (!message || typeof message !== "object") return;
    const text = typeof message.text === "string" ? message.text : "";
    const replies = cleanReplies(message.quick_replies || message.buttons);
    if (!text.trim() && !replies.length) return;
    clearTimeout(this.replyTimer);
    this.view.setTyping(false);
    this.view.showNotice("");
    if (!this.currentBotTurn) {
      this.currentBotTurn = { role: "bot", parts: [], repliesOpen: true, feedback: this.nextFeedback };
      this.turns.push(this.currentBotTurn);
      this.view.addBotTurn(this.currentBotTurn);
    }
    const part = { text, replies };
    this.currentBotTurn.parts.push(part);
    this.view.addBotPart(this.currentBotTurn, part);
    this.save();
  }

  rate(turn, rating) {
    if (turn.feedback !== "open" || !FEEDBACK_PAYLOAD[rating]) return;
    turn.feedback = "done";
    this.view.removeFeedback(turn);
    this.send(FEEDBACK_PAYLOAD[rating], null, "feedback");
  }

  reset() {
    clearConversation();
    clearTimeout(this.replyTimer);
    this.sessionId = null;
    this.turns = [];
    this.outbox = [];
    this.currentBotTurn = null;
    this.view.setTyping(false);
    this.view.renderAll(this.turns);
    // a fresh connection asks for a new session id (and leaves the old session's room)
    this.socket.disconnect();
    this.socket.connect();
    this.view.input.focus();
  }

  save() {
    saveHistory(this.sessionId, this.turns);
  }
}

loadConfig().then((config) => new Chat(config).start());
