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
    """Chapter 4's asserted correlations between slow-point measures and log lifetime."""
    plain = an.correlation_table(networks, list(MEASURES), "log_lifetime", group="arch", methods=("spearman",))
    sized = an.correlation_table(networks, list(MEASURES), "log_lifetime", group="arch", methods=("spearman",),
                                 controls=["size"])
    table = pd.concat([plain, sized], ignore_index=True)

    def r_of(measure, subset):
        return table[(table.measure == measure) & (table.subset == subset)].iloc[0]

    assert r_of("adam", "all").r < 0 and r_of("adam", "all").p < 0.05
    assert r_of("adam", "lstm").r < -0.5 and r_of("adam", "lstm").p < 0.01
    assert r_of("adam", "gru").ci_low < 0 < r_of("adam", "gru").ci_high and r_of("adam", "gru | size").p > 0.05
    assert r_of("lam_adam", "gru | size").r < -0.5 and r_of("lam_adam", "gru | size").p < 0.01
    assert r_of("drift", "gru | size").r < -0.4          # its p-value straddles 0.05 between draws: fragile
    for m in ("newton", "lam_newton"):
        assert r_of(m, "all").ci_low < 0 < r_of(m, "all").ci_high
    partial = {m: r_of(m, "all | arch, size") for m in MEASURES}
    best = min(MEASURES, key=lambda m: partial[m].r)
    assert partial[best].r < -0.6 and partial[best].p < 0.001
    assert partial["drift"].r < -0.6 and partial["lam_adam"].r < -0.6 and partial["adam"].r > partial["drift"].r


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
