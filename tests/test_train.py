import math

import numpy as np
import pytest
import torch

from mem.evaluate import report_accuracy
from mem.models import RNNClassifier
from mem.protocols import AccuracyCurriculum, DeCu, NaCu
from mem.train import DEVICE_ENV, History, TrainingDiverged, pick_device, train


def _model(task, arch="gru", H=32, seed=0):
    return RNNClassifier(arch, task.input_size, H, seed=seed)


def test_learns_and_records_history(task):
    m = _model(task)
    h = train(m, task, NaCu(300), batch_size=64, seed=0, progress=False)
    assert h.loss.shape == h.accuracy.shape == (300,)
    assert np.all(h.T_max == 20) and np.all(h.n_classes == 11)
    assert h.accuracy[:20].mean() < 0.15       # chance is 0.1
    assert h.smoothed("accuracy", 50)[-1] > 0.2  # clearly above chance after 300 small steps
    assert h.loss[-50:].mean() < 0.5 * h.loss[:10].mean()
    assert not m.training


def test_same_seed_same_run_different_seed_different_run(task):
    runs = [train(_model(task), task, NaCu(30), batch_size=32, seed=s, progress=False) for s in (0, 0, 1)]
    assert np.array_equal(runs[0].loss, runs[1].loss)
    assert not np.array_equal(runs[0].loss, runs[2].loss)


def test_protocol_drives_task_parameters(task):
    h = train(_model(task), task, DeCu(40, fraction=0.5), batch_size=16, seed=0, progress=False)
    np.testing.assert_array_equal(h.T_max, DeCu(40, fraction=0.5).schedule()["T_max"])


def test_accuracy_curriculum_receives_accuracy(task):
    # threshold 0 (within float) advances after every window: the loop must feed accuracies in
    p = AccuracyCurriculum([(6, 3), (8, 3), (10, 3)], n_iters=30, threshold=1e-9, window=2)
    h = train(_model(task), task, p, batch_size=16, seed=0, progress=False)
    assert [s for _, s in p.transitions] == [0, 1, 2]
    assert h.T_max[0] == 6 and h.T_max[-1] == 10


def test_checkpoints(task):
    m = _model(task)
    h = train(m, task, NaCu(20), batch_size=16, seed=0, checkpoints=[0, 10, 20], progress=False)
    assert sorted(h.checkpoints) == [0, 10, 20]
    assert torch.equal(h.checkpoints[20]["rnn.weight_hh_l0"], m.rnn.weight_hh_l0)
    assert not torch.equal(h.checkpoints[0]["rnn.weight_hh_l0"], h.checkpoints[10]["rnn.weight_hh_l0"])
    with pytest.raises(ValueError, match="checkpoints"):
        train(m, task, NaCu(20), checkpoints=[21], progress=False)


def test_nan_guard(task):
    m = _model(task)
    with torch.no_grad():
        m.readout.weight[0, 0] = float("nan")
    with pytest.raises(TrainingDiverged, match="step 0"):
        train(m, task, NaCu(10), batch_size=8, progress=False)


def test_inf_guard_from_exploding_lr(task):
    m = _model(task, arch="rnn_relu")
    with torch.no_grad():
        m.rnn.weight_hh_l0.mul_(50)  # exploding recurrent dynamics
    with pytest.raises(TrainingDiverged, match="diverged"):
        train(m, task, NaCu(50), batch_size=8, lr=10.0, clip=0, progress=False)


def _nan_gradient(model, step):
    """A penalty with a finite value (0) and a NaN gradient: d sqrt(u) / du is infinite at u = 0."""
    w = model.readout.weight
    return torch.sqrt((w - w.detach()).pow(2).sum())


@pytest.mark.parametrize("clip", [0, math.inf, 1.0])
def test_guard_checks_the_gradient_norm_with_clipping_off(task, clip):
    # the loss is finite at step 0 but the gradient is not: the loop must stop before the update
    # (with clipping off it used to check the loss twice, step, and stop at step 1 with NaN weights)
    m = _model(task)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    with pytest.raises(TrainingDiverged, match="diverged at step 0:"):
        train(m, task, NaCu(3), batch_size=8, clip=clip, penalty=_nan_gradient, progress=False)
    assert all(torch.equal(before[k], v) for k, v in m.state_dict().items())


@pytest.mark.parametrize("clip", [0, 1.0])
def test_guard_checks_every_update_the_last_one_too(task, clip):
    # issue 18: finite loss and gradient, but RMSprop's first step here is about 3.16 lr, beyond float32's range
    # for lr = 2e38: the update itself is non-finite; a one-step run used to return infinite weights
    with pytest.raises(TrainingDiverged, match="at step 0: the update made a weight non-finite"):
        train(_model(task), task, n_iters=1, batch_size=8, optimizer="rmsprop", lr=2e38, clip=clip, progress=False)


@pytest.mark.parametrize("lr", [math.inf, math.nan, 0.0, -1e-3])
def test_lr_must_be_finite_and_positive(task, lr):
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        train(_model(task), task, n_iters=1, lr=lr, progress=False)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(clip=math.nan), ValueError, "clip must be a number"),
    (dict(clip=-math.inf), ValueError, "clip must be >= 0"),
    (dict(clip="1"), TypeError, "clip"),
    (dict(lr="0.01"), TypeError, "lr must be a finite number > 0"),
    (dict(lr=1e300), ValueError, "lr must be a finite number > 0 within the weights' torch.float32"),
    (dict(n_iters=10**9), ValueError, "n_iters must be an integer in 1..10000000"),
    (dict(progress="no"), TypeError, "progress must be True or False"),
    (dict(checkpoints=[1.5]), TypeError, "checkpoints"),
])
def test_settings_are_checked_before_training(task, kwargs, error, match):
    # issue 18: no NaN or inf setting gets in (clip inf is "no clipping"), and nothing is touched before the checks
    m = _model(task)
    before = {k: v.clone() for k, v in m.state_dict().items()}
    with pytest.raises(error, match=match):
        train(m, task, **({"n_iters": 1, "progress": False} | kwargs))
    assert all(torch.equal(before[k], v) for k, v in m.state_dict().items())


def test_no_clipping_leaves_the_gradient_as_it_is(task):
    # clip 0 and clip inf are the same run; a large clip that never bites too
    runs = [train(_model(task), task, NaCu(15), batch_size=8, lr=0.05, clip=c, seed=0, progress=False).loss
            for c in (0, math.inf, 1e30, 0.01)]
    assert np.array_equal(runs[0], runs[1]) and np.array_equal(runs[0], runs[2])
    assert not np.array_equal(runs[0], runs[3])


def test_defaults_come_from_the_task(task):
    assert task.training.optimizer == "adam" and task.training.eval_every is None
    h = train(_model(task), task, NaCu(5), seed=0, progress=False)
    same = train(_model(task), task, NaCu(5), seed=0, optimizer="adam", lr=3e-3, batch_size=128, clip=1.0,
                 progress=False)
    assert np.array_equal(h.loss, same.loss) and h.val_steps is None and h.baseline is None
    other = train(_model(task), task, NaCu(5), seed=0, optimizer="rmsprop", progress=False)
    assert not np.array_equal(h.loss, other.loss)


def test_validation_on_the_delayed_task(task):
    m = _model(task)
    h = train(m, task, NaCu(6), batch_size=8, seed=0, eval_every=4, n_val=16, progress=False)
    assert h.val_steps.tolist() == [0, 4, 6] and h.val_loss.shape == h.val_score.shape == (3,)
    val = task.validation_batch(16, 10**6)
    with torch.no_grad():
        logits = m(val.x).logits
    assert h.val_loss[-1] == pytest.approx(float(task.loss(logits, val)))
    assert h.val_score[-1] == task.score(logits, val)


def test_history_round_trips_lists_and_tensors(task):
    h = train(_model(task), task, NaCu(4), batch_size=8, seed=0, eval_every=2, n_val=8, progress=False)
    d = h.to_dict()
    assert list(d) == ["loss", "accuracy", "T_max", "n_classes", "val_steps", "val_loss", "val_score"]
    assert all(isinstance(v, list) for v in d.values())
    assert History.from_dict(d).to_dict() == d
    stored = {k: torch.as_tensor(v) for k, v in h.to_dict(("loss", "accuracy", "T_max", "n_classes")).items()}
    back = History.from_dict(stored)                                 # what a zoo file holds
    assert np.array_equal(back.loss, h.loss) and back.loss.dtype == np.float32
    assert np.array_equal(back.T_max, h.T_max) and back.val_loss is None


@pytest.mark.parametrize("kwargs, match", [
    (dict(batch_size=0), "batch_size"),
    (dict(lr=0.0), "lr"),
    (dict(clip=-1.0), "clip"),
    (dict(n_iters=6), "n_iters must be None or the protocol's 5"),
    (dict(eval_every=-1), "eval_every"),
    (dict(optimizer="sgd"), "optimizer"),
])
def test_bad_arguments(task, kwargs, match):
    with pytest.raises(ValueError, match=match):
        train(_model(task), task, NaCu(5), progress=False, **kwargs)


def test_bad_objects(task):
    with pytest.raises(TypeError, match="protocol"):
        train(_model(task), task, "nacu", progress=False)
    with pytest.raises(TypeError, match="model"):
        train(torch.nn.GRU(65, 8), task, NaCu(5), progress=False)
    with pytest.raises(ValueError, match="input"):
        train(RNNClassifier("gru", 10, 8), task, NaCu(5), progress=False)


def _fake_cuda(monkeypatch, available, count=1):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count if available else 0)


@pytest.mark.parametrize("available, expected", [(False, "cpu"), (True, "cuda")])
def test_pick_device_prefers_cuda(monkeypatch, available, expected):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    _fake_cuda(monkeypatch, available)
    assert pick_device() == pick_device("auto") == torch.device(expected)
    assert pick_device("cpu") == torch.device("cpu")


def test_pick_device_environment_overrides_auto(monkeypatch):
    _fake_cuda(monkeypatch, True, count=2)
    monkeypatch.setenv(DEVICE_ENV, "cpu")          # reproduce the book's CPU outputs on a GPU machine
    assert pick_device() == torch.device("cpu")
    assert pick_device("cuda:1") == torch.device("cuda", 1)   # an explicit device wins over the variable
    monkeypatch.setenv(DEVICE_ENV, "cuda:1")
    assert pick_device() == torch.device("cuda", 1)
    monkeypatch.setenv(DEVICE_ENV, "gpu")
    with pytest.raises(ValueError, match=f"{DEVICE_ENV} must be 'cpu', 'cuda'"):
        pick_device()


@pytest.mark.parametrize("device, match", [
    ("gpu", "device must be None, 'auto', 'cpu', 'cuda'"),
    ("mps", "device must be None, 'auto', 'cpu', 'cuda'"),
    ("cuda", "CUDA is not available"),
    (torch.device("cuda", 0), "CUDA is not available"),
])
def test_pick_device_rejects(monkeypatch, device, match):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    _fake_cuda(monkeypatch, False)
    with pytest.raises(ValueError, match=match):
        pick_device(device)


@pytest.mark.parametrize("device", [1.5, 0, b"cpu", ["cpu"]])
def test_pick_device_refuses_another_kind_of_thing(device):
    # issue 18: a number (torch would read an int as a CUDA index), bytes or a list is a TypeError
    with pytest.raises(TypeError, match="device must be None, 'auto', 'cpu', 'cuda'"):
        pick_device(device)


def test_pick_device_rejects_missing_gpu_index(monkeypatch):
    _fake_cuda(monkeypatch, True, count=1)
    with pytest.raises(ValueError, match="1 CUDA device"):
        pick_device("cuda:1")


def test_train_takes_the_picked_device(monkeypatch, task):
    monkeypatch.delenv(DEVICE_ENV, raising=False)
    _fake_cuda(monkeypatch, False)
    h = train(_model(task), task, NaCu(3), batch_size=8, seed=0, device="auto", progress=False)
    again = train(_model(task), task, NaCu(3), batch_size=8, seed=0, device=pick_device(), progress=False)
    assert np.array_equal(h.loss, again.loss)
    with pytest.raises(ValueError, match="CUDA is not available"):
        train(_model(task), task, NaCu(3), device="cuda", progress=False)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_train_and_evaluate_on_cuda(task):
    # chapter 2's live run on a GPU: training, then the zoo's evaluation on the trained model
    m = _model(task)
    h = train(m, task, AccuracyCurriculum([(6, 11), (8, 11)], n_iters=20, threshold=0.5, window=5),
              batch_size=16, seed=0, device=pick_device("cuda"), checkpoints=[20], progress=False)
    assert next(m.parameters()).device.type == "cuda" and h.checkpoints[20]["readout.weight"].device.type == "cpu"
    assert np.isfinite(h.loss).all() and 0 <= report_accuracy(m, task, 64, seed=0) <= 1
