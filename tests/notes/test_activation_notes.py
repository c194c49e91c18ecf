"""Correctness of the code in notes/深度学习基础/人工神经网络/激活函数.md, and its pitfalls."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from notedeck.snippets import load_note

NOTE = Path(__file__).resolve().parents[2] / "notes" / "深度学习基础" / "人工神经网络" / "激活函数.md"


@pytest.fixture(scope="module")
def ns():
    return load_note(str(NOTE))


X = np.linspace(-20, 20, 4001)


def test_sigmoid_values_and_range(ns):
    sigmoid = ns["sigmoid"]
    assert sigmoid(0.0) == pytest.approx(0.5)
    assert sigmoid(2.0) == pytest.approx(1 / (1 + math.exp(-2)))
    y = sigmoid(X)
    assert np.all((y > 0) & (y < 1))
    assert np.allclose(sigmoid(X) + sigmoid(-X), 1.0)  # symmetry
    assert np.all(np.diff(y) > 0)  # increasing


def test_sigmoid_derivative(ns):
    d = ns["sigmoid_derivative"](X)
    assert d.max() == pytest.approx(0.25)
    assert X[d.argmax()] == pytest.approx(0.0)
    h = 1e-6
    numeric = (ns["sigmoid"](X + h) - ns["sigmoid"](X - h)) / (2 * h)
    assert np.allclose(d, numeric, atol=1e-8)


def test_tanh_values_range_and_identity(ns):
    tanh, sigmoid = ns["tanh"], ns["sigmoid"]
    assert np.allclose(tanh(X), np.tanh(X))
    y = tanh(np.linspace(-5, 5, 101))
    assert np.all((y > -1) & (y < 1))
    assert np.allclose(tanh(X), 2 * sigmoid(2 * X) - 1)
    assert np.allclose(ns["tanh_derivative"](X), 1 - np.tanh(X) ** 2)
    # the seed's formula is right where it does not overflow
    small = np.linspace(-5, 5, 101)
    assert np.allclose(ns["tanh_seed"](small), np.tanh(small))


def test_pitfall_seed_tanh_overflows_and_the_fix(ns):
    big = np.array([1000.0, -1000.0])
    with np.errstate(over="ignore", invalid="ignore"):
        wrong = ns["tanh_seed"](big)
    assert np.all(np.isnan(wrong))  # the failure: inf / inf
    assert np.array_equal(ns["tanh"](big), [1.0, -1.0])  # the fix


def test_relu_and_leaky_relu(ns):
    relu, leaky = ns["relu"], ns["leaky_relu"]
    assert np.array_equal(relu(np.array([-3.0, 0.0, 2.5])), [0.0, 0.0, 2.5])
    assert np.all(relu(X) >= 0)
    assert np.allclose(leaky(np.array([-2.0, 3.0])), [-0.02, 3.0])
    assert np.allclose(leaky(np.array([-2.0]), alpha=0.1), [-0.2])
    assert leaky(np.array([-1e6]))[0] < 0  # range reaches below 0 (no dead neurons)
    assert np.array_equal(ns["relu_derivative"](np.array([-1.0, 2.0])), [0.0, 1.0])


def test_swish_values_and_true_range(ns):
    swish, sigmoid = ns["swish"], ns["sigmoid"]
    assert np.allclose(swish(X), X * sigmoid(X))
    assert swish(np.array([1.0]))[0] == pytest.approx(1 / (1 + math.exp(-1)))
    grid = np.linspace(-6, 6, 120001)
    y = swish(grid)
    # the table's corrected range: [≈ -0.278, +∞), not (-∞, +∞)
    assert y.min() == pytest.approx(-0.27846, abs=1e-4)
    assert grid[y.argmin()] == pytest.approx(-1.27846, abs=1e-3)
    assert swish(np.array([-50.0]))[0] == pytest.approx(0.0, abs=1e-15)


def test_gelu_values_and_true_range(ns):
    gelu, gelu_tanh = ns["gelu"], ns["gelu_tanh"]
    assert float(gelu(1.0)) == pytest.approx(0.8413447460685429)  # 1 · Φ(1)
    assert float(gelu(0.0)) == 0.0
    grid = np.linspace(-6, 6, 12001)
    y = gelu(grid)
    assert y.min() == pytest.approx(-0.16997, abs=1e-4)
    assert grid[y.argmin()] == pytest.approx(-0.7518, abs=2e-3)
    assert np.max(np.abs(gelu_tanh(grid) - y)) < 1e-3  # the tanh approximation


def test_softmax_is_a_probability_distribution(ns):
    softmax = ns["softmax"]
    p = softmax(np.array([2.0, 1.0, 0.1]))
    assert p.sum() == pytest.approx(1.0)
    assert np.all(p > 0) and np.all(p < 1)
    assert np.allclose(p, np.exp([2.0, 1.0, 0.1]) / np.exp([2.0, 1.0, 0.1]).sum())
    assert p.argmax() == 0
    rng = np.random.default_rng(1)
    z = rng.normal(size=(7, 5)) * 10
    assert np.allclose(softmax(z).sum(axis=-1), 1.0)
    assert np.allclose(softmax(z), softmax(z + 123.0))  # invariant to a shift


def test_pitfall_softmax_overflow_and_the_fix(ns):
    big = np.array([1000.0, 1001.0, 1002.0])
    with np.errstate(over="ignore", invalid="ignore"):
        wrong = ns["softmax_seed"](big)
    assert np.all(np.isnan(wrong))  # the failure
    right = ns["softmax"](big)
    assert np.all(np.isfinite(right)) and right.sum() == pytest.approx(1.0)
    assert np.allclose(right, ns["softmax_seed"](big - 1000.0))  # same as the shifted seed version


def test_pitfall_softmax_batch_axis_and_the_fix(ns):
    batch = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    wrong = ns["softmax_seed"](batch)
    assert wrong.sum() == pytest.approx(1.0)  # normalised over the whole batch …
    assert not np.allclose(wrong.sum(axis=1), 1.0)  # … so the rows are not distributions
    right = ns["softmax"](batch)
    assert np.allclose(right.sum(axis=1), 1.0)
    for row_in, row_out in zip(batch, right):
        assert np.allclose(ns["softmax"](row_in), row_out)


def test_without_activation_two_linear_layers_are_one(ns):
    assert np.allclose(ns["two_layers"], ns["one_layer"])


def test_comparison_table_has_every_activation_and_corrected_ranges():
    text = NOTE.read_text(encoding="utf-8")
    table = text.split("%% notedeck: table-cards %%", 1)[1].split("\n\n", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| **")][1:]  # without the header row
    names = ["Sigmoid", "Tanh", "ReLU", "Leaky ReLU", "Softmax", "Swish", "GELU"]
    assert len(rows) == len(names)
    for name, row in zip(names, rows):
        assert row.startswith(f"| **{name}")
        assert "$" in row.split("|")[2]  # the formula is LaTeX now, not a missing image
    assert "0.278" in rows[5] and "0.170" in rows[6]
    assert "(0,1)(0,1)" not in table and "αα" not in table
