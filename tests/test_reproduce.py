"""The two levels of reproduction (issue 15): the fingerprint decides the level, and every re-run
of a stored result is checked at the level this machine can promise: bit-identity where the
numerics fingerprint matches the stored one, the tolerances of mem.reproduce everywhere else.

`make test` runs this file under the machine's own dispatch, under a forced second dispatch
(`make second-dispatch`) and under the zoo's own (`make reference-dispatch`), so the same tests
see both levels on one machine.
"""
from __future__ import annotations

import copy
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch

from mem import fingerprint as F
from mem import regularize as rg
from mem import reproduce as R
from mem import store, zoo

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "book").glob("*.ipynb"))


def test_fingerprint_names_what_decides_bit_identity():
    fp = F.fingerprint(threads=1)
    assert tuple(fp) == F.KEYS and fp["threads"] == 1
    assert fp["torch"] == torch.__version__ and fp["cpu_capability"] == torch.backends.cpu.get_cpu_capability()
    assert json.loads(json.dumps(fp)) == fp
    assert F.level(fp, fp) == "bit-identical" and F.same_numerics(fp, dict(fp))
    for key in F.KEYS:                                      # any one fact differing breaks bit-identity
        other = fp[key] + 1 if key == "threads" else f"{fp[key]}-other"
        assert F.level(fp, dict(fp, **{key: other})) == "same conclusions", key
    assert str(fp["threads"]) in F.describe(fp)
    with pytest.raises(TypeError, match="stored must be a fingerprint dict"):
        F.level("AVX2")
    with pytest.raises(ValueError, match="missing"):
        F.level({"torch": torch.__version__})
    with pytest.raises(ValueError, match="threads must be a positive integer"):
        F.fingerprint(threads=0)


def test_the_second_dispatch_really_differs():
    """Under `make second-dispatch` the forced dispatch is in force (torch and numpy's BLAS both changed)."""
    if os.environ.get("MEM_DISPATCH") != "generic":
        pytest.skip("only under `make second-dispatch` (MEM_DISPATCH=generic)")
    from threadpoolctl import threadpool_info

    assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
    here, stored = F.fingerprint(threads=1), zoo.manifest()["entries"]["gru64-decu-s0"]["fingerprint"]
    assert here["blas"] != stored["blas"] and here["mkl_cbwr"] == "COMPATIBLE"
    assert here["onednn_isa"] == "SSE41" or here["machine"] != "x86_64"
    assert any(i.get("internal_api") == "openblas" for i in threadpool_info())
    assert F.level(stored) == "same conclusions"


def test_the_makefile_forces_the_dispatches_of_mem_reproduce():
    """`make second-dispatch` / `make reference-dispatch` run the tests under mem.reproduce.DISPATCHES."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    for target, name in (("second-dispatch", "generic"), ("reference-dispatch", "avx2")):
        commands = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=ROOT, capture_output=True,
                                  text=True, check=True).stdout.splitlines()
        tests = [c for c in commands if "tests/test_reproduce.py" in c]
        assert tests, target
        for command in tests:
            env = dict(w.split("=", 1) for w in command.split() if re.fullmatch(r"[A-Z_]+=\S*", w))
            assert env == {"MEM_DISPATCH": name, **R.DISPATCHES[name]}, (target, env)


def test_every_stored_result_records_its_fingerprint():
    for col in zoo.COLLECTIONS:
        for name, e in zoo.manifest(zoo.collection(col).folder)["entries"].items():
            assert set(e["fingerprint"]) == set(F.KEYS) and e["fingerprint"]["threads"] == e["threads"], name
    for name, e in rg.load_sweep()["entries"].items():
        assert set(e["fingerprint"]) == set(F.KEYS) and e["fingerprint"]["threads"] == e["config"]["threads"], name
    for page in PAGES:
        meta = nbformat.read(page, as_version=4).metadata["mem"]
        assert set(meta["fingerprint"]) == set(F.KEYS) and meta["fingerprint"]["threads"] == 1, page.name
    variability = R.load_variability()
    assert set(variability["dispatches"]) == set(R.DISPATCHES)
    for d in variability["dispatches"].values():
        assert set(d["fingerprint"]) == set(F.KEYS)


def test_a_new_entry_records_the_fingerprint_of_its_build(tmp_path):
    cfg = dict(zoo.default_configs()[0], hidden_size=4, protocol={"name": "nacu", "n_iters": 3})
    import concurrent.futures as cf
    with cf.ThreadPoolExecutor(1) as ex:
        man = store.build("networks", folder=tmp_path, executor=ex, configs=[cfg])
    assert man["entries"]["gru4-nacu-s0"]["fingerprint"] == F.fingerprint(threads=1)


def test_seed_tolerance_is_the_prediction_interval_of_a_new_seed():
    from scipy import stats

    half, means = R.seed_tolerance("networks", "report_accuracy")
    t = zoo.table()
    cells = ["arch", "hidden_size", "protocol", "init"]
    resid = t.report_accuracy - t.groupby(cells).report_accuracy.transform("mean")
    s = math.sqrt((resid ** 2).sum() / (54 - 12))        # 12 cells: 6 of 6 seeds (64 units), 6 of 3 (128 units)
    assert half == pytest.approx(stats.t.ppf(0.995, 42) * s * math.sqrt(1 + 1 / 3))   # the smallest cell's n
    assert len(means) == 12
    # every stored seed lies inside its own cell's interval (a sanity check of the scale, not of new seeds)
    for col, q in (("networks", "log_lifetime"), ("bridge", "report_accuracy"), ("mnist1d", "log_lifetime"),
                   ("benchmarks", "final")):
        half, means = R.seed_tolerance(col, q)
        assert 0 < half < math.inf
    with pytest.raises(ValueError, match="quantity must be one of"):
        R.seed_tolerance("networks", "final")
    with pytest.raises(ValueError, match="collection must be one of"):
        R.seed_tolerance("extra", "final")
    with pytest.raises(TypeError, match="level must be a float"):
        R.seed_tolerance("networks", "report_accuracy", level=99)
    with pytest.raises(ValueError, match=r"level must be a float in \(0, 1\)"):
        R.seed_tolerance("networks", "report_accuracy", level=99.0)


def test_tolerance_table_lists_every_check_with_its_reason():
    t = R.tolerances()
    assert {"check", "quantity", "tolerance", "derived from"} <= set(t.columns)
    assert (t.tolerance > 0).all() and np.isfinite(t.tolerance).all()
    assert len(t) == 7 + len(R.SPEED_MEDIANS) + 2
    assert t["derived from"].str.len().min() > 20


def _assert_level(r: R.Recheck):
    """The check every re-run must pass: bit-identical where promised, within tolerance everywhere."""
    assert r.within_tolerance, r.table.to_string()
    if r.level == "bit-identical":
        assert r.bit_identical, r.table.to_string()
    assert r.passed


def test_a_wrong_rerun_fails_the_check():
    """The tolerances are tight enough to catch a broken result: the check can fail."""
    name = "gru64-nacu-s0-slowpoints-fixed-lam1000"
    stored = rg.load_sweep()["entries"][name]
    assert R.recheck_fine_tune(name, rerun=copy.deepcopy(stored)).passed      # the stored entry itself passes
    broken = copy.deepcopy(stored)
    broken["after"]["lifetime"] = stored["after"]["lifetime"] / 2
    broken["sha256"] = "0" * 64
    r = R.recheck_fine_tune(name, rerun=broken)
    assert not r.passed and not r.table.set_index("quantity").loc["log10 lifetime", "within"]
    worse = copy.deepcopy(stored)
    worse["after"]["report_accuracy"] -= 0.1
    assert not R.recheck_fine_tune(name, rerun=worse).passed


def test_speed_measures_recomputed_on_stored_weights(task):
    r = R.recheck_speed("gru64-nacu-s1", task)
    _assert_level(r)


@pytest.mark.slow
def test_retraining_a_zoo_entry_reproduces_it():
    _assert_level(R.recheck("gru64-decu-s0"))


@pytest.mark.slow
def test_retraining_an_mnist1d_entry_reproduces_it():
    """issue 21: the second dataset's collection rebuilds like the first (bit for bit, or within a new seed)."""
    _assert_level(R.recheck("lstm64-vocu-s1", collection="mnist1d"))


def test_retraining_a_benchmark_run_reproduces_it():
    _assert_level(R.recheck("psdigits-chain-lr0.0003-s0", collection="benchmarks"))


@pytest.mark.slow
def test_rerunning_a_sweep_entry_reproduces_it():
    _assert_level(R.recheck_fine_tune("lstm64-nacu-s1-centermass-fixed-lam100"))


def test_printing_only_the_digits_a_number_carries():
    assert R.nearest(287, 100) == 300 and isinstance(R.nearest(287, 100), int)
    assert f"{R.nearest(0.9465, 0.05):.2f}" == "0.95" and R.nearest(-12.0, 5.0) == -10.0
    assert R.fixed(-1e-17) == "  0.0000" and R.fixed(-3e-16, "9.1e", zero=1e-12) == "  0.0e+00"
    assert R.fixed(-0.25, "6.2f") == " -0.25" and R.fixed(1e-13, ".1e", zero=1e-12) == "0.0e+00"
    assert R.significant(1843.6) == "1800" and R.significant(0.012345, 3) == "0.0123"
    assert R.significant(torch.tensor(3.14159), 3) == "3.14"
    assert R.decade(222.8) == "1e+02" and R.decade(4e-7) == "1e-06"


def _notebook(path, record):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [], "metadata": {"mem": record} if record is not None else {},
                                "nbformat": 4, "nbformat_minor": 5}))


def test_the_executed_pages_are_read_from_a_checkout_only(tmp_path, monkeypatch):
    """The reproducibility page reads the pages' records in a checkout, and nothing (without failing)
    where only the package is there, as in Colab."""
    root = tmp_path / "repo"
    fp = zoo.manifest()["entries"]["gru64-nacu-s0"]["fingerprint"]
    _notebook(root / "chapters" / "02_b.ipynb", {"execution_seconds": 2.0, "fingerprint": fp})
    _notebook(root / "chapters" / "01_a.ipynb", {"execution_seconds": 1.0})
    _notebook(root / "book" / "intro.ipynb", None)
    _notebook(root / "book" / "performance.ipynb", {"execution_seconds": 9.0})   # not read: the page itself
    assert R.find_checkout(root / "book") is None                                # no _toc.yml: not the book
    (root / "_toc.yml").write_text("root: book/intro\n")
    assert R.find_checkout(root / "book") == root.resolve() == R.find_checkout(root)
    pages = R.executed_pages(root / "book")
    assert pages == {"01_a": {"execution_seconds": 1.0}, "02_b": {"execution_seconds": 2.0, "fingerprint": fp},
                     "intro": {}}
    monkeypatch.chdir(root / "chapters")                                         # default: the current folder
    assert R.executed_pages() == pages
    monkeypatch.chdir(tmp_path)
    assert R.find_checkout() is None and R.executed_pages() == {}

    stored = R.stored_fingerprints(pages)
    package = R.stored_fingerprints()
    users = {u for us in package.values() for u in us}
    assert users == {f"zoo: {c}" for c in zoo.COLLECTIONS} | {"chapter 5's sweep"}
    assert stored[F.describe(fp)] == sorted(set(package.get(F.describe(fp), [])) | {"page 02_b"})
    with pytest.raises(ValueError, match=r"pages\['x'\]\['fingerprint'\]"):
        R.stored_fingerprints({"x": {"fingerprint": {"torch": "2"}}})
    with pytest.raises(TypeError, match="pages"):
        R.stored_fingerprints([pages])


def test_the_largest_change_per_dispatch():
    variability = {"dispatches": {"native": {"speed": {"adam": [0.0, -0.5, 0.25]}, "fine_tune": {"acc": []}},
                                  "generic": {"speed": {"adam": [0.1]}, "fine_tune": {"acc": [-0.002, 0.001]}}}}
    changes = R.dispatch_changes(variability)
    assert changes.to_dict() == {"native": {"speed: adam": 0.5, "fine_tune: acc": 0.0},
                                 "generic": {"speed: adam": 0.1, "fine_tune: acc": 0.002}}
    stored = R.dispatch_changes()
    assert list(stored.columns) == list(R.load_variability()["dispatches"]) and (stored.to_numpy() >= 0).all()
    with pytest.raises(ValueError, match="variability"):
        R.dispatch_changes({"dispatches": {"native": {"speed": {"adam": [float("nan")]}, "fine_tune": {}}}})
