"""The SQLite schema, its version, and creating or checking it.

Every database records its schema version; a newer one than this server
knows is refused rather than misread. Later versions add a step to
`migrate` (one transaction, version bumped at the end).
"""

from __future__ import annotations

import sqlite3

from server_stub.storage.records import UnsupportedSchema

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    email_verified INTEGER NOT NULL,
    image TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    two_factor_enabled INTEGER NOT NULL,
    password_hash TEXT NOT NULL
);
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    ip_address TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions(expires_at);
CREATE TABLE two_factor (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret BLOB NOT NULL,
    verified INTEGER NOT NULL,
    last_used_step INTEGER,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER
);
CREATE TABLE backup_codes (
    user_id TEXT NOT NULL REFERENCES two_factor(user_id) ON DELETE CASCADE,
    digest BLOB NOT NULL,
    PRIMARY KEY (user_id, digest)
) WITHOUT ROWID;
CREATE TABLE challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE trusted_devices (
    identifier TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
);
CREATE INDEX trusted_devices_user ON trusted_devices(user_id);
"""


def migrate(db: sqlite3.Connection, path: str) -> None:
    """Create the schema in an empty database, or check an existing one's version.

    Runs inside the caller's write transaction.

    Raises:
        UnsupportedSchema: the file was written by a newer server.
    """
    has_table = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if has_table is None:
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        return
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    version = int(row[0]) if row and row[0] is not None else 0
    if version > SCHEMA_VERSION:
        raise UnsupportedSchema(
            f"{path} has schema version {version}; this server knows {SCHEMA_VERSION}"
        )
