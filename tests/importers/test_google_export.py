"""A 25-account Google Authenticator export over 3 QR images (10 + 10 + 5)."""

from __future__ import annotations

import pytest

from desktop_2fa.core.params import OtpKind
from desktop_2fa.importers.errors import IncompleteExport
from desktop_2fa.importers.session import SourceFile, import_files
from tests.importers.support import FIXTURES

PARTS = [f"google_batch_{i}_of_3.png" for i in (1, 2, 3)]


def _files(names: list[str]) -> list[SourceFile]:
    return [SourceFile(n, (FIXTURES / n).read_bytes()) for n in names]


def _no_password(file: str, title: str) -> str:
    raise AssertionError("QR images have no password")


@pytest.mark.parametrize("order", [[0, 1, 2], [2, 0, 1], [1, 2, 0, 1]])
def test_all_three_images_import_every_account_in_order(order: list[int]) -> None:
    result = import_files(_files([PARTS[i] for i in order]), password=_no_password)
    assert result.errors == ()
    assert [e.spec.issuer for e in result.entries] == [f"Service {i:02d}" for i in range(1, 26)]
    assert [e.spec.name for e in result.entries] == [
        f"user{i:02d}@example.com" for i in range(1, 26)
    ]
    hotp = [(e.spec.issuer, e.spec.params.counter) for e in result.entries
            if e.spec.params.kind is OtpKind.HOTP]  # fmt: skip
    assert hotp == [("Service 07", 7), ("Service 14", 14), ("Service 21", 21)]
    assert len({e.spec.params.secret for e in result.entries}) == 25


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ([0, 2], "part 2 of 3 is missing"),
        ([1, 2], "part 1 of 3 is missing"),
        ([0], "parts 2 and 3 of 3 are missing"),
    ],
)
def test_a_missing_image_refuses_the_whole_import_and_names_it(
    given: list[int], missing: str
) -> None:
    with pytest.raises(IncompleteExport) as caught:
        import_files(_files([PARTS[i] for i in given]), password=_no_password)
    message = caught.value.message  # str() adds the file name when there is one file
    assert message.startswith(f"the Google Authenticator export is incomplete: {missing}; ")
    assert message.endswith("(nothing was imported)")
