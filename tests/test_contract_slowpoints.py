"""The contract of :mod:`mem.slowpoints`, :mod:`mem.searches`, :mod:`mem.drift`, :mod:`mem.formation` and
:mod:`mem.measures` under generated bad input (tests/contract.py).

Every valid call is tiny: 2x2 images, a GRU with 2 units whose read-out always reports digit 0 (so that
the class means exist without training), the 2-unit toy map, 1-4 candidates and 2-5 iterations (the
points that methods are called on come from a few cached searches of up to 20 iterations).
"""
import copy
import functools

import numpy as np
import pytest
import small_inputs
import torch
from contract import Spec, check_spec

from mem import drift as dr
from mem import slowpoints as sp
from mem.data import Digits
from mem.evaluate import DelayCurve
from mem.models import RNNClassifier, toy_rnn
from mem.tasks import DelayedClassification


@functools.cache
def _digits() -> Digits:
    """2x2 images, two of each digit in each split."""
    g = torch.Generator().manual_seed(0)
    y = torch.arange(20) % 10
    return Digits(x_train=torch.rand(20, 4, generator=g), y_train=y, x_test=torch.rand(20, 4, generator=g),
                  y_test=y.clone(), noise_mean=0.3, noise_std=0.2, image_shape=(2, 2))


def _task():
    """Trials of 4 steps with digit 0 only (classes null and 1)."""
    return DelayedClassification(_digits(), T_max=4, delta_min=1, n_classes=2)


def _gru():
    """A GRU with 2 units whose read-out reports class 1 (digit 0) at every step: every trial is right."""
    m = RNNClassifier("gru", 5, 2, seed=0)
    with torch.no_grad():
        m.readout.bias[1] += 10.0
    return m


def _starts():
    return _gru().unflatten_state(torch.tensor([[0.1, -0.2], [0.3, 0.2]]))


@functools.cache
def _toy_points_cached():
    start = torch.tensor([[0.9, 0.9], [0.1, 0.8], [-0.9, 0.05]])
    return sp.find_slow_points(toy_rnn(), start, torch.zeros(1), n_iters=20, labels=torch.tensor([0, 1, 2]))


def _toy_points():
    """Three points of the toy map with Jacobians: a stable fixed point, a saddle, a saddle."""
    return copy.deepcopy(_toy_points_cached())


@functools.cache
def _gru_points_cached():
    return sp.find_slow_points(_gru(), _starts(), _task().mean_input(), n_iters=3, labels=torch.tensor([1, 1]))


def _gru_points():
    return copy.deepcopy(_gru_points_cached())


@functools.cache
def _two_stable_cached():
    return sp.find_slow_points(toy_rnn(), torch.tensor([[0.9, 0.9], [-0.9, -0.9]]), torch.zeros(1), n_iters=20)


def _two_stable():
    """Two stable fixed points of the toy map."""
    return copy.deepcopy(_two_stable_cached())


def _map():
    """A RecurrentMap whose state structure is learnt (2 units)."""
    m = sp.RecurrentMap(_tanh_step, bounds=(-1.0, 1.0))
    m.flatten(torch.zeros(1, 2))
    m.input_size = 1
    return m


def _tanh_step(h, u):
    return torch.tanh(2 * h + u)


def _dyn():
    return sp.dynamics(_gru())


def _v():
    return torch.tensor([[0.1, -0.2], [0.3, 0.2]])


def _x():
    return _task().mean_input().expand(2, -1).clone()


def _curve():
    return DelayCurve(delays=np.array([1, 2]), accuracy=np.array([0.9, 0.8]), n_trials=10, chance=0.5,
                      class_accuracy=np.array([[0.9], [0.55]]), class_trials=np.array([10]))


@functools.cache
def _drift_cached():
    task = _task()
    return dr.drift(_gru(), task.mean_input(), task.mean_input(trigger=True), _starts(), torch.tensor([1, 1]),
                    n_steps=4, window=1, newton_n_iters=3)


def _points_by_step():
    p = _gru_points()
    return {100: None, 200: p, 300: _gru_points()}


def _budget_table():
    return small_inputs.budget_table()


SPECS = [
    # mem.slowpoints.state_map
    Spec("mem.slowpoints.state_map.residual_of",
         lambda: dict(f=torch.rand(2, 4), v=torch.rand(2, 4), lstm_hidden=2, components="h_tanh_c")),
    Spec("mem.slowpoints.state_map.Dynamics",
         lambda: dict(arch="gru", hidden_size=2, input_size=5, weights=_dyn().weights, readout=_dyn().readout,
                      num_layers=1)),
    Spec("mem.slowpoints.state_map.Dynamics.to", lambda: dict(device="cpu", dtype=torch.float64), of=_dyn),
    Spec("mem.slowpoints.state_map.Dynamics.step", lambda: dict(v=_v(), x=_x()), of=_dyn),
    Spec("mem.slowpoints.state_map.Dynamics.residual", lambda: dict(v=_v(), x=_x(), components="full"), of=_dyn),
    Spec("mem.slowpoints.state_map.Dynamics.jacobian", lambda: dict(v=_v(), x=_x()), of=_dyn),
    Spec("mem.slowpoints.state_map.Dynamics.bounds", of=_dyn),
    Spec("mem.slowpoints.state_map.Dynamics.logits", lambda: dict(v=_v()), of=_dyn),
    Spec("mem.slowpoints.state_map.RecurrentMap",
         lambda: dict(step=_tanh_step, continuous=False, bounds=(-1.0, 1.0))),
    Spec("mem.slowpoints.state_map.RecurrentMap.flatten",
         lambda: dict(state=torch.zeros(3, 2), name="state"), of=_map,
         fixed={"name": "only the parameter named in the messages"}),
    Spec("mem.slowpoints.state_map.RecurrentMap.unflatten", lambda: dict(v=_v()), of=_map),
    Spec("mem.slowpoints.state_map.RecurrentMap.to", lambda: dict(device="cpu", dtype=torch.float64), of=_map),
    Spec("mem.slowpoints.state_map.RecurrentMap.step", lambda: dict(v=_v(), x=torch.zeros(2, 1)), of=_map),
    Spec("mem.slowpoints.state_map.RecurrentMap.residual",
         lambda: dict(v=_v(), x=torch.zeros(2, 1), components="full"), of=_map),
    Spec("mem.slowpoints.state_map.RecurrentMap.bounds", of=_map),
    Spec("mem.slowpoints.state_map.dynamics", lambda: dict(model=_gru())),
    Spec("mem.slowpoints.state_map.flat_states",
         lambda: dict(dyn=_dyn(), state=_starts(), name="initial_states", dtype=torch.float64),
         fixed={"name": "only the parameter named in the messages"},
         aliases={"state": ("initial_states",)}),  # the messages name the state as the caller does: `name`
    Spec("mem.slowpoints.state_map.flat_inputs",
         lambda: dict(dyn=_dyn(), inputs=_task().mean_input(), N=2, dtype=torch.float64)),
    Spec("mem.slowpoints.state_map.paper_components", lambda: dict(model=_gru(), components="h")),
    Spec("mem.slowpoints.state_map.speed",
         lambda: dict(model=_gru(), state=_starts(), inputs=_task().mean_input(), components="full")),
    # mem.slowpoints.points
    Spec("mem.slowpoints.points.SlowPoints.select", lambda: dict(outcome="fixed", max_speed=1.0, label=0),
         of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.sort", of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.eig", of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.eigenvalues", of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.max_abs_eigenvalue", of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.time_constant", of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.n_unstable", of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.n_slow", lambda: dict(tau=20.0), of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.readout",
         lambda: dict(model=_gru(), inputs=_task().mean_input(trigger=True)), of=_gru_points),
    Spec("mem.slowpoints.points.SlowPoints.uncertainty", of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.deduplicate", lambda: dict(tol=1e-3), of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.remove_outliers", lambda: dict(scale=10.0), of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.to", lambda: dict(device="cpu"), of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.save", lambda: dict(path="points.pt"), of=_toy_points),
    Spec("mem.slowpoints.points.SlowPoints.load", lambda: dict(path=_saved(), map_location="cpu")),
    Spec("mem.slowpoints.points.SlowPoints.summary",
         lambda: dict(model=_gru(), inputs=_task().mean_input(trigger=True)), of=_gru_points),
    # mem.slowpoints.search
    Spec("mem.slowpoints.search.stationarity",
         lambda: dict(J=torch.rand(2, 2, 2, dtype=torch.float64), r=torch.rand(2, 2, dtype=torch.float64),
                      v=_v().double(), lo=-torch.ones(2, dtype=torch.float64), hi=torch.ones(2, dtype=torch.float64))),
    Spec("mem.slowpoints.search.find_slow_points",
         lambda: dict(model=toy_rnn(), initial_states=torch.tensor([[0.5, 0.5], [-0.3, 0.8]]), inputs=torch.zeros(1),
                      method="newton", tol=1e-10, n_iters=3, gtol=1e-8, components="full", lr=1e-2, lr_decay=1.0,
                      lr_milestones=(2,), lr_gamma=0.5, dtype=torch.float64, labels=torch.tensor([0, 1]),
                      jacobians=True, bounded=True,
                      progress=False), examples=2),
    # mem.slowpoints.starts
    Spec("mem.slowpoints.starts.states_along", lambda: dict(model=_gru(), x=torch.rand(2, 3, 5), state=_starts())),
    Spec("mem.slowpoints.starts.class_mean_states",
         lambda: dict(model=_gru(), task=_task(), n_trials=8, seed=0, split="test", min_correct=1, min_recall=0.5,
                      min_precision=0.5)),
    Spec("mem.slowpoints.starts.trajectory_states",
         lambda: dict(model=_gru(), task=_task(), n_samples=3, max_delay=3, noise_scale=0.1, seed=0, split="test"),
         examples=2),
    Spec("mem.slowpoints.starts.find_class_slow_points",
         lambda: dict(model=_gru(), task=_task(), n_trials=12, seed=0, gtol=1e-8), examples=2),
    Spec("mem.slowpoints.starts.saddles_between",
         lambda: dict(model=toy_rnn(), memories=_two_stable(), inputs=torch.zeros(1), n_iters=5, tol=1e-3, eps=1e-3,
                      n_steps=5), examples=2),
    # mem.searches
    Spec("mem.searches.class_point_summary",
         lambda: dict(model=_gru(), task=_task(), points=None, components="full", n_iters=2, newton_n_iters=2),
         examples=2),
    Spec("mem.searches.search_budgets",
         lambda: dict(model=_gru(), starts=_starts(), inputs=_task().mean_input(), labels=torch.tensor([1, 1]),
                      budgets=[1, 2], trigger=_task().mean_input(trigger=True), done=None), examples=2),
    Spec("mem.searches.nearest_cloud",
         lambda: dict(model=_gru(), x=torch.rand(4, 4, 5), x_labels=torch.tensor([1, 1, 1, 1]), points=_gru_points(),
                      steps=(1, 3))),
    Spec("mem.searches.search_summary",
         lambda: dict(points=_gru_points(), model=_gru(), trigger=_task().mean_input(trigger=True))),
    Spec("mem.searches.budget_comparison", lambda: dict(table=_budget_table()),
         finite=False),  # documented: the correlations are without bootstrap, their intervals NaN
    Spec("mem.searches.budget_table", lambda: dict(table=_budget_table())),
    # mem.drift
    Spec("mem.drift.ghost_passage", lambda: dict(bias=0.6, h=-1.0, n_steps=5)),
    Spec("mem.drift.drift",
         lambda: dict(model=_gru(), inputs=_task().mean_input(), trigger=_task().mean_input(trigger=True),
                      starts=_starts(), labels=torch.tensor([1, 1]), n_steps=4, components="full", window=1,
                      newton_n_iters=2), examples=2),
    Spec("mem.drift.drift_speed",
         lambda: dict(model=_gru(), inputs=_task().mean_input(), starts=_starts(), n_steps=3, components="full")),
    Spec("mem.drift.class_drift_table",
         lambda: dict(networks={"net": (_gru(), _curve())}, task=_task(), inputs=_task().mean_input(), n_steps=2),
         finite=False),  # documented: lifetime NaN or inf where a class has none, log10 speed -inf where S = 0
    Spec("mem.drift.ghost_point", lambda: dict(bias=0.6)),
    Spec("mem.drift.ghost_dwell", lambda: dict(biases=[0.6, 0.7], radius=0.1, n_steps=5)),
    Spec("mem.drift.ghost_scaling", lambda: dict(eps=[0.05], n_steps=50), examples=1),
    Spec("mem.drift.speed_along",
         lambda: dict(model=_gru(), inputs=_task().mean_input(), starts=_starts(), n_steps=3, components="full",
                      window=2), examples=2),
    Spec("mem.drift.decay_rate",
         lambda: dict(log_speed=np.array([[-1.0, -2.0, -3.0, -3.5], [-1.0, -1.5, -2.5, -3.0]]), lo=-10.0, hi=10.0,
                      per=1000)),
    Spec("mem.drift.approach_rates",
         lambda: dict(d=copy.deepcopy(_drift_cached()), lo=-10.0, hi=10.0, n_modes=2, per=1000)),
    # mem.formation
    Spec("mem.formation.formation",
         lambda: dict(models={0: _gru()}, task=_task(), n_trials=12, seed=0, progress=False, gtol=1e-8), examples=2),
    Spec("mem.formation.formation_displacement",
         lambda: dict(points=_points_by_step(), max_step=1000, n_classes=11),
         finite=False),  # documented: NaN where a class lacks a point at either end of an interval
    Spec("mem.formation.digit_displacement", lambda: dict(points=_points_by_step(), max_step=1000),
         finite=False),  # documented: NaN where a digit lacks a point at either end of an interval
    Spec("mem.formation.first_seen", lambda: dict(points=_points_by_step(), n_digits=10)),
    Spec("mem.formation.points_lost", lambda: dict(points=_points_by_step())),
    Spec("mem.formation.formation_pca", lambda: dict(points=_points_by_step())),
    Spec("mem.formation.formation_digits", lambda: dict(points=_points_by_step())),
    Spec("mem.formation.stage_movement",
         lambda: dict(ends=np.array([100, 200, 300, 400]), displacement=np.array([[1.0, 2.0], [0.5, 0.4],
                                                                                  [0.3, 0.2], [0.2, 0.1]]),
                      events=[150], interval=100),
         nan_ok=("displacement",)),  # documented: NaN where a class has no point
    # mem.measures
    Spec("mem.measures.speed_measures",
         lambda: dict(model=_gru(), task=_task(), adam_n_iters=2, adam_lr=1e-2, newton_n_iters=2, drift_n_steps=2,
                      components="full", n_trials=12, seed=0, paper=False), examples=2),
]

EXEMPT = {
    "mem.slowpoints.points.SlowPoints": "the result record of find_slow_points (built by it, by indexing and by "
                                        "load), a dataclass of its fields without checks",
    "mem.slowpoints.state_map.RecurrentMap.logits": "always raises ValueError: a RecurrentMap has no read-out",
    "mem.drift.Drift": "a plain record of what drift() computed, without checks",
    "mem.drift.saddle_node": "a function with no parameters",
}


def _saved() -> str:
    path = "saved-points.pt"
    _toy_points().save(path)
    return path


@pytest.fixture(autouse=True)
def in_tmp_folder(tmp_path, monkeypatch):
    """Run in an empty temporary folder: the files that save writes (and the paths it is given) land there."""
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name.removeprefix("mem.") for s in SPECS])
def test_contract(spec):
    check_spec(spec)
