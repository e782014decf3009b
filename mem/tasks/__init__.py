"""Tasks, one per file, behind one interface, :class:`Task` (chapters 1 and 6).

* :mod:`mem.tasks.base` -- the :class:`Task` interface and the :class:`Batch` every task samples
* :mod:`mem.tasks.delayed` -- delayed classification of Haviv, Rivkind & Barak (2019) [1]
* :mod:`mem.tasks.copy` -- the copy task [6]
* :mod:`mem.tasks.addition` -- the addition task [6]
* :mod:`mem.tasks.permuted` -- permuted sequential digits (psMNIST at 8x8) [6]
* :mod:`mem.tasks.flipflop` -- the N-bit flip-flop, a network with known fixed points [3]

Use :func:`make_task` to build any task from its name and stored config.
"""
from .addition import AdditionTask
from .base import Batch, Task, TrainingSettings
from .copy import CopyTask
from .delayed import (
    N_OUTPUTS,
    NULL,
    DelayedBatch,
    DelayedClassification,
    Probe,
    loss_table,
    reference_predictors,
    report_share,
    report_weight_line,
    weighting_schemes,
)
from .flipflop import FlipFlop
from .permuted import PermutedDigits

__all__ = [
    "BENCHMARKS",
    "NULL",
    "N_OUTPUTS",
    "TASKS",
    "AdditionTask",
    "Batch",
    "CopyTask",
    "DelayedBatch",
    "DelayedClassification",
    "FlipFlop",
    "PermutedDigits",
    "Probe",
    "Task",
    "TrainingSettings",
    "loss_table",
    "make_task",
    "reference_predictors",
    "report_share",
    "report_weight_line",
    "weighting_schemes",
]

#: Every task of the book, by name.
TASKS = {cls.name: cls for cls in (DelayedClassification, CopyTask, AdditionTask, PermutedDigits, FlipFlop)}
#: The benchmark tasks of chapter 6, by name.
BENCHMARKS = {name: TASKS[name] for name in ("copy", "addition", "psdigits")}


def make_task(name: str, **config) -> Task:
    """Build a task from its name and :meth:`Task.config <mem.tasks.base.Task.config>` (chapters 1, 6):
    ``make_task(t.name, **t.config())``
    rebuilds ``t``.

    ``make_task("psdigits", pixels=64, permutation_seed=0)`` loads the 8x8 digits;
    ``make_task("psdigits", mnist_dir=path)`` reads MNIST's IDX files from a local folder.

    Raises
    ------
    TypeError if ``name`` is not a str; ValueError if it is not in :data:`TASKS`.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be one of {sorted(TASKS)}, got {type(name).__name__}")
    if name not in TASKS:
        raise ValueError(f"name must be one of {sorted(TASKS)}, got {name!r}")
    return TASKS[name](**config)
