"""The slow-point finder against answers known independently of it (chapter 3's finder, for any network).

The true fixed points come from scipy (``scipy.optimize.root`` from a dense grid of starts, with the
analytic or autograd Jacobian, kept where the residual is below 1e-12), or in closed form. Against
them the finder's result is scored:

* recovered: a true fixed point with a candidate labelled "fixed" close to it;
* false fixed point: a candidate labelled "fixed" that is close to no true fixed point.

"Close" is what the finder's tolerance promises: a candidate with residual ``|r| = sqrt(S)`` lies within
about ``|r| / sigma_min`` of the fixed point, ``sigma_min`` the smallest singular value of the residual's
Jacobian there (first order); the test allows twice that, plus 1e-9.
"""
import itertools
import math

import numpy as np
import pytest
import torch
from scipy import optimize
from torch import nn
from torch.func import jacrev

import mem.slowpoints as sp
from mem.drift import ghost_point, saddle_node
from mem.models import State, toy_rnn


def _roots(g, jac, starts, inside=None) -> np.ndarray:
    """Every distinct zero of ``g`` that scipy reaches from ``starts`` (residual < 1e-12)."""
    found = []
    for h0 in starts:
        r = optimize.root(g, h0, jac=jac, tol=1e-14)
        if not r.success or np.abs(g(r.x)).max() >= 1e-12 or (inside is not None and not inside(r.x)):
            continue
        if not any(np.abs(r.x - f).max() < 1e-7 for f in found):
            found.append(r.x)
    return np.array(found)


def _grid(n: int, k: int, lim: float = 0.99) -> np.ndarray:
    return np.stack(np.meshgrid(*[np.linspace(-lim, lim, k)] * n, indexing="ij"), -1).reshape(-1, n)


def _score(points, truth: np.ndarray, jac) -> tuple[int, int]:
    """(recovered, false fixed points) of ``points`` against the true fixed points ``truth``."""
    fixed = points.select("fixed")
    F, S = fixed.states.double().numpy(), fixed.speed.double().numpy()
    smin = np.array([np.linalg.svd(jac(t), compute_uv=False).min() for t in truth])
    dist = np.linalg.norm(F[:, None, :] - truth[None, :, :], axis=-1)            # (found, true)
    close = dist <= 2 * np.sqrt(S)[:, None] / smin[None, :] + 1e-9
    return int(close.any(0).sum()), int((~close.any(1)).sum())


# -- closed forms -----------------------------------------------------------------------------------

def test_a_linear_map_has_one_fixed_point_and_its_eigenvalues_exactly():
    """h' = A h + B u: the fixed point (I - A)^-1 B u for each candidate's own input, eigenvalues of A."""
    g = torch.Generator().manual_seed(0)
    A = torch.randn(5, 5, generator=g, dtype=torch.float64)
    A *= 0.9 / torch.linalg.eigvals(A).abs().max()
    B = torch.randn(5, 2, generator=g, dtype=torch.float64)
    u = torch.randn(8, 2, generator=g, dtype=torch.float64)                        # one input per candidate
    points = sp.find_slow_points(lambda h, x: h @ A.T + x @ B.T, torch.randn(8, 5, generator=g, dtype=torch.float64), u,
                                 tol=1e-24, gtol=1e-12)
    truth = torch.linalg.solve(torch.eye(5, dtype=torch.float64) - A, B @ u.T).T
    assert points.outcome_names == ["fixed"] * 8
    assert torch.allclose(points.states, truth, atol=1e-9)
    lam = torch.linalg.eigvals(A)
    want = lam[torch.argsort(lam.abs(), descending=True)]
    assert torch.allclose(points.eigenvalues()[0].abs(), want.abs(), atol=1e-10)
    assert torch.allclose(points.time_constant(), torch.full((8,), -1 / math.log(0.9), dtype=torch.float64))


def test_a_continuous_linear_network_reads_its_spectrum_in_continuous_time():
    """dh/dt = A h + b: the fixed point -A^-1 b, Jacobian A, tau = -1/Re(lambda_max)."""
    g = torch.Generator().manual_seed(1)
    A = torch.randn(4, 4, generator=g, dtype=torch.float64) - 3 * torch.eye(4, dtype=torch.float64)
    b = torch.randn(4, generator=g, dtype=torch.float64)
    f = sp.RecurrentMap(lambda h, u: h @ A.T + b, continuous=True)
    start = torch.randn(3, 4, generator=g, dtype=torch.float64)
    points = sp.find_slow_points(f, start, torch.zeros(1), tol=1e-24, gtol=1e-12)
    assert points.continuous and points.outcome_names == ["fixed"] * 3
    assert torch.allclose(points.states, -torch.linalg.solve(A, b).expand(3, -1), atol=1e-9)
    assert torch.allclose(points.jacobians, A.expand(3, -1, -1), atol=1e-12)
    lam = torch.linalg.eigvals(A)
    assert torch.allclose(points.time_constant(), (-1 / lam.real.max()).expand(3), atol=1e-10)
    assert points.n_unstable().tolist() == [int((lam.real > 0).sum())] * 3
    assert torch.allclose(sp.speed(f, points.states, torch.zeros(1)), points.speed, atol=1e-20)


def _ghost():
    """The toy network past its saddle-node, searched from a grid: (points, truth, jac, ghost h_1, ghost S)."""
    bias = abs(saddle_node()[1]) + 0.07
    ghost_h, ghost_S = ghost_point(bias)
    h1 = optimize.brentq(lambda h: math.tanh(2 * h + bias) - h, 0.5, 1.0)        # unit 1's only fixed point
    a = optimize.brentq(lambda h: math.tanh(2 * h) - h, 0.5, 1.0)                  # unit 2: -a, 0, a
    truth = np.array([[h1, h2] for h2 in (-a, 0.0, a)])

    def jac(t):
        return np.diag(2 * (1 - np.tanh(2 * t + np.array([bias, 0.0])) ** 2)) - np.eye(2)

    points = sp.find_slow_points(toy_rnn(bias=(bias, 0.0)), torch.tensor(_grid(2, 15, 0.95)), torch.zeros(1))
    return points, truth, jac, ghost_h, ghost_S


def test_a_saddle_node_ghost_is_never_a_fixed_point():
    """Past the saddle-node, unit 1 of the toy network keeps one fixed point (h_1 > 0) and a ghost
    (h_1 < 0) where S has a positive minimum: every true fixed point is found, none is invented, and
    the searches that end at the ghost find its minimum of S, most of them saying "slow"."""
    points, truth, jac, ghost_h, ghost_S = _ghost()
    assert _score(points, truth, jac) == (3, 0)
    at_ghost = (points.states[:, 0] - ghost_h).abs() < 1e-3
    outcomes = [o for o, g in zip(points.outcome_names, at_ghost) if g]
    assert len(outcomes) > 0 and "fixed" not in outcomes and outcomes.count("slow") > len(outcomes) / 2
    assert torch.allclose(points.speed[at_ghost], torch.tensor(ghost_S, dtype=torch.float64), rtol=1e-2)


def test_every_search_that_ends_at_the_ghost_says_slow():
    # issue 17, item 4: with an absolute ||grad S|| <= 1e-9 some searches stopped at 1.1e-9 to 1.3e-9 and
    # said "moving"; the scale-free first-order test (a cosine) and no early abandoning make them all "slow"
    points, _, _, ghost_h, _ = _ghost()
    at_ghost = (points.states[:, 0] - ghost_h).abs() < 1e-3
    assert all(o == "slow" for o, g in zip(points.outcome_names, at_ghost) if g)


# -- small random networks, exhaustively solved -----------------------------------------------------

@pytest.mark.parametrize("n,k", [(2, 41), (3, 15), (4, 9)])
@pytest.mark.parametrize("seed", range(6))
def test_every_fixed_point_of_a_small_tanh_network_is_found_and_none_is_false(n, k, seed):
    """h' = tanh(W h + b) as a plain callable: 100% recovery from typical starts, no false fixed point."""
    rng = np.random.default_rng(seed)
    W = rng.normal(0, 1.5 / math.sqrt(n), (n, n)) + 1.2 * np.eye(n)
    b = rng.normal(0, 0.2, n)

    def g(h):
        return np.tanh(W @ h + b) - h

    def jac(h):
        return (1 - np.tanh(W @ h + b) ** 2)[:, None] * W - np.eye(n)

    truth = _roots(g, jac, _grid(n, k))
    Wt, bt = torch.tensor(W), torch.tensor(b)
    starts = torch.tensor(np.random.default_rng(100 + seed).uniform(-1, 1, (256, n)))
    points = sp.find_slow_points(lambda h, u: torch.tanh(h @ Wt.T + bt), starts, torch.zeros(1, dtype=torch.float64))
    assert len(truth) >= 1
    assert _score(points, truth, jac) == (len(truth), 0)


@pytest.mark.parametrize("n", [2, 3])
@pytest.mark.parametrize("seed", range(6))
def test_every_fixed_point_of_a_small_gru_is_found_and_none_is_false(n, seed):
    """A GRU cell with strong self-excitation (several fixed points): the built-in search, bounded to
    the states a GRU can reach, against scipy's exhaustive solution in that box."""
    torch.manual_seed(seed)
    cell = nn.GRUCell(1, n).double()
    with torch.no_grad():
        cell.weight_hh[2 * n:] += 2.5 * torch.eye(n, dtype=torch.float64)
    x = torch.zeros(1, 1, dtype=torch.float64)

    def residual(v):
        return cell(x, v[None])[0] - v

    def g(h):
        with torch.no_grad():
            return residual(torch.tensor(h)).numpy()

    def jac(h):
        return jacrev(residual)(torch.tensor(h)).detach().numpy()

    truth = _roots(g, jac, _grid(n, 31 if n == 2 else 11), inside=lambda h: np.abs(h).max() <= 1)
    starts = torch.tensor(np.random.default_rng(seed).uniform(-1, 1, (256, n)))
    points = sp.find_slow_points(cell, starts, torch.zeros(1))
    assert len(truth) >= 1
    assert _score(points, truth, jac) == (len(truth), 0)


def test_every_fixed_point_of_a_continuous_time_rnn_is_found_with_its_stability():
    """dh/dt = -h + W tanh(h) + b (3 units): recovery, no false fixed point, and the stability that
    the eigenvalues of -I + W diag(1 - tanh^2) give."""
    rng = np.random.default_rng(3)
    n = 3
    W = rng.normal(0, 1.0, (n, n)) + 2.0 * np.eye(n)
    b = rng.normal(0, 0.3, n)

    def g(h):
        return -h + W @ np.tanh(h) + b

    def jac(h):
        return -np.eye(n) + W * (1 - np.tanh(h) ** 2)[None, :]

    truth = _roots(g, jac, _grid(n, 13, 4.0))
    Wt, bt = torch.tensor(W), torch.tensor(b)
    f = sp.RecurrentMap(lambda h, u: -h + torch.tanh(h) @ Wt.T + bt, continuous=True)
    starts = torch.tensor(np.random.default_rng(4).uniform(-4, 4, (256, n)))
    points = sp.find_slow_points(f, starts, torch.zeros(1, dtype=torch.float64))
    assert len(truth) >= 3
    assert _score(points, truth, jac) == (len(truth), 0)
    fixed = points.select("fixed")
    want = [int((np.linalg.eigvals(jac(s)).real > 0).sum()) for s in fixed.states.numpy()]
    assert fixed.n_unstable().tolist() == want and {0, 1} <= set(want)         # stable points and saddles


# -- any recurrent module ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [nn.GRU, nn.LSTM, nn.RNN])
def test_a_stacked_module_is_the_map_torch_computes(kind):
    """The state of a 2-layer module is every layer's h (then c): one step of the map is one step of torch."""
    torch.manual_seed(0)
    net = kind(3, 5, num_layers=2).double()
    dyn = sp.dynamics(net)
    N, x = 4, torch.randn(4, 3, dtype=torch.float64)
    h0 = torch.randn(2, N, 5, dtype=torch.float64)
    c0 = torch.randn(2, N, 5, dtype=torch.float64)
    state = State(h0, c0) if kind is nn.LSTM else h0
    v = sp.flat_states(dyn, state, "state", torch.float64)
    with torch.no_grad():
        out = net(x[None], (h0, c0) if kind is nn.LSTM else h0)[1]
        want = torch.cat([out[0].transpose(0, 1).reshape(N, -1), out[1].transpose(0, 1).reshape(N, -1)], -1) \
            if kind is nn.LSTM else out.transpose(0, 1).reshape(N, -1)
        assert torch.allclose(dyn.step(v, x), want, atol=1e-12)


def test_fixed_points_of_a_two_layer_lstm_are_fixed_under_torch_itself():
    torch.manual_seed(1)
    net = nn.LSTM(2, 6, num_layers=2).double()
    with torch.no_grad():
        for name, w in net.named_parameters():
            if name.startswith("weight_hh"):
                w.mul_(3.0)
    h0, c0 = 0.5 * torch.randn(2, 64, 6, dtype=torch.float64), torch.randn(2, 64, 6, dtype=torch.float64)
    x = torch.zeros(2, dtype=torch.float64)
    points = sp.find_slow_points(net, State(h0, c0), x, n_iters=400, bounded=False).select("fixed")
    assert len(points) > 0
    H = 12
    h = points.states[:, :H].reshape(-1, 2, 6).transpose(0, 1).contiguous()
    c = points.states[:, H:].reshape(-1, 2, 6).transpose(0, 1).contiguous()
    with torch.no_grad():
        _, (h1, c1) = net(x.expand(1, len(points), 2), (h, c))
    assert torch.allclose(h1, h, atol=1e-5) and torch.allclose(c1, c, atol=1e-5)


def test_a_callable_lstm_with_a_tuple_state_finds_what_the_built_in_lstm_finds():
    torch.manual_seed(2)
    cell = nn.LSTMCell(2, 4).double()
    with torch.no_grad():
        cell.weight_hh.mul_(3.0)

    def step(state, u):
        h, c = cell(u, state)
        return h, c

    h0, c0 = torch.randn(32, 4, dtype=torch.float64), torch.randn(32, 4, dtype=torch.float64)
    x = torch.zeros(2, dtype=torch.float64)
    built_in = sp.find_slow_points(cell, State(h0, c0), x, bounded=False)
    as_callable = sp.find_slow_points(step, (h0, c0), x, bounded=False)
    assert as_callable.outcome_names == built_in.outcome_names
    assert torch.allclose(as_callable.states, built_in.states, atol=1e-8)
    assert torch.allclose(as_callable.jacobians, built_in.jacobians, atol=1e-8)


def test_a_recurrent_map_keeps_the_structure_of_its_state():
    f = sp.RecurrentMap(lambda s, u: {"a": 0.5 * s["a"], "b": 0.5 * s["b"] + u.sum(-1, keepdim=True)[..., None]})
    state = {"a": torch.randn(3, 2, 2, dtype=torch.float64), "b": torch.randn(3, 1, 1, dtype=torch.float64)}
    v = f.flatten(state)
    assert v.shape == (3, 5)
    back = f.unflatten(v)
    assert back.keys() == state.keys() and all(torch.equal(back[k], state[k]) for k in state)
    points = sp.find_slow_points(f, state, torch.ones(2, dtype=torch.float64), tol=1e-24, gtol=1e-12)
    assert points.outcome_names == ["fixed"] * 3
    out = f.unflatten(points.states)
    assert torch.allclose(out["a"], torch.zeros(3, 2, 2, dtype=torch.float64), atol=1e-9)
    assert torch.allclose(out["b"], torch.full((3, 1, 1), 4.0, dtype=torch.float64), atol=1e-9)
    with pytest.raises(ValueError, match="structure"):
        f.flatten({"a": torch.zeros(3, 2, 2)})


def test_the_readme_example_of_your_own_network_runs():
    """The README's "Slow points of your own network" block, run as written."""
    from pathlib import Path
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = text.split("### Slow points of your own network", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    torch.manual_seed(0)
    scope = {}
    exec(compile(code, "README.md", "exec"), scope)
    pts = scope["pts"]
    assert pts.continuous and len(pts) == 64 and (pts.outcome == 0).any()


# -- a network whose fixed points are known by construction: the 3-bit flip-flop -------------------

@pytest.fixture(scope="module")
def flipflop():
    """A tanh RNN (24 units) trained by mem on the 3-bit flip-flop: a few seconds on one thread."""
    from mem.models import RNNClassifier
    from mem.tasks import FlipFlop
    from mem.train import train
    task = FlipFlop(3, T=100)
    model = RNNClassifier("rnn_tanh", 3, 24, 3, seed=0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        train(model, task, n_iters=600, seed=0, progress=False)
    finally:
        torch.set_num_threads(threads)
    batch = task.validation_batch(200, 1)
    with torch.no_grad():
        assert task.score(model(batch.x).logits, batch) > 0.99
    return model, batch


def _patterns(model, points) -> list[tuple]:
    W, b = model.readout.weight.detach().double(), model.readout.bias.detach().double()
    return [tuple(p) for p in torch.sign(points.h @ W.T + b).int().tolist()]


def _fixed_under_torch(model, points) -> bool:
    """One step of the model's own nn.RNN (torch's kernel, not the finder's map) leaves each point in place."""
    with torch.no_grad():
        h = points.h.float()
        out = model.rnn(torch.zeros(len(h), 1, 3), h[None])[1][0]
    return bool(torch.allclose(out.double(), points.h, atol=1e-5))


@pytest.mark.slow
def test_a_flip_flop_has_its_eight_memories_and_twelve_saddles_between_them(flipflop):
    """From states along trajectories, the finder finds 2^3 = 8 stable fixed points, one per bit pattern;
    from midpoints between them, the 12 saddles with one unstable direction, each leading to the two
    memories that differ in one bit: the 12 edges of the cube. Every point is fixed under torch itself."""
    model, batch = flipflop
    traj = sp.states_along(model, batch.x).reshape(-1, 24)
    starts = traj[torch.randperm(len(traj), generator=torch.Generator().manual_seed(0))[:512]]
    memories = sp.find_slow_points(model, starts, torch.zeros(3)).select("fixed").deduplicate(1e-3)
    assert len(memories) == 8 and memories.n_unstable().tolist() == [0] * 8
    assert sorted(_patterns(model, memories)) == sorted(itertools.product((-1, 1), repeat=3))
    assert _fixed_under_torch(model, memories)

    mids = torch.stack([(memories.states[i] + memories.states[j]) / 2
                        for i, j in itertools.combinations(range(8), 2)])
    found = sp.find_slow_points(model, mids, torch.zeros(3), n_iters=400)
    assert "moving" not in found.outcome_names
    fixed = found.select("fixed").deduplicate(1e-3)
    assert _fixed_under_torch(model, fixed)
    saddles = fixed[fixed.n_unstable() == 1]
    _, vectors = saddles.eig()
    edges = set()
    for k in range(len(saddles)):
        away = vectors[k, :, 0].real.float()
        ends = []
        for sign in (1.0, -1.0):
            start = State(saddles.states[k:k + 1].float() + sign * 1e-3 * away, None)
            end = sp.states_along(model, torch.zeros(1, 300, 3), start)[0, -1]
            ends.append(tuple(torch.sign(model.readout(end)).int().tolist()))
        assert sum(a != b for a, b in zip(*ends)) == 1                           # neighbours on the cube
        edges.add(frozenset(ends))
    assert len(saddles) == 12 and len(edges) == 12


# -- the outcomes mean the same with and without the box (issue 17, item 4) ------------------------

def _pulled_out(target=(2.0, 0.3)):
    """h' = h + 0.1 (t - h): one fixed point t, outside the box [-1, 1]^2 in unit 1, inside in unit 2."""
    t = torch.tensor(target, dtype=torch.float64)

    def step(h, u):
        return h + 0.1 * (t - h)
    return sp.RecurrentMap(step, bounds=(-1.0, 1.0)), t


def test_a_minimum_on_a_face_of_the_box_is_slow_and_the_free_search_finds_the_fixed_point():
    f, t = _pulled_out()
    start = torch.tensor([[0.0, -0.5], [0.9, 0.9], [-1.0, 0.0]], dtype=torch.float64)
    box = sp.find_slow_points(f, start, torch.zeros(1))
    assert box.outcome_names == ["slow"] * 3
    # the constrained minimum: unit 1 pinned at its bound, unit 2 at its own fixed point; S = (0.1 * 1)^2
    assert torch.allclose(box.states, torch.tensor([[1.0, 0.3]] * 3, dtype=torch.float64), atol=1e-9)
    assert torch.allclose(box.speed, torch.full((3,), 0.01, dtype=torch.float64), rtol=1e-6)
    assert (box.stationarity <= box.info["gtol"]).all() and (box.grad_norm < 1e-9).all()
    free = sp.find_slow_points(f, start, torch.zeros(1), bounded=False)
    assert free.outcome_names == ["fixed"] * 3 and torch.allclose(free.states, t.expand(3, -1), atol=1e-5)


def test_a_ghost_inside_the_box_gets_the_same_outcomes_with_and_without_the_box():
    bias = abs(saddle_node()[1]) + 0.07
    starts = torch.tensor(_grid(2, 9, 0.9))
    box = sp.find_slow_points(toy_rnn(bias=(bias, 0.0)), starts, torch.zeros(1))
    free = sp.find_slow_points(toy_rnn(bias=(bias, 0.0)), starts, torch.zeros(1), bounded=False)
    # where the two searches ended at the same point (at the flat ghost, S fixes the position to ~1e-6)
    same = (box.states - free.states).norm(dim=-1) < 1e-4
    assert int(same.sum()) >= 0.7 * len(starts) and "moving" not in box.outcome_names + free.outcome_names
    assert (box.outcome[same] == free.outcome[same]).all()
    assert set(box[same].outcome_names) == {"fixed", "slow"}


def test_moving_means_the_budget_ran_out_and_nothing_is_given_up_early():
    bias = abs(saddle_node()[1]) + 0.07
    starts = torch.tensor(_grid(2, 9, 0.9))
    for n in (1, 3):
        p = sp.find_slow_points(toy_rnn(bias=(bias, 0.0)), starts, torch.zeros(1), n_iters=n)
        moving = p.outcome == 2
        assert moving.any() and (p.n_iter[moving] == n).all()
        assert p.info["stopped"]["budget"] == int(moving.sum())
        # a moving candidate is neither fixed nor stationary
        assert (p.speed[moving] >= p.info["tol"]).all() and (p.stationarity[moving] > p.info["gtol"]).all()


def test_stationarity_is_scale_free_and_zero_exactly_at_a_stationary_point():
    g = torch.Generator().manual_seed(0)
    J = torch.randn(4, 5, 5, generator=g, dtype=torch.float64)
    r = torch.randn(4, 5, generator=g, dtype=torch.float64)
    v = torch.zeros(4, 5, dtype=torch.float64)
    s = sp.stationarity(J, r, v)
    assert ((s > 0) & (s <= 1)).all()
    assert torch.allclose(sp.stationarity(7 * J, 1e-3 * r, v), s)          # units of S and of the state
    # r orthogonal to the range of a singular J: grad S = 0 with S > 0
    J[:, :, 0] = 0
    J[:, 0, :] = 0
    r = torch.zeros(4, 5, dtype=torch.float64)
    r[:, 0] = 1.0
    assert (sp.stationarity(J, r, v) == 0).all()
    # in a box: a gradient that pushes out of a bound does not count
    J = torch.eye(2, dtype=torch.float64).expand(1, 2, 2)
    at_bound = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
    lo, hi = -torch.ones(2, dtype=torch.float64), torch.ones(2, dtype=torch.float64)
    assert float(sp.stationarity(J, torch.tensor([[-0.5, 0.0]], dtype=torch.float64), at_bound, lo, hi)) == 0
    inward = torch.tensor([[0.5, 0.0]], dtype=torch.float64)
    assert float(sp.stationarity(J, inward, at_bound, lo, hi)) == pytest.approx(2 ** -0.5)
