"""The zoo: pretrained networks, trained by this package and shipped with it (chapter 2).

Each entry is one training run of :func:`mem.train.train`, described by a
config (architecture, size, protocol, optimiser, seed). ``zoo_data/manifest.json``
records per entry: the config, seed, torch thread count, torch version, the
metrics measured after training and the sha256 of the weights file.
:func:`load` refuses a file whose sha256 does not match.

Rebuild everything (or some entries) with one command::

    python -m mem.zoo build                    # all entries, 2 worker processes
    python -m mem.zoo build gru64-decu-s0      # one entry
    python -m mem.zoo check gru64-nacu-s0      # retrain into a temp folder and compare

Training is bit-identical for the same config at the same thread count (the
recorded ``threads``, 1 by default; each worker process pins it), on the same
torch version and CPU kind. :func:`check` reports both the sha256 match and
the largest weight difference, so a mismatch on another machine is measurable.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import io
import json
import math
import multiprocessing
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from . import data as _data
from .evaluate import DEFAULT_DELAYS, DelayCurve, accuracy_vs_delay, memory_lifetime, report_accuracy
from .models import RNNClassifier
from .protocols import DeCu, NaCu, VoCu, make_protocol
from .tasks import DelayedClassification
from .train import History, train

__all__ = ["ZOO_DIR", "ZooEntry", "ZooIntegrityError", "default_configs", "names", "manifest", "load",
           "build", "check", "train_entry"]

ZOO_DIR = Path(__file__).with_name("zoo_data")
MANIFEST = "manifest.json"

#: Evaluation shared by every entry (stored with the metrics).
EVAL = {"n_trials_report": 2000, "n_trials_delay": 1000, "delays": list(DEFAULT_DELAYS), "seed": 1234,
        "split": "test"}


class ZooIntegrityError(RuntimeError):
    """A zoo file is missing or its sha256 differs from the manifest."""


@dataclass
class ZooEntry:
    """A loaded zoo network: ``model`` (eval mode), its training ``history``, ``config`` and ``metrics``."""

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
RECIPE = ("64 units: a 3000-step run takes about a minute on one CPU thread. Adam lr 3e-3, grad-norm clip 1, "
          "batch 128: reaches ~95% report accuracy at T = 20 within a few hundred steps. Curricula take the first "
          "half of the 3000 steps, so every network spends the second half on the full task (T_max = 20, ten "
          "digits) and all end on the same task after the same number of updates. One torch thread per run: "
          "training is bit-identical only at a fixed thread count. Metrics use held-out (test) digits and the "
          "same seeded probe trials for every network (see 'evaluation'). Two entries keep checkpoints every 100 steps "
          "through the curricula (gru64-decu-s0, gru64-vocu-s0: chapter 3 tracks slow points through training) and "
          "one has 128 units (gru128-nacu-s0: the network of the slow-point benchmark).")


def _name(cfg: dict) -> str:
    return f"{cfg['arch']}{cfg['hidden_size']}-{cfg['protocol']['name']}-s{cfg['seed']}"


#: Training steps at which the formation entries keep a copy of their weights (chapter 3):
#: every 100 steps through the curricula (the first 1500 steps), then sparser.
FORMATION_CHECKPOINTS = list(range(0, 1501, 100)) + [1750, 2000, 2500, 3000]


def default_configs() -> list[dict]:
    """The zoo's recipe: GRU and LSTM x NaCu/DeCu/VoCu x seeds 0, 1, 64 units, 3000 steps.

    Curricula (DeCu: T_max 6, 8, ..., 20; VoCu: 2, 3, ..., 10 digits) take the first
    half of training; the second half is the full task for every protocol, so all
    networks end on the same task with the same number of steps.

    ``gru64-decu-s0`` and ``gru64-vocu-s0`` also keep their weights at
    :data:`FORMATION_CHECKPOINTS` (chapter 3 tracks slow points through training),
    and ``gru128-nacu-s0`` is the 128-unit GRU of the slow-point benchmark
    (``tests/benchmarks/bench_slowpoints.py``).
    """
    protocols = [NaCu(3000), DeCu(3000, T_start=6, T_end=20, T_step=2, fraction=0.5),
                 VoCu(3000, classes_start=3, fraction=0.5)]
    out = []
    for arch in ("gru", "lstm"):
        for proto in (p.config() for p in protocols):  # complete configs: every default written out
            for seed in (0, 1):
                out.append({"arch": arch, "hidden_size": 64, "protocol": proto, "seed": seed,
                            "batch_size": 128, "lr": 3e-3, "clip": 1.0, "T_max": 20, "delta_min": 4,
                            "data": "digits", "threads": 1})
    for cfg in out:
        if cfg["arch"] == "gru" and cfg["seed"] == 0 and cfg["protocol"]["name"] in ("decu", "vocu"):
            cfg["checkpoints"] = list(FORMATION_CHECKPOINTS)
    out.append(dict(out[0], hidden_size=128))  # gru128-nacu-s0
    return out


def _configs_by_name() -> dict[str, dict]:
    return {_name(c): c for c in default_configs()}


def manifest(zoo_dir: Path | str = ZOO_DIR) -> dict:
    """The manifest: ``{"entries": {name: {...}}, ...}``."""
    path = Path(zoo_dir) / MANIFEST
    if not path.exists():
        return {"format": 1, "entries": {}}
    return json.loads(path.read_text())


def names(zoo_dir: Path | str = ZOO_DIR, **where) -> list[str]:
    """Names of the built entries, optionally filtered, e.g. ``names(arch="gru", protocol="decu")``."""
    out = []
    for name, e in manifest(zoo_dir)["entries"].items():
        cfg = dict(e["config"], protocol=e["config"]["protocol"]["name"],
                   checkpoints=bool(e["config"].get("checkpoints")))
        if all(cfg.get(k) == v for k, v in where.items()):
            out.append(name)
    return sorted(out)


def _sha256(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def load(name: str, zoo_dir: Path | str = ZOO_DIR, device="cpu") -> ZooEntry:
    """Load a zoo network after checking its sha256 against the manifest (chapter 2).

    Returns
    -------
    ZooEntry with the model in eval mode on ``device``.

    Raises
    ------
    ValueError for an unknown name; ZooIntegrityError if the file is missing or altered.
    """
    entries = manifest(zoo_dir)["entries"]
    if name not in entries:
        raise ValueError(f"name must be one of the zoo's entries {sorted(entries)}, got {name!r}")
    e = entries[name]
    path = Path(zoo_dir) / e["file"]
    if not path.exists():
        raise ZooIntegrityError(f"zoo file {path} is missing; rebuild it with `python -m mem.zoo build {name}`")
    raw = path.read_bytes()
    digest = _sha256(raw)
    if digest != e["sha256"]:
        raise ZooIntegrityError(f"sha256 mismatch for {path}: manifest says {e['sha256']}, file has {digest}. "
                                f"The file was altered or truncated; rebuild it with `python -m mem.zoo build {name}`")
    payload = torch.load(io.BytesIO(raw), map_location=device, weights_only=True)
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


def train_entry(cfg: dict, progress: bool = False) -> tuple[bytes, dict]:
    """Train one entry from its config at its recorded thread count.

    Returns
    -------
    (file bytes, manifest entry without ``file``).
    """
    threads_before = torch.get_num_threads()
    torch.set_num_threads(cfg["threads"])
    try:
        task = _task(cfg)
        model = RNNClassifier(cfg["arch"], task.input_size, cfg["hidden_size"], seed=cfg["seed"])
        proto = make_protocol(cfg["protocol"])
        hist = train(model, task, proto, batch_size=cfg["batch_size"], lr=cfg["lr"], clip=cfg["clip"],
                     seed=cfg["seed"], checkpoints=cfg.get("checkpoints", ()), progress=progress,
                     desc=_name(cfg))
        curve = accuracy_vs_delay(model, task, EVAL["delays"], EVAL["n_trials_delay"], EVAL["seed"],
                                  split=EVAL["split"])
        life = memory_lifetime(curve)
        metrics = {
            "report_accuracy": report_accuracy(model, task, EVAL["n_trials_report"], EVAL["seed"],
                                               T_max=cfg["T_max"], split=EVAL["split"]),
            "delay_curve": curve.to_dict(),
            "lifetime": None if math.isinf(life) else life,  # null: outlasts the longest probed delay
            "final_train_accuracy": float(hist.accuracy[-100:].mean()),
        }
        buf = io.BytesIO()
        payload = {"config": cfg, "input_size": task.input_size,
                   "state_dict": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
                   "history": hist.to_dict()}
        if cfg.get("checkpoints"):
            payload["checkpoints"] = hist.checkpoints
        torch.save(payload, buf)
        raw = buf.getvalue()
    finally:
        torch.set_num_threads(threads_before)
    entry = {"sha256": _sha256(raw), "bytes": len(raw), "config": cfg, "seed": cfg["seed"],
             "threads": cfg["threads"], "torch_version": torch.__version__, "metrics": metrics,
             "evaluation": EVAL, "train_seconds": round(hist.seconds, 1)}
    return raw, entry


def _write_manifest(zoo_dir: Path, man: dict) -> None:
    man["entries"] = dict(sorted(man["entries"].items()))
    (zoo_dir / MANIFEST).write_text(json.dumps(man, indent=1) + "\n")


def build(which: list[str] | None = None, zoo_dir: Path | str = ZOO_DIR,
          executor: cf.Executor | None = None, workers: int = 2, configs: list[dict] | None = None) -> dict:
    """Train entries (default: all of :func:`default_configs`) and write files + manifest.

    Parameters
    ----------
    which : list of names, optional
    zoo_dir : folder to write to (default: the package's ``zoo_data``)
    executor : any ``concurrent.futures.Executor``; default a local process pool
        of ``workers`` processes (each pins its own torch thread count)
    configs : list of config dicts, optional; a recipe other than :func:`default_configs`

    Returns
    -------
    The updated manifest.
    """
    configs = _configs_by_name() if configs is None else {_name(c): c for c in configs}
    which = sorted(configs) if not which else list(which)
    unknown = [n for n in which if n not in configs]
    if unknown:
        raise ValueError(f"which must name entries of {sorted(configs)}, got unknown {unknown}")
    zoo_dir = Path(zoo_dir)
    zoo_dir.mkdir(parents=True, exist_ok=True)
    man = manifest(zoo_dir)
    man.update({"format": 1, "description": "Networks trained by mem.zoo.build; see mem/zoo.py and chapter 2.",
                "rebuild": "python -m mem.zoo build [names]", "recipe": RECIPE})
    own = executor is None
    if own:
        executor = cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    try:
        futures = {executor.submit(train_entry, configs[n]): n for n in which}
        for fut in cf.as_completed(futures):
            n = futures[fut]
            raw, entry = fut.result()
            (zoo_dir / f"{n}.pt").write_bytes(raw)
            man["entries"][n] = {"file": f"{n}.pt", **entry}
            _write_manifest(zoo_dir, man)
            m = entry["metrics"]
            print(f"{n}: report acc {m['report_accuracy']:.3f}, lifetime {m['lifetime']}, "
                  f"{entry['train_seconds']} s", flush=True)
    finally:
        if own:
            executor.shutdown()
    return man


def check(name: str, zoo_dir: Path | str = ZOO_DIR) -> dict:
    """Retrain one entry into a temporary folder and compare it with the stored one.

    Returns
    -------
    ``{"bit_identical": bool, "max_abs_weight_diff": float, "metrics_stored": ..., "metrics_rebuilt": ...}``
    """
    stored = manifest(zoo_dir)["entries"].get(name)
    if stored is None:
        raise ValueError(f"name must be a built zoo entry, got {name!r}")
    raw, entry = train_entry(stored["config"])
    old = load(name, zoo_dir).model.state_dict()
    new = torch.load(io.BytesIO(raw), weights_only=True)["state_dict"]
    diff = max(float((old[k] - new[k]).abs().max()) for k in old)
    return {"bit_identical": entry["sha256"] == stored["sha256"], "max_abs_weight_diff": diff,
            "metrics_stored": stored["metrics"], "metrics_rebuilt": entry["metrics"]}


def _main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mem.zoo", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="train entries (all by default) and update the manifest")
    b.add_argument("names", nargs="*")
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--out", default=str(ZOO_DIR))
    c = sub.add_parser("check", help="retrain one entry in a temp folder and compare")
    c.add_argument("name")
    sub.add_parser("list", help="list entries with their metrics")
    sub.add_parser("verify", help="check every file's sha256")
    a = ap.parse_args(argv)
    import mem.zoo as z  # the importable module, not __main__, so worker processes can unpickle its functions
    build, check, manifest, names, load = z.build, z.check, z.manifest, z.names, z.load
    if a.cmd == "build":
        t0 = time.time()
        build(a.names, a.out, workers=a.workers)
        print(f"built in {time.time() - t0:.0f} s")
    elif a.cmd == "check":
        r = check(a.name)
        print(json.dumps({k: r[k] for k in ("bit_identical", "max_abs_weight_diff")}))
        return 0 if r["bit_identical"] else 1
    elif a.cmd == "list":
        for n, e in manifest()["entries"].items():
            print(f"{n:20s} acc {e['metrics']['report_accuracy']:.3f} lifetime {e['metrics']['lifetime']}")
    elif a.cmd == "verify":
        for n in names():
            load(n)
        print(f"{len(names())} entries verified")
    return 0


if __name__ == "__main__":
    sys.exit(_main())
