"""The headline claims of chapters 2, 4 and 6 hold on a second draw of probe trials (issue 15).

The zoo's memory metrics are measured on one seeded draw of probe trials (``mem.zoo.EVAL``).
A conclusion that flips when the trials are drawn again rests on probe noise, not on the
networks. Here every network's report accuracy, delay curve and lifetime are re-measured on
trials drawn with a different seed (``mem.zoo.table(probe_seed=...)``) and the claims the
chapters assert are checked again. Claims the chapters call fragile are not asserted there, and
are not asserted here either.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from mem import analysis as an
from mem import zoo
from mem.measures import MEASURES

SECOND_SEED = zoo.EVAL["seed"] + 1
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def networks():
    df = zoo.table(probe_seed=SECOND_SEED)
    df["size"] = df["hidden_size"].astype(str)
    return df


@pytest.fixture(scope="module")
def bridge():
    return zoo.table(zoo.BRIDGE_DIR, probe_seed=SECOND_SEED)


def test_the_second_draw_is_a_different_draw(networks):
    stored = zoo.table().set_index("name")
    again = networks.set_index("name")
    assert (again.lifetime != stored.lifetime).mean() > 0.5                 # new trials, new numbers ...
    assert (again.log_lifetime - stored.log_lifetime).abs().max() < 0.2     # ... of the same networks


def test_chapter2_protocol_orderings(networks):
    """Chapter 2 (all 54 networks, exact permutation tests per architecture and size): equal accuracy at the
    trained delays; at 64 units the protocol matters, DeCu is last and outlasted significantly by the first
    protocol (VoCu for GRUs, NaCu for LSTMs) and by VoCu, one step of each ordering unresolved; at 128 units no
    pair is resolved and the GRU protocols do not differ."""
    acc = networks.report_accuracy
    assert acc.min() > 0.9 and acc.max() - acc.min() < 0.05
    life = {(f"{r.arch}{r.hidden_size}", r.protocol, r.seed): r.lifetime for r in networks.itertuples()}
    tests = an.protocol_tests(life, ["nacu", "decu", "vocu"], seed=0)
    small = ("gru64", "lstm64")
    assert all(tests.p_condition[g] < 0.01 and tests.eta2[g] > 0.4 for g in small)
    assert tests.order["gru64"][0] == "vocu" and tests.order["lstm64"][0] == "nacu"
    assert all(tests.order[g][-1] == "decu" and tests.pair(g, tests.order[g][0], "decu").significant for g in small)
    for g in small:
        t = tests.pair(g, "vocu", "decu")
        assert t.ratio > 1.5 and t.significant and t.ci[0] > 1, g
        assert tests.verdict(g) == "partly" and len(tests.resolved(g)) == 1, g
    assert min(tests.seed_ratio[g, p] for g in small for p in tests.conditions) > 1.5
    assert max(tests.seed_ratio[g, p] for g in small for p in tests.conditions) > 3
    assert all(not t.significant for (g, _, _), t in tests.pairs.items() if g not in small)
    assert tests.p_condition["gru128"] > 0.5


def test_chapter4_speed_predicts_memory(networks):
    """Chapter 4's asserted correlations between slow-point measures and log lifetime, and its comparison of the
    two Adam budgets (2,000 steps and the authors' 100,000)."""
    plain = an.correlation_table(networks, list(MEASURES), "log_lifetime", group="arch", methods=("spearman",))
    sized = an.correlation_table(networks, list(MEASURES), "log_lifetime", group="arch", methods=("spearman",),
                                 controls=["size"])
    table = pd.concat([plain, sized], ignore_index=True)

    def r_of(measure, subset):
        return table[(table.measure == measure) & (table.subset == subset)].iloc[0]

    pooled = {m: r_of(m, "all") for m in MEASURES}
    assert {m for m in MEASURES if pooled[m].r < 0 and pooled[m].p < 0.01} == {"adam", "drift", "lam_adam"}
    assert pooled["newton"].r > 0.15
    assert r_of("adam", "all").r < 0 and r_of("adam", "all").p < 0.05
    assert r_of("adam", "lstm").r < -0.5 and r_of("adam", "lstm").p < 0.01
    assert r_of("adam", "gru").ci_low < 0 < r_of("adam", "gru").ci_high and r_of("adam", "gru | size").p > 0.05
    assert all(r_of(m, "gru | size").r < -0.5 and r_of(m, "gru | size").p < 0.01 for m in MEASURES if m != "adam")
    assert r_of("newton", "lstm").r > 0.4
    assert r_of("lam_newton", "all").ci_low < 0 < r_of("lam_newton", "all").ci_high
    partial = {m: r_of(m, "all | arch, size") for m in MEASURES}
    best = min(MEASURES, key=lambda m: partial[m].r)
    assert all(partial[m].ci_high < 0 for m in MEASURES if m != "newton")
    assert partial["newton"].ci_low < 0 < partial["newton"].ci_high
    assert best == "drift" and partial[best].r < -0.6 and partial[best].p < 0.001
    assert partial["lam_adam"].r < -0.6 and partial["adam"].r > partial["drift"].r

    # the two budgets (chapter 4, "Which budget predicts memory?"): the verdict within the GRUs depends on the budget
    compare = {pair: pd.concat([an.measure_comparison(networks, *pair, "log_lifetime", controls=c)
                                for c in ([], ["size"])], ignore_index=True).set_index("subset")
               for pair in (("adam", "paper"), ("lam_adam", "lam_paper"))}
    t = compare["adam", "paper"]
    for s in ("gru", "gru | size"):
        assert t.loc[s, "verdict_a"] == "not resolved" and t.loc[s, "verdict_b"] == "negative"
        assert t.loc[s, "ci_high"] < 0
    for s in ("all | arch", "all | arch, size"):
        assert t.loc[s, "verdict_a"] == t.loc[s, "verdict_b"] == "negative" and not t.loc[s, "differ"]
    assert (t.loc[["lstm", "lstm | size"], "diff"] > 0.2).all()
    e = compare["lam_adam", "lam_paper"]
    assert e.loc["gru", "diff"] < 0 < e.loc["lstm", "diff"] and e.loc[["gru", "lstm"], "differ"].all()
    assert e.loc["all | arch, size", "verdict_a"] == e.loc["all | arch, size", "verdict_b"] == "negative"
    free = {(b, a, c): an.correlation_difference(networks, a, b, "log_lifetime", controls=list(c))
            for b in ("drift", "newton") for a in ("adam", "paper") for c in ((), ("arch", "size"))}
    assert free["drift", "adam", ("arch", "size")].ci_high < 0
    assert free["drift", "paper", ()].ci_high < 0 < free["drift", "paper", ("arch", "size")].ci_high
    assert all(free["newton", a, c].ci_low > 0 for a in ("adam", "paper") for c in ((), ("arch", "size")))

    # the delay grid and the exercises' asserted claims
    delays = [int(c[4:]) for c in networks.columns if c.startswith("acc_")]
    grid = an.delay_correlations(networks, MEASURES, [d for d in delays if d >= 50], ("arch", "size"))
    peak = grid.idxmin(axis=1)
    assert all(150 <= peak[m] <= 500 for m in ("adam", "paper", "drift", "lam_adam"))
    assert (grid.loc[["adam", "drift", "lam_adam"], 50] > -0.3).all()
    assert (grid.loc["drift"] <= grid.min(axis=0) + 0.05).mean() >= 0.6 and (grid.loc["newton"].abs() < 0.3).all()
    assert grid.loc["lam_newton"].min() > grid.loc["drift"].min() + 0.1
    with_protocol = an.partial_correlations(networks, MEASURES, "log_lifetime", ("arch", "size", "protocol"), n_boot=0)
    assert all(abs(with_protocol[m].r) < abs(partial[m].r) for m in MEASURES if m != "newton")
    assert all(with_protocol[m].r < -0.35 and with_protocol[m].p < 0.01 for m in ("drift", "lam_adam"))
    for m in ("adam", "paper"):
        assert abs(with_protocol[m].r) < 0.7 * abs(partial[m].r)
        assert with_protocol[m].r > with_protocol["drift"].r + 0.15
    assert with_protocol["adam"].p > 0.05 and with_protocol["newton"].p > 0.05
    by_protocol = networks.groupby(["arch", "protocol"]).lifetime.median()
    assert by_protocol["gru"].idxmin() == by_protocol["lstm"].idxmin() == "decu"
    assert by_protocol["gru"].idxmax() == "vocu"
    beyond = {(m, o): an.partial_correlations(networks, [m], "log_lifetime", ("arch", "size", o), n_boot=1000,
                                              ranked=[o])[m]
              for m, o in (("adam", "drift"), ("drift", "adam"), ("paper", "drift"), ("drift", "paper"))}
    assert all(beyond["drift", o].r < -0.4 and beyond["drift", o].ci_high < 0 for o in ("adam", "paper"))
    assert beyond["adam", "drift"].r > 0.2 and beyond["adam", "drift"].ci_low > 0
    assert abs(beyond["paper", "drift"].r) < 0.5 * abs(beyond["drift", "paper"].r)


def test_chapter6_chain_grus_remember_longer(bridge):
    """Chapter 6's bridge: equal report accuracy; the chain-initialised GRUs remember longer (median
    lifetime well above the others', Mann-Whitney p < 0.05) and drift more slowly (by the median). Whether drift
    speed predicts lifetime across the nine GRUs is not asserted: since the bridge's slow points are searched from
    training digits the chapter finds the relation weak and not significant, a non-result, not a claim."""
    assert bridge.report_accuracy.max() - bridge.report_accuracy.min() < 0.03
    chain, other = bridge[bridge.init == "chain"], bridge[bridge.init != "chain"]
    assert chain.lifetime.median() > 1.15 * other.groupby("init").lifetime.median().max()
    assert stats.mannwhitneyu(chain.lifetime, other.lifetime, alternative="greater").pvalue < 0.05
    drift = bridge.groupby("init").drift.median()
    assert drift["chain"] < drift.drop("chain").min()
    assert np.isfinite(bridge.log_lifetime).all()


@pytest.fixture(scope="module")
def mnist1d():
    return zoo.table(zoo.MNIST1D_DIR, probe_seed=SECOND_SEED)


def test_chapter2_orderings_on_mnist1d(networks, mnist1d):
    """Chapter 2's second dataset (issue 21): on MNIST-1D the protocol has no detectable effect at 64 units, no
    ordering of the digits is confirmed there, and none is contradicted. Lifetimes outlasting the probe are
    censored at the longest probed delay, as in the chapter."""
    def tests_of(t):
        longest = max(zoo.EVAL["delays"])
        life = {(f"{r.arch}{r.hidden_size}", r.protocol, r.seed): min(r.lifetime, longest) for r in t.itertuples()}
        return an.protocol_tests(life, ["nacu", "decu", "vocu"], seed=0)

    digits = tests_of(networks[networks.hidden_size == 64])
    m1d = tests_of(mnist1d)
    assert mnist1d.report_accuracy.max() - mnist1d.report_accuracy.min() < 0.1
    assert all(m1d.p_condition[g] > 0.05 and not m1d.resolved(g) for g in ("gru64", "lstm64"))
    carry = an.compare_orderings(digits, m1d)
    assert not carry.agreement.isin(["confirmed", "contradicted"]).any()
    assert m1d.order["lstm64"][-1] == "decu"


def test_chapter4_across_datasets(networks, mnist1d):
    """Chapter 4's second dataset (issue 21): within MNIST-1D no measure's interval lies below 0 while the digits'
    drift speed, eigenvalue and authors' Adam speed do; the drift's two intervals do not overlap; pooled with the
    dataset and the architecture partialled out, the drift speed still predicts lifetime."""
    both = pd.concat([networks[networks.hidden_size == 64], mnist1d], ignore_index=True)
    across = an.correlation_table(both, list(MEASURES), "log_lifetime", group="data", methods=("spearman",),
                                  controls=["arch"]).set_index(["measure", "subset"])
    neg = {d: {m for m in MEASURES if across.loc[(m, f"{d} | arch"), "ci_high"] < 0} for d in ("digits", "mnist1d")}
    assert {"drift", "lam_adam", "paper"} <= neg["digits"] and not neg["mnist1d"]
    assert across.loc[("drift", "digits | arch"), "ci_high"] < across.loc[("drift", "mnist1d | arch"), "ci_low"]
    assert across.loc[("drift", "all | data, arch"), "ci_high"] < 0
