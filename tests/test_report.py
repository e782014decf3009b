"""mem.report: set-up, ranges and the "What reproduces" table that the chapters share."""
import numpy as np
import pandas as pd
import pytest
import torch

from mem import claims, report


def test_setup_pins_threads_and_seeds():
    report.setup(seed=3, threads=1)
    assert torch.get_num_threads() == 1
    a, x = torch.rand(2), np.random.rand(2)  # noqa: NPY002 -- setup seeds the legacy global generator
    report.setup(seed=3)
    assert torch.equal(a, torch.rand(2)) and np.array_equal(x, np.random.rand(2))  # noqa: NPY002
    report.setup(seed=4)
    assert not torch.equal(a, torch.rand(2))
    with pytest.raises(ValueError, match="threads must be"):
        report.setup(threads=0)


def test_book_task_is_the_chapters_task():
    task = report.book_task()
    assert (task.T_max, task.delta_min, task.n_outputs) == (20, 4, 11)


@pytest.mark.parametrize("values, args, expected", [
    ([3, 1, 2], (), "1–3"),
    ({"a": 10, "b": 10}.values(), (), "10"),                        # equal ends collapse
    ([10, 10], ("", "–", False), "10–10"),
    ([0.5, 0.25], (".2f", " to "), "0.25 to 0.50"),
    (np.array([0.72, 0.634]), (".2f", " to "), "0.63 to 0.72"),
    (pd.Series([-0.001, 0.3]), (".2f",), "0.00–0.30"),             # round-off prints as an unsigned zero
    ([265.4, 300.2, 281.0], (".0f", " to "), "265 to 300"),
    ([1.0, float("inf")], (".1f",), "1.0–inf"),
])
def test_format_range(values, args, expected):
    assert report.format_range(values, *args) == expected


def test_format_range_rejects_bad_input():
    with pytest.raises(ValueError, match="values must hold at least one number"):
        report.format_range([])
    with pytest.raises(TypeError, match="spec and sep must be str"):
        report.format_range([1], 2)


def test_format_ci():
    from mem.analysis import correlate
    c = correlate(np.arange(20.0), np.arange(20.0) ** 2)
    assert report.format_ci(c) == f"{c.r:+.2f} [{c.ci_low:+.2f}, {c.ci_high:+.2f}]"
    assert report.format_ci(c).startswith("+1.00 [")
    with pytest.raises(TypeError, match=r"c must be a mem\.analysis\.Correlation"):
        report.format_ci(0.5)


def test_success_counts():
    runs = pd.DataFrame({"task": ["copy"] * 4 + ["addition"],
                         "scheme": ["orthogonal", "chain", "chain", "chain", "chain"],
                         "success": [False, True, False, True, True]})
    assert report.success_counts(runs, "copy") == {"chain": "2/3", "orthogonal": "0/1"}
    assert list(report.success_counts(runs, "copy")) == ["chain", "orthogonal"]
    with pytest.raises(ValueError, match="task must be one of"):
        report.success_counts(runs, "mnist")
    with pytest.raises(ValueError, match="without the columns"):
        report.success_counts(runs.drop(columns="success"), "copy")


def test_reproduction_box_escapes_and_renders():
    md = report.reproduction_box([("claim | one", "0.9", "yes")]).data
    assert md.startswith("**What reproduces**") and "claim \\| one" in md and md.count("\n| ") == 2
    with pytest.raises(ValueError, match="rows must be"):
        report.reproduction_box([("claim", "measured")])


def test_fill_claims_evaluates_templates_in_the_chapters_names():
    rows = [claims.Claim("A {{claim}}", "measured {format_range(x, '.1f')} over {len(x)} nets",
                         '{"yes" if max(x) > 1 else "no"}')]
    assert report.fill_claims(rows, {"x": [0.5, 2.0]}) == [("A {claim}", "measured 0.5–2.0 over 2 nets", "yes")]
    assert report.fill_claims(rows, {"x": [0.5]})[0][2] == "no"
    with pytest.raises(ValueError, match="values must define 'x'"):
        report.fill_claims(rows, {})
    with pytest.raises(TypeError, match="values must be a mapping"):
        report.fill_claims(rows, [1])


def test_every_chapter_has_claims_and_the_box_names_them():
    assert sorted(claims.CLAIMS) == [1, 2, 3, 4, 5, 6]
    assert all(len(rows) >= 3 and all(isinstance(c, claims.Claim) for c in rows) for rows in claims.CLAIMS.values())
    with pytest.raises(ValueError, match="chapter must be one of"):
        report.what_reproduces(7, {})
    with pytest.raises(ValueError, match="values must define"):
        report.what_reproduces(3, {})


def test_format_values():
    assert report.format_values({"a": 0.634, "b": (1.5, 0.25)}) == {"a": "0.63", "b": ("1.50", "0.25")}
    assert report.format_values({"a": 0.000123}, ".2g") == {"a": "0.00012"}
    with pytest.raises(TypeError, match="values must be a mapping"):
        report.format_values([0.5])


def _toy_points():
    from mem import models
    from mem import slowpoints as sp
    g = torch.linspace(-1, 1, 7)
    return sp.find_slow_points(models.toy_rnn(), torch.cartesian_prod(g, g), torch.zeros(1)).deduplicate()


def test_point_table_lists_every_point_sorted():
    p = _toy_points()
    lines = report.point_table(p, ("max_abs_eigenvalue", "kind"), note="(a note)").split("\n")
    assert lines[0].split() == ["h1", "h2", "S", "|lambda|max", "kind", "(a", "note)"]
    assert len(lines) == 1 + len(p) == 10
    kinds = [line.split()[-1] for line in lines[1:]]
    assert sorted(kinds) == ["saddle"] * 4 + ["source"] + ["stable"] * 4
    h1 = [float(line.split()[0]) for line in lines[1:]]
    assert h1 == sorted(h1) and all(float(line.split()[2]) < 1e-10 for line in lines[1:])   # fixed points
    out = report.point_table(p, ("grad_norm", "eigenvalue_near_1", "outcome")).split("\n")
    assert out[0].endswith("outcome") and all(line.endswith("fixed") for line in out[1:])


def test_format_groups_and_stability_summary():
    from mem.analysis import Correlation
    c = {"all": Correlation(-0.71, 0.0104, np.nan, np.nan, 12, "spearman"),
         "gru": Correlation(-0.6, 0.2, np.nan, np.nan, 6, "spearman"),
         "lstm": Correlation(0.3, 0.5, np.nan, np.nan, 6, "spearman")}
    assert report.format_groups(c) == "Spearman -0.71 (p = 0.010, n = 12); GRU -0.60, LSTM +0.30 (n = 6 each)"
    assert report.format_groups(c, signs_only=True) == ("Spearman negative (p < 0.05, n = 12); GRU negative, "
                                                        "LSTM positive (n = 6 each; values in the figure)")
    text = report.stability_summary(_toy_points()).split("\n")
    assert text[0].startswith("|lambda|max 0.") and "/9 above 1" in text[0]
    assert text[1] == "    eigenvalues with ||lambda| - 1| < 0.001 at a point: median 0, from 0 to 0"


def test_stage_movement_and_drift_summaries(task):
    from mem import drift
    from mem.formation import stage_movement
    from mem.models import RNNClassifier
    ends = np.arange(100, 1300, 100)
    D = np.exp(-ends / 1000)[:, None] * np.array([1.0, 1.2])
    c = stage_movement(ends, D, [150, 350, 550, 750, 950, 1150])
    text = report.stage_movement_summary(c).split("\n")
    first = f"median distance per 100 steps, intervals with a stage start {np.median(c['change']):.2f}"
    assert text[0].startswith(first)
    assert text[1].startswith("    relative to the trend: with a stage start") and f"{c['jump']:.2f}" in text[1]
    model = RNNClassifier("gru", task.input_size, hidden_size=8, seed=0)
    starts = model.unflatten_state(0.3 * torch.randn(2, 8, generator=torch.Generator().manual_seed(0)))
    d = drift.drift(model, task.mean_input(), task.mean_input(trigger=True), starts, torch.tensor([1, 2]), 30,
                    window=10, newton_n_iters=20)
    lines = report.drift_summary(d, window=10).split("\n")
    assert lines[0].startswith("after 30 steps: S ") and "in the last 10 steps" in lines[0]
    k = int(d.end.converged.sum())
    share = "all" if k == 2 else "most" if k == 1 else "fewer than half"
    assert lines[1].startswith(f"    Newton from there: {share} of the 2 reached a fixed point")
    assert "the 2 results" in lines[1]
    assert len(lines) == (2 if k == 2 else 3)


def test_within_summary_is_one_line():
    from mem.analysis import Correlation
    s = {"median_r": -0.345, "n_negative": 30, "n_networks": 36, "wilcoxon_p": 1.2e-5,
         "pooled": Correlation(-0.3, 2e-8, np.nan, np.nan, 350, "spearman")}
    assert report.within_summary(s) == ("median r -0.34, negative in 30/36 networks (Wilcoxon p = 1e-05); pooled "
                                        "within networks -0.30 (p = 2e-08, n = 350)")


def _chapter2_tests():
    """Lifetimes of two groups, three conditions, six seeds: VoCu above NaCu above DeCu in "gru"; in "lstm"
    the seeds of NaCu and DeCu interleave."""
    from mem.analysis import protocol_tests
    life = {}
    for s in range(6):
        life["gru", "vocu", s] = 400.0 + 10 * s
        life["gru", "nacu", s] = 200.0 + 10 * s
        life["gru", "decu", s] = 100.0 + 10 * s
        life["lstm", "vocu", s] = 300.0 + 10 * s
        life["lstm", "nacu", s] = 150.0 + 20 * s
        life["lstm", "decu", s] = 160.0 + 20 * s
    return life, protocol_tests(life, ["nacu", "decu", "vocu"], n_boot=200, n_perm=200, seed=0)


def test_chapter2_protocol_verdicts_and_pair_summary():
    life, tests = _chapter2_tests()
    labels = {"gru": "GRU-64", "lstm": "LSTM", "nacu": "NaCu", "decu": "DeCu", "vocu": "VoCu"}
    lines = report.protocol_verdicts(tests, labels).splitlines()
    assert lines[0] == ("GRU-64 verdict: yes     ordering VoCu > NaCu > DeCu; "
                        "resolved steps: VoCu > NaCu, NaCu > DeCu")
    assert lines[1].startswith("LSTM   verdict: partly  ordering VoCu > ")           # padded to the longest name
    assert lines[1].endswith("resolved steps: " + ", ".join(f"{labels[a]} > {labels[b]}"
                                                            for a, b in tests.resolved("lstm")))
    assert report.protocol_verdicts(tests).splitlines()[0].startswith("gru  verdict: yes")   # no labels: the keys
    t = tests.pair("gru", "vocu", "decu")
    assert report.pair_summary(tests, "vocu", "decu", labels).splitlines()[0] == (
        f"GRU-64 VoCu / DeCu: x{t.ratio:.2f} (95% CI {t.ci[0]:.2f} to {t.ci[1]:.2f}), exact p = {t.pvalue:.3g}, "
        f"Holm-corrected {t.p_holm:.3g}, 6 vs 6 seeds")
    assert t.ratio > 1
    assert report.pair_summary(tests, "decu", "vocu").startswith(f"gru  decu / vocu: x{1 / t.ratio:.2f}")
    with pytest.raises(TypeError, match=r"tests must be a mem\.analysis\.ProtocolTests"):
        report.protocol_verdicts(life)
    with pytest.raises(TypeError, match="labels must map"):
        report.protocol_verdicts(tests, {"gru": 64})
    with pytest.raises(ValueError, match="b must be one of the tests' conditions"):
        report.pair_summary(tests, "vocu", "rnn")
    with pytest.raises(ValueError, match="a and b must be two different conditions"):
        report.pair_summary(tests, "vocu", "vocu")


def test_chapter2_seed_separation_takes_the_first_seeds():
    life, _ = _chapter2_tests()
    text = report.seed_separation(life, ["nacu", "decu", "vocu"], ["gru", "lstm"], (1, 2, 6), {"gru": "GRU"})
    assert text.splitlines() == [
        "seeds 0-0: every seed above every seed of the next protocol: GRU yes, lstm yes",
        # lstm: NaCu seed 1 (170) lies above DeCu seed 0 (160)
        "seeds 0-1: every seed above every seed of the next protocol: GRU yes, lstm no",
        "seeds 0-5: every seed above every seed of the next protocol: GRU yes, lstm no"]
    assert report.seed_separation(life, ["nacu", "decu", "vocu"], ["lstm"], [1], condition="scheme") == \
        "seeds 0-0: every seed above every seed of the next scheme: lstm yes"
    with pytest.raises(ValueError, match=r"n_seeds must be an integer in 1\.\.6"):
        report.seed_separation(life, ["nacu", "decu", "vocu"], ["gru"], [7])
    with pytest.raises(ValueError, match="groups must be groups of values"):
        report.seed_separation(life, ["nacu", "decu", "vocu"], ["rnn"])
    with pytest.raises(TypeError, match="groups must be a list of names"):
        report.seed_separation(life, ["nacu", "decu", "vocu"], "gru")

def _budget_table():
    """Eight networks with speeds after three searches that order them differently."""
    keys = [(a, p, s) for a in ("gru", "lstm") for p in ("decu", "vocu") for s in (0, 1)]
    rng = np.random.default_rng(0)
    return pd.DataFrame({"arch": [k[0] for k in keys], "protocol": [k[1] for k in keys], "seed": [k[2] for k in keys],
                         "lifetime": 100.0 + np.arange(8) * 20, "adam": -4.0 - 0.1 * np.arange(8),
                         "paper": -5.5 + rng.normal(0, 0.3, 8),
                         "newton": -5.0 - 3.0 * (np.arange(8) >= 4) - 0.01 * np.arange(8),
                         "lam_adam": 0.01 - 0.001 * np.arange(8)},
                        index=[f"{a}-{p}-s{s}" for a, p, s in keys])


def test_budget_comparison_and_its_summary():
    from mem.analysis import correlate
    from mem.searches import budget_comparison
    t = _budget_table()
    c = budget_comparison(t)
    assert c["keys"][0] == ("gru", "decu", 0) and len(c["values"]["adam"]) == 8
    assert c["rho"]["adam"]["all"].r == pytest.approx(-1.0) and c["rho"]["lam_adam"]["gru"].r == pytest.approx(-1.0)
    assert c["span"]["adam"] == pytest.approx(0.7) and c["span"]["newton"] == pytest.approx(3.07)
    assert np.allclose(c["gain"]["newton"], t["adam"] - t["newton"])
    assert c["agree"]["adam", "paper"] == pytest.approx(correlate(t["adam"], t["paper"], n_boot=0).r)
    assert list(c["below_newton"].index) == list(t.index[t["paper"] < t["newton"]])
    lines = report.budget_summary(c).split("\n")
    assert len(lines) == 7 and lines[0].startswith("Adam 2000        vs lifetime: Spearman -1.00")
    assert lines[3].startswith("log|lambda|max   vs lifetime:")
    assert lines[4] == "median speeds span 0.7 decades across the 8 networks after Adam 2000, " \
                       f"{c['span']['paper']:.1f} after the authors' budget, 3.1 after Newton 200"
    assert lines[5].endswith(f"ends below Newton 200 in {len(c['below_newton'])} networks "
                             f"(GRU: {len(c['below_newton'])})")
    assert lines[6].startswith("Spearman between the networks' rankings: Adam 2000 and authors' budget ")
    with pytest.raises(ValueError, match=r"table must .*columns"):
        budget_comparison(t.drop(columns="paper"))
    with pytest.raises(ValueError, match="table must hold finite numbers"):
        budget_comparison(t.assign(adam=[np.nan] + [-4.0] * 7))
    with pytest.raises(ValueError, match="at least 4 networks"):
        budget_comparison(t.iloc[:6])
    with pytest.raises(ValueError, match=r"vary within each architecture.*'paper'"):
        budget_comparison(t.assign(paper=-5.0))
    with pytest.raises(TypeError, match="c must be the dict"):
        report.budget_summary({"keys": []})

def test_budget_table_names_the_columns_the_chapter_prints():
    from mem.searches import BUDGET_COLUMNS, budget_table
    t = _budget_table()
    out = budget_table(t)
    assert list(out.columns) == list(BUDGET_COLUMNS.values()) and list(out.index) == list(t.index)
    assert np.array_equal(out["Adam 2000"], t["adam"]) and np.array_equal(out["Newton 200"], t["newton"])
    assert np.allclose(out["|lambda|max"], np.exp(t["lam_adam"])) and np.array_equal(out["lifetime"], t["lifetime"])
    assert list(t.columns) == ["arch", "protocol", "seed", "lifetime", "adam", "paper", "newton", "lam_adam"]
    with pytest.raises(ValueError, match=r"table must .*columns \['paper'\]"):
        budget_table(t.drop(columns="paper"))
    with pytest.raises(ValueError, match="table must hold finite numbers"):
        budget_table(t.assign(lifetime=[np.inf] + [100.0] * 7))
    with pytest.raises(TypeError, match="table must be"):
        budget_table(t.to_dict("list"))

    from scipy import stats

    from mem import analysis, zoo

    bridge = zoo.table(zoo.BRIDGE_DIR)
    c = report.bridge_contrast(bridge, group="chain")
    life, other, mw, ratio = analysis.group_contrast(bridge, "init", "chain", "lifetime")
    assert c.life.equals(life) and c.other_life.equals(other) and c.ratio.equals(ratio)
    assert (c.mw.statistic, c.mw.pvalue) == (mw.statistic, mw.pvalue)
    rho = stats.spearmanr(bridge.drift, bridge.log_lifetime)
    assert (c.rho.statistic, c.rho.pvalue) == (rho.statistic, rho.pvalue)
    assert sorted(c.drift) == sorted(bridge[bridge.init == "chain"].drift)
    assert len(c.drift) + len(c.other_drift) == len(bridge) and c.others == ["default", "orthogonal"]
    lines = str(c).split("\n")
    assert len(lines) == 6
    assert lines[0] == f"lifetime, chain: {sorted(life.round(0))}; default and orthogonal: {sorted(other.round(0))}"
    assert lines[1].startswith("Mann-Whitney (chain > others, one-sided, exact): U = ")
    assert lines[3].startswith(f"Spearman, drift speed vs log lifetime over the {len(bridge)} networks: ")
    assert lines[5] == (f"|λ|max at the Adam points: {np.exp(bridge.lam_adam).min():.5f} to "
                        f"{np.exp(bridge.lam_adam).max():.5f}")
    # another group: the others are named in sorted order; a tie makes scipy's test asymptotic
    d = report.bridge_contrast(bridge.assign(lifetime=bridge.lifetime.round(-2)), group="default")
    assert str(d).split("\n")[0].startswith("lifetime, default: ") and "chain and orthogonal: " in str(d)
    assert "one-sided, asymptotic)" in str(d)
    with pytest.raises(ValueError, match="group must be one of"):
        report.bridge_contrast(bridge, group="identity")
    with pytest.raises(ValueError, match="without the columns \\['drift'\\]"):
        report.bridge_contrast(bridge.drop(columns="drift"))
    with pytest.raises(ValueError, match="bridge\\['lifetime'\\] must be finite"):
        report.bridge_contrast(bridge.assign(lifetime=np.nan))
    with pytest.raises(TypeError, match="bridge must be"):
        report.bridge_contrast(bridge.to_dict())



def test_sweep_move_summary_counts_what_moved():
    moved = pd.DataFrame({"mode": ["slowpoints", "slowpoints", "control"],
                          "tracking": ["fixed", "retrack", "fixed"], "factor": [1.05, 1.5, 1.2]})
    lines = report.sweep_move_summary(moved, {"rule a": (True, True), "rule b": (False, True)}, 1.1).split("\n")
    assert lines[0] == "3 runs in both sweeps; lifetime moved by more than ×1.1 in 2, 1 of them with fixed points"
    assert lines[-2:] == ["rule a: first sweep True, now True", "rule b: first sweep False, now True"]
    assert "retrack" in "\n".join(lines[1:-2]) and "1.5" in "\n".join(lines[1:-2])
    with pytest.raises(TypeError, match="moved must be"):
        report.sweep_move_summary(moved.drop(columns="factor"), {}, 1.1)
    with pytest.raises(TypeError, match="same must be"):
        report.sweep_move_summary(moved, {"rule": True}, 1.1)
    with pytest.raises(ValueError, match="margin must be"):
        report.sweep_move_summary(moved, {}, 1.0)
