"""A `java.util.HashMap<String, String>` written by Java's ObjectOutputStream, read strictly.

FreeOTP 2 writes its backup this way (TokenPersistence.copyBackupToExternal:
`writeObject(sharedPreferences.getAll())`). Only that exact shape is read,
following the Java Object Serialization Specification, chapter 6: the
stream header, one TC_OBJECT of class java.util.HashMap (its two fields
loadFactor and threshold), the block data with capacity and size, then
`size` pairs of TC_STRING / TC_LONGSTRING. Nothing is instantiated and
every length is checked against what is left, so a hostile file can only
be refused.
"""

from __future__ import annotations

import struct

MAGIC = b"\xac\xed\x00\x05"
TC_NULL, TC_REFERENCE, TC_CLASSDESC, TC_OBJECT = 0x70, 0x71, 0x72, 0x73
TC_STRING, TC_BLOCKDATA, TC_ENDBLOCKDATA, TC_LONGSTRING = 0x74, 0x77, 0x78, 0x7C
HASHMAP = "java.util.HashMap"
MAX_ENTRIES = 100_000


class NotAHashMap(ValueError):
    """The bytes are not a serialized HashMap of strings; the message says where."""


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise NotAHashMap("the file ends too early")
        chunk = self.data[self.pos : self.pos + size]
        self.pos += size
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def unpack(self, fmt: str) -> int:
        (value,) = struct.unpack(fmt, self.take(struct.calcsize(fmt)))
        return int(value)

    def utf(self, size: int) -> str:
        return _modified_utf8(self.take(size))


def _modified_utf8(raw: bytes) -> str:
    """Java's modified UTF-8: NUL as C0 80, characters beyond U+FFFF as surrogate pairs."""
    try:
        text = raw.replace(b"\xc0\x80", b"\x00").decode("utf-8", "surrogatepass")
        return text.encode("utf-16", "surrogatepass").decode("utf-16")
    except UnicodeError as e:
        raise NotAHashMap("a string is not valid modified UTF-8") from e


def _class_desc(r: _Reader) -> None:
    if r.byte() != TC_CLASSDESC:
        raise NotAHashMap("expected a class description")
    name = r.utf(r.unpack(">H"))
    if name != HASHMAP:
        raise NotAHashMap(f"it holds a {name[:60]}, not a {HASHMAP}")
    r.take(8)  # serialVersionUID
    r.byte()  # flags: SC_SERIALIZABLE | SC_WRITE_METHOD
    for _ in range(r.unpack(">H")):
        code = chr(r.byte())
        r.utf(r.unpack(">H"))
        if code not in "FI":  # HashMap's fields: float loadFactor, int threshold
            raise NotAHashMap("the HashMap has an unexpected field")
    if r.byte() != TC_ENDBLOCKDATA or r.byte() != TC_NULL:  # no annotations, no superclass
        raise NotAHashMap("the HashMap's class description is not the standard one")


def _string(r: _Reader) -> str:
    code = r.byte()
    if code == TC_STRING:
        return r.utf(r.unpack(">H"))
    if code == TC_LONGSTRING:
        return r.utf(r.unpack(">Q"))
    if code == TC_REFERENCE:
        raise NotAHashMap("it repeats an object by reference, which a backup never does")
    raise NotAHashMap("a key or value is not a string")


def read(data: bytes) -> dict[str, str]:
    """Raises:
    NotAHashMap: with a short reason.
    """
    r = _Reader(data)
    if r.take(4) != MAGIC:
        raise NotAHashMap("it is not a Java serialization stream")
    if r.byte() != TC_OBJECT:
        raise NotAHashMap("expected an object")
    _class_desc(r)
    r.take(8)  # the field values: loadFactor, threshold
    if r.byte() != TC_BLOCKDATA or r.byte() != 8:
        raise NotAHashMap("expected the HashMap's capacity and size")
    r.take(4)  # capacity
    size = r.unpack(">i")
    if not 0 <= size <= MAX_ENTRIES:
        raise NotAHashMap(f"the HashMap claims {size} entries")
    found: dict[str, str] = {}
    for _ in range(size):
        key = _string(r)
        found[key] = _string(r)
    return found
