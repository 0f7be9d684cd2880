// The youth widget. Speaks the rasa-webchat socket.io events with the api, plus two of its own
// (`queue_position`, `counsellor_typing`). Message text is only ever set with textContent.
//
// What the browser keeps:
//   localStorage   ung_intake_session     the random conversation id (never a name)
//   sessionStorage ung_intake_transcript  the messages shown, so a reload shows them again;
//                                         gone when the tab closes
// Quick exit (button, or Escape twice) wipes both, empties the page and replaces this history
// entry with a neutral site.
(function () {
  "use strict";

  var SESSION_KEY = "ung_intake_session";
  var TRANSCRIPT_KEY = "ung_intake_transcript";
  var MAX_KEPT = 200;
  var ESCAPE_WINDOW_MS = 1200;
  var TYPING_TIMEOUT_MS = 15000;
  var config = window.UNG_INTAKE_CONFIG || {};
  var EXIT_URL = config.exitUrl || "https://www.dr.dk/";
  var params = new URLSearchParams(window.location.search);
  var embedded = window.parent !== window;

  var el = {
    log: document.getElementById("log"),
    messages: document.getElementById("messages"),
    quick: document.getElementById("quick-replies"),
    form: document.getElementById("composer"),
    input: document.getElementById("message"),
    status: document.getElementById("status"),
    queue: document.getElementById("queue"),
    typing: document.getElementById("typing"),
    akutToggle: document.getElementById("akut-toggle"),
    akutPanel: document.getElementById("akut-panel"),
    quickExit: document.getElementById("quick-exit"),
    minimise: document.getElementById("minimise"),
    dialog: document.getElementById("info-dialog"),
    dialogTitle: document.getElementById("info-title"),
    dialogBody: document.getElementById("info-body"),
    dialogClose: document.getElementById("info-close"),
  };

  // ---- storage (a browser may refuse it, e.g. third-party iframes in private mode) ----------
  var memory = {};
  function store(kind) {
    try {
      var s = window[kind];
      s.setItem("ung_intake_probe", "1");
      s.removeItem("ung_intake_probe");
      return s;
    } catch (e) {
      return {
        getItem: function (k) { return Object.prototype.hasOwnProperty.call(memory, k) ? memory[k] : null; },
        setItem: function (k, v) { memory[k] = String(v); },
        removeItem: function (k) { delete memory[k]; },
        clear: function () { memory = {}; },
      };
    }
  }
  var local = store("localStorage");
  var session = store("sessionStorage");

  function loadTranscript() {
    try {
      var data = JSON.parse(session.getItem(TRANSCRIPT_KEY) || "null");
      if (data && Array.isArray(data.messages)) { return data; }
    } catch (e) { /* a damaged transcript is dropped */ }
    return { messages: [], quickReplies: [] };
  }
  var transcript = loadTranscript();
  function saveTranscript() {
    transcript.messages = transcript.messages.slice(-MAX_KEPT);
    try { session.setItem(TRANSCRIPT_KEY, JSON.stringify(transcript)); } catch (e) { /* full */ }
  }

  // ---- rendering ----------------------------------------------------------------------------
  var WHO_LABEL = { bot: "Chatten skriver: ", me: "Du skriver: ", note: "" };

  // Text is rendered as text; only markdown links to our own paths, [label](/path), become links.
  function renderText(parent, text) {
    var pattern = /\[([^\]]+)\]\((\/[^)\s]*)\)/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      if (match[2].indexOf("//") === 0) {
        parent.appendChild(document.createTextNode(match[1]));
      } else {
        var link = document.createElement("a");
        link.href = match[2];
        link.textContent = match[1];
        if (match[2] === "/privatliv") { link.setAttribute("data-dialog", "privacy"); }
        parent.appendChild(link);
      }
      last = pattern.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function showMessage(entry) {
    var item = document.createElement("li");
    item.className = "msg msg--" + entry.who;
    var label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = WHO_LABEL[entry.who] || "";
    item.appendChild(label);
    if (entry.image) {
      var img = document.createElement("img");
      img.src = entry.image;
      img.alt = "Billede fra chatten";
      item.appendChild(img);
    } else {
      var body = document.createElement("span");
      renderText(body, entry.text);
      item.appendChild(body);
    }
    el.messages.appendChild(item);
    el.log.scrollTop = el.log.scrollHeight;
  }

  function addMessage(entry) {
    transcript.messages.push(entry);
    saveTranscript();
    showMessage(entry);
  }

  function showQuickReplies(replies) {
    el.quick.replaceChildren();
    replies.forEach(function (reply) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn--reply";
      button.textContent = reply.title;
      button.addEventListener("click", function () {
        send(reply.payload, reply.title);
        el.input.focus();
      });
      el.quick.appendChild(button);
    });
  }

  function setQuickReplies(replies) {
    transcript.quickReplies = replies;
    saveTranscript();
    showQuickReplies(replies);
  }

  // ---- the conversation ---------------------------------------------------------------------
  var socket = io({ transports: ["websocket", "polling"] });
  var storedSession = local.getItem(SESSION_KEY);
  var sessionId = null;
  var typingTimer = null;

  function setTyping(typing) {
    window.clearTimeout(typingTimer);
    el.typing.textContent = typing ? "Rådgiveren skriver …" : "";
    if (typing) { typingTimer = window.setTimeout(function () { setTyping(false); }, TYPING_TIMEOUT_MS); }
  }

  socket.on("connect", function () {
    el.status.textContent = "";
    socket.emit("session_request", { session_id: storedSession });
  });
  socket.on("disconnect", function () {
    el.status.textContent = "Forbindelsen blev afbrudt. Vi prøver igen …";
  });
  socket.on("connect_error", function () {
    el.status.textContent = "Ingen forbindelse lige nu. Vi prøver igen …";
  });
  socket.on("session_confirm", function (data) {
    var confirmed = typeof data === "string" ? data : data && data.session_id;
    if (!confirmed) { return; }
    sessionId = confirmed;
    storedSession = confirmed;
    local.setItem(SESSION_KEY, confirmed);
    // A reload keeps its transcript and just goes on; a fresh page (or new tab) greets.
    if (transcript.messages.length === 0) {
      socket.emit("user_uttered", { message: "/greet", session_id: sessionId });
    }
  });
  socket.on("bot_uttered", function (data) {
    if (!data || typeof data !== "object") { return; }
    setTyping(false);
    if (typeof data.text === "string" && data.text) { addMessage({ who: "bot", text: data.text }); }
    var replies = Array.isArray(data.quick_replies) ? data.quick_replies
      : Array.isArray(data.buttons) ? data.buttons : [];
    setQuickReplies(replies.filter(function (r) {
      return r && typeof r.title === "string" && typeof r.payload === "string";
    }).map(function (r) { return { title: r.title, payload: r.payload }; }));
    var attachment = data.attachment;
    var src = attachment && attachment.payload && attachment.payload.src;
    // Only images from our own origin: the widget makes no third-party request.
    if (attachment && attachment.type === "image" && typeof src === "string" &&
        src.charAt(0) === "/" && src.charAt(1) !== "/") {
      addMessage({ who: "bot", image: src });
    }
  });
  socket.on("queue_position", function (data) {
    var position = data && data.position;
    if (typeof position !== "number" || position < 1) { el.queue.textContent = ""; return; }
    el.queue.textContent = position === 1
      ? "Du er den næste i køen."
      : "Du er nummer " + position + " i køen.";
  });
  socket.on("counsellor_typing", function (data) { setTyping(Boolean(data && data.typing)); });

  function send(payload, shown) {
    if (!sessionId) {
      el.status.textContent = "Vent et øjeblik – chatten forbinder …";
      return false;
    }
    setQuickReplies([]);
    addMessage({ who: "me", text: shown });
    socket.emit("user_uttered", { message: payload, session_id: sessionId });
    return true;
  }

  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el.input.value.trim();
    if (!text) { return; }
    if (send(text, text)) { el.input.value = ""; }
  });
  // Enter sends, Shift+Enter makes a new line.
  el.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });

  // ---- akut hjælp ---------------------------------------------------------------------------
  el.akutToggle.addEventListener("click", function () {
    var open = el.akutToggle.getAttribute("aria-expanded") !== "true";
    el.akutToggle.setAttribute("aria-expanded", String(open));
    el.akutPanel.hidden = !open;
    if (open) { el.akutPanel.querySelector("a").focus(); }
  });

  // ---- dialogs: privacy notice, mine data, slet mine data ----------------------------------
  var opener = null;
  function openDialog(title, nodes) {
    opener = document.activeElement;
    el.dialogTitle.textContent = title;
    el.dialogBody.replaceChildren.apply(el.dialogBody, nodes);
    el.dialog.showModal();
    el.dialogClose.focus();
  }
  el.dialogClose.addEventListener("click", function () { el.dialog.close(); });
  el.dialog.addEventListener("close", function () { if (opener && opener.focus) { opener.focus(); } });

  function fromTemplate(id) {
    return Array.prototype.slice.call(document.getElementById(id).content.cloneNode(true).childNodes);
  }

  // The privacy notice opens inside the widget (no new tab left behind); it is our own page,
  // fetched from the api and parsed inertly.
  function openPrivacy() {
    fetch("/privatliv", { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var main = doc.querySelector("main");
        var back = main && main.querySelector("[data-standalone-only]");
        if (back) { back.remove(); }
        var heading = main && main.querySelector("h1");
        if (heading) { heading.remove(); }
        openDialog("Privatlivspolitik", main ? Array.prototype.map.call(main.childNodes, function (n) {
          return document.importNode(n, true);
        }) : []);
      })
      .catch(function () { window.location.assign("/privatliv"); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-dialog='privacy']");
    if (!link) { return; }
    event.preventDefault();
    openPrivacy();
  });
  document.getElementById("my-data").addEventListener("click", function () {
    var nodes = fromTemplate("tpl-my-data");
    var prefix = storedSession ? storedSession.slice(0, 8) : "(intet endnu)";
    nodes.forEach(function (n) {
      var slot = n.querySelector && n.querySelector(".session-prefix");
      if (slot) { slot.textContent = prefix; }
    });
    openDialog("Mine data", nodes);
  });
  document.getElementById("delete-data").addEventListener("click", function () {
    openDialog("Slet mine data", fromTemplate("tpl-delete-data"));
  });

  // ---- embedding: minimise, and quick exit requested by the page around us -------------------
  if (embedded && params.get("mode") === "floating") {
    el.minimise.hidden = false;
    el.minimise.addEventListener("click", function () {
      window.parent.postMessage({ type: "ung-intake:minimise" }, "*");
    });
  }
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "ung-intake:quick-exit-request") {
      quickExit();
    }
  });

  // ---- quick exit ---------------------------------------------------------------------------
  var leaving = false;
  function quickExit() {
    if (leaving) { return; }
    leaving = true;
    try { socket.disconnect(); } catch (e) { /* leaving anyway */ }
    try { window.localStorage.clear(); } catch (e) { /* not available */ }
    try { window.sessionStorage.clear(); } catch (e) { /* not available */ }
    memory = {};
    document.title = "";
    document.body.replaceChildren();
    if (embedded && params.get("via") === "loader") {
      // The loader on the provider's page replaces that page (one navigation, no race).
      window.parent.postMessage({ type: "ung-intake:quick-exit", url: EXIT_URL }, "*");
      window.location.replace("about:blank");
      return;
    }
    if (embedded) {
      // A plain iframe: navigate the top window ourselves (allowed after a click or key press).
      try { window.top.location.replace(EXIT_URL); } catch (e) { /* blocked: at least leave here */ }
    }
    window.location.replace(EXIT_URL);
  }
  el.quickExit.addEventListener("click", quickExit);
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < ESCAPE_WINDOW_MS) { quickExit(); }
    lastEscape = now;
  });

  // ---- restore after a reload ---------------------------------------------------------------
  el.log.setAttribute("aria-busy", "true");
  transcript.messages.forEach(showMessage);
  showQuickReplies(transcript.quickReplies || []);
  el.log.setAttribute("aria-busy", "false");
})();
