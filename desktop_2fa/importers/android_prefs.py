"""Android SharedPreferences files (`shared_prefs/*.xml`), as apps keep them on the phone.

`<map><string name="key">value</string><int name=".." value=".."/>...</map>`.
Only the string entries are returned. The XML comes from outside: a DOCTYPE
(and so any entity declaration, the billion-laughs attack) is refused before
parsing, and so is anything that is not a `<map>`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # entities are refused before parsing

from desktop_2fa.importers.errors import CorruptFile

# A preferences file holds one element per setting (FreeOTP: two per token).
# ElementTree keeps every element (about 100 bytes each), so a file of millions
# of empty elements is refused before parsing; '<' opens each one, and an XML
# text cannot hold a raw '<' (it is escaped as &lt;).
MAX_ELEMENTS = 50_000


def looks_like_prefs(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<map")) and b"<map" in data[:4096]


def read_strings(data: bytes, title: str) -> dict[str, str]:
    """`{name: text}` of the file's <string> entries.

    Raises:
        CorruptFile: not XML, an unknown encoding, a DOCTYPE, far too many elements, or not
            a SharedPreferences <map>.
    """
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise CorruptFile(title, "it declares XML entities, which a preferences file never does")
    if data.count(b"<") > MAX_ELEMENTS:
        raise CorruptFile(title, f"it has more than {MAX_ELEMENTS:,} XML elements")
    try:
        root = ET.fromstring(data)  # noqa: S314 - no DTD, see above
    except ET.ParseError as e:
        raise CorruptFile(title, f"broken XML at line {e.position[0]}") from e
    except LookupError as e:  # `<?xml ... encoding='Atf-8'?>`: expat asks Python for a codec
        raise CorruptFile(title, "it declares a text encoding that does not exist") from e
    if root.tag != "map":
        raise CorruptFile(title, "it is not an Android preferences file")
    found: dict[str, str] = {}
    for element in root:
        name = element.get("name")
        if element.tag == "string" and name is not None:
            found[name] = element.text or ""
    return found
