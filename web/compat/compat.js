// Starts the unmodified npm rasa-webchat bundle against this api (same origin).
window.WebChat.default(
  {
    selector: "#webchat",
    socketUrl: window.location.origin,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    title: "Anonym chat",
    inputTextFieldHint: "Skriv en besked…",
    embedded: true,
    params: { storage: "session" },
  },
  null
);
