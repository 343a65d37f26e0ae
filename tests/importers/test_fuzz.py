"""Random bytes and mangled fixtures into every importer: only `ImportFailed` may come out,
and bad entries come back as entry errors."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_2fa.importers import registry
from desktop_2fa.importers.base import Importer
from desktop_2fa.importers.errors import ImportFailed, UnknownFormat
from tests.importers.support import FIXTURES

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
JSON_FIXTURES = ["aegis_plain.json", "2fas_plain.2fas", "andotp.json", "bitwarden.json",
                 "bitwarden_authenticator.json", "freeotp_plus.json", "proton_authenticator.json",
                 "proton_authenticator_encrypted.json", "authenticator_pro.json",
                 "steam_new.maFile", "duo_accounts.json"]  # fmt: skip
# Every other fixture, bytes flipped or cut; Ente's encrypted one is left out because its
# real cost (Argon2id, 256 MiB x 16) would make each example take seconds.
BYTE_FIXTURES = ["ente_plain.txt", "proton_pass.zip", "authenticator_pro.db3",
                 "authenticator_pro_encrypted.authpro", "authenticator_pro_legacy.authpro",
                 "otp_accounts_2024-05-01.json.aes", "otp_accounts_old.json.aes",
                 "freeotp_tokens.xml", "freeotp2_externalBackup.xml", "bitwarden.csv",
                 "authy_tokens.xml", "authy_tokens_encrypted.xml", "google_authenticator.db",
                 "microsoft_authenticator.db", "battlenet_authenticator_preferences.xml",
                 "totp_authenticator_backup.encrypt"]  # fmt: skip
FEW = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


def _run(importer: Importer, data: bytes) -> None:
    try:
        state = importer.read(data)
        if state.encrypted:
            state = state.decrypt("password")
        result = state.convert()
    except ImportFailed:
        return
    for error in result.errors:
        assert error.label and error.reason


@pytest.mark.parametrize("importer", registry.IMPORTERS, ids=lambda i: i.name)
@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(importer: Importer, data: bytes) -> None:
    _run(importer, data)


@pytest.mark.parametrize("importer", registry.IMPORTERS, ids=lambda i: i.name)
@FUZZ
@given(value=json_values)
def test_random_json(importer: Importer, value: object) -> None:
    _run(importer, json.dumps(value).encode())


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            found += _paths(value, (*prefix, index))
    return found


@pytest.mark.parametrize("name", JSON_FIXTURES)
@FUZZ
@given(data=st.data())
def test_fixtures_with_one_value_replaced(name: str, data: st.DataObject) -> None:
    doc = json.loads((FIXTURES / name).read_text("utf-8"))
    path = data.draw(st.sampled_from(_paths(doc)[1:]))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(json_values)
    raw = json.dumps(doc).encode()
    _run(registry.guess_format((FIXTURES / name).read_bytes(), name), raw)


@FUZZ
@given(data=st.binary(max_size=200), name=st.text(max_size=20))
def test_guess_format_raises_only_unknown_format(data: bytes, name: str) -> None:
    with contextlib.suppress(UnknownFormat):
        registry.guess_format(data, name)


@pytest.mark.slow
@pytest.mark.parametrize("name", BYTE_FIXTURES)
@FEW
@given(data=st.data())
def test_fixtures_with_bytes_flipped_or_cut(name: str, data: st.DataObject) -> None:
    raw = bytearray((FIXTURES / name).read_bytes())
    importer = registry.guess_format(bytes(raw), name)
    if data.draw(st.booleans()):
        del raw[data.draw(st.integers(0, len(raw) - 1)) :]
    else:
        for _ in range(data.draw(st.integers(1, 8))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    _run(importer, bytes(raw))
