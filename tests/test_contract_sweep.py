"""The contract of :mod:`mem.benchmarks` and :mod:`mem.regularize` under generated bad input (tests/contract.py).

Functions that train get tiny configs (1-2 updates, 4 units); functions that read stored results read
``mem/zoo_data`` and never write there.
"""
import concurrent.futures as cf
import copy
import functools
import tempfile

import pandas as pd
import pytest
import torch
from contract import Spec, check_spec

from mem import benchmarks as bm
from mem import data, models, store, tasks
from mem import regularize as rg

RUN = "copy-chain-lr0.0003-s0"       # a stored benchmark run
NET = "gru64-nacu-s0"                # a network of the stored sweep


@functools.cache
def _digits():
    return data.load_digits()


def _task():
    return tasks.DelayedClassification(_digits(), T_max=6)


def _gru():
    return models.RNNClassifier("gru", 65, 4, seed=0)


def _bench_cfg():
    """A benchmark config at toy scale: copying 2 symbols over 5 steps, 4 units, 2 updates."""
    return {"task": "copy", "task_config": {"T": 5, "n_symbols": 2, "n_letters": 2}, "arch": "rnn_elu",
            "hidden_size": 4, "scheme": "chain",
            "lr": 1e-3, "seed": 0, "n_updates": 2, "batch_size": 2, "clip": 10.0, "eval_every": 1, "n_val": 4,
            "threads": 1}


@functools.cache
def _tiny_collection() -> str:
    """A folder holding one benchmark run of the toy config, built once into a temporary folder (removed at exit):
    nonnormality and chain_asymmetry on it take milliseconds, on a stored 100-unit run a second."""
    folder = tempfile.TemporaryDirectory(prefix="mem-contract-bench-")
    _FOLDERS.append(folder)
    store.build("benchmarks", folder=folder.name, configs=[_bench_cfg()], executor=cf.ThreadPoolExecutor(1))
    return folder.name


_FOLDERS = []
TINY = bm.entry_name(_bench_cfg())   # the run in _tiny_collection()


def _run():
    """A BenchmarkRun of the toy config (untrained: the trained network is a copy)."""
    task, model = bm.build_model(_bench_cfg())
    return bm.BenchmarkRun("toy", task, model, copy.deepcopy(model), None, _bench_cfg(), {})


def _nn():
    """A table like nonnormality()'s, of two runs (made up: nonnormality itself takes a second a run)."""
    return pd.DataFrame({"name": ["a"] * 3 + ["b"] * 3, "task": ["copy"] * 6,
                         "scheme": ["chain"] * 3 + ["identity"] * 3, "matrix": ["initial", "trained", "control"] * 2,
                         "henrici": [1.0, 0.8, 0.9, 0.0, 0.2, 0.3], "henrici_rel": [1.0, 0.7, 0.8, 0.0, 0.1, 0.2],
                         "chain_energy": [1.0, 0.6, 0.5, 0.0, 0.1, 0.05], "moved": [0.0, 2.0, 2.0, 0.0, 1.0, 1.0]})


@functools.cache
def _sweep_table():
    return rg.sweep_table()


def _sweep():
    return _sweep_table().copy()


@functools.cache
def _sweep_table_all():
    return rg.sweep_table(recipe=None)


def _sweep_all():
    """Every run of the stored sweep, of every recipe."""
    return _sweep_table_all().copy()


def _sweep_cfg():
    """A sweep config of one update, at the class means (the cheap mode; the run still searches the slow points
    of a stored 64-unit network twice and measures it twice at the sweep's delays, up to 2000 steps)."""
    return dict(rg.sweep_configs()[0], steps=1, mode="centermass")


#: Why three valid calls are not made here: each is the sweep's fixed measurement (1000 trials at delays up to
#: 2000 steps), which has no smaller setting; tests/test_regularize.py and `make reference-dispatch` run them.
#: Their bad values are still all tried, and each must be refused.
EXPENSIVE = "a full sweep measurement (1000 trials up to 2000 steps), run by tests/test_regularize.py"

EXEMPT = {
    "mem.benchmarks.configs": "no parameters: returns the recipe's constant list of configs",
    "mem.benchmarks.BenchmarkRun": "a plain record (a dataclass without checks) that mem.benchmarks.load fills",
    "mem.regularize.sweep_configs": "no parameters: returns the sweep's constant list of configs",
}

SPECS = [
    # mem.benchmarks
    Spec("mem.benchmarks.entry_name", lambda: dict(cfg=bm.configs()[0])),
    Spec("mem.benchmarks.build_model", lambda: dict(cfg=_bench_cfg())),
    Spec("mem.benchmarks.train_entry", lambda: dict(cfg=_bench_cfg(), progress=False)),
    # finite=False: the run's history.seconds is NaN, the wall time is not stored (load's docstring)
    Spec("mem.benchmarks.load", lambda: dict(name=RUN, zoo_dir=str(bm.BENCH_DIR), device="cpu"), finite=False),
    # finite=False: score is NaN for the addition task, which has none, and the metrics of diverged runs are NaN
    # (table's docstring)
    Spec("mem.benchmarks.table", lambda: dict(zoo_dir=str(bm.BENCH_DIR)), finite=False),
    Spec("mem.benchmarks.summary", lambda: dict(runs=bm.table())),
    Spec("mem.benchmarks.curves", lambda: dict(task="copy", lr=3e-4, zoo_dir=str(bm.BENCH_DIR))),
    Spec("mem.benchmarks.matched_perturbation", lambda: dict(W0=torch.eye(4), W1=torch.eye(4) + 0.1, seed=0)),
    Spec("mem.benchmarks.nonnormality", lambda: dict(names=[TINY], zoo_dir=_tiny_collection(), seed=0)),
    Spec("mem.benchmarks.activity", lambda: dict(run=_run(), n_trials=2, seed=0, trained=True)),
    Spec("mem.benchmarks.excess", lambda: dict(nn=_nn(), value="henrici")),
    Spec("mem.benchmarks.chain_profiles", lambda: dict(run=_run(), n_trials=2, seed=0)),
    Spec("mem.benchmarks.chain_asymmetry", lambda: dict(names=[TINY], zoo_dir=_tiny_collection(), n_trials=2,
                                                        seed=0)),
    Spec("mem.benchmarks.decoding_at_init", lambda: dict(lags=[0, 1], noises=[0.0], schemes=["chain"],
                                                         arch="rnn_elu", hidden_size=4, seed=0),
         examples=1),  # every accepted call runs a network for 4000 steps (mem.evaluate.decoding_memory)
    Spec("mem.benchmarks.nonnormality_summary", lambda: dict(nn=_nn())),
    Spec("mem.benchmarks.format_nonnormality", lambda: dict(summary=bm.nonnormality_summary(_nn()))),
    Spec("mem.benchmarks.gate_chain_energy", lambda: dict(W0=torch.eye(6, 2), W1=torch.eye(6, 2) + 0.1, seed=0)),
    # the timed runs are the book's 100-unit networks (the point of the measurement): T and n_updates kept small
    Spec("mem.benchmarks.update_seconds", lambda: dict(task="copy", T=21, n_updates=1, scheme="chain", seed=0),
         examples=2),
    Spec("mem.benchmarks.paper_budget", lambda: dict(n_updates=1, seed=0), seconds=30, examples=1),
    Spec("mem.benchmarks.symbol_influence", lambda: dict(T=21, scheme="chain", n_trials=2, seed=0)),
    # mem.regularize
    Spec("mem.regularize.speed_penalty", lambda: dict(model=_gru(), points=torch.zeros(2, 4),
                                                      inputs=torch.zeros(65), components="full", noise_frames=2,
                                                      task=_task(), generator=torch.Generator().manual_seed(0))),
    Spec("mem.regularize.SpeedPenalty", lambda: dict(points=torch.zeros(2, 4), inputs=torch.zeros(65), lam=1.0,
                                                     tracking="fixed", retrack_n_iters=1, retrack_lr=0.1,
                                                     retrack_optimizer="sgd", components="full", noise_frames=2,
                                                     task=_task(), seed=0)),
    Spec("mem.regularize.penalty_conversion", lambda: dict(model=_gru(), task=_task(), points=torch.zeros(2, 4),
                                                           noise_frames=10, n_frames=20, seed=0, components="full")),
    Spec("mem.regularize.anchor_points", lambda: dict(model=_gru(), task=_task(), mode="slowpoints", n_iters=2,
                                                      adam_lr=1e-2, components="full", n_trials=20, seed=0)),
    Spec("mem.regularize.fine_tune", lambda: dict(model=_gru(), task=_task(), points=torch.zeros(2, 4), lam=1.0,
                                                  n_iters=2, mode="centermass", tracking="fixed", lr=3e-4, clip=1.0,
                                                  batch_size=4, seed=0, components="full", retrack_n_iters=1,
                                                  retrack_lr=0.1, retrack_optimizer="sgd", noise_frames=0,
                                                  progress=False),
         examples=0),  # generated n_iters and batch_size (up to 10**4) are real fine-tunes: 2041 updates take 12 s
    Spec("mem.regularize.sweep_name", lambda: dict(cfg=rg.sweep_configs()[0])),
    # finite=False: an untrained network remembers nothing, its lifetime is NaN (evaluate_fine_tune's docstring)
    Spec("mem.regularize.evaluate_fine_tune", lambda: dict(model=_gru(), task=_task()), finite=False, seconds=60,
         skip_valid=EXPENSIVE),
    Spec("mem.regularize.weights_sha256", lambda: dict(model=_gru())),
    Spec("mem.regularize.sweep_entry", lambda: dict(cfg=_sweep_cfg()), seconds=120, skip_valid=EXPENSIVE),
    Spec("mem.regularize.sweep_job", lambda: dict(cfg=_sweep_cfg()), seconds=120, skip_valid=EXPENSIVE),
    Spec("mem.regularize.load_sweep", lambda: dict(path=str(rg.zoo.ZOO_DIR / rg.SWEEP_FILE))),
    # finite=False: lifetime is inf where the memory outlasts the longest probed delay (sweep_table's docstring)
    # none_ok: recipe=None asks for the runs of every recipe (sweep_table's docstring)
    Spec("mem.regularize.sweep_table", lambda: dict(data=rg.load_sweep(), recipe="ours"), finite=False,
         none_ok=("recipe",)),
    Spec("mem.regularize.sweep_effects", lambda: dict(table=_sweep(), networks=[NET], lam=1000.0,
                                                      lams=[1.0, 10.0])),
    Spec("mem.regularize.accuracy_table", lambda: dict(table=_sweep(), delay=500, networks=[NET])),
    # finite=False: lifetime is inf where the memory outlasts the longest probed delay (best_runs' docstring)
    Spec("mem.regularize.best_runs", lambda: dict(table=_sweep(), networks=[NET]), finite=False),
    # finite=False: CenterMass is NaN where a network has no CenterMass run (control_comparison's docstring)
    Spec("mem.regularize.control_comparison", lambda: dict(table=_sweep(), lam=1000.0, margin=1.1), finite=False),
    # finite=False: "our λ per theirs" is NaN for our recipe (recipe_comparison's docstring)
    Spec("mem.regularize.recipe_comparison", lambda: dict(table=_sweep_all(), lam=1000.0, networks=[NET]),
         finite=False),
    Spec("mem.regularize.components_comparison", lambda: dict(table=_sweep_all())),
    # finite=False: a lifetime is inf where the memory outlasts the longest probed delay (sweep_table's docstring)
    Spec("mem.regularize.compare_sweeps", lambda: dict(old=_sweep(), new=_sweep()), finite=False),
    Spec("mem.regularize.compare_conclusions", lambda: dict(old=_sweep(), new=_sweep(), networks=[NET], lam=1000.0,
                                                            tol=0.02)),
]


@pytest.mark.parametrize("spec", SPECS,
                         ids=[s.name.removeprefix("mem.") for s in SPECS])
def test_contract(spec):
    check_spec(spec)
