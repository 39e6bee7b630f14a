"""Through HTTP, the register's rows answer exactly as the fold: deadlines page by page,
the supervision grid, at instants across the demo ledger, as known then and now.

The API's other tests mostly read reports with no projector running, which folds the log;
here the projector has caught up, so the rows answer, and the fold (asked in process, with
no rows) is the oracle. Both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.demo import load_demo
from api.names import NAMED
from api.read_models import start_runner
from api.runtime import recorder_of
from domain.deadlines import Status
from domain.ledger import Ledger
from replays.asof import Instant
from replays.reports import deadlines_report, supervision_report

INSTANTS = [
    datetime(2025, 3, 1, 4, tzinfo=UTC),
    datetime(2025, 9, 30, 15, 59, tzinfo=UTC),
    datetime(2025, 12, 31, 16, tzinfo=UTC),
]


@pytest.fixture
def demo(ledger: Ledger, client: TestClient) -> Iterator[tuple[Ledger, TestClient, str]]:
    tokens = load_demo(ledger)
    with start_runner(dict(ledger.env)) as projector:
        projector.wait(recorder_of(ledger).head().position, timeout=120)
    leading_group = next(t for who, t in tokens.items() if who.endswith("leading_group)"))
    yield ledger, client, leading_group


def _pages(client: TestClient, token: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    cursor = None
    while True:
        asked = {**params, "limit": 7, **({"cursor": cursor} if cursor else {})}
        answer = client.get(
            "/v1/deadlines", params=asked, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code == 200, answer.text
        body = answer.json()
        rows += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return rows


def _instants(ledger: Ledger) -> Iterator[Instant]:
    """Each instant as known now, and as known when half the demo had been recorded (its
    facts are recorded today about 2025: known then, later facts are not yet)."""
    recorder = recorder_of(ledger)
    halfway = recorder.recorded_at_of(recorder.head().position // 2)
    now = datetime.now(UTC) + timedelta(seconds=1)
    for at in INSTANTS:
        for known_at in (halfway, now):
            yield Instant(at, known_at)


@pytest.mark.parametrize(
    "filters",
    [{}, {"status": "breached"}, {"status": "open", "sort": "started_at"}, {"due_within": 5}],
)
def test_deadline_pages_from_the_rows_are_the_folds_report(
    demo: tuple[Ledger, TestClient, str], filters: dict[str, Any]
) -> None:
    # Art. 12, 19, 26, 31, 33, 39: every obligation's due date and status at T as known at K.
    ledger, client, token = demo
    recorder = recorder_of(ledger)
    listed = 0
    for instant in _instants(ledger):
        position = recorder.position_known_at(instant.known_at)
        assert recorder.forensic_index().register_answers(instant.at, position)
        params = {"at": instant.at.isoformat(), "known_at": instant.known_at.isoformat()}
        paged = _pages(client, token, {**params, **filters})
        folded = deadlines_report(
            recorder,
            ledger.mapper,
            instant,
            status=None if "status" not in filters else _status(filters["status"]),
            due_within=filters.get("due_within"),
            publications=ledger.publications(),
        ).rows
        key = "started_at" if filters.get("sort") == "started_at" else "due_date"
        folded.sort(key=lambda row: (_sortable(row[key]), row["obligation_id"]))
        assert [_bare(row) for row in paged] == [_bare(row) for row in folded]
        listed += len(folded)
    assert listed, "the demo lists something for every filter asked"


def test_supervision_grid_from_the_rows_is_the_folds(demo: tuple[Ledger, TestClient, str]) -> None:
    # Art. 39: the detected counts, breaches included, at T as known at K.
    ledger, client, token = demo
    recorder = recorder_of(ledger)
    for instant in _instants(ledger):
        position = recorder.position_known_at(instant.known_at)
        assert recorder.forensic_index().register_answers(instant.at, position)
        answer = client.get(
            "/v1/supervision/violations",
            params={"at": instant.at.isoformat(), "known_at": instant.known_at.isoformat()},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.text
        folded = supervision_report(
            recorder, ledger.mapper, instant, publications=ledger.publications()
        ).as_json()
        body = answer.json()
        assert body["categories"] == folded["categories"]
        counts = {d["department"]: d["counts"] for d in body["departments"]}
        assert counts == {d["department"]: d["counts"] for d in folded["departments"]}


def _status(value: str) -> Status:
    return Status(value)


def _sortable(value: str) -> str:
    # Starts order as instants (one offset), due dates as their text.
    if "T" in value:
        return datetime.fromisoformat(value).astimezone(UTC).isoformat()
    return value


def _bare(row: dict[str, Any]) -> dict[str, Any]:
    """A row without the names the API adds beside the codes, its instants in UTC (the API
    shows them in Beijing time)."""
    return {
        key: _sortable(value) if key in INSTANT_FIELDS and value else value
        for key, value in row.items()
        if key not in NAMED.values()
    }


INSTANT_FIELDS = ("started_at", "discharged_at")


@pytest.mark.parametrize("known", ["then", "now"])
def test_the_trend_is_the_grid_at_each_month_end(
    demo: tuple[Ledger, TestClient, str], known: str
) -> None:
    # Art. 39: the overview's trend, in one request, counts what the grid counts at each of
    # the twelve month ends, as known then or as known now.
    _, client, token = demo
    headers = {"Authorization": f"Bearer {token}"}
    at = datetime(2025, 12, 31, 15, 59, 59, tzinfo=UTC)
    now = datetime.now(UTC) + timedelta(seconds=1)
    params = {"at": at.isoformat(), "known_at": now.isoformat(), "known": known}
    answer = client.get("/v1/supervision/trend", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    months = answer.json()["months"]
    assert len(months) == 12
    assert datetime.fromisoformat(months[-1]["at"]) == at
    for month in months:
        end = datetime.fromisoformat(month["at"])
        known_at = end if known == "then" else now
        grid = client.get(
            "/v1/supervision/violations",
            params={"at": end.isoformat(), "known_at": known_at.isoformat()},
            headers=headers,
        ).json()
        assert month["categories"] == grid["categories"]
        assert month["position"] == grid["position"]
    # The demo's facts are about 2025 but recorded today: as known then, nothing was.
    counted = sum(c["detected"] for m in months for c in m["categories"])
    assert counted if known == "now" else counted == 0
