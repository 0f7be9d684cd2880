"""What a youth's `user_uttered` may carry, checked before anything is stored or forwarded.

Hostile or broken input gets an explicit answer, never a crash and never silence:
- not a string, or no text: refused (`invalid`);
- longer than the limit (a 100 kB paste): refused with a Danish message naming the limit
  (`too_long`); nothing of it is stored;
- lone UTF-16 surrogates (a JSON `"\\ud800"` from a broken client): each becomes U+FFFD, so the
  rest of the message is kept and can be encrypted and stored as UTF-8;
- an optional `message_id` (the widget's random id, 8-64 characters of A-Z a-z 0-9 _ -) makes
  a resend after a reconnect idempotent; a malformed one is refused (`invalid`).
"""

import re
from dataclasses import dataclass
from typing import Any

from api.services.transcripts import is_valid_client_message_id

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")

INVALID_MESSAGE_DA = "Jeg kunne ikke læse din besked. Prøv at skrive den igen."


def message_too_long_da(limit: int) -> str:
    return f"Din besked er for lang. Del den gerne op i kortere beskeder på højst {limit} tegn."


@dataclass(frozen=True)
class Accepted:
    text: str
    client_message_id: str | None


@dataclass(frozen=True)
class Refused:
    error: str  # "invalid" | "too_long" | "empty"
    reply_da: str | None  # None: nothing to say (an empty message is simply ignored)


def repair_text(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (valid pairs are single code points
    in a Python str already, so any surrogate left is a broken half)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def check(data: Any, max_chars: int) -> Accepted | Refused:
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return Refused("invalid", INVALID_MESSAGE_DA)
    client_message_id = data.get("message_id")
    if client_message_id is not None and not is_valid_client_message_id(client_message_id):
        return Refused("invalid", INVALID_MESSAGE_DA)
    text = repair_text(data["message"]).strip()
    if not text:
        return Refused("empty", None)
    if len(text) > max_chars:
        return Refused("too_long", message_too_long_da(max_chars))
    return Accepted(text, client_message_id)
