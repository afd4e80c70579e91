/*
 * AS information assistant: embeddable chat widget.
 *
 * Dependency-free, no build step. Talks only to the configured Rasa server over the REST
 * channel (POST {serverUrl}/webhooks/rest/webhook) and, on page load, reads the conversation
 * back from the same channel (POST {serverUrl}/webhooks/rest/history), which needs no API
 * token. "Start over" and "Delete my conversation" erase it on the server
 * (POST {serverUrl}/webhooks/rest/forget).
 *
 * The conversation id is the only key to the conversation, so it is kept like one: in the
 * request body (never a URL), in sessionStorage (gone when the tab closes) unless the site
 * opts in to remembering it (rememberConversation), and then only for rememberDays, after
 * which every key is deleted.
 *
 * Embed:
 *   <script>window.ASAssistantConfig = {serverUrl: "https://assistant.example.org"};</script>
 *   <script src="widget.js" defer></script>
 *
 * The same options can be given as data- attributes on the widget's script tag
 * (data-server-url, data-title, data-primary-color, ...); window.ASAssistantConfig wins.
 *
 * Safety rules kept by this file: message content is only ever set with textContent (never
 * innerHTML); links are built as <a> elements and only for http:// and https:// URLs.
 */
(function () {
  "use strict";

  var DEFAULTS = {
    serverUrl: "http://localhost:5005",
    title: "AS information assistant",
    primaryColor: "#1f5f8b",
    position: "right", // "right" or "left"
    maxLength: 2000,
    storageKey: "as-assistant",
    notice:
      "This assistant shares general, educational information about ankylosing spondylitis. " +
      "It is not medical advice. In an emergency, call your local emergency number.",
    greeting: "", // optional message sent when a new conversation is opened
    // Read the history back from the REST channel on page load. false: use only the copy
    // kept in the browser.
    restoreFromServer: true,
    // Keep the conversation across visits (localStorage) instead of for this tab only
    // (sessionStorage); then for at most rememberDays since it was last used.
    rememberConversation: false,
    rememberDays: 30,
    requestTimeoutMs: 60000
  };

  var ERROR_TEXT =
    "Sorry, I can't reach the assistant right now. Please try again in a moment. " +
    "In an emergency, call your local emergency number.";

  var THANKS_TEXT = "Thank you for your feedback.";
  var FEEDBACK_ERROR_TEXT = "Sorry, your feedback could not be sent. Please try again.";
  var MAX_COMMENT_CHARS = 500; // as assistant/feedback.py
  // A vote button's payload names the answer's topic: /feedback{"topic":"...","helpful":true}
  var FEEDBACK_PREFIX = "/feedback{";

  var URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
  var TRAILING_PUNCT = /[.,;:!?)\]}'"]/;

  // ---------------------------------------------------------------- helpers (pure)

  /** Split text into [{type: "text"|"link", value}] parts; links only for http(s). */
  function linkifyParts(text) {
    var parts = [];
    var last = 0;
    var str = String(text == null ? "" : text);
    var match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(str)) !== null) {
      var url = trimUrl(match[0]);
      if (!url || !isSafeUrl(url)) continue;
      if (match.index > last) parts.push({ type: "text", value: str.slice(last, match.index) });
      parts.push({ type: "link", value: url });
      last = match.index + url.length;
      URL_RE.lastIndex = last;
    }
    if (last < str.length) parts.push({ type: "text", value: str.slice(last) });
    return parts;
  }

  /** Drop sentence punctuation after a URL; keep a ")" that closes a "(" inside it. */
  function trimUrl(url) {
    while (url && TRAILING_PUNCT.test(url.slice(-1))) {
      var last = url.slice(-1);
      if (last === ")" && (url.split("(").length - 1) >= (url.split(")").length - 1)) break;
      url = url.slice(0, -1);
    }
    return url;
  }

  function isSafeUrl(url) {
    var lower = String(url).toLowerCase();
    return lower.indexOf("https://") === 0 || lower.indexOf("http://") === 0;
  }

  /** Fill `el` with text, turning http(s) URLs into safe links. Never uses innerHTML. */
  function renderRichText(el, text) {
    linkifyParts(text).forEach(function (part) {
      if (part.type === "link" && isSafeUrl(part.value)) {
        var a = document.createElement("a");
        a.href = part.value;
        a.textContent = part.value;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        el.appendChild(a);
      } else {
        el.appendChild(document.createTextNode(part.value));
      }
    });
    return el;
  }

  function scriptConfig() {
    var script = document.currentScript;
    if (!script) {
      var scripts = document.querySelectorAll("script[src]");
      for (var i = 0; i < scripts.length; i++) {
        if (/widget\.js(\?|#|$)/.test(scripts[i].getAttribute("src"))) script = scripts[i];
      }
    }
    var cfg = {};
    if (!script) return cfg;
    var map = {
      serverUrl: "data-server-url",
      title: "data-title",
      primaryColor: "data-primary-color",
      position: "data-position",
      maxLength: "data-max-length",
      storageKey: "data-storage-key",
      notice: "data-notice",
      greeting: "data-greeting",
      restoreFromServer: "data-restore-from-server",
      rememberConversation: "data-remember-conversation",
      rememberDays: "data-remember-days"
    };
    Object.keys(map).forEach(function (k) {
      var v = script.getAttribute(map[k]);
      if (v === null || v === "") return;
      if (k === "maxLength") cfg[k] = parseInt(v, 10);
      else if (k === "restoreFromServer") cfg[k] = v !== "false";
      else if (k === "rememberConversation") cfg[k] = v === "true";
      else cfg[k] = v;
    });
    return cfg;
  }

  function mergeConfig() {
    var cfg = {};
    var sources = [DEFAULTS, scriptConfig(), window.ASAssistantConfig || {}];
    sources.forEach(function (src) {
      Object.keys(src).forEach(function (k) {
        if (src[k] !== undefined && src[k] !== null) cfg[k] = src[k];
      });
    });
    cfg.serverUrl = String(cfg.serverUrl).replace(/\/+$/, "");
    if (!/^#[0-9a-fA-F]{3,8}$/.test(String(cfg.primaryColor))) cfg.primaryColor = DEFAULTS.primaryColor;
    cfg.maxLength = Math.max(1, parseInt(cfg.maxLength, 10) || DEFAULTS.maxLength);
    cfg.rememberDays = Math.max(0, Number(cfg.rememberDays));
    if (isNaN(cfg.rememberDays)) cfg.rememberDays = DEFAULTS.rememberDays;
    cfg.rememberConversation = cfg.rememberConversation === true;
    return cfg;
  }

  // Where the conversation is kept: this tab only, or (opted in) across visits.
  var store = null;

  function storageArea(name) {
    try {
      return window[name];
    } catch (e) {
      return null; // storage blocked: the widget still works, without keeping anything
    }
  }

  function storageGet(key) {
    try {
      return store ? store.getItem(key) : null;
    } catch (e) {
      return null;
    }
  }

  function storageSet(key, value) {
    try {
      if (store) store.setItem(key, value);
    } catch (e) {
      /* private mode or full storage: the widget still works without persistence */
    }
  }

  /** Remove every key of this widget from the storage areas named (default: both). */
  function storageClear(prefix, names) {
    (names || ["localStorage", "sessionStorage"]).forEach(function (name) {
      var area = storageArea(name);
      if (!area) return;
      try {
        for (var i = area.length - 1; i >= 0; i--) {
          var key = area.key(i);
          if (key && key.indexOf(prefix + ":") === 0) area.removeItem(key);
        }
      } catch (e) { /* nothing to clear */ }
    });
  }

  function newSenderId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return "web-" + window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
    else for (var i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
    return "web-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function fetchWithTimeout(url, options, ms) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = null;
    if (controller) {
      options.signal = controller.signal;
      timer = setTimeout(function () { controller.abort(); }, ms);
    }
    return fetch(url, options).then(
      function (r) { if (timer) clearTimeout(timer); return r; },
      function (e) { if (timer) clearTimeout(timer); throw e; }
    );
  }

  /** The history route's messages, checked: [{from: "user"|"bot", text, buttons, vote?}]. */
  function historyFromServer(data) {
    var messages = data && data.messages;
    if (!Array.isArray(messages)) throw new Error("no messages");
    return messages.filter(function (m) {
      return m && (m.from === "user" || m.from === "bot") && typeof m.text === "string";
    }).map(function (m) {
      var msg = { from: m.from, text: m.text, buttons: Array.isArray(m.buttons) ? m.buttons : [] };
      if (m.vote === "helpful" || m.vote === "not_helpful") msg.vote = m.vote;
      return msg;
    });
  }

  function isFeedbackButton(b) {
    return !!b && typeof b.payload === "string" && b.payload.indexOf(FEEDBACK_PREFIX) === 0;
  }

  /** The vote a feedback button casts: {topic, helpful}, or null. */
  function feedbackVote(b) {
    try {
      var v = JSON.parse(b.payload.slice(FEEDBACK_PREFIX.length - 1));
      return v && typeof v.topic === "string" && typeof v.helpful === "boolean" ? v : null;
    } catch (e) {
      return null;
    }
  }

  function commentPayload(topic, comment) {
    return FEEDBACK_PREFIX.slice(0, -1) + JSON.stringify({ topic: topic, comment: comment });
  }

  // ---------------------------------------------------------------- styles

  function css(c) {
    var side = c.position === "left" ? "left" : "right";
    return [
      ".asa-root{--asa-primary:" + c.primaryColor + ";font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:16px;line-height:1.45;color:#1b1b1b}",
      ".asa-root *{box-sizing:border-box}",
      ".asa-bubble{position:fixed;" + side + ":20px;bottom:20px;width:60px;height:60px;border-radius:50%;border:none;background:var(--asa-primary);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center;z-index:2147483000;padding:0}",
      ".asa-bubble svg{width:30px;height:30px;fill:currentColor}",
      // Yellow ring plus dark halo: visible on the white panel and on the coloured header.
      ".asa-root button:focus-visible,.asa-root textarea:focus-visible,.asa-root a:focus-visible,.asa-root .asa-log:focus-visible{outline:3px solid #ffbf47;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}",
      ".asa-root textarea:focus{outline:3px solid #ffbf47;outline-offset:0;box-shadow:0 0 0 6px #0b0c0c}",
      ".asa-panel{position:fixed;" + side + ":20px;bottom:92px;width:380px;max-width:calc(100vw - 40px);height:600px;max-height:calc(100vh - 112px);background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.3);display:flex;flex-direction:column;overflow:hidden;z-index:2147483001}",
      ".asa-panel[hidden]{display:none}",
      ".asa-header{background:var(--asa-primary);color:#fff;padding:10px 12px 10px 16px;display:flex;align-items:center;gap:8px}",
      ".asa-header h2{font-size:17px;margin:0;flex:1;font-weight:600}",
      ".asa-close{background:transparent;color:#fff;border:none;font-size:26px;line-height:1;width:40px;height:40px;border-radius:6px;cursor:pointer}",
      ".asa-restart{background:transparent;color:#fff;border:1px solid rgba(255,255,255,.7);font:inherit;font-size:14px;padding:6px 10px;min-height:40px;border-radius:6px;cursor:pointer}",
      ".asa-notice{background:#fff6d6;color:#3d3300;border-bottom:1px solid #e6d48a;padding:8px 14px;font-size:14px;margin:0}",
      ".asa-log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px;background:#f5f7f9}",
      ".asa-msg{max-width:88%;display:flex;flex-direction:column;gap:4px}",
      ".asa-msg-user{align-self:flex-end;align-items:flex-end}",
      ".asa-msg-bot{align-self:flex-start;align-items:flex-start}",
      ".asa-text{white-space:pre-wrap;overflow-wrap:anywhere;padding:9px 12px;border-radius:12px;margin:0}",
      ".asa-msg-user .asa-text{background:var(--asa-primary);color:#fff;border-bottom-right-radius:3px}",
      ".asa-msg-bot .asa-text{background:#fff;color:#1b1b1b;border:1px solid #d9dee3;border-bottom-left-radius:3px}",
      ".asa-msg-error .asa-text{background:#fdecea;border-color:#e0a39c;color:#5f1710}",
      ".asa-msg-bot .asa-text a{color:#0b4f8a;text-decoration:underline}",
      ".asa-sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}",
      ".asa-copy{align-self:flex-start;background:transparent;border:1px solid #b9c2cb;color:#33414e;border-radius:6px;font-size:13px;padding:3px 10px;cursor:pointer}",
      ".asa-copy:hover{background:#e9eef2}",
      ".asa-actions{display:flex;flex-wrap:wrap;align-items:center;gap:6px}",
      ".asa-feedback{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:13px;color:#33414e}",
      ".asa-thumb{background:#fff;border:1px solid #b9c2cb;color:#33414e;border-radius:6px;padding:3px 8px;cursor:pointer;display:inline-flex;align-items:center}",
      ".asa-thumb svg{width:18px;height:18px;fill:currentColor}",
      ".asa-thumb:hover{background:#e9eef2}",
      ".asa-thumb[aria-pressed=true]{background:#e4eef7;color:var(--asa-primary);border-color:var(--asa-primary);box-shadow:inset 0 0 0 1px var(--asa-primary)}",
      ".asa-thumb[aria-disabled=true]{cursor:default}.asa-thumb[aria-disabled=true]:not([aria-pressed=true]){opacity:.45}",
      ".asa-comment{display:flex;flex-direction:column;gap:4px;width:100%;font-size:14px}",
      ".asa-comment textarea{resize:vertical;border:1px solid #9aa5b1;border-radius:6px;padding:6px 8px;font:inherit;font-size:15px;min-height:56px}",
      ".asa-comment-row{display:flex;gap:6px}",
      ".asa-comment-send{background:var(--asa-primary);color:#fff;border:none;border-radius:6px;padding:5px 12px;font:inherit;font-size:14px;cursor:pointer}",
      ".asa-comment-skip{background:transparent;border:1px solid #b9c2cb;color:#33414e;border-radius:6px;padding:5px 10px;font:inherit;font-size:14px;cursor:pointer}",
      // Print: one message on a plain page, nothing else of the site or the widget.
      ".asa-print-sheet{display:none}",
      "@media print{html.asa-printing body>*:not(.asa-print-sheet){display:none!important}" +
        "html.asa-printing .asa-print-sheet{display:block!important;color:#000;background:#fff;font:11pt/1.4 Georgia,'Times New Roman',serif}" +
        ".asa-print-sheet h1{font-size:15pt;margin:0 0 2pt}.asa-print-date{margin:0 0 10pt;color:#333}" +
        ".asa-print-text{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}" +
        ".asa-print-notice{margin:12pt 0 0;padding-top:6pt;border-top:1px solid #999;font-size:9pt;color:#333}}",
      ".asa-buttons{display:flex;flex-wrap:wrap;gap:6px;margin-top:2px}",
      ".asa-quick{background:#fff;color:var(--asa-primary);border:1.5px solid var(--asa-primary);border-radius:16px;padding:6px 12px;font-size:14px;cursor:pointer;text-align:left}",
      ".asa-quick:hover{background:var(--asa-primary);color:#fff}",
      ".asa-quick:disabled{opacity:.5;cursor:default}",
      ".asa-typing{align-self:flex-start;background:#fff;border:1px solid #d9dee3;border-radius:12px;padding:10px 14px;display:flex;gap:4px}",
      ".asa-typing span{width:7px;height:7px;border-radius:50%;background:#7a8894;animation:asa-blink 1.2s infinite ease-in-out}",
      ".asa-typing span:nth-child(2){animation-delay:.2s}.asa-typing span:nth-child(3){animation-delay:.4s}",
      "@keyframes asa-blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
      "@media (prefers-reduced-motion:reduce){.asa-typing span{animation:none;opacity:.7}}",
      ".asa-form{border-top:1px solid #d9dee3;padding:8px 10px 6px;background:#fff}",
      ".asa-row{display:flex;gap:8px;align-items:flex-end}",
      ".asa-input{flex:1;resize:none;border:1px solid #9aa5b1;border-radius:8px;padding:8px 10px;font:inherit;font-size:16px;min-height:42px;max-height:120px}",
      ".asa-send{background:var(--asa-primary);color:#fff;border:none;border-radius:8px;padding:0 16px;height:42px;font:inherit;font-weight:600;cursor:pointer}",
      ".asa-send:disabled{opacity:.55;cursor:default}",
      ".asa-counter{font-size:12px;color:#55606b;text-align:right;margin:3px 2px 0}",
      ".asa-counter.asa-over,.asa-limit{color:#a4161a;font-weight:600}",
      ".asa-limit{font-size:13px;margin:2px 2px 0}.asa-limit:empty{display:none}",
      ".asa-erase{background:transparent;border:none;color:#33414e;text-decoration:underline;font:inherit;font-size:13px;padding:2px;margin:2px 0 0;cursor:pointer}",
      ".asa-erase-status{color:#33414e;font-weight:400}",
      "@media (max-width:479.98px){.asa-panel{left:0;right:0;top:0;bottom:0;width:100%;max-width:100%;height:100%;max-height:100%;border-radius:0}.asa-root.asa-open .asa-bubble{display:none}}"
    ].join("\n");
  }

  // ---------------------------------------------------------------- widget

  function Widget(config) {
    this.c = config;
    this.senderKey = config.storageKey + ":sender";
    this.historyKey = config.storageKey + ":history";
    this.openKey = config.storageKey + ":open";
    this.usedKey = config.storageKey + ":used";
    var maxAge = config.rememberDays * 24 * 3600 * 1000;
    if (config.rememberConversation) {
      store = storageArea("localStorage");
      // Past its time the conversation is deleted from this browser, not just ignored.
      var used = Number(storageGet(this.usedKey));
      var expired = storageGet(this.senderKey);
      if (expired && !(used > Date.now() - maxAge)) {
        storageClear(config.storageKey);
        this.forget(expired); // and from the clinic's record, if it is still there
      }
    } else {
      // Nothing is left behind across visits (also what an older version kept there).
      storageClear(config.storageKey, ["localStorage"]);
      store = storageArea("sessionStorage");
    }
    this.sender = storageGet(this.senderKey);
    // A sender created now has nothing on the server yet: no need to ask for its history.
    this.senderIsNew = !this.sender;
    if (!this.sender) {
      this.sender = newSenderId();
      storageSet(this.senderKey, this.sender);
    }
    storageSet(this.usedKey, String(Date.now()));
    this.history = [];
    this.busy = false;
    this.loaded = false;
    this.build();
  }

  Widget.prototype.el = function (tag, cls, attrs) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  };

  Widget.prototype.build = function () {
    var self = this;
    var c = this.c;
    var style = document.createElement("style");
    style.textContent = css(c);
    document.head.appendChild(style);

    var root = this.el("div", "asa-root", { id: "as-assistant" });
    this.root = root;

    var panelId = "asa-panel";
    var bubble = this.el("button", "asa-bubble", {
      type: "button",
      "aria-label": "Open " + c.title,
      "aria-expanded": "false",
      "aria-controls": panelId,
      title: c.title
    });
    // Static SVG markup we own (no message content): a speech bubble icon.
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(svgNS, "path");
    path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z");
    svg.appendChild(path);
    bubble.appendChild(svg);
    this.bubble = bubble;

    var panel = this.el("div", "asa-panel", {
      id: panelId,
      role: "dialog",
      "aria-label": c.title,
      "aria-modal": "false"
    });
    panel.hidden = true;
    this.panel = panel;

    var header = this.el("div", "asa-header");
    var h = this.el("h2");
    h.textContent = c.title;
    // A new conversation, e.g. on a shared computer or for another person: the old one is
    // erased, from this browser and from the clinic's record.
    var restart = this.el("button", "asa-restart", { type: "button", title: "Start a new conversation" });
    restart.textContent = "Start over";
    var close = this.el("button", "asa-close", { type: "button", "aria-label": "Close chat" });
    close.textContent = "\u00d7";
    header.appendChild(h);
    header.appendChild(restart);
    header.appendChild(close);

    var notice = this.el("p", "asa-notice", { "data-role": "notice" });
    notice.textContent = c.notice;

    var log = this.el("div", "asa-log", {
      role: "log",
      "aria-live": "polite",
      "aria-label": "Conversation",
      tabindex: "0"
    });
    this.log = log;

    var form = this.el("form", "asa-form", { novalidate: "" });
    var row = this.el("div", "asa-row");
    var inputId = "asa-input";
    var counterId = "asa-counter";
    var label = this.el("label", "asa-sr", { for: inputId });
    label.textContent = "Type your question";
    var input = this.el("textarea", "asa-input", {
      id: inputId,
      rows: "1",
      placeholder: "Type your question\u2026",
      "aria-describedby": counterId,
      autocomplete: "off"
    });
    var send = this.el("button", "asa-send", { type: "submit", "aria-label": "Send message" });
    send.textContent = "Send";
    // The count is read with the input (aria-describedby), not announced on every key; only
    // going over the limit is announced, by the status line below it.
    var counter = this.el("p", "asa-counter", { id: counterId });
    var limit = this.el("p", "asa-limit", { role: "status" });
    row.appendChild(label);
    row.appendChild(input);
    row.appendChild(send);
    form.appendChild(row);
    form.appendChild(counter);
    form.appendChild(limit);
    // The person's right to erasure: every message, vote and comment, here and on the server.
    var erase = this.el("button", "asa-erase", { type: "button" });
    erase.textContent = "Delete my conversation";
    var eraseStatus = this.el("p", "asa-limit asa-erase-status", { role: "status" });
    form.appendChild(erase);
    form.appendChild(eraseStatus);
    this.eraseStatus = eraseStatus;
    this.input = input;
    this.sendButton = send;
    this.counter = counter;
    this.limit = limit;

    panel.appendChild(header);
    panel.appendChild(notice);
    panel.appendChild(log);
    panel.appendChild(form);
    root.appendChild(panel);
    root.appendChild(bubble);
    document.body.appendChild(root);

    bubble.addEventListener("click", function () {
      if (self.isOpen()) self.close(); else self.open();
    });
    close.addEventListener("click", function () { self.close(); });
    restart.addEventListener("click", function () { self.startOver(); });
    erase.addEventListener("click", function () { self.deleteConversation(); });
    root.addEventListener("keydown", function (ev) {
      if ((ev.key === "Escape" || ev.key === "Esc") && self.isOpen()) {
        ev.preventDefault();
        self.close();
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      self.submitInput();
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        self.submitInput();
      }
    });
    input.addEventListener("input", function () { self.updateCounter(); self.autosize(); });
    this.updateCounter();

    if (storageGet(this.openKey) === "1") this.open({ focus: false });
  };

  Widget.prototype.isOpen = function () { return !this.panel.hidden; };

  Widget.prototype.open = function (opts) {
    var self = this;
    this.panel.hidden = false;
    this.root.classList.add("asa-open");
    this.bubble.setAttribute("aria-expanded", "true");
    this.bubble.setAttribute("aria-label", "Close " + this.c.title);
    storageSet(this.openKey, "1");
    if (!opts || opts.focus !== false) this.input.focus();
    if (!this.loaded) {
      this.loaded = true;
      // Nothing can be sent until the history is back (it replaces what the log shows).
      this.setBusy(true);
      this.restore().then(function () {
        self.setBusy(false);
        if (!self.history.length && self.c.greeting) self.send(self.c.greeting, self.c.greeting, { silent: true });
      });
    }
  };

  /** Ask the server to erase this conversation; resolves true when it did (or had none). */
  Widget.prototype.forget = function (sender) {
    return fetchWithTimeout(this.c.serverUrl + "/webhooks/rest/forget", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: sender })
    }, this.c.requestTimeoutMs).then(function (r) { return r.ok; }, function () { return false; });
  };

  /** "Delete my conversation": erased on the server first; this browser forgets it only then. */
  Widget.prototype.deleteConversation = function () {
    var self = this;
    if (this.busy) return Promise.resolve();
    this.eraseStatus.textContent = "";
    this.setBusy(true);
    return this.forget(this.sender).then(function (ok) {
      self.setBusy(false);
      if (!ok) {
        self.eraseStatus.textContent = "Sorry, your conversation could not be deleted. Please try again.";
        return;
      }
      self.startOver({ erased: true });
      self.eraseStatus.textContent = "Your conversation was deleted from this browser and from the clinic's record.";
    });
  };

  /** A new sender id and an empty log (and the site's greeting, if it set one); the old
   * conversation is erased on the server and every key of it here. */
  Widget.prototype.startOver = function (opts) {
    if (this.busy) return;
    if (!opts || !opts.erased) this.forget(this.sender);
    this.eraseStatus.textContent = "";
    storageClear(this.c.storageKey);
    this.sender = newSenderId();
    storageSet(this.senderKey, this.sender);
    storageSet(this.usedKey, String(Date.now()));
    if (this.isOpen()) storageSet(this.openKey, "1");
    this.senderIsNew = true;
    this.history = [];
    this.saveHistory();
    this.renderAll();
    this.input.value = "";
    this.updateCounter();
    this.input.focus();
    if (this.c.greeting) this.send(this.c.greeting, this.c.greeting, { silent: true });
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.root.classList.remove("asa-open");
    this.bubble.setAttribute("aria-expanded", "false");
    this.bubble.setAttribute("aria-label", "Open " + this.c.title);
    storageSet(this.openKey, "0");
    this.bubble.focus();
  };

  Widget.prototype.updateCounter = function () {
    var n = this.input.value.length;
    var max = this.c.maxLength;
    var over = n > max;
    this.counter.textContent = n + " / " + max + " characters";
    var limitText = over ? "Your message is too long: please shorten it to " + max + " characters." : "";
    if (this.limit.textContent !== limitText) this.limit.textContent = limitText;
    this.counter.classList.toggle("asa-over", over);
    this.input.setAttribute("aria-invalid", over ? "true" : "false");
    this.sendButton.disabled = this.busy || over || !this.input.value.trim();
  };

  Widget.prototype.autosize = function () {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight + 2, 120) + "px";
  };

  Widget.prototype.submitInput = function () {
    var text = this.input.value.trim();
    if (!text || this.busy) return;
    if (text.length > this.c.maxLength) {
      this.updateCounter();
      return;
    }
    this.input.value = "";
    this.updateCounter();
    this.autosize();
    this.send(text, text);
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.saveHistory = function () {
    // Keep the last 200 messages: enough to restore a conversation, small for localStorage.
    storageSet(this.historyKey, JSON.stringify({ savedAt: Date.now(), messages: this.history.slice(-200) }));
    storageSet(this.usedKey, String(Date.now()));
  };

  Widget.prototype.disableOldButtons = function () {
    var old = this.log.querySelectorAll(".asa-buttons");
    for (var i = 0; i < old.length; i++) old[i].parentNode.removeChild(old[i]);
  };

  /** Render one message. msg = {from: "user"|"bot", text, buttons?, error?} */
  Widget.prototype.renderMessage = function (msg, withButtons) {
    var self = this;
    var wrap = this.el("div", "asa-msg asa-msg-" + (msg.from === "user" ? "user" : "bot") + (msg.error ? " asa-msg-error" : ""));
    var who = this.el("span", "asa-sr");
    who.textContent = msg.from === "user" ? "You said: " : "Assistant: ";
    var text = this.el("p", "asa-text");
    if (msg.from === "user") {
      text.textContent = msg.text;
    } else {
      renderRichText(text, msg.text);
    }
    wrap.appendChild(who);
    wrap.appendChild(text);

    if (msg.from === "bot" && msg.text && !msg.error) {
      var actions = this.el("div", "asa-actions");
      var copy = this.el("button", "asa-copy", { type: "button", "aria-label": "Copy this message" });
      copy.textContent = "Copy";
      copy.addEventListener("click", function () {
        copyText(msg.text).then(function (ok) {
          copy.textContent = ok ? "Copied" : "Copy failed";
          setTimeout(function () { copy.textContent = "Copy"; }, 2000);
        });
      });
      var print = this.el("button", "asa-copy asa-print", { type: "button", "aria-label": "Print this message" });
      print.textContent = "Print";
      print.addEventListener("click", function () { printText(self.c, msg.text); });
      actions.appendChild(copy);
      actions.appendChild(print);
      wrap.appendChild(actions);
    }

    var buttons = (msg.buttons || []).filter(function (b) { return b && typeof b.title === "string"; });
    // Votes stay on every answer, so an old answer can be rated too; quick replies only on
    // the latest message.
    var votes = buttons.filter(isFeedbackButton);
    if (msg.from === "bot" && !msg.error && votes.length) wrap.appendChild(this.renderFeedback(msg, votes));
    var quick = buttons.filter(function (b) { return !isFeedbackButton(b); });
    if (withButtons && quick.length) {
      var box = this.el("div", "asa-buttons", { role: "group", "aria-label": "Suggested replies" });
      quick.forEach(function (b) {
        var btn = self.el("button", "asa-quick", { type: "button" });
        btn.textContent = b.title;
        btn.addEventListener("click", function () {
          if (self.busy) return;
          self.send(typeof b.payload === "string" && b.payload ? b.payload : b.title, b.title);
        });
        box.appendChild(btn);
      });
      wrap.appendChild(box);
    }
    this.log.appendChild(wrap);
    this.scrollToEnd();
    return wrap;
  };

  // Thumb up / down, drawn rather than emoji, which many computers have no font for.
  // Paths: Material Icons "thumb_up" / "thumb_down" (Apache License 2.0).
  var THUMB_PATHS = {
    up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
    down: "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z"
  };

  function thumbIcon(up) {
    var svgNS = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("data-icon", up ? "thumb-up" : "thumb-down");
    var path = document.createElementNS(svgNS, "path");
    path.setAttribute("d", up ? THUMB_PATHS.up : THUMB_PATHS.down);
    svg.appendChild(path);
    return svg;
  }

  /** "Was this helpful?" with thumbs up and down under an answer; its state lives on the message. */
  Widget.prototype.renderFeedback = function (msg, votes) {
    var self = this;
    var box = this.el("div", "asa-feedback", { role: "group", "aria-label": "Rate this answer" });
    var label = this.el("span", "asa-feedback-label");
    label.textContent = "Was this helpful?";
    box.appendChild(label);
    var status = this.el("span", "asa-feedback-status", { role: "status" });
    votes.forEach(function (b) {
      var vote = feedbackVote(b);
      if (!vote) return;
      var thumb = self.el("button", "asa-thumb", {
        type: "button",
        "data-vote": vote.helpful ? "helpful" : "not_helpful",
        "aria-label": vote.helpful ? "Yes, this was helpful" : "No, this was not helpful"
      });
      thumb.appendChild(thumbIcon(vote.helpful));
      thumb.addEventListener("click", function () { self.vote(msg, b.payload, vote, box, status); });
      box.appendChild(thumb);
    });
    box.appendChild(status);
    this.showVote(msg, box, status);
    return box;
  };

  Widget.prototype.showVote = function (msg, box, status) {
    var thumbs = box.querySelectorAll(".asa-thumb");
    for (var i = 0; i < thumbs.length; i++) {
      thumbs[i].setAttribute("aria-pressed", String(msg.vote === thumbs[i].getAttribute("data-vote")));
      // aria-disabled, not disabled: the pressed thumb keeps the keyboard focus.
      thumbs[i].setAttribute("aria-disabled", String(!!msg.vote));
    }
    if (msg.vote) status.textContent = msg.feedbackNote || THANKS_TEXT;
  };

  /** One vote per answer; 👎 then asks once what was missing. */
  Widget.prototype.vote = function (msg, payload, vote, box, status) {
    var self = this;
    if (msg.vote) return;
    msg.vote = vote.helpful ? "helpful" : "not_helpful";
    msg.feedbackNote = "";
    this.showVote(msg, box, status);
    status.textContent = "";
    this.postFeedback(payload).then(function (thanks) {
      msg.feedbackNote = thanks;
      self.showVote(msg, box, status);
      if (!vote.helpful && !msg.commentAsked) {
        msg.commentAsked = true;
        var form = self.commentForm(vote.topic, msg, box, status);
        box.parentNode.insertBefore(form, box.nextSibling);
        form.querySelector("textarea").focus();
      }
      self.saveHistory();
    }, function () {
      delete msg.vote;
      self.showVote(msg, box, status);
      status.textContent = FEEDBACK_ERROR_TEXT;
    });
  };

  /** The optional "what was missing?" after a 👎: sent as a comment on the same topic. */
  Widget.prototype.commentForm = function (topic, msg, box, status) {
    var self = this;
    this.commentCount = (this.commentCount || 0) + 1;
    var id = "asa-comment-" + this.commentCount;
    var form = this.el("form", "asa-comment", { novalidate: "" });
    var label = this.el("label", null, { for: id });
    label.textContent = "What was missing? (optional)";
    var text = this.el("textarea", null, { id: id, rows: "2", maxlength: String(MAX_COMMENT_CHARS) });
    var row = this.el("div", "asa-comment-row");
    var send = this.el("button", "asa-comment-send", { type: "submit" });
    send.textContent = "Send";
    var skip = this.el("button", "asa-comment-skip", { type: "button" });
    skip.textContent = "No thanks";
    row.appendChild(send);
    row.appendChild(skip);
    form.appendChild(label);
    form.appendChild(text);
    form.appendChild(row);
    function done() {
      if (form.parentNode) form.parentNode.removeChild(form);
      var thumb = box.querySelector(".asa-thumb[aria-pressed=true]");
      if (thumb) thumb.focus();
    }
    skip.addEventListener("click", done);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var comment = text.value.trim().slice(0, MAX_COMMENT_CHARS);
      if (!comment) { done(); return; }
      send.disabled = true;
      self.postFeedback(commentPayload(topic, comment)).then(function (thanks) {
        msg.feedbackNote = thanks;
        self.saveHistory();
        status.textContent = thanks;
        done();
      }, function () {
        send.disabled = false;
        status.textContent = FEEDBACK_ERROR_TEXT;
      });
    });
    return form;
  };

  /** Send a vote or comment; resolves with the thank-you (the last reply). Anything before
   * it (a new session's notice, urgent advice for a comment) is shown as a message. */
  Widget.prototype.postFeedback = function (payload) {
    var self = this;
    return fetchWithTimeout(this.c.serverUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.sender, message: payload })
    }, this.c.requestTimeoutMs)
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (replies) {
        var texts = (Array.isArray(replies) ? replies : []).filter(function (r) { return r && typeof r.text === "string"; });
        if (!texts.length) throw new Error("no reply");
        texts.slice(0, -1).forEach(function (r) {
          self.add({ from: "bot", text: r.text, buttons: Array.isArray(r.buttons) ? r.buttons : [] }, hasButtons(r));
        });
        return texts[texts.length - 1].text;
      });
  };

  Widget.prototype.renderAll = function () {
    var self = this;
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    var lastBot = -1;
    this.history.forEach(function (m, i) { if (m.from === "bot") lastBot = i; });
    var lastIndex = this.history.length - 1;
    this.history.forEach(function (m, i) {
      // Only the last bot message keeps its buttons, and only if nobody answered after it.
      self.renderMessage(m, i === lastBot && lastBot === lastIndex);
    });
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.updateCounter();
    if (busy) {
      var t = this.el("div", "asa-typing", { "data-role": "typing", role: "status" });
      var sr = this.el("span", "asa-sr");
      sr.textContent = "The assistant is typing";
      t.appendChild(sr);
      for (var i = 0; i < 3; i++) t.appendChild(this.el("span", null, { "aria-hidden": "true" }));
      this.typing = t;
      this.log.appendChild(t);
      this.scrollToEnd();
      var quick = this.log.querySelectorAll(".asa-quick");
      for (var j = 0; j < quick.length; j++) quick[j].disabled = true;
    } else if (this.typing) {
      if (this.typing.parentNode) this.typing.parentNode.removeChild(this.typing);
      this.typing = null;
    }
  };

  Widget.prototype.add = function (msg, withButtons) {
    this.history.push(msg);
    this.saveHistory();
    this.renderMessage(msg, withButtons);
  };

  /** Send `message` to Rasa; show `display` as the user's text. */
  Widget.prototype.send = function (message, display, opts) {
    var self = this;
    if (this.busy) return Promise.resolve();
    if (!opts || !opts.silent) {
      this.disableOldButtons();
      this.add({ from: "user", text: display });
    }
    this.setBusy(true);
    return fetchWithTimeout(this.c.serverUrl + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.sender, message: message })
    }, this.c.requestTimeoutMs)
      .then(function (r) {
        if (r.status === 429) {
          // Too many messages: the server's kind words, kept out of the history.
          return r.json().then(function (body) {
            self.setBusy(false);
            self.renderMessage({ from: "bot", text: String((body && body.message) || ERROR_TEXT), error: true }, false);
            return [];
          }, function () { throw new Error("HTTP 429"); });
        }
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (replies) {
        if (!Array.isArray(replies)) throw new Error("unexpected reply");
        self.setBusy(false);
        replies.forEach(function (r, i) {
          if (!r || (typeof r.text !== "string" && !(r.buttons && r.buttons.length))) return;
          self.add({
            from: "bot",
            text: typeof r.text === "string" ? r.text : "",
            buttons: Array.isArray(r.buttons) ? r.buttons : []
          }, i === replies.length - 1 || hasButtons(r));
        });
      })
      .catch(function () {
        self.setBusy(false);
        // Shown, but not saved: the server has no record of it either.
        self.renderMessage({ from: "bot", text: ERROR_TEXT, error: true }, false);
      })
      .then(function () {
        self.setBusy(false);
        // A clicked quick reply is removed, which drops focus to <body>: bring it back.
        var active = document.activeElement;
        if (self.isOpen() && (!active || active === document.body)) self.input.focus();
      });
  };

  function hasButtons(r) { return !!(r && r.buttons && r.buttons.length); }

  /** Load the conversation: the server's record first, localStorage if that fails. */
  Widget.prototype.restore = function () {
    var self = this;
    var url = this.c.serverUrl + "/webhooks/rest/history";
    var request = this.c.restoreFromServer === false || this.senderIsNew
      ? Promise.reject(new Error("no server history to restore"))
      : fetchWithTimeout(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: this.sender })
      }, 15000);
    return request
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        // The server is the record: when it has forgotten the conversation (purged after
        // some days, or reset), the browser forgets its copy too.
        self.history = historyFromServer(data);
        self.saveHistory();
      })
      .catch(function () {
        self.history = self.localHistory();
      })
      .then(function () { self.renderAll(); });
  };

  Widget.prototype.localHistory = function () {
    try {
      var saved = JSON.parse(storageGet(this.historyKey) || "{}") || {};
      // The local copy is only a fallback; it does not outlive the server's retention.
      var maxAge = this.c.rememberDays * 24 * 3600 * 1000;
      if (!(saved.savedAt > Date.now() - maxAge)) return [];
      var h = saved.messages;
      return Array.isArray(h) ? h.filter(function (m) {
        return m && (m.from === "user" || m.from === "bot") && typeof m.text === "string";
      }) : [];
    } catch (e) {
      return [];
    }
  };

  /** Print one message on a plain page: a sheet outside the widget, shown only in print. */
  function printText(c, text) {
    var old = document.getElementById("asa-print-sheet");
    if (old) old.parentNode.removeChild(old);
    var sheet = document.createElement("div");
    sheet.className = "asa-print-sheet";
    sheet.id = "asa-print-sheet";
    var parts = [["h1", "", c.title], ["p", "asa-print-date", new Date().toLocaleDateString()],
                 ["p", "asa-print-text", text], ["p", "asa-print-notice", c.notice]];
    parts.forEach(function (part) {
      var e = document.createElement(part[0]);
      if (part[1]) e.className = part[1];
      e.textContent = part[2];
      sheet.appendChild(e);
    });
    document.body.appendChild(sheet);
    var root = document.documentElement;
    root.classList.add("asa-printing");
    function done() {
      root.classList.remove("asa-printing");
      if (sheet.parentNode) sheet.parentNode.removeChild(sheet);
      window.removeEventListener("afterprint", done);
    }
    window.addEventListener("afterprint", done);
    window.print();
  }

  function copyText(text) {
    function fallback() {
      var ta = document.createElement("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.top = "-1000px";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      var active = document.activeElement;
      ta.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(ta);
      if (active && active.focus) active.focus();
      return ok;
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () { return fallback(); });
    }
    return Promise.resolve(fallback());
  }

  // ---------------------------------------------------------------- start

  function start() {
    if (window.ASAssistant && window.ASAssistant.widget) return;
    var widget = new Widget(mergeConfig());
    window.ASAssistant = {
      widget: widget,
      open: function () { widget.open(); },
      close: function () { widget.close(); },
      // Exposed for tests and for sites that render bot text elsewhere.
      linkifyParts: linkifyParts,
      renderRichText: renderRichText,
      historyFromServer: historyFromServer,
      version: "1.0.0"
    };
  }

  window.ASAssistant = window.ASAssistant || {};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
