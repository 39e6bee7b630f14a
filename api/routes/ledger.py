"""The ledger's integrity (V08): tree head, RFC 9162 proofs, verification, signed checkpoints.

Any authenticated principal may read them, the auditor (审计/纪检) above all. Signing a
checkpoint is for those who oversee the ledger: admin, office, leading_group and
auditor (an auditor asking for a fresh signed head is the point of checkpoints).
The public key is public: anyone checking a checkpoint needs it, and it gives
nothing away.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Authenticated, ledger_of, require
from api.limits import MAX_INTEGER
from api.runtime import recorder_of
from domain.errors import LedgerError, NotFound, RuleViolation
from domain.principals import Principal
from domain.vocabulary import Role
from store.checkpoints import (
    SigningKeyMissing,
    public_key,
    sign_checkpoint,
    trusted_verifier_key,
)
from store.kept_notes import verify_with_notes
from store.records import StoredCheckpoint, TreeRecorder
from store.tree import LedgerTree, TreeQueryError, UnknownPosition
from store.verify import Verification, verify_ledger

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])
Signer = Annotated[
    Principal, Depends(require(Role.ADMIN, Role.OFFICE, Role.LEADING_GROUP, Role.AUDITOR))
]


class NoSigningKey(LedgerError):
    status = 503
    title = "No signing key"
    title_zh = "没有签名密钥"


class TreeHeadOut(BaseModel):
    position: int = Field(description="The last position recorded")
    tree_size: int = Field(description="Leaves in the Merkle tree (events recorded)")
    root_hash: str = Field(description="RFC 9162 root of the tree, lowercase hex")


class InclusionOut(BaseModel):
    position: int
    leaf_index: int
    leaf_hash: str
    tree_size: int
    root_hash: str
    proof: list[str] = Field(description="RFC 9162 §2.1.3 audit path, leaf upwards, hex")


class ConsistencyOut(BaseModel):
    from_size: int
    to_size: int
    from_root: str
    to_root: str
    proof: list[str] = Field(description="RFC 9162 §2.1.4 consistency proof, hex")


class CheckpointOut(BaseModel):
    tree_size: int
    root_hash: str
    timestamp: datetime
    note: str = Field(description="The C2SP tlog-checkpoint signed note")


class CheckpointsOut(BaseModel):
    items: list[CheckpointOut]
    next_cursor: str | None


class VerificationOut(BaseModel):
    ok: bool
    checked: int = Field(description="Events recomputed and found intact")
    first_bad_position: int | None
    reason: str | None
    tree_size: int
    root_hash: str
    checkpoint: CheckpointOut | None = Field(
        description="The latest signed checkpoint the recomputed tree agrees with"
    )


class PublicKeyOut(BaseModel):
    origin: str = Field(description="The checkpoint origin, also the key's name")
    verifier_key: str = Field(description="C2SP signed-note verifier key")
    algorithm: str = "Ed25519"
    public_key: str = Field(description="The raw 32-byte public key, base64")
    pem: str


def tree_recorder(request: Request) -> TreeRecorder:
    return recorder_of(ledger_of(request))


def checkpoint_out(checkpoint: StoredCheckpoint) -> CheckpointOut:
    return CheckpointOut(
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash.hex(),
        timestamp=checkpoint.timestamp,
        note=checkpoint.note,
    )


@router.get("/head", response_model=TreeHeadOut)
def head(request: Request, _: Authenticated) -> TreeHeadOut:
    tree_head = LedgerTree(tree_recorder(request)).head()
    return TreeHeadOut(
        position=tree_head.position,
        tree_size=tree_head.tree_size,
        root_hash=tree_head.root_hash.hex(),
    )


@router.get("/proofs/inclusion", response_model=InclusionOut)
def inclusion(
    request: Request,
    _: Authenticated,
    position: Annotated[int, Query(ge=1, le=MAX_INTEGER, description="The event's position")],
    size: Annotated[
        int | None, Query(ge=1, le=MAX_INTEGER, description="Tree size (default: now)")
    ] = None,
) -> InclusionOut:
    try:
        proof = LedgerTree(tree_recorder(request)).inclusion(position, size)
    except UnknownPosition as error:
        raise NotFound(str(error), field="position") from None
    except TreeQueryError as error:
        raise RuleViolation(str(error), field="size") from None
    return InclusionOut(
        position=proof.position,
        leaf_index=proof.leaf_index,
        leaf_hash=proof.leaf_hash.hex(),
        tree_size=proof.tree_size,
        root_hash=proof.root_hash.hex(),
        proof=[step.hex() for step in proof.proof],
    )


@router.get("/proofs/consistency", response_model=ConsistencyOut)
def consistency(
    request: Request,
    _: Authenticated,
    from_size: Annotated[
        int, Query(alias="from", ge=0, le=MAX_INTEGER, description="The older tree size")
    ],
    to_size: Annotated[
        int | None, Query(alias="to", ge=0, le=MAX_INTEGER, description="Default: now")
    ] = None,
) -> ConsistencyOut:
    try:
        proof = LedgerTree(tree_recorder(request)).consistency(from_size, to_size)
    except TreeQueryError as error:
        raise RuleViolation(str(error), field="from" if from_size == 0 else "to") from None
    return ConsistencyOut(
        from_size=proof.from_size,
        to_size=proof.to_size,
        from_root=proof.from_root.hex(),
        to_root=proof.to_root.hex(),
        proof=[step.hex() for step in proof.proof],
    )


@router.get("/verify", response_model=VerificationOut)
def verify(request: Request, _: Authenticated) -> VerificationOut:
    recorder = tree_recorder(request)
    result = verify_ledger(recorder, trusted_key=trusted_verifier_key(recorder))
    return VerificationOut(**verification_fields(result))


def verification_fields(result: Verification) -> dict[str, Any]:
    """What a verification answers, with or without kept checkpoints."""
    return {
        "ok": result.ok,
        "checked": result.checked,
        "first_bad_position": result.first_bad_position,
        "reason": result.reason,
        "tree_size": result.tree_size,
        "root_hash": result.root_hash.hex(),
        "checkpoint": None if result.checkpoint is None else checkpoint_out(result.checkpoint),
    }


class KeptCheckpointsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    checkpoints: list[Annotated[str, Field(min_length=1, max_length=4000)]] = Field(
        min_length=1,
        max_length=100,
        description="审计方留存的已签名检查点（C2SP signed note 全文），账本须与每一个一致",
    )
    verifier_key: str | None = Field(
        default=None,
        max_length=1000,
        description="验证公钥（C2SP verifier key）；缺省为本账本的公钥",
    )


class NoteVerdictOut(BaseModel):
    index: int = Field(description="第几个留存检查点（从 0 起）")
    ok: bool = Field(description="账本是否与该检查点一致（签名有效且 RFC 9162 一致性成立）")
    tree_size: int | None = Field(description="该检查点签署的事件数；签名无效时为 null")
    root_hash: str | None = Field(description="该检查点签署的树根（十六进制）")
    reason: str | None = Field(description="不一致的原因")


class KeptVerificationOut(VerificationOut):
    kept: list[NoteVerdictOut] = Field(description="每个留存检查点的结论")


@router.post(
    "/verify",
    response_model=KeptVerificationOut,
    responses={503: {"description": "No trusted verifier key: send verifier_key"}},
)
def verify_with_kept(
    request: Request, body: KeptCheckpointsIn, _: Authenticated
) -> KeptVerificationOut:
    """V08 against checkpoints kept outside the ledger: a ledger truncated together with its
    stored checkpoints still fails against the note its auditor kept."""
    recorder = tree_recorder(request)
    trusted = trusted_verifier_key(recorder, body.verifier_key)
    if trusted is None:
        raise NoSigningKey("no trusted verifier key here: send verifier_key")
    result = verify_ledger(recorder, trusted_key=trusted)
    result, verdicts = verify_with_notes(recorder, result, body.checkpoints, trusted)
    return KeptVerificationOut(
        **verification_fields(result),
        kept=[
            NoteVerdictOut(
                index=v.index,
                ok=v.ok,
                tree_size=v.tree_size,
                root_hash=None if v.root_hash is None else v.root_hash.hex(),
                reason=v.reason,
            )
            for v in verdicts
        ],
    )


@router.get("/checkpoints", response_model=CheckpointsOut)
def checkpoints(
    request: Request,
    _: Authenticated,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
) -> CheckpointsOut:
    if cursor is not None and not (
        cursor.isascii() and cursor.isdigit() and int(cursor) <= MAX_INTEGER
    ):
        raise RuleViolation("the cursor is not one this ledger gave out", field="cursor")
    after = int(cursor or 0)
    found = tree_recorder(request).select_checkpoints(after=after, limit=limit + 1)
    more = len(found) > limit
    return CheckpointsOut(
        items=[checkpoint_out(c) for c in found[:limit]],
        next_cursor=str(found[limit - 1].id) if more else None,
    )


@router.post("/checkpoints", status_code=201, response_model=CheckpointOut)
def create_checkpoint(request: Request, _: Signer) -> CheckpointOut:
    try:
        return checkpoint_out(sign_checkpoint(tree_recorder(request)))
    except SigningKeyMissing as error:
        raise NoSigningKey(str(error)) from None


@router.get("/public-key", response_model=PublicKeyOut)
def get_public_key(request: Request) -> PublicKeyOut:
    try:
        key = public_key(tree_recorder(request))
    except SigningKeyMissing as error:
        raise NoSigningKey(str(error)) from None
    return PublicKeyOut(
        origin=key.origin,
        verifier_key=key.verifier_key,
        public_key=base64.b64encode(key.public_key).decode(),
        pem=key.pem,
    )
