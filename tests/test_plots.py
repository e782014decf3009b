import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from mem import plots  # noqa: E402
from mem.evaluate import DelayCurve  # noqa: E402
from mem.protocols import VoCu  # noqa: E402
from mem.train import History  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_trial_strip_marks_image_and_trigger(task, gen):
    b = task.sample(3, gen)
    ax = plots.plot_trial(b, 1)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert len(labels) == 20
    assert labels[int(b.t_report[1])] == str(int(b.label[1]) - 1)
    assert sum(lab != "·" for lab in labels) == 1
    assert len(ax.patches) == 2  # image and trigger outlines
    assert len(plots.plot_trials(b, 3).axes) == 3


def test_schedule_history_and_curves():
    axes = VoCu(100).plot()
    assert axes[1].get_lines()[0].get_ydata().max() == 10  # digits, not classes
    n = 120
    h = History(loss=np.linspace(2, 0.1, n), accuracy=np.linspace(0, 1, n), T_max=np.full(n, 20),
                n_classes=np.full(n, 11))
    axes = plots.plot_history(h, label="nacu")
    assert len(axes[0].get_lines()) == 1
    c = DelayCurve(np.array([20, 100]), np.array([0.9, 0.5]), 100, 0.1)
    ax = plots.plot_delay_curves({"a": c, "b": c})
    assert ax.get_xscale() == "log" and len(ax.get_legend_handles_labels()[1]) == 3


def test_reproduction_box_escapes_and_renders():
    md = plots.reproduction_box([("claim | one", "0.9", "yes")]).data
    assert "What reproduces" in md and "claim \\| one" in md and md.count("\n| ") == 2


def test_plot_by_protocol_groups_and_marks_outlasting_values():
    values = {("gru", "nacu", 0): 100.0, ("gru", "nacu", 1): 120.0, ("gru", "decu", 0): float("inf"),
              ("lstm", "vocu", 0): 50.0}
    ax = plots.plot_by_protocol(values, log=True, outlasts=1000)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["NaCu", "DeCu", "VoCu"] * 2
    ys = sorted(float(l.get_ydata()[0]) for l in ax.get_lines() if len(l.get_ydata()) == 1)
    assert ys == [50.0, 100.0, 120.0, 1000.0]  # inf drawn at `outlasts`
    assert ax.get_yscale() == "log"
    ax2 = plots.plot_by_protocol(values)  # without `outlasts` the inf value is left out
    assert len([l for l in ax2.get_lines() if len(l.get_ydata()) == 1]) == 3
