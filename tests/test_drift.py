"""mem.drift: the noiseless drift of the state, where it ends, and the toy ghost (chapters 3, 5)."""
import math

import numpy as np
import pytest
import torch

from mem import drift as dr
from mem import slowpoints as sp
from mem.models import RNNClassifier


def test_ghost_passage_lingers_near_the_ghost_longer_nearer_the_bifurcation():
    h_touch = 1 / math.sqrt(2)
    b_sn = abs(math.atanh(h_touch) - 2 * h_touch)                  # the saddle-node bias, about 0.53
    assert dr.ghost_passage(0.0, n_steps=200)[-1] == pytest.approx(-0.9575, abs=1e-3)   # stays at the stable state
    near, far = dr.ghost_passage(b_sn + 0.005, n_steps=300), dr.ghost_passage(b_sn + 0.2, n_steps=300)
    assert near[-1] > 0.9 and far[-1] > 0.9                         # past b_sn the state always escapes ...
    assert np.argmax(near > 0) > 3 * np.argmax(far > 0)             # ... but slowly near the bifurcation
    h = -1.0
    for _ in range(3):
        h = math.tanh(2 * h + 0.6)
    assert dr.ghost_passage(0.6, n_steps=3)[-1] == h and len(dr.ghost_passage(0.6, n_steps=3)) == 3
    with pytest.raises(ValueError, match="steps must be"):
        dr.ghost_passage(0.6, n_steps=0)


@pytest.fixture(scope="module")
def net_and_task(task):
    return RNNClassifier("gru", task.input_size, hidden_size=8, seed=0), task


def test_drift_follows_the_trajectory_and_ends_with_a_search(net_and_task):
    model, task = net_and_task
    inputs, trigger = task.mean_input(), task.mean_input(trigger=True)
    starts = model.unflatten_state(0.3 * torch.randn(3, 8, generator=torch.Generator().manual_seed(0)))
    labels = torch.tensor([1, 2, 3])
    d = dr.drift(model, inputs, trigger, starts, labels, n_steps=40, window=10, newton_n_iters=20)
    assert d.S.shape == d.reported.shape == (3, 40) and d.last.shape == d.travel.shape == (3,)
    V = sp.states_along(model, inputs.expand(3, 40, -1), starts)
    assert torch.allclose(d.last, (V[:, -1] - V[:, -11]).norm(dim=1))
    S_end = sp.speed(model, model.unflatten_state(V[:, -1].double()), inputs)
    assert torch.allclose(d.S[:, -1], S_end.to(d.S.dtype))
    assert (d.S[:, 1:] <= d.S[:, :1] * 10).all()                   # a small untrained net settles, it does not explode
    with torch.no_grad():
        rep = model.readout(model.step(trigger.expand(3, -1), model.unflatten_state(V[:, -1])).h).argmax(-1)
    assert torch.equal(d.reported[:, -1], rep) and d.own == int((rep == labels).sum())
    assert d.digits == sorted(set((rep - 1).tolist()))
    assert torch.allclose(d.end.initial_states.float(), V[:, -1]) and d.end_spread >= 0
    assert torch.allclose(dr.drift_speed(model, inputs, starts, n_steps=40), S_end.float(), rtol=1e-3, atol=1e-9)
    with pytest.raises(ValueError, match="window must be shorter than n_steps"):
        dr.drift(model, inputs, trigger, starts, labels, n_steps=10, window=10)


def test_class_drift_table_is_drift_speed_from_the_class_means():
    import mem
    e = mem.zoo.load("gru64-nacu-s0")
    task = mem.report.book_task()
    inputs = task.mean_input()
    t = dr.class_drift_table({"net": (e.model, e.delay_curve)}, task, inputs, n_steps=5)
    start, lab = sp.class_mean_states(e.model, task)
    S = dr.drift_speed(e.model, inputs, start, n_steps=5)
    assert t["digit"].tolist() == (lab - 1).tolist() and np.allclose(t["log10 drift speed"], S.log10().numpy())
    life = e.delay_curve.class_lifetimes()
    assert np.array_equal(t["lifetime"].to_numpy(), life[(lab - 1).numpy()])


def test_saddle_node_and_ghost_point_solve_the_toy_map():
    h_touch, b_sn = dr.saddle_node()
    assert 2 * (1 - math.tanh(2 * h_touch + b_sn) ** 2) == pytest.approx(1)      # slope 1 at the tangency ...
    assert math.tanh(2 * h_touch + b_sn) == pytest.approx(h_touch)               # ... on the diagonal
    b = 0.6
    h, S = dr.ghost_point(b)
    grid = np.linspace(h - 0.2, h + 0.2, 4001)
    gap = np.tanh(2 * grid + b) - grid
    assert grid[np.argmin(gap)] == pytest.approx(h, abs=1e-4)                     # the smallest step of the map
    assert S == pytest.approx((math.tanh(2 * h + b) - h) ** 2)                    # S = (h' - h)^2 there
    with pytest.raises(TypeError, match="bias must be a real number"):
        dr.ghost_point("0.6")


def test_ghost_dwell_counts_steps_near_the_ghost():
    biases = [0.54, 0.6, 0.7]
    dwell = dr.ghost_dwell(biases)
    assert list(dwell) == biases
    for b in biases:
        assert dwell[b] == int((np.abs(dr.ghost_passage(b) - dr.ghost_point(b)[0]) < 0.1).sum())
    assert dwell[0.54] > dwell[0.6] > dwell[0.7]
    assert dr.ghost_dwell([0.6], radius=1.0)[0.6] > dwell[0.6]


def test_ghost_scaling_follows_the_normal_form():
    eps = np.array([1e-3, 1e-2])
    S, T = dr.ghost_scaling(eps)
    assert np.allclose(S / (eps ** 2 / 4), 1, rtol=0.02)                          # S = (eps/2)^2
    b = abs(dr.saddle_node()[1]) + eps[1]
    assert T[1] == int(np.argmax(dr.ghost_passage(b, n_steps=2000) > 0)) + 1 and T[0] > 2 * T[1]
    with pytest.raises(ValueError, match="does not end within"):
        dr.ghost_scaling([1e-4], n_steps=10)


def test_decay_rate_fits_the_band():
    t = np.arange(50)
    logS = np.stack([-2 - 0.01 * t, -2 - 0.02 * t])
    assert dr.decay_rate(logS) == pytest.approx(1000 * np.median([-0.01, -0.02]))
    bent = logS.copy()
    bent[:, :10] = 5.0                                                            # outside the band: ignored
    assert dr.decay_rate(bent, -10, 0, per=100) == pytest.approx(-1.5)


def test_speed_along_and_approach_rates_match_the_drift(net_and_task):
    model, task = net_and_task
    inputs, trigger = task.mean_input(), task.mean_input(trigger=True)
    starts = model.unflatten_state(0.3 * torch.randn(3, 8, generator=torch.Generator().manual_seed(1)))
    d = dr.drift(model, inputs, trigger, starts, torch.tensor([1, 2, 3]), n_steps=40, window=10, newton_n_iters=20)
    assert torch.equal(dr.speed_along(model, inputs, starts, 40), d.S)
    assert torch.allclose(dr.speed_along(model, inputs, starts, 40, window=15), d.S[:, -15:], rtol=1e-9, atol=0)
    r = dr.approach_rates(d, n_modes=2)
    moduli = d.end.eigenvalues()[0].abs()[:2].tolist()
    assert r["predicted"] == pytest.approx([2000 * math.log10(x) for x in moduli])
    assert r["predicted"][0] >= r["predicted"][1]                                 # slowest mode first
    assert r["measured"] == dr.decay_rate(d.S.log10().numpy())
