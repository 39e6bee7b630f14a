"""store.merkle against the published transparency-dev/merkle proof vectors.

The vectors live outside the project, at ``<repo root>/../shared/vectors/merkle/
testdata`` (see that folder's README); they are read in place, never copied.
If the folder is missing the tests skip, except under CI=true where they fail.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from typing import Any

import pytest

from store.merkle import (
    ProofError,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_hash,
    subtree_root_from_leaves,
    verify_consistency,
    verify_inclusion,
)

REPO_ROOT = Path(__file__).resolve().parents[2]  # the folder holding tests/
VECTORS = REPO_ROOT.parent / "shared" / "vectors" / "merkle" / "testdata"

# The RFC 6962 reference leaves the vectors' happy paths were generated from
# (transparency-dev/merkle testonly.LeafInputs).
REFERENCE_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip


def vector_params(kind: str) -> list[Any]:
    """One pytest param per JSON file under VECTORS/kind, or a placeholder if absent."""
    files = sorted((VECTORS / kind).rglob("*.json")) if VECTORS.is_dir() else []
    if not files:
        return [pytest.param(None, id=f"{kind}-vectors-missing")]
    return [pytest.param(f, id=str(f.relative_to(VECTORS))) for f in files]


def load(path: Path | None) -> dict[str, Any]:
    """The vector as a dict; skip (or fail under CI=true) when there are no vectors."""
    if path is None:
        reason = f"Merkle test vectors not found at {VECTORS}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return json.loads(path.read_text())


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def proof_of(vector: dict[str, Any]) -> list[bytes]:
    return [b64(p) for p in vector["proof"] or []]  # the files write an empty proof as null


@pytest.mark.parametrize("path", vector_params("inclusion"))
def test_inclusion_vector(path):
    # RFC 9162 §2.1.3.2: accept exactly the vectors with wantErr false
    v = load(path)
    args = (v["leafIdx"], v["treeSize"], b64(v["leafHash"]), proof_of(v), b64(v["root"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", vector_params("consistency"))
def test_consistency_vector(path):
    # RFC 9162 §2.1.4.2: accept exactly the vectors with wantErr false
    v = load(path)
    args = (v["size1"], v["size2"], proof_of(v), b64(v["root1"]), b64(v["root2"]))
    if v["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def happy_paths(kind: str) -> list[Any]:
    """The generated (not hand-written) golden proofs: files named happy-path.json."""
    params = [
        p for p in vector_params(kind) if p.values[0] and p.values[0].name == "happy-path.json"
    ]
    return params or [pytest.param(None, id=f"{kind}-happy-paths-missing")]


@pytest.mark.parametrize("path", happy_paths("inclusion"))
def test_inclusion_generation_reproduces_vector(path):
    # RFC 9162 §2.1.3.1: PATH over the RFC 6962 reference leaves gives the published proof
    v = load(path)
    index, size = v["leafIdx"], v["treeSize"]
    leaves = [leaf_hash(d) for d in REFERENCE_LEAVES[:size]]
    assert leaves[index] == b64(v["leafHash"])
    assert root_hash(leaves) == b64(v["root"])
    assert inclusion_proof(index, size, subtree_root_from_leaves(leaves)) == proof_of(v)


@pytest.mark.parametrize("path", happy_paths("consistency"))
def test_consistency_generation_reproduces_vector(path):
    # RFC 9162 §2.1.4.1: PROOF over the RFC 6962 reference leaves gives the published proof
    v = load(path)
    size1, size2 = v["size1"], v["size2"]
    leaves = [leaf_hash(d) for d in REFERENCE_LEAVES[:size2]]
    assert root_hash(leaves[:size1]) == b64(v["root1"])
    assert root_hash(leaves) == b64(v["root2"])
    assert consistency_proof(size1, size2, subtree_root_from_leaves(leaves)) == proof_of(v)
