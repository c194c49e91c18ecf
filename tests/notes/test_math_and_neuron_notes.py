"""Correctness of the small examples in the math notes and the neuron notes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from notedeck.snippets import load_note

NOTES = Path(__file__).resolve().parents[2] / "notes"
ANN = NOTES / "深度学习基础" / "人工神经网络"


def test_derivative_note():
    ns = load_note(str(NOTES / "数学" / "导数.md"))
    d = ns["numerical_derivative"]
    assert d(ns["f"], 1.0) == pytest.approx(2.0, abs=1e-3)
    assert d(ns["f"], -3.0) == pytest.approx(-6.0, abs=1e-3)
    assert d(np.sin, 0.0) == pytest.approx(1.0, abs=1e-3)


def test_chain_rule_note():
    ns = load_note(str(NOTES / "数学" / "链式法则.md"))
    h = 1e-6
    for w in (-2.0, 0.0, 0.3, 1.7):
        numeric = (ns["loss"](w + h) - ns["loss"](w - h)) / (2 * h)
        assert ns["grad_chain_rule"](w) == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_partial_derivative_note():
    ns = load_note(str(NOTES / "数学" / "偏导数.md"))
    f = ns["f"]
    for x, y in [(3.0, 2.0), (-1.0, 0.5), (0.0, 4.0)]:
        assert ns["partial_x"](f, x, y) == pytest.approx(2 * x * y, abs=1e-5)
        assert ns["partial_y"](f, x, y) == pytest.approx(x * x, abs=1e-5)


def test_single_neuron_note():
    ns = load_note(str(ANN / "单个神经元的输入转换.md"))
    x, w = np.array([1.0, 2.0]), np.array([0.5, -0.25])
    assert ns["neuron"](x, w, 0.1) == pytest.approx(1 / (1 + np.exp(-0.1)))
    assert ns["neuron"](x, w, 0.1, f=lambda z: z) == pytest.approx(0.1)  # identity: the weighted sum
    # a layer is the neurons side by side
    layer = ns["layer_out"]
    for k in range(3):
        assert layer[k] == pytest.approx(ns["neuron"](x, ns["W"][:, k], ns["b"][k]))


def test_biological_neuron_threshold():
    ns = load_note(str(ANN / "生物神经网络.md"))
    fire, w = ns["biological_neuron"], ns["weights"]
    assert fire(np.array([0.1, 0.1, 0.1]), w, threshold=0.5) == 0  # small signals ignored
    assert fire(np.array([1.0, 1.0, 0.0]), w, threshold=0.5) == 1
    assert fire(np.array([1.0, 0.0, 0.0]), w, threshold=0.5) == 0  # sum 0.5 does not exceed it
