"""The contract of :mod:`mem.tasks` and :mod:`mem.data` under generated bad input (tests/contract.py).

Every task is built on tiny data (a :class:`mem.data.Digits` of 2x2 images, two of each digit to train
on and one to test) and sampled at two or three trials of a few steps, so that the file runs in seconds.
The IDX readers get tiny valid files, written once into a temporary folder.
"""
import gzip
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
import torch
from contract import Spec, check_spec

from mem.data import Digits
from mem.tasks import AdditionTask, CopyTask, DelayedClassification, FlipFlop, PermutedDigits
from mem.tasks.base import Batch


def _digits() -> Digits:
    """2x2 images: digits 0..9 twice to train on, once to test on."""
    gen = torch.Generator().manual_seed(0)
    x_train, x_test = torch.rand(20, 4, generator=gen), torch.rand(10, 4, generator=gen)
    return Digits(x_train=x_train, y_train=torch.arange(20) % 10, x_test=x_test, y_test=torch.arange(10),
                  noise_mean=float(x_train.mean()), noise_std=float(x_train.std()), image_shape=(2, 2))


_MNIST = tempfile.TemporaryDirectory(prefix="mem-contract-idx-")  # removed when the test process ends


def _mnist_dir() -> str:
    """A folder with MNIST's four IDX files, tiny (2x2 images; the labels file of the test split gzip-compressed)."""
    root = Path(_MNIST.name)
    if not (root / "t10k-labels-idx1-ubyte.gz").exists():
        rng = np.random.default_rng(0)
        files = {"train-images-idx3-ubyte": rng.integers(0, 256, (20, 2, 2)),
                 "train-labels-idx1-ubyte": np.arange(20) % 10,
                 "t10k-images-idx3-ubyte": rng.integers(0, 256, (10, 2, 2)),
                 "t10k-labels-idx1-ubyte.gz": np.arange(10)}
        for name, a in files.items():
            raw = bytes([0, 0, 0x08, a.ndim]) + struct.pack(f">{a.ndim}I", *a.shape) + a.astype(np.uint8).tobytes()
            (gzip.open if name.endswith(".gz") else open)(root / name, "wb").write(raw)
    return str(root)


def _delayed() -> DelayedClassification:
    return DelayedClassification(_digits(), T_max=6, delta_min=2)


def _gen() -> torch.Generator:
    return torch.Generator().manual_seed(0)


def _logits(task, batch) -> torch.Tensor:
    B, T = batch.x.shape[:2]
    return torch.randn(B, T, task.n_outputs, generator=_gen())


def _scoring(task_factory):
    """args of ``loss``/``score``/``report_correct``: logits and a batch of the task ``task_factory`` builds."""
    def args():
        task = task_factory()
        batch = task.sample(2, _gen())
        return dict(logits=_logits(task, batch), batch=batch)
    return args


def _copy() -> CopyTask:
    return CopyTask(T=6, n_symbols=2, n_letters=3)


def _addition() -> AdditionTask:
    return AdditionTask(T=4)


def _flipflop() -> FlipFlop:
    return FlipFlop(n_bits=2, T=5, p_pulse=0.2)


def _permuted() -> PermutedDigits:
    return PermutedDigits(_digits(), permutation_seed=0)


def _delayed_batch():
    return _delayed().sample(2, _gen())


#: A loss lets NaN and inf logits through to a NaN or inf loss, documented in each loss's docstring: that is how
#: mem.train.train sees divergence (TrainingDiverged; tests/test_train.py::test_nan_guard puts a NaN weight in).
LOSS = dict(nan_ok=("logits",), finite=False)

SPECS = [
    # mem.data
    Spec("mem.data.Digits.split", lambda: dict(name="train"), of=_digits),
    Spec("mem.data.load_digits", lambda: dict(test_size=450, seed=0), examples=2),
    Spec("mem.data.read_idx", lambda: dict(path=str(Path(_mnist_dir()) / "train-labels-idx1-ubyte"))),
    Spec("mem.data.read_idx", lambda: dict(path=str(Path(_mnist_dir()) / "t10k-labels-idx1-ubyte.gz"))),
    Spec("mem.data.load_mnist", lambda: dict(root=_mnist_dir())),
    Spec("mem.data.load_mnist1d", lambda: dict(num_samples=100, seed=42), examples=2),
    Spec("mem.data.pixel_table", lambda: dict(frames={"images": torch.rand(3, 4, generator=_gen())})),
    Spec("mem.data.frame_detectability", lambda: dict(images=torch.rand(6, 3, generator=_gen()),
                                                      noise=torch.randn(6, 3, generator=_gen()))),
    Spec("mem.data.frame_baseline", lambda: dict(data=_digits())),
    # mem.tasks and its base
    Spec("mem.tasks.make_task", lambda: dict(name="copy", T=6, n_symbols=2, n_letters=3)),
    Spec("mem.tasks.base.Batch.to", lambda: dict(device="cpu"),
         of=lambda: Batch(torch.zeros(2, 3, 1), torch.zeros(2, dtype=torch.long))),
    Spec("mem.tasks.base.Task.check_split", lambda: dict(split="train")),
    Spec("mem.tasks.base.Task.check_batch_size", lambda: dict(batch_size=4)),
    Spec("mem.tasks.base.Task.check_logits", lambda: {**_scoring(_copy)(), "nan_ok": False}, of=_copy),
    Spec("mem.tasks.base.load_images", lambda: dict(data=_digits(), pixels=4)),
    Spec("mem.tasks.base.load_images", lambda: dict(mnist_dir=_mnist_dir(), pixels=4)),
    # delayed classification
    Spec("mem.tasks.delayed.DelayedClassification",
         lambda: dict(data=_digits(), T_max=6, delta_min=2, n_classes=11, report_weight=3.0, pixels=4)),
    Spec("mem.tasks.delayed.DelayedClassification", lambda: dict(mnist_dir=_mnist_dir(), T_max=6, delta_min=2)),
    Spec("mem.tasks.delayed.DelayedClassification.config", of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.mean_input", lambda: dict(trigger=False), of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.noise", lambda: dict(shape=(2, 3), generator=_gen()),
         of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.sample",
         lambda: dict(batch_size=2, generator=_gen(), T_max=6, n_classes=5, split="train"), of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.sample",
         lambda: dict(batch_size=2, t_read=1, t_report=4, split="test"), of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.sample_probe",
         lambda: dict(batch_size=2, max_delay=5, generator=_gen(), split="test", n_classes=5), of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.validation_batch", lambda: dict(n=3, seed=0), of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.loss", _scoring(_delayed), of=_delayed, **LOSS),
    Spec("mem.tasks.delayed.DelayedClassification.report_correct", _scoring(_delayed), of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.score", _scoring(_delayed), of=_delayed),
    Spec("mem.tasks.delayed.DelayedClassification.timing_distribution", lambda: dict(T_max=6), of=_delayed),
    Spec("mem.tasks.delayed.reference_predictors", lambda: dict(batch=_delayed_batch(), confidence=5.0)),
    Spec("mem.tasks.delayed.weighting_schemes", lambda: dict(batch=_delayed_batch())),
    Spec("mem.tasks.delayed.report_share", _scoring(_delayed)),
    Spec("mem.tasks.delayed.report_weight_line", lambda: dict(task=_delayed(), **_scoring(_delayed)())),
    Spec("mem.tasks.delayed.loss_table", lambda: dict(loss={("uniform", "task loss"): 2.0, ("uniform", "weights"): 1.0},
                                                      share={("uniform", "task loss"): 0.5})),
    # the benchmark tasks and the flip-flop
    Spec("mem.tasks.copy.CopyTask", lambda: dict(T=6, n_symbols=2, n_letters=3)),
    Spec("mem.tasks.copy.CopyTask.config", of=_copy),
    Spec("mem.tasks.copy.CopyTask.sample", lambda: dict(batch_size=2, generator=_gen(), split="train"), of=_copy),
    Spec("mem.tasks.copy.CopyTask.validation_batch", lambda: dict(n=3, seed=0), of=_copy),
    Spec("mem.tasks.copy.CopyTask.loss", _scoring(_copy), of=_copy, **LOSS),
    Spec("mem.tasks.copy.CopyTask.score", _scoring(_copy), of=_copy),
    Spec("mem.tasks.addition.AdditionTask", lambda: dict(T=4)),
    Spec("mem.tasks.addition.AdditionTask.config", of=_addition),
    Spec("mem.tasks.addition.AdditionTask.sample", lambda: dict(batch_size=2, generator=_gen(), split="train"),
         of=_addition),
    Spec("mem.tasks.addition.AdditionTask.validation_batch", lambda: dict(n=3, seed=0), of=_addition),
    Spec("mem.tasks.addition.AdditionTask.loss", _scoring(_addition), of=_addition, **LOSS),
    # the addition task has no accuracy: its score is NaN, as its docstring and Task.score's say
    Spec("mem.tasks.addition.AdditionTask.score", _scoring(_addition), of=_addition, finite=False),
    Spec("mem.tasks.flipflop.FlipFlop", lambda: dict(n_bits=2, T=5, p_pulse=0.2)),
    Spec("mem.tasks.flipflop.FlipFlop.config", of=_flipflop),
    Spec("mem.tasks.flipflop.FlipFlop.sample", lambda: dict(batch_size=2, generator=_gen(), split="train"),
         of=_flipflop),
    Spec("mem.tasks.flipflop.FlipFlop.validation_batch", lambda: dict(n=3, seed=0), of=_flipflop),
    Spec("mem.tasks.flipflop.FlipFlop.loss", _scoring(_flipflop), of=_flipflop, **LOSS),
    Spec("mem.tasks.flipflop.FlipFlop.score", _scoring(_flipflop), of=_flipflop),
    # permutation_seed=None is meaningful (reading order) though its default is 0
    Spec("mem.tasks.permuted.PermutedDigits", lambda: dict(data=_digits(), permutation_seed=0, pixels=4),
         none_ok=("permutation_seed",)),
    Spec("mem.tasks.permuted.PermutedDigits", lambda: dict(mnist_dir=_mnist_dir())),
    Spec("mem.tasks.permuted.PermutedDigits.config", of=_permuted),
    Spec("mem.tasks.permuted.PermutedDigits.sample", lambda: dict(batch_size=2, generator=_gen(), split="train"),
         of=_permuted),
    Spec("mem.tasks.permuted.PermutedDigits.all", lambda: dict(split="test"), of=_permuted),
    Spec("mem.tasks.permuted.PermutedDigits.validation_batch", lambda: dict(n=3, seed=0), of=_permuted),
    Spec("mem.tasks.permuted.PermutedDigits.loss", _scoring(_permuted), of=_permuted, **LOSS),
    Spec("mem.tasks.permuted.PermutedDigits.score", _scoring(_permuted), of=_permuted),
]

_ABSTRACT = "abstract: declared by the Task interface, specified on each task that implements it"
EXEMPT = {
    "mem.data.Digits": "a frozen record of tensors, built and checked by load_digits and load_mnist",
    "mem.tasks.base.Batch": "a frozen record (x, y) that the tasks' sample methods build",
    "mem.tasks.base.TrainingSettings": "a frozen record of a paper's settings; mem.train.train checks them",
    "mem.tasks.delayed.DelayedBatch": "a frozen record that DelayedClassification.sample builds",
    "mem.tasks.delayed.Probe": "a frozen record that DelayedClassification.sample_probe builds",
    "mem.tasks.base.Task": "abstract: the interface, with no constructor of its own",
    "mem.tasks.base.Task.sample": _ABSTRACT,
    "mem.tasks.base.Task.loss": _ABSTRACT,
    "mem.tasks.base.Task.score": _ABSTRACT,
    "mem.tasks.base.Task.config": _ABSTRACT,
    "mem.tasks.base.Task.validation_batch": _ABSTRACT,
}


@pytest.mark.parametrize("spec", SPECS, ids=[s.name.removeprefix("mem.") for s in SPECS])
def test_contract(spec):
    check_spec(spec)


def test_permutation_seed_none_is_reading_order():
    assert torch.equal(PermutedDigits(_digits(), permutation_seed=None).permutation, torch.arange(4))
