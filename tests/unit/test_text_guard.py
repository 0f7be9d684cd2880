"""Strings no database can store are refused before the statement runs; parameters stay out
of error messages."""

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from api.db.session import make_engine
from api.db.text_guard import UnstorableTextError, check_parameters


@pytest.mark.parametrize(
    "parameters",
    [("ok", 1, b"\x00bytes are ciphertext", None), {"a": "æøå 😀", "b": ["x", ("y",)]}, []],
)
def test_storable_parameters_pass(parameters: object) -> None:
    check_parameters(parameters)


@pytest.mark.parametrize(
    "parameters", [("a\x00b",), {"k": "\ud800"}, [{"deep": ("x", "\udfff")}], "\x00"]
)
def test_a_nul_or_a_lone_surrogate_anywhere_is_refused(parameters: object) -> None:
    with pytest.raises(UnstorableTextError) as refused:
        check_parameters(parameters)
    assert "\x00" not in str(refused.value)


def test_the_engine_refuses_them_and_hides_parameters_in_its_errors(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'guard.db'}")
    with engine.connect() as conn:
        with pytest.raises(UnstorableTextError):
            conn.execute(text("SELECT :v"), {"v": "a\x00b"})
        with pytest.raises(OperationalError) as failed:
            conn.execute(text("SELECT * FROM no_such_table WHERE e = :e"), {"e": "mads@x.dk"})
    assert "mads@x.dk" not in str(failed.value)
    engine.dispose()
