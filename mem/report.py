"""What the chapters share: their set-up, the formatting of ranges, and the "What reproduces" table (chapters 1-6).

Every chapter opens with :func:`setup` (one thread, fixed seeds) and most build the book's
task with :func:`book_task`. Numbers that vary over seeds or networks are printed as ranges
by :func:`format_range`, with the stable digits of :mod:`mem.reproduce`. A chapter closes with
:func:`what_reproduces`, which fills that chapter's claims (:data:`mem.claims.CLAIMS`) with the
values it measured and draws them as a table (:func:`reproduction_box`).
"""
from __future__ import annotations

import builtins
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from ._checks import check_array, check_bool, check_float, check_int, check_names, check_str
from .claims import CLAIMS, Claim
from .reproduce import nearest

__all__ = [
    "BUDGET_NAMES",
    "FINDER_BENCHMARK",
    "HELPERS",
    "MAX_THREADS",
    "POINT_COLUMNS",
    "BridgeContrast",
    "book_task",
    "bridge_contrast",
    "budget_summary",
    "comparison_table",
    "drift_summary",
    "fill_claims",
    "finder_benchmark",
    "finder_comparison",
    "format_ci",
    "format_groups",
    "format_range",
    "format_values",
    "ordering_comparison",
    "pair_summary",
    "point_table",
    "protocol_verdicts",
    "reproduction_box",
    "seed_separation",
    "setup",
    "stability_summary",
    "stage_movement_summary",
    "success_counts",
    "sweep_move_summary",
    "what_reproduces",
    "within_summary",
]


#: Most threads :func:`setup` pins (far more than any machine's cores; the chapters use 1).
MAX_THREADS = 1024


def setup(seed: int = 0, threads: int = 1) -> None:
    """Pin torch, numpy and the BLAS libraries to ``threads`` threads and seed torch's and numpy's
    global generators with ``seed``: the first call of every chapter (chapters 1-6).

    Searches, fine-tunes and training are bit-identical only at a fixed thread count, which is
    the one the zoo was built with. ``seed`` is in ``0..2**32 - 1`` (numpy's legacy generator),
    ``threads`` in ``1..``:data:`MAX_THREADS`.
    """
    import torch
    from threadpoolctl import threadpool_limits
    seed, threads = check_int("seed", seed, 0, 2**32 - 1), check_int("threads", threads, 1, MAX_THREADS)
    torch.set_num_threads(threads)
    threadpool_limits(threads)
    torch.manual_seed(seed)
    np.random.seed(seed)  # noqa: NPY002 -- the legacy global generator, which code outside mem may draw from


def book_task(data=None):
    """The delayed-classification task that chapters 2-5 train and probe on: ``T_max = 20``,
    ``delta_min = 4``, on the 8x8 digits (or ``data``, a :class:`mem.data.Digits`) (chapter 2)."""
    from .data import Digits, load_digits
    from .tasks import DelayedClassification
    if data is not None and not isinstance(data, Digits):
        raise TypeError(f"data must be a mem.data.Digits or None, got {type(data).__name__}")
    return DelayedClassification(load_digits() if data is None else data, T_max=20, delta_min=4)


def format_range(values, spec: str = "", sep: str = "–", collapse: bool = True) -> str:
    """``"lo–hi"`` of ``values`` (over seeds, networks, digits), each end formatted with ``spec``
    (chapters 3, 5, 6).

    Parameters
    ----------
    values : iterable of numbers (a list, an array, a pandas Series or ``dict.values()``); infinite
        values are allowed, NaN is not
    spec : format spec of each end, e.g. ``".2f"``; floating-point specs print round-off as an
        unsigned zero (:func:`mem.reproduce.fixed`), so ``-0.00`` never appears
    sep : what stands between the two ends (``" to "`` in chapters 5 and 6)
    collapse : print one number when the smallest and largest are equal

    Returns
    -------
    str, e.g. ``format_range([3, 1, 2]) == "1–3"`` and
    ``format_range([0.5, 0.25], ".2f", " to ") == "0.25 to 0.50"``.
    """
    values = _numbers("values", values)
    if not values:
        raise ValueError("values must hold at least one number")
    if not isinstance(spec, str) or not isinstance(sep, str):
        raise TypeError("spec and sep must be str")
    collapse = check_bool("collapse", collapse)
    lo, hi = min(values), max(values)

    def text(x):
        t = _format(x, spec)
        try:
            zero = float(t) == 0
        except ValueError:  # not a plain number (e.g. a percentage)
            zero = False
        return t.replace("-", "", 1) if zero else t  # "-0.00" is round-off, not a sign (as mem.reproduce.fixed)
    return text(lo) if collapse and lo == hi else f"{text(lo)}{sep}{text(hi)}"


def _numbers(name: str, values) -> list:
    """``values`` (any iterable but a str) as a list of numbers (NaN refused), or a clear error."""
    if values is None or isinstance(values, (str, bytes, Mapping)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be an iterable of numbers, got {type(values).__name__}")
    values = list(values)
    for v in values:
        a = np.asarray(v.detach().cpu() if isinstance(v, torch.Tensor) else v) \
            if not isinstance(v, (str, bytes)) and v is not None else None
        if a is None or a.ndim != 0 or a.dtype.kind not in "biuf":   # a number (python, numpy, 0-d tensor)
            raise TypeError(f"{name} must be an iterable of numbers, got {v!r} ({type(v).__name__}) among them")
        if a.dtype.kind == "f" and np.isnan(a):
            raise ValueError(f"{name} must not hold NaN")
    return values


def _format(x, spec: str) -> str:
    """``format(x, spec)``, or a clear error naming ``spec``."""
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a format spec (str) such as '.2f', got {type(spec).__name__}")
    try:
        return format(x, spec)
    except ValueError as e:
        raise ValueError(f"spec must be a format spec for these numbers such as '.2f', got {spec!r} ({e})") from None


def format_values(values: Mapping, spec: str = ".2f") -> dict:
    """``{key: text}``: every number of ``values`` (or of its tuples) formatted with ``spec``, for printing (chapter 5).

    ``format_values({"a": 0.634, "b": (1.5, 0.25)}) == {"a": "0.63", "b": ("1.50", "0.25")}``.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping, got {type(values).__name__}")
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a format spec (str) such as '.2f', got {type(spec).__name__}")
    return {k: tuple(_format(x, spec) for x in v) if isinstance(v, tuple) else _format(v, spec)
            for k, v in values.items()}


def format_ci(c, spec: str = "+.2f") -> str:
    """A correlation with its confidence interval, ``"r [low, high]"`` (chapter 4).

    ``c`` is a :class:`mem.analysis.Correlation` (anything with ``r``, ``ci_low``, ``ci_high``).
    """
    if not all(hasattr(c, a) for a in ("r", "ci_low", "ci_high")):
        raise TypeError(f"c must be a mem.analysis.Correlation, got {type(c).__name__}")
    return f"{_format(c.r, spec)} [{_format(c.ci_low, spec)}, {_format(c.ci_high, spec)}]"


def success_counts(runs, task: str) -> dict:
    """``{scheme: "successes/runs"}`` of one task's benchmark runs, schemes in sorted order (chapter 6).

    ``runs`` is :func:`mem.benchmarks.table`'s DataFrame (columns task, scheme, success).
    """
    import pandas as pd

    if not isinstance(runs, pd.DataFrame):
        raise TypeError(f"runs must be mem.benchmarks.table()'s DataFrame, got {type(runs).__name__}")
    missing = [c for c in ("task", "scheme", "success") if c not in runs.columns]
    if missing:
        raise ValueError(f"runs must be mem.benchmarks.table()'s DataFrame, got one without the columns {missing}")
    if runs.empty:
        raise ValueError("runs must have at least one row")
    check_str("task", task)
    if task not in set(runs["task"]):
        raise ValueError(f"task must be one of {sorted(set(runs['task']))}, got {task!r}")
    wins = runs[runs["task"] == task].groupby("scheme")["success"].agg(["sum", "size"])
    return {s: f"{int(r['sum'])}/{int(r['size'])}" for s, r in wins.iterrows()}


@dataclass(frozen=True)
class BridgeContrast:
    """One initialisation's GRUs of chapter 6's bridge against the others (:func:`bridge_contrast`) (chapter 6).

    ``str()`` of it is the chapter's report of the comparison, six lines.

    Attributes
    ----------
    life, other_life : pandas Series, the memory lifetimes (steps) of the group's networks and of the others
    mw : scipy's one-sided Mann-Whitney U result (``statistic``, ``pvalue``): the group's lifetimes larger
    ratio : pandas Series, the group's median lifetime over each other initialisation's (indexed by init)
    drift, other_drift : pandas Series, the drift speeds (log10 S) of the group's networks and of the others
    rho : scipy's Spearman result (``statistic``, ``pvalue``) of drift speed against log10 lifetime, all networks
    lam_max : pandas Series, ``|λ|max`` at each network's Adam points (``exp`` of ``lam_adam``)
    group : str, the initialisation compared
    others : list of str, the other initialisations, sorted
    """

    life: Any
    other_life: Any
    mw: Any
    ratio: Any
    drift: Any
    other_drift: Any
    rho: Any
    lam_max: Any
    group: str
    others: list

    def __str__(self) -> str:
        g, rest = self.group, " and ".join(self.others)
        # scipy's choice of method: exact when one sample has at most 8 values and no value is tied
        exact = min(len(self.life), len(self.other_life)) <= 8 and \
            len(set(self.life) | set(self.other_life)) == len(self.life) + len(self.other_life)
        how = "exact" if exact else "asymptotic"
        return "\n".join([
            f"lifetime, {g}: {sorted(self.life.round(0))}; {rest}: {sorted(self.other_life.round(0))}",
            f"Mann-Whitney ({g} > others, one-sided, {how}): U = {self.mw.statistic:.0f}, "
            f"p = {self.mw.pvalue:.3f}",
            f"drift speed (log10), {g}: {sorted(self.drift.round(2))}; {rest}: {sorted(self.other_drift.round(2))}",
            f"Spearman, drift speed vs log lifetime over the {len(self.lam_max)} networks: "
            f"{self.rho.statistic:.2f} (p = {self.rho.pvalue:.3f})",
            f"median lifetime, {g} / other: {self.ratio.round(2).to_dict()}",
            f"|λ|max at the Adam points: {self.lam_max.min():.5f} to {self.lam_max.max():.5f}"])


def bridge_contrast(bridge, group: str = "chain") -> BridgeContrast:
    """How the GRUs of one initialisation in chapter 6's bridge differ from the others: memory lifetime
    (with a one-sided Mann-Whitney test), drift speed, and drift speed against lifetime (chapter 6).

    Parameters
    ----------
    bridge : pandas DataFrame, one row per network, with the columns ``init``, ``lifetime``,
        ``log_lifetime``, ``drift`` and ``lam_adam`` (:func:`mem.zoo.table` of the bridge collection)
    group : the initialisation compared with the rest, a value of ``bridge["init"]``

    Returns
    -------
    BridgeContrast: the lifetimes and drift speeds of ``group`` and of the others, the rank test,
    the ratio of median lifetimes, Spearman's correlation of drift speed with log10 lifetime over all
    networks, and ``|λ|max`` at the Adam points; print it for the chapter's six-line report.
    """
    import pandas as pd
    from scipy import stats

    from .analysis import group_contrast

    if not isinstance(bridge, pd.DataFrame):
        raise TypeError(f"bridge must be mem.zoo.table()'s DataFrame of the bridge collection, "
                        f"got {type(bridge).__name__}")
    columns = ["init", "lifetime", "log_lifetime", "drift", "lam_adam"]
    missing = [c for c in columns if c not in bridge.columns]
    if missing:
        raise ValueError(f"bridge must be mem.zoo.table()'s DataFrame of the bridge collection, got one without "
                         f"the columns {missing}")
    if len(bridge) < 3:
        raise ValueError(f"bridge must hold at least three networks (a rank correlation), got {len(bridge)}")
    for c in columns[1:]:
        try:
            values = bridge[c].to_numpy(dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"bridge[{c!r}] must hold numbers, got {bridge[c].dtype}") from None
        if not np.isfinite(values).all():
            raise ValueError(f"bridge[{c!r}] must be finite, got {values[~np.isfinite(values)][:3].tolist()}")
    group = check_str("group", group)
    inits = set(bridge["init"])
    if group not in inits or len(inits) < 2:
        raise ValueError(f"group must be one of bridge['init'] ({sorted(map(str, inits))}), with others beside "
                         f"it, got {group!r}")
    life, other_life, mw, ratio = group_contrast(bridge, "init", group, "lifetime")
    inside = bridge["init"] == group
    return BridgeContrast(life=life, other_life=other_life, mw=mw, ratio=ratio,
                          drift=bridge[inside]["drift"], other_drift=bridge[~inside]["drift"],
                          rho=stats.spearmanr(bridge["drift"], bridge["log_lifetime"]),
                          lam_max=np.exp(bridge["lam_adam"]), group=group,
                          others=sorted(map(str, inits - {group})))


def reproduction_box(rows, title: str = "What reproduces"):
    """A chapter's closing table: the paper's claim beside the number this chapter measured (chapters 1-6).

    Parameters
    ----------
    rows : list of (claim, measured, verdict) strings; ``measured`` should be
        formatted from variables computed in the notebook, never typed in.
    title : str, the table's bold heading

    Returns
    -------
    IPython.display.Markdown (rendered by Jupyter, Colab, GitHub and the book).
    """
    from IPython.display import Markdown

    def cell(s):
        return str(s).replace("|", "\\|").replace("\n", " ")

    if rows is None or isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
        raise TypeError(f"rows must be a list of (claim, measured, verdict) triples, got {type(rows).__name__}")
    title = check_str("title", title)
    rows = list(rows)
    if not all(isinstance(r, (tuple, list)) and len(r) == 3 for r in rows):
        raise ValueError("rows must be (claim, measured, verdict) triples")
    lines = [f"**{title}**", "", "| Paper's claim | Measured here | Reproduces? |", "|---|---|---|"]
    lines += [f"| {cell(c)} | {cell(m)} | {cell(v)} |" for c, m, v in rows]
    return Markdown("\n".join(lines))


#: What a claim's templates may call besides the chapter's own names.
HELPERS = {"format_range": format_range, "format_ci": format_ci, "success_counts": success_counts,
           "nearest": nearest, "np": np, "math": math}


def fill_claims(claims, values: Mapping) -> list[tuple[str, str, str]]:
    """Each claim's three templates filled with the measured ``values`` (chapters 1-6).

    Parameters
    ----------
    claims : sequence of :class:`mem.claims.Claim`; each field is a template whose ``{...}`` parts
        are Python expressions, as in an f-string
    values : mapping of the names the templates use to what the chapter measured (a notebook
        passes ``globals()``); :data:`HELPERS` are available as well

    Returns
    -------
    list of (claim, measured, verdict) strings, the rows of :func:`reproduction_box`.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping of names to values, got {type(values).__name__}")
    if claims is None or isinstance(claims, (str, bytes)) or not hasattr(claims, "__iter__"):
        raise TypeError(f"claims must be a sequence of mem.claims.Claim, got {type(claims).__name__}")
    scope = {**values, **HELPERS, "__builtins__": builtins}
    rows = []
    for claim in claims:
        if not isinstance(claim, Claim):
            raise TypeError(f"claims must be mem.claims.Claim records, got {type(claim).__name__}")
        row = []
        for template in claim:
            try:
                row.append(eval(compile(f'f"""{template}"""', "<claim>", "eval"), scope))
            except NameError as err:
                raise ValueError(f"values must define {err.name!r}, which the claim {claim.paper[:60]!r}... "
                                 f"uses") from err
            except (AttributeError, IndexError, KeyError, TypeError, ValueError) as err:
                raise ValueError(f"values do not fit the claim {claim.paper[:60]!r}...: {type(err).__name__}: "
                                 f"{err}") from err
        rows.append(tuple(row))
    return rows


def what_reproduces(chapter: int, values: Mapping, title: str = "What reproduces"):
    """The "What reproduces" table of ``chapter``: its claims (:data:`mem.claims.CLAIMS`) filled with the
    values it measured (chapters 1-6).

    A chapter's last code cell before its exercises is ``mem.report.what_reproduces(3, globals())``.
    Returns an ``IPython.display.Markdown`` (:func:`reproduction_box`).
    """
    if isinstance(chapter, (bool, np.bool_)) or not isinstance(chapter, (int, np.integer)):
        raise TypeError(f"chapter must be one of {sorted(CLAIMS)}, got {chapter!r} ({type(chapter).__name__})")
    if chapter not in CLAIMS:
        raise ValueError(f"chapter must be one of {sorted(CLAIMS)}, got {chapter!r}")
    return reproduction_box(fill_claims(CLAIMS[chapter], values), title)


def _stability(p) -> list:
    n, dim = p.n_unstable().tolist(), p.states.shape[1]
    return ["stable" if k == 0 else "source" if k == dim else "saddle" for k in n]


def _near_one(p) -> list:
    lam = p.eigenvalues()
    return torch.gather(lam.abs(), 1, (lam - 1).abs().argmin(1, keepdim=True))[:, 0].tolist()


#: Columns :func:`point_table` can show after the state and the speed: header, width, format, values.
POINT_COLUMNS = {
    "max_abs_eigenvalue": ("|lambda|max", 11, ".4f", lambda p: p.max_abs_eigenvalue().tolist()),
    "kind": ("kind", 0, "", _stability),
    "grad_norm": ("|grad S|", 9, ".1e", lambda p: p.grad_norm.tolist()),
    "eigenvalue_near_1": ("|lambda| nearest 1", 18, ".6f", _near_one),
    "outcome": ("outcome", 0, "", lambda p: p.outcome_names),
}


def point_table(points, columns=("max_abs_eigenvalue", "kind"), note: str = "") -> str:
    """The slow points of a small network as a text table, one row per point, sorted by state (chapter 3).

    Each row has the state's coordinates and the speed ``S`` (round-off printed as an unsigned 0,
    ``S < 1e-12`` as 0; :func:`mem.reproduce.fixed`), then the chosen columns.

    Parameters
    ----------
    points : SlowPoints, K points of an N-unit network (N small: one column per unit)
    columns : names from :data:`POINT_COLUMNS`: ``"max_abs_eigenvalue"``, ``"kind"`` (stable, saddle or
        source, from the number of unstable modes), ``"grad_norm"``, ``"eigenvalue_near_1"`` (the modulus of
        the eigenvalue nearest 1), ``"outcome"`` (the search's outcome)
    note : text after the header, six spaces from it

    Returns
    -------
    str, the header and K rows.
    """
    from .reproduce import fixed

    if isinstance(columns, str):
        raise TypeError("columns must be a sequence of column names, got a str")
    columns = check_names("columns", columns)
    for c in columns:
        if c not in POINT_COLUMNS:
            raise ValueError(f"columns must be among {sorted(POINT_COLUMNS)}, got {c!r}")
    note = check_str("note", note)
    _points(points)
    if points.jacobians is None and {"max_abs_eigenvalue", "kind", "eigenvalue_near_1"} & set(columns):
        raise ValueError(f"points must have Jacobians for the columns {columns}")
    dim = points.states.shape[1]
    header = " ".join(f"{'h' + str(i + 1):>8}" for i in range(dim)) + f" {'S':>9}"
    header += "".join(f"  {POINT_COLUMNS[c][0]:>{POINT_COLUMNS[c][1]}}" if POINT_COLUMNS[c][1]
                      else f"  {POINT_COLUMNS[c][0]}" for c in columns)
    values = [POINT_COLUMNS[c][3](points) for c in columns]
    rows = zip(points.states.tolist(), points.speed.tolist(), *values)
    lines = [header + ("      " + note if note else "")]
    for h, S, *rest in sorted(rows, key=lambda r: tuple(float(fixed(x)) for x in r[0])):
        cells = [f"{v:{POINT_COLUMNS[c][1]}{POINT_COLUMNS[c][2]}}" if POINT_COLUMNS[c][1] else str(v)
                 for c, v in zip(columns, rest)]
        lines.append(" ".join(fixed(x) for x in h) + f" {fixed(S, '9.1e', zero=1e-12)}"
                     + "".join(f"  {x}" for x in cells))
    return "\n".join(lines)


def _points(points) -> None:
    from .slowpoints import SlowPoints

    if not isinstance(points, SlowPoints):
        raise TypeError(f"points must be mem.slowpoints.SlowPoints, got {type(points).__name__}")
    if not len(points):
        raise ValueError("points must hold at least one point")


def drift_summary(d, window: int = 1000) -> str:
    """Where a drift (:func:`mem.drift.drift`) ended, in two or three lines (chapter 3).

    Only the digits that are the same on every CPU are printed: a speed below ``1e-12`` is zero up to
    round-off, Newton's error bound is given as a power of ten.

    Parameters
    ----------
    d : Drift, of K trajectories of T steps
    window : the steps over which ``d.last`` measured movement (the ``window`` of the drift)

    Returns
    -------
    str
    """
    from .drift import Drift
    from .reproduce import decade

    if not isinstance(d, Drift):
        raise TypeError(f"d must be a mem.drift.Drift, got {type(d).__name__}")
    check_int("window", window)
    end, S_end, (K, T) = d.end, d.S[:, -1].max().item(), d.S.shape
    S_text = f"<= {S_end:.1e}" if S_end >= 1e-12 else "< 1e-12 (zero up to round-off)"
    # how many searches converge is printed coarsely: a search that needs its whole budget converges on
    # some CPUs and not on others
    k = int(end.converged.sum())
    share = "all" if k == K else "most" if 2 * k >= K else "fewer than half"
    lines = [f"after {T} steps: S {S_text}; moved {d.last.min():.3f} .. {d.last.max():.3f} in the last {window} steps; "
             f"digits reported: {d.digits} ({d.own}/{K} still their own)",
             f"    Newton from there: {share} of the {K} reached a fixed point; the {K} results lie within "
             f"{d.end_spread:.0e} of each other (error bound: median ~{decade(end.uncertainty().median().item())}); "
             f"|lambda|max {end.max_abs_eigenvalue().min():.5f} .. {end.max_abs_eigenvalue().max():.5f}"]
    if k < K:
        lines.append(f"    the searches that did not converge stopped at log10 S "
                     f"{end.speed[~end.converged].log10().min():.0f} .. {end.speed[~end.converged].log10().max():.0f}")
    return "\n".join(lines)


def stage_movement_summary(c: dict, interval: int = 100) -> str:
    """The comparison of :func:`mem.formation.stage_movement` in two lines: raw, and relative to the trend
    (chapter 3).

    Parameters
    ----------
    c : the dict returned by :func:`mem.formation.stage_movement`
    interval : steps between checkpoints

    Returns
    -------
    str
    """
    if not isinstance(c, Mapping) or not {"change", "quiet", "p", "ex_change", "ex_quiet", "jump", "p_local"} <= set(c):
        raise TypeError("c must be the dict returned by mem.formation.stage_movement")
    check_int("interval", interval)
    return (f"median distance per {interval} steps, intervals with a stage start {np.median(c['change']):.2f} "
            f"(n = {len(c['change'])}) vs without {np.median(c['quiet']):.2f} (n = {len(c['quiet'])}): "
            f"Mann-Whitney p = {c['p']:.2f}\n"
            "    relative to the trend: with a stage start " + ", ".join(f"{x:.2f}" for x in c["ex_change"])
            + "; without " + ", ".join(f"{x:.2f}" for x in c["ex_quiet"])
            + f": ratio of medians {c['jump']:.2f}, Mann-Whitney p = {c['p_local']:.3f}")


#: How :func:`budget_summary` names each measure of :func:`mem.searches.budget_comparison` (chapter 3).
BUDGET_NAMES = {"adam": "Adam 2000", "paper": "authors' budget", "newton": "Newton 200", "lam_adam": "log|lambda|max"}


def budget_summary(c: Mapping) -> str:
    """What :func:`mem.searches.budget_comparison` found, in seven lines: each measure's Spearman with the
    lifetime, the spans of the speeds, how far the longer searches go below Adam 2000, and how alike the
    searches order the networks (chapter 3).

    Parameters
    ----------
    c : the dict returned by :func:`mem.searches.budget_comparison`

    Returns
    -------
    str
    """
    need = {"keys", "rho", "span", "gain", "agree", "below_newton"}
    if not isinstance(c, Mapping) or not need <= set(c):
        raise TypeError("c must be the dict returned by mem.searches.budget_comparison")
    rho, span, gain, below, n = c["rho"], c["span"], c["gain"], c["below_newton"], len(c["keys"])
    name = BUDGET_NAMES
    lines = [f"{name[m]:16} vs lifetime: {format_groups(r)}" for m, r in rho.items()]
    lines.append(f"median speeds span {span['adam']:.1f} decades across the {n} networks after Adam 2000, "
                 f"{span['paper']:.1f} after the authors' budget, {span['newton']:.1f} after Newton 200")
    lines.append(f"the authors' budget ends lower than Adam 2000 in {int((gain['paper'] > 0).sum())}/{n} networks, by "
                 f"{gain['paper'].min():.1f} to {gain['paper'].max():.1f} decades; Newton 200 by "
                 f"{gain['newton'].min():.1f} to {gain['newton'].max():.1f}; the authors' budget ends below Newton 200 "
                 f"in {len(below)} networks "
                 f"({', '.join(f'{a.upper()}: {k}' for a, k in below.groupby('arch').size().items())})")
    lines.append("Spearman between the networks' rankings: "
                 + ", ".join(f"{name[a]} and {name[b]} {r:+.2f}" for (a, b), r in c["agree"].items()))
    return "\n".join(lines)


def format_groups(r: Mapping, signs_only: bool = False) -> str:
    """Correlations over all networks and per group (:func:`mem.analysis.correlate_groups`) in one line
    (chapter 3).

    Parameters
    ----------
    r : ``{"all": Correlation, group: Correlation, ...}``
    signs_only : print only the signs (and p against 0.05), for measures whose values depend on the CPU

    Returns
    -------
    str, e.g. ``"Spearman -0.71 (p = 0.010, n = 12); GRU -0.60, LSTM -0.83 (n = 6 each)"``.
    """
    if not isinstance(r, Mapping) or "all" not in r:
        raise TypeError("r must be a dict {'all': Correlation, group: Correlation, ...}")
    signs_only = check_bool("signs_only", signs_only)
    a, groups = r["all"], {g: c for g, c in r.items() if g != "all"}
    sizes = sorted({c.n for c in groups.values()})
    n_each = f"n = {sizes[0]} each" if len(sizes) == 1 else "n = " + ", ".join(str(c.n) for c in groups.values())
    name = a.method.capitalize()
    if not signs_only:
        return (f"{name} {a.r:+.2f} (p = {a.p:.3f}, n = {a.n}); "
                + ", ".join(f"{g.upper()} {c.r:+.2f}" for g, c in groups.items()) + f" ({n_each})")
    sign = {g: "negative" if c.r < 0 else "positive" for g, c in r.items()}
    return (f"{name} {sign['all']} (p {'<' if a.p < 0.05 else '>'} 0.05, n = {a.n}); "
            + ", ".join(f"{g.upper()} {sign[g]}" for g in groups) + f" ({n_each}; values in the figure)")


def stability_summary(points, tol: float = 1e-3) -> str:
    """The linear stability of a set of slow points in two lines: ``|lambda|max``, the time constant and the
    number of nearly marginal modes (chapter 3).

    Time constants are printed to two significant digits (:func:`mem.reproduce.significant`).

    Parameters
    ----------
    points : SlowPoints with Jacobians (K points)
    tol : an eigenvalue is nearly marginal when ``||lambda| - 1| < tol``

    Returns
    -------
    str
    """
    from .reproduce import significant

    check_float("tol", tol, gt=0)
    _points(points)
    if points.jacobians is None:
        raise ValueError("points must have Jacobians (find them with jacobians=True)")
    lam, t, K = points.max_abs_eigenvalue(), points.time_constant().abs(), len(points)
    marginal = (points.eigenvalues().abs() - 1).abs().lt(tol).sum(1)
    return (f"|lambda|max {lam.min():.4f} .. {lam.max():.4f}; {int((lam > 1).sum())}/{K} above 1; "
            f"|tau| = 1/|log|lambda|max|: {significant(t.min().item())} .. {significant(t.max().item())} steps, "
            f"median {significant(t.median().item())}\n"
            f"    eigenvalues with ||lambda| - 1| < {tol:g} at a point: median {int(marginal.median())}, "
            f"from {int(marginal.min())} to {int(marginal.max())}")


def within_summary(s: Mapping) -> str:
    """The summary of :func:`mem.analysis.within_network` in one line (chapter 4).

    Parameters
    ----------
    s : the summary dict (second output of :func:`mem.analysis.within_network`)

    Returns
    -------
    str, e.g. "median r -0.35, negative in 30/36 networks (Wilcoxon p = 1e-05); pooled within
    networks -0.30 (p = 1e-08, n = 350)".
    """
    keys = {"median_r", "n_negative", "n_networks", "wilcoxon_p", "pooled"}
    if not isinstance(s, Mapping) or not keys <= set(s):
        raise TypeError("s must be the summary dict returned by mem.analysis.within_network")
    return (f"median r {s['median_r']:+.2f}, negative in {s['n_negative']}/{s['n_networks']} "
            f"networks (Wilcoxon p = {s['wilcoxon_p']:.1g}); pooled within networks {s['pooled'].r:+.2f} "
            f"(p = {s['pooled'].p:.1g}, n = {s['pooled'].n})")


def sweep_move_summary(moved, same: Mapping, margin: float = 1.1) -> str:
    """How far the sweep's lifetimes moved when its anchors changed, and whether its conclusions held, as
    lines of text (chapter 5).

    Parameters
    ----------
    moved : pandas DataFrame returned by :func:`mem.regularize.compare_sweeps` (one row per run of both
        sweeps, with ``mode``, ``tracking`` and ``factor``)
    same : dict ``{rule: (holds in the first sweep, holds now)}`` returned by
        :func:`mem.regularize.compare_conclusions`
    margin : float > 1, the factor beyond which a lifetime counts as moved

    Returns
    -------
    str: the number of runs and how many moved beyond ``margin`` (all, and with fixed points), the median
    and largest factor and the number of runs per mode and tracking (a table), and one line per rule.
    """
    import pandas as pd

    if not isinstance(moved, pd.DataFrame) or not {"mode", "tracking", "factor"} <= set(moved.columns):
        raise TypeError("moved must be the DataFrame returned by mem.regularize.compare_sweeps")
    if moved.empty:
        raise ValueError("moved must hold at least one run")
    check_array("moved['factor']", moved["factor"].to_numpy(float))
    if not isinstance(same, Mapping) or not all(
            isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, (bool, np.bool_)) for x in v)
            for v in same.values()):
        raise TypeError("same must be the dict {rule: (bool, bool)} returned by mem.regularize.compare_conclusions")
    margin = check_float("margin", margin, gt=1)
    fixed = moved[moved["tracking"] == "fixed"]
    by_kind = moved.groupby(["mode", "tracking"])["factor"].agg(["median", "max", "size"])
    lines = [f"{len(moved)} runs in both sweeps; lifetime moved by more than ×{margin:g} in "
             f"{int((moved['factor'] > margin).sum())}, {int((fixed['factor'] > margin).sum())} of them with "
             "fixed points",
             by_kind.round(2).to_string()]
    lines += [f"{rule}: first sweep {a}, now {b}" for rule, (a, b) in same.items()]
    return "\n".join(lines)


def comparison_table(table, names=("a", "b")):
    """A :func:`mem.analysis.measure_comparison` table for reading (chapter 4).

    Parameters
    ----------
    table : pandas DataFrame returned by :func:`mem.analysis.measure_comparison`
    names : two display names, of the measures ``a`` and ``b`` (column headers)

    Returns
    -------
    pandas DataFrame of strings indexed by subset: each measure's correlation ``r [ci_low, ci_high]`` and
    verdict, their difference ``b - a`` with its paired interval, and whether they differ (``"yes"``, ``"no"``).
    """
    import pandas as pd

    cols = ("subset", "n", "r_a", "ci_low_a", "ci_high_a", "verdict_a", "r_b", "ci_low_b", "ci_high_b", "verdict_b",
            "diff", "ci_low", "ci_high", "differ")
    if not isinstance(table, pd.DataFrame) or not set(cols) <= set(table.columns):
        raise TypeError("table must be the DataFrame returned by mem.analysis.measure_comparison")
    for c in cols[1:]:
        if c not in ("verdict_a", "verdict_b", "differ"):
            check_array(f"table[{c!r}]", table[c], finite=True)
    names = check_names("names", names)
    if len(names) != 2:
        raise ValueError(f"names must hold two display names, got {len(names)}")
    a, b = names

    def ci(r, lo, hi):
        return f"{r:+.2f} [{lo:+.2f}, {hi:+.2f}]"

    return pd.DataFrame({"n": table["n"].to_numpy(),
                         a: [f"{ci(t.r_a, t.ci_low_a, t.ci_high_a)} {t.verdict_a}" for t in table.itertuples()],
                         b: [f"{ci(t.r_b, t.ci_low_b, t.ci_high_b)} {t.verdict_b}" for t in table.itertuples()],
                         f"{b} - {a}": [ci(t.diff, t.ci_low, t.ci_high) for t in table.itertuples()],
                         "differ": ["yes" if t.differ else "no" for t in table.itertuples()]},
                        index=pd.Index(table["subset"].to_numpy(), name="subset"))


#: The stored run of ``tests/benchmarks/bench_slowpoints.py`` (mem.slowpoints against FixedPointFinder).
FINDER_BENCHMARK = "bench_slowpoints.json"


def finder_benchmark(path=None) -> dict:
    """The stored comparison of ``mem.slowpoints`` with FixedPointFinder (appendix chapter "Slow points of your own
    network").

    Reads what ``tests/benchmarks/bench_slowpoints.py --out`` wrote (default: the copy in
    ``mem/zoo_data``, :data:`FINDER_BENCHMARK`); FixedPointFinder is not a dependency, so the
    book shows this measurement rather than repeating it. Returns the dict: ``"config"``
    (date, fingerprint, CPU), ``"gru"`` (one dict per network) and ``"flipflop"``.
    """
    import json
    from pathlib import Path

    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or pathlib.Path) or None, got {type(path).__name__}")
    path = Path(__file__).parent / "zoo_data" / FINDER_BENCHMARK if path is None else Path(path)
    if not path.is_file():
        raise ValueError(f"path must be a file written by bench_slowpoints.py --out; {str(path)!r} is not a file")
    try:
        out = json.loads(path.read_text())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"path must hold a bench_slowpoints.py result (JSON); {str(path)!r} does not: {e}") from None
    if not isinstance(out, dict):
        raise ValueError(f"path must hold a bench_slowpoints.py result (a JSON object), got {type(out).__name__}")
    missing = {"config", "gru", "flipflop"} - set(out)
    if missing:
        raise ValueError(f"path must hold a bench_slowpoints.py result, {sorted(missing)} missing in {path}")
    return out


def finder_comparison(results: Mapping):
    """The side-by-side table of ``mem.slowpoints`` and FixedPointFinder (appendix chapter "Slow points of your own
    network"), from :func:`finder_benchmark`'s dict.

    One row per measured quantity, one column per finder (pandas DataFrame of strings): for each
    GRU, the CPU time of FixedPointFinder's whole run and of the unbounded Newton search up to the
    first budget at which its max S is at or below FixedPointFinder's, with that max S; for the
    3-bit flip-flop, the memories and saddles each recovers and its false fixed points.
    """
    import pandas as pd

    if not isinstance(results, Mapping) or "gru" not in results or "flipflop" not in results:
        raise TypeError("results must be the dict finder_benchmark returns")
    rows = {}
    for g in results["gru"]:
        if "fpf" not in g or "to_fpf_quality" not in g:
            continue
        q, f = g["to_fpf_quality"], g["fpf"]
        reached = next(c for c in g["curve"] if c["n_iters"] == q["n_iters"])
        n = g["network"]
        rows[f"{n}: CPU seconds"] = (f"{q['cpu_seconds']:.2f} ({q['n_iters']} iterations)",
                                     f"{f['cpu_seconds']:.1f} ({f['iterations_run']} iterations)")
        rows[f"{n}: max S over {g['n_candidates']} candidates"] = (f"{reached['max_S']:.1e}", f"{f['max_S']:.1e}")
        rows[f"{n}: CPU time, FixedPointFinder / mem"] = (f"{q['cpu_ratio']:.1f}", "")
    ff = results["flipflop"]
    for where, label in (("trajectories", f"{ff['n_starts']} trajectory states"),
                         ("midpoints", f"{ff['n_midpoints']} midpoints between memories")):
        for name in ("mem", "fpf"):
            if f"{name}/{where}" not in ff:
                continue
            r = ff[f"{name}/{where}"]
            col = 0 if name == "mem" else 1
            found = r["recovered"]
            for key, text in ((f"flip-flop from {label}: memories found", f"{found['memories']}/{ff['n_memories']}"),
                              (f"flip-flop from {label}: saddles found", f"{found['saddles']}/{ff['n_saddles']}"),
                              (f"flip-flop from {label}: false fixed points", f"{r['false_fixed']}")):
                rows.setdefault(key, ["", ""])
                rows[key] = tuple(text if i == col else rows[key][i] for i in range(2))
    return pd.DataFrame.from_dict(rows, orient="index", columns=["mem.slowpoints", "FixedPointFinder"])


# --- chapter 2 ---
def _display_names(labels) -> dict:
    """``labels`` (None or a mapping ``{key: display name (str)}``) as a dict, or a clear error."""
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise TypeError(f"labels must be a dict {{key: display name}} or None, got {type(labels).__name__}")
    wrong = [v for v in labels.values() if not isinstance(v, str)]
    if wrong:
        raise TypeError(f"labels must map keys to display names (str), got {wrong[:3]!r} among them")
    return dict(labels)


def _protocol_tests(tests):
    from .analysis import ProtocolTests
    if not isinstance(tests, ProtocolTests):
        raise TypeError(f"tests must be a mem.analysis.ProtocolTests (protocol_tests' result), "
                        f"got {type(tests).__name__}")
    return tests


def protocol_verdicts(tests, labels: Mapping | None = None) -> str:
    """One line per group of ``tests``: its verdict, its conditions ordered by geometric mean, and the
    steps of that ordering that are resolved (chapter 2).

    Parameters
    ----------
    tests : :class:`mem.analysis.ProtocolTests`, :func:`mem.analysis.protocol_tests`' result
    labels : dict ``{group or condition: display name}``, optional (default: the keys themselves)

    Returns
    -------
    str, one line per group in ``tests.groups``, e.g. ``"GRU-64   verdict: partly  ordering VoCu >
    NaCu > DeCu; resolved steps: VoCu > NaCu"`` (the group's name padded to the longest).
    """
    tests, name = _protocol_tests(tests), _display_names(labels)

    def show(k):
        return name.get(k, str(k))

    width = max(len(show(g)) for g in tests.groups)
    return "\n".join(
        f"{show(g):{width}} verdict: {tests.verdict(g):6}  ordering {' > '.join(show(c) for c in tests.order[g])}; "
        f"resolved steps: {', '.join(show(a) + ' > ' + show(b) for a, b in tests.resolved(g)) or 'none'}"
        for g in tests.groups)


def pair_summary(tests, a, b, labels: Mapping | None = None) -> str:
    """Condition ``a`` against condition ``b`` in every group of ``tests``: the ratio of geometric
    means with its 95% bootstrap interval, the exact permutation p and its Holm correction (chapter 2).

    Parameters
    ----------
    tests : :class:`mem.analysis.ProtocolTests`, :func:`mem.analysis.protocol_tests`' result
    a, b : two different conditions of ``tests`` (e.g. ``"vocu"``, ``"decu"``); the ratio is ``a`` over ``b``
    labels : dict ``{group or condition: display name}``, optional (default: the keys themselves)

    Returns
    -------
    str
        One line per group in ``tests.groups``, e.g. ``"GRU-64   VoCu / DeCu: x2.73
        (95% CI 1.90 to 3.94), exact p = 0.00216, Holm-corrected 0.00649, 6 vs 6 seeds"``.
    """
    tests, name = _protocol_tests(tests), _display_names(labels)
    for arg, c in (("a", a), ("b", b)):
        if not isinstance(c, str):
            raise TypeError(f"{arg} must be a condition (str) of the tests, got {c!r} ({type(c).__name__})")
        if c not in tests.conditions:
            raise ValueError(f"{arg} must be one of the tests' conditions {tests.conditions}, got {c!r}")
    if a == b:
        raise ValueError(f"a and b must be two different conditions, got {a!r} twice")

    def show(k):
        return name.get(k, str(k))

    width = max(len(show(g)) for g in tests.groups)
    lines = []
    for g in tests.groups:
        t, n = tests.pair(g, a, b), tests.n_seeds[g]
        lines.append(f"{show(g):{width}} {show(a)} / {show(b)}: x{t.ratio:.2f} (95% CI {t.ci[0]:.2f} to "
                     f"{t.ci[1]:.2f}), exact p = {t.pvalue:.3g}, Holm-corrected {t.p_holm:.3g}, {n} vs {n} seeds")
    return "\n".join(lines)


def ordering_comparison(comparison, names=("digits", "MNIST-1D"), labels: Mapping | None = None) -> str:
    """Each pair of conditions on two datasets (or any two sets of tests), one line per pair (chapter 2).

    Parameters
    ----------
    comparison : pandas DataFrame, :func:`mem.analysis.compare_orderings`' result
    names : (str, str), what the two sets of tests are called (the first is ``tests``, the second ``other``)
    labels : dict ``{group or condition: display name}``, optional (default: the keys themselves)

    Returns
    -------
    str
        One line per row, e.g. ``"GRU-64  VoCu / DeCu: digits x2.73 (95% CI 1.90 to 3.94, significant);
        MNIST-1D x1.10 (95% CI 0.80 to 1.52, not resolved): same direction"``.
    """
    import pandas as pd

    from .analysis import AGREEMENTS
    if not isinstance(comparison, pd.DataFrame):
        raise TypeError(f"comparison must be a pandas DataFrame (compare_orderings' result), "
                        f"got {type(comparison).__name__}")
    columns = ["group", "a", "b", "ratio", "ci_low", "ci_high", "significant", "other_ratio", "other_ci_low",
               "other_ci_high", "other_significant", "agreement"]
    missing = [c for c in columns if c not in comparison.columns]
    if missing or len(comparison) == 0 or not comparison["agreement"].isin(AGREEMENTS).all():
        raise ValueError(f"comparison must be compare_orderings' result (columns {columns}, at least one row), "
                         f"missing {missing}" if missing else "comparison must be compare_orderings' result "
                         f"(at least one row, agreements among {AGREEMENTS})")
    if (not isinstance(names, (tuple, list)) or len(names) != 2
            or not all(isinstance(n, str) and n for n in names)):
        raise TypeError(f"names must be two non-empty strings, got {names!r}")
    name = _display_names(labels)

    def show(k):
        return name.get(k, str(k))

    def one(r, prefix=""):
        sig = "significant" if r[prefix + "significant"] else "not resolved"
        return (f"x{r[prefix + 'ratio']:.2f} (95% CI {r[prefix + 'ci_low']:.2f} to {r[prefix + 'ci_high']:.2f}, "
                f"{sig})")

    width = max(len(show(g)) for g in comparison["group"])
    return "\n".join(f"{show(r['group']):{width}} {show(r['a'])} / {show(r['b'])}: {names[0]} {one(r)}; "
                     f"{names[1]} {one(r, 'other_')}: {r['agreement']}" for _, r in comparison.iterrows())


def seed_separation(values: Mapping, conditions, groups, n_seeds=(2, 3, 6), labels: Mapping | None = None,
                    condition: str = "protocol") -> str:
    """Whether the first ``n`` seeds of every condition lie above every seed of the next condition, for each
    ``n`` of ``n_seeds`` and each group (chapter 2).

    The rule an ordering of conditions passes when the seeds do not overlap at all
    (:attr:`mem.analysis.SeedSpread.separated`), applied to the first ``n`` seeds (in sorted order) of each
    cell: with few seeds it passes easily, with more it shows how far the seeds spread.

    Parameters
    ----------
    values : dict ``{(group, condition, seed): float}``, positive (e.g. memory lifetimes), with every
        combination of ``groups``, ``conditions`` and their seeds present
    conditions : list of conditions (str), the order of :func:`mem.analysis.seed_spread`
    groups : list of the groups (str) of ``values`` to judge, in the order printed
    n_seeds : list of ints, how many seeds to take, each between 1 and the seeds every group has
    labels : dict ``{group: display name}``, optional (default: the groups themselves)
    condition : str, what the conditions are, for the text

    Returns
    -------
    str
        One line per ``n``, e.g.
        ``"seeds 0-1: every seed above every seed of the next protocol: GRU-64 yes, LSTM-64 yes"``.
    """
    from .analysis import seed_spread
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a dict {{(group, condition, seed): float}}, got {type(values).__name__}")
    conditions, groups = check_names("conditions", conditions), check_names("groups", groups)
    if not groups:
        raise ValueError("groups must name at least one group of values")
    if not values or not all(isinstance(k, tuple) and len(k) == 3 for k in values):
        raise ValueError("values must be a non-empty dict {(group, condition, seed): float}")
    present = {k[0] for k in values}
    unknown = [g for g in groups if g not in present]
    if unknown:
        raise ValueError(f"groups must be groups of values {sorted(map(str, present))}, got {unknown[:3]}")
    if isinstance(n_seeds, (str, bytes)) or not hasattr(n_seeds, "__iter__"):
        raise TypeError(f"n_seeds must be a list of ints, got {type(n_seeds).__name__}")
    n_seeds = list(n_seeds)
    if not n_seeds:
        raise ValueError("n_seeds must hold at least one number of seeds")
    name = _display_names(labels)
    condition = check_str("condition", condition)
    kept = {k: v for k, v in values.items() if k[0] in groups}
    seeds = sorted(set.intersection(*({k[2] for k in kept if k[0] == g} for g in groups)))
    lines = []
    for n in n_seeds:
        n = check_int("n_seeds", n, 1, max(len(seeds), 1))
        first = set(seeds[:n])
        spread = seed_spread({k: v for k, v in kept.items() if k[2] in first}, conditions)
        lines.append(f"seeds {seeds[0]}-{seeds[n - 1]}: every seed above every seed of the next {condition}: "
                     + ", ".join(f"{name.get(g, str(g))} {'yes' if spread.separated[g] else 'no'}" for g in groups))
    return "\n".join(lines)
