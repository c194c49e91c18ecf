"""The build-time side of search (notedeck.site.search): what the browser will look up, the keys that match it,
the vault's words for jieba. The browser itself is in test_search_browser.py."""

from __future__ import annotations

from notedeck.site import search
from notedeck.vault import Vault

SEP = search.compile_separator(r"[\s\u200b\u3000\-、。，．？！；：,.:;!?()（）]+")


def test_query_terms_follow_materials_worker():
    # a run of Chinese loses its last character (the shaping token makes the cut exactly there)
    assert search.query_terms("梯度消失", SEP) == ["梯度消"]
    assert search.query_terms("导数", SEP) == ["导"]
    assert search.query_terms("与", SEP) == ["与"]
    assert search.query_terms("Leaky ReLU", SEP) == ["leaky", "relu"]
    assert search.query_terms("交叉熵与输出层梯度", SEP) == ["交叉熵与输出层梯"]
    # lunr's lexer splits "2-3-1" and only the last piece keeps the wildcard
    assert search.query_terms("2-3-1 网络的一次前向与反向传播", SEP) == ["1", "1", "1", "网络的一次前向与反向传"]
    assert search.query_terms("-x", SEP) == []  # a prohibited term is no key


def test_shaping_tokens_are_the_runs_without_their_last_character():
    assert search.shaping_tokens("ReLU 与 Sigmoid（激活函数）") == ["激活函"]
    assert search.shaping_tokens("梯度") == ["梯"]


def test_keys_are_repeated_more_for_shorter_texts():
    short, long = search.key_tokens("梯度", SEP), search.key_tokens("梯度下降", SEP)
    (k1, r1), = short.items()
    (k2, r2), = long.items()
    assert k1.startswith("梯") and k2.startswith("梯度下") and r1 > r2 >= 1
    assert search.key_tokens("<b>", SEP) == {}


def test_annotate_adds_fields_once_and_keys_are_unique():
    entries = [{"location": "a/", "title": "梯度"}, {"location": "a/#定义", "title": "定义"},
               {"location": "b/#定义", "title": "定义"}]
    sources = {("a/", ""): ("梯度", ["gradient"]), ("a/", "定义"): ("定义", []), ("b/", "定义"): ("定义", [])}
    assert search.annotate(entries, lambda p, a: sources.get((p, a)), SEP) == 3
    assert entries[0]["notedeck_key"].split()[0].startswith("梯")
    assert entries[0]["notedeck_alias"].split()[0].startswith("gradient")
    assert entries[0]["notedeck_shape"] == "梯"
    assert entries[1]["notedeck_heading"].split()[0] != entries[2]["notedeck_heading"].split()[0]
    before = [dict(e) for e in entries]
    assert search.annotate(entries, lambda p, a: sources.get((p, a)), SEP) == 0
    assert entries == before


def test_configure_declares_the_fields():
    class Plugin:
        config = {"enabled": True, "fields": {"title": {"boost": 1000}}}

    assert search.configure(Plugin)
    assert Plugin.config["fields"]["notedeck_key"] == {"boost": search.KEY_BOOST}
    assert Plugin.config["fields"]["notedeck_shape"]["boost"] < 1e-6


def test_vault_words_are_names_not_phrases(tmp_path):
    (tmp_path / "偏导数.md").write_text("---\naliases: [偏微分]\ntags: [数学/微积分]\n---\n## 链式法则\n\n## 导数的链式法则的运用\n",
                                       encoding="utf-8")
    (tmp_path / "私密.md").write_text("---\npublish: false\n---\n## 秘密词\n", encoding="utf-8")
    words = search.vault_words(Vault.load(tmp_path, progress=False))
    assert {"偏导数", "偏微分", "数学", "微积分", "链式法则"} <= set(words)
    assert "导数的链式法则的运用" not in words and "秘密词" not in words
