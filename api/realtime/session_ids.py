"""Anonymous conversation ids: random, opaque, and the only identity a youth has."""

import re
import uuid

_VALID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def is_valid_session_id(value: object) -> bool:
    return isinstance(value, str) and bool(_VALID.fullmatch(value))


def new_session_id() -> str:
    return uuid.uuid4().hex
