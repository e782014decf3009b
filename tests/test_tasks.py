import pytest
import torch

from mem.tasks import NULL, DelayedClassification


def test_shapes_and_dtypes(task, gen):
    b = task.sample(16, gen)
    assert b.x.shape == (16, 20, 65) and b.x.dtype == torch.float32
    assert b.y.shape == (16, 20) and b.y.dtype == torch.int64
    assert b.w.shape == (16, 20)
    assert b.t_read.shape == b.t_report.shape == b.label.shape == (16,)
    assert task.input_size == 65 and task.n_outputs == 11


def test_targets_null_except_report_and_timing_invariant(task, gen):
    b = task.sample(20000, gen)
    rows = torch.arange(len(b.label))
    assert torch.all(b.t_report >= b.t_read + task.delta_min)
    assert torch.all(b.t_report <= task.T_max - 1) and torch.all(b.t_read >= 0)
    assert torch.equal(b.y[rows, b.t_report], b.label)
    y = b.y.clone()
    y[rows, b.t_report] = NULL
    assert torch.all(y == NULL)  # null everywhere else
    assert torch.all((b.label >= 1) & (b.label <= 10))
    # every allowed delay occurs, and nothing else
    delays = (b.t_report - b.t_read).unique().tolist()
    assert delays == list(range(task.delta_min, task.T_max))


def test_inputs_image_trigger_and_weights(task, gen):
    b = task.sample(64, gen)
    rows = torch.arange(64)
    P = task.data.n_pixels
    trig = b.x[:, :, P]
    assert torch.equal(trig.sum(1), torch.ones(64))
    assert torch.equal(trig[rows, b.t_report], torch.ones(64))
    # the read frame is an exact training image of the labelled digit
    img = b.x[rows, b.t_read, :P]
    match = (img[:, None, :] == task.data.x_train[None]).all(-1)
    assert torch.all(match.any(1))
    first = match.float().argmax(1)
    assert torch.equal(task.data.y_train[first] + 1, b.label)
    # report weighted by T, every other step by 1
    assert torch.equal(b.w[rows, b.t_report], torch.full((64,), 20.0))
    assert float(b.w.sum()) == 64 * (19 + 20)


def test_noise_statistics(task, gen):
    n = task.noise((200, 50), gen)
    assert n.shape == (200, 50, 64)
    assert float(n.mean()) == pytest.approx(task.data.noise_mean, abs=2e-3)
    assert float(n.std()) == pytest.approx(task.data.noise_std, abs=2e-3)


def test_generator_drives_everything(task):
    a = task.sample(8, torch.Generator().manual_seed(3))
    b = task.sample(8, torch.Generator().manual_seed(3))
    c = task.sample(8, torch.Generator().manual_seed(4))
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
    assert not torch.equal(a.x, c.x)


def test_curriculum_parameters(task, gen):
    b = task.sample(500, gen, T_max=6, n_classes=3)
    assert b.x.shape[1] == 6
    assert set(b.label.tolist()) == {1, 2}  # digits 0 and 1 only
    assert torch.all(b.w.max(1).values == 6)  # report weight follows the current T
    assert torch.all(b.t_report - b.t_read >= 4)


def test_fixed_timing(task, gen):
    b = task.sample(5, gen, t_read=3, t_report=15)
    assert b.t_read.tolist() == [3] * 5 and b.t_report.tolist() == [15] * 5
    b = task.sample(500, gen, t_report=10)  # fixing one draws the other to fit
    assert set(b.t_read.tolist()) == set(range(0, 7)) and set(b.t_report.tolist()) == {10}
    b = task.sample(500, gen, t_read=12)
    assert set(b.t_report.tolist()) == set(range(16, 20)) and set(b.t_read.tolist()) == {12}
    with pytest.raises(ValueError, match="t_report"):
        task.sample(2, gen, t_report=3)


def test_report_weight_option(digits, gen):
    t = DelayedClassification(digits, report_weight=5.0)
    b = t.sample(4, gen)
    assert float(b.w.max()) == 5.0


def test_probe(task, gen):
    p = task.sample_probe(7, 100, gen)
    assert p.x.shape == (7, 101, 65)
    assert torch.all(p.x[:, :, 64] == 0)  # no trigger anywhere: evaluate adds it
    match = (p.x[:, 0, :64][:, None] == task.data.x_test[None]).all(-1)
    assert torch.all(match.any(1))  # held-out images by default


def test_loss_report_correct_and_score(task, gen):
    b = task.sample(32, gen)
    perfect = torch.nn.functional.one_hot(b.y, 11).float() * 1e4
    assert float(task.loss(perfect, b)) == pytest.approx(0.0, abs=1e-6)
    assert bool(task.report_correct(perfect, b).all()) and task.score(perfect, b) == 1.0
    uniform = torch.zeros(32, 20, 11)
    # uniform logits: CE = log 11 at each step; weights sum to 19 + 20 per trial, divided by T = 20
    assert float(task.loss(uniform, b)) == pytest.approx(torch.log(torch.tensor(11.0)).item() * 39 / 20, rel=1e-5)
    with pytest.raises(ValueError, match="logits"):
        task.loss(uniform[:, :10], b)


@pytest.mark.parametrize("kwargs, match", [
    (dict(T_max=4, delta_min=4), "delta_min"),
    (dict(T_max=20, delta_min=20), "delta_min"),
    (dict(delta_min=0), "delta_min"),
    (dict(n_classes=1), "n_classes"),
    (dict(n_classes=12), "n_classes"),
    (dict(T_max=1), "T_max"),
    (dict(T_max=2.5), "T_max"),
    (dict(T_max=20.0), "T_max"),
    (dict(report_weight=0), "report_weight"),
])
def test_bad_task_arguments(digits, kwargs, match):
    error = TypeError if any(isinstance(v, float) and k != "report_weight" for k, v in kwargs.items()) else ValueError
    with pytest.raises(error, match=match):
        DelayedClassification(digits, **kwargs)


@pytest.mark.parametrize("kwargs, match", [
    (dict(batch_size=0), "batch_size"),
    (dict(batch_size=2, T_max=4), "delta_min"),
    (dict(batch_size=2, n_classes=12), "n_classes"),
    (dict(batch_size=2, t_read=-1), "t_read"),
    (dict(batch_size=2, t_read=16), "t_read"),
    (dict(batch_size=2, t_read=5, t_report=8), "t_report"),
    (dict(batch_size=2, split="val"), "split"),
])
def test_bad_sample_arguments(task, gen, kwargs, match):
    with pytest.raises(ValueError, match=match):
        task.sample(generator=gen, **kwargs)


def test_bad_probe_arguments(task, gen):
    with pytest.raises(ValueError, match="max_delay"):
        task.sample_probe(2, -5, gen)
    with pytest.raises(TypeError, match="data"):
        DelayedClassification("digits")


def test_timing_distribution_matches_the_sampler(task, gen):
    import numpy as np
    exact = task.timing_distribution()
    T, dm = task.T_max, task.delta_min
    assert all(np.isclose(exact[k].sum(), 1.0) for k in ("t_read", "t_report", "delay"))
    assert np.allclose(exact["t_read"][:T - dm], 1 / (T - dm)) and not exact["t_read"][T - dm:].any()
    assert not exact["delay"][:dm].any() and np.all(np.diff(exact["delay"][dm:]) < 0)   # short delays commoner
    b = task.sample(20000, gen)
    freq = np.bincount((b.t_report - b.t_read).numpy(), minlength=T) / 20000
    assert np.abs(freq - exact["delay"]).max() < 0.015
    assert task.timing_distribution(T_max=6)["delay"][[4, 5]] == pytest.approx([0.75, 0.25])


def test_reference_predictors_and_weightings_rank_as_the_loss_intends(task, gen):
    import math

    from mem.tasks import reference_predictors, report_share, report_weight_line, weighting_schemes
    b = task.sample(500, gen)
    z = reference_predictors(b, confidence=5.0)
    schemes = weighting_schemes(b)
    assert torch.equal(schemes["weights 1"].w, torch.ones_like(b.w)) and schemes["task loss"] is b
    T = task.T_max
    assert float(task.loss(z["uniform"], b)) == pytest.approx((2 * T - 1) / T * math.log(11), rel=1e-5)
    assert report_share(z["uniform"], b) == pytest.approx(T / (2 * T - 1), rel=1e-5)
    assert float(task.loss(z["perfect"], b)) < float(task.loss(z["memoryless"], b)) < float(task.loss(z["uniform"], b))
    a, s, off = report_weight_line(task, z["uniform"], b)
    assert off < 1e-4 and s == pytest.approx(math.log(11) / T, rel=1e-4) and a == pytest.approx(
        (T - 1) / T * math.log(11), rel=1e-4)


def test_loss_table_lists_every_predictor_under_every_weighting(task, gen):
    from mem.tasks import loss_table, reference_predictors, report_share, weighting_schemes
    b = task.sample(200, gen)
    z, schemes = reference_predictors(b), weighting_schemes(b)
    loss = {(p, k): float(task.loss(v, w)) for p, v in z.items() for k, w in schemes.items()}
    share = {(p, k): report_share(v, w) for p, v in z.items() for k, w in schemes.items() if k != "report only"}
    lines = loss_table(loss, share).split("\n")
    assert len(lines) == 2 + len(z) and len({len(line) for line in lines[1:]}) == 1     # aligned columns
    assert lines[0].split() == ["----------", "loss", "----------", "report", "share", "of", "loss"]
    assert lines[1].split() == ["predictor", "task", "loss", "weights", "1", "report", "only", "task", "loss",
                                "weights", "1"]
    row = lines[2 + list(z).index("always null")]
    assert row.startswith("always null") and row.split()[2:] == [
        *(f"{loss['always null', k]:.3f}" for k in schemes), *(f"{share['always null', k]:.1%}" for k in
                                                                 ("task loss", "weights 1"))]
    with pytest.raises(ValueError, match="loss must hold every predictor under every weighting"):
        loss_table({k: v for k, v in loss.items() if k != ("perfect", "weights 1")}, share)
    with pytest.raises(ValueError, match="share must hold every predictor"):
        loss_table(loss, {k: v for k, v in share.items() if k[0] != "perfect"})
    with pytest.raises(ValueError, match=r"share\[\('uniform', 'task loss'\)\]"):
        loss_table(loss, {**share, ("uniform", "task loss"): 1.5})
    with pytest.raises(TypeError, match="loss must be keyed by"):
        loss_table({"uniform": 1.0}, share)
