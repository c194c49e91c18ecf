"""Build a vault's deck and import it with Anki's own importer (``anki`` package, headless)."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

from notedeck.anki.emit import emit
from notedeck.config import Config
from notedeck.vault import Diagnostics, Vault

SITE_URL = "https://example.org/notes/"


def config_for(vault: Path, **options) -> Config:
    return Config(vault, None, {"site_name": "测试站点", "site_url": SITE_URL}, dict(options))


def build(vault: Path, out: Path, **options) -> tuple[Path, Diagnostics]:
    v = Vault.load(vault)
    diags = Diagnostics()
    stats = emit(v, config_for(vault, **options), out, diags)
    assert stats is not None
    return stats.path, diags


def import_package(col: Collection, apkg: Path):
    """Import like Anki's default: update notes only when newer, keep scheduling."""
    req = ImportAnkiPackageRequest(package_path=str(apkg), options=ImportAnkiPackageOptions(with_scheduling=True))
    return col.import_anki_package(req).log


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def copy_fixture(name: str, dst: Path) -> Path:
    """A private copy of ``tests/fixtures/<name>`` (tests may edit it; nothing writes into fixtures)."""
    import shutil

    shutil.copytree(FIXTURES / name, dst)
    return dst


def fresh_collection(folder: Path) -> Collection:
    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))
