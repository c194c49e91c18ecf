"""Figures: ``figure="…"`` blocks, ``notedeck figures [--check]`` and stale figures under pytest, on a fixture vault
(Obsidian's attachment folder ``附件`` from ``.obsidian/app.json``, a hand-made image in it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from notedeck.snippets.figures import HASH_KEY, VaultFiles, read_stamp, stamp

sys.path.insert(0, str(Path(__file__).parent))
from test_snippets_plugin import outcomes, run_pytest  # noqa: E402

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "snippets-figures"
DRAWN = ["平方.png", "左.png", "右.png", "自存.png"]

pytest.importorskip("matplotlib")


@pytest.fixture()
def vault(tmp_path: Path) -> Path:
    dest = tmp_path / "vault"
    shutil.copytree(FIXTURE, dest)
    return dest


def figures(vault: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run([sys.executable, "-m", "notedeck.cli", "figures", str(vault), *args], cwd=vault.parent,
                          env=env, capture_output=True, text=True, timeout=300)


def snapshot(vault: Path) -> dict[str, bytes]:
    return {p.relative_to(vault).as_posix(): p.read_bytes() for p in sorted(vault.rglob("*")) if p.is_file()}


def test_figures_draws_into_the_attachment_folder_with_the_code_hash_and_leaves_hand_made_images(vault: Path) -> None:
    hand_made = (vault / "附件" / "手绘.png").read_bytes()
    before = snapshot(vault)
    proc = figures(vault)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after = snapshot(vault)
    assert sorted(set(after) - set(before)) == sorted(f"附件/{n}" for n in DRAWN)  # nothing else written
    assert all(after[k] == v for k, v in before.items())  # nothing else changed, the hand-made image neither
    assert (vault / "附件" / "手绘.png").read_bytes() == hand_made
    assert "vault/曲线.md:26:11: warning[hand-made-figure]: image vault/附件/手绘.png" in proc.stdout
    stamps = {n: read_stamp(vault / "附件" / n) for n in DRAWN}
    assert all(len(s or "") == 64 for s in stamps.values())
    assert stamps["左.png"] == stamps["右.png"] != stamps["平方.png"]  # one block, two figures; another block
    from PIL import Image

    with Image.open(vault / "附件" / "自存.png") as im:  # the block's own savefig(dpi=20) was kept
        assert im.size == (40, 40)
        assert im.text[HASH_KEY] == stamps["自存.png"]
    with Image.open(vault / "附件" / "平方.png") as im:
        assert im.size == (200, 200)  # figsize 2×2 at matplotlib's default 100 dpi

    check = figures(vault, "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    again = figures(vault)  # up to date: nothing redrawn
    assert again.returncode == 0 and snapshot(vault) == after
    assert "0 written, 4 up to date, 1 hand-made left alone" in again.stderr


def test_check_names_a_missing_image_and_figures_regenerates_it(vault: Path) -> None:
    assert figures(vault).returncode == 0
    kept = (vault / "附件" / "左.png").read_bytes()
    (vault / "附件" / "平方.png").unlink()
    check = figures(vault, "--check")
    assert check.returncode == 1
    assert check.stdout.splitlines()[0] == ("vault/曲线.md:8:11: error[stale-figure]: image vault/附件/平方.png "
                                            "(figure=\"平方.png\" of the block at line 8) is missing; run `notedeck figures`")
    assert not (vault / "附件" / "平方.png").exists()  # --check writes nothing
    proc = figures(vault)
    assert proc.returncode == 0, proc.stderr
    assert (vault / "附件" / "平方.png").is_file() and (vault / "附件" / "左.png").read_bytes() == kept
    assert figures(vault, "--check").returncode == 0


def test_a_changed_plotting_block_or_an_earlier_block_makes_its_figures_stale(vault: Path) -> None:
    assert figures(vault).returncode == 0
    note = vault / "曲线.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("[1, 0, 1, 0]", "[0, 1, 0, 1]"), encoding="utf-8")
    check = figures(vault, "--check")
    assert check.returncode == 1
    errors = [line for line in check.stdout.splitlines() if "error[" in line]
    assert errors == ["vault/曲线.md:20:11: error[stale-figure]: image vault/附件/自存.png (figure=\"自存.png\" of the block at "
                      "line 20) was drawn by other code than this block and the blocks before it; run `notedeck figures`"]
    # pytest fails that block (and only that one): a stale figure is a failure of the block that draws it
    results, proc = run_pytest(vault, "-p", "no:cacheprovider")
    assert outcomes(results) == {"其他.md::L3": ("passed", ""), "曲线.md::L3": ("passed", ""), "曲线.md::L8": ("passed", ""),
                                 "曲线.md::L15": ("passed", ""), "曲线.md::L20": ("failed", ""),
                                 "曲线.md::L26": ("passed", "")}, proc.stdout  # 手绘.png is hand-made: not checked
    assert results["曲线.md::L20"]["text"].startswith("曲线.md:20: stale-figure: image ")
    assert proc.returncode == 1
    # changing the first block (data every figure depends on) makes all drawn figures stale
    assert figures(vault).returncode == 0
    note.write_text(note.read_text(encoding="utf-8").replace("xs = [0, 1, 2, 3]", "xs = [0, 1, 2, 4]"), encoding="utf-8")
    check = figures(vault, "--check")
    assert sum("error[stale-figure]" in line for line in check.stdout.splitlines()) == 4


def test_pytest_fails_a_figure_block_whose_image_is_missing_or_that_draws_nothing(vault: Path) -> None:
    (vault / "空.md").write_text('```python figure="无.png"\nx = 1\n```\n', encoding="utf-8")
    results, proc = run_pytest(vault, "-p", "no:cacheprovider", "-k", "平方 or L8 or 空")
    assert results["曲线.md::L8"]["outcome"] == "failed"
    assert "平方.png" in results["曲线.md::L8"]["text"] and "is missing" in results["曲线.md::L8"]["text"]
    assert results["空.md::L1"]["outcome"] == "failed"
    assert results["空.md::L1"]["text"].startswith('空.md:1: figure="无.png" but the block drew no matplotlib figure')


def test_stamp_round_trip_and_replacement(tmp_path: Path) -> None:
    png = (FIXTURE / "附件" / "手绘.png").read_bytes()
    assert read_stamp(FIXTURE / "附件" / "手绘.png") is None
    one = stamp(png, "a" * 64)
    two = stamp(one, "b" * 64)
    (tmp_path / "x.png").write_bytes(two)
    assert read_stamp(tmp_path / "x.png") == "b" * 64
    assert two.count(HASH_KEY.encode()) == 1 and len(two) == len(one)
    with pytest.raises(ValueError):
        stamp(b"GIF89a", "c")


@pytest.mark.parametrize(("setting", "expected"), [
    (None, "imgs/新.png"),  # no app.json: where most images are
    ("/", "新.png"),  # vault root
    ("./", "课/新.png"),  # the note's folder
    ("./附件", "课/附件/新.png"),  # below the note's folder
    ("素材", "素材/新.png"),  # a vault folder
])
def test_attachment_folder(tmp_path: Path, setting: str | None, expected: str) -> None:
    (tmp_path / "imgs").mkdir()
    (tmp_path / "课").mkdir()
    for n in ("a.png", "b.jpg"):
        (tmp_path / "imgs" / n).write_bytes(b"x")
    (tmp_path / "课" / "c.png").write_bytes(b"x")
    (tmp_path / "旧.png").write_bytes(b"x")
    if setting is not None:
        (tmp_path / ".obsidian").mkdir()
        (tmp_path / ".obsidian" / "app.json").write_text(f'{{"attachmentFolderPath": "{setting}"}}', encoding="utf-8")
    files = VaultFiles(tmp_path)
    assert files.destination("课/笔记.md", "新.png") == tmp_path / expected
    assert files.destination("课/笔记.md", "旧.png") == tmp_path / "旧.png"  # an existing image stays where it is
    assert files.destination("课/笔记.md", "C.PNG") == tmp_path / "课" / "c.png"  # found by name, case-insensitive
    assert files.destination("课/笔记.md", "sub/d.png") == tmp_path / "sub" / "d.png"  # a vault-relative path
