"""The one path by which encrypted columns reach the database.

An encrypted column is typed `Mapped[Sealed]` and stored with `SealedBytes`, which accepts only
`privacy.crypto.Sealed` values: a `str` (or raw `bytes`) assigned by mistake raises before any
SQL is sent, for ORM and Core statements alike. Before a row is inserted or updated, every
changed encrypted attribute must also have been sealed for exactly this row (table, column,
row id, profile id); a ciphertext sealed for another row is refused too.
"""

from typing import Any, ClassVar, Protocol

from sqlalchemy import LargeBinary, event, inspect
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.orm import Mapper
from sqlalchemy.types import TypeDecorator

from privacy.crypto import FieldContext, Sealed


class PlaintextRefusedError(TypeError):
    """Something other than a Sealed value was about to be written to an encrypted column."""


class SealedBytes(TypeDecorator[Sealed]):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        if not isinstance(value, Sealed):
            # The message never includes the value: it may be the plaintext.
            raise PlaintextRefusedError(
                f"encrypted column got a {type(value).__name__}, not a Sealed ciphertext; "
                "write through api.services.transcripts.append"
            )
        return value.blob

    def process_result_value(self, value: Any, dialect: Dialect) -> Sealed | None:
        if value is None:
            return None
        return Sealed(blob=bytes(value))


class HasEncryptedColumns(Protocol):
    """A model with encrypted attributes names them and says where each value lives."""

    __encrypted_attributes__: ClassVar[tuple[str, ...]]

    def field_context(self, attribute: str) -> FieldContext: ...


def _check_sealed_for_row(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
    state = inspect(target)
    for attribute in target.__encrypted_attributes__:
        if not state.attrs[attribute].history.has_changes():
            continue
        value = getattr(target, attribute)
        if value is None:
            continue
        if not isinstance(value, Sealed):
            raise PlaintextRefusedError(
                f"{type(target).__name__}.{attribute} must be a Sealed ciphertext"
            )
        if value.context != target.field_context(attribute):
            raise PlaintextRefusedError(
                f"{type(target).__name__}.{attribute} was sealed for another row, column or table"
            )


def guard_encrypted_columns(model: type[HasEncryptedColumns]) -> None:
    """Install the row-context check on a model class (call once, after its definition)."""
    event.listen(model, "before_insert", _check_sealed_for_row)
    event.listen(model, "before_update", _check_sealed_for_row)
