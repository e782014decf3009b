"""Slow points and fixed points of a recurrent network (chapter 3).

A network with a constant input ``x`` is a map ``v -> F(v, x)`` on its state
``v`` (``h``, or ``[h, c]`` for LSTMs; every layer's, for a stacked module; anything, for
a callable ``step(h, u)`` wrapped in :class:`~mem.slowpoints.state_map.RecurrentMap`, which
also takes continuous-time networks ``dh/dt = f(h, u)``). Its *speed* at ``v`` is

    S(v, x) = ||F(v, x) - v||^2.

Fixed points have ``S = 0``; *slow points* are local minima of ``S`` with
``S > 0``, where the network still moves, but slowly. Haviv, Rivkind & Barak
(2019) found them by gradient descent on ``S`` with Adam, as FixedPointFinder
(Golub & Sussillo 2018) does; this package offers that search and a second-order
one, and says for every candidate whether it ended at a fixed point, at a
stationary slow point or still moving.

Layout, one concept per module, in the order they build on each other
(FixedPointFinder's: the dynamics, the result container, the searches, the starting points):

* :mod:`mem.slowpoints.state_map` -- the state map ``F``, its residual and the speed ``S``
  (:class:`~mem.slowpoints.state_map.Dynamics`, :func:`~mem.slowpoints.state_map.dynamics`,
  :func:`~mem.slowpoints.state_map.speed`, :data:`~mem.slowpoints.state_map.COMPONENTS`);
* :mod:`mem.slowpoints.points` -- the result of a search, one row per candidate
  (:class:`~mem.slowpoints.points.SlowPoints`, :data:`~mem.slowpoints.points.OUTCOMES`);
* :mod:`mem.slowpoints.search` -- the Levenberg-Marquardt and Adam searches
  (:func:`~mem.slowpoints.search.find_slow_points`, :data:`~mem.slowpoints.search.METHODS`);
* :mod:`mem.slowpoints.starts` -- where the searches start
  (:func:`~mem.slowpoints.starts.class_mean_states`, :func:`~mem.slowpoints.starts.trajectory_states`,
  :func:`~mem.slowpoints.starts.states_along`, :func:`~mem.slowpoints.starts.find_class_slow_points`,
  :func:`~mem.slowpoints.starts.saddles_between`).

Everything is importable from ``mem.slowpoints`` itself. What uses slow points lives
above this package: the formation of slow points over training in :mod:`mem.formation`
(chapter 3), the speed measures in :mod:`mem.measures` (chapter 4), the speed penalty in
:mod:`mem.regularize` (chapter 5).

Everything here works on detached copies of the weights: the model's
parameters, their ``requires_grad`` and their ``.grad`` are never touched, and
the states passed in are never modified.
"""
from .points import OUTCOMES, SlowPoints
from .search import METHODS, PAPER_ADAM, find_slow_points, stationarity
from .starts import (
    MAX_PROBE_STEPS,
    MAX_TRIALS,
    class_mean_states,
    find_class_slow_points,
    saddles_between,
    states_along,
    trajectory_states,
)
from .state_map import (
    COMPONENTS,
    MAX_CANDIDATES,
    Dynamics,
    RecurrentMap,
    dynamics,
    flat_inputs,
    flat_states,
    paper_components,
    residual_of,
    speed,
)

# the public API of the four modules, in their order
__all__ = [
    "COMPONENTS",
    "MAX_CANDIDATES",
    "MAX_PROBE_STEPS",
    "MAX_TRIALS",
    "METHODS",
    "OUTCOMES",
    "PAPER_ADAM",
    "Dynamics",
    "RecurrentMap",
    "SlowPoints",
    "class_mean_states",
    "dynamics",
    "find_class_slow_points",
    "find_slow_points",
    "flat_inputs",
    "flat_states",
    "paper_components",
    "residual_of",
    "saddles_between",
    "speed",
    "states_along",
    "stationarity",
    "trajectory_states",
]
