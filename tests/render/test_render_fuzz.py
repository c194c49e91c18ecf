"""Property: any mix of Obsidian constructs renders without an exception, fences keep their code, and no
wikilink/embed/comment syntax survives outside code."""

from __future__ import annotations

import html
import re
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notedeck.render import SiteIndex, render_page
from notedeck.vault import Vault

PIECES = [
    "[[b]]", "[[b|别名]]", "[[b#中文 标题]]", "[[b#^blk]]", "[[#本节]]", "[[无]]", "![[b]]", "![[b#中文 标题]]",
    "![[b#^blk]]", "![[a]]", "![[p.png|40]]", "![[d.pdf]]", "==亮==", "%%注%%", "#标签", "$x^2$", "`[[code]] ==c==`",
    "[md](b.md)", "文字", "**粗**", "^id1",
]
LINE_PREFIXES = ["", "> ", "> > ", "- ", "1. ", "  - ", "> - "]
BLOCKS = ["> [!tip] 标题", "> [!faq]- 折叠", "> > [!note]", "## 本节", "%%", "```python\nx = '[[a]] ==b== %%c%%'\n```", "---", ""]

line = st.builds(lambda p, parts: p + " ".join(parts), st.sampled_from(LINE_PREFIXES),
                 st.lists(st.sampled_from(PIECES), min_size=1, max_size=4))
doc = st.lists(st.one_of(line, st.sampled_from(BLOCKS)), min_size=1, max_size=14).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc)
def test_any_mix_renders_cleanly(source):
    root = Path(tempfile.mkdtemp(prefix="notedeck-fuzz-"))
    try:
        (root / "a.md").write_text(source + "\n", encoding="utf-8")
        (root / "b.md").write_text("# B\n\n段落 ^blk\n\n## 中文 标题\n\n![[a]]\n", encoding="utf-8")
        (root / "p.png").write_bytes(b"x")
        (root / "d.pdf").write_bytes(b"x")
        vault = Vault.load(root, progress=False)
        site = SiteIndex.build(vault)
        out = render_page(vault.notes["a.md"], site).html
        render_page(vault.notes["b.md"], site)
        note = vault.notes["a.md"]
        text = html.unescape(re.sub(r"<[^>]+>", "", out))
        for block in note.code_blocks:
            if not block.hidden:
                assert block.code.rstrip("\n") in text
        # Outside code no Obsidian link syntax is left.
        prose = re.sub(r"<code>.*?</code>", "", out, flags=re.S)
        prose = re.sub(r' title="[^"]*"', "", prose)
        assert "[[" not in prose
    finally:
        shutil.rmtree(root, ignore_errors=True)
