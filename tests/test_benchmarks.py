"""mem.benchmarks (chapter 6's runs as a zoo collection) and the zoo's collections."""
import concurrent.futures as cf
import json

import numpy as np
import pytest
import torch

from mem import benchmarks as bm
from mem import store, zoo
from mem.theory import chain_energy, henrici


def _tiny(cfgs):
    return [dict(c, n_updates=20, eval_every=10, n_val=50) for c in cfgs]


def test_recipe():
    cfgs = bm.configs()
    assert len(cfgs) == len(bm.TASKS) * len(bm.SCHEMES) * len(bm.LRS) * len(bm.SEEDS) == 108
    assert len({bm.entry_name(c) for c in cfgs}) == 108
    assert bm.entry_name(cfgs[0]) == "copy-chain-lr0.0001-s0"
    copy = bm.build_model(next(c for c in cfgs if c["task"] == "copy"))[0]
    assert copy.delay < bm.HIDDEN  # a pure chain forgets everything after N steps


def test_a_tiny_build_is_resumable_and_loads(tmp_path):
    cfgs = _tiny([c for c in bm.configs() if c["seed"] == 0 and c["lr"] == 3e-4 and c["task"] == "psdigits"
                  and c["scheme"] in ("chain", "orthogonal")])
    ex = cf.ThreadPoolExecutor(1)
    man = store.build("benchmarks", folder=tmp_path, configs=cfgs, executor=ex)
    assert set(man["entries"]) == {"psdigits-chain-lr0.0003-s0", "psdigits-orthogonal-lr0.0003-s0"}
    before = (tmp_path / "manifest.json").read_text()
    store.build("benchmarks", folder=tmp_path, configs=cfgs, executor=ex)  # nothing to do
    assert (tmp_path / "manifest.json").read_text() == before
    run = bm.load("psdigits-chain-lr0.0003-s0", tmp_path)
    assert run.history.val_steps.tolist() == [0, 10, 20]
    W0 = run.initial.rnn.weight_hh_l0.detach()
    assert W0[1, 0] == pytest.approx(1.02) and not torch.equal(W0, run.model.rnn.weight_hh_l0.detach())
    t = bm.table(tmp_path)
    assert list(t.scheme) == ["chain", "orthogonal"] and t.final.between(0, 3).all()
    steps, mat, lr = bm.curves("psdigits", zoo_dir=tmp_path)["chain"]
    assert steps.tolist() == [0, 10, 20] and mat.shape == (1, 3) and lr == 3e-4
    assert bm.activity(run, n_trials=3).shape == (3, 64, bm.HIDDEN)


def test_diverged_runs_are_kept_and_count_as_failures(tmp_path):
    cfg = _tiny([c for c in bm.configs() if c["task"] == "addition" and c["scheme"] == "identity"])[0]
    cfg = dict(cfg, lr=1e6, clip=0)  # no clipping: guaranteed to blow up
    store.build("benchmarks", folder=tmp_path, configs=[cfg], executor=cf.ThreadPoolExecutor(1))
    row = bm.table(tmp_path).iloc[0]
    assert row.diverged and not row.success and np.isnan(row.final)


def test_matched_perturbation_and_nonnormality_control():
    W0 = torch.eye(5)
    W1 = W0 + torch.ones(5, 5) * 0.1
    C = bm.matched_perturbation(W0, W1, seed=0)
    assert float((C - W0).norm()) == pytest.approx(float((W1 - W0).norm()), rel=1e-6)
    assert not torch.allclose(C, W1)
    assert torch.equal(C, bm.matched_perturbation(W0, W1, seed=0))
    with pytest.raises(ValueError, match="W0 and W1 must be 2-D matrices of the same shape"):
        bm.matched_perturbation(W0, torch.ones(4, 4))


def test_stored_benchmarks_are_complete():
    man = zoo.manifest(bm.BENCH_DIR)
    assert set(man["entries"]) == {bm.entry_name(c) for c in bm.configs()}
    assert man["recipe"] == bm.RECIPE
    for e in man["entries"].values():
        assert e["config"] == json.loads(json.dumps(e["config"])) and len(e["sha256"]) == 64
        assert (bm.BENCH_DIR / e["file"]).exists()
    t = bm.table()
    assert (t.success == (t.final < 0.5)).all()


def test_stored_nonnormality_table_matches_theory():
    name = "psdigits-orthogonal-lr0.0003-s0"
    df = bm.nonnormality([name]).set_index("matrix")
    run = bm.load(name)
    W1 = run.model.rnn.weight_hh_l0.detach()
    assert df.loc["trained", "henrici"] == pytest.approx(henrici(W1))
    assert df.loc["trained", "chain_energy"] == pytest.approx(chain_energy(W1))
    assert df.loc["initial", "henrici_rel"] < 1e-5  # an orthogonal matrix is normal


def test_bridge_collection():
    man = zoo.manifest(zoo.BRIDGE_DIR)
    assert set(man["entries"]) == {zoo.entry_name(c) for c in zoo.bridge_configs()}
    t = zoo.table(zoo.BRIDGE_DIR)
    assert len(t) == 9 and set(t.hidden_size) == {100}
    e = zoo.load("gru100-nacu-chain-s0", zoo.BRIDGE_DIR)
    assert e.config["init"] == "chain"


def test_collections_and_validation():
    assert zoo.collection("bridge").folder == zoo.BRIDGE_DIR
    assert zoo.collection("benchmarks") is bm.COLLECTION
    with pytest.raises(ValueError, match="name must be one of"):
        zoo.collection("extra")
    with pytest.raises(ValueError, match="task must be one of"):
        bm.curves("mnist")
    with pytest.raises(ValueError, match="no benchmark runs"):
        bm.table("/nonexistent/folder")


def test_summary_and_excess_on_the_stored_runs():
    runs = bm.table()
    s = bm.summary(runs)
    copy_chain = runs[(runs.task == "copy") & (runs.scheme == "chain")]
    assert s.loc[("copy", "chain"), "successes"] == f"{int(copy_chain.success.sum())}/{len(copy_chain)}"
    best = s.loc[("copy", "chain"), "best lr"]
    medians = copy_chain.groupby("lr").final.median()
    assert medians[best] == medians.min() == s.loc[("copy", "chain"), "median final loss / baseline at best lr"]
    names = ["addition-identity-lr0.001-s0", "psdigits-orthogonal-lr0.0003-s0"]
    nn = bm.nonnormality(names)
    w = bm.excess(nn, "henrici").set_index("name")
    for n in names:
        rows = nn[nn.name == n].set_index("matrix").henrici
        assert w.loc[n, "trained − control"] == pytest.approx(rows["trained"] - rows["control"])
    with pytest.raises(ValueError, match="value must be one of"):
        bm.excess(nn, "moved")


def test_gate_chain_energy_and_the_nonnormality_summary():
    import pandas as pd

    from mem import init
    W0 = init.gated_(torch.empty(12, 4, dtype=torch.float64), [init.chain_] * 3)
    rows = bm.gate_chain_energy(W0, W0.clone())
    assert [r["gate"] for r in rows] == ["r", "z", "n"]
    assert all(r["trained"] == 1 and r["moved"] == 0 and r["mean chain weight"] == pytest.approx(1.02) for r in rows)
    W1 = W0 + 0.5 * torch.randn(12, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    rows = bm.gate_chain_energy(W0, W1)
    assert all(0 < r["trained"] < 1 and r["moved"] > 0 for r in rows)
    nn = pd.DataFrame([{"task": "copy", "scheme": s, "matrix": m, "henrici": h, "henrici_rel": h / 10,
                        "chain_energy": 0.5, "moved": 1.0}
                       for s in ("chain", "fbchain") for m in ("initial", "trained", "control") for h in (1.0, 3.0)])
    summary = bm.nonnormality_summary(nn)
    assert list(summary.columns.get_level_values(1)[:3]) == ["initial", "trained", "control"]
    assert summary.loc[("copy", "chain"), ("henrici", "trained")] == 2.0
    text = bm.format_nonnormality(summary)
    assert "2.000" in text and " 2.0 " in text and "0.20 " in text      # fbchain's initial indices coarser


def test_decoding_at_init_has_a_row_per_noise_and_scheme():
    dec = bm.decoding_at_init([0, 3], noises=(0.0, 0.1), schemes=("chain", "orthogonal"), hidden_size=8)
    assert list(dec.index) == [(0.0, "chain"), (0.0, "orthogonal"), (0.1, "chain"), (0.1, "orthogonal")]
    assert list(dec.columns) == [0, 3] and dec.columns.name == "lag"
    assert (dec <= 1).all().all() and (dec[0] > dec[3]).all()   # the present input is the most decodable


def test_symbol_influence_ends_where_the_chain_does():
    # letters enter units 1..8 and leave the 100-unit chain 99..92 steps later; the earliest recall step comes
    # T - 19 steps after the last symbol: the chain's recall outputs stop depending on the symbols at T = 118
    n, s = bm.HIDDEN, bm.TASKS["copy"]["task"]["n_symbols"]
    assert bm.symbol_influence(n + 2 * s - 3, "chain", n_trials=8) > 0.1
    assert bm.symbol_influence(n + 2 * s - 2, "chain", n_trials=8) == 0.0
    assert bm.symbol_influence(bm.PAPER_BUDGET["copy"]["T"], "chain", n_trials=8) == 0.0
    assert bm.symbol_influence(bm.PAPER_BUDGET["copy"]["T"], "identity", n_trials=8) > 0.1   # an accumulator
    with pytest.raises(ValueError, match="T"):
        bm.symbol_influence(20)          # copy needs T >= 2 * n_symbols + 1


def test_update_seconds_and_the_paper_budget():
    assert 0 < bm.update_seconds("addition", 10, n_updates=1) < 5
    with pytest.raises(ValueError, match="task"):
        bm.update_seconds("psdigits")    # no trial length
    budget = bm.paper_budget(n_updates=1)
    assert list(budget.index.get_level_values(1)) == ["book", "paper's T, book's updates", "paper"] * 2
    paper = budget.xs("paper", level=1)
    assert (paper["updates per run"] == 100 * 60_000 // 16).all() and list(paper["T"]) == [500, 750]
    runs = len(bm.SCHEMES) * len(bm.LRS) * len(bm.SEEDS)
    assert np.allclose(budget["CPU days, grid"] * 86400,
                       budget["seconds per update"] * budget["updates per run"] * runs)
