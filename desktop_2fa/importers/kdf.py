"""Key derivation for encrypted imports, behind one set of ceilings.

An encrypted export names its own key-derivation cost (Aegis's scrypt N,
Ente's Argon2 memory, Bitwarden's PBKDF2 iterations...), so a hostile file
can ask for minutes of work and gigabytes of memory before any password is
checked (issue 9, item 2: 60 Aegis slots at N=2^18 took 44 s). Every
importer derives its keys here, and nowhere else (tests/importers/
test_kdf_limits.py checks that no other module calls a KDF): parameters
above the ceilings are refused *before* any derivation, with one line that
names the parameter.

The ceilings are the most any app we read writes, so a real export always
passes:

* PBKDF2: 2,000,000 iterations, Bitwarden's maximum (andOTP writes about
  150,000, FreeOTP 100,000, Authenticator Pro 64,000, 2FAS 10,000).
* scrypt: 128·N·r·p at most 64 MiB, twice what Aegis writes (N=2^15, r=8,
  p=1, Aegis's CryptoUtils since its first release).
* Argon2id: at most 1 GiB of memory (libsodium's SENSITIVE limit, the most
  Ente Auth and Bitwarden use), at most 32 passes, 16 lanes, and memory ×
  passes at most 4 GiB (Ente keeps that product constant: 1 GiB × 4 =
  256 MiB × 16 = 128 MiB × 32).
* Key slots: at most 4 password slots are tried (Aegis writes one, plus an
  optional backup-password slot).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from desktop_2fa.importers.errors import CorruptFile, UnsupportedFile

KIB = 1024
MIB = 1024 * KIB
PBKDF2_MAX_ITERATIONS = 2_000_000
SCRYPT_MAX_BYTES = 64 * MIB
ARGON2_MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
ARGON2_MAX_PASSES = 32
ARGON2_MAX_LANES = 16
ARGON2_MAX_WORK_KIB = 4 * ARGON2_MAX_MEMORY_KIB  # memory (KiB) × passes
MAX_PASSWORD_SLOTS = 4
MAX_SALT_BYTES = 1024
_SHOWN_DIGITS = 15


def _shown(value: int) -> str:
    """A number for an error line: never thousands of digits from a hostile file."""
    text = str(value) if abs(value) < 10**_SHOWN_DIGITS else f"more than 10^{_SHOWN_DIGITS}"
    return text


class KdfRefused(UnsupportedFile):
    """A key-derivation parameter above the ceilings: refused before any work."""

    def __init__(self, title: str, parameter: str, value: int, limit: str) -> None:
        super().__init__(
            f"this {title} file asks for {parameter} = {_shown(value)}, above what "
            f"desktop-2fa accepts ({limit}); no {title} export does that"
        )
        self.parameter = parameter


class Hash(StrEnum):
    SHA1 = "sha1"
    SHA256 = "sha256"
    SHA512 = "sha512"


@dataclass(frozen=True, slots=True)
class Pbkdf2:
    hash: Hash
    iterations: int
    salt: bytes
    length: int = 32


@dataclass(frozen=True, slots=True)
class Scrypt:
    n: int
    r: int
    p: int
    salt: bytes
    length: int = 32


@dataclass(frozen=True, slots=True)
class Argon2id:
    """Argon2id version 1.3 (RFC 9106); `memory_kib` as libsodium's memlimit / 1024."""

    memory_kib: int
    passes: int
    lanes: int
    salt: bytes
    length: int = 32


Params = Pbkdf2 | Scrypt | Argon2id


def _at_least_one(title: str, parameter: str, value: int) -> None:
    if value < 1:
        raise CorruptFile(title, f"its key-derivation {parameter} is {_shown(value)}")


def _check_pbkdf2(title: str, p: Pbkdf2) -> None:
    _at_least_one(title, "iteration count", p.iterations)
    if p.iterations > PBKDF2_MAX_ITERATIONS:
        raise KdfRefused(title, "PBKDF2 iterations", p.iterations, f"{PBKDF2_MAX_ITERATIONS:,}")


def _check_scrypt(title: str, p: Scrypt) -> None:
    for name, value in (("N", p.n), ("r", p.r), ("p", p.p)):
        _at_least_one(title, f"scrypt {name}", value)
    if p.n < 2 or p.n & (p.n - 1):
        raise CorruptFile(title, "its scrypt N is not a power of two")
    limit = f"128·N·r·p up to {SCRYPT_MAX_BYTES // MIB} MiB"
    for name, value in (("scrypt N", p.n), ("scrypt r", p.r), ("scrypt p", p.p)):
        if value > SCRYPT_MAX_BYTES // 128:
            raise KdfRefused(title, name, value, limit)
    if 128 * p.n * p.r * p.p > SCRYPT_MAX_BYTES:
        worst = max((("scrypt N", p.n), ("scrypt r", p.r), ("scrypt p", p.p)), key=lambda t: t[1])
        raise KdfRefused(title, worst[0], worst[1], limit)


def _check_argon2(title: str, p: Argon2id) -> None:
    _at_least_one(title, "passes", p.passes)
    _at_least_one(title, "lanes", p.lanes)
    if p.memory_kib < 8 * p.lanes:  # RFC 9106 section 3.1: m >= 8p
        raise CorruptFile(title, "its Argon2 memory is below 8 KiB per lane")
    if p.memory_kib > ARGON2_MAX_MEMORY_KIB:
        raise KdfRefused(title, "Argon2 memory (KiB)", p.memory_kib, "1 GiB")
    if p.passes > ARGON2_MAX_PASSES:
        raise KdfRefused(title, "Argon2 passes", p.passes, str(ARGON2_MAX_PASSES))
    if p.lanes > ARGON2_MAX_LANES:
        raise KdfRefused(title, "Argon2 parallelism", p.lanes, str(ARGON2_MAX_LANES))
    if p.memory_kib * p.passes > ARGON2_MAX_WORK_KIB:
        raise KdfRefused(title, "Argon2 passes", p.passes, "memory × passes up to 4 GiB")


def check(title: str, params: Params) -> None:
    """Refuse parameters above the ceilings, or nonsensical ones, before any work.

    Raises:
        KdfRefused: a parameter above its ceiling (the message names it).
        CorruptFile: a parameter no KDF accepts (zero iterations...).
    """
    if not 1 <= params.length <= 64:
        raise CorruptFile(title, "its key length is invalid")
    if len(params.salt) > MAX_SALT_BYTES:
        raise KdfRefused(title, "salt bytes", len(params.salt), str(MAX_SALT_BYTES))
    if isinstance(params, Pbkdf2):
        _check_pbkdf2(title, params)
    elif isinstance(params, Scrypt):
        _check_scrypt(title, params)
    else:
        _check_argon2(title, params)


def check_slots(title: str, count: int) -> None:
    """Refuse a file with more password slots than any real one has (each costs a KDF run)."""
    check_count(title, "password slots", count, MAX_PASSWORD_SLOTS)


def check_count(title: str, what: str, count: int, limit: int) -> None:
    """Refuse a file asking for more key derivations (`what`: slots, tokens) than `limit`."""
    if count > limit:
        raise KdfRefused(title, what, count, f"{limit:,}")


def _derive_unchecked(params: Params, password: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf import argon2, pbkdf2, scrypt

    if isinstance(params, Pbkdf2):
        algorithm: hashes.HashAlgorithm = {
            Hash.SHA1: hashes.SHA1(),  # noqa: S303 - HMAC-SHA1 in PBKDF2, as the apps use it
            Hash.SHA256: hashes.SHA256(),
            Hash.SHA512: hashes.SHA512(),
        }[params.hash]
        kdf = pbkdf2.PBKDF2HMAC(algorithm, params.length, params.salt, params.iterations)
        return kdf.derive(password)
    if isinstance(params, Scrypt):
        return scrypt.Scrypt(params.salt, params.length, params.n, params.r, params.p).derive(
            password
        )
    return argon2.Argon2id(
        salt=params.salt,
        length=params.length,
        iterations=params.passes,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(password)


def derive(title: str, params: Params, password: str | bytes) -> bytes:
    """The key for `password`, after `check`.

    Raises:
        KdfRefused, CorruptFile: see `check`; CorruptFile also when the KDF
        itself refuses the parameters (an Argon2 salt under 8 bytes...).
    """
    check(title, params)
    raw = password.encode("utf-8") if isinstance(password, str) else password
    try:
        return _derive_unchecked(params, raw)
    except (ValueError, MemoryError) as e:
        raise CorruptFile(title, "its key-derivation parameters are invalid") from e
