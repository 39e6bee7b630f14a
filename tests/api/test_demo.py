"""The demo data set loads through the same verbs as the API, on both backends, and shows
what it is meant to show: a unified catalog, a year of sharing, and a few violations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from api.demo import RESOURCES, is_loaded, load_demo
from domain.arrangements import ArrangementEvent, TimeSensitiveArrangement
from domain.data_uses import DataUse, DataUseRecorded, ThirdPartyConsented
from domain.external_sharing import ExternalRequest, ExternalRequestEvent
from domain.findings import Finding, FindingEvent
from domain.ledger import Ledger
from projections.registers import ObjectRegister
from replays.asof import Instant, replay
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
    grid = supervision_report(
        ledger.recorder,  # type: ignore[arg-type]
        ledger.mapper,
        Instant(now, now),
        publications=ledger.publications(),
    ).as_json()
    detected = {c["code"]: c["detected"] for c in grid["categories"]}
    found = {c["code"]: c["found"] for c in grid["categories"]}
    # The demo's deliberate lapses: an unanswered request (V06, also found and criticised),
    # a use outside its purpose (V09), a missed quarterly report (V10), a unit with no
    # responsible person (V11), a never-connected system (V02).
    assert detected["V06"] == 1 and found["V06"] == 1
    assert detected["V09"] == 1 and detected["V10"] == 1 and detected["V11"] == 1
    assert detected["V02"] == 1


def test_demo_shows_reviewed_findings_two_sided_arrangements_and_consent(ledger: Ledger) -> None:
    load_demo(ledger)
    now = datetime.now(UTC)
    inst = Instant(now, now)

    def everything(kind: str, state: type[Any], *events: type[Any]) -> list[Any]:
        register: ObjectRegister[Any] = ObjectRegister(kind, state, *events)
        return list(replay(ledger.recorder, ledger.mapper, register, inst).state.values())  # type: ignore[arg-type]

    # Art. 28: one arrangement accepted by the other party, one still proposed.
    arrangements = everything("arrangements", TimeSensitiveArrangement, ArrangementEvent)
    statuses = sorted(a.status.value for a in arrangements)
    assert statuses == ["in_force", "proposed"]
    # Art. 39: a rectification report rejected with its reason, then criticism.
    [finding] = everything("findings", Finding, FindingEvent)
    assert finding.rejections == 1 and finding.criticised_at is not None
    # Art. 32, 25, 36: a consented provision, a direct use, uses naming persons by id.
    uses = everything("uses", DataUse, DataUseRecorded, ThirdPartyConsented)
    assert [u.third_party_consent.recipient for u in uses if u.third_party_consent] == [
        "吉林省旅游协会"
    ]
    assert any(u.share_request_id is None and u.arrangement_id is None for u in uses)
    assert all(u.user_person_id is not None and u.approver_person_id is not None for u in uses)


def test_demo_asks_another_department_through_the_office__art30(ledger: Ledger) -> None:
    load_demo(ledger)
    now = datetime.now(UTC)
    register: ObjectRegister[Any] = ObjectRegister(
        "external-requests", ExternalRequest, ExternalRequestEvent
    )
    requests = replay(ledger.recorder, ledger.mapper, register, Instant(now, now)).state  # type: ignore[arg-type]
    [request] = requests.values()
    assert (request.requester, request.provider, request.status.value) == (
        "SCGL",
        "SGAT",
        "granted",
    )
    assert request.forwarded_at is not None
