"""C2SP tlog-checkpoints as Ed25519 signed notes.

A checkpoint commits the ledger to one Merkle tree head (origin, size, root);
publishing it as a C2SP signed note (c2sp.org/signed-note) lets any standard
transparency-log tooling (witnesses, monitors, Go's ``golang.org/x/mod/sumdb/note``)
verify it.  The core format is kept exactly as c2sp.org/tlog-checkpoint
specifies; anything of ours, such as the signing time, goes in extension lines.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

__all__ = [
    "Checkpoint",
    "NoteError",
    "checkpoint_body",
    "generate_key",
    "key_id",
    "load_private_key",
    "open_note",
    "parse_checkpoint",
    "save_private_key",
    "sign_note",
    "time_extension",
    "verifier_key",
    "verify_note",
]

ED25519_TYPE = 0x01
"""Signature type byte for Ed25519 (c2sp.org/signed-note, "Signature types")."""

SIGNATURE_PREFIX = "\u2014 "
"""Every signature line starts with an em dash and a space."""

MAX_SIGNATURES = 100
"""Cap on signature lines; the spec says verifiers SHOULD cap and MUST allow 16."""

HASH_SIZE = 32
TIME_PREFIX = "time "
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")


class NoteError(ValueError):
    """A note or checkpoint is malformed, or not validly signed by the expected key."""


@dataclass(frozen=True)
class Checkpoint:
    """A verified tree head: the log ``origin`` has ``size`` leaves with this ``root``."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    @property
    def time(self) -> datetime | None:
        """The signing time from the first ``time`` extension line, if any."""
        for line in self.extensions:
            if line.startswith(TIME_PREFIX):
                try:
                    stamp = datetime.strptime(line[len(TIME_PREFIX) :], _TIME_FORMAT)
                except ValueError as exc:
                    raise NoteError(f"malformed time extension {line!r}") from exc
                return stamp.replace(tzinfo=UTC)
        return None


# --- Checkpoint body (c2sp.org/tlog-checkpoint, "Note text") ------------------------


def _check_line(what: str, line: str) -> None:
    """Checkpoint lines are non-empty and free of newlines and control characters."""
    if not line or "\n" in line or _CONTROL.search(line):
        raise NoteError(f"{what} must be a non-empty single line without control characters")


def time_extension(when: datetime) -> str:
    """The extension line ``time YYYY-MM-DDTHH:MM:SSZ`` for an aware datetime."""
    if when.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    return TIME_PREFIX + when.astimezone(UTC).strftime(_TIME_FORMAT)


def checkpoint_body(origin: str, size: int, root: bytes, extensions: Sequence[str] = ()) -> str:
    """The note text: origin, decimal size, base64 root, extension lines, final newline."""
    _check_line("origin", origin)
    if size < 0:
        raise NoteError(f"negative tree size {size}")
    if len(root) != HASH_SIZE:
        raise NoteError(f"root hash has {len(root)} bytes, want {HASH_SIZE}")
    for line in extensions:
        _check_line("extension line", line)
    lines = [origin, str(size), base64.b64encode(root).decode(), *extensions]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(body: str) -> Checkpoint:
    """Parse checkpoint note text strictly (no leading zeros, canonical base64)."""
    if not body.endswith("\n"):
        raise NoteError("checkpoint text must end with a newline")
    lines = body[:-1].split("\n")
    if len(lines) < 3:
        raise NoteError("checkpoint needs origin, size and root lines")
    origin, size_line, root_line, *extensions = lines
    for line in lines:
        _check_line("checkpoint line", line)
    if not _DECIMAL.fullmatch(size_line):
        raise NoteError(f"tree size {size_line!r} is not a canonical decimal")
    root = _b64decode(root_line, "root hash")
    if base64.b64encode(root).decode() != root_line:
        raise NoteError("root hash is not canonical base64")
    if len(root) != HASH_SIZE:
        raise NoteError(f"root hash has {len(root)} bytes, want {HASH_SIZE}")
    return Checkpoint(origin, int(size_line), root, tuple(extensions))


# --- Keys (c2sp.org/signed-note, "Signatures" and "Verifier keys") ------------------


def _check_key_name(name: str) -> None:
    """Key names are non-empty, with no Unicode spaces, plus signs or control chars."""
    if not name or "+" in name or any(c.isspace() for c in name) or _CONTROL.search(name):
        raise NoteError(f"invalid key name {name!r}")


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key_name: str, public_key: Ed25519PublicKey) -> bytes:
    """SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]."""
    _check_key_name(key_name)
    material = key_name.encode() + b"\n" + bytes([ED25519_TYPE]) + _raw_public(public_key)
    return hashlib.sha256(material).digest()[:4]


def verifier_key(key_name: str, public_key: Ed25519PublicKey) -> str:
    """The vkey ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
    encoded = base64.b64encode(bytes([ED25519_TYPE]) + _raw_public(public_key)).decode()
    return f"{key_name}+{key_id(key_name, public_key).hex()}+{encoded}"


def _parse_verifier_key(vkey: str) -> tuple[str, bytes, Ed25519PublicKey]:
    """Split a vkey and check that its stated key ID matches its key."""
    parts = vkey.split("+", 2)  # base64 may itself contain "+"
    if len(parts) != 3 or not _KEY_ID_HEX.fullmatch(parts[1]):
        raise NoteError("verifier key must be <name>+<8 hex digits>+<base64 key>")
    name, id_hex, material = parts[0], parts[1], _b64decode(parts[2], "verifier key")
    if len(material) != 33 or material[0] != ED25519_TYPE:
        raise NoteError("verifier key is not an Ed25519 key")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(material[1:])
    except ValueError as exc:
        raise NoteError("verifier key holds an invalid Ed25519 key") from exc
    if key_id(name, public_key).hex() != id_hex:
        raise NoteError("verifier key ID does not match its name and key")
    return name, bytes.fromhex(id_hex), public_key


def generate_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 signing key."""
    return Ed25519PrivateKey.generate()


def save_private_key(key: Ed25519PrivateKey, path: str | os.PathLike[str]) -> None:
    """Write the key as unencrypted PKCS#8 PEM, readable by the owner only (0600).

    Refuses to overwrite an existing file: replacing a log's signing key by
    accident would orphan every checkpoint signed so far.
    """
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def load_private_key(path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """Read a key written by ``save_private_key``; anything but Ed25519 is refused."""
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise NoteError(f"{path} does not hold an Ed25519 private key")
    return key


# --- Signed notes (c2sp.org/signed-note, "Format") ------------------------------------


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError(f"{what} is not valid base64") from exc


def _check_text(body: str) -> None:
    """Note text ends in a newline and has no control characters but newline."""
    if not body.endswith("\n"):
        raise NoteError("note text must end with a newline")
    if _CONTROL.search(body):
        raise NoteError("note contains control characters")


def sign_note(body: str, key_name: str, private_key: Ed25519PrivateKey) -> str:
    """Body, a blank line, then ``— <key name> base64(key ID || Ed25519(body))``."""
    _check_text(body)
    signature = key_id(key_name, private_key.public_key()) + private_key.sign(body.encode())
    return f"{body}\n{SIGNATURE_PREFIX}{key_name} {base64.b64encode(signature).decode()}\n"


def _split_note(note_text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Split at the last blank line into text and (key name, key ID || signature) pairs."""
    _check_text(note_text)
    cut = note_text.rfind("\n\n")
    if cut < 0:
        raise NoteError("note has no blank line before its signatures")
    body, block = note_text[: cut + 1], note_text[cut + 2 :]
    if not block:
        raise NoteError("note has no signature lines")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise NoteError(f"note has more than {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        name, space, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not space:
            raise NoteError(f"malformed signature line {line!r}")
        _check_key_name(name)
        blob = _b64decode(encoded, "signature")
        if len(blob) < 5:
            raise NoteError(f"signature by {name!r} is too short")
        signatures.append((name, blob))
    return body, signatures


def verify_note(note_text: str, vkey: str) -> str:
    """Return the note text once a signature by ``vkey`` verifies over it.

    Per the spec, signatures by other keys (different name or key ID) are
    ignored, so cosignatures from witnesses don't get in the way; a matching
    signature that fails to verify rejects the whole note.
    """
    name, expected_id, public_key = _parse_verifier_key(vkey)
    body, signatures = _split_note(note_text)
    verified = False
    for signer, blob in signatures:
        if signer != name or blob[:4] != expected_id:
            continue
        try:
            public_key.verify(blob[4:], body.encode())
        except InvalidSignature as exc:
            raise NoteError(f"signature by {name!r} does not verify") from exc
        verified = True
    if not verified:
        raise NoteError(f"note is not signed by {name!r}")
    return body


def open_note(note_text: str, verifier_key_string: str) -> Checkpoint:
    """Verify a signed checkpoint and parse it; NoteError if anything is off."""
    return parse_checkpoint(verify_note(note_text, verifier_key_string))
