"""Figures of chapter 3, slow points: speed landscapes, state space, Jacobian spectra, drift and formation.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

import numpy as np

from .._checks import (
    check_bool,
    check_count,
    check_dict,
    check_float,
    check_model,
    check_names,
    check_str,
    positive_ints,
)
from ._validate import as_array, check_ax, check_axes, check_labels, check_lookup, check_pair
from .style import (
    ARCH_MARKERS,
    BACKGROUND_GREY,
    BIAS_CMAP,
    CLASS_COLORS,
    COLUMN_INCHES,
    PROTOCOL_COLORS,
    PROTOCOL_LABELS,
    REFERENCE_GREY,
    SLOW_POINT_COLOR,
    class_color,
    figsize,
    pyplot,
)

__all__ = [
    "plot_against",
    "plot_against_panels",
    "plot_budget_panels",
    "plot_displacement",
    "plot_displacement_panels",
    "plot_drift",
    "plot_drift_panels",
    "plot_eigenvalue_panels",
    "plot_eigenvalues",
    "plot_fixed_points_pca",
    "plot_formation",
    "plot_ghost",
    "plot_ghost_passage",
    "plot_points_pca",
    "plot_points_pca_panels",
    "plot_search_budgets",
    "plot_search_speeds",
    "plot_speed_landscape",
    "plot_state_space",
]


def _np(a, name, ndim=None, last=None, nan_ok=False):
    """A tensor, array or list of finite numbers as a numpy array, checking its number of dimensions and last size
    (:func:`mem.plots._validate.as_array`; NaN only with ``nan_ok``)."""
    return as_array(name, a, ndim, last, finite=not nan_ok, nan_ok=nan_ok)


def _check_points(points, name: str = "points", none_ok: bool = True):
    """``points`` must be :class:`mem.slowpoints.SlowPoints` (or None when ``none_ok``)."""
    from ..slowpoints import SlowPoints
    if (points is not None or not none_ok) and not isinstance(points, SlowPoints):
        raise TypeError(f"{name} must be SlowPoints (mem.slowpoints){' or None' if none_ok else ''}, "
                        f"got {type(points).__name__}")
    return points


def _check_levels(levels, name: str = "levels") -> dict:
    """``{name: log10 S}`` reference levels (None: none), each a finite number."""
    levels = check_lookup(name, levels, "{name: log10 S}")
    for k, v in levels.items():
        check_float(f"{name}[{k!r}]", v)
    return levels


def _digit_handles(labels) -> list:
    """Legend handles 'digit d' for the classes in ``labels`` (1..10)."""
    from matplotlib.lines import Line2D
    return [Line2D([], [], color=class_color(k), marker="o", ls="none", ms=6, label=f"{k - 1}")
            for k in sorted({int(k) for k in labels})]


def _digit_legend(ax, labels, **kw):
    """Legend entries 'digit d' for the classes in ``labels`` (1..10)."""
    return ax.legend(handles=_digit_handles(labels), title="digit", **kw)


def plot_speed_landscape(model, inputs=None, points=None, lim: float = 1.2, n: int = 161, arrows: int = 15,
                         ax=None, title: str | None = None):
    """The speed ``log10 S(h)`` of a 2-D network as a heat map, with arrows of ``F(h) - h`` (chapter 3).

    Parameters
    ----------
    model : a 2-unit network that
        :func:`~mem.slowpoints.state_map.dynamics` accepts (e.g. ``mem.models.toy_rnn()``)
    inputs : (D,) constant input, default zeros
    points : SlowPoints of this network, optional. Fixed points are drawn by stability
        (filled: stable, ``n_unstable() == 0``; cross: saddle, 1; open: source, 2),
        stationary slow points as orange diamonds and still-moving ones as grey dots.
    lim : the square ``[-lim, lim]^2`` of states shown
    n : grid points per axis for the heat map, 2..1000;  arrows : arrows per axis, 2..100
    ax : matplotlib axes, optional;  title : str, optional

    Returns the axes.
    """
    import torch

    from ..slowpoints import dynamics
    plt = pyplot()
    dyn = dynamics(model)
    if dyn.state_size != 2:
        raise ValueError(f"model must have a 2-D state, got state size {dyn.state_size}")
    n, arrows = check_count("n", n, 2, 1000), check_count("arrows", arrows, 2, 100)
    check_float("lim", lim, gt=0)
    _check_points(points)
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    if inputs is not None:
        _np(inputs, "inputs")
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
        _, ax = plt.subplots(figsize=figsize(0.7, 4.4))
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
                  (points.outcome.cpu().numpy() == 1, dict(marker="D", mfc=SLOW_POINT_COLOR, mec="k", ms=8,
                                                           label="slow point (S > 0)")),
                  (points.outcome.cpu().numpy() == 2, dict(marker=".", mfc=BACKGROUND_GREY, mec=BACKGROUND_GREY, ms=6,
                                                           label="still moving"))]
        for mask, style in styles:
            if mask.any():
                ax.plot(p[mask, 0], p[mask, 1], ls="none", **style)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False,
                  handletextpad=0.2, columnspacing=0.8)
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xlabel="$h_1$", ylabel="$h_2$", aspect="equal")
    if title:
        ax.set_title(title)
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
    plt = pyplot()
    traj = _np(traj, "traj", 3, 2)
    traj_labels = check_labels("traj_labels", traj_labels)
    if len(traj_labels) != len(traj):
        raise ValueError(f"traj_labels must have one label per trajectory ({len(traj)}), got {len(traj_labels)}")
    if points is not None:
        points = _np(points, "points", 2, 2)
        if point_labels is None or len(check_labels("point_labels", point_labels)) != len(points):
            raise ValueError("point_labels must give the class of each of the points")
        point_labels = check_labels("point_labels", point_labels)
        if starts is not None:
            starts = _np(starts, "starts", 2, 2)
            if len(starts) != len(points):
                raise ValueError(f"starts must have one row per point ({len(points)}), got {len(starts)}")
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    check_str("xlabel", xlabel)
    check_str("ylabel", ylabel)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.7, 4.4))
    for tr, k in zip(traj, traj_labels):
        ax.plot(tr[:, 0], tr[:, 1], color=class_color(k), lw=0.5, alpha=0.35)
        ax.plot(tr[0, 0], tr[0, 1], ".", color=class_color(k), ms=3, alpha=0.6)
    if points is not None:
        if starts is not None:
            for s, p, k in zip(starts, points, point_labels):
                ax.plot([s[0], p[0]], [s[1], p[1]], color="k", lw=0.8)
                ax.plot(s[0], s[1], "o", mfc="w", mec=class_color(k), ms=5, mew=1.5)
        for p, k in zip(points, point_labels):
            ax.plot(p[0], p[1], "*", color=class_color(k), mec="k", mew=0.8, ms=15, zorder=5)
    _digit_legend(ax, traj_labels, fontsize=7, ncol=2, loc="best", framealpha=0.85, title_fontsize=7)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    if title:
        ax.set_title(title)
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
    plt = pyplot()
    ev = _np(eigenvalues, "eigenvalues", 2)
    if labels is not None:
        labels = check_labels("labels", labels)
        if len(labels) != len(ev):
            raise ValueError(f"labels must have one entry per row of eigenvalues ({len(ev)}), got {len(labels)}")
    positive_ints(n_top=n_top)
    check_axes("axes", axes, 2)
    check_str("title", title, none_ok=True)
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=figsize(0.6, 6.0), gridspec_kw={"height_ratios": [1.3, 1]})
    t = np.linspace(0, 2 * np.pi, 400)
    axes[0].plot(np.cos(t), np.sin(t), color="k", lw=0.8)
    n_top = min(n_top, ev.shape[1])
    for i, row in enumerate(ev):
        color = "k" if labels is None else class_color(labels[i])
        axes[0].plot(row.real, row.imag, ".", color=color, ms=3, alpha=0.7)
        mod = np.sort(np.abs(row))[::-1][:n_top]
        axes[1].plot(np.arange(1, n_top + 1), mod, ".-", color=color, lw=0.8, ms=4, alpha=0.8)
    axes[0].set(xlabel=r"Re $\lambda$", ylabel=r"Im $\lambda$", aspect="equal", xlim=(-1.1, 1.1), ylim=(-1.1, 1.1))
    axes[1].axhline(1.0, color="k", lw=0.8, ls="--")
    axes[1].set(xlabel="rank", ylabel=r"$|\lambda|$ (largest first)",
                xticks=np.arange(1, n_top + 1, max(1, (n_top + 4) // 5)))
    if title:
        axes[0].set_title(title)
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
    plt = pyplot()
    from matplotlib.colors import ListedColormap
    check_float("floor", floor, gt=0)
    S = _np(speed, "speed", 2)
    rep = check_labels("reported", reported, ndim=2)
    labels = check_labels("labels", labels)
    if rep.shape != S.shape or len(labels) != S.shape[0]:
        raise ValueError(f"reported must have the shape of speed {S.shape} and labels one entry per row, "
                         f"got {rep.shape} and {labels.shape}")
    levels = _check_levels(levels)
    check_axes("axes", axes, 2)
    check_str("title", title, none_ok=True)
    if axes is None:
        _, axes = plt.subplots(2, 1, figsize=figsize(0.7, 4.6), sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    K, T = S.shape
    t = np.arange(1, T + 1)
    for k in range(K):
        axes[0].plot(t, np.log10(np.maximum(S[k], floor)), color=class_color(labels[k]), lw=1)
    for i, (name, value) in enumerate(levels.items()):
        axes[0].axhline(value, color="k", lw=1, ls=["--", ":", "-."][i % 3], label=name)
    if levels:
        axes[0].legend(loc="lower left")
    axes[0].set(xscale="log", ylabel=r"$\log_{10} S$")
    cmap = ListedColormap(["k", *CLASS_COLORS])
    edges = np.concatenate([[0.5], np.sqrt(t[:-1] * t[1:]), [T + 0.5]])  # cells centred on each step in log t
    axes[1].pcolormesh(edges, np.arange(K + 1), rep, cmap=cmap, vmin=-0.5, vmax=len(CLASS_COLORS) + 0.5)
    axes[1].set_yticks(np.arange(K) + 0.5, [f"{int(k) - 1}" for k in labels], fontsize=7)
    axes[1].set(xscale="log", xlabel="steps with the mean input", ylabel="reported digit\n(row: start)")
    axes[1].set_xlim(1, T)
    if title:
        axes[0].set_title(title)
    return axes


def plot_formation(points: dict, steps, lim=None, axes=None, xlabel: str = "PC 1", ylabel: str = "PC 2",
                   ncols: int | None = None):
    """Class slow points of training checkpoints in a shared projection: a block of rows per network, one panel
    per step (chapter 3).

    Parameters
    ----------
    points : {row_name: {step: (xy (K, 2), labels (K,)) or None}}; None (no class
        reported correctly yet) leaves the panel empty
    steps : the steps to show, one panel each, in reading order
    lim : ((x0, x1), (y0, y1)) shared axis limits, optional (default: all points shown)
    axes : (len(points) * ceil(len(steps) / ncols), ncols) array of matplotlib axes, optional
    ncols : panels per row, 1..20, at most len(steps) (default: up to 5): each network's steps wrap onto
        ``ceil(len(steps) / ncols)`` rows, so that the figure fits the book's column. The digit legend takes
        the first network's last free panel, or goes below the panels when none is free.

    Returns the figure.
    """
    plt = pyplot()
    check_dict("points", points, "{row_name: {step: (xy, labels) or None}}")
    if isinstance(steps, (str, bytes)) or not hasattr(steps, "__iter__"):
        raise TypeError(f"steps must be a sequence of training steps, got {type(steps).__name__}")
    steps = [check_count("steps", s, 0) for s in steps]
    if not steps:
        raise ValueError("steps must name at least one training step")
    for row, by_step in points.items():
        if not isinstance(by_step, dict):
            raise TypeError(f"points[{row!r}] must be a dict {{step: (xy, labels) or None}}, "
                            f"got {type(by_step).__name__}")
        missing = [s for s in steps if s not in by_step]
        if missing:
            raise ValueError(f"points[{row!r}] has no entry for steps {missing}")
    if lim is not None:
        if isinstance(lim, (str, bytes)) or not hasattr(lim, "__len__"):
            raise TypeError(f"lim must be ((x0, x1), (y0, y1)) or None, got {type(lim).__name__}")
        if len(lim) != 2:
            raise ValueError(f"lim must be ((x0, x1), (y0, y1)) or None, got {len(lim)} entries")
        lim = (check_pair("lim", lim[0]), check_pair("lim", lim[1]))
    nc = min(len(steps), 5) if ncols is None else check_count("ncols", ncols, 1, 20)
    if nc > len(steps):
        raise ValueError(f"ncols must be at most the number of steps ({len(steps)}), got {nc}")
    nr = -(-len(steps) // nc)                                 # rows per network
    check_axes("axes", axes, len(points) * nr * nc)
    check_str("xlabel", xlabel)
    check_str("ylabel", ylabel)
    if axes is None:                                          # a thin empty row between the networks' blocks
        side = (COLUMN_INCHES - 0.8) / nc
        fig = plt.figure(figsize=(COLUMN_INCHES, len(points) * (nr * (side + 0.3) + 0.2) + 0.1))
        ratios = ([1.0] * nr + [0.02]) * len(points)
        gs = fig.add_gridspec(len(ratios) - 1, nc, height_ratios=ratios[:-1], hspace=0.45)
        axes = np.empty((len(points) * nr, nc), dtype=object)
        for i in range(len(points)):
            for r in range(nr):
                for c in range(nc):
                    first = axes[0, 0] if i or r or c else None
                    axes[i * nr + r, c] = fig.add_subplot(gs[i * (nr + 1) + r, c], sharex=first, sharey=first)
    else:
        axes = np.asarray(axes, dtype=object)
        axes = axes.reshape(-1, nc) if axes.ndim == 1 else axes     # check_axes counted them
        if axes.shape != (len(points) * nr, nc):
            raise ValueError(f"axes must be a (networks * rows, ncols) = {(len(points) * nr, nc)} array of matplotlib "
                             f"Axes, got shape {axes.shape}")
        fig = axes.flat[0].figure
    if lim is None:
        shown = [_np(v[0], f"points[{row!r}][{s!r}] xy", 2, 2) for row, r in points.items() for s, v in r.items()
                 if v is not None and s in steps]
        if not shown:
            raise ValueError("points must give a panel of the steps shown some slow points, or lim the axis limits")
        xy = np.concatenate(shown)
        pad = 0.05 * (xy.max(0) - xy.min(0))
        lim = tuple(zip(xy.min(0) - pad, xy.max(0) + pad))
    all_labels = set()
    for i, (row, by_step) in enumerate(points.items()):
        for j, s in enumerate(steps):
            r, c = i * nr + j // nc, j % nc
            ax = axes[r, c]
            v = by_step[s]
            if v is not None:
                xy = _np(v[0], f"points[{row!r}][{s!r}] xy", 2, 2)
                lab = check_labels(f"points[{row!r}][{s!r}] labels", v[1], len(xy))
                for p, k in zip(xy, lab):
                    ax.plot(p[0], p[1], "o", color=class_color(k), mec="k", mew=0.4, ms=6)
                    all_labels.add(int(k))
            else:
                ax.text(0.5, 0.5, "no class\nlearned", ha="center", va="center", fontsize=7, color=REFERENCE_GREY,
                        transform=ax.transAxes)
            ax.set(xlim=lim[0], ylim=lim[1], xticks=[], yticks=[])
            ax.set_title(f"step {s}")
            if c == 0:
                ax.set_ylabel(f"{row}\n{ylabel}")
            if i == len(points) - 1 and j >= (nr - 1) * nc:    # the bottom row
                ax.set_xlabel(xlabel)
        for j in range(len(steps), nr * nc):                  # the free panels of this network's block
            axes[i * nr + j // nc, j % nc].set_axis_off()
    if all_labels:
        free = len(steps) < nr * nc
        if free:
            _digit_legend(axes[nr - 1, nc - 1], all_labels, loc="center", ncol=2, handletextpad=0.1,
                          columnspacing=0.6, frameon=False)
        else:
            fig.legend(handles=_digit_handles(all_labels), title="digit", loc="upper center",
                       bbox_to_anchor=(0.5, 0.0), ncol=10, frameon=False, handletextpad=0.1, columnspacing=0.8)
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
    plt = pyplot()
    steps = _np(steps, "steps", 1)
    D = _np(displacement, "displacement", 2, nan_ok=True)
    labels = check_labels("labels", labels)
    if D.shape != (len(steps), len(labels)):
        raise ValueError(f"displacement must have shape (len(steps), len(labels)) = {(len(steps), len(labels))}, "
                         f"got {D.shape}")
    events = [] if events is None else _np(events, "events", 1)
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    check_str("event_label", event_label)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(1.0, 3.0))
    for j, k in enumerate(labels):
        ax.plot(steps, D[:, j], ".-", color=class_color(k), lw=0.8, ms=4, alpha=0.8)
    with np.errstate(all="ignore"):
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(D, axis=1)
    ax.plot(steps, med, "k-", lw=2, label="median over classes")
    for i, e in enumerate(events):
        ax.axvline(e, color=REFERENCE_GREY, lw=0.8, ls="--", label=event_label if i == 0 else None)
    ax.set(xlabel="training step (end of interval)", ylabel="distance moved since\nprevious checkpoint")
    ax.legend(loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_against(x: dict, y: dict, ax=None, xlabel: str = "", ylabel: str = "", logx: bool = False,
                 logy: bool = False, title: str | None = None):
    """One point per network, ``y`` against ``x``, coloured by protocol, marker by architecture (chapters 3, 4).

    Parameters
    ----------
    x, y : dicts ``{(arch, protocol, seed): float}`` with the same keys (e.g. a speed and the memory lifetime)

    Returns the axes.
    """
    plt = pyplot()
    for name, values in (("x", x), ("y", y)):
        if not isinstance(values, dict):
            raise TypeError(f"{name} must be a dict {{(arch, protocol, seed): value}}, got {type(values).__name__}")
    if set(x) != set(y) or not x:
        raise ValueError("x and y must be non-empty dicts {(arch, protocol, seed): value} with the same keys")
    for name, values in (("x", x), ("y", y)):
        for key, v in values.items():
            if not isinstance(key, tuple) or len(key) < 2 or not all(isinstance(k, str) for k in key[:2]):
                raise TypeError(f"{name} must have (arch, protocol, seed) keys, got {key!r}")
            check_float(f"{name}[{key!r}]", v, finite=False)
    check_ax("ax", ax)
    check_str("xlabel", xlabel)
    check_str("ylabel", ylabel)
    check_bool("logx", logx)
    check_bool("logy", logy)
    check_str("title", title, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.62, 3.4))
    seen = set()
    for key in sorted(x):
        arch, proto = key[0], key[1]
        lab = f"{arch.upper()} {PROTOCOL_LABELS.get(proto, proto)}"
        ax.plot(float(x[key]), float(y[key]), ARCH_MARKERS.get(arch, "o"), color=PROTOCOL_COLORS.get(proto), mec="k",
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
        ax.set_title(title)
    return ax


def plot_search_speeds(speeds: dict, ax=None, start_label: str = "class mean (start)",
                       end_label: str = "after the search", title: str = "speed of each digit's point (colour: digit)"):
    """``log10 S`` of each class's point where a search started and where it ended, one column per network (chapter 3).

    Parameters
    ----------
    speeds : ``{network: (start (K,), end (K,), labels (K,))}``, log10 speeds and the classes (1..10)
    ax : matplotlib axes, optional
    start_label, end_label : legend entries of the circles (starts) and stars (ends)

    Returns the axes.
    """
    plt = pyplot()
    check_dict("speeds", speeds, "{network: (start, end, labels)}")
    if not all(isinstance(v, (tuple, list)) and len(v) == 3 for v in speeds.values()):
        raise ValueError("speeds must be a non-empty dict {network: (start, end, labels)}")
    rows = []
    for name, (start, end, labels) in speeds.items():
        start = as_array(f"speeds[{name!r}] start", start, 1)
        end = as_array(f"speeds[{name!r}] end", end, 1)
        labels = check_labels(f"speeds[{name!r}] labels", labels)
        if not len(start) == len(end) == len(labels):
            raise ValueError(f"speeds[{name!r}] must be (start, end, labels) of one length, got "
                             f"{len(start)}, {len(end)} and {len(labels)}")
        rows.append((start, end, labels))
    check_ax("ax", ax)
    for name, text in (("start_label", start_label), ("end_label", end_label), ("title", title)):
        check_str(name, text)
    if ax is None:
        _fig, ax = plt.subplots(figsize=figsize(1.0, 3.0))
    for j, (start, end, labels) in enumerate(rows):
        colors = [class_color(k) for k in labels.tolist()]
        ax.scatter(np.full(len(colors), j - 0.12), start, c=colors, marker="o", s=20)
        ax.scatter(np.full(len(colors), j + 0.12), end, c=colors, marker="*", s=80)
    ax.scatter([], [], c="k", marker="o", s=20, label=start_label)
    ax.scatter([], [], c="k", marker="*", s=80, label=end_label)
    ax.set(xticks=range(len(speeds)), xticklabels=list(speeds), xlim=(-0.5, len(speeds) - 0.5),
           ylabel=r"$\log_{10} S$", title=title)
    ax.legend()
    ax.figure.tight_layout()
    return ax


def plot_points_pca(model, x, x_labels, points, starts=None, ax=None, title: str | None = None):
    """Trajectories of ``model`` and its class slow points in the first two principal components of ``h``
    (chapter 3).

    The components are fitted to the hidden states of all trials (for an LSTM, the ``h`` part); the title
    gets the fraction of variance they explain.

    Parameters
    ----------
    model : RNNClassifier
    x : (B, T, D) trials, e.g. ``task.sample_probe(...).x``
    x_labels : (B,) their classes (1..10)
    points : SlowPoints with labels
    starts : State where each search started, optional
    ax : matplotlib axes, optional
    title : text before the variance note

    Returns the axes.
    """
    import torch
    from sklearn.decomposition import PCA

    from ..models import State

    check_model(model)
    _check_points(points, none_ok=False)
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(_np(x, "x", 3), dtype=next(model.parameters()).dtype)
    _np(x, "x", 3, model.input_size)
    if not len(x) or not x.shape[1]:
        raise ValueError(f"x must hold at least one trial of one step, got shape {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"x must be a float tensor, got {x.dtype}")
    x_labels = check_labels("x_labels", x_labels, len(x))
    if starts is not None and not isinstance(starts, State):
        raise TypeError(f"starts must be a mem.models.State or None, got {type(starts).__name__}")
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    with torch.no_grad():
        h = model(x).h                                  # (B, T, H)
    pca = PCA(2).fit(h.reshape(-1, h.shape[-1]).numpy())
    traj = pca.transform(np.asarray(h.reshape(-1, h.shape[-1]), dtype=np.float32)).reshape(len(h), -1, 2)
    return plot_state_space(traj, x_labels, pca.transform(np.asarray(points.h, dtype=np.float32)), points.labels,
                            starts=None if starts is None else pca.transform(np.asarray(starts.h, dtype=np.float32)),
                            ax=ax, title=f"{title} (PCA of h, {pca.explained_variance_ratio_.sum():.0%} of variance)")


def plot_ghost_passage(dwell: dict, ax=None, n_steps: int = 100):
    """``h_1`` over time in the toy network with bias ``(b, 0)`` from ``h_1 = -1``, one line per bias (chapter 3).

    Parameters
    ----------
    dwell : ``{bias: steps near the ghost}``, e.g. :func:`mem.drift.ghost_dwell` (the legend shows them)
    ax : matplotlib axes, optional
    n_steps : length of each passage (:func:`mem.drift.ghost_passage`), 1..100000

    Returns the axes.
    """
    from ..drift import ghost_passage

    plt = pyplot()
    check_dict("dwell", dwell, "{bias: steps}")
    for b in dwell:
        check_float("dwell", b)
    check_ax("ax", ax)
    check_count("n_steps", n_steps, 1, 100_000)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.6, 3.4))
    cmap = plt.get_cmap(BIAS_CMAP)
    for i, (b, k) in enumerate(dwell.items()):
        color = cmap(0.6 * i / max(len(dwell) - 1, 1))         # in the order given: the first darkest
        ax.plot(ghost_passage(b, n_steps=n_steps), color=color, label=f"b = {b}: {k}")
    ax.set(xlabel="step", ylabel="$h_1$", title="leaving $h_1 = -1$ past the ghost")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False, title="bias: steps near the ghost",
              handlelength=1.5, columnspacing=1.0)
    return ax


def plot_against_panels(measures: dict, y: dict, titles: dict | None = None, ylabel: str = "", logy: bool = False):
    """:func:`plot_against` for several measures side by side, against the same ``y`` (chapters 3, 4).

    Parameters
    ----------
    measures : ``{name: {(arch, protocol, seed): float}}``, one panel each, the name as its x label
    y : ``{(arch, protocol, seed): float}``, e.g. the memory lifetime
    titles : ``{name: title}``, optional

    Returns the figure.
    """
    plt = pyplot()
    check_dict("measures", measures, "{name: dict}")
    for name, m in measures.items():
        check_str("measures", name)
        check_dict(f"measures[{name!r}]", m, "{(arch, protocol, seed): value}")
    check_dict("y", y, "{(arch, protocol, seed): value}")
    check_lookup("titles", titles, "{name: title}")
    check_str("ylabel", ylabel)
    check_bool("logy", logy)
    n = len(measures)
    nc = min(n, 2)
    nr = -(-n // nc)
    fig, axes = plt.subplots(nr, nc, figsize=figsize(1.0 if nc > 1 else 0.62, 2.6 * nr + 0.5), sharey=True,
                             squeeze=False)
    for j, (ax, (name, m)) in enumerate(zip(axes.flat, measures.items())):
        plot_against(m, y, ax=ax, xlabel=name, ylabel="" if j % nc else ylabel, logy=logy,
                     title=(titles or {}).get(name))
    for ax in axes.flat[n:]:
        fig.delaxes(ax)
    fig.tight_layout()
    fig.legend(*axes.flat[0].get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3,
               frameon=False)
    return fig


#: The x label of each panel of :func:`plot_budget_panels`, one per measure of :func:`mem.searches.budget_comparison`.
_BUDGET_AXES = {"adam": r"median $\log_{10} S$, Adam 2000",
                "paper": r"median $\log_{10} S$, authors' budget",
                "newton": r"median $\log_{10} S$, Newton 200",
                "lam_adam": r"median $\log|\lambda|_\mathrm{max}$, Adam 2000"}


def plot_budget_panels(comparison: dict, ylabel: str = "memory lifetime (steps)"):
    """The memory lifetime against each measure of :func:`mem.searches.budget_comparison`, one panel per measure
    (the median speed after each search and the slowest mode's growth rate), titled with its Spearman correlation
    over all networks (chapter 3).

    Parameters
    ----------
    comparison : dict
        What :func:`mem.searches.budget_comparison` returns (its ``values``, ``life``, ``rho`` and ``keys`` are
        drawn), for the measures ``adam``, ``paper``, ``newton`` and ``lam_adam``.
    ylabel : str
        The label of the (logarithmic) y axis.

    Returns
    -------
    matplotlib Figure
        The figure (:func:`plot_against_panels`).
    """
    if not isinstance(comparison, dict):
        raise TypeError(f"comparison must be the dict of mem.searches.budget_comparison, got "
                        f"{type(comparison).__name__}")
    keys = ("values", "life", "rho", "keys")
    if not set(keys) <= set(comparison) or not all(isinstance(comparison[k], dict) for k in keys[:3]) \
            or not set(_BUDGET_AXES) <= set(comparison["values"]) & set(comparison["rho"]):
        raise ValueError(f"comparison must be the dict of mem.searches.budget_comparison ({', '.join(keys)}, for "
                         f"the measures {list(_BUDGET_AXES)}), got the keys {sorted(map(str, comparison))}")
    check_str("ylabel", ylabel)
    n, rho = len(comparison["keys"]), comparison["rho"]
    return plot_against_panels({_BUDGET_AXES[m]: comparison["values"][m] for m in _BUDGET_AXES}, comparison["life"],
                               ylabel=ylabel, logy=True,
                               titles={_BUDGET_AXES[m]: f"Spearman {rho[m]['all'].r:+.2f} (n = {n})"
                                       for m in _BUDGET_AXES})


def plot_search_budgets(result: dict, labels, title: str | None = None):
    """``log10 S`` per class and the median distance from the start, against the search budget (chapter 3).

    Parameters
    ----------
    result : the output of :func:`mem.searches.search_budgets` (``budgets`` (B,), ``log_speed`` (B, K),
        ``median_log_speed`` (B,), ``moved`` (B,))
    labels : (K,) classes (1..10), for the colours
    title : figure title

    Returns the figure.
    """
    plt = pyplot()
    if not isinstance(result, dict):
        raise TypeError(f"result must be the dict of mem.searches.search_budgets, got {type(result).__name__}")
    if not {"budgets", "log_speed", "median_log_speed", "moved"} <= set(result):
        raise ValueError("result must be the dict of mem.searches.search_budgets (budgets, log_speed, "
                         f"median_log_speed, moved), got the keys {sorted(result)}")
    budgets = result["budgets"]
    B = len(as_array("result['budgets']", budgets, 1, finite=True))
    labels = check_labels("labels", labels)
    if as_array("result['log_speed']", result["log_speed"], 2).shape != (B, len(labels)):
        raise ValueError(f"result['log_speed'] must have shape (budgets, labels) = {(B, len(labels))}, "
                         f"got {np.shape(result['log_speed'])}")
    for key in ("median_log_speed", "moved"):
        if len(as_array(f"result[{key!r}]", result[key], 1)) != B:
            raise ValueError(f"result[{key!r}] must have one value per budget ({B})")
    check_str("title", title, none_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=figsize(1.0, 2.9))
    for j, lab in enumerate(labels.tolist()):
        axes[0].plot(budgets, result["log_speed"][:, j], "-", color=class_color(lab), lw=0.8)
    axes[0].plot(budgets, result["median_log_speed"], "k-o", lw=2, label="median over the digits")
    axes[1].plot(budgets, result["moved"], "k-o", lw=2)
    for ax, ylabel in zip(axes, (r"$\log_{10} S$ (thin: one line per digit)", "median distance from the class mean")):
        ax.set(xscale="log", xlabel="Adam steps", ylabel=ylabel)
        ax.set_xticks(budgets, [str(B) for B in budgets])
        ax.minorticks_off()
    axes[0].legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_eigenvalue_panels(points: dict, n_top: int = 10):
    """:func:`plot_eigenvalues` for several sets of slow points side by side, one column each (chapter 3).

    Parameters
    ----------
    points : ``{title: SlowPoints}`` with labels and Jacobians (e.g. one network each)
    n_top : how many of the largest moduli to show

    Returns the figure.
    """
    plt = pyplot()
    check_dict("points", points, "{title: SlowPoints}")
    for p in points.values():
        _check_points(p, none_ok=False)
    positive_ints(n_top=n_top)
    n = len(points)
    fig, axes = plt.subplots(2, n, figsize=figsize(min(1.0, 0.2 + 0.27 * n), 4.8), squeeze=False, sharey="row",
                             gridspec_kw={"height_ratios": [1.2, 1]})
    for j, (title, p) in enumerate(points.items()):
        plot_eigenvalues(p.eigenvalues(), p.labels, axes=axes[:, j], n_top=n_top, title=title)
        if j:
            axes[0, j].set_ylabel("")
            axes[1, j].set_ylabel("")
    fig.tight_layout()
    return fig


def plot_drift_panels(drifts: dict, levels: dict | None = None):
    """:func:`plot_drift` for several drifts side by side, one column each (chapter 3).

    Parameters
    ----------
    drifts : ``{title: Drift}`` (:func:`mem.drift.drift`), each with the labels of its starts in ``end.labels``
    levels : ``{title: {name: log10 S}}``, reference lines per panel, optional

    Returns the figure.
    """
    plt = pyplot()
    from ..drift import Drift
    check_dict("drifts", drifts, "{title: Drift}")
    wrong = sorted({type(d).__name__ for d in drifts.values() if not isinstance(d, Drift)})
    if wrong:
        raise TypeError(f"drifts must be a dict {{title: mem.drift.Drift}}, got values of type {wrong}")
    levels = check_lookup("levels", levels, "{title: {name: log10 S}}")
    for title in levels:
        _check_levels(levels[title], f"levels[{title!r}]")
    n = len(drifts)
    fig, axes = plt.subplots(2, n, figsize=figsize(min(1.0, 0.2 + 0.27 * n), 4.4), sharex=True, squeeze=False,
                             gridspec_kw={"height_ratios": [2, 1]})
    for j, (title, d) in enumerate(drifts.items()):
        plot_drift(d.S, d.reported, d.end.labels, levels=levels.get(title), axes=axes[:, j], title=title)
    lo, hi = min(ax.get_ylim()[0] for ax in axes[0]), max(ax.get_ylim()[1] for ax in axes[0])
    rows = [t.get_text() for t in axes[1, 0].get_yticklabels()]
    handles = {}
    for j, ax in enumerate(axes[0]):
        ax.set_ylim(lo, hi)                                   # one speed scale for all panels
        if ax.get_legend() is not None:
            handles.update(zip(ax.get_legend_handles_labels()[1], ax.get_legend_handles_labels()[0]))
            ax.get_legend().remove()
        if j:
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
            axes[1, j].set_ylabel("")
            if [t.get_text() for t in axes[1, j].get_yticklabels()] == rows:   # the same starts: labelled once
                axes[1, j].tick_params(labelleft=False)
    fig.tight_layout()
    if handles:
        fig.legend(list(handles.values()), list(handles), loc="upper center", bbox_to_anchor=(0.5, 0.0),
                   ncol=min(len(handles), 3), frameon=False)
    return fig


def plot_displacement_panels(panels: dict, labels):
    """:func:`plot_displacement` for several networks, one row each, sharing the axes (chapter 3).

    Parameters
    ----------
    panels : ``{title: (steps (M,), displacement (M, K), events)}``, e.g. from
        :func:`mem.formation.formation_displacement` and :func:`mem.protocols.stage_starts`
    labels : (K,) the classes (columns of each displacement)

    Returns the figure.
    """
    plt = pyplot()
    check_dict("panels", panels, "{title: (steps, displacement, events)}")
    if not all(isinstance(v, (tuple, list)) and len(v) == 3 for v in panels.values()):
        raise ValueError("panels must be a dict {title: (steps, displacement, events)}")
    check_labels("labels", labels)
    fig, axes = plt.subplots(len(panels), 1, figsize=figsize(1.0, 2.3 * len(panels) + 0.3), sharex=True, sharey=True,
                             squeeze=False)
    for ax, (title, (steps, D, events)) in zip(axes[:, 0], panels.items()):
        plot_displacement(steps, D, labels=labels, events=events, ax=ax, title=title)
    for ax in axes[:-1, 0]:
        ax.set_xlabel("")
    fig.tight_layout()
    return fig


def plot_ghost(model, points, dwell: dict, title: str | None = None):
    """A toy network's speed landscape next to the passages past its ghost (chapter 3).

    Parameters
    ----------
    model : the 2-unit toy network (:func:`mem.models.toy_rnn` with a bias), for :func:`plot_speed_landscape`
    points : SlowPoints found in it, drawn on the landscape
    dwell : ``{bias: steps near the ghost}`` for :func:`plot_ghost_passage`
    title : title of the landscape

    Returns the figure.
    """
    plt = pyplot()
    check_dict("dwell", dwell, "{bias: steps}")
    _check_points(points)
    check_str("title", title, none_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=figsize(1.0, 3.7), gridspec_kw={"width_ratios": [1.2, 1]})
    plot_speed_landscape(model, points=points, ax=axes[0], title=title)
    plot_ghost_passage(dwell, ax=axes[1])
    fig.tight_layout()
    return fig


def plot_points_pca_panels(panels: dict, x, x_labels):
    """:func:`plot_points_pca` for several networks side by side, on the same trials (chapter 3).

    Parameters
    ----------
    panels : ``{title: (model, points, starts)}``, ``starts`` a State or None
    x : (B, T, D) trials
    x_labels : (B,) their classes (1..10)

    Returns the figure.
    """
    plt = pyplot()
    check_dict("panels", panels, "{title: (model, points, starts)}")
    if not all(isinstance(v, (tuple, list)) and len(v) == 3 for v in panels.values()):
        raise ValueError("panels must be a dict {title: (model, points, starts)}")
    n = len(panels)
    nc = min(n, 2)
    nr = -(-n // nc)
    fig, axes = plt.subplots(nr, nc, figsize=figsize(1.0 if nc > 1 else 0.7, 3.2 * nr + 0.2), squeeze=False)
    for ax, (title, (model, points, starts)) in zip(axes.flat, panels.items()):
        plot_points_pca(model, x, x_labels, points, starts=starts, ax=ax, title=title)
        ax.set_title(ax.get_title().replace(", ", ",\n", 1))   # "title (PCA of h,\n..% of variance)"
        if n > 1:
            ax.get_legend().remove()                         # one digit legend for all panels
    for ax in axes.flat[n:]:
        ax.set_axis_off()
    fig.tight_layout()
    if n > 1:
        kw = dict(handles=_digit_handles(check_labels("x_labels", x_labels)), title="digit", frameon=False)
        if n < nr * nc:
            from matplotlib.lines import Line2D
            free = axes.flat[-1]
            free.add_artist(free.legend(loc="upper center", ncol=2, **kw))
            free.legend(handles=[Line2D([], [], ls="none", marker="*", ms=12, color="w", mec="k", label="slow point"),
                                 Line2D([], [], ls="none", marker="o", ms=5, mfc="w", mec="k", mew=1.5,
                                        label="class mean (start)")], loc="lower center", frameon=False)
        else:
            fig.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=10, **kw)
    return fig


def _states_of(a, name: str, n: int | None = None):
    """A SlowPoints', tensor's or array's states as a 2-D float64 numpy array (rows: points)."""
    from ..slowpoints import SlowPoints

    if isinstance(a, SlowPoints):
        a = a.states
    if not hasattr(a, "detach") and not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be SlowPoints, a tensor or an array, got {type(a).__name__}")
    return _np(a, name, ndim=2, last=n).astype(np.float64)


def plot_fixed_points_pca(traj, memories, labels, saddles=None, directions=None, length: float = 0.3,
                          ax=None, title: str | None = None):
    """A network's fixed points in the first two principal components of its trajectories, with each
    saddle's unstable direction (chapter 3).

    Parameters
    ----------
    traj : (B, T, n) states along B trials (drawn as thin grey lines) or (M, n) states (grey dots),
        tensor or array; the principal components are fitted to them
    memories : (K, n) stable fixed points: SlowPoints, tensor or array; filled circles, one colour each
    labels : K strings written next to the memories (e.g. the bit pattern the read-out gives)
    saddles : (S, n) saddles, optional: SlowPoints, tensor or array; black crosses
    directions : (S, n) each saddle's unstable direction, optional (needs ``saddles``), e.g.
        ``saddles.eig()[1][:, :, 0].real``; drawn as a segment ``saddle +- length * d / |d|``
    length : half-length of those segments, in state units
    ax : matplotlib axes, optional;  title : text before the variance note

    Returns the axes.
    """
    from sklearn.decomposition import PCA

    if not hasattr(traj, "detach") and not isinstance(traj, np.ndarray):
        raise TypeError(f"traj must be a tensor or an array, got {type(traj).__name__}")
    T = _np(traj, "traj").astype(np.float64)
    if T.ndim not in (2, 3) or T.shape[-1] < 2 or not T.size:
        raise ValueError(f"traj must have shape (B, T, n) or (M, n) with n >= 2 and at least one state, got {T.shape}")
    n = T.shape[-1]
    M = _states_of(memories, "memories", n)
    if not len(M):
        raise ValueError("memories must hold at least one fixed point")
    labels = check_names("labels", labels)
    if len(labels) != len(M):
        raise ValueError(f"labels must have one entry per memory ({len(M)}), got {len(labels)}")
    S = None if saddles is None else _states_of(saddles, "saddles", n)
    D = None
    if directions is not None:
        if S is None:
            raise ValueError("directions needs saddles")
        D = _states_of(directions, "directions", n)
        if len(D) != len(S):
            raise ValueError(f"directions must have one row per saddle ({len(S)} rows of saddles), got {len(D)}")
        if not np.linalg.norm(D, axis=1).all():
            raise ValueError("directions must not hold a zero vector")
    if S is not None and not len(S):
        S = None                                        # no saddle found: nothing to draw
    check_float("length", length, gt=0)
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.85, 4.8))
    pca = PCA(2).fit(T.reshape(-1, n))
    P = pca.transform(T.reshape(-1, n))
    if T.ndim == 3:
        for tr in P.reshape(T.shape[0], T.shape[1], 2):
            ax.plot(tr[:, 0], tr[:, 1], color=BACKGROUND_GREY, lw=0.5, zorder=1)
    else:
        ax.scatter(P[:, 0], P[:, 1], s=2, color=BACKGROUND_GREY, zorder=1)
    m = pca.transform(M)
    for k, (xy, lab) in enumerate(zip(m, labels)):
        ax.scatter(*xy, s=60, color=class_color(k + 1), edgecolor="k", zorder=3)
        ax.annotate(str(lab), xy, xytext=(6, 6), textcoords="offset points")
    if S is not None:
        s2 = pca.transform(S)
        if D is not None:
            U = D / np.linalg.norm(D, axis=1, keepdims=True)
            ends = pca.transform(np.concatenate([S + length * U, S - length * U]))
            for k in range(len(S)):
                ax.plot([ends[k, 0], ends[len(S) + k, 0]], [ends[k, 1], ends[len(S) + k, 1]], color="k", lw=1,
                        zorder=2)
        ax.scatter(s2[:, 0], s2[:, 1], marker="x", s=40, color="k", zorder=4, label="saddle")
        ax.legend(loc="best")
    ax.set_xlabel("PC 1")
    ax.set_ylabel("PC 2")
    note = f"PCA of the trajectories, {pca.explained_variance_ratio_.sum():.0%} of variance"
    ax.set_title(f"{title} ({note})" if title else note)
    return ax
