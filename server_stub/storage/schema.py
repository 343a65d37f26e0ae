"""The schema, one list of versioned migrations written for SQLite and PostgreSQL.

Every database records its schema version; a newer one than this server
knows is refused rather than misread. Each migration runs in the caller's
write transaction (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: under an advisory
lock), so two processes starting at once migrate once. Times are integer
milliseconds since the epoch in both engines; flags are 0/1 in SQLite and
BOOLEAN in PostgreSQL (the store's SQL writes TRUE/FALSE, which both accept).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from server_stub.storage.records import UnsupportedSchema


class Dialect(enum.Enum):
    """The SQL engines a store can run on."""

    SQLITE = "sqlite"
    POSTGRES = "postgresql"


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step; `{blob}`, `{bigint}`, `{flag}` stand for the engine's own words."""

    version: int
    sql: str


_TYPES = {
    Dialect.SQLITE: {
        "blob": "BLOB",
        "bigint": "INTEGER",
        "flag": "INTEGER",
        "without_rowid": " WITHOUT ROWID",
    },
    Dialect.POSTGRES: {"blob": "BYTEA", "bigint": "BIGINT", "flag": "BOOLEAN", "without_rowid": ""},
}

MIGRATIONS = (
    Migration(
        1,
        """
        CREATE TABLE users (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            email TEXT NOT NULL UNIQUE,
            email_verified {flag} NOT NULL,
            image TEXT,
            created_at {bigint} NOT NULL,
            updated_at {bigint} NOT NULL,
            two_factor_enabled {flag} NOT NULL,
            password_hash TEXT NOT NULL
        );
        CREATE TABLE sessions (
            token TEXT PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            expires_at {bigint} NOT NULL,
            created_at {bigint} NOT NULL,
            updated_at {bigint} NOT NULL,
            ip_address TEXT NOT NULL,
            user_agent TEXT NOT NULL
        );
        CREATE INDEX sessions_expires_at ON sessions(expires_at);
        CREATE TABLE two_factor (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            secret {blob} NOT NULL,
            verified {flag} NOT NULL,
            last_used_step {bigint},
            failed_attempts INTEGER NOT NULL DEFAULT 0,
            locked_until {bigint}
        );
        CREATE TABLE backup_codes (
            user_id TEXT NOT NULL REFERENCES two_factor(user_id) ON DELETE CASCADE,
            digest {blob} NOT NULL,
            PRIMARY KEY (user_id, digest)
        ){without_rowid};
        CREATE TABLE challenges (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            expires_at {bigint} NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE trusted_devices (
            identifier TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            expires_at {bigint} NOT NULL
        );
        CREATE INDEX trusted_devices_user ON trusted_devices(user_id)
        """,
    ),
    # Limits move into the store (issue 10): request buckets per (client, path)
    # and consecutive password failures per e-mail, so every process sharing
    # the database enforces the same numbers.
    Migration(
        2,
        """
        CREATE TABLE rate_limits (
            bucket {blob} PRIMARY KEY,
            hits INTEGER NOT NULL,
            last_at {bigint} NOT NULL,
            expires_at {bigint} NOT NULL,
            refused {flag} NOT NULL
        );
        CREATE INDEX rate_limits_expires_at ON rate_limits(expires_at);
        CREATE TABLE sign_in_failures (
            account {blob} PRIMARY KEY,
            failures INTEGER NOT NULL,
            forget_at {bigint} NOT NULL,
            blocked_until {bigint}
        );
        CREATE INDEX sign_in_failures_forget_at ON sign_in_failures(forget_at)
        """,
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1].version

#: Asked inside the migration transaction; None means "no schema yet".
VERSION_TABLE = "schema_version"
CREATE_VERSION_TABLE = f"CREATE TABLE {VERSION_TABLE} (version INTEGER NOT NULL)"


def statements(
    dialect: Dialect, current: int, where: str, target: int = SCHEMA_VERSION
) -> list[str]:
    """The statements that bring a database at version `current` to `target`.

    They end by recording the new version; empty when nothing is to do.

    Raises:
        UnsupportedSchema: the database was written by a newer server.
    """
    if current > SCHEMA_VERSION:
        raise UnsupportedSchema(
            f"{where} has schema version {current}; this server knows {SCHEMA_VERSION}"
        )
    pending = [m for m in MIGRATIONS if current < m.version <= target]
    if not pending:
        return []
    out = [CREATE_VERSION_TABLE] if current == 0 else []
    for migration in pending:
        sql = migration.sql.format(**_TYPES[dialect])
        out.extend(part.strip() for part in sql.split(";") if part.strip())
    out.append(f"DELETE FROM {VERSION_TABLE}")
    out.append(f"INSERT INTO {VERSION_TABLE} (version) VALUES ({pending[-1].version})")
    return out
