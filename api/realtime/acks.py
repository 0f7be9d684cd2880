"""The acknowledgement of a youth's `user_uttered`: what "the client saw it acknowledged" means.

A client that wants to know its message is safe emits `user_uttered` with a socket.io
acknowledgement callback and, to make a resend safe, a `message_id` of its own (random,
8-64 characters of A-Z a-z 0-9 _ -, new for every message, reused only for a resend):

    {message, session_id?, customData?, message_id?}  --ack-->  one of
    {ok: true,  stored: true,  duplicate: false}   committed to the transcript (anonymised,
                                                   encrypted) and passed on to the bot or the
                                                   counsellor before this ack was sent
    {ok: true,  stored: true,  duplicate: true}    a resend: the turn with this message_id was
                                                   committed earlier; it is not stored twice
    {ok: true,  stored: false, duplicate: false}   handled by the bot, nothing stored (no
                                                   consent yet, so nothing may be stored)
    {ok: false, error: "rate_limited", retry_after: seconds}
    {ok: false, error: "too_long" | "invalid" | "empty" | "not_stored"}

Guarantee: an ack with `stored: true` is sent only after the database commit, so a message
acknowledged that way survives a crash of the api (SIGKILL included) exactly once. A message
without an ack is in doubt: the client resends it with the same `message_id` after it
reconnects (with the same `session_id`), and the unique (profile, message_id) index makes the
resend a no-op if the first copy was committed. Every refusal (`ok: false`) also shows the
youth a Danish message, so nothing is dropped silently.

rasa-webchat emits without a callback and without `message_id`: python-socketio then sends no
ack, and the widget works as before (without the resend guarantee).
"""

import math
from typing import Any


def accepted(*, stored: bool, duplicate: bool = False) -> dict[str, Any]:
    return {"ok": True, "stored": stored, "duplicate": duplicate}


def refused(error: str) -> dict[str, Any]:
    return {"ok": False, "error": error}


def rate_limited(retry_after_seconds: float) -> dict[str, Any]:
    return {"ok": False, "error": "rate_limited", "retry_after": math.ceil(retry_after_seconds)}
