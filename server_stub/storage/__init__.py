"""Storage: the `Store` protocol, its records, and the SQLite and in-memory stores."""

from server_stub.storage.memory import MemoryStore
from server_stub.storage.protocol import Store
from server_stub.storage.records import (
    AttemptOutcome,
    ChallengeRecord,
    Credentials,
    DuplicateEmail,
    SessionRecord,
    StorageError,
    TrustedDeviceRecord,
    TwoFactorRecord,
    UnsupportedSchema,
    UserRecord,
)
from server_stub.storage.sqlite import SQLiteStore

__all__ = [
    "AttemptOutcome",
    "ChallengeRecord",
    "Credentials",
    "DuplicateEmail",
    "MemoryStore",
    "SQLiteStore",
    "SessionRecord",
    "StorageError",
    "Store",
    "TrustedDeviceRecord",
    "TwoFactorRecord",
    "UnsupportedSchema",
    "UserRecord",
]
