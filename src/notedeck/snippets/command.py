"""``notedeck figures [VAULT] [--check] [--force]``: see :mod:`notedeck.snippets.figures`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .blocks import Block
from .figures import FigureState, VaultFiles, _figure_col, _shown, figure_states, read_stamp, stale_message


@click.command("figures")
@click.argument("vault", required=False)
@click.option("--check", is_flag=True, help="Run nothing, write nothing; exit 1 when an image is missing or stale.")
@click.option("--force", is_flag=True, help="Redraw every figure, also those that are up to date.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Timeout of each block in seconds.")
@click.option("--strict", is_flag=True, help="Warnings (hand-made images) fail the exit code too.")
def figures(vault: str | None, check: bool, force: bool, timeout: float, strict: bool) -> None:
    """Draw the images that the notes' figure="…" blocks declare, into the vault's attachment folder.

    The one notedeck command that writes into the vault. Each image records the hash of the code that
    drew it; --check reports images that are missing or whose code changed."""
    from notedeck.config import load_config
    from notedeck.emitters import atomic_write
    from notedeck.vault import Diagnostics, Vault

    from .blocks import blocks_of
    from .worker import WorkerExecutor

    config = load_config(vault)
    if not Path(config.vault).is_dir():
        click.echo(f"notedeck: vault folder {config.vault} does not exist", err=True)
        sys.exit(2)
    v = Vault.load(config.vault, check=False)
    files = VaultFiles(v.root)
    diags = Diagnostics()
    todo: list[tuple[object, list, list[tuple[Block, list[FigureState]]]]] = []
    counts = {"current": 0, "written": 0, "hand-made": 0}
    for rel in sorted(v.notes):
        note = v.notes[rel]
        blocks = blocks_of(note)
        need: list[tuple[Block, list[FigureState]]] = []
        for b in blocks:
            if not b.figures:
                continue
            states = figure_states(files, rel, blocks, b)
            col = _figure_col(note.text, note.line_starts, b.line)
            for f in states:
                if f.state == "hand-made":
                    counts["hand-made"] += 1
                    diags.add(note.path, b.line, col, "warning", "hand-made-figure",
                              f"image {_shown(f.path)} (figure=\"{f.name}\") has no notedeck code hash: made by hand? "
                              f"left alone (delete it to let `notedeck figures` draw it)")
                elif f.state == "current" and not force:
                    counts["current"] += 1
                elif check:
                    if f.state != "current":
                        diags.add(note.path, b.line, col, "error", "stale-figure", stale_message(f, b.line))
                    else:
                        counts["current"] += 1
            if not b.runs and not check and any(f.state in ("missing", "stale") for f in states):
                diags.add(note.path, b.line, col, "warning", "stale-figure",
                          "the block is skipped, so its figures are not drawn")
                continue
            if not check and any(f.state in ("missing", "stale") or (force and f.state == "current") for f in states):
                need.append((b, states))
        if need:
            todo.append((note, blocks, need))
    if not check:
        with WorkerExecutor(save_figures=True) as ex:
            for note, blocks, need in todo:
                session = ex.session(note.path, blocks, line_count=len(note.line_starts))
                wanted = {b.index: states for b, states in need}
                try:
                    for b in blocks[: max(wanted) + 1]:
                        if not b.runs:
                            continue
                        result = session.execute(b, b.timeout or timeout)
                        if result["status"] != "passed" and not b.may_fail:
                            first = result["report"].splitlines()[0] if result["report"] else result["status"]
                            diags.add(note.path, result.get("line") or b.line, 1, "error", "figure-failed",
                                      f"the block at line {b.line} did not pass, so the figures of this note are not "
                                      f"drawn: {first}")
                            break
                        for name, png in result.get("figures", []):
                            f = next(s for s in wanted.get(b.index, []) if s.name == name) if b.index in wanted else None
                            if f is None:
                                continue
                            if f.path.is_file() and read_stamp(f.path) is None:
                                continue  # made by hand meanwhile: never overwritten
                            atomic_write(f.path, png)
                            counts["written"] += 1
                            click.echo(f"notedeck: wrote {_shown(f.path)}", err=True)
                finally:
                    session.close()
    for d in diags.sorted():
        click.echo(str(d))
    stale = diags.count("error")
    what = "stale or missing" if check else "failed"
    click.echo(f"notedeck: figures: {counts['written']} written, {counts['current']} up to date, "
               f"{counts['hand-made']} hand-made left alone" + (f", {stale} {what}" if stale else ""), err=True)
    sys.exit(1 if diags.failed(strict) else 0)
