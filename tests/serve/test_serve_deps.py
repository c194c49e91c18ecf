"""The dependency rules of ``notedeck serve`` on the model alone (no server): ``Vault.refresh`` and
``notedeck.serve.deps``."""

from __future__ import annotations

from pathlib import Path

from notedeck.render.site import compute_backlinks
from notedeck.serve.deps import LinkGraph, affected, shape
from notedeck.synthetic import make_vault
from notedeck.vault import Vault
from notedeck.vault.files import discover


def vault_of(tmp_path: Path, notes: dict[str, str]) -> Vault:
    for rel, text in notes.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return Vault.load(tmp_path, progress=False)


def edit(vault: Vault, graph: LinkGraph, rel: str, text: str | None) -> set[str]:
    """Save (or, with None, delete) ``rel`` and return the pages serve would re-render."""
    path = vault.root / rel
    if text is None:
        path.unlink()
    else:
        path.write_text(text, encoding="utf-8")
    linkers = graph.dependents([rel])
    vault.refresh(discover(vault.root), [rel])
    delta = graph.update(vault, [rel, *linkers] if text is not None else list(vault.notes) + [rel])
    return affected(graph, delta, [rel] if rel in vault.notes else [])


CHAIN = {
    "top.md": "# Top\n\n![[mid#M]]\n",
    "mid.md": "# Mid\n\nintro\n\n## M\n\n![[leaf#L]]\n\n## N\n\nmid's own\n",
    "leaf.md": "# Leaf\n\n## L\n\nLEAF-L\n\n## Rest\n\nLEAF-REST [[other]]\n",
    "other.md": "# Other\n",
    "linker.md": "# Linker\n\nsee [[leaf#Rest]] and [[leaf]]\n",
}


def test_an_embedded_region_edit_reaches_embedders_of_embedders(tmp_path):
    vault = vault_of(tmp_path, CHAIN)
    graph = LinkGraph.of(vault)
    assert edit(vault, graph, "leaf.md", CHAIN["leaf.md"].replace("LEAF-L", "LEAF-L2")) == {"leaf.md", "mid.md", "top.md"}


def test_an_edit_outside_every_embedded_region_is_the_note_alone(tmp_path):
    vault = vault_of(tmp_path, CHAIN)
    graph = LinkGraph.of(vault)
    assert edit(vault, graph, "leaf.md", CHAIN["leaf.md"].replace("LEAF-REST", "LEAF-REST2")) == {"leaf.md"}
    # mid's own section N is not what top embeds
    assert edit(vault, graph, "mid.md", CHAIN["mid.md"].replace("mid's own", "changed")) == {"mid.md"}


def test_removing_a_heading_breaks_links_to_it_and_changing_links_moves_backlinks(tmp_path):
    vault = vault_of(tmp_path, CHAIN)
    graph = LinkGraph.of(vault)
    pages = edit(vault, graph, "leaf.md", CHAIN["leaf.md"].replace("## Rest", "## Renamed").replace(" [[other]]", ""))
    assert pages == {"leaf.md", "linker.md", "other.md"}  # linker: [[leaf#Rest]] is broken; other: a backlink less
    problems = [(d.code, d.message) for d in vault.check_note(vault.notes["linker.md"])]
    assert problems == [("broken-heading", "[[leaf#Rest]]: no heading 'Rest' in leaf.md")]
    assert {k: graph.backlinks(k) for k in graph.back if graph.back[k]} == compute_backlinks(vault)


def test_refresh_resolves_aliases_deletions_and_keeps_an_unreadable_note(tmp_path):
    vault = vault_of(tmp_path, {"a.md": "[[nick]] [[b]]\n", "b.md": "# B\n"})
    graph = LinkGraph.of(vault)
    assert [d.code for d in vault.check_note(vault.notes["a.md"])] == ["broken-link"]
    edit(vault, graph, "b.md", "---\naliases: [nick]\n---\n# B\n")
    assert vault.check_note(vault.notes["a.md"]) == []  # the index knows the new alias
    (tmp_path / "b.md").write_bytes(b"# B\n\n\xe6\x88")  # half a character: not UTF-8 yet
    diags = vault.refresh(discover(vault.root), ["b.md"])
    assert [d.code for d in diags] == ["not-utf8"] and vault.notes["b.md"].aliases == ["nick"]
    assert edit(vault, graph, "b.md", None) == {"a.md"}
    assert "b.md" not in vault.notes
    assert sorted(d.code for d in vault.check_note(vault.notes["a.md"])) == ["broken-link", "broken-link"]


def test_shape_is_what_other_pages_show(tmp_path):
    vault = vault_of(tmp_path, {"a.md": "---\ntags: [x]\n---\n# A\n\nbody\n"})
    note = vault.notes["a.md"]
    assert shape(note) == ("a", ("x",), False, None, "", False)
    assert shape(None) is None


def test_graph_matches_a_fresh_one_after_many_edits(tmp_path):
    root = make_vault(tmp_path / "v", 40, cards=0, code_blocks=0)
    vault = Vault.load(root, progress=False)
    graph = LinkGraph.of(vault)
    for i, rel in enumerate(sorted(vault.notes)[:8]):
        text = (root / rel).read_text(encoding="utf-8")
        edit(vault, graph, rel, text.replace("## 第一节", "## 新的一节" if i % 2 else "## 第一节\n\n![[笔记 00001]]"))
    fresh = LinkGraph.of(Vault.load(root, progress=False))
    assert graph.notes.keys() == fresh.notes.keys()
    assert all(graph.notes[r].sigs == fresh.notes[r].sigs for r in fresh.notes)
    assert {k: v for k, v in graph.back.items() if v} == {k: v for k, v in fresh.back.items() if v}
    assert {k: v for k, v in graph.embedders.items() if v} == {k: v for k, v in fresh.embedders.items() if v}
