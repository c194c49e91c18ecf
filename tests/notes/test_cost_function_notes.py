"""Correctness of the cost-function notes (MSE/MAE, categorical and binary cross-entropy, stable versions, p − y)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pathlib import Path

ANN = Path(__file__).resolve().parents[2] / "notes" / "深度学习基础" / "人工神经网络"


def test_mse_and_mae_hand_computed(note):
    ns = note("均方误差与平均绝对误差")
    p, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])
    assert ns["mse"](p, y) == pytest.approx(4 / 3) and ns["mae"](p, y) == pytest.approx(2 / 3)
    assert ns["mse"](np.array([10.0]), np.array([0.0])) == 100.0  # an outlier weighs more in MSE


def test_categorical_cross_entropy_and_the_seed_formula(note):
    ns = note("分类交叉熵")
    probs, labels = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]), np.array([0, 2])
    expected = -(math.log(0.7) + math.log(0.8)) / 2
    assert ns["categorical_cross_entropy"](probs, labels) == pytest.approx(expected)
    assert ns["categorical_cross_entropy_onehot"](probs, np.eye(3)[labels]) == pytest.approx(expected)
    # the seed's formula read literally is C times too large, for any C
    for C in (2, 3, 5):
        rng = np.random.default_rng(C)
        p = rng.dirichlet(np.ones(C), size=4)
        y = np.eye(C)[rng.integers(0, C, size=4)]
        assert ns["seed_formula_literally"](p, y) == pytest.approx(C * ns["categorical_cross_entropy_onehot"](p, y))


def test_binary_cross_entropy_and_the_missing_minus(note):
    ns = note("二元交叉熵")
    bce, wrong = ns["binary_cross_entropy"], ns["binary_cross_entropy_without_minus"]
    assert bce(np.array([0.5]), np.array([1])) == pytest.approx(math.log(2))
    ps = np.linspace(0.01, 0.99, 99)
    assert np.all(np.diff([bce(np.array([p]), np.array([1])) for p in ps]) < 0)
    y, good, bad = np.array([1, 0]), np.array([0.9, 0.1]), np.array([0.1, 0.9])
    assert wrong(bad, y) < wrong(good, y) < 0 < bce(good, y) < bce(bad, y)


def test_bce_formula_in_the_note_has_its_minus_sign():
    text = (ANN / "二元交叉熵.md").read_text(encoding="utf-8")
    first_formula = text.split("$$", 2)[1]
    assert first_formula.strip().startswith("L = -\\frac{1}{m}")


def test_stable_cross_entropy_from_logits(note):
    ns = note("数值稳定的交叉熵")
    rng = np.random.default_rng(7)
    z, y = rng.normal(size=(9, 5)) * 3, rng.integers(0, 5, size=9)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert ns["cross_entropy_from_logits"](z, y) == pytest.approx(-np.mean(np.log(p[np.arange(9), y])))
    zb, yb = rng.normal(size=20) * 4, rng.integers(0, 2, size=20)
    assert ns["bce_from_logits"](zb, yb) == pytest.approx(ns["binary_cross_entropy"](1 / (1 + np.exp(-zb)), yb))
    assert ns["cross_entropy_from_logits"](np.array([[1000.0, 0.0, -1000.0]]), np.array([2])) == 2000.0
    with np.errstate(divide="ignore", invalid="ignore"):
        assert math.isnan(ns["binary_cross_entropy"](np.array([1.0]), np.array([1])))
    assert ns["safe_binary_cross_entropy"](np.array([1.0]), np.array([1])) == pytest.approx(0.0, abs=1e-9)


def test_p_minus_y_for_sigmoid_and_softmax_with_cross_entropy(note):
    ns = note("交叉熵与输出层梯度")
    rng = np.random.default_rng(11)
    z, y = rng.normal(size=6), rng.integers(0, 2, size=6).astype(float)
    g = ns["numeric_gradient"](lambda v: ns["bce_of_logits"](v, y), z)
    assert np.allclose(g, (ns["sigmoid"](z) - y) / 6, atol=1e-9)
    Z, Y = rng.normal(size=(3, 4)), np.eye(4)[rng.integers(0, 4, size=3)]
    G = ns["numeric_gradient"](lambda v: ns["cce_of_logits"](v, Y), Z)
    assert np.allclose(G, (ns["softmax"](Z) - Y) / 3, atol=1e-9)
    assert ns["grad_z"] == pytest.approx(-0.3)
