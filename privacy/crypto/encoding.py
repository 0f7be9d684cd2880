"""Unambiguous byte encodings shared by the ciphertext formats.

Associated data is a concatenation of several strings; each is length-prefixed so that
("ab", "c") and ("a", "bc") can never produce the same bytes.
"""

import struct

_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
MAX_U32 = 0xFFFF_FFFF


def length_prefixed(*parts: str) -> bytes:
    out = bytearray()
    for part in parts:
        raw = part.encode("utf-8")
        out += _U16.pack(len(raw))
        out += raw
    return bytes(out)


def u32(value: int) -> bytes:
    if not 0 <= value <= MAX_U32:
        raise ValueError("key version out of range (0..2^32-1)")
    return _U32.pack(value)


def read_u32(data: bytes, offset: int) -> int:
    value: int = _U32.unpack_from(data, offset)[0]
    return value
