"""Figures of chapter 5, speed regularisation: the lambda sweep and accuracy against delay after fine-tuning.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_dict
from .style import MODE_STYLES, pyplot

__all__ = ["plot_class_drift", "plot_class_memory", "plot_fine_tune", "plot_lambda_sweep", "plot_state_space_panels",
           "plot_sweep_curves", "plot_sweep_grid"]


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


def plot_fine_tune(curves: dict, penalised, control, speeds: dict, title: str | None = None):
    """One live fine-tune in three panels: accuracy against delay, the loss terms, the summed speed (chapter 5).

    Parameters
    ----------
    curves : ``{label: DelayCurve}``, e.g. before, after Control and after SlowPoints
    penalised, control : :class:`mem.train.History` of the penalised and the Control (λ = 0) fine-tune
        (``loss`` and, for ``penalised``, ``penalty`` per step)
    speeds : ``{label: summed speed at the slow points}``, drawn as bars (three colours: grey, C1, C2)
    title : the first panel's title (the network's name)

    Returns
    -------
    the three axes.
    """
    from .training import plot_delay_curves
    plt = pyplot()
    check_dict("speeds", speeds, "{label: summed speed}")
    for name, h in (("penalised", penalised), ("control", control)):
        if not hasattr(h, "loss"):
            raise TypeError(f"{name} must be a mem.train.History (with loss), got {type(h).__name__}")
    fig, axes = plt.subplots(1, 3, figsize=(16, 3.6), gridspec_kw={"width_ratios": [2, 2, 1.2]})
    plot_delay_curves(curves, ax=axes[0])
    axes[0].legend(fontsize=8)
    if title:
        axes[0].set_title(title, fontsize=10)
    axes[1].plot(penalised.loss, lw=0.6, label="cross-entropy, SlowPoints")
    axes[1].plot(control.loss, lw=0.6, alpha=0.7, label="cross-entropy, Control")
    axes[1].plot(penalised.penalty, lw=1.2,
                 label=f"penalty λ ΣS, SlowPoints ({penalised.penalty[0]:.3f} → {penalised.penalty[-1]:.3f})")
    axes[1].set(xlabel="fine-tuning step", yscale="log", title="loss terms")
    axes[1].legend(fontsize=8)
    axes[2].bar(list(speeds), list(speeds.values()), color=(["0.5", "C1", "C2"] * len(speeds))[:len(speeds)])
    for i, v in enumerate(speeds.values()):
        axes[2].text(i, v, f"{v:.2e}", ha="center", va="bottom", fontsize=8)
    axes[2].set(yscale="log", title="summed speed at the ten slow points")
    fig.tight_layout()
    return axes


def plot_state_space_panels(trajectories: dict, traj_labels, points, point_labels,
                            title: str = "{label}: 500 steps of noise after the digit"):
    """Trajectories of several networks in one 2-D projection, one panel each (chapter 5).

    The projection is the first two principal components of the *first* network's states, so that
    the panels share their axes; each panel is :func:`~mem.plots.slowpoints.plot_state_space`.

    Parameters
    ----------
    trajectories : ``{label: (B, T, H) states}`` (torch or numpy), the same probe trials in every network
    traj_labels : (B,) class of each trial
    points : (K, H) slow points, drawn as stars in every panel; point_labels : (K,) their classes
    title : format string of each panel's title, with ``{label}``

    Returns
    -------
    the axes.
    """
    from sklearn.decomposition import PCA

    from .slowpoints import plot_state_space
    plt = pyplot()
    check_dict("trajectories", trajectories, "{label: (B, T, H) states}")
    arrays = {k: np.asarray(V.numpy() if hasattr(V, "numpy") else V) for k, V in trajectories.items()}
    if any(V.ndim != 3 for V in arrays.values()):
        raise ValueError("trajectories must be (B, T, H) arrays")
    first = next(iter(arrays.values()))
    pca = PCA(2).fit(first.reshape(-1, first.shape[-1]))
    as_np = lambda x: np.asarray(x.numpy() if hasattr(x, "numpy") else x)  # noqa: E731
    fig, axes = plt.subplots(1, len(arrays), figsize=(5 * len(arrays), 4.4), sharex=True, sharey=True, squeeze=False)
    for ax, (k, V) in zip(axes[0], arrays.items()):
        P = pca.transform(V.reshape(-1, V.shape[-1])).reshape(V.shape[0], V.shape[1], 2)
        plot_state_space(P, as_np(traj_labels), pca.transform(as_np(points)), as_np(point_labels), ax=ax,
                         title=title.format(label=k))
    fig.tight_layout()
    return axes[0]


def plot_sweep_grid(table, networks):
    """The sweep, one column per network: memory lifetime, trained-delay accuracy and the speed of the
    network's own slow points (after / before) against λ (chapter 5; :func:`plot_lambda_sweep`).

    Returns
    -------
    the (3, len(networks)) axes.
    """
    plt = pyplot()
    networks = list(networks)
    if not networks:
        raise ValueError("networks must name at least one network of the table")
    fig, axes = plt.subplots(3, len(networks), figsize=(4 * len(networks), 10), squeeze=False)
    for j, n in enumerate(networks):
        plot_lambda_sweep(table, "lifetime", n, ax=axes[0, j], logy=True, ylabel="memory lifetime (steps)")
        plot_lambda_sweep(table, "report_accuracy", n, ax=axes[1, j], ylabel="accuracy at the trained delays")
        plot_lambda_sweep(table, "speed_ratio", n, ax=axes[2, j], logy=True,
                          ylabel="speed of its own slow points,\nafter / before")
    axes[0, -1].legend(fontsize=8)
    fig.tight_layout()
    return axes


def plot_class_memory(lifetimes, accuracy, delay: int, overall: dict | None = None):
    """Each class's lifetime (left) and accuracy at ``delay`` (right), bars per network (chapter 5).

    Parameters
    ----------
    lifetimes, accuracy : :func:`mem.evaluate.class_table` without and with ``delay`` (classes x networks);
        classes with an infinite lifetime in the first network are marked ∞
    delay : the delay of ``accuracy``
    overall : ``{network: lifetime over all classes}`` for the legend

    Returns
    -------
    the two axes.
    """
    plt = pyplot()
    if getattr(lifetimes, "shape", None) != getattr(accuracy, "shape", ()):
        raise ValueError("lifetimes and accuracy must be mem.evaluate.class_table DataFrames of the same shape")
    sink = lifetimes.index[np.isinf(lifetimes.iloc[:, 0])]
    fig, axes = plt.subplots(1, 2, figsize=(14, 3.6))
    lifetimes.replace(np.inf, np.nan).plot.bar(ax=axes[0], rot=0, logy=True, ylabel="lifetime (steps)",
                                               title="lifetime of each digit (∞: longer than the longest probed delay)")
    for s in sink:
        axes[0].text(s, 100, "∞", ha="center", va="bottom", fontsize=14)
    axes[0].set_ylim(100, 4 * lifetimes.drop(sink).max(axis=None))
    if overall:
        axes[0].legend([f"{k} (all digits: {v:.0f})" for k, v in overall.items()], ncol=3, fontsize=8,
                       loc="upper left")
    accuracy.plot.bar(ax=axes[1], rot=0, ylabel="accuracy", title=f"accuracy on each digit's trials at delay {delay}")
    fig.tight_layout()
    return axes


def plot_class_drift(table, within: dict, pooled: float):
    """Drift speed of each class per network (left) and lifetime against drift speed (right) (chapter 5).

    Parameters
    ----------
    table : :func:`mem.drift.class_drift_table`
    within : ``{network: Spearman r}`` within each network, for the legend
    pooled : Spearman r over every class with a finite lifetime, for the title

    Returns
    -------
    the two axes.
    """
    plt = pyplot()
    missing = [c for c in ("network", "digit", "log10 drift speed", "lifetime")
               if c not in getattr(table, "columns", ())]
    if missing:
        raise ValueError(f"table must be mem.drift.class_drift_table()'s DataFrame, got one without the columns "
                         f"{missing}")
    order = list(dict.fromkeys(table["network"]))
    med = table.groupby("network")["log10 drift speed"].median().loc[order]
    known = table[np.isfinite(table.lifetime)]
    fig, axes = plt.subplots(1, 2, figsize=(14, 3.8))
    table.pivot(index="digit", columns="network", values="log10 drift speed")[order].plot(
        ax=axes[0], marker="o", ls="none", xticks=range(10), ylabel="log10 drift speed",
        title="drift speed of each digit (medians: " + ", ".join(f"{k} {v:.2f}" for k, v in med.items()) + ")")
    axes[0].legend(fontsize=8)
    for k, d in known.groupby("network", sort=False):
        axes[1].scatter(d["log10 drift speed"], d.lifetime, s=18,
                        label=f"{k}: within-network Spearman {within[k]:+.2f}")
    axes[1].set(yscale="log", xlabel="log10 drift speed", ylabel="lifetime (steps)",
                title=f"{len(known)} digits with a finite lifetime: Spearman {pooled:+.2f}")
    axes[1].legend(fontsize=8)
    fig.tight_layout()
    return axes
