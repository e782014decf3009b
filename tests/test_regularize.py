import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
import torch

import mem
from mem import regularize as rg
from mem import slowpoints as sp
from mem.models import RNNClassifier


@pytest.mark.parametrize("arch", ["gru", "lstm", "rnn_tanh"])
def test_speed_penalty_is_the_sum_of_speeds_and_differentiable(arch, task):
    m = RNNClassifier(arch, task.input_size, 8, seed=0)
    v = torch.randn(5, m.state_size).clamp(-0.9, 0.9)
    x = task.mean_input()
    for comp in ("full", "h", "h_tanh_c"):
        pen = rg.speed_penalty(m, v, x, components=comp)
        want = sp.speed(m, m.unflatten_state(v.double()), x, components=comp).sum()
        assert float(pen) == pytest.approx(float(want), rel=1e-5)
    # the default is the whole state; the paper's choice is passed explicitly
    assert float(rg.speed_penalty(m, v, x)) == float(rg.speed_penalty(m, v, x, components="full"))
    paper = sp.paper_components(m)
    want = sp.speed(m, m.unflatten_state(v.double()), x, components=paper).sum()
    assert float(rg.speed_penalty(m, v, x, paper)) == pytest.approx(float(want), rel=1e-5)
    pen = rg.speed_penalty(m, m.unflatten_state(v), x)        # a State works too
    grads = torch.autograd.grad(pen, list(m.parameters()), allow_unused=True)
    assert any(g is not None and g.abs().sum() > 0 for g in grads)
    assert not v.requires_grad                                 # the points are constants


def test_speed_penalty_validates(task):
    m = RNNClassifier("gru", task.input_size, 8, seed=0)
    with pytest.raises(ValueError, match=r"points must have shape \(N, 8\)"):
        rg.speed_penalty(m, torch.zeros(3, 5), task.mean_input())
    with pytest.raises(TypeError, match="points must be SlowPoints"):
        rg.speed_penalty(m, [[0.0] * 8], task.mean_input())
    with pytest.raises(ValueError, match="points must be finite"):
        rg.speed_penalty(m, torch.full((3, 8), float("nan")), task.mean_input())
    with pytest.raises(ValueError, match="inputs must have shape"):
        rg.speed_penalty(m, torch.zeros(3, 8), torch.zeros(7))
    with pytest.raises(ValueError, match="components must be one of"):
        rg.speed_penalty(m, torch.zeros(3, 8), task.mean_input(), components="c")
    with pytest.raises(ValueError, match="lam must be"):
        rg.SpeedPenalty(torch.zeros(3, 8), task.mean_input(), -1.0)
    with pytest.raises(ValueError, match="tracking must be one of"):
        rg.SpeedPenalty(torch.zeros(3, 8), task.mean_input(), 1.0, tracking="moving")
    with pytest.raises(ValueError, match="mode must be one of"):
        rg.fine_tune(m, task, torch.zeros(3, 8), 1.0, 2, mode="speed")
    with pytest.raises(ValueError, match="n_iters must be"):
        rg.fine_tune(m, task, torch.zeros(3, 8), 1.0, 0)


@pytest.mark.parametrize("arch", ["gru", "lstm"])
def test_noise_frames_of_zero_variance_are_M_times_the_mean_input_penalty(arch, task, digits):
    """The authors' normalisation sums over points x frames: frames without noise are M copies of the mean input."""
    still = mem.tasks.DelayedClassification(dataclasses.replace(digits, noise_std=0.0), T_max=20, delta_min=4)
    m = RNNClassifier(arch, task.input_size, 8, seed=0)
    v = torch.randn(5, m.state_size).clamp(-0.9, 0.9)
    x = task.mean_input()
    for comp in ("full", "h_tanh_c"):
        once = float(rg.speed_penalty(m, v, x, comp).detach())
        for M in (1, 3, 10):
            frames = float(rg.speed_penalty(m, v, x, comp, M, task=still, generator=torch.Generator().manual_seed(0)))
            assert frames == pytest.approx(M * once, rel=1e-5)
        assert rg.penalty_conversion(m, still, v, noise_frames=10, n_frames=7, components=comp) == pytest.approx(
            10.0, rel=1e-5)
    # the task's own noise: other frames, a larger penalty; the same generator seed, the same frames
    noisy = [float(rg.speed_penalty(m, v, x, "full", 4, task=task, generator=torch.Generator().manual_seed(s)))
             for s in (0, 0, 1)]
    assert noisy[0] == noisy[1] != noisy[2] and noisy[0] > 4 * float(rg.speed_penalty(m, v, x))
    # the trigger stays off: the frames are the mean input with noise in the pixels
    frames = rg._noise_frames(task, x.expand(5, -1), 3, torch.Generator().manual_seed(0))
    assert frames.shape == (3, 5, task.input_size) and (frames[..., -1] == 0).all()
    assert abs(float(frames[..., :-1].mean()) - float(x[0])) < 0.05 and float(frames[..., :-1].std()) > 0.1
    pen = rg.speed_penalty(m, v, x, "full", 2, task=task)                    # differentiable in the weights
    assert any(g is not None and g.abs().sum() > 0 for g in torch.autograd.grad(pen, list(m.parameters()),
                                                                              allow_unused=True))


def test_speed_penalty_draws_fresh_reproducible_frames_each_step(task):
    m = RNNClassifier("gru", task.input_size, 8, seed=0)
    v = torch.randn(4, 8).clamp(-0.9, 0.9)
    pen = rg.SpeedPenalty(v, task.mean_input(), 2.0, noise_frames=5, task=task, seed=3)
    steps = [float(pen(m, t)) for t in (0, 1, 0)]
    assert steps[0] != steps[1] and steps[0] == steps[2]            # fresh at each step, a function of the step
    again = rg.SpeedPenalty(v, task.mean_input(), 2.0, noise_frames=5, task=task, seed=3)
    other = rg.SpeedPenalty(v, task.mean_input(), 2.0, noise_frames=5, task=task, seed=4)
    assert float(again(m, 1)) == steps[1] and float(other(m, 1)) != steps[1]
    plain = rg.SpeedPenalty(v, task.mean_input(), 2.0)
    once = float(rg.speed_penalty(m, v, task.mean_input()))
    assert float(plain(m, 0)) == float(plain(m, 1)) == pytest.approx(2 * once)
    # lam * the sum over points x frames
    want = 2.0 * float(rg.speed_penalty(m, v, task.mean_input(), "full", 5, task=task,
                                        generator=pen._frames_generator(1)))
    assert steps[1] == pytest.approx(want, rel=1e-6)


def test_fine_tune_with_noise_frames_is_reproducible(task):
    m = RNNClassifier("gru", task.input_size, 8, seed=0)
    pts = torch.randn(3, 8).clamp(-0.9, 0.9)
    kw = dict(lam=5.0, n_iters=4, batch_size=8, progress=False)
    a, ha = rg.fine_tune(m, task, pts, noise_frames=3, seed=1, **kw)
    b, hb = rg.fine_tune(m, task, pts, noise_frames=3, seed=1, **kw)
    c, _ = rg.fine_tune(m, task, pts, noise_frames=3, seed=2, **kw)
    d, hd = rg.fine_tune(m, task, pts, noise_frames=0, seed=1, **kw)
    assert rg.weights_sha256(a) == rg.weights_sha256(b) and np.array_equal(ha.penalty, hb.penalty)
    assert rg.weights_sha256(a) not in (rg.weights_sha256(c), rg.weights_sha256(d))
    assert len(set(ha.penalty.tolist())) == 4                      # new frames every step
    assert ha.loss[0] == hd.loss[0]                                # the frames do not touch the batches
    _, hctrl = rg.fine_tune(m, task, pts, noise_frames=3, mode="control", **kw)
    assert (hctrl.penalty == 0).all()


def test_noise_frames_are_validated(task):
    m = RNNClassifier("gru", task.input_size, 8, seed=0)
    v, x = torch.zeros(3, 8), task.mean_input()
    with pytest.raises(ValueError, match="noise_frames must be"):
        rg.speed_penalty(m, v, x, "full", -1, task=task)
    with pytest.raises(TypeError, match="noise_frames must be"):
        rg.speed_penalty(m, v, x, "full", 2.5, task=task)
    with pytest.raises(TypeError, match=r"task must be a mem\.tasks\.DelayedClassification"):
        rg.speed_penalty(m, v, x, "full", 2)
    with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
        rg.speed_penalty(m, v, x, "full", 2, task=task, generator=0)
    with pytest.raises(TypeError, match=r"task must be a mem\.tasks\.DelayedClassification when noise_frames > 0"):
        rg.SpeedPenalty(v, x, 1.0, noise_frames=2)
    with pytest.raises(ValueError, match="noise_frames must be"):
        rg.fine_tune(m, task, v, 1.0, 2, noise_frames=10**5, progress=False)
    with pytest.raises(ValueError, match="noise_frames must be"):
        rg.penalty_conversion(m, task, v, noise_frames=0)
    with pytest.raises(ValueError, match="points must have a summed speed > 0"):
        fixed = RNNClassifier("rnn_tanh", task.input_size, 8, seed=0)
        with torch.no_grad():
            for q in fixed.parameters():
                q.zero_()
        rg.penalty_conversion(fixed, task, v)


def test_fine_tune_copies_and_lowers_the_speed(task):
    e = mem.zoo.load("gru64-nacu-s0")
    before = {k: v.clone() for k, v in e.model.state_dict().items()}
    pts, labels = rg.anchor_points(e.model, task, "slowpoints", n_iters=300)
    assert pts.shape == (10, 64) and labels.tolist() == list(range(1, 11))
    x = task.mean_input()
    s0 = float(rg.speed_penalty(e.model, pts, x))
    tuned, hist = rg.fine_tune(e.model, task, pts, lam=1000.0, n_iters=40, progress=False)
    ctrl, hist0 = rg.fine_tune(e.model, task, pts, lam=1000.0, n_iters=40, mode="control", progress=False)
    assert all(torch.equal(v, e.model.state_dict()[k]) for k, v in before.items())   # the original is untouched
    assert tuned is not e.model and not tuned.training
    assert hist.penalty.shape == (40,) and hist.penalty[-1] < 0.75 * hist.penalty[0]
    assert float(rg.speed_penalty(tuned, pts, x)) < 0.75 * s0 < 0.75 * float(rg.speed_penalty(ctrl, pts, x))
    assert (hist0.penalty == 0).all()                          # control: lambda forced to 0
    # the same batches in both runs: at step 0 the task losses agree
    assert hist.loss[0] == pytest.approx(hist0.loss[0], rel=1e-6)


def test_retracked_points_follow_the_network_and_train_from_scratch(task):
    m = RNNClassifier("gru", task.input_size, 16, seed=0)
    start, _ = sp.trajectory_states(m, task, n_samples=8, max_delay=20)
    pen = rg.SpeedPenalty(start, task.mean_input(), 10.0, tracking="retrack", retrack_n_iters=2)
    hist = mem.train.train(m, task, mem.protocols.NaCu(30), penalty=pen, progress=False)
    assert hist.penalty.shape == (30,) and (hist.penalty > 0).all()
    moved = (pen.points.detach() - m.flatten_state(start)).norm(dim=1)
    assert (moved > 0).all() and pen._opt is not None         # one persistent optimiser moved them ...
    assert (pen.points.abs() <= 1).all()                       # ... inside the reachable box |h| <= 1
    fixed = rg.SpeedPenalty(start, task.mean_input(), 10.0)
    mem.train.train(RNNClassifier("gru", task.input_size, 16, seed=0), task, mem.protocols.NaCu(5),
                    penalty=fixed, progress=False)
    assert torch.equal(fixed.points, m.flatten_state(start))  # fixed points never move
    with pytest.raises(TypeError, match="penalty must be a callable"):
        mem.train.train(m, task, mem.protocols.NaCu(2), penalty=1.0, progress=False)


def test_sweep_configs_cover_modes_and_lambdas():
    cfgs = rg.sweep_configs()
    names = [rg.sweep_name(c) for c in cfgs]
    n_main = len(rg.SWEEP["networks"]) * (1 + 2 * len(rg.SWEEP["lams"]) + len(rg.SWEEP["retrack_lams"]) + 1)
    n_full = len(rg.SWEEP["full_state"]["networks"]) * len(rg.SWEEP["full_state"]["lams"])
    assert len(set(names)) == len(cfgs) == n_main + 5 * len(rg.SWEEP["networks"]) + n_full + 3 * len(
        rg.SWEEP["more_networks"])
    assert "gru64-nacu-s0-slowpoints-retrack_adam-lam1000" in names
    assert "gru64-nacu-s0-control-fixed-lam0" in names                 # the first sweep's names are kept
    assert "gru64-nacu-s0-slowpoints-fixed-lam0.001-noise10-steps5000-lr1e-05" in names
    assert "gru64-nacu-s0-control-fixed-lam0-steps5000-lr1e-05" in names
    assert "lstm64-nacu-s1-slowpoints-fixed-lam1000-full" in names
    assert "lstm128-nacu-s0-centermass-fixed-lam1000" in names
    recipes = [rg._recipe(c) for c in cfgs]
    assert recipes.count("authors") == 3 * len(rg.SWEEP["networks"]) and recipes.count("full-state") == n_full
    assert recipes.count("authors-penalty") == 2 * len(rg.SWEEP["networks"])
    assert "lstm64-nacu-s0-centermass-fixed-lam0.001-noise10" in names
    assert "other" not in recipes
    old = rg.load_sweep(mem.zoo.ZOO_DIR / rg.TEST_ANCHORS_FILE)["entries"]
    assert len(old) == n_main and set(old) <= set(names)
    stored = rg.load_sweep()
    assert set(stored["entries"]) == set(names) and stored["settings"] == rg.SWEEP
    t = rg.sweep_table(stored, recipe=None)
    assert len(t) == len(cfgs) and np.isfinite(t["report_accuracy"]).all()
    assert set(t.recipe) == set(rg.RECIPES) and len(rg.sweep_table(stored)) == recipes.count("ours")
    assert (t[t.noise_frames > 0].lam_conversion > 10).all() and t[t.noise_frames == 0].lam_conversion.isna().all()
    assert mem.store.lookup("sweep") is rg.SWEEP_COLLECTION
    assert rg.SWEEP_COLLECTION.folder / rg.SWEEP_COLLECTION.manifest_file == mem.zoo.ZOO_DIR / rg.SWEEP_FILE
    with pytest.raises(ValueError, match="which must name entries of"):
        mem.store.build("sweep", ["gru64-nacu-s0-nothing"])
    with pytest.raises(ValueError, match="recipe must be one of"):
        rg.sweep_table(stored, recipe="theirs")


def test_sweep_effects_tables_read_the_sweep():
    t = rg.sweep_table()
    nets = rg.SWEEP["networks"]
    gain, cost, cm, rt, rt_adam, old_speed, own_speed, ctrl_change = rg.sweep_effects(t)
    # re-tracking is no better than fixed points (chapter 5's rule): clearly worse for GRUs, within 15% for LSTMs
    assert all(0 < rt[n] < (0.8 if n.startswith("gru") else 1.15) for n in nets)
    assert all(v > 0 for v in own_speed.values())
    assert list(gain) == list(nets)
    n = nets[0]
    run = lambda mode, tracking, lam: t[(t.network == n) & (t["mode"] == mode) & (t.tracking == tracking)  # noqa: E731
                                        & (t.lam == lam)].iloc[0]
    c, s = run("control", "fixed", 0.0), run("slowpoints", "fixed", 1000.0)
    assert gain[n] == s.acc_500 - c.acc_500 and old_speed[n] == s.speed_after_old / s.speed_before
    assert cost[n] >= abs(s.report_accuracy - c.report_accuracy) and ctrl_change[n] == c.lifetime / c.lifetime_before
    assert cm[n] == run("centermass", "fixed", 1000.0).lifetime / s.lifetime
    assert rt_adam[n][1] == run("slowpoints", "retrack_adam", 1000.0).report_accuracy
    acc = rg.accuracy_table(t, 500)
    assert list(acc.index) == list(nets) and acc.loc[n, "before"] == c.acc_500_before
    assert acc.loc[n, "SlowPoints λ=1000"] == s.acc_500 and acc.loc[n, "Control"] == c.acc_500
    best = rg.best_runs(t)
    assert best.loc[n, "lifetime"] == round(t[(t.network == n) & (t["mode"] != "control")].lifetime.max())
    with pytest.raises(ValueError, match="delay must be one of"):
        rg.accuracy_table(t, 7)


def _toy_table():
    """A sweep table of two networks, made up: the rules of control_comparison can be checked by hand."""
    rows = []
    for n, before, ctrl, sp_ in (("a", 100.0, 90.0, 300.0), ("b", 100.0, 120.0, 125.0)):
        for mode, lam, life in (("control", 0.0, ctrl), ("slowpoints", 1000.0, sp_), ("centermass", 1000.0, 50.0)):
            rows.append({"name": f"{n}-{mode}", "network": n, "mode": mode, "tracking": "fixed", "lam": lam,
                         "recipe": "ours", "lifetime": life, "lifetime_before": before, "acc_500": life / 1000,
                         "acc_500_before": 0.1, "report_accuracy": 0.95})
    return pd.DataFrame(rows)


def test_control_comparison_counts_by_its_rules():
    frame, tests = rg.control_comparison(_toy_table(), margin=1.1)
    assert list(frame.index) == ["a", "b"]
    assert frame.loc["a", "SlowPoints / Control"] == pytest.approx(300 / 90)
    assert frame.loc["b", "Control / before"] == pytest.approx(1.2) and frame.loc["a", "CenterMass"] == 50.0
    # a beats its Control (3.3x), b does not (125 / 120 < 1.1); b's Control helps (1.2x), a's hurts (0.9 < 1/1.1)
    assert tests["slowpoints beats control"] == (1, 2, pytest.approx(0.75))
    assert tests["control helps"] == tests["control hurts"] == (1, 2, pytest.approx(0.75))
    frame, tests = rg.control_comparison(_toy_table(), margin=1.5)
    assert tests["control helps"][0] == 0 and tests["control hurts"][0] == 0
    with pytest.raises(ValueError, match="margin must be"):
        rg.control_comparison(_toy_table(), margin=1.0)
    with pytest.raises(ValueError, match="table must hold Control and SlowPoints at lam = 10"):
        rg.control_comparison(_toy_table(), lam=10.0)


def test_compare_sweeps_matches_runs_by_name():
    old, new = _toy_table(), _toy_table()
    new.loc[0, "lifetime"] = 180.0
    old.loc[1, "lifetime"] = new.loc[1, "lifetime"] = math.inf
    d = rg.compare_sweeps(old, new.drop(index=5))
    assert len(d) == 5 and d.loc["a-control", "log10 ratio"] == pytest.approx(math.log10(2))
    assert d.loc["a-slowpoints", "log10 ratio"] == 0.0 and (d.drop(["a-control"])["log10 ratio"] == 0).all()
    assert d.loc["a-control", "factor"] == pytest.approx(2.0) and (d.drop(["a-control"])["factor"] == 1).all()
    new.loc[2, "lifetime"] = 25.0                                      # a-centermass: halved, the same factor
    assert rg.compare_sweeps(old, new).loc["a-centermass", "factor"] == pytest.approx(2.0)
    with pytest.raises(ValueError, match="must share at least one run"):
        rg.compare_sweeps(old.iloc[:1], new.iloc[1:])


def test_compare_conclusions_checks_the_chapters_rules_on_both_sweeps():
    t = rg.sweep_table()
    nets = rg.SWEEP["networks"]
    same = rg.compare_conclusions(t, t, nets)
    assert len(same) == 5 and all(a == b for a, b in same.values())
    _, cost, _, rt, _ = rg.sweep_effects(t, nets)[:5]
    assert same["trained-delay cost <= TOL"][0] == all(c <= 0.02 for c in cost.values())
    assert same["re-tracked / fixed < 1.15"][0] == all(v < 1.15 for v in rt.values())
    # the rules can fail: a tolerance below the largest cost, and a sweep whose SlowPoints lost its gain
    assert rg.compare_conclusions(t, t, nets, tol=0.0)["trained-delay cost <= TOL"] == (False, False)
    worse = t.copy()
    sp_ = (worse["mode"] == "slowpoints") & (worse.tracking == "fixed") & (worse.lam == 1000.0)
    worse.loc[sp_, "acc_500"] = 0.0
    rule = "SlowPoints above Control at delay 500 by > 0.2"
    assert rg.compare_conclusions(worse, t, nets)[rule] == (False, True)
    with pytest.raises(ValueError, match="old must hold every run"):
        rg.compare_conclusions(t[t["mode"] != "centermass"], t, nets)
    with pytest.raises(ValueError, match="tol must be"):
        rg.compare_conclusions(t, t, nets, tol=-0.1)


def test_recipe_and_components_comparisons_read_the_sweep():
    t = rg.sweep_table(recipe=None)
    run = lambda name: t.set_index("name").loc[name]  # noqa: E731
    n = rg.SWEEP["networks"][0]
    r = rg.recipe_comparison(t, networks=[n])
    assert list(r.loc[n].index) == ["ours", "authors-penalty", "authors"]
    assert r.loc[(n, "authors"), "lifetime Control"] == run(f"{n}-control-fixed-lam0-steps5000-lr1e-05").lifetime
    assert r.loc[(n, "authors-penalty"), "lifetime Control"] == run(f"{n}-control-fixed-lam0").lifetime
    their = run(f"{n}-slowpoints-fixed-lam0.001-noise10-steps5000-lr1e-05")
    assert r.loc[(n, "authors"), "acc 500 SlowPoints"] == their.acc_500
    assert r.loc[(n, "authors"), "our λ per theirs"] == their.lam_conversion > 10
    assert np.isnan(r.loc[(n, "ours"), "our λ per theirs"]) and r.loc[(n, "ours"), "λ"] == 1000.0
    c = rg.components_comparison(t)
    m, lam = rg.SWEEP["full_state"]["networks"][0], rg.SWEEP["full_state"]["lams"][0]
    assert len(c) == 4 and c.loc[(m, lam), "lifetime [h, c]"] == run(f"{m}-slowpoints-fixed-lam{lam:g}-full").lifetime
    assert c.loc[(m, lam), "lifetime [h, tanh c]"] == run(f"{m}-slowpoints-fixed-lam{lam:g}").lifetime
    with pytest.raises(ValueError, match="networks must be networks of the table"):
        rg.recipe_comparison(t, networks=["gru64-nocu-s9"])
