"""Figures of chapter 2, training protocols: schedules, training histories, accuracy against delay,
one number per network.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`. A figure a function makes is at most one column of the
book wide (:func:`~mem.plots.style.figsize`), with its text at the sizes of
:data:`~mem.plots.style.RC` (nothing below 7 pt), so that it is legible as the page shows it.
"""
from __future__ import annotations

import math

import numpy as np

from .._checks import check_bool, check_dict, check_float, check_int, check_names, check_str
from ._validate import check_ax, check_axes, check_color, check_curves, check_history, check_lookup
from .style import GUIDE_COLORS, PROTOCOL_COLORS, PROTOCOL_LABELS, RC, SEED_MARKERS, figsize, pyplot

__all__ = ["plot_by_protocol", "plot_curriculum_run", "plot_delay_curves", "plot_delay_curves_by_arch",
           "plot_histories", "plot_history", "plot_lifetime", "plot_lifetime_strip", "plot_lifetimes", "plot_schedule",
           "plot_schedules"]


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
    check_axes("axes", axes, 2)
    check_str("label", label, none_ok=True)
    schedule = protocol.schedule()
    label = protocol.name if label is None else label
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=figsize(1.0, aspect=0.38), layout="constrained")
    color = kw.pop("color", PROTOCOL_COLORS.get(label))
    axes[0].step(schedule["step"], schedule["T_max"], where="post", label=label, color=color, **kw)
    axes[1].step(schedule["step"], schedule["n_classes"] - 1, where="post", label=label, color=color, **kw)
    axes[0].set(xlabel="training step", ylabel="trial length $T_\\mathrm{max}$", ylim=(0, None))
    axes[1].set(xlabel="training step", ylabel="digits in the task", ylim=(0, 10.5))
    return axes


def plot_history(history, axes=None, label: str | None = None, window: int = 50, **kw):
    """Smoothed training loss (log scale) and report accuracy against step. Returns the two axes (chapter 2).

    ``history`` is a :class:`mem.train.History`; ``axes`` two matplotlib axes, optional; ``label`` the legend
    label (and the protocol whose colour it takes).
    """
    plt = pyplot()
    check_history("history", history)
    check_axes("axes", axes, 2)
    check_str("label", label, none_ok=True)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=figsize(1.0, aspect=0.4), layout="constrained")
    color = kw.pop("color", PROTOCOL_COLORS.get(label))
    axes[0].plot(history.smoothed("loss", window), label=label, color=color, **kw)
    axes[1].plot(history.smoothed("accuracy", window), label=label, color=color, **kw)
    axes[0].set(xlabel="training step", ylabel="loss", yscale="log")
    axes[1].set(xlabel="training step", ylabel=f"accuracy ({window}-step mean)", ylim=(0, 1.02))
    return axes


def plot_delay_curves(curves: dict, ax=None, colors: dict | None = None, styles: dict | None = None,
                      trained_delay: int | None = 19):
    """Accuracy against delay (log axis) for ``{label: DelayCurve}`` (chapter 2).

    Chance is drawn as a line, and each point carries a binomial error bar. ``colors`` and ``styles`` map
    labels to colours and line styles; ``trained_delay`` (None or 0: none) is marked by a dashed line.
    """
    plt = pyplot()
    check_curves("curves", curves)
    check_ax("ax", ax)
    check_lookup("colors", colors, "{label: colour}")
    check_lookup("styles", styles, "{label: line style}")
    check_int("trained_delay", trained_delay, 0, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(0.8, aspect=0.62), layout="constrained")
    for label, c in curves.items():
        ax.errorbar(c.delays, c.accuracy, yerr=c.stderr(), label=label, capsize=2, marker="o", ms=3,
                    color=(colors or {}).get(label), ls=(styles or {}).get(label, "-"))
    chance = next(iter(curves.values())).chance
    ax.axhline(chance, color="k", lw=0.8, ls=":", label="chance")
    if trained_delay:
        ax.axvline(trained_delay, color=GUIDE_COLORS["guide"], lw=0.8, ls="--")
        # Above accuracy 1 (the axis runs to 1.1), so that the label never sits on a curve.
        ax.text(trained_delay, 1.09, " longest trained delay", fontsize=RC["legend.fontsize"],
                color=GUIDE_COLORS["text"], va="top")
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
    Each architecture (or any group: the first element of the keys, in the order of ``values``) gets a
    block of columns, one column per protocol in its colour (:data:`~mem.plots.style.PROTOCOL_COLORS`);
    seeds are points side by side with a different marker each, and a short bar marks their mean
    (geometric on a log axis; over the finite values). A new figure is one column wide, laid out
    by matplotlib's constrained layout (a legend added later outside the axes is fitted in).
    Returns the axes.
    """
    plt = pyplot()
    check_dict("values", values, "{(arch, protocol, seed): float}")
    if not all(isinstance(k, tuple) and len(k) == 3 for k in values):
        raise ValueError("values must be a non-empty dict {(arch, protocol, seed): float}")
    nan = [k for k, v in values.items() if math.isnan(check_float(f"values[{k!r}]", v, finite=False))]
    if nan:
        raise ValueError(f"values must not hold NaN, got it at {nan[:3]}")
    check_ax("ax", ax)
    check_str("ylabel", ylabel)
    check_bool("log", log)
    protocols = check_names("protocols", protocols)
    if not protocols:
        raise ValueError("protocols must name at least one protocol")
    check_float("outlasts", outlasts, none_ok=True)
    archs = list(dict.fromkeys(a for a, _, _ in values))
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(1.0, aspect=0.42), layout="constrained")
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
            drawn = [y for y in ys if np.isfinite(y) and y != outlasts]
            if len(drawn) > 1:
                mean = float(np.exp(np.mean(np.log(drawn)))) if log else float(np.mean(drawn))
                ax.plot([x0 - 0.32, x0 + 0.32], [mean, mean], color=PROTOCOL_COLORS.get(proto), lw=2, zorder=0,
                        solid_capstyle="butt", label=None)
        ax.text(i * (len(protocols) + 1) + (len(protocols) - 1) / 2, 1.0, arch.upper(), ha="center",
                va="bottom", fontweight="bold", transform=ax.get_xaxis_transform())
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels)
    ax.set_xlim(-0.6, ticks[-1] + 0.6)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    return ax


def _check_keyed(arg: str, values: dict, kind) -> list:
    """The ``(arch, protocol, seed)`` keys of ``values`` (whose values are ``kind``), or a clear error."""
    if not isinstance(values, dict):
        raise TypeError(f"{arg} must be a dict {{(arch, protocol, seed): {kind.__name__}}}, "
                        f"got {type(values).__name__}")
    if not values or not all(isinstance(k, tuple) and len(k) == 3 and isinstance(v, kind) for k, v in values.items()):
        raise ValueError(f"{arg} must be a non-empty dict {{(arch, protocol, seed): {kind.__name__}}}")
    return list(values)


def plot_schedules(protocols: dict, curriculum_end: float | None = None, title: str | None = None):
    """The schedules of several protocols on one pair of axes (chapter 2).

    Parameters
    ----------
    protocols : dict ``{name: Protocol}``; names pick colours and labels (:data:`~mem.plots.style.PROTOCOL_COLORS`,
        :data:`~mem.plots.style.PROTOCOL_LABELS`). NaCu is drawn broad and pale, since the others lie on it.
    curriculum_end : float, optional, step drawn as a dashed line (where the curricula end)
    title : str, optional, the figure's title

    Returns the two axes.
    """
    from ..protocols import Protocol
    plt = pyplot()
    check_dict("protocols", protocols, "{name: mem.protocols.Protocol}")
    if not all(isinstance(p, Protocol) for p in protocols.values()):
        raise TypeError("protocols must be a non-empty dict {name: mem.protocols.Protocol}")
    check_float("curriculum_end", curriculum_end, none_ok=True)
    check_str("title", title, none_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=figsize(1.0, aspect=0.38), layout="constrained")
    for name, proto in protocols.items():
        style = dict(lw=6, alpha=0.35) if name == "nacu" else dict(lw=1.8)
        plot_schedule(proto, axes, label=PROTOCOL_LABELS.get(name, name), color=PROTOCOL_COLORS.get(name), **style)
    if curriculum_end is not None:
        for ax in axes:
            ax.axvline(curriculum_end, color=GUIDE_COLORS["guide"], lw=0.8, ls="--")
    axes[0].set_ylim(0, 22)
    axes[1].legend(loc="lower right")
    if title:
        fig.suptitle(title)
    return axes


def plot_curriculum_run(history, protocol, title: str | None = None):
    """A run of an accuracy-triggered curriculum: loss, accuracy and the schedule it followed (chapter 2).

    Parameters
    ----------
    history : :class:`mem.train.History` of the run
    protocol : :class:`mem.protocols.AccuracyCurriculum` after training (its ``transitions``);
        grey lines mark the transitions, labelled with their steps, and a dotted line its ``threshold``
    title : str, optional

    Returns the (2, 2) axes: loss and accuracy above, trial length and digits below.
    """
    from ..protocols import AccuracyCurriculum
    plt = pyplot()
    if not isinstance(protocol, AccuracyCurriculum):
        raise TypeError(f"protocol must be a mem.protocols.AccuracyCurriculum, got {type(protocol).__name__}")
    check_history("history", history)
    check_str("title", title, none_ok=True)
    starts = [step for step, _ in protocol.transitions]
    T_max = [protocol.stages[i].T_max for _, i in protocol.transitions]
    color = PROTOCOL_COLORS["accuracy"]
    fig, axes = plt.subplots(2, 2, figsize=figsize(1.0, aspect=0.72), layout="constrained")
    plot_history(history, axes=axes[0], label=PROTOCOL_LABELS["accuracy"], color=color)
    plot_schedule(protocol, axes[1], color=color)
    axes[0, 1].axhline(protocol.threshold, color="k", lw=0.8, ls=":", label="threshold")
    for ax in axes.flat:
        for step in starts[1:]:
            ax.axvline(step, color=GUIDE_COLORS["transition"], lw=0.6, zorder=0)
    for step, T in zip(starts[1:], T_max[1:]):
        axes[1, 0].annotate(f"{step}", (step, T), xytext=(-2, 3), textcoords="offset points", ha="right",
                            fontsize=7)
    axes[0, 1].legend(loc="lower right")
    if title:
        fig.suptitle(title)
    return axes


def plot_histories(histories: dict, curriculum_end: float | None = None):
    """Learning curves of many networks: one row per architecture, coloured by protocol, a style per seed
    (chapter 2).

    Parameters
    ----------
    histories : dict ``{(arch, protocol, seed): History}``
    curriculum_end : float, optional, step drawn as a dashed line

    Returns the (n_archs, 2) axes: loss and accuracy of each architecture; the legend (the first
    architecture's curves) is the figure's, below the panels.
    """
    from ..train import History
    plt = pyplot()
    keys = _check_keyed("histories", histories, History)
    check_float("curriculum_end", curriculum_end, none_ok=True)
    archs = sorted({a for a, _, _ in keys})
    protocols = sorted({p for _, p, _ in keys}, key=lambda p: [*PROTOCOL_LABELS, p].index(p))
    seeds = sorted({s for _, _, s in keys})
    fig, axes = plt.subplots(len(archs), 2, figsize=figsize(1.0, height=0.6 + 2.1 * len(archs)), sharex=True,
                             squeeze=False, layout="constrained")
    for row, arch in zip(axes, archs):
        for proto in protocols:
            for k, seed in enumerate(seeds):
                if (arch, proto, seed) in histories:
                    plot_history(histories[arch, proto, seed], axes=row, color=PROTOCOL_COLORS.get(proto),
                                 label=f"{PROTOCOL_LABELS.get(proto, proto)} s{seed}",
                                 ls=["-", "--", ":", "-."][k % 4], lw=1.2)
        if curriculum_end is not None:
            for ax in row:
                ax.axvline(curriculum_end, color=GUIDE_COLORS["guide"], lw=0.8, ls="--")
        row[0].set_title(f"{arch.upper()}: training loss")
        row[1].set_title(f"{arch.upper()}: training accuracy")
    for ax in axes[:-1].flat:
        ax.set_xlabel("")
    handles, names = axes[0, 1].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=min(len(names), 6), frameon=False)
    return axes


def plot_delay_curves_by_arch(curves: dict):
    """Accuracy against delay of many networks: one panel per architecture, coloured by protocol, a line
    style per seed (chapter 2).

    Parameters
    ----------
    curves : dict ``{(arch, protocol, seed): DelayCurve}``; architectures (or any groups) in the order of the
        dict. With more than two seeds the legend names the protocols only (one entry per curve would
        cover them).

    Returns the axes, one per architecture.
    """
    from ..evaluate import DelayCurve
    plt = pyplot()
    keys = _check_keyed("curves", curves, DelayCurve)
    archs = list(dict.fromkeys(a for a, _, _ in keys))
    protocols = sorted({p for _, p, _ in keys}, key=lambda p: [*PROTOCOL_LABELS, p].index(p))
    seeds = sorted({s for _, _, s in keys})
    _, axes = plt.subplots(1, len(archs), figsize=figsize(1.0, aspect=0.5), sharey=True, squeeze=False,
                           layout="constrained")
    for ax, arch in zip(axes[0], archs):
        label = {(p, s): f"{PROTOCOL_LABELS.get(p, p)} s{s}" for p in protocols for s in seeds
                 if (arch, p, s) in curves}
        plot_delay_curves({label[p, s]: curves[arch, p, s] for p, s in label}, ax=ax,
                          colors={label[p, s]: PROTOCOL_COLORS.get(p) for p, s in label},
                          styles={label[p, s]: ["-", "--", ":", "-."][seeds.index(s) % 4] for p, s in label})
        ax.set_title(arch.upper())
    for ax in axes[0, 1:]:
        ax.set_ylabel("")
    if len(seeds) > 2:
        from matplotlib.lines import Line2D
        handles, names = axes[0, 0].get_legend_handles_labels()
        keep = [h for h, n in zip(handles, names) if n == "chance"]
        axes[0, 0].legend([*(Line2D([0], [0], color=PROTOCOL_COLORS.get(p), lw=1.5) for p in protocols), *keep],
                          [*(f"{PROTOCOL_LABELS.get(p, p)} (a line style per seed)" for p in protocols),
                           *("chance" for _ in keep)], loc="best")   # where it hides the fewest curves
    else:
        axes[0, 0].legend(loc="lower left")
    return axes[0]


def plot_lifetime(curve, label: str = "", color=None, ax=None):
    """How the memory lifetime is read off a delay curve: the first accuracy ``a0``, halfway from it to
    chance, and the delay where the curve crosses that level (chapter 2).

    Parameters
    ----------
    curve : :class:`mem.evaluate.DelayCurve`
    label : str, the curve's legend label
    color : matplotlib colour, optional
    ax : matplotlib axes, optional

    Returns the axes.
    """
    from ..evaluate import DelayCurve, memory_lifetime
    if not isinstance(curve, DelayCurve):
        raise TypeError(f"curve must be a mem.evaluate.DelayCurve, got {type(curve).__name__}")
    check_str("label", label)
    check_color("color", color)
    check_ax("ax", ax)
    life = memory_lifetime(curve)
    a0 = curve.accuracy[0]
    half = curve.chance + (a0 - curve.chance) / 2
    ax = plot_delay_curves({label: curve}, ax=ax, colors={label: color})
    ax.axhline(a0, color=GUIDE_COLORS["text"], lw=0.8, ls="-.")
    ax.axhline(half, color=color, lw=0.8, ls="-.")
    ax.axvline(life, color=color, lw=1)
    ax.annotate(f"$a_0$ = {a0:.3f}", (curve.delays[-1], a0), ha="right", va="bottom")
    ax.annotate(f"halfway to chance = {half:.3f}", (curve.delays[-1], half), ha="right", va="bottom")
    ax.annotate(f" lifetime = {life:.0f} steps", (life, 0.05), color=color)
    ax.legend(loc="lower left")
    return ax


def plot_lifetimes(curves: dict, colors: dict | None = None, styles: dict | None = None, title: str | None = None):
    """Accuracy against delay for ``{label: DelayCurve}``, each curve's memory lifetime marked by a dotted
    line and labelled (chapter 2).

    Returns the axes.
    """
    from ..evaluate import memory_lifetime
    check_curves("curves", curves)
    check_lookup("colors", colors, "{label: colour}")
    check_lookup("styles", styles, "{label: line style}")
    check_str("title", title, none_ok=True)
    ax = plot_delay_curves(curves, colors=colors, styles=styles)
    lives = sorted((memory_lifetime(c), label) for label, c in curves.items())
    for i, (life, label) in enumerate(lives):
        color = (colors or {}).get(label)
        ax.axvline(life, color=color, lw=0.8, ls=":")
        y = 0.3 + 0.5 * i / max(len(lives) - 1, 1)
        ax.annotate(f" lifetime {life:.0f} ", (life, y), color=color, ha="right" if i == 0 else "left")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower left")
    return ax


def plot_lifetime_strip(lifetimes: dict, trained_delay: int, longest_probe: int, protocols=("nacu", "decu", "vocu")):
    """Memory lifetime of each network, grouped by architecture and protocol (:func:`plot_by_protocol`, log
    scale), with the longest trained and the longest probed delay drawn as lines (chapter 2).

    Parameters
    ----------
    lifetimes : dict ``{(arch, protocol, seed): float}``; ``inf`` (outlasts the probe) is drawn at ``longest_probe``
    trained_delay, longest_probe : int, delays in steps
    protocols : order of the protocols within each architecture

    Returns the axes.
    """
    check_dict("lifetimes", lifetimes, "{(arch, protocol, seed): float}")
    check_int("trained_delay", trained_delay)
    check_int("longest_probe", longest_probe)
    ax = plot_by_protocol(lifetimes, ylabel="memory lifetime (steps)", log=True, protocols=protocols,
                          outlasts=longest_probe)
    ax.axhline(trained_delay, color=GUIDE_COLORS["guide"], lw=0.8, ls="--", label="longest trained delay")
    ax.axhline(longest_probe, color=GUIDE_COLORS["guide"], lw=0.8, ls=":", label="longest probed delay")
    ax.set_ylim(10, 2 * longest_probe)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, frameon=False)
    return ax
