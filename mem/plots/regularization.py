"""Figures of chapter 5, speed regularisation: the lambda sweep and accuracy against delay after fine-tuning.

Each function draws on given axes or makes its own (at most one column of the book wide), and returns
them; colours, markers and labels come from :mod:`mem.plots.style`: the penalised modes from
:data:`~mem.plots.style.MODE_STYLES`, the network before fine-tuning and the Control from
:data:`~mem.plots.style.FINE_TUNE_COLORS`.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_bool, check_dict, check_float, check_int, check_names, check_str
from ._validate import (
    as_array,
    check_ax,
    check_axes,
    check_curves,
    check_format,
    check_frame,
    check_history,
    check_labels,
    check_lookup,
)
from .style import FINE_TUNE_COLORS, MODE_STYLES, figsize, pyplot

__all__ = ["SWEEP_QUANTITIES", "plot_class_drift", "plot_class_memory", "plot_fine_tune", "plot_lambda_sweep",
           "plot_state_space_panels", "plot_sweep_curves", "plot_sweep_grid"]

#: What :func:`plot_sweep_grid` can draw against λ: ``{column of the sweep table: (axis label, log axis)}``
#: (chapter 5).
SWEEP_QUANTITIES = {"lifetime": ("memory lifetime (steps)", True),
                    "report_accuracy": ("trained-delay accuracy", False),
                    "speed_ratio": ("own slow points' speed,\nafter / before", True)}


def _run_color(label) -> str | None:
    """The book's colour of a run named ``label`` ("before", "Control ...", "SlowPoints ...",
    "CenterMass ..."), or None for any other label."""
    label = str(label)
    if label == "before":
        return FINE_TUNE_COLORS["before"]
    if label.startswith("Control"):
        return FINE_TUNE_COLORS["control"]
    for mode in ("slowpoints", "centermass"):
        if label.startswith(MODE_STYLES[mode, "fixed"]["label"]):
            return MODE_STYLES[mode, "fixed"]["color"]
    return None


def _run_colors(labels) -> list | None:
    """The book's colours of the runs ``labels``, or None unless every one has one."""
    colors = [_run_color(x) for x in labels]
    return None if None in colors else colors


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
    check_frame("table", table, ("network",), "mem.regularize.sweep_table()")
    if table.empty:
        raise ValueError("table must hold at least one run of the sweep")
    check_str("network", network)
    t = table[table["network"] == network]
    if t.empty:
        raise ValueError(f"network must be one of {sorted(set(table['network']))}, got {network!r}")
    check_str("y", y)
    if y not in t.columns:
        raise ValueError(f"y must be a column of the table, got {y!r}")
    check_frame("table", table, ("mode", "tracking", "lam"), "mem.regularize.sweep_table()")
    check_ax("ax", ax)
    check_bool("logy", logy)
    check_str("ylabel", ylabel, none_ok=True)
    check_str("title", title, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.6, aspect=0.75), layout="constrained")
    for (mode, tracking), style in MODE_STYLES.items():
        d = t[(t["mode"] == mode) & (t["tracking"] == tracking)].sort_values("lam")
        if len(d):
            ax.plot(d["lam"], d[y], **{"ms": 5, **style})
    ctrl = t[t["mode"] == "control"]
    if len(ctrl):
        ax.axhline(float(ctrl[y].iloc[0]), color=FINE_TUNE_COLORS["control"], ls="-.", lw=1, label="Control (λ = 0)")
    if f"{y}_before" in t.columns:
        ax.axhline(float(t[f"{y}_before"].iloc[0]), color=FINE_TUNE_COLORS["before"], lw=1.2,
                   label="before fine-tuning")
    ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel="λ", ylabel=y if ylabel is None else ylabel)
    ax.set_title(title or network)
    return ax


def plot_sweep_curves(table, lam: float, networks, delays, axes=None):
    """Accuracy against delay for each network: before fine-tuning, after Control, and after
    SlowPoints and CenterMass at ``lam`` (chapter 5; ``table`` from :func:`mem.regularize.sweep_table`).

    ``networks`` name networks of the table, one panel each (two panels across, sharing the accuracy
    axis, one legend below them); ``delays`` are probed delays (the table's ``acc_<d>`` and
    ``acc_<d>_before`` columns); ``axes`` one matplotlib axes per network, optional (the legend then
    goes into the first).

    Returns the axes, a list in the order of ``networks``.
    """
    plt = pyplot()
    check_frame("table", table, ("network",), "mem.regularize.sweep_table()")
    check_float("lam", lam)
    networks = check_names("networks", networks)
    if not networks:
        raise ValueError("networks must name at least one network of the table")
    unknown = [n for n in networks if n not in set(table["network"])]
    if unknown:
        raise ValueError(f"networks must be in the table, got {unknown[0]!r}")
    check_frame("table", table, ("mode", "tracking", "lam"), "mem.regularize.sweep_table()")
    if isinstance(delays, (str, bytes)) or not hasattr(delays, "__iter__"):
        raise TypeError(f"delays must be a sequence of probed delays, got {type(delays).__name__}")
    missing = [d for d in (check_int("delays", d, 0) for d in delays)
               if not {f"acc_{d}", f"acc_{d}_before"} <= set(table.columns)]
    if missing:
        raise ValueError(f"delays must be probed delays (columns acc_<d> and acc_<d>_before of the table), "
                         f"not {missing}")
    check_axes("axes", axes, len(networks))
    fig = None
    if axes is None:
        ncols = min(2, len(networks))
        nrows = -(-len(networks) // ncols)
        fig, grid = plt.subplots(nrows, ncols, figsize=figsize(ncols / 2, height=2.3 * nrows + 0.5), sharey=True,
                                 squeeze=False, layout="constrained")
        for ax in grid.flat[len(networks):]:
            ax.set_visible(False)
        axes = list(grid.flat[:len(networks)])
    else:
        axes = list(np.asarray(axes, dtype=object).flat)
    for ax, n in zip(axes, networks):
        t = table[table["network"] == n]
        if t.empty:
            raise ValueError(f"networks must be in the table, got {n!r}")
        ctrl = t[t["mode"] == "control"].iloc[0]
        runs = [(ctrl, [f"acc_{d}_before" for d in delays], dict(color=FINE_TUNE_COLORS["before"], lw=1.5,
                                                                 label="before")),
                (ctrl, [f"acc_{d}" for d in delays], dict(color=FINE_TUNE_COLORS["control"], ls="-.", label="Control"))]
        for mode in ("slowpoints", "centermass"):
            r = t[(t["mode"] == mode) & (t["tracking"] == "fixed") & (t["lam"] == lam)]
            if r.empty:
                raise ValueError(f"lam must be one of the sweep's values {sorted(set(t['lam']))}, got {lam!r}")
            style = {k: v for k, v in MODE_STYLES[mode, "fixed"].items() if k != "label"}
            runs.append((r.iloc[0], [f"acc_{d}" for d in delays],
                         dict(style, ms=4, label=f"{MODE_STYLES[mode, 'fixed']['label']} λ = {lam:g}")))
        for r, cols, style in runs:
            ax.plot(delays, [r[c] for c in cols], **style)
        ax.axhline(0.1, color="k", lw=0.8, ls=":", label="chance")
        ax.set(xscale="log", title=n)
    if fig is None:
        for ax in axes:
            ax.set_xlabel("delay (steps)")
        axes[0].set_ylabel("accuracy")
        axes[0].legend()
    else:
        ncols = fig.axes[0].get_gridspec().ncols
        for i, ax in enumerate(axes):
            if i + ncols >= len(axes):
                ax.set_xlabel("delay (steps)")
            if i % ncols == 0:
                ax.set_ylabel("accuracy")
        fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncol=3)
    return axes


def plot_fine_tune(curves: dict, penalised, control, speeds: dict, title: str | None = None):
    """One live fine-tune in three panels: accuracy against delay (top left), the summed speed (top right),
    the loss terms (below, the figure's width) (chapter 5).

    Parameters
    ----------
    curves : ``{label: DelayCurve}``, e.g. before, after Control and after SlowPoints (each in the book's
        colour of its run where the label names one: "before", "Control ...", "SlowPoints ...")
    penalised, control : :class:`mem.train.History` of the penalised and the Control (λ = 0) fine-tune
        (``loss`` and, for ``penalised``, ``penalty`` per step)
    speeds : ``{label: summed speed at the slow points}``, drawn as bars (coloured like the curves)
    title : the first panel's title (the network's name)

    Returns
    -------
    the three axes: accuracy against delay, loss terms, summed speed.
    """
    from .training import plot_delay_curves
    plt = pyplot()
    check_dict("speeds", speeds, "{label: summed speed}")
    for label, v in speeds.items():
        check_float(f"speeds[{label!r}]", v, ge=0)
    for name, h in (("penalised", penalised), ("control", control)):
        if not hasattr(h, "loss"):
            raise TypeError(f"{name} must be a mem.train.History (with loss), got {type(h).__name__}")
        check_history(name, h)
    if penalised.penalty is None or not len(penalised.penalty):
        raise ValueError("penalised must be the History of a penalised fine-tune (with penalty), got no penalty")
    check_curves("curves", curves)
    check_str("title", title, none_ok=True)
    fig = plt.figure(figsize=figsize(1.0, height=5.4), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[1.6, 1], height_ratios=[1.25, 1])
    axes = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, :]), fig.add_subplot(grid[0, 1])]
    plot_delay_curves(curves, ax=axes[0], colors={k: c for k, c in zip(curves, _run_colors(curves) or [])})
    axes[0].legend(loc="lower left")
    if title:
        axes[0].set_title(title)
    sp_color, ctrl_color = MODE_STYLES["slowpoints", "fixed"]["color"], FINE_TUNE_COLORS["control"]
    axes[1].plot(penalised.loss, lw=0.6, color=sp_color, label="cross-entropy, SlowPoints")
    axes[1].plot(control.loss, lw=0.6, alpha=0.7, color=ctrl_color, label="cross-entropy, Control")
    axes[1].plot(penalised.penalty, lw=1.4, ls="--", color=sp_color,
                 label=f"penalty λ ΣS, SlowPoints ({penalised.penalty[0]:.3f} → {penalised.penalty[-1]:.3f})")
    axes[1].set(xlabel="fine-tuning step", yscale="log", title="loss terms")
    axes[1].legend(loc="upper right")
    axes[2].bar(list(speeds), list(speeds.values()), color=_run_colors(speeds) or FINE_TUNE_COLORS["before"])
    for i, v in enumerate(speeds.values()):
        axes[2].text(i, v, f"{v:.2e}", ha="center", va="bottom", fontsize=8)
    axes[2].set(yscale="log", title="summed speed at\nthe ten slow points")
    axes[2].margins(y=0.15)
    return axes


def plot_state_space_panels(trajectories: dict, traj_labels, points, point_labels, title: str = "{label}"):
    """Trajectories of several networks in one 2-D projection, one panel each, up to three across (chapter 5).

    The projection is the first two principal components of the *first* network's states, so that
    the panels share their axes; each panel is :func:`~mem.plots.slowpoints.plot_state_space`, and one
    legend of the digits goes below them all.

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
    checked = [as_array(f"trajectories[{k!r}]", V, finite=True) for k, V in trajectories.items()]
    if any(V.ndim != 3 for V in checked):
        raise ValueError("trajectories must be (B, T, H) arrays")
    if len({V.shape[0] for V in checked}) > 1 or len({V.shape[2] for V in checked}) > 1 or not checked[0].size:
        raise ValueError("trajectories must hold the same trials (B) of networks of one size (H), at least one "
                         f"state, got shapes {[V.shape for V in checked]}")
    B, H = checked[0].shape[0], checked[0].shape[2]
    check_labels("traj_labels", traj_labels, B)
    if not len(as_array("points", points, 2, H, finite=True)):
        raise ValueError("points must hold at least one slow point")
    check_labels("point_labels", point_labels, len(points))
    check_format("title", title, label="")
    arrays = {k: np.asarray(V.numpy() if hasattr(V, "numpy") else V) for k, V in trajectories.items()}
    first = next(iter(arrays.values()))
    pca = PCA(2).fit(first.reshape(-1, first.shape[-1]))
    as_np = lambda x: np.asarray(x.numpy() if hasattr(x, "numpy") else x)  # noqa: E731
    ncols = min(3, len(arrays))
    nrows = -(-len(arrays) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=figsize(ncols / 3, height=2.5 * nrows + 0.7), sharex=True,
                             sharey=True, squeeze=False, layout="constrained")
    for ax in grid.flat[len(arrays):]:
        ax.set_visible(False)
    axes = grid.flat[:len(arrays)]
    for i, (ax, (k, V)) in enumerate(zip(axes, arrays.items())):
        P = pca.transform(V.reshape(-1, V.shape[-1])).reshape(V.shape[0], V.shape[1], 2)
        plot_state_space(P, as_np(traj_labels), pca.transform(as_np(points)), as_np(point_labels), ax=ax,
                         title=title.format(label=k))
        ax.title.set_fontsize(None)
        legend = ax.get_legend()
        if i == 0:
            handles, labels = legend.legend_handles, [t.get_text() for t in legend.get_texts()]
        legend.remove()
        if i % ncols:
            ax.set_ylabel("")
        if i + ncols < len(arrays):
            ax.set_xlabel("")
    fig.legend(handles, labels, title="digit", loc="outside lower center", ncol=10, handletextpad=0.1,
               columnspacing=1.0)
    return np.asarray(axes)


def plot_sweep_grid(table, networks, quantity: str = "lifetime"):
    """One quantity of the sweep against λ, one panel per network, two across (chapter 5;
    :func:`plot_lambda_sweep`).

    Parameters
    ----------
    table : DataFrame from :func:`mem.regularize.sweep_table`
    networks : names of networks of the table, one panel each
    quantity : a key of :data:`SWEEP_QUANTITIES`: ``"lifetime"`` (memory lifetime, log axis),
        ``"report_accuracy"`` (accuracy at the trained delays) or ``"speed_ratio"`` (the speed of the
        network's own slow points after fine-tuning / before, log axis)

    Returns
    -------
    the (ceil(len(networks) / 2), 2) axes (one column for one network); one legend goes below them.
    """
    plt = pyplot()
    networks = check_names("networks", networks)
    if not networks:
        raise ValueError("networks must name at least one network of the table")
    check_str("quantity", quantity)
    if quantity not in SWEEP_QUANTITIES:
        raise ValueError(f"quantity must be one of {sorted(SWEEP_QUANTITIES)}, got {quantity!r}")
    check_frame("table", table, ("network", "mode", "tracking", "lam", quantity), "mem.regularize.sweep_table()")
    unknown = [n for n in networks if n not in set(table["network"])]
    if unknown:
        raise ValueError(f"networks must be networks of the table {sorted(set(table['network']))}, got {unknown}")
    ylabel, logy = SWEEP_QUANTITIES[quantity]
    ncols = min(2, len(networks))
    nrows = -(-len(networks) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize(ncols / 2, height=2.4 * nrows + 0.6), squeeze=False,
                             layout="constrained")
    for ax in axes.flat[len(networks):]:
        ax.set_visible(False)
    for i, n in enumerate(networks):
        ax = axes.flat[i]
        plot_lambda_sweep(table, quantity, n, ax=ax, logy=logy, ylabel=ylabel if i % ncols == 0 else "")
        if i + ncols < len(networks):
            ax.set_xlabel("")
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="outside lower center", ncol=3)
    return axes


def plot_class_memory(lifetimes, accuracy, delay: int, overall: dict | None = None):
    """Each class's lifetime (left) and accuracy at ``delay`` (right), bars per network (chapter 5).

    Parameters
    ----------
    lifetimes, accuracy : :func:`mem.evaluate.class_table` without and with ``delay`` (classes x networks);
        classes with an infinite lifetime in the first network are marked ∞; NaN (a digit with no
        trials) is drawn as a gap
    delay : the delay of ``accuracy``
    overall : ``{network: lifetime over all classes}`` for the legend

    Returns
    -------
    the two axes.
    """
    plt = pyplot()
    check_frame("lifetimes", lifetimes, source="mem.evaluate.class_table()")
    check_frame("accuracy", accuracy, source="mem.evaluate.class_table()")
    if getattr(lifetimes, "shape", None) != getattr(accuracy, "shape", ()):
        raise ValueError("lifetimes and accuracy must be mem.evaluate.class_table DataFrames of the same shape")
    if lifetimes.empty:
        raise ValueError("lifetimes must hold at least one digit and one network")
    as_array("lifetimes", lifetimes.to_numpy(), nan_ok=True)
    as_array("accuracy", accuracy.to_numpy(), finite=True, nan_ok=True)
    check_int("delay", delay, 0)
    overall = check_lookup("overall", overall, "{network: lifetime}")
    for k, v in overall.items():
        check_float(f"overall[{k!r}]", v, finite=False)
    sink = lifetimes.index[np.isinf(lifetimes.iloc[:, 0])]
    _, axes = plt.subplots(2, 1, figsize=figsize(1.0, height=5.6), layout="constrained")
    colors = {"color": c} if (c := _run_colors(lifetimes.columns)) else {}
    lifetimes.replace(np.inf, np.nan).plot.bar(ax=axes[0], rot=0, logy=True, ylabel="lifetime (steps)",
                                               title="lifetime of each digit (∞: longer than the longest probed delay)",
                                               **colors)
    for s in sink:
        axes[0].text(s, 100, "∞", ha="center", va="bottom", fontsize=14)
    rest = lifetimes.drop(sink).to_numpy(float)
    rest = rest[np.isfinite(rest)]                  # NaN: no trials; inf in another network: off the axes
    axes[0].set_ylim(100, 6 * (rest.max() if rest.size else 100))
    if overall:
        axes[0].legend([f"{k} (all digits: {v:.0f})" for k, v in overall.items()], ncol=3, loc="upper left")
    colors = {"color": c} if (c := _run_colors(accuracy.columns)) else {}
    accuracy.plot.bar(ax=axes[1], rot=0, ylabel="accuracy", title=f"accuracy on each digit's trials at delay {delay}",
                      legend=False, **colors)
    for ax in axes:
        ax.set_xlabel("digit")
    return axes


def plot_class_drift(table, within: dict, pooled: float):
    """Drift speed of each class per network (left) and lifetime against drift speed (right) (chapter 5).

    Parameters
    ----------
    table : :func:`mem.drift.class_drift_table`
    within : ``{network: Spearman r}`` within each network (each in -1..1), for the legend
    pooled : Spearman r over every class with a finite lifetime (-1..1), for the title

    Returns
    -------
    the two axes.
    """
    plt = pyplot()
    check_frame("table", table, ("network", "digit", "log10 drift speed", "lifetime"),
                "mem.drift.class_drift_table()")
    if table.empty:
        raise ValueError("table must hold at least one digit")
    as_array("table['log10 drift speed']", table["log10 drift speed"].to_numpy(), finite=True)
    as_array("table['lifetime']", table["lifetime"].to_numpy())
    if not isinstance(within, dict):
        raise TypeError(f"within must be a dict {{network: Spearman r}}, got {type(within).__name__}")
    missing = [k for k in dict.fromkeys(table["network"][np.isfinite(table.lifetime)]) if k not in within]
    if missing:
        raise ValueError(f"within must give the Spearman r of every network with a finite lifetime, missing {missing}")
    for k, v in within.items():
        check_float(f"within[{k!r}]", v, ge=-1, le=1)
    check_float("pooled", pooled, ge=-1, le=1)
    order = list(dict.fromkeys(table["network"]))
    med = table.groupby("network")["log10 drift speed"].median().loc[order]
    known = table[np.isfinite(table.lifetime)]
    _, axes = plt.subplots(2, 1, figsize=figsize(1.0, height=6.0), layout="constrained")
    colors = {"color": c} if (c := _run_colors(order)) else {}
    table.pivot(index="digit", columns="network", values="log10 drift speed")[order].plot(
        ax=axes[0], marker="o", ls="none", xticks=range(10), ylabel="log10 drift speed",
        title="drift speed of each digit\n(medians: " + ", ".join(f"{k} {v:.2f}" for k, v in med.items()) + ")",
        **colors)
    axes[0].legend(ncol=len(order))
    for k, d in known.groupby("network", sort=False):
        axes[1].scatter(d["log10 drift speed"], d.lifetime, s=18, color=_run_color(k),
                        label=f"{k}: within-network Spearman {within[k]:+.2f}")
    axes[1].set(yscale="log", xlabel="log10 drift speed", ylabel="lifetime (steps)",
                title=f"{len(known)} digits with a finite lifetime: Spearman {pooled:+.2f}")
    axes[1].legend(loc="lower left")
    return axes
