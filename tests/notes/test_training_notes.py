"""Correctness of the training notes: the seed's code, backpropagation, numerical gradients, the 2-3-1 worked
example, gradient descent, mini-batch SGD and the learning-rate experiments."""

from __future__ import annotations

import numpy as np
import pytest


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


def test_update_weights_runs_and_keeps_shapes(note):
    ns = note("神经网络训练代码")
    w = seed_weights()
    updated, loss = ns["update_weights"](X1, Y1, w, 0.01)
    assert [u.shape for u in updated] == [(2, 3), (3,), (3, 1), (1,)]
    assert loss == pytest.approx(ns["feed_forward"](X1, Y1, w))
    assert all(np.array_equal(a, b) for a, b in zip(w, seed_weights()))  # input not mutated
    losses = np.asarray(ns["losses"])
    assert len(losses) == 1000 and losses[0] == pytest.approx(0.3346, abs=1e-4) and losses[-1] < 1e-6


def test_backprop_matches_the_seed_numeric_gradient_and_central_differences(note):
    seed, bp = note("神经网络训练代码"), note("反向传播的代码实现")
    for x, y, w in [(X1, Y1, seed_weights()), random_problem(1), random_problem(2, n=1)]:
        updated, loss = seed["update_weights"](x, y, w, 0.01)
        numeric = [(np.asarray(a, np.float64) - np.asarray(b, np.float64)) / 0.01 for a, b in zip(w, updated)]
        exact, exact_loss = bp["backprop_gradients"](x, y, w)
        assert exact_loss == pytest.approx(loss)
        for g_num, g_exact in zip(numeric, exact):
            assert np.allclose(g_num, g_exact, rtol=1e-2, atol=2e-3)
    x, y, w = random_problem(3, n=5)
    exact, _ = bp["backprop_gradients"](x, y, w)
    for a, b in zip(bp["central_difference_gradients"](x, y, w), exact):
        assert np.allclose(a, b, rtol=1e-6, atol=1e-9)
    assert bp["losses"][-1] > 1e-10 and bp["losses_bp"][-1] < 1e-20


def test_update_weights_backprop_decreases_the_loss(note):
    ns = note("反向传播的代码实现")
    x, y, w = random_problem(4, n=8)
    loss0 = ns["feed_forward"](x, y, w)
    for _ in range(50):
        w, _ = ns["update_weights_backprop"](x, y, w, 0.1)
    assert ns["feed_forward"](x, y, w) < loss0


def test_worked_2_3_1_example_agrees_with_backprop(note):
    worked, bp = note("2-3-1 网络的一次前向与反向传播"), note("反向传播的代码实现")
    exact, loss = bp["backprop_gradients"](X1, Y1, seed_weights())
    assert worked["L"] == pytest.approx(loss) == pytest.approx(0.33455, abs=1e-5)
    for mine, theirs in zip([worked["dW0"], worked["db0"], worked["dW1"], worked["db1"]], exact):
        assert np.allclose(mine, theirs)


def test_numerical_gradient_note(note):
    ns = note("数值梯度")
    assert ns["err_forward"] > 1000 * ns["err_central"]
    assert ns["w_fd"] == pytest.approx(3 - 0.5e-4, abs=1e-9)  # forward differences stall at h/2
    assert ns["step"] != 1e-4


def test_learning_rate_effects(note):
    ns = note("学习率")
    curves = ns["curves"]
    assert set(curves) == {0.001, 0.01, 0.1, 0.8, 1.2}
    assert curves[1.2][-1] > 1e8 and np.all(curves[1.2][25:] == curves[1.2][25])  # diverged, then frozen
    assert np.any(np.diff(curves[0.8][:20]) > 0) and curves[0.8][-1] < 1e-6
    assert curves[0.001][-1] > 0.05
    assert curves[0.01][0] == pytest.approx(0.3346, abs=1e-4)
    path = ns["descend_parabola"]
    osc = path(0.9)
    assert np.all(np.sign(osc[1:]) != np.sign(osc[:-1])) and abs(osc[-1]) < abs(osc[0])
    assert abs(path(1.1)[-1]) > abs(path(1.1)[0])
    for a in (0.5, 2.0, 10.0):  # L = a w²: the threshold is 1/a
        for lr, diverges in [(0.99 / a, False), (1.01 / a, True)]:
            w = 1.0
            for _ in range(500):
                w -= lr * 2 * a * w
            assert (abs(w) > 1) == diverges


def test_gradient_and_gradient_descent_notes(note):
    g = note("梯度")
    p, y = np.array([0.7, 2.5]), np.array([1.0, 2.0])
    assert np.allclose(g["mse_grad"](p, y), g["numeric_grad"](g["mse"], p, y))
    gd = note("梯度下降")
    assert gd["gradient_descent"](lambda w: 2 * (w - 3), w=0.0, lr=0.1, steps=50)[-1] == pytest.approx(3.0, abs=1e-4)
    assert gd["loss2"](gd["paths"][0.205][-1]) > gd["loss2"](gd["start"])


def test_mini_batch_sgd_counts_iterations_per_epoch(note):
    ns = note("小批量随机梯度下降")
    assert ns["iterations"] == 600 and ns["it_full"] == 60 and ns["accuracy"] == 1.0


def test_backprop_analogy_numbers(note):
    ns = note("反向传播通俗讲解")
    assert ns["delta_out"] == pytest.approx(-0.3) and ns["delta_hidden"] == pytest.approx(-0.075)
    assert ns["step"] == pytest.approx(0.00375)


def test_vanishing_gradients(note):
    ns = note("梯度消失")
    assert ns["sig"][0] / ns["sig"][-1] < 1e-10 < 0.1 < ns["rel"][0] / ns["rel"][-1]
