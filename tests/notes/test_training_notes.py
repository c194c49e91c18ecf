"""Correctness of the seed's training code (神经网络训练代码.md), the analytic backpropagation added
to it, the learning-rate experiments (学习率.md) and the worked gradient examples."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from notedeck.snippets import load_note

ANN = Path(__file__).resolve().parents[2] / "notes" / "深度学习基础" / "人工神经网络"


@pytest.fixture(scope="module")
def train_ns():
    return load_note(str(ANN / "神经网络训练代码.md"))


@pytest.fixture(scope="module")
def lr_ns():
    return load_note(str(ANN / "学习率.md"))


def seed_weights():
    return [
        np.array([[-0.0053, 0.3793], [-0.5820, -0.5204], [-0.2723, 0.1896]], dtype=np.float32).T,
        np.array([-0.0140, 0.5607, -0.0628], dtype=np.float32),
        np.array([[0.1528, -0.1745, -0.1135]], dtype=np.float32).T,
        np.array([-0.5516], dtype=np.float32),
    ]


X1, Y1 = np.array([[1, 1]]), np.array([[0]])


def random_problem(seed, n=4):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(2, 3)), rng.normal(size=3), rng.normal(size=(3, 1)), rng.normal(size=1)]
    return rng.normal(size=(n, 2)), rng.normal(size=(n, 1)), weights


def test_update_weights_runs_and_keeps_shapes(train_ns):
    w = seed_weights()
    updated, loss = train_ns["update_weights"](X1, Y1, w, 0.01)
    assert [u.shape for u in updated] == [(2, 3), (3,), (3, 1), (1,)]
    assert loss == pytest.approx(train_ns["feed_forward"](X1, Y1, w))
    assert all(np.array_equal(a, b) for a, b in zip(w, seed_weights()))  # input not mutated


def test_feed_forward_matches_a_hand_written_forward_pass(train_ns):
    x, y, w = random_problem(0)
    h = 1 / (1 + np.exp(-(x @ w[0] + w[1])))
    out = h @ w[2] + w[3]
    assert train_ns["feed_forward"](x, y, w) == pytest.approx(np.mean((out - y) ** 2))


def test_finite_difference_gradient_of_update_weights_matches_backprop(train_ns):
    """The seed's numeric gradient (recovered from update_weights) ≈ the analytic one."""
    for x, y, w in [(X1, Y1, seed_weights()), random_problem(1), random_problem(2, n=1)]:
        lr = 0.01
        updated, loss = train_ns["update_weights"](x, y, w, lr)
        numeric = [(np.asarray(a, np.float64) - np.asarray(b, np.float64)) / lr for a, b in zip(w, updated)]
        exact, exact_loss = train_ns["backprop_gradients"](x, y, w)
        assert exact_loss == pytest.approx(loss)
        for g_num, g_exact in zip(numeric, exact):
            assert g_num.shape == g_exact.shape
            assert np.allclose(g_num, g_exact, rtol=1e-2, atol=2e-3)


def test_backprop_matches_central_differences_tightly(train_ns):
    x, y, w = random_problem(3, n=5)
    exact, _ = train_ns["backprop_gradients"](x, y, w)
    central = train_ns["numerical_gradients"](x, y, w, h=1e-5, central=True)
    for a, b in zip(central, exact):
        assert np.allclose(a, b, rtol=1e-6, atol=1e-9)


def test_seed_training_loop_drives_the_loss_down(train_ns):
    losses = np.asarray(train_ns["losses"])
    assert len(losses) == 1000
    assert losses[0] == pytest.approx(0.3346, abs=1e-4)
    assert losses[-1] < 1e-6 < losses[0]
    assert np.all(np.diff(losses[:200]) < 0)  # steadily down while far from the minimum


def test_backprop_training_also_converges(train_ns):
    bp = np.asarray(train_ns["losses_bp"])
    assert bp[-1] < 1e-20
    assert np.allclose(train_ns["losses"][:100], bp[:100], rtol=1e-2)


def test_pitfall_finite_differences_vs_exact_gradient(train_ns):
    # the failure modes …
    assert train_ns["err_forward"] > 100 * train_ns["err_central"]  # O(h) vs O(h²)
    assert train_ns["err_tiny_h"] > 10 * train_ns["err_forward"]  # round-off when h is tiny
    step = float(train_ns["w32_plus"][0]) - float(train_ns["w32"][0])
    assert step != 0.0001  # float32 weights: the step is not the h we divide by
    assert train_ns["losses"][-1] > 1e-10  # numeric-gradient training stalls …
    # … and the fix: exact gradients keep going
    assert train_ns["losses_bp"][-1] < 1e-20


def test_update_weights_backprop_decreases_the_loss(train_ns):
    x, y, w = random_problem(4, n=8)
    loss0 = train_ns["feed_forward"](x, y, w)
    for _ in range(50):
        w, _ = train_ns["update_weights_backprop"](x, y, w, 0.1)
    assert train_ns["feed_forward"](x, y, w) < loss0


def test_learning_rate_effects(lr_ns):
    curves = lr_ns["curves"]
    assert set(curves) == {0.001, 0.01, 0.1, 0.8, 1.2}
    assert curves[1.2][-1] > curves[1.2][0]  # too large: diverges
    assert np.any(np.diff(curves[0.8][:20]) > 0) and curves[0.8][-1] < 1e-6  # oscillates, then converges
    assert curves[0.001][-1] > 0.05  # too small: still far from converged
    assert curves[0.1][-1] < curves[0.01][-1] < curves[0.001][-1]
    # the copy of the seed code in 学习率.md behaves like the original
    assert curves[0.01][0] == pytest.approx(0.3346, abs=1e-4)


def test_learning_rate_parabola(lr_ns):
    path = lr_ns["descend_parabola"]
    assert abs(path(0.05)[-1]) < 4 and path(0.05)[-1] > 0  # slow, monotone
    osc = path(0.9)
    assert np.all(np.sign(osc[1:]) != np.sign(osc[:-1]))  # jumps across the minimum
    assert abs(osc[-1]) < abs(osc[0])
    assert abs(path(1.1)[-1]) > abs(path(1.1)[0])  # diverges


def test_gradient_note_mse_gradient_and_descent():
    ns = load_note(str(ANN / "梯度.md"))
    p, y = np.array([0.7, 2.5]), np.array([1.0, 2.0])
    g = ns["mse_grad"](p, y)
    assert np.allclose(g, ns["numeric_grad"](ns["mse"], p, y))
    assert g[0] < 0 and g[1] > 0  # below the target: negative -> increase the prediction
    path = ns["gradient_descent"](lambda w: 2 * (w - 3), w=0.0, lr=0.1, steps=50)
    assert path[-1] == pytest.approx(3.0, abs=1e-4)


def test_backprop_analogy_numbers():
    ns = load_note(str(ANN / "反向传播通俗讲解.md"))
    assert ns["delta_out"] == pytest.approx(-0.3)
    assert ns["sigmoid_grad"] == pytest.approx(0.25)
    assert ns["delta_hidden"] == pytest.approx(-0.075)
    assert ns["step"] == pytest.approx(0.00375)
