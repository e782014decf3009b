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
