"""The book's figures (chapters 1, 2 and 3). Each function draws on given axes or makes its own and returns them."""
from __future__ import annotations

import numpy as np

from ._checks import check_count, check_int, positive_ints

__all__ = ["PROTOCOL_COLORS", "PROTOCOL_LABELS", "plot_trial", "plot_trials", "plot_schedule", "plot_history",
           "plot_delay_curves", "plot_by_protocol", "reproduction_box", "CLASS_COLORS", "class_color",
           "plot_speed_landscape", "plot_state_space", "plot_eigenvalues", "plot_drift", "plot_formation",
           "plot_displacement", "plot_against"]

#: One colour per protocol, used throughout the book.
PROTOCOL_COLORS = {"nacu": "#4d4d4d", "decu": "#1f77b4", "vocu": "#d62728", "accuracy": "#2ca02c"}
#: How the book writes each protocol's name.
PROTOCOL_LABELS = {"nacu": "NaCu", "decu": "DeCu", "vocu": "VoCu", "accuracy": "accuracy-triggered"}


def _plt():
    import matplotlib.pyplot as plt
    return plt


def _trial_shape(batch, image_shape) -> tuple[int, int]:
    """``image_shape`` (h, w), checked against the frames of ``batch``, a delayed-task Batch (pixels + trigger)."""
    from .tasks import DelayedBatch
    if not isinstance(batch, DelayedBatch):
        raise ValueError(f"batch must be a mem.tasks.DelayedBatch (DelayedClassification.sample), "
                         f"got {type(batch).__name__}")
    P = batch.x.shape[-1] - 1
    if len(image_shape) != 2 or image_shape[0] * image_shape[1] != P:
        raise ValueError(f"image_shape must be (height, width) with {P} pixels in all, got {tuple(image_shape)}")
    return tuple(image_shape)


def plot_trial(batch, i: int = 0, image_shape=(8, 8), ax=None, title: str | None = None):
    """One trial as an image strip: every frame of ``batch.x[i]`` left to right, targets underneath (chapter 1).

    The image frame is outlined in green, the trigger frame in orange; the row
    below gives the target (``·`` = null, otherwise the digit) and the report
    step's loss weight.
    """
    plt = _plt()
    h, w = _trial_shape(batch, image_shape)
    x = batch.x[check_int("i", i, 0, len(batch.x) - 1)].detach().cpu().numpy()
    T = x.shape[0]
    P = h * w
    strip = np.full((h, T * (w + 1) - 1), np.nan)
    for t in range(T):
        strip[:, t * (w + 1):t * (w + 1) + w] = x[t, :P].reshape(h, w)
    if ax is None:
        _, ax = plt.subplots(figsize=(min(0.55 * T, 16), 1.6))
    ax.imshow(strip, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest", aspect="equal")
    tr, tp = int(batch.t_read[i]), int(batch.t_report[i])
    for t, color in ((tr, "tab:green"), (tp, "tab:orange")):
        # Outline drawn in the one-pixel gaps around the frame, unclipped so that all four sides show.
        ax.add_patch(plt.Rectangle((t * (w + 1) - 1, -1), w + 1, h + 1, fill=False, lw=2, ec=color,
                                   clip_on=False))
    for spine in ax.spines.values():
        spine.set_visible(False)
    centers = np.arange(T) * (w + 1) + (w - 1) / 2
    ax.set_xticks(centers)
    y = batch.y[i].cpu().numpy()
    ax.set_xticklabels([("·" if c == 0 else str(c - 1)) for c in y], fontsize=8)
    for t in (tr, tp):
        ax.get_xticklabels()[t].set_fontweight("bold")
    ax.set_yticks([])
    ax.tick_params(length=0)
    ax.set_xlabel("target per step (· = null); green: image, orange: trigger", fontsize=8)
    wgt = float(batch.w[i, tp])
    ax.set_title(title or f"t_read = {tr}, t_report = {tp}, delay = {tp - tr}, report weight = {wgt:g}",
                 fontsize=9)
    return ax


def plot_trials(batch, n: int = 4, image_shape=(8, 8)):
    """The first ``n`` trials of a batch, one strip each (chapter 1).

    The axis legend appears only under the last strip. Returns the figure.
    """
    plt = _plt()
    h, w = _trial_shape(batch, image_shape)
    n = check_int("n", n, 1, len(batch.x))
    T = batch.x.shape[1]
    width = min(0.55 * T, 16)
    strip = width * h / (T * (w + 1) - 1)  # height of one strip drawn at full width, inches
    fig, axes = plt.subplots(n, 1, figsize=(width, n * (strip + 0.55) + 0.25))
    axes = np.atleast_1d(axes)
    for i, ax in enumerate(axes):
        plot_trial(batch, i, image_shape, ax=ax)
        if i < len(axes) - 1:
            ax.set_xlabel("")
    fig.tight_layout()
    return fig


def plot_schedule(schedule: dict, axes=None, label: str | None = None, **kw):
    """Trial length and number of digits against step (``Protocol.schedule()``). Returns the two axes (chapter 2)."""
    plt = _plt()
    if not isinstance(schedule, dict) or not {"step", "T_max", "n_classes"} <= set(schedule):
        raise ValueError("schedule must be a dict with 'step', 'T_max' and 'n_classes' (Protocol.schedule())")
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
    plt = _plt()
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
    from .evaluate import DelayCurve
    plt = _plt()
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


def reproduction_box(rows, title: str = "What reproduces"):
    """A chapter's closing table: the paper's claim beside the number this chapter measured.

    Parameters
    ----------
    rows : list of (claim, measured, verdict) strings; ``measured`` should be
        formatted from variables computed in the notebook, never typed in.

    Returns
    -------
    IPython.display.Markdown (rendered by Jupyter, Colab, GitHub and the book).
    """
    from IPython.display import Markdown

    def cell(s):
        return str(s).replace("|", "\\|").replace("\n", " ")

    rows = list(rows)
    if not all(isinstance(r, (tuple, list)) and len(r) == 3 for r in rows):
        raise ValueError("rows must be (claim, measured, verdict) triples")
    lines = [f"**{title}**", "", "| Paper's claim | Measured here | Reproduces? |", "|---|---|---|"]
    lines += [f"| {cell(c)} | {cell(m)} | {cell(v)} |" for c, m, v in rows]
    return Markdown("\n".join(lines))


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
    colour (:data:`PROTOCOL_COLORS`); seeds are points side by side with a
    different marker each, joined by a thin line that shows their spread.
    Returns the axes.
    """
    plt = _plt()
    if not isinstance(values, dict) or not values or not all(isinstance(k, tuple) and len(k) == 3 for k in values):
        raise ValueError("values must be a non-empty dict {(arch, protocol, seed): float}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    archs = list(dict.fromkeys(a for a, _, _ in values))
    seeds = sorted({s for _, _, s in values})
    markers = "osD^vP*X"
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
                ax.plot(x, y, marker=markers[k % len(markers)] if finite else "^", ls="none", ms=7,
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


# ---------------------------------------------------------------------------------------------
# Chapter 3: slow points
# ---------------------------------------------------------------------------------------------
#: One colour per digit (index = digit 0..9; class label k of the task is digit k - 1).
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf"]


def class_color(label: int) -> str:
    """Colour of task class ``label`` (1..10 = digits 0..9; 0, the null class, is black) (chapter 3)."""
    label = int(label)
    if not 0 <= label <= len(CLASS_COLORS):
        raise ValueError(f"label must be a class of the task, 0..{len(CLASS_COLORS)}, got {label}")
    return "k" if label == 0 else CLASS_COLORS[label - 1]


def _np(a, name, ndim=None, last=None):
    """A tensor or array as a numpy array, checking its number of dimensions and last size."""
    if hasattr(a, "detach"):
        a = a.detach().cpu().numpy()
    a = np.asarray(a)
    if ndim is not None and a.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {a.shape}")
    if last is not None and a.shape[-1] != last:
        raise ValueError(f"{name} must have last dimension {last}, got shape {a.shape}")
    return a


def _digit_legend(ax, labels, **kw):
    """Legend entries 'digit d' for the classes in ``labels`` (1..10)."""
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], color=class_color(k), marker="o", ls="none", ms=6, label=f"{k - 1}")
               for k in sorted({int(k) for k in labels})]
    return ax.legend(handles=handles, title="digit", **kw)


def plot_speed_landscape(model, inputs=None, points=None, lim: float = 1.2, n: int = 161, arrows: int = 15,
                         ax=None, title: str | None = None):
    """The speed ``log10 S(h)`` of a 2-D network as a heat map, with arrows of ``F(h) - h`` (chapter 3).

    Parameters
    ----------
    model : a 2-unit network that :func:`mem.slowpoints.dynamics <mem.slowpoints.state_map.dynamics>`
        accepts (e.g. ``mem.models.toy_rnn()``)
    inputs : (D,) constant input, default zeros
    points : SlowPoints of this network, optional. Fixed points are drawn by stability
        (filled: stable, ``n_unstable() == 0``; cross: saddle, 1; open: source, 2),
        stationary slow points as orange diamonds and still-moving ones as grey dots.
    lim : the square ``[-lim, lim]^2`` of states shown
    n : grid points per axis for the heat map;  arrows : arrows per axis
    ax : matplotlib axes, optional;  title : str, optional

    Returns the axes.
    """
    import torch
    from .slowpoints import dynamics
    plt = _plt()
    dyn = dynamics(model)
    if dyn.state_size != 2:
        raise ValueError(f"model must have a 2-D state, got state size {dyn.state_size}")
    n, arrows = check_count("n", n, 2), check_count("arrows", arrows, 2)
    if not lim > 0:
        raise ValueError(f"lim must be positive, got {lim!r}")
    dyn = dyn.to(dtype=torch.float64)
    x = torch.zeros(dyn.input_size, dtype=torch.float64) if inputs is None else \
        torch.as_tensor(inputs, dtype=torch.float64).reshape(-1)
    if x.shape != (dyn.input_size,):
        raise ValueError(f"inputs must have shape ({dyn.input_size},), got {tuple(x.shape)}")

    def flow(m):
        g = torch.linspace(-lim, lim, m, dtype=torch.float64)
        Y, X = torch.meshgrid(g, g, indexing="ij")
        v = torch.stack([X.reshape(-1), Y.reshape(-1)], -1)
        with torch.no_grad():
            r = dyn.step(v, x.expand(len(v), -1)) - v
        return X.numpy(), Y.numpy(), r[:, 0].reshape(m, m).numpy(), r[:, 1].reshape(m, m).numpy()

    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 4))
    X, Y, U, V = flow(n)
    logS = np.log10(U ** 2 + V ** 2 + 1e-12)
    im = ax.imshow(logS, origin="lower", extent=(-lim, lim, -lim, lim), cmap="viridis", vmin=-6,
                   vmax=max(float(logS.max()), -5), interpolation="bilinear")
    cb = ax.figure.colorbar(im, ax=ax, shrink=0.85)
    cb.set_label(r"$\log_{10} S(h)$")
    X, Y, U, V = flow(arrows)
    ax.quiver(X, Y, U, V, color="w", alpha=0.8, angles="xy", scale_units="xy", scale=1, width=0.004)
    if points is not None:
        if points.states.shape[-1] != 2:
            raise ValueError(f"points must be 2-D states, got shape {tuple(points.states.shape)}")
        p = points.states.detach().cpu().double().numpy()
        fixed = points.converged.cpu().numpy()
        unstable = points.n_unstable().numpy() if points.jacobians is not None else np.zeros(len(p), int)
        styles = [(fixed & (unstable == 0), dict(marker="o", mfc="k", mec="w", ms=9, label="stable fixed point")),
                  (fixed & (unstable == 1), dict(marker="X", mfc="w", mec="k", ms=10, label="saddle")),
                  (fixed & (unstable >= 2), dict(marker="o", mfc="w", mec="k", ms=9, mew=2, label="source")),
                  (points.outcome.cpu().numpy() == 1, dict(marker="D", mfc="#ff7f0e", mec="k", ms=8,
                                                           label="slow point (S > 0)")),
                  (points.outcome.cpu().numpy() == 2, dict(marker=".", mfc="0.6", mec="0.6", ms=6,
                                                           label="still moving"))]
        for mask, style in styles:
            if mask.any():
                ax.plot(p[mask, 0], p[mask, 1], ls="none", **style)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=3, frameon=False,
                  handletextpad=0.2, columnspacing=0.8)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="$h_1$", ylabel="$h_2$", aspect="equal")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_state_space(traj, traj_labels, points=None, point_labels=None, starts=None, ax=None,
                     title: str | None = None, xlabel: str = "PC 1", ylabel: str = "PC 2"):
    """Trajectories and class slow points in a 2-D projection, coloured by class (chapter 3).

    Parameters
    ----------
    traj : (B, T, 2) projected trajectories (e.g. the first two principal components)
    traj_labels : (B,) class of each trajectory (1..10)
    points : (K, 2) projected slow points, optional, drawn as stars
    point_labels : (K,) their classes (required with ``points``)
    starts : (K, 2) where each search started, optional (small circles joined to the point)

    Returns the axes.
    """
    plt = _plt()
    traj = _np(traj, "traj", 3, 2)
    traj_labels = _np(traj_labels, "traj_labels", 1)
    if len(traj_labels) != len(traj):
        raise ValueError(f"traj_labels must have one label per trajectory ({len(traj)}), got {len(traj_labels)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 4.4))
    for tr, k in zip(traj, traj_labels):
        ax.plot(tr[:, 0], tr[:, 1], color=class_color(k), lw=0.5, alpha=0.35)
        ax.plot(tr[0, 0], tr[0, 1], ".", color=class_color(k), ms=3, alpha=0.6)
    if points is not None:
        points = _np(points, "points", 2, 2)
        if point_labels is None or len(_np(point_labels, "point_labels", 1)) != len(points):
            raise ValueError("point_labels must give the class of each of the points")
        point_labels = _np(point_labels, "point_labels", 1)
        if starts is not None:
            starts = _np(starts, "starts", 2, 2)
            if len(starts) != len(points):
                raise ValueError(f"starts must have one row per point ({len(points)}), got {len(starts)}")
            for s, p, k in zip(starts, points, point_labels):
                ax.plot([s[0], p[0]], [s[1], p[1]], color="k", lw=0.8)
                ax.plot(s[0], s[1], "o", mfc="w", mec=class_color(k), ms=5, mew=1.5)
        for p, k in zip(points, point_labels):
            ax.plot(p[0], p[1], "*", color=class_color(k), mec="k", mew=0.8, ms=15, zorder=5)
    _digit_legend(ax, traj_labels, fontsize=7, ncol=2, loc="best", framealpha=0.85, title_fontsize=7)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_eigenvalues(eigenvalues, labels=None, axes=None, n_top: int = 10, title: str | None = None):
    """Eigenvalues of the Jacobians at slow points: the complex plane, and the largest moduli (chapter 3).

    Parameters
    ----------
    eigenvalues : (N, n) complex, one row per point (``SlowPoints.eigenvalues()``)
    labels : (N,) class of each point (colours), optional
    axes : two matplotlib axes, optional. The first shows every eigenvalue with the
        unit circle; the second the ``n_top`` largest ``|lambda|`` of each point
        against their rank, with ``|lambda| = 1`` marked (the slow modes).
    n_top : how many of the largest moduli to show

    Returns the two axes.
    """
    plt = _plt()
    ev = _np(eigenvalues, "eigenvalues", 2)
    if labels is not None:
        labels = _np(labels, "labels", 1)
        if len(labels) != len(ev):
            raise ValueError(f"labels must have one entry per row of eigenvalues ({len(ev)}), got {len(labels)}")
    positive_ints(n_top=n_top)
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(4.2, 6.4), gridspec_kw={"height_ratios": [1.3, 1]})
    t = np.linspace(0, 2 * np.pi, 400)
    axes[0].plot(np.cos(t), np.sin(t), color="k", lw=0.8)
    n_top = min(n_top, ev.shape[1])
    for i, row in enumerate(ev):
        color = "0.3" if labels is None else class_color(labels[i])
        axes[0].plot(row.real, row.imag, ".", color=color, ms=3, alpha=0.7)
        mod = np.sort(np.abs(row))[::-1][:n_top]
        axes[1].plot(np.arange(1, n_top + 1), mod, ".-", color=color, lw=0.8, ms=4, alpha=0.8)
    axes[0].set(xlabel=r"Re $\lambda$", ylabel=r"Im $\lambda$", aspect="equal", xlim=(-1.1, 1.1), ylim=(-1.1, 1.1))
    axes[1].axhline(1.0, color="k", lw=0.8, ls="--")
    axes[1].set(xlabel="rank", ylabel=r"$|\lambda|$ (largest first)", xticks=np.arange(1, n_top + 1))
    if title:
        axes[0].set_title(title, fontsize=10)
    return axes


def plot_drift(speed, reported, labels, levels: dict | None = None, axes=None, title: str | None = None,
               floor: float = 1e-16):
    """Speed and reported class along noiseless mean-input trajectories, one per class (chapter 3).

    Parameters
    ----------
    speed : (K, T) speed ``S`` at each step of K trajectories
    reported : (K, T) int, the class the network would report if the trigger came at that step
    labels : (K,) class each trajectory started from
    levels : {name: log10 S}, optional horizontal reference lines (e.g. the median speed found by a search)
    axes : two matplotlib axes (top: speed, bottom: reported class), optional
    floor : speeds below it (exact zeros included) are drawn at it

    Steps run from 1 to T on a log axis. Returns the two axes.
    """
    plt = _plt()
    from matplotlib.colors import ListedColormap
    if not floor > 0:
        raise ValueError(f"floor must be positive, got {floor!r}")
    S = _np(speed, "speed", 2)
    rep = _np(reported, "reported", 2)
    labels = _np(labels, "labels", 1)
    if rep.shape != S.shape or len(labels) != S.shape[0]:
        raise ValueError(f"reported must have the shape of speed {S.shape} and labels one entry per row, "
                         f"got {rep.shape} and {labels.shape}")
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=(5, 4.6), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    K, T = S.shape
    t = np.arange(1, T + 1)
    for k in range(K):
        axes[0].plot(t, np.log10(np.maximum(S[k], floor)), color=class_color(labels[k]), lw=1)
    for i, (name, value) in enumerate((levels or {}).items()):
        axes[0].axhline(value, color="k", lw=1, ls=["--", ":", "-."][i % 3], label=name)
    if levels:
        axes[0].legend(fontsize=7, loc="lower left")
    axes[0].set(xscale="log", ylabel=r"$\log_{10} S$")
    cmap = ListedColormap(["k"] + CLASS_COLORS)
    edges = np.concatenate([[0.5], np.sqrt(t[:-1] * t[1:]), [T + 0.5]])  # cells centred on each step in log t
    axes[1].pcolormesh(edges, np.arange(K + 1), rep, cmap=cmap, vmin=-0.5, vmax=len(CLASS_COLORS) + 0.5)
    axes[1].set_yticks(np.arange(K) + 0.5, [f"{int(k) - 1}" for k in labels], fontsize=7)
    axes[1].set(xscale="log", xlabel="steps with the mean input", ylabel="reported digit\n(row: start)")
    axes[1].set_xlim(1, T)
    if title:
        axes[0].set_title(title, fontsize=10)
    return axes


def plot_formation(points: dict, steps, lim=None, axes=None, xlabel: str = "PC 1", ylabel: str = "PC 2"):
    """Class slow points of training checkpoints in a shared projection: rows of networks, columns of steps (chapter 3).

    Parameters
    ----------
    points : {row_name: {step: (xy (K, 2), labels (K,)) or None}}; None (no class
        reported correctly yet) leaves the panel empty
    steps : the steps to show, one column each
    lim : ((x0, x1), (y0, y1)) shared axis limits, optional (default: all points shown)
    axes : (rows, columns) array of matplotlib axes, optional

    Returns the figure.
    """
    plt = _plt()
    if not isinstance(points, dict) or not points:
        raise ValueError("points must be a non-empty dict {row_name: {step: (xy, labels) or None}}")
    steps = list(steps)
    for row, by_step in points.items():
        missing = [s for s in steps if s not in by_step]
        if missing:
            raise ValueError(f"points[{row!r}] has no entry for steps {missing}")
    if axes is None:
        fig, axes = plt.subplots(len(points), len(steps), figsize=(1.6 * len(steps) + 0.6, 1.7 * len(points) + 0.6),
                                 sharex=True, sharey=True, squeeze=False)
    else:
        axes = np.atleast_2d(axes)
        fig = axes.flat[0].figure
    if lim is None:
        xy = np.concatenate([_np(v[0], "xy", 2, 2) for r in points.values() for s, v in r.items()
                             if v is not None and s in steps])
        pad = 0.05 * (xy.max(0) - xy.min(0))
        lim = tuple(zip(xy.min(0) - pad, xy.max(0) + pad))
    all_labels = set()
    for i, (row, by_step) in enumerate(points.items()):
        for j, s in enumerate(steps):
            ax = axes[i, j]
            v = by_step[s]
            if v is not None:
                xy, lab = _np(v[0], "xy", 2, 2), _np(v[1], "labels", 1)
                for p, k in zip(xy, lab):
                    ax.plot(p[0], p[1], "o", color=class_color(k), mec="k", mew=0.4, ms=6)
                    all_labels.add(int(k))
            else:
                ax.text(0.5, 0.5, "no class\nlearned", ha="center", va="center", fontsize=7, color="0.5",
                        transform=ax.transAxes)
            ax.set(xlim=lim[0], ylim=lim[1], xticks=[], yticks=[])
            if i == 0:
                ax.set_title(f"step {s}", fontsize=8)
            if j == 0:
                ax.set_ylabel(f"{row}\n{ylabel}", fontsize=8)
            if i == len(points) - 1:
                ax.set_xlabel(xlabel, fontsize=8)
    if all_labels:
        _digit_legend(axes[0, -1], all_labels, fontsize=6, title_fontsize=6, loc="upper left",
                      bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return fig


def plot_displacement(steps, displacement, labels, events=None, ax=None, title: str | None = None,
                      event_label: str = "curriculum stage starts"):
    """How far each class's slow point moved between consecutive checkpoints (chapter 3).

    Parameters
    ----------
    steps : (M,) the later step of each interval
    displacement : (M, K) distance moved by class k's point in the interval ending at steps[m]
        (NaN where the class had no point at one of the two ends)
    labels : (K,) the classes (columns)
    events : steps at which the training task changed (vertical lines), optional

    Returns the axes.
    """
    plt = _plt()
    steps = _np(steps, "steps", 1)
    D = _np(displacement, "displacement", 2)
    labels = _np(labels, "labels", 1)
    if D.shape != (len(steps), len(labels)):
        raise ValueError(f"displacement must have shape (len(steps), len(labels)) = {(len(steps), len(labels))}, "
                         f"got {D.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 3))
    for j, k in enumerate(labels):
        ax.plot(steps, D[:, j], ".-", color=class_color(k), lw=0.8, ms=4, alpha=0.8)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(D, axis=1)
    ax.plot(steps, med, "k-", lw=2, label="median over classes")
    for i, e in enumerate(events or []):
        ax.axvline(e, color="0.5", lw=0.8, ls="--", label=event_label if i == 0 else None)
    ax.set(xlabel="training step (end of interval)", ylabel="distance moved since\nprevious checkpoint")
    ax.legend(fontsize=7, loc="upper right")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_against(x: dict, y: dict, ax=None, xlabel: str = "", ylabel: str = "", logx: bool = False,
                 logy: bool = False, title: str | None = None):
    """One point per network, ``y`` against ``x``, coloured by protocol, marker by architecture (chapters 3, 4).

    Parameters
    ----------
    x, y : dicts ``{(arch, protocol, seed): float}`` with the same keys (e.g. a speed and the memory lifetime)

    Returns the axes.
    """
    plt = _plt()
    if not isinstance(x, dict) or not isinstance(y, dict) or set(x) != set(y) or not x:
        raise ValueError("x and y must be non-empty dicts {(arch, protocol, seed): value} with the same keys")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.4))
    markers = {"gru": "o", "lstm": "s", "rnn_tanh": "^", "rnn_relu": "v", "rnn_elu": "D"}
    seen = set()
    for key in sorted(x):
        arch, proto = key[0], key[1]
        lab = f"{arch.upper()} {PROTOCOL_LABELS.get(proto, proto)}"
        ax.plot(float(x[key]), float(y[key]), markers.get(arch, "o"), color=PROTOCOL_COLORS.get(proto), mec="k",
                mew=0.5, ms=7, ls="none", label=None if lab in seen else lab)
        seen.add(lab)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    for axis, log in ((ax.xaxis, logx), (ax.yaxis, logy)):
        if log:
            (ax.set_xscale if axis is ax.xaxis else ax.set_yscale)("log")
            lo, hi = (ax.get_xlim() if axis is ax.xaxis else ax.get_ylim())
            ticks = [m * 10 ** e for e in range(-6, 7) for m in (1, 2, 5) if lo <= m * 10 ** e <= hi]
            axis.set_ticks(ticks, [f"{t:g}" for t in ticks])
            axis.set_minor_formatter(plt.NullFormatter())
    if title:
        ax.set_title(title, fontsize=10)
    return ax


ARCH_COLORS = {"gru": "#1f77b4", "lstm": "#d95f02", "rnn_tanh": "#7570b3"}
PROTOCOL_MARKERS = {"nacu": "o", "decu": "s", "vocu": "^", "accuracy": "D"}


def plot_measure(df, x: str, y: str = "log_lifetime", ax=None, group: str = "arch", fit: bool = True,
                 confidence: float = 0.95, xlabel: str | None = None, ylabel: str | None = None,
                 title: str | None = None):
    """One point per network, ``df[y]`` against ``df[x]``, coloured by architecture, marker by protocol (chapter 4).

    Filled markers are 128-unit networks, open ones 64-unit (column ``hidden_size``). With
    ``fit``, each architecture gets its least-squares line and the ``confidence`` band of
    that line (t-based, from scipy). Infinite ``y`` (a memory outlasting the probe) is drawn
    at the top of the axes with an upward arrow and left out of the fit.

    Parameters
    ----------
    df : pandas DataFrame with columns x, y, ``group``, ``protocol`` and ``hidden_size``
        (e.g. :func:`mem.zoo.table`)

    Returns the axes.
    """
    import numpy as np
    from scipy import stats

    plt = _plt()
    for col in (x, y, group, "protocol", "hidden_size"):
        if col not in df.columns:
            raise ValueError(f"{col!r} must be a column of df; columns: {list(df.columns)}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.4, 3.6))
    finite = np.isfinite(df[y].to_numpy(float))
    top = df[y][finite].max() + 0.05 * (df[y][finite].max() - df[y][finite].min() + 1e-12)
    for level in sorted(df[group].unique()):
        d = df[df[group] == level]
        color = ARCH_COLORS.get(level, "k")
        for _, r in d.iterrows():
            yy, inf = (r[y], False) if np.isfinite(r[y]) else (top, True)
            big = r["hidden_size"] >= 128
            ax.plot(r[x], yy, PROTOCOL_MARKERS.get(r["protocol"], "o"), ms=6.5, mew=1.2, mec=color,
                    color=color if big else "none", ls="none")
            if inf:
                ax.annotate("", (r[x], yy + 0.08), (r[x], yy), arrowprops=dict(arrowstyle="->", color=color))
        ok = d[np.isfinite(d[y].to_numpy(float))]
        if fit and len(ok) >= 3:
            X, Y = ok[x].to_numpy(float), ok[y].to_numpy(float)
            lr = stats.linregress(X, Y)
            grid = np.linspace(X.min(), X.max(), 50)
            n = len(X)
            s = np.sqrt(np.sum((Y - lr.intercept - lr.slope * X) ** 2) / (n - 2))
            half = stats.t.ppf(0.5 + confidence / 2, n - 2) * s * np.sqrt(
                1 / n + (grid - X.mean()) ** 2 / np.sum((X - X.mean()) ** 2))
            line = lr.intercept + lr.slope * grid
            ax.plot(grid, line, color=color, lw=1.5, label=f"{level.upper()} (n = {len(d)})")
            ax.fill_between(grid, line - half, line + half, color=color, alpha=0.15, lw=0)
    for p, mk in PROTOCOL_MARKERS.items():
        if p in set(df["protocol"]):
            ax.plot([], [], mk, color="none", mec="0.3", label=PROTOCOL_LABELS.get(p, p))
    ax.plot([], [], "o", color="0.3", mec="0.3", label="128 units (filled)")
    ax.set(xlabel=xlabel or x, ylabel=ylabel or y)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_correlations(table, ax=None, method: str = "spearman", subsets=None, labels: dict | None = None,
                      title: str | None = None):
    """Forest plot: each measure's correlation with its confidence interval, one row per subset (chapter 4).

    Parameters
    ----------
    table : DataFrame from :func:`mem.analysis.correlation_table` (columns measure, subset,
        method, r, ci_low, ci_high, p)
    method : which method's rows to draw
    subsets : subsets to draw, in order (default: all, in the table's order)
    labels : optional display names for the measures

    Filled markers have p < 0.05. Returns the axes.
    """
    plt = _plt()
    if method not in set(table["method"]):
        raise ValueError(f"method must be one of {sorted(set(table['method']))}, got {method!r}")
    t = table[table["method"] == method]
    subsets = list(dict.fromkeys(t["subset"])) if subsets is None else list(subsets)
    measures = list(dict.fromkeys(t["measure"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 0.45 * len(measures) * len(subsets) + 1))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    y, ticks, names = 0, [], []
    for m in measures:
        for k, s in enumerate(subsets):
            row = t[(t["measure"] == m) & (t["subset"] == s)]
            if row.empty:
                continue
            r = row.iloc[0]
            c = colors[k % len(colors)]
            ax.plot([r.ci_low, r.ci_high], [y, y], color=c, lw=2, label=s if m == measures[0] else None)
            ax.plot(r.r, y, "o", color=c if r.p < 0.05 else "white", mec=c, ms=7)
            y -= 1
        ticks.append(y + (len(subsets) + 1) / 2)
        names.append((labels or {}).get(m, m))
        y -= 0.7
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(ticks, names)
    ax.set_xlim(-1, 1)
    ax.set_xlabel(f"{method} correlation with 95% CI (filled: p < 0.05)")
    ax.legend(fontsize=8, loc="lower right")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_within(per_network: dict, ax=None, labels: dict | None = None, title: str | None = None):
    """Per-network correlations across digits, one column per measure (chapter 4).

    Parameters
    ----------
    per_network : ``{measure: DataFrame with column r}`` (the first output of
        :func:`mem.analysis.within_network` for each measure)

    Returns the axes.
    """
    import numpy as np

    plt = _plt()
    if not isinstance(per_network, dict) or not per_network or \
            not all("r" in getattr(per, "columns", ()) for per in per_network.values()):
        raise ValueError("per_network must be a non-empty dict {measure: DataFrame with column r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.3 * len(per_network) + 1.5, 3.2))
    rng = np.random.default_rng(0)  # horizontal jitter only
    for i, (m, per) in enumerate(per_network.items()):
        r = per["r"].to_numpy()
        ax.plot(i + 0.12 * rng.standard_normal(len(r)), r, "o", ms=4, alpha=0.6, color="C0")
        ax.plot([i - 0.3, i + 0.3], [np.median(r)] * 2, color="k", lw=2)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xticks(range(len(per_network)), [(labels or {}).get(m, m) for m in per_network], rotation=20)
    ax.set_ylabel("correlation across digits,\none point per network")
    ax.set_ylim(-1.05, 1.05)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


MODE_STYLES = {("slowpoints", "fixed"): dict(color="#1b9e77", marker="o", label="SlowPoints"),
               ("slowpoints", "retrack"): dict(color="#1b9e77", marker="x", ls=":", label="SlowPoints, re-tracked"),
               ("slowpoints", "retrack_adam"): dict(color="#d95f02", marker="+", ls="none", ms=9,
                                                    label="SlowPoints, re-tracked with Adam"),
               ("centermass", "fixed"): dict(color="#7570b3", marker="s", ls="--", label="CenterMass")}


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
    plt = _plt()
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
    plt = _plt()
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


# ---------------------------------------------------------------------------------------------- chapter 6

#: One colour per initialisation scheme (chapter 6).
SCHEME_COLORS = {"chain": "#d62728", "fbchain": "#ff7f0e", "orthogonal": "#1f77b4", "identity": "#2ca02c",
                 "default": "#4d4d4d", "random": "#9467bd"}
__all__ += ["SCHEME_COLORS", "plot_fisher_curves", "plot_benchmark_curves", "plot_success_counts",
            "plot_decoding", "plot_chain_profile"]


def _scheme_color(label: str) -> str:
    return SCHEME_COLORS.get(str(label).split(" ")[0], None)


def plot_fisher_curves(curves: dict, ax=None, max_lag: int | None = None, logy: bool = True, title: str | None = None):
    """Fisher memory curves J(k) (chapter 6), one line per entry of ``{label: J (K,)}``, with J_tot in the legend.

    Labels starting with a scheme's name (``"chain ..."``) take its colour (:data:`SCHEME_COLORS`).
    Returns the axes.
    """
    plt = _plt()
    if not curves:
        raise ValueError("curves must be a non-empty dict {label: J}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.4))
    for label, J in curves.items():
        J = np.asarray(J, dtype=float)
        if J.ndim != 1:
            raise ValueError(f"curves[{label!r}] must be 1-D (K,), got shape {J.shape}")
        k = np.arange(len(J)) if max_lag is None else np.arange(min(len(J), max_lag + 1))
        ax.plot(k, np.where(J[k] > 0, J[k], np.nan), color=_scheme_color(label),
                label=f"{label}: J_tot = {J.sum():.2f}")
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel="lag k (steps)", ylabel="Fisher memory J(k)")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    return ax


def plot_benchmark_curves(curves: dict, ax=None, title: str | None = None):
    """Validation loss / baseline against updates: median and range over seeds per scheme (chapter 6).

    ``curves`` is :func:`mem.benchmarks.curves`' output ``{scheme: (steps, losses (n_runs, K), lr)}``.
    Dashed lines mark the baseline (1) and the paper's success threshold (0.5). Returns the axes.
    """
    plt = _plt()
    if not isinstance(curves, dict) or not curves or \
            not all(isinstance(c, (tuple, list)) and len(c) == 3 for c in curves.values()):
        raise ValueError("curves must be a non-empty dict {scheme: (steps, losses, lr)} (mem.benchmarks.curves)")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.4, 3.4))
    for scheme, (steps, mat, lr) in curves.items():
        mat = np.asarray(mat, dtype=float)
        color = _scheme_color(scheme)
        ax.plot(steps, np.nanmedian(mat, 0), color=color, label=f"{scheme} (lr {lr:g}, n={len(mat)})")
        ax.fill_between(steps, np.nanmin(mat, 0), np.nanmax(mat, 0), color=color, alpha=0.15, lw=0)
    ax.axhline(1.0, color="0.5", ls="--", lw=0.8)
    ax.axhline(0.5, color="0.5", ls=":", lw=0.8)
    ax.set(xlabel="updates", ylabel="validation loss / baseline", ylim=(0, 1.4))
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    return ax


def plot_success_counts(table, ax=None, schemes=("chain", "fbchain", "orthogonal", "identity")):
    """Bars: runs whose final validation loss is below half the baseline, per task and scheme (chapter 6).

    ``table`` is :func:`mem.benchmarks.table` (every learning rate and seed). Returns the axes.
    """
    plt = _plt()
    missing = [c for c in ("task", "scheme", "success") if c not in getattr(table, "columns", ())]
    if missing:
        raise ValueError(f"table must be mem.benchmarks.table()'s DataFrame, got one without the columns {missing}")
    if not schemes:
        raise ValueError("schemes must name at least one scheme")
    tasks = list(dict.fromkeys(table["task"]))
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.2))
    width = 0.8 / len(schemes)
    for i, scheme in enumerate(schemes):
        sub = table[table["scheme"] == scheme]
        ok = [int(sub[sub.task == t]["success"].sum()) for t in tasks]
        n = [int((sub.task == t).sum()) for t in tasks]
        x = np.arange(len(tasks)) + (i - (len(schemes) - 1) / 2) * width
        ax.bar(x, ok, width, color=_scheme_color(scheme), label=scheme)
        for xi, o, m in zip(x, ok, n):
            ax.text(xi, o, f"{o}/{m}", ha="center", va="bottom", fontsize=6)
    ax.set_xticks(np.arange(len(tasks)), tasks)
    ax.set_ylabel("successful runs")
    ax.legend(fontsize=7)
    return ax


def plot_decoding(lags, r2: dict, ax=None, n_units: int | None = None, title: str | None = None):
    """Held-out R^2 of decoding the input ``k`` steps back, per network ``{label: (len(lags),)}`` (chapter 6).

    ``n_units`` draws the chain length N, beyond which a pure chain has forgotten everything.
    Returns the axes.
    """
    plt = _plt()
    bad = [label for label, r in r2.items() if np.shape(r) != np.shape(lags)]
    if bad:
        raise ValueError(f"r2 must give one value per lag ({len(lags)}) for every network, not for {bad}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.4))
    for label, r in r2.items():
        ax.plot(lags, np.clip(np.asarray(r, dtype=float), -0.1, 1.0), "o-", ms=3, color=_scheme_color(label),
                label=label)
    if n_units:
        ax.axvline(n_units, color="0.5", ls=":", lw=1)
        ax.text(n_units, 0.95, " N", color="0.4", fontsize=8)
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set(xlabel="lag k (steps)", ylabel="decoding R² (clipped at -0.1)", ylim=(-0.12, 1.02))
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    return ax


def plot_chain_profile(profiles: dict, ax=None, window: int = 10, title: str | None = None,
                       diagonal: bool = True):
    """The "hidden chain" motif: mean weight against i - j, units ordered by peak time (chapter 6).

    ``profiles`` is ``{label: (offsets, profile)}`` from :func:`mem.theory.chain_profile`; only
    offsets within ``window`` of 0 are drawn, and offset 0 (the self-weights, which dwarf the
    rest after an identity start) only if ``diagonal``. A forward chain is a bump at positive
    i - j. Returns the axes.
    """
    plt = _plt()
    window = check_int("window", window, 0)
    if not isinstance(profiles, dict) or not all(len(p) == 2 and np.shape(p[0]) == np.shape(p[1])
                                                 for p in profiles.values()):
        raise ValueError("profiles must be a dict {label: (offsets, profile)} of equal-length pairs")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.4))
    for label, (off, prof) in profiles.items():
        off, prof = np.asarray(off), np.asarray(prof)
        keep = (np.abs(off) <= window) & ((off != 0) | diagonal)
        ax.plot(off[keep], prof[keep], "o-", ms=3, label=label)
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(0, color="0.8", lw=0.8)
    ax.set(xlabel="i - j (units, ordered by peak time)", ylabel="mean weight W[i, j]")
    if title:
        ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7)
    return ax
