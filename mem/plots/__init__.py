"""The book's figures, one module per chapter, with one style module (chapters 1-6).

* :mod:`mem.plots.style` -- colours, markers and labels that every figure shares
* :mod:`mem.plots.task` -- trials of the delayed task [1]
* :mod:`mem.plots.training` -- schedules, histories, accuracy against delay [2]
* :mod:`mem.plots.slowpoints` -- speed landscapes, state space, spectra, drift, formation [3]
* :mod:`mem.plots.speed` -- speed measures against memory [4]
* :mod:`mem.plots.regularization` -- the speed penalty's sweep [5]
* :mod:`mem.plots.nonnormal` -- non-normal initialisation and the benchmarks [6]
* :mod:`mem.plots.overview` -- the book's overview figures [the intro]

Every figure function and style name is re-exported here: ``from mem.plots import plot_trial``.
"""
from . import nonnormal, overview, regularization, slowpoints, speed, style, task, training
from .nonnormal import *  # noqa: F403
from .overview import *  # noqa: F403
from .regularization import *  # noqa: F403
from .slowpoints import *  # noqa: F403
from .speed import *  # noqa: F403
from .style import *  # noqa: F403
from .task import *  # noqa: F403
from .training import *  # noqa: F403

__all__ = [*style.__all__, *task.__all__, *training.__all__, *slowpoints.__all__, *speed.__all__,
           *regularization.__all__, *nonnormal.__all__,
           *overview.__all__]
