"""The demo data set loads through the same verbs as the API, on both backends, and shows
what it is meant to show: a unified catalog, a year of sharing, and a few violations."""

from __future__ import annotations

from datetime import UTC, datetime

from api.demo import RESOURCES, is_loaded, load_demo
from domain.ledger import Ledger
from replays.asof import Instant
from replays.reports import catalog_state, supervision_report


def test_demo_loads_a_realistic_year(ledger: Ledger) -> None:
    assert not is_loaded(ledger)
    tokens = load_demo(ledger)
    assert is_loaded(ledger)
    assert any("office" in who for who in tokens)
    now = datetime.now(UTC)
    state, _ = catalog_state(ledger.recorder, ledger.mapper, Instant(now, now))  # type: ignore[arg-type]
    # Every resource but the one returned to 艺术处 joins the unified catalog (Art. 11).
    assert len(state.in_catalog()) == len(RESOURCES) - 1
    grid = supervision_report(ledger.recorder, ledger.mapper, Instant(now, now)).as_json()  # type: ignore[arg-type]
    detected = {c["code"]: c["detected"] for c in grid["categories"]}
    found = {c["code"]: c["found"] for c in grid["categories"]}
    # The demo's deliberate lapses: an unanswered request (V06, also found and criticised),
    # a use outside its purpose (V09), a missed quarterly report (V10), a unit with no
    # responsible person (V11), a never-connected system (V02).
    assert detected["V06"] == 1 and found["V06"] == 1
    assert detected["V09"] == 1 and detected["V10"] == 1 and detected["V11"] == 1
    assert detected["V02"] == 1
