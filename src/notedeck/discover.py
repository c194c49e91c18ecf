"""Where the vault is when no VAULT argument is given, and where output goes by default.

Discovery, in order: ``docs_dir`` of ``./mkdocs.yml``, else ``./notes``, else the current folder when it is a
vault (it holds ``.obsidian/`` or Markdown files). When there is none, every command prints one line saying
what was looked for and what to run, writes nothing and exits 2 (a usage error).

Output: ``build/`` of the current folder, unless that folder lies inside the vault (you ran the command from
inside your vault): then ``<vault>/.notedeck/``, a dot-folder, which Obsidian does not show and the vault model
skips (so the output is never read back as notes or attachments); likewise ``./.notedeck/`` when the current
folder is itself an Obsidian vault (``.obsidian/``) whose ``notes/`` is the one used.
"""

from __future__ import annotations

from pathlib import Path

import click

#: The folder inside a vault that holds the default output when the command runs from inside the vault.
HIDDEN_OUT = ".notedeck"


class NoVault(click.ClickException):
    """No vault to work on: one line, exit status 2 (usage), the same for every command."""

    exit_code = 2

    def show(self, file=None) -> None:  # noqa: ANN001 - click's signature
        click.echo(f"notedeck: {self.format_message()}", err=True)


def _command() -> str:
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.parent is None:
        return "notedeck build"
    return f"notedeck {ctx.info_name}"


def is_vault(folder: Path) -> bool:
    """A folder Obsidian would open as a vault: it has ``.obsidian/``, or Markdown files (in it or in its
    sub-folders one level down, outside dot-folders: a quick look, not a walk of a whole home folder)."""
    if (folder / ".obsidian").is_dir():
        return True
    if not folder.is_dir():
        return False
    if any(folder.glob("*.md")):
        return True
    return any(p for p in folder.glob("*/*.md") if not p.parent.name.startswith("."))


def find_vault(cwd: Path, docs: Path | None) -> Path:
    """The vault to use when no VAULT argument is given (``docs``: the docs_dir of ``./mkdocs.yml``, if any)."""
    if docs is not None and docs.is_dir():
        return docs
    if (cwd / "notes").is_dir():
        return cwd / "notes"
    if is_vault(cwd):
        return cwd
    looked = "the docs_dir of ./mkdocs.yml (missing)" if docs is not None else "./mkdocs.yml"
    raise NoVault(f"no vault found: looked for {looked}, ./notes, and .obsidian/ or Markdown files in {cwd}; "
                  f"run `{_command()} PATH/TO/VAULT` (or run it inside your vault)")


def check_vault_arg(path: Path) -> None:
    """A VAULT argument that is no folder: the same one-line usage error."""
    if not path.is_dir():
        what = "is a file, not a folder" if path.exists() else "does not exist"
        raise NoVault(f"vault folder {path} {what}; run `{_command()} PATH/TO/VAULT` with your vault's folder")


def inside(path: Path, root: Path) -> bool:
    path, root = Path(path).resolve(), Path(root).resolve()
    return path == root or root in path.parents


def hidden_inside(path: Path, root: Path) -> bool:
    """``path`` lies in a dot-folder of the vault ``root`` (which Obsidian and the vault model skip)."""
    path, root = Path(path).resolve(), Path(root).resolve()
    if root not in path.parents:
        return False
    return path.relative_to(root).parts[0].startswith(".")


def default_out(vault: Path, cwd: Path | None = None) -> Path:
    """``./build``, or ``<vault>/.notedeck`` when the current folder lies inside the vault (``./.notedeck`` when
    the current folder is itself an Obsidian vault holding the one used, e.g. ``./notes``)."""
    cwd = (cwd or Path.cwd()).resolve()
    if inside(cwd, vault):
        return Path(vault).resolve() / HIDDEN_OUT
    if (cwd / ".obsidian").is_dir():
        return cwd / HIDDEN_OUT
    return cwd / "build"


def output_folder(out: str | None, vault: Path, cwd: Path | None = None) -> Path:
    """The output folder of ``--out`` (or the default). One inside the vault is a usage error unless it is a
    dot-folder there."""
    path = Path(out).resolve() if out else default_out(vault, cwd)
    if inside(path, vault) and not hidden_inside(path, vault):
        raise NoVault(f"--out {out} lies inside the vault, where Obsidian would show the output as notes; "
                      f"use a folder outside it, or a dot-folder such as {Path(vault) / HIDDEN_OUT}")
    return path


def where(out: Path) -> str:
    """Where the output went, for the last line of a build: the folder and its site's home page."""
    from .vault.diagnostics import display_path

    shown = display_path(out)
    site = Path(out) / "site" / "index.html"
    return f"{shown}/ (site: {display_path(site)})" if site.is_file() else f"{shown}/"
