"""Correctness of the activation-function notes (激活函数.md and one note per function), and their pitfalls."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pathlib import Path

ANN = Path(__file__).resolve().parents[2] / "notes" / "深度学习基础" / "人工神经网络"

X = np.linspace(-20, 20, 4001)
H = 1e-6


def central(f, x):
    return (f(x + H) - f(x - H)) / (2 * H)


def test_sigmoid_values_range_and_derivative(note):
    ns = note("Sigmoid")
    sigmoid, d = ns["sigmoid"], ns["sigmoid_derivative"]
    assert sigmoid(0.0) == pytest.approx(0.5)
    y = sigmoid(X)
    assert np.all((y > 0) & (y < 1)) and np.all(np.diff(y) > 0)
    assert np.allclose(sigmoid(X) + sigmoid(-X), 1.0)
    assert d(X).max() == pytest.approx(0.25) and X[d(X).argmax()] == pytest.approx(0.0)
    assert np.allclose(d(X), central(sigmoid, X), atol=1e-8)
    with np.errstate(over="raise"):
        assert np.allclose(ns["sigmoid_stable"](np.array([-1000.0, 1000.0])), [0.0, 1.0])


def test_tanh_identity_derivative_and_pitfall(note):
    ns = note("Tanh")
    small = np.linspace(-5, 5, 101)
    assert np.allclose(ns["tanh_by_definition"](small), np.tanh(small))
    assert np.allclose(ns["tanh_derivative"](X), central(np.tanh, X), atol=1e-8)
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.all(np.isnan(ns["tanh_by_definition"](np.array([1000.0, -1000.0]))))


def test_relu_dead_neuron_experiment(note):
    ns = note("ReLU")
    dead, leaky = ns["dead"], ns["leaky"]
    assert np.all(dead[:, 0] == 1.0) and np.all(dead[:, 1] == -6.0)  # ReLU: never moves
    assert leaky[-1, 1] > -1.0 and leaky[-1, 2] < 0.05  # Leaky ReLU: bias pulled back, loss down
    assert np.all(ns["x"] < 6)  # why: every z = x - 6 is negative


def test_leaky_relu_and_its_derivative(note):
    ns = note("Leaky ReLU")
    f, d = ns["leaky_relu"], ns["leaky_relu_derivative"]
    assert np.allclose(f(np.array([-2.0, 3.0])), [-0.02, 3.0])
    x = np.array([-3.0, -0.5, 0.5, 3.0])
    assert np.allclose(d(x), central(f, x)) and np.allclose(d(x, 0.2), central(lambda v: f(v, 0.2), x))


def test_softmax_stable_batched_and_its_jacobian(note):
    ns = note("Softmax")
    softmax, naive = ns["softmax"], ns["softmax_naive"]
    rng = np.random.default_rng(1)
    z = rng.normal(size=(7, 5)) * 10
    assert np.allclose(softmax(z).sum(axis=-1), 1.0) and np.allclose(softmax(z), softmax(z + 123.0))
    with np.errstate(over="ignore", invalid="ignore"):
        assert np.all(np.isnan(naive(np.array([1000.0, 1001.0]))))
    assert not np.allclose(naive(z).sum(axis=1), 1.0)
    for row in rng.normal(size=(3, 4)):
        J = ns["softmax_jacobian"](row)
        numeric = np.column_stack([(softmax(row + H * e) - softmax(row - H * e)) / (2 * H) for e in np.eye(4)])
        assert np.allclose(J, numeric, atol=1e-8)


def test_swish_derivative_and_true_range(note):
    ns = note("Swish")
    swish, d = ns["swish"], ns["swish_derivative"]
    x = np.linspace(-8, 8, 801)
    for beta in (0.5, 1.0, 3.0):
        assert np.allclose(d(x, beta), central(lambda v, b=beta: swish(v, b), x), atol=1e-7)
    grid = np.linspace(-6, 6, 120001)
    assert swish(grid).min() == pytest.approx(-0.27846, abs=1e-4)
    assert grid[swish(grid).argmin()] == pytest.approx(-1.27846, abs=1e-3)


def test_gelu_derivative_and_true_range(note):
    ns = note("GELU")
    gelu = ns["gelu"]
    assert float(gelu(1.0)) == pytest.approx(0.8413447460685429)
    x = np.linspace(-6, 6, 601)
    assert np.allclose(ns["gelu_derivative"](x), central(gelu, x), atol=1e-7)
    grid = np.linspace(-6, 6, 12001)
    assert gelu(grid).min() == pytest.approx(-0.16997, abs=1e-4)
    assert np.max(np.abs(ns["gelu_tanh"](grid) - gelu(grid))) < 1e-3
    assert math.isclose(float(ns["Phi"](0.0)), 0.5)


def test_without_activation_two_linear_layers_are_one(note):
    ns = note("激活函数")
    assert np.allclose(ns["two_layers"], ns["one_layer"])
    assert not np.allclose(ns["with_relu"], ns["one_layer"])


def test_comparison_table_links_every_activation_and_has_the_corrected_ranges():
    text = (ANN / "激活函数.md").read_text(encoding="utf-8")
    table = text.split("## 对比表", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| [[")]
    names = ["Sigmoid", "Tanh", "ReLU", "Leaky ReLU", "Softmax", "Swish", "GELU"]
    assert [r.split("]]", 1)[0][4:] for r in rows] == names
    assert "0.278" in rows[5] and "0.170" in rows[6]
    assert "np.exp" not in table  # the table no longer teaches the unstable code
    assert "table-cards" not in text  # one card per fact instead of one card per row
    for name in names:
        assert (ANN / f"{name}.md").exists()
