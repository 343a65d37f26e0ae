"""Every importer against its fixture: each file encodes the one canonical list.

A format that cannot hold an account has it left out of its file; entries a
format has but desktop-2fa cannot use (Yandex, MD5) come back as errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from desktop_2fa.core.account import AccountSpec
from desktop_2fa.importers import registry
from desktop_2fa.importers.base import ImportResult
from desktop_2fa.importers.errors import PasswordRequired, WrongPassword
from tests.data.canonical import (
    CANONICAL,
    FIXTURE_PASSWORD,
    Canonical,
    bitwarden_can_hold,
    google_can_hold,
)
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

    def __str__(self) -> str:
        return self.file


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
]  # fmt: skip


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
    assert registry.guess_format(data, "renamed.bin").name == fixture.importer


@pytest.mark.parametrize("fixture", FIXTURE_LIST, ids=str)
def test_fixture_imports_the_canonical_accounts(fixture: Fixture) -> None:
    result = _import(fixture)
    held = [a for a in CANONICAL if fixture.holds(a)]
    assert [e.spec for e in result.entries] == [fixture.adjust(spec(a)) for a in held]
    assert tuple(e.label for e in result.errors) == fixture.errors
    assert all(e.reason for e in result.errors)
    if fixture.groups:
        assert [e.group for e in result.entries] == [a.group for a in held]


@pytest.mark.parametrize("name", ["aegis_plain.json", "bitwarden.json"])
def test_notes_and_favourites_come_along(name: str) -> None:
    fixture = next(f for f in FIXTURE_LIST if f.file == name)
    result = _import(fixture)
    held = [a for a in CANONICAL if fixture.holds(a)]
    assert [(e.note, e.favourite) for e in result.entries] == [(a.note, a.favourite) for a in held]


@pytest.mark.parametrize("fixture", [f for f in FIXTURE_LIST if f.encrypted], ids=str)
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
