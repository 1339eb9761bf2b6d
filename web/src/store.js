// The conversation kept in the browser so that it survives a page reload: the Rasa session id
// (sent back in the socket.io `session_request`) and the rendered history of that session.
//
// A turn is either {role: "user", text} or
// {role: "bot", parts: [{text, replies: [{title, payload}]}], repliesOpen, feedback}
// where feedback is "open" (👍/👎 shown), "done" (rated) or "off" (not an answer).

const PREFIX = "secretome-chat:v1:";
const SESSION_KEY = `${PREFIX}session`;
const HISTORY_KEY = `${PREFIX}history`;
const MAX_TURNS = 200;
const SESSION_ID_RE = /^[A-Za-z0-9_-]{1,128}$/;

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled (private mode, policy): the chat still works, without reload
  }
}

function read(key) {
  try {
    return storage()?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(key, value) {
  try {
    storage()?.setItem(key, value);
  } catch {
    // quota or disabled storage: keep going without persistence
  }
}

function remove(key) {
  try {
    storage()?.removeItem(key);
  } catch {
    // ignore
  }
}

export function isValidSessionId(value) {
  return typeof value === "string" && SESSION_ID_RE.test(value);
}

export function loadSessionId() {
  const value = read(SESSION_KEY);
  return isValidSessionId(value) ? value : null;
}

export function saveSessionId(sessionId) {
  if (isValidSessionId(sessionId)) write(SESSION_KEY, sessionId);
}

const str = (value) => (typeof value === "string" ? value : "");

export function cleanReplies(raw) {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter((r) => r && typeof r === "object")
    .map((r) => ({ title: str(r.title), payload: str(r.payload) }))
    .filter((r) => r.title.trim() && r.payload.trim());
}

function cleanTurn(raw) {
  if (!raw || typeof raw !== "object") return null;
  if (raw.role === "user") {
    return str(raw.text) ? { role: "user", text: str(raw.text) } : null;
  }
  if (raw.role === "bot" && Array.isArray(raw.parts)) {
    const parts = raw.parts
      .filter((p) => p && typeof p === "object")
      .map((p) => ({ text: str(p.text), replies: cleanReplies(p.replies) }))
      .filter((p) => p.text || p.replies.length);
    if (!parts.length) return null;
    const feedback = ["open", "done", "off"].includes(raw.feedback) ? raw.feedback : "off";
    return { role: "bot", parts, repliesOpen: raw.repliesOpen === true, feedback };
  }
  return null;
}

/** The stored turns of `sessionId` (empty when there are none or they belong to another session). */
export function loadHistory(sessionId) {
  if (!sessionId) return [];
  try {
    const data = JSON.parse(read(HISTORY_KEY) || "null");
    if (!data || data.sessionId !== sessionId || !Array.isArray(data.turns)) return [];
    return data.turns.map(cleanTurn).filter(Boolean);
  } catch {
    return [];
  }
}

export function saveHistory(sessionId, turns) {
  if (!sessionId) return;
  write(HISTORY_KEY, JSON.stringify({ sessionId, turns: turns.slice(-MAX_TURNS) }));
}

export function clearConversation() {
  remove(SESSION_KEY);
  remove(HISTORY_KEY);
}
