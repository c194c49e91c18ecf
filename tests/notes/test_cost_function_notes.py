"""Correctness of the losses in notes/深度学习基础/人工神经网络/成本函数.md, and their pitfalls."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from notedeck.snippets import load_note

NOTE = Path(__file__).resolve().parents[2] / "notes" / "深度学习基础" / "人工神经网络" / "成本函数.md"


@pytest.fixture(scope="module")
def ns():
    return load_note(str(NOTE))


def test_mse_and_mae_hand_computed(ns):
    p = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 2.0, 5.0])
    assert ns["mse"](p, y) == pytest.approx(4 / 3)
    assert ns["mae"](p, y) == pytest.approx(2 / 3)
    assert ns["mse"](y, y) == 0.0 and ns["mae"](y, y) == 0.0
    # an outlier weighs much more in MSE than in MAE
    assert ns["mse"](np.array([10.0]), np.array([0.0])) == 100.0
    assert ns["mae"](np.array([10.0]), np.array([0.0])) == 10.0


def test_categorical_cross_entropy_hand_computed(ns):
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    labels = np.array([0, 2])
    expected = -(math.log(0.7) + math.log(0.8)) / 2
    assert ns["categorical_cross_entropy"](probs, labels) == pytest.approx(expected)
    assert ns["categorical_cross_entropy_onehot"](probs, np.eye(3)[labels]) == pytest.approx(expected)
    # high probability on the right class -> small loss; probability 1 -> 0
    assert ns["categorical_cross_entropy"](np.array([[1.0, 0.0]]), np.array([0])) == 0.0
    confident = ns["categorical_cross_entropy"](np.array([[0.99, 0.01]]), np.array([0]))
    unsure = ns["categorical_cross_entropy"](np.array([[0.51, 0.49]]), np.array([0]))
    assert confident < unsure


def test_binary_cross_entropy_hand_computed(ns):
    bce = ns["binary_cross_entropy"]
    assert bce(np.array([0.9, 0.1]), np.array([1, 0])) == pytest.approx(-math.log(0.9))
    assert bce(np.array([0.5]), np.array([1])) == pytest.approx(math.log(2))
    assert bce(np.array([0.2]), np.array([0])) == pytest.approx(-math.log(0.8))
    # minimal where the prediction equals the label probability
    ps = np.linspace(0.01, 0.99, 99)
    losses = [bce(np.array([p]), np.array([1])) for p in ps]
    assert np.all(np.diff(losses) < 0)
    # BCE is the two-class case of categorical cross-entropy
    p1 = np.array([0.3, 0.8])
    y = np.array([0, 1])
    two_class = np.stack([1 - p1, p1], axis=1)
    assert bce(p1, y) == pytest.approx(ns["categorical_cross_entropy"](two_class, y))


def test_pitfall_bce_without_minus_sign(ns):
    wrong, right = ns["binary_cross_entropy_without_minus"], ns["binary_cross_entropy"]
    y = np.array([1, 0])
    good, bad = np.array([0.9, 0.1]), np.array([0.1, 0.9])
    # the failure: negative "loss" that is *smaller* for the wrong prediction
    assert wrong(good, y) < 0 and wrong(bad, y) < wrong(good, y)
    # the fix: positive loss, smaller for the good prediction
    assert right(good, y) > 0 and right(good, y) < right(bad, y)
    # one gradient step on p (label 1) from 0.6: the wrong sign moves p away from the label
    h, lr, p0, y1 = 1e-6, 0.01, 0.6, np.array([1])

    def step(loss):
        g = (loss(np.array([p0 + h]), y1) - loss(np.array([p0 - h]), y1)) / (2 * h)
        return p0 - lr * g

    assert step(wrong) < p0 < step(right)


def test_pitfall_log_zero_and_the_fix(ns):
    perfect = np.array([1.0, 0.0])
    y = np.array([1, 0])
    with np.errstate(divide="ignore", invalid="ignore"):
        assert math.isnan(ns["binary_cross_entropy"](perfect, y))  # 0 * log(0) = nan
        assert math.isinf(ns["categorical_cross_entropy"](np.array([[1.0, 0.0]]), np.array([1])))
    safe_bce, safe_cce = ns["safe_binary_cross_entropy"], ns["safe_categorical_cross_entropy"]
    assert safe_bce(perfect, y) == pytest.approx(0.0, abs=1e-9)
    worst = safe_cce(np.array([[1.0, 0.0]]), np.array([1]))
    assert math.isfinite(worst) and worst == pytest.approx(-math.log(1e-12))
    # away from 0 and 1 the clipped versions agree with the originals
    p = np.array([0.3, 0.8])
    assert safe_bce(p, np.array([0, 1])) == pytest.approx(ns["binary_cross_entropy"](p, np.array([0, 1])))
    probs = np.array([[0.7, 0.2, 0.1]])
    assert safe_cce(probs, np.array([1])) == pytest.approx(ns["categorical_cross_entropy"](probs, np.array([1])))


def test_bce_formula_in_the_note_has_its_minus_sign():
    text = NOTE.read_text(encoding="utf-8")
    bce_section = text.split("### 二分类：二元交叉熵", 1)[1]
    first_formula = bce_section.split("$$", 2)[1]
    assert first_formula.strip().startswith("-\\frac{1}{m}")
