"""Tests for mem.slowpoints: correctness on systems with known answers, the zoo, the container, the layout."""
import math
import re

import pytest
import torch
from scipy.optimize import brentq
from torch import nn

from mem import slowpoints as sp
from mem import zoo
from mem.models import RNNClassifier, State, toy_rnn


# ---------------------------------------------------------------------------------------------
# Systems with known answers
# ---------------------------------------------------------------------------------------------
def _linear_relu_cell():
    """h' = relu(W h + b): linear near h* = (1, 2, 0.5, 1.5), where W h* + b = h* > 0."""
    torch.manual_seed(0)
    Q = torch.linalg.qr(torch.randn(4, 4, dtype=torch.float64))[0]
    # eigenvalues 0.9, -0.5 and the complex pair 0.6 +- 0.3i
    B = torch.tensor([[0.9, 0, 0, 0], [0, -0.5, 0, 0], [0, 0, 0.6, -0.3], [0, 0, 0.3, 0.6]], dtype=torch.float64)
    W = Q @ B @ Q.T
    h_star = torch.tensor([1.0, 2.0, 0.5, 1.5], dtype=torch.float64)
    b = h_star - W @ h_star
    cell = nn.RNNCell(1, 4, nonlinearity="relu").double()
    with torch.no_grad():
        cell.weight_hh.copy_(W)
        cell.weight_ih.zero_()
        cell.bias_ih.zero_()
        cell.bias_hh.copy_(b)
    return cell, h_star, torch.linalg.eigvals(B)


def test_linear_system_fixed_point_and_exact_eigenvalues():
    cell, h_star, eig = _linear_relu_cell()
    start = h_star + 0.1 * torch.randn(5, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    pts = sp.find_slow_points(cell, start, torch.zeros(1))
    assert pts.converged.all()
    assert torch.allclose(pts.states, h_star.expand(5, -1), atol=1e-8)
    assert int(pts.n_iter.max()) <= 3  # Newton solves a linear system in one step (LM: a few)
    got = pts.eigenvalues()[0]
    want = eig[torch.argsort(eig.abs(), descending=True)]
    assert torch.allclose(torch.sort(got.real).values, torch.sort(want.real).values, atol=1e-10)
    assert torch.allclose(torch.sort(got.imag).values, torch.sort(want.imag).values, atol=1e-10)
    assert torch.allclose(pts.time_constant(), torch.full((5,), -1 / math.log(0.9), dtype=torch.float64))
    assert (pts.n_unstable() == 0).all() and (pts.n_slow(tau=5.0) == 1).all()  # only 0.9 > exp(-1/5)


def test_toy_rnn_finds_all_nine_fixed_points():
    a = brentq(lambda h: math.tanh(2 * h) - h, 0.5, 1.0)
    g = torch.linspace(-1.2, 1.2, 9)
    start = torch.cartesian_prod(g, g)
    pts = sp.find_slow_points(toy_rnn(), start, torch.zeros(1))
    assert pts.converged.all()
    uniq = pts.deduplicate()
    assert len(uniq) == 9
    want = torch.tensor([[x, y] for x in (-a, 0.0, a) for y in (-a, 0.0, a)], dtype=torch.float64)
    d = torch.cdist(uniq.states, want)
    assert d.min(0).values.max() < 1e-5  # every known fixed point was found
    n_unstable = uniq.n_unstable()
    stable = uniq[n_unstable == 0]
    assert len(stable) == 4 and torch.allclose(stable.states.abs(), torch.full((4, 2), a, dtype=torch.float64))
    assert int((n_unstable == 1).sum()) == 4 and int((n_unstable == 2).sum()) == 1  # saddles, source


def test_toy_ghost_is_a_stationary_slow_point():
    # 1-D saddle-node of h' = tanh(2h + b): 2 (1 - tanh^2) = 1 at 2h + b = atanh(1/sqrt 2), h = 1/sqrt 2
    b_sn = math.atanh(2 ** -0.5) - 2 * 2 ** -0.5
    cell = toy_rnn(bias=(b_sn - 0.05, 0.0))
    pts = sp.find_slow_points(cell, torch.tensor([[0.8, 0.96], [0.7, -0.96]]), torch.zeros(1), n_iters=500)
    assert pts.outcome_names == ["slow", "slow"]
    assert (pts.speed > 1e-6).all() and (pts.stationarity < 1e-7).all()
    # the ghost sits near the vanished fixed point h1 = 1/sqrt 2, at the stable h2 = +-a
    assert torch.allclose(pts.states[:, 0], torch.full((2,), 2 ** -0.5, dtype=torch.float64), atol=0.05)


def test_adam_and_newton_agree_where_adam_converges():
    g = torch.linspace(-1.2, 1.2, 5)
    start = torch.cartesian_prod(g, g) + 0.01
    cell = toy_rnn()
    newton = sp.find_slow_points(cell, start, torch.zeros(1))
    adam = sp.find_slow_points(cell, start, torch.zeros(1), method="adam", lr=1e-2, lr_decay=0.999,
                               n_iters=5000, tol=1e-12)
    ok = adam.converged
    assert int(ok.sum()) >= 4  # Adam does reach the four attractors
    assert torch.allclose(adam.states[ok], newton.states[ok], atol=1e-4)
    assert adam.info["lr"] == 1e-2 and adam.method == "adam"


# ---------------------------------------------------------------------------------------------
# Modules and cells, LSTM components, no side effects
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["GRU", "LSTM", "RNN", "GRUCell", "LSTMCell", "RNNCell"])
def test_speed_matches_the_modules_own_forward(kind):
    torch.manual_seed(0)
    m = getattr(nn, kind)(3, 5).double()
    h, c = torch.randn(4, 5, dtype=torch.float64), torch.randn(4, 5, dtype=torch.float64)
    x = torch.randn(3, dtype=torch.float64)
    xs = x.expand(4, -1)
    with torch.no_grad():
        if kind == "LSTMCell":
            h1, c1 = m(xs, (h, c))
        elif kind == "LSTM":
            _, (h1, c1) = m(xs.unsqueeze(0), (h.unsqueeze(0), c.unsqueeze(0)))
            h1, c1 = h1[0], c1[0]
        elif kind.endswith("Cell"):
            h1, c1 = m(xs, h), None
        else:
            h1 = m(xs.unsqueeze(0), h.unsqueeze(0))[1][0]
            c1 = None
    lstm = "LSTM" in kind
    state = State(h, c) if lstm else h
    want = ((h1 - h) ** 2).sum(-1) + (((c1 - c) ** 2).sum(-1) if lstm else 0)
    assert torch.allclose(sp.speed(m, state, x), want, atol=1e-12)
    if lstm:
        assert torch.allclose(sp.speed(m, state, x, components="h"), ((h1 - h) ** 2).sum(-1))
        want_tc = ((h1 - h) ** 2).sum(-1) + ((torch.tanh(c1) - torch.tanh(c)) ** 2).sum(-1)
        assert torch.allclose(sp.speed(m, state, x, components="h_tanh_c"), want_tc)
        pts = sp.find_slow_points(m, state, x, components="h_tanh_c", n_iters=20)
        assert pts.components == "h_tanh_c" and pts.jacobians.shape == (4, 10, 10)


@pytest.mark.parametrize("method", ["newton", "adam"])
def test_model_and_states_are_untouched(method):
    model = RNNClassifier("lstm", 65, 8, seed=0)
    model.rnn.weight_hh_l0.requires_grad_(False)  # a caller's own choice must survive
    before = {k: v.clone() for k, v in model.state_dict().items()}
    flags = {k: p.requires_grad for k, p in model.named_parameters()}
    h, c = torch.randn(3, 8), torch.randn(3, 8)
    h0, c0 = h.clone(), c.clone()
    sp.find_slow_points(model, State(h, c), torch.zeros(65), method=method, n_iters=5)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert {k: p.requires_grad for k, p in model.named_parameters()} == flags
    assert all(p.grad is None for p in model.parameters())
    assert torch.equal(h, h0) and torch.equal(c, c0)


def test_bad_inputs_raise_value_errors():
    gru = RNNClassifier("gru", 65, 8, seed=0)
    lstm = RNNClassifier("lstm", 65, 8, seed=0)
    x = torch.zeros(65)
    with pytest.raises(ValueError, match=r"initial_states.h must have shape \(N, 8\)"):
        sp.find_slow_points(gru, torch.zeros(3, 7), x)
    with pytest.raises(ValueError, match="LSTM state needs the cell state"):
        sp.find_slow_points(lstm, torch.zeros(3, 8), x)
    with pytest.raises(ValueError, match="LSTM state needs the cell state"):
        sp.find_slow_points(lstm, State(torch.zeros(3, 8)), x)
    with pytest.raises(ValueError, match="c must have the shape"):
        sp.speed(lstm, State(torch.zeros(3, 8), torch.zeros(2, 8)), x)
    with pytest.raises(ValueError, match="has no cell state"):
        sp.speed(gru, State(torch.zeros(3, 8), torch.zeros(3, 8)), x)
    with pytest.raises(ValueError, match=r"inputs must have shape \(65,\) or \(3, 65\)"):
        sp.speed(gru, torch.zeros(3, 8), torch.zeros(64))
    with pytest.raises(ValueError, match="method must be one of"):
        sp.find_slow_points(gru, torch.zeros(3, 8), x, method="sgd")
    with pytest.raises(ValueError, match="components must be one of"):
        sp.speed(lstm, State(torch.zeros(3, 8), torch.zeros(3, 8)), x, components="c")
    with pytest.raises(ValueError, match=r"n_iters must be an integer in 0\.\.1000000"):
        sp.find_slow_points(gru, torch.zeros(3, 8), x, n_iters=-1)
    with pytest.raises(ValueError, match=r"gtol must be a finite number in \(0, 1\)"):
        sp.find_slow_points(gru, torch.zeros(3, 8), x, gtol=1.0)
    with pytest.raises(ValueError, match="tol must be a finite number > 0"):
        sp.find_slow_points(gru, torch.zeros(3, 8), x, tol=0)
    with pytest.raises(TypeError, match="model must be"):
        sp.speed(nn.Linear(3, 3), torch.zeros(3, 3), torch.zeros(3))
    with pytest.raises(ValueError, match="unidirectional"):
        sp.dynamics(nn.GRU(3, 4, bidirectional=True))
    with pytest.raises(ValueError, match="outcome must be one of"):
        sp.find_slow_points(gru, torch.zeros(3, 8), x, n_iters=1).select("done")


def test_a_candidate_that_becomes_non_finite_is_marked_and_the_others_are_not_changed():
    """Issue 18: a callable map that overflows (exp(800) is inf in float64) is reported as such."""
    def step(h, u):
        return torch.exp(h) - 2 + u                              # fixed point exp(h) - 2 = h at h = -1.8414...

    rmap = sp.RecurrentMap(step)
    start = torch.tensor([[-1.0], [800.0]], dtype=torch.float64)
    with pytest.warns(RuntimeWarning, match="1 of 2 candidates became non-finite"):
        pts = sp.find_slow_points(rmap, start, torch.zeros(1), n_iters=20)
    alone = sp.find_slow_points(sp.RecurrentMap(step), start[:1], torch.zeros(1), n_iters=20)
    assert torch.equal(pts.states[:1], alone.states) and torch.equal(pts.speed[:1], alone.speed)
    assert pts.outcome_names == ["fixed", "moving"] and pts.nonfinite.tolist() == [False, True]
    assert pts.states[1].item() == 800.0 and math.isinf(pts.speed[1].item())      # it stays where it started
    assert pts.info["stopped"] == {"fixed": 1, "stationary": 0, "no descent in this precision": 0, "budget": 0,
                                   "non-finite": 1}
    assert pts.n_nonfinite == 1 and "non-finite=1" in repr(pts)
    table = pts.summary()
    assert table["nonfinite"].tolist() == [False, True] and math.isnan(table["tau"][1]) and table["tau"][0] > 0
    assert torch.isnan(pts.eigenvalues()[1]).all() and torch.isnan(pts.uncertainty()[1])
    assert pts[1].n_nonfinite == 1 and pts[0].n_nonfinite == 0                        # indexing keeps the mark
    # a finite search says nothing of it: no key, no column, nothing marked
    assert "non-finite" not in alone.info["stopped"] and "nonfinite" not in alone.summary()
    assert alone.n_nonfinite == 0 and not alone.nonfinite.any()
    # Adam's steps of lr = 1000 overshoot into the overflow: back to the last state with a finite speed
    fixed = torch.tensor([[-1.0], [-1.8414056604369606]], dtype=torch.float64)
    with pytest.warns(RuntimeWarning, match="1 of 2 candidates became non-finite"):
        adam = sp.find_slow_points(rmap, fixed, torch.zeros(1), method="adam", lr=1000.0, n_iters=5)
    assert adam.outcome_names == ["moving", "fixed"] and adam.nonfinite.tolist() == [True, False]
    assert torch.isfinite(adam.states).all() and torch.isfinite(adam.speed).all() and int(adam.n_iter[0]) < 5
    assert torch.isfinite(step(adam.states[:1], torch.zeros(1, 1))).all()
    # a continuous-time f that blows up: (1e103)^3 overflows
    f = sp.RecurrentMap(lambda h, u: h ** 3 - h + u, continuous=True)
    with pytest.warns(RuntimeWarning, match="became non-finite"):
        flow = sp.find_slow_points(f, torch.tensor([[0.2], [1e103]], dtype=torch.float64), torch.zeros(1))
    assert flow.outcome_names == ["fixed", "moving"] and flow.nonfinite.tolist() == [False, True]


# ---------------------------------------------------------------------------------------------
# The container
# ---------------------------------------------------------------------------------------------
def test_container_indexing_selection_io_and_summary(tmp_path):
    g = torch.linspace(-1.2, 1.2, 4)
    pts = sp.find_slow_points(toy_rnn(), torch.cartesian_prod(g, g), torch.zeros(1),
                              labels=torch.arange(16))
    assert len(pts) == 16 and len(pts[3]) == 1 and len(pts[:5]) == 5 and len(pts[-1]) == 1
    assert int(pts[3].labels) == 3 and torch.equal(pts[-1].states, pts.states[-1:])
    sub = pts[pts.speed < 1.0]
    assert len(sub) == int((pts.speed < 1.0).sum()) and sub.jacobians.shape[0] == len(sub)
    assert len(pts.select("fixed")) == int(pts.converged.sum())
    assert len(pts.select(label=5)) == 1
    s = pts.sort()
    assert (s.speed[1:] >= s.speed[:-1]).all()
    pts.save(tmp_path / "p.pt")
    back = sp.SlowPoints.load(tmp_path / "p.pt")
    assert torch.equal(back.states, pts.states) and back.info == pts.info and back.arch == "rnn_tanh"
    df = pts.summary()
    assert list(df.columns[:6]) == ["label", "outcome", "speed", "grad_norm", "stationarity", "n_iter"]
    assert len(df) == 16 and set(df["outcome"]) <= set(sp.OUTCOMES)
    assert "fixed=" in repr(pts)
    far = pts[:1]
    far.states[:] = 100.0
    assert len(sp.SlowPoints.remove_outliers(pts)) == 16
    mixed = pts[torch.arange(16)]
    mixed.states[0] = 100.0  # a point that ran away from where the search started
    assert len(mixed.remove_outliers()) == 15


def test_unbounded_gru_search_can_leave_the_reachable_box():
    """Unbounded, the search may end at |h_i| > 1; bounded, never (chapter 3 explains why)."""
    e = zoo.load("gru64-vocu-s0")
    from mem.data import load_digits
    from mem.tasks import DelayedClassification
    task = DelayedClassification(load_digits())
    start, labels = sp.class_mean_states(e.model, task, n_trials=500)
    assert labels.tolist() == list(range(1, 11))
    free = sp.find_slow_points(e.model, start, task.mean_input(), n_iters=300, bounded=False)
    box = sp.find_slow_points(e.model, start, task.mean_input(), n_iters=300)
    assert float(free.h.abs().max()) > 1.5
    assert float(box.h.abs().max()) <= 1.0
    assert not free.in_bounds.all() and bool(box[box.h.abs().amax(-1) < 1].in_bounds.all())
    # no early abandoning: a candidate reported "moving" used the whole budget
    moving = box.outcome == 2
    assert (box.n_iter[moving] == 300).all() and box.info["stopped"]["budget"] == int(moving.sum())
    short = sp.find_slow_points(e.model, start, task.mean_input(), n_iters=10)
    assert int(short.n_iter.min()) == 10 and short.outcome_names == ["moving"] * 10
    # bounded points, still moving, keep their class
    report = box.readout(e.model, task.mean_input(trigger=True))
    assert int((report == labels).sum()) >= 9


def test_zoo_gru_fixed_point_is_a_true_fixed_point():
    """gru128-nacu-s0 drains every class memory to one fixed point; Newton's points check out
    against the fused nn.GRU kernel, independently of the code that found them."""
    from mem.data import load_digits
    from mem.tasks import DelayedClassification
    e = zoo.load("gru128-nacu-s0")
    task = DelayedClassification(load_digits())
    start, labels = sp.class_mean_states(e.model, task, n_trials=500)
    x = task.mean_input()
    with torch.no_grad():  # let the network itself run for 3000 steps of mean input
        out = e.model.rnn(x.expand(len(labels), 3000, -1), start.h.unsqueeze(0).contiguous())[1][0]
    pts = sp.find_slow_points(e.model, out, x, labels=labels)
    assert pts.converged.all() and (pts.speed < 1e-10).all()
    gru = e.model.rnn.double()
    with torch.no_grad():
        h1 = gru(x.double().expand(len(pts), 1, -1), pts.h.unsqueeze(0).contiguous())[1][0]
    assert (((h1 - pts.h) ** 2).sum(-1) < 1e-10).all()
    assert len(pts.deduplicate(0.05)) == 1
    lam = pts.max_abs_eigenvalue()
    assert (lam < 1).all() and (lam > 0.99).all()  # stable, but slow: tau of hundreds of steps
    report = pts.readout(e.model, task.mean_input(trigger=True))
    assert len(set(report.tolist())) == 1  # one class is all that is left
    # the summary's readout column: the point itself reads out the null class; with the trigger, the class
    table, triggered = pts.summary(e.model), pts.summary(e.model, task.mean_input(trigger=True))
    assert (table["readout"] == 0).all() and triggered["readout"].tolist() == report.tolist()
    with pytest.raises(ValueError, match="inputs"):
        pts.summary(inputs=task.mean_input(trigger=True))


def test_starting_points_shapes():
    model = RNNClassifier("lstm", 65, 8, seed=0)
    from mem.data import load_digits
    from mem.tasks import DelayedClassification
    task = DelayedClassification(load_digits())
    start, labels = sp.class_mean_states(model, task, n_trials=50)
    assert start.h.shape == (len(labels), 8) and start.c.shape == (len(labels), 8)  # untrained: maybe K = 0
    traj, tl = sp.trajectory_states(model, task, n_samples=7, max_delay=30, noise_scale=0.01)
    assert traj.h.shape == (7, 8) and traj.c.shape == (7, 8) and tl.shape == (7,)
    assert ((tl >= 1) & (tl <= 10)).all()
    with pytest.raises(ValueError, match="n_samples"):
        sp.trajectory_states(model, task, n_samples=0)
    with pytest.raises(TypeError, match=re.escape("model must be a mem.models.RNNClassifier")):
        sp.class_mean_states(nn.GRU(65, 8), task)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda():
    model = RNNClassifier("gru", 65, 16, seed=0).cuda()
    start = torch.randn(4, 16, device="cuda") * 0.1
    for method in ("newton", "adam"):
        pts = sp.find_slow_points(model, start, torch.zeros(65, device="cuda"), method=method, n_iters=10)
        assert pts.states.device.type == "cuda" and pts.to("cpu").states.device.type == "cpu"
        assert torch.isfinite(pts.speed).all()


def test_states_along_matches_the_fused_forward():
    model = RNNClassifier("lstm", 65, 8, seed=0)
    x = torch.randn(3, 12, 65, generator=torch.Generator().manual_seed(0))
    h0, c0 = torch.randn(3, 8) * 0.1, torch.randn(3, 8) * 0.1
    V = sp.states_along(model, x, State(h0, c0))
    out = model(x, State(h0, c0))
    assert V.shape == (3, 12, 16)
    assert torch.allclose(V[:, :, :8], out.h, atol=1e-6) and torch.allclose(V[:, -1, 8:], out.state.c, atol=1e-6)
    with pytest.raises(ValueError, match=r"x must have shape \(B, T, 65\)"):
        sp.states_along(model, x[0])
    with pytest.raises(ValueError, match="LSTM state needs the cell state"):
        sp.states_along(model, x, State(h0))


# ---------------------------------------------------------------------------------------------
# The package's layout
# ---------------------------------------------------------------------------------------------
def test_the_package_exports_the_public_api_of_its_four_modules_and_nothing_else():
    import importlib
    import pkgutil
    modules = [importlib.import_module(f"mem.slowpoints.{m.name}") for m in pkgutil.iter_modules(sp.__path__)]
    assert sorted(sp.__all__) == sorted(n for m in modules for n in m.__all__)
    for m in modules:
        for name in m.__all__:
            assert getattr(sp, name) is getattr(m, name), name
    # what uses slow points sits above the package and is not re-exported by it
    assert not {"formation", "formation_displacement", "speed_measures", "MEASURES", "MEASURE_LABELS"} & set(vars(sp))


def test_saddles_between_finds_the_saddle_on_each_edge_and_the_memories_it_joins():
    """h' = tanh(2h) per unit: memories at (+-a, +-a), index-1 saddles at (0, +-a) and (+-a, 0) between
    neighbours, a source at 0 (index 2) where the diagonal midpoints end: 4 saddles, each joining two
    memories that differ in one sign."""
    import itertools

    a = brentq(lambda h: math.tanh(2 * h) - h, 0.5, 1.0)
    corners = torch.tensor(list(itertools.product((-0.8, 0.8), repeat=2)), dtype=torch.float64)
    memories = sp.find_slow_points(lambda h, u: torch.tanh(2 * h), corners, torch.zeros(1, dtype=torch.float64))
    assert memories.outcome_names == ["fixed"] * 4 and memories.n_unstable().tolist() == [0] * 4
    saddles, ends = sp.saddles_between(lambda h, u: torch.tanh(2 * h), memories, torch.zeros(1, dtype=torch.float64))
    assert len(saddles) == 4 and saddles.n_unstable().tolist() == [1] * 4
    S = saddles.states
    assert torch.allclose(S.abs().sort(1).values, torch.tensor([0.0, a], dtype=torch.float64).expand(4, -1),
                          atol=1e-6)
    M = torch.sign(memories.states)
    assert ends.shape == (4, 2)
    assert all(int((M[i] != M[j]).sum()) == 1 for i, j in ends.tolist())
    assert len({frozenset(e) for e in ends.tolist()}) == 4
    with pytest.raises(ValueError, match="model must be a discrete-time map"):
        sp.saddles_between(sp.RecurrentMap(lambda h, u: -h, continuous=True), memories, torch.zeros(1))


def test_the_blocked_cholesky_solves_the_damped_systems_torch_solves():
    """issue 17: _BlockCholesky (blocks of 32, a ragged last one) factors G[rows] + mu I with held coordinates'
    rows and columns zeroed, solves as torch.linalg.solve does, and flags a matrix that is not positive definite."""
    from mem.slowpoints.search import _BlockCholesky

    g = torch.Generator().manual_seed(0)
    J = torch.randn(6, 100, 100, generator=g, dtype=torch.float64)
    G = J.mT @ J
    rows, mu = torch.tensor([4, 0, 2]), torch.tensor([1e-3, 1.0, 10.0], dtype=torch.float64)
    b = torch.randn(3, 100, 1, generator=g, dtype=torch.float64)
    F = _BlockCholesky(G, rows, mu)
    A = G[rows] + mu[:, None, None] * torch.eye(100, dtype=torch.float64)
    assert bool((F.info == 0).all())
    assert torch.allclose(F.solve(b), torch.linalg.solve(A, b), rtol=1e-8, atol=1e-10)
    assert torch.allclose(F.select(torch.tensor([False, True, True])).solve(b[1:]), torch.linalg.solve(A[1:], b[1:]),
                          rtol=1e-8, atol=1e-10)
    free = torch.ones(1, 100, dtype=torch.bool)
    free[0, :10] = False
    F3 = _BlockCholesky(G, torch.tensor([3]), torch.tensor([0.5], dtype=torch.float64), free)
    A3 = G[3] * free[0, :, None] * free[0, None, :] + 0.5 * torch.eye(100, dtype=torch.float64)
    assert torch.allclose(F3.solve(b[:1]), torch.linalg.solve(A3[None], b[:1]), rtol=1e-8, atol=1e-10)
    G2 = G.clone()
    G2[1] = -torch.eye(100, dtype=torch.float64)
    F2 = _BlockCholesky(G2, torch.tensor([0, 1]), torch.zeros(2, dtype=torch.float64))
    assert int(F2.info[0]) == 0 and int(F2.info[1]) != 0
