"""Signed checkpoints: the ledger's tree head, signed with its Ed25519 key as a C2SP note.

A checkpoint is what an outside auditor keeps: with it and the published verifier
key, any later tree head can be checked against it by a consistency proof, and
``ledger verify`` checks every stored one against the recomputed tree. The key
lives in a file (``LEDGER_SIGNING_KEY``, see store.settings), never in the
database a tamperer would rewrite; its name is the checkpoint origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from store.records import StoredCheckpoint, TreeRecorder
from store.settings import checkpoint_origin, signing_key_path
from store.signed_note import (
    checkpoint_body,
    generate_key,
    load_private_key,
    save_private_key,
    sign_note,
    time_extension,
    verifier_key,
)
from store.tree import LedgerTree


class SigningKeyMissing(FileNotFoundError):
    """The ledger has no signing key yet: ``ledger init`` creates one."""


@dataclass(frozen=True)
class PublicKey:
    """What the ledger publishes so anyone can check its checkpoints."""

    origin: str
    verifier_key: str
    public_key: bytes
    pem: str


def key_path(recorder: TreeRecorder) -> Path:
    return signing_key_path(recorder.database_file)


def ensure_signing_key(recorder: TreeRecorder) -> Path | None:
    """Create the signing key if it does not exist; return its path if it was created."""
    path = key_path(recorder)
    if path.exists():
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    save_private_key(generate_key(), path)
    return path


def signing_key(recorder: TreeRecorder) -> Ed25519PrivateKey:
    path = key_path(recorder)
    if not path.exists():
        msg = f"no signing key at {path}: run `ledger init` (or set LEDGER_SIGNING_KEY)"
        raise SigningKeyMissing(msg)
    return load_private_key(path)


def public_key(recorder: TreeRecorder) -> PublicKey:
    key = signing_key(recorder).public_key()
    origin = checkpoint_origin()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return PublicKey(origin, verifier_key(origin, key), raw, pem)


def trusted_verifier_key(recorder: TreeRecorder, override: str | None = None) -> str | None:
    """The key checkpoints must be signed by: the one given, else this ledger's own.

    None when neither exists: checkpoints are then checked against the verifier key
    stored with each, which shows they are intact but not who signed them.
    """
    if override:
        return override
    if key_path(recorder).exists():
        return public_key(recorder).verifier_key
    return None


def sign_checkpoint(recorder: TreeRecorder, now: datetime | None = None) -> StoredCheckpoint:
    """Sign the current tree head and store the checkpoint."""
    key = signing_key(recorder)
    origin = checkpoint_origin()
    now = (now or datetime.now(UTC)).replace(microsecond=0)
    head = LedgerTree(recorder).head()
    body = checkpoint_body(origin, head.tree_size, head.root_hash, [time_extension(now)])
    note = sign_note(body, origin, key)
    vkey = verifier_key(origin, key.public_key())
    return recorder.insert_checkpoint(head.tree_size, head.root_hash, now, note, vkey)
