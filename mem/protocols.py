"""Training protocols (curricula) of Haviv et al. (2019) (chapter 2).

A protocol maps the training step (and, for accuracy-triggered curricula, the
recent accuracy) to the task parameters of that step, :class:`TaskParams`
``(T_max, n_classes)``:

* :class:`NaCu` -- no curriculum: the full task from the first step.
* :class:`DeCu` -- delay curriculum: the trial length ``T_max`` grows in stages.
* :class:`VoCu` -- vocabulary curriculum: digits are added to the task in stages.
* :class:`AccuracyCurriculum` -- any list of stages, advancing when the running
  accuracy passes a threshold rather than at fixed steps (in the spirit of
  PsychRNN's ``Curriculum``).

Fixed-step curricula spread their stages evenly over the first ``fraction`` of
training; the final stage (the full task) fills the rest. Every protocol gives
its schedule (:func:`~mem.plots.training.plot_schedule` draws it) and serialises itself with
:meth:`Protocol.config` so the zoo can rebuild it (:func:`make_protocol`).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ._checks import check_array, check_count, check_int
from .tasks import N_OUTPUTS

__all__ = [
    "MAX_ITERS",
    "MAX_T",
    "PROTOCOLS",
    "AccuracyCurriculum",
    "DeCu",
    "NaCu",
    "Protocol",
    "TaskParams",
    "VoCu",
    "curriculum_stages",
    "digit_entry_steps",
    "loss_jumps",
    "make_protocol",
    "protocol_stage_starts",
    "schedule_shares",
    "stage_starts",
]


#: The longest training a protocol (and :func:`mem.train.train`) runs: ``n_iters`` is at most this many updates
#: (its schedule holds three int64 arrays of that length).
MAX_ITERS = 10**7

#: The longest trial a protocol asks for: every ``T_max`` (and ``T_start``, ``T_end``) is at most this.
MAX_T = 100_000


def _T(name: str, value, lo: int = 2) -> int:
    """A trial length ``name`` as an int in ``lo..MAX_T``."""
    return check_int(name, value, lo, MAX_T)


def _classes(name: str, value, lo: int = 2) -> int:
    """A vocabulary size ``name`` (null included) as an int in ``lo..N_OUTPUTS``."""
    return check_int(name, value, lo, N_OUTPUTS)


def _T_range(T_start, T_end, T_step) -> tuple[int, int, int]:
    """``T_start .. T_end`` in steps of ``T_step`` (the delay curricula): each checked, the end a whole number of
    steps after the start."""
    T_start = _T("T_start", T_start)
    T_end = check_int("T_end", T_end, 2, MAX_T)
    if T_end < T_start:
        raise ValueError(f"T_end must be >= T_start, got T_start={T_start} and T_end={T_end}")
    T_step = check_count("T_step", T_step)
    if (T_end - T_start) % T_step:
        raise ValueError(f"T_end - T_start must be a multiple of T_step, got {T_start}..{T_end} step {T_step}")
    return T_start, T_end, T_step


@dataclass(frozen=True)
class TaskParams:
    """Task parameters of one training step: trial length and vocabulary (null included) (chapter 2)."""

    T_max: int
    n_classes: int


def _fraction(value):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"fraction must be a real number in [0, 1), got {value!r}")
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(f"fraction must be in [0, 1), got {value!r}")
    return float(value)


class Protocol:
    """Base class: a map ``(step, accuracy) -> TaskParams`` over ``n_iters`` steps (chapter 2)."""

    name = "protocol"

    def __init__(self, n_iters: int):
        self.n_iters = check_count("n_iters", n_iters, 1, MAX_ITERS)

    def __call__(self, step: int, accuracy: float | None = None) -> TaskParams:
        raise NotImplementedError

    def reset(self) -> None:
        """Forget any state (accuracy-triggered curricula); fixed schedules have none."""

    def config(self) -> dict:
        """JSON-serialisable description; ``make_protocol(p.config())`` rebuilds ``p``."""
        raise NotImplementedError

    def schedule(self) -> dict[str, np.ndarray]:
        """Task parameters at every step: ``{"step", "T_max", "n_classes"}``, arrays of length n_iters."""
        params = [self(s) for s in range(self.n_iters)]
        return {"step": np.arange(self.n_iters),
                "T_max": np.array([p.T_max for p in params]),
                "n_classes": np.array([p.n_classes for p in params])}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class _Staged(Protocol):
    """Fixed-step stages spread over the first ``fraction`` of training."""

    def __init__(self, n_iters: int, stages: list[TaskParams], fraction: float):
        super().__init__(n_iters)
        self.fraction = _fraction(fraction)
        self.stages = list(stages)
        k = len(self.stages)
        end = self.fraction * self.n_iters
        self.starts = [0] if k == 1 else [round(i * end / (k - 1)) for i in range(k)]

    def __call__(self, step: int, accuracy: float | None = None) -> TaskParams:
        i = int(np.searchsorted(self.starts, step, side="right")) - 1
        return self.stages[max(i, 0)]

    def schedule(self) -> dict[str, np.ndarray]:
        """Task parameters at every step: ``{"step", "T_max", "n_classes"}``, arrays of length n_iters (the stage
        of every step at once; the same arrays as :meth:`Protocol.schedule`'s step-by-step calls)."""
        steps = np.arange(self.n_iters)
        idx = np.maximum(np.searchsorted(self.starts, steps, side="right") - 1, 0)
        return {"step": steps, "T_max": np.array([p.T_max for p in self.stages])[idx],
                "n_classes": np.array([p.n_classes for p in self.stages])[idx]}


class NaCu(_Staged):
    """No curriculum: ``T_max`` and ``n_classes`` fixed from the first step (chapter 2)."""

    name = "nacu"

    def __init__(self, n_iters: int = 3000, T_max: int = 20, n_classes: int = N_OUTPUTS):
        self.T_max = _T("T_max", T_max)
        self.n_classes = _classes("n_classes", n_classes)
        super().__init__(n_iters, [TaskParams(self.T_max, self.n_classes)], 0.0)

    def config(self) -> dict:
        """``{"name": "nacu", "n_iters", "T_max", "n_classes"}``: ``make_protocol`` rebuilds the protocol."""
        return {"name": self.name, "n_iters": self.n_iters, "T_max": self.T_max, "n_classes": self.n_classes}


class DeCu(_Staged):
    """Delay curriculum: ``T_max = T_start, T_start + T_step, ..., T_end`` in equal stages (chapter 2).

    With the defaults, T_max = 6, 8, ..., 20 (eight stages) over the first half of
    training, all ten digits throughout.
    """

    name = "decu"

    def __init__(self, n_iters: int = 3000, T_start: int = 6, T_end: int = 20, T_step: int = 2,
                 fraction: float = 0.5, n_classes: int = N_OUTPUTS):
        self.T_start, self.T_end, self.T_step = _T_range(T_start, T_end, T_step)
        self.n_classes = _classes("n_classes", n_classes)
        stages = [TaskParams(T, self.n_classes) for T in range(self.T_start, self.T_end + 1, self.T_step)]
        super().__init__(n_iters, stages, fraction)

    def config(self) -> dict:
        """``{"name": "decu", "n_iters", "T_start", "T_end", "T_step", "fraction", "n_classes"}``."""
        return {"name": self.name, "n_iters": self.n_iters, "T_start": self.T_start, "T_end": self.T_end,
                "T_step": self.T_step, "fraction": self.fraction, "n_classes": self.n_classes}


class VoCu(_Staged):
    """Vocabulary curriculum: ``n_classes = classes_start .. classes_end`` (null included), one digit per stage
    (chapter 2).

    With the defaults, digits {0, 1} first, then one more digit per stage up to
    all ten (nine stages) over the first half of training, at ``T_max = 20``.
    """

    name = "vocu"

    def __init__(self, n_iters: int = 3000, classes_start: int = 3, classes_end: int = N_OUTPUTS,
                 fraction: float = 0.5, T_max: int = 20):
        self.classes_start = _classes("classes_start", classes_start)
        try:
            self.classes_end = _classes("classes_end", classes_end, self.classes_start)
        except ValueError as err:          # say which start it must follow
            raise ValueError(f"{err} (classes_end >= classes_start={self.classes_start})") from None
        self.T_max = _T("T_max", T_max)
        stages = [TaskParams(self.T_max, c) for c in range(self.classes_start, self.classes_end + 1)]
        super().__init__(n_iters, stages, fraction)

    def config(self) -> dict:
        """``{"name": "vocu", "n_iters", "classes_start", "classes_end", "fraction", "T_max"}``."""
        return {"name": self.name, "n_iters": self.n_iters, "classes_start": self.classes_start,
                "classes_end": self.classes_end, "fraction": self.fraction, "T_max": self.T_max}


class AccuracyCurriculum(Protocol):
    """Advance to the next stage when the running report accuracy passes ``threshold`` (chapter 2).

    The training loop calls ``protocol(step, accuracy)`` with the report accuracy
    of the latest batch. The curriculum averages the last ``window`` values seen
    in the current stage and advances once that mean reaches ``threshold`` (and
    at least ``min_steps`` steps were spent in the stage). The last stage is kept
    until ``n_iters``. ``transitions`` records ``(step, stage_index)``.

    Parameters
    ----------
    stages : non-empty list of TaskParams (or ``(T_max, n_classes)`` pairs)
    n_iters : int
    threshold : float in (0, 1]
    window : int >= 1
    min_steps : int >= 0, defaults to ``window``
    """

    name = "accuracy"

    def __init__(self, stages, n_iters: int = 3000, threshold: float = 0.9, window: int = 50,
                 min_steps: int | None = None):
        super().__init__(n_iters)
        if not isinstance(stages, (list, tuple)):
            raise TypeError(f"stages must be a non-empty list of (T_max, n_classes) pairs or TaskParams, "
                            f"got {type(stages).__name__}")
        if not stages:
            raise ValueError("stages must be a non-empty list of (T_max, n_classes)")
        pairs = []
        for st in stages:
            if isinstance(st, TaskParams):
                st = (st.T_max, st.n_classes)
            if not isinstance(st, (list, tuple, np.ndarray)) or len(st) != 2:
                raise TypeError(f"stages must be a non-empty list of (T_max, n_classes) pairs or TaskParams, "
                                f"got the stage {st!r}")
            pairs.append(st)
        self.stages = [TaskParams(_T("T_max", T_max), _classes("n_classes", n_classes)) for T_max, n_classes in pairs]
        if isinstance(threshold, (bool, np.bool_)) or not isinstance(threshold, (int, float, np.integer, np.floating)):
            raise TypeError(f"threshold must be a real number in (0, 1], got {threshold!r}")
        if not 0.0 < float(threshold) <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        self.threshold = float(threshold)
        self.window = check_count("window", window)
        self.min_steps = self.window if min_steps is None else check_count("min_steps", min_steps, 0)
        self.reset()

    @classmethod
    def delay(cls, n_iters: int = 3000, T_start: int = 6, T_end: int = 20, T_step: int = 2, **kw):
        """Accuracy-triggered version of :class:`DeCu` (``T_start .. T_end`` checked as there)."""
        T_start, T_end, T_step = _T_range(T_start, T_end, T_step)
        return cls([(T, N_OUTPUTS) for T in range(T_start, T_end + 1, T_step)], n_iters, **kw)

    @classmethod
    def vocabulary(cls, n_iters: int = 3000, classes_start: int = 3, T_max: int = 20, **kw):
        """Accuracy-triggered version of :class:`VoCu`."""
        classes_start = _classes("classes_start", classes_start)
        return cls([(T_max, c) for c in range(classes_start, N_OUTPUTS + 1)], n_iters, **kw)

    def reset(self) -> None:
        """Back to the first stage, forgetting the accuracies seen and the transitions."""
        self.stage = 0
        self.transitions = [(0, 0)]
        self._recent = deque(maxlen=self.window)
        self._since = 0

    def __call__(self, step: int, accuracy: float | None = None) -> TaskParams:
        if accuracy is not None:
            self._recent.append(float(accuracy))
            self._since += 1
            full = len(self._recent) == self.window and self._since >= self.min_steps
            if full and self.stage < len(self.stages) - 1 and np.mean(self._recent) >= self.threshold:
                self.stage += 1
                self.transitions.append((int(step), self.stage))
                self._recent.clear()
                self._since = 0
        return self.stages[self.stage]

    def schedule(self) -> dict[str, np.ndarray]:
        """The schedule that was followed (from ``transitions``): call after training."""
        steps = np.arange(self.n_iters)
        starts = np.array([s for s, _ in self.transitions])
        idx = np.array([i for _, i in self.transitions])[np.searchsorted(starts, steps, side="right") - 1]
        return {"step": steps, "T_max": np.array([self.stages[i].T_max for i in idx]),
                "n_classes": np.array([self.stages[i].n_classes for i in idx])}

    def config(self) -> dict:
        """JSON-serialisable description; ``make_protocol(p.config())`` rebuilds ``p`` (before training)."""
        return {"name": self.name, "stages": [[s.T_max, s.n_classes] for s in self.stages],
                "n_iters": self.n_iters, "threshold": self.threshold, "window": self.window,
                "min_steps": self.min_steps}


PROTOCOLS = {c.name: c for c in (NaCu, DeCu, VoCu, AccuracyCurriculum)}


def make_protocol(config: dict | str, **overrides) -> Protocol:
    """Build a protocol from its name or its config dict (chapter 2).

    Names: ``"nacu"``, ``"decu"``, ``"vocu"``, ``"accuracy"``; a config dict holds ``"name"`` and the
    constructor's arguments, and ``overrides`` replace some of them.
    """
    if not isinstance(config, (str, dict)):
        raise TypeError(f"config must be a protocol's name or its config dict, got {type(config).__name__}")
    cfg = {"name": config} if isinstance(config, str) else dict(config)
    cfg.update(overrides)
    name = cfg.pop("name", None)
    if name not in PROTOCOLS:
        raise ValueError(f"config must name a protocol, one of {sorted(PROTOCOLS)}, got {name!r}")
    return PROTOCOLS[name](**cfg)


def stage_starts(T_max, n_classes) -> np.ndarray:
    """Steps at which the task changes: the first step of every stage after the first (chapters 2, 3).

    Parameters
    ----------
    T_max, n_classes : (n_steps,) the task at every step, from ``Protocol.schedule()`` or a
        training :class:`mem.train.History`

    Returns
    -------
    (n_changes,) int array of steps, increasing.
    """
    T_max = check_array("T_max", T_max, None, finite=True)
    n_classes = check_array("n_classes", n_classes, None, finite=True)
    if T_max.ndim != 1 or T_max.shape != n_classes.shape:
        raise ValueError(f"T_max and n_classes must be 1-D arrays of the same length, got shapes {T_max.shape} "
                         f"and {n_classes.shape}")
    return np.flatnonzero((np.diff(T_max) != 0) | (np.diff(n_classes) != 0)) + 1


def curriculum_stages(protocol: AccuracyCurriculum) -> dict[str, np.ndarray]:
    """The stages an accuracy-triggered curriculum went through, from its ``transitions`` (chapter 2).

    Parameters
    ----------
    protocol : :class:`AccuracyCurriculum`, after training

    Returns
    -------
    dict of (n_stages_reached,) int arrays: ``"start"`` (first step of each stage), ``"steps"``
    (steps spent in it; the last runs to ``n_iters``) and ``"T_max"`` (its trial length).
    """
    if not isinstance(protocol, AccuracyCurriculum):
        raise TypeError(f"protocol must be a mem.protocols.AccuracyCurriculum, got {type(protocol).__name__}")
    start = np.array([step for step, _ in protocol.transitions])
    return {"start": start, "steps": np.diff(np.append(start, protocol.n_iters)),
            "T_max": np.array([protocol.stages[i].T_max for _, i in protocol.transitions])}


def loss_jumps(loss, T_max, n_classes, width: int = 20) -> list:
    """Training loss just after each stage transition relative to just before it (chapter 2).

    Parameters
    ----------
    loss, T_max, n_classes : (n_steps,) arrays of a training run (a :class:`mem.train.History`'s fields)
    width : int, steps averaged on each side of a transition

    Returns
    -------
    list of floats, ``mean(loss[t:t + width]) / mean(loss[t - width:t])`` for every stage start ``t``
    (:func:`stage_starts`); ``width`` must be at most the first stage start (a full window before it).
    """
    width = check_count("width", width)
    loss = check_array("loss", loss, None, finite=True)
    starts = stage_starts(T_max, n_classes)
    if loss.shape != np.shape(T_max):
        raise ValueError(f"loss must have the shape of T_max, got {loss.shape} and {np.shape(T_max)}")
    if len(starts) and starts[0] < width:
        raise ValueError(f"width must be at most the first stage start ({starts[0]}): the window before it needs "
                         f"width steps, got width={width}")
    return [loss[t:t + width].mean() / loss[t - width:t].mean() for t in starts]


def schedule_shares(protocol: Protocol, T_max: int, n_classes: int) -> dict:
    """How much of a protocol's training is spent on the full task (chapter 2).

    Parameters
    ----------
    protocol : :class:`Protocol`
    T_max, n_classes : int, the full task's trial length and number of classes (e.g. 20 and 11)

    Returns
    -------
    dict: ``"stages"`` (int, distinct ``(T_max, n_classes)`` in the schedule), ``"T_max"`` (float, share of
    steps at the full trial length) and ``"full"`` (float, share of steps on the full task).
    """
    if not isinstance(protocol, Protocol):
        raise TypeError(f"protocol must be a mem.protocols.Protocol, got {type(protocol).__name__}")
    T_max, n_classes = check_count("T_max", T_max, 2), check_count("n_classes", n_classes, 2, N_OUTPUTS)
    s = protocol.schedule()
    return {"stages": len({(T, c) for T, c in zip(s["T_max"], s["n_classes"])}),
            "T_max": float(np.mean(s["T_max"] == T_max)),
            "full": float(np.mean((s["T_max"] == T_max) & (s["n_classes"] == n_classes)))}


def protocol_stage_starts(config: dict | str) -> list:
    """Steps at which a protocol's task changes, from its configuration (chapters 2, 3).

    Parameters
    ----------
    config : a protocol's name or configuration dict, as :func:`make_protocol` takes it (e.g. a zoo
        entry's ``config["protocol"]``)

    Returns
    -------
    list of int steps, increasing (:func:`stage_starts` of the protocol's schedule).
    """
    sched = make_protocol(config).schedule()
    return stage_starts(sched["T_max"], sched["n_classes"]).tolist()


def digit_entry_steps(config: dict | str) -> dict:
    """The step at which each digit enters a protocol's task, from its configuration (chapter 3).

    A task of ``n_classes`` classes asks for the digits ``0 .. n_classes - 2`` (one class is the null report), so
    digit ``d`` enters at the first step whose ``n_classes`` is at least ``d + 2``: at step 0 for every digit
    without a vocabulary curriculum; under :class:`VoCu` the first two at step 0 and each further one at the
    start of its stage (:func:`protocol_stage_starts`).

    Parameters
    ----------
    config : a protocol's name or configuration dict, as :func:`make_protocol` takes it (e.g. a zoo
        entry's ``config["protocol"]``)

    Returns
    -------
    dict ``{digit: step}`` of ints, for every digit the schedule asks for at some step, in increasing order.
    """
    n_classes = make_protocol(config).schedule()["n_classes"]
    return {d: int(np.argmax(n_classes >= d + 2)) for d in range(int(n_classes.max()) - 1)}
