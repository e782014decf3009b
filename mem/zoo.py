"""The zoo: pretrained networks, trained by this package and shipped with it (chapter 2).

Each entry is one training run of :func:`mem.train.train`, described by a
config (architecture, size, protocol, optimiser, seed). ``zoo_data/manifest.json``
records per entry: the config, seed, torch thread count, torch version, the
metrics measured after training and the sha256 of the weights file.
:func:`load` refuses a file whose sha256 does not match.

Rebuild everything (or some entries) with one command::

    python -m mem.zoo build                    # all entries, 2 worker processes
    python -m mem.zoo build gru64-decu-s0      # one entry
    python -m mem.zoo check gru64-nacu-s0      # retrain in memory and compare bit for bit
    python -m mem.reproduce recheck gru64-nacu-s0   # ... or judge it at the level this machine promises
    python -m mem.zoo build --collection bridge       # chapter 6: GRUs with chain/orthogonal init
    python -m mem.zoo build --collection benchmarks   # chapter 6: copy/addition/digits x inits

The zoo has three collections, each a folder with its own manifest:
``networks`` (the 36 delayed-task networks of chapters 2-5, in ``zoo_data``),
``bridge`` (delayed-task GRUs with chapter 6's initialisations, in
``zoo_data/bridge``) and ``benchmarks`` (chapter 6's vanilla RNNs on the copy,
addition and permuted-digits tasks, in ``zoo_data/benchmarks``; see
:mod:`mem.benchmarks`).

Training is bit-identical for the same config at the same thread count (the
recorded ``threads``, 1 by default; each worker process pins it) where the
numerics fingerprint (:mod:`mem.fingerprint`, recorded with every entry) matches.
:func:`check` reports the level the fingerprints promise, the sha256 match and
the largest weight difference; :func:`mem.reproduce.recheck` judges a retrained
entry against the tolerances where bit-identity is not promised.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import functools
import hashlib
import io
import json
import math
import multiprocessing
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import torch

from ._checks import check_count, positive_ints
from . import data as _data
from .fingerprint import fingerprint, level
from .evaluate import DEFAULT_DELAYS, DelayCurve, accuracy_vs_delay, memory_lifetime, report_accuracy
from .init import initialize
from .models import RNNClassifier
from .protocols import DeCu, NaCu, VoCu, make_protocol
from .slowpoints import speed_measures
from .tasks import DelayedClassification
from .train import History, train

__all__ = ["ZOO_DIR", "BRIDGE_DIR", "COLLECTIONS", "Collection", "collection", "bridge_configs", "ZooEntry", "ZooIntegrityError", "ZooBuildError", "default_configs", "names", "manifest",
           "load", "read_verified", "build", "build_summary", "check", "train_entry", "evaluate_entry", "METRICS_VERSION", "table", "class_table",
           "require_keys", "pinned_threads", "manifest_entry", "atomic_write", "run_jobs"]

ZOO_DIR = Path(__file__).with_name("zoo_data")
BRIDGE_DIR = ZOO_DIR / "bridge"
MANIFEST = "manifest.json"

#: Evaluation shared by every entry (stored with the metrics).
EVAL = {"n_trials_report": 2000, "n_trials_delay": 1000, "delays": list(DEFAULT_DELAYS), "seed": 1234,
        "split": "test", "speed": {"adam_iters": 2000, "adam_lr": 1e-2, "newton_iters": 200, "drift_steps": 100,
                                   "n_trials": 1000, "seed": 0}}

#: Bumped whenever the metrics change; :func:`build` re-evaluates (without retraining) entries
#: whose stored metrics are older. 2: per-class delay curves and the slow-point measures (chapter 4).
METRICS_VERSION = 2


class ZooIntegrityError(RuntimeError):
    """A zoo file is missing or its sha256 differs from the manifest (chapter 2)."""


class ZooBuildError(RuntimeError):
    """Some entries of a build failed; the others were written (chapter 2).

    ``failures`` maps each failed entry's name to its error text.
    """

    def __init__(self, failures: dict):
        self.failures = failures
        super().__init__(f"{len(failures)} zoo entries failed: " + "; ".join(f"{n}: {e}" for n, e in failures.items()))


@dataclass
class ZooEntry:
    """A loaded zoo network: ``model`` (eval mode), its training ``history``, ``config`` and ``metrics`` (chapter 2)."""

    name: str
    model: RNNClassifier
    history: History
    config: dict
    metrics: dict
    checkpoints: dict = None

    def model_at(self, step: int) -> RNNClassifier:
        """The network as it was after ``step`` training steps (entries built with ``checkpoints``; chapter 3)."""
        if not self.checkpoints:
            raise ValueError(f"entry {self.name!r} has no checkpoints; entries with checkpoints: "
                             f"{names(checkpoints=True)}")
        if step not in self.checkpoints:
            raise ValueError(f"step must be one of the stored checkpoints {sorted(self.checkpoints)}, got {step!r}")
        model = RNNClassifier(self.model.arch, self.model.input_size, self.model.hidden_size, self.model.n_outputs)
        model.load_state_dict(self.checkpoints[step])
        return model.to(self.model.readout.weight.device).eval()

    @property
    def delay_curve(self) -> DelayCurve:
        """The accuracy-versus-delay curve measured after training (settings in :data:`EVAL`)."""
        return DelayCurve.from_dict(self.metrics["delay_curve"])

    @property
    def lifetime(self) -> float:
        """Memory lifetime in steps (:func:`mem.evaluate.memory_lifetime`); ``inf`` if it outlasts the probe."""
        life = self.metrics["lifetime"]
        return math.inf if life is None else float(life)


#: Why the recipe is what it is (stored in the manifest).
RECIPE = ("Adam lr 3e-3, grad-norm clip 1, batch 128, 3000 steps: reaches ~95% report accuracy at T = 20 within a "
          "few hundred steps. Curricula take the first half of the 3000 steps, so every network spends the second "
          "half on the full task (T_max = 20, ten digits) and all end on the same task after the same number of "
          "updates. GRU and LSTM x NaCu/DeCu/VoCu x seeds 0-2 x 64 and 128 units: 36 networks, enough for "
          "correlations across networks within each architecture (18 each; chapter 4). A 64-unit run takes about a "
          "minute on one CPU thread, a 128-unit run about two. One torch thread per run: training is bit-identical "
          "only at a fixed thread count. Metrics use held-out (test) digits and the same seeded probe trials for "
          "every network (see 'evaluation'); the slow-point measures are those of mem.slowpoints.speed_measures. "
          "Two entries keep checkpoints every 100 steps through the curricula (gru64-decu-s0, gru64-vocu-s0: "
          "chapter 3 tracks slow points through training). Weights are stored as float32 state dicts.")


def _name(cfg: dict) -> str:
    init = f"-{cfg['init']}" if cfg.get("init") else ""
    return f"{cfg['arch']}{cfg['hidden_size']}-{cfg['protocol']['name']}{init}-s{cfg['seed']}"


#: Training steps at which the formation entries keep a copy of their weights (chapter 3):
#: every 100 steps through the curricula (the first 1500 steps), then sparser.
FORMATION_CHECKPOINTS = list(range(0, 1501, 100)) + [1750, 2000, 2500, 3000]


def default_configs() -> list[dict]:
    """The zoo's recipe: GRU and LSTM x NaCu/DeCu/VoCu x seeds 0, 1, 2 x 64 and 128 units, 3000 steps (36 entries).

    Curricula (DeCu: T_max 6, 8, ..., 20; VoCu: 2, 3, ..., 10 digits) take the first
    half of training; the second half is the full task for every protocol, so all
    networks end on the same task with the same number of steps.

    ``gru64-decu-s0`` and ``gru64-vocu-s0`` also keep their weights at
    :data:`FORMATION_CHECKPOINTS` (chapter 3 tracks slow points through training);
    ``gru128-nacu-s0`` is the network of the slow-point benchmark
    (``tests/benchmarks/bench_slowpoints.py``).
    """
    protocols = [NaCu(3000), DeCu(3000, T_start=6, T_end=20, T_step=2, fraction=0.5),
                 VoCu(3000, classes_start=3, fraction=0.5)]
    out = []
    for hidden in (64, 128):
        for arch in ("gru", "lstm"):
            for proto in (p.config() for p in protocols):  # complete configs: every default written out
                for seed in (0, 1, 2):
                    out.append({"arch": arch, "hidden_size": hidden, "protocol": proto, "seed": seed,
                                "batch_size": 128, "lr": 3e-3, "clip": 1.0, "T_max": 20, "delta_min": 4,
                                "data": "digits", "threads": 1})
    for cfg in out:
        if (cfg["arch"], cfg["hidden_size"], cfg["seed"]) == ("gru", 64, 0) and cfg["protocol"]["name"] != "nacu":
            cfg["checkpoints"] = list(FORMATION_CHECKPOINTS)
    return out


#: The bridge collection's recipe (chapter 6).
BRIDGE_RECIPE = ("Delayed-task GRUs with 100 units (the paper's N), NaCu, 3000 steps, otherwise the networks "
                 "collection's recipe, started from three initialisations of mem.init.initialize: 'default' "
                 "(PyTorch's), 'orthogonal' and 'chain' (alpha 1.02 in every gate block, input 0.9*eye into the "
                 "chain's head), seeds 0-2. Chapter 6 compares their slow points, time constants and memory.")


def bridge_configs() -> list[dict]:
    """Chapter 6's bridge: GRU-100, NaCu, 3000 steps x init default/orthogonal/chain x seeds 0-2 (9 entries)."""
    proto = NaCu(3000).config()
    return [{"arch": "gru", "hidden_size": 100, "protocol": proto, "seed": seed, "batch_size": 128, "lr": 3e-3,
             "clip": 1.0, "T_max": 20, "delta_min": 4, "data": "digits", "threads": 1, "init": init}
            for init in ("default", "orthogonal", "chain") for seed in (0, 1, 2)]


def manifest(zoo_dir: Path | str = ZOO_DIR) -> dict:
    """The manifest: ``{"entries": {name: {...}}, ...}`` (chapter 2)."""
    if not isinstance(zoo_dir, (str, os.PathLike)):
        raise ValueError(f"zoo_dir must be a folder path (str or Path), got {zoo_dir!r}")
    path = Path(zoo_dir) / MANIFEST
    if not path.exists():
        return {"format": 1, "entries": {}}
    return json.loads(path.read_text())


def names(zoo_dir: Path | str = ZOO_DIR, **where) -> list[str]:
    """Names of the built entries, optionally filtered (chapter 2).

    Example: ``names(arch="gru", protocol="decu", seed=[0, 1])``.

    A filter value that is a list, tuple or set accepts any of its members.
    """
    out, keys = [], {*_CONFIG_KEYS, *_OPTIONAL_KEYS}
    for name, e in manifest(zoo_dir)["entries"].items():
        cfg = dict(e["config"], protocol=e["config"]["protocol"]["name"],
                   checkpoints=bool(e["config"].get("checkpoints")))
        keys.update(cfg)
        if all(cfg.get(k) in v if isinstance(v, (list, tuple, set)) else cfg.get(k) == v for k, v in where.items()):
            out.append(name)
    unknown = sorted(set(where) - keys)
    if unknown:
        raise ValueError(f"filters must be config keys, one of {sorted(keys)}, got unknown {unknown}")
    return sorted(out)


def _measured(zoo_dir):
    """(name, metrics, config) of every entry, refusing entries measured before the slow-point measures."""
    for name, e in manifest(zoo_dir)["entries"].items():
        if "speed" not in e["metrics"]:
            raise ValueError(f"entry {name!r} has no slow-point measures (metrics_version "
                             f"{e.get('metrics_version', 1)}); run `python -m mem.zoo build` to update it")
        yield name, e["metrics"], e["config"]


def table(zoo_dir: Path | str = ZOO_DIR, probe_seed: int | None = None):
    """One row per built entry: config, memory metrics and the slow-point measures (chapter 4).

    ``probe_seed``: re-measure the memory metrics (report accuracy, accuracy versus delay,
    lifetime) on fresh probe trials drawn with this seed instead of reading the stored ones
    (:data:`EVAL`'s seed), to check that a conclusion does not rest on one draw of probe trials
    (a few seconds per network, with a progress bar). The slow-point measures do not depend on
    the probe and are read from the manifest.

    Columns: ``name, arch, hidden_size, protocol, seed, init`` (the initialisation scheme of
    :func:`mem.init.initialize`; ``"default"`` for PyTorch's), ``report_accuracy, lifetime`` (``inf``
    if the memory outlasts the longest probed delay), ``log_lifetime`` (log10), ``acc_<d>``
    for every probed delay ``d``, ``n_classes`` (digits with a slow point), ``own`` (how many
    of them report their digit), and for each name in :data:`mem.slowpoints.MEASURES` its
    median over the network's digits.

    Returns
    -------
    pandas DataFrame sorted by name.
    """
    import numpy as np
    import pandas as pd

    from .slowpoints import MEASURES

    check_count("probe_seed", probe_seed, lo=0, none_ok=True)
    entries = list(_measured(zoo_dir))
    if probe_seed is not None:
        from tqdm.auto import tqdm
        entries = tqdm(entries, desc=f"probe seed {probe_seed}")
    rows = []
    for name, m, cfg in entries:
        if probe_seed is not None:
            m = _probe_metrics(name, zoo_dir, cfg, probe_seed, m)
        life = math.inf if m["lifetime"] is None else float(m["lifetime"])
        row = {"name": name, "arch": cfg["arch"], "hidden_size": cfg["hidden_size"],
               "protocol": cfg["protocol"]["name"], "seed": cfg["seed"], "init": cfg.get("init", "default"),
               "report_accuracy": m["report_accuracy"], "lifetime": life, "log_lifetime": math.log10(life)}
        curve = DelayCurve.from_dict(m["delay_curve"])
        row.update({f"acc_{d}": float(a) for d, a in zip(curve.delays, curve.accuracy)})
        sp = m["speed"]
        row.update(n_classes=len(sp["labels"]), own=int(sum(sp["own"])))
        row.update({k: float(np.median(sp[k])) if sp[k] else math.nan for k in MEASURES})
        rows.append(row)
    if not rows:
        raise ValueError(f"zoo_dir must hold built entries: none in {str(zoo_dir)!r}; "
                         "build them with `python -m mem.zoo build`")
    return pd.DataFrame(rows).sort_values("name", ignore_index=True)


def _probe_metrics(name: str, zoo_dir, cfg: dict, seed: int, stored: dict) -> dict:
    """``stored`` with the memory metrics re-measured on probe trials drawn with ``seed``."""
    model, task = load(name, zoo_dir).model, _task(cfg)
    before = torch.get_num_threads()
    torch.set_num_threads(cfg["threads"])
    try:
        curve = accuracy_vs_delay(model, task, EVAL["delays"], EVAL["n_trials_delay"], seed, split=EVAL["split"])
        acc = report_accuracy(model, task, EVAL["n_trials_report"], seed, T_max=cfg["T_max"], split=EVAL["split"])
    finally:
        torch.set_num_threads(before)
    life = memory_lifetime(curve)
    return dict(stored, report_accuracy=acc, delay_curve=curve.to_dict(), lifetime=None if math.isinf(life) else life)


def class_table(zoo_dir: Path | str = ZOO_DIR):
    """One row per (entry, digit with a slow point): the per-digit measures and memory (chapter 4).

    Columns: ``network, arch, hidden_size, protocol, seed, digit``, each name in
    :data:`mem.slowpoints.MEASURES`, ``own``, ``acc_<d>`` (that digit's accuracy at each
    probed delay) and ``lifetime`` (that digit's own memory lifetime, ``inf`` if it outlasts
    the probe, NaN if the digit was not remembered to begin with).

    Returns
    -------
    pandas DataFrame.
    """
    import pandas as pd

    from .slowpoints import MEASURES

    rows = []
    for name, m, cfg in _measured(zoo_dir):
        curve = DelayCurve.from_dict(m["delay_curve"])
        lives = curve.class_lifetimes()
        sp = m["speed"]
        for i, digit in enumerate(sp["labels"]):
            row = {"network": name, "arch": cfg["arch"], "hidden_size": cfg["hidden_size"],
                   "protocol": cfg["protocol"]["name"], "seed": cfg["seed"], "digit": digit}
            row.update({k: sp[k][i] for k in MEASURES})
            row["own"] = bool(sp["own"][i])
            row.update({f"acc_{d}": float(a) for d, a in zip(curve.delays, curve.class_accuracy[:, digit - 1])})
            row["lifetime"] = float(lives[digit - 1])
            rows.append(row)
    return pd.DataFrame(rows)


def _sha256(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def read_verified(name: str, zoo_dir: Path | str = ZOO_DIR) -> bytes:
    """The bytes of entry ``name``'s file, after checking them against the manifest's sha256 (chapter 2).

    Raises
    ------
    ValueError for an unknown name; ZooIntegrityError if the file is missing or altered.
    """
    entries = manifest(zoo_dir)["entries"]
    if name not in entries:
        raise ValueError(f"name must be one of the entries {sorted(entries)} in {zoo_dir}, got {name!r}")
    e = entries[name]
    path = Path(zoo_dir) / e["file"]
    if not path.exists():
        raise ZooIntegrityError(f"zoo file {path} is missing; rebuild it with `python -m mem.zoo build {name}`")
    raw = path.read_bytes()
    digest = _sha256(raw)
    if digest != e["sha256"]:
        raise ZooIntegrityError(f"sha256 mismatch for {path}: manifest says {e['sha256']}, file has {digest}. "
                                f"The file was altered or truncated; rebuild it with `python -m mem.zoo build {name}`")
    return raw


def load(name: str, zoo_dir: Path | str = ZOO_DIR, device="cpu") -> ZooEntry:
    """Load a zoo network after checking its sha256 against the manifest (chapter 2).

    Returns
    -------
    ZooEntry with the model in eval mode on ``device``.

    Raises
    ------
    ValueError for an unknown name; ZooIntegrityError if the file is missing or altered.
    """
    raw = read_verified(name, zoo_dir)
    payload = torch.load(io.BytesIO(raw), map_location=device, weights_only=True)
    e = manifest(zoo_dir)["entries"][name]
    cfg = e["config"]
    model = RNNClassifier(cfg["arch"], payload["input_size"], cfg["hidden_size"])
    model.load_state_dict(payload["state_dict"])
    model.to(device).eval()
    return ZooEntry(name, model, History.from_dict(payload["history"]), cfg, e["metrics"],
                    payload.get("checkpoints"))


def _task(cfg: dict) -> DelayedClassification:
    if cfg.get("data", "digits") != "digits":
        raise ValueError(f"data must be 'digits', got {cfg.get('data')!r}")
    return DelayedClassification(_data.load_digits(), T_max=cfg["T_max"], delta_min=cfg["delta_min"])


def require_keys(cfg, keys) -> None:
    """``cfg`` must be a dict with every one of ``keys``; otherwise a ValueError naming the missing ones.

    Shared by every collection's recipe (chapters 2, 5, 6)."""
    if not isinstance(cfg, dict):
        raise ValueError(f"cfg must be a config dict, got {type(cfg).__name__}")
    missing = [k for k in keys if k not in cfg]
    if missing:
        raise ValueError(f"cfg must have the keys {list(keys)}, missing {missing}")


#: What :func:`train_entry` reads from a config, and what it may read.
_CONFIG_KEYS = ("arch", "hidden_size", "protocol", "seed", "batch_size", "lr", "clip", "T_max", "delta_min",
                "threads")
_OPTIONAL_KEYS = ("checkpoints", "init", "data")


def pinned_threads(fn):
    """Decorator: run ``fn(cfg, ...)`` at the config's recorded torch thread count ``cfg["threads"]``
    (results depend on it; chapters 2, 5, 6). Every collection's train function uses it."""
    if not callable(fn):
        raise TypeError(f"fn must be a function fn(cfg, ...), got {type(fn).__name__}")
    @functools.wraps(fn)  # keeps the name, so process pools can pickle the function
    def run(cfg, *args, **kwargs):
        require_keys(cfg, ("threads",))
        before = torch.get_num_threads()
        torch.set_num_threads(cfg["threads"])
        try:
            return fn(cfg, *args, **kwargs)
        finally:
            torch.set_num_threads(before)
    return run


def _metrics(model: RNNClassifier, task: DelayedClassification, cfg: dict, hist: History) -> dict:
    """Everything :data:`EVAL` measures on a trained network (chapters 2 and 4)."""
    curve = accuracy_vs_delay(model, task, EVAL["delays"], EVAL["n_trials_delay"], EVAL["seed"], split=EVAL["split"])
    life = memory_lifetime(curve)
    return {
        "report_accuracy": report_accuracy(model, task, EVAL["n_trials_report"], EVAL["seed"],
                                           T_max=cfg["T_max"], split=EVAL["split"]),
        "delay_curve": curve.to_dict(),
        "lifetime": None if math.isinf(life) else life,  # null: outlasts the longest probed delay
        "final_train_accuracy": float(hist.accuracy[-100:].mean()),
        "speed": speed_measures(model, task, **EVAL["speed"]),
    }


def manifest_entry(cfg: dict, raw: bytes, metrics: dict, seconds: float) -> dict:
    """A collection's manifest entry for one built file (without ``file``; chapters 2, 5, 6).

    Records the file's sha256 and size, the config, seed and thread count, the torch version,
    the numerics fingerprint of this build (:func:`mem.fingerprint.fingerprint` at the config's
    thread count), the metrics and the training time.
    """
    require_keys(cfg, ("seed", "threads"))
    if not isinstance(raw, bytes):
        raise ValueError(f"raw must be the bytes of the entry's file, got {type(raw).__name__}")
    return {"sha256": _sha256(raw), "bytes": len(raw), "config": cfg, "seed": cfg["seed"], "threads": cfg["threads"],
            "torch_version": torch.__version__, "fingerprint": fingerprint(threads=cfg["threads"]),
            "metrics": metrics, "metrics_version": METRICS_VERSION, "evaluation": EVAL,
            "train_seconds": round(seconds, 1)}


@pinned_threads
def train_entry(cfg: dict, progress: bool = False) -> tuple[bytes, dict]:
    """Train one entry from its config at its recorded thread count, and measure it (chapter 2).

    Returns
    -------
    (file bytes, manifest entry without ``file``).
    """
    require_keys(cfg, _CONFIG_KEYS)
    task = _task(cfg)
    model = RNNClassifier(cfg["arch"], task.input_size, cfg["hidden_size"], seed=cfg["seed"])
    if cfg.get("init"):
        initialize(model, cfg["init"], seed=cfg["seed"])
    proto = make_protocol(cfg["protocol"])
    hist = train(model, task, proto, optimizer="adam", batch_size=cfg["batch_size"], lr=cfg["lr"], clip=cfg["clip"],
                 seed=cfg["seed"], checkpoints=cfg.get("checkpoints", ()), progress=progress, desc=_name(cfg))
    metrics = _metrics(model.eval(), task, cfg, hist)
    buf = io.BytesIO()
    # A fresh copy of the config: pickle's memo is by object identity, so strings shared with the
    # caller (or not, in a worker process) would otherwise change the file's bytes, not its content.
    payload = {"config": json.loads(json.dumps(cfg)), "input_size": task.input_size,
               "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
               "history": {k: torch.as_tensor(v)
                           for k, v in hist.to_dict(("loss", "accuracy", "T_max", "n_classes")).items()}}
    if cfg.get("checkpoints"):
        payload["checkpoints"] = hist.checkpoints
    torch.save(payload, buf)
    raw = buf.getvalue()
    return raw, manifest_entry(cfg, raw, metrics, hist.seconds)


@pinned_threads
def evaluate_entry(cfg: dict, raw: bytes, seconds: float = 0.0) -> tuple[bytes, dict]:
    """Re-measure a trained entry from its file bytes, without training (chapter 2).

    Used when :data:`METRICS_VERSION` has changed.

    Returns
    -------
    (the same bytes, manifest entry without ``file``).
    """
    require_keys(cfg, _CONFIG_KEYS)
    if not isinstance(raw, bytes):
        raise ValueError(f"raw must be the bytes of the entry's file, got {type(raw).__name__}")
    payload = torch.load(io.BytesIO(raw), weights_only=True)
    task = _task(cfg)
    model = RNNClassifier(cfg["arch"], payload["input_size"], cfg["hidden_size"])
    model.load_state_dict(payload["state_dict"])
    return raw, manifest_entry(cfg, raw, _metrics(model.eval(), task, cfg, History.from_dict(payload["history"])), seconds)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader (or a crash) never sees half a file (chapters 2, 5).

    Every file of every collection, each manifest and the chapter-5 sweep are written this way."""
    if not isinstance(data, bytes):
        raise ValueError(f"data must be bytes, got {type(data).__name__}")
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _write_manifest(zoo_dir: Path, man: dict) -> None:
    man["entries"] = dict(sorted(man["entries"].items()))
    atomic_write(zoo_dir / MANIFEST, (json.dumps(man, indent=1) + "\n").encode())


def _status(name: str, cfg: dict, man: dict, zoo_dir: Path, version: int = METRICS_VERSION) -> tuple[str, bytes | None]:
    """("done" | "evaluate" | "train", file bytes if the stored file is valid for this config)."""
    e = man["entries"].get(name)
    path = zoo_dir / f"{name}.pt"
    if e is None or e.get("config") != cfg or not path.exists():
        return "train", None
    raw = path.read_bytes()
    if _sha256(raw) != e.get("sha256"):
        return "train", None
    return ("done" if e.get("metrics_version") == version else "evaluate"), raw


def run_jobs(jobs: dict, done, executor: cf.Executor | None = None, workers: int = 2) -> dict:
    """Run ``{name: (fn, args)}`` on an Executor, calling ``done(name, result)`` as each finishes.

    Default executor: a spawn process pool of ``workers`` processes. A job that raises is
    recorded and the others go on. Shared by the zoo's build and the chapter-5 sweep.

    Returns
    -------
    ``{name: "ErrorType: message"}`` for the jobs that failed.
    """
    if not isinstance(jobs, dict):
        raise ValueError(f"jobs must be a dict {{name: (fn, args)}}, got {type(jobs).__name__}")
    if not callable(done):
        raise ValueError(f"done must be a callable done(name, result), got {type(done).__name__}")
    positive_ints(workers=workers)
    failures = {}
    own = executor is None and bool(jobs)
    if own:
        executor = cf.ProcessPoolExecutor(max_workers=min(workers, len(jobs)),
                                          mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {executor.submit(fn, *args): n for n, (fn, args) in jobs.items()}
        for fut in cf.as_completed(futures):
            n = futures[fut]
            try:
                result = fut.result()
            except Exception as err:  # one job's crash must not lose the others
                failures[n] = f"{type(err).__name__}: {err}"
                print(f"{n}: FAILED ({failures[n]})", flush=True)
                continue
            done(n, result)
    finally:
        if own:
            executor.shutdown()
    return failures


@dataclass(frozen=True)
class Collection:
    """One folder of zoo entries with its own manifest, and how to build them (chapter 2).

    ``configs()`` lists the recipe, ``name(cfg)`` names an entry, ``train(cfg)`` returns
    ``(file bytes, manifest entry)`` (pinned to the config's thread count), ``evaluate`` (or
    None) re-measures stored bytes when ``metrics_version`` changed, and ``summary(entry)``
    is the line printed when an entry is done.
    """

    folder: Path
    configs: Callable[[], list]
    name: Callable[[dict], str]
    train: Callable
    evaluate: Callable | None
    metrics_version: int
    summary: Callable[[dict], str]
    description: str
    recipe: str


def _network_summary(entry: dict) -> str:
    m = entry["metrics"]
    return f"report acc {m['report_accuracy']:.3f}, lifetime {m['lifetime']}, {entry['train_seconds']} s training"


#: The collections of the zoo (``benchmarks`` is defined in :mod:`mem.benchmarks`).
COLLECTIONS = ("networks", "bridge", "benchmarks")


def collection(name: str = "networks") -> Collection:
    """The :class:`Collection` called ``name``, one of :data:`COLLECTIONS` (chapter 2)."""
    if name == "networks":
        return Collection(ZOO_DIR, default_configs, _name, train_entry, evaluate_entry, METRICS_VERSION,
                          _network_summary, "Networks trained by mem.zoo.build; see mem/zoo.py and chapters 2 and 4.",
                          RECIPE)
    if name == "bridge":
        return Collection(BRIDGE_DIR, bridge_configs, _name, train_entry, evaluate_entry, METRICS_VERSION,
                          _network_summary, "Delayed-task GRUs with chapter 6's initialisations (mem.zoo).",
                          BRIDGE_RECIPE)
    if name == "benchmarks":
        from . import benchmarks  # it builds on this module
        return benchmarks.COLLECTION
    raise ValueError(f"collection must be one of {COLLECTIONS}, got {name!r}")


def build(which: list[str] | None = None, zoo_dir: Path | str | None = None,
          executor: cf.Executor | None = None, workers: int = 2, configs: list[dict] | None = None,
          force: bool = False, collection: str = "networks") -> dict:
    """Train and measure a collection's entries (default: all of its recipe); write files + manifest (chapters 2, 4, 6).

    Resumable: an entry whose file matches the manifest's config and sha256 is skipped
    (re-measured without retraining if its metrics predate the collection's metrics version).
    Every file and the manifest are written atomically as each entry finishes, so an
    interrupted build keeps what it finished; an entry that raises does not stop the
    others and is reported at the end.

    Parameters
    ----------
    which : list of names, optional
    zoo_dir : folder to write to (default: the collection's folder inside the package)
    executor : any ``concurrent.futures.Executor`` (a process pool, ``dask.distributed``'s
        ``client.get_executor()``, a submitit executor, ...); default a local process pool
        of ``workers`` processes. Each task pins its own torch thread count (the config's
        ``threads``), so results do not depend on the executor.
    configs : list of config dicts, optional; a recipe other than the collection's
    force : retrain even entries that are already built
    collection : one of :data:`COLLECTIONS` (default ``"networks"``)

    Returns
    -------
    The updated manifest.

    Raises
    ------
    ZooBuildError after the build if any entry failed (the others are written).
    """
    col = globals()["collection"](collection)
    configs = {col.name(c): c for c in (col.configs() if configs is None else configs)}
    which = sorted(configs) if not which else list(which)
    unknown = [n for n in which if n not in configs]
    if unknown:
        raise ValueError(f"which must name entries of {sorted(configs)}, got unknown {unknown}")
    positive_ints(workers=workers)
    zoo_dir = Path(col.folder if zoo_dir is None else zoo_dir)
    zoo_dir.mkdir(parents=True, exist_ok=True)
    man = manifest(zoo_dir)
    man.update({"format": 1, "description": col.description,
                "rebuild": f"python -m mem.zoo build --collection {collection} [names]", "recipe": col.recipe})
    jobs = {}
    for n in which:
        state, raw = _status(n, configs[n], man, zoo_dir, col.metrics_version)
        if force or state == "train" or (state == "evaluate" and col.evaluate is None):
            jobs[n] = (col.train, (configs[n],))
        elif state == "evaluate":
            jobs[n] = (col.evaluate, (configs[n], raw, man["entries"][n].get("train_seconds", 0.0)))
    skipped = [n for n in which if n not in jobs]
    if skipped:
        print(f"{len(skipped)} entries already built, skipped", flush=True)

    def done(n, result):
        raw, entry = result
        atomic_write(zoo_dir / f"{n}.pt", raw)
        man["entries"][n] = {"file": f"{n}.pt", **entry}
        _write_manifest(zoo_dir, man)
        print(f"{n}: {col.summary(entry)}", flush=True)

    failures = run_jobs(jobs, done, executor, workers)
    if failures:
        raise ZooBuildError(failures)
    return man


def build_summary():
    """What each collection's build cost, from the manifests (chapter 2; the book's performance page).

    Returns
    -------
    pandas DataFrame indexed by collection: ``entries``, ``train_hours`` (the sum of the entries'
    recorded training times, one thread each), ``threads`` and ``torch_versions`` recorded.
    """
    import pandas as pd

    rows = {}
    for name in COLLECTIONS:
        entries = manifest(collection(name).folder)["entries"].values()
        rows[name] = {"entries": len(entries),
                      "train_hours": round(sum(e.get("train_seconds", 0.0) for e in entries) / 3600, 2),
                      "threads": sorted({e["threads"] for e in entries}),
                      "torch_versions": sorted({e["torch_version"] for e in entries})}
    return pd.DataFrame(rows).T


def check(name: str, zoo_dir: Path | str | None = None, collection: str = "networks") -> dict:
    """Retrain one entry (in memory) and compare it with the stored one (chapters 2, 6).

    Where this machine's numerics fingerprint matches the entry's (``level`` is
    ``"bit-identical"``, :mod:`mem.fingerprint`) the retrained weights must equal the stored ones;
    elsewhere they differ, and :func:`mem.reproduce.recheck` judges the metrics against the
    tolerances instead.

    Returns
    -------
    ``{"level": "bit-identical" | "same conclusions", "bit_identical": bool, "max_abs_weight_diff": float,
    "metrics_stored": ..., "metrics_rebuilt": ..., "fingerprint_stored": ..., "fingerprint_rebuilt": ...}``
    """
    col = globals()["collection"](collection)
    zoo_dir = Path(col.folder if zoo_dir is None else zoo_dir)
    stored = manifest(zoo_dir)["entries"].get(name)
    if stored is None:
        raise ValueError(f"name must be a built entry of the {collection} collection, got {name!r}")
    raw, entry = col.train(stored["config"])
    old = torch.load(io.BytesIO(read_verified(name, zoo_dir)), weights_only=True)["state_dict"]
    new = torch.load(io.BytesIO(raw), weights_only=True)["state_dict"]
    diff = max(float((old[k] - new[k]).abs().max()) for k in old)
    return {"level": level(stored["fingerprint"], entry["fingerprint"]),
            "bit_identical": entry["sha256"] == stored["sha256"], "max_abs_weight_diff": diff,
            "metrics_stored": stored["metrics"], "metrics_rebuilt": entry["metrics"],
            "fingerprint_stored": stored["fingerprint"], "fingerprint_rebuilt": entry["fingerprint"]}


def _main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mem.zoo", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="train entries (all by default) and update the manifest")
    b.add_argument("names", nargs="*")
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--out", default=None, help="folder (default: the collection's folder in the package)")
    b.add_argument("--force", action="store_true", help="retrain entries that are already built")
    b.add_argument("--collection", default="networks", choices=COLLECTIONS)
    c = sub.add_parser("check", help="retrain one entry in memory and compare it with the stored one")
    c.add_argument("name")
    c.add_argument("--collection", default="networks", choices=COLLECTIONS)
    ls = sub.add_parser("list", help="list a collection's entries with a summary of their metrics")
    ls.add_argument("--collection", default="networks", choices=COLLECTIONS)
    sub.add_parser("verify", help="check the sha256 of every file of every collection")
    a = ap.parse_args(argv)
    import mem.zoo as z  # the importable module, not __main__, so worker processes can unpickle its functions
    build, check, manifest = z.build, z.check, z.manifest
    if a.cmd == "build":
        t0 = time.time()
        try:
            build(a.names, a.out, workers=a.workers, force=a.force, collection=a.collection)
        except z.ZooBuildError as err:
            print(err, file=sys.stderr)
            return 1
        finally:
            print(f"build took {time.time() - t0:.0f} s")
    elif a.cmd == "check":
        r = check(a.name, collection=a.collection)
        print(json.dumps({k: r[k] for k in ("level", "bit_identical", "max_abs_weight_diff")}))
        return 0 if r["bit_identical"] or r["level"] != "bit-identical" else 1
    elif a.cmd == "list":
        col = z.collection(a.collection)
        for n, e in manifest(col.folder)["entries"].items():
            print(f"{n:32s} {col.summary(e)}")
    elif a.cmd == "verify":
        for name in COLLECTIONS:
            folder = z.collection(name).folder
            entries = manifest(folder)["entries"]
            for n in entries:
                z.read_verified(n, folder)
            print(f"{name}: {len(entries)} entries verified")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
