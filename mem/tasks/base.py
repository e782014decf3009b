"""The task interface every task of the book implements: :class:`Task` (chapters 1 and 6).

A task samples :class:`Batch` es of trials, scores a network's read-out on them
(:meth:`Task.loss`, the training objective, and :meth:`Task.score`, the fraction
right), builds its fixed validation set (:meth:`Task.validation_batch`) and
describes itself with :meth:`Task.config <mem.tasks.base.Task.config>`, so that ``make_task(task.name,
**task.config())`` rebuilds it (:func:`mem.tasks.make_task`; the zoo stores configs).

The network is any :class:`mem.models.RNNClassifier` with ``input_size ==
task.input_size`` and ``n_outputs == task.n_outputs``; inputs are batch-first,
``x`` (B, T, input_size), and the read-out ``logits`` is (B, T, n_outputs).

Each task also carries the training settings of the paper it comes from,
:attr:`Task.training` (a :class:`TrainingSettings`): :func:`mem.train.train`
uses them for every setting its caller leaves out.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, fields

import torch

from .._checks import check_bool, check_int, check_path

__all__ = ["MAX_BATCH", "MAX_ELEMENTS", "MAX_STEPS", "SPLITS", "Batch", "Task", "TrainingSettings", "load_images"]

SPLITS = ("train", "test")  #: the data splits a task samples from
MAX_BATCH = 2**20      #: the most trials one call samples (``batch_size``, ``n``)
MAX_STEPS = 2**16      #: the longest trial a task samples (``T``, ``T_max``, ``max_delay``)
MAX_ELEMENTS = 2**30   #: the most numbers one sampled tensor may hold (4 GiB of float32): larger ones are refused


@dataclass(frozen=True)
class Batch:
    """One batch of trials (chapters 1 and 6); tasks may add fields (:class:`mem.tasks.DelayedBatch`).

    Attributes
    ----------
    x : Tensor (B, T, input_size) float32, the inputs
    y : Tensor, the targets: (B, T) int64 classes per step (delayed classification, copy),
        (B,) int64 classes (permuted digits) or (B,) float32 values (addition)
    """

    x: torch.Tensor
    y: torch.Tensor

    def to(self, device) -> Batch:
        """A copy of the batch (of the same class) with every tensor on ``device`` (a str such as ``"cuda"``
        or a ``torch.device``)."""
        if not isinstance(device, (str, torch.device)):
            raise TypeError(f"device must be a str such as 'cpu' or 'cuda' or a torch.device, "
                            f"got {type(device).__name__}")
        try:
            device = torch.device(device)
        except RuntimeError:
            raise ValueError(f"device must name a torch device such as 'cpu' or 'cuda:0', got {device!r}") from None
        return type(self)(**{f.name: getattr(self, f.name).to(device) for f in fields(self)})


@dataclass(frozen=True)
class TrainingSettings:
    """The training settings a task's paper used; :func:`mem.train.train`'s defaults (chapters 2 and 6).

    Attributes
    ----------
    optimizer : "adam" or "rmsprop" (:data:`mem.train.OPTIMIZERS`)
    lr : float, learning rate
    batch_size : int, trials per update
    clip : float, maximal global gradient norm (``math.inf``: no clipping)
    eval_every : int or None, updates between validations (None: no validation)
    n_val : int, trials in the validation set (:meth:`Task.validation_batch`)
    """

    optimizer: str
    lr: float
    batch_size: int
    clip: float
    eval_every: int | None = None
    n_val: int = 500


class Task(abc.ABC):
    """What every task provides (chapters 1 and 6). Subclasses set the class attributes
    ``name`` and ``training`` and implement the abstract members.

    Attributes
    ----------
    name : str, the task's name in :data:`mem.tasks.TASKS` (``make_task(name, **config)``)
    training : TrainingSettings, the paper's training settings (:func:`mem.train.train`'s defaults)
    baseline : float or None, the loss of the best predictor that remembers nothing, where known
        (chapter 6 calls a run successful when its validation loss ends below half of it)
    """

    name: str
    training: TrainingSettings
    baseline: float | None = None

    @property
    @abc.abstractmethod
    def input_size(self) -> int:
        """Input channels per step."""

    @property
    @abc.abstractmethod
    def n_outputs(self) -> int:
        """Read-out units per step."""

    @abc.abstractmethod
    def sample(self, batch_size: int, generator: torch.Generator | None = None, *,
               split: str = "train", **params) -> Batch:
        """Draw ``batch_size`` trials from ``split`` ("train" or "test"), all randomness from ``generator``.

        ``params`` are the task parameters a curriculum sets per step (:mod:`mem.protocols`)."""

    @abc.abstractmethod
    def loss(self, logits: torch.Tensor, batch: Batch) -> torch.Tensor:
        """The training objective: a scalar tensor, differentiable in ``logits`` (B, T, n_outputs)."""

    @abc.abstractmethod
    def score(self, logits: torch.Tensor, batch: Batch) -> float:
        """The fraction of answers right, a float in [0, 1] (NaN where the task has none, as addition)."""

    @abc.abstractmethod
    def config(self) -> dict:
        """Constructor arguments (JSON-ready): ``make_task(self.name, **self.config())`` rebuilds the task."""

    @abc.abstractmethod
    def validation_batch(self, n: int, seed: int) -> Batch:
        """The fixed validation set: the same trials for the same ``n`` and ``seed``, from the test split."""

    # -- shared helpers ---------------------------------------------------------------------------
    def __eq__(self, other) -> bool:
        return type(self) is type(other) and self.config() == other.config()

    __hash__ = None  # tasks are mutable (curricula change their parameters)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"

    @staticmethod
    def check_split(split: str) -> str:
        """``split`` if it is "train" or "test"; a TypeError for what is not a str, else a ValueError."""
        if not isinstance(split, str):
            raise TypeError(f"split must be 'train' or 'test', got {type(split).__name__}")
        if split not in SPLITS:
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        return split

    @staticmethod
    def check_batch_size(batch_size) -> int:
        """``batch_size`` as an int in 1.. :data:`MAX_BATCH`: a TypeError for what is not an int, else a ValueError."""
        return check_int("batch_size", batch_size, 1, MAX_BATCH)

    def check_logits(self, logits: torch.Tensor, batch: Batch, *, nan_ok: bool = False) -> None:
        """``batch`` must be a :class:`Batch` and ``logits`` a floating-point tensor of shape (B, T, n_outputs) for
        its ``x`` (B, T, D), free of NaN unless ``nan_ok``.

        :meth:`loss` passes ``nan_ok=True``: NaN logits give a NaN loss, which :func:`mem.train.train` reads as
        divergence (``TrainingDiverged``). :meth:`score` refuses them: an accuracy of NaN logits means nothing.
        """
        nan_ok = check_bool("nan_ok", nan_ok)
        if not isinstance(batch, Batch):
            raise TypeError(f"batch must be a mem.tasks.Batch, got {type(batch).__name__}")
        B, T = batch.x.shape[:2]
        if not isinstance(logits, torch.Tensor):
            raise TypeError(f"logits must be a tensor of shape (B, T, C) = ({B}, {T}, {self.n_outputs}), "
                            f"got {type(logits).__name__}")
        if logits.dim() != 3 or tuple(logits.shape) != (B, T, self.n_outputs):
            raise ValueError(f"logits must have shape (B, T, C) = ({B}, {T}, {self.n_outputs}), "
                             f"got {tuple(logits.shape)}")
        if not logits.is_floating_point():
            raise TypeError(f"logits must be a floating-point tensor, got {logits.dtype}")
        if not nan_ok and bool(torch.isnan(logits).any()):
            raise ValueError("logits must not hold NaN (a network with non-finite weights or inputs?)")


def load_images(data=None, pixels: int | None = None, mnist_dir: str | None = None):
    """The images of an image task (chapters 1 and 6): ``data`` itself when given, else the 8x8 digits
    (:func:`mem.data.load_digits`) or MNIST read from ``mnist_dir`` (:func:`mem.data.load_mnist`).

    ``pixels``, when given, must equal the images' pixel count (a stored config names it).

    Returns
    -------
    mem.data.Digits
    """
    from ..data import Digits, load_digits, load_mnist

    pixels = check_int("pixels", pixels, 1, none_ok=True)
    folder = check_path("mnist_dir", mnist_dir, none_ok=True)
    if data is not None and mnist_dir is not None:
        raise ValueError(f"give data or mnist_dir, not both (got mnist_dir={mnist_dir!r})")
    if data is not None and not isinstance(data, Digits):
        raise TypeError(f"data must be a mem.data.Digits, got {type(data).__name__}")
    if folder is not None and not folder.is_dir():
        raise ValueError(f"mnist_dir must be an existing folder with MNIST's IDX files, got {str(folder)!r}")
    if data is None:
        data = load_digits() if mnist_dir is None else load_mnist(mnist_dir)
    if pixels is not None and pixels != data.n_pixels:
        raise ValueError(f"pixels must match the data ({data.n_pixels} pixels"
                         f"{'' if mnist_dir else ': 8x8 digits; pass mnist_dir for MNIST'}), got {pixels!r}")
    return data
