"""The benchmark tasks of chapter 6 (copy, addition, permuted digits) and training on them."""
import math
import re

import numpy as np
import pytest
import torch

from mem import tasks
from mem.data import load_digits
from mem.models import RNNClassifier
from mem.train import History, train


def test_copy_task_layout():
    task = tasks.CopyTask(T=30, n_symbols=4, n_letters=5)
    b = task.sample(3, torch.Generator().manual_seed(0))
    seq = b.x.argmax(-1)
    assert b.x.shape == (3, 30, 7) and b.y.shape == (3, 30)
    assert torch.all((seq[:, :4] >= 1) & (seq[:, :4] <= 5))
    assert torch.all(seq[:, 30 - 4 - 1] == 6)  # the marker
    assert torch.equal(b.y[:, -4:], seq[:, :4])  # recall the symbols, in order
    assert b.y[:, :-4].abs().sum() == 0 and seq[:, 4:25].abs().sum() == 0
    assert task.delay == 26 and task.baseline == pytest.approx(4 * math.log(5) / 30)


def test_copy_baseline_is_the_loss_of_a_memoryless_oracle():
    task = tasks.CopyTask(T=40)
    b = task.sample(64, torch.Generator().manual_seed(1))
    logits = torch.full((64, 40, 9), -1e4)
    logits[:, :-10, 0] = 0.0            # blanks, known for sure
    logits[:, -10:, 1:] = 0.0           # recall steps: uniform over the 8 letters
    assert task.loss(logits, b).item() == pytest.approx(task.baseline, rel=1e-6)
    perfect = torch.nn.functional.one_hot(b.y, 9).float() * 1e4
    assert task.loss(perfect, b).item() < 1e-6 and task.score(perfect, b) == 1.0


def test_addition_task_and_its_baseline():
    task = tasks.AdditionTask(T=20)
    b = task.sample(20000, torch.Generator().manual_seed(0))
    mask, values = b.x[..., 0], b.x[..., 1]
    assert torch.all(mask.sum(1) == 2) and torch.all(mask[:, :10].sum(1) == 1)
    assert torch.allclose((mask * values).sum(1), b.y)
    ones = torch.ones(20000, 20, 1)
    assert task.loss(ones, b).item() == pytest.approx(1 / 6, rel=0.03)
    assert math.isnan(task.score(ones, b))


def test_permuted_digits():
    data = load_digits()
    task = tasks.PermutedDigits(data, permutation_seed=0)
    assert sorted(task.permutation.tolist()) == list(range(64)) and task.permutation.tolist() != list(range(64))
    assert torch.equal(task.permutation, tasks.PermutedDigits(data, 0).permutation)
    b = task.all("test")
    assert b.x.shape == (450, 64, 1) and torch.equal(b.x[:, :, 0], data.x_test[:, task.permutation])
    plain = tasks.PermutedDigits(data, permutation_seed=None)
    assert torch.equal(plain.all("train").x[:, :, 0], data.x_train)
    logits = torch.zeros(450, 64, 10)
    assert task.loss(logits, b).item() == pytest.approx(task.baseline)


def test_make_task_and_validation():
    assert tasks.make_task("copy", T=50).T == 50
    assert tasks.make_task("psdigits", pixels=64).T == 64
    with pytest.raises(ValueError, match="name must be one of"):
        tasks.make_task("mnist")
    with pytest.raises(ValueError, match="pixels must match the data"):
        tasks.make_task("psdigits", pixels=784)
    with pytest.raises(ValueError, match="T must be an integer >= 21, got 20"):
        tasks.CopyTask(T=20, n_symbols=10)
    with pytest.raises(ValueError, match=r"batch_size must be an integer in 1\.\.1048576, got 0"):
        tasks.AdditionTask().sample(0)
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        tasks.AdditionTask().sample(2, split="val")
    with pytest.raises(TypeError, match=re.escape("data must be a mem.data.Digits")):
        tasks.PermutedDigits(np.zeros((3, 64)))
    task = tasks.CopyTask(T=30)
    with pytest.raises(ValueError, match=r"logits must have shape \(B, T, C\) = \(2, 30, 9\)"):
        task.loss(torch.zeros(2, 30, 10), task.sample(2))


def test_permuted_mnist_from_small_idx_files(tmp_path):
    """psMNIST reads MNIST's IDX files; tested on tiny files written here (no download)."""
    import struct

    def write(name, arr):
        arr = np.asarray(arr, dtype=np.uint8)
        header = struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(f">{arr.ndim}I", *arr.shape)
        (tmp_path / name).write_bytes(header + arr.tobytes())

    rng = np.random.default_rng(0)
    for prefix, n in (("train", 30), ("t10k", 12)):
        write(f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)))
        write(f"{prefix}-labels-idx1-ubyte", np.arange(n) % 10)
    task = tasks.make_task("psdigits", mnist_dir=str(tmp_path), permutation_seed=1)
    assert task.T == 784
    b = task.sample(5, torch.Generator().manual_seed(0))
    assert b.x.shape == (5, 784, 1) and b.y.shape == (5,)


def test_train_learns_a_benchmark_and_is_deterministic():
    task = tasks.make_task("psdigits")

    def run():
        model = RNNClassifier("rnn_tanh", 1, 32, 10, seed=0)
        return model, train(model, task, n_iters=240, lr=3e-3, seed=0, eval_every=120, progress=False)

    m1, h1 = run()
    m2, h2 = run()
    assert isinstance(h1, History) and h1.val_steps.tolist() == [0, 120, 240] and h1.baseline == task.baseline
    # it learns: 0.49-0.57 of the initial loss under three CPU dispatches (AVX-512, AVX2, generic)
    assert h1.normalized[-1] < 0.75 * h1.normalized[0]
    assert np.array_equal(h1.loss, h2.loss) and np.array_equal(h1.val_loss, h2.val_loss)
    assert all(torch.equal(a, b) for a, b in zip(m1.state_dict().values(), m2.state_dict().values()))
    val = task.validation_batch()
    with torch.no_grad():
        logits = m1(val.x).logits
    assert float(task.loss(logits, val)) == pytest.approx(h1.val_loss[-1])
    assert task.score(logits, val) == pytest.approx(h1.val_score[-1])
    assert History.from_dict(h1.to_dict()).to_dict() == h1.to_dict()
    assert h1.success == (h1.val_loss[-1] < 0.5 * math.log(10))


def test_benchmark_defaults_are_the_papers():
    task = tasks.CopyTask(T=30)
    assert (task.training.optimizer, task.training.lr, task.training.batch_size, task.training.clip,
            task.training.eval_every) == ("rmsprop", 3e-4, 16, 10.0, 100)

    def run(**kwargs):
        kwargs = {"eval_every": 5, **kwargs}
        return train(RNNClassifier("rnn_elu", 10, 8, 9, seed=0), task, n_iters=5, seed=0, n_val=20,
                     progress=False, **kwargs)

    h = run()
    assert np.array_equal(h.loss, run(optimizer="rmsprop", lr=3e-4, batch_size=16, clip=10.0).loss)
    assert not np.array_equal(h.loss, run(optimizer="adam").loss)
    assert h.val_steps.tolist() == [0, 5] and run(eval_every=0).val_steps is None


def test_train_checks_the_benchmark_task():
    task = tasks.CopyTask(T=30)
    with pytest.raises(ValueError, match="do not match the task's"):
        train(RNNClassifier("rnn_elu", 3, 8, 9), task, n_iters=5)
    with pytest.raises(TypeError, match=re.escape("task must be a mem.tasks.Task")):
        train(RNNClassifier("rnn_elu", 10, 8, 9), "copy", n_iters=5)
    with pytest.raises(ValueError, match=r"n_iters must be an integer in 1\.\."):
        train(RNNClassifier("rnn_elu", 10, 8, 9), task, n_iters=0)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        train(RNNClassifier("rnn_elu", 10, 8, 9), task, n_iters=5, lr=0)
