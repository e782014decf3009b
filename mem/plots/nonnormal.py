"""Figures of chapter 6, non-normal initialisation: Fisher memory, benchmark curves, success
counts, decoding, chain profiles.

Each function draws on given axes or makes its own, and returns them; colours, markers and
labels come from :mod:`mem.plots.style`.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_int
from .style import pyplot, scheme_color

__all__ = ["plot_benchmark_curves", "plot_chain_profile", "plot_decoding", "plot_fisher_curves", "plot_success_counts"]


def plot_fisher_curves(curves: dict, ax=None, max_lag: int | None = None, logy: bool = True, title: str | None = None):
    """Fisher memory curves J(k) (chapter 6), one line per entry of ``{label: J (K,)}``, with J_tot in the legend.

    Labels starting with a scheme's name (``"chain ..."``) take its colour (:data:`~mem.plots.style.SCHEME_COLORS`).
    Returns the axes.
    """
    plt = pyplot()
    if not curves:
        raise ValueError("curves must be a non-empty dict {label: J}")
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.4))
    for label, J in curves.items():
        J = np.asarray(J, dtype=float)
        if J.ndim != 1:
            raise ValueError(f"curves[{label!r}] must be 1-D (K,), got shape {J.shape}")
        k = np.arange(len(J)) if max_lag is None else np.arange(min(len(J), max_lag + 1))
        ax.plot(k, np.where(J[k] > 0, J[k], np.nan), color=scheme_color(label),
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
    plt = pyplot()
    if not isinstance(curves, dict) or not curves or \
            not all(isinstance(c, (tuple, list)) and len(c) == 3 for c in curves.values()):
        raise ValueError("curves must be a non-empty dict {scheme: (steps, losses, lr)} (mem.benchmarks.curves)")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.4, 3.4))
    for scheme, (steps, mat, lr) in curves.items():
        mat = np.asarray(mat, dtype=float)
        color = scheme_color(scheme)
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
    plt = pyplot()
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
        ax.bar(x, ok, width, color=scheme_color(scheme), label=scheme)
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
    plt = pyplot()
    bad = [label for label, r in r2.items() if np.shape(r) != np.shape(lags)]
    if bad:
        raise ValueError(f"r2 must give one value per lag ({len(lags)}) for every network, not for {bad}")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.6, 3.4))
    for label, r in r2.items():
        ax.plot(lags, np.clip(np.asarray(r, dtype=float), -0.1, 1.0), "o-", ms=3, color=scheme_color(label),
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
    plt = pyplot()
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
