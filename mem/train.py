"""The training loops: :func:`train` for the delayed task (chapter 2), :func:`train_task` for the benchmarks (chapter 6).

:func:`train` runs Adam on the task's weighted cross-entropy, gradient-norm clipping, one
``torch.Generator`` seeded by ``seed`` for every batch, and a protocol that sets
the task parameters of each step. Returns a :class:`History` of loss and report
accuracy per step, plus optional checkpoints (chapter 3 tracks slow points
forming through them).

:func:`train_task` trains on a :class:`mem.tasks.SequenceTask` (copy, addition,
permuted digits) the way Orhan & Pitkow (2020) did: RMSprop, gradient clipping,
batches of 16, a fixed validation set, equal update budgets for every
initialisation.

Results are bit-identical for the same seed, model initialisation and
``torch.get_num_threads()`` on the CPU; a different thread count, or a GPU, gives
different (equally valid) numbers. :func:`pick_device` chooses where to train: the
GPU when there is one, unless the environment variable ``MEM_DEVICE`` says otherwise.
"""
from __future__ import annotations

import copy
import os
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm.auto import tqdm

from . import tasks as _tasks
from ._checks import check_model_task, positive_ints
from .models import RNNClassifier
from .protocols import Protocol

__all__ = ["History", "TaskHistory", "TrainingDiverged", "pick_device", "train", "train_task", "validate"]

DEVICE_ENV = "MEM_DEVICE"   # the environment variable that overrides pick_device's automatic choice


def pick_device(device=None) -> torch.device:
    """The device to train on: CUDA when it is available, the CPU otherwise (chapter 2).

    Parameters
    ----------
    device : None, "auto", "cpu", "cuda", "cuda:<index>" or a torch.device, default None
        ``None`` or ``"auto"`` chooses automatically: the value of the environment
        variable ``MEM_DEVICE`` when it is set (``"cpu"``, ``"cuda"``, ...), else
        ``"cuda"`` when ``torch.cuda.is_available()``, else ``"cpu"``. Anything else
        is checked and returned as a ``torch.device``.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError if ``device`` (or ``MEM_DEVICE``) is not one of the values above, or
    asks for CUDA on a machine without it.

    Notes
    -----
    Only the CPU at a fixed thread count gives bit-identical results for a seed, so
    a chapter run on a GPU prints numbers that differ from the book's stored outputs.
    ``MEM_DEVICE=cpu`` reproduces those exactly on any machine.
    """
    name, allowed = "device", "None, 'auto', 'cpu', 'cuda', 'cuda:<index>' or a torch.device of type cpu or cuda"
    if device is None or (isinstance(device, str) and device == "auto"):
        if not os.environ.get(DEVICE_ENV):
            return torch.device("cuda" if torch.cuda.is_available() else "cpu")
        name, allowed, device = DEVICE_ENV, "'cpu', 'cuda' or 'cuda:<index>'", os.environ[DEVICE_ENV]
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        dev = None
    if dev is None or dev.type not in ("cpu", "cuda"):
        raise ValueError(f"{name} must be {allowed}, got {device!r}")
    if dev.type == "cuda" and (dev.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"{name} is {device!r}, but this machine has {torch.cuda.device_count()} CUDA device(s)"
                         + ("" if torch.cuda.is_available() else ": CUDA is not available; use 'cpu' or 'auto'"))
    return dev


class TrainingDiverged(FloatingPointError):
    """Raised when the loss or the gradient norm stops being finite (chapter 2)."""


@dataclass
class History:
    """Per-step record of a training run.

    Attributes
    ----------
    loss, accuracy : ndarray (n_iters,) float32
        Training loss and report accuracy of each step's batch (accuracy over
        the batch's active vocabulary and delays).
    T_max, n_classes : ndarray (n_iters,) int
        The protocol's task parameters at each step.
    checkpoints : dict[int, dict]
        ``{step: state_dict}`` of the model after ``step`` updates (0 = initial weights).
    penalty : ndarray (n_iters,) float32 or None
        The regulariser's value added to the loss at each step (``train(penalty=...)``;
        chapter 5); ``loss`` is the task loss alone.
    seconds : float
        Wall time of the loop (not stored in the zoo: it varies from run to run).
    """

    loss: np.ndarray
    accuracy: np.ndarray
    T_max: np.ndarray
    n_classes: np.ndarray
    checkpoints: dict = field(default_factory=dict)
    seconds: float = float("nan")
    penalty: np.ndarray | None = None

    @property
    def steps(self) -> np.ndarray:
        return np.arange(len(self.loss))

    def smoothed(self, key: str = "accuracy", window: int = 50) -> np.ndarray:
        """Running mean of ``loss`` or ``accuracy`` over ``window`` steps (same length, causal)."""
        if key not in ("loss", "accuracy"):
            raise ValueError(f"key must be 'loss' or 'accuracy', got {key!r}")
        positive_ints(window=window)
        x = np.asarray(getattr(self, key), dtype=np.float64)
        c = np.cumsum(np.insert(x, 0, 0.0))
        n = np.minimum(np.arange(1, len(x) + 1), window)
        return (c[1:] - c[np.arange(1, len(x) + 1) - n]) / n

    def to_dict(self) -> dict:
        """Arrays only (no checkpoints, no timing): what the zoo stores."""
        return {k: torch.as_tensor(getattr(self, k)) for k in ("loss", "accuracy", "T_max", "n_classes")}

    @classmethod
    def from_dict(cls, d: dict) -> "History":
        return cls(**{k: np.asarray(d[k]) for k in ("loss", "accuracy", "T_max", "n_classes")})


def _check_settings(lr, clip, **counts) -> None:
    """Shared validation of the training loops: ``lr > 0``, ``clip >= 0`` or None, positive integer counts."""
    positive_ints(**counts)
    if not float(lr) > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    if clip is not None and float(clip) < 0:
        raise ValueError(f"clip must be >= 0 or None, got {clip!r}")


def train(model: RNNClassifier, task: _tasks.DelayedClassification, protocol: Protocol, *,
          batch_size: int = 128, lr: float = 3e-3, clip: float = 1.0, seed: int = 0,
          checkpoints=(), device=None, progress: bool = True, desc: str | None = None,
          penalty=None) -> History:
    """Train ``model`` on ``task`` for ``protocol.n_iters`` steps, in place (chapter 2).

    Parameters
    ----------
    model : RNNClassifier
    task : DelayedClassification
    protocol : Protocol
        Gives ``TaskParams(T_max, n_classes)`` for each step; it is ``reset()`` first.
    batch_size : int, default 128
    lr : float, default 3e-3 (Adam)
    clip : float, default 1.0; max global gradient norm (``None`` or 0: no clipping)
    seed : int
        Seeds the batches (images, timing, noise). The initial weights are
        seeded where the model is built (``RNNClassifier(..., seed=)``).
    checkpoints : iterable of int
        Steps ``0..n_iters`` after which to keep a copy of the weights.
    device : torch device, optional; default: the model's device
        The model is moved there (:func:`pick_device` picks the GPU when there is one).
    progress : bool, show a tqdm progress bar
    penalty : callable ``penalty(model, step) -> scalar tensor``, optional
        Added to the task loss at every step, e.g. :class:`mem.regularize.SpeedPenalty`
        (chapter 5). It must be differentiable with respect to the model's parameters.

    Returns
    -------
    History

    Raises
    ------
    TrainingDiverged if the loss or gradient norm becomes NaN or infinite.
    """
    check_model_task(model, task, _tasks.DelayedClassification, hint=" (train_task trains the benchmarks)")
    if not isinstance(protocol, Protocol):
        raise ValueError(f"protocol must be a mem.protocols.Protocol, got {type(protocol).__name__}")
    _check_settings(lr, clip, batch_size=batch_size)
    if penalty is not None and not callable(penalty):
        raise ValueError(f"penalty must be a callable penalty(model, step) -> tensor, got {type(penalty).__name__}")
    n = protocol.n_iters
    checkpoints = sorted({int(c) for c in checkpoints})
    if checkpoints and (checkpoints[0] < 0 or checkpoints[-1] > n):
        raise ValueError(f"checkpoints must lie in 0..n_iters={n}, got {checkpoints}")

    device = next(model.parameters()).device if device is None else pick_device(device)
    model.to(device).train()
    protocol.reset()
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = torch.empty(n)
    accs = torch.empty(n)
    pens = torch.zeros(n) if penalty is not None else None
    T_max = np.empty(n, dtype=np.int64)
    n_classes = np.empty(n, dtype=np.int64)
    saved = {}
    if 0 in checkpoints:
        saved[0] = copy.deepcopy({k: v.cpu() for k, v in model.state_dict().items()})

    acc = None
    t0 = time.perf_counter()
    bar = tqdm(range(n), desc=desc or f"{model.arch}-{model.hidden_size} {protocol.name}",
               disable=not progress, mininterval=0.5, leave=True)
    for step in bar:
        params = protocol(step, acc)
        T_max[step], n_classes[step] = params.T_max, params.n_classes
        batch = task.sample(batch_size, gen, T_max=params.T_max, n_classes=params.n_classes)
        if device.type != "cpu":
            batch = batch.to(device)
        logits = model(batch.x).logits
        loss = _tasks.loss(logits, batch)
        total = loss
        if penalty is not None:
            pen = penalty(model, step)
            total = loss + pen
            pens[step] = pen.detach()
        opt.zero_grad(set_to_none=True)
        total.backward()
        if clip:
            gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        else:
            gnorm = loss.detach()
        if not (torch.isfinite(total) and torch.isfinite(gnorm)):
            raise TrainingDiverged(f"training diverged at step {step}: loss={total.item()}, "
                                   f"grad norm={float(gnorm.detach())}; try a smaller lr or a clip")
        opt.step()
        with torch.no_grad():
            acc = _tasks.report_correct(logits, batch).float().mean().item()
        losses[step] = loss.detach()
        accs[step] = acc
        if step + 1 in checkpoints:
            saved[step + 1] = copy.deepcopy({k: v.cpu() for k, v in model.state_dict().items()})
        if progress and step % 50 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}", acc=f"{acc:.2f}", T=params.T_max,
                            classes=params.n_classes, refresh=False)
    bar.close()
    model.eval()
    return History(loss=losses.numpy(), accuracy=accs.numpy(), T_max=T_max, n_classes=n_classes,
                   checkpoints=saved, seconds=time.perf_counter() - t0,
                   penalty=None if pens is None else pens.numpy())


@dataclass
class TaskHistory:
    """Record of a benchmark run (:func:`train_task`; chapter 6).

    Attributes
    ----------
    loss : ndarray (n_updates,) float32, the training loss of each update's batch
    val_steps : ndarray (K,) int, updates after which the validation set was scored (0 = untrained)
    val_loss, val_score : ndarray (K,) float, validation loss and score (NaN for tasks without a score)
    baseline : float, the task's no-memory loss (``SequenceTask.baseline``)
    seconds : float, wall time of the loop (not stored in the zoo)
    """

    loss: np.ndarray
    val_steps: np.ndarray
    val_loss: np.ndarray
    val_score: np.ndarray
    baseline: float
    seconds: float = float("nan")

    @property
    def normalized(self) -> np.ndarray:
        """``val_loss / baseline`` (K,): 1 is no better than forgetting everything."""
        return np.asarray(self.val_loss) / self.baseline

    @property
    def success(self) -> bool:
        """The paper's criterion: the final validation loss is below half the baseline."""
        return bool(self.val_loss[-1] < 0.5 * self.baseline)

    def to_dict(self) -> dict:
        """Plain lists (JSON-ready), without the timing."""
        return {"loss": [float(v) for v in self.loss], "val_steps": [int(v) for v in self.val_steps],
                "val_loss": [float(v) for v in self.val_loss], "val_score": [float(v) for v in self.val_score],
                "baseline": float(self.baseline)}

    @classmethod
    def from_dict(cls, d: dict) -> "TaskHistory":
        return cls(np.asarray(d["loss"], dtype=np.float32), np.asarray(d["val_steps"]),
                   np.asarray(d["val_loss"]), np.asarray(d["val_score"]), float(d["baseline"]))


@torch.no_grad()
def validate(model: RNNClassifier, task, batch) -> tuple[float, float]:
    """``(loss, score)`` of ``model`` on one :class:`mem.tasks.SequenceBatch` (chapter 6)."""
    check_model_task(model, task, _tasks.SequenceTask, hint=" (CopyTask, AdditionTask, PermutedDigits)")
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    batch = batch.to(device)
    logits = model(batch.x).logits
    out = float(task.loss(logits, batch)), float(task.score(logits, batch))
    model.train(was_training)
    return out


def train_task(model: RNNClassifier, task, n_updates: int, *, lr: float = 3e-4, batch_size: int = 16,
               clip: float | None = 10.0, seed: int = 0, eval_every: int = 100, n_val: int = 500,
               device=None, progress: bool = True, desc: str | None = None) -> TaskHistory:
    """Train ``model`` on a benchmark task for ``n_updates`` RMSprop updates, in place (chapter 6).

    The recipe of Orhan & Pitkow (2020): RMSprop (``alpha`` 0.9, eps 1e-7, as in
    Keras), global gradient-norm clipping at ``clip`` (10), batches of 16 fresh
    trials. Every ``eval_every`` updates (and before the first) the loss on a fixed
    validation set is recorded: ``n_val`` trials drawn with seed ``seed + 10**6``
    (from the test images for :class:`mem.tasks.PermutedDigits`, all of them).

    Parameters
    ----------
    model : RNNClassifier with the task's ``input_size`` and ``n_outputs``
    task : mem.tasks.SequenceTask
    n_updates : int >= 1, the update budget (equal for every initialisation in chapter 6)
    lr, batch_size, clip, seed : training settings; ``seed`` seeds the batches only
    eval_every : int >= 1;  n_val : int >= 1
    device, progress, desc : as for :func:`train`

    Returns
    -------
    TaskHistory

    Raises
    ------
    TrainingDiverged if the loss or gradient norm becomes NaN or infinite.
    """
    from .tasks import PermutedDigits

    check_model_task(model, task, _tasks.SequenceTask, hint=" (CopyTask, AdditionTask, PermutedDigits)")
    _check_settings(lr, clip, n_updates=n_updates, batch_size=batch_size, eval_every=eval_every, n_val=n_val)
    device = next(model.parameters()).device if device is None else pick_device(device)
    model.to(device).train()
    gen = torch.Generator().manual_seed(seed)
    val = (task.all("test") if isinstance(task, PermutedDigits)
           else task.sample(n_val, torch.Generator().manual_seed(seed + 10**6), split="test"))
    opt = torch.optim.RMSprop(model.parameters(), lr=lr, alpha=0.9, eps=1e-7)
    losses = torch.empty(n_updates)
    val_steps, val_loss, val_score = [0], *map(list, zip(validate(model, task, val)))
    t0 = time.perf_counter()
    bar = tqdm(range(n_updates), desc=desc or f"{model.arch}-{model.hidden_size} {task.name}",
               disable=not progress, mininterval=0.5, leave=True)
    for step in bar:
        batch = task.sample(batch_size, gen)
        if device.type != "cpu":
            batch = batch.to(device)
        loss = task.loss(model(batch.x).logits, batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip if clip else float("inf"))
        if not (torch.isfinite(loss) and torch.isfinite(gnorm)):
            raise TrainingDiverged(f"training diverged at update {step}: loss={loss.item()}, "
                                   f"grad norm={float(gnorm)}; try a smaller lr or a clip")
        opt.step()
        losses[step] = loss.detach()
        if (step + 1) % eval_every == 0 or step + 1 == n_updates:
            vl, vs = validate(model, task, val)
            val_steps.append(step + 1)
            val_loss.append(vl)
            val_score.append(vs)
            bar.set_postfix(val=f"{vl / task.baseline:.3f} of baseline", refresh=False)
    bar.close()
    model.eval()
    return TaskHistory(losses.numpy(), np.asarray(val_steps), np.asarray(val_loss), np.asarray(val_score),
                       float(task.baseline), time.perf_counter() - t0)
