"""The contract of :mod:`mem.analysis`, :mod:`mem.reproduce`, :mod:`mem.report` and :mod:`mem.claims` under
generated bad input (tests/contract.py).

The report functions format what the analysis functions produce, so their valid inputs are built by calling
those on tiny data; the reproduce functions read the stored zoo, and their valid calls use its cheapest parts
(the benchmarks' table, a stored sweep entry as its own re-run).
"""
import copy
import functools
import tempfile
import types
from pathlib import Path

import hypothesis
import numpy as np
import pandas as pd
import pytest
import torch
from contract import Spec, check_spec
from hypothesis import strategies as st

from mem import analysis as an
from mem import claims, regularize, report, zoo
from mem import reproduce as rp

#: Records and methods without parameters: nothing to validate.
EXEMPT = {
    "mem.analysis.Correlation": "a frozen record of partial_correlation's result, built by mem.analysis; no checks",
    "mem.analysis.Correlation.as_dict": "no parameters",
    "mem.analysis.SeedSpread": "a frozen record of seed_spread's result, built by mem.analysis; no checks",
    "mem.analysis.ConditionComparison": "a frozen record of compare_conditions' result, built by mem.analysis",
    "mem.analysis.CorrelationDifference": "a frozen record of correlation_difference's result; no checks",
    "mem.analysis.PairedShift": "a frozen record of paired_shift's result, built by mem.analysis; no checks",
    "mem.analysis.PairTest": "a frozen record of one pair's test in protocol_tests' result; no checks",
    "mem.analysis.ProtocolTests": "a frozen record of protocol_tests' result, built by mem.analysis; no checks",
    "mem.claims.Claim": "a NamedTuple of three template strings (mem.claims.CLAIMS); no checks",
    "mem.report.BridgeContrast": "a frozen record of bridge_contrast's result, built by mem.report; no checks",
    "mem.reproduce.Recheck": "a record of a re-run's outcome, built by mem.reproduce; no checks",
    "mem.reproduce.Recheck.summary": "no parameters",
}


# ---------------------------------------------------------------------------------------------- tiny data
def _df():
    """One row per network: two measures, a target, the architecture, a size and two delays' accuracies."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=10)
    return pd.DataFrame({"a": a, "b": rng.normal(size=10), "t": a + rng.normal(size=10),
                         "arch": ["gru"] * 5 + ["lstm"] * 5, "size": [4.0, 8, 4, 8, 4, 8, 4, 8, 4, 8],
                         "acc_5": rng.uniform(size=10), "acc_10": rng.uniform(size=10)})


def _df24():
    """Like _df, with 24 rows: 12 per architecture, so that no bootstrap resample within one lacks spread."""
    rng = np.random.default_rng(0)
    a = rng.normal(size=24)
    return pd.DataFrame({"a": a, "b": a + rng.normal(size=24), "t": a + rng.normal(size=24),
                         "arch": ["gru"] * 12 + ["lstm"] * 12, "size": [4.0, 8.0] * 12})


def _class_df():
    """One row per (network, class): six networks of five classes."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=30)
    return pd.DataFrame({"x": x, "network": np.repeat([f"n{i}" for i in range(6)], 5),
                         "y": -x + 0.5 * rng.normal(size=30)})


def _life():
    """{(group, condition, seed): lifetime}, every combination present."""
    rng = np.random.default_rng(2)
    return {(g, c, s): float(100 * (2 if c == "vocu" else 1) * rng.uniform(0.8, 1.2))
            for g in ("gru", "lstm") for c in ("decu", "vocu") for s in (0, 1)}


def _life3():
    """{(group, condition, seed): lifetime} with three seeds per cell."""
    rng = np.random.default_rng(2)
    return {(g, c, s): float(100 * (2 if c == "vocu" else 1) * rng.uniform(0.8, 1.2))
            for g in ("gru", "lstm") for c in ("decu", "vocu") for s in (0, 1, 2)}


def _tests3():
    return an.protocol_tests(_life3(), n_boot=100, n_perm=100)


def _tests3_other():
    """protocol_tests of other lifetimes of the same groups and conditions (VoCu below DeCu in the LSTMs)."""
    life = {(g, c, s): v * (0.25 if (g, c) == ("lstm", "vocu") else 1.0) for (g, c, s), v in _life3().items()}
    return an.protocol_tests(life, n_boot=100, n_perm=100)


def _keyed(sign):
    rng = np.random.default_rng(3)
    keys = [(a, p, s) for a in ("gru", "lstm") for p in ("decu", "vocu") for s in (0, 1)]
    return {k: sign * i + float(rng.normal()) for i, k in enumerate(keys)}


def _budgets():
    """mem.searches.budget_comparison of eight networks, four of each architecture."""
    from mem.searches import budget_comparison
    return budget_comparison(pd.DataFrame({
        "arch": ["gru"] * 4 + ["lstm"] * 4, "protocol": ["decu", "vocu"] * 4, "seed": [0, 0, 1, 1] * 2,
        "lifetime": [100.0, 200.0, 150.0, 300.0, 120.0, 90.0, 400.0, 250.0],
        "adam": [-4.0, -4.5, -3.5, -5.0, -4.2, -3.9, -4.8, -4.4],
        "paper": [-5.0, -6.0, -5.5, -6.5, -5.2, -5.9, -6.1, -5.6],
        "newton": [-5.5, -5.0, -8.0, -9.0, -7.0, -6.5, -8.5, -9.5],
        "lam_adam": [0.01, 0.002, 0.004, 0.001, 0.005, 0.003, 0.0, 0.002]}, index=[f"n{i}" for i in range(8)]))


def _x():
    return np.array([0.1, 0.5, 0.2, 0.9, 0.7, 0.3, 0.8, 0.4])


def _y():
    return np.array([0.2, 0.4, 0.1, 0.8, 0.9, 0.2, 0.6, 0.5])


def _z():
    return np.array([1.0, 0.0, 2.0, 1.0, 3.0, 0.5, 2.5, 1.5])


@functools.cache
def _stored_table():
    return an.correlation_table(_df(), ["a", "b"], "t", methods=("spearman",), n_boot=0)


def _table():
    return _stored_table().copy()


@functools.cache
def _subsamples():
    return an.subsample_correlations(_df(), ["a", "b"], "t", size=6, n_draws=5)


@functools.cache
def _stored_points():
    from mem import models
    from mem import slowpoints as sp
    g = torch.linspace(-1, 1, 5)
    return sp.find_slow_points(models.toy_rnn(), torch.cartesian_prod(g, g), torch.zeros(1)).deduplicate()


def _points():
    return copy.deepcopy(_stored_points())


@functools.cache
def _task():
    return report.book_task()


@functools.cache
def _stored_drift():
    from mem import drift
    from mem.models import RNNClassifier
    task = _task()
    model = RNNClassifier("gru", task.input_size, hidden_size=4, seed=0)
    starts = model.unflatten_state(0.3 * torch.randn(2, 4, generator=torch.Generator().manual_seed(0)))
    return drift.drift(model, task.mean_input(), task.mean_input(trigger=True), starts, torch.tensor([1, 2]), 12,
                       window=4, newton_n_iters=10)


def _stage():
    from mem.formation import stage_movement
    ends = np.arange(100, 1300, 100)
    return stage_movement(ends, np.exp(-ends / 1000)[:, None] * np.array([1.0, 1.2]), [150, 350, 550, 750, 950, 1150])


@functools.cache
def _stored_comparison():
    return an.measure_comparison(_df24(), "a", "b", "t", n_boot=100)


def _comparison():
    return _stored_comparison().copy()


def _runs():
    return pd.DataFrame({"task": ["copy"] * 4 + ["addition"],
                         "scheme": ["orthogonal", "chain", "chain", "chain", "chain"],
                         "success": [False, True, False, True, True]})


def _bridge():
    """Six networks of two initialisations, with the columns of mem.zoo.table() that bridge_contrast reads."""
    life = [300.0, 280.0, 260.0, 200.0, 180.0, 150.0]
    return pd.DataFrame({"init": ["chain"] * 3 + ["default"] * 3, "lifetime": life,
                         "log_lifetime": np.log10(life), "drift": [-4.3, -4.2, -3.9, -3.8, -3.7, -3.6],
                         "lam_adam": [0.001, 0.002, 0.003, 0.004, 0.0025, 0.0015]})


def _chapter1():
    """The names chapter 1's claims use (mem.claims.CLAIMS[1]), with made-up values."""
    ns = types.SimpleNamespace
    return {"P": 64, "task": ns(input_size=65, delta_min=4, n_outputs=11), "n_train": 1347, "n_test": 450,
            "data": ns(noise_mean=0.3, noise_std=0.2), "T": 20, "delay": np.array([4, 19]), "N": 100,
            "exact": {"delay": {4: 0.1, 19: 0.006}}, "mean_delay": 8.5,
            "share": {("uniform", "task loss"): 0.4, ("uniform", "weights 1"): 0.05},
            "probe": ns(x=np.zeros((1, 30, 65))), "d": np.array([10, 20])}


@functools.cache
def _variability():
    return rp.load_variability()


_ROOT = Path(__file__).resolve().parents[1]   # the repository's checkout, which holds the executed pages


def _pages():
    """Two pages' records as executed_pages returns them: one with a stored fingerprint, one never executed."""
    fp = zoo.manifest()["entries"]["gru64-nacu-s0"]["fingerprint"]
    return {"01_task": {"execution_seconds": 1.5, "cpu_count": 2, "fingerprint": dict(fp)}, "intro": {}}


def _sweep_entry(name="gru64-nacu-s0-slowpoints-fixed-lam1000"):
    return copy.deepcopy(regularize.load_sweep()["entries"][name])


_TMP = tempfile.TemporaryDirectory()   # measure's output (removed when the session ends)

FAST = [
    # the correlations themselves: finite results with a bootstrap; n_boot alone in its own spec, since
    # n_boot=0 documents a NaN interval ("0: no interval, NaN")
    Spec("mem.analysis.partial_correlation",
         lambda: dict(x=_x(), y=_y(), covariates=_z(), method="spearman", n_boot=20, confidence=0.9, seed=0),
         fixed={"n_boot": "fuzzed in the next spec, where NaN intervals are the documented n_boot=0 result"}),
    Spec("mem.analysis.partial_correlation", lambda: dict(x=_x(), y=_y(), n_boot=20), finite=False,
         fixed={"x": "fuzzed above", "y": "fuzzed above"}),  # n_boot=0: ci_low = ci_high = NaN, documented
    Spec("mem.analysis.correlate", lambda: dict(x=_x(), y=_y(), method="pearson", n_boot=20, seed=1),
         fixed={"n_boot": "fuzzed for partial_correlation, where correlate sends it"}),
    Spec("mem.analysis.correlation_table",
         lambda: dict(df=_df(), measures=["a"], target="t", group="arch", methods=["spearman"], controls=["size"],
                      n_boot=0),
         fixed={"n_boot": "passed through to partial_correlation, whose spec fuzzes it"},
         finite=False),  # n_boot=0: the table's ci_low / ci_high are NaN (partial_correlation's documented value)
    Spec("mem.analysis.correlation_difference",
         lambda: dict(df=_df(), a="a", b="b", target="t", controls=["arch"], method="spearman", n_boot=100,
                      confidence=0.9, seed=0)),
    Spec("mem.analysis.measure_comparison",
         lambda: dict(df=_df24(), a="a", b="b", target="t", group="arch", controls=["size"], method="spearman",
                      n_boot=100, seed=0), examples=2),
    Spec("mem.analysis.interval_verdict", lambda: dict(ci_low=-0.5, ci_high=-0.1)),
    Spec("mem.analysis.paired_shift", lambda: dict(before=_x(), after=_y(), n_boot=100, confidence=0.9, seed=0)),
    Spec("mem.analysis.wide_table", lambda: dict(table=_table(), method="spearman", labels={"a": "A"}, star=0.05)),
    Spec("mem.analysis.within_network",
         lambda: dict(df=_class_df(), x="x", y="y", network="network", method="spearman", min_classes=5),
         finite=False),  # the pooled Correlation has no bootstrap: its interval is NaN (documented)
    Spec("mem.analysis.within_networks", lambda: dict(df=_class_df(), measures=["x"], y="y"),
         finite=False),  # as within_network
    Spec("mem.analysis.seed_spread", lambda: dict(values=_life(), conditions=["decu", "vocu"])),
    Spec("mem.analysis.SeedSpread.table", lambda: dict(labels={"decu": "DeCu"}, condition="protocol"),
         of=lambda: an.seed_spread(_life())),
    Spec("mem.analysis.SeedSpread.ordering", lambda: dict(labels={"decu": "DeCu"}, condition="protocol"),
         of=lambda: an.seed_spread(_life())),
    Spec("mem.analysis.compare_conditions", lambda: dict(values=_life(), a="vocu", b="decu")),
    Spec("mem.analysis.ConditionComparison.report", lambda: dict(labels={"decu": "DeCu"}, group="architecture"),
         of=lambda: an.compare_conditions(_life(), "vocu", "decu")),
    Spec("mem.analysis.protocol_tests", lambda: dict(values=_life3(), conditions=["decu", "vocu"], alpha=0.05,
                                                     n_boot=100, n_perm=100, seed=0), examples=4),
    Spec("mem.analysis.compare_orderings", lambda: dict(tests=_tests3(), other=_tests3_other(), groups=["gru"])),
    Spec("mem.analysis.ProtocolTests.table", lambda: dict(labels={"decu": "DeCu"}), of=_tests3),
    Spec("mem.analysis.ProtocolTests.verdict", lambda: dict(group="gru"), of=_tests3, fixed={"group": "a label"}),
    Spec("mem.analysis.ProtocolTests.pair", lambda: dict(group="gru", a="vocu", b="decu"), of=_tests3,
         fixed={"group": "a label", "a": "a label", "b": "a label"}),
    Spec("mem.analysis.ProtocolTests.resolved", lambda: dict(group="gru"), of=_tests3, fixed={"group": "a label"}),
    Spec("mem.analysis.group_contrast", lambda: dict(table=_df(), by="arch", group="lstm", value="a")),
    Spec("mem.analysis.correlate_groups", lambda: dict(x=_keyed(1.0), y=_keyed(-1.0), method="spearman"),
         finite=False),  # documented "no bootstrap": every Correlation's interval is NaN
    Spec("mem.analysis.movement_ratio", lambda: dict(a=np.array([1.0, 2.0, 3.0]), b=np.array([0.5, 1.0, 0.7]))),
    Spec("mem.analysis.partial_correlations",
         lambda: dict(df=_df(), measures=["a", "b"], target="t", controls=["arch", "size"], method="spearman",
                      n_boot=0, ranked=["size"]),
         fixed={"n_boot": "passed unchanged to partial_correlation, whose spec fuzzes it"},
         finite=False),  # n_boot=0: NaN intervals (documented)
    Spec("mem.analysis.delay_correlations",
         lambda: dict(df=_df(), measures=["a", "b"], delays=[5, 10], controls=["arch"], labels={"a": "A"})),
    Spec("mem.analysis.subsample_correlations",
         lambda: dict(df=_df(), measures=["a"], target="t", size=6, n_draws=5, seed=0, method="spearman"),
         finite=False, examples=1),  # documented "no bootstrap": NaN intervals
    Spec("mem.analysis.significance_rate", lambda: dict(correlations=_subsamples(), alpha=0.5),
         finite=False),  # documented: the median r among significant ones is NaN where none is
    # mem.reproduce: the digits a number carries, the tolerances and the re-checks of stored results
    Spec("mem.reproduce.nearest", lambda: dict(x=0.9465, step=0.05)),
    Spec("mem.reproduce.fixed", lambda: dict(x=-0.25, spec="6.2f", zero=1e-12)),
    Spec("mem.reproduce.significant", lambda: dict(x=1843.6, n=2)),
    Spec("mem.reproduce.decade", lambda: dict(x=222.8)),
    Spec("mem.reproduce.seed_tolerance", lambda: dict(collection="benchmarks", quantity="final", level=0.99)),
    Spec("mem.reproduce.load_variability", lambda: dict(path=str(zoo.ZOO_DIR / rp.VARIABILITY_FILE))),
    Spec("mem.reproduce.kernel_tolerance", lambda: dict(kind="speed", quantity="adam", variability=_variability())),
    Spec("mem.reproduce.tolerances", lambda: dict(variability=_variability())),
    Spec("mem.reproduce.recheck_fine_tune",
         lambda: dict(name="gru64-nacu-s0-slowpoints-fixed-lam1000", rerun=_sweep_entry(), variability=_variability()),
         fixed={"rerun": "None starts a fresh 500-step fine-tune (minutes); test_recheck_fine_tune_refuses_bad_reruns "
                         "drives the bad values"}),
    Spec("mem.reproduce.measure", lambda: dict(dispatches=[], path=str(Path(_TMP.name) / "variability.json")),
         fixed={"dispatches": "None measures every dispatch (half an hour); test_measure_refuses_bad_arguments "
                              "drives the bad values",
                "path": "None overwrites the package's zoo_data/variability.json, a str writes into the working "
                        "folder; test_measure_refuses_bad_arguments drives the bad values"}),
    # mem.reproduce: what the reproducibility page reads (the stored fingerprints, the executed pages' records)
    Spec("mem.reproduce.find_checkout", lambda: dict(start=str(_ROOT / "book"))),
    Spec("mem.reproduce.executed_pages", lambda: dict(start=str(_ROOT / "book")), seconds=60),
    Spec("mem.reproduce.stored_fingerprints", lambda: dict(pages=_pages()), seconds=30),
    Spec("mem.reproduce.dispatch_changes", lambda: dict(variability=_variability())),
    # mem.report: the chapters' set-up and the formatting of what the functions above return
    Spec("mem.report.setup", lambda: dict(seed=0, threads=1),
         examples=0),  # a generated thread count would stay pinned in BLAS for the rest of the session
    Spec("mem.report.book_task", lambda: dict(data=_task().data)),
    Spec("mem.report.format_range", lambda: dict(values=[0.25, 0.5], spec=".2f", sep=" to ", collapse=True)),
    Spec("mem.report.format_values", lambda: dict(values={"a": 0.634, "b": (1.5, 0.25)}, spec=".2f")),
    Spec("mem.report.format_ci", lambda: dict(c=an.correlate(_x(), _y(), n_boot=20), spec="+.2f")),
    Spec("mem.report.success_counts", lambda: dict(runs=_runs(), task="copy")),
    Spec("mem.report.bridge_contrast", lambda: dict(bridge=_bridge(), group="chain")),
    Spec("mem.report.reproduction_box", lambda: dict(rows=[("claim", "measured", "yes")], title="What reproduces")),
    Spec("mem.report.fill_claims", lambda: dict(claims=[claims.Claim("{x}", "{x + 1:.1f}", "yes")], values={"x": 1.5})),
    Spec("mem.report.what_reproduces", lambda: dict(chapter=1, values=_chapter1(), title="What reproduces"),
         aliases={"chapter": ("values",)}),  # another chapter's claims use names these values lack
    Spec("mem.report.point_table", lambda: dict(points=_points(), columns=["max_abs_eigenvalue", "kind"], note="n")),
    Spec("mem.report.drift_summary", lambda: dict(d=copy.deepcopy(_stored_drift()), window=4)),
    Spec("mem.report.stage_movement_summary", lambda: dict(c=_stage(), interval=100)),
    Spec("mem.report.budget_summary", lambda: dict(c=_budgets())),
    Spec("mem.report.comparison_table", lambda: dict(table=_comparison(), names=["A", "B"])),
    Spec("mem.report.format_groups",
         lambda: dict(r=an.correlate_groups(_keyed(1.0), _keyed(-1.0)), signs_only=False)),
    Spec("mem.report.stability_summary", lambda: dict(points=_points(), tol=1e-3)),
    Spec("mem.report.within_summary", lambda: dict(s=an.within_network(_class_df(), "x", "y")[1])),
    Spec("mem.report.sweep_move_summary", lambda: dict(
        moved=pd.DataFrame({"mode": ["slowpoints", "control"], "tracking": ["fixed", "fixed"], "factor": [1.2, 1.0]}),
        same={"rule": (True, False)}, margin=1.1)),
    Spec("mem.report.finder_benchmark", lambda: dict(path=str(Path(report.__file__).parent / "zoo_data"
                                                               / report.FINDER_BENCHMARK))),
    Spec("mem.report.finder_comparison", lambda: dict(results=report.finder_benchmark())),
    Spec("mem.report.protocol_verdicts", lambda: dict(tests=_tests3(), labels={"decu": "DeCu"})),
    Spec("mem.report.pair_summary", lambda: dict(tests=_tests3(), a="vocu", b="decu", labels={"gru": "GRU"})),
    Spec("mem.report.ordering_comparison", lambda: dict(comparison=an.compare_orderings(_tests3(), _tests3_other()),
                                                        names=("digits", "MNIST-1D"), labels={"gru": "GRU"})),
    Spec("mem.report.seed_separation", lambda: dict(values=_life3(), conditions=["decu", "vocu"],
                                                    groups=["gru", "lstm"], n_seeds=[2, 3], labels={"gru": "GRU"},
                                                    condition="protocol")),
]

#: Valid calls that take seconds: retraining a zoo entry (the cheapest, a benchmark run, takes about half a
#: minute) and the speed measures of a 64-unit network. tests/test_reproduce.py makes them; here every bad value
#: is tried and must be refused (skip_valid). None for task and variability is a valid call (the book's task,
#: the stored variability), so those two are not varied here.
EXPENSIVE = "retrains or re-measures a zoo entry (seconds to a minute); tests/test_reproduce.py runs it"
SLOW = [Spec("mem.reproduce.recheck", lambda: dict(name="psdigits-chain-lr0.001-s0", collection="benchmarks"),
             seconds=300, skip_valid=EXPENSIVE),
        Spec("mem.reproduce.recheck_speed",
             lambda: dict(name="lstm64-decu-s1", task=_task(), variability=_variability()), seconds=60,
             skip_valid=EXPENSIVE, fixed={"task": "None is the book's task: a full valid call",
                                          "variability": "None is the stored variability: a full valid call"})]


@pytest.mark.parametrize("spec", FAST, ids=[f"{s.name.removeprefix('mem.')}-{i}" for i, s in enumerate(FAST)])
def test_contract(spec):
    check_spec(spec)


@pytest.mark.parametrize("spec", SLOW, ids=[s.name.removeprefix("mem.") for s in SLOW])
def test_contract_expensive(spec):
    check_spec(spec)


SPECS = FAST + SLOW   # every spec, for tests/test_contract_coverage.py


@hypothesis.settings(max_examples=50, derandomize=True, deadline=None, database=None)
@hypothesis.given(st.data())
def test_partial_correlation_reports_a_degenerate_fit(data):
    """Small samples with ties (constant ranks, covariates that explain everything, resamples without spread)
    give a finite correlation, p-value and interval, or a ValueError saying why there is none."""
    n = data.draw(st.integers(4, 8), "n")
    values = st.lists(st.sampled_from([-1.0, 0.0, 0.5, 1.0, 2.0]), min_size=n, max_size=n)
    x, y = np.array(data.draw(values, "x")), np.array(data.draw(values, "y"))
    kind = data.draw(st.sampled_from(["none", "category", "number", "two numbers"]), "covariates")
    covariates = {"none": None, "category": np.array(data.draw(st.lists(st.sampled_from("ab"), min_size=n,
                                                                           max_size=n), "levels")),
                  "number": np.array(data.draw(values, "z")),
                  "two numbers": np.column_stack([data.draw(values, "z1"), data.draw(values, "z2")])}[kind]
    method, n_boot = data.draw(st.sampled_from(an.METHODS), "method"), data.draw(st.sampled_from([0, 30]), "n_boot")
    try:
        c = an.partial_correlation(x, y, covariates, method, n_boot=n_boot)
    except ValueError:
        return
    assert np.isfinite([c.r, c.p] + ([c.ci_low, c.ci_high] if n_boot else [])).all(), c


def test_recheck_fine_tune_refuses_bad_reruns():
    """The values of ``rerun`` the spec above cannot drive (None there starts a fine-tune)."""
    name = "gru64-nacu-s0-slowpoints-fixed-lam1000"
    for bad, error in (("x", TypeError), ([], TypeError), (3, TypeError), ({}, ValueError),
                       ({"sha256": "0" * 64, "after": {"report_accuracy": 0.9}}, ValueError),
                       ({"sha256": "0" * 64, "after": {"report_accuracy": float("nan"), "lifetime": 10.0}}, ValueError),
                       ({"sha256": "0" * 64, "after": {"report_accuracy": "0.9", "lifetime": 10.0}}, ValueError),
                       ({"sha256": "0" * 64, "after": {"report_accuracy": 0.9, "lifetime": -1.0}}, ValueError)):
        with pytest.raises(error, match="rerun"):
            rp.recheck_fine_tune(name, rerun=bad)
    with pytest.raises(TypeError, match="task must be"):
        rp.recheck_fine_tune(name, rerun=_sweep_entry(), task="digits")


def test_measure_refuses_bad_arguments(tmp_path):
    """The values of ``dispatches`` and ``path`` the spec above cannot drive (None there runs every dispatch)."""
    for bad, error in (("native", TypeError), (3, TypeError), ([3], TypeError), (["sse9"], ValueError)):
        with pytest.raises(error, match="dispatches"):
            rp.measure(bad, tmp_path / "v.json")
    for bad in (3, b"v.json", ["v.json"]):
        with pytest.raises(TypeError, match="path"):
            rp.measure([], bad)
    assert rp.measure([], tmp_path / "v.json") == rp.load_variability(tmp_path / "v.json") | {"dispatches": {}}
