"""Every importer against its fixture: each file encodes the one canonical list.

A format that cannot hold an account has it left out of its file; entries a
format has but desktop-2fa cannot use (Yandex, MD5) come back as errors.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import pyotp
import pytest

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.core.otp import generate
from desktop_2fa.core.params import OtpKind, OtpParams
from desktop_2fa.importers import registry
from desktop_2fa.importers.base import ImportResult
from desktop_2fa.importers.errors import PasswordRequired, WrongPassword
from tests.data.canonical import (
    CANONICAL,
    FIXTURE_PASSWORD,
    Canonical,
    bitwarden_can_hold,
    google_can_hold,
    sha1_30s_6,
    sha1_totp,
    sha1_totp_30s_6,
    steam_only,
    totp_only,
    totp_or_steam,
)
from tests.data.importers.writers_phone import BNET_SECRET_HEX, BNET_SERIAL
from tests.importers.support import FIXTURES, spec


def _all(_: Canonical) -> bool:
    return True


def _steam_without_name(s: AccountSpec) -> AccountSpec:
    # Bitwarden Authenticator exports Steam as steam://SECRET: no account name survives.
    return dataclasses.replace(s, name="") if s.params.kind.value == "steam" else s


@dataclass(frozen=True)
class Fixture:
    file: str
    importer: str
    holds: Callable[[Canonical], bool] = _all
    errors: tuple[str, ...] = ()  # labels of the entries expected to be refused
    encrypted: bool = False
    groups: bool = False  # the format keeps groups/folders/tags
    adjust: Callable[[AccountSpec], AccountSpec] = lambda s: s
    extra: tuple[AccountSpec, ...] = ()  # what the format has beyond the canonical list
    notes: bool = False  # the format keeps notes and favourites
    by_name: bool = False  # nothing in the content says what it is: guessed from its name
    any_order: bool = False  # the format has no order across its parts (Proton Pass vaults)

    def __str__(self) -> str:
        return self.file


def _without_name(s: AccountSpec) -> AccountSpec:
    # Duo keeps one name per account, shown as the service: the issuer.
    return dataclasses.replace(s, name="")


BATTLE_NET = AccountSpec("Battle.net", BNET_SERIAL, OtpParams(
    OtpKind.TOTP, bytes.fromhex(BNET_SECRET_HEX), digits=8))  # fmt: skip
SLOW = pytest.mark.slow  # Ente's real default is Argon2id at 256 MiB and 16 passes


FIXTURE_LIST = [
    Fixture("aegis_plain.json", "aegis", errors=("entry 10 (Yandex: ivan)",), groups=True),
    Fixture("aegis_encrypted.json", "aegis", errors=("entry 10 (Yandex: ivan)",), encrypted=True,
            groups=True),
    Fixture("2fas_plain.2fas", "2fas", groups=True),
    Fixture("2fas_encrypted.2fas", "2fas", encrypted=True, groups=True),
    Fixture("andotp.json", "andotp", groups=True),
    Fixture("bitwarden.json", "bitwarden", holds=bitwarden_can_hold, groups=True),
    Fixture("bitwarden_authenticator.json", "bitwarden", holds=bitwarden_can_hold,
            adjust=_steam_without_name),
    Fixture("freeotp_plus.json", "freeotp-plus", errors=("entry 10 (Old Bank: olga)",)),
    Fixture("otpauth_list.txt", "otpauth"),
    Fixture("google_migration.png", "qr-image", holds=google_can_hold,
            errors=("Old Bank: olga",)),
    Fixture("ente_plain.txt", "ente", errors=("line 10",), groups=True, notes=True),
    Fixture("ente_encrypted.txt", "ente", errors=("line 10",), groups=True, notes=True,
            encrypted=True),
    Fixture("proton_authenticator.json", "proton-authenticator", holds=totp_or_steam),
    Fixture("proton_authenticator_encrypted.json", "proton-authenticator", holds=totp_or_steam,
            encrypted=True),
    Fixture("proton_pass.zip", "proton-pass", holds=totp_only, any_order=True),
    Fixture("authenticator_pro.json", "authenticator-pro", errors=("entry 10 (Yandex: ivan)",),
            groups=True),
    Fixture("authenticator_pro_encrypted.authpro", "authenticator-pro",
            errors=("entry 10 (Yandex: ivan)",), groups=True, encrypted=True),
    Fixture("authenticator_pro_legacy.authpro", "authenticator-pro",
            errors=("entry 10 (Yandex: ivan)",), groups=True, encrypted=True),
    Fixture("authenticator_pro.db3", "authenticator-pro", errors=("entry 10 (Yandex: ivan)",),
            groups=True),
    Fixture("otp_accounts_2024-05-01.json.aes", "andotp", groups=True, encrypted=True,
            by_name=True),
    Fixture("otp_accounts_old.json.aes", "andotp", groups=True, encrypted=True, by_name=True),
    Fixture("freeotp_tokens.xml", "freeotp"),
    Fixture("freeotp2_externalBackup.xml", "freeotp", encrypted=True),
    Fixture("bitwarden.csv", "bitwarden", holds=bitwarden_can_hold, groups=True, notes=True),
    Fixture("bitwarden_encrypted.json", "bitwarden", holds=bitwarden_can_hold, groups=True,
            notes=True, encrypted=True),
    Fixture("bitwarden_encrypted_argon2.json", "bitwarden", holds=bitwarden_can_hold,
            groups=True, notes=True, encrypted=True),
    Fixture("steam_old.maFile", "steam", holds=steam_only),
    Fixture("steam_new.maFile", "steam", holds=steam_only),
    Fixture("authy_tokens.xml", "authy", holds=sha1_totp_30s_6),
    Fixture("authy_tokens_encrypted.xml", "authy", holds=sha1_totp_30s_6, encrypted=True),
    Fixture("google_authenticator.db", "google-authenticator-db", holds=sha1_30s_6),
    Fixture("microsoft_authenticator.db", "microsoft-authenticator-db", holds=sha1_totp_30s_6),
    Fixture("battlenet_authenticator_preferences.xml", "battlenet", holds=lambda a: False,
            extra=(BATTLE_NET,)),
    Fixture("duo_accounts.json", "duo", holds=sha1_30s_6, adjust=_without_name),
    Fixture("totp_authenticator_backup.encrypt", "totp-authenticator", holds=sha1_totp,
            encrypted=True, by_name=True),
]  # fmt: skip


def _param(fixture: Fixture) -> object:
    return pytest.param(fixture, id=fixture.file, marks=SLOW if "ente_enc" in fixture.file else ())


PARAMS = [_param(f) for f in FIXTURE_LIST]


class _Totp(pyotp.TOTP):
    min_secret_length_bits = 80  # real services still issue 80-bit secrets


class _Hotp(pyotp.HOTP):
    min_secret_length_bits = 80


def _reference_code(s: AccountSpec, at: int) -> str:
    p = s.params
    if p.kind is OtpKind.STEAM:
        return generate(p, at).value  # pyotp has no Steam alphabet; covered in tests/core
    secret = base64.b32encode(p.secret).decode()
    digest = getattr(hashlib, p.algorithm.hashlib_name)
    if p.kind is OtpKind.HOTP:
        return str(_Hotp(secret, digits=p.digits, digest=digest).at(p.counter))
    return str(_Totp(secret, digits=p.digits, digest=digest, interval=p.period).at(at))


def _import(fixture: Fixture) -> ImportResult:
    data = (FIXTURES / fixture.file).read_bytes()
    state = registry.guess_format(data, fixture.file).read(data)
    assert state.encrypted is fixture.encrypted
    if fixture.encrypted:
        state = state.decrypt(FIXTURE_PASSWORD)
    return state.convert()


def test_every_fixture_file_is_covered() -> None:
    on_disk = {p.name for p in FIXTURES.iterdir() if p.is_file() and p.suffix != ".py"}
    batch = {f"google_batch_{i}_of_3.png" for i in (1, 2, 3)}  # tested in test_google_export
    assert on_disk - batch == {f.file for f in FIXTURE_LIST}


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=str)
def test_format_is_guessed_from_the_content(fixture: Fixture) -> None:
    data = (FIXTURES / fixture.file).read_bytes()
    name = fixture.file if fixture.by_name else "renamed.bin"
    assert registry.guess_format(data, name).name == fixture.importer


@pytest.mark.parametrize("fixture", [f for f in FIXTURE_LIST if not f.by_name], ids=str)
def test_a_folder_name_never_decides_the_format(fixture: Fixture) -> None:
    data = (FIXTURES / fixture.file).read_bytes()
    path = f"/home/me/aegis-backups/andotp/{fixture.file}"
    assert registry.guess_format(data, path).name == fixture.importer


@pytest.mark.parametrize("fixture", PARAMS)
def test_fixture_imports_the_canonical_accounts(fixture: Fixture) -> None:
    result = _import(fixture)
    held = [a for a in CANONICAL if fixture.holds(a)]
    expected = [fixture.adjust(spec(a)) for a in held] + list(fixture.extra)
    found = [e.spec for e in result.entries]
    if fixture.any_order:
        found, expected = sorted(found, key=repr), sorted(expected, key=repr)
        result = ImportResult(tuple(sorted(result.entries, key=lambda e: repr(e.spec))),
                              result.errors)  # fmt: skip
    assert found == expected
    assert tuple(e.label for e in result.errors) == fixture.errors
    assert all(e.reason for e in result.errors)
    # The user sees codes: each imported account gives the code pyotp (another
    # implementation, the reference server's) computes from the app's secret.
    at = 1_714_550_400
    assert [generate(e.spec.params, at).value for e in result.entries] == [
        _reference_code(s, at) for s in expected
    ]
    if fixture.groups:
        assert [e.group for e in result.entries] == [a.group for a in held]
    if fixture.notes:
        assert [(e.note, e.favourite) for e in result.entries] == [
            (a.note, a.favourite) for a in held
        ]


@pytest.mark.parametrize("name", ["aegis_plain.json", "bitwarden.json"])
def test_notes_and_favourites_come_along(name: str) -> None:
    fixture = next(f for f in FIXTURE_LIST if f.file == name)
    result = _import(fixture)
    held = [a for a in CANONICAL if fixture.holds(a)]
    assert [(e.note, e.favourite) for e in result.entries] == [(a.note, a.favourite) for a in held]


@pytest.mark.parametrize("fixture", [_param(f) for f in FIXTURE_LIST if f.encrypted])
def test_encrypted_fixture_refuses_a_wrong_password(fixture: Fixture) -> None:
    data = (FIXTURES / fixture.file).read_bytes()
    state = registry.by_name(fixture.importer).read(data)
    with pytest.raises(WrongPassword, match="wrong password"):
        state.decrypt("not the password")
    with pytest.raises(PasswordRequired, match="encrypted"):
        state.convert()


def test_bitwarden_items_without_totp_are_not_errors() -> None:
    result = _import(next(f for f in FIXTURE_LIST if f.file == "bitwarden.json"))
    assert result.errors == ()
    assert len(result.entries) == sum(1 for a in CANONICAL if bitwarden_can_hold(a))
