"""Chapter 6's benchmarks: vanilla RNNs on copy, addition and permuted digits, from four initialisations.

Orhan & Pitkow (2020) train 100-unit vanilla RNNs from chain, fbchain,
orthogonal and identity initialisations (:func:`mem.init.initialize`) with
RMSprop (:func:`mem.train.train`) over a grid of learning rates and seeds,
and count the runs whose validation loss ends below half the no-memory
baseline. This module is that experiment at CPU scale, as a collection of the
storage engine (built, resumed, checked and sha256-verified by :mod:`mem.store`)::

    python -m mem.store build benchmarks                               # every run (about 30 min on 2 cores)
    python -m mem.store check benchmarks psdigits-chain-lr0.0003-s0

Each run stores its weights and learning curves in ``zoo_data/benchmarks``;
:func:`table` gathers the results, :func:`load` returns one run's networks
before and after training.
"""
from __future__ import annotations

import io
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import store
from ._checks import (
    check_bool,
    check_choice,
    check_float,
    check_frame,
    check_int,
    check_names,
    check_path,
    check_seed,
    check_str,
    check_tensor,
    seeded,
)
from .init import SCHEMES as INIT_SCHEMES
from .init import initialize
from .models import RNNClassifier
from .store import Collection, manifest_entry, pinned_threads, rebuild_command, require_keys
from .tasks import make_task
from .train import History, TrainingDiverged, train
from .zoo import ZOO_DIR, weight_difference

__all__ = [
    "BENCH_DIR",
    "COLLECTION",
    "HIDDEN",
    "LRS",
    "METRICS_VERSION",
    "PAPER_BUDGET",
    "RECIPE",
    "SCHEMES",
    "SEEDS",
    "TASKS",
    "BenchmarkRun",
    "activity",
    "build_model",
    "chain_asymmetry",
    "chain_profiles",
    "configs",
    "curves",
    "decoding_at_init",
    "entry_name",
    "excess",
    "format_nonnormality",
    "gate_chain_energy",
    "load",
    "matched_perturbation",
    "nonnormality",
    "nonnormality_summary",
    "paper_budget",
    "summary",
    "symbol_influence",
    "table",
    "train_entry",
    "update_seconds",
]

BENCH_DIR = ZOO_DIR / "benchmarks"

#: Per task: the task's config (:func:`mem.tasks.make_task`), the nonlinearity (the paper's: elu,
#: relu for addition) and the update budget. Lengths are scaled down from the paper's (copy 500,
#: addition 750, psMNIST 784) so that a run takes under a minute on one CPU thread; the copy task's
#: delay (90 steps) stays below the chain's length N = 100.
TASKS = {
    "copy": {"task": {"T": 100, "n_symbols": 10, "n_letters": 8}, "arch": "rnn_elu", "n_updates": 2000},
    "addition": {"task": {"T": 100}, "arch": "rnn_relu", "n_updates": 2000},
    "psdigits": {"task": {"pixels": 64, "permutation_seed": 0}, "arch": "rnn_elu", "n_updates": 1500},
}
SCHEMES = ("chain", "fbchain", "orthogonal", "identity")
LRS = (1e-4, 3e-4, 1e-3)
SEEDS = (0, 1, 2)
HIDDEN = 100  # the paper's N
METRICS_VERSION = 1

RECIPE = ("Vanilla RNNs, 100 units, from mem.init.initialize's chain (alpha 1.02), fbchain (0.99 forward, "
          "0.04 backward), orthogonal and identity schemes at their default gains, trained by mem.train.train: "
          "RMSprop (alpha 0.9, eps 1e-7), global grad-norm clip 10, batch 16, fresh batches, lr 1e-4, 3e-4 and 1e-3, "
          "seeds 0-2; copy T = 100 (delay 90) and addition T = 100 for 2000 updates, permuted 8x8 digits (64 steps) "
          "for 1500. Validation every 100 updates on 500 fixed trials (all 450 test images for the digits). "
          "One torch thread per run.")

#: Orhan & Pitkow's training of copy and addition, as their code sets it (``tasks.py``, ``train.py``; chapter 6):
#: trial length ``T`` (the whole trial: for copy, 10 symbols, blanks, the marker at step T - 11 and the 10 recall
#: steps, so each symbol is held for T - 10 steps), a fixed training set of ``n_train`` trials reshuffled every
#: epoch, batches of ``batch_size`` and ``epochs`` (the script's default; a run stops at the end of the first
#: epoch whose validation loss, on 10,000 trials, is below 0.0025).
PAPER_BUDGET = {"copy": {"T": 500, "n_train": 60_000, "batch_size": 16, "epochs": 100},
                "addition": {"T": 750, "n_train": 60_000, "batch_size": 16, "epochs": 100}}

#: What :func:`train_entry` reads from a config.
_KEYS = ("task", "task_config", "arch", "hidden_size", "scheme", "lr", "seed", "n_updates", "batch_size", "clip",
         "eval_every", "n_val", "threads")
#: The most trials :func:`activity`, :func:`chain_profiles` and :func:`chain_asymmetry` run at once.
_MAX_TRIALS = 10_000
#: The longest trial :func:`update_seconds` and :func:`symbol_influence` take (the paper's longest, psMNIST, has 784
#: steps), the most updates :func:`update_seconds` times and the most trials :func:`symbol_influence` runs.
_MAX_T, _MAX_TIMED, _MAX_INFLUENCE_TRIALS = 1000, 20, 1000
#: The largest network :func:`decoding_at_init` builds, the largest noise and lag it takes (its decoding
#: run is :func:`mem.evaluate.decoding_memory`'s default 4000 steps, after a burn-in of 100: 2 * lag + 121 <= 4000).
_MAX_HIDDEN, _MAX_NOISE, _MAX_LAG = 1000, 1e6, 1939


def _config(cfg, keys) -> dict:
    """``cfg`` must be a dict (a ``TypeError`` otherwise) with every one of ``keys`` (``store.require_keys``)."""
    if not isinstance(cfg, dict):
        raise TypeError(f"cfg must be a config dict, got {type(cfg).__name__}")
    require_keys(cfg, keys)
    return cfg


def configs() -> list[dict]:
    """The collection's recipe: TASKS x SCHEMES x LRS x SEEDS (108 config dicts; chapter 6)."""
    return [{"task": task, "task_config": dict(spec["task"]), "arch": spec["arch"], "hidden_size": HIDDEN,
             "scheme": scheme, "lr": lr, "seed": seed, "n_updates": spec["n_updates"], "batch_size": 16,
             "clip": 10.0, "eval_every": 100, "n_val": 500, "threads": 1}
            for task, spec in TASKS.items() for scheme in SCHEMES for lr in LRS for seed in SEEDS]


def entry_name(cfg: dict) -> str:
    """An entry's name, ``<task>-<scheme>-lr<lr>-s<seed>``, e.g. ``copy-chain-lr0.0003-s0`` (chapter 6)."""
    _config(cfg, ("task", "scheme", "lr", "seed"))
    return f"{cfg['task']}-{cfg['scheme']}-lr{cfg['lr']:g}-s{cfg['seed']}"


def build_model(cfg: dict):
    """(task, untrained model) of a config, the model initialised by its scheme (chapter 6)."""
    _config(cfg, ("task", "task_config", "arch", "hidden_size", "scheme", "seed"))
    task = make_task(cfg["task"], **cfg["task_config"])
    model = RNNClassifier(cfg["arch"], task.input_size, cfg["hidden_size"], task.n_outputs, seed=cfg["seed"])
    return task, initialize(model, cfg["scheme"], seed=cfg["seed"])


def train_entry(cfg: dict, progress: bool = False) -> tuple[bytes, dict]:
    """Train one run at its recorded thread count. Returns (file bytes, manifest entry without ``file``) (chapter 6).

    A run that diverges is kept, marked ``diverged`` (it counts as a failure), with the
    weights and curves up to the last finite validation; its metrics ``final``, ``best`` and ``score``
    are None and its curves NaN. The addition task has no score: its ``score`` is NaN.
    """
    _config(cfg, _KEYS)
    return _train_entry(cfg, check_bool("progress", progress))


@pinned_threads
def _train_entry(cfg: dict, progress: bool) -> tuple[bytes, dict]:
    """:func:`train_entry` after its checks, at the config's thread count."""
    task, model = build_model(cfg)
    t0 = time.perf_counter()
    try:
        # the stored config's "n_updates" is train's n_iters (stored keys stay as they are)
        hist = train(model, task, n_iters=cfg["n_updates"], lr=cfg["lr"], batch_size=cfg["batch_size"],
                     clip=cfg["clip"], seed=cfg["seed"], eval_every=cfg["eval_every"], n_val=cfg["n_val"],
                     optimizer="rmsprop", progress=progress, desc=entry_name(cfg))
        diverged = None
    except TrainingDiverged as err:
        hist, diverged = None, str(err)
    if hist is None:
        nan = np.array([math.nan])
        hist = History(np.zeros(0, np.float32), val_steps=np.array([0]), val_loss=nan, val_score=nan,
                       baseline=float(task.baseline), seconds=time.perf_counter() - t0)   # the time until it diverged
    normalized = hist.normalized
    metrics = {"final": None if diverged else float(normalized[-1]),
               "best": None if diverged else float(np.nanmin(normalized)),
               "score": None if diverged else float(hist.val_score[-1]),
               "success": False if diverged else hist.success, "diverged": diverged,
               "curve": {"steps": [int(s) for s in hist.val_steps], "normalized": [float(v) for v in normalized],
                         "score": [float(v) for v in hist.val_score]}}
    buf = io.BytesIO()
    torch.save({"config": json.loads(json.dumps(cfg)),
                "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
                "history": hist.to_dict(("loss", "val_steps", "val_loss", "val_score", "baseline"))}, buf)
    raw = buf.getvalue()
    return raw, manifest_entry(cfg, raw, metrics, hist.seconds, METRICS_VERSION, None)


def _summary(entry: dict) -> str:
    m = entry["metrics"]
    if m["diverged"]:
        return f"DIVERGED ({m['diverged']})"
    return f"val loss {m['final']:.3f} of baseline, success {m['success']}, {entry['train_seconds']} s"


#: The ``benchmarks`` collection, registered with :mod:`mem.store`.
COLLECTION = store.register(Collection(
    "benchmarks", BENCH_DIR, configs, entry_name, train_entry, _summary,
    header={"format": 1, "description": "Chapter 6's benchmark runs (mem.benchmarks).",
            "rebuild": rebuild_command("benchmarks"), "recipe": RECIPE},
    metrics_version=METRICS_VERSION, compare=weight_difference,
    # NaN is documented in these: the score of a task without one (mem.train.History), a diverged run's curve
    nan_ok=("metrics.score", "metrics.curve")))


@dataclass
class BenchmarkRun:
    """A stored benchmark run: the network ``initial`` (before) and ``model`` (after training), its ``task``,
    learning curves ``history``, ``config`` and ``metrics`` (chapter 6)."""

    name: str
    task: object
    initial: RNNClassifier
    model: RNNClassifier
    history: History
    config: dict
    metrics: dict


def _device(device) -> torch.device:
    """``device`` (a str such as ``"cpu"`` or a torch.device) as a torch.device."""
    if isinstance(device, torch.device):
        return device
    check_str("device", device)
    try:
        return torch.device(device)
    except RuntimeError:
        raise ValueError(f"device must be a torch device such as 'cpu' or 'cuda', got {device!r}") from None


def load(name: str, zoo_dir: Path | str = BENCH_DIR, device="cpu") -> BenchmarkRun:
    """Load one run after checking its sha256 (chapter 6); the initial network is rebuilt from the config.

    The run's ``history.seconds`` is NaN: the wall time is not stored (it varies from run to run).
    """
    check_str("name", name)
    zoo_dir = check_path("zoo_dir", zoo_dir)
    device = _device(device)
    entries = store.manifest(zoo_dir, param="zoo_dir")["entries"]
    if name not in entries:
        raise ValueError(f"name must be one of the entries {sorted(entries)} in zoo_dir {str(zoo_dir)!r}, got {name!r}")
    raw = store.read_verified(name, zoo_dir, param="zoo_dir")
    payload = torch.load(io.BytesIO(raw), map_location=device, weights_only=True)
    entry = store.manifest(zoo_dir)["entries"][name]
    task, initial = build_model(entry["config"])
    model = RNNClassifier(initial.arch, initial.input_size, initial.hidden_size, initial.n_outputs)
    model.load_state_dict(payload["state_dict"])
    return BenchmarkRun(name, task, initial.to(device).eval(), model.to(device).eval(),
                        History.from_dict(payload["history"]), entry["config"], entry["metrics"])


def table(zoo_dir: Path | str = BENCH_DIR):
    """One row per stored run (chapter 6).

    Columns: ``name, task, scheme, lr, seed, final`` (validation loss / baseline at the end;
    NaN if diverged), ``best`` (its minimum over the run), ``score`` (final recall/accuracy; NaN if
    diverged, and for the addition task, which has no score), ``success`` (final < 0.5), ``diverged`` (bool).

    Returns
    -------
    pandas DataFrame sorted by task, scheme, lr, seed.
    """
    import pandas as pd

    zoo_dir = check_path("zoo_dir", zoo_dir)
    rows = []
    for name, e in store.manifest(zoo_dir, param="zoo_dir")["entries"].items():
        cfg, m = e["config"], e["metrics"]
        rows.append({"name": name, "task": cfg["task"], "scheme": cfg["scheme"], "lr": cfg["lr"],
                     "seed": cfg["seed"], "final": math.nan if m["final"] is None else m["final"],
                     "best": math.nan if m["best"] is None else m["best"],
                     "score": math.nan if m["score"] is None else m["score"],
                     "success": bool(m["success"]), "diverged": m["diverged"] is not None})
    if not rows:
        raise ValueError(f"zoo_dir must hold benchmark runs: no benchmark runs in {str(zoo_dir)!r}; "
                         "build them with `python -m mem.store build benchmarks`")
    return pd.DataFrame(rows).sort_values(["task", "scheme", "lr", "seed"], ignore_index=True)


def summary(runs=None):
    """Per task and scheme: successes, the best learning rate and the losses there (chapter 6).

    ``runs`` is :func:`table`'s output (default: the stored runs). The best learning rate is
    the one with the lowest median final loss over seeds (the paper's "best hyperparameters").

    Returns
    -------
    pandas DataFrame indexed by (task, scheme) with columns ``successes`` ("k/n" over every
    learning rate and seed), ``best lr``, ``median final loss / baseline at best lr``,
    ``best run`` (lowest final loss of any run) and ``diverged`` (count).
    """
    import pandas as pd

    runs = table() if runs is None else check_frame("runs", runs, ("task", "scheme", "lr", "final", "success",
                                                                   "diverged"), "a DataFrame like table()'s")
    if runs.empty:
        raise ValueError("runs must be a DataFrame like table()'s, got one without rows")
    if runs["lr"].isna().any():
        raise ValueError("runs must have a learning rate in every row (column lr), got NaN")
    g = runs.groupby(["task", "scheme"])
    best_lr = runs.groupby(["task", "scheme", "lr"]).final.median().groupby(["task", "scheme"]).idxmin()
    best_lr = best_lr.map(lambda key: key[2])
    at_best = {k: d[d.lr == best_lr[k]].final.median() for k, d in g}
    return pd.DataFrame({"successes": g.success.sum().astype(int).astype(str) + "/" + g.size().astype(str),
                         "best lr": best_lr, "median final loss / baseline at best lr": pd.Series(at_best),
                         "best run": g.final.min(), "diverged": g.diverged.sum()})


def curves(task: str, lr: float | None = None, zoo_dir: Path | str = BENCH_DIR) -> dict:
    """Validation curves of one task: ``{scheme: (steps (K,), loss / baseline (n_runs, K), lr)}`` (chapter 6).

    ``lr`` picks one learning rate; ``None`` takes, for each scheme, the learning rate with
    the lowest median final loss (the paper's "best hyperparameter" curves). Diverged runs
    are NaN from the point where they stopped.
    """
    if check_str("task", task) not in TASKS:
        raise ValueError(f"task must be one of {sorted(TASKS)}, got {task!r}")
    lr = check_float("lr", lr, gt=0, none_ok=True)
    df = table(zoo_dir)
    df = df[df.task == task]
    out = {}
    for scheme in SCHEMES:
        sub = df[df.scheme == scheme]
        if sub.empty:
            continue
        pick = lr if lr is not None else sub.groupby("lr")["final"].median().fillna(np.inf).idxmin()
        runs = sub[sub.lr == pick]
        if runs.empty:
            raise ValueError(f"lr must be one of {sorted(df.lr.unique())}, got {lr!r}")
        ents = store.manifest(zoo_dir)["entries"]
        steps = max((ents[n]["metrics"]["curve"]["steps"] for n in runs.name), key=len)
        mat = np.full((len(runs), len(steps)), np.nan)
        for i, n in enumerate(runs.name):
            c = ents[n]["metrics"]["curve"]["normalized"]
            mat[i, :len(c)] = c
        out[scheme] = (np.asarray(steps), mat, float(pick))
    return out


def matched_perturbation(W0, W1, seed: int = 0) -> torch.Tensor:
    """The control for a trained matrix: ``W0`` plus Gaussian noise with the Frobenius norm of ``W1 - W0`` (chapter 6).

    Training moves ``W0`` to ``W1``. Any move away from a normal matrix raises its
    non-normality, so a trained value means something only beside the value of a
    *random* move of the same size.

    Parameters
    ----------
    W0, W1 : (N, N) tensors; seed : int

    Returns
    -------
    (N, N) tensor ``W0 + E`` with ``||E||_F = ||W1 - W0||_F``.
    """
    W0, W1 = check_tensor("W0", W0).detach(), check_tensor("W1", W1).detach()
    if W0.shape != W1.shape or W0.dim() != 2:
        raise ValueError(f"W0 and W1 must be 2-D matrices of the same shape, got {tuple(W0.shape)} and "
                         f"{tuple(W1.shape)}")
    E = torch.randn(W0.shape, generator=seeded(seed), dtype=torch.float64)
    return W0 + (E * (W1 - W0).double().norm() / E.norm()).to(W0.dtype)


def _check_names(names, zoo_dir) -> tuple[list[str], Path]:
    """(names, zoo_dir) checked: a list of runs stored in the folder ``zoo_dir``."""
    if isinstance(names, str):
        raise TypeError(f"names must be a list of run names, got the string {names!r}; pass [{names!r}]")
    names, zoo_dir = check_names("names", names), check_path("zoo_dir", zoo_dir)
    unknown = [n for n in names if n not in store.manifest(zoo_dir, param="zoo_dir")["entries"]]
    if unknown:
        raise ValueError(f"names must be runs stored in zoo_dir {str(zoo_dir)!r}, got the unknown {unknown[:5]}")
    return names, zoo_dir


def _check_run(run, n_trials, seed) -> None:
    if not isinstance(run, BenchmarkRun):
        raise TypeError(f"run must be a BenchmarkRun (mem.benchmarks.load), got {type(run).__name__}")
    check_int("n_trials", n_trials, hi=_MAX_TRIALS)
    check_seed(seed)


def nonnormality(names, zoo_dir: Path | str = BENCH_DIR, seed: int = 0):
    """Non-normality of each run's recurrent matrix before and after training, beside its control (chapter 6).

    For every run: Henrici's index (absolute and relative, :func:`mem.theory.henrici`) and the
    chain energy (:func:`mem.theory.chain_energy`) of the initial matrix ``W0``, the trained
    ``W1`` and the control :func:`matched_perturbation` (``W0`` + a random move of the same size).

    Returns
    -------
    pandas DataFrame, one row per (run, ``matrix`` in initial/trained/control), with columns
    ``name, task, scheme, matrix, henrici, henrici_rel, chain_energy, moved`` (``||W1 - W0||_F``).
    """
    import pandas as pd

    from .theory import chain_energy, henrici

    names, zoo_dir = _check_names(names, zoo_dir)
    check_seed(seed)
    rows = []
    for name in names:
        run = load(name, zoo_dir)
        W0, W1 = run.initial.rnn.weight_hh_l0.detach(), run.model.rnn.weight_hh_l0.detach()
        moved = float((W1 - W0).norm())
        for which, W in (("initial", W0), ("trained", W1), ("control", matched_perturbation(W0, W1, seed))):
            rows.append({"name": name, "task": run.config["task"], "scheme": run.config["scheme"], "matrix": which,
                         "henrici": henrici(W), "henrici_rel": henrici(W, relative=True),
                         "chain_energy": chain_energy(W), "moved": moved})
    return pd.DataFrame(rows)


@torch.no_grad()
def activity(run: BenchmarkRun, n_trials: int = 200, seed: int = 0, trained: bool = True) -> np.ndarray:
    """Hidden states of a run's network on fresh validation trials, (n_trials, T, N) (chapter 6).

    What :func:`mem.theory.chain_profile` orders the units by (their peak-activity time);
    ``n_trials`` in 1..10000.
    """
    _check_run(run, n_trials, seed)
    check_bool("trained", trained)
    model = run.model if trained else run.initial
    batch = run.task.sample(n_trials, seeded(seed), split="test")
    return model(batch.x).h.cpu().numpy()


def excess(nn, value: str = "henrici"):
    """One row per run of :func:`nonnormality`'s ``value``: initial, trained, control and
    ``trained − control``, what training did beyond moving ``W`` (chapter 6).

    Returns
    -------
    pandas DataFrame with columns ``name, task, scheme, initial, trained, control, trained − control``.
    """
    if check_str("value", value) not in ("henrici", "henrici_rel", "chain_energy"):
        raise ValueError(f"value must be one of ('henrici', 'henrici_rel', 'chain_energy'), got {value!r}")
    nn = _check_nn(nn, [value], ("name", "task", "scheme", "matrix"))
    missing = [m for m in ("initial", "trained", "control") if m not in set(nn["matrix"])]
    if missing:
        raise ValueError(f"nn must be mem.benchmarks.nonnormality()'s DataFrame, got one without the {missing} rows")
    wide = nn.pivot_table(index=["name", "task", "scheme"], columns="matrix", values=value).reset_index()
    wide.columns.name = None
    wide = wide[["name", "task", "scheme", "initial", "trained", "control"]]
    return wide.assign(**{"trained − control": wide["trained"] - wide["control"]})


def chain_profiles(run: BenchmarkRun, n_trials: int = 200, seed: int = 0) -> dict:
    """The hidden-chain profile (:func:`mem.theory.chain_profile`) of a run's initial, trained and control networks.

    Each network is run on the same ``n_trials`` validation trials and its units are ordered by
    their *own* peak-activity times; the control is the trained network with its recurrent matrix
    replaced by :func:`matched_perturbation` (chapter 6).

    Returns
    -------
    ``{"initial" | "trained" | "control": (offsets (2N-1,), mean weight (2N-1,))}``
    """
    import copy

    from .theory import chain_profile

    _check_run(run, n_trials, seed)
    control = copy.deepcopy(run.model)
    with torch.no_grad():
        control.rnn.weight_hh_l0.copy_(matched_perturbation(run.initial.rnn.weight_hh_l0,
                                                            run.model.rnn.weight_hh_l0, seed))
    batch = run.task.sample(n_trials, seeded(seed), split="test")
    out = {}
    with torch.no_grad():
        for which, net in (("initial", run.initial), ("trained", run.model), ("control", control)):
            out[which] = chain_profile(net.rnn.weight_hh_l0.detach(), net(batch.x).h.cpu().numpy())
    return out


def chain_asymmetry(names, zoo_dir: Path | str = BENCH_DIR, n_trials: int = 200, seed: int = 0):
    """Forward minus backward mean weight next to the diagonal of each run's :func:`chain_profiles` (chapter 6).

    ``profile(+1) - profile(-1)``: positive when units that peak earlier drive the units that
    peak just after them more than the reverse, the signature of a hidden chain.

    Returns
    -------
    pandas DataFrame, one row per run: ``name, task, scheme, initial, trained, control``.
    """
    import pandas as pd

    names, zoo_dir = _check_names(names, zoo_dir)
    check_int("n_trials", n_trials, hi=_MAX_TRIALS)
    check_seed(seed)
    rows = []
    for name in names:
        run = load(name, zoo_dir)
        row = {"name": name, "task": run.config["task"], "scheme": run.config["scheme"]}
        for which, (off, prof) in chain_profiles(run, n_trials, seed).items():
            off = list(off)
            row[which] = float(prof[off.index(1)] - prof[off.index(-1)])
        rows.append(row)
    return pd.DataFrame(rows)


def decoding_at_init(lags, noises=(0.0, 0.1), schemes=SCHEMES, arch: str = "rnn_elu", hidden_size: int = HIDDEN,
                     seed: int = 0):
    """Decoding memory (:func:`mem.evaluate.decoding_memory`) of untrained networks, one per scheme and noise
    level (chapter 6).

    Each network is an ``arch`` RNN with one input and ``hidden_size`` units (model seed ``seed``),
    initialised by :func:`mem.init.initialize` with the scheme; the signal and the noise are drawn with ``seed``.

    Parameters
    ----------
    lags : sequence of ints in 0..1939 (L,) (the decoding run is 4000 steps long)
    noises : noise standard deviations in [0, 1e6] added to every unit at every step
    schemes : initialisation schemes of :func:`mem.init.initialize`
    hidden_size : int in 1..1000

    Returns
    -------
    pandas DataFrame (len(noises) * len(schemes), L): rows ``(noise, scheme)``, columns the lags (named
    ``"lag"``), entries the held-out R^2 (<= 0: nothing decodable).
    """
    import pandas as pd

    from .evaluate import decoding_memory

    if isinstance(schemes, str) or isinstance(noises, (int, float)):
        raise TypeError("schemes and noises must be sequences (a list or tuple), not one value")
    lags = _sequence("lags", lags)
    for k in lags:
        check_int("lags", k, 0, _MAX_LAG)
    noises = _sequence("noises", noises)
    for x in noises:
        check_float("noises", x, ge=0, le=_MAX_NOISE)
    schemes = check_names("schemes", schemes)
    unknown = [s for s in schemes if s not in INIT_SCHEMES]
    if unknown:
        raise ValueError(f"schemes must be among {INIT_SCHEMES}, got {unknown}")
    check_str("arch", arch)
    hidden_size = check_int("hidden_size", hidden_size, hi=_MAX_HIDDEN)
    check_seed(seed)
    decoding = {}
    for noise in noises:
        for scheme in schemes:
            net = initialize(RNNClassifier(arch, 1, hidden_size, 1, seed=seed), scheme, seed=seed)
            decoding[noise, scheme] = decoding_memory(net, lags, noise=noise, seed=seed)
    return pd.DataFrame(decoding, index=pd.Index(list(lags), name="lag")).T


def _sequence(name: str, value) -> list:
    """``value`` as a list: a list, tuple, array or other iterable, not a str (a ``TypeError`` naming ``name``)."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a sequence (a list or tuple), got the {type(value).__name__} {value!r}")
    try:
        return list(value)
    except TypeError:
        raise TypeError(f"{name} must be a sequence (a list or tuple), got {type(value).__name__}") from None


_NN_VALUES = ("henrici", "henrici_rel", "chain_energy", "moved")


def _check_nn(nn, values, keys=("task", "scheme", "matrix")):
    """``nn`` checked: :func:`nonnormality`'s DataFrame with the columns ``keys`` and ``values``, never NaN in the
    ``values``."""
    check_frame("nn", nn, (*keys, *values), "mem.benchmarks.nonnormality()'s DataFrame")
    if nn[list(values)].isna().any().any():
        raise ValueError(f"nn must be mem.benchmarks.nonnormality()'s DataFrame, got NaN among {list(values)}")
    return nn


def nonnormality_summary(nn):
    """Medians of :func:`nonnormality` per task and scheme: ``henrici, henrici_rel, chain_energy, moved``,
    each for the ``initial``, ``trained`` and ``control`` matrices (chapter 6).

    Returns
    -------
    pandas DataFrame, rows ``(task, scheme)``, columns ``(value, matrix)``.
    """
    cols = list(_NN_VALUES)
    _check_nn(nn, cols)
    summary = nn.groupby(["task", "scheme", "matrix"])[cols].median().unstack("matrix")
    return summary.reindex(columns=["initial", "trained", "control"], level=1)


def format_nonnormality(summary) -> str:
    """:func:`nonnormality_summary` as text, three decimals, except fbchain's initial Henrici indices
    (chapter 6).

    fbchain's initial matrix has ill-conditioned eigenvalues: its Henrici index changes in the third
    decimal with the CPU's LAPACK kernels, so it is shown to the digits that do not (one decimal for the
    absolute index, two for the relative one).
    """
    check_frame("summary", summary, (), "mem.benchmarks.nonnormality_summary()'s DataFrame")
    if summary.columns.nlevels != 2:
        raise ValueError("summary must be mem.benchmarks.nonnormality_summary()'s DataFrame")
    shown = summary.map("{:.3f}".format)
    fb0 = (slice(None), "fbchain")
    if "fbchain" in summary.index.get_level_values("scheme"):
        shown.loc[fb0, ("henrici", "initial")] = summary.loc[fb0, ("henrici", "initial")].map("{:.1f}".format)
        shown.loc[fb0, ("henrici_rel", "initial")] = summary.loc[fb0, ("henrici_rel", "initial")].map("{:.2f}".format)
    return shown.to_string()


def gate_chain_energy(W0, W1, seed: int = 0):
    """Chain energy (:func:`mem.theory.chain_energy`) of each gate block of a gated network's recurrent matrix,
    after training and for its control, beside how far training moved the block (chapter 6).

    Parameters
    ----------
    W0, W1 : (G * N, N) recurrent matrices (torch's ``weight_hh_l0``) before and after training, G gate
        blocks of N x N stacked (a GRU: G = 3, in torch's order r, z, n)
    seed : seeds each block's control, :func:`matched_perturbation` of ``(b0, b1)``

    Returns
    -------
    list of G dicts ``{"gate": index or r/z/n, "trained", "control", "mean chain weight"`` (the mean of the
    trained block's subdiagonal), ``"moved"`` (``||b1 - b0||_F``)``}``.
    """
    from .theory import chain_energy

    W0, W1 = check_tensor("W0", W0).detach().double(), check_tensor("W1", W1).detach().double()
    if W0.shape != W1.shape or W0.dim() != 2 or W0.shape[0] % W0.shape[1]:
        raise ValueError(f"W0 and W1 must be (G * N, N) matrices of the same shape, got {tuple(W0.shape)} and "
                         f"{tuple(W1.shape)}")
    n = W1.shape[1]
    if any(not b.any() for b in W1.split(n)):
        raise ValueError("W1 must have no all-zero gate block (chain energy is a fraction of a block's squared norm)")
    names = "rzn" if len(W1) == 3 * n else range(len(W1) // n)
    return [{"gate": gate, "trained": chain_energy(b1),
             "control": chain_energy(matched_perturbation(b0, b1, seed=seed)),
             "mean chain weight": float(torch.diagonal(b1, -1).mean()), "moved": float((b1 - b0).norm())}
            for gate, b0, b1 in zip(names, W0.split(n), W1.split(n))]


def _book_config(task: str, T: int | None, scheme: str, seed: int) -> dict:
    """The config of the benchmark run (``task``, ``scheme``, the middle learning rate, ``seed``) with the trial
    length ``T`` (None: the book's), after the checks that :func:`update_seconds` and :func:`symbol_influence` share."""
    check_choice("scheme", scheme, SCHEMES)
    T = check_int("T", T, 2, _MAX_T, none_ok=True)
    seed = check_seed(seed)
    base = next(c for c in configs() if c["task"] == task and c["scheme"] == scheme and c["lr"] == LRS[1])
    task_config = dict(base["task_config"], **({} if T is None else {"T": T}))
    make_task(task, **task_config)   # the task's own checks of T (copy: T >= 2 * n_symbols + 1)
    return {**base, "task_config": task_config, "seed": seed}


def update_seconds(task: str, T: int | None = None, n_updates: int = 5, scheme: str = "chain",
                   seed: int = 0) -> float:
    """CPU seconds per training update of the book's benchmark network on ``task`` at trial length ``T``
    (chapter 6).

    The run of :func:`configs` (``task``, ``scheme``, learning rate 3e-4, ``seed``; 100 units, RMSprop, batch 16,
    clip 10) with its trials ``T`` steps long is trained by :func:`mem.train.train` at one torch thread, without
    validation: one update to warm up, then ``n_updates`` timed by the CPU time of the calling thread (where a
    one-thread torch computes). The time varies from machine to machine and from call to call.

    Parameters
    ----------
    task : "copy" or "addition" (the tasks with a trial length)
    T : int in 2..1000, default None (the book's, :data:`TASKS`); copy needs ``T >= 21``
    n_updates : int in 1..20
    scheme : one of ``SCHEMES``; seed : int, the run's seed

    Returns
    -------
    float, seconds of CPU time per update.
    """
    check_choice("task", task, ("addition", "copy"))
    cfg = _book_config(task, T, scheme, seed)
    return _update_seconds(cfg, check_int("n_updates", n_updates, 1, _MAX_TIMED))


@pinned_threads
def _update_seconds(cfg: dict, n_updates: int) -> float:
    """:func:`update_seconds` after its checks, at the config's one thread."""
    task, model = build_model(cfg)
    settings = dict(optimizer="rmsprop", lr=cfg["lr"], batch_size=cfg["batch_size"], clip=cfg["clip"],
                    seed=cfg["seed"], eval_every=0, progress=False)
    train(model, task, n_iters=1, **settings)   # the first update allocates: not timed
    t0 = time.thread_time()
    train(model, task, n_iters=n_updates, **settings)
    return (time.thread_time() - t0) / n_updates


def paper_budget(n_updates: int = 5, seed: int = 0):
    """What training the benchmark grid on copy and addition costs on one CPU core, at the book's trial length
    and budget and at the paper's (chapter 6).

    For each task of :data:`PAPER_BUDGET`: the CPU seconds per update (:func:`update_seconds`, chain
    networks, ``n_updates`` timed updates) at the book's ``T`` (:data:`TASKS`) and at the paper's; the updates of
    one run (the book's ``n_updates``; the paper's ``epochs * ceil(n_train / batch_size)``, the most a run takes:
    early stopping ends only the runs that reach its threshold sooner); and from them the CPU hours of one run
    and the CPU days of the grid, ``len(SCHEMES) * len(LRS) * len(SEEDS)`` runs, for three budgets: the book's
    (its T and updates), the paper's T with the book's updates, and the paper's (its T and updates). Only
    training updates are counted (not the validations). The times vary from machine to machine and from call
    to call.

    Parameters
    ----------
    n_updates : int in 1..20; seed : int, the timed runs' seed

    Returns
    -------
    pandas DataFrame indexed by (task, budget: "book", "paper's T, book's updates", "paper") with columns ``T``,
    ``seconds per update``, ``updates per run``, ``CPU hours per run``, ``CPU days, grid``.
    """
    import pandas as pd

    n_updates = check_int("n_updates", n_updates, 1, _MAX_TIMED)
    seed = check_seed(seed)
    n_runs = len(SCHEMES) * len(LRS) * len(SEEDS)
    rows = {}
    for task, paper in PAPER_BUDGET.items():
        book_T, book_updates = TASKS[task]["task"]["T"], TASKS[task]["n_updates"]
        paper_updates = paper["epochs"] * math.ceil(paper["n_train"] / paper["batch_size"])
        seconds = {T: update_seconds(task, T, n_updates, "chain", seed) for T in (book_T, paper["T"])}
        budgets = {"book": (book_T, book_updates), "paper's T, book's updates": (paper["T"], book_updates),
                   "paper": (paper["T"], paper_updates)}
        for budget, (T, updates) in budgets.items():
            rows[task, budget] = {"T": T, "seconds per update": seconds[T], "updates per run": updates,
                                  "CPU hours per run": seconds[T] * updates / 3600,
                                  "CPU days, grid": seconds[T] * updates * n_runs / 86400}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(["task", "budget"])


@torch.no_grad()
def symbol_influence(T: int | None = None, scheme: str = "chain", n_trials: int = 64, seed: int = 0) -> float:
    """How much the copy symbols move the untrained network's outputs at the recall steps (chapter 6).

    The copy run's network (:func:`build_model`: 100 units, ``scheme``, model seed ``seed``) with trials ``T``
    steps long is run, before any training, on ``n_trials`` trials and on the same trials with their symbols
    redrawn (every later step kept), both drawn with ``seed``. A recall output that does not depend on the
    symbols carries nothing of them. A pure chain of N units passes an input on for at most N steps
    (``W^N = 0``): input channel c enters unit c (:func:`mem.init.source_`) and leaves the chain N - c steps
    later. The letters are channels 1..n_letters and the first recall step comes ``T - 2 * n_symbols + 1``
    steps after the last symbol, so for a chain with ``T >= N + 2 * n_symbols - 2`` (118 here) the answer is
    exactly 0.

    Parameters
    ----------
    T : int in 21..1000, default None (the book's 100)
    scheme : one of ``SCHEMES``
    n_trials : int in 1..1000; seed : int

    Returns
    -------
    float, the largest absolute difference of the recall steps' logits between the two sets of trials.
    """
    cfg = _book_config("copy", T, scheme, seed)
    n_trials = check_int("n_trials", n_trials, 1, _MAX_INFLUENCE_TRIALS)
    task, model = build_model(cfg)
    gen = seeded(seed)
    trials, others = task.sample(n_trials, gen).x, task.sample(n_trials, gen).x
    redrawn = trials.clone()
    S = task.n_symbols
    redrawn[:, :S] = others[:, :S]
    return float((model(redrawn).logits[:, -S:] - model(trials).logits[:, -S:]).abs().max())
