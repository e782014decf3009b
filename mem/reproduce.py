"""Two levels of reproduction, and the tolerances of the second (chapters 2-6; the reproducibility page).

Every stored result (a zoo entry, an entry of the chapter-5 sweep, a chapter's outputs) records
the numerics fingerprint it was computed under (:mod:`mem.fingerprint`). A re-run promises

* **bit-identical** results where this machine's fingerprint matches the stored one, and
* **the same conclusions** everywhere else: training amplifies last-bit differences of the CPU's
  kernels into a different network, so a retrained entry is judged as one more seed of its
  cell, and every re-computed quantity must lie within a tolerance derived from measured
  variability.

The tolerances (:func:`tolerances` lists them all, with the reason for each):

* *across seeds* -- a retrained network (zoo ``networks``, ``bridge`` and ``mnist1d``) or benchmark run must lie
  inside the 99 % prediction interval of a new seed of its cell: cell mean
  +- t(0.995, dof) * s * sqrt(1 + 1/n), with s the within-cell standard deviation pooled over
  all cells of its collection (:func:`seed_tolerance`), for report accuracy and log10 lifetime
  (benchmarks: final loss / baseline);
* *across kernels* -- quantities re-computed from stored weights (the slow-point speed measures
  of chapter 4) or re-run from a stored network (the fine-tunes of chapter 5) must lie within
  :data:`KERNEL_FACTOR` times the largest change measured between CPU dispatches
  (``python -m mem.reproduce measure`` re-runs them under every dispatch of
  :data:`DISPATCHES` and stores the changes in ``zoo_data/variability.json``), never below
  the floor that the probe's finite number of trials sets.

:func:`recheck`, :func:`recheck_speed` and :func:`recheck_fine_tune` return a :class:`Recheck`
whose ``passed`` applies the level: bit-identity where it is promised, the tolerances elsewhere.

The chapters print every number with only the digits it carries across machines, so that nbval
compares the same text everywhere: :func:`nearest`, :func:`fixed`, :func:`significant` and
:func:`decade` are the roundings they use.

The reproducibility page lists the fingerprints of the stored results (:func:`stored_fingerprints`),
the largest changes measured between dispatches (:func:`dispatch_changes`) and, in a checkout of the
repository (:func:`find_checkout`), every executed page's record (:func:`executed_pages`).
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from . import store, zoo
from ._checks import check_int, check_model, check_names, check_path, check_str
from .fingerprint import LEVELS, fingerprint, level

__all__ = [
    "DISPATCHES",
    "FLOORS",
    "KERNEL_FACTOR",
    "MEASURED",
    "PAGES",
    "SPEED_MEDIANS",
    "VARIABILITY_FILE",
    "Recheck",
    "decade",
    "dispatch_changes",
    "executed_pages",
    "find_checkout",
    "fixed",
    "kernel_tolerance",
    "load_variability",
    "measure",
    "nearest",
    "recheck",
    "recheck_fine_tune",
    "recheck_speed",
    "seed_tolerance",
    "significant",
    "stored_fingerprints",
    "tolerances",
]

#: Forced numerical dispatches (environment variables) that differ from a machine's default one;
#: ``make test`` re-runs the chapters and the reproduction tests under the second one, and
#: :func:`measure` measures the variability across all of them.
DISPATCHES = {
    "native": {},
    "generic": {"ATEN_CPU_CAPABILITY": "default", "ONEDNN_MAX_CPU_ISA": "SSE41", "MKL_CBWR": "COMPATIBLE",
                "OPENBLAS_CORETYPE": "Prescott"},
    "avx2": {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2"},
}
#: A kernel tolerance is this many times the largest change measured across dispatches.
KERNEL_FACTOR = 3.0
VARIABILITY_FILE = "variability.json"
#: What :func:`measure` re-runs besides the speed measures of every network of the zoo: these sweep entries.
MEASURED = {"sweep_entries": ["gru64-nacu-s0-slowpoints-fixed-lam1000", "gru64-nacu-s0-control-fixed-lam0",
                              "lstm64-nacu-s1-centermass-fixed-lam100"]}
#: The speed measures compared per network (medians over its digits; per-digit Adam and Newton
#: values come from searches that have not converged and move by up to decades between kernels). The measures
#: after the authors' 100,000-step budget (``"paper"``) are left out: re-running them costs about 45 s a network.
SPEED_MEDIANS = ("adam", "newton", "drift", "lam_adam", "lam_newton")


@dataclass
class Recheck:
    """The outcome of re-running a stored result (chapters 2, 4, 5, 6).

    ``level`` is what the fingerprints promise (:data:`mem.fingerprint.LEVELS`), ``bit_identical``
    whether the re-run's weights equal the stored ones (None where there are no weights to
    compare), and ``table`` one row per compared quantity: ``quantity, stored, rerun, reference``
    (the value the tolerance is centred on), ``tolerance``, ``within``.
    """

    name: str
    level: str
    bit_identical: bool | None
    table: object

    @property
    def within_tolerance(self) -> bool:
        return bool(self.table["within"].all())

    @property
    def passed(self) -> bool:
        """Bit-identical where the fingerprint promises it; within every tolerance everywhere."""
        if self.level == LEVELS[0] and self.bit_identical is False:
            return False
        return self.within_tolerance

    def summary(self) -> str:
        """One line naming the level reached (differs between machines by design)."""
        met = ("bit-identical" if self.bit_identical else "within tolerance") if self.passed else "FAILED"
        return f"{self.name}: {met} (fingerprints promise: {self.level})"


def _table(rows):
    import pandas as pd

    t = pd.DataFrame(rows, columns=["quantity", "stored", "rerun", "reference", "tolerance"])
    t["within"] = (t["rerun"] - t["reference"]).abs() <= t["tolerance"]
    return t


# ------------------------------------------------------------------------------------------------
# Printing only the digits a number carries
# ------------------------------------------------------------------------------------------------
def _real(name: str, x, nan_ok: bool = False) -> float:
    if isinstance(x, bool) or (not isinstance(x, (int, float, np.integer, np.floating)) and \
            not (isinstance(x, torch.Tensor) and x.numel() == 1)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    value = float(x)
    if math.isnan(value) and not nan_ok:
        raise ValueError(f"{name} must be a number, not NaN")
    return value


def _format(x: float, spec: str) -> str:
    """``format(x, spec)``, or a ValueError naming ``spec`` where it is not a format spec for a number."""
    try:
        return format(x, spec)
    except ValueError as e:
        raise ValueError(f"spec must be a format spec for a number such as '8.4f', got {spec!r} ({e})") from None


def nearest(x, step: float):
    """``x`` rounded to the nearest multiple of ``step`` (chapter 2: a live run's numbers, to the
    precision another CPU keeps). Returns an int where ``step`` is an int. ``x`` must be finite."""
    x, s = _real("x", x), _real("step", step, nan_ok=True)
    if not math.isfinite(s) or s <= 0:
        raise ValueError(f"step must be a finite number > 0, got {step!r}")
    if not math.isfinite(x) or not math.isfinite(x / s):
        raise ValueError(f"x must be a finite number, and x / step too, got x = {x!r}, step = {step!r}")
    value = round(x / s) * s
    if not math.isfinite(value):
        raise ValueError(f"x rounded to a multiple of step overflows, got x = {x!r}, step = {step!r}")
    return int(value) if isinstance(step, int) else value


def fixed(x, spec: str = "8.4f", zero: float = 0.0) -> str:
    """``x`` formatted with ``spec``, printing round-off as an unsigned zero (chapter 3).

    ``|x| <= zero`` counts as zero, and so does anything that rounds to zero: ``-0.0000`` (or
    ``-0.0e+00``) never appears, because its sign is the CPU's rounding, not a result. ``x`` may be
    infinite, not NaN.
    """
    x, z = _real("x", x), _real("zero", zero, nan_ok=True)
    if not z >= 0:
        raise ValueError(f"zero must be >= 0, got {zero!r}")
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a format spec string such as '8.4f', got {type(spec).__name__}")
    text = _format(0.0 if abs(x) <= z else x, spec)
    try:
        zero_text = float(text) == 0
    except ValueError:              # not a plain number (e.g. a percentage)
        zero_text = False
    return text.replace("-", " ") if zero_text else text


def significant(x, n: int = 2) -> str:
    """``x`` rounded to ``n`` significant digits (1..17, the most a float64 holds), e.g.
    ``significant(1843.6) == "1800"`` (chapter 3). ``x`` may be infinite, not NaN."""
    x = _real("x", x)
    check_int("n", n, 1, 17)
    return f"{float(f'{x:.{n}g}'):g}"


def decade(x) -> str:
    """The power of ten nearest to ``x > 0`` (in log scale), e.g. ``decade(222.8) == "1e+02"`` (chapter 3)."""
    x = _real("x", x, nan_ok=True)
    if not x > 0 or not math.isfinite(x):
        raise ValueError(f"x must be a finite number > 0, got {x!r}")
    return f"1e{round(math.log10(x)):+03d}"


# ------------------------------------------------------------------------------------------------
# Across seeds: a retrained entry is one more seed of its cell
# ------------------------------------------------------------------------------------------------
#: Per collection: the table of its entries, the columns that define a cell, the compared quantities.
def _seed_setup(collection: str):
    if not isinstance(collection, str):
        raise TypeError(f"collection must be one of {zoo.COLLECTIONS}, got {collection!r} "
                        f"({type(collection).__name__})")
    if collection in ("networks", "bridge", "mnist1d"):
        t = zoo.table(zoo.collection(collection).folder)
        return t, ["arch", "hidden_size", "protocol", "init"], {"report_accuracy": "report_accuracy",
                                                               "log10 lifetime": "log_lifetime"}
    if collection == "benchmarks":
        from . import benchmarks
        t = benchmarks.table().dropna(subset=["final"])
        return t, ["task", "scheme", "lr"], {"final loss / baseline": "final"}
    raise ValueError(f"collection must be one of {zoo.COLLECTIONS}, got {collection!r}")


def seed_tolerance(collection: str = "networks", quantity: str = "report_accuracy", level: float = 0.99):
    """Half-width of the ``level`` prediction interval for one new seed of a cell (chapter 2).

    ``t(1 - (1 - level) / 2, dof) * s * sqrt(1 + 1 / n)``: ``s`` is the within-cell standard
    deviation pooled over every cell of the collection (``dof`` = entries - cells), ``n`` the
    seeds of the smallest cell (cells may differ: the networks have 6 seeds at 64 units and 3 at 128;
    the smallest gives the widest interval, valid for every cell). A network retrained on another
    CPU is a network from another stream of last bits, so it must land where another seed would.

    Parameters
    ----------
    collection : str
        ``"networks"``, ``"bridge"``, ``"mnist1d"`` or ``"benchmarks"``.
    quantity : str
        A column of the collection's table: ``report_accuracy`` or ``log_lifetime`` (networks,
        bridge), ``final`` (benchmarks).
    level : float
        Coverage of the interval, in (0, 1).

    Returns
    -------
    (half-width, cell means as a pandas Series indexed by the cell columns)
    """
    from scipy import stats

    if not isinstance(level, float):
        raise TypeError(f"level must be a float in (0, 1), got {level!r}")
    if not 0 < level < 1:
        raise ValueError(f"level must be a float in (0, 1), got {level!r}")
    t, cells, quantities = _seed_setup(collection)
    check_str("quantity", quantity)
    if quantity not in quantities.values():
        raise ValueError(f"quantity must be one of {sorted(quantities.values())} for {collection}, got {quantity!r}")
    t = t[np.isfinite(t[quantity])]
    g = t.groupby(cells)[quantity]
    resid = t[quantity] - g.transform("mean")
    dof = len(t) - g.ngroups
    if dof < 1:
        raise ValueError(f"the {collection} collection has no cell with two seeds: no seed variability to measure")
    s = float(np.sqrt((resid ** 2).sum() / dof))
    n = float(g.size().min())
    return float(stats.t.ppf(1 - (1 - level) / 2, dof) * s * math.sqrt(1 + 1 / n)), g.mean()


def recheck(name: str, collection: str = "networks") -> Recheck:
    """Retrain a zoo entry from its config and judge it at the level this machine promises (chapters 2, 6).

    Bit-identical weights where the fingerprints match; everywhere, the retrained entry's
    report accuracy and log10 lifetime (benchmarks: final loss / baseline) must lie within
    :func:`seed_tolerance` of its cell's mean.
    """
    t, cells, quantities = _seed_setup(collection)
    check_str("name", name)
    r = store.check(collection, name)
    row = t.set_index("name").loc[name]
    key = tuple(row[c] for c in cells)
    rows = []
    for label, col in quantities.items():
        half, means = seed_tolerance(collection, col)
        rows.append((label, _metric(r["stored"]["metrics"], col), _metric(r["rebuilt"]["metrics"], col),
                     float(means.loc[key]), half))
    return Recheck(name, r["level"], r["bit_identical"], _table(rows))


def _metric(metrics: dict, column: str) -> float:
    """A manifest entry's metric as its collection's table has it (log10 lifetime: inf if it outlasts the probe)."""
    if column == "log_lifetime":
        return math.inf if metrics["lifetime"] is None else math.log10(metrics["lifetime"])
    return math.nan if metrics[column] is None else float(metrics[column])


# ------------------------------------------------------------------------------------------------
# Across kernels: quantities re-computed from stored weights, fine-tunes re-run from a stored network
# ------------------------------------------------------------------------------------------------
def load_variability(path=None) -> dict:
    """The measured variability across dispatches, ``zoo_data/variability.json`` (chapter 2).

    Written by :func:`measure`.
    """
    path = _path(path) if path is not None else zoo.ZOO_DIR / VARIABILITY_FILE
    if not path.is_file():
        raise ValueError(f"path must be a variability file written by `python -m mem.reproduce measure`; "
                         f"{str(path)!r} does not exist")
    try:
        return _check_variability(json.loads(path.read_text()), "path")
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"path must be a variability file (JSON) written by `python -m mem.reproduce measure`; "
                         f"{str(path)!r} is not: {e}") from None


def _path(path, name: str = "path") -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {type(path).__name__}")
    return Path(path)


def _check_variability(variability, name: str = "variability"):
    """``variability`` must be None or :func:`load_variability`'s dict (its changes lists of finite numbers)."""
    if variability is None:
        return None
    if not isinstance(variability, dict):
        raise TypeError(f"{name} must be the dict load_variability() returns, got {type(variability).__name__}")
    wrong = ValueError(f"{name} must be the dict load_variability() returns: {{'dispatches': {{dispatch: "
                       f"{{'speed': {{quantity: [change, ...]}}, 'fine_tune': {{...}}}}}}}}")
    dispatches = variability.get("dispatches")
    if not isinstance(dispatches, dict):
        raise wrong
    for d in dispatches.values():
        if not isinstance(d, dict) or not all(isinstance(d.get(k), dict) for k in ("speed", "fine_tune")):
            raise wrong
        for changes in (*d["speed"].values(), *d["fine_tune"].values()):
            if not isinstance(changes, list) or not all(
                    isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in changes):
                raise wrong
    return variability


#: Floors of the kernel tolerances: accuracies are measured on a finite probe, so two networks
#: that differ at all differ by at least the probe's resolution (4 standard errors of a proportion
#: near 0.5 on 1000 trials, the smallest probe of the sweep's delay curves); log10 lifetimes
#: are read off those curves.
FLOORS = {"report_accuracy": 4 * math.sqrt(0.25 / 1000), "log10 lifetime": 0.02}


def kernel_tolerance(kind: str, quantity: str, variability: dict | None = None) -> float:
    """:data:`KERNEL_FACTOR` times the largest change of ``quantity`` measured across dispatches (chapters 4, 5).

    Parameters
    ----------
    kind : str
        ``"speed"`` (medians of :func:`mem.measures.speed_measures` re-computed on stored
        weights; ``quantity`` one of :data:`SPEED_MEDIANS`) or ``"fine_tune"`` (a sweep entry
        re-run; ``quantity`` ``"report_accuracy"`` or ``"log10 lifetime"``).
    quantity : str
        The measured quantity.
    variability : dict or None
        :func:`load_variability`'s result (default: the package's file).
    """
    check_str("kind", kind)
    if kind not in ("speed", "fine_tune"):
        raise ValueError(f"kind must be 'speed' or 'fine_tune', got {kind!r}")
    check_str("quantity", quantity)
    variability = load_variability() if variability is None else _check_variability(variability)
    changes = [abs(c) for d in variability["dispatches"].values() for c in d[kind].get(quantity, [])]
    if not changes:
        raise ValueError(f"quantity must be measured in the variability file for {kind}, got {quantity!r}")
    return max(KERNEL_FACTOR * max(changes), FLOORS.get(quantity, 0.0))


def _speed_medians(measures: dict) -> dict:
    return {m: float(np.median(measures[m])) for m in SPEED_MEDIANS}


def recheck_speed(name: str, task=None, variability: dict | None = None) -> Recheck:
    """Re-compute a zoo network's slow-point speed measures and compare them with the manifest's (chapter 4).

    Per measure, the median over the network's digits must lie within :func:`kernel_tolerance`
    of the stored one; where the fingerprints match, every per-digit value must be equal.
    """
    from .data import load_digits
    from .tasks import DelayedClassification

    entries = zoo.manifest()["entries"]
    check_str("name", name)
    if name not in entries:
        raise ValueError(f"name must be one of the zoo's networks {sorted(entries)}, got {name!r}")
    if task is not None and not isinstance(task, DelayedClassification):
        raise TypeError(f"task must be a mem.tasks.DelayedClassification or None, got {type(task).__name__}")
    _check_variability(variability)
    task = DelayedClassification(load_digits(), T_max=20, delta_min=4) if task is None else task
    entry = entries[name]
    model = zoo.load(name).model
    if (model.input_size, model.n_outputs) != (task.input_size, task.n_outputs):
        raise ValueError(f"task must have the network's input and output sizes ({model.input_size}, "
                         f"{model.n_outputs}), got ({task.input_size}, {task.n_outputs})")
    again = zoo.measure_speed(model, task, paper=False)     # the long "paper" budget is not re-checked
    stored = entry["metrics"]["speed"]
    same = all(np.array_equal(stored[m], again[m]) for m in SPEED_MEDIANS)
    a, s = _speed_medians(again), _speed_medians(stored)
    rows = [(f"median {m}", s[m], a[m], s[m], kernel_tolerance("speed", m, variability)) for m in SPEED_MEDIANS]
    return Recheck(name, level(entry["fingerprint"]), same, _table(rows))


def _fine_tune_values(entry: dict) -> dict:
    a = entry["after"]
    return {"report_accuracy": a["report_accuracy"],
            "log10 lifetime": math.inf if a["lifetime"] is None else math.log10(a["lifetime"])}


def recheck_fine_tune(name: str, rerun: dict | None = None, model=None, task=None,
                      variability: dict | None = None) -> Recheck:
    """Judge a re-run of a chapter-5 sweep entry at the level this machine promises (chapter 5).

    The re-run is ``model`` (a network fine-tuned by the caller with the entry's settings,
    measured here by :func:`mem.regularize.evaluate_fine_tune` on ``task``), or ``rerun`` (a
    :func:`mem.regularize.sweep_entry` result), or, with neither, a fresh
    :func:`mem.regularize.sweep_entry` run. Bit-identical fine-tuned weights (sha256) where the
    fingerprints match; everywhere, report accuracy and log10 lifetime within :func:`kernel_tolerance`.
    """
    from . import regularize
    from .data import load_digits
    from .tasks import DelayedClassification

    entries = regularize.load_sweep()["entries"]
    check_str("name", name)
    if name not in entries:
        raise ValueError(f"name must be one of the sweep's entries {sorted(entries)}, got {name!r}")
    if rerun is not None and model is not None:
        raise ValueError("pass rerun or model, not both")
    _check_rerun(rerun)
    if model is not None:
        check_model(model)
    if task is not None and not isinstance(task, DelayedClassification):
        raise TypeError(f"task must be a mem.tasks.DelayedClassification or None, got {type(task).__name__}")
    _check_variability(variability)
    stored = entries[name]
    if model is not None:
        task = DelayedClassification(load_digits(), T_max=20, delta_min=4) if task is None else task
        rerun = {"sha256": regularize.weights_sha256(model), "after": regularize.evaluate_fine_tune(model, task)}
    rerun = regularize.sweep_entry(stored["config"]) if rerun is None else rerun
    s, a = _fine_tune_values(stored), _fine_tune_values(rerun)
    rows = [(q, s[q], a[q], s[q], kernel_tolerance("fine_tune", q, variability)) for q in s]
    return Recheck(name, level(stored["fingerprint"]), rerun["sha256"] == stored["sha256"], _table(rows))


def _check_rerun(rerun) -> None:
    """``rerun`` must be None or a :func:`mem.regularize.sweep_entry` result (its ``sha256`` and ``after``)."""
    if rerun is None:
        return
    if not isinstance(rerun, dict):
        raise TypeError(f"rerun must be a mem.regularize.sweep_entry result (a dict) or None, "
                        f"got {type(rerun).__name__}")
    after = rerun.get("after")
    if not isinstance(rerun.get("sha256"), str) or not isinstance(after, dict) \
            or not {"report_accuracy", "lifetime"} <= set(after):
        raise ValueError("rerun must be a mem.regularize.sweep_entry result: a dict with 'sha256' and 'after' "
                         "({'report_accuracy': ..., 'lifetime': ...})")
    accuracy, lifetime = after["report_accuracy"], after["lifetime"]
    for key, v, none_ok in (("report_accuracy", accuracy, False), ("lifetime", lifetime, True)):
        if v is None and none_ok:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not math.isfinite(v):
            raise ValueError(f"rerun['after'][{key!r}] must be a finite number{' or None' if none_ok else ''}, "
                             f"got {v!r}")
    if lifetime is not None and not lifetime > 0:
        raise ValueError(f"rerun['after']['lifetime'] must be > 0 or None, got {lifetime!r}")


def _measure_here() -> dict:
    """The changes, on this machine's current dispatch, of everything in :data:`MEASURED`."""
    from . import regularize
    from .data import load_digits
    from .tasks import DelayedClassification

    torch.set_num_threads(1)
    task = DelayedClassification(load_digits(), T_max=20, delta_min=4)
    out = {"fingerprint": fingerprint(threads=1), "speed": {m: [] for m in SPEED_MEDIANS},
           "fine_tune": {"report_accuracy": [], "log10 lifetime": []}}
    from tqdm.auto import tqdm
    for name in tqdm(zoo.names(), desc="speed measures"):
        stored = _speed_medians(zoo.manifest()["entries"][name]["metrics"]["speed"])
        again = _speed_medians(zoo.measure_speed(zoo.load(name).model, task, paper=False))
        for m in SPEED_MEDIANS:
            out["speed"][m].append(again[m] - stored[m])
    sweep = regularize.load_sweep()["entries"]
    for name in tqdm(MEASURED["sweep_entries"], desc="fine-tunes"):
        s, a = _fine_tune_values(sweep[name]), _fine_tune_values(regularize.sweep_entry(sweep[name]["config"]))
        for q in s:
            out["fine_tune"][q].append(a[q] - s[q])
    return out


def measure(dispatches=None, path=None) -> dict:
    """Measure the variability across CPU dispatches and write it to ``zoo_data/variability.json`` (chapter 2).

    For each dispatch in :data:`DISPATCHES` (environment variables for a fresh process), re-compute
    the speed measures of every network of the zoo from its stored weights and re-run the sweep
    entries of :data:`MEASURED`, recording each quantity's change from the stored value. Rebuild
    with ``python -m mem.reproduce measure`` (about half an hour on one core).
    """
    dispatches = list(DISPATCHES) if dispatches is None else check_names("dispatches", dispatches)
    unknown = [d for d in dispatches if d not in DISPATCHES]
    if unknown:
        raise ValueError(f"dispatches must be names of DISPATCHES {list(DISPATCHES)}, got unknown {unknown}")
    path = _path(path) if path is not None else zoo.ZOO_DIR / VARIABILITY_FILE
    data = {"measured": {"speed_networks": zoo.names(), **MEASURED}, "factor": KERNEL_FACTOR, "dispatches": {}}
    for d in dispatches:
        env = {**os.environ, **DISPATCHES[d]}
        r = subprocess.run([sys.executable, "-m", "mem.reproduce", "measure-here"], env=env,
                           capture_output=True, text=True, check=True)
        data["dispatches"][d] = json.loads(r.stdout.strip().splitlines()[-1])
        print(f"{d}: {data['dispatches'][d]['fingerprint']['cpu_capability']}", flush=True)
    store.atomic_write(path, (json.dumps(data, indent=1) + "\n").encode())
    return data


def tolerances(variability: dict | None = None):
    """Every tolerance of the "same conclusions" level, with its value and the reason for it (chapters 2-6).

    Returns
    -------
    pandas DataFrame with columns ``check, quantity, tolerance, derived from``.
    """
    import pandas as pd

    rows = []
    for col, quantity, label in (("networks", "report_accuracy", "report accuracy"),
                                 ("networks", "log_lifetime", "log10 lifetime"),
                                 ("bridge", "report_accuracy", "report accuracy"),
                                 ("bridge", "log_lifetime", "log10 lifetime"),
                                 ("mnist1d", "report_accuracy", "report accuracy"),
                                 ("mnist1d", "log_lifetime", "log10 lifetime"),
                                 ("benchmarks", "final", "final loss / baseline")):
        half, means = seed_tolerance(col, quantity)
        rows.append({"check": f"retrained {col} entry (zoo.check)", "quantity": label, "tolerance": half,
                     "derived from": f"99% prediction interval of a new seed around its cell's mean; within-cell "
                                     f"SD pooled over the {len(means)} cells of the collection"})
    variability = load_variability() if variability is None else _check_variability(variability)
    names = ", ".join(variability["dispatches"])
    for kind, check, quantities in (("speed", "speed measures re-computed on stored weights", SPEED_MEDIANS),
                                    ("fine_tune", "sweep fine-tune re-run", ("report_accuracy", "log10 lifetime"))):
        for q in quantities:
            n = sum(len(d[kind][q]) for d in variability["dispatches"].values())
            floor = FLOORS.get(q)
            rows.append({"check": check, "quantity": f"median {q}" if kind == "speed" else q,
                         "tolerance": kernel_tolerance(kind, q, variability),
                         "derived from": f"{KERNEL_FACTOR:g} x the largest change in {n} re-runs under the "
                                         f"dispatches {names}" + (f" (floor {floor:.3g}: probe resolution)"
                                                                  if floor else "")})
    return pd.DataFrame(rows)

# ------------------------------------------------------------------------------------------------
# What the reproducibility page reads: the stored fingerprints and the executed pages' records
# ------------------------------------------------------------------------------------------------
#: The book's notebook pages whose execution records the reproducibility page reads, as paths in a
#: checkout of the repository: the chapters, then the intro (the pages ``make execute`` runs first).
PAGES = ("chapters/*.ipynb", "book/intro.ipynb")


def find_checkout(start=None) -> Path | None:
    """The root of the checkout of the book's repository that holds the folder ``start``, or None (chapters 1-6).

    A root is a folder with the book's table of contents (``_toc.yml``), its ``chapters`` and
    ``book/intro.ipynb``; ``start`` (by default the current folder, where a notebook runs) and each
    folder above it are tried. Where only the installed package is there (in Colab, say), there is none.
    """
    start = Path.cwd() if start is None else check_path("start", start)
    for folder in (start.resolve(), *start.resolve().parents):
        marks = (folder / "_toc.yml").is_file(), (folder / "chapters").is_dir(), (folder / "book/intro.ipynb").is_file()
        if all(marks):
            return folder
    return None


def executed_pages(start=None) -> dict:
    """``{page: execution record}`` of the book's notebook pages in the checkout that holds ``start`` (chapters 1-6).

    Parameters
    ----------
    start : str or path, optional
        A folder inside the checkout (default: the current folder; see :func:`find_checkout`).

    Returns
    -------
    dict
        ``{stem: record}`` for every page of :data:`PAGES`, in that order: the record is the
        notebook's metadata ``mem``, which ``scripts/execute_chapters.py`` writes (``execution_seconds``,
        ``cpu_count``, ``fingerprint``; ``{}`` for a page never executed by it). Empty where there is no
        checkout: the records live in the notebooks, which the installed package does not hold.
    """
    root = find_checkout(start)
    if root is None:
        return {}
    paths = [p for pattern in PAGES for p in sorted(root.glob(pattern))]
    return {p.stem: json.loads(p.read_text(encoding="utf-8")).get("metadata", {}).get("mem", {}) for p in paths}


def stored_fingerprints(pages: dict | None = None) -> dict:
    """``{fingerprint: users}``: the numerics fingerprints the stored results were computed under (chapters 1-6).

    Parameters
    ----------
    pages : dict, optional
        :func:`executed_pages`' records, ``{page: {"fingerprint": {...}, ...}}``; a page without a
        fingerprint is left out. None: only the results stored in the package.

    Returns
    -------
    dict
        ``{description: sorted list of users}``, a description by :func:`mem.fingerprint.describe`,
        its users ``"zoo: <collection>"`` (every entry of :data:`mem.zoo.COLLECTIONS`), ``"chapter 5's
        sweep"`` and ``"page <page>"``, in the order first met.
    """
    from .fingerprint import describe
    from .regularize import load_sweep

    if pages is not None and not isinstance(pages, dict):
        raise TypeError(f"pages must be the dict executed_pages() returns, or None, got {type(pages).__name__}")
    for name, record in (pages or {}).items():
        if not isinstance(record, dict):
            raise TypeError(f"pages[{name!r}] must be a page's record (a dict), got {type(record).__name__}")
    stored: dict = {}

    def add(fp, user):
        stored.setdefault(describe(fp), set()).add(user)

    for col in zoo.COLLECTIONS:
        for e in zoo.manifest(zoo.collection(col).folder)["entries"].values():
            add(e["fingerprint"], f"zoo: {col}")
    for e in load_sweep()["entries"].values():
        add(e["fingerprint"], "chapter 5's sweep")
    for name, record in (pages or {}).items():
        if "fingerprint" in record:
            try:
                add(record["fingerprint"], f"page {name}")
            except (TypeError, ValueError) as e:
                raise type(e)(f"pages[{name!r}]['fingerprint']: {e}") from None
    return {fp: sorted(users) for fp, users in stored.items()}


def dispatch_changes(variability: dict | None = None):
    """The largest change from the stored value of every measured quantity, per CPU dispatch (chapters 4, 5).

    Parameters
    ----------
    variability : dict, optional
        :func:`load_variability`'s dict (default: the stored one).

    Returns
    -------
    pandas DataFrame
        One row per quantity (``"speed: adam"``, ..., ``"fine_tune: log10 lifetime"``), one column per
        dispatch of the file, each cell the largest absolute change over its re-runs.
    """
    import pandas as pd

    variability = load_variability() if variability is None else _check_variability(variability)
    changes = {d: {f"{kind}: {q}": max((abs(c) for c in v[kind][q]), default=0.0)
                   for kind in ("speed", "fine_tune") for q in v[kind]}
               for d, v in variability["dispatches"].items()}
    return pd.DataFrame(changes)


def _main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m mem.reproduce", description="variability across CPU dispatches")
    sub = ap.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("measure", help="measure under every dispatch and write zoo_data/variability.json")
    m.add_argument("dispatches", nargs="*")
    sub.add_parser("measure-here", help="(internal) measure under this process's dispatch, print JSON")
    c = sub.add_parser("recheck", help="retrain one zoo entry and judge it at the level this machine promises")
    c.add_argument("name")
    c.add_argument("--collection", default="networks", choices=zoo.COLLECTIONS)
    sub.add_parser("fingerprint", help="print this machine's numerics fingerprint")
    a = ap.parse_args(argv)
    import mem.reproduce as r
    if a.cmd == "measure":
        r.measure(a.dispatches or None)
    elif a.cmd == "measure-here":
        print(json.dumps(r._measure_here()))
    elif a.cmd == "recheck":
        result = r.recheck(a.name, a.collection)
        print(result.table.to_string(index=False))
        print(result.summary())
        return 0 if result.passed else 1
    else:
        print(json.dumps(fingerprint()))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
