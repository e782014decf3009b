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
from collections.abc import Mapping

import numpy as np

from ._checks import check_int
from .claims import CLAIMS, Claim
from .reproduce import nearest

__all__ = [
    "HELPERS",
    "book_task",
    "fill_claims",
    "format_ci",
    "format_range",
    "format_values",
    "reproduction_box",
    "setup",
    "success_counts",
    "what_reproduces",
]


def setup(seed: int = 0, threads: int = 1) -> None:
    """Pin torch, numpy and the BLAS libraries to ``threads`` threads and seed torch's and numpy's
    global generators with ``seed``: the first call of every chapter (chapters 1-6).

    Searches, fine-tunes and training are bit-identical only at a fixed thread count, which is
    the one the zoo was built with.
    """
    import torch
    from threadpoolctl import threadpool_limits
    seed, threads = check_int("seed", seed, 0), check_int("threads", threads, 1)
    torch.set_num_threads(threads)
    threadpool_limits(threads)
    torch.manual_seed(seed)
    np.random.seed(seed)  # noqa: NPY002 -- the legacy global generator, which code outside mem may draw from


def book_task(data=None):
    """The delayed-classification task that chapters 2-5 train and probe on: ``T_max = 20``,
    ``delta_min = 4``, on the 8x8 digits (or ``data``, a :class:`mem.data.Digits`) (chapter 2)."""
    from .data import load_digits
    from .tasks import DelayedClassification
    return DelayedClassification(load_digits() if data is None else data, T_max=20, delta_min=4)


def format_range(values, spec: str = "", sep: str = "–", collapse: bool = True) -> str:
    """``"lo–hi"`` of ``values`` (over seeds, networks, digits), each end formatted with ``spec``
    (chapters 3, 5, 6).

    Parameters
    ----------
    values : iterable of numbers (a list, an array, a pandas Series or ``dict.values()``)
    spec : format spec of each end, e.g. ``".2f"``; floating-point specs print round-off as an
        unsigned zero (:func:`mem.reproduce.fixed`), so ``-0.00`` never appears
    sep : what stands between the two ends (``" to "`` in chapters 5 and 6)
    collapse : print one number when the smallest and largest are equal

    Returns
    -------
    str, e.g. ``format_range([3, 1, 2]) == "1–3"`` and
    ``format_range([0.5, 0.25], ".2f", " to ") == "0.25 to 0.50"``.
    """
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one number")
    if not isinstance(spec, str) or not isinstance(sep, str):
        raise TypeError("spec and sep must be str")
    lo, hi = min(values), max(values)

    def text(x):
        t = format(x, spec)
        try:
            zero = float(t) == 0
        except ValueError:  # not a plain number (e.g. a percentage)
            zero = False
        return t.replace("-", "", 1) if zero else t  # "-0.00" is round-off, not a sign (as mem.reproduce.fixed)
    return text(lo) if collapse and lo == hi else f"{text(lo)}{sep}{text(hi)}"


def format_values(values: Mapping, spec: str = ".2f") -> dict:
    """``{key: text}``: every number of ``values`` (or of its tuples) formatted with ``spec``, for printing (chapter 5).

    ``format_values({"a": 0.634, "b": (1.5, 0.25)}) == {"a": "0.63", "b": ("1.50", "0.25")}``.
    """
    if not isinstance(values, Mapping):
        raise TypeError(f"values must be a mapping, got {type(values).__name__}")
    return {k: tuple(format(x, spec) for x in v) if isinstance(v, tuple) else format(v, spec)
            for k, v in values.items()}


def format_ci(c, spec: str = "+.2f") -> str:
    """A correlation with its confidence interval, ``"r [low, high]"`` (chapter 4).

    ``c`` is a :class:`mem.analysis.Correlation` (anything with ``r``, ``ci_low``, ``ci_high``).
    """
    if not all(hasattr(c, a) for a in ("r", "ci_low", "ci_high")):
        raise TypeError(f"c must be a mem.analysis.Correlation, got {type(c).__name__}")
    return f"{c.r:{spec}} [{c.ci_low:{spec}}, {c.ci_high:{spec}}]"


def success_counts(runs, task: str) -> dict:
    """``{scheme: "successes/runs"}`` of one task's benchmark runs, schemes in sorted order (chapter 6).

    ``runs`` is :func:`mem.benchmarks.table`'s DataFrame (columns task, scheme, success).
    """
    missing = [c for c in ("task", "scheme", "success") if c not in getattr(runs, "columns", ())]
    if missing:
        raise ValueError(f"runs must be mem.benchmarks.table()'s DataFrame, got one without the columns {missing}")
    if task not in set(runs["task"]):
        raise ValueError(f"task must be one of {sorted(set(runs['task']))}, got {task!r}")
    wins = runs[runs["task"] == task].groupby("scheme")["success"].agg(["sum", "size"])
    return {s: f"{int(r['sum'])}/{int(r['size'])}" for s, r in wins.iterrows()}


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
        rows.append(tuple(row))
    return rows


def what_reproduces(chapter: int, values: Mapping, title: str = "What reproduces"):
    """The "What reproduces" table of ``chapter``: its claims (:data:`mem.claims.CLAIMS`) filled with the
    values it measured (chapters 1-6).

    A chapter's last code cell before its exercises is ``mem.report.what_reproduces(3, globals())``.
    Returns an ``IPython.display.Markdown`` (:func:`reproduction_box`).
    """
    if chapter not in CLAIMS:
        raise ValueError(f"chapter must be one of {sorted(CLAIMS)}, got {chapter!r}")
    return reproduction_box(fill_claims(CLAIMS[chapter], values), title)
