"""The ``notedeck`` command line."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .config import Config
from .emitters import EMITTERS, load_emitter
from .vault import Diagnostics, Vault, collector_paused


def _report(diags: Diagnostics, strict: bool, quiet_ok: bool = False, quiet: bool = False) -> int:
    for d in diags.sorted():
        click.echo(str(d), err=False)
    failed = diags.failed(strict)
    if not quiet and not (quiet_ok and not len(diags)):
        strict_note = " (--strict: warnings fail)" if strict and diags.count("warning") else ""
        click.echo(f"notedeck: {diags.summary()}{strict_note}", err=True)
    return 1 if failed else 0


def load(vault_arg: str | None, site_name: str | None = None, deck: str | None = None,
         progress: bool | None = None) -> tuple[Config, Vault]:
    from .home import load_project

    return load_project(vault_arg, site_name=site_name, deck=deck, progress=progress)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notedeck")
def main() -> None:
    """Turn an Obsidian vault into executable notes, a MkDocs site and Anki decks.

    VAULT defaults to docs_dir of ./mkdocs.yml, else ./notes, else the current folder when it is a vault.
    Exit status: 0 clean, 1 errors (or warnings with --strict), 2 usage (no vault, a bad option).
    """


@main.command()
@click.argument("vault", required=False)
@click.option("--strict", is_flag=True, help="Warnings fail the exit code too.")
def check(vault: str | None, strict: bool) -> None:
    """Print the vault's diagnostics, with those of its cards and code blocks, writing nothing; exit 1 on
    errors (and warnings with --strict)."""
    config, v = load(vault)
    click.echo(f"notedeck: {len(v.notes)} notes, {len(v.attachments)} attachments", err=True)
    diags = v.diagnostics
    _step("cards", v, diags, lambda: diags.extend(extract_cards(v, base_deck(config), config.options).diagnostics))
    _step("code", v, diags, lambda: syntax_diagnostics(v, diags))
    _step("requires", v, diags, lambda: requires_diagnostics(v, diags))
    sys.exit(_report(diags, strict))


def _step(name: str, v: Vault, diags: Diagnostics, run: Callable[[], object]) -> bool:
    """Run one step; a bug of ours in it becomes an ``internal-error`` diagnostic, and the other steps still run.
    Returns whether it ran to its end."""
    try:
        run()
    except Exception as e:
        diags.add(str(v.root), 0, 0, "error", "internal-error",
                  f"the {name} step failed: {type(e).__name__}: {e} (please report it with the vault's note)")
        return False
    return True


@main.command()
@click.argument("vault", required=False)
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Output folder (site/, anki/ …) [default: ./build; <vault>/.notedeck when run inside the vault].")
@click.option("--site-name", default=None, help="The site's title [default: mkdocs.yml's site_name, else the "
              "home note's title, else the vault folder's name].")
@click.option("--deck", default=None, help="The top Anki deck's name [default: the site name].")
@click.option("--strict", is_flag=True, help="Warnings fail the exit code too.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the diagnostics (no progress, no summary).")
def build(vault: str | None, out: str | None, site_name: str | None, deck: str | None, strict: bool, quiet: bool) -> None:
    """Run every emitter (site, Anki decks, snippets), then print what each made, where, and how long it took
    (a progress bar on a terminal for a step over a second). Nothing visible is written into the vault."""
    from . import report
    from .discover import output_folder, where

    bars = not quiet and report.is_terminal(sys.stderr)
    summary = report.Report()
    with report.timed() as whole:
        with report.timed() as took, report.progress("vault", bars):
            config, v = load(vault, site_name, deck, progress=False)  # (the step's own bar shows progress)
            gc.freeze()  # the model lives until the process ends: no collection re-walks it during the emitters
        summary.add("vault", took(), report.VaultRead(len(v.notes), len(v.attachments), len(v.notes) - len(v.published)))
        out_dir = output_folder(out, v.root)
        diags = v.diagnostics
        for name, spec in EMITTERS:
            emit = load_emitter(spec)
            if emit is None:
                continue
            # The collector stays off in the steps that leave next to no cyclic garbage (not in MkDocs' templates),
            # and what a step keeps for the next (the Anki step's cards, for the site's widgets) is frozen with the
            # model: no pass walks them once more.
            with report.timed() as took, report.progress(name, bars), collector_paused(name != "site"):
                ok, made = _emit_step(name, emit, v, config, out_dir, diags)
            gc.freeze()
            summary.add(name, took(), made, failed=not ok)
    if not quiet:
        click.echo(report.table(summary.steps, whole()), err=True)
        click.echo(f"notedeck: output in {where(out_dir)}", err=True)
    sys.exit(_report(diags, strict, quiet=quiet))


def _emit_step(name: str, emit: Callable[..., object], v: Vault, config: Config, out_dir: Path,
               diags: Diagnostics) -> tuple[bool, object]:
    """Run one emitter; returns whether it ran to its end and its typed result (:mod:`notedeck.report`)."""
    from . import report

    before = report.cards_before(out_dir) if name == "anki" else {}
    returned: list[object] = []
    ok = _step(name, v, diags, lambda: returned.append(emit(v, config, out_dir, diags)))
    if ok and _step(name, v, diags, lambda: returned.append(
            report.made_of(name, returned[0], v, config, out_dir, before))):
        return True, returned[-1]
    return ok, None


from .anki.cards import extract as extract_cards  # noqa: E402
from .anki.command import cards, sync  # noqa: E402  (subcommands live with their emitters)
from .anki.emit import base_deck  # noqa: E402
from .serve.command import serve  # noqa: E402
from .snippets.extract import extract, syntax_diagnostics  # noqa: E402
from .snippets.requires import requires_diagnostics  # noqa: E402

main.add_command(cards)
main.add_command(sync)
main.add_command(serve)
main.add_command(extract)
main.add_command(load_emitter("notedeck.snippets.figures:figures"))  # type: ignore[arg-type]  (a command, not an emitter)

if __name__ == "__main__":  # pragma: no cover
    main()
