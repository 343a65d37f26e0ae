"""Reading a vault file without parsing its ciphertext as JSON (issue 13).

The head start reads the header from the file's end without a JSON parser,
and the unlock cuts the ciphertext out of the bytes instead of parsing a
6 MB string. Whatever either accepts, `json.loads` reads the same way; what
they do not accept goes the slow, fully checked way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from desktop_2fa.vault import envelope, header
from desktop_2fa.vault.crypto import KdfParams
from desktop_2fa.vault.errors import CorruptVault
from desktop_2fa.vault.store import VaultFile
from tests.vault.handmade import rewrite_header


def _members(path: Path) -> dict[str, object]:
    body = json.loads(path.read_bytes())
    return {k: body[k] for k in ("format", "version", "kdf")}


@pytest.mark.parametrize("kdf", [(1, 1024, 1), (3, 64 * 1024, 4), (10, 8, 1)])
def test_the_header_read_from_the_end_is_the_json_header(
    vault_path: Path, kdf: tuple[int, int, int]
) -> None:
    time_cost, memory_kib, lanes = kdf
    VaultFile(vault_path).create(
        "pw", kdf=KdfParams.new(time_cost=time_cost, memory_kib=memory_kib, lanes=lanes)
    )
    assert header.peek(vault_path) == _members(vault_path)


def test_a_header_not_written_by_desktop_2fa_gets_no_quick_read(
    vault_path: Path, fast_kdf: KdfParams
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    body = json.loads(vault_path.read_bytes())
    vault_path.write_text(json.dumps(body))  # the same JSON, with spaces
    assert header.peek(vault_path) is None
    vault_path.write_text(json.dumps(body, separators=(",", ":"), sort_keys=True))  # no newline
    assert header.peek(vault_path) is None
    body["kdf"]["name"] = "argon\\u0032id"  # an escape: JSON reads "argon2id"
    vault_path.write_text(json.dumps(body, separators=(",", ":"), sort_keys=True) + "\n")
    assert header.peek(vault_path) is None


canonical_kdf = st.dictionaries(
    st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8),
    st.one_of(st.integers(0, 2**40), st.text("ABCxyz019+/=", max_size=12)),
    min_size=1,
    max_size=6,
).map(lambda d: json.dumps(d, separators=(",", ":"), sort_keys=True).encode())


DAMAGE = [b'"', b",", b":", b"{", b"}", b"\\", b"1", b" ", b""]  # b"": drop a byte


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(raw=b'{"a":10,"b":00000000}', edits=[])  # found by CI: JSON allows no leading zero
@given(
    raw=canonical_kdf,
    edits=st.lists(st.tuples(st.integers(0, 200), st.sampled_from(DAMAGE)), max_size=3),
)
def test_what_the_quick_reader_accepts_json_reads_the_same(
    raw: bytes, edits: list[tuple[int, bytes]]
) -> None:
    for place, insert in edits:  # damage it here and there
        at = place % (len(raw) + 1)
        raw = raw[:at] + insert + raw[at + (0 if insert else 1) :]
    quick = header._flat_object(raw)
    if quick is not None:
        assert quick == json.loads(raw)


def test_the_ciphertext_cut_from_the_bytes_is_the_json_value(
    vault_path: Path, fast_kdf: KdfParams, monkeypatch: pytest.MonkeyPatch
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    raw = vault_path.read_bytes()
    quick = envelope.decode(raw)
    monkeypatch.setattr(envelope, "_members", lambda _raw: None)  # the whole-JSON way
    assert envelope.decode(raw) == quick


@pytest.mark.parametrize(
    ("ciphertext", "detail"),
    [("%%%%", "ciphertext is not base64"), ("QUJD\\/", "ciphertext is not base64")],
)
def test_a_forged_ciphertext_is_reported_as_before(
    vault_path: Path, fast_kdf: KdfParams, ciphertext: str, detail: str
) -> None:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    rewrite_header(vault_path, lambda body: body.update(ciphertext=ciphertext))
    with pytest.raises(CorruptVault) as info:
        envelope.decode(vault_path.read_bytes())
    assert info.value.detail == detail


def _forged(path: Path, change: Callable[[str, str], str]) -> None:
    """The vault's canonical text changed by `change(text, kdf_member)`, checksum redone."""
    body = json.loads(path.read_bytes())
    body.pop("checksum")
    text = envelope.canonical(body).decode()
    kdf_member = '"kdf":' + envelope.canonical(body["kdf"]).decode()
    text = change(text, kdf_member)
    checksum = hashlib.sha256(text.encode()).hexdigest()
    path.write_text('{"checksum":"' + checksum + '",' + text[1:] + "\n")


COSTLY = '"kdf":' + json.dumps(
    {"lanes": 4, "memory_kib": 2**20, "name": "argon2id", "salt": "A" * 22 + "==", "time_cost": 4},
    separators=(",", ":"),
)
HIDDEN = '{"y":"","format":"desktop-2fa-vault",' + COSTLY + "}"


@pytest.mark.parametrize(
    "change",
    [
        # the same member twice: JSON keeps the last
        lambda text, kdf: text.replace(kdf, COSTLY + "," + kdf),
        # a format and kdf inside another member, or inside a key slot, after the real ones
        lambda text, kdf: text.replace(',"version":', ',"x":' + HIDDEN + ',"version":'),
        lambda text, kdf: text.replace('"type":"password"', '"type":"password","x":' + HIDDEN),
    ],
)
def test_the_quick_read_never_sees_another_kdf_than_the_unlock(
    vault_path: Path, fast_kdf: KdfParams, change: Callable[[str, str], str]
) -> None:
    """The head start read a kdf the unlock does not use: a forged file had it run a
    1 GiB derivation beside the real one (or beside a refusal, until the exit)."""
    VaultFile(vault_path).create("pw", kdf=fast_kdf)
    _forged(vault_path, change)
    assert envelope.decode(vault_path.read_bytes()).kdf == fast_kdf  # what the unlock uses
    quick = header.peek(vault_path)
    assert quick is None or quick["kdf"] == fast_kdf.to_header()
