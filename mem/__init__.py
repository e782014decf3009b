"""`mem`: memory in recurrent networks, the library behind the "Memory in RNNs" book.

Modules, one concept each (the chapter that explains them in brackets):

* :mod:`mem.fingerprint` -- the numerics fingerprint that decides bit-identity [2]
* :mod:`mem.data` -- 8x8 digits (and optional local MNIST) [1]
* :mod:`mem.tasks` -- one task per file: delayed classification [1]; copy, addition, permuted digits [6]
* :mod:`mem.models` -- GRU / LSTM / vanilla RNN classifiers with an exact ``step`` [2]
* :mod:`mem.protocols` -- training curricula NaCu, DeCu, VoCu, accuracy-triggered [2]
* :mod:`mem.train` -- the training loop [2]
* :mod:`mem.evaluate` -- accuracy versus delay, memory lifetime [2]
* :mod:`mem.zoo` -- pretrained networks trained by this package, sha256-verified [2, 4]
* :mod:`mem.slowpoints` -- speed, fixed and slow points, their Jacobians and formation [3, 4]
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
"""
import importlib

__version__ = "0.1.0"
__all__ = ["fingerprint", "data", "tasks", "models", "protocols", "train", "evaluate", "zoo", "slowpoints", "drift", "analysis", "regularize",
           "init", "theory", "benchmarks", "reproduce", "plots", "claims", "report"]


def __getattr__(name):
    # Submodules load on first use (``mem.zoo`` stays runnable as ``python -m mem.zoo``).
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
