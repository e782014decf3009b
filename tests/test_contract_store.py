"""The contract of :mod:`mem.store` and :mod:`mem.zoo` under generated bad input (tests/contract.py).

Whatever writes gets a fresh temporary folder (``tempfile.mkdtemp``) from its args factory, and every call
runs in a temporary working folder (a relative path such as ``"no-such-thing"`` lands there); the stored
collections in ``mem/zoo_data`` are only read. Toy collections (entries whose file is a small JSON) are
registered per call and removed after each test.
"""
import concurrent.futures as cf
import functools
import itertools
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from contract import Spec, check_spec

from mem import data, store, zoo
from mem.models import RNNClassifier
from mem.tasks import DelayedClassification

EXEMPT = {
    "mem.store.IntegrityError": "a plain exception class: a message, nothing to validate",
    "mem.zoo.ZooEntry": "a plain record (dataclass) that zoo.load fills from a verified entry; nothing to validate",
    "mem.zoo.ZooIndex": "a plain record (frozen dataclass) that zoo.index fills from a verified manifest; nothing to "
                        "validate",
}

_IDS = itertools.count()
_POOL = cf.ThreadPoolExecutor(1)        # a given executor is left running by run_jobs and build: one for all


@functools.cache
def _root() -> Path:
    """This module's temporary folder (removed after its tests)."""
    return Path(tempfile.mkdtemp(prefix="mem-contract-store-"))


def _tmp() -> str:
    """A fresh empty folder for one call that writes."""
    return tempfile.mkdtemp(dir=_root())


# ------------------------------------------------------------------------------------------------ a toy collection
@store.pinned_threads
def _toy_train(cfg):
    raw = json.dumps({"square": cfg["id"] ** 2}).encode()
    return raw, store.manifest_entry(cfg, raw, {"square": cfg["id"] ** 2}, 0.0, metrics_version=1)


def _toy_configs():
    return [{"id": i, "seed": 0, "threads": 1} for i in range(2)]


def _toy_name(cfg):
    return f"e{cfg['id']}"


def _toy_summary(entry):
    return f"square {entry['metrics']['square']}"


def _collection_args() -> dict:
    return dict(name=f"toy-contract-{next(_IDS)}", folder=_tmp(), configs=_toy_configs, entry_name=_toy_name,
                train=_toy_train, summary=_toy_summary, header={"format": 1}, evaluate=None, metrics_version=1,
                manifest_file="manifest.json", suffix=".json", compare=None, nan_ok=("metrics.square",))


def _toy(built: bool = False) -> store.Collection:
    """A registered toy collection in a fresh folder (its two entries built, if ``built``)."""
    col = store.register(store.Collection(**_collection_args()))
    if built:
        store.build(col.name, executor=_POOL)
    return col


def _build_args() -> dict:
    col = _toy(built=True)
    return dict(collection=col.name, which=["e0"], folder=str(col.folder), executor=_POOL, workers=1,
                configs=_toy_configs(), force=False, replace=False)


def _built(**extra) -> dict:
    """The name and folder of a built toy collection, and ``extra``."""
    col = _toy(built=True)
    return dict(collection=col.name, **extra, folder=str(col.folder))


def _manifest() -> dict:
    entry = {"config": {"id": 0}, "metrics": {"square": 0}}
    return {"format": 1, "entries": {"e0": {**entry, "checksum": store.entry_checksum(entry)}}}


# ------------------------------------------------------------------------------------------------ a tiny network
@functools.cache
def _tiny_cfg() -> dict:
    return dict(zoo.default_configs()[0], hidden_size=4, protocol={"name": "nacu", "n_iters": 3})


@functools.cache
def _tiny_raw() -> bytes:
    """The file of a tiny network of the zoo's recipe (4 units, 3 steps), trained once."""
    return zoo.train_entry(_tiny_cfg())[0]


@functools.cache
def _task() -> DelayedClassification:
    return DelayedClassification(data.load_digits(), T_max=20, delta_min=4)


def _model() -> RNNClassifier:
    return RNNClassifier("gru", _task().input_size, 4, seed=0)


SPECS = [
    # mem.store: the registry
    Spec("mem.store.BuildError", lambda: dict(failures={"e0": "ValueError: bad"})),
    Spec("mem.store.Collection", _collection_args),
    Spec("mem.store.register", lambda: dict(collection=store.Collection(**_collection_args()), replace=False)),
    Spec("mem.store.unregister", lambda: dict(name=_toy().name)),
    Spec("mem.store.collections"),
    Spec("mem.store.lookup", lambda: dict(name="bridge")),
    Spec("mem.store.rebuild_command", lambda: dict(name="networks")),
    Spec("mem.store.collection_name", lambda: dict(folder=str(zoo.BRIDGE_DIR))),
    # mem.store: integrity
    Spec("mem.store.sha256", lambda: dict(data=b"abc")),
    Spec("mem.store.atomic_write", lambda: dict(path=str(Path(_tmp()) / "x.bin"), data=b"abc")),
    Spec("mem.store.entry_checksum", lambda: dict(entry={"config": {"seed": 0}, "metrics": {"a": 0.5}})),
    Spec("mem.store.manifest", lambda: dict(folder=str(zoo.BRIDGE_DIR), file="manifest.json", param="folder"),
         fixed={"param": "a label: the name the caller's own parameter goes by in messages"}),
    Spec("mem.store.write_manifest", lambda: dict(folder=_tmp(), man=_manifest(), file="manifest.json")),
    Spec("mem.store.read_verified", lambda: dict(name="gru100-nacu-chain-s0", folder=str(zoo.BRIDGE_DIR),
                                                 file="manifest.json", param="folder"),
         fixed={"param": "a label: the name the caller's own parameter goes by in messages"}),
    Spec("mem.store.verify", lambda: dict(collection=_toy(built=True).name)),
    Spec("mem.store.seal", _built),
    # mem.store: what the collections' jobs share, and builds
    Spec("mem.store.require_keys", lambda: dict(cfg={"a": 1}, keys=["a"])),
    Spec("mem.store.pinned_threads", lambda: dict(fn=_toy_name)),
    Spec("mem.store.manifest_entry", lambda: dict(cfg={"seed": 0, "threads": 1}, raw=b"x", metrics={"a": 0.5},
                                                  seconds=0.5, metrics_version=1, evaluation={"n": 1})),
    # no jobs: executor=None would otherwise start a process pool (seconds); test_store.py runs jobs
    Spec("mem.store.run_jobs", lambda: dict(jobs={}, done=lambda name, result: None, executor=_POOL, workers=1)),
    # entries already built: executor=None would otherwise start a process pool (seconds); test_zoo.py builds
    Spec("mem.store.build", _build_args),
    Spec("mem.store.check", lambda: _built(name="e0")),
    Spec("mem.store.summary", lambda: dict(names=["bridge"])),
    # mem.zoo
    Spec("mem.zoo.ZooEntry.model_at", lambda: dict(step=100), of=lambda: zoo.load("gru64-decu-s0")),
    Spec("mem.zoo.checkpoint_models", lambda: dict(entry=zoo.load("gru64-decu-s0"), until=200, also=[3000])),
    Spec("mem.zoo.entry_name", lambda: dict(cfg=zoo.default_configs()[0])),
    Spec("mem.zoo.default_configs"),
    Spec("mem.zoo.bridge_configs"),
    Spec("mem.zoo.mnist1d_configs"),
    Spec("mem.zoo.manifest", lambda: dict(zoo_dir=str(zoo.BRIDGE_DIR))),
    Spec("mem.zoo.names", lambda: dict(zoo_dir=str(zoo.BRIDGE_DIR), seed=0),
         fixed={"seed": "a filter value (**where): compared with the stored configs' values; no match gives []"}),
    # the bridge's entries differ by init: one (group, protocol, seed) per network only when filtered on it
    Spec("mem.zoo.index", lambda: dict(zoo_dir=str(zoo.BRIDGE_DIR), init="chain"),
         fixed={"init": "a filter value (**where): compared with the stored configs' values; no match is refused, "
                        "as tests/test_zoo.py::test_index_of_the_zoo checks"}),
    Spec("mem.zoo.table", lambda: dict(zoo_dir=str(zoo.BRIDGE_DIR), probe_seed=None),
         fixed={"probe_seed": "each valid seed re-measures every network (seconds each), too slow for the families: "
                              "its refusals are tested in tests/test_zoo.py::test_table_checks_probe_seed"}),
    # documented NaN: a digit's lifetime when it was not remembered to begin with (class_table's docstring)
    Spec("mem.zoo.class_table", lambda: dict(zoo_dir=str(zoo.BRIDGE_DIR)), finite=False),
    # documented NaN: ZooEntry.history.seconds, the training wall time, is not stored (mem.train.History)
    Spec("mem.zoo.load", lambda: dict(name="gru100-nacu-chain-s0", zoo_dir=str(zoo.BRIDGE_DIR), device="cpu"),
         finite=False),
    Spec("mem.zoo.measure_speed", lambda: dict(model=_model(), task=_task(), paper=False)),
    Spec("mem.zoo.train_entry", lambda: dict(cfg=_tiny_cfg(), progress=False)),
    Spec("mem.zoo.evaluate_entry", lambda: dict(cfg=_tiny_cfg(), raw=_tiny_raw(), seconds=0.5),
         fixed={"seconds": "only recorded (manifest_entry's spec mutates it); each valid value re-measures "
                           "the network: its refusals are tested in test_zoo.py::test_evaluate_entry_checks_seconds"}),
    Spec("mem.zoo.weight_difference", lambda: dict(stored=_tiny_raw(), rebuilt=_tiny_raw())),
    Spec("mem.zoo.collection", lambda: dict(name="bridge")),
    Spec("mem.zoo.build_summary"),
]


@pytest.fixture(scope="module", autouse=True)
def _temporary_root():
    yield
    if _root.cache_info().currsize:
        shutil.rmtree(_root(), ignore_errors=True)
        _root.cache_clear()


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    """Each spec in an empty working folder, leaving the registry of collections as it found it."""
    before = set(store.collections())
    monkeypatch.chdir(tmp_path)
    yield
    for name in set(store.collections()) - before:
        store.unregister(name)


@pytest.mark.parametrize("spec", SPECS, ids=[s.name.removeprefix("mem.") for s in SPECS])
def test_contract(spec):
    check_spec(spec)
