"""The ``notedeck`` command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from . import __version__
from .config import Config, load_config
from .emitters import EMITTERS, load_emitter
from .vault import Diagnostics, Vault


def _report(diags: Diagnostics, strict: bool, quiet_ok: bool = False) -> int:
    for d in diags.sorted():
        click.echo(str(d), err=False)
    failed = diags.failed(strict)
    if not (quiet_ok and not len(diags)):
        strict_note = " (--strict: warnings fail)" if strict and diags.count("warning") else ""
        click.echo(f"notedeck: {diags.summary()}{strict_note}", err=True)
    return 1 if failed else 0


def load(vault_arg: str | None) -> tuple[Config, Vault]:
    config = load_config(vault_arg)
    return config, Vault.load(config.vault)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="notedeck")
def main() -> None:
    """Turn an Obsidian vault into executable notes, a MkDocs site and Anki decks.

    VAULT defaults to docs_dir of ./mkdocs.yml, else ./notes.
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
    sys.exit(_report(diags, strict))


def _step(name: str, v: Vault, diags: Diagnostics, run: Callable[[], object]) -> None:
    """Run one step; a bug of ours in it becomes an ``internal-error`` diagnostic, and the other steps still run."""
    try:
        run()
    except Exception as e:
        diags.add(str(v.root), 0, 0, "error", "internal-error",
                  f"the {name} step failed: {type(e).__name__}: {e} (please report it with the vault's note)")


@main.command()
@click.argument("vault", required=False)
@click.option("--out", "out", type=click.Path(file_okay=False), default="build", show_default=True,
              help="Output folder (site/, anki/ …).")
@click.option("--strict", is_flag=True, help="Warnings fail the exit code too.")
def build(vault: str | None, out: str, strict: bool) -> None:
    """Run every emitter (site, Anki decks, snippets). Nothing is written into the vault."""
    config, v = load(vault)
    out_dir = Path(out).resolve()
    if out_dir == v.root or v.root in out_dir.parents:
        click.echo(f"notedeck: --out {out} lies inside the vault; refusing to write there", err=True)
        sys.exit(2)
    diags = v.diagnostics
    for name, spec in EMITTERS:
        emit = load_emitter(spec)
        if emit is None:
            continue
        if sys.stderr.isatty():
            click.echo(f"notedeck: building {name} …", err=True)
        _step(name, v, diags, lambda emit=emit: emit(v, config, out_dir, diags))
    sys.exit(_report(diags, strict))


from .anki.cards import extract as extract_cards  # noqa: E402
from .anki.command import cards, sync  # noqa: E402  (subcommands live with their emitters)
from .anki.emit import base_deck  # noqa: E402
from .site.command import serve  # noqa: E402
from .snippets.extract import extract, syntax_diagnostics  # noqa: E402

main.add_command(cards)
main.add_command(sync)
main.add_command(serve)
main.add_command(extract)
main.add_command(load_emitter("notedeck.snippets.figures:figures"))  # type: ignore[arg-type]  (a command, not an emitter)

if __name__ == "__main__":  # pragma: no cover
    main()
