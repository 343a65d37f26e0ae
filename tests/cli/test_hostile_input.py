"""Hostile files, links and QR codes end at once: one short line, exit 1, vault unchanged.

Issue 9: a Google export link claiming 10,000,000 parts made `import`
allocate 2 GB and print an 89 MB line; a vault header asking Argon2id for
4 GiB and 64 passes ran for minutes at 4.2 GB. Each case runs the real
program in a fresh process and checks its peak memory (no timing asserted).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import segno

from desktop_2fa.core import migration
from desktop_2fa.vault.store import VaultFile
from tests.cli.processes import Finished, run_measured
from tests.scan.images import huge_blank_png
from tests.vault.handmade import with_kdf

PEAK_MIB = 300
LINE = 300


def _one_short_line(done: Finished) -> str:
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr[:2000]
    assert len(lines[0]) <= LINE, lines[0][:2000]
    return lines[0]


@pytest.fixture
def env(vault_path: Path, fast_kdf: object) -> dict[str, str]:
    VaultFile(vault_path).create("pw", kdf=fast_kdf)  # type: ignore[arg-type]
    return {"DESKTOP_2FA_VAULT": str(vault_path), "DESKTOP_2FA_PASSWORD": "pw"}


def _hostile_link(batch_size: int, batch_index: int = 0) -> str:
    params = migration.OtpParameters(secret=b"12345678901234567890", name="a", issuer="B", type=2)
    payload = migration.MigrationPayload(
        (params,), version=1, batch_size=batch_size, batch_index=batch_index, batch_id=7
    )
    return migration.format_uri(payload)


@pytest.mark.slow
@pytest.mark.parametrize("batch_size", [10_000_000, 2**31, 2**62])
def test_a_migration_link_claiming_millions_of_parts_is_refused_at_once(
    tmp_path: Path, env: dict[str, str], vault_path: Path, batch_size: int
) -> None:
    links = tmp_path / "links.txt"
    links.write_text(_hostile_link(batch_size) + "\n")
    before = vault_path.read_bytes()
    done = run_measured("import", str(links), env=env)
    assert done.returncode == 1
    line = _one_short_line(done)
    assert f"{batch_size} parts" in line and "at most 1000" in line
    assert done.peak_mib < PEAK_MIB
    assert vault_path.read_bytes() == before


@pytest.mark.slow
def test_a_qr_code_holding_that_link_is_refused_by_scan_add(
    tmp_path: Path, env: dict[str, str], vault_path: Path
) -> None:
    image = tmp_path / "hostile.png"
    segno.make(_hostile_link(10_000_000), error="m").save(str(image), kind="png", scale=6)
    before = vault_path.read_bytes()
    done = run_measured("scan", str(image), "--add", env=env)
    assert done.returncode == 1
    assert "10000000 parts" in _one_short_line(done)
    assert done.peak_mib < PEAK_MIB
    assert vault_path.read_bytes() == before


@pytest.mark.slow
def test_an_image_that_inflates_to_gigabytes_is_refused_by_scan(tmp_path: Path) -> None:
    """A 100 KB PNG of 20,000 x 20,000 pixels made `scan IMAGE` take 4 GB (30,000
    square: 16 s) before saying there was no QR code in it."""
    image = tmp_path / "bomb.png"
    image.write_bytes(huge_blank_png(20_000))
    assert image.stat().st_size < 200_000
    done = run_measured("scan", str(image), env={})
    assert done.returncode == 1
    line = _one_short_line(done)
    assert "bomb.png" in line and "megapixels" in line, line
    assert done.peak_mib < PEAK_MIB


@pytest.mark.slow
@pytest.mark.parametrize(("command", "said"), [("import", "too large"), ("scan", "larger than")])
def test_a_gigabyte_file_is_refused_without_reading_it_whole(
    tmp_path: Path, env: dict[str, str], vault_path: Path, command: str, said: str
) -> None:
    """`import` and `scan` read the whole file, then said it was too large."""
    huge = tmp_path / "export.json"
    with open(huge, "wb") as f:
        f.truncate(2**30)  # sparse: takes no disk space
    before = vault_path.read_bytes()
    done = run_measured(command, str(huge), env=env)
    assert done.returncode == 1
    assert said in _one_short_line(done)
    assert done.peak_mib < PEAK_MIB
    assert vault_path.read_bytes() == before


def test_a_real_but_incomplete_export_still_names_its_missing_parts() -> None:
    payload = migration.parse_uri(_hostile_link(12, 0))
    with pytest.raises(migration.MissingMigrationParts) as info:
        migration.assemble([payload])
    message = str(info.value)
    assert "parts 2, 3, 4, 5, 6 and 6 more of 12 are missing" in message
    assert len(info.value.missing) == 11


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kdf", "named"),
    [
        ({"memory_kib": 4 * 1024 * 1024, "time_cost": 64}, "memory 4096 MiB"),
        ({"memory_kib": 2 * 1024 * 1024}, "memory 2048 MiB"),
        ({"memory_kib": 1024, "time_cost": 64}, "passes 64"),
        ({"memory_kib": 1024 * 1024, "time_cost": 8}, "memory x passes 1024 MiB x 8"),
        ({"lanes": 64, "memory_kib": 64 * 1024}, "lanes 64"),
    ],
)
def test_a_header_asking_for_too_much_argon2id_is_refused_before_deriving(
    env: dict[str, str], vault_path: Path, kdf: dict[str, int], named: str
) -> None:
    with_kdf(vault_path, **kdf)
    before = vault_path.read_bytes()
    for command in ("list", "code"):
        done = run_measured(command, env=env)
        assert done.returncode == 1
        line = _one_short_line(done)
        assert named in line and "refused before deriving any key" in line, line
        assert done.peak_mib < PEAK_MIB
    assert vault_path.read_bytes() == before


def test_init_offers_no_more_than_any_vault_may_ask(tmp_path: Path) -> None:
    env = {"DESKTOP_2FA_VAULT": str(tmp_path / "v.json"), "DESKTOP_2FA_PASSWORD": "pw-for-init"}
    done = run_measured("init", "--kdf-memory-mib", "2048", env=env)
    assert done.returncode == 1
    assert "memory 2048 MiB is more than desktop-2fa allows" in _one_short_line(done)
    assert not (tmp_path / "v.json").exists()
