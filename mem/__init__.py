"""`mem`: memory in recurrent networks, the library behind the "Memory in RNNs" book.

Modules, one concept each (the chapter that explains them in brackets):

* :mod:`mem.fingerprint` -- the numerics fingerprint that decides bit-identity [2]
* :mod:`mem.data` -- 8x8 digits (and optional local MNIST) [1]
* :mod:`mem.tasks` -- one task per file: delayed classification [1]; copy, addition, permuted digits [6]
* :mod:`mem.models` -- GRU / LSTM / vanilla RNN classifiers with an exact ``step`` [2]
* :mod:`mem.protocols` -- training curricula NaCu, DeCu, VoCu, accuracy-triggered [2]
* :mod:`mem.train` -- the training loop [2]
* :mod:`mem.evaluate` -- accuracy versus delay, memory lifetime [2]
* :mod:`mem.store` -- the storage engine: sha256-verified collections, resumable builds, their registry and CLI [2]
* :mod:`mem.zoo` -- pretrained networks trained by this package, collections of the store [2, 4]
* :mod:`mem.slowpoints` -- speed, fixed and slow points and their Jacobians [3]
* :mod:`mem.searches` -- what a slow-point search found: class summaries, budgets, nearest clouds [3]
* :mod:`mem.formation` -- formation of slow points over training checkpoints [3]
* :mod:`mem.measures` -- the speed measures of a network's class memories [4]
* :mod:`mem.drift` -- the noiseless drift of the state and where it ends [3, 5]
* :mod:`mem.analysis` -- correlations across networks: bootstrap CIs, partial, within-network [4]
* :mod:`mem.regularize` -- the speed penalty and fine-tuning with it [5]
* :mod:`mem.init` -- chain, fbchain, orthogonal and identity initialisers [6]
* :mod:`mem.theory` -- Fisher memory of linear networks, measures of non-normality [6]
* :mod:`mem.benchmarks` -- the benchmark runs of chapter 6, a zoo collection [6]
* :mod:`mem.reproduce` -- the two levels of reproduction and their tolerances [2-6]
* :mod:`mem.plots` -- the book's figures, one module per chapter, one style [1-6]
* :mod:`mem.claims` -- the paper's claims each chapter tests [1-6]
* :mod:`mem.report` -- what the chapters share: set-up, ranges, the "What reproduces" table [1-6]

Conventions, one per concept (``tests/test_conventions.py`` checks those that a test can):

* **State components.** A function that measures or searches in state space takes ``components`` and
  defaults to ``components="full"`` (the whole state: ``h``, and ``[h, c]`` for LSTMs). The paper's
  choice is :func:`~mem.slowpoints.state_map.paper_components` ``(model)``, passed explicitly where a chapter uses it.
* **Integers.** One check, ``mem._checks.check_int`` (``check_count`` is the same function): an ``int``
  or numpy integer; a ``bool`` and an integral float such as ``20.0`` are refused.
* **Counts.** An iteration count (updates of training, fine-tuning or a search) is ``n_iters``
  (:func:`mem.train.train`, :class:`mem.protocols.Protocol`, :func:`mem.regularize.fine_tune`,
  :func:`~mem.slowpoints.search.find_slow_points`, :func:`mem.regularize.anchor_points`); where a function
  has more than one, each is prefixed with its stage (``speed_measures(adam_n_iters=, newton_n_iters=)``,
  ``retrack_n_iters``). A number of time steps of the dynamics is ``n_steps`` (prefixed likewise:
  ``drift_n_steps``). Stored configs keep their keys (``"n_updates"``, ``"steps"``, ``"adam_iters"``);
  the one place where a config becomes a call translates them.
* **Errors.** ``TypeError`` for the wrong kind of thing, ``ValueError`` for a bad value; each message names
  the parameter and what is allowed: ``"<parameter> must be <what is allowed>, got <value>"``.
* **Public API.** Every module's ``__all__`` lists exactly the public functions, classes and constants it
  defines.
* **Version.** :data:`__version__` below is the one source; ``pyproject.toml`` reads it
  (``[tool.setuptools.dynamic]``).
"""
import importlib

__version__ = "0.2.0"
__all__ = [
    "analysis",
    "benchmarks",
    "claims",
    "data",
    "drift",
    "evaluate",
    "fingerprint",
    "formation",
    "init",
    "measures",
    "models",
    "plots",
    "protocols",
    "regularize",
    "report",
    "reproduce",
    "searches",
    "slowpoints",
    "store",
    "tasks",
    "theory",
    "train",
    "zoo",
]


def __getattr__(name):
    # Submodules load on first use (``mem.store`` stays runnable as ``python -m mem.store``).
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
