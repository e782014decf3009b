"""The contract of :mod:`mem.plots` (every figure function and the style look-ups) under generated bad input
(tests/contract.py).

Every valid call is tiny (a few points, 2-unit networks, one-row tables) so that the whole file runs in
seconds; ``ax=None`` / ``axes=None`` are passed so that a wrong kind of axes is tried too. Drawing is what
costs (a figure of several panels with a tight layout takes 0.05-0.2 s): those specs (``PANELS``) get no
Hypothesis example beyond the fixed families, the others one, and their labels are checked by a test of their
own (``test_labels_of_panels_are_text``).
"""
import functools
import inspect

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import small_inputs
import torch
from contract import Spec, check_spec

from mem import analysis, drift, models, plots, protocols
from mem import slowpoints as sp
from mem.evaluate import DelayCurve
from mem.train import History

EXEMPT = {
    "mem.plots.style.pyplot": "takes no parameters (returns matplotlib.pyplot)",
    "mem.plots.style.use": "takes no parameters (sets matplotlib's fonts and IPython's PNG formatter)",
}


# ---------------------------------------------------------------------------------------------- small inputs
def _figure():
    from matplotlib.figure import Figure
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().set_title("t")
    return fig


def _digits():
    return small_inputs.digits()


def _task():
    return small_inputs.task()


def _gen():
    return torch.Generator().manual_seed(0)


def _batch():
    return _task().sample(2, _gen())


@functools.cache
def _signal_task():
    """A delayed task on MNIST-1D's 1-D signals (40 samples), as long as _task's trials."""
    from mem.data import load_mnist1d
    from mem.tasks import DelayedClassification
    return DelayedClassification(load_mnist1d(num_samples=100), T_max=_task().T_max)


def _signal_batch():
    return _signal_task().sample(2, _gen())


def _probe():
    return _task().sample_probe(2, 3, _gen())


def _history(n=4):
    h = History(loss=np.linspace(2.0, 0.5, n), accuracy=np.linspace(0.1, 0.9, n), T_max=np.full(n, 6),
                n_classes=np.full(n, 11))
    h.penalty = np.linspace(1.0, 0.1, n)
    return h


def _curve():
    return DelayCurve(np.array([10, 100]), np.array([0.9, 0.5]), 100, 0.1)


def _accuracy_protocol():
    proto = protocols.AccuracyCurriculum.delay(n_iters=4, T_start=4, T_end=6, T_step=2, threshold=0.5, window=1)
    for step in range(4):
        proto(step, 1.0)
    return proto


def _points(states, jacobians, labels, outcome):
    """SlowPoints written down (a first search costs a second of warm-up; the figures only read these fields)."""
    n = len(states)
    return sp.SlowPoints(states=states, speed=torch.full((n,), 1e-12), grad_norm=torch.zeros(n),
                         outcome=torch.tensor(outcome), n_iter=torch.ones(n, dtype=torch.long),
                         inputs=torch.zeros(n, 1), initial_states=states.clone(), labels=torch.tensor(labels),
                         jacobians=jacobians, arch="gru", hidden_size=states.shape[1])


@functools.cache
def _toy_points():   # the toy network's stable point, saddle, source and a slow point
    states = torch.tensor([[0.96, 0.96], [0.0, 0.96], [0.0, 0.0], [0.5, 0.5]], dtype=torch.float64)
    jac = torch.stack([torch.diag(torch.tensor(d, dtype=torch.float64))
                       for d in ([0.1, 0.1], [2.0, 0.1], [2.0, 2.0], [0.5, 0.5])])
    return _points(states, jac, [-1] * 4, [0, 0, 0, 1])


@functools.cache
def _gru():
    return models.RNNClassifier("gru", _task().input_size, hidden_size=3, seed=0)


@functools.cache
def _gru_points():
    return _points(0.3 * torch.randn(2, 3, generator=_gen()), 0.5 * torch.randn(2, 3, 3, generator=_gen()), [1, 2],
                   [0, 1])


@functools.cache
def _drift():
    return drift.Drift(S=torch.tensor([[1e-2, 1e-3, 1e-4], [1e-2, 1e-2, 1e-3]]), reported=torch.tensor([[1, 1, 2],
                                                                                                       [2, 2, 2]]),
                       end=_gru_points(), last=torch.zeros(2), travel=torch.zeros(2), digits=[1], own=1,
                       end_spread=0.0)


def _keyed(v=1.0):
    return {("gru", "nacu", 0): v, ("lstm", "decu", 1): 2 * v}


def _budget_table():
    return small_inputs.budget_table()


def _budget_comparison():
    """What mem.searches.budget_comparison says of eight networks (plot_budget_panels draws it)."""
    from mem.searches import budget_comparison
    return budget_comparison(_budget_table())


def _zoo_df():
    return pd.DataFrame({"arch": ["gru", "lstm"] * 3, "protocol": ["nacu", "decu", "vocu"] * 2, "seed": [0] * 6,
                         "hidden_size": [64] * 3 + [128] * 3, "size": ["64"] * 3 + ["128"] * 3,
                         "m": [0.1, 0.5, 0.2, 0.9, 0.4, 0.7], "y": [1.0, 2.0, 1.5, 3.0, 2.2, 2.8],
                         "acc_100": [0.2, 0.4, 0.3, 0.8, 0.5, 0.6]})


def _correlation_table():
    return pd.DataFrame({"measure": ["m", "m"], "subset": ["all", "gru"], "method": ["spearman"] * 2,
                         "r": [0.5, -0.2], "ci_low": [0.1, -0.6], "ci_high": [0.8, 0.3], "p": [0.01, 0.5]})


def _correlation():
    return analysis.Correlation(r=0.5, p=0.1, ci_low=0.1, ci_high=0.8, n=6, method="spearman")


def _sweep():
    rows = [dict(network="net", mode=m, tracking="fixed", lam=lam, lifetime=100.0 * (1 + lam),
                 report_accuracy=0.9, speed_ratio=0.5, acc_10=0.8, acc_100=0.4, acc_10_before=0.7, acc_100_before=0.3,
                 lifetime_before=90.0, report_accuracy_before=0.9)
            for m, lam in (("control", 0.0), ("slowpoints", 1.0), ("centermass", 1.0))]
    return pd.DataFrame(rows)


def _class_drift_table():
    return pd.DataFrame({"network": ["x", "x", "y", "y"], "digit": [0, 1, 0, 1],
                         "log10 drift speed": [-3.0, -2.0, -4.0, -3.0], "lifetime": [300.0, 100.0, np.inf, 400.0]})


def _benchmark_curves():
    return {"chain": (np.array([0, 10]), np.array([[1.0, 0.5]]), 3e-4)}


def _benchmark_table():
    return pd.DataFrame({"task": ["copy", "addition"], "scheme": ["chain"] * 2, "success": [True, False]})


def _profile():
    off = np.arange(-2, 3)
    return {"net": (off, off * 0.1)}


def _decoding():
    return pd.DataFrame([[0.9, 0.1], [0.8, -2.0]], columns=pd.Index([0, 5], name="lag"),
                        index=pd.MultiIndex.from_tuples([(0.0, "chain"), (0.0, "orthogonal")]))


def _bridge():
    return pd.DataFrame({"name": ["x", "y"], "init": ["chain", "default"], "seed": [0, 0], "drift": [-4.0, -3.0],
                         "log_lifetime": [2.5, 2.2]})


def _traj():
    return np.random.default_rng(0).normal(size=(2, 3, 2))


P = "mem.plots."
#: The reason for leaving an ``int | None`` parameter whose default is not None out of its spec.
NONE_OK = "int | None with a default that is not None: tested in test_optional_ints_whose_default_is_not_none"
SPECS = [
    # -- style ------------------------------------------------------------------------------------------------
    Spec(P + "style.class_color", lambda: dict(label=3)),
    Spec(P + "style.scheme_color", lambda: dict(label="chain α=1.02")),
    Spec(P + "style.figsize", lambda: dict(width=0.5, height=2.0, aspect=0.6), none_ok=("height",)),
    Spec(P + "style.rendered_px", lambda: dict(points=8.0, width_inches=6.8)),
    Spec(P + "style.smallest_text", lambda: dict(fig=_figure())),
    Spec(P + "style.png", lambda: dict(fig=_figure())),
    # -- chapter 1 --------------------------------------------------------------------------------------------
    Spec(P + "task.plot_trial", lambda: dict(batch=_batch(), i=0, image_shape=(8, 8), ax=None, title="t")),
    Spec(P + "task.plot_trials", lambda: dict(batch=_batch(), n=1, image_shape=(8, 8))),
    Spec(P + "task.plot_digit_examples", lambda: dict(data=_digits(), n_examples=1)),
    Spec(P + "task.plot_noise_frames", lambda: dict(data=_digits(), noise=_task().noise((3,), _gen()), n=1)),
    Spec(P + "task.plot_timing", lambda: dict(freq={"delay": np.array([0.0, 0.5, 0.5])},
                                              exact={"delay": np.array([0.0, 0.4, 0.6])}, n_trials=10)),
    Spec(P + "task.plot_probe_frames", lambda: dict(probe=_probe(), times=[0, 2], image_shape=(8, 8), title="p")),
    Spec(P + "task.trial_widget", lambda: dict(task=_task(), t_read=0, delay=4, seed=1, image_shape=(8, 8))),
    Spec(P + "task.plot_trial_row", lambda: dict(batch=_batch(), n=1, image_shape=(8, 8))),
    Spec(P + "task.plot_signal_examples", lambda: dict(data=_signal_task().data, n_examples=1)),
    Spec(P + "task.plot_signal_trials", lambda: dict(batch=_signal_batch(), n=1, image_shape=(1, 40), vmax=3.0)),
    Spec(P + "task.plot_trials_beside", lambda: dict(digit_batch=_batch(), signal_batch=_signal_batch(), n=1,
                                                     image_shape=(8, 8), signal_shape=(1, 40),
                                                     labels=("digits", "signals"), vmax=3.0)),
    # -- chapter 2 --------------------------------------------------------------------------------------------
    Spec(P + "training.plot_schedule", lambda: dict(protocol=protocols.DeCu(10, T_start=4, T_end=6), axes=None,
                                                    label="decu")),
    Spec(P + "training.plot_history", lambda: dict(history=_history(), axes=None, label="nacu", window=2)),
    Spec(P + "training.plot_delay_curves", lambda: dict(curves={"a": _curve()}, ax=None, colors={"a": "k"},
                                                        styles={"a": "--"}, trained_delay=19),
         fixed={"trained_delay": NONE_OK}),
    Spec(P + "training.plot_by_protocol", lambda: dict(values=_keyed(), ax=None, ylabel="y", log=False,
                                                       protocols=("nacu", "decu"), outlasts=1000.0)),
    Spec(P + "training.plot_schedules", lambda: dict(protocols={"nacu": protocols.NaCu(10, T_max=6),
                                                                "decu": protocols.DeCu(10, T_start=4, T_end=6)},
                                                     curriculum_end=5.0, title="t")),
    Spec(P + "training.plot_curriculum_run", lambda: dict(history=_history(), protocol=_accuracy_protocol(),
                                                          title="t")),
    Spec(P + "training.plot_histories", lambda: dict(histories={("gru", "nacu", 0): _history()}, curriculum_end=2.0)),
    Spec(P + "training.plot_delay_curves_by_arch", lambda: dict(curves={("gru", "decu", 0): _curve()})),
    Spec(P + "training.plot_lifetime", lambda: dict(curve=_curve(), label="net", color="k", ax=None)),
    Spec(P + "training.plot_lifetimes", lambda: dict(curves={"a": _curve()}, colors={"a": "k"}, styles={"a": "-"},
                                                     title="t")),
    Spec(P + "training.plot_lifetime_strip", lambda: dict(lifetimes=_keyed(50.0), trained_delay=19, longest_probe=1000,
                                                          protocols=("nacu", "decu"))),
    # -- chapter 3 --------------------------------------------------------------------------------------------
    Spec(P + "slowpoints.plot_speed_landscape", lambda: dict(model=models.toy_rnn(), inputs=torch.zeros(1),
                                                             points=_toy_points(), lim=1.2, n=5, arrows=3, ax=None,
                                                             title="t")),
    Spec(P + "slowpoints.plot_state_space", lambda: dict(traj=_traj(), traj_labels=np.array([1, 2]),
                                                         points=np.zeros((2, 2)), point_labels=np.array([1, 2]),
                                                         starts=np.ones((2, 2)), ax=None, title="t", xlabel="x",
                                                         ylabel="y")),
    Spec(P + "slowpoints.plot_eigenvalues", lambda: dict(eigenvalues=np.array([[0.5 + 0.1j, 0.2 - 0.3j]]),
                                                         labels=np.array([1]), axes=None, n_top=2, title="t"),
         kinds={"eigenvalues": "array"}),  # complex: an array of numbers (kind_of calls a non-float array int)
    Spec(P + "slowpoints.plot_drift", lambda: dict(speed=np.array([[1e-3, 1e-4, 0.0]]), reported=np.array([[1, 1, 2]]),
                                                   labels=np.array([1]), levels={"a": -3.0}, axes=None, title="t",
                                                   floor=1e-16)),
    Spec(P + "slowpoints.plot_formation", lambda: dict(points={"r": {0: None, 10: (np.zeros((1, 2)), np.array([1]))}},
                                                       steps=[0, 10], lim=((-1.0, 1.0), (-1.0, 1.0)), axes=None,
                                                       xlabel="x", ylabel="y", ncols=2)),
    # displacement: "NaN where the class had no point at one of the two ends" (its docstring)
    Spec(P + "slowpoints.plot_displacement", lambda: dict(steps=np.array([10, 20]), displacement=np.ones((2, 1)),
                                                          labels=np.array([1]), events=[15], ax=None, title="t",
                                                          event_label="e"), nan_ok=("displacement",)),
    Spec(P + "slowpoints.plot_against", lambda: dict(x=_keyed(), y=_keyed(3.0), ax=None, xlabel="x", ylabel="y",
                                                     logx=False, logy=False, title="t")),
    Spec(P + "slowpoints.plot_search_speeds", lambda: dict(
        speeds={"a": (np.array([-2.0]), np.array([-5.0]), np.array([1]))}, ax=None, start_label="s", end_label="e",
        title="t")),
    Spec(P + "slowpoints.plot_points_pca", lambda: dict(model=_gru(), x=_probe().x, x_labels=_probe().label,
                                                        points=_gru_points(), starts=None, ax=None, title="t")),
    Spec(P + "slowpoints.plot_ghost_passage", lambda: dict(dwell={0.6: 3}, ax=None, n_steps=5)),
    Spec(P + "slowpoints.plot_against_panels", lambda: dict(measures={"m": _keyed()}, y=_keyed(3.0),
                                                            titles={"m": "t"}, ylabel="y", logy=False)),
    Spec(P + "slowpoints.plot_budget_panels", lambda: dict(comparison=_budget_comparison(), ylabel="y")),
    Spec(P + "slowpoints.plot_search_budgets", lambda: dict(
        result={"budgets": np.array([10, 20]), "log_speed": np.zeros((2, 1)), "median_log_speed": np.zeros(2),
                "moved": np.ones(2)}, labels=np.array([1]), title="t")),
    Spec(P + "slowpoints.plot_eigenvalue_panels", lambda: dict(points={"a": _gru_points()}, n_top=2)),
    Spec(P + "slowpoints.plot_drift_panels", lambda: dict(drifts={"x": _drift()}, levels={"x": {"l": -3.0}})),
    Spec(P + "slowpoints.plot_displacement_panels", lambda: dict(panels={"r": ([10, 20], np.ones((2, 1)), [15])},
                                                                 labels=np.array([1]))),
    Spec(P + "slowpoints.plot_ghost", lambda: dict(model=models.toy_rnn(bias=(0.6, 0.0)), points=None, dwell={0.6: 3},
                                                   title="t")),
    Spec(P + "slowpoints.plot_points_pca_panels", lambda: dict(panels={"n": (_gru(), _gru_points(), None)},
                                                               x=_probe().x, x_labels=_probe().label)),
    Spec(P + "slowpoints.plot_fixed_points_pca", lambda: dict(
        traj=_traj(), memories=np.array([[0.0, 1.0], [1.0, 0.0]]), labels=["a", "b"], saddles=np.array([[0.5, 0.5]]),
        directions=np.array([[1.0, -1.0]]), length=0.3, ax=None, title="t")),
    # -- chapter 4 --------------------------------------------------------------------------------------------
    Spec(P + "speed.plot_measure", lambda: dict(df=_zoo_df(), x="m", y="y", ax=None, group="arch", fit=True,
                                                confidence=0.9, xlabel="x", ylabel="y", title="t")),
    Spec(P + "speed.plot_correlations", lambda: dict(table=_correlation_table(), ax=None, method="spearman",
                                                     subsets=["all", "gru"], labels={"m": "M"}, title="t")),
    Spec(P + "speed.plot_within", lambda: dict(per_network={"m": pd.DataFrame({"r": [-0.5, 0.1]})}, ax=None,
                                               labels={"m": "M"}, title="t", figsize=(4.0, 2.0))),
    Spec(P + "speed.plot_by_protocol_panels", lambda: dict(df=_zoo_df(), value="y", by="hidden_size", ylabel="y",
                                                           log=False, title="{} units")),
    Spec(P + "speed.plot_by_dataset", lambda: dict(df=_zoo_df().assign(data=["digits", "mnist1d"] * 3),
                                                   measures=["m"], y="y", dataset="data", labels={"m": "M"},
                                                   ylabel="y", confidence=0.95)),
    Spec(P + "speed.plot_measure_panels", lambda: dict(df=_zoo_df(), measures=["m"], y="y",
                                                       correlations={"m": _correlation()}, labels={"m": "M"},
                                                       ylabel="y", ncols=2)),
    Spec(P + "speed.plot_measure_paths", lambda: dict(df=_zoo_df(), measures=["m", "y"], group="arch", color="y",
                                                      labels={"m": "M"}, ylabel="y", colorbar="c")),
    Spec(P + "speed.plot_correlation_panels", lambda: dict(tables={"a": _correlation_table()}, labels={"m": "M"},
                                                           method="spearman")),
    Spec(P + "speed.plot_delay_measure", lambda: dict(df=_zoo_df(), measure="m", delay=100, labels={"m": "M"},
                                                      controls=("arch",), ax=None)),
    # -- chapter 5 --------------------------------------------------------------------------------------------
    Spec(P + "regularization.plot_lambda_sweep", lambda: dict(table=_sweep(), y="lifetime", network="net", ax=None,
                                                              logy=False, ylabel="y", title="t")),
    Spec(P + "regularization.plot_sweep_curves", lambda: dict(table=_sweep(), lam=1.0, networks=["net"],
                                                              delays=[10, 100], axes=None)),
    Spec(P + "regularization.plot_fine_tune", lambda: dict(curves={"before": _curve()}, penalised=_history(),
                                                           control=_history(), speeds={"before": 1.0, "after": 0.1},
                                                           title="t")),
    Spec(P + "regularization.plot_state_space_panels", lambda: dict(
        trajectories={"a": np.random.default_rng(0).normal(size=(2, 3, 3))}, traj_labels=np.array([1, 2]),
        points=np.zeros((1, 3)), point_labels=np.array([1]), title="{label}")),
    Spec(P + "regularization.plot_sweep_grid", lambda: dict(table=_sweep(), networks=["net"], quantity="lifetime")),
    Spec(P + "regularization.plot_class_memory", lambda: dict(
        lifetimes=pd.DataFrame({"x": [np.inf, 200.0], "y": [np.inf, 300.0]}),
        accuracy=pd.DataFrame({"x": [0.5, 0.4], "y": [0.6, 0.3]}), delay=2000, overall={"x": 250.0, "y": 300.0})),
    Spec(P + "regularization.plot_class_drift", lambda: dict(table=_class_drift_table(), within={"x": -1.0, "y": 0.0},
                                                             pooled=-0.5)),
    # -- chapter 6 --------------------------------------------------------------------------------------------
    Spec(P + "nonnormal.plot_fisher_curves", lambda: dict(curves={"chain": np.array([1.0, 0.5, 0.0])}, ax=None,
                                                          max_lag=2, logy=False, title="t", ylim=(1e-3, 2.0))),
    Spec(P + "nonnormal.plot_chain_memory", lambda: dict(alpha=1.02, n_units=3, reference={"orthogonal":
                                                                                    np.array([0.5, 0.25])},
                                                         max_lag=2, ax=None)),
    Spec(P + "nonnormal.plot_benchmark_curves", lambda: dict(curves=_benchmark_curves(), ax=None, title="t")),
    Spec(P + "nonnormal.plot_success_counts", lambda: dict(table=_benchmark_table(), ax=None,
                                                           schemes=["chain", "orthogonal"])),
    Spec(P + "nonnormal.plot_decoding", lambda: dict(lags=[0, 5], r2={"chain": [0.9, 0.1]}, ax=None, n_units=4,
                                                     title="t")),
    Spec(P + "nonnormal.plot_chain_profile", lambda: dict(profiles=_profile(), ax=None, window=1, title="t",
                                                          diagonal=False)),
    Spec(P + "nonnormal.plot_amplification", lambda: dict(norms={"chain": np.array([1.0, 1.02, 0.0])}, ax=None,
                                                          n_units=2, title="t")),
    Spec(P + "nonnormal.plot_decoding_panels", lambda: dict(lags=[0, 5], decoding=_decoding(), n_units=4,
                                                            title="N = {n_units}, noise {noise:g}")),
    Spec(P + "nonnormal.plot_bridge", lambda: dict(table=_bridge(), curves={"x": _curve(), "y": _curve()})),
    Spec(P + "nonnormal.plot_benchmark_overview", lambda: dict(curves={"copy": _benchmark_curves()},
                                                               table=_benchmark_table())),
    Spec(P + "nonnormal.plot_chain_profile_panels", lambda: dict(profiles={"a": _profile()}, window=1, diagonal=False)),
    Spec(P + "nonnormal.plot_linear_memory", lambda: dict(curves={"chain": np.array([1.0, 0.5])},
                                                          norms={"chain": np.array([1.0, 0.0])}, n_units=2, max_lag=1,
                                                          title="t"), fixed={"max_lag": NONE_OK}),
    # -- the intro --------------------------------------------------------------------------------------------
    Spec(P + "overview.plot_accuracy_by_protocol", lambda: dict(table=_zoo_df(), chance=0.1, ax=None, title="t")),
    Spec(P + "overview.plot_speed_and_memory", lambda: dict(df=_zoo_df(), x="m", y="y", ax=None, xlabel="x",
                                                            ylabel="y", title="t")),
    Spec(P + "overview.plot_penalty_lifetimes", lambda: dict(before={"a": 100.0, "b": 200.0},
                                                             control={"a": 90.0, "b": 150.0},
                                                             penalised={"a": 300.0, "b": 400.0}, lam=1000.0,
                                                             ax=None, title="t")),
]


#: Figures of several panels laid out tightly: each call costs 0.05-0.2 s, so no Hypothesis example beyond the
#: fixed families (which already try 0, -1, 2**62, NaN, inf, 1e300 for every number).
PANELS = {"task.plot_trials", "task.plot_timing", "task.plot_trial_row", "task.plot_digit_examples",
          "task.plot_noise_frames", "task.plot_signal_examples", "task.plot_signal_trials", "task.plot_trials_beside",
          "training.plot_schedules", "training.plot_curriculum_run",
          "training.plot_histories", "training.plot_delay_curves_by_arch", "slowpoints.plot_search_speeds",
          "slowpoints.plot_against_panels",
          "slowpoints.plot_budget_panels", "slowpoints.plot_search_budgets", "slowpoints.plot_eigenvalue_panels",
          "slowpoints.plot_drift_panels", "slowpoints.plot_displacement_panels", "slowpoints.plot_ghost",
          "slowpoints.plot_points_pca_panels", "speed.plot_within", "speed.plot_by_protocol_panels",
          "speed.plot_by_dataset", "speed.plot_measure_panels", "speed.plot_measure_paths",
          "speed.plot_correlation_panels", "regularization.plot_fine_tune",
          "regularization.plot_state_space_panels", "regularization.plot_sweep_grid",
          "regularization.plot_class_memory", "regularization.plot_class_drift", "nonnormal.plot_decoding_panels",
          "nonnormal.plot_bridge", "nonnormal.plot_benchmark_overview", "nonnormal.plot_chain_profile_panels",
          "nonnormal.plot_linear_memory"}
assert PANELS <= {s.name.removeprefix(P) for s in SPECS}
#: Parameters that are only a label (a title or an axis label; not a format string such as the panel titles of
#: plot_by_protocol_panels). In the specs of PANELS they are fixed (each accepted label costs a drawing);
#: test_labels_of_panels_are_text refuses a wrong kind of label for them instead.
LABELS = {"title", "xlabel", "ylabel", "label", "start_label", "end_label", "event_label"}
FORMATS = {"speed.plot_by_protocol_panels", "regularization.plot_state_space_panels",
           "nonnormal.plot_decoding_panels"}
PANEL_LABELS = []
for _s in SPECS:
    _s.examples = 0 if _s.name.removeprefix(P) in PANELS else 1
    if _s.name.removeprefix(P) in PANELS:
        for _p in sorted(LABELS & set(_s.args()) - ({"title"} if _s.name.removeprefix(P) in FORMATS else set())):
            _s.fixed[_p] = "only a label, of a figure of several panels: test_labels_of_panels_are_text"
            PANEL_LABELS.append((_s, _p))


@pytest.fixture(autouse=True)
def plain_text():
    """Texts laid out without mathtext (log-axis tick labels are ``$10^{k}$``): the layout is a third cheaper,
    and what is checked -- the arguments -- is the same."""
    with matplotlib.rc_context({"text.parse_math": False}):
        yield
    plt.close("all")


@pytest.mark.parametrize("spec", SPECS, ids=[s.name.removeprefix("mem.plots.") for s in SPECS])
def test_contract(spec):
    check_spec(spec)


@pytest.mark.parametrize("spec, param", PANEL_LABELS,
                         ids=[f"{s.name.removeprefix(P)}-{p}" for s, p in PANEL_LABELS])
def test_labels_of_panels_are_text(spec, param):
    """A label of a figure of several panels that is not a str (nor None, where None is not its default) is refused
    with a TypeError naming it."""
    fn, _ = spec.bound()
    none_ok = inspect.signature(fn).parameters[param].default is None
    for bad in (3, b"x", ["t"]) + (() if none_ok else (None,)):
        with pytest.raises(TypeError, match=param):
            fn(**{**spec.args(), param: bad})


@pytest.mark.parametrize("call, name", [
    (lambda v: plots.plot_delay_curves({"a": _curve()}, trained_delay=v), "trained_delay"),
    (lambda v: plots.plot_linear_memory({"c": np.ones(2)}, {"c": np.ones(2)}, max_lag=v), "max_lag")])
def test_optional_ints_whose_default_is_not_none(call, name):
    """``trained_delay`` and ``max_lag`` are ``int | None`` with a default that is not None (19, 300), which a
    Spec cannot say (the engine takes None for a bad value there, so their specs leave them ``fixed``):
    None is accepted and every other bad value refused here."""
    call(None)
    call(0)
    for bad, error in (("3", TypeError), (2.5, TypeError), (float("nan"), TypeError), (True, TypeError),
                       ([3], TypeError), (-1, ValueError)):
        with pytest.raises(error, match=name):
            call(bad)
