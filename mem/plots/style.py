"""The book's visual style: every figure (the intro's too) takes its colours, markers and labels
from here (chapters 1-6).

One registry per thing drawn: protocols (chapter 2), digits (chapter 3), architectures
(chapters 3, 4), regularisation modes (chapter 5) and initialisation schemes (chapter 6).
"""
from __future__ import annotations

from numbers import Integral

__all__ = [
    "ARCH_COLORS",
    "ARCH_MARKERS",
    "CLASS_COLORS",
    "MODE_STYLES",
    "PROTOCOL_COLORS",
    "PROTOCOL_DESCRIPTIONS",
    "PROTOCOL_LABELS",
    "PROTOCOL_MARKERS",
    "SCHEME_COLORS",
    "SEED_MARKERS",
    "class_color",
    "pyplot",
    "scheme_color",
]

#: One colour per protocol, used throughout the book (chapter 2).
PROTOCOL_COLORS = {"nacu": "#4d4d4d", "decu": "#1f77b4", "vocu": "#d62728", "accuracy": "#2ca02c"}
#: How the book writes each protocol's name (chapter 2).
PROTOCOL_LABELS = {"nacu": "NaCu", "decu": "DeCu", "vocu": "VoCu", "accuracy": "accuracy-triggered"}
#: Each protocol's name with what it means, for legends read without the chapter (the intro).
PROTOCOL_DESCRIPTIONS = {"nacu": "NaCu (no curriculum)", "decu": "DeCu (delay curriculum)",
                         "vocu": "VoCu (vocabulary curriculum)", "accuracy": "accuracy-triggered curriculum"}
#: One marker per protocol, where colour stands for the architecture (chapter 4).
PROTOCOL_MARKERS = {"nacu": "o", "decu": "s", "vocu": "^", "accuracy": "D"}
#: Markers of the seeds of one configuration, in order (chapter 2).
SEED_MARKERS = "osD^vP*X"

#: One colour per architecture, where the marker stands for the protocol (chapter 4).
ARCH_COLORS = {"gru": "#1f77b4", "lstm": "#d95f02", "rnn_tanh": "#7570b3"}
#: One marker per architecture, where colour stands for the protocol (chapters 3, 4).
ARCH_MARKERS = {"gru": "o", "lstm": "s", "rnn_tanh": "^", "rnn_relu": "v", "rnn_elu": "D"}

#: One colour per digit (index = digit 0..9; class label k of the task is digit k - 1) (chapter 3).
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf"]

#: Line style of each fine-tuning mode and tracking of chapter 5, ``{(mode, tracking): plot kwargs}``.
MODE_STYLES = {("slowpoints", "fixed"): dict(color="#1b9e77", marker="o", label="SlowPoints"),
               ("slowpoints", "retrack"): dict(color="#1b9e77", marker="x", ls=":", label="SlowPoints, re-tracked"),
               ("slowpoints", "retrack_adam"): dict(color="#d95f02", marker="+", ls="none", ms=9,
                                                    label="SlowPoints, re-tracked with Adam"),
               ("centermass", "fixed"): dict(color="#7570b3", marker="s", ls="--", label="CenterMass")}

#: One colour per initialisation scheme (chapter 6).
SCHEME_COLORS = {"chain": "#d62728", "fbchain": "#ff7f0e", "orthogonal": "#1f77b4", "identity": "#2ca02c",
                 "default": "#4d4d4d", "random": "#9467bd"}


def class_color(label: int) -> str:
    """Colour of task class ``label`` (1..10 = digits 0..9; 0, the null class, is black) (chapter 3).

    ``label`` is an int or numpy integer (a float, str or bool is a ``TypeError``).
    """
    if isinstance(label, bool) or not isinstance(label, Integral):
        raise TypeError(f"label must be a class of the task, an integer 0..{len(CLASS_COLORS)}, got {label!r} "
                        f"({type(label).__name__})")
    label = int(label)
    if not 0 <= label <= len(CLASS_COLORS):
        raise ValueError(f"label must be a class of the task, 0..{len(CLASS_COLORS)}, got {label}")
    return "k" if label == 0 else CLASS_COLORS[label - 1]


def scheme_color(label: str) -> str | None:
    """Colour of the scheme a label starts with (``"chain α=1.02"`` -> chain's), else None (chapter 6)."""
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, got {type(label).__name__}")
    return SCHEME_COLORS.get(label.split(" ")[0])


def pyplot():
    """``matplotlib.pyplot``, imported on first use so that importing :mod:`mem.plots` picks no backend (chapter 1)."""
    import matplotlib.pyplot as plt
    return plt
