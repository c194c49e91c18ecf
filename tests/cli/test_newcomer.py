"""The newcomer's first run (issue 17): the vault found without an argument, one-line usage errors that write
nothing (exit 2, every command), output kept out of Obsidian's sight, the site and deck named after the vault
(or --site-name/--deck), the vault's home note as the home page, and exit codes shared by the commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from notedeck.cli import main
from notedeck.config import load_config
from notedeck.discover import NoVault, default_out, find_vault, hidden_inside, is_vault
from notedeck.home import home_note, homepage_setting, vault_name
from notedeck.vault import Vault

FIXTURES = Path(__file__).parents[1] / "fixtures"
STATS = FIXTURES / "newcomer-stats"

#: Every command that takes a VAULT, with what else it needs to get as far as looking for the vault.
COMMANDS = [["check"], ["build"], ["cards"], ["extract"], ["figures"], ["serve"]]


def tree(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def visible(folder: Path) -> set[str]:
    return {rel for rel in tree(folder) if not any(part.startswith(".") for part in rel.split("/"))}


@pytest.fixture
def stats(tmp_path: Path) -> Path:
    vault = tmp_path / "我的统计"
    shutil.copytree(STATS, vault)
    return vault


# -- 1. discovery


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_no_vault_is_one_line_exit_2_and_writes_nothing(command, tmp_path, monkeypatch) -> None:
    (tmp_path / "readme.txt").write_text("not a vault\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, command)
    assert r.exit_code == 2, r.output
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1, r.output
    assert "no vault found" in lines[0] and "./notes" in lines[0] and f"notedeck {command[0]} PATH/TO/VAULT" in lines[0]
    assert tree(tmp_path) == {"readme.txt"}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_vault_argument_that_is_no_folder_is_exit_2(command, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, [*command, "nowhere"])
    assert r.exit_code == 2 and len(r.output.strip().splitlines()) == 1, r.output
    assert "vault folder nowhere does not exist" in r.output
    assert tree(tmp_path) == set()


def test_discovery_order(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# a\n", encoding="utf-8")
    assert find_vault(tmp_path, None) == tmp_path  # the current folder is a vault (Markdown files)
    (tmp_path / "notes").mkdir()
    assert find_vault(tmp_path, None) == tmp_path / "notes"
    (tmp_path / "kb").mkdir()
    assert find_vault(tmp_path, tmp_path / "kb") == tmp_path / "kb"
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ndocs_dir: kb\n", encoding="utf-8")
    assert load_config(cwd=tmp_path).vault == (tmp_path / "kb").resolve()


def test_a_folder_with_only_obsidian_settings_is_a_vault(tmp_path: Path) -> None:
    assert not is_vault(tmp_path)
    (tmp_path / ".obsidian").mkdir()
    assert is_vault(tmp_path)
    with pytest.raises(NoVault):
        find_vault(tmp_path / "x", None)


def test_default_output_inside_the_vault_is_a_dot_folder(stats: Path, tmp_path: Path) -> None:
    assert default_out(stats, cwd=stats) == stats.resolve() / ".notedeck"
    assert default_out(stats, cwd=stats / "统计") == stats.resolve() / ".notedeck"
    assert default_out(stats, cwd=tmp_path) == tmp_path.resolve() / "build"
    assert hidden_inside(stats / ".notedeck" / "site", stats) and not hidden_inside(stats / "build", stats)
    (tmp_path / ".obsidian").mkdir()  # an Obsidian vault around ./notes: its build/ would show in Obsidian
    assert default_out(tmp_path / "notes", cwd=tmp_path) == tmp_path.resolve() / ".notedeck"


def test_build_inside_the_vault_writes_only_a_dot_folder(stats: Path, monkeypatch) -> None:
    before = visible(stats)
    monkeypatch.chdir(stats)
    r = CliRunner().invoke(main, ["build"])
    assert r.exit_code == 0, r.output
    assert "notedeck: output in .notedeck/ (site: .notedeck/site/index.html)" in r.output
    assert (stats / ".notedeck" / "site" / "index.html").is_file()
    assert (stats / ".notedeck" / "anki" / "统计学笔记 · Statistics notes.apkg").is_file()
    assert (stats / ".notedeck" / "snippets" / "概率" / "条件概率.py").is_file()
    assert visible(stats) == before
    r = CliRunner().invoke(main, ["build"])  # a second build replaces the first, the vault model skips it
    assert r.exit_code == 0 and "0 errors, 0 warnings" in r.output, r.output


def test_visible_out_inside_the_vault_is_refused(stats: Path, monkeypatch) -> None:
    monkeypatch.chdir(stats)
    r = CliRunner().invoke(main, ["build", "--out", "site"])
    assert r.exit_code == 2 and "lies inside the vault" in r.output
    assert not (stats / "site").exists()


def test_extract_and_cards_inside_the_vault_follow_build(stats: Path, monkeypatch) -> None:
    monkeypatch.chdir(stats)
    r = CliRunner().invoke(main, ["extract"])
    assert r.exit_code == 0, r.output
    assert (stats / ".notedeck" / "snippets" / "概率" / "条件概率.py").is_file()
    assert not (stats / "snippets").exists()
    r = CliRunner().invoke(main, ["extract", "--check"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["cards", "--json"])
    assert r.exit_code == 0
    assert not (stats / "build").exists()


# -- 2. the user's site


def test_names_come_from_the_home_note(stats: Path) -> None:
    v = Vault.load(stats, progress=False)
    assert home_note(v).rel == "首页.md"
    assert vault_name(v) == "统计学笔记 · Statistics notes"
    (stats / "首页.md").write_text("# 首页\n\n欢迎\n", encoding="utf-8")  # a generic title: the folder's name
    assert vault_name(Vault.load(stats, progress=False)) == "我的统计"


def test_site_name_and_deck_options(stats: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(stats), "--out", str(out), "--site-name", "Stats 101", "--deck", "统计复习"])
    assert r.exit_code == 0, r.output
    assert "<title>Stats 101</title>" in (out / "site" / "index.html").read_text(encoding="utf-8") or \
        "Stats 101" in (out / "site" / "index.html").read_text(encoding="utf-8").split("</title>")[0]
    assert (out / "anki" / "统计复习.apkg").is_file()
    r = CliRunner().invoke(main, ["cards", str(stats), "--json", "--deck", "统计复习"])
    assert {c["deck"].split("::")[0] for c in json.loads(r.stdout)} == {"统计复习"}


def test_site_name_overrides_mkdocs_yml(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "a.md").write_text("# a\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: From YAML\ndocs_dir: kb\nplugins:\n  - notedeck\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, ["build", "--site-name", "From CLI"])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert "From CLI" in page and "From YAML" not in page


@pytest.mark.parametrize("name", ["Home.md", "首页.md", "home.md"])
def test_home_note_is_the_home_page(name: str, tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / name).write_text("# Welcome home\n\nSee [[other]].\n", encoding="utf-8")
    (vault / "other.md").write_text("# other\n\nback to [[" + name[:-3] + "]]\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(vault), "--out", str(out)])
    assert r.exit_code == 0, r.output
    home = (out / "site" / "index.html").read_text(encoding="utf-8")
    assert "Welcome home" in home and "See" in home
    other = (out / "site" / "other" / "index.html").read_text(encoding="utf-8")
    assert 'href="../"' in other  # a link to the home note goes to the home page
    assert "Welcome home</title>" in home  # the site is named after the home note's title


def test_homepage_plugin_setting(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    (vault / ".obsidian" / "plugins" / "homepage").mkdir(parents=True)
    (vault / "Dashboard.md").write_text("# My dashboard\n", encoding="utf-8")
    (vault / "Home.md").write_text("# not this one\n", encoding="utf-8")
    settings = vault / ".obsidian" / "plugins" / "homepage" / "data.json"
    settings.write_text(json.dumps({"version": 4, "homepages": {"Main Homepage": {"value": "Dashboard", "kind": "File"}}}),
                        encoding="utf-8")
    assert homepage_setting(vault) == "Dashboard"
    assert home_note(Vault.load(vault, progress=False)).rel == "Dashboard.md"
    settings.write_text(json.dumps({"defaultNote": "Dashboard"}), encoding="utf-8")  # the plugin's older format
    assert home_note(Vault.load(vault, progress=False)).rel == "Dashboard.md"


def test_generated_list_only_without_a_home_note(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "a.md").write_text("# a\n", encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(vault), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert 'href="a/"' in (out / "site" / "index.html").read_text(encoding="utf-8")


def test_a_private_home_note_is_not_the_home(tmp_path: Path) -> None:
    (tmp_path / "Home.md").write_text("---\npublish: false\n---\n# secret\n", encoding="utf-8")
    assert home_note(Vault.load(tmp_path, progress=False)) is None


# -- exit codes, the same across commands


def test_exit_codes_are_shared(tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "a.md").write_text("# a\n", encoding="utf-8")
    warned = tmp_path / "warned"
    warned.mkdir()
    (warned / "a.md").write_text("# a\n\n[[nowhere]]\n", encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.md").write_text("# a\n\n```python\nx = (\n```\n", encoding="utf-8")
    run = CliRunner().invoke
    for cmd in (["check"], ["build", "--out", str(tmp_path / "o")]):
        assert run(main, [*cmd, str(clean)]).exit_code == 0
        assert run(main, [*cmd, str(warned)]).exit_code == 0
        assert run(main, [*cmd, str(warned), "--strict"]).exit_code == 1
        assert run(main, [*cmd, str(broken)]).exit_code == 1  # a block that does not compile is an error
        assert run(main, [*cmd, str(clean), "--no-such-option"]).exit_code == 2
    for cmd in (["cards"], ["extract", "--out", str(tmp_path / "s")], ["figures"]):
        assert run(main, [*cmd, str(clean)]).exit_code == 0, cmd
        assert run(main, [*cmd, str(clean), "--no-such-option"]).exit_code == 2


def test_cards_link_to_the_home_note_on_the_site_root(tmp_path: Path) -> None:
    from notedeck.anki.emit import render_context
    from notedeck.config import Config

    (tmp_path / "Home.md").write_text("# Home\n", encoding="utf-8")
    v = Vault.load(tmp_path, progress=False)
    ctx = render_context(v, Config(tmp_path, mkdocs={"site_url": "https://me.example/notes"}))
    assert ctx.note_url(v.notes["Home.md"]) == "https://me.example/notes/"
