import concurrent.futures as cf
import dataclasses
import hashlib
import io
import json
import shutil

import numpy as np
import pytest
import torch

import mem
from mem import store, zoo
from mem.evaluate import accuracy_vs_delay, report_accuracy

REQUIRED = {"file", "sha256", "config", "seed", "threads", "torch_version", "metrics", "evaluation"}


def test_manifest_lists_the_recipe_with_provenance():
    man = zoo.manifest()
    entries = man["entries"]
    expected = {f"{a}{h}-{p}-s{s}" for a in ("gru", "lstm") for h, seeds in ((64, range(6)), (128, range(3)))
                for p in ("nacu", "decu", "vocu") for s in seeds}
    assert expected == set(entries) == {zoo.entry_name(c) for c in zoo.default_configs()}
    for name, e in entries.items():
        assert REQUIRED <= set(e), name
        assert e["config"]["seed"] == e["seed"] and e["threads"] >= 1
        assert len(e["sha256"]) == 64
        assert (zoo.ZOO_DIR / e["file"]).exists()
    assert zoo.names(arch="gru", protocol="decu", hidden_size=64) == [f"gru64-decu-s{s}" for s in range(6)]
    assert zoo.names(arch="gru", protocol="decu", hidden_size=64, seed=[0, 2]) == ["gru64-decu-s0", "gru64-decu-s2"]
    assert all(e["metrics_version"] == zoo.METRICS_VERSION for e in entries.values())


def test_manifest_configs_are_complete_and_rebuildable():
    """Every stored protocol config is complete: rebuilding it gives back exactly the stored dict."""
    for name, e in zoo.manifest()["entries"].items():
        proto = e["config"]["protocol"]
        assert mem.protocols.make_protocol(proto).config() == proto, name
    assert zoo.manifest()["recipe"] == zoo.RECIPE


def test_entry_curve_and_lifetime():
    e = zoo.load("lstm64-nacu-s1")
    c = e.delay_curve
    assert isinstance(c, mem.evaluate.DelayCurve) and c.to_dict() == e.metrics["delay_curve"]
    assert e.lifetime == pytest.approx(mem.evaluate.memory_lifetime(c))


def test_package_data_is_small():
    """All the collections together (chapters 2-6) stay a small download: 40 MB (about 30 before issue 21's
    MNIST-1D networks, 36 of about 0.2 MB each)."""
    total = sum(p.stat().st_size for p in zoo.ZOO_DIR.rglob("*") if p.is_file())
    assert total < 40e6


def test_load_verifies_checksum(tmp_path):
    shutil.copytree(zoo.ZOO_DIR, tmp_path / "z")
    name = "gru64-nacu-s0"
    e = zoo.load(name, tmp_path / "z")
    assert isinstance(e.model, mem.models.RNNClassifier) and not e.model.training
    assert e.history.loss.shape == (e.config["protocol"]["n_iters"],)
    path = tmp_path / "z" / f"{name}.pt"
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # flip one byte
    path.write_bytes(bytes(raw))
    with pytest.raises(store.IntegrityError, match="sha256 mismatch"):
        zoo.load(name, tmp_path / "z")
    path.unlink()
    with pytest.raises(store.IntegrityError, match="missing"):
        zoo.load(name, tmp_path / "z")
    with pytest.raises(ValueError, match="name"):
        zoo.load("gru64-nocu-s9")


def test_stored_metrics_match_the_stored_weights(task):
    """The manifest's numbers are what the stored networks actually do."""
    ev = zoo.EVAL
    for name in ("gru64-vocu-s0", "lstm64-decu-s1"):
        e = zoo.load(name)
        acc = report_accuracy(e.model, task, ev["n_trials_report"], ev["seed"])
        assert acc == e.metrics["report_accuracy"]
        curve = accuracy_vs_delay(e.model, task, ev["delays"], ev["n_trials_delay"], ev["seed"])
        np.testing.assert_allclose(curve.accuracy, e.metrics["delay_curve"]["accuracy"], atol=1e-6)


def test_build_through_any_executor(tmp_path):
    cfg = dict(zoo.default_configs()[0], hidden_size=4, protocol={"name": "nacu", "n_iters": 3})
    with cf.ThreadPoolExecutor(1) as ex:
        man = store.build("networks", folder=tmp_path, executor=ex, configs=[cfg])
    (name,) = man["entries"]
    assert name == "gru4-nacu-s0"
    written = json.loads((tmp_path / "manifest.json").read_text())
    assert written["entries"][name]["sha256"] == man["entries"][name]["sha256"]
    assert zoo.load(name, tmp_path).model.hidden_size == 4
    with pytest.raises(ValueError, match="which"):
        store.build("networks", ["gru4-nacu-s7"], folder=tmp_path, configs=[cfg])


def _tiny(seed=0, **kw):
    return dict(zoo.default_configs()[0], hidden_size=4, protocol={"name": "nacu", "n_iters": 3}, seed=seed, **kw)


class CountingExecutor(cf.ThreadPoolExecutor):
    def __init__(self):
        super().__init__(1)
        self.submitted = []

    def submit(self, fn, *args, **kwargs):
        self.submitted.append(fn.__name__)
        return super().submit(fn, *args, **kwargs)


def test_build_is_resumable_and_survives_a_crashing_entry(tmp_path):
    good, bad = _tiny(0), _tiny(1, data="mnist")  # "mnist" is not a dataset the zoo can load: that entry raises
    with CountingExecutor() as ex, pytest.raises(store.BuildError) as err:
        store.build("networks", folder=tmp_path, executor=ex, configs=[good, bad])
    assert set(err.value.failures) == {"gru4-nacu-s1"}
    assert "data must be one of ['digits', 'mnist1d']" in err.value.failures["gru4-nacu-s1"]
    assert list(zoo.manifest(tmp_path)["entries"]) == ["gru4-nacu-s0"]   # the good entry was kept
    assert not list(tmp_path.glob(".*tmp"))                              # no half-written files left behind
    # a second build skips the finished entry ...
    with CountingExecutor() as ex:
        store.build("networks", ["gru4-nacu-s0"], folder=tmp_path, executor=ex, configs=[good])
    assert ex.submitted == []
    # ... re-measures it (without retraining) if its metrics are out of date ...
    man = zoo.manifest(tmp_path)
    man["entries"]["gru4-nacu-s0"]["metrics_version"] = 0
    (tmp_path / "manifest.json").write_text(json.dumps(man))
    sha = man["entries"]["gru4-nacu-s0"]["sha256"]
    with CountingExecutor() as ex:
        man = store.build("networks", ["gru4-nacu-s0"], folder=tmp_path, executor=ex, configs=[good])
    assert ex.submitted == ["evaluate_entry"] and man["entries"]["gru4-nacu-s0"]["sha256"] == sha
    assert man["entries"]["gru4-nacu-s0"]["metrics_version"] == zoo.METRICS_VERSION
    # ... and retrains it if its file no longer matches the manifest
    (tmp_path / "gru4-nacu-s0.pt").write_bytes(b"garbage")
    with CountingExecutor() as ex:
        man = store.build("networks", ["gru4-nacu-s0"], folder=tmp_path, executor=ex, configs=[good])
    assert ex.submitted == ["train_entry"] and man["entries"]["gru4-nacu-s0"]["sha256"] == sha   # bit-identical
    with pytest.raises(ValueError, match="workers"):
        store.build("networks", folder=tmp_path, configs=[good], workers=0)


def test_build_with_the_default_process_pool(tmp_path):
    man = store.build("networks", folder=tmp_path, configs=[_tiny(0), _tiny(1)], workers=2)
    with cf.ThreadPoolExecutor(1) as ex:  # the same entries, in-process: identical bytes
        ref = store.build("networks", folder=tmp_path / "ref", configs=[_tiny(0), _tiny(1)], executor=ex)
    assert {n: e["sha256"] for n, e in man["entries"].items()} == {n: e["sha256"] for n, e in ref["entries"].items()}


@pytest.mark.loopback
@pytest.mark.slow
def test_build_with_a_dask_cluster_on_loopback_equals_the_process_pool(tmp_path):
    """A dask.distributed cluster of two worker processes, bound to 127.0.0.1 over TCP (as a cluster of
    machines would be, on one), builds the same entries, byte for byte, as the default process pool."""
    import distributed  # a [test] dependency: `make test` installs it, so this test never skips there

    configs = [_tiny(0), _tiny(1)]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  protocol="tcp://", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
        man = store.build("networks", folder=tmp_path / "dask", configs=configs, executor=client.get_executor())
        # the entries were trained in the workers, not in this process
        assert client.run(lambda: True).keys() == workers.keys()
    pool = store.build("networks", folder=tmp_path / "pool", configs=configs, workers=2)
    assert sorted(man["entries"]) == ["gru4-nacu-s0", "gru4-nacu-s1"]
    for name, entry in pool["entries"].items():
        assert man["entries"][name]["sha256"] == entry["sha256"], name
        # the same measurements too (compared as JSON text: a lifetime that is never reached is NaN in both)
        assert json.dumps(man["entries"][name]["metrics"], sort_keys=True) == json.dumps(entry["metrics"],
                                                                                         sort_keys=True), name


def test_tables_of_the_zoo():
    df, ct = zoo.table(), zoo.class_table()
    assert len(df) == 54 and len(ct) == 54 * 10
    row = df[df["name"] == "gru64-nacu-s1"].iloc[0]
    e = zoo.load("gru64-nacu-s1")
    assert row["lifetime"] == e.lifetime and row["acc_200"] == e.delay_curve.at(200)
    assert row["drift"] == pytest.approx(float(np.median(e.metrics["speed"]["drift"])))
    digits = ct[ct["network"] == "gru64-nacu-s1"].sort_values("digit")
    assert digits["digit"].tolist() == list(range(1, 11))
    np.testing.assert_allclose(digits["lifetime"], e.delay_curve.class_lifetimes())
    np.testing.assert_allclose(digits["adam"], e.metrics["speed"]["adam"])
    np.testing.assert_allclose(digits["paper"], e.metrics["speed"]["paper"])       # the authors' budget (issue 19)
    assert row["paper"] == pytest.approx(float(np.median(e.metrics["speed"]["paper"])))
    assert e.metrics["speed"]["settings"]["paper"]["n_iters"] == 100_000



def test_index_of_the_zoo():
    """chapter 2's lookup: every network by (group, protocol, seed), groups by size then architecture."""
    ix = zoo.index()
    assert ix.groups == ["gru64", "lstm64", "gru128", "lstm128"] and ix.protocols == ["nacu", "decu", "vocu"]
    assert ix.seeds == {"gru64": list(range(6)), "lstm64": list(range(6)), "gru128": [0, 1, 2], "lstm128": [0, 1, 2]}
    assert ix.labels == {"gru64": "GRU-64", "lstm64": "LSTM-64", "gru128": "GRU-128", "lstm128": "LSTM-128"}
    assert sorted(ix.names) == zoo.names() and len(ix.by_key) == 54
    assert [ix.key[n][0] for n in ix.names] == sorted((ix.key[n][0] for n in ix.names), key=ix.groups.index)
    for name, (group, protocol, seed) in ix.key.items():
        cfg = zoo.manifest()["entries"][name]["config"]
        assert group == f"{cfg['arch']}{cfg['hidden_size']}" and (protocol, seed) == (cfg["protocol"]["name"],
                                                                                        cfg["seed"])
        assert ix.by_key[group, protocol, seed] == name
    small = zoo.index(hidden_size=128, protocol="decu")
    assert small.groups == ["gru128", "lstm128"] and small.protocols == ["decu"] and len(small.key) == 6
    with pytest.raises(ValueError, match="init"):            # the bridge's inits share (group, protocol, seed)
        zoo.index(zoo.BRIDGE_DIR)
    assert zoo.index(zoo.BRIDGE_DIR, init="chain").by_key["gru100", "nacu", 1] == "gru100-nacu-chain-s1"
    with pytest.raises(ValueError, match="zoo_dir"):
        zoo.index(seed=99)
    with pytest.raises(ValueError, match="filters"):
        zoo.index(colour="red")

def test_checkpoint_models_rebuilds_the_kept_checkpoints():
    e = zoo.load("gru64-vocu-s0")
    models = zoo.checkpoint_models(e, until=300, also=[1750, 3000])
    assert list(models) == [0, 100, 200, 300, 1750, 3000]
    for step, m in models.items():
        assert all(torch.equal(a, b) for a, b in zip(m.state_dict().values(), e.model_at(step).state_dict().values()))
    assert list(zoo.checkpoint_models(e)) == sorted(e.checkpoints) == zoo.FORMATION_CHECKPOINTS
    assert list(zoo.checkpoint_models(e, until=0, also=np.array([100]))) == [0, 100]
    with pytest.raises(ValueError, match=r"also must list stored checkpoints .*\[150\]"):
        zoo.checkpoint_models(e, until=100, also=[150])
    with pytest.raises(TypeError, match=r"entry must be a mem\.zoo\.ZooEntry"):
        zoo.checkpoint_models("gru64-vocu-s0")
    with pytest.raises(TypeError, match="until"):
        zoo.checkpoint_models(e, until=2.5)
    with pytest.raises(ValueError, match="has no checkpoints"):
        zoo.checkpoint_models(zoo.load("gru64-nacu-s0"))


def test_build_summary_counts_every_collection():
    s = zoo.build_summary()
    assert s.loc["networks", "entries"] == len(zoo.names()) == 54
    assert s.loc["bridge", "entries"] == 9 and s.loc["benchmarks", "entries"] == 108
    assert s.loc["mnist1d", "entries"] == len(zoo.mnist1d_configs()) == 36
    shipped = sum(f.stat().st_size for f in zoo.MNIST1D_DIR.iterdir() if f.suffix in (".pt", ".json")) / 1e6
    assert s.loc["mnist1d", "megabytes"] == round(shipped, 1) and 0 < shipped < 20
    expected = sum(e["train_seconds"] for e in zoo.manifest()["entries"].values()) / 3600
    assert s.loc["networks", "train_hours"] == pytest.approx(expected, abs=0.01) and expected > 0


def test_load_refuses_non_finite_weights_even_with_a_matching_sha256(tmp_path):
    """issue 18: a file of NaN weights whose manifest was written with it (as a diverged build would) is refused."""
    with cf.ThreadPoolExecutor(1) as ex:
        store.build("networks", folder=tmp_path, executor=ex, configs=[_tiny(0)])
    path = tmp_path / "gru4-nacu-s0.pt"
    payload = torch.load(path, weights_only=True)
    payload["state_dict"]["rnn.weight_hh_l0"][0, 0] = float("nan")
    buf = io.BytesIO()
    torch.save(payload, buf)
    path.write_bytes(buf.getvalue())
    man = zoo.manifest(tmp_path)
    e = man["entries"]["gru4-nacu-s0"]
    e["sha256"] = hashlib.sha256(buf.getvalue()).hexdigest()
    e["checksum"] = store.entry_checksum(e)          # the entry as a build that stored the NaN weights writes it
    (tmp_path / "manifest.json").write_text(json.dumps(man))
    repair = r"not finite; rebuild .*build COLLECTION gru4-nacu-s0 --force --replace`"   # a folder of no collection
    with pytest.raises(store.IntegrityError, match=repair):
        zoo.load("gru4-nacu-s0", tmp_path)


def test_an_edited_metric_in_a_copy_is_refused_by_load_and_reported_by_verify(tmp_path):
    """issue 18: the manifest's metrics carry a checksum: a number edited by hand is caught, with its repair."""
    name = "gru64-nacu-s0"
    copy = tmp_path / "z"
    copy.mkdir()
    shutil.copy(zoo.ZOO_DIR / f"{name}.pt", copy)
    man = zoo.manifest()
    entry = man["entries"][name]
    assert entry["checksum"] == store.entry_checksum(entry) and man["collection"] == "networks"
    text = json.dumps({**man, "entries": {name: entry}}, indent=1)
    acc = f'"report_accuracy": {entry["metrics"]["report_accuracy"]}'
    assert text.count(acc) == 1
    (copy / "manifest.json").write_text(text)
    assert zoo.load(name, copy).metrics == entry["metrics"]                       # the copy as stored reads
    (copy / "manifest.json").write_text(text.replace(acc, '"report_accuracy": 0.99'))   # a better number, by hand
    repair = r"changed after it was written.*git checkout -- .*manifest\.json`, or rebuild the entry with `python -m"
    for read in (lambda: zoo.load(name, copy), lambda: zoo.table(copy), lambda: zoo.names(copy)):
        with pytest.raises(store.IntegrityError, match=repair):
            read()
    col = store.register(dataclasses.replace(zoo.NETWORKS, name="networks-copy", folder=copy))
    try:
        n, problems = store.verify(col.name)
        assert n == 1 and len(problems) == 1
        assert "changed after it was written" in problems[0] and "python -m mem.store build networks-copy " \
            f"{name}`" in problems[0]
    finally:
        store.unregister(col.name)


def test_table_checks_probe_seed():
    """The refusals of table's probe_seed (each valid seed re-measures every network: not in the contract spec)."""
    for bad, error in (("0", TypeError), (0.5, TypeError), (float("nan"), TypeError), (True, TypeError),
                       (-1, ValueError), (2**64, ValueError)):
        with pytest.raises(error, match="probe_seed"):
            zoo.table(zoo.BRIDGE_DIR, probe_seed=bad)


def test_evaluate_entry_checks_seconds():
    """The refusals of evaluate_entry's seconds, before any measuring (not in the contract spec: each valid
    value re-measures the network)."""
    cfg = dict(zoo.default_configs()[0], hidden_size=4)
    for bad, error in (("0.5", TypeError), (None, TypeError), ([0.5], TypeError), (float("nan"), ValueError),
                       (float("inf"), ValueError), (-1.0, ValueError)):
        with pytest.raises(error, match="seconds"):
            zoo.evaluate_entry(cfg, b"not read", bad)


def test_the_mnist1d_collection_is_the_networks_recipe_on_the_second_dataset(tmp_path):
    """issue 21: the 64-unit recipe, seed for seed, on MNIST-1D; its networks read 40 samples + trigger."""
    digits = [c for c in zoo.default_configs() if c["hidden_size"] == 64]
    assert zoo.mnist1d_configs() == [dict({k: v for k, v in c.items() if k != "checkpoints"}, data="mnist1d")
                                     for c in digits]
    assert "mnist1d" in zoo.COLLECTIONS and zoo.collection("mnist1d").folder == zoo.MNIST1D_DIR
    assert sorted(zoo.manifest(zoo.MNIST1D_DIR)["entries"]) == sorted(zoo.entry_name(c) for c in digits)
    e = zoo.load("lstm64-vocu-s0", zoo.MNIST1D_DIR)
    assert e.config["data"] == "mnist1d" and e.model.rnn.input_size == 40 + 1   # samples + trigger
    t = zoo.table(zoo.MNIST1D_DIR)
    assert len(t) == 36 and set(t.data) == {"mnist1d"} and set(zoo.table().data) == {"digits"}
    assert set(zoo.class_table(zoo.MNIST1D_DIR).data) == {"mnist1d"}
    # a tiny entry trained on each dataset: the config's "data" decides the task's input size
    with cf.ThreadPoolExecutor(1) as ex:
        man = store.build("mnist1d", folder=tmp_path, executor=ex, configs=[_tiny(data="mnist1d")])
    assert man["entries"]["gru4-nacu-s0"]["config"]["data"] == "mnist1d"
    assert zoo.load("gru4-nacu-s0", tmp_path).model.rnn.input_size == 41
    with pytest.raises(ValueError, match=r"data must be one of \['digits', 'mnist1d'\], got 'cifar10'"):
        zoo.train_entry(_tiny(data="cifar10"))
