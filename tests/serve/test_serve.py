"""``notedeck serve``: one build, then only the pages an edit changes, live, never stopped by a bad save.

Each test serves its own small vault on 127.0.0.1 (a free port) and stops the server at the end. Pages are read
over HTTP, as a browser would, until the change shows (a rebuild takes well under a second here).
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from notedeck.config import load_config
from notedeck.serve.rebuild import ServedSite
from notedeck.serve.server import Server
from notedeck.synthetic import make_vault, note_name

NOTES = {
    "a.md": "# A\n\nA links to [[b]] and [[c#Why]].\n\n## Sec\n\nSECTION-V1 of A.\n\n## Other\n\nOTHER-V1.\n",
    "b.md": "# B\n\nB's own text.\n",
    "c.md": "# C\n\n## Why\n\nWhy text.\n",
    "embedder.md": "# Embedder\n\nBefore.\n\n![[a#Sec]]\n\nAfter.\n",
    "d.md": "# D\n\nD links to [[a]].\n",
    "far.md": "# Far\n\nUnrelated to everything.\n",
}


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, ""


def page(server: Server, rel: str) -> str:
    return server.url + urllib.parse.quote(rel[:-3] + "/")


def until(check, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def shows(server: Server, rel: str, text: str, timeout: float = 30.0) -> str:
    """Poll ``rel``'s page until ``text`` is on it; return the page."""
    return until(lambda: (lambda s, body: body if s == 200 and text in body else "")(*get(page(server, rel))),
                 timeout, f"{text!r} on {rel}")


def backlinks(html: str) -> str:
    start = html.find('class="notedeck-backlinks"')
    return html[start:html.find("</div>", start)] if start >= 0 else ""


def rebuilds(server: Server, n: int, timeout: float = 30.0):
    assert server.site is not None
    history = server.site.wait(n, timeout)
    assert len(history) >= n, f"{len(history)} rebuilds, expected {n}"
    return history


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "vault"
    for rel, text in NOTES.items():
        write(root, rel, text)
    lines: list[str] = []
    server = Server(load_config(root), "127.0.0.1:0", echo=lines.append)
    server.start()
    server.lines = lines  # type: ignore[attr-defined]
    try:
        yield server, root
    finally:
        server.stop()
    assert not server.work.exists()  # the served site lived in a temp folder, removed on stop


def test_serves_every_page_with_live_reload_on_localhost_only(served):
    server, root = served
    assert server.url.startswith("http://127.0.0.1:")
    status, html = get(page(server, "a.md"))
    assert status == 200 and "SECTION-V1" in html and "livereload" in html
    assert "SECTION-V1" in get(page(server, "embedder.md"))[1]  # the embed
    assert ">a</a>" in backlinks(get(page(server, "b.md"))[1])
    assert sorted(p.name for p in root.iterdir()) == sorted(NOTES)  # nothing written into the vault


def test_body_edit_updates_the_note_its_embedder_and_its_backlink_targets(served):
    server, root = served
    write(root, "a.md", NOTES["a.md"].replace("SECTION-V1", "SECTION-V2").replace("[[b]]", "[[d]]"))
    shows(server, "a.md", "SECTION-V2")
    shows(server, "embedder.md", "SECTION-V2")  # it transcludes a#Sec
    r = rebuilds(server, 1)[-1]
    assert not r.full and r.changed == ["a.md"]
    # a no longer links to b: b's backlinks lose A; it now links to d: d's backlinks gain A
    assert ">a</a>" not in backlinks(get(page(server, "b.md"))[1])
    assert ">a</a>" in backlinks(get(page(server, "d.md"))[1])
    assert set(r.pages) == {"a.md", "embedder.md", "b.md", "d.md"}  # far.md and c.md untouched
    # an edit outside the embedded section re-renders the note only
    write(root, "a.md", NOTES["a.md"].replace("SECTION-V1", "SECTION-V2").replace("[[b]]", "[[d]]")
          .replace("OTHER-V1", "OTHER-V2"))
    shows(server, "a.md", "OTHER-V2")
    assert rebuilds(server, 2)[-1].pages == ["a.md"]


def test_renaming_a_heading_breaks_the_links_to_it_and_reports_them(served):
    server, root = served
    write(root, "c.md", NOTES["c.md"].replace("## Why", "## Because"))
    shows(server, "c.md", "Because")
    r = rebuilds(server, 1)[-1]
    assert not r.full and set(r.pages) == {"c.md", "a.md"}
    assert any(d.code == "broken-heading" and d.path.endswith("a.md") for d in r.diagnostics)
    assert any("broken-heading" in line and "a.md" in line for line in server.lines)  # type: ignore[attr-defined]


def test_renaming_a_note_turns_links_to_it_broken_and_reports_them(served):
    server, root = served
    (root / "b.md").rename(root / "b2.md")
    until(lambda: get(page(server, "b2.md"))[0] == 200, what="the renamed page")
    r = rebuilds(server, 1)[-1]
    assert r.full and set(r.changed) == {"b.md", "b2.md"}
    broken = [d for d in r.diagnostics if d.code == "broken-link"]
    assert [(Path(d.path).name, d.message) for d in broken] == [
        ("a.md", "[[b]] matches no note or file in the vault; did you mean [[b2]]?")]
    assert any("a.md:3:" in line and "broken-link" in line for line in server.lines)  # type: ignore[attr-defined]
    assert get(page(server, "b.md"))[0] == 404
    assert "A links to" in shows(server, "a.md", "A links to")
    # linking to the new name repairs it
    write(root, "a.md", NOTES["a.md"].replace("[[b]]", "[[b2]]"))
    shows(server, "a.md", "b2/")
    assert not [d for d in rebuilds(server, 2)[-1].diagnostics if d.code == "broken-link"]


def test_new_and_deleted_notes(served):
    server, root = served
    write(root, "new.md", "# New\n\nNEW-NOTE links to [[far]].\n")
    shows(server, "new.md", "NEW-NOTE")
    assert ">new</a>" in backlinks(shows(server, "far.md", "new"))
    (root / "new.md").unlink()
    until(lambda: get(page(server, "new.md"))[0] == 404, what="the deleted page to go")
    assert ">new</a>" not in backlinks(get(page(server, "far.md"))[1])


def test_a_half_written_note_is_reported_and_the_server_keeps_serving(served):
    server, root = served
    # broken front matter and an unclosed fence: parsed as they are, diagnostics printed
    write(root, "far.md", "---\ntitle: [unclosed\n---\n# Far\n\nHALF-WRITTEN\n\n```python\nx = 1\n")
    rebuilds(server, 1)
    shows(server, "far.md", "HALF-WRITTEN")
    codes = {d.code for d in server.site.history[-1].diagnostics}  # type: ignore[union-attr]
    assert {"bad-frontmatter", "unclosed-fence"} <= codes
    # not UTF-8 (a multi-byte character cut in half): reported; the last good version stays served
    (root / "far.md").write_bytes("# Far\n\nHALF-WRITTEN\n\n截".encode()[:-1])
    r = rebuilds(server, 2)[-1]
    assert [d.code for d in r.diagnostics] == ["not-utf8"]
    assert get(page(server, "far.md"))[0] == 200 and get(page(server, "a.md"))[0] == 200
    # the next good save is picked up
    write(root, "far.md", "# Far\n\nGOOD-AGAIN\n")
    shows(server, "far.md", "GOOD-AGAIN")
    assert not [d for d in rebuilds(server, 3)[-1].diagnostics if d.severity == "error"]


def test_an_error_of_ours_while_rebuilding_is_reported_and_the_next_save_is_picked_up(served, monkeypatch):
    server, root = served
    calls = []

    def broken(self, rels, backlinks):
        calls.append(rels)
        raise RuntimeError("a bug while rendering")

    monkeypatch.setattr(ServedSite, "_render", broken)
    write(root, "far.md", "# Far\n\nNOT-SHOWN\n")
    r = rebuilds(server, 1)[-1]
    assert r.error and [d.code for d in r.diagnostics] == ["internal-error"]
    assert "a bug while rendering" in r.diagnostics[0].message
    assert any("internal-error" in line for line in server.lines)  # type: ignore[attr-defined]
    assert get(page(server, "far.md"))[0] == 200  # still serving the last good page
    monkeypatch.undo()
    write(root, "far.md", "# Far\n\nSHOWN-AFTER-FIX\n")
    shows(server, "far.md", "SHOWN-AFTER-FIX")
    assert rebuilds(server, 2)[-1].full  # after a failure, everything is rebuilt once


def test_saves_arriving_while_rendering_are_coalesced(served, monkeypatch):
    server, root = served
    started, release = threading.Event(), threading.Event()
    original = ServedSite._render

    def slow(self, rels, backlinks):
        if not started.is_set():
            started.set()
            release.wait(30)
        return original(self, rels, backlinks)

    monkeypatch.setattr(ServedSite, "_render", slow)
    write(root, "far.md", "# Far\n\nSAVE-1\n")
    assert started.wait(30)
    for k in range(2, 6):  # four more saves while the first is still rendering
        write(root, "far.md", f"# Far\n\nSAVE-{k}\n")
        write(root, "b.md", f"# B\n\nB-SAVE-{k}\n")
        time.sleep(0.05)
    release.set()
    shows(server, "far.md", "SAVE-5")
    shows(server, "b.md", "B-SAVE-5")
    time.sleep(0.5)
    history = server.site.history  # type: ignore[union-attr]
    assert len(history) == 2, [h.changed for h in history]  # the first save, then all the others at once
    assert history[0].changed == ["far.md"] and history[1].changed == ["b.md", "far.md"]


def test_a_synthetic_vault_body_edit_renders_few_pages(tmp_path):
    root = make_vault(tmp_path / "v", 60, cards=2)
    rel = f"主题05/{note_name(5)}.md"
    server = Server(load_config(root), "127.0.0.1:0", echo=lambda line: None)
    server.start()
    try:
        docs = len(json.loads(get(server.url + "search/search_index.json")[1])["docs"])
        text = (root / rel).read_text(encoding="utf-8")
        write(root, rel, text.replace("这是关于", "这是EDITED关于", 1))
        shows(server, rel, "EDITED")
        r = rebuilds(server, 1)[-1]
        assert not r.full and r.pages == [rel]
        index = until(lambda: (lambda docs: docs if any("EDITED" in d["text"] for d in docs) else None)(
            json.loads(get(server.url + "search/search_index.json")[1])["docs"]), what="the search index")
        assert len(index) == docs  # the search index follows: the page's entries replaced, no others
    finally:
        server.stop()


def test_the_command_serves_until_interrupted_and_cleans_up(tmp_path):
    import os
    import re
    import signal
    import subprocess
    import sys

    root = tmp_path / "vault"
    for rel, text in NOTES.items():
        write(root, rel, text)
    import notedeck

    src = str(Path(notedeck.__file__).resolve().parents[1])  # this checkout's package, whatever is installed
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "PYTHONPATH": src}
    (tmp_path / "tmp").mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "notedeck.cli", "serve", str(root), "-a", "127.0.0.1:0"],
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        lines = []
        timer = threading.Timer(120, proc.kill)  # never hang the suite on a server that does not start
        timer.start()
        for line in proc.stderr:  # type: ignore[union-attr]
            lines.append(line)
            if "serving on" in line:
                break
        timer.cancel()
        url = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert url, lines
        status, html = get(url.group(0) + "a/")
        assert status == 200 and "SECTION-V1" in html
        write(root, "a.md", NOTES["a.md"].replace("SECTION-V1", "FROM-THE-CLI"))
        until(lambda: "FROM-THE-CLI" in get(url.group(0) + "a/")[1], what="the edit")
    finally:
        proc.send_signal(signal.SIGINT)
        out = proc.communicate(timeout=60)[1]
    assert proc.returncode == 0, out
    assert "a.md: 2 pages re-rendered" in out and "shutting down" in out
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary site is gone


def test_a_parser_crash_on_one_save_is_reported_and_that_note_keeps_its_last_version(served, monkeypatch):
    import notedeck.vault.vault as vault_module

    server, root = served
    real = vault_module.parse_note

    def crashing(path, rel, text, *a, **kw):
        if "CRASH" in text:
            raise ValueError("parser bug")
        return real(path, rel, text, *a, **kw)

    monkeypatch.setattr(vault_module, "parse_note", crashing)
    write(root, "b.md", "# B\n\nCRASH here\n")
    r = rebuilds(server, 1)[-1]
    assert [(d.code, Path(d.path).name) for d in r.diagnostics] == [("internal-error", "b.md")]
    assert "own text" in get(page(server, "b.md"))[1]  # the last good version
    write(root, "b.md", "# B\n\nFINE-AGAIN\n")
    shows(server, "b.md", "FINE-AGAIN")


def _epoch(html: str) -> int:
    import re

    m = re.search(r"livereload\((\d+), \d+\)", html)
    assert m, "no live-reload script on the page"
    return int(m.group(1))


def test_the_browser_is_told_to_reload_after_a_rebuild_and_not_after_obsidians_own_files(served):
    server, root = served
    epoch = _epoch(get(page(server, "a.md"))[1])
    answer: list[str] = []
    # what the page's script does: a long poll that returns once a newer version of the site is served
    poll = threading.Thread(target=lambda: answer.append(get(f"{server.url}livereload/{epoch}/1")[1]))
    poll.start()
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "workspace.json").write_text("{}", encoding="utf-8")  # Obsidian saves it all the time
    time.sleep(1.0)
    assert not answer and not server.site.history  # type: ignore[union-attr]
    write(root, "far.md", "# Far\n\nRELOAD-ME\n")
    poll.join(30)
    assert answer and int(answer[0]) > epoch
    assert "RELOAD-ME" in get(page(server, "far.md"))[1]


def test_attachments_private_notes_and_the_configuration(tmp_path):
    root = tmp_path / "vault"
    for rel, text in NOTES.items():
        write(root, rel, text)
    write(root, "img.md", "# Img\n\n![[pic.png]]\n")
    (root / "pic.png").write_bytes(b"\x89PNG-v1")
    yml = tmp_path / "mkdocs.yml"
    yml.write_text(f"site_name: First name\ndocs_dir: {root}\ntheme:\n  name: material\n  features: [navigation.prune]\n"
                   "plugins:\n  - search\n  - notedeck\n", encoding="utf-8")
    server = Server(load_config(root, cwd=tmp_path), "127.0.0.1:0", echo=lambda line: None)
    server.start()
    try:
        assert get(server.url + "pic.png")[1] == "\ufffdPNG-v1"
        (root / "pic.png").write_bytes(b"\x89PNG-v2")  # an attachment edited: copied, no page re-rendered
        until(lambda: get(server.url + "pic.png")[1].endswith("v2"), what="the new image")
        assert rebuilds(server, 1)[-1].pages == []
        write(root, "far.md", "---\npublish: false\n---\n# Far\n")  # made private: its page goes
        until(lambda: get(page(server, "far.md"))[0] == 404, what="the private page to go")
        assert rebuilds(server, 2)[-1].full
        yml.write_text(yml.read_text(encoding="utf-8").replace("First name", "Second name"), encoding="utf-8")
        shows(server, "a.md", "Second name")
        assert rebuilds(server, 3)[-1].reason.startswith("mkdocs.yml")
    finally:
        server.stop()
    assert not (root / "site").exists() and sorted(p.name for p in root.iterdir()) == sorted([*NOTES, "img.md", "pic.png"])


def test_an_alias_makes_links_resolve_without_a_full_rebuild(served):
    server, root = served
    write(root, "far.md", "# Far\n\nsee [[nick]]\n")
    r = rebuilds(server, 1)[-1]
    assert [d.code for d in r.diagnostics] == ["broken-link"]
    write(root, "b.md", "---\naliases: [nick]\n---\n# B\n\nB's own text.\n")
    shows(server, "far.md", 'href="../b/"')
    r = rebuilds(server, 2)[-1]
    assert not r.full and set(r.pages) == {"b.md", "far.md"}  # far: its link resolves; b: a backlink more
    assert ">far</a>" in backlinks(get(page(server, "b.md"))[1])


def test_serve_command_help():
    from click.testing import CliRunner

    from notedeck.serve.command import serve

    result = CliRunner().invoke(serve, ["--help"])
    assert result.exit_code == 0 and "live reload" in result.output
