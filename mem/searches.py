"""What a slow-point search found in a trained network: per-class summaries, growing search budgets,
and which memory cloud each point lies nearest (chapter 3).

The searches themselves live in :mod:`mem.slowpoints`; these functions run them the way chapter 3
does and reduce what they return to the numbers the chapter reports, for any network.
"""
from __future__ import annotations

import numpy as np
import torch

from ._checks import check_choice, check_count, check_int, check_labels, check_model, check_model_task, check_tensor
from .slowpoints import COMPONENTS, SlowPoints, class_mean_states, dynamics, find_slow_points, flat_states
from .tasks import DelayedClassification

__all__ = ["BUDGET_COLUMNS", "BUDGET_MEASURES", "budget_comparison", "budget_table", "class_point_summary",
           "nearest_cloud", "search_budgets", "search_summary"]

#: The columns of the zoo's table that :func:`budget_comparison` compares (chapter 3): the median ``log10 S``
#: of a network's class points after 2000 Adam steps (``adam``), after the authors' budget (``paper``) and
#: after 200 Newton iterations (``newton``), and the median ``log|lambda|max`` at the Adam 2000 points.
BUDGET_MEASURES = ("adam", "paper", "newton", "lam_adam")

#: The column names :func:`budget_table` gives the zoo's columns (chapter 3): each search's median ``log10 S``,
#: the largest ``|lambda|`` at the Adam 2000 points (from ``lam_adam``, its median log) and the memory lifetime.
BUDGET_COLUMNS = {"adam": "Adam 2000", "paper": "authors' budget", "newton": "Newton 200",
                  "lam_adam": "|lambda|max", "lifetime": "lifetime"}


def class_point_summary(model, task, points=None, components: str = "full", n_iters: int = 2000,
                        newton_n_iters: int = 50) -> dict:
    """The paper's class slow points of one network, continued by Newton, in five numbers (chapter 3).

    Runs the paper's Adam search from each class's mean state (:func:`~mem.slowpoints.starts.find_class_slow_points`,
    learning rate 0.01) unless ``points`` gives its result, then ``newton_n_iters`` Newton iterations from
    where it ended, both under ``task.mean_input()``.

    Parameters
    ----------
    model : RNNClassifier
    task : the task whose class means start the search
    points : SlowPoints with labels, optional: an Adam search already run
    components : what enters the speed (:func:`~mem.slowpoints.state_map.speed`)
    n_iters, newton_n_iters : Adam steps and Newton iterations

    Returns
    -------
    dict with ``speed_adam`` and ``speed_newton`` (median ``log10 S`` of the two searches), ``lam`` (median
    ``|lambda|max`` at the Adam points), ``own`` (Adam points that report their own class when the trigger
    ``task.mean_input(trigger=True)`` arrives) and ``n_points``.
    """
    check_model_task(model, task, DelayedClassification)
    if points is not None and not isinstance(points, SlowPoints):
        raise TypeError(f"points must be SlowPoints or None, got {type(points).__name__}")
    check_choice("components", components, COMPONENTS)
    check_count("n_iters", n_iters, 0, 10**6)
    check_count("newton_n_iters", newton_n_iters, 0, 10**6)
    inputs = task.mean_input()
    if points is None:
        start, labels = class_mean_states(model, task)
        points = find_slow_points(model, start, inputs, method="adam", n_iters=n_iters, lr=1e-2, labels=labels,
                                  components=components)
    newton = find_slow_points(model, points.state, inputs, method="newton", n_iters=newton_n_iters,
                              labels=points.labels, components=components)
    return dict(speed_adam=points.speed.log10().median().item(), speed_newton=newton.speed.log10().median().item(),
                lam=points.max_abs_eigenvalue().median().item(),
                own=int((points.readout(model, task.mean_input(trigger=True)) == points.labels).sum()),
                n_points=len(points))


def search_budgets(model, starts, inputs: torch.Tensor, labels, budgets, trigger: torch.Tensor, done=None,
                   **kwargs) -> dict:
    """Where a slow-point search stands after each of several budgets of iterations (chapter 3).

    Parameters
    ----------
    model : RNNClassifier
    starts : State with K rows (e.g. :func:`~mem.slowpoints.starts.class_mean_states`)
    inputs : (D,) the constant input of the search
    labels : (K,) the class of each start
    budgets : iteration counts to run (each a search of its own)
    trigger : (D,) the input that asks for the report
    done : dict ``{budget: SlowPoints}`` of searches already run, optional
    **kwargs : further arguments of :func:`~mem.slowpoints.search.find_slow_points` (e.g. ``method="adam", lr=1e-2``)

    Returns
    -------
    dict with ``budgets`` (B,) sorted, ``log_speed`` (B, K) ``log10 S`` per point, ``median_log_speed`` (B,),
    ``moved`` (B,) median distance from the start, ``own`` (B,) points reporting their own class.
    """
    check_model(model)
    K = len(flat_states(dynamics(model), starts, "starts", torch.float64))
    check_labels("labels", labels, K)
    check_tensor("trigger", trigger, last=model.input_size, dims=(1,), convert=False, floating=True)
    if isinstance(budgets, (str, bytes)) or not hasattr(budgets, "__iter__"):
        raise TypeError(f"budgets must be a sequence of iteration counts, got {type(budgets).__name__}")
    budgets = [check_count("budgets", B, 1, 10**6) for B in budgets]
    if done is not None and not isinstance(done, dict):
        raise TypeError(f"done must be a dict {{budget: SlowPoints}} or None, got {type(done).__name__}")
    for B, p in (done or {}).items():
        check_count("done", B, 1, 10**6)
        if not isinstance(p, SlowPoints) or len(p) != K:
            raise TypeError(f"done must be a dict {{budget: SlowPoints of the {K} starts}}, got {type(p).__name__} "
                            f"for {B}")
    if not budgets and not done:
        raise ValueError("budgets must hold at least one iteration count (or done at least one search)")
    runs = {B: find_slow_points(model, starts, inputs, n_iters=B, labels=labels, **kwargs) for B in budgets}
    runs.update(done or {})
    B = np.array(sorted(runs))
    return dict(budgets=B, log_speed=np.stack([runs[b].speed.log10().numpy() for b in B]),
                median_log_speed=np.array([runs[b].speed.log10().median().item() for b in B]),
                moved=np.array([(runs[b].states - runs[b].initial_states).norm(dim=1).median().item() for b in B]),
                own=[int((runs[b].readout(model, trigger) == labels).sum()) for b in B])


def nearest_cloud(model, x: torch.Tensor, x_labels: torch.Tensor, points, steps: tuple = (4, 20)) -> torch.Tensor:
    """The class whose memory cloud lies nearest to each slow point (chapter 3).

    A class's memory cloud is the mean hidden state of its trials over ``steps[0] .. steps[1] - 1``
    (e.g. the trained delays); each point's distance is measured in ``h``.

    Parameters
    ----------
    model : RNNClassifier
    x : (B, T, D) trials, e.g. ``task.sample_probe(...).x``
    x_labels : (B,) their classes
    points : SlowPoints with labels (K points, each class among ``x_labels``)
    steps : (first, stop) steps averaged

    Returns
    -------
    (K,) int64 tensor, the class of the nearest cloud.
    """
    check_model(model)
    check_tensor("x", x, convert=False, floating=True)
    if x.dim() != 3 or x.shape[-1] != model.input_size:
        raise ValueError(f"x must have shape (B, T, {model.input_size}), got {tuple(x.shape)}")
    check_labels("x_labels", x_labels, x.shape[0])
    if not isinstance(points, SlowPoints):
        raise TypeError(f"points must be SlowPoints, got {type(points).__name__}")
    if points.h.shape[-1] != model.hidden_size:
        raise ValueError(f"points must be points of the model (hidden size {model.hidden_size}), "
                         f"got {points.h.shape[-1]}")
    missing = sorted(set(points.labels.tolist()) - set(x_labels.tolist()))
    if missing:
        raise ValueError(f"x_labels must hold every class of the points; {missing} are missing")
    if not isinstance(steps, (tuple, list)) or len(steps) != 2:
        raise TypeError(f"steps must be a pair (first, stop) of ints, got {steps!r}")
    first, stop = (check_int("steps", s, 0) for s in steps)
    if not first < stop <= x.shape[1]:
        raise ValueError(f"steps must be (first, stop) with 0 <= first < stop <= T ({x.shape[1]}), got {steps!r}")
    with torch.no_grad():
        h = model(x).h
    clouds = torch.stack([h[x_labels == k, steps[0]:steps[1]].reshape(-1, h.shape[-1]).mean(0) for k in points.labels])
    return points.labels[torch.cdist(points.h.float(), clouds).argmin(1)]


def search_summary(points, model, trigger: torch.Tensor) -> dict:
    """How far a slow-point search went, and whether its points still report their class (chapter 3).

    Parameters
    ----------
    points : SlowPoints with labels (K points), e.g. from :func:`~mem.slowpoints.search.find_slow_points`
    model : the RNNClassifier searched
    trigger : (D,) the input that asks for the report, e.g. ``task.mean_input(trigger=True)``

    Returns
    -------
    dict with ``moved`` (K,) distance of each point from its start and ``own`` (int), the points that report
    their own class when the trigger arrives.
    """
    if not isinstance(points, SlowPoints):
        raise TypeError(f"points must be SlowPoints, got {type(points).__name__}")
    check_model(model)
    check_tensor("trigger", trigger, last=model.input_size, dims=(1,), convert=False, floating=True)
    return dict(moved=(points.states - points.initial_states).norm(dim=1),
                own=int((points.readout(model, trigger) == points.labels).sum()))


def budget_comparison(table) -> dict:
    """How the speeds of the zoo's searches depend on the search, across networks, and how each orders the
    networks by memory lifetime (chapter 3).

    Parameters
    ----------
    table : pandas DataFrame
        One row per network (at least 4 of each architecture, each ``(arch, protocol, seed)``
        once), with the columns ``arch``, ``protocol``, ``seed``, ``lifetime`` and
        :data:`BUDGET_MEASURES`, all numbers finite; e.g.
        ``mem.zoo.table().query("hidden_size == 64").set_index("name")``

    Returns
    -------
    dict with

    - ``keys``: list of the rows' ``(arch, protocol, seed)``;
    - ``values``: ``{measure: {key: float}}`` for each of :data:`BUDGET_MEASURES`; ``life``: ``{key: lifetime}``;
    - ``rho``: ``{measure: {"all" or arch: Correlation}}``, Spearman with the lifetime over all networks and
      within each architecture (:func:`mem.analysis.correlate_groups`, no bootstrap: NaN intervals);
    - ``span``: ``{speed: max - min}`` over the networks, in decades, for ``adam``, ``paper``, ``newton``;
    - ``gain``: ``{"paper" or "newton": pandas Series}``, how many decades below ``adam`` each network's
      speed ends after that search (indexed like ``table``);
    - ``agree``: ``{(a, b): float}``, the Spearman r between the networks' speeds after searches a and b;
    - ``below_newton``: the rows of ``table`` in which the authors' budget ends below Newton 200.
    """
    from ._checks import check_frame
    from .analysis import correlate, correlate_groups

    speeds = BUDGET_MEASURES[:3]
    check_frame("table", table, ("arch", "protocol", "seed", "lifetime", *BUDGET_MEASURES),
                "a pandas DataFrame of networks (mem.zoo.table())")
    sizes = table.groupby("arch").size().to_dict() if len(table) else {}
    if not sizes or min(sizes.values()) < 4:
        raise ValueError(f"table must have at least 4 networks (rows) of each architecture to correlate, got {sizes}")
    columns = ["seed", "lifetime", *BUDGET_MEASURES]
    numbers = table[columns]
    if not all(np.issubdtype(t, np.number) for t in numbers.dtypes) or not np.isfinite(numbers.to_numpy(float)).all():
        raise ValueError(f"table must hold finite numbers in the columns {columns}")
    flat = [c for c in ["lifetime", *BUDGET_MEASURES] if (table.groupby("arch")[c].nunique() < 2).any()]
    if flat:
        raise ValueError(f"table must have columns that vary within each architecture, to correlate; {flat} do not")
    if not table.index.is_unique:
        raise ValueError("table must have one row per network (a unique index)")
    key = {n: (r.arch, r.protocol, r.seed) for n, r in table.iterrows()}
    keys = list(key.values())
    if len(set(keys)) != len(keys):
        raise ValueError("table must hold each (arch, protocol, seed) once")
    life = {key[n]: table.loc[n, "lifetime"] for n in table.index}
    values = {m: {key[n]: table.loc[n, m] for n in table.index} for m in BUDGET_MEASURES}
    pairs = (("adam", "paper"), ("adam", "newton"), ("paper", "newton"))
    return dict(keys=keys, values=values, life=life,
                rho={m: correlate_groups(values[m], life) for m in BUDGET_MEASURES},
                span={m: table[m].max() - table[m].min() for m in speeds},
                gain={m: table["adam"] - table[m] for m in speeds[1:]},
                agree={(a, b): correlate(table[a], table[b], n_boot=0).r for a, b in pairs},
                below_newton=table[table["paper"] < table["newton"]])


def budget_table(table):
    """The zoo's slow-point speeds after each search, beside the slowest mode and the memory lifetime, one row
    per network: the table chapter 3 prints (chapter 3).

    Parameters
    ----------
    table : pandas DataFrame
        One row per network with the columns :data:`BUDGET_MEASURES` and ``lifetime``, all finite numbers;
        e.g. ``mem.zoo.table().query("hidden_size == 64").set_index("name")``.

    Returns
    -------
    pandas DataFrame indexed like ``table``, with the columns of :data:`BUDGET_COLUMNS` in its order:
    ``"Adam 2000"``, ``"authors' budget"`` and ``"Newton 200"`` (the median ``log10 S`` of a network's class
    points after each search, as stored), ``"|lambda|max"`` (``exp`` of the median ``log|lambda|max`` at the
    Adam 2000 points) and ``"lifetime"`` (steps).

    Raises
    ------
    TypeError
        ``table`` is not a DataFrame.
    ValueError
        a column is missing or holds something other than finite numbers.
    """
    from ._checks import check_frame

    columns = list(BUDGET_COLUMNS)
    check_frame("table", table, columns, "a pandas DataFrame of networks (mem.zoo.table())")
    numbers = table[columns]
    if not all(np.issubdtype(t, np.number) for t in numbers.dtypes) or not np.isfinite(numbers.to_numpy(float)).all():
        raise ValueError(f"table must hold finite numbers in the columns {columns}")
    out = numbers.rename(columns=BUDGET_COLUMNS)
    out["|lambda|max"] = np.exp(table["lam_adam"])
    return out
