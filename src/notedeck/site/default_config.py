"""The MkDocs configuration used for a vault that has no ``mkdocs.yml`` of its own."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

BASE_NAME = "mkdocs_base.yml"


def base_yaml() -> str:
    """The shared Material configuration (theme, plugins, Markdown extensions) as YAML text."""
    return resources.files("notedeck.site").joinpath(BASE_NAME).read_text(encoding="utf-8")


def default_config_yaml(vault: Path, site_dir: Path, site_name: str | None = None) -> str:
    """A complete ``mkdocs.yml`` for ``vault`` (absolute paths, so it can live in a temp folder)."""
    vault = Path(vault).resolve()
    head = {
        "site_name": site_name or vault.name,
        "docs_dir": str(vault),
        "site_dir": str(Path(site_dir).resolve()),
        "use_directory_urls": True,
    }
    return yaml.safe_dump(head, allow_unicode=True, sort_keys=False) + "\n" + base_yaml()


def write_default_config(folder: Path, vault: Path, site_dir: Path, site_name: str | None = None) -> Path:
    """Write the generated ``mkdocs.yml`` into ``folder`` (never into the vault) and return its path."""
    path = Path(folder) / "mkdocs.yml"
    path.write_text(default_config_yaml(vault, site_dir, site_name), encoding="utf-8")
    return path
