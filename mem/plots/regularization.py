"""Figures of chapter 5, speed regularisation: the lambda sweep and accuracy against delay after fine-tuning.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

from .style import MODE_STYLES, pyplot

__all__ = ["plot_lambda_sweep", "plot_sweep_curves"]


def plot_lambda_sweep(table, y: str, network: str, ax=None, logy: bool = False, ylabel: str | None = None,
                      title: str | None = None):
    """One network's sweep: ``y`` against lambda for each mode, the Control fine-tune and the
    network before fine-tuning as horizontal lines (chapter 5).

    Parameters
    ----------
    table : DataFrame from :func:`mem.regularize.sweep_table`
    y : column (e.g. ``"lifetime"``, ``"acc_500"``, ``"report_accuracy"``); the value before
        fine-tuning, where the table has it, is column ``<y>_before``

    Returns the axes.
    """
    plt = pyplot()
    t = table[table["network"] == network]
    if t.empty:
        raise ValueError(f"network must be one of {sorted(set(table['network']))}, got {network!r}")
    if y not in t.columns:
        raise ValueError(f"y must be a column of the table, got {y!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.4, 3.4))
    for (mode, tracking), style in MODE_STYLES.items():
        d = t[(t["mode"] == mode) & (t["tracking"] == tracking)].sort_values("lam")
        if len(d):
            ax.plot(d["lam"], d[y], **{"ms": 5, **style})
    ctrl = t[t["mode"] == "control"]
    if len(ctrl):
        ax.axhline(float(ctrl[y].iloc[0]), color="k", ls="-.", lw=1, label="Control (λ = 0)")
    if f"{y}_before" in t.columns:
        ax.axhline(float(t[f"{y}_before"].iloc[0]), color="0.6", lw=1, label="before fine-tuning")
    ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel="λ", ylabel=ylabel or y)
    ax.set_title(title or network, fontsize=10)
    return ax


def plot_sweep_curves(table, lam: float, networks, delays, axes=None):
    """Accuracy against delay for each network: before fine-tuning, after Control, and after
    SlowPoints and CenterMass at ``lam`` (chapter 5; ``table`` from :func:`mem.regularize.sweep_table`).

    Returns the axes.
    """
    plt = pyplot()
    networks = list(networks)
    if axes is None:
        _, axes = plt.subplots(1, len(networks), figsize=(4 * len(networks), 3.4), sharey=True, squeeze=False)
        axes = axes[0]
    for ax, n in zip(axes, networks):
        t = table[table["network"] == n]
        if t.empty:
            raise ValueError(f"networks must be in the table, got {n!r}")
        ctrl = t[t["mode"] == "control"].iloc[0]
        runs = [(ctrl, [f"acc_{d}_before" for d in delays], dict(color="0.6", label="before")),
                (ctrl, [f"acc_{d}" for d in delays], dict(color="k", ls="-.", label="Control"))]
        for mode in ("slowpoints", "centermass"):
            r = t[(t["mode"] == mode) & (t["tracking"] == "fixed") & (t["lam"] == lam)]
            if r.empty:
                raise ValueError(f"lam must be one of the sweep's values {sorted(set(t['lam']))}, got {lam!r}")
            style = {k: v for k, v in MODE_STYLES[mode, "fixed"].items() if k != "label"}
            runs.append((r.iloc[0], [f"acc_{d}" for d in delays],
                         dict(style, ms=4, label=f"{MODE_STYLES[mode, 'fixed']['label']} λ = {lam:g}")))
        for r, cols, style in runs:
            ax.plot(delays, [r[c] for c in cols], **style)
        ax.axhline(0.1, color="0.8", lw=0.8)
        ax.set(xscale="log", xlabel="delay (steps)", title=n)
    axes[0].set_ylabel("accuracy")
    axes[0].legend(fontsize=7)
    return axes
