// The DOM side of the widget. Every piece of user or bot text goes in through text nodes
// (textContent / createTextNode), never innerHTML, so an HTML or <script> message shows as text.

const URL_RE = /https?:\/\/[^\s<>"'、。「」（）()【】]+/g;
const TRAILING_PUNCTUATION_RE = /[.,:;!?]+$/;

function el(tag, className, attrs = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

function srOnly(text) {
  const span = el("span", "sr-only");
  span.textContent = text;
  return span;
}

/** Appends `text` to `parent` as text nodes, with http(s) URLs as plain links. */
export function appendText(parent, text) {
  let last = 0;
  for (const match of text.matchAll(URL_RE)) {
    const url = match[0].replace(TRAILING_PUNCTUATION_RE, "");
    if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
    const link = el("a", "link", { href: url, target: "_blank", rel: "noopener noreferrer" });
    link.textContent = url;
    parent.append(link);
    last = match.index + url.length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

export class ChatView {
  constructor(root, handlers) {
    this.handlers = handlers; // {onSend(text), onQuickReply(title, payload), onFeedback(turn, rating), onReset()}
    this.scroll = root.querySelector("#scroll");
    this.log = root.querySelector("#messages");
    this.typing = root.querySelector("#typing");
    this.notice = root.querySelector("#notice");
    this.status = root.querySelector("#status");
    this.statusText = root.querySelector("#status-text");
    this.form = root.querySelector("#composer");
    this.input = root.querySelector("#input");
    this.sendButton = root.querySelector("#send");
    this.resetButton = root.querySelector("#reset");
    this.botTurnElements = new Map(); // bot turn object -> its element
    this.composing = false;
    this.restoring = false;
    this.bindComposer();
  }

  bindComposer() {
    const { input } = this;
    input.addEventListener("compositionstart", () => {
      this.composing = true;
    });
    input.addEventListener("compositionend", () => {
      this.composing = false;
    });
    input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      // Enter that confirms an IME conversion (日本語入力の確定) must never send.
      // keyCode 229 covers Safari, which ends the composition before this keydown.
      if (event.isComposing || event.keyCode === 229 || this.composing) return;
      if (event.shiftKey) return; // newline
      event.preventDefault();
      this.submit();
    });
    input.addEventListener("input", () => this.autosize());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
    this.resetButton.addEventListener("click", () => this.handlers.onReset());
  }

  submit() {
    const text = this.input.value.trim();
    if (!text) return; // the empty message is not sent
    if (this.handlers.onSend(text) !== false) {
      this.input.value = "";
      this.autosize();
    }
    this.input.focus();
  }

  autosize() {
    const { input } = this;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 140)}px`;
  }

  // -- status, typing indicator, notices ---------------------------------------------------

  setStatus(state, text) {
    this.status.dataset.state = state;
    this.statusText.textContent = text;
  }

  setTyping(on) {
    this.typing.hidden = !on;
    if (on) this.scrollToEnd();
  }

  showNotice(text) {
    this.notice.textContent = text;
    this.notice.hidden = !text;
    if (text) this.scrollToEnd();
  }

  scrollToEnd() {
    this.scroll.scrollTop = this.scroll.scrollHeight;
  }

  // -- messages ------------------------------------------------------------------------------

  clear() {
    this.log.replaceChildren();
    this.botTurnElements.clear();
    this.showNotice("");
  }

  renderAll(turns) {
    this.log.setAttribute("aria-busy", "true");
    this.restoring = true;
    this.clear();
    for (const turn of turns) {
      if (turn.role === "user") {
        this.addUserTurn(turn);
      } else {
        this.addBotTurn(turn);
        for (const part of turn.parts) this.addBotPart(turn, part);
      }
    }
    this.restoring = false;
    this.log.setAttribute("aria-busy", "false");
    this.scrollToEnd();
  }

  addUserTurn(turn) {
    const row = el("div", "msg msg-user");
    const bubble = el("div", "bubble");
    bubble.append(srOnly("あなた: "));
    appendText(bubble, turn.text);
    row.append(bubble);
    this.log.append(row);
    if (!this.restoring) this.scrollToEnd();
  }

  addBotTurn(turn) {
    const group = el("div", "bot-turn");
    const parts = el("div", "parts");
    group.append(parts);
    if (turn.feedback === "open") group.append(this.feedbackBar(turn));
    this.log.append(group);
    this.botTurnElements.set(turn, group);
    return group;
  }

  addBotPart(turn, part) {
    const group = this.botTurnElements.get(turn);
    if (!group) return;
    const row = el("div", "msg msg-bot");
    if (part.text) {
      const bubble = el("div", "bubble");
      bubble.append(srOnly("アシスタント: "));
      appendText(bubble, part.text);
      row.append(bubble);
    }
    if (turn.repliesOpen && part.replies.length) row.append(this.quickReplies(part.replies));
    group.querySelector(".parts").append(row);
    if (!this.restoring) this.revealTurn(group);
  }

  /** Shows a new answer from its beginning: a long answer is not scrolled past its first line. */
  revealTurn(group) {
    const { scroll } = this;
    const top = group.getBoundingClientRect().top - scroll.getBoundingClientRect().top + scroll.scrollTop;
    scroll.scrollTop = Math.min(top - 12, scroll.scrollHeight);
  }

  quickReplies(replies) {
    const box = el("div", "quick-replies", { role: "group", "aria-label": "選択肢" });
    for (const reply of replies) {
      const button = el("button", "chip", { type: "button" });
      button.textContent = reply.title;
      button.addEventListener("click", () => this.handlers.onQuickReply(reply.title, reply.payload));
      box.append(button);
    }
    return box;
  }

  /** Quick replies are offered until the patient says something; then they go away. */
  closeQuickReplies() {
    for (const box of this.log.querySelectorAll(".quick-replies")) box.remove();
  }

  feedbackBar(turn) {
    const bar = el("div", "feedback", { role: "group", "aria-label": "この回答の評価" });
    const question = el("span", "feedback-question");
    question.textContent = "参考になりましたか？";
    bar.append(question);
    for (const [rating, emoji, label] of [
      ["good", "👍", "役に立った"],
      ["bad", "👎", "役に立たなかった"],
    ]) {
      const button = el("button", `feedback-button feedback-${rating}`, {
        type: "button",
        "aria-label": label,
        title: label,
        "data-rating": rating,
      });
      button.textContent = emoji;
      button.addEventListener("click", () => this.handlers.onFeedback(turn, rating));
      bar.append(button);
    }
    return bar;
  }

  removeFeedback(turn) {
    this.botTurnElements.get(turn)?.querySelector(".feedback")?.remove();
  }
}
