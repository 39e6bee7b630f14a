"""Aggregation rules decided in the domain, with no I/O (Art. 19, 39(4))."""

from __future__ import annotations

from datetime import date

import pytest

from domain.aggregation import check_period, checked_checksum
from domain.errors import InvalidAggregationPeriod, InvalidChecksum
from domain.vocabulary import ChecksumAlgorithm

SHA256_OF_ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
SM3_OF_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


@pytest.mark.parametrize(
    ("digest", "algorithm"),
    [
        (SHA256_OF_ABC, ChecksumAlgorithm.SHA256),
        (SM3_OF_ABC.upper(), ChecksumAlgorithm.SM3),
        ("0f" * 64, ChecksumAlgorithm.SHA512),
    ],
)
def test_accepted_digests_are_kept_in_lowercase_hex(
    digest: str, algorithm: ChecksumAlgorithm
) -> None:
    assert checked_checksum(f" {digest} ", algorithm) == digest.lower()


@pytest.mark.parametrize(
    ("digest", "algorithm"),
    [
        (SHA256_OF_ABC[:-1], ChecksumAlgorithm.SHA256),  # too short
        (SHA256_OF_ABC, ChecksumAlgorithm.SHA512),  # a SHA-256 digest is not a SHA-512 one
        ("g" * 64, ChecksumAlgorithm.SM3),  # not hex
    ],
)
def test_other_checksums_are_refused(digest: str, algorithm: ChecksumAlgorithm) -> None:
    with pytest.raises(InvalidChecksum) as refused:
        checked_checksum(digest, algorithm)
    assert refused.value.field == "checksum"


def test_a_receipt_covers_days_already_past__art19() -> None:
    today = date(2025, 6, 2)
    check_period(date(2025, 6, 2), today, today)  # today's data so far
    with pytest.raises(InvalidAggregationPeriod) as future:
        check_period(date(2025, 6, 1), date(2025, 6, 3), today)
    assert (future.value.field, future.value.article) == ("period_end", "19")
    with pytest.raises(InvalidAggregationPeriod):
        check_period(date(2025, 5, 31), date(2025, 5, 1), today)
