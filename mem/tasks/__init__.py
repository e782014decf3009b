"""Tasks, one per file (chapters 1 and 6).

* :mod:`mem.tasks.delayed` -- delayed classification of Haviv, Rivkind & Barak (2019) [1]
* :mod:`mem.tasks.copy` -- the copy task [6]
* :mod:`mem.tasks.addition` -- the addition task [6]
* :mod:`mem.tasks.permuted` -- permuted sequential digits (psMNIST at 8x8) [6]
* :mod:`mem.tasks.sequence` -- what the three benchmarks share [6]

Use :func:`make_task` to build a benchmark from its stored config.
"""
from .addition import AdditionTask
from .copy import CopyTask
from .delayed import N_OUTPUTS, NULL, Batch, DelayedClassification, Probe, loss, report_correct
from .permuted import PermutedDigits
from .sequence import SequenceBatch, SequenceTask

__all__ = ["Batch", "Probe", "DelayedClassification", "loss", "report_correct", "N_OUTPUTS", "NULL",
           "SequenceBatch", "SequenceTask", "CopyTask", "AdditionTask", "PermutedDigits", "BENCHMARKS",
           "make_task"]

#: The benchmark tasks of chapter 6, by name.
BENCHMARKS = {"copy": CopyTask, "addition": AdditionTask, "psdigits": PermutedDigits}


def make_task(name: str, **config) -> SequenceTask:
    """Build a benchmark from its name and :meth:`mem.tasks.sequence.SequenceTask.config` (chapter 6).

    ``make_task("psdigits", pixels=64, permutation_seed=0)`` loads the 8x8 digits;
    ``make_task("psdigits", mnist_dir=path)`` reads MNIST's IDX files from a local folder.
    """
    if name not in BENCHMARKS:
        raise ValueError(f"name must be one of {sorted(BENCHMARKS)}, got {name!r}")
    if name != "psdigits":
        return BENCHMARKS[name](**config)
    from ..data import load_digits, load_mnist
    config = dict(config)
    pixels = config.pop("pixels", None)
    mnist_dir = config.pop("mnist_dir", None)
    data = load_digits() if mnist_dir is None else load_mnist(mnist_dir)
    if pixels is not None and pixels != data.n_pixels:
        raise ValueError(f"pixels must match the data ({data.n_pixels} pixels"
                         f"{'' if mnist_dir else ': 8x8 digits; pass mnist_dir for MNIST'}), got {pixels!r}")
    return PermutedDigits(data, **config)
