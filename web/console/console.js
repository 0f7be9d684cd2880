// The counsellor console. Logs in with OAuth 2 authorization code + PKCE (S256) against the
// api's own authorization server, keeps the tokens in sessionStorage (gone with the tab),
// refreshes the access token before it expires (the refresh token rotates), and revokes the
// login on "Log ud". Every text from the server is set with textContent only.
(function () {
  "use strict";

  var config = window.UNG_CONSOLE_CONFIG || {};
  var TOKENS_KEY = "ung_console_tokens";
  var PKCE_KEY = "ung_console_pkce";
  var GENDER = { pige: "Pige", dreng: "Dreng", andet: "Andet", ikke_oplyst: "Køn ikke oplyst" };
  var ROLE = { ungdom: "Den unge", bot: "Chatbot", "rådgiver": "Rådgiver" };

  var el = {};
  ["who", "logout", "login", "login-button", "work", "queue-summary", "queue-list",
   "conversation", "conv-meta", "conv-messages", "conv-log", "composer", "reply",
   "tags-form", "tags-fieldset", "close-form", "outcome", "transfer-form", "colleague",
   "release", "hand-back", "underretning", "underretning-status", "status"].forEach(function (id) { el[id] = document.getElementById(id); });

  var tokens = null;       // {access_token, refresh_token, expires_at}
  var refreshTimer = null;
  var socket = null;
  var vocabulary = { outcomes: {}, tags: [] };
  var current = null;      // the open conversation's handoff id
  var typingSent = false;
  var typingTimer = null;

  function status(text) { el.status.textContent = text; }

  // ---- PKCE and tokens --------------------------------------------------------------------
  function base64url(bytes) {
    var binary = "";
    bytes.forEach(function (b) { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function randomString(n) {
    var bytes = new Uint8Array(n);
    crypto.getRandomValues(bytes);
    return base64url(bytes);
  }
  function challengeFor(verifier) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))
      .then(function (digest) { return base64url(new Uint8Array(digest)); });
  }

  function startLogin() {
    var verifier = randomString(48);
    var state = randomString(16);
    sessionStorage.setItem(PKCE_KEY, JSON.stringify({ verifier: verifier, state: state }));
    challengeFor(verifier).then(function (challenge) {
      var params = new URLSearchParams({
        response_type: "code",
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        scope: config.scope,
        state: state,
        code_challenge: challenge,
        code_challenge_method: "S256",
      });
      window.location.assign("/oauth/authorize?" + params.toString());
    });
  }

  function tokenRequest(form) {
    return fetch("/oauth/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
      credentials: "omit",
    }).then(function (response) {
      if (!response.ok) { throw new Error("token " + response.status); }
      return response.json();
    }).then(function (body) {
      tokens = {
        access_token: body.access_token,
        refresh_token: body.refresh_token,
        expires_at: Date.now() + body.expires_in * 1000,
      };
      sessionStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
      scheduleRefresh(body.expires_in);
      return tokens;
    });
  }

  function finishLogin(params) {
    var saved = JSON.parse(sessionStorage.getItem(PKCE_KEY) || "null");
    sessionStorage.removeItem(PKCE_KEY);
    window.history.replaceState(null, "", "/console");
    if (!saved || params.get("state") !== saved.state) {
      return Promise.reject(new Error("state"));
    }
    return tokenRequest({
      grant_type: "authorization_code",
      code: params.get("code"),
      redirect_uri: config.redirectUri,
      client_id: config.clientId,
      code_verifier: saved.verifier,
    });
  }

  function refresh() {
    if (!tokens || !tokens.refresh_token) { return Promise.reject(new Error("no refresh")); }
    return tokenRequest({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: config.clientId,
    }).then(function (fresh) {
      if (socket) {
        socket.emit("reauth", { token: fresh.access_token });
      }
      return fresh;
    });
  }

  function scheduleRefresh(expiresIn) {
    window.clearTimeout(refreshTimer);
    var wait = Math.max(5, expiresIn - 45) * 1000;
    refreshTimer = window.setTimeout(function () {
      refresh().catch(loggedOut);
    }, wait);
  }

  function logout() {
    var refreshToken = tokens && tokens.refresh_token;
    forget();
    if (refreshToken) {
      fetch("/oauth/revoke", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token",
                                    client_id: config.clientId }).toString(),
        credentials: "omit",
      }).finally(function () { showLogin("Du er logget ud."); });
    } else {
      showLogin("Du er logget ud.");
    }
  }

  function forget() {
    tokens = null;
    window.clearTimeout(refreshTimer);
    sessionStorage.removeItem(TOKENS_KEY);
    if (socket) { socket.disconnect(); socket = null; }
  }

  function loggedOut() {
    forget();
    showLogin("Din session er udløbet. Log ind igen.");
  }

  function showLogin(message) {
    el.work.hidden = true;
    el.logout.hidden = true;
    el.login.hidden = false;
    el.who.textContent = "";
    status(message || "");
  }

  // ---- the api ------------------------------------------------------------------------------
  function api(method, path, body) {
    var options = { method: method, headers: { Authorization: "Bearer " + tokens.access_token },
                    credentials: "omit" };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      if (response.status === 401) { loggedOut(); throw new Error("401"); }
      if (!response.ok) {
        var error = new Error(String(response.status));
        error.status = response.status;
        throw error;
      }
      return response.status === 204 ? null : response.json();
    });
  }

  // ---- queue --------------------------------------------------------------------------------
  function minutes(seconds) {
    var m = Math.floor(seconds / 60);
    return m < 1 ? "under 1 min" : m + " min";
  }

  function tagText(tag) {
    if (typeof tag.score === "number") { return tag.tag + " " + Math.round(tag.score * 100) + " %"; }
    return tag.tag;
  }

  function span(className, text) {
    var node = document.createElement("span");
    node.className = className;
    node.textContent = text;
    return node;
  }

  function renderQueue(data) {
    var waiting = data.items.filter(function (i) { return !i.mine; });
    el["queue-summary"].textContent = waiting.length === 0
      ? "Ingen venter lige nu."
      : waiting.length + (waiting.length === 1 ? " venter" : " venter") +
        (data.estimated_wait_minutes ? " · typisk ventetid ca. " + data.estimated_wait_minutes + " min" : "");
    el["queue-list"].replaceChildren();
    data.items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "qitem" + (item.priority === "akut" ? " qitem--akut" : "") + (item.mine ? " qitem--mine" : "");
      li.setAttribute("data-handoff", item.id);
      var head = document.createElement("div");
      if (item.priority === "akut") { head.appendChild(span("badge badge--akut", "AKUT")); }
      head.appendChild(span("qitem__who", (GENDER[item.gender] || item.gender) + ", " +
        (item.age_band === "ikke_oplyst" ? "alder ikke oplyst" : item.age_band + " år")));
      li.appendChild(head);
      var tags = document.createElement("div");
      if (item.tags.length === 0) {
        tags.appendChild(span("tag", item.tagger_status === "ok" ? "ingen tags" : "ikke tagget"));
      }
      item.tags.forEach(function (tag) { tags.appendChild(span("tag", tagText(tag))); });
      li.appendChild(tags);
      li.appendChild(span("muted", item.mine ? "Din samtale" : "Venter " + minutes(item.waiting_seconds)));
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn";
      button.textContent = item.mine ? "Åbn" : "Tag samtalen";
      button.addEventListener("click", function () {
        if (item.mine) { openConversation(item.id); } else { claim(item.id); }
      });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(button);
      el["queue-list"].appendChild(li);
    });
  }

  function loadQueue() {
    return api("GET", "/api/v1/queue").then(renderQueue).catch(function () {
      status("Køen kunne ikke hentes.");
    });
  }

  function claim(id) {
    api("POST", "/api/v1/queue/" + encodeURIComponent(id) + "/claim").then(function () {
      status("Du har taget samtalen.");
      return openConversation(id);
    }).catch(function (error) {
      status(error.status === 409 ? "En anden rådgiver nåede at tage samtalen." : "Samtalen kunne ikke tages.");
      loadQueue();
    });
  }

  // ---- conversation -------------------------------------------------------------------------
  function addMessage(role, text) {
    var li = document.createElement("li");
    li.className = "msg msg--" + role;
    li.appendChild(span("msg__who", ROLE[role] || role));
    li.appendChild(document.createTextNode(text));
    el["conv-messages"].appendChild(li);
    el["conv-log"].scrollTop = el["conv-log"].scrollHeight;
  }

  function openConversation(id) {
    return api("GET", "/api/v1/conversations/" + encodeURIComponent(id)).then(function (data) {
      current = id;
      el.conversation.hidden = false;
      var h = data.handoff;
      el["conv-meta"].textContent = (h.priority === "akut" ? "AKUT · " : "") +
        (GENDER[h.gender] || h.gender) + " · " + h.age_band + " · " +
        (h.tags.map(tagText).join(", ") || "ikke tagget");
      el["conv-messages"].replaceChildren();
      data.transcript.forEach(function (turn) { addMessage(turn.role, turn.text); });
      renderTagChoices(h.tags.map(function (t) { return t.tag; }));
      el.colleague.replaceChildren();
      data.colleagues.forEach(function (c) {
        var option = document.createElement("option");
        option.value = c.id;
        option.textContent = c.name;
        el.colleague.appendChild(option);
      });
      el["transfer-form"].hidden = data.colleagues.length === 0;
      loadUnderretning();
      loadQueue();
      el.reply.focus();
    }).catch(function () { status("Samtalen kunne ikke åbnes."); });
  }

  function closeView(message) {
    current = null;
    el.conversation.hidden = true;
    el["conv-messages"].replaceChildren();
    status(message);
    loadQueue();
  }

  function renderTagChoices(selected) {
    var fieldset = el["tags-fieldset"];
    var legend = fieldset.querySelector("legend");
    fieldset.replaceChildren(legend);
    vocabulary.tags.forEach(function (tag) {
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "tag";
      box.value = tag;
      box.checked = selected.indexOf(tag) !== -1;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + tag));
      fieldset.appendChild(label);
    });
  }

  function sendReply(text) {
    if (!socket || !current) { return; }
    var handoff = current;
    el.reply.disabled = true;
    socket.timeout(10000).emit("counsellor_message", { handoff_id: handoff, text: text }, function (err, ack) {
      el.reply.disabled = false;
      el.reply.focus();
      if (err || !ack || !ack.ok) {
        status("Beskeden blev ikke sendt. Prøv igen.");
        el.reply.value = text;
        return;
      }
      typingSent = false;
      addMessage("rådgiver", text);
    });
  }

  el.composer.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = el.reply.value.trim();
    if (!text) { return; }
    el.reply.value = "";
    sendReply(text);
  });
  el.reply.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      el.composer.requestSubmit();
    }
  });
  el.reply.addEventListener("input", function () {
    if (!socket || !current) { return; }
    if (!typingSent) {
      typingSent = true;
      socket.emit("typing", { handoff_id: current, typing: true });
    }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () {
      if (socket && current && typingSent) { socket.emit("typing", { handoff_id: current, typing: false }); }
      typingSent = false;
    }, 4000);
  });

  el["tags-form"].addEventListener("submit", function (event) {
    event.preventDefault();
    var chosen = Array.prototype.map.call(
      el["tags-fieldset"].querySelectorAll("input:checked"), function (box) { return box.value; });
    if (chosen.length === 0) { status("Vælg mindst ét tag."); return; }
    api("POST", "/api/v1/conversations/" + encodeURIComponent(current) + "/tags", { tags: chosen })
      .then(function () { status("Tags er gemt. Tak – de bruges til at gøre tagningen bedre."); loadQueue(); })
      .catch(function () { status("Tags kunne ikke gemmes."); });
  });

  el["close-form"].addEventListener("submit", function (event) {
    event.preventDefault();
    api("POST", "/api/v1/conversations/" + encodeURIComponent(current) + "/close", { outcome: el.outcome.value })
      .then(function () { closeView("Samtalen er afsluttet."); })
      .catch(function () { status("Samtalen kunne ikke afsluttes."); });
  });

  el["transfer-form"].addEventListener("submit", function (event) {
    event.preventDefault();
    api("POST", "/api/v1/conversations/" + encodeURIComponent(current) + "/transfer",
        { counsellor_id: el.colleague.value })
      .then(function () { closeView("Samtalen er overdraget."); })
      .catch(function () { status("Samtalen kunne ikke overdrages."); });
  });

  el.release.addEventListener("click", function () {
    api("POST", "/api/v1/conversations/" + encodeURIComponent(current) + "/release")
      .then(function () { closeView("Samtalen er sat tilbage i køen."); })
      .catch(function () { status("Samtalen kunne ikke sættes tilbage."); });
  });

  // Duty to report: mark the conversation; the youth is offered to give contact details.
  var ANSWER = { consented: "Den unge har givet kontaktoplysninger:", declined: "Den unge har sagt nej tak." };
  function showUnderretning(result) {
    var out = el["underretning-status"];
    out.replaceChildren();
    if (!result || !result.marked) { return; }
    out.textContent = result.answer ? ANSWER[result.answer] : "Markeret som mulig underretning. Den unge har fået tilbudt at give kontaktoplysninger.";
    (result.details || []).forEach(function (text) {
      var line = document.createElement("span");
      line.className = "contact-details";
      line.textContent = " " + text;
      out.appendChild(line);
    });
  }
  function loadUnderretning() {
    if (!current) { return; }
    api("GET", "/api/v1/conversations/" + encodeURIComponent(current) + "/underretning")
      .then(showUnderretning).catch(function () { showUnderretning(null); });
  }
  el.underretning.addEventListener("click", function () {
    api("POST", "/api/v1/conversations/" + encodeURIComponent(current) + "/underretning")
      .then(showUnderretning)
      .catch(function () { status("Samtalen kunne ikke markeres."); });
  });

  // The youth's messages go to the chatbot again (it has been silent since the handoff).
  el["hand-back"].addEventListener("click", function () {
    api("POST", "/api/v1/conversations/" + encodeURIComponent(current) + "/hand-back")
      .then(function () { closeView("Samtalen er givet tilbage til chatbotten."); })
      .catch(function () { status("Samtalen kunne ikke gives tilbage til chatbotten."); });
  });

  // ---- live ---------------------------------------------------------------------------------
  function connect() {
    socket = io("/console", {
      transports: ["websocket"],
      auth: function (cb) { cb({ token: tokens ? tokens.access_token : "" }); },
    });
    socket.on("connect", function () { status(""); loadQueue(); });
    socket.on("connect_error", function () { status("Ingen live-forbindelse lige nu. Vi prøver igen …"); });
    socket.on("queue_changed", function () { loadQueue(); });
    socket.on("assigned", function (data) {
      status("En kollega har overdraget en samtale til dig.");
      if (data && typeof data.handoff_id === "string") { openConversation(data.handoff_id); }
    });
    // The idle job closed a conversation of ours: the youth did not answer "Er du der stadig?".
    socket.on("conversation_closed", function (data) {
      if (!data || typeof data.handoff_id !== "string") { return; }
      var text = "Samtalen er lukket, fordi den unge ikke har svaret i et stykke tid.";
      if (data.handoff_id === current) { closeView(text); } else { status(text); loadQueue(); }
    });
    socket.on("underretning_answered", function (data) {
      if (data && data.handoff_id === current) { loadUnderretning(); }
    });
    socket.on("youth_message", function (data) {
      if (!data || typeof data.text !== "string") { return; }
      if (data.handoff_id === current) {
        addMessage("ungdom", data.text);
      } else {
        status("Ny besked i en anden af dine samtaler.");
      }
    });
    window.setInterval(function () { if (socket) { socket.emit("heartbeat"); } }, 30000);
  }

  function start() {
    el.login.hidden = true;
    el.work.hidden = false;
    el.logout.hidden = false;
    return api("GET", "/api/v1/me").then(function (me) {
      el.who.textContent = "Logget ind som " + (me.display_name || me.name || "rådgiver");
      return api("GET", "/api/v1/queue/vocabulary");
    }).then(function (vocab) {
      vocabulary = vocab;
      el.outcome.replaceChildren();
      Object.keys(vocab.outcomes).forEach(function (id) {
        var option = document.createElement("option");
        option.value = id;
        option.textContent = vocab.outcomes[id];
        el.outcome.appendChild(option);
      });
      connect();
    });
  }

  el["login-button"].addEventListener("click", startLogin);
  el.logout.addEventListener("click", logout);

  var params = new URLSearchParams(window.location.search);
  var ready;
  if (params.has("code")) {
    ready = finishLogin(params);
  } else if (params.has("error")) {
    window.history.replaceState(null, "", "/console");
    ready = Promise.reject(new Error("login"));
  } else {
    tokens = JSON.parse(sessionStorage.getItem(TOKENS_KEY) || "null");
    ready = tokens ? refresh() : Promise.reject(new Error("none"));
  }
  ready.then(start).catch(function (error) {
    forget();
    showLogin(error && error.message === "none" ? "" : "Login mislykkedes. Prøv igen.");
  });
})();
