"""Figures of chapter 6, non-normal initialisation: Fisher memory, benchmark curves, success
counts, decoding, chain profiles.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_bool, check_dict, check_float, check_int, check_names, check_str
from ._validate import as_array, check_ax, check_format, check_frame, check_pair
from .style import MATRIX_COLORS, SCHEME_COLORS, figsize, pyplot, scheme_color

__all__ = ["plot_amplification", "plot_benchmark_curves", "plot_benchmark_overview", "plot_bridge",
           "plot_chain_memory", "plot_chain_profile", "plot_chain_profile_panels", "plot_decoding",
           "plot_decoding_panels", "plot_fisher_curves", "plot_linear_memory", "plot_success_counts"]

#: Size of a figure of one panel: 80% of the column (chapter 6).
_ONE = dict(width=0.8, aspect=0.6)


def _curves(name: str, curves, shape: str) -> dict:
    """Check ``{label: (K,) values}`` (finite, 1-D) and return ``{label: float array}`` (chapter 6)."""
    check_dict(name, curves, shape)
    bad = [label for label in curves if not isinstance(label, str)]
    if bad:
        raise TypeError(f"{name} must be a dict {shape} with str labels, got the label {bad[0]!r}")
    for label, a in curves.items():
        as_array(f"{name}[{label!r}]", a, finite=True)
    arrays = {label: np.asarray(a, dtype=float) for label, a in curves.items()}
    for label, a in arrays.items():
        if a.ndim != 1:
            raise ValueError(f"{name}[{label!r}] must be 1-D (K,), got shape {a.shape}")
    return arrays


def _scheme_curves(name: str, curves, shape: str, ax):
    """Check ``{label: (K,) values}`` and return (axes, ``{label: float array}``): the start of every
    figure of one line per scheme (chapter 6). A new figure 80% of the column wide when ``ax`` is None."""
    arrays = _curves(name, curves, shape)
    check_ax("ax", ax)
    if ax is None:
        _, ax = pyplot().subplots(figsize=figsize(**_ONE))
    return ax, arrays


def plot_fisher_curves(curves: dict, ax=None, max_lag: int | None = None, logy: bool = True, title: str | None = None,
                       ylim: tuple | None = None):
    """Fisher memory curves J(k) (chapter 6), one line per entry of ``{label: J (K,)}``, with J_tot in the legend.

    Labels starting with a scheme's name (``"chain ..."``) take its colour
    (:data:`~mem.plots.style.SCHEME_COLORS`), a second curve of one scheme dashed; ``max_lag`` is
    the last lag drawn (None: all); ``ylim`` fixes the y range (``(bottom, top)``). Returns the axes.
    """
    check_int("max_lag", max_lag, 0, none_ok=True)
    check_bool("logy", logy)
    check_str("title", title, none_ok=True)
    if ylim is not None:
        check_pair("ylim", ylim)
    ax, curves = _scheme_curves("curves", curves, "{label: J}", ax)
    drawn = []
    for label, J in curves.items():
        k = np.arange(len(J)) if max_lag is None else np.arange(min(len(J), max_lag + 1))
        color = scheme_color(label)
        ls = "--" if color is not None and color in drawn else "-"      # a second curve of one scheme
        drawn.append(color)
        ax.plot(k, np.where(J[k] > 0, J[k], np.nan), color=color, ls=ls, label=f"{label}: J_tot = {J.sum():.2f}")
    if logy:
        ax.set_yscale("log")
    ax.set(xlabel="lag k (steps)", ylabel="Fisher memory J(k)")
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_chain_memory(alpha: float = 1.02, n_units: int = 100, reference: dict | None = None,
                      max_lag: int = 300, ax=None):
    """The Fisher memory curve of a chain of gain ``alpha`` and ``n_units`` units fed at its head,
    beside reference curves: chapter 6's widget (chapter 6).

    Parameters
    ----------
    alpha : the chain's gain, a finite real in (0, 10]
    n_units : the chain's length N, 1..1000
    reference : ``{label: J (K,)}``, curves drawn for comparison (e.g. an orthogonal network's
        :func:`mem.theory.fisher_memory`), or None
    max_lag : the last lag drawn
    ax : matplotlib Axes to draw on, or None for a new figure

    Returns
    -------
    the axes: :func:`plot_fisher_curves` of :func:`mem.theory.delay_line_memory` and the references,
    on a fixed y range (1e-4 to 2), so that moving the widget's sliders moves the curve, not the axes.
    """
    from ..theory import delay_line_memory

    alpha = check_float("alpha", alpha, gt=0, le=10)
    n_units = check_int("n_units", n_units, 1, 1000)
    max_lag = check_int("max_lag", max_lag, 0)
    reference = {} if reference is None else _curves("reference", reference, "{label: J (K,)}")
    check_ax("ax", ax)
    curves = {f"chain α={alpha:g}, N={n_units}": delay_line_memory(n_units, alpha), **reference}
    return plot_fisher_curves(curves, ax=ax, max_lag=max_lag, title="Fisher memory of a chain", ylim=(1e-4, 2))


def plot_benchmark_curves(curves: dict, ax=None, title: str | None = None):
    """Validation loss / baseline against updates: median and range over seeds per scheme (chapter 6).

    ``curves`` is :func:`mem.benchmarks.curves`' output ``{scheme: (steps, losses (n_runs, K), lr)}``; a NaN loss
    (a run without a value at that step) is left out of the median and the range.
    Dashed lines mark the baseline (1) and the paper's success threshold (0.5). Returns the axes.
    """
    plt = pyplot()
    check_dict("curves", curves, "{scheme: (steps, losses, lr)} (mem.benchmarks.curves)")
    if not all(isinstance(c, (tuple, list)) and len(c) == 3 for c in curves.values()):
        raise ValueError("curves must be a non-empty dict {scheme: (steps, losses, lr)} (mem.benchmarks.curves)")
    for scheme, (steps, mat, lr) in curves.items():
        K = len(as_array(f"curves[{scheme!r}] steps", steps, 1, finite=True))
        if as_array(f"curves[{scheme!r}] losses", mat, 2, K, nan_ok=True).shape[0] < 1:
            raise ValueError(f"curves[{scheme!r}] losses must hold at least one run")
        check_float(f"curves[{scheme!r}] lr", lr, gt=0)
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(**_ONE))
    for scheme, (steps, mat, lr) in curves.items():
        mat = np.asarray(mat, dtype=float)
        color = scheme_color(scheme)
        ax.plot(steps, np.nanmedian(mat, 0), color=color, label=f"{scheme} (lr {lr:g}, n={len(mat)})")
        ax.fill_between(steps, np.nanmin(mat, 0), np.nanmax(mat, 0), color=color, alpha=0.15, lw=0)
    ax.axhline(1.0, color="0.5", ls="--", lw=0.8)
    ax.axhline(0.5, color="0.5", ls=":", lw=0.8)
    ax.set(xlabel="updates", ylabel="val. loss / baseline", ylim=(0, 1.4))
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_success_counts(table, ax=None, schemes=("chain", "fbchain", "orthogonal", "identity")):
    """Bars: runs whose final validation loss is below half the baseline, per task and scheme (chapter 6).

    ``table`` is :func:`mem.benchmarks.table` (every learning rate and seed). Returns the axes.
    """
    plt = pyplot()
    check_frame("table", table, ("task", "scheme", "success"), "mem.benchmarks.table()")
    schemes = check_names("schemes", schemes)
    if not schemes:
        raise ValueError("schemes must name at least one scheme")
    check_ax("ax", ax)
    tasks = list(dict.fromkeys(table["task"]))
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(**_ONE))
    width = 0.8 / len(schemes)
    for i, scheme in enumerate(schemes):
        sub = table[table["scheme"] == scheme]
        ok = [int(sub[sub.task == t]["success"].sum()) for t in tasks]
        n = [int((sub.task == t).sum()) for t in tasks]
        x = np.arange(len(tasks)) + (i - (len(schemes) - 1) / 2) * width
        ax.bar(x, ok, width, color=scheme_color(scheme), label=scheme)
        for xi, o, m in zip(x, ok, n):
            ax.text(xi, o, f"{o}/{m}", ha="center", va="bottom", fontsize=7, rotation=90)
    ax.set_xticks(np.arange(len(tasks)), tasks)
    ax.set_ylabel("successful runs")
    ax.set_ylim(0, 1.35 * ax.get_ylim()[1])         # room for the counts above the bars and the legend
    ax.legend(ncols=2)
    return ax


def plot_decoding(lags, r2: dict, ax=None, n_units: int | None = None, title: str | None = None):
    """Held-out R^2 of decoding the input ``k`` steps back, per network ``{label: (len(lags),)}`` (chapter 6).

    ``lags`` are the steps back (L,), ``r2`` maps each network to its (L,) values; ``n_units`` (None or 0: none)
    draws the chain length N, beyond which a pure chain has forgotten everything.
    Returns the axes.
    """
    plt = pyplot()
    as_array("lags", lags, 1, finite=True)
    check_dict("r2", r2, "{label: (len(lags),) R^2}")
    for label, r in r2.items():
        as_array(f"r2[{label!r}]", r)
    bad = [label for label, r in r2.items() if np.shape(r) != np.shape(lags)]
    if bad:
        raise ValueError(f"r2 must give one value per lag ({len(lags)}) for every network, not for {bad} "
                         "(lags and each r2 must have one length)")
    check_ax("ax", ax)
    check_int("n_units", n_units, 0, none_ok=True)
    check_str("title", title, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(**_ONE))
    for label, r in r2.items():
        ax.plot(lags, np.clip(np.asarray(r, dtype=float), -0.1, 1.0), "o-", ms=3, color=scheme_color(label),
                label=label)
    if n_units:
        ax.axvline(n_units, color="0.5", ls=":", lw=1)
        ax.text(n_units, 0.95, " N", color="0.4")
    ax.axhline(0, color="0.8", lw=0.8)
    ax.set(xlabel="lag k (steps)", ylabel="decoding R² (clipped at -0.1)", ylim=(-0.12, 1.02))
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_chain_profile(profiles: dict, ax=None, window: int = 10, title: str | None = None,
                       diagonal: bool = True):
    """The "hidden chain" motif: mean weight against i - j, units ordered by peak time (chapter 6).

    ``profiles`` is ``{label: (offsets, profile)}`` from :func:`mem.theory.chain_profile`; only
    offsets within ``window`` of 0 are drawn, and offset 0 (the self-weights, which dwarf the
    rest after an identity start) only if ``diagonal``. A forward chain is a bump at positive
    i - j. Labels ``initial``, ``trained`` and ``control`` take their colours from
    :data:`~mem.plots.style.MATRIX_COLORS`. Returns the axes.
    """
    plt = pyplot()
    window = check_int("window", window, 0)
    if not isinstance(profiles, dict):
        raise TypeError(f"profiles must be a dict {{label: (offsets, profile)}}, got {type(profiles).__name__}")
    if not all(isinstance(p, (tuple, list)) and len(p) == 2 and np.shape(p[0]) == np.shape(p[1])
               for p in profiles.values()):
        raise ValueError("profiles must be a dict {label: (offsets, profile)} of equal-length pairs")
    for label, (off, prof) in profiles.items():
        as_array(f"profiles[{label!r}] offsets", off, 1, finite=True)
        as_array(f"profiles[{label!r}] profile", prof, 1, finite=True)
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    diagonal = check_bool("diagonal", diagonal)
    if ax is None:
        _, ax = plt.subplots(figsize=figsize(**_ONE))
    for label, (off, prof) in profiles.items():
        off, prof = np.asarray(off), np.asarray(prof)
        keep = (np.abs(off) <= window) & ((off != 0) | diagonal)
        ax.plot(off[keep], prof[keep], "o-", ms=3, color=MATRIX_COLORS.get(label), label=label)
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(0, color="0.8", lw=0.8)
    ax.set(xlabel="i − j (units ordered by peak time)", ylabel="mean weight W[i, j]")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax


def plot_amplification(norms: dict, ax=None, n_units: int | None = None, title: str | None = None):
    """Transient amplification ``||A^k v||`` against k, one line per entry of ``{label: norms (K,)}`` (chapter 6).

    ``norms`` are :func:`mem.theory.transient_amplification`'s curves; labels starting with a
    scheme's name take its colour. ``n_units`` draws a dotted line at k = N, where a chain of N
    units has passed its input out of its tail (None or 0: none). Returns the axes.
    """
    check_int("n_units", n_units, 0, none_ok=True)
    check_str("title", title, none_ok=True)
    ax, norms = _scheme_curves("norms", norms, "{label: ||A^k v|| (K,)}", ax)
    for label, a in norms.items():
        ax.plot(a, color=scheme_color(label), label=label)
    if n_units:
        ax.axvline(n_units, color="0.5", ls=":", lw=1)
    ax.set(xlabel="steps k", ylabel="‖A^k v‖",
           title="transient amplification of an input at the head" if title is None else title)
    ax.legend()
    return ax


def plot_decoding_panels(lags, decoding, n_units: int | None = None,
                         title: str = "untrained elu RNN, N = {n_units}, noise {noise:g}"):
    """One :func:`plot_decoding` panel per noise level, two per row, with a shared y axis (chapter 6).

    Parameters
    ----------
    lags : sequence of ints (L,)
    decoding : pandas DataFrame with rows ``(noise, label)`` and one column per lag, as
        :func:`mem.benchmarks.decoding_at_init` returns
    n_units : chain length N drawn in every panel
    title : format string of each panel's title, with ``{noise}`` and ``{n_units}``

    Returns
    -------
    the figure's axes (one per noise level).
    """
    plt = pyplot()
    as_array("lags", lags, 1, finite=True)
    check_frame("decoding", decoding, source="mem.benchmarks.decoding_at_init()")
    index = getattr(decoding, "index", None)
    if getattr(index, "nlevels", 0) != 2 or decoding.shape[1] != len(lags):
        raise ValueError("decoding must be a DataFrame with rows (noise, label) and one column per lag "
                         f"(mem.benchmarks.decoding_at_init); it has {decoding.shape[1]} columns for "
                         f"{len(lags)} lags")
    if decoding.empty:
        raise ValueError("decoding must hold at least one row (noise, label)")
    as_array("decoding", decoding.to_numpy())
    check_int("n_units", n_units, 0, none_ok=True)
    check_format("title", title, noise=0.0, n_units=n_units)
    noises = list(dict.fromkeys(index.get_level_values(0)))
    axes = _grid(len(noises), 2, 3.2, sharey=True)
    for ax, noise in zip(axes, noises):
        rows = decoding.loc[noise]
        plot_decoding(lags, {s: rows.loc[s].to_numpy() for s in rows.index}, ax=ax, n_units=n_units,
                      title=title.format(noise=noise, n_units=n_units))
    for ax in axes[1:]:
        ax.set_ylabel("")
    for ax in axes[:-1]:       # one legend, in the last panel
        ax.get_legend().remove()
    axes[-1].legend(loc="upper center")
    plt.tight_layout()
    return axes


def plot_bridge(table, curves: dict):
    """Chapter 6's bridge figure: accuracy against delay of every network, coloured by initialisation,
    and lifetime against drift speed (chapter 6).

    Parameters
    ----------
    table : pandas DataFrame, one row per network, with columns ``name``, ``init``, ``seed``,
        ``drift``, ``log_lifetime`` (:func:`mem.zoo.table` of the bridge collection)
    curves : ``{name: delay curve}``, each with ``delays`` and ``accuracy`` (K,) (a zoo entry's
        ``delay_curve``); the seed-0 network of each initialisation names it in the legend

    Returns
    -------
    the two axes.
    """
    plt = pyplot()
    check_frame("table", table, ("name", "init", "seed", "drift", "log_lifetime"), "mem.zoo.table()")
    if not isinstance(curves, dict):
        raise TypeError(f"curves must be a dict {{name: delay curve}}, got {type(curves).__name__}")
    if set(curves) != set(table["name"]):
        raise ValueError("curves must be a dict {name: delay curve} with one entry per row of table")
    for name, c in curves.items():
        if not (hasattr(c, "delays") and hasattr(c, "accuracy")):
            raise TypeError(f"curves[{name!r}] must be a delay curve (with delays and accuracy), "
                            f"got {type(c).__name__}")
    as_array("table['drift']", table["drift"].to_numpy(), finite=True)
    as_array("table['log_lifetime']", table["log_lifetime"].to_numpy())     # inf: outlasts the probe
    _, axes = plt.subplots(1, 2, figsize=figsize(1.0, aspect=0.45))
    for row in table.itertuples():
        c = curves[row.name]
        axes[0].plot(c.delays, c.accuracy, color=SCHEME_COLORS.get(row.init), alpha=0.8,
                     label=row.init if row.seed == 0 else None)
    axes[0].set(xscale="log", xlabel="delay (steps)", ylabel="accuracy", title="memory by initialisation")
    axes[0].axhline(0.1, color="0.8", lw=0.8)
    axes[0].legend()
    for init_name, d in table.groupby("init"):
        axes[1].scatter(d.drift, d.log_lifetime, color=SCHEME_COLORS.get(init_name), label=init_name)
    axes[1].set(xlabel="drift speed (log10 S)", ylabel="log10 lifetime", title="chapter 4's best predictor")
    axes[1].legend()
    plt.tight_layout()
    return axes


def plot_benchmark_overview(curves: dict, table):
    """Chapter 6's benchmark figure: :func:`plot_benchmark_curves` of every task, then
    :func:`plot_success_counts` of every run, two panels per row (chapter 6).

    Parameters
    ----------
    curves : ``{task: mem.benchmarks.curves(task)}``
    table : :func:`mem.benchmarks.table` (every learning rate and seed)

    Returns
    -------
    the figure's axes (len(curves) + 1).
    """
    plt = pyplot()
    check_dict("curves", curves, "{task: mem.benchmarks.curves(task)}")
    check_frame("table", table, ("task", "scheme", "success"), "mem.benchmarks.table()")
    n = len(curves)
    axes = _grid(n + 1, 2, 2.7)
    for ax, (task_name, c) in zip(axes, curves.items()):
        plot_benchmark_curves(c, ax=ax, title=f"{task_name}, best lr per scheme")
    plot_success_counts(table, ax=axes[n])
    axes[n].set_title("successes, every lr and seed")
    # one legend for the figure: the schemes' colours (the best lr of each is in mem.benchmarks.summary)
    # and the two dashed lines
    handles, labels = axes[n].get_legend_handles_labels()
    handles += [plt.Line2D([], [], color="0.5", ls="--", lw=0.8), plt.Line2D([], [], color="0.5", ls=":", lw=0.8)]
    labels += ["baseline", "success threshold"]
    for ax in axes:
        ax.get_legend().remove()
    fig = axes[0].figure
    fig.legend(handles, labels, loc="upper center", ncols=3, bbox_to_anchor=(0.5, 1.0), frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    return axes


def plot_chain_profile_panels(profiles: dict, window: int = 10, diagonal: bool = True):
    """One :func:`plot_chain_profile` panel per network, two per row (chapter 6).

    ``profiles`` is ``{title: {label: (offsets, profile)}}``, e.g. ``{name:
    mem.benchmarks.chain_profiles(mem.benchmarks.load(name))}``. Returns the axes.
    """
    plt = pyplot()
    check_dict("profiles", profiles, "{title: {label: (offsets, profile)}}")
    check_int("window", window, 0)
    check_bool("diagonal", diagonal)
    axes = _grid(len(profiles), 2, 3.0)
    for ax, (title, p) in zip(axes, profiles.items()):
        plot_chain_profile(p, ax=ax, window=window, title=title, diagonal=diagonal)
    plt.tight_layout()
    return axes


def plot_linear_memory(curves: dict, norms: dict, n_units: int | None = None, max_lag: int | None = 300,
                       title: str | None = None):
    """Chapter 6's linear-theory figure: :func:`plot_fisher_curves` of ``curves`` above
    :func:`plot_amplification` of ``norms``, each the column's width (chapter 6).

    Parameters
    ----------
    curves : ``{label: J (K,)}``, :func:`mem.theory.fisher_memory` curves
    norms : ``{label: ||A^k v|| (K,)}``, :func:`mem.theory.transient_amplification` curves
    n_units : N, marked in the amplification panel
    max_lag : last lag drawn of the Fisher curves
    title : the Fisher panel's title (default ``"Fisher memory curves, N = <n_units>"``)

    Returns
    -------
    the two axes.
    """
    plt = pyplot()
    for name, value in (("curves", curves), ("norms", norms)):
        if not isinstance(value, dict):
            raise TypeError(f"{name} must be a non-empty dict {{label: (K,) curve}}, got {type(value).__name__}")
    if not curves or not norms:
        raise ValueError("curves and norms must be non-empty dicts {label: (K,) curve}")
    check_int("n_units", n_units, 0, none_ok=True)
    check_int("max_lag", max_lag, 0, none_ok=True)
    check_str("title", title, none_ok=True)
    _, axes = plt.subplots(2, 1, figsize=figsize(1.0, height=5.6))
    plot_fisher_curves(curves, ax=axes[0], max_lag=max_lag,
                       title=f"Fisher memory curves, N = {n_units}" if title is None else title)
    plot_amplification(norms, ax=axes[1], n_units=n_units)
    for ax in axes:        # the legends beside the axes: the curves fill the panels
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    plt.tight_layout()
    return axes


def _grid(n: int, ncols: int, row_height: float, sharey: bool = False) -> np.ndarray:
    """``n`` axes in rows of at most ``ncols``, one column wide, ``row_height`` inches per row (chapter 6).

    Axes beyond ``n`` in the last row are removed; returns the ``n`` axes in reading order.
    """
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    _, axes = pyplot().subplots(nrows, ncols, figsize=figsize(1.0, height=row_height * nrows), sharey=sharey,
                                squeeze=False)
    axes = axes.ravel()
    for ax in axes[n:]:
        ax.remove()
    return axes[:n]
