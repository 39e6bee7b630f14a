"""The evidence behind a supervision count, one click from the grid: for each item the
object to open and the event it rests on, with the proof that the event is in the tree
the report read (Art. 39: a finding cites what is on the record)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.list_views import href
from replays.asof import Instant
from store.records import TreeRecorder

# Where each rule's subject is read (projections/supervision.py names the rules); a data
# use rule is the marks it broke, joined by "+", so V09 is told by its category.
RULE_PATHS = {
    "aggregation_rejected": "aggregations",
    "duplicate_collection": "resources",
    "basic_data_not_unconditional": "resources",
    "not_connected": "systems",
    "trial_without_connection": "systems",
}
BY_DEPARTMENT = frozenset({"no_responsible_person", "no_approved_catalog"})
# The event a detection rests on is its subject's first, except a rejection: its last.
LAST_EVENT = frozenset({"aggregation_rejected"})
SOURCE_LABELS = {"detected": "账本检测", "found": "督查认定"}


def evidence_item(
    row: dict[str, Any],
    department: str,
    category: str,
    recorder: TreeRecorder,
    inst: Instant,
    upto: int,
    tree_size: int | None,
) -> dict[str, Any]:
    subject, rule = row["subject_id"], row["rule"]
    position = _event_position(recorder, subject, rule, upto)
    proof = None
    if position is not None:
        size = f"&size={tree_size}" if tree_size else ""
        proof = f"/v1/ledger/proofs/inclusion?position={position}{size}"
    return {
        **{k: row[k] for k in ("source", "subject_id", "rule", "since", "status")},
        "source_label": SOURCE_LABELS[row["source"]],
        "href": _subject_href(row, department, category, inst),
        "event_position": position,
        "event_href": proof,
    }


def _subject_href(row: dict[str, Any], department: str, category: str, inst: Instant) -> str | None:
    rule = row["rule"]
    if row["source"] == "found":
        path: str | None = f"findings/{row['subject_id']}"
    elif category == "V09":
        path = f"data-uses/{row['subject_id']}"
    elif rule.endswith("_overdue"):  # a deadline of the register, resolved by its id
        path = f"obligations/{row['subject_id']}"
    elif rule in BY_DEPARTMENT:
        path = f"departments/{department}"
    elif rule in RULE_PATHS:
        path = f"{RULE_PATHS[rule]}/{row['subject_id']}"
    else:  # a consistency check: read with the system it checked
        path = None
    return href(f"/v1/{path}", inst) if path else None


def _event_position(
    recorder: TreeRecorder, subject: str, rule: str | None, upto: int
) -> int | None:
    """The position of the event the item rests on, as known at the report's instant; an
    obligation is derived, not recorded, and has none of its own."""
    try:
        stream = UUID(subject)
    except ValueError:
        return None
    known = [r.position for r in recorder.select_object_records(stream) if r.position <= upto]
    if not known:
        return None
    return known[-1] if rule in LAST_EVENT else known[0]


def tree_size_at(recorder: TreeRecorder, position: int) -> int | None:
    """The size of the tree whose last leaf is the event at ``position`` (what a report that
    read up to it read), for proofs against that tree."""
    entry = recorder.leaf_entry(position) if position else None
    return entry.leaf_index + 1 if entry is not None else None
