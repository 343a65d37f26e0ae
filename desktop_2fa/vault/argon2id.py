"""Argon2id (RFC 9106) through libargon2, with an optional head start.

Kept apart from `crypto.py` so that it imports almost nothing: the CLI starts
the key derivation in a background thread before it imports the rest of the
program, and libargon2 releases the GIL while it runs. On two cores the
imports and argument parsing then overlap the 100 ms of key derivation instead
of following it (see `prefetch`).
"""

from __future__ import annotations

import _thread
import os

from _argon2_cffi_bindings import ffi, lib

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: this runs before the program is imported
if TYPE_CHECKING:
    from desktop_2fa.vault.kdf import KdfParams

KEY_BYTES = 32

_Inputs = tuple[bytes, bytes, int, int, int]


class Argon2Failed(Exception):
    pass


def _derive(secret: bytes, salt: bytes, time_cost: int, memory_kib: int, lanes: int) -> bytes:
    out = ffi.new("uint8_t[]", KEY_BYTES)
    pwd = ffi.new("uint8_t[]", secret)
    salt_buf = ffi.new("uint8_t[]", salt)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": KEY_BYTES,
            "pwd": pwd,
            "pwdlen": len(secret),
            "salt": salt_buf,
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": time_cost,
            "m_cost": memory_kib,
            "lanes": lanes,
            # Lanes fix the result; threads only how it is computed. No more
            # threads than cores (4 lanes on 2 threads here) is about 15 %
            # faster than libargon2's default of one thread per lane.
            "threads": max(1, min(lanes, os.cpu_count() or 1)),
            "version": lib.ARGON2_VERSION_NUMBER,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    status = lib.argon2_ctx(context, lib.Argon2_id)
    if status != lib.ARGON2_OK:
        message = ffi.string(lib.argon2_error_message(status)).decode("ascii", "replace")
        raise Argon2Failed(f"Argon2id failed: {message}")
    return bytes(ffi.buffer(out, KEY_BYTES))


class _Finished:
    """`join()` for a thread started with `_thread`: returns once it has finished."""

    def __init__(self) -> None:
        self._running = _thread.allocate_lock()
        self._running.acquire()

    def done(self) -> None:
        self._running.release()

    def join(self) -> None:
        with self._running:
            pass


class _Prefetch:
    """One derivation started early; `derive` collects it when the inputs match.

    Started with `_thread`, not `threading`: importing threading (with
    functools and collections) first would delay the derivation by a
    millisecond, and the head start is there to save milliseconds. Like a
    daemon thread, it does not keep the process alive.
    """

    def __init__(self, inputs: _Inputs) -> None:
        self.inputs = inputs
        self.result: bytes | None = None
        self.thread = _Finished()
        _thread.start_new_thread(self._run, ())

    def _run(self) -> None:
        try:
            self.result = _derive(*self.inputs)
        except Argon2Failed:
            self.result = None  # `derive` will run it again and raise properly
        finally:
            self.thread.done()


_pending: list[_Prefetch] = []


def _inputs(password: str, params: KdfParams) -> _Inputs:
    return (
        password.encode("utf-8"),
        params.salt,
        params.time_cost,
        params.memory_kib,
        params.lanes,
    )


def prefetch(password: str, salt: bytes, time_cost: int, memory_kib: int, lanes: int) -> None:
    """Start deriving a key in the background; a later identical `derive` waits for it.

    Plain values rather than `KdfParams`: the head start checks them with
    `header.kdf_values` before `kdf` (and `dataclasses`) is imported.
    """
    _pending.append(_Prefetch((password.encode("utf-8"), salt, time_cost, memory_kib, lanes)))


def derive(password: str, params: KdfParams) -> bytes:
    """Argon2id(password, salt) -> 32-byte key. Uses a matching prefetch if one exists.

    `KdfParams` has already refused anything above the ceilings (`kdf.py`).
    """
    inputs = _inputs(password, params)
    for job in list(_pending):
        if job.inputs == inputs:
            _pending.remove(job)
            job.thread.join()
            if job.result is not None:
                return job.result
    return _derive(*inputs)
