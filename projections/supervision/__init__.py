"""Supervision at any instant: the eleven categories of Art. 39, per department.

Two counts for each department and category: **detected**, derived from the events and
the instant asked about by the rules declared in ``domain/rules`` (nothing stored as
"detected", no clock read), and **found**, the leading group's findings with where each
stands. Every count lists the ids it counts, so an investigator can open each one.
``docs/RULES.md`` lists every rule; V08 (tampering) has none: it is found by verifying
the ledger, and recorded as a finding.

- ``facts``: what is remembered of the events;
- ``folds``: one small function per kind of event;
- ``projection``: the fold, with the deadline register beside the facts;
- ``detectors``: what counts at an instant;
- ``standings``: where each finding stands.
"""

from __future__ import annotations

from projections.supervision.detectors import BREACH_CATEGORY, detections_at
from projections.supervision.facts import (
    CheckFacts,
    DepartmentFacts,
    Detection,
    FindingFacts,
    ResourceFacts,
    SupervisionState,
    SystemFacts,
)
from projections.supervision.folds import FOLDS, FOLDS_FOR
from projections.supervision.projection import SupervisionFacts, SupervisionProjection
from projections.supervision.standings import FindingStanding, findings_at

__all__ = [
    "BREACH_CATEGORY",
    "FOLDS",
    "FOLDS_FOR",
    "CheckFacts",
    "DepartmentFacts",
    "Detection",
    "FindingFacts",
    "FindingStanding",
    "ResourceFacts",
    "SupervisionFacts",
    "SupervisionProjection",
    "SupervisionState",
    "SystemFacts",
    "detections_at",
    "findings_at",
]
