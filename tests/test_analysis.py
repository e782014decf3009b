import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import mem.formation
import mem.searches
from mem import analysis as an
from mem import report


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, -0.6 * x + rng.normal(size=n)


@pytest.mark.parametrize("method", an.METHODS)
def test_correlate_matches_scipy_and_has_a_bootstrap_ci(method):
    x, y = _data()
    c = an.correlate(x, y, method)
    ref = stats.spearmanr(x, y) if method == "spearman" else stats.pearsonr(x, y)
    assert c.r == pytest.approx(ref.statistic, abs=1e-12) and c.p == pytest.approx(ref.pvalue, rel=1e-9)
    assert c.ci_low < c.r < c.ci_high < 0 and c.n == 40 and c.method == method
    assert an.correlate(x, y, method) == c                       # seeded bootstrap: reproducible
    wide = an.correlate(x, y, method, confidence=0.99)
    assert wide.ci_low < c.ci_low and wide.ci_high > c.ci_high
    assert math.isnan(an.correlate(x, y, method, n_boot=0).ci_low)
    assert "CI" in str(c)


def test_spearman_allows_infinite_values_and_ranks_them_highest():
    x = np.arange(10.0)
    y = x.copy()
    y[-1] = np.inf                      # a memory that outlasts the probe
    assert an.correlate(x, y).r == pytest.approx(1.0)
    with pytest.raises(ValueError, match="finite"):
        an.correlate(x, y, "pearson")


def test_partial_correlation_removes_a_group_offset():
    rng = np.random.default_rng(1)
    group = np.repeat(["gru", "lstm"], 30)
    offset = (group == "lstm") * 5.0
    x, y = offset + rng.normal(size=60), offset + rng.normal(size=60)   # related only through the group
    assert an.correlate(x, y).r > 0.6
    c = an.partial_correlation(x, y, group)
    assert abs(c.r) < 0.3 and c.p > 0.05 and c.covariates == "category"
    # a real within-group relation survives
    y2 = offset - x + 0.3 * rng.normal(size=60)
    c2 = an.partial_correlation(x, y2, group)
    assert c2.r < -0.8 and c2.p < 1e-6 and c2.ci_high < -0.6


def test_partial_pearson_matches_the_textbook_formula():
    rng = np.random.default_rng(2)
    z = rng.normal(size=50)
    x, y = z + rng.normal(size=50), z - 0.5 * rng.normal(size=50)
    r = np.corrcoef([x, y, z])
    want = (r[0, 1] - r[0, 2] * r[1, 2]) / math.sqrt((1 - r[0, 2] ** 2) * (1 - r[1, 2] ** 2))
    c = an.partial_correlation(x, y, z, "pearson", n_boot=0)
    assert c.r == pytest.approx(want, abs=1e-12)
    t = want * math.sqrt(47 / (1 - want ** 2))
    assert c.p == pytest.approx(2 * stats.t.sf(abs(t), 47), rel=1e-9)
    both = an.partial_correlation(x, y, {"z": z, "arch": np.repeat(["a", "b"], 25)}, "pearson", n_boot=0)
    assert both.covariates == "z, arch"


def test_bad_arguments_raise_value_errors():
    x, y = _data(10)
    with pytest.raises(ValueError, match="method must be one of"):
        an.correlate(x, y, "kendall")
    with pytest.raises(ValueError, match="same length"):
        an.correlate(x, y[:-1])
    with pytest.raises(ValueError, match="NaN"):
        an.correlate(np.r_[x[:-1], np.nan], y)
    with pytest.raises(ValueError, match="at least 4"):
        an.correlate(x[:3], y[:3])
    with pytest.raises(ValueError, match="covariates must have 10 rows"):
        an.partial_correlation(x, y, np.zeros(9))
    with pytest.raises(ValueError, match="at least 2 levels"):
        an.partial_correlation(x, y, np.array(["gru"] * 10))
    with pytest.raises(ValueError, match="n_boot"):
        an.correlate(x, y, n_boot=-1)
    with pytest.raises(ValueError, match="confidence"):
        an.correlate(x, y, confidence=1.5)
    with pytest.raises(ValueError, match="measures must be columns of df; 'speed' is not"):
        an.correlation_table(pd.DataFrame({"a": x, "arch": ["g"] * 10}), ["speed"], "a")


def test_correlation_table_lists_every_measure_and_subset():
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"arch": np.repeat(["gru", "lstm"], 12), "m1": rng.normal(size=24), "m2": rng.normal(size=24)})
    df["life"] = -df["m1"] + 0.5 * rng.normal(size=24)
    t = an.correlation_table(df, ["m1", "m2"], "life", n_boot=200)
    assert len(t) == 2 * 2 * 4 and set(t["subset"]) == {"all", "gru", "lstm", "all | arch"}
    row = t[(t.measure == "m1") & (t.subset == "gru") & (t.method == "spearman")].iloc[0]
    assert row.r == pytest.approx(stats.spearmanr(df.m1[:12], df.life[:12]).statistic) and row.n == 12
    assert t[(t.measure == "m1") & (t.method == "spearman")]["r"].max() < -0.5


def test_within_network_separates_within_from_between():
    rng = np.random.default_rng(4)
    rows = []
    for k in range(12):               # between networks: speed and accuracy both rise with k ...
        speed = k + rng.normal(size=10)
        acc = 2 * k - (speed - k) + 0.3 * rng.normal(size=10)   # ... within a network: slower -> better
        rows += [{"network": f"n{k}", "speed": s, "acc": a} for s, a in zip(speed, acc)]
    df = pd.DataFrame(rows)
    assert an.correlate(df.speed, df.acc, n_boot=0).r > 0.5          # pooled naively: the wrong sign
    per, summary = an.within_network(df, "speed", "acc")
    assert len(per) == 12 and summary["n_negative"] == 12 and summary["mean_r"] < -0.7
    assert summary["wilcoxon_p"] < 0.01 and summary["pooled"].r < -0.7
    with pytest.raises(ValueError, match="method"):
        an.within_network(df, "speed", "acc", method="tau")


def test_wide_table_reads_like_the_long_one():
    rng = np.random.default_rng(5)
    df = pd.DataFrame({"arch": np.repeat(["gru", "lstm"], 10), "m": rng.normal(size=20)})
    df["life"] = -df["m"] + 0.2 * rng.normal(size=20)
    t = an.correlation_table(df, ["m"], "life", n_boot=100)
    w = an.wide_table(t, "pearson", labels={"m": "speed"})
    row = t[(t.method == "pearson") & (t.subset == "gru")].iloc[0]
    assert list(w.index) == ["speed"] and list(w.columns) == ["all", "gru", "lstm", "all | arch"]
    star = "*" if row.p < 0.01 else ""
    assert w.loc["speed", "gru"] == f"{row.r:+.2f} [{row.ci_low:+.2f}, {row.ci_high:+.2f}]{star}"
    with pytest.raises(ValueError, match="method must be one of"):
        an.wide_table(t, "kendall")


def test_stage_movement_compares_intervals_with_and_without_a_stage_start():
    ends = np.arange(100, 1300, 100)                                    # 12 intervals of 100 steps
    base = np.exp(-ends / 1000.0)                                       # a steady decline ...
    jump = np.where(np.isin(ends, [300, 700, 1100]), 3.0, 1.0)          # ... tripled where a stage started
    D = np.column_stack([base * jump, base * jump * 1.1, np.full(len(ends), np.nan)])   # a class with no point
    out = mem.formation.stage_movement(ends, D, events=[250, 650, 1050])
    assert list(out["change"]) == list(np.nanmedian(D, axis=1)[[2, 6, 10]])
    assert len(out["quiet"]) == 9 and out["jump"] > 2.5
    assert out["p_local"] < 0.05                                        # significant relative to the trend
    flat = mem.formation.stage_movement(ends, np.column_stack([base, base]), events=[250, 650, 1050])
    assert flat["jump"] == pytest.approx(1.0, abs=0.01) and flat["p_local"] > 0.3   # nothing to see
    with pytest.raises(ValueError, match="displacement must have one row per interval"):
        mem.formation.stage_movement(ends, D[:-1], events=[250])


# -- spread between conditions and seeds (chapter 2) --------------------------------------------------------
_LIFE = {("gru", "decu", 0): 100.0, ("gru", "decu", 1): 121.0, ("gru", "vocu", 0): 400.0, ("gru", "vocu", 1): 500.0,
         ("lstm", "decu", 0): 80.0, ("lstm", "decu", 1): 300.0, ("lstm", "vocu", 0): 200.0, ("lstm", "vocu", 1): 250.0}


def test_seed_spread_ratios_order_and_separation():
    s = an.seed_spread(_LIFE, ["decu", "vocu"])
    assert s.groups == ["gru", "lstm"] and s.seeds == [0, 1]
    assert s.gmean["gru", "decu"] == pytest.approx(110.0)
    assert s.seed_ratio["gru", "vocu"] == pytest.approx(1.25)
    assert s.condition_ratio["gru"] == pytest.approx(math.sqrt(400 * 500) / 110)
    assert s.order == {"gru": ["vocu", "decu"], "lstm": ["vocu", "decu"]}
    assert s.separated == {"gru": True, "lstm": False}          # LSTM DeCu seed 1 (300) beats VoCu seed 0 (200)
    table = s.table({"decu": "DeCu", "vocu": "VoCu"}).splitlines()
    assert table[1].split() == ["GRU", "DeCu", "100", "121", "110", "1.21"]
    assert "(seeds overlap)" in s.ordering().splitlines()[1]


def test_compare_conditions_counts_pairs_and_gives_the_exact_floors():
    c = an.compare_conditions(_LIFE, "vocu", "decu")
    assert c.longer == {"gru": 4, "lstm": 2} and c.n_pairs == 4 and not c.same_direction
    assert c.p_floor == pytest.approx(1 / 3)                        # 2 vs 2: 2 of 6 orderings are as extreme
    assert c.p_floor_pooled == pytest.approx(2 / math.comb(8, 4))
    u = stats.mannwhitneyu([400, 500, 200, 250], [100, 121, 80, 300], method="exact")
    assert (c.statistic, c.pvalue) == (pytest.approx(u.statistic), pytest.approx(u.pvalue))
    assert c.p_floor_pooled < c.p_one_swap
    assert "VoCu longer in 2 of 4 DeCu-VoCu pairs" in c.report({"vocu": "VoCu", "decu": "DeCu"})


def test_group_contrast_tests_one_group_against_the_rest():
    df = pd.DataFrame({"init": ["chain"] * 3 + ["default"] * 3 + ["orthogonal"] * 3,
                       "lifetime": [300.0, 290, 280, 100, 110, 120, 200, 210, 220]})
    inside, others, test, ratio = an.group_contrast(df, "init", "chain", "lifetime")
    assert sorted(inside) == [280, 290, 300] and len(others) == 6
    assert test.statistic == 18 and test.pvalue == pytest.approx(stats.mannwhitneyu(
        [300, 290, 280], [100, 110, 120, 200, 210, 220], alternative="greater").pvalue)
    assert ratio.to_dict() == {"default": 290 / 110, "orthogonal": 290 / 210}
    with pytest.raises(ValueError, match="group must be a value"):
        an.group_contrast(df, "init", "fbchain", "lifetime")


def test_correlate_groups_pools_and_splits_by_architecture():
    rng = np.random.default_rng(1)
    keys = [(a, p, s) for a in ("lstm", "gru") for p in ("decu", "vocu") for s in range(3)]
    x = {k: float(rng.normal()) for k in keys}
    y = {k: -x[k] + (2.0 if k[0] == "gru" else 0.0) + 0.3 * float(rng.normal()) for k in keys}
    r = an.correlate_groups(x, y)
    assert list(r) == ["all", "gru", "lstm"]
    ks = sorted(keys)
    assert r["all"].r == an.correlate([x[k] for k in ks], [y[k] for k in ks], n_boot=0).r
    gru = [k for k in ks if k[0] == "gru"]
    assert r["gru"].r == an.correlate([x[k] for k in gru], [y[k] for k in gru], n_boot=0).r and r["gru"].n == 6
    assert r["gru"].r < -0.5 and r["lstm"].r < -0.5
    assert an.correlate_groups(x, y, "pearson")["all"].method == "pearson"


def test_movement_ratio_is_the_ratio_of_medians_with_an_exact_test():
    a, b = [2.0, 3.0, 4.0, 5.0], [1.0, 1.5, 2.0]
    ratio, test = an.movement_ratio(a, b)
    assert ratio == pytest.approx(3.5 / 1.5)
    assert test.pvalue == stats.mannwhitneyu(a, b, alternative="two-sided", method="exact").pvalue


@pytest.fixture(scope="module")
def zoo_gru_points(task):
    import torch

    from mem import slowpoints as sp
    from mem import zoo
    model = zoo.load("gru64-vocu-s0").model
    starts, labels = sp.class_mean_states(model, task, n_trials=300)
    points = sp.find_slow_points(model, starts, task.mean_input(), method="adam", n_iters=30, lr=1e-2, labels=labels)
    return model, starts, labels, points, torch


def test_search_summary_and_budgets(task, zoo_gru_points):
    model, starts, labels, points, torch = zoo_gru_points
    trigger = task.mean_input(trigger=True)
    s = mem.searches.search_summary(points, model, trigger)
    assert torch.equal(s["moved"], (points.states - points.initial_states).norm(dim=1)) and s["moved"].max() > 0
    assert s["own"] == int((points.readout(model, trigger) == labels).sum()) and 0 < s["own"] <= len(labels)
    r = mem.searches.search_budgets(model, starts, task.mean_input(), labels, [10], trigger, done={30: points},
                          method="adam", lr=1e-2, jacobians=False)
    assert r["budgets"].tolist() == [10, 30] and r["log_speed"].shape == (2, len(labels))
    assert r["moved"][1] == s["moved"].median().item() and r["own"][1] == s["own"]
    assert r["median_log_speed"][1] == points.speed.log10().median().item()
    assert r["moved"][0] < r["moved"][1]                      # fewer Adam steps: not as far from the start


def test_nearest_cloud_and_class_point_summary(task, zoo_gru_points):
    model, _, labels, points, torch = zoo_gru_points
    probe = task.sample_probe(40, 30, torch.Generator().manual_seed(0))
    near = mem.searches.nearest_cloud(model, probe.x, probe.label, points, steps=(4, 20))
    with torch.no_grad():
        h = model(probe.x).h
    clouds = torch.stack([h[probe.label == k, 4:20].reshape(-1, h.shape[-1]).mean(0) for k in labels])
    assert torch.equal(near, labels[torch.cdist(points.h.float(), clouds).argmin(1)])
    assert int((near == labels).sum()) >= len(labels) // 2
    s = mem.searches.class_point_summary(model, task, points=points, newton_n_iters=3)
    assert s["n_points"] == len(labels) and s["speed_adam"] == points.speed.log10().median().item()
    assert s["lam"] == points.max_abs_eigenvalue().median().item() and s["speed_newton"] < s["speed_adam"]


def _networks(n=24, seed=0):
    rng = np.random.default_rng(seed)
    arch = np.array(["gru", "lstm"] * (n // 2))
    size = np.array(["64"] * (n // 2) + ["128"] * (n // 2))
    a = rng.normal(size=n)
    return pd.DataFrame({"arch": arch, "size": size, "a": a, "b": rng.normal(size=n),
                         "t": -a + (arch == "gru") + 0.5 * rng.normal(size=n),
                         "acc_10": -a + rng.normal(size=n), "acc_20": rng.normal(size=n)})


def _same(c, d):
    return (c.r, c.p, c.n, c.method, c.covariates) == (d.r, d.p, d.n, d.method, d.covariates)


def test_partial_and_delay_correlations_match_one_by_one():
    df = _networks()
    cov = {"arch": df["arch"].to_numpy(), "size": df["size"].to_numpy()}
    out = an.partial_correlations(df, ["a", "b"], "t", n_boot=0)
    assert _same(out["a"], an.partial_correlation(df["a"], df["t"], cov, n_boot=0))
    assert out["a"].covariates == "arch, size"
    assert out["a"].r < -0.5
    ranked = an.partial_correlations(df, ["a"], "t", ("arch", "b"), n_boot=0, ranked=["b"])["a"]
    assert _same(ranked, an.partial_correlation(df["a"], df["t"], {"arch": cov["arch"], "b": stats.rankdata(df["b"])},
                                                n_boot=0))
    assert _same(an.partial_correlations(df, ["a"], "t", controls=(), n_boot=0)["a"],
                 an.correlate(df["a"], df["t"], n_boot=0))
    grid = an.delay_correlations(df, ["a", "b"], [10, 20], labels={"a": "A"})
    assert list(grid.columns) == [10, 20] and list(grid.index) == ["A", "b"]
    assert grid.loc["A", 10] == an.partial_correlation(df["a"], df["acc_10"], cov, n_boot=0).r < -0.4


def test_subsample_correlations_and_significance_rate():
    df = _networks()
    small = an.subsample_correlations(df, ["a", "b"], "t", size=8, n_draws=20, seed=3)
    assert [len(v) for v in small.values()] == [20, 20]
    rng = np.random.default_rng(3)
    i = rng.choice(len(df), size=8, replace=False)
    assert _same(small["b"][0], an.correlate(df["b"].iloc[i], df["t"].iloc[i], n_boot=0))
    rate, r_sig = an.significance_rate(small)
    assert rate["a"] == np.mean([c.p < 0.05 for c in small["a"]]) and rate["a"] > rate["b"]
    assert r_sig["a"] == np.median([c.r for c in small["a"] if c.p < 0.05]) < 0
    none = an.significance_rate({"x": [an.Correlation(0.1, 0.5, np.nan, np.nan, 8, "spearman")]})
    assert none[0]["x"] == 0 and np.isnan(none[1]["x"])


def test_within_networks_is_within_network_per_measure():
    rng = np.random.default_rng(0)
    ct = pd.DataFrame({"network": np.repeat(list("pqrstuv"), 8), "a": rng.normal(size=56), "b": rng.normal(size=56)})
    ct["y"] = -ct["a"] + 0.5 * rng.normal(size=56)
    per, summary = an.within_networks(ct, ["a", "b"], "y")
    one = an.within_network(ct, "a", "y")
    assert list(per) == ["a", "b"] and per["a"].equals(one[0]) and summary["a"]["median_r"] == one[1]["median_r"]
    assert summary["a"]["median_r"] < -0.5


def test_protocol_tests_separate_what_differs_and_not_what_does_not():
    rng = np.random.default_rng(0)
    scale = {"a": 400.0, "b": 100.0, "c": 25.0}
    values = {("far", c, s): scale[c] * rng.uniform(0.8, 1.25) for c in scale for s in range(6)}
    values.update({("same", c, s): 100 * rng.uniform(0.5, 2.0) for c in scale for s in range(6)})
    t = an.protocol_tests(values, ["c", "b", "a"], n_boot=1000, n_perm=999)
    assert t.order["far"] == ["a", "b", "c"] and t.verdict("far") == "yes"
    assert t.resolved("far") == [("a", "b"), ("b", "c")]
    pair = t.pairs["far", "a", "b"]
    assert pair.significant and pair.p_floor == pytest.approx(2 / 924) and pair.pvalue == pytest.approx(2 / 924)
    assert pair.ci[0] < pair.ratio < pair.ci[1] and 2 < pair.ratio < 8
    assert t.eta2["far"] > 0.9 and t.p_condition["far"] < 0.01
    assert t.verdict("same") == "no" and not t.resolved("same") and t.p_condition["same"] > 0.05
    assert all(p.p_holm >= p.pvalue for p in t.pairs.values())
    assert "verdict: yes" in t.table()
    flipped = t.pair("far", "c", "a")
    assert (flipped.a, flipped.b) == ("c", "a") and flipped.ratio == pytest.approx(1 / t.pairs["far", "a", "c"].ratio)
    assert flipped.ci[0] < flipped.ratio < flipped.ci[1] < 1 and flipped.p_holm == t.pairs["far", "a", "c"].p_holm
    with pytest.raises(ValueError, match="two different conditions"):
        t.pair("far", "a", "a")


def test_protocol_tests_say_that_three_seeds_cannot_resolve_a_pair():
    values = {("g", c, s): (1000.0 if c == "a" else 10.0) * (1 + 0.01 * s) for c in "ab" for s in range(3)}
    t = an.protocol_tests(values, n_boot=200, n_perm=200)
    pair = t.pairs["g", "a", "b"]
    assert pair.p_floor == pytest.approx(0.1) and pair.pvalue == pytest.approx(0.1) and not pair.significant
    assert t.verdict("g") in ("partly", "no")          # a complete separation of 3 vs 3 is not a resolved ordering


def test_compare_orderings_says_where_an_ordering_carries_over():
    """issue 21: each pair of conditions on two datasets is confirmed, in the same direction, in the opposite
    direction, or contradicted; the ratios are oriented as in the first tests."""
    rng = np.random.default_rng(0)
    scale = {"a": 400.0, "b": 100.0, "c": 25.0}
    first = {("g", c, s): scale[c] * rng.uniform(0.8, 1.25) for c in scale for s in range(6)}
    spread = (0.5, 0.7, 0.9, 1.1, 1.4, 1.8)     # a and c overlap widely, a's geometric mean slightly higher
    second = {("g", c, s): {"a": 400.0, "b": 1600.0, "c": 390.0}[c] * spread[s if c != "c" else 5 - s]
              for c in scale for s in range(6)}
    second.update({("h", c, s): 100.0 * rng.uniform(0.8, 1.25) for c in scale for s in range(6)})
    t, u = (an.protocol_tests(v, n_boot=500, n_perm=999) for v in (first, second))
    cmp = an.compare_orderings(t, u).set_index(["a", "b"])
    assert list(cmp.group.unique()) == ["g"] and len(cmp) == 3           # only the shared group, every pair
    assert cmp.loc[("a", "b"), "agreement"] == "contradicted"            # a > b resolved in both, opposite ways
    assert cmp.loc[("a", "c"), "agreement"] == "same direction"          # a > c, not resolved in the second
    assert cmp.loc[("b", "c"), "agreement"] == "confirmed"               # b > c in both, resolved in both
    assert cmp.loc[("a", "b"), "ratio"] > 1 > cmp.loc[("a", "b"), "other_ratio"]
    assert cmp.loc[("a", "b"), "other_ratio"] == pytest.approx(u.pair("g", "a", "b").ratio)
    assert set(cmp.agreement) <= set(an.AGREEMENTS)
    same = an.compare_orderings(t, t)
    assert (same.agreement == "confirmed").all() and (same.ratio == same.other_ratio).all()
    noisy = {k: v * rng.uniform(0.2, 5.0) for k, v in first.items()}
    cmp = an.compare_orderings(t, an.protocol_tests(noisy, n_boot=200, n_perm=200))
    assert set(cmp.agreement) <= {"confirmed", "same direction", "opposite direction"}
    text = report.ordering_comparison(an.compare_orderings(t, u), labels={"g": "G-1"})
    assert text.splitlines()[0].startswith("G-1 a / b: digits x") and text.endswith("confirmed")
    with pytest.raises(ValueError, match="groups must name groups of both"):
        an.compare_orderings(t, u, groups=["h"])
    with pytest.raises(ValueError, match="same conditions"):
        an.compare_orderings(t, an.protocol_tests({k: v for k, v in first.items() if k[1] != "c"}, n_boot=100,
                                                  n_perm=100))
    with pytest.raises(TypeError, match="other must be"):
        an.compare_orderings(t, first)


def test_protocol_tests_refuse_cells_without_the_same_seeds():
    values = {("g", c, s): 1.0 + s for c in "ab" for s in range(3)}
    del values["g", "b", 2]
    with pytest.raises(ValueError, match="same seeds"):
        an.protocol_tests(values)
    values["g", "b", 2] = math.inf                     # a memory that outlasts the probe: no geometric mean
    with pytest.raises(ValueError, match=r"values must be finite.*censor"):
        an.protocol_tests(values)


def test_correlation_difference_resolves_a_better_measure_and_not_a_copy():
    """A noisy copy of a predictor correlates less with the target: the paired interval excludes 0; two
    equally good predictors give an interval around 0; the two correlations are partial_correlation's."""
    rng = np.random.default_rng(0)
    n = 60
    s = rng.normal(size=n)
    df = pd.DataFrame({"good": s, "noisy": s + 1.5 * rng.normal(size=n), "twin": s + 0.3 * rng.normal(size=n),
                       "twin2": s + 0.3 * rng.normal(size=n), "t": -s + 0.5 * rng.normal(size=n),
                       "arch": np.repeat(["gru", "lstm"], n // 2)})
    d = an.correlation_difference(df, "good", "noisy", "t", controls=["arch"], n_boot=1000)
    ref = an.partial_correlations(df, ["good", "noisy"], "t", ["arch"], n_boot=0)
    assert d.r_a == pytest.approx(ref["good"].r) and d.r_b == pytest.approx(ref["noisy"].r)
    assert d.diff == pytest.approx(d.r_b - d.r_a) and d.ci_low <= d.diff <= d.ci_high
    assert d.ci_low > 0 and d.p < 0.01 and d.covariates == "arch" and d.n == n   # the noisy one is weaker
    same = an.correlation_difference(df, "twin", "twin2", "t", n_boot=1000)
    assert same.ci_low < 0 < same.ci_high and same.p > 0.05
    assert an.correlation_difference(df, "twin", "twin2", "t", n_boot=1000) == same    # seeded: reproducible
    assert "paired bootstrap" in str(d)
    with pytest.raises(ValueError, match="different"):
        an.correlation_difference(df, "good", "good", "t")


def test_paired_shift_is_the_median_difference_with_a_signed_rank_test():
    before = np.arange(20.0)
    after = before - 1.0 + 0.1 * np.sin(before)          # lower by about one, in every pair
    s = an.paired_shift(before, after)
    assert s.median == pytest.approx(np.median(after - before))
    assert s.ci_low <= s.median <= s.ci_high < 0 and s.n_lower == 20 and s.n_higher == 0
    assert s.p == pytest.approx(stats.wilcoxon(after - before).pvalue) and s.p < 1e-4
    none = an.paired_shift(before, before)
    assert none.median == 0 and none.p == 1.0 and none.n_lower == none.n_higher == 0
    with pytest.raises(ValueError, match="same length"):
        an.paired_shift(before, after[:5])
