"""The book's overview figures, drawn on the intro from the zoo and chapter 5's sweep (the intro).

The intro tells the first paper's story in three figures, each the subject of a chapter: the
protocols' accuracy against delay (chapter 2), speed at the slow points against memory
(chapters 3 and 4), and the speed penalty's effect on memory (chapter 5). Each function draws
on given axes or makes its own figure, at most one column wide (:func:`mem.plots.style.figsize`),
and returns the axes; colours, markers and labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

import re

import numpy as np

from .._checks import check_dict, check_float, check_str
from ._validate import as_array, check_ax, check_frame
from .speed import plot_measure
from .style import ARCH_COLORS, FINE_TUNE_COLORS, MODE_STYLES, PROTOCOL_COLORS, PROTOCOL_DESCRIPTIONS, figsize, pyplot

__all__ = ["plot_accuracy_by_protocol", "plot_penalty_lifetimes", "plot_speed_and_memory"]

_DELAY = re.compile(r"acc_(\d+)")


def plot_accuracy_by_protocol(table, chance: float = 0.1, ax=None, title: str | None = None):
    """Report accuracy against delay, one line per network, coloured by its protocol (the intro; chapter 2).

    Parameters
    ----------
    table : pandas DataFrame, one row per network, e.g. rows of :func:`mem.zoo.table`
        Columns ``protocol`` (a key of :data:`~mem.plots.style.PROTOCOL_COLORS`) and ``acc_<delay>``,
        the report accuracy at each probed delay (finite numbers; at least one such column). The
        first network of each protocol gives the legend its entry.
    chance : float, default 0.1
        The accuracy of guessing among the task's ten digits, drawn as a dotted line; in ``[0, 1]``.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure 0.8 column wide.
    title : str, optional

    Returns
    -------
    matplotlib Axes
        Delay (steps, log scale) on x, report accuracy on y.
    """
    plt = pyplot()
    check_frame("table", table, ("protocol",), source="mem.zoo.table()")
    columns = [c for c in table.columns if isinstance(c, str) and _DELAY.fullmatch(c)]
    if not columns:
        raise ValueError(f"table must have accuracy columns acc_<delay>, got the columns {list(table.columns)}")
    if not len(table):
        raise ValueError("table must hold at least one network, got an empty table")
    unknown = sorted(set(map(str, table["protocol"])) - set(PROTOCOL_COLORS))
    if unknown:
        raise ValueError(f"table's protocol column must hold protocols {sorted(PROTOCOL_COLORS)}, got {unknown}")
    columns.sort(key=lambda c: int(_DELAY.fullmatch(c).group(1)))
    delays = [int(_DELAY.fullmatch(c).group(1)) for c in columns]
    accuracy = as_array(f"table's accuracy columns {columns}", table[columns].to_numpy(dtype=float), 2,
                        finite=True)
    chance = check_float("chance", chance, ge=0, le=1)
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.8))
    labelled = set()
    for protocol, row in zip(table["protocol"], accuracy):
        label = None if protocol in labelled else PROTOCOL_DESCRIPTIONS[protocol]
        labelled.add(protocol)
        ax.plot(delays, row, color=PROTOCOL_COLORS[protocol], lw=1.2, label=label)
    ax.axhline(chance, color="k", lw=0.8, ls=":")
    ax.set(xscale="log", xlabel="delay (steps)", ylabel="report accuracy", ylim=(0, 1.02))
    if title:
        ax.set_title(title)
    ax.legend(loc="lower left")
    return ax


def plot_speed_and_memory(df, x: str, y: str = "log_lifetime", ax=None, xlabel: str | None = None,
                          ylabel: str | None = None, title: str | None = None):
    """Memory against the speed at the slow points, one point per network, unfitted (the intro; chapter 4).

    :func:`mem.plots.speed.plot_measure` draws the points (colour: architecture, marker: protocol,
    filled: 128 units) on ``ax`` or on a figure of its own; the legend, below the axes, adds one
    entry per architecture.

    Parameters
    ----------
    df : pandas DataFrame, e.g. :func:`mem.zoo.table`
        Columns ``x``, ``y``, ``arch``, ``protocol`` and ``hidden_size``.
    x, y : str
        The columns drawn: a speed measure (e.g. ``"adam"``) and a memory (``"log_lifetime"``).
    ax : matplotlib Axes, optional
        Where to draw; by default :func:`~mem.plots.speed.plot_measure`'s own figure.
    xlabel, ylabel, title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    plt = pyplot()
    check_frame("df", df, ("arch",), source="mem.zoo.table()")
    ax = plot_measure(df, x, y, ax=ax, fit=False, xlabel=xlabel, ylabel=ylabel, title=title)
    handles, names = ax.get_legend_handles_labels()
    archs = sorted(set(map(str, df["arch"])))
    handles += [plt.Line2D([], [], color=ARCH_COLORS.get(a, "k"), lw=0, marker="s") for a in archs]
    ax.legend(handles, names + [a.upper() for a in archs], loc="upper center", bbox_to_anchor=(0.5, -0.16),
              ncol=3)                                  # below the axes: the points fill the whole plot
    return ax


def _lifetimes(name: str, values) -> dict:
    """``{network: lifetime}`` checked: a non-empty dict of finite positive numbers (chapter 5)."""
    check_dict(name, values, "{network: lifetime}")
    for k, v in values.items():
        check_float(f"{name}[{k!r}]", v, gt=0)
    return values


def plot_penalty_lifetimes(before: dict, control: dict, penalised: dict, lam: float, ax=None,
                           title: str | None = None):
    """Memory lifetimes before fine-tuning, after a control fine-tune and with the speed penalty (the intro; chapter 5).

    One group of three bars per network: grey before, black after fine-tuning with ``λ = 0`` (the
    control), and in the colour of chapter 5's SlowPoints penalty after fine-tuning with ``λ = lam``.

    Parameters
    ----------
    before, control, penalised : dict
        ``{network: memory lifetime (steps)}``, finite and positive, with the same networks in
        each; the networks' names label the groups, in the order of ``before``.
    lam : float
        The penalty's weight λ (> 0), for the legend.
    ax : matplotlib Axes, optional
        Where to draw; by default a new figure 0.8 column wide.
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    plt = pyplot()
    bars = {"before": _lifetimes("before", before), "control": _lifetimes("control", control),
            "penalised": _lifetimes("penalised", penalised)}
    for name in ("control", "penalised"):
        if set(bars[name]) != set(before):
            raise ValueError(f"{name} must have the networks of before {sorted(before)}, got {sorted(bars[name])}")
    lam = check_float("lam", lam, gt=0)
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.8))
    networks = list(before)
    x = np.arange(len(networks))
    styles = [("before", "before", FINE_TUNE_COLORS["before"]),
              ("control", "fine-tuned, λ = 0 (control)", FINE_TUNE_COLORS["control"]),
              ("penalised", f"fine-tuned, λ = {lam:g} (speed penalty)", MODE_STYLES["slowpoints", "fixed"]["color"])]
    width = 0.27
    for dx, (key, label, color) in enumerate(styles):
        ax.bar(x + (dx - 1) * width, [float(bars[key][n]) for n in networks], width=width, color=color, label=label)
    top = max(float(v) for b in bars.values() for v in b.values())
    ax.set_xticks(x, [str(n) for n in networks])
    ax.set(ylabel="memory lifetime (steps)", ylim=(0, 1.4 * top))
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left")
    return ax
