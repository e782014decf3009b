"""Figures of chapter 2, training protocols: schedules, training histories, accuracy against delay,
one number per network.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

import numpy as np

from .style import PROTOCOL_COLORS, PROTOCOL_LABELS, SEED_MARKERS, pyplot

__all__ = ["plot_by_protocol", "plot_delay_curves", "plot_history", "plot_schedule"]


def plot_schedule(protocol, axes=None, label: str | None = None, **kw):
    """Trial length and number of digits against step of a training protocol (chapter 2).

    Parameters
    ----------
    protocol : :class:`mem.protocols.Protocol`; its ``schedule()`` gives the task at every step
    axes : two matplotlib axes, optional
    label : legend label, default the protocol's name (which also picks its colour)
    **kw : passed to ``Axes.step`` (e.g. ``color``, ``ls``)

    Returns the two axes.
    """
    from ..protocols import Protocol
    plt = pyplot()
    if not isinstance(protocol, Protocol):
        raise TypeError(f"protocol must be a mem.protocols.Protocol, got {type(protocol).__name__}")
    schedule = protocol.schedule()
    label = protocol.name if label is None else label
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 2.6))
    color = kw.pop("color", PROTOCOL_COLORS.get(label))
    axes[0].step(schedule["step"], schedule["T_max"], where="post", label=label, color=color, **kw)
    axes[1].step(schedule["step"], schedule["n_classes"] - 1, where="post", label=label, color=color, **kw)
    axes[0].set(xlabel="training step", ylabel="trial length T_max", ylim=(0, None))
    axes[1].set(xlabel="training step", ylabel="digits in the task", ylim=(0, 10.5))
    return axes


def plot_history(history, axes=None, label: str | None = None, window: int = 50, **kw):
    """Smoothed training loss (log scale) and report accuracy against step. Returns the two axes (chapter 2)."""
    plt = pyplot()
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 2.8))
    color = kw.pop("color", PROTOCOL_COLORS.get(label))
    axes[0].plot(history.smoothed("loss", window), label=label, color=color, **kw)
    axes[1].plot(history.smoothed("accuracy", window), label=label, color=color, **kw)
    axes[0].set(xlabel="training step", ylabel="loss", yscale="log")
    axes[1].set(xlabel="training step", ylabel=f"report accuracy ({window}-step mean)", ylim=(0, 1.02))
    return axes


def plot_delay_curves(curves: dict, ax=None, colors: dict | None = None, styles: dict | None = None,
                      trained_delay: int | None = 19):
    """Accuracy against delay (log axis) for ``{label: DelayCurve}`` (chapter 2).

    Chance is drawn as a line, and each point carries a binomial error bar.
    """
    from ..evaluate import DelayCurve
    plt = pyplot()
    if not isinstance(curves, dict) or not curves or not all(isinstance(c, DelayCurve) for c in curves.values()):
        raise ValueError("curves must be a non-empty dict {label: DelayCurve}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.6))
    for label, c in curves.items():
        ax.errorbar(c.delays, c.accuracy, yerr=c.stderr(), label=label, capsize=2, marker="o", ms=3,
                    color=(colors or {}).get(label), ls=(styles or {}).get(label, "-"))
    chance = next(iter(curves.values())).chance
    ax.axhline(chance, color="k", lw=0.8, ls=":", label="chance")
    if trained_delay:
        ax.axvline(trained_delay, color="0.6", lw=0.8, ls="--")
        # Above accuracy 1 (the axis runs to 1.1), so that the label never sits on a curve.
        ax.text(trained_delay, 1.09, " longest trained delay", fontsize=7, color="0.4", va="top")
    ax.set(xscale="log", xlabel="delay d (steps from image to trigger)", ylabel="report accuracy", ylim=(0, 1.1),
           yticks=np.linspace(0, 1, 6))
    # Plain numbers at 1-2-5 steps instead of powers of ten.
    lo, hi = ax.get_xlim()
    ticks = [m * 10 ** e for e in range(0, 6) for m in (1, 2, 5) if lo <= m * 10 ** e <= hi]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(plt.NullFormatter())
    return ax


def plot_by_protocol(values: dict, ax=None, ylabel: str = "", log: bool = False,
                     protocols=("nacu", "decu", "vocu"), outlasts: float | None = None):
    """One number per network, grouped by architecture and protocol: a strip plot (chapter 2).

    Parameters
    ----------
    values : dict ``{(arch, protocol, seed): float}``, e.g. report accuracy or
        memory lifetime of each zoo network.
    ax : matplotlib axes, optional
    ylabel : str
    log : bool, log-scaled y axis (for lifetimes)
    protocols : order of the protocols within each architecture
    outlasts : float, optional
        Where to draw non-finite values (a lifetime of ``inf``: the memory
        outlasts the probe); they are drawn as upward triangles at this height.

    Notes
    -----
    Each architecture gets a block of columns, one column per protocol in its
    colour (:data:`~mem.plots.style.PROTOCOL_COLORS`); seeds are points side by side with a
    different marker each, joined by a thin line that shows their spread.
    Returns the axes.
    """
    plt = pyplot()
    if not isinstance(values, dict) or not values or not all(isinstance(k, tuple) and len(k) == 3 for k in values):
        raise ValueError("values must be a non-empty dict {(arch, protocol, seed): float}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    archs = list(dict.fromkeys(a for a, _, _ in values))
    seeds = sorted({s for _, _, s in values})
    width = 0.5 / max(len(seeds), 1)
    ticks, labels = [], []
    for i, arch in enumerate(archs):
        for j, proto in enumerate(protocols):
            x0 = i * (len(protocols) + 1) + j
            ticks.append(x0)
            labels.append(PROTOCOL_LABELS.get(proto, proto))
            xs, ys = [], []
            for k, seed in enumerate(seeds):
                if (arch, proto, seed) not in values:
                    continue
                v = float(values[arch, proto, seed])
                x = x0 + (k - (len(seeds) - 1) / 2) * width
                finite = np.isfinite(v)
                if not finite and outlasts is None:
                    continue
                y = v if finite else outlasts
                ax.plot(x, y, marker=SEED_MARKERS[k % len(SEED_MARKERS)] if finite else "^", ls="none", ms=7,
                        color=PROTOCOL_COLORS.get(proto), mec="k", mew=0.5,
                        label=f"seed {seed}" if (i, j) == (0, 0) else None)
                xs.append(x)
                ys.append(y)
            if len(xs) > 1:
                ax.plot(xs, ys, color=PROTOCOL_COLORS.get(proto), lw=1, zorder=0)
        ax.text(i * (len(protocols) + 1) + (len(protocols) - 1) / 2, 1.0, arch.upper(), ha="center",
                va="bottom", fontsize=10, fontweight="bold", transform=ax.get_xaxis_transform())
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels)
    ax.set_xlim(-0.6, ticks[-1] + 0.6)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    return ax
