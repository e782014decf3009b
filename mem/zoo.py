"""The zoo: pretrained networks, trained by this package and shipped with it (chapter 2).

Each entry is one training run of :func:`mem.train.train`, described by a
config (architecture, size, protocol, optimiser, seed). ``zoo_data/manifest.json``
records per entry: the config, seed, torch thread count, torch version, the
metrics measured after training, the sha256 of the weights file and a checksum of
the entry itself (:func:`mem.store.entry_checksum`). :func:`load` refuses a file whose
sha256 does not match, and every read of a manifest (:func:`manifest`, :func:`load`,
:func:`table`, ...) refuses an entry whose metrics were edited after it was built.

The networks are collections of the storage engine (:mod:`mem.store`), which builds,
resumes, checks and sha256-verifies them::

    python -m mem.store build networks                 # all entries, 2 worker processes
    python -m mem.store build networks gru64-decu-s0   # one entry
    python -m mem.store check networks gru64-nacu-s0   # retrain in memory and compare bit for bit
    python -m mem.reproduce recheck gru64-nacu-s0      # ... or judge it at the level this machine promises
    python -m mem.store build bridge                   # chapter 6: GRUs with chain/orthogonal init

The zoo's trained networks are three collections (:data:`COLLECTIONS`), each a folder with its own manifest,
registered with :mod:`mem.store` when this module is imported (``benchmarks`` by :mod:`mem.benchmarks`):
``networks`` (the 54 delayed-task networks of chapters 2-5, in ``zoo_data``),
``bridge`` (delayed-task GRUs with chapter 6's initialisations, in
``zoo_data/bridge``) and ``benchmarks`` (chapter 6's vanilla RNNs on the copy,
addition and permuted-digits tasks, in ``zoo_data/benchmarks``; see
:mod:`mem.benchmarks`).

Training is bit-identical for the same config at the same thread count (the
recorded ``threads``, 1 by default; each worker process pins it) where the
numerics fingerprint (:mod:`mem.fingerprint`, recorded with every entry) matches.
:func:`mem.store.check` reports the level the fingerprints promise, the sha256 match and
the largest weight difference; :func:`mem.reproduce.recheck` judges a retrained
entry against the tolerances where bit-identity is not promised.
"""
from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch

from . import data as _data
from . import store
from ._checks import check_array, check_bool, check_choice, check_float, check_int, check_model_task, check_seed
from .evaluate import DEFAULT_DELAYS, DelayCurve, accuracy_vs_delay, memory_lifetime, report_accuracy
from .init import initialize
from .measures import speed_measures
from .models import ARCHS, RNNClassifier
from .protocols import PROTOCOLS, DeCu, NaCu, VoCu, make_protocol
from .slowpoints import paper_components
from .store import Collection, manifest_entry, pinned_threads, rebuild_command, require_keys
from .tasks import DelayedClassification
from .train import History, train

__all__ = [
    "BRIDGE",
    "BRIDGE_DIR",
    "BRIDGE_RECIPE",
    "COLLECTIONS",
    "DATASETS",
    "EVAL",
    "FORMATION_CHECKPOINTS",
    "METRICS_VERSION",
    "MNIST1D",
    "MNIST1D_DIR",
    "MNIST1D_RECIPE",
    "NAN_OK",
    "NETWORKS",
    "RECIPE",
    "ZOO_DIR",
    "ZooEntry",
    "ZooIndex",
    "bridge_configs",
    "build_summary",
    "checkpoint_models",
    "class_table",
    "collection",
    "default_configs",
    "entry_name",
    "evaluate_entry",
    "index",
    "load",
    "manifest",
    "measure_speed",
    "mnist1d_configs",
    "names",
    "table",
    "train_entry",
    "weight_difference",
]

ZOO_DIR = Path(__file__).with_name("zoo_data")
BRIDGE_DIR = ZOO_DIR / "bridge"
MNIST1D_DIR = ZOO_DIR / "mnist1d"

#: Evaluation shared by every entry (stored with the metrics).
EVAL = {"n_trials_report": 2000, "n_trials_delay": 1000, "delays": list(DEFAULT_DELAYS), "seed": 1234,
        "split": "test", "speed": {"adam_iters": 2000, "adam_lr": 1e-2, "newton_iters": 200, "drift_steps": 100,
                                   "n_trials": 1000, "seed": 0, "paper": True}}

#: Bumped whenever the metrics change; :func:`mem.store.build` re-evaluates (without retraining) entries
#: whose stored metrics are older. 2: per-class delay curves and the slow-point measures (chapter 4).
#: 3: the Newton search stops a candidate only when it is fixed, stationary or out of budget (issue 17).
#: 4: the Newton search's faster linear algebra (blocked factorisation, no chord steps; issue 17).
#: 5: the searches start from class means over training digits (test digits only evaluate), and the speed
#: after the authors' own search budget (``paper``, :data:`~mem.slowpoints.search.PAPER_ADAM`) is measured too
#: (issue 19).
METRICS_VERSION = 5


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
        step = check_int("step", step, lo=0)
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
          "updates. GRU and LSTM x NaCu/DeCu/VoCu x 64 units x seeds 0-5 and 128 units x seeds 0-2: 54 networks. "
          "Six seeds per 64-unit cell give the protocol comparisons of chapter 2 their statistical power; 27 "
          "networks per architecture for the correlations of chapter 4. A 64-unit run takes about a "
          "minute on one CPU thread, a 128-unit run about two. One torch thread per run: training is bit-identical "
          "only at a fixed thread count. Metrics use held-out (test) digits and the same seeded probe trials for "
          "every network (see 'evaluation'); the slow-point measures are those of mem.measures.speed_measures, "
          "from class means over training digits, including the authors' own search budget ('paper'). "
          "Two entries keep checkpoints every 100 steps through the curricula (gru64-decu-s0, gru64-vocu-s0: "
          "chapter 3 tracks slow points through training). Weights are stored as float32 state dicts.")


def entry_name(cfg: dict) -> str:
    """An entry's name, ``<arch><hidden_size>-<protocol>[-<init>]-s<seed>``, e.g. ``gru64-decu-s0`` (chapter 2)."""
    require_keys(cfg, ("arch", "hidden_size", "protocol", "seed"))
    init = f"-{cfg['init']}" if cfg.get("init") else ""
    return f"{cfg['arch']}{cfg['hidden_size']}-{cfg['protocol']['name']}{init}-s{cfg['seed']}"


#: Training steps at which the formation entries keep a copy of their weights (chapter 3):
#: every 100 steps through the curricula (the first 1500 steps), then sparser.
FORMATION_CHECKPOINTS = [*list(range(0, 1501, 100)), 1750, 2000, 2500, 3000]


def default_configs() -> list[dict]:
    """The zoo's recipe: GRU and LSTM x NaCu/DeCu/VoCu x (64 units x seeds 0-5, 128 units x seeds 0-2), 3000 steps
    (54 entries).

    Curricula (DeCu: T_max 6, 8, ..., 20; VoCu: 2, 3, ..., 10 digits) take the first
    half of training; the second half is the full task for every protocol, so all
    networks end on the same task with the same number of steps.

    ``gru64-decu-s0`` and ``gru64-vocu-s0`` also keep their weights at
    :data:`FORMATION_CHECKPOINTS` (chapter 3 tracks slow points through training);
    ``gru128-nacu-s0`` and ``gru128-vocu-s0`` are the networks of the slow-point benchmark
    (``tests/benchmarks/bench_slowpoints.py``).
    """
    protocols = [NaCu(3000), DeCu(3000, T_start=6, T_end=20, T_step=2, fraction=0.5),
                 VoCu(3000, classes_start=3, fraction=0.5)]
    out = []
    for hidden, seeds in ((64, range(6)), (128, range(3))):
        for arch in ("gru", "lstm"):
            for proto in (p.config() for p in protocols):  # complete configs: every default written out
                for seed in seeds:
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


#: The mnist1d collection's recipe (chapters 1, 2 and 4).
MNIST1D_RECIPE = ("The networks collection's recipe on MNIST-1D (mem.data.load_mnist1d: 40-sample signals, the "
                  "task's input 40 + trigger): GRU and LSTM with 64 units x NaCu/DeCu/VoCu x seeds 0-5, 3000 steps.")


def mnist1d_configs() -> list[dict]:
    """The mnist1d collection: the networks collection's 64-unit recipe on MNIST-1D, seeds 0-5, no
    checkpoints (36 entries) (chapters 2 and 4).

    The same six seeds per cell as the digit networks at 64 units, so that chapter 2's exact
    permutation tests can resolve a pair of protocols on either dataset.
    """
    return [dict({k: v for k, v in cfg.items() if k != "checkpoints"}, data="mnist1d")
            for cfg in default_configs() if cfg["hidden_size"] == 64]


def manifest(zoo_dir: Path | str = ZOO_DIR) -> dict:
    """The manifest of the networks in ``zoo_dir``: ``{"entries": {name: {...}}, ...}`` (chapter 2).

    :func:`mem.store.manifest` of the folder (default: the ``networks`` collection's)."""
    return store.manifest(zoo_dir, param="zoo_dir")


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


@dataclass(frozen=True)
class ZooIndex:
    """The zoo's networks by (group, protocol, seed), made by :func:`index` (chapter 2).

    A **group** is an architecture and a size, named ``f"{arch}{hidden_size}"`` (``"gru64"``).

    Attributes
    ----------
    key : dict ``{name (str): (group (str), protocol (str), seed (int))}``, in group order and by name
        within a group (the order of :func:`names`)
    by_key : dict ``{(group, protocol, seed): name}``, the inverse of ``key``
    groups : list of str, by size, then by architecture in the order of :data:`mem.models.ARCHS`
        (``["gru64", "lstm64", "gru128", "lstm128"]`` for the networks collection)
    protocols : list of str, in the order of ``mem.protocols.PROTOCOLS`` (``["nacu", "decu", "vocu"]``)
    seeds : dict ``{group: sorted list of the seeds (int) of its networks}``
    labels : dict ``{group: display name}``, e.g. ``{"gru64": "GRU-64"}``
    """

    key: dict
    by_key: dict
    groups: list
    protocols: list
    seeds: dict
    labels: dict

    @property
    def names(self) -> list[str]:
        """Every network's name, in the order of ``key``."""
        return list(self.key)


def index(zoo_dir: Path | str = ZOO_DIR, **where) -> ZooIndex:
    """Look up the zoo's networks by (group, protocol, seed) without loading them (chapter 2).

    Reads the configs of the manifest's entries (:func:`manifest`); a network's group is its
    architecture and size, ``f"{arch}{hidden_size}"`` (``"gru64"``).

    Parameters
    ----------
    zoo_dir : path of a collection's folder (default: the ``networks`` collection, 54 networks)
    **where : filters on the configs, as in :func:`names` (e.g. ``hidden_size=64``, ``init="chain"``)

    Returns
    -------
    :class:`ZooIndex` with ``key`` (name to (group, protocol, seed)), ``by_key`` (its inverse),
    ``groups``, ``protocols``, ``seeds`` per group and display ``labels`` per group.

    Raises
    ------
    ValueError
        If no entry of ``zoo_dir`` passes the filters, if an entry's config has no architecture, size,
        protocol or seed, or if two entries share a (group, protocol, seed) (in the ``bridge``
        collection they differ by ``init``: filter on it).

    Examples
    --------
    >>> zoo_index = index()
    >>> zoo_index.by_key["gru64", "decu", 0]
    'gru64-decu-s0'
    """
    entries = manifest(zoo_dir)["entries"]
    chosen = names(zoo_dir, **where)
    if not chosen:
        raise ValueError(f"zoo_dir must hold built entries that pass the filters {where}: none in {str(zoo_dir)!r}")
    key, size_arch = {}, {}
    for name in chosen:
        cfg = entries[name]["config"]
        proto = cfg.get("protocol")
        if not all(k in cfg for k in ("arch", "hidden_size", "seed")) or not isinstance(proto, dict) \
                or "name" not in proto:
            raise ValueError(f"zoo_dir's entries must have configs with arch, hidden_size, protocol and seed "
                             f"(networks of the zoo), got {name!r} without them")
        group = f"{cfg['arch']}{cfg['hidden_size']}"
        key[name], size_arch[group] = (group, proto["name"], cfg["seed"]), (cfg["hidden_size"], cfg["arch"])
    by_key = {}
    for name, k in key.items():
        if k in by_key:
            raise ValueError(f"zoo_dir's entries {by_key[k]!r} and {name!r} share (group, protocol, seed) {k}: "
                             "filter them on what they differ in (e.g. init=...)")
        by_key[k] = name
    rank = {arch: i for i, arch in enumerate(ARCHS)}
    groups = sorted(size_arch, key=lambda g: (size_arch[g][0], rank.get(size_arch[g][1], len(ARCHS)), g))
    present = {k[1] for k in by_key}
    protocols = [p for p in PROTOCOLS if p in present] + sorted(present - set(PROTOCOLS))
    key = {name: key[name] for g in groups for name in chosen if key[name][0] == g}
    return ZooIndex(key=key, by_key={k: name for name, k in key.items()}, groups=groups, protocols=protocols,
                    seeds={g: sorted({s for gg, _, s in by_key if gg == g}) for g in groups},
                    labels={g: f"{size_arch[g][1].upper()}-{size_arch[g][0]}" for g in groups})

def _measured(zoo_dir):
    """(name, metrics, config) of every entry, refusing entries measured before the slow-point measures."""
    for name, e in manifest(zoo_dir)["entries"].items():
        if "speed" not in e["metrics"]:
            raise ValueError(f"entry {name!r} has no slow-point measures (metrics_version "
                             f"{e.get('metrics_version', 1)}); run `python -m mem.store build <collection>` "
                             "to update it")
        yield name, e["metrics"], e["config"]


def table(zoo_dir: Path | str = ZOO_DIR, probe_seed: int | None = None):
    """One row per built entry: config, memory metrics and the slow-point measures (chapter 4).

    ``probe_seed``: re-measure the memory metrics (report accuracy, accuracy versus delay,
    lifetime) on fresh probe trials drawn with this seed instead of reading the stored ones
    (:data:`EVAL`'s seed), to check that a conclusion does not rest on one draw of probe trials
    (a few seconds per network, with a progress bar). The slow-point measures do not depend on
    the probe and are read from the manifest.

    Columns: ``name, arch, hidden_size, protocol, seed, init`` (the initialisation scheme of
    :func:`mem.init.initialize`; ``"default"`` for PyTorch's), ``data`` (the dataset, a key of
    :data:`DATASETS`), ``report_accuracy, lifetime`` (``inf``
    if the memory outlasts the longest probed delay), ``log_lifetime`` (log10), ``acc_<d>``
    for every probed delay ``d``, ``n_classes`` (digits with a slow point), ``own`` (how many
    of them report their digit), and for each name in :data:`mem.measures.MEASURES` its
    median over the network's digits.

    Returns
    -------
    pandas DataFrame sorted by name.
    """
    import numpy as np
    import pandas as pd

    from .measures import MEASURES

    check_seed(probe_seed, "probe_seed", none_ok=True)
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
               "data": cfg.get("data", "digits"), "report_accuracy": m["report_accuracy"], "lifetime": life,
               "log_lifetime": math.log10(life)}
        curve = DelayCurve.from_dict(m["delay_curve"])
        row.update({f"acc_{d}": float(a) for d, a in zip(curve.delays, curve.accuracy)})
        sp = m["speed"]
        row.update(n_classes=len(sp["labels"]), own=int(sum(sp["own"])))
        row.update({k: float(np.median(sp[k])) if sp.get(k) else math.nan for k in MEASURES})
        rows.append(row)
    if not rows:
        raise ValueError(f"zoo_dir must hold built entries: none in {str(zoo_dir)!r}; "
                         "build them with `python -m mem.store build networks`")
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

    Columns: ``network, arch, hidden_size, protocol, seed, data, digit``, each name in
    :data:`mem.measures.MEASURES`, ``own``, ``acc_<d>`` (that digit's accuracy at each
    probed delay) and ``lifetime`` (that digit's own memory lifetime, ``inf`` if it outlasts
    the probe, NaN if the digit was not remembered to begin with).

    Returns
    -------
    pandas DataFrame.
    """
    import pandas as pd

    from .measures import MEASURES

    rows = []
    for name, m, cfg in _measured(zoo_dir):
        curve = DelayCurve.from_dict(m["delay_curve"])
        lives = curve.class_lifetimes()
        sp = m["speed"]
        for i, digit in enumerate(sp["labels"]):
            row = {"network": name, "arch": cfg["arch"], "hidden_size": cfg["hidden_size"],
                   "protocol": cfg["protocol"]["name"], "seed": cfg["seed"], "data": cfg.get("data", "digits"),
                   "digit": digit}
            row.update({k: sp[k][i] if k in sp else math.nan for k in MEASURES})
            row["own"] = bool(sp["own"][i])
            row.update({f"acc_{d}": float(a) for d, a in zip(curve.delays, curve.class_accuracy[:, digit - 1])})
            row["lifetime"] = float(lives[digit - 1])
            rows.append(row)
    return pd.DataFrame(rows)


def load(name: str, zoo_dir: Path | str = ZOO_DIR, device="cpu") -> ZooEntry:
    """Load a zoo network after checking its sha256 against the manifest (chapter 2).

    Returns
    -------
    ZooEntry with the model in eval mode on ``device``.

    Raises
    ------
    ValueError for an unknown name; :class:`mem.store.IntegrityError` if the file is missing or altered, or
    holds non-finite weights, or if the manifest's entry is altered or has no checksum (:func:`mem.store.manifest`).
    """
    device = _device(device)
    raw = store.read_verified(name, zoo_dir, param="zoo_dir")
    payload = torch.load(io.BytesIO(raw), map_location=device, weights_only=True)
    bad = [k for k, v in payload["state_dict"].items() if not bool(torch.isfinite(v).all())]
    if bad:
        raise store.IntegrityError(f"{name}: the stored weights {bad} are not finite; rebuild the entry with "
                                   f"`python -m mem.store build {store.collection_name(zoo_dir)} {name} --force "
                                   f"--replace`")
    e = manifest(zoo_dir)["entries"][name]
    cfg = e["config"]
    model = RNNClassifier(cfg["arch"], payload["input_size"], cfg["hidden_size"])
    model.load_state_dict(payload["state_dict"])
    model.to(device).eval()
    return ZooEntry(name, model, History.from_dict(payload["history"]), cfg, e["metrics"],
                    payload.get("checkpoints"))


def checkpoint_models(entry: ZooEntry, until: int | None = None, also=()) -> dict:
    """The network of a zoo entry at its stored checkpoints, ``{step: model}``, the input of
    :func:`mem.formation.formation` (chapter 3).

    Parameters
    ----------
    entry : ZooEntry
        An entry built with checkpoints (``names(checkpoints=True)``; :data:`FORMATION_CHECKPOINTS`).
    until : int >= 0 or None, default None
        Keep the checkpoints at steps ``<= until``; None keeps every stored checkpoint.
    also : list of int, default ()
        Further steps to keep beyond ``until``, each one of the stored checkpoints.

    Returns
    -------
    dict ``{step: RNNClassifier}`` in increasing order of step, each network as :meth:`ZooEntry.model_at`
    rebuilds it (eval mode, on the device of ``entry.model``).

    Raises
    ------
    TypeError
        ``entry`` is not a ZooEntry, ``until`` not an integer or None, ``also`` not a list of integers.
    ValueError
        ``entry`` has no checkpoints, ``until`` is negative, or a step in ``also`` is not stored.
    """
    if not isinstance(entry, ZooEntry):
        raise TypeError(f"entry must be a mem.zoo.ZooEntry (mem.zoo.load), got {type(entry).__name__}")
    until = check_int("until", until, lo=0, none_ok=True)
    empty = isinstance(also, (list, tuple)) and not also       # numpy reads () as floats
    also = [] if empty else check_array("also", also, int, ndim=1).tolist()
    if not entry.checkpoints:
        raise ValueError(f"entry {entry.name!r} has no checkpoints; entries with checkpoints: "
                         f"{names(checkpoints=True)}")
    stored = sorted(entry.checkpoints)
    missing = sorted(set(also) - set(stored))
    if missing:
        raise ValueError(f"also must list stored checkpoints of {entry.name!r} ({stored}), got {missing}")
    steps = [s for s in stored if until is None or s <= until or s in also]
    return {s: entry.model_at(s) for s in steps}


def _device(device) -> torch.device:
    """``device`` (a ``torch.device`` or its name, such as ``"cpu"``) as a ``torch.device``."""
    if isinstance(device, torch.device):
        return device
    if not isinstance(device, str):
        raise TypeError(f"device must be a torch.device or a device name such as 'cpu', got {type(device).__name__}")
    try:
        return torch.device(device)
    except RuntimeError:
        raise ValueError(f"device must be a device name such as 'cpu' or 'cuda:0', got {device!r}") from None


#: The data sets a config's ``"data"`` may name, with their loaders (chapters 1, 2 and 4).
DATASETS = {"digits": _data.load_digits, "mnist1d": _data.load_mnist1d}


def _task(cfg: dict) -> DelayedClassification:
    name = cfg.get("data", "digits")
    if name not in DATASETS:
        raise ValueError(f"data must be one of {sorted(DATASETS)}, got {name!r}")
    return DelayedClassification(DATASETS[name](), T_max=cfg["T_max"], delta_min=cfg["delta_min"])


#: What :func:`train_entry` reads from a config, and what it may read.
_CONFIG_KEYS = ("arch", "hidden_size", "protocol", "seed", "batch_size", "lr", "clip", "T_max", "delta_min",
                "threads")
_OPTIONAL_KEYS = ("checkpoints", "init", "data")


#: EVAL["speed"]'s stored keys -> the parameters of :func:`mem.measures.speed_measures`.
_SPEED_PARAMETERS = {"adam_iters": "adam_n_iters", "newton_iters": "newton_n_iters", "drift_steps": "drift_n_steps"}


def measure_speed(model: RNNClassifier, task: DelayedClassification, paper: bool = True) -> dict:
    """:func:`mem.measures.speed_measures` with the zoo's settings, :data:`EVAL` ``["speed"]`` (chapter 4).

    ``paper=False`` leaves out the measures after the authors' long search budget (``"paper"``,
    ``"lam_paper"``: about 45 s of a 64-unit network's one minute), as :mod:`mem.reproduce`'s re-checks do.

    The one place where those stored settings become a call: their keys (``adam_iters``,
    ``newton_iters``, ``drift_steps``) stay as stored in ``zoo_data`` and are translated here to
    the parameters ``adam_n_iters``, ``newton_n_iters``, ``drift_n_steps``. The state components are
    the paper's choice, :func:`~mem.slowpoints.state_map.paper_components`.

    Returns
    -------
    dict, as :func:`mem.measures.speed_measures` returns it.
    """
    check_model_task(model, task, DelayedClassification)
    check_bool("paper", paper)
    kwargs = {_SPEED_PARAMETERS.get(k, k): v for k, v in EVAL["speed"].items()}
    kwargs["paper"] = kwargs.get("paper", False) and paper
    return speed_measures(model, task, components=paper_components(model), **kwargs)


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
        "speed": measure_speed(model, task),
    }


@pinned_threads
def train_entry(cfg: dict, progress: bool = False) -> tuple[bytes, dict]:
    """Train one entry from its config at its recorded thread count, and measure it (chapter 2).

    Returns
    -------
    (file bytes, manifest entry without ``file``).
    """
    require_keys(cfg, _CONFIG_KEYS)
    check_bool("progress", progress)
    task = _task(cfg)
    model = RNNClassifier(cfg["arch"], task.input_size, cfg["hidden_size"], seed=cfg["seed"])
    if cfg.get("init"):
        initialize(model, cfg["init"], seed=cfg["seed"])
    proto = make_protocol(cfg["protocol"])
    hist = train(model, task, proto, optimizer="adam", batch_size=cfg["batch_size"], lr=cfg["lr"], clip=cfg["clip"],
                 seed=cfg["seed"], checkpoints=cfg.get("checkpoints", ()), progress=progress, desc=entry_name(cfg))
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
    return raw, manifest_entry(cfg, raw, metrics, hist.seconds, METRICS_VERSION, EVAL)


@pinned_threads
def evaluate_entry(cfg: dict, raw: bytes, seconds: float = 0.0) -> tuple[bytes, dict]:
    """Re-measure a trained entry from its file bytes, without training (chapter 2).

    Used when :data:`METRICS_VERSION` has changed, or when a stored entry fails its checks (an edited
    metric, no checksum). ``seconds``: the entry's recorded training time, kept (a finite number >= 0).

    Returns
    -------
    (the same bytes, manifest entry without ``file``).
    """
    require_keys(cfg, _CONFIG_KEYS)
    if not isinstance(raw, bytes):
        raise TypeError(f"raw must be the bytes of the entry's file, got {type(raw).__name__}")
    check_float("seconds", seconds, ge=0)
    payload = torch.load(io.BytesIO(raw), weights_only=True)
    task = _task(cfg)
    model = RNNClassifier(cfg["arch"], payload["input_size"], cfg["hidden_size"])
    model.load_state_dict(payload["state_dict"])
    metrics = _metrics(model.eval(), task, cfg, History.from_dict(payload["history"]))
    return raw, manifest_entry(cfg, raw, metrics, seconds, METRICS_VERSION, EVAL)


def weight_difference(stored: bytes, rebuilt: bytes) -> dict:
    """``{"max_abs_weight_diff": float}``: the largest difference between two entry files' weights (chapters 2, 6).

    What :func:`mem.store.check` adds for the collections of trained networks.
    """
    if not isinstance(stored, bytes) or not isinstance(rebuilt, bytes):
        raise TypeError(f"stored and rebuilt must be the bytes of entry files, got {type(stored).__name__} "
                        f"and {type(rebuilt).__name__}")
    old = torch.load(io.BytesIO(stored), weights_only=True)["state_dict"]
    new = torch.load(io.BytesIO(rebuilt), weights_only=True)["state_dict"]
    return {"max_abs_weight_diff": max(float((old[k] - new[k]).abs().max()) for k in old)}


def _network_summary(entry: dict) -> str:
    m = entry["metrics"]
    return f"report acc {m['report_accuracy']:.3f}, lifetime {m['lifetime']}, {entry['train_seconds']} s training"


#: Where the networks' entries may hold NaN (:class:`mem.store.Collection`'s ``nan_ok``): the lifetime of a
#: network that remembered nothing (its first probed accuracy at chance; :func:`mem.evaluate.memory_lifetime`).
#: Every other stored number is finite (a lifetime that outlasts the probe is stored as null).
NAN_OK = ("metrics.lifetime",)

#: The ``networks`` collection (chapters 2-5), registered with :mod:`mem.store`.
NETWORKS = store.register(Collection(
    "networks", ZOO_DIR, default_configs, entry_name, train_entry, _network_summary,
    header={"format": 1, "description": "Networks trained by mem.zoo.build; see mem/zoo.py and chapters 2 and 4.",
            "rebuild": rebuild_command("networks"), "recipe": RECIPE},
    evaluate=evaluate_entry, metrics_version=METRICS_VERSION, compare=weight_difference, nan_ok=NAN_OK))

#: The ``bridge`` collection (chapter 6), registered with :mod:`mem.store`.
BRIDGE = store.register(Collection(
    "bridge", BRIDGE_DIR, bridge_configs, entry_name, train_entry, _network_summary,
    header={"format": 1, "description": "Delayed-task GRUs with chapter 6's initialisations (mem.zoo).",
            "rebuild": rebuild_command("bridge"), "recipe": BRIDGE_RECIPE},
    evaluate=evaluate_entry, metrics_version=METRICS_VERSION, compare=weight_difference, nan_ok=NAN_OK))

#: The ``mnist1d`` collection (chapters 1, 2 and 4), registered with :mod:`mem.store`.
MNIST1D = store.register(Collection(
    "mnist1d", MNIST1D_DIR, mnist1d_configs, entry_name, train_entry, _network_summary,
    header={"format": 1, "description": "Delayed-task networks trained on MNIST-1D by mem.zoo's recipe.",
            "rebuild": rebuild_command("mnist1d"), "recipe": MNIST1D_RECIPE},
    evaluate=evaluate_entry, metrics_version=METRICS_VERSION, compare=weight_difference, nan_ok=NAN_OK))

#: The collections of trained networks: this module's three and :mod:`mem.benchmarks`' runs
#: (the chapter-5 sweep, :mod:`mem.regularize`, stores measurements only).
COLLECTIONS = ("networks", "bridge", "mnist1d", "benchmarks")


def collection(name: str = "networks") -> Collection:
    """The registered :class:`mem.store.Collection` called ``name``, one of :data:`COLLECTIONS` (chapter 2)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be one of {COLLECTIONS}, got {type(name).__name__}")
    check_choice("name", name, COLLECTIONS)
    return store.lookup(name)


def build_summary():
    """What each collection of trained networks cost to build, from the manifests (chapter 2; the performance page).

    :func:`mem.store.summary` of :data:`COLLECTIONS`.

    Returns
    -------
    pandas DataFrame indexed by collection: ``entries``, ``train_hours`` (the sum of the entries'
    recorded training times, one thread each), ``megabytes`` (the files the package ships), ``threads`` and
    ``torch_versions`` recorded.
    """
    return store.summary(COLLECTIONS)
