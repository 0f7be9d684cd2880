"""An address a youth types must be one mailbox: nothing that lets mail reach someone else."""

import pytest

from api.services.newsletter import InvalidEmailError, valid_email


@pytest.mark.parametrize(
    "address",
    [
        "mads@example.dk",
        "  mads.jensen+nyhedsbrev@mail.example.dk ",
        "søren_ø@example.dk",
        "o'brien@sub-domain.example.com",
        "a" * 64 + "@example.dk",
    ],
)
def test_ordinary_addresses_are_taken(address: str) -> None:
    assert valid_email(address) == address.strip()


@pytest.mark.parametrize(
    "address",
    [
        "a,b@c.dk",  # two recipients: "a" and "b@c.dk"
        "a;b@c.dk",
        "mads@example.dk, anden@example.dk",
        "Mads <mads@example.dk>",
        '"a b"@example.dk',
        "a b@example.dk",
        "a\x00b@example.dk",
        "a\r\nBcc: x@y.dk@example.dk",
        ".mads@example.dk",
        "mads.@example.dk",
        "ma..ds@example.dk",
        "mads@-example.dk",
        "mads@example..dk",
        "mads@example",
        "a" * 65 + "@example.dk",
        "mads@@example.dk",
    ],
)
def test_anything_but_one_mailbox_is_refused(address: str) -> None:
    with pytest.raises(InvalidEmailError):
        valid_email(address)
