"""Tests for store.signed_note (c2sp.org/signed-note, c2sp.org/tlog-checkpoint)."""

from __future__ import annotations

import base64
import hashlib
import stat
import string
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from store.signed_note import (
    Checkpoint,
    NoteError,
    checkpoint_body,
    generate_key,
    key_id,
    load_private_key,
    open_note,
    parse_checkpoint,
    save_private_key,
    sign_note,
    time_extension,
    verifier_key,
    verify_note,
)

ORIGIN = "jl-wlt.gov.cn/data-sharing-ledger"
ROOT = hashlib.sha256(b"some tree").digest()
WHEN = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)

# The worked example of c2sp.org/signed-note ("Verifier keys" > "Example").
SPEC_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n"
    "\n"
    "\u2014 example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZ"
    "XsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


@pytest.fixture(scope="module")
def key():
    return generate_key()


@pytest.fixture(scope="module")
def vkey(key):
    return verifier_key(ORIGIN, key.public_key())


@pytest.fixture(scope="module")
def body():
    return checkpoint_body(ORIGIN, 42, ROOT, [time_extension(WHEN)])


@pytest.fixture(scope="module")
def note(body, key):
    return sign_note(body, ORIGIN, key)


def spec_public_key() -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(SPEC_VKEY.split("+")[2])[1:])


# --- Spec examples ----------------------------------------------------------------------


def test_key_id_matches_signed_note_spec_example():
    # signed-note: key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4]; spec says 530d903a
    assert key_id("example.com/foo", spec_public_key()).hex() == "530d903a"


def test_verifier_key_reproduces_signed_note_spec_example():
    # signed-note "Verifier keys": <name>+hex(key ID)+base64(0x01 || public key)
    assert verifier_key("example.com/foo", spec_public_key()) == SPEC_VKEY


def test_spec_example_note_verifies():
    # signed-note example: the published note verifies under the published vkey
    assert verify_note(SPEC_NOTE, SPEC_VKEY) == "This is an example message.\n"


def test_spec_example_note_rejects_altered_text():
    # signed-note: the signature covers the whole note text
    with pytest.raises(NoteError, match="does not verify"):
        verify_note(SPEC_NOTE.replace("example message", "example massage"), SPEC_VKEY)


def test_checkpoint_body_matches_tlog_checkpoint_spec_example():
    # tlog-checkpoint: origin, decimal size, base64 root, each ending in a newline
    root = base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint_body("example.com/behind-the-sofa", 20852163, root) == (
        "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )


# --- Format -------------------------------------------------------------------------------


def test_signed_note_layout(note, body, key):
    # signed-note "Format": text, blank line, "— <name> base64(key ID || signature)\n"
    assert note.startswith(body + "\n\u2014 " + ORIGIN + " ")
    assert note.endswith("\n") and note.count("\n") == body.count("\n") + 2
    blob = base64.b64decode(note.rsplit(" ", 1)[1])
    assert blob[:4] == key_id(ORIGIN, key.public_key())
    key.public_key().verify(blob[4:], body.encode())  # Ed25519 over the text bytes


def test_time_extension_format():
    # our extension line: "time " + UTC RFC 3339 timestamp with a Z suffix
    assert time_extension(datetime(2026, 11, 26, 20, 0, tzinfo=timezone(timedelta(hours=8)))) == (
        "time 2026-11-26T12:00:00Z"
    )
    with pytest.raises(ValueError):
        time_extension(datetime(2026, 11, 26, 12, 0))  # naive: ambiguous instant


@pytest.mark.parametrize(
    ("origin", "size", "root", "extensions"),
    [
        ("", 1, ROOT, ()),  # origin MUST be non-empty
        ("a\nb", 1, ROOT, ()),  # one line per field
        (ORIGIN, -1, ROOT, ()),  # a tree size is a count
        (ORIGIN, 1, ROOT[:31], ()),  # root is a SHA-256 hash
        (ORIGIN, 1, ROOT, ("",)),  # extension lines MUST be non-empty
        (ORIGIN, 1, ROOT, ("a\tb",)),  # no control characters in a note
    ],
)
def test_checkpoint_body_refuses_invalid_fields(origin, size, root, extensions):
    # tlog-checkpoint "Note text" constraints
    with pytest.raises(NoteError):
        checkpoint_body(origin, size, root, extensions)


@pytest.mark.parametrize(
    "text",
    [
        f"{ORIGIN}\n42\n",  # fewer than three lines
        f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\n",  # leading zero
        f"{ORIGIN}\n+42\n{base64.b64encode(ROOT).decode()}\n",  # not plain decimal
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT[:16]).decode()}\n",  # short root
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode().rstrip('=')}\n",  # unpadded base64
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}\n\nx\n",  # empty extension line
        f"\n42\n{base64.b64encode(ROOT).decode()}\n",  # empty origin
        f"{ORIGIN}\n42\n{base64.b64encode(ROOT).decode()}",  # no final newline
    ],
)
def test_parse_checkpoint_rejects_malformed_text(text):
    # tlog-checkpoint: three non-empty lines, canonical decimal size, base64 32-byte root
    with pytest.raises(NoteError):
        parse_checkpoint(text)


def test_parse_checkpoint_rejects_non_canonical_base64_root():
    # tlog-checkpoint root line: standard base64 of the hash, one encoding per root
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "+/"
    canonical = base64.b64encode(ROOT).decode()
    last = alphabet[alphabet.index(canonical[-2]) ^ 1]  # flip one of the 2 unused low bits
    sloppy = canonical[:-2] + last + "="
    assert base64.b64decode(sloppy) == ROOT
    with pytest.raises(NoteError, match="canonical"):
        parse_checkpoint(f"{ORIGIN}\n42\n{sloppy}\n")


# --- Round trip and rejection ---------------------------------------------------------------


def test_round_trip(note, vkey):
    # sign_note then open_note returns the same checkpoint, time extension included
    checkpoint = open_note(note, vkey)
    assert checkpoint == Checkpoint(ORIGIN, 42, ROOT, (time_extension(WHEN),))
    assert checkpoint.time == WHEN


def test_checkpoint_without_time_extension(key, vkey):
    # tlog-checkpoint: extension lines are optional
    checkpoint = open_note(sign_note(checkpoint_body(ORIGIN, 0, ROOT), ORIGIN, key), vkey)
    assert checkpoint.extensions == () and checkpoint.time is None and checkpoint.size == 0


def test_flipped_byte_in_body_rejected(note, vkey):
    # signed-note: a verifying signature covers every byte of the text
    position = note.index("\n") - 1  # last character of the origin line
    tampered = note[:position] + chr(ord(note[position]) ^ 1) + note[position + 1 :]
    with pytest.raises(NoteError, match="does not verify"):
        open_note(tampered, vkey)


def test_altered_size_rejected(note, vkey):
    # signed-note: changing the tree size invalidates the signature
    with pytest.raises(NoteError, match="does not verify"):
        open_note(note.replace("\n42\n", "\n43\n", 1), vkey)


def test_altered_signature_rejected(note, vkey):
    # signed-note: a signature from the known key that fails to verify rejects the note
    signature_line = note.rsplit("\n", 2)[1]
    blob = bytearray(base64.b64decode(signature_line.rsplit(" ", 1)[1]))
    blob[-1] ^= 1
    forged = signature_line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(blob)).decode()
    with pytest.raises(NoteError, match="does not verify"):
        open_note(note.replace(signature_line, forged), vkey)


def test_wrong_key_rejected(note):
    # signed-note: clients MUST reject a note with no verifying signature from a known key
    other = verifier_key(ORIGIN, generate_key().public_key())
    with pytest.raises(NoteError, match="not signed by"):
        open_note(note, other)


def test_same_key_under_other_name_rejected(note, key):
    # signed-note: a signature is identified by key name and key ID together
    with pytest.raises(NoteError, match="not signed by"):
        open_note(note, verifier_key("example.com/other", key.public_key()))


def test_missing_signature_line_rejected(body, vkey):
    # signed-note: one or more signature lines follow the blank line
    with pytest.raises(NoteError):
        open_note(body + "\n", vkey)
    with pytest.raises(NoteError):
        open_note(body, vkey)


def test_failing_second_signature_by_same_key_rejected(note, vkey):
    # signed-note: if a signature from a known key fails to verify, reject the whole note
    signature_line = note.rsplit("\n", 2)[1]
    blob = bytearray(base64.b64decode(signature_line.rsplit(" ", 1)[1]))
    blob[-1] ^= 1
    forged = signature_line.rsplit(" ", 1)[0] + " " + base64.b64encode(bytes(blob)).decode()
    with pytest.raises(NoteError, match="does not verify"):
        open_note(note + forged + "\n", vkey)


def test_note_text_may_contain_empty_lines(key):
    # signed-note: the text is separated from the signatures by the LAST empty line
    text = "first paragraph\n\nsecond paragraph\n"
    vkey_string = verifier_key("example.com/notes", key.public_key())
    assert verify_note(sign_note(text, "example.com/notes", key), vkey_string) == text


def test_control_characters_rejected_even_when_signed(key, vkey):
    # signed-note: notes MUST NOT contain control characters other than newline
    text = f"{ORIGIN}\r\n42\n{base64.b64encode(ROOT).decode()}\n"
    blob = key_id(ORIGIN, key.public_key()) + key.sign(text.encode())
    forged = f"{text}\n\u2014 {ORIGIN} {base64.b64encode(blob).decode()}\n"
    with pytest.raises(NoteError, match="control"):
        open_note(forged, vkey)
    with pytest.raises(NoteError, match="control"):
        sign_note(text, ORIGIN, key)


def test_verifier_key_with_mismatched_key_id_rejected():
    # signed-note "Verifier keys": the key ID MUST match the key name and public key
    wrong_id = SPEC_VKEY.replace("+530d903a+", "+530d903b+")
    with pytest.raises(NoteError, match="does not match"):
        verify_note(SPEC_NOTE, wrong_id)


def test_unknown_cosignatures_are_ignored(body, note, vkey):
    # signed-note: verifiers MUST ignore signatures from unknown keys (e.g. witnesses)
    witness = sign_note(body, "witness.example/w1", generate_key()).rsplit("\n", 2)[1]
    cosigned = note + witness + "\n"
    assert open_note(cosigned, vkey).size == 42
    with pytest.raises(NoteError, match="not signed by"):
        open_note(body + "\n" + witness + "\n", vkey)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda n: n.replace("\u2014 ", "- ", 1),  # signature lines start with an em dash
        lambda n: n.replace(ORIGIN + " ", ORIGIN + "  ", 1),  # one space, then base64
        lambda n: n[:-2] + "!\n",  # base64 signature
        lambda n: n.replace("\n42\n", "\n4\r2\n", 1),  # no control characters but newline
        lambda n: n.rstrip("\n"),  # the note ends with a newline
    ],
)
def test_malformed_note_rejected(note, vkey, mangle):
    # signed-note "Format"
    with pytest.raises(NoteError):
        open_note(mangle(note), vkey)


def test_signature_shorter_than_key_id_rejected(note, vkey):
    # signed-note: a signature is base64(4-byte key ID || signature bytes)
    short = f"\u2014 {ORIGIN} {base64.b64encode(b'abcd').decode()}\n"
    with pytest.raises(NoteError, match="too short"):
        open_note(note + short, vkey)


def test_unparseable_checkpoint_rejected_even_if_signed(key, vkey):
    # tlog-checkpoint: a validly signed note is still rejected if it is not a checkpoint
    text = f"{ORIGIN}\n042\n{base64.b64encode(ROOT).decode()}\n"
    with pytest.raises(NoteError, match="canonical decimal"):
        open_note(sign_note(text, ORIGIN, key), vkey)


def test_verifier_key_whose_base64_contains_plus(body):
    # signed-note vkeys split at the first two "+": the base64 key part may contain "+"
    for seed in range(256):
        signer = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
        vkey_string = verifier_key(ORIGIN, signer.public_key())
        if "+" in vkey_string.split("+", 2)[2]:
            break
    else:
        pytest.fail("no deterministic key with '+' in its base64 found")
    assert open_note(sign_note(body, ORIGIN, signer), vkey_string).size == 42


@pytest.mark.parametrize(
    "vkey_string",
    [
        "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # wrong ID
        "example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # type 0x02
        "example.com/foo+530d903a",  # no key
        "example.com/foo+530D903A+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k",  # hex case
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U",  # short key
    ],
)
def test_malformed_verifier_key_rejected(vkey_string):
    # signed-note "Verifier keys": name+hex ID+base64(0x01 || 32-byte key), ID must match
    with pytest.raises(NoteError):
        verify_note(SPEC_NOTE, vkey_string)


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "nbsp\u00a0name"])
def test_invalid_key_names_refused(key, body, name):
    # signed-note: key names are non-empty, without Unicode spaces or "+"
    with pytest.raises(NoteError):
        sign_note(body, name, key)


# --- Key files ------------------------------------------------------------------------------


def test_save_and_load_private_key(tmp_path, key, body, vkey):
    # PKCS#8 PEM, owner-only permissions, loads back to the same signing key
    path = tmp_path / "ledger.key"
    save_private_key(key, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert open_note(sign_note(body, ORIGIN, load_private_key(path)), vkey).size == 42


def test_save_private_key_never_overwrites(tmp_path, key):
    # replacing a log's signing key by accident would orphan its checkpoints
    path = tmp_path / "ledger.key"
    path.write_text("existing")
    with pytest.raises(FileExistsError):
        save_private_key(key, path)
    assert path.read_text() == "existing"


def test_load_private_key_refuses_other_algorithms(tmp_path):
    # checkpoints are Ed25519 signed notes (signature type 0x01) only
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = tmp_path / "ec.key"
    path.write_bytes(pem)
    with pytest.raises(NoteError, match="Ed25519"):
        load_private_key(path)
