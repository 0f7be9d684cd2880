// Minimal chat page for trying the product. Speaks the same socket.io events as rasa-webchat.
// The anonymous session id lives in localStorage; nothing else about the youth is kept.
(function () {
  "use strict";
  var SESSION_KEY = "ung_intake_session";
  var messages = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var statusLine = document.getElementById("status");

  // Renders text safely: only [label](/relative-path) links become anchors.
  function renderText(parent, text) {
    var pattern = /\[([^\]]+)\]\((\/[^)\s]*)\)/g;
    var last = 0, match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = document.createElement("a");
      link.href = match[2];
      link.textContent = match[1];
      parent.appendChild(link);
      last = pattern.lastIndex;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function addMessage(text, who) {
    var item = document.createElement("li");
    item.className = "msg msg--" + who;
    renderText(item, text);
    messages.appendChild(item);
    item.scrollIntoView({ block: "end" });
    return item;
  }

  function clearQuickReplies() {
    Array.prototype.forEach.call(document.querySelectorAll(".quick"), function (el) {
      el.remove();
    });
  }

  function addQuickReplies(replies) {
    var group = document.createElement("li");
    group.className = "quick";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Svarmuligheder");
    replies.forEach(function (reply) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = reply.title;
      button.addEventListener("click", function () { send(reply.payload, reply.title); });
      group.appendChild(button);
    });
    messages.appendChild(group);
  }

  var socket = io({ transports: ["websocket", "polling"] });
  var storedSession = localStorage.getItem(SESSION_KEY);
  var sessionId = null;

  socket.on("connect", function () {
    statusLine.textContent = "";
    socket.emit("session_request", { session_id: storedSession });
  });
  socket.on("disconnect", function () { statusLine.textContent = "Forbindelsen blev afbrudt. Prøver igen…"; });
  socket.on("session_confirm", function (data) {
    var confirmed = typeof data === "string" ? data : data && data.session_id;
    var isNew = confirmed !== storedSession;
    sessionId = confirmed;
    storedSession = confirmed;
    localStorage.setItem(SESSION_KEY, confirmed);
    if (isNew && messages.children.length === 0) { socket.emit("user_uttered", { message: "/greet", session_id: sessionId }); }
  });
  socket.on("bot_uttered", function (data) {
    clearQuickReplies();
    if (data && typeof data.text === "string") { addMessage(data.text, "bot"); }
    if (data && Array.isArray(data.quick_replies)) { addQuickReplies(data.quick_replies); }
  });

  function send(payload, shown) {
    if (!sessionId) { return; }
    clearQuickReplies();
    addMessage(shown, "me");
    socket.emit("user_uttered", { message: payload, session_id: sessionId });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    send(text, text);
  });
})();
