// Ung Intake widget loader: the one script tag a counselling provider embeds.
//
//   <script src="https://CHAT-API/widget.js" async></script>
//   <script src="https://CHAT-API/widget.js" data-container="#chat" async></script>
//
// Without data-container it adds a "Chat anonymt" button that opens the chat in a panel;
// with it the chat fills that element. Either way the chat itself runs in an iframe served by
// the chat api, so everything the youth writes goes only to that api, never to the provider's
// page. The api must list the provider's origin in WIDGET_ALLOWED_ORIGINS (frame-ancestors).
(function () {
  "use strict";
  var EXIT_URL = "__EXIT_URL__"; // filled in by the api (WIDGET_EXIT_URL)
  var script = document.currentScript;
  if (!script || window.__ungIntakeLoaded) { return; }
  window.__ungIntakeLoaded = true;
  var origin = new URL(script.src, window.location.href).origin;
  var containerSelector = script.getAttribute("data-container");
  var label = script.getAttribute("data-label") || "Chat anonymt";

  function css(node, rules) { Object.keys(rules).forEach(function (k) { node.style[k] = rules[k]; }); }

  function start() {
    var container = containerSelector ? document.querySelector(containerSelector) : null;
    var iframe = document.createElement("iframe");
    // via=loader: the chat leaves the page through this loader (postMessage), never by itself.
    iframe.src = origin + "/widget/?via=loader" + (container ? "" : "&mode=floating");
    iframe.title = "Anonym chat med en rådgiver";
    iframe.setAttribute("referrerpolicy", "no-referrer");
    var launcher = null;

    if (container) {
      css(iframe, { width: "100%", height: "100%", minHeight: "32rem", border: "0", display: "block" });
      container.appendChild(iframe);
    } else {
      launcher = document.createElement("button");
      launcher.type = "button";
      launcher.textContent = label;
      launcher.setAttribute("aria-expanded", "false");
      css(launcher, {
        position: "fixed", right: "1rem", bottom: "1rem", zIndex: "2147483646",
        font: "700 1rem/1.2 system-ui, sans-serif", padding: ".8rem 1.1rem", minHeight: "44px",
        color: "#fff", background: "#0b5cad", border: "2px solid #fff", borderRadius: "1.5rem",
        boxShadow: "0 2px 8px rgba(0,0,0,.35)", cursor: "pointer",
      });
      css(iframe, {
        position: "fixed", right: "0", bottom: "0", zIndex: "2147483647", border: "0",
        width: "min(26rem, 100vw)", height: "min(42rem, 100dvh)", display: "none",
        boxShadow: "0 4px 24px rgba(0,0,0,.35)", background: "#fff",
      });
      iframe.id = "ung-intake-chat";
      launcher.setAttribute("aria-controls", iframe.id);
      launcher.addEventListener("click", function () { setOpen(true); });
      document.body.appendChild(launcher);
      document.body.appendChild(iframe);
    }

    function setOpen(open) {
      iframe.style.display = open ? "block" : "none";
      launcher.style.display = open ? "none" : "block";
      launcher.setAttribute("aria-expanded", String(open));
      if (open) { iframe.focus(); } else { launcher.focus(); }
    }

    var leaving = false;
    function leave(url) {
      if (leaving) { return; }
      leaving = true;
      iframe.remove();
      if (launcher) { launcher.remove(); }
      window.location.replace(url || EXIT_URL);
    }

    window.addEventListener("message", function (event) {
      if (event.origin !== origin || event.source !== iframe.contentWindow) { return; }
      var data = event.data || {};
      if (data.type === "ung-intake:quick-exit") {
        leave(typeof data.url === "string" && /^https?:\/\//.test(data.url) ? data.url : EXIT_URL);
      } else if (data.type === "ung-intake:minimise" && launcher) {
        setOpen(false);
      }
    });

    // Escape twice on the provider's page leaves too: the chat wipes its own storage first.
    var lastEscape = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      var now = Date.now();
      if (now - lastEscape < 1200) {
        iframe.contentWindow.postMessage({ type: "ung-intake:quick-exit-request" }, origin);
        window.setTimeout(function () { leave(EXIT_URL); }, 300);
      }
      lastEscape = now;
    });
  }

  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
