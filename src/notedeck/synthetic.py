"""Synthetic vaults of any size, for tests and benchmarks (deterministic for a given seed)."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = ["梯度", "学习率", "激活函数", "反向传播", "矩阵", "向量", "损失", "权重", "偏置", "神经元",
          "gradient", "softmax", "tensor", "layer", "model", "数据", "训练", "优化", "导数", "概率"]


def note_name(i: int) -> str:
    return f"笔记 {i:05d}"


def make_vault(path: str | Path, notes: int = 100, links: int = 10, embeds: int = 1, code_blocks: int = 3,
               cards: int = 10, folders: int = 20, seed: int = 0) -> Path:
    """Write ``notes`` notes into ``path``: each with two headings, ``links`` wikilinks (some to a
    heading), ``embeds`` note embeds (acyclic: only to lower-numbered notes), ``code_blocks`` python
    blocks sharing one namespace, and ``cards`` ``Q::A`` cards (notes are tagged ``flashcards``)."""
    root = Path(path)
    rng = random.Random(seed)
    for i in range(notes):
        folder = root / f"主题{i % max(folders, 1):02d}"
        folder.mkdir(parents=True, exist_ok=True)
        words = rng.sample(_WORDS, 4)
        out = [
            "---",
            f"tags: [flashcards/合成, {words[0]}]",
            f"aliases: [别名{i}]",
            "---",
            f"# {note_name(i)}",
            "",
            f"这是关于{words[0]}和{words[1]}的笔记，其中 ==重点== 是 $x^2$。",
            "",
            "## 第一节",
            "",
        ]
        body = []
        for k in range(links):
            j = rng.randrange(notes)
            if k % 3 == 1:
                body.append(f"参见 [[{note_name(j)}#第一节]]。")
            elif k % 3 == 2:
                body.append(f"又见 [[{note_name(j)}|{words[2]}]]。")
            else:
                body.append(f"相关：[[{note_name(j)}]]。")
        out.append(" ".join(body) + f" ^para{i}")
        out.append("")
        for _ in range(embeds if i > 0 else 0):
            out += [f"![[{note_name(rng.randrange(i))}#第二节]]", ""]
        out += ["## 第二节", "", f"关于{words[3]}的一段话。", ""]
        for b in range(code_blocks):
            code = f"x{b} = {b} + {i % 7}" if b == 0 else f"x{b} = x{b - 1} * 2"
            out += ["```python", code, f"assert x{b} >= 0", "```", ""]
        if cards:
            out += ["## 复习", ""]
            for c in range(cards):
                out += [f"{words[c % 4]}的第{c}个问题（笔记{i}）::答案 {c}，见 $a_{c}$。", ""]
        (folder / f"{note_name(i)}.md").write_text("\n".join(out), encoding="utf-8")
    return root
