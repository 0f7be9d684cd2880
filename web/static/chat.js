// The youth widget. Speaks the rasa-webchat socket.io events with the api, plus two of its own
// (`queue_position`, `counsellor_typing`). Message text is only ever set with textContent.
//
// What the browser keeps:
//   localStorage   ung_intake_session     the random conversation id (never a name)
//   localStorage   ung_intake_profile_secret  after consent: the key to this browser's own
//                                         profile data ("Mine data"); never shown to the user
//   sessionStorage ung_intake_transcript  the messages shown, so a reload shows them again;
//                                         gone when the tab closes
// Quick exit (button, or Escape twice) wipes both, empties the page and replaces this history
// entry with a neutral site.
(function () {
  "use strict";

  var SESSION_KEY = "ung_intake_session";
  var TRANSCRIPT_KEY = "ung_intake_transcript";
  var SECRET_KEY = "ung_intake_profile_secret";
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
    resendUnacknowledged();
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

  // Messages sent but not yet acknowledged (api/realtime/acks.py), by their random id. After a
  // reconnect they are sent again with the same id: the api stores a message once however often
  // it arrives. Any ack settles a message (a refusal came with its own Danish explanation).
  var unacknowledged = {};

  function messageId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function emitUtterance(id) {
    var pending = unacknowledged[id];
    if (!pending || !socket.connected || !sessionId) { return; }
    socket.emit(
      "user_uttered",
      { message: pending, session_id: sessionId, message_id: id },
      function () { delete unacknowledged[id]; }
    );
  }

  function resendUnacknowledged() {
    Object.keys(unacknowledged).forEach(emitUtterance);
  }

  function send(payload, shown) {
    if (!sessionId) {
      el.status.textContent = "Vent et øjeblik – chatten forbinder …";
      return false;
    }
    setQuickReplies([]);
    addMessage({ who: "me", text: shown });
    var id = messageId();
    unacknowledged[id] = payload;
    emitUtterance(id);  // while disconnected: sent by resendUnacknowledged after the reconnect
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
  // ---- mine data / slet mine data: the youth's rights over their own anonymous profile -------
  // After consent the api hands this browser a secret for its own profile (once, over the
  // socket). The secret is exchanged at /oauth/token for a short-lived `profile:self` token
  // (custom grant); the token is kept in memory only.
  var GRANT = "urn:ung-intake:params:oauth:grant-type:profile-secret";
  var GENDERS = [["pige", "Pige"], ["dreng", "Dreng"], ["andet", "Andet"], ["ikke_oplyst", "Vil ikke sige"]];
  var AGE_BANDS = [["10-12", "10-12 år"], ["13-15", "13-15 år"], ["16-18", "16-18 år"],
    ["19-24", "19-24 år"], ["25+", "25 år eller mere"], ["ikke_oplyst", "Vil ikke sige"]];
  var TAGS = [["ensomhed", "Ensomhed"], ["angst", "Angst"], ["nedtrykthed", "Nedtrykthed"],
    ["selvskade", "Selvskade"], ["selvmordstanker", "Selvmordstanker"],
    ["spiseforstyrrelse", "Spiseforstyrrelse"], ["mobning", "Mobning"], ["familie", "Familie"],
    ["vold_overgreb", "Vold og overgreb"], ["kaerlighed", "Kærlighed"],
    ["krop_seksualitet", "Krop og seksualitet"], ["identitet", "Identitet"],
    ["misbrug", "Alkohol og stoffer"], ["skole_stress", "Skole og stress"], ["sorg", "Sorg"],
    ["venskab", "Venskab"]];
  var secretAsked = false;
  var accessToken = null;
  var accessTokenUntil = 0;

  function profileSecret() { return local.getItem(SECRET_KEY); }

  function askForSecret() {
    if (profileSecret() || secretAsked || !sessionId) { return; }
    secretAsked = true;
    socket.emit("profile_secret_request");
  }
  socket.on("profile_secret", function (data) {
    if (data && data.status === "issued" && typeof data.secret === "string") {
      local.setItem(SECRET_KEY, data.secret);
    }
    // "none": not consented yet, ask again after the next answer; "taken": given out before.
    secretAsked = Boolean(data && data.status === "taken");
  });
  socket.on("bot_uttered", function () { askForSecret(); });

  function token() {
    if (accessToken && Date.now() < accessTokenUntil) { return Promise.resolve(accessToken); }
    var secret = profileSecret();
    if (!secret) { return Promise.reject(new Error("no-secret")); }
    var body = new URLSearchParams({ grant_type: GRANT, client_id: "widget", secret: secret });
    return fetch("/oauth/token", { method: "POST", body: body, credentials: "omit" })
      .then(function (response) {
        if (!response.ok) { throw new Error("token-" + response.status); }
        return response.json();
      })
      .then(function (answer) {
        accessToken = answer.access_token;
        accessTokenUntil = Date.now() + Math.max(10, (answer.expires_in || 60) - 30) * 1000;
        return accessToken;
      });
  }

  function api(method, path, json) {
    return token().then(function (value) {
      var init = { method: method, credentials: "omit", headers: { Authorization: "Bearer " + value } };
      if (json !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(json);
      }
      return fetch(path, init).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (!response.ok) {
            var error = new Error(typeof data.detail === "string" ? data.detail : "Noget gik galt. Prøv igen.");
            error.status = response.status;
            throw error;
          }
          return data;
        });
      });
    });
  }

  // Small DOM builder: text only through textContent.
  function h(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }
  function p(text) { return h("p", { text: text }); }
  function status(node) { return h("p", { role: "status", class: "rights-status" }, node ? [node] : []); }
  function label(list, value) {
    var found = list.filter(function (pair) { return pair[0] === value; })[0];
    return found ? found[1] : value;
  }
  function day(iso) {
    return iso ? new Date(iso).toLocaleDateString("da-DK", { day: "numeric", month: "long", year: "numeric" }) : "";
  }
  function select(name, text, options, current) {
    var id = "rights-" + name;
    var field = h("select", { id: id, name: name }, options.map(function (pair) {
      var option = h("option", { value: pair[0], text: pair[1] });
      if (pair[0] === current) { option.selected = true; }
      return option;
    }));
    return h("div", { class: "field" }, [h("label", { for: id, text: text }), field]);
  }

  function browserNote() {
    var prefix = storedSession ? storedSession.slice(0, 8) : "(intet endnu)";
    return h("p", {}, [
      document.createTextNode("I denne browser ligger et tilfældigt nummer, der lader dig fortsætte " +
        "samtalen (det begynder med "),
      h("strong", { class: "session-prefix", text: prefix }),
      document.createTextNode("), en nøgle til dine egne data, og – mens fanen er åben – teksten i samtalen."),
    ]);
  }

  function download(data) {
    var blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    var link = h("a", { href: URL.createObjectURL(blob), download: "mine-data-ung-intake.json" });
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function showMyData(data) {
    var conversation = (data.conversations || [])[0];
    var consentNodes = (data.consents || []).map(function (c) {
      var what = c.purposes.map(function (x) {
        return { service: "samtale med rådgiver", statistics: "anonym statistik", newsletter: "nyhedsbrev" }[x] || x;
      }).join(", ");
      var text = "Samtykke " + day(c.given_at) + " til " + what + " (privatlivspolitik version " +
        c.policy_version + ")" + (c.withdrawn_at ? ", trukket tilbage " + day(c.withdrawn_at) : "") + ".";
      return h("li", { text: text });
    });
    var transcriptItems = (data.transcript || []).map(function (turn) {
      var who = { ungdom: "Dig", bot: "Chatten", "rådgiver": "Rådgiver" }[turn.role] || turn.role;
      return h("li", { text: who + ": " + turn.text });
    });
    var nodes = [
      p("Her er alt, hvad vi har gemt om dig. Samtalen er gemt anonymiseret og krypteret."),
      h("h3", { text: "Samtykke" }), h("ul", { class: "rights-list" }, consentNodes),
      h("h3", { text: "Det, du har fortalt os" }),
      conversation
        ? h("ul", { class: "rights-list" }, [
          h("li", { text: "Køn: " + label(GENDERS, conversation.gender) }),
          h("li", { text: "Alder: " + label(AGE_BANDS, conversation.age_band) }),
          h("li", { text: "Emner: " + (conversation.tags.length
            ? conversation.tags.map(function (t) { return label(TAGS, t); }).join(", ") : "ingen") }),
        ])
        : p("Du har ikke svaret på køn, alder og emne endnu."),
      h("h3", { text: "Samtalen (" + transcriptItems.length + " beskeder)" }),
      h("ol", { class: "rights-list rights-transcript", tabindex: "0", "aria-label": "Den gemte samtale" }, transcriptItems),
      h("h3", { text: "Nyhedsbrev" }),
      p(data.newsletter && data.newsletter.subscribed
        ? "Du er tilmeldt med " + data.newsletter.email + "."
        : "Du er ikke tilmeldt."),
    ];
    var getButton = h("button", { type: "button", class: "btn btn--plain", text: "Hent mine data som fil" });
    getButton.addEventListener("click", function () { download(data); });
    nodes.push(h("div", { class: "rights-actions" }, [getButton]));
    if (conversation) { nodes.push(correctionForm(conversation)); }
    nodes.push(portabilityForm());
    nodes.push(newsletterForm(data.newsletter && data.newsletter.subscribed));
    nodes.push(browserNote());
    openDialog("Mine data", nodes);
  }

  function correctionForm(conversation) {
    var out = status();
    var boxes = TAGS.map(function (pair) {
      var id = "rights-tag-" + pair[0];
      var box = h("input", { type: "checkbox", id: id, name: "tags", value: pair[0] });
      if (conversation.tags.indexOf(pair[0]) >= 0) { box.checked = true; }
      return h("div", { class: "check" }, [box, h("label", { for: id, text: pair[1] })]);
    });
    var form = h("form", { class: "rights-form", "aria-labelledby": "rights-correct-title" }, [
      h("h3", { id: "rights-correct-title", text: "Ret dine oplysninger" }),
      select("gender", "Køn", GENDERS, conversation.gender),
      select("age_band", "Alder", AGE_BANDS, conversation.age_band),
      h("fieldset", {}, [h("legend", { text: "Emner" })].concat(boxes)),
      h("button", { type: "submit", class: "btn btn--send", text: "Gem rettelser" }),
      out,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var tags = Array.prototype.filter.call(form.querySelectorAll("input[name=tags]"), function (b) {
        return b.checked;
      }).map(function (b) { return b.value; });
      api("PATCH", "/api/v1/profile", {
        gender: form.elements.gender.value, age_band: form.elements.age_band.value, tags: tags,
      }).then(function () { out.textContent = "Dine rettelser er gemt."; })
        .catch(function (error) { out.textContent = error.message; });
    });
    return form;
  }

  function emailField(id, text) {
    return h("div", { class: "field" }, [
      h("label", { for: id, text: text }),
      h("input", { type: "email", id: id, name: "email", required: "required", autocomplete: "email" }),
    ]);
  }

  // Duty to report (underretning): a counsellor asked whether the youth will give contact
  // details. Voluntary, with its own explicit consent; "Nej tak" is sent (and logged) too.
  function contactDetailsForm() {
    var out = status();
    var consentBox = h("input", { type: "checkbox", id: "contact-consent", name: "consent", required: "required" });
    var form = h("form", { class: "rights-form", "aria-labelledby": "contact-title" }, [
      h("h3", { id: "contact-title", text: "Dine kontaktoplysninger (frivilligt)" }),
      p("Din rådgiver tror, at det kan blive nødvendigt at give kommunen besked, så du kan få " +
        "hjælp. Vil du, kan du skrive dit navn, telefonnummer og din adresse her. Kun rådgiverne " +
        "i den organisation, der har din samtale, kan se dem, og de gemmes krypteret. Du kan altid " +
        "se og slette dem under \"Mine data\"."),
      h("div", { class: "field" }, [
        h("label", { for: "contact-details", text: "Navn, telefonnummer og adresse" }),
        h("textarea", { id: "contact-details", name: "details", rows: "3", maxlength: "1000", required: "required" }),
      ]),
      h("div", { class: "check" }, [consentBox, h("label", { for: "contact-consent",
        text: "Ja, I må gemme mine kontaktoplysninger krypteret og bruge dem til at give kommunen besked." })]),
      h("button", { type: "submit", class: "btn btn--send", text: "Send mine oplysninger" }),
      h("button", { type: "button", class: "btn btn--plain", id: "contact-decline", text: "Nej tak" }),
      out,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/api/v1/profile/contact-details", {
        consent: consentBox.checked, details: form.elements.details.value,
      }).then(function () {
        form.elements.details.value = "";
        out.textContent = "Tak. Dine oplysninger er gemt krypteret, og kun din rådgivers organisation kan se dem.";
      }).catch(function (error) { out.textContent = error.message; });
    });
    form.querySelector("#contact-decline").addEventListener("click", function () {
      api("POST", "/api/v1/profile/contact-details/decline")
        .then(function () { out.textContent = "Det er helt i orden. Vi har ikke gemt noget."; })
        .catch(function (error) { out.textContent = error.message; });
    });
    return form;
  }
  socket.on("contact_offer", function () {
    openDialog("Vil du give dine kontaktoplysninger?", [contactDetailsForm()]);
  });

  function portabilityForm() {
    var out = status();
    var form = h("form", { class: "rights-form", "aria-labelledby": "rights-send-title" }, [
      h("h3", { id: "rights-send-title", text: "Send mine data til en e-mail" }),
      p("Vi sender dine data som en krypteret zip-fil. Adgangskoden vises kun her, én gang. " +
        "Vi gemmer ikke adressen."),
      emailField("rights-send-email", "E-mailadresse"),
      h("button", { type: "submit", class: "btn btn--send", text: "Send krypteret fil" }),
      out,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      out.textContent = "Sender …";
      api("POST", "/api/v1/profile/portability", { email: form.elements.email.value })
        .then(function (answer) {
          form.elements.email.value = "";
          out.replaceChildren(
            document.createTextNode("Sendt. Adgangskoden til filen er "),
            h("strong", { class: "passphrase", text: answer.passphrase }),
            document.createTextNode(". Skriv den ned nu – vi viser den ikke igen.")
          );
        })
        .catch(function (error) { out.textContent = error.message; });
    });
    return form;
  }

  function newsletterForm(subscribed) {
    var out = status();
    if (subscribed) {
      var leave = h("button", { type: "button", class: "btn btn--plain", text: "Afmeld nyhedsbrevet" });
      leave.addEventListener("click", function () {
        api("DELETE", "/api/v1/profile/newsletter")
          .then(function () { out.textContent = "Du er afmeldt, og din adresse er slettet."; })
          .catch(function (error) { out.textContent = error.message; });
      });
      return h("div", { class: "rights-form" }, [leave, out]);
    }
    var consentBox = h("input", { type: "checkbox", id: "rights-news-consent", name: "consent", required: "required" });
    var form = h("form", { class: "rights-form", "aria-labelledby": "rights-news-title" }, [
      h("h3", { id: "rights-news-title", text: "Nyhedsbrev (frivilligt)" }),
      emailField("rights-news-email", "E-mailadresse til nyhedsbrevet"),
      h("div", { class: "check" }, [consentBox, h("label", { for: "rights-news-consent",
        text: "Ja, I må gemme min e-mailadresse krypteret og sende mig nyhedsbrevet, til jeg afmelder det." })]),
      h("button", { type: "submit", class: "btn btn--send", text: "Tilmeld" }),
      out,
    ]);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/api/v1/profile/newsletter", { email: form.elements.email.value })
        .then(function () { out.textContent = "Du er tilmeldt. Hvert nyhedsbrev har et link til at afmelde."; })
        .catch(function (error) { out.textContent = error.message; });
    });
    return form;
  }

  function noDataYet(title) {
    openDialog(title, [
      p(storedSession
        ? "Vi har ikke gemt noget om dig. Vi gemmer først noget, når du har sagt ja til det i chatten."
        : "Vi har ikke gemt noget om dig."),
      browserNote(),
      p("Knappen »Forlad siden hurtigt« fjerner alt, hvad der ligger i denne browser."),
    ]);
  }

  document.getElementById("my-data").addEventListener("click", function () {
    if (!profileSecret()) { noDataYet("Mine data"); return; }
    api("GET", "/api/v1/profile").then(showMyData).catch(function (error) {
      if (error.status === 401 || error.message.indexOf("token-") === 0) {
        local.removeItem(SECRET_KEY);
        noDataYet("Mine data");
        return;
      }
      openDialog("Mine data", [p("Vi kunne ikke hente dine data lige nu. Prøv igen om lidt.")]);
    });
  });

  function forgetThisBrowser() {
    try { socket.disconnect(); } catch (e) { /* already gone */ }
    local.removeItem(SECRET_KEY);
    local.removeItem(SESSION_KEY);
    session.removeItem(TRANSCRIPT_KEY);
    accessToken = null;
    storedSession = null;
  }

  document.getElementById("delete-data").addEventListener("click", function () {
    if (!profileSecret()) { noDataYet("Slet mine data"); return; }
    var out = status();
    var erase = h("button", { type: "button", class: "btn btn--akut", text: "Slet alle mine data nu" });
    erase.addEventListener("click", function () {
      erase.disabled = true;
      out.textContent = "Sletter …";
      api("DELETE", "/api/v1/profile").then(function () {
        forgetThisBrowser();
        var again = h("button", { type: "button", class: "btn btn--plain", text: "Start en ny samtale" });
        again.addEventListener("click", function () { window.location.reload(); });
        openDialog("Slet mine data", [
          p("Dine data er slettet: samtalen, dit samtykke og dine svar. Anonym statistik bliver, " +
            "fordi den ikke kan føres tilbage til dig."),
          again,
        ]);
      }).catch(function (error) {
        erase.disabled = false;
        out.textContent = error.message;
      });
    });
    openDialog("Slet mine data", [
      p("Når du sletter, forsvinder din samtale, dit samtykke, dine svar og din e-mail til " +
        "nyhedsbrevet med det samme. Er du i gang med en rådgiver, bliver samtalen afsluttet."),
      p("Anonym statistik bliver, fordi den ikke kan føres tilbage til dig."),
      h("div", { class: "rights-actions" }, [erase]),
      out,
    ]);
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
