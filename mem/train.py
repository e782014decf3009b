"""The training loop, :func:`train`, for every task of the book (chapters 2, 5 and 6).

One loop trains a network on any :class:`mem.tasks.Task`: one ``torch.Generator``
seeded by ``seed`` draws every batch, the optimiser (:data:`OPTIMIZERS`) steps on
the task's loss after global gradient-norm clipping, and a :class:`History`
records the loss and score of every step. Options: a protocol (curriculum) that
sets the task parameters of each step (chapter 2), a penalty added to the loss
(the speed penalty of chapter 5), a fixed validation set scored every few updates
(chapter 6), and checkpoints of the weights (chapter 3 tracks slow points forming
through them). Settings the caller leaves out come from the task's paper,
:attr:`mem.tasks.Task.training <mem.tasks.base.Task.training>`: Adam, batches of 128 and clip 1 for delayed
classification (Haviv et al. 2019); RMSprop, batches of 16, clip 10 and validation
every 100 updates for the benchmarks (Orhan & Pitkow 2020).

Results are bit-identical for the same seed, model initialisation and
``torch.get_num_threads()`` on the CPU; a different thread count, or a GPU, gives
different (equally valid) numbers. :func:`pick_device` chooses where to train: the
GPU when there is one, unless the environment variable ``MEM_DEVICE`` says otherwise.
"""
from __future__ import annotations

import copy
import dataclasses
import math
import os
import time
from dataclasses import dataclass, field

import numpy as np
import torch
from tqdm.auto import tqdm

from ._checks import (
    MAX_SEED,
    check_bool,
    check_choice,
    check_count,
    check_float,
    check_int,
    check_model_task,
    check_names,
    check_seed,
    seeded,
)
from .models import MAX_BATCH, RNNClassifier
from .protocols import MAX_ITERS, Protocol
from .tasks import Batch, Task

__all__ = ["DEVICE_ENV", "OPTIMIZERS", "History", "TrainingDiverged", "pick_device", "train"]

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
    TypeError if ``device`` is another kind of thing (an int, bytes, a list); ValueError if ``device``
    (or ``MEM_DEVICE``) is not one of the values above, or asks for CUDA on a machine without it.

    Notes
    -----
    Only the CPU at a fixed thread count gives bit-identical results for a seed, so
    a chapter run on a GPU prints numbers that differ from the book's stored outputs.
    ``MEM_DEVICE=cpu`` reproduces those exactly on any machine.
    """
    name, allowed = "device", "None, 'auto', 'cpu', 'cuda', 'cuda:<index>' or a torch.device of type cpu or cuda"
    if device is not None and not isinstance(device, (str, torch.device)):
        raise TypeError(f"{name} must be {allowed}, got {device!r} ({type(device).__name__})")
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


#: The optimisers :func:`train` knows, by name: Adam at its defaults (Haviv et al.), and RMSprop with
#: Keras's ``rho`` 0.9 and epsilon 1e-7 (Orhan & Pitkow).
OPTIMIZERS = {
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
    "rmsprop": lambda params, lr: torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7),
}

_FLOAT32 = ("loss", "accuracy", "penalty")          # History's per-step float arrays
_ARRAYS = ("loss", "accuracy", "T_max", "n_classes", "penalty", "val_steps", "val_loss", "val_score")


@dataclass
class History:
    """Record of a training run (:func:`train`; chapters 2, 5, 6). Options left off leave their fields None.

    Attributes
    ----------
    loss : ndarray (n_iters,) float32, the task loss of each step's batch
    accuracy : ndarray (n_iters,) float32 or None, the task's score of each step's batch
        (:meth:`mem.tasks.Task.score <mem.tasks.base.Task.score>`; report accuracy for delayed classification)
    T_max, n_classes : ndarray (n_iters,) int or None, the protocol's task parameters at each step
    checkpoints : dict[int, dict], ``{step: state_dict}`` after ``step`` updates (0 = initial weights)
    seconds : float, wall time of the loop (not stored in the zoo: it varies from run to run; NaN, not measured,
        in a history rebuilt by :meth:`from_dict`)
    penalty : ndarray (n_iters,) float32 or None, the penalty added to the loss at each step (chapter 5)
    val_steps : ndarray (K,) int or None, updates after which the validation set was scored (0 = untrained)
    val_loss, val_score : ndarray (K,) float or None, validation loss and score (NaN for tasks without one)
    baseline : float or None, the task's no-memory loss (:attr:`mem.tasks.Task.baseline <mem.tasks.base.Task.baseline>`)
    """

    loss: np.ndarray
    accuracy: np.ndarray | None = None
    T_max: np.ndarray | None = None
    n_classes: np.ndarray | None = None
    checkpoints: dict = field(default_factory=dict)
    seconds: float = float("nan")
    penalty: np.ndarray | None = None
    val_steps: np.ndarray | None = None
    val_loss: np.ndarray | None = None
    val_score: np.ndarray | None = None
    baseline: float | None = None

    @property
    def steps(self) -> np.ndarray:
        """Step numbers ``0 .. n_iters - 1`` (n_iters,)."""
        return np.arange(len(self.loss))

    def smoothed(self, key: str = "accuracy", window: int = 50) -> np.ndarray:
        """Running mean of ``loss`` or ``accuracy`` over ``window`` steps (same length, causal)."""
        if not isinstance(key, str):
            raise TypeError(f"key must be 'loss' or 'accuracy', got {key!r} ({type(key).__name__})")
        if key not in ("loss", "accuracy"):
            raise ValueError(f"key must be 'loss' or 'accuracy', got {key!r}")
        check_int("window", window)
        x = np.asarray(getattr(self, key), dtype=np.float64)
        c = np.cumsum(np.insert(x, 0, 0.0))
        n = np.minimum(np.arange(1, len(x) + 1), window)
        return (c[1:] - c[np.arange(1, len(x) + 1) - n]) / n

    def _validated(self, what: str) -> None:
        if self.val_loss is None or self.baseline is None:
            raise ValueError(f"{what} needs a run with validation on a task with a baseline")

    @property
    def normalized(self) -> np.ndarray:
        """``val_loss / baseline`` (K,): 1 is no better than forgetting everything (chapter 6)."""
        self._validated("normalized")
        return np.asarray(self.val_loss) / self.baseline

    @property
    def success(self) -> bool:
        """The paper's criterion: the final validation loss is below half the baseline (chapter 6)."""
        self._validated("success")
        return bool(self.val_loss[-1] < 0.5 * self.baseline)

    def to_dict(self, keys=None) -> dict:
        """The recorded arrays as plain lists and ``baseline`` as a float, without checkpoints or timing.

        Parameters
        ----------
        keys : iterable of str, optional
            The fields to give, in this order; default: every recorded one (not None).
        """
        names = (*_ARRAYS, "baseline")
        keys = check_names("keys", keys, none_ok=True)
        if keys is None:
            keys = [k for k in names if getattr(self, k) is not None]
        out = {}
        for k in keys:
            if k not in names:
                raise ValueError(f"keys must be among {names}, got {k!r}")
            v = getattr(self, k)
            out[k] = None if v is None else float(v) if k == "baseline" else np.asarray(v).tolist()
        return out

    @classmethod
    def from_dict(cls, d: dict) -> History:
        """Rebuild from :meth:`to_dict` or from what a zoo file stores (tensors or lists)."""
        if not isinstance(d, dict):
            raise TypeError(f"d must be a dict with at least 'loss', got {type(d).__name__}")
        if "loss" not in d:
            raise ValueError(f"d must be a dict with at least 'loss', got the keys {sorted(d)}")
        kw = {k: np.asarray(d[k], dtype=np.float32 if k in _FLOAT32 else None)
              for k in _ARRAYS if d.get(k) is not None}
        if d.get("baseline") is not None:
            kw["baseline"] = float(d["baseline"])
        return cls(**kw)


def _check_settings(lr, clip, dtype: torch.dtype, **counts) -> None:
    """Validation of the settings: ``0 < lr <=`` the largest number of the weights' ``dtype``, ``clip >= 0``
    (``inf``: no clipping) and integer counts in ``1..MAX_BATCH`` (``n_iters``: ``1..MAX_ITERS``)."""
    for name, value in counts.items():
        check_int(name, value, 1, MAX_ITERS if name == "n_iters" else MAX_BATCH)
    check_float("lr", lr, gt=0)
    big = torch.finfo(dtype).max
    if lr > big:   # the optimiser's arithmetic is in the weights' dtype: lr itself would be inf there
        raise ValueError(f"lr must be a finite number > 0 within the weights' {dtype} (<= {big:.4g}), got {lr!r}")
    check_float("clip", clip, finite=False)
    if not float(clip) >= 0:
        raise ValueError(f"clip must be >= 0 (0 or math.inf: no clipping), got {clip!r}")


@torch.no_grad()
def _validate(model: RNNClassifier, task: Task, batch: Batch, device) -> tuple[float, float]:
    """``(loss, score)`` of ``model`` on the validation ``batch``, in eval mode."""
    was_training = model.training
    model.eval()
    batch = batch.to(device)
    logits = model(batch.x).logits
    out = float(task.loss(logits, batch)), float(task.score(logits, batch))
    model.train(was_training)
    return out


def _snapshot(model) -> dict:
    return copy.deepcopy({k: v.cpu() for k, v in model.state_dict().items()})


def train(model: RNNClassifier, task: Task, protocol: Protocol | None = None, *, n_iters: int | None = None,
          optimizer: str | None = None, lr: float | None = None, batch_size: int | None = None,
          clip: float | None = None, seed: int = 0, penalty=None, eval_every: int | None = None,
          n_val: int | None = None, checkpoints=(), device=None, progress: bool = True,
          desc: str | None = None) -> History:
    """Train ``model`` on ``task`` in place (chapters 2, 5, 6).

    Every step draws a batch (from the generator seeded by ``seed``), computes the task's
    loss (plus ``penalty``), clips the global gradient norm at ``clip`` and takes an
    optimiser step. Settings left None come from ``task.training``
    (:class:`mem.tasks.TrainingSettings`, the task's paper); ``clip=0`` and ``eval_every=0``
    turn clipping and validation off.

    Parameters
    ----------
    model : RNNClassifier with the task's ``input_size`` and ``n_outputs``
    task : mem.tasks.Task
    protocol : mem.protocols.Protocol, optional
        A curriculum: gives the task parameters ``TaskParams(T_max, n_classes)`` of each step
        (from the step and the previous batch's score); it is ``reset()`` first and sets
        ``n_iters``. Delayed classification only (chapter 2).
    n_iters : int in 1.. :data:`mem.protocols.MAX_ITERS`, the number of updates; required without a protocol
    optimizer : "adam" or "rmsprop" (:data:`OPTIMIZERS`)
    lr : float > 0, the learning rate (finite, within the weights' dtype)
    batch_size : int in 1.. :data:`mem.models.MAX_BATCH`
    clip : float >= 0, maximal global gradient norm; 0 or ``math.inf``: no clipping
    seed : int, seeds the batches (the initial weights are seeded where the model is built); with validation,
        at most ``2**63 - 1 - 10**6``
    penalty : callable ``penalty(model, step) -> scalar tensor``, optional
        Added to the task loss at every step, e.g. :class:`mem.regularize.SpeedPenalty`
        (chapter 5); it must be differentiable with respect to the model's parameters.
    eval_every : int >= 0, optional
        Score the validation set before training and every ``eval_every`` updates (and after
        the last); default ``task.training.eval_every``; 0 (or a task default of None): no validation.
    n_val : int in 1.. :data:`mem.models.MAX_BATCH`, the validation set's size
        (:meth:`mem.tasks.Task.validation_batch <mem.tasks.base.Task.validation_batch>`, drawn with seed
        ``seed + 10**6``)
    checkpoints : iterable of int, steps ``0..n_iters`` after which to keep a copy of the weights
    device : torch device, optional; default: the model's device
        The model is moved there (:func:`pick_device` picks the GPU when there is one).
    progress : bool, show a tqdm progress bar;  desc : str or None, its label

    Every argument is checked before the model, the protocol or anything else is touched.

    Returns
    -------
    History with ``loss`` and ``accuracy`` (n_iters,); ``T_max`` and ``n_classes`` with a
    protocol; ``penalty`` with a penalty; ``val_*`` with validation; ``checkpoints``.

    Raises
    ------
    TrainingDiverged if the loss or the gradient norm becomes NaN or infinite, or an update makes a weight
    non-finite (checked at every step, the last one too, with clipping on or off); the model keeps the
    weights it had then.
    """
    check_model_task(model, task, Task, hint=" (DelayedClassification, CopyTask, AdditionTask, PermutedDigits)")
    rec = task.training
    optimizer = rec.optimizer if optimizer is None else optimizer
    lr = rec.lr if lr is None else lr
    batch_size = rec.batch_size if batch_size is None else batch_size
    clip = rec.clip if clip is None else clip
    eval_every = rec.eval_every if eval_every is None else eval_every
    n_val = rec.n_val if n_val is None else n_val
    if protocol is not None:
        if not isinstance(protocol, Protocol):
            raise TypeError(f"protocol must be a mem.protocols.Protocol or None, got {type(protocol).__name__}")
        if check_int("n_iters", n_iters, none_ok=True) is not None and n_iters != protocol.n_iters:
            raise ValueError(f"n_iters must be None or the protocol's {protocol.n_iters}, got {n_iters!r}")
        n_iters = protocol.n_iters
    elif n_iters is None:
        raise ValueError("n_iters must be given when there is no protocol")
    check_choice("optimizer", optimizer, sorted(OPTIMIZERS))
    _check_settings(lr, clip, next(model.parameters()).dtype, n_iters=n_iters, batch_size=batch_size, n_val=n_val)
    seed = check_seed(seed)
    if eval_every is not None:
        eval_every = check_count("eval_every", eval_every, 0) or None
    if eval_every is not None and seed > MAX_SEED - 10**6:
        raise ValueError(f"seed must be at most 2**63 - 1 - 10**6 with validation (the validation set is drawn with "
                         f"seed + 10**6), got {seed}")
    if penalty is not None and not callable(penalty):
        raise TypeError(f"penalty must be a callable penalty(model, step) -> tensor, got {type(penalty).__name__}")
    progress = check_bool("progress", progress)
    if desc is not None and not isinstance(desc, str):
        raise TypeError(f"desc must be a str or None, got {type(desc).__name__}")
    n = n_iters
    if isinstance(checkpoints, (str, bytes)) or not hasattr(checkpoints, "__iter__"):
        raise TypeError(f"checkpoints must be an iterable of int steps in 0..n_iters={n}, got {checkpoints!r}")
    checkpoints = sorted({check_int("checkpoints", c, 0) for c in checkpoints})
    if checkpoints and (checkpoints[0] < 0 or checkpoints[-1] > n):
        raise ValueError(f"checkpoints must lie in 0..n_iters={n}, got {checkpoints}")

    device = next(model.parameters()).device if device is None else pick_device(device)
    model.to(device).train()
    if protocol is not None:
        protocol.reset()
    gen = seeded(seed)
    opt = OPTIMIZERS[optimizer](model.parameters(), lr)
    max_norm = clip if clip else math.inf          # clip_grad_norm_ at inf measures the norm, scales by 1
    losses = torch.empty(n)
    accs = torch.empty(n)
    pens = torch.zeros(n) if penalty is not None else None
    T_max = np.empty(n, dtype=np.int64) if protocol is not None else None
    n_classes = np.empty(n, dtype=np.int64) if protocol is not None else None
    saved = {0: _snapshot(model)} if 0 in checkpoints else {}
    val = val_steps = val_loss = val_score = None
    if eval_every is not None:
        val = task.validation_batch(n_val, seed + 10**6)
        vl, vs = _validate(model, task, val, device)
        val_steps, val_loss, val_score = [0], [vl], [vs]

    acc = None
    t0 = time.perf_counter()
    bar = tqdm(range(n), desc=desc or f"{model.arch}-{model.hidden_size} "
                                      f"{task.name if protocol is None else protocol.name}",
               disable=not progress, mininterval=0.5, leave=True)
    for step in bar:
        params = {}
        if protocol is not None:
            params = dataclasses.asdict(protocol(step, acc))
            T_max[step], n_classes[step] = params["T_max"], params["n_classes"]
        batch = task.sample(batch_size, gen, **params)
        if device.type != "cpu":
            batch = batch.to(device)
        logits = model(batch.x).logits
        loss = task.loss(logits, batch)
        total = loss
        if penalty is not None:
            pen = penalty(model, step)
            total = loss + pen
            pens[step] = pen.detach()
        opt.zero_grad(set_to_none=True)
        total.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
        if not (torch.isfinite(total) and torch.isfinite(gnorm)):
            raise TrainingDiverged(f"training diverged at step {step}: loss={total.item()}, "
                                   f"grad norm={float(gnorm)}; try a smaller lr or a clip")
        opt.step()
        with torch.no_grad():
            if not all(bool(torch.isfinite(p).all()) for p in model.parameters()):
                raise TrainingDiverged(f"training diverged at step {step}: the update made a weight non-finite "
                                       f"(loss={total.item()}, grad norm={float(gnorm)}); try a smaller lr or a clip")
            acc = task.score(logits, batch)
        losses[step] = loss.detach()
        accs[step] = acc
        if step + 1 in checkpoints:
            saved[step + 1] = _snapshot(model)
        if eval_every is not None and ((step + 1) % eval_every == 0 or step + 1 == n):
            vl, vs = _validate(model, task, val, device)
            val_steps.append(step + 1)
            val_loss.append(vl)
            val_score.append(vs)
            if task.baseline is not None:
                bar.set_postfix(val=f"{vl / task.baseline:.3f} of baseline", refresh=False)
        elif progress and step % 50 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}", acc=f"{acc:.2f}", **params, refresh=False)
    bar.close()
    model.eval()
    return History(loss=losses.numpy(), accuracy=accs.numpy(), T_max=T_max, n_classes=n_classes,
                   checkpoints=saved, seconds=time.perf_counter() - t0,
                   penalty=None if pens is None else pens.numpy(),
                   val_steps=None if val is None else np.asarray(val_steps),
                   val_loss=None if val is None else np.asarray(val_loss),
                   val_score=None if val is None else np.asarray(val_score), baseline=task.baseline)
