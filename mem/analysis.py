"""Statistics across networks and conditions: correlations with confidence intervals, partial and
within-network (chapter 4), spreads and comparisons of protocols and seeds (chapters 2, 3, 6).

Does a slower slow point go with a longer memory? With a few dozen networks the
answer needs error bars, and two confounds need care:

* **Architecture.** GRUs and LSTMs differ both in speed and in memory. Pooling
  them can manufacture (or hide) a correlation that holds within neither.
  :func:`partial_correlation` removes what a covariate (for example the
  architecture, as a category) explains from both variables before correlating.
* **Networks versus classes.** Each network has one slow point per digit.
  :func:`within_network` asks whether, inside one network, the digits with
  slower points are also the ones remembered longer, which no between-network
  difference can explain.

Every function returns the coefficient, a p-value from scipy, and a bootstrap
confidence interval (``scipy.stats.bootstrap``, pairs resampled together).
Spearman correlations are Pearson correlations of ranks, so infinite values (a
memory that outlasts the probe) are allowed for ``"spearman"`` and rank highest.

Two measures of the same networks are compared pair by pair: :func:`paired_shift` says how far one
lies from the other (a search budget's gain, chapter 4), :func:`correlation_difference` whether one
predicts a target better than the other (a paired bootstrap over networks).

Chapter 2 asks the same question of conditions and seeds: :func:`seed_spread` compares the
spread between training protocols with that between seeds, :func:`protocol_tests` tests the
protocols against each other with exact permutation tests and bootstrap intervals across seeds, and
:func:`compare_conditions` tests one protocol against another with an exact rank test pooled over
architectures.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace

import numpy as np
from scipy import stats

from ._checks import check_array, check_count, check_float, check_int, check_names, check_seed, check_str

__all__ = [
    "AGREEMENTS",
    "MAX_BOOT",
    "MAX_DRAWS",
    "METHODS",
    "ConditionComparison",
    "Correlation",
    "CorrelationDifference",
    "PairTest",
    "PairedShift",
    "ProtocolTests",
    "SeedSpread",
    "compare_conditions",
    "compare_orderings",
    "correlate",
    "correlate_groups",
    "correlation_difference",
    "correlation_table",
    "delay_correlations",
    "group_contrast",
    "interval_verdict",
    "measure_comparison",
    "movement_ratio",
    "paired_shift",
    "partial_correlation",
    "partial_correlations",
    "protocol_tests",
    "seed_spread",
    "significance_rate",
    "subsample_correlations",
    "wide_table",
    "within_network",
    "within_networks",
]

#: Correlation methods: rank (Spearman) or linear (Pearson).
METHODS = ("spearman", "pearson")
#: Most bootstrap resamples :func:`partial_correlation` draws (the book uses 1000-2000).
MAX_BOOT = 100_000
#: Most random subsets :func:`subsample_correlations` draws (the book uses 500).
MAX_DRAWS = 100_000


@dataclass(frozen=True)
class Correlation:
    """A correlation coefficient with its uncertainty (chapter 4).

    r : coefficient; p : two-sided p-value (scipy; t-test with ``n - 2 - k`` degrees of
    freedom for a partial correlation with ``k`` covariate columns); ci_low, ci_high :
    bootstrap confidence interval (percentile, ``confidence``); n : number of pairs;
    method : "spearman" or "pearson"; covariates : what was partialled out ("" if nothing).
    """

    r: float
    p: float
    ci_low: float
    ci_high: float
    n: int
    method: str
    confidence: float = 0.95
    covariates: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        part = f", partial on {self.covariates}" if self.covariates else ""
        ci = "" if np.isnan(self.ci_low) else \
            f" [{self.ci_low:+.2f}, {self.ci_high:+.2f}] ({100 * self.confidence:.0f}% CI)"
        return f"{self.method} r = {self.r:+.2f}{ci}, p = {self.p:.2g}, n = {self.n}{part}"


def _check_method(method: str, name: str = "method") -> None:
    if not isinstance(method, str):
        raise TypeError(f"{name} must be one of {METHODS}, got {method!r} ({type(method).__name__})")
    if method not in METHODS:
        raise ValueError(f"{name} must be one of {METHODS}, got {method!r}")


def _frame(df, name: str = "df"):
    """``df`` must be a pandas DataFrame with at least one row."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")
    if df.empty:
        raise ValueError(f"{name} must have at least one row")
    return df


def _column(df, col, what: str, frame: str = "df") -> str:
    """``col`` must be a column name (str) of ``df``."""
    if not isinstance(col, str):
        raise TypeError(f"{what} must be a column name (str) of {frame}, got {col!r} ({type(col).__name__})")
    if col not in df.columns:
        raise ValueError(f"{what} must be a column of {frame}, got {col!r} (columns: {list(df.columns)})")
    return col


def _no_nan(df, cols, frame: str = "df") -> None:
    """The columns ``cols`` of ``df`` must hold no NaN (a correlation of them would be undefined)."""
    bad = [c for c in dict.fromkeys(cols) if df[c].isna().any()]
    if bad:
        raise ValueError(f"{frame} must not hold NaN in the columns used, got NaN in {bad} (drop those rows first)")


def _labels(labels, name: str = "labels") -> dict:
    """``labels`` must be None or a mapping ``{key: display name}``."""
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise TypeError(f"{name} must be a dict {{key: display name}} or None, got {type(labels).__name__}")
    return labels


def _pairs(x, y, method: str) -> tuple[np.ndarray, np.ndarray]:
    try:
        x, y = check_array("x", x), check_array("y", y)
    except TypeError:
        raise TypeError(f"x and y must be 1-D arrays of real numbers, got {type(x).__name__} and "
                        f"{type(y).__name__}") from None
    if x.ndim != 1 or x.shape != y.shape:
        raise ValueError(f"x and y must be 1-D arrays of the same length, got shapes {x.shape} and {y.shape}")
    if np.isnan(x).any() or np.isnan(y).any():
        raise ValueError("x and y must not contain NaN (drop those pairs first)")
    if method == "pearson" and not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("x and y must be finite for method 'pearson' (use 'spearman', or transform)")
    if len(x) < 4:
        raise ValueError(f"x and y need at least 4 pairs, got {len(x)}")
    return x, y


def _transform(a: np.ndarray, method: str) -> np.ndarray:
    """Ranks along the last axis for Spearman, the values themselves for Pearson."""
    return stats.rankdata(a, axis=-1) if method == "spearman" else a


def _residualise(a: np.ndarray, Z: np.ndarray | None) -> np.ndarray:
    """Residuals of ``a`` (..., n) after least squares on [1, Z] (n, k), batched over leading axes."""
    n = a.shape[-1]
    X = np.ones((n, 1)) if Z is None else np.column_stack([np.ones(n), Z])
    P = X @ np.linalg.pinv(X)          # (n, n) hat matrix
    return a - a @ P.T


def _r(x: np.ndarray, y: np.ndarray, method: str, Z: np.ndarray | None) -> np.ndarray:
    """Vectorised (partial) correlation over the last axis."""
    rx, ry = _residualise(_transform(x, method), Z), _residualise(_transform(y, method), Z)
    num = (rx * ry).sum(-1)
    den = np.sqrt((rx * rx).sum(-1) * (ry * ry).sum(-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return num / den


def _covariates(covariates, n: int) -> tuple[np.ndarray | None, str]:
    """Design columns (n, k) for covariates: a category array becomes k - 1 indicator columns."""
    if covariates is None:
        return None, ""
    if isinstance(covariates, dict):
        if not covariates:
            raise ValueError("covariates must be None or a non-empty dict {name: array}, got an empty dict")
        cols, names = [], []
        for name, c in covariates.items():
            Z, _ = _covariates(c, n)
            cols.append(Z)
            names.append(name)
        return np.column_stack(cols), ", ".join(names)
    if isinstance(covariates, (str, bytes)):
        raise TypeError(f"covariates must be None, an array (categories or numbers) or a dict of arrays, "
                        f"got the str {covariates!r}")
    if hasattr(covariates, "detach"):                   # a torch tensor
        covariates = covariates.detach().cpu().numpy()
    try:
        c = np.asarray(covariates)
    except (TypeError, ValueError):                     # e.g. a ragged list
        raise TypeError(f"covariates must be None, an array (categories or numbers) or a dict of arrays, "
                        f"got {type(covariates).__name__}") from None
    if c.ndim not in (1, 2):
        raise ValueError(f"covariates must be an (n,) or (n, k) array, got shape {c.shape}")
    if c.shape[0] != n:
        raise ValueError(f"covariates must have {n} rows (one per pair), got {c.shape[0]}")
    if c.dtype.kind in "OUSb":   # categorical: indicator columns, first level dropped
        try:
            levels = sorted(set(c.tolist()))
        except TypeError:
            raise TypeError("covariates must hold categories of one kind (e.g. all str) or numbers") from None
        if len(levels) < 2:
            raise ValueError(f"covariates: a categorical covariate needs at least 2 levels, got {levels}")
        return np.column_stack([(c == lv).astype(float) for lv in levels[1:]]), "category"
    if c.dtype.kind not in "iuf":
        raise TypeError(f"covariates must hold categories or real numbers, got dtype {c.dtype}")
    c = c.astype(float)
    if not np.isfinite(c).all():
        raise ValueError("covariates must be finite (no NaN or inf) where they are numbers")
    return (c[:, None] if c.ndim == 1 else c), "covariate"


def partial_correlation(x, y, covariates=None, method: str = "spearman", *, n_boot: int = 2000,
                        confidence: float = 0.95, seed: int = 0) -> Correlation:
    """Correlation of x and y after removing what ``covariates`` explain from both (chapter 4).

    For ``"spearman"`` both variables are ranked first (a partial Spearman correlation:
    the residual ranks after least squares on the covariates are correlated).

    Parameters
    ----------
    x, y : (n,) arrays
    covariates : None, an (n,) category array (e.g. the architecture names: indicator
        columns are used), an (n,) or (n, k) numeric array, or a dict of several of these
    method : "spearman" (default) or "pearson"
    n_boot : bootstrap resamples for the confidence interval (0: no interval, NaN), at most :data:`MAX_BOOT`
    confidence : level of the interval
    seed : seeds the bootstrap (a non-negative integer)

    Raises
    ------
    ValueError
        for a degenerate fit: ``x`` or ``y`` constant (after ranking), the covariates explaining one of
        them completely, no degree of freedom left, or (``n_boot > 0``) resamples without spread, which
        leave the bootstrap interval undefined.

    Returns
    -------
    Correlation. The p-value is the t-test of a partial correlation with ``n - 2 - k``
    degrees of freedom (``k`` covariate columns); without covariates it is scipy's
    ``spearmanr``/``pearsonr`` p-value.
    """
    _check_method(method)
    x, y = _pairs(x, y, method)
    n = len(x)
    Z, label = _covariates(covariates, n)
    check_count("n_boot", n_boot, 0, MAX_BOOT)
    check_seed(seed)
    if isinstance(confidence, (bool, np.bool_)) or not isinstance(confidence, (float, np.floating)):
        raise TypeError(f"confidence must be a float in (0, 1), got {confidence!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    for name, v in (("x", x), ("y", y)):   # a degenerate fit has no correlation: say so rather than return noise
        t = _transform(v, method)
        spread = np.linalg.norm(t - t.mean())
        if spread == 0:
            raise ValueError(f"{name} must vary: it is constant, so no correlation is defined")
        if Z is not None and np.linalg.norm(_residualise(t, Z)) <= 1e-9 * spread:
            raise ValueError(f"covariates must not explain {name} completely (its residual is zero), "
                             f"so no partial correlation is defined")
    r = float(_r(x, y, method, Z))
    k = 0 if Z is None else Z.shape[1]
    if Z is None:
        test = stats.spearmanr(x, y) if method == "spearman" else stats.pearsonr(x, y)
        p = float(test.pvalue)
    else:
        dof = n - 2 - k
        if dof < 1:
            raise ValueError(f"covariates must leave at least one degree of freedom: too few pairs ({n}) for "
                             f"{k} covariate columns")
        t = r * np.sqrt(dof / max(1 - r * r, 1e-300))
        p = float(2 * stats.t.sf(abs(t), dof))
    lo = hi = float("nan")
    if n_boot:
        def stat(idx, axis=-1):
            idx = np.asarray(idx, dtype=int)
            if Z is None:
                return _r(x[idx], y[idx], method, None)
            return np.array([_r(x[i], y[i], method, Z[i]) for i in np.atleast_2d(idx)]).reshape(idx.shape[:-1])
        res = stats.bootstrap((np.arange(n),), stat, n_resamples=n_boot, confidence_level=confidence,
                              method="percentile", vectorized=True, random_state=np.random.default_rng(seed))
        lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
        if not (math.isfinite(lo) and math.isfinite(hi)):   # a resample without spread has no correlation
            raise ValueError(f"x and y have too few distinct pairs for a bootstrap interval: some of the n_boot = "
                             f"{n_boot} resamples of the {n} pairs have no spread, so no correlation is defined "
                             "there; pass n_boot=0 for no interval")
    return Correlation(r, p, lo, hi, n, method, confidence, label if Z is not None else "")


def correlate(x, y, method: str = "spearman", **kwargs) -> Correlation:
    """Correlation of x and y with a p-value (scipy) and a bootstrap CI (chapter 4).

    ``correlate(x, y)`` is :func:`partial_correlation` without covariates; keyword
    arguments (``n_boot``, ``confidence``, ``seed``) go there.
    """
    return partial_correlation(x, y, None, method, **kwargs)


@dataclass(frozen=True)
class CorrelationDifference:
    """Two measures' (partial) correlations with one target and their difference, with a paired bootstrap
    interval (chapter 4).

    a, b : the two measures' names; r_a, r_b : their correlations with the target (as
    :func:`partial_correlation` computes them); diff : ``r_b - r_a``; ci_low, ci_high : its percentile interval
    over ``n_boot`` resamples of the rows, both correlations computed on the same resample; p : two-sided
    bootstrap p of ``diff = 0`` (twice the share of resampled differences on the other side of 0, counting the
    observed one; at least ``2 / (n_boot + 1)``); n : rows; method; confidence; covariates : what was partialled
    out (``""`` if nothing).
    """

    a: str
    b: str
    r_a: float
    r_b: float
    diff: float
    ci_low: float
    ci_high: float
    p: float
    n: int
    method: str
    confidence: float = 0.95
    covariates: str = ""

    def __str__(self) -> str:
        part = f", partial on {self.covariates}" if self.covariates else ""
        return (f"{self.method} r({self.b}) - r({self.a}) = {self.r_b:+.2f} - ({self.r_a:+.2f}) = {self.diff:+.2f} "
                f"[{self.ci_low:+.2f}, {self.ci_high:+.2f}] ({100 * self.confidence:.0f}% paired bootstrap CI), "
                f"p = {self.p:.2g}, n = {self.n}{part}")


def correlation_difference(df, a: str, b: str, target: str, controls=(), method: str = "spearman", *,
                           n_boot: int = 2000, confidence: float = 0.95, seed: int = 0) -> CorrelationDifference:
    """Does measure ``b`` correlate with ``target`` more strongly than measure ``a``? (chapter 4)

    Both (partial) correlations are computed as :func:`partial_correlations` computes them, and the
    rows (networks) are resampled with replacement ``n_boot`` times; on each resample both
    correlations are recomputed, so the interval of their difference accounts for the two
    measures being taken on the same networks. A difference is resolved at level ``confidence``
    when its interval excludes 0.

    Parameters
    ----------
    df : pandas DataFrame, one row per network (e.g. :func:`mem.zoo.table`)
    a, b : column names of the two measures (different)
    target : column to correlate with (e.g. ``"log_lifetime"``)
    controls : columns partialled out of every correlation (a category or a number each), default none
    method : ``"spearman"`` (default) or ``"pearson"``
    n_boot : int in 100..:data:`MAX_BOOT`, bootstrap resamples
    confidence : float in (0, 1), the level of the interval
    seed : seeds the resampling (a non-negative integer)

    Raises
    ------
    ValueError
        for a degenerate fit (as :func:`partial_correlation`), or resamples without spread, on which a
        correlation is not defined.

    Returns
    -------
    :class:`CorrelationDifference`
    """
    _check_method(method)
    _frame(df)
    _column(df, a, "a")
    _column(df, b, "b")
    if a == b:
        raise ValueError(f"a and b must name two different measures, got {a!r} twice")
    _column(df, target, "target")
    controls = _columns(df, controls, "controls")
    n_boot = check_count("n_boot", n_boot, 100, MAX_BOOT)
    check_float("confidence", confidence, gt=0, lt=1)
    check_seed(seed)
    _no_nan(df, [a, b, target, *controls])
    cov = {c: df[c].to_numpy() for c in controls} or None
    first = partial_correlation(df[a], df[target], cov, method, n_boot=0)
    second = partial_correlation(df[b], df[target], cov, method, n_boot=0)
    xa, xb, y = (check_array(name, df[name]) for name in (a, b, target))
    n = len(y)
    Z, label = _covariates(cov, n)
    idx = np.random.default_rng(seed).integers(0, n, size=(n_boot, n))
    if Z is None:
        d = _r(xb[idx], y[idx], method, None) - _r(xa[idx], y[idx], method, None)
    else:
        d = np.array([_r(xb[i], y[i], method, Z[i]) - _r(xa[i], y[i], method, Z[i]) for i in idx])
    if not np.isfinite(d).all():
        raise ValueError(f"df has too few distinct rows for a bootstrap interval: some of the n_boot = {n_boot} "
                         f"resamples of its {n} rows have no spread, so no correlation is defined there")
    diff = second.r - first.r
    lo, hi = (float(q) for q in np.quantile(d, [(1 - confidence) / 2, (1 + confidence) / 2]))
    p = min(1.0, 2 * (1 + min(int((d <= 0).sum()), int((d >= 0).sum()))) / (n_boot + 1))
    return CorrelationDifference(a, b, first.r, second.r, float(diff), lo, hi, float(p), n, method, confidence,
                                 label if Z is not None else "")


@dataclass(frozen=True)
class PairedShift:
    """How far one measurement lies from another, pair by pair (chapter 4).

    median : median of ``after - before``; ci_low, ci_high : its percentile-bootstrap interval over the pairs;
    p : two-sided Wilcoxon signed-rank p of ``after - before`` against 0 (1.0 when every difference is 0);
    n : pairs; n_lower, n_higher : pairs with ``after < before`` and ``after > before``; confidence.
    """

    median: float
    ci_low: float
    ci_high: float
    p: float
    n: int
    n_lower: int
    n_higher: int
    confidence: float = 0.95

    def __str__(self) -> str:
        return (f"median shift {self.median:+.2f} [{self.ci_low:+.2f}, {self.ci_high:+.2f}] "
                f"({100 * self.confidence:.0f}% CI), lower in {self.n_lower}/{self.n}, higher in "
                f"{self.n_higher}/{self.n} (Wilcoxon p = {self.p:.2g})")


def paired_shift(before, after, *, n_boot: int = 2000, confidence: float = 0.95, seed: int = 0) -> PairedShift:
    """How far ``after`` lies from ``before``, pair by pair: e.g. what a larger search budget gains (chapter 4).

    Parameters
    ----------
    before, after : 1-D arrays of one length (at least 4), finite, pairs in the same order (e.g. one
        network's median ``log10 S`` after two search budgets)
    n_boot : int in 100..:data:`MAX_BOOT`, bootstrap resamples of the pairs for the median's interval
    confidence : float in (0, 1), the level of the interval
    seed : seeds the resampling (a non-negative integer)

    Returns
    -------
    :class:`PairedShift`
    """
    before, after = check_array("before", before, ndim=1, finite=True), check_array("after", after, ndim=1,
                                                                                    finite=True)
    if before.shape != after.shape:
        raise ValueError(f"before and after must have the same length, got {len(before)} and {len(after)}")
    if len(before) < 4:
        raise ValueError(f"before and after need at least 4 pairs, got {len(before)}")
    n_boot = check_count("n_boot", n_boot, 100, MAX_BOOT)
    check_float("confidence", confidence, gt=0, lt=1)
    check_seed(seed)
    d = after - before
    idx = np.random.default_rng(seed).integers(0, len(d), size=(n_boot, len(d)))
    lo, hi = (float(q) for q in np.quantile(np.median(d[idx], axis=1), [(1 - confidence) / 2, (1 + confidence) / 2]))
    p = 1.0 if not d.any() else float(stats.wilcoxon(d).pvalue)
    return PairedShift(float(np.median(d)), lo, hi, p, len(d), int((d < 0).sum()), int((d > 0).sum()), confidence)


def interval_verdict(ci_low: float, ci_high: float) -> str:
    """What a correlation's interval says (chapter 4): ``"negative"`` when it lies below 0, ``"positive"`` when
    above, ``"not resolved"`` when it contains 0. Both bounds are finite numbers, ``ci_low <= ci_high``."""
    lo, hi = check_float("ci_low", ci_low), check_float("ci_high", ci_high)
    if lo > hi:
        raise ValueError(f"ci_low must not exceed ci_high, got {lo!r} > {hi!r}")
    return "negative" if hi < 0 else "positive" if lo > 0 else "not resolved"


def measure_comparison(df, a: str, b: str, target: str, group: str = "arch", controls=(), method: str = "spearman",
                       *, n_boot: int = 2000, seed: int = 0):
    """Two measures side by side in every subset of :func:`correlation_table`, with the verdict each gives and
    whether they differ (chapter 4: the paper's speed at two search budgets).

    The rule, per subset (all rows, each level of ``group``, all rows partial on ``group``; ``controls``
    partialled out in each): a measure's verdict is :func:`interval_verdict` of its correlation's 95%
    bootstrap interval; the two measures *differ* when the paired-bootstrap 95% interval of ``r_b - r_a``
    (:func:`correlation_difference`) excludes 0, and their *verdicts agree* when they are the same.

    Parameters
    ----------
    df : pandas DataFrame, one row per network;  a, b : the two measures' columns (different)
    target : the column to correlate with;  group : categorical column (default ``"arch"``)
    controls : further columns partialled out in every subset;  method : ``"spearman"`` or ``"pearson"``
    n_boot : int in 100..:data:`MAX_BOOT`, bootstrap resamples;  seed : seeds every bootstrap

    Returns
    -------
    pandas.DataFrame
        One row per subset (named as :func:`correlation_table` names them), with the columns
        ``subset``, ``n``, ``r_a``, ``ci_low_a``, ``ci_high_a``, ``verdict_a``, ``r_b``, ``ci_low_b``,
        ``ci_high_b``, ``verdict_b``, ``diff``, ``ci_low``, ``ci_high``, ``p``, ``differ``, ``verdicts_agree``.
    """
    import pandas as pd

    _check_method(method)
    _frame(df)
    _column(df, a, "a")
    _column(df, b, "b")
    if a == b:
        raise ValueError(f"a and b must name two different measures, got {a!r} twice")
    _column(df, target, "target")
    _column(df, group, "group")
    controls = _columns(df, controls, "controls")
    n_boot = check_count("n_boot", n_boot, 100, MAX_BOOT)
    check_seed(seed)
    _no_nan(df, [a, b, target, group, *controls])
    rows = []
    levels = sorted(df[group].unique())
    for name, d, by in [("all", df, []), *[(str(lv), df[df[group] == lv], []) for lv in levels], ("all", df, [group])]:
        by = by + controls
        cov = {c: d[c].to_numpy() for c in by} or None
        ca, cb = (partial_correlation(d[m].to_numpy(), d[target].to_numpy(), cov, method, n_boot=n_boot, seed=seed)
                  for m in (a, b))
        diff = correlation_difference(d, a, b, target, by, method, n_boot=n_boot, seed=seed)
        va, vb = interval_verdict(ca.ci_low, ca.ci_high), interval_verdict(cb.ci_low, cb.ci_high)
        rows.append({"subset": f"{name} | {', '.join(by)}" if by else name, "n": len(d),
                     "r_a": ca.r, "ci_low_a": ca.ci_low, "ci_high_a": ca.ci_high, "verdict_a": va,
                     "r_b": cb.r, "ci_low_b": cb.ci_low, "ci_high_b": cb.ci_high, "verdict_b": vb,
                     "diff": diff.diff, "ci_low": diff.ci_low, "ci_high": diff.ci_high, "p": diff.p,
                     "differ": not diff.ci_low <= 0 <= diff.ci_high, "verdicts_agree": va == vb})
    return pd.DataFrame(rows)


def correlation_table(df, measures, target: str, group: str = "arch", methods=METHODS, controls=(), **kwargs):
    """Every measure against ``target``: pooled, within each level of ``group``, and partial on it (chapter 4).

    Parameters
    ----------
    df : pandas DataFrame, one row per network (e.g. :func:`mem.zoo.table`)
    measures : list of column names
    target : column name (e.g. ``"log_lifetime"``)
    group : categorical column (default ``"arch"``)
    methods : subset of :data:`METHODS`
    controls : further columns partialled out in every subset (categorical if they hold
        strings, e.g. ``df.hidden_size.astype(str)``), named after a ``|`` in ``subset``
    **kwargs : further arguments of :func:`partial_correlation`

    Returns
    -------
    pandas DataFrame with columns measure, subset ("all", each level, "all | group"),
    method, r, ci_low, ci_high, p, n.
    """
    import pandas as pd

    _frame(df)
    measures = _columns(df, measures, "measures")
    _column(df, target, "target")
    _column(df, group, "group")
    controls = _columns(df, controls, "controls")
    methods = check_names("methods", methods)
    if not methods:
        raise ValueError(f"methods must name at least one of {METHODS}, got none")
    for m in methods:
        _check_method(m, "methods")
    _no_nan(df, [*measures, target, group, *controls])
    rows = []
    levels = sorted(df[group].unique())
    for m in measures:
        for method in methods:
            subsets = [("all", df, []), *[(str(lv), df[df[group] == lv], []) for lv in levels],
                       ("all", df, [group])]
            for name, d, by in subsets:
                by = by + controls
                cov = {c: d[c].to_numpy() for c in by} or None
                if by:
                    name = f"{name} | {', '.join(by)}"
                c = partial_correlation(d[m].to_numpy(), d[target].to_numpy(), cov, method, **kwargs)
                rows.append({"measure": m, "subset": name, "method": method, "r": c.r, "ci_low": c.ci_low,
                             "ci_high": c.ci_high, "p": c.p, "n": c.n})
    return pd.DataFrame(rows)


def wide_table(table, method: str = "spearman", labels: dict | None = None, star: float = 0.01):
    """A :func:`correlation_table` for reading: one row per measure, one column per subset (chapter 4).

    Each cell is ``"r [ci_low, ci_high]"``, with ``*`` when ``p < star``. ``labels`` renames
    the measures. Returns a pandas DataFrame of strings, rows and columns in the table's order.
    """
    _check_method(method)
    _frame(table, "table")
    missing = [c for c in ("measure", "subset", "method", "r", "ci_low", "ci_high", "p") if c not in table.columns]
    if missing:
        raise ValueError(f"table must be a correlation_table, got one without the columns {missing}")
    labels = _labels(labels)
    star = check_float("star", star, ge=0, le=1)
    t = table[table["method"] == method]
    if t.empty:
        raise ValueError(f"method {method!r} has no rows in this table")
    cell = t.apply(lambda r: f"{r.r:+.2f} [{r.ci_low:+.2f}, {r.ci_high:+.2f}]" + ("*" if r.p < star else ""), axis=1)
    wide = t.assign(cell=cell).pivot(index="measure", columns="subset", values="cell")
    wide = wide.loc[list(dict.fromkeys(t["measure"])), list(dict.fromkeys(t["subset"]))]
    wide.index = [labels.get(m, m) for m in wide.index]
    wide.columns.name = "subset"
    return wide


def within_network(df, x: str, y: str, network: str = "network", method: str = "spearman", *,
                   min_classes: int = 5):
    """Correlation across the classes of each network, and whether it holds across networks (chapter 4).

    Parameters
    ----------
    df : pandas DataFrame, one row per (network, class), e.g. :func:`mem.zoo.class_table`
    x, y : column names (e.g. a per-class speed measure and the per-class accuracy at a delay)
    network : column naming the network
    method : "spearman" (default) or "pearson"
    min_classes : networks with fewer usable classes are skipped (a positive integer; at least one network must
        be left)

    Returns
    -------
    (per_network, summary): a DataFrame with one row per network (network, r, n), and a
    dict with ``mean_r``, ``median_r``, ``n_networks``, ``n_negative``, the Wilcoxon
    signed-rank test of the per-network r against 0 (``wilcoxon_p``, NaN with fewer than 6
    networks), and the pooled correlation after removing each network's mean (``pooled``: a
    Correlation without bootstrap, partial on the network as a category; None with one network).
    """
    import pandas as pd

    _check_method(method)
    _frame(df)
    for name, col in (("x", x), ("y", y), ("network", network)):
        _column(df, col, name)
    min_classes = check_int("min_classes", min_classes)
    d = df[[network, x, y]].replace([np.inf, -np.inf], np.nan) if method == "pearson" else df[[network, x, y]]
    d = d.dropna()
    rows = []
    for name, g in d.groupby(network, sort=True):
        if len(g) < min_classes or g[x].nunique() < 2 or g[y].nunique() < 2:
            continue
        t = stats.spearmanr(g[x], g[y]) if method == "spearman" else stats.pearsonr(g[x], g[y])
        rows.append({network: name, "r": float(t.statistic), "n": len(g)})
    per = pd.DataFrame(rows, columns=[network, "r", "n"])
    if per.empty:
        raise ValueError(f"min_classes: no network has {min_classes} or more classes with varying {x!r} and {y!r}, "
                         "so there is nothing to summarise")
    kept = d[d[network].isin(per[network])]
    r = per["r"].to_numpy()
    summary = {"mean_r": float(np.mean(r)) if len(r) else float("nan"),
               "median_r": float(np.median(r)) if len(r) else float("nan"),
               "n_networks": len(r), "n_negative": int((r < 0).sum()),
               "wilcoxon_p": float(stats.wilcoxon(r).pvalue) if len(r) >= 6 else float("nan"),
               "pooled": partial_correlation(kept[x].to_numpy(), kept[y].to_numpy(), kept[network].to_numpy(),
                                             method, n_boot=0) if len(per) >= 2 else None}
    return per, summary


def _check_keyed(values) -> dict:
    """``values`` as ``{(group, condition, seed): float}``, or a clear error."""
    if not isinstance(values, dict):
        raise TypeError(f"values must be a dict {{(group, condition, seed): float}}, got {type(values).__name__}")
    if not values or not all(isinstance(k, tuple) and len(k) == 3 for k in values):
        raise ValueError("values must be a non-empty dict {(group, condition, seed): float}")
    out = {}
    for k, v in values.items():
        if v is None or isinstance(v, (str, bytes, bool, np.bool_)):
            raise TypeError(f"values must map (group, condition, seed) to a number, got {v!r} at {k}")
        try:
            out[k] = float(v)
        except (TypeError, ValueError):
            raise TypeError(f"values must map (group, condition, seed) to a number, got {v!r} at {k}") from None
        if math.isnan(out[k]):
            raise ValueError(f"values must not hold NaN, got NaN at {k}")
    return out


def _kind(v) -> str:
    """What sort of key ``v`` is: "str", "number" or its type's name (a condition must match the others' sort)."""
    if isinstance(v, str):
        return "str"
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        return "number"
    return type(v).__name__


def _condition(name: str, c, present, where: str = "a condition of values") -> None:
    """``c`` must be one of ``present`` (a TypeError for another sort of thing than they are)."""
    if _kind(c) not in {_kind(p) for p in present}:
        raise TypeError(f"{name} must be {where}, one of {sorted(map(str, present))}, got {c!r} "
                        f"({type(c).__name__})")
    if c not in present:
        raise ValueError(f"{name} must be {where}, one of {sorted(map(str, present))}, got {c!r}")


@dataclass(frozen=True)
class SeedSpread:
    """How a positive quantity spreads between conditions and between seeds, per group (chapter 2).

    Attributes
    ----------
    values : dict ``{(group, condition, seed): float}``, the quantity of each network
    groups, conditions, seeds : lists, in the order used (groups and seeds sorted)
    gmean : dict ``{(group, condition): float}``, geometric mean over the seeds
    seed_ratio : dict ``{(group, condition): float}``, largest / smallest value over the seeds
    condition_ratio : dict ``{group: float}``, largest / smallest geometric mean over the conditions
    order : dict ``{group: [condition, ...]}``, conditions by decreasing geometric mean
    separated : dict ``{group: bool}``, every seed of each condition above every seed of the next in ``order``
    """

    values: dict
    groups: list
    conditions: list
    seeds: list
    gmean: dict
    seed_ratio: dict
    condition_ratio: dict
    order: dict
    separated: dict

    def table(self, labels: dict | None = None, condition: str = "protocol") -> str:
        """A table of the values, geometric means and seed ratios, then one summary line per group.

        ``labels`` maps conditions to display names (default their own); groups are upper-cased
        (architectures: GRU, LSTM); ``condition`` names what the conditions are.
        """
        name = _labels(labels).get
        condition = check_str("condition", condition)
        lines = [f"{'':6}{condition:10}" + "".join(f"{'seed ' + str(s):>10}" for s in self.seeds)
                 + f"{'geo. mean':>11}{'max/min':>9}"]
        for g in self.groups:
            for c in self.conditions:
                lines.append(f"{str(g).upper():6}{name(c, str(c)):10}"
                             + "".join(f"{self.values[g, c, s]:10.0f}" for s in self.seeds)
                             + f"{self.gmean[g, c]:11.0f}{self.seed_ratio[g, c]:9.2f}")
        lines.append("")
        for g in self.groups:
            ratios = [self.seed_ratio[g, c] for c in self.conditions]
            lines.append(f"{str(g).upper()}: seed-to-seed ratio within a {condition} {min(ratios):.2f} to "
                         f"{max(ratios):.2f}; ratio between the {condition}s' geometric means "
                         f"{self.condition_ratio[g]:.1f}")
        return "\n".join(lines)

    def ordering(self, labels: dict | None = None, condition: str = "protocol") -> str:
        """One line per group: its conditions by decreasing geometric mean, and whether the seeds separate them."""
        name = _labels(labels).get
        condition = check_str("condition", condition)
        return "\n".join(f"{str(g).upper()}: " + " > ".join(name(c, str(c)) for c in self.order[g])
                         + (f"   (every seed above every seed of the next {condition})" if self.separated[g]
                            else "   (seeds overlap)") for g in self.groups)


def seed_spread(values, conditions=None) -> SeedSpread:
    """Spread of a positive quantity (a memory lifetime, say) between conditions and between seeds (chapter 2).

    Does the training protocol set how far memory extrapolates, or is it the seed? Per group
    (architecture), this compares the ratio between the conditions' geometric means with the
    ratio between the seeds of one condition, and orders the conditions.

    Parameters
    ----------
    values : dict ``{(group, condition, seed): float}``, positive, every combination present
        (e.g. ``{("gru", "decu", 0): 112.0, ...}``)
    conditions : sequence, optional, the conditions in display order (default: first appearance)

    Returns
    -------
    :class:`SeedSpread`
    """
    values = _check_keyed(values)
    groups = sorted({g for g, _, _ in values})
    seeds = sorted({s for _, _, s in values})
    present = list(dict.fromkeys(c for _, c, _ in values))
    if conditions is None:
        conditions = present
    else:
        if isinstance(conditions, (str, bytes)) or not hasattr(conditions, "__iter__"):
            raise TypeError(f"conditions must be a sequence of conditions of values, got {conditions!r}")
        conditions = list(conditions)
        if not conditions:
            raise ValueError("conditions must name at least one condition of values, got none")
        for c in conditions:
            _condition("conditions", c, present)
    missing = [(g, c, s) for g in groups for c in conditions for s in seeds if (g, c, s) not in values]
    if missing:
        raise ValueError(f"values must hold every (group, condition, seed); missing {missing[:3]}")
    if not all(v > 0 for v in values.values()):
        raise ValueError("values must be positive (ratios and geometric means are taken)")
    gmean = {(g, c): float(np.exp(np.mean(np.log([values[g, c, s] for s in seeds])))) for g in groups
             for c in conditions}
    seed_ratio = {(g, c): max(values[g, c, s] for s in seeds) / min(values[g, c, s] for s in seeds)
                  for g in groups for c in conditions}
    condition_ratio = {g: max(gmean[g, c] for c in conditions) / min(gmean[g, c] for c in conditions) for g in groups}
    order = {g: sorted(conditions, key=lambda c, g=g: -gmean[g, c]) for g in groups}
    separated = {g: all(min(values[g, hi, s] for s in seeds) > max(values[g, lo, s] for s in seeds)
                        for hi, lo in zip(order[g], order[g][1:])) for g in groups}
    return SeedSpread(values, groups, conditions, seeds, gmean, seed_ratio, condition_ratio, order, separated)


@dataclass(frozen=True)
class ConditionComparison:
    """Condition ``a`` against condition ``b`` over seeds, per group and pooled (chapter 2).

    Attributes
    ----------
    a, b : the two conditions
    values_a, values_b : dict ``{group: [float, ...]}``, one value per seed
    longer : dict ``{group: int}``, seed pairs (one of ``a``, one of ``b``) in which ``a`` is larger
    n_pairs : int, seed pairs per group
    same_direction : bool, ``a`` larger in most pairs in every group, or smaller in every group
    statistic, pvalue : exact two-sided Mann-Whitney U of the pooled values of ``a`` against ``b``
    n_a, n_b : pooled sample sizes
    p_floor : smallest two-sided p possible within one group (complete separation)
    p_floor_pooled : smallest two-sided p possible with ``n_a`` against ``n_b`` values
    p_one_swap : two-sided p if the two middle values of a complete separation swapped ranks
    """

    a: object
    b: object
    values_a: dict
    values_b: dict
    longer: dict
    n_pairs: int
    same_direction: bool
    statistic: float
    pvalue: float
    n_a: int
    n_b: int
    p_floor: float
    p_floor_pooled: float
    p_one_swap: float

    def report(self, labels: dict | None = None, group: str = "architecture") -> str:
        """Per group the values and the pair count, then the test's floors and the pooled test, as text."""
        name = _labels(labels).get
        group = check_str("group", group)
        a, b = name(self.a, str(self.a)), name(self.b, str(self.b))
        n_seeds = len(next(iter(self.values_a.values())))
        lines = [f"{str(g).upper()}: {b} {[round(v) for v in self.values_b[g]]}, {a} "
                 f"{[round(v) for v in self.values_a[g]]}; {a} longer in {self.longer[g]} of {self.n_pairs} "
                 f"{b}-{a} pairs" for g in self.longer]
        both = "both" if len(self.longer) == 2 else "all"
        lines += ["", f"smallest possible two-sided p: {self.p_floor:.3f} with {n_seeds} vs {n_seeds} values, "
                  f"{self.p_floor_pooled:.3f} with {self.n_a} vs {self.n_b} ({self.p_one_swap:.3f} if the two "
                  f"middle networks swapped ranks)",
                  f"pooled over {group}s (same direction in {both}: {self.same_direction}): Mann-Whitney U = "
                  f"{self.statistic:.0f}, n = {self.n_a} {a} vs {self.n_b} {b}, exact two-sided p = {self.pvalue:.3f}"]
        return "\n".join(lines)


def compare_conditions(values, a, b) -> ConditionComparison:
    """Is condition ``a`` larger than condition ``b``, seed for seed, in every group (chapter 2)?

    With two seeds per cell no test within one group can be significant, so the groups are
    pooled into one exact two-sided Mann-Whitney test; the floors of that test (complete
    separation, and complete separation but for one swap) are returned with it.

    Parameters
    ----------
    values : dict ``{(group, condition, seed): float}``, e.g. memory lifetimes of the zoo networks
    a, b : two conditions present in ``values`` (e.g. ``"vocu"``, ``"decu"``)

    Returns
    -------
    :class:`ConditionComparison`
    """
    values = _check_keyed(values)
    present = {c for _, c, _ in values}
    for arg, c in (("a", a), ("b", b)):
        _condition(arg, c, present)
    if a == b:
        raise ValueError(f"a and b must be two different conditions, got {a!r} twice")
    groups = sorted({g for g, _, _ in values})
    seeds = sorted({s for _, _, s in values})
    va = {g: [values[g, a, s] for s in seeds if (g, a, s) in values] for g in groups}
    vb = {g: [values[g, b, s] for s in seeds if (g, b, s) in values] for g in groups}
    n_pairs = len(seeds) ** 2
    longer = {g: sum(x > y for x in va[g] for y in vb[g]) for g in groups}
    same = all(n > n_pairs / 2 for n in longer.values()) or all(n < n_pairs / 2 for n in longer.values())
    pooled_a, pooled_b = [v for g in groups for v in va[g]], [v for g in groups for v in vb[g]]
    test = stats.mannwhitneyu(pooled_a, pooled_b, alternative="two-sided", method="exact")
    n_a, n_b, k = len(pooled_a), len(pooled_b), len(seeds)
    p_floor = stats.mannwhitneyu(range(k), range(k, 2 * k), alternative="two-sided", method="exact").pvalue
    p_floor_pooled = stats.mannwhitneyu(range(n_b), range(n_b, n_b + n_a), method="exact").pvalue
    p_one_swap = stats.mannwhitneyu([n_b - 1, *range(n_b + 1, n_b + n_a)], [*range(n_b - 1), n_b],
                                    method="exact").pvalue
    return ConditionComparison(a, b, va, vb, longer, n_pairs, bool(same), float(test.statistic), float(test.pvalue),
                               n_a, n_b, float(p_floor), float(p_floor_pooled), float(p_one_swap))


@dataclass(frozen=True)
class PairTest:
    """Condition ``a`` against condition ``b`` in one group, over seeds (chapter 2).

    Attributes
    ----------
    group, a, b : the group and the two conditions (in :attr:`ProtocolTests.pairs`, ``a`` has the larger
        geometric mean; :meth:`ProtocolTests.pair` returns them in the order asked for)
    ratio : geometric mean of ``a`` over that of ``b``
    ci : (low, high), the 95% percentile-bootstrap interval of ``ratio`` (seeds resampled within each condition)
    pvalue : two-sided permutation p of the difference of mean logs (exact: every relabelling of the seeds)
    p_holm : ``pvalue`` Holm-adjusted over the group's pairs
    p_floor : the smallest two-sided p this test can give with these numbers of seeds
    significant : ``p_holm < alpha``
    """

    group: object
    a: object
    b: object
    ratio: float
    ci: tuple
    pvalue: float
    p_holm: float
    p_floor: float
    significant: bool


@dataclass(frozen=True)
class ProtocolTests:
    """Do the conditions (training protocols) differ, beyond the seeds, in each group (chapter 2)?

    Attributes
    ----------
    groups, conditions : in display order; ``n_seeds`` : dict ``{group: seeds per condition}``
    gmean, gmean_ci : dict ``{(group, condition): float}`` and ``{(group, condition): (low, high)}``, the
        geometric mean over seeds and its 95% percentile-bootstrap interval
    seed_ratio : dict ``{(group, condition): float}``, largest over smallest value among the seeds of a cell
    order : dict ``{group: [conditions by decreasing geometric mean]}``
    pairs : dict ``{(group, hi, lo): PairTest}`` for every pair of conditions
    eta2 : dict ``{group: float}``, the share of the variance of the log values that the condition explains
    p_condition : dict ``{group: float}``, permutation p of ``eta2`` (condition labels shuffled among the
        group's networks; ``n_perm`` random relabellings, or all of them when fewer)
    alpha : the significance level of the verdicts
    """

    groups: list
    conditions: list
    n_seeds: dict
    gmean: dict
    gmean_ci: dict
    seed_ratio: dict
    order: dict
    pairs: dict
    eta2: dict
    p_condition: dict
    alpha: float

    def resolved(self, group) -> list:
        """The adjacent pairs of ``order[group]`` whose difference is significant (Holm), as ``(hi, lo)``."""
        o = self.order[group]
        return [(h, lo) for h, lo in zip(o, o[1:]) if self.pair(group, h, lo).significant]

    def pair(self, group, a, b) -> PairTest:
        """The test of condition ``a`` against ``b`` in ``group``: its ``ratio`` and ``ci`` are ``a`` over ``b``."""
        if (group, a, b) in self.pairs:
            return self.pairs[group, a, b]
        if (group, b, a) in self.pairs:
            t = self.pairs[group, b, a]
            return replace(t, a=a, b=b, ratio=1 / t.ratio, ci=(1 / t.ci[1], 1 / t.ci[0]))
        raise ValueError(f"group, a and b must name a group and two different conditions of the tests "
                         f"(groups {self.groups}, conditions {self.conditions}), got {group!r}, {a!r}, {b!r}")

    def verdict(self, group) -> str:
        """"yes": the condition matters (``p_condition < alpha``) and every step of the ordering is significant;
        "partly": it matters but some step is not resolved; "no": ``p_condition >= alpha``."""
        if self.p_condition[group] >= self.alpha:
            return "no"
        return "yes" if len(self.resolved(group)) == len(self.order[group]) - 1 else "partly"

    def table(self, labels: dict | None = None) -> str:
        """Per group: geometric means with intervals, each pair's ratio, interval and p, and the verdict, as text."""
        name = _labels(labels).get
        lines = []
        for g in self.groups:
            lines.append(f"{name(g, str(g))} ({self.n_seeds[g]} seeds per protocol): protocol explains "
                         f"{self.eta2[g]:.0%} of the variance of log lifetime, permutation p = "
                         f"{self.p_condition[g]:.3g}; verdict: {self.verdict(g)}")
            for c in self.order[g]:
                lo, hi = self.gmean_ci[g, c]
                lines.append(f"    {name(c, str(c)):6} geometric mean {self.gmean[g, c]:6.0f}  (95% CI {lo:5.0f} to "
                             f"{hi:5.0f}), seeds span x{self.seed_ratio[g, c]:.2f}")
            for (gg, a, b), t in self.pairs.items():
                if gg == g:
                    lines.append(f"    {name(a, str(a))} / {name(b, str(b))}: x{t.ratio:.2f} (95% CI {t.ci[0]:.2f} to "
                                 f"{t.ci[1]:.2f}), exact p = {t.pvalue:.3g}, Holm {t.p_holm:.3g} "
                                 f"(floor {t.p_floor:.3g}): {'significant' if t.significant else 'not resolved'}")
        return "\n".join(lines)


def _diff_of_means(a, b, axis=-1):
    return np.mean(a, axis=axis) - np.mean(b, axis=axis)


def _eta2(*samples, axis=-1):
    """Between-condition share of the total sum of squares, for samples along ``axis`` (vectorised)."""
    x = np.concatenate(samples, axis=axis)
    grand = np.mean(x, axis=axis, keepdims=True)
    total = np.sum((x - grand) ** 2, axis=axis)
    between = sum(s.shape[axis] * (np.mean(s, axis=axis) - np.squeeze(grand, axis)) ** 2 for s in samples)
    return between / np.where(total > 0, total, 1.0)


def protocol_tests(values, conditions=None, *, alpha: float = 0.05, n_boot: int = 10_000, n_perm: int = 9_999,
                   seed: int = 0) -> ProtocolTests:
    """Test whether conditions (training protocols) differ beyond the spread between seeds (chapter 2).

    The rule, per group (an architecture and size), on the logarithm of the values (a lifetime's
    ratio is what matters):

    * a pair of conditions differs when an exact two-sided permutation test of the difference of
      mean logs (every relabelling of the seeds) gives ``p < alpha`` after Holm's correction over the
      group's pairs; the ratio of geometric means comes with a 95% percentile-bootstrap interval;
    * the condition matters when a permutation test of ``eta2`` (the share of the variance of
      the logs explained by the condition) gives ``p < alpha``; the verdict
      (:meth:`ProtocolTests.verdict`) is "yes" when, in addition, every step of the ordering by
      geometric mean is significant, "partly" when some step is not, "no" otherwise.

    With 3 seeds a pair's exact test cannot go below p = 0.1 (``PairTest.p_floor``): no pair can be
    significant, which the verdict then says. Bootstrap intervals over so few seeds are rough.

    Parameters
    ----------
    values : dict ``{(group, condition, seed): float}``, positive and finite, the same seeds in every condition
        of a group (groups may have different numbers of seeds)
    conditions : sequence, optional, the conditions in display order (default: first appearance)
    alpha : float in (0, 1), the significance level
    n_boot : int in 100..:data:`MAX_BOOT`, bootstrap resamples;  n_perm : int in 100..:data:`MAX_BOOT`,
        random relabellings of the condition test (all of them when fewer exist)
    seed : int, seeds the bootstrap and the random relabellings

    Returns
    -------
    :class:`ProtocolTests`
    """
    values = _check_keyed(values)
    check_float("alpha", alpha, gt=0, lt=1)
    n_boot = check_count("n_boot", n_boot, 100, MAX_BOOT)
    n_perm = check_count("n_perm", n_perm, 100, MAX_BOOT)
    check_seed(seed)
    present = list(dict.fromkeys(c for _, c, _ in values))
    if conditions is None:
        conditions = present
    else:
        if isinstance(conditions, (str, bytes)) or not hasattr(conditions, "__iter__"):
            raise TypeError(f"conditions must be a sequence of conditions of values, got {conditions!r}")
        conditions = list(conditions)
        for c in conditions:
            _condition("conditions", c, present)
    if len(conditions) < 2:
        raise ValueError(f"conditions (and values) must hold at least two conditions, got {conditions!r}")
    if not all(v > 0 for v in values.values()):
        raise ValueError("values must be positive (logarithms, ratios and geometric means are taken)")
    if not all(math.isfinite(v) for v in values.values()):
        raise ValueError("values must be finite: a lifetime that outlasts the probe (inf) has no geometric mean; "
                         "censor it at the longest probed delay first (which understates it)")
    groups = list(dict.fromkeys(g for g, _, _ in values))
    rng = np.random.default_rng(seed)
    n_seeds, logs = {}, {}
    for g in groups:
        seeds = sorted({s for gg, _, s in values if gg == g})
        missing = [(g, c, s) for c in conditions for s in seeds if (g, c, s) not in values]
        if missing:
            raise ValueError(f"values must hold the same seeds in every condition of a group; missing {missing[:3]}")
        if len(seeds) < 2:
            raise ValueError(f"values must hold at least 2 seeds per condition, got {len(seeds)} in group {g!r}")
        n_seeds[g] = len(seeds)
        for c in conditions:
            logs[g, c] = np.log([values[g, c, s] for s in seeds])
    gmean, gmean_ci, seed_ratio = {}, {}, {}
    for key, lg in logs.items():
        gmean[key] = float(np.exp(lg.mean()))
        seed_ratio[key] = float(np.exp(lg.max() - lg.min()))
        ci = stats.bootstrap((lg,), np.mean, n_resamples=n_boot, method="percentile",
                             random_state=rng).confidence_interval
        gmean_ci[key] = (float(np.exp(ci.low)), float(np.exp(ci.high)))
    order = {g: sorted(conditions, key=lambda c, g=g: -gmean[g, c]) for g in groups}
    pairs, eta2, p_condition = {}, {}, {}
    for g in groups:
        raw = {}
        k = n_seeds[g]
        floor = 2 / math.comb(2 * k, k)
        for i, a in enumerate(order[g]):
            for b in order[g][i + 1:]:
                la, lb = logs[g, a], logs[g, b]
                p = stats.permutation_test((la, lb), _diff_of_means, permutation_type="independent",
                                           n_resamples=np.inf, vectorized=True, alternative="two-sided").pvalue
                ci = stats.bootstrap((la, lb), _diff_of_means, n_resamples=n_boot, method="percentile",
                                     random_state=rng).confidence_interval
                raw[a, b] = (float(np.exp(la.mean() - lb.mean())), (float(np.exp(ci.low)), float(np.exp(ci.high))),
                             min(1.0, float(p)))
        ranked = sorted(raw, key=lambda ab: raw[ab][2])      # Holm's step-down adjustment (not in scipy)
        adjusted, running = {}, 0.0
        for i, ab in enumerate(ranked):
            running = max(running, min(1.0, (len(ranked) - i) * raw[ab][2]))
            adjusted[ab] = running
        for (a, b), (ratio, ci, p) in raw.items():
            pairs[g, a, b] = PairTest(g, a, b, ratio, ci, p, adjusted[a, b], floor, adjusted[a, b] < alpha)
        samples = [logs[g, c] for c in conditions]
        eta2[g] = float(_eta2(*samples))
        p_condition[g] = float(stats.permutation_test(samples, _eta2, permutation_type="independent",
                                                      n_resamples=n_perm, vectorized=True, alternative="greater",
                                                      random_state=rng).pvalue)
    return ProtocolTests(groups, conditions, n_seeds, gmean, gmean_ci, seed_ratio, order, pairs, eta2, p_condition,
                         alpha)


#: The agreement of one pair of conditions between two :class:`ProtocolTests` (:func:`compare_orderings`).
AGREEMENTS = ("confirmed", "same direction", "opposite direction", "contradicted")


def compare_orderings(tests: ProtocolTests, other: ProtocolTests, groups=None):
    """Does an ordering of conditions carry over? Each pair of conditions in two sets of tests (chapter 2).

    For example the same architectures trained with the same protocols on two datasets: for every
    group present in both and every pair of conditions, the ratio of geometric means in each (oriented
    as in ``tests``: ``a`` is the condition with the larger geometric mean there), whether each is
    significant (Holm, as :func:`protocol_tests` decides), and their agreement, one of
    :data:`AGREEMENTS`:

    * ``"confirmed"``: the same direction, significant in both;
    * ``"same direction"``: the same direction, not significant in at least one;
    * ``"opposite direction"``: opposite directions, significant in at most one;
    * ``"contradicted"``: opposite directions, significant in both.

    Parameters
    ----------
    tests, other : :class:`ProtocolTests`, :func:`protocol_tests`' results, with the same conditions
    groups : sequence of str, optional, the groups to compare (default: those of ``tests`` also in ``other``)

    Returns
    -------
    pandas DataFrame
        One row per (group, pair), with the columns ``group``, ``a``, ``b``, ``ratio``, ``ci_low``,
        ``ci_high``, ``significant``, ``other_ratio``, ``other_ci_low``, ``other_ci_high``,
        ``other_significant`` and ``agreement``.
    """
    import pandas as pd

    for name, t in (("tests", tests), ("other", other)):
        if not isinstance(t, ProtocolTests):
            raise TypeError(f"{name} must be a mem.analysis.ProtocolTests (protocol_tests' result), "
                            f"got {type(t).__name__}")
    if set(tests.conditions) != set(other.conditions):
        raise ValueError(f"tests and other must test the same conditions, got {tests.conditions} and "
                         f"{other.conditions}")
    shared = [g for g in tests.groups if g in other.groups]
    if groups is None:
        groups = shared
    else:
        groups = check_names("groups", groups)
        if not groups:
            raise ValueError(f"groups must name at least one group of both tests ({shared}), got none")
        for g in groups:
            if g not in shared:
                raise ValueError(f"groups must name groups of both tests ({shared}), got {g!r}")
    if not groups:
        raise ValueError(f"tests and other must share a group, got {tests.groups} and {other.groups}")
    rows = []
    for g in groups:
        o = tests.order[g]
        for i, a in enumerate(o):
            for b in o[i + 1:]:
                t, u = tests.pair(g, a, b), other.pair(g, a, b)
                same = (u.ratio > 1) == (t.ratio > 1)
                both = t.significant and u.significant
                agreement = AGREEMENTS[(0 if both else 1) if same else (3 if both else 2)]
                rows.append({"group": g, "a": a, "b": b, "ratio": t.ratio, "ci_low": t.ci[0], "ci_high": t.ci[1],
                             "significant": t.significant, "other_ratio": u.ratio, "other_ci_low": u.ci[0],
                             "other_ci_high": u.ci[1], "other_significant": u.significant, "agreement": agreement})
    return pd.DataFrame(rows)


def group_contrast(table, by: str, group, value: str):
    """Is ``value`` larger in one group of networks than in the rest? (chapter 6's bridge)

    Parameters
    ----------
    table : pandas DataFrame, one row per network
    by : column naming each network's group (e.g. ``"init"``)
    group : the group tested (e.g. ``"chain"``)
    value : column compared (e.g. ``"lifetime"``)

    Returns
    -------
    (inside, others, test, ratio): ``value`` of the group's networks and of the others (Series); the
    one-sided Mann-Whitney U test that the group's values are larger (scipy's result, exact for small
    samples); and the group's median over each other group's median (Series indexed by group, sorted).
    """
    _frame(table, "table")
    for name, col in (("by", by), ("value", value)):
        _column(table, col, name, "table")
    _no_nan(table, [by, value], "table")
    _condition("group", group, set(table[by]), f"a value of table[{by!r}]")
    inside = table[table[by] == group][value]
    if inside.empty:
        raise ValueError(f"group must be a value of table[{by!r}], got {group!r}")
    others = table[table[by] != group][value]
    test = stats.mannwhitneyu(inside, others, alternative="greater")
    medians = table.groupby(by)[value].median()
    return inside, others, test, medians[group] / medians.drop(group)


def correlate_groups(x: dict, y: dict, method: str = "spearman") -> dict:
    """Correlation of ``y`` with ``x`` over all networks and within each architecture (chapters 3, 4).

    Parameters
    ----------
    x, y : dicts ``{(arch, protocol, seed): float}`` with the same keys (e.g. a speed and the memory lifetime)
    method : ``"spearman"`` or ``"pearson"``

    Returns
    -------
    dict ``{"all": Correlation, arch: Correlation, ...}``, the architectures in sorted order (no bootstrap).
    """
    if not isinstance(x, dict) or not isinstance(y, dict):
        raise TypeError(f"x and y must be dicts {{(arch, protocol, seed): float}}, got {type(x).__name__}, "
                        f"{type(y).__name__}")
    if set(x) != set(y) or not x:
        raise ValueError("x and y must have the same non-empty set of keys")
    if not all(isinstance(k, tuple) and k for k in x):
        raise ValueError("x and y must be keyed by (arch, protocol, seed) tuples")
    _check_method(method)
    keys = sorted(x)
    subsets = {"all": keys, **{a: [k for k in keys if k[0] == a] for a in sorted({k[0] for k in keys})}}
    return {s: correlate([x[k] for k in ks], [y[k] for k in ks], method, n_boot=0) for s, ks in subsets.items()}


def movement_ratio(a, b) -> tuple:
    """How much more ``a`` moves than ``b``: the ratio of their medians, with an exact two-sided Mann-Whitney
    test (chapter 3).

    Parameters
    ----------
    a, b : 1-D arrays, e.g. the ``all`` movements of two :func:`mem.formation.stage_movement` results

    Returns
    -------
    (float ratio of medians, scipy's MannwhitneyuResult)
    """
    a, b = check_array("a", a), check_array("b", b)
    if a.ndim != 1 or b.ndim != 1 or not len(a) or not len(b):
        raise ValueError(f"a and b must be non-empty 1-D arrays, got shapes {a.shape} and {b.shape}")
    for name, v in (("a", a), ("b", b)):
        if not np.isfinite(v).all():
            raise ValueError(f"{name} must be finite (no NaN or inf)")
    if not np.median(b) > 0:
        raise ValueError(f"b must have a median > 0 (it divides), got {np.median(b)!r}")
    return np.median(a) / np.median(b), stats.mannwhitneyu(a, b, alternative="two-sided", method="exact")


def _columns(df, names, what: str) -> list:
    if isinstance(names, str):
        raise TypeError(f"{what} must be a sequence of column names, got a str")
    names = check_names(what, names)
    for c in names:
        if c not in df.columns:
            raise ValueError(f"{what} must be columns of df; {c!r} is not (columns: {list(df.columns)})")
    return names


def partial_correlations(df, measures, target: str, controls=("arch", "size"), method: str = "spearman", *,
                         n_boot: int = 2000, ranked=()) -> dict:
    """Each measure's correlation with ``target`` after removing what ``controls`` explain (chapter 4).

    Parameters
    ----------
    df : pandas DataFrame, one row per network (e.g. :func:`mem.zoo.table`)
    measures : column names of the measures
    target : column to correlate with (e.g. ``"log_lifetime"`` or ``"acc_200"``)
    controls : columns partialled out, each a category or a number (:func:`partial_correlation`)
    method : ``"spearman"`` or ``"pearson"``
    n_boot : bootstrap resamples for the interval (0: none)
    ranked : controls entered as their ranks (``scipy.stats.rankdata``), e.g. another speed measure

    Returns
    -------
    dict ``{measure: Correlation}``.
    """
    _check_method(method)
    _frame(df)
    measures = _columns(df, measures, "measures")
    controls = _columns(df, controls, "controls")
    _column(df, target, "target")
    for c in _columns(df, ranked, "ranked"):
        if c not in controls:
            raise ValueError(f"ranked must name controls, got {c!r} (controls: {controls})")
    _no_nan(df, [*measures, target, *controls])
    covariates = {c: stats.rankdata(df[c]) if c in ranked else df[c].to_numpy() for c in controls} or None
    return {m: partial_correlation(df[m], df[target], covariates, method, n_boot=n_boot) for m in measures}


def delay_correlations(df, measures, delays, controls=("arch", "size"), labels: dict | None = None):
    """Partial correlation of each measure with the accuracy at each delay (chapter 4).

    Parameters
    ----------
    df : pandas DataFrame, one row per network, with a column ``acc_<delay>`` per delay (:func:`mem.zoo.table`)
    measures : column names of the measures
    delays : the delays (each needs its ``acc_<delay>`` column)
    controls : columns partialled out (:func:`partial_correlations`)
    labels : ``{measure: display name}`` for the rows, optional

    Returns
    -------
    pandas DataFrame of Spearman r (no bootstrap), one row per measure, one column per delay.
    """
    import pandas as pd

    _frame(df)
    labels = _labels(labels)
    if isinstance(delays, (str, bytes)) or not hasattr(delays, "__iter__"):
        raise TypeError(f"delays must be a sequence of delays (integers), got {delays!r}")
    delays = list(delays)
    for i, d in enumerate(delays):
        check_int(f"delays[{i}]", d, 0)
        if f"acc_{d}" not in df.columns:
            raise ValueError(f"delays must be probed delays, each with its acc_<delay> column in df; {f'acc_{d}'!r} "
                             f"is not one (columns: {list(df.columns)})")
    return pd.DataFrame({d: {labels.get(m, m): c.r for m, c in
                             partial_correlations(df, measures, f"acc_{d}", controls, n_boot=0).items()}
                         for d in delays})


def subsample_correlations(df, measures, target: str, size: int = 12, n_draws: int = 500, seed: int = 0,
                           method: str = "spearman") -> dict:
    """Each measure's correlation with ``target`` in random subsets of the networks (chapter 4).

    How often would a study of ``size`` networks find the correlation, and how strong would it
    look when it did? The same ``n_draws`` subsets (drawn without replacement, generator seeded
    with ``seed``) serve every measure.

    Parameters
    ----------
    df : pandas DataFrame, one row per network
    measures : column names of the measures
    target : column to correlate with
    size : networks per subset (at most ``len(df)``)
    n_draws : number of subsets, at most :data:`MAX_DRAWS`
    seed : seed of numpy's generator
    method : ``"spearman"`` or ``"pearson"``

    Returns
    -------
    dict ``{measure: list of n_draws Correlation}`` (no bootstrap).
    """
    _check_method(method)
    _frame(df)
    measures = _columns(df, measures, "measures")
    _column(df, target, "target")
    size = check_count("size", size)
    if size > len(df):
        raise ValueError(f"size must be at most the number of rows ({len(df)}), got {size}")
    check_count("n_draws", n_draws, 1, MAX_DRAWS)
    check_seed(seed)
    _no_nan(df, [*measures, target])
    rng = np.random.default_rng(seed)
    draws = [rng.choice(len(df), size=size, replace=False) for _ in range(n_draws)]
    return {m: [correlate(df[m].iloc[i], df[target].iloc[i], method, n_boot=0) for i in draws] for m in measures}


def within_networks(df, measures, y: str, **kwargs) -> tuple[dict, dict]:
    """:func:`within_network` for several measures (chapter 4).

    Parameters
    ----------
    df : pandas DataFrame, one row per (network, class), e.g. :func:`mem.zoo.class_table`
    measures : column names of the per-class measures
    y : the per-class quantity to explain (e.g. ``"lifetime"``)
    **kwargs : further arguments of :func:`within_network`

    Returns
    -------
    (per_network, summary): dicts ``{measure: DataFrame}`` and ``{measure: dict}``, as :func:`within_network`.
    """
    _frame(df)
    measures = _columns(df, measures, "measures")
    _column(df, y, "y")
    out = {m: within_network(df, m, y, **kwargs) for m in measures}
    return {m: o[0] for m, o in out.items()}, {m: o[1] for m, o in out.items()}


def significance_rate(correlations: dict, alpha: float = 0.05) -> tuple[dict, dict]:
    """How often correlations reach ``p < alpha``, and their median coefficient when they do (chapter 4).

    Parameters
    ----------
    correlations : ``{measure: list of Correlation}``, e.g. :func:`subsample_correlations`
    alpha : significance level

    Returns
    -------
    (rate, r_significant): dicts ``{measure: float}``, the fraction with ``p < alpha`` and the median ``r``
    among those (NaN if none).
    """
    if not isinstance(correlations, dict):
        raise TypeError(f"correlations must be a dict {{measure: list of Correlation}}, "
                        f"got {type(correlations).__name__}")
    check_float("alpha", alpha)
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha!r}")
    for m, cs in correlations.items():
        if isinstance(cs, (str, bytes)) or not hasattr(cs, "__len__") \
                or not all(hasattr(c, "p") and hasattr(c, "r") for c in cs):
            raise TypeError(f"correlations must map each measure to a list of Correlation, got {cs!r} for {m!r}")
        if not len(cs):
            raise ValueError(f"correlations must hold at least one Correlation per measure, got none for {m!r}")
    rate = {m: np.mean([c.p < alpha for c in cs]) for m, cs in correlations.items()}
    with np.errstate(all="ignore"):
        r_sig = {m: np.median([c.r for c in cs if c.p < alpha]) if any(c.p < alpha for c in cs) else float("nan")
                 for m, cs in correlations.items()}
    return rate, r_sig
