"""The catalog replayed from folds kept in memory equals the catalog folded from the first
event, at any (T, K), also with late-recorded facts (Art. 11: the catalog as approved); and
a fold kept is never changed by the replays that start from it."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from api.demo import load_demo
from api.runtime import recorder_of
from domain.calendar import month_ends
from domain.ledger import Ledger
from projections.catalog import CatalogProjection
from projections.supervision.projection import SupervisionFacts
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


@pytest.mark.parametrize("step", [7, 50])
def test_a_kept_fold_is_never_changed_by_a_replay_that_starts_from_it(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    # Art. 39: supervision's counts at any (T, K). A replay folds the events after the kept
    # fold nearest its instant into a fork, made only once an event is folded; the folds
    # kept stay as the log left them, so the next report from them counts the same.
    monkeypatch.setattr(ladder, "STEP", step)
    load_demo(ledger)
    recorder = recorder_of(ledger)
    projection = SupervisionFacts()
    now = datetime.now(UTC) + timedelta(seconds=1)
    ends = month_ends(datetime(2025, 12, 31, 12, tzinfo=UTC), 12)
    replay(recorder, ledger.mapper, projection, Instant(now, now))  # the steps, made
    steps = ladder.ladder_of(recorder, projection).steps
    before = [copy.deepcopy(s.state) for s in steps]
    folded = 0
    for at in [*ends, *(end - timedelta(days=9) for end in ends)]:
        for known_at in (at, now):
            kept = replay(recorder, ledger.mapper, projection, Instant(at, known_at))
            scratch = replay(recorder, ledger.mapper, projection, Instant(at, known_at), every=0)
            assert kept.state == scratch.state
            folded += not any(kept.state is s.state for s in steps)
    assert folded  # some replays folded events after their fold (and forked it)
    assert [s.state for s in steps[: len(before)]] == before
