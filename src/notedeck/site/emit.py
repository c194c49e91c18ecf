"""``notedeck build``'s site step: build the vault's MkDocs site into ``<out>/site`` (atomically)."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from ..config import Config
from ..discover import inside
from ..report import SiteMade
from ..vault import Diagnostics, Vault
from .default_config import write_default_config


def cards_of(vault: Vault) -> list | None:
    """The cards this build's Anki step extracted from ``vault`` (the site shows them as widgets), if it ran."""
    from ..anki.extract import last_extraction

    found = last_extraction(vault)
    return found.cards if found is not None else None


def load_mkdocs_config(config_file: Path, site_dir: Path | None = None, **overrides):
    """MkDocs' validated configuration from ``config_file`` (with ``site_dir`` overridden)."""
    from mkdocs.config import load_config

    if site_dir is not None:
        overrides["site_dir"] = str(site_dir)
    return load_config(str(config_file), **overrides)


def emit(vault: Vault, config: Config, out: Path, diagnostics: Diagnostics) -> SiteMade | None:
    """Build the site into ``out/site``: with the project's mkdocs.yml, else a generated default one; returns
    what it wrote (None when the build failed).

    The vault is never written to: the default configuration lives in a temporary folder and the site is
    built into a temporary folder next to ``out/site`` that then replaces it.
    """
    from mkdocs.commands.build import build
    from mkdocs.exceptions import MkDocsException

    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    final = out / "site"
    # (output in a dot-folder of the vault, e.g. <vault>/.notedeck: MkDocs refuses a site_dir inside its
    # docs_dir, so the site is built in the system's temporary folder and then moved there)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=None if inside(out, vault.root) else out))
    mk_logger = logging.getLogger("mkdocs")
    old_level = mk_logger.level
    mk_logger.setLevel(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory(prefix="notedeck-mkdocs-") as tmp:
            if config.mkdocs_yml is not None:
                cfg_file = config.mkdocs_yml
            else:
                cfg_file = write_default_config(Path(tmp), vault.root, staging, config.site_name)
            mk = load_mkdocs_config(cfg_file, site_dir=staging,
                                    **({"site_name": config.name} if config.name else {}))
            plugin = mk.plugins.get("notedeck")
            if plugin is None:  # a project mkdocs.yml without our plugin: notes still need its pages
                from .plugin import NotedeckPlugin

                plugin = NotedeckPlugin()
                plugin.load_config({}, str(cfg_file))
                mk.plugins["notedeck"] = plugin
                diagnostics.add(str(cfg_file), 0, 0, "info", "site-config",
                                "mkdocs.yml does not list the notedeck plugin; `notedeck build` adds it "
                                "(add `- notedeck` under plugins: so that `mkdocs build` converts Obsidian syntax too)")
            plugin.preloaded = vault
            plugin.results_path = str(out / "notedeck-results.json")
            plugin.cards = cards_of(vault)
            plugin.collect = diagnostics
            mk.plugins.on_startup(command="build", dirty=False)
            try:
                build(mk)
            finally:
                mk.plugins.on_shutdown()
            made = SiteMade(final, plugin.pages_written, len(vault.notes) - len(vault.published))
        if staging.parent != out:  # moved next to its final place first, so the swap below stays a rename
            staging = Path(shutil.move(str(staging), str(Path(tempfile.mkdtemp(prefix=".site-", dir=out)) / "site")))
        if final.exists():
            old = out / f".site-old-{os.getpid()}"
            os.replace(final, old)
            os.replace(staging, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, final)
        if staging.parent != out:
            shutil.rmtree(staging.parent, ignore_errors=True)
        return made
    except (MkDocsException, OSError) as e:
        diagnostics.add(str(config.mkdocs_yml or vault.root), 0, 0, "error", "site-build", f"site build failed: {e}")
    except Exception as e:  # a bug in Python-Markdown, an extension or ours must not end the whole build
        diagnostics.add(str(config.mkdocs_yml or vault.root), 0, 0, "error", "site-build",
                        f"site build failed: {type(e).__name__}: {e} (please report it with the note that caused it)")
    finally:
        mk_logger.setLevel(old_level)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return None
