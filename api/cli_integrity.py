"""``ledger verify``, ``checkpoint``, ``export`` and ``import``: the ledger's integrity (V08).

The same store functions serve the HTTP API (api/routes/ledger.py); these commands
add progress bars for long runs and exit codes for scripts: 0 when intact, 1 when
not, naming the first bad position (or line) and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from api.runtime import open_ledger, recorder_of
from domain.ledger import Ledger
from store.checkpoints import (
    SigningKeyMissing,
    ensure_signing_key,
    key_path,
    sign_checkpoint,
    trusted_verifier_key,
)
from store.kept_notes import verify_with_notes
from store.records import TreeRecorder
from store.transfer import ImportRefused, export_ledger, import_ledger
from store.verify import verify_ledger

console = Console(stderr=True)

# Runs shorter than this finish before a progress bar would be worth drawing.
PROGRESS_THRESHOLD = 20_000

VerifierKey = Annotated[
    str | None,
    typer.Option(
        "--vkey",
        help="Verifier key the checkpoints must be signed by (default: this ledger's own key)",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.command("checkpoint")(checkpoint)
    app.command("export")(export)
    app.command("import")(import_file)


def ensure_key(ledger: Ledger) -> None:
    """Create the checkpoint signing key on first initialisation."""
    created = ensure_signing_key(recorder_of(ledger))
    if created is not None:
        console.print(f"checkpoint signing key created at {created}: keep it safe and back it up")


@contextmanager
def opened() -> Iterator[TreeRecorder]:
    """The recorder of the configured ledger, open for the command (the ledger owns it)."""
    ledger = open_ledger()
    try:
        yield recorder_of(ledger)
    finally:
        ledger.close()


@contextmanager
def progress_bar(total: int, what: str) -> Iterator[Callable[[int], None]]:
    if total < PROGRESS_THRESHOLD:
        yield lambda _: None
        return
    columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done: bar.advance(task, done)


KeptNotes = Annotated[
    list[Path] | None,
    typer.Option(
        "--checkpoint",
        help="A file holding a signed checkpoint note kept outside the ledger (repeatable): "
        "the ledger must be consistent with each",
        exists=True,
        dir_okay=False,
    ),
]


def verify(vkey: VerifierKey = None, checkpoint: KeptNotes = None) -> None:
    """Recompute every leaf and the whole tree; check every signed checkpoint, stored and
    kept (--checkpoint).

    Exits 0 when the ledger is intact, 1 naming the first bad position and why.
    """
    notes = [path.read_text(encoding="utf-8") for path in checkpoint or []]
    with opened() as recorder, progress_bar(recorder.head().tree_size, "verifying") as bar:
        trusted = trusted_verifier_key(recorder, vkey)
        if notes and trusted is None:
            console.print("[red]kept checkpoints need a trusted key: give --vkey[/red]")
            raise typer.Exit(2)
        result = verify_ledger(recorder, trusted_key=trusted, progress=bar)
        if notes:
            assert trusted is not None
            result, verdicts = verify_with_notes(recorder, result, notes, trusted)
            for path, verdict in zip(checkpoint or [], verdicts, strict=True):
                state = "consistent" if verdict.ok else f"NOT consistent: {verdict.reason}"
                print(f"kept checkpoint {path} (size {verdict.tree_size}): {state}")
    if not result.ok:
        where = (
            "" if result.first_bad_position is None else f" at position {result.first_bad_position}"
        )
        print(f"TAMPERED{where}: {result.reason}")
        print(f"{result.checked} events checked out before it")
        raise typer.Exit(1)
    print(f"intact: {result.checked} events, tree root {result.root_hash.hex()}")
    if result.checkpoint is None:
        print("no signed checkpoint yet: run `ledger checkpoint` and keep its note outside")
    else:
        signed = result.checkpoint
        print(
            f"latest checkpoint: {signed.tree_size} events, signed {signed.timestamp.isoformat()}"
        )
    if trusted is None:
        print("checkpoints checked against the keys stored with them (no key file, no --vkey)")


def checkpoint() -> None:
    """Sign the current tree head with the ledger's key and store it; print the note."""
    try:
        with opened() as recorder:
            signed = sign_checkpoint(recorder)
    except SigningKeyMissing as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(1) from None
    print(signed.note, end="")


def export(
    out: Annotated[Path, typer.Option("--out", help="The JSON Lines file to write")],
    sign: Annotated[
        bool, typer.Option(help="Sign a checkpoint of the head first, so the file is covered")
    ] = True,
) -> None:
    """Write every event in order with its leaf hash, and the signed checkpoints."""
    with opened() as recorder:
        if sign and key_path(recorder).exists():
            latest = recorder.latest_checkpoint()
            if latest is None or latest.tree_size < recorder.head().tree_size:
                sign_checkpoint(recorder)
        total = recorder.head().tree_size
        with out.open("wb") as handle, progress_bar(total, "exporting") as bar:
            summary = export_ledger(recorder, handle, progress=bar)
    signed = 0 if summary.checkpoint is None else summary.checkpoint.tree_size
    console.print(
        f"exported {summary.events} events to {out} "
        f"(root {summary.root_hash.hex()}; {signed} of them under a signed checkpoint)"
    )


def import_file(
    file: Annotated[Path, typer.Argument(help="A file written by `ledger export`")],
    vkey: VerifierKey = None,
) -> None:
    """Load an export into an empty store, re-verifying it; refuse it at its first bad line."""
    with (
        opened() as recorder,
        file.open("rb") as handle,
        progress_bar(_lines(file), "importing") as bar,
    ):
        trusted = trusted_verifier_key(recorder, vkey)
        try:
            summary = import_ledger(recorder, handle, trusted_key=trusted, progress=bar)
        except ImportRefused as refused:
            print(f"REFUSED: {refused}")
            raise typer.Exit(1) from None
    console.print(
        f"imported {summary.events} events (root {summary.root_hash.hex()}); "
        f"{summary.signed_events} under the latest of {summary.checkpoints} signed checkpoints"
    )


def _lines(file: Path) -> int:
    with file.open("rb") as handle:
        return sum(1 for _ in handle)
