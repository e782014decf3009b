import numpy as np
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
    assert len(set(names)) == len(cfgs) == len(rg.SWEEP["networks"]) * (1 + 2 * len(rg.SWEEP["lams"])
                                                                         + len(rg.SWEEP["retrack_lams"]) + 1)
    assert "gru64-nacu-s0-slowpoints-retrack_adam-lam1000" in names
    assert "gru64-nacu-s0-control-fixed-lam0" in names
    stored = rg.load_sweep()
    assert set(stored["entries"]) == set(names) and stored["settings"] == rg.SWEEP
    t = rg.sweep_table(stored)
    assert len(t) == len(cfgs) and np.isfinite(t["report_accuracy"]).all()
    assert mem.store.lookup("sweep") is rg.SWEEP_COLLECTION
    assert rg.SWEEP_COLLECTION.folder / rg.SWEEP_COLLECTION.manifest_file == mem.zoo.ZOO_DIR / rg.SWEEP_FILE
    with pytest.raises(ValueError, match="which must name entries of"):
        mem.store.build("sweep", ["gru64-nacu-s0-nothing"])


def test_sweep_effects_tables_read_the_sweep():
    t = rg.sweep_table()
    nets = rg.SWEEP["networks"]
    gain, cost, cm, rt, rt_adam, old_speed, own_speed, ctrl_change = rg.sweep_effects(t)
    assert all(0 < v < 1.05 for v in rt.values()) and all(v > 0 for v in own_speed.values())
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
