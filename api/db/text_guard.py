"""Refuse, before the database sees them, strings that no backend can store.

PostgreSQL rejects a NUL character in text ("cannot contain NUL (0x00) bytes") and neither
backend can encode a lone UTF-16 surrogate (`"\\ud800"` is valid JSON) as UTF-8. Both come
only from malformed client input (an id in a path, a JSON field, a form field), so every
statement's string parameters are checked here and such input becomes one exception that the
api answers with 422 on both backends, instead of a driver error and a 500 on one of them.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class UnstorableTextError(ValueError):
    """A string parameter holds a NUL or a lone surrogate (the value is never in the message)."""


def check_parameters(parameters: Any) -> None:
    """Raise UnstorableTextError if any string among `parameters` cannot be stored."""
    if isinstance(parameters, str):
        # isascii first: the common case costs one C-level scan, not a regex search.
        if (not parameters.isascii() or "\x00" in parameters) and _UNSTORABLE.search(parameters):
            raise UnstorableTextError("text holds a NUL character or a lone surrogate")
    elif isinstance(parameters, dict):
        for value in parameters.values():
            check_parameters(value)
    elif isinstance(parameters, list | tuple):
        for value in parameters:
            check_parameters(value)


def install(engine: Engine) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _guard(
        _conn: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _many: bool
    ) -> None:
        check_parameters(parameters)
