"""The floor of `desktop-2fa code`: start Python, derive one Argon2id key, exit.

The same libargon2 call with the same parameters and threads as
`desktop_2fa/vault/argon2id.py`, and nothing else: no vault file, no
desktop-2fa module. `bench_code` prints `code`'s time as a ratio of this.

    python bench/floor_code.py SALT_HEX TIME_COST MEMORY_KIB LANES
"""

import os
import sys

from _argon2_cffi_bindings import ffi, lib

salt = bytes.fromhex(sys.argv[1])
time_cost, memory_kib, lanes = (int(a) for a in sys.argv[2:5])
secret = b"bench password"
out = ffi.new("uint8_t[]", 32)
pwd, salt_buf = ffi.new("uint8_t[]", secret), ffi.new("uint8_t[]", salt)
context = ffi.new(
    "argon2_context *",
    {
        "out": out,
        "outlen": 32,
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
        "threads": max(1, min(lanes, os.cpu_count() or 1)),
        "version": lib.ARGON2_VERSION_NUMBER,
        "allocate_cbk": ffi.NULL,
        "free_cbk": ffi.NULL,
        "flags": lib.ARGON2_DEFAULT_FLAGS,
    },
)
if lib.argon2_ctx(context, lib.Argon2_id) != lib.ARGON2_OK:
    sys.exit("Argon2id failed")
