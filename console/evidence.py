"""What stands behind a count: the events of each object counted, each checked against the
latest signed checkpoint.

"Verified" means three things hold for the event as stored now: its canonical bytes hash to
its leaf; the leaf's RFC 9162 inclusion proof leads to the root of the latest checkpoint; and
that checkpoint's signed note verifies under the ledger's key. An event recorded after the
checkpoint is shown as not yet covered, never as verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from eventsourcing.persistence import Mapper

from domain.events import LedgerEvent
from store.checkpoints import trusted_verifier_key
from store.entries import canonical_bytes, leaf_hash
from store.merkle import ProofError, verify_inclusion
from store.records import Record, StoredCheckpoint, TreeRecorder
from store.tree import LedgerTree
from store.verify import Tampered, check_checkpoint


@dataclass(frozen=True)
class Proof:
    verified: bool
    note: str  # 中文: why it is, or is not, verified


@dataclass(frozen=True)
class EvidenceEvent:
    position: int
    what: str
    actor_person: str
    actor_department: str
    actor_role: str
    occurred_at: datetime
    recorded_at: datetime
    proof: Proof


@dataclass(frozen=True)
class Checkpoint:
    stored: StoredCheckpoint | None
    problem: str | None  # the signature does not verify


def latest_checkpoint(recorder: TreeRecorder) -> Checkpoint:
    stored = recorder.latest_checkpoint()
    if stored is None:
        return Checkpoint(None, "尚无签名检查点")
    try:
        check_checkpoint(stored, trusted_verifier_key(recorder))
    except Tampered as error:
        return Checkpoint(stored, f"检查点签名无法验证：{error.reason}")
    return Checkpoint(stored, None)


def prove(recorder: TreeRecorder, record: Record, checkpoint: Checkpoint) -> Proof:
    stored = checkpoint.stored
    if stored is None or checkpoint.problem:
        return Proof(False, checkpoint.problem or "尚无签名检查点")
    entry = recorder.leaf_entry(record.position)
    if entry is None:
        return Proof(False, "账本中没有该事件的叶子记录")
    event = record.event
    leaf = leaf_hash(
        canonical_bytes(
            record.position,
            event.originator_id,
            event.originator_version,
            event.topic,
            event.state,
            record.recorded_at,
        )
    )
    if leaf != entry.leaf_hash:
        return Proof(False, "事件内容与其叶子哈希不符（可能被篡改）")
    if entry.leaf_index >= stored.tree_size:
        return Proof(False, f"晚于最新检查点（规模 {stored.tree_size}）记录，待下次签名")
    inclusion = LedgerTree(recorder).inclusion(record.position, stored.tree_size)
    try:
        verify_inclusion(
            entry.leaf_index, stored.tree_size, leaf, inclusion.proof, stored.root_hash
        )
    except ProofError as error:
        return Proof(False, f"包含证明不成立：{error}")
    return Proof(True, f"包含证明与检查点 #{stored.id}（规模 {stored.tree_size}）相符")


def events_of(
    recorder: TreeRecorder, mapper: Mapper[Any], object_id: str, checkpoint: Checkpoint
) -> list[EvidenceEvent]:
    """Every event of the object, in position order, with its proof."""
    try:
        originator = UUID(object_id)
    except ValueError:
        return []
    shown = []
    for record in recorder.select_object_records(originator):
        event = cast(LedgerEvent, mapper.to_domain_event(record.event))
        shown.append(
            EvidenceEvent(
                position=record.position,
                what=type(event).__name__,
                actor_person=event.actor.person,
                actor_department=event.actor.department,
                actor_role=event.actor.role.label,
                occurred_at=event.occurred_at,
                recorded_at=record.recorded_at,
                proof=prove(recorder, record, checkpoint),
            )
        )
    return shown
