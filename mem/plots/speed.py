"""Figures of chapter 4, speed predicts memory: measures against lifetime, correlations with their intervals.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`. A figure made here is at most one column wide
(:data:`~mem.plots.style.COLUMN_INCHES`), with at most two panels across (more go in rows), and its
text keeps the sizes of :data:`~mem.plots.style.RC`.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_bool, check_choice, check_count, check_dict, check_float, check_int, check_names, check_str
from . import style
from ._validate import as_array, check_ax, check_column, check_format, check_frame, check_lookup, check_pair
from .style import ARCH_COLORS, PARTIAL_COLOR, POOLED_COLOR, PROTOCOL_LABELS, PROTOCOL_MARKERS, pyplot

__all__ = ["plot_by_dataset", "plot_by_protocol_panels", "plot_correlation_panels", "plot_correlations",
           "plot_delay_measure", "plot_measure", "plot_measure_panels", "plot_measure_paths", "plot_within"]


def _numbers(name: str, column) -> np.ndarray:
    """A table's column as floats (a ``TypeError`` naming ``name`` for a column of text)."""
    try:
        return column.to_numpy(float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a column of numbers, got one of {column.dtype}") from None


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
        (e.g. :func:`mem.zoo.table`); ``x`` and ``y`` hold no NaN, ``x`` no infinity

    Returns the axes.
    """
    from scipy import stats

    plt = pyplot()
    check_frame("df", df)
    for name, col in (("x", x), ("y", y), ("group", group)):
        check_column(name, col, df)
    check_frame("df", df, ("protocol", "hidden_size"))
    as_array(f"x, the column df[{x!r}],", _numbers("x", df[x]), finite=True)
    as_array(f"y, the column df[{y!r}],", _numbers("y", df[y]))
    check_bool("fit", fit)
    check_float("confidence", confidence, gt=0, lt=1)
    check_ax("ax", ax)
    for name, text in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        check_str(name, text, none_ok=True)
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(0.65, aspect=0.8))
    finite = np.isfinite(df[y].to_numpy(float))
    top = df[y][finite].max() + 0.05 * (df[y][finite].max() - df[y][finite].min() + 1e-12)
    for level in sorted(df[group].unique()):
        d = df[df[group] == level]
        color = ARCH_COLORS.get(level, "k")
        for _, r in d.iterrows():
            yy, inf = (r[y], False) if np.isfinite(r[y]) else (top, True)
            big = r["hidden_size"] >= 128
            ax.plot(r[x], yy, PROTOCOL_MARKERS.get(r["protocol"], "o"), ms=5.5, mew=1.1, mec=color,
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
            ax.plot([], [], mk, color="none", mec=POOLED_COLOR, label=PROTOCOL_LABELS.get(p, p))
    ax.plot([], [], "o", color=POOLED_COLOR, mec=POOLED_COLOR, label="128 units (filled)")
    ax.set(xlabel=xlabel or x, ylabel=ylabel or y)
    if title:
        ax.set_title(title)
    return ax


def plot_correlations(table, ax=None, method: str = "spearman", subsets=None, labels: dict | None = None,
                      title: str | None = None):
    """Forest plot: each measure's correlation with its confidence interval, one row per subset (chapter 4).

    Filled markers have p < 0.05. Each subset's colour says which networks it pools: an
    architecture's own colour (:data:`~mem.plots.style.ARCH_COLORS`) for ``"gru..."`` and
    ``"lstm..."``, :data:`~mem.plots.style.PARTIAL_COLOR` for all networks with the architecture
    partialled out, :data:`~mem.plots.style.POOLED_COLOR` for all networks; a second subset of
    the same colour is dashed. The legend lies below the axes. A new figure is one column wide.

    Parameters
    ----------
    table : DataFrame from :func:`mem.analysis.correlation_table` (columns measure, subset,
        method, r, ci_low, ci_high, p)
    method : which method's rows to draw
    subsets : subsets to draw, in order (default: all, in the table's order)
    labels : optional display names for the measures
    ax, title : axes to draw on (default: a new figure) and its title

    Returns
    -------
    matplotlib Axes
        The axes drawn on.
    """
    plt = pyplot()
    check_frame("table", table, ("method",), "mem.analysis.correlation_table()")
    if table.empty:
        raise ValueError("table must hold at least one correlation")
    check_str("method", method)
    check_choice("method", method, sorted(set(table["method"])))
    check_frame("table", table, ("measure", "subset", "r", "ci_low", "ci_high", "p"),
                "mem.analysis.correlation_table()")
    subsets = check_names("subsets", subsets, none_ok=True)
    check_lookup("labels", labels, "{measure: display name}")
    check_ax("ax", ax)
    check_str("title", title, none_ok=True)
    t = table[table["method"] == method]
    subsets = list(dict.fromkeys(t["subset"])) if subsets is None else list(subsets)
    measures = list(dict.fromkeys(t["measure"]))
    if ax is None:
        _, ax = plt.subplots(figsize=style.figsize(1.0, height=0.14 * len(measures) * len(subsets) + 1.6))
    styles = _subset_styles(subsets)
    y, ticks, names = 0, [], []
    for m in measures:
        for s in subsets:
            row = t[(t["measure"] == m) & (t["subset"] == s)]
            if row.empty:
                continue
            r = row.iloc[0]
            c, ls = styles[s]
            ax.plot([r.ci_low, r.ci_high], [y, y], color=c, ls=ls, lw=1.8, label=s if m == measures[0] else None)
            ax.plot(r.r, y, "o", color=c if r.p < 0.05 else "white", mec=c, ms=5.5)
            y -= 1
        ticks.append(y + (len(subsets) + 1) / 2)
        names.append((labels or {}).get(m, m))
        y -= 0.7
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(ticks, names)
    ax.set_xlim(-1, 1)
    ax.set_xticks([-1, -0.5, 0, 0.5, 1])
    ax.set_xlabel(f"{method.capitalize()} r, 95% CI\n(filled: p < 0.05)")
    _legend_below(ax, ncol=2)
    if title:
        ax.set_title(title)
    return ax


def _subset_styles(subsets) -> dict:
    """``{subset: (colour, line style)}`` for :func:`plot_correlations` (see there)."""
    styles, used = {}, {}
    for s in subsets:
        group, _, controls = s.partition(" | ")
        color = ARCH_COLORS.get(group, PARTIAL_COLOR if "arch" in controls else POOLED_COLOR)
        styles[s] = (color, ("-", "--", ":", "-.")[used.get(color, 0) % 4])
        used[color] = used.get(color, 0) + 1
    return styles


def _legend_below(ax, ncol: int, handles=None, labels=None, inches: float = 0.55):
    """The legend of ``ax`` centred ``inches`` below its bottom edge, clear of the tick and axis labels."""
    from matplotlib.transforms import ScaledTranslation

    fig = ax.figure
    below = ax.transAxes + ScaledTranslation(0, -inches, fig.dpi_scale_trans)
    args = () if handles is None else (handles, labels)
    return ax.legend(*args, loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below, ncol=ncol)


def plot_within(per_network: dict, ax=None, labels: dict | None = None, title: str | None = None,
                figsize: tuple | None = None):
    """Per-network correlations across digits, one column per measure (chapter 4).

    Parameters
    ----------
    per_network : ``{measure: DataFrame with column r}`` (the first output of
        :func:`mem.analysis.within_network` for each measure)
    figsize : size ``(width, height)`` in inches of the figure made when ``ax`` is None, at most
        :data:`~mem.plots.style.COLUMN_INCHES` wide (default: one column wide, 3 high); that figure
        gets a tight layout

    Returns the axes.
    """
    plt = pyplot()
    check_dict("per_network", per_network, "{measure: DataFrame with column r}")
    if not all("r" in getattr(per, "columns", ()) for per in per_network.values()):
        raise ValueError("per_network must be a non-empty dict {measure: DataFrame with column r}")
    check_ax("ax", ax)
    check_lookup("labels", labels, "{measure: display name}")
    check_str("title", title, none_ok=True)
    if figsize is not None:
        width, _ = check_pair("figsize", figsize, 0, strict=True)
        if width > style.COLUMN_INCHES:
            raise ValueError(f"figsize must be at most one column ({style.COLUMN_INCHES} in) wide, got {width:g}")
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=style.figsize(1.0, height=3.0) if figsize is None else figsize)
    rng = np.random.default_rng(0)  # horizontal jitter only
    for i, (_m, per) in enumerate(per_network.items()):
        r = per["r"].to_numpy()
        ax.plot(i + 0.12 * rng.standard_normal(len(r)), r, "o", ms=3.5, alpha=0.45, color=POOLED_COLOR)
        ax.plot([i - 0.3, i + 0.3], [np.median(r)] * 2, color="k", lw=2)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set_xticks(range(len(per_network)), [(labels or {}).get(m, m) for m in per_network], rotation=30,
                  ha="right", rotation_mode="anchor")
    ax.set_ylabel("correlation across digits,\none point per network")
    ax.set_ylim(-1.05, 1.05)
    if title:
        ax.set_title(title)
    if own:
        ax.figure.tight_layout()
    return ax


def plot_by_protocol_panels(df, value: str = "lifetime", by: str = "hidden_size", ylabel: str = "",
                            log: bool = False, title: str = "{} units"):
    """:func:`~mem.plots.training.plot_by_protocol` of one column, one panel per value of ``by`` (chapters 2, 4).

    Parameters
    ----------
    df : pandas DataFrame, one row per network, with columns ``arch``, ``protocol``, ``seed``, ``value``
        and ``by`` (e.g. :func:`mem.zoo.table`)
    value : the column drawn
    by : the column that splits the panels (e.g. the network size)
    ylabel : y label of the first panel of each row
    log : log-scaled y axis
    title : panel title, ``{}`` replaced by the value of ``by``

    The figure is one column wide, two panels across (more values of ``by`` go in rows), with the
    seeds' legend below the panels. Returns the figure.
    """
    from .training import plot_by_protocol

    plt = pyplot()
    check_frame("df", df, ("arch", "protocol", "seed"))
    check_column("value", value, df)
    check_column("by", by, df)
    if not len(df):
        raise ValueError("df must have at least one row")
    check_str("ylabel", ylabel)
    check_bool("log", log)
    levels = sorted(df[by].unique())
    check_format("title", title, levels[0])
    ncols = min(2, len(levels))
    nrows = -(-len(levels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=style.figsize(1.0, height=2.9 * nrows + 0.4), sharey=True,
                             squeeze=False, layout="constrained")
    for j, (ax, level) in enumerate(zip(axes.flat, levels)):
        d = df[df[by] == level]
        plot_by_protocol({(r.arch, r.protocol, r.seed): getattr(r, value) for r in d.itertuples()}, ax=ax, log=log,
                         ylabel=ylabel if j % ncols == 0 else "")
        ax.set_title(title.format(level), pad=16)
    for ax in axes.flat[len(levels):]:
        ax.axis("off")
    handles, names = axes[0, 0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, names, loc="outside lower center", ncol=min(len(handles), 6))
    return fig


def plot_measure_panels(df, measures, y: str, correlations: dict, labels: dict | None = None,
                        ylabel: str | None = None, ncols: int = 2):
    """:func:`plot_measure` for several measures, titled with each one's correlation; the legend gets a panel of
    its own (chapter 4).

    Parameters
    ----------
    df : pandas DataFrame, one row per network (:func:`plot_measure`)
    measures : column names of the measures, one panel each
    y : the column on the y axis (e.g. ``"log_lifetime"``)
    correlations : ``{measure: Correlation}`` with an interval, e.g. from :func:`mem.analysis.correlate`
    labels : ``{measure: x label}``, optional
    ylabel : y label of the panels of the first column
    ncols : panels per row, 1..3 and at most len(measures) + 1 (the legend has a panel of its own)

    The figure is one column wide; each row of panels is 0.72 times as high as a panel is wide.
    Returns the figure.
    """
    from ..analysis import Correlation

    plt = pyplot()
    check_frame("df", df)
    measures = check_names("measures", measures)
    if not measures:
        raise ValueError("measures must name at least one column of df")
    for m in measures:
        check_column("measures", m, df)
    check_column("y", y, df)
    if not isinstance(correlations, dict):
        raise TypeError(f"correlations must be a dict {{measure: Correlation}}, got {type(correlations).__name__}")
    if set(measures) - set(correlations):
        raise ValueError("correlations must be a dict {measure: Correlation} with every measure, missing "
                         f"{sorted(set(measures) - set(correlations))}")
    if not all(isinstance(correlations[m], Correlation) for m in measures):
        raise TypeError("correlations must be a dict {measure: mem.analysis.Correlation}")
    check_lookup("labels", labels, "{measure: x label}")
    check_str("ylabel", ylabel, none_ok=True)
    check_count("ncols", ncols, 1, min(3, len(measures) + 1))
    nrows = -(-(len(measures) + 1) // ncols)
    width = style.COLUMN_INCHES / ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=style.figsize(1.0, height=0.72 * width * nrows), squeeze=False)
    for k, (ax, m) in enumerate(zip(axes.flat, measures)):
        c = correlations[m]
        plot_measure(df, m, y, ax=ax, xlabel=(labels or {}).get(m, m), ylabel=ylabel,
                     title=f"{c.method.capitalize()} {c.r:+.2f} [{c.ci_low:+.2f}, {c.ci_high:+.2f}]")
        if k % ncols:
            ax.set_ylabel("")
        ax.xaxis.set_major_locator(_ticks(4))
    for ax in axes.flat[len(measures):]:
        ax.axis("off")
    axes.flat[-1].legend(*axes.flat[0].get_legend_handles_labels(), loc="center")
    fig.tight_layout()
    return fig


def plot_by_dataset(df, measures, y: str = "log_lifetime", dataset: str = "data", labels: dict | None = None,
                    ylabel: str | None = None, confidence: float = 0.95):
    """Each measure against ``y``, one point per network, coloured by dataset, marker by architecture (chapter 4).

    One panel per measure, two across; each dataset gets its least-squares line (over its finite ``y``) and the
    ``confidence`` band of that line (t-based, from scipy), and the legend a panel of its own.
    Colours and names come from :data:`~mem.plots.style.DATASET_COLORS` and
    :data:`~mem.plots.style.DATASET_LABELS`, markers from :data:`~mem.plots.style.ARCH_MARKERS`
    (open: every network of the comparison has 64 units).

    Parameters
    ----------
    df : pandas DataFrame, one row per network, with the columns of ``measures``, ``y``, ``dataset``
        and ``arch`` (e.g. :func:`mem.zoo.table` of two collections, concatenated); no NaN or infinity
        in the measures, no NaN in ``y`` (an infinite ``y``, a memory outlasting the probe, is drawn at
        the top of the axes with an upward arrow and left out of the fit)
    measures : column names, one panel each (1 to 5)
    y : the column on the y axis
    dataset : the column naming each network's dataset (keys of ``DATASET_COLORS``)
    labels : ``{measure: x label}``, optional
    ylabel : y label of the panels of the first column
    confidence : level of the bands, in (0, 1)

    Returns
    -------
    matplotlib Figure
        One column wide.
    """
    from scipy import stats

    plt = pyplot()
    check_frame("df", df)
    measures = check_names("measures", measures)
    if not 1 <= len(measures) <= 5:
        raise ValueError(f"measures must name 1 to 5 columns of df, got {len(measures)}")
    for m in measures:
        check_column("measures", m, df)
        as_array(f"measures, the column df[{m!r}],", _numbers("measures", df[m]), finite=True)
    check_column("y", y, df)
    as_array(f"y, the column df[{y!r}],", _numbers("y", df[y]))
    check_column("dataset", dataset, df)
    check_frame("df", df, ("arch",))
    unknown = sorted(set(map(str, df[dataset])) - set(style.DATASET_COLORS))
    if unknown:
        raise ValueError(f"dataset must be a column of the datasets {sorted(style.DATASET_COLORS)}, got {unknown}")
    check_lookup("labels", labels, "{measure: x label}")
    check_str("ylabel", ylabel, none_ok=True)
    check_float("confidence", confidence, gt=0, lt=1)
    ncols = 2
    nrows = -(-(len(measures) + 1) // ncols)
    width = style.COLUMN_INCHES / ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=style.figsize(1.0, height=0.72 * width * nrows), squeeze=False)
    finite = np.isfinite(df[y].to_numpy(float))
    if not finite.any():
        raise ValueError(f"y, the column df[{y!r}], must hold at least one finite value")
    top = df[y][finite].max() + 0.05 * (df[y][finite].max() - df[y][finite].min() + 1e-12)
    for k, (ax, m) in enumerate(zip(axes.flat, measures)):
        for name in [d for d in style.DATASET_COLORS if d in set(df[dataset])]:
            d = df[df[dataset] == name]
            color = style.DATASET_COLORS[name]
            for arch, mk in style.ARCH_MARKERS.items():
                a = d[d["arch"] == arch]
                if len(a):
                    yy = np.where(np.isfinite(a[y].to_numpy(float)), a[y].to_numpy(float), top)
                    ax.plot(a[m], yy, mk, ms=5, mew=1.0, mec=color, color="none", ls="none")
                    for xx in a[m][~np.isfinite(a[y].to_numpy(float))]:   # outlasts the probe: drawn at the top
                        ax.annotate("", (xx, top + 0.08), (xx, top), arrowprops=dict(arrowstyle="->", color=color))
            d = d[np.isfinite(d[y].to_numpy(float))]
            if len(d) >= 3 and d[m].nunique() > 1:
                X, Y = d[m].to_numpy(float), d[y].to_numpy(float)
                lr = stats.linregress(X, Y)
                grid = np.linspace(X.min(), X.max(), 50)
                n = len(X)
                t = stats.t.ppf(0.5 + confidence / 2, n - 2)
                s = np.sqrt(np.sum((Y - lr.intercept - lr.slope * X) ** 2) / (n - 2))
                half = t * s * np.sqrt(1 / n + (grid - X.mean()) ** 2 / np.sum((X - X.mean()) ** 2))
                line = lr.intercept + lr.slope * grid
                ax.plot(grid, line, color=color, lw=1.5,
                        label=f"{style.DATASET_LABELS.get(name, name)} (n = {n})")
                ax.fill_between(grid, line - half, line + half, color=color, alpha=0.15, lw=0)
        ax.set(xlabel=(labels or {}).get(m, m), ylabel=(ylabel or y) if k % ncols == 0 else "")
        if not finite.all():
            ax.set_ylim(top=top + 0.15)                          # room for the arrows
        ax.xaxis.set_major_locator(_ticks(4))
    for arch, mk in style.ARCH_MARKERS.items():
        if arch in set(df["arch"]):
            axes.flat[0].plot([], [], mk, color="none", mec=POOLED_COLOR, label=arch.upper())
    for ax in axes.flat[len(measures):]:
        ax.axis("off")
    axes.flat[-1].legend(*axes.flat[0].get_legend_handles_labels(), loc="center")
    fig.tight_layout()
    return fig


def _ticks(n: int):
    """A tick locator of at most ``n`` round ticks, so that tick labels of narrow panels do not crowd."""
    from matplotlib.ticker import MaxNLocator
    return MaxNLocator(nbins=n, steps=[1, 2, 2.5, 5, 10])


def plot_correlation_panels(tables: dict, labels: dict | None = None, method: str = "spearman"):
    """:func:`plot_correlations` for several correlation tables side by side, sharing the rows (chapter 4).

    Parameters
    ----------
    tables : ``{title: table}``, each from :func:`mem.analysis.correlation_table`
    labels : ``{measure: display name}``, optional
    method : the correlations drawn

    The figure is one column wide, two panels across (a third table and more go in rows).
    Returns the figure.
    """
    plt = pyplot()
    check_dict("tables", tables, "{title: table}")
    for title, table in tables.items():
        check_frame(f"tables[{title!r}]", table, ("method",), "mem.analysis.correlation_table()")
    check_lookup("labels", labels, "{measure: display name}")
    check_str("method", method)
    if not tables:
        raise ValueError("tables must be a non-empty dict {title: table}")
    rows = max(len(set(t["measure"])) * len(set(t["subset"])) for t in tables.values())
    ncols = min(2, len(tables))
    nrows = -(-len(tables) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=style.figsize(1.0, height=(0.12 * rows + 1.5) * nrows),
                             sharey=True, squeeze=False)
    for ax, (title, table) in zip(axes.flat, tables.items()):
        plot_correlations(table, ax=ax, method=method, labels=labels, title=title)
    for ax in axes.flat[len(tables):]:
        ax.axis("off")
    fig.tight_layout()
    return fig


def plot_delay_measure(df, measure: str, delay: int, labels: dict | None = None, controls=("arch", "size"),
                       ax=None):
    """A measure against the accuracy at one delay, titled with the plain and the partial Spearman
    correlation (chapter 4's explorer).

    Parameters
    ----------
    df : pandas DataFrame, one row per network, with ``measure`` and ``acc_<delay>`` (:func:`mem.zoo.table`)
    measure : the measure's column
    delay : the probed delay
    labels : ``{measure: x label}``, optional
    controls : columns partialled out (:func:`mem.analysis.partial_correlations`)
    ax : matplotlib axes, optional; without it a figure one column wide

    The legend lies to the right of the axes. Returns the axes.
    """
    from ..analysis import correlate, partial_correlations

    plt = pyplot()
    check_frame("df", df)
    check_column("measure", measure, df)
    check_int("delay", delay, 0)
    y = f"acc_{delay}"
    if y not in df.columns:
        raise ValueError(f"delay must be a probed delay (a column acc_<delay> of df), got {delay!r}")
    if len(df) < 4:
        raise ValueError(f"df must have at least 4 rows (networks) to correlate, got {len(df)}")
    check_lookup("labels", labels, "{measure: x label}")
    check_names("controls", controls)
    check_ax("ax", ax)
    own = ax is None
    if own:
        _, ax = plt.subplots(figsize=style.figsize(1.0, aspect=0.5))
    c = correlate(df[measure], df[y], n_boot=0)
    p = partial_correlations(df, [measure], y, controls, n_boot=0)[measure]
    plot_measure(df, measure, y, ax=ax, xlabel=(labels or {}).get(measure, measure),
                 ylabel=f"accuracy at delay {delay}",
                 title=f"Spearman {c.r:+.2f} (p = {c.p:.1g}); partial {p.r:+.2f} (p = {p.p:.1g})")
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5))
    if own:
        ax.figure.tight_layout()
    return ax


def plot_measure_paths(df, measures, group: str = "arch", color: str = "log_lifetime", labels: dict | None = None,
                       ylabel: str = "", colorbar: str | None = None):
    """Each row's values of several measures joined by a line, one panel per level of ``group``, the lines
    coloured by ``color`` (chapter 4: one network's speed after growing search budgets, coloured by its lifetime).

    Parameters
    ----------
    df : pandas DataFrame, one row per network (e.g. :func:`mem.zoo.table`), with the measures, ``group`` and
        ``color`` as columns of finite numbers (``group`` any labels)
    measures : column names, at least two, in the order they are drawn from left to right
    group : the column that splits the panels (default the architecture)
    color : the column mapped to the lines' colour (viridis; the colour bar is labelled ``colorbar`` or the name)
    labels : ``{measure: tick label}``, optional
    ylabel : y label of the first panel of each row

    The figure is one column wide, two panels across (more levels of ``group`` go in rows), with the
    colour bar to the right; a tick label may break lines with ``\\n``. Returns the figure.
    """
    plt = pyplot()
    check_frame("df", df)
    measures = check_names("measures", measures)
    if len(measures) < 2:
        raise ValueError(f"measures must name at least two columns of df, got {measures!r}")
    for m in measures:
        check_column("measures", m, df)
        as_array(f"measures, the column df[{m!r}],", _numbers("measures", df[m]), finite=True)
    check_column("group", group, df)
    check_column("color", color, df)
    values = as_array(f"color, the column df[{color!r}],", _numbers("color", df[color]), finite=True)
    if not len(df):
        raise ValueError("df must have at least one row")
    check_lookup("labels", labels, "{measure: tick label}")
    check_str("ylabel", ylabel)
    check_str("colorbar", colorbar, none_ok=True)
    levels = sorted(df[group].unique())
    norm = plt.Normalize(values.min(), values.max() if values.max() > values.min() else values.min() + 1)
    cmap = plt.get_cmap("viridis")
    ncols = min(2, len(levels))
    nrows = -(-len(levels) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=style.figsize(1.0, height=3.2 * nrows), sharey=True,
                             squeeze=False, layout="constrained")
    x = np.arange(len(measures))
    for j, (ax, level) in enumerate(zip(axes.flat, levels)):
        d = df[df[group] == level]
        for _, r in d.iterrows():
            ax.plot(x, [r[m] for m in measures], "-o", ms=3, lw=1, alpha=0.8, color=cmap(norm(r[color])))
        ax.set_xticks(x, [(labels or {}).get(m, m) for m in measures])
        ax.set_xlim(-0.4, len(measures) - 0.6)
        ax.set_title(f"{str(level).upper()} (n = {len(d)})")
        if j % ncols == 0:
            ax.set_ylabel(ylabel)
    for ax in axes.flat[len(levels):]:
        ax.axis("off")
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=list(axes.flat), label=colorbar or color, fraction=0.05, pad=0.02)
    return fig
