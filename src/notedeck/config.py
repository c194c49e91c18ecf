"""Where the vault is and how it is configured: ``mkdocs.yml`` (plugin ``notedeck`` options) or defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class _LenientLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, whose ``!!python/name:`` and ``!ENV`` tags safe_load rejects."""


def _unknown(loader: yaml.Loader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_LenientLoader.add_multi_constructor("", _unknown)
_LenientLoader.add_multi_constructor("!", _unknown)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown)


def read_mkdocs_yml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LenientLoader)  # noqa: S506 - SafeLoader subclass
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def plugin_options(mkdocs: dict[str, Any]) -> dict[str, Any]:
    """Options of the ``notedeck`` entry under ``plugins:`` (``{}`` when absent)."""
    for entry in mkdocs.get("plugins") or []:
        if entry == "notedeck":
            return {}
        if isinstance(entry, dict) and "notedeck" in entry:
            return dict(entry["notedeck"] or {})
    return {}


@dataclass
class Config:
    vault: Path
    mkdocs_yml: Path | None = None  # the project's mkdocs.yml, when it is the one for this vault
    mkdocs: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # ``--site-name`` (or the vault's home note title): see :mod:`notedeck.home`

    @property
    def site_name(self) -> str:
        return str(self.name or self.mkdocs.get("site_name") or self.vault.resolve().name)

    @property
    def site_url(self) -> str:
        return str(self.mkdocs.get("site_url") or self.options.get("site_url") or "")


def load_config(vault: str | Path | None = None, cwd: Path | None = None) -> Config:
    """``vault`` or, when omitted, the one :func:`notedeck.discover.find_vault` finds (``docs_dir`` of
    ``./mkdocs.yml``, else ``./notes``, else the current folder); no vault: :class:`~notedeck.discover.NoVault`."""
    from .discover import check_vault_arg, find_vault

    cwd = cwd or Path.cwd()
    yml = cwd / "mkdocs.yml"
    mk = read_mkdocs_yml(yml) if yml.is_file() else {}
    docs = (cwd / str(mk.get("docs_dir", "docs"))).resolve() if mk else None
    if vault is None:
        path = find_vault(cwd, docs)
    else:
        path = Path(vault)
        check_vault_arg(path)
    if docs is not None and path.resolve() == docs:
        return Config(path, yml, mk, plugin_options(mk))
    return Config(path)
