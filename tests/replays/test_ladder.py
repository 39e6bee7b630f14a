"""The catalog replayed from folds kept in memory equals the catalog folded from the first
event, at any (T, K), also with late-recorded facts (Art. 11: the catalog as approved)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from api.demo import load_demo
from api.runtime import recorder_of
from domain.calendar import month_ends
from domain.ledger import Ledger
from projections.catalog import CatalogProjection
from replays import ladder
from replays.asof import Instant, replay


@pytest.mark.parametrize("step", [7, 50])
def test_forked_folds_give_the_catalog_of_the_first_event(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    monkeypatch.setattr(ladder, "STEP", step)
    load_demo(ledger)
    recorder = recorder_of(ledger)
    head = recorder.head().position
    known = [recorder.recorded_at_of(p) for p in (head // 3, head // 2, head)]
    instants = [datetime(2025, m, 1, 4, tzinfo=UTC) for m in (1, 4, 7, 10)] + [
        datetime.now(UTC) + timedelta(seconds=1)
    ]
    # A trend's instants: the month ends, where the ladder keeps folds of its own.
    instants += month_ends(datetime(2025, 12, 31, 12, tzinfo=UTC), 12)
    for known_at in known:
        for at in instants:
            instant = Instant(at, known_at)
            kept = replay(recorder, ledger.mapper, CatalogProjection(), instant)
            scratch = replay(recorder, ledger.mapper, CatalogProjection(), instant, every=0)
            assert kept.state == scratch.state
            assert kept.position == scratch.position
    steps = ladder.ladder_of(recorder, CatalogProjection()).steps
    assert any(s.position % step == 0 for s in steps)
    # The others are the folds kept before the first event of a later month.
    months = [s for s in steps if s.position % step]
    assert months and all(s.max_occurred is not None for s in months)
    assert [s.position for s in steps] == sorted(s.position for s in steps)
