import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mem import plots
from mem.evaluate import DelayCurve
from mem.protocols import DeCu, VoCu
from mem.train import History


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
    axes = plots.plot_schedule(VoCu(100))
    assert axes[1].get_lines()[0].get_ydata().max() == 10  # digits, not classes
    assert axes[0].get_lines()[0].get_label() == "vocu" and axes[0].get_lines()[0].get_color() == "#d62728"
    axes = plots.plot_schedule(DeCu(100), label="DeCu", color="k")
    assert axes[0].get_lines()[0].get_ydata().max() == 20 and axes[0].get_lines()[0].get_color() == "k"
    with pytest.raises(TypeError, match=r"protocol must be a mem\.protocols\.Protocol"):
        plots.plot_schedule(VoCu(100).schedule())
    n = 120
    h = History(loss=np.linspace(2, 0.1, n), accuracy=np.linspace(0, 1, n), T_max=np.full(n, 20),
                n_classes=np.full(n, 11))
    axes = plots.plot_history(h, label="nacu")
    assert len(axes[0].get_lines()) == 1
    c = DelayCurve(np.array([20, 100]), np.array([0.9, 0.5]), 100, 0.1)
    ax = plots.plot_delay_curves({"a": c, "b": c})
    assert ax.get_xscale() == "log" and len(ax.get_legend_handles_labels()[1]) == 3


def test_plot_by_protocol_groups_and_marks_outlasting_values():
    values = {("gru", "nacu", 0): 100.0, ("gru", "nacu", 1): 120.0, ("gru", "decu", 0): float("inf"),
              ("lstm", "vocu", 0): 50.0}
    ax = plots.plot_by_protocol(values, log=True, outlasts=1000)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["NaCu", "DeCu", "VoCu"] * 2
    ys = sorted(float(line.get_ydata()[0]) for line in ax.get_lines() if len(line.get_ydata()) == 1)
    assert ys == [50.0, 100.0, 120.0, 1000.0]  # inf drawn at `outlasts`
    assert ax.get_yscale() == "log"
    ax2 = plots.plot_by_protocol(values)  # without `outlasts` the inf value is left out
    assert len([line for line in ax2.get_lines() if len(line.get_ydata()) == 1]) == 3


# -- chapter 3 ---------------------------------------------------------------------------------
def test_speed_landscape_marks_fixed_points_by_stability():
    import torch

    from mem import slowpoints as sp
    from mem.models import toy_rnn
    g = torch.linspace(-1.2, 1.2, 5)
    pts = sp.find_slow_points(toy_rnn(), torch.cartesian_prod(g, g), torch.zeros(1)).deduplicate()
    ax = plots.plot_speed_landscape(toy_rnn(), points=pts, n=21, arrows=5)
    assert len(ax.images) + len(ax.collections) >= 2  # heat map and arrows (and markers)
    with pytest.raises(ValueError, match="2-D state"):
        plots.plot_speed_landscape(torch.nn.GRUCell(1, 3))
    with pytest.raises(ValueError, match="n must be an integer"):
        plots.plot_speed_landscape(toy_rnn(), n=1)
    with pytest.raises(ValueError, match="lim must be a finite number > 0"):
        plots.plot_speed_landscape(toy_rnn(), lim=0)


def test_chapter3_plots_validate_and_draw():
    rng = np.random.default_rng(0)
    traj, lab = rng.normal(size=(4, 30, 2)), np.array([1, 2, 3, 4])
    ax = plots.plot_state_space(traj, lab, points=rng.normal(size=(4, 2)), point_labels=lab,
                                starts=rng.normal(size=(4, 2)))
    assert len(ax.lines) + len(ax.collections) >= 4
    with pytest.raises(ValueError, match="traj_labels must have one label per trajectory"):
        plots.plot_state_space(traj, lab[:3])
    with pytest.raises(ValueError, match="traj must have 3 dimensions"):
        plots.plot_state_space(traj[0], lab)
    ev = rng.normal(size=(3, 8)) + 1j * rng.normal(size=(3, 8))
    a1, _a2 = plots.plot_eigenvalues(ev, labels=[1, 2, 3], n_top=4)
    assert a1.get_aspect() in ("equal", 1.0)
    with pytest.raises(ValueError, match="n_top must be a positive integer"):
        plots.plot_eigenvalues(ev, n_top=0)
    with pytest.raises(ValueError, match="labels must have one entry per row"):
        plots.plot_eigenvalues(ev, labels=[1])
    S, rep = 10.0 ** rng.uniform(-12, -2, size=(2, 50)), rng.integers(0, 11, size=(2, 50))
    plots.plot_drift(S, rep, [1, 2], levels={"Adam": -5.0})
    with pytest.raises(ValueError, match="reported must have the shape of speed"):
        plots.plot_drift(S, rep[:, :10], [1, 2])
    with pytest.raises(ValueError, match="floor must be a finite number > 0"):
        plots.plot_drift(S, rep, [1, 2], floor=0)
    pts = {"decu": {0: None, 100: (rng.normal(size=(3, 2)), np.array([1, 2, 3]))},
           "vocu": {0: None, 100: (rng.normal(size=(2, 2)), np.array([1, 2]))}}
    fig = plots.plot_formation(pts, [0, 100])
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match="has no entry for steps"):
        plots.plot_formation(pts, [0, 100, 200])
    with pytest.raises(ValueError, match="non-empty dict"):
        plots.plot_formation({}, [0])
    d = rng.uniform(size=(3, 2))
    plots.plot_displacement([100, 200, 300], d, [1, 2], events=[150])
    with pytest.raises(ValueError, match="displacement must have shape"):
        plots.plot_displacement([100, 200], d, [1, 2])
    x = {("gru", "decu", 0): 1.0, ("lstm", "vocu", 1): 2.0}
    plots.plot_against(x, {k: 2 * v for k, v in x.items()}, logx=True)
    with pytest.raises(ValueError, match="same keys"):
        plots.plot_against(x, {})
    assert plots.class_color(3) != plots.class_color(4)
    with pytest.raises(ValueError, match="label must be a class"):
        plots.class_color(99)


def test_chapter4_plots_validate_and_draw():
    import pandas as pd

    from mem import analysis as an
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"arch": np.repeat(["gru", "lstm"], 12), "protocol": np.tile(["nacu", "decu", "vocu"], 8),
                       "hidden_size": np.tile([64, 128], 12), "m": rng.normal(size=24)})
    df["y"] = -df["m"] + 0.3 * rng.normal(size=24)
    df.loc[0, "y"] = np.inf                       # outlasts the probe: drawn at the top, left out of the fit
    ax = plots.plot_measure(df, "m", "y")
    assert len(ax.collections) == 2               # one confidence band per architecture
    labels = ax.get_legend_handles_labels()[1]
    assert "GRU (n = 12)" in labels and "VoCu" in labels
    with pytest.raises(ValueError, match="x must be a column of df, got 'speed'"):
        plots.plot_measure(df, "speed")
    with pytest.raises(ValueError, match="confidence"):
        plots.plot_measure(df, "m", "y", confidence=2)
    t = an.correlation_table(df.replace(np.inf, 10.0), ["m"], "y", n_boot=50)
    ax = plots.plot_correlations(t)
    assert len(ax.get_yticks()) == 1 and ax.get_legend_handles_labels()[1] == ["all", "gru", "lstm", "all | arch"]
    with pytest.raises(ValueError, match="method must be one of"):
        plots.plot_correlations(t, method="kendall")
    ax = plots.plot_within({"m": pd.DataFrame({"r": [-0.5, 0.1, -0.2]})})
    assert [t.get_text() for t in ax.get_xticklabels()] == ["m"]
    plt.close("all")


def test_chapter5_plots_read_the_sweep():
    from mem import regularize as rg
    t = rg.sweep_table()
    n = rg.SWEEP["networks"][0]
    ax = plots.plot_lambda_sweep(t, "acc_500", n)
    labels = ax.get_legend_handles_labels()[1]
    assert {"SlowPoints", "CenterMass", "Control (λ = 0)", "before fine-tuning"} <= set(labels)
    ax = plots.plot_lambda_sweep(t, "speed_ratio", n)      # no "before" value for a ratio
    assert "before fine-tuning" not in ax.get_legend_handles_labels()[1]
    with pytest.raises(ValueError, match="network must be one of"):
        plots.plot_lambda_sweep(t, "acc_500", "gru64-nocu-s9")
    axes = plots.plot_sweep_curves(t, 1000.0, rg.SWEEP["networks"][:2], rg.SWEEP["delays"])
    assert len(axes) == 2 and len(axes[0].get_lines()) == 5    # before, Control, two modes, chance
    assert axes[0].figure.get_figwidth() <= plots.COLUMN_INCHES and len(axes[0].figure.legends) == 1
    with pytest.raises(ValueError, match="lam must be one of"):
        plots.plot_sweep_curves(t, 3.0, [n], rg.SWEEP["delays"])


def test_chapter6_plots_draw_what_they_are_given():
    import pandas as pd

    from mem import theory

    ax = plots.plot_fisher_curves({"chain α=1": theory.delay_line_memory(10, 1.0), "orthogonal": [1.0]})
    assert len(ax.lines) == 2 and "J_tot = 2.93" in ax.get_legend().get_texts()[0].get_text()
    ax = plots.plot_fisher_curves({"chain α=1": [1.0, 0.5], "chain α=2": [1.0, 0.8], "orthogonal": [1.0]})
    assert [ln.get_linestyle() for ln in ax.lines] == ["-", "--", "-"]     # two chains: one dashed
    with pytest.raises(ValueError, match="curves must be a non-empty dict"):
        plots.plot_fisher_curves({})
    steps = np.array([0, 10, 20])
    curves = {"chain": (steps, np.array([[1.0, 0.5, 0.2], [1.0, 0.6, 0.4]]), 3e-4)}
    ax = plots.plot_benchmark_curves(curves)
    assert np.allclose(ax.lines[0].get_ydata(), [1.0, 0.55, 0.3])
    table = pd.DataFrame({"task": ["copy"] * 3, "scheme": ["chain", "chain", "orthogonal"],
                          "success": [True, False, False]})
    ax = plots.plot_success_counts(table, schemes=("chain", "orthogonal"))
    assert [p.get_height() for p in ax.patches] == [1, 0]
    ax = plots.plot_decoding([0, 5], {"chain": [0.9, -3.0]}, n_units=4)
    assert np.allclose(ax.lines[0].get_ydata(), [0.9, -0.1])  # clipped for display
    off = np.arange(-3, 4)
    ax = plots.plot_chain_profile({"net": (off, off * 0.1)}, window=1)
    assert ax.lines[0].get_xdata().tolist() == [-1, 0, 1]
    ax = plots.plot_chain_profile({"net": (off, off * 0.1)}, window=1, diagonal=False)
    assert ax.lines[0].get_xdata().tolist() == [-1, 1]
    plt.close("all")


# -- style ---------------------------------------------------------------------------------------
def test_every_figure_module_takes_its_style_from_one_place():
    """Colours, markers and labels are defined once, in mem.plots.style, and re-exported by mem.plots."""
    import inspect

    from mem.plots import nonnormal, overview, regularization, slowpoints, speed, style, task, training
    registries = [n for n in style.__all__ if n.isupper()]
    assert {"PROTOCOL_COLORS", "PROTOCOL_LABELS", "PROTOCOL_MARKERS", "CLASS_COLORS", "ARCH_COLORS",
            "MODE_STYLES", "SCHEME_COLORS"} <= set(registries)
    for module in (nonnormal, overview, regularization, slowpoints, speed, task, training):
        source = inspect.getsource(module)
        assert "#" + "1f77b4" not in source and " = {" + '"' + "nacu" not in source, module.__name__
        assert all(getattr(plots, n) is getattr(style, n) for n in registries)
    assert set(plots.PROTOCOL_LABELS) == set(plots.PROTOCOL_COLORS) == set(plots.PROTOCOL_MARKERS) \
        == set(plots.PROTOCOL_DESCRIPTIONS)


def test_style_lookups():
    assert plots.class_color(0) == "k" and plots.class_color(1) == plots.CLASS_COLORS[0]
    assert plots.scheme_color("chain α=1.02") == plots.SCHEME_COLORS["chain"]
    assert plots.scheme_color("nothing") is None
    with pytest.raises(TypeError, match="label must be a str"):
        plots.scheme_color(3)


def test_search_speeds_one_column_per_network():
    speeds = {"a": (np.array([-2.0, -3.0]), np.array([-5.0, -6.0]), np.array([1, 2])),
              "b": (np.array([-1.0]), np.array([-4.0]), np.array([3]))}
    ax = plots.plot_search_speeds(speeds, end_label="after 10 steps")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    offsets = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    assert sorted(offsets[:, 1].tolist()) == [-6.0, -5.0, -4.0, -3.0, -2.0, -1.0]
    assert ax.get_legend_handles_labels()[1] == ["class mean (start)", "after 10 steps"]
    with pytest.raises(ValueError, match="speeds must be a non-empty dict"):
        plots.plot_search_speeds({})


def test_chapter2_figures_draw_what_they_are_given():
    from mem.evaluate import memory_lifetime
    from mem.protocols import AccuracyCurriculum, NaCu
    axes = plots.plot_schedules({"nacu": NaCu(100), "decu": DeCu(100)}, curriculum_end=50, title="t")
    assert [ln.get_label() for ln in axes[0].get_lines()][:2] == ["NaCu", "DeCu"]
    assert axes[0].get_lines()[-1].get_xdata()[0] == 50                      # the dashed end of the curricula
    proto = AccuracyCurriculum.delay(n_iters=60, T_start=6, T_end=8, T_step=2, threshold=0.5, window=5)
    for step in range(60):
        proto(step, 1.0)
    n = 60
    h = History(loss=np.linspace(2, 0.1, n), accuracy=np.linspace(0, 1, n), T_max=np.full(n, 20),
                n_classes=np.full(n, 11))
    axes = plots.plot_curriculum_run(h, proto)
    assert axes.shape == (2, 2) and [t.get_text() for t in axes[1, 0].texts] == ["4"]   # the one transition
    hist = {(a, p, s): h for a in ("gru", "lstm") for p in ("vocu", "nacu") for s in (0, 1)}
    axes = plots.plot_histories(hist, curriculum_end=30)
    assert axes.shape == (2, 2) and axes[0, 1].get_legend_handles_labels()[1][:2] == ["NaCu s0", "NaCu s1"]
    c = DelayCurve(np.array([20, 100, 1000]), np.array([0.9, 0.5, 0.1]), 100, 0.1)
    axes = plots.plot_delay_curves_by_arch({("gru", "decu", 0): c, ("lstm", "decu", 1): c})
    assert [ax.get_title() for ax in axes] == ["GRU", "LSTM"]
    ax = plots.plot_lifetime(c, "net", "k")
    assert any(t.get_text() == f" lifetime = {memory_lifetime(c):.0f} steps" for t in ax.texts)
    ax = plots.plot_lifetimes({"a": c, "b": DelayCurve(c.delays, np.array([0.9, 0.8, 0.2]), 100, 0.1)}, title="x")
    assert len([t for t in ax.texts if "lifetime" in t.get_text()]) == 2 and ax.get_title() == "x"
    ax = plots.plot_lifetime_strip({("gru", "decu", 0): 50.0}, trained_delay=19, longest_probe=1000)
    assert ax.get_yscale() == "log" and ax.get_ylim() == (10, 2000)


def test_chapter2_figures_fit_the_column_with_legible_text():
    """Every figure of mem.plots.training is at most one column wide and has no text below 7 pt (issue 20)."""
    import matplotlib

    from mem.plots import style
    from mem.protocols import AccuracyCurriculum, NaCu
    proto = AccuracyCurriculum.delay(n_iters=60, T_start=6, T_end=8, T_step=2, threshold=0.5, window=5)
    for step in range(60):
        proto(step, 1.0)
    h = History(loss=np.linspace(2, 0.1, 60), accuracy=np.linspace(0, 1, 60), T_max=np.full(60, 20),
                n_classes=np.full(60, 11))
    c = DelayCurve(np.array([20, 100, 1000]), np.array([0.9, 0.5, 0.1]), 100, 0.1)
    keyed = {(a, p, s): 100.0 + s for a in ("gru64", "lstm64", "gru128", "lstm128") for p in ("nacu", "decu", "vocu")
             for s in range(6)}
    calls = [lambda: plots.plot_schedule(DeCu(100)), lambda: plots.plot_history(h),
             lambda: plots.plot_delay_curves({"a": c}), lambda: plots.plot_by_protocol(keyed),
             lambda: plots.plot_schedules({"nacu": NaCu(100), "decu": DeCu(100)}, 50, "t"),
             lambda: plots.plot_curriculum_run(h, proto),
             lambda: plots.plot_histories({(a, p, s): h for a in ("gru", "lstm") for p in ("nacu", "decu", "vocu")
                                           for s in (0, 1)}, 30),
             lambda: plots.plot_delay_curves_by_arch({(a, p, s): c for a in ("gru", "lstm")
                                                      for p in ("nacu", "vocu") for s in range(6)}),
             lambda: plots.plot_lifetime(c, "net", "k"), lambda: plots.plot_lifetimes({"a": c}, title="x"),
             lambda: plots.plot_lifetime_strip(keyed, trained_delay=19, longest_probe=1000)]
    with matplotlib.rc_context(style.RC):
        for call in calls:
            out = call()
            fig = np.ravel(out)[0].figure
            width, _ = fig.get_size_inches()
            assert width <= style.COLUMN_INCHES, (call, width)
            assert style.smallest_text(fig) >= 7, (call, style.smallest_text(fig))
            _, meta = style.png(fig)         # as the page shows it: no legend or label sticks out of the figure
            assert meta["width"] <= 100 * (style.COLUMN_INCHES + 2 * 0.1), (call, meta)   # 0.1 in: savefig's pad
            plt.close(fig)


def test_chapter1_figures_draw_what_they_are_given(task, gen):
    from mem.data import load_digits
    d = load_digits()
    fig = plots.plot_digit_examples(d, n_examples=2)
    assert len(fig.axes) == 20 and fig.axes[3].get_title() == "3"
    noise = task.noise((10,), gen)
    fig = plots.plot_noise_frames(d, noise, n=3)
    assert len(fig.axes) == 7 and fig.axes[-1].get_yscale() == "log"
    exact = task.timing_distribution()
    axes = plots.plot_timing({"delay": exact["delay"]}, exact, 100)
    assert len(axes) == 1 and axes[0].get_xlabel() == "delay"
    probe = task.sample_probe(2, 30, gen)
    axes = plots.plot_probe_frames(probe, [0, 5, 30], title="p")
    assert [ax.get_title() for ax in axes] == ["t = 0", "t = 5", "t = 30"]
    assert len(plots.plot_trial_row(task.sample(3, gen, T_max=6), n=3)) == 3
    box = plots.trial_widget(task, t_read=2, delay=5)
    assert [w.value for w in box.children[0].children] == [2, 5]


@pytest.fixture(scope="module")
def signals():
    """MNIST-1D, small (200 signals of 40 samples), and a delayed task on it like the chapters'."""
    from mem.data import load_mnist1d
    from mem.tasks import DelayedClassification
    data = load_mnist1d(num_samples=200)
    return data, DelayedClassification(data, T_max=20, delta_min=4)


def test_chapter1_signal_figures_draw_1d_trials_step_under_step(task, gen, signals):
    from mem.plots import style
    data, task_1d = signals
    fig = plots.plot_signal_examples(data, n_examples=2)
    assert len(fig.axes) == 10 and fig.axes[3].get_title() == "class 3"
    assert all(len(ax.get_lines()) == 2 for ax in fig.axes)
    line = fig.axes[3].get_lines()[0]
    assert line.get_color() == plots.class_color(4)                        # class 3 is the task's label 4
    np.testing.assert_array_equal(line.get_ydata(), data.x_train[data.y_train == 3][0].numpy())
    b = task_1d.sample(3, gen)
    axes = plots.plot_signal_trials(b, n=3, image_shape=data.image_shape)
    assert len(axes) == 3
    labels = [t.get_text() for t in axes[1].get_xticklabels()]
    assert len(labels) == 20 and labels[int(b.t_report[1])] == str(int(b.label[1]) - 1)
    assert sum(lab != "·" for lab in labels) == 1
    assert [p.get_edgecolor()[:3] for p in axes[1].patches] == [matplotlib.colors.to_rgb(style.FRAME_COLORS[k])
                                                                 for k in ("image", "trigger")]
    heat = axes[1].images[0]
    assert heat.get_clim() == (-3.0, 3.0)                                  # symmetric about 0
    tr, width = int(b.t_read[1]), 8
    np.testing.assert_array_equal(heat.get_array()[:, tr * (width + 1)], b.x[1, tr, :40].numpy())
    assert any(ax.get_ylabel() == "value (standardised)" for ax in axes[0].figure.axes)  # the colour bar's label
    digit_b = task.sample(2, gen)
    beside = plots.plot_trials_beside(digit_b, b, n=2, labels=("8×8 digits", "MNIST-1D"))
    assert len(beside) == 4
    assert [ax.get_title().split(":")[0] for ax in beside] == ["8×8 digits"] * 2 + ["MNIST-1D"] * 2
    for strip, heatmap in zip(beside[:2], beside[2:]):                     # every step at the same place across
        np.testing.assert_allclose(strip.get_xticks(), heatmap.get_xticks())
        assert strip.get_position().x0 == pytest.approx(heatmap.get_position().x0)
        assert strip.get_position().x1 == pytest.approx(heatmap.get_position().x1)
    with matplotlib.rc_context(style.RC):
        for fig in (plots.plot_signal_examples(data), plots.plot_signal_trials(b)[0].figure,
                    plots.plot_trials_beside(digit_b, b)[0].figure):
            assert fig.get_size_inches()[0] <= style.COLUMN_INCHES
            assert style.smallest_text(fig) >= 7
            _, meta = style.png(fig)
            assert meta["width"] <= 100 * (style.COLUMN_INCHES + 2 * 0.1), meta


def test_chapter1_signal_figures_require_1d_signals(task, gen, digits, signals):
    data, task_1d = signals
    b, digit_b = task_1d.sample(2, gen), task.sample(2, gen)
    with pytest.raises(ValueError, match=r"data\.image_shape must be \(1, samples\)"):
        plots.plot_signal_examples(digits)                                 # 8x8 images are not signals
    with pytest.raises(TypeError, match=r"data must be mem\.data\.Digits"):
        plots.plot_signal_examples(b)
    with pytest.raises(ValueError, match="n_examples"):
        plots.plot_signal_examples(data, n_examples=0)
    with pytest.raises(ValueError, match=r"image_shape must be \(1, samples\)"):
        plots.plot_signal_trials(digit_b, image_shape=(8, 8))
    with pytest.raises(ValueError, match="image_shape"):
        plots.plot_signal_trials(b, image_shape=(1, 64))                   # not the frames' 40 samples
    with pytest.raises(TypeError, match=r"batch must be a mem\.tasks\.DelayedBatch"):
        plots.plot_signal_trials(data)
    with pytest.raises(ValueError, match="vmax"):
        plots.plot_signal_trials(b, vmax=0.0)
    with pytest.raises(ValueError, match="n must be"):
        plots.plot_signal_trials(b, n=3)
    with pytest.raises(ValueError, match="signal_shape"):
        plots.plot_trials_beside(digit_b, digit_b)                         # digit trials in the heatmaps' place
    with pytest.raises(TypeError, match=r"signal_batch must be a mem\.tasks\.DelayedBatch"):
        plots.plot_trials_beside(digit_b, data)
    with pytest.raises(TypeError, match=r"digit_batch must be a mem\.tasks\.DelayedBatch"):
        plots.plot_trials_beside(None, b)
    with pytest.raises(ValueError, match="signal_batch must have the trial length of digit_batch"):
        plots.plot_trials_beside(digit_b, task_1d.sample(2, gen, T_max=6))
    with pytest.raises(ValueError, match="labels must be two str"):
        plots.plot_trials_beside(digit_b, b, labels=("digits",))
    with pytest.raises(TypeError, match="labels must be two str"):
        plots.plot_trials_beside(digit_b, b, labels="digits")


def test_chapter6_figures_of_several_panels():
    from types import SimpleNamespace

    import pandas as pd

    from mem import theory

    ax = plots.plot_fisher_curves({"chain": theory.delay_line_memory(10)}, ylim=(1e-3, 2))
    assert ax.get_ylim() == pytest.approx((1e-3, 2))
    ax = plots.plot_amplification({"chain α=1.02": [1.0, 1.02, 0.0]}, n_units=2)
    assert ax.lines[0].get_ydata().tolist() == [1.0, 1.02, 0.0] and ax.lines[1].get_xdata()[0] == 2
    axes = plots.plot_linear_memory({"chain": theory.delay_line_memory(10)}, {"chain": [1.0, 0.0]}, n_units=10)
    assert axes[0].get_title() == "Fisher memory curves, N = 10"
    dec = pd.DataFrame([[0.9, 0.1], [0.8, -2.0], [0.7, 0.0], [0.6, 0.5]], columns=pd.Index([0, 5], name="lag"),
                       index=pd.MultiIndex.from_tuples([(0.0, "chain"), (0.0, "orthogonal"), (0.1, "chain"),
                                                        (0.1, "orthogonal")]))
    axes = plots.plot_decoding_panels([0, 5], dec, n_units=4)
    assert len(axes) == 2 and axes[1].get_title() == "untrained elu RNN, N = 4, noise 0.1"
    assert np.allclose(axes[0].lines[1].get_ydata(), [0.8, -0.1])
    steps = np.array([0, 10])
    curves = {"chain": (steps, np.array([[1.0, 0.5]]), 3e-4)}
    table = pd.DataFrame({"task": ["copy", "addition"], "scheme": ["chain"] * 2, "success": [True, False]})
    axes = plots.plot_benchmark_overview({"copy": curves, "addition": curves}, table)
    assert len(axes) == 3 and axes[0].get_title().startswith("copy")
    off = np.arange(-3, 4)
    axes = plots.plot_chain_profile_panels({"a": {"net": (off, off * 0.1)}, "b": {"net": (off, -off * 0.1)}},
                                           window=1, diagonal=False)
    assert [a.get_title() for a in axes] == ["a", "b"] and axes[1].lines[0].get_xdata().tolist() == [-1, 1]
    bridge = pd.DataFrame({"name": ["x", "y"], "init": ["chain", "default"], "seed": [0, 0], "drift": [-4.0, -3.0],
                           "log_lifetime": [2.5, 2.2]})
    c = SimpleNamespace(delays=np.array([10, 100]), accuracy=np.array([0.9, 0.5]))
    axes = plots.plot_bridge(bridge, {"x": c, "y": c})
    assert len(axes[0].lines) == 2 + 1 and len(axes[1].collections) == 2
    with pytest.raises(ValueError, match="curves must be a dict"):
        plots.plot_bridge(bridge, {"x": c})
    plt.close("all")


def test_chapter6_widget_figure_draws_the_chain_it_is_given():
    from mem import theory

    ax = plots.plot_chain_memory(1.1, 20, reference={"orthogonal ×0.99": np.array([0.5, 0.25])}, max_lag=30)
    assert np.allclose(ax.lines[0].get_ydata(), theory.delay_line_memory(20, 1.1))
    assert np.allclose(ax.lines[1].get_ydata(), [0.5, 0.25]) and len(ax.lines) == 2
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == f"chain α=1.1, N=20: J_tot = {theory.delay_line_memory(20, 1.1).sum():.2f}"
    assert ax.lines[0].get_color() == plots.SCHEME_COLORS["chain"]
    assert ax.get_ylim() == pytest.approx((1e-4, 2))       # the sliders move the curve, not the axes
    assert len(plots.plot_chain_memory(1.0, 5).lines) == 1
    with pytest.raises(ValueError, match="alpha"):
        plots.plot_chain_memory(0.0, 10)
    with pytest.raises(TypeError, match=r"reference must be a dict .* with str labels"):
        plots.plot_chain_memory(1.0, 10, reference={3: [1.0]})
    plt.close("all")


@matplotlib.rc_context(plots.style.RC)       # the book's fonts, as mem.plots.style.use() sets them
def test_chapter6_figures_fit_the_column():
    """Every figure of chapter 6 is at most one column wide, with no text below 7 pt (issue 20)."""
    import pandas as pd

    from mem import theory
    from mem.plots import style

    steps = np.array([0, 10])
    curves = {"chain": (steps, np.array([[1.0, 0.5]]), 3e-4), "identity": (steps, np.array([[1.0, 0.9]]), 1e-3)}
    table = pd.DataFrame({"task": ["copy", "addition"], "scheme": ["chain"] * 2, "success": [True, False]})
    dec = pd.DataFrame([[0.9, 0.1], [0.8, -2.0]], columns=[0, 5], index=pd.MultiIndex.from_tuples(
        [(0.0, "chain"), (0.1, "chain")]))
    off = np.arange(-3, 4)
    profile = {"initial": (off, off * 0.0), "trained": (off, off * 0.1), "control": (off, -off * 0.1)}
    figures = {
        "linear memory": plots.plot_linear_memory({"chain": theory.delay_line_memory(10)}, {"chain": [1.0, 0.0]},
                                                  n_units=10)[0],
        "chain memory": plots.plot_chain_memory(1.02, 10),
        "decoding": plots.plot_decoding_panels([0, 5], dec, n_units=4)[0],
        "overview": plots.plot_benchmark_overview({"copy": curves, "addition": curves, "psdigits": curves},
                                                  table)[0],
        "profiles": plots.plot_chain_profile_panels({"a": profile, "b": profile}, window=2)[0],
        "success": plots.plot_success_counts(table),
    }
    for name, ax in figures.items():
        fig = ax.figure
        assert fig.get_size_inches()[0] <= style.COLUMN_INCHES + 1e-9, name
        assert style.smallest_text(fig) >= 7, name
    overview = figures["overview"].figure
    assert len(overview.axes) == 4 and len(overview.legends) == 1      # one legend for the four panels
    assert all(ax.get_legend() is None for ax in overview.axes)
    assert [ln.get_color() for ln in figures["profiles"].lines] == [plots.MATRIX_COLORS[k] for k in profile] + \
        ["0.8", "0.8"]
    plt.close("all")


def test_chapter5_figures_of_several_panels():
    import pandas as pd
    import torch

    from mem import regularize as rg
    t = rg.sweep_table()
    nets = rg.SWEEP["networks"][:2]
    axes = plots.plot_sweep_grid(t, nets)
    assert axes.shape == (1, 2) and axes[0, 0].get_yscale() == "log" and axes[0, 0].get_title() == nets[0]
    axes = plots.plot_sweep_grid(t, rg.SWEEP["networks"][:3], "report_accuracy")
    assert axes.shape == (2, 2) and axes[0, 0].get_yscale() == "linear" and not axes[1, 1].get_visible()
    fig = axes[0, 0].figure
    assert fig.get_figwidth() <= plots.COLUMN_INCHES and len(fig.legends) == 1
    assert {"SlowPoints", "Control (λ = 0)", "before fine-tuning"} <= {t.get_text() for t in fig.legends[0].texts}
    assert plots.plot_sweep_grid(t, nets, "speed_ratio")[0, 1].get_yscale() == "log"
    with pytest.raises(ValueError, match="quantity must be one of"):
        plots.plot_sweep_grid(t, nets, "speed")
    acc = np.array([[0.9, 0.9], [0.9, 0.2], [0.9, 0.1]])
    c = DelayCurve(np.array([10, 100, 1000]), acc.mean(1), 100, 0.1, class_accuracy=acc,
                   class_trials=np.array([50, 50]))
    h = History(loss=np.ones(4), accuracy=np.ones(4), T_max=np.ones(4), n_classes=np.ones(4))
    h.penalty = np.array([1.0, 0.5, 0.2, 0.1])
    axes = plots.plot_fine_tune({"before": c}, h, h, {"before": 1.0, "after": 0.1}, title="net")
    assert axes[0].get_title() == "net" and len(axes[2].patches) == 2
    assert axes[0].figure.get_figwidth() <= plots.COLUMN_INCHES
    axes = plots.plot_fine_tune({"before": c, "Control (λ = 0)": c}, h, h, {"before": 1.0, "Control": 0.5})
    assert [p.get_facecolor()[:3] for p in axes[2].patches] == [
        matplotlib.colors.to_rgb(plots.FINE_TUNE_COLORS[k]) for k in ("before", "control")]
    V = torch.randn(3, 5, 4, generator=torch.Generator().manual_seed(0))
    axes = plots.plot_state_space_panels({"a": V, "b": 2 * V}, torch.tensor([1, 2, 3]), torch.zeros(2, 4),
                                         torch.tensor([1, 2]))
    assert [a.get_title() for a in axes] == ["a", "b"] and all(a.get_legend() is None for a in axes)
    assert axes[0].figure.get_figwidth() <= plots.COLUMN_INCHES and len(axes[0].figure.legends) == 1
    life = pd.DataFrame({"x": [np.inf, 200.0], "y": [np.inf, 300.0]})
    axes = plots.plot_class_memory(life, life * 0 + 0.5, 2000, {"x": 250.0, "y": 300.0})
    assert axes[1].get_title().endswith("delay 2000") and "∞" in [tx.get_text() for tx in axes[0].texts]
    drift = pd.DataFrame({"network": ["x", "x", "y", "y"], "digit": [0, 1, 0, 1],
                          "log10 drift speed": [-3.0, -2, -4, -3], "lifetime": [300.0, 100, np.inf, 400]})
    axes = plots.plot_class_drift(drift, {"x": -1.0, "y": 0.0}, -0.5)
    assert axes[1].get_title() == "3 digits with a finite lifetime: Spearman -0.50"
    assert axes[0].figure.get_figwidth() <= plots.COLUMN_INCHES
    with pytest.raises(ValueError, match=r"table must be mem\.drift\.class_drift_table"):
        plots.plot_class_drift(drift.drop(columns="digit"), {}, 0.0)
    plt.close("all")


def test_chapter_3_panels(task):
    import torch

    from mem import drift, models
    from mem import slowpoints as sp
    from mem.models import RNNClassifier
    model = RNNClassifier("gru", task.input_size, hidden_size=8, seed=0)
    starts = model.unflatten_state(0.3 * torch.randn(2, 8, generator=torch.Generator().manual_seed(0)))
    labels = torch.tensor([1, 2])
    p = sp.find_slow_points(model, starts, task.mean_input(), n_iters=5, labels=labels)
    probe = task.sample_probe(6, 10, torch.Generator().manual_seed(0))
    ax = plots.plot_points_pca(model, probe.x, probe.label, p, starts=starts, title="net")
    assert ax.get_title().startswith("net (PCA of h, ") and ax.get_title().endswith("of variance)")
    fig = plots.plot_eigenvalue_panels({"a": p, "b": p})
    assert len(fig.axes) == 4 and fig.axes[0].get_title() == "a"
    d = drift.drift(model, task.mean_input(), task.mean_input(trigger=True), starts, labels, 20, window=5,
                    newton_n_iters=5)
    fig = plots.plot_drift_panels({"x": d}, {"x": {"level": -3.0}})
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "x"
    ax = plots.plot_ghost_passage(drift.ghost_dwell([0.6, 0.7]))
    assert ax.get_legend().get_texts()[0].get_text().startswith("b = 0.6: ")
    key = {("gru", "vocu", 0): 1.0, ("lstm", "decu", 0): 2.0}
    fig = plots.plot_against_panels({"m1": key, "m2": key}, key, titles={"m1": "t1"})
    assert len(fig.axes) == 2 and fig.axes[0].get_title() == "t1" and fig.axes[1].get_xlabel() == "m2"
    runs = {"budgets": np.array([10, 20]), "log_speed": np.zeros((2, 2)), "median_log_speed": np.zeros(2),
            "moved": np.ones(2)}
    fig = plots.plot_search_budgets(runs, [1, 2], title="budgets")
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 3
    fig = plots.plot_displacement_panels({"r1": ([100, 200], np.ones((2, 2)), [150]),
                                          "r2": ([100, 200], np.ones((2, 2)), None)}, labels=[1, 2])
    assert [a.get_title() for a in fig.axes] == ["r1", "r2"] and fig.axes[0].get_xlabel() == ""
    fig = plots.plot_points_pca_panels({"n1": (model, p, starts), "n2": (model, p, None)}, probe.x, probe.label)
    assert [a.get_title().split(" (")[0] for a in fig.axes[:2]] == ["n1", "n2"]
    fig = plots.plot_ghost(models.toy_rnn(bias=(0.6, 0.0)), None, {0.6: 3}, title="ghost")
    assert fig.axes[0].get_title() == "ghost" and fig.axes[1].get_xlabel() == "step"


def test_fixed_points_pca_draws_memories_saddles_and_their_unstable_directions():
    import torch

    rng = np.random.default_rng(0)
    traj = rng.normal(size=(4, 10, 5))
    memories, saddles = torch.tensor(rng.normal(size=(3, 5))), rng.normal(size=(2, 5))
    ax = plots.plot_fixed_points_pca(traj, memories, ["a", "b", "c"], saddles, rng.normal(size=(2, 5)),
                                     title="net")
    assert ax.get_title().startswith("net (PCA of the trajectories, ") and ax.get_title().endswith("of variance)")
    assert len(ax.lines) == 4 + 2                       # one line per trial, one segment per saddle
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]
    assert ax.get_legend().get_texts()[0].get_text() == "saddle"
    ax = plots.plot_fixed_points_pca(traj.reshape(-1, 5), memories, ["a", "b", "c"])
    assert len(ax.lines) == 0 and ax.get_legend() is None
    with pytest.raises(ValueError, match="directions must have one row per saddle"):
        plots.plot_fixed_points_pca(traj, memories, ["a", "b", "c"], saddles, np.ones((1, 5)))
    with pytest.raises(ValueError, match="memories must have last dimension 5"):
        plots.plot_fixed_points_pca(traj, np.ones((3, 4)), ["a", "b", "c"])


def test_chapter_4_panels():
    import pandas as pd

    from mem import analysis as an
    rng = np.random.default_rng(0)
    n = 12
    df = pd.DataFrame({"arch": ["gru", "lstm"] * 6, "protocol": ["vocu", "decu", "nacu"] * 4, "seed": range(n),
                       "hidden_size": [64] * 6 + [128] * 6, "size": ["64"] * 6 + ["128"] * 6,
                       "a": rng.normal(size=n), "b": rng.normal(size=n), "t": rng.normal(size=n) + 3,
                       "acc_100": rng.uniform(size=n)})
    fig = plots.plot_by_protocol_panels(df, "t", ylabel="life")
    assert [a.get_title() for a in fig.axes] == ["64 units", "128 units"] and fig.axes[1].get_ylabel() == ""
    pooled = {m: an.correlate(df[m], df["t"], n_boot=50) for m in ("a", "b")}
    fig = plots.plot_measure_panels(df, ["a", "b"], "t", pooled, labels={"a": "A"}, ncols=2)
    assert len(fig.axes) == 4 and fig.axes[0].get_xlabel() == "A" and not fig.axes[3].axison
    assert fig.axes[0].get_title().startswith(f"Spearman {pooled['a'].r:+.2f} [")
    table = an.correlation_table(df, ["a", "b"], "t", group="arch", methods=("spearman",))
    fig = plots.plot_correlation_panels({"one": table, "two": table})
    assert [a.get_title() for a in fig.axes] == ["one", "two"]
    ax = plots.plot_delay_measure(df, "a", 100)
    assert ax.get_ylabel() == "accuracy at delay 100" and "partial" in ax.get_title()
    ax = plots.plot_within({"a": pd.DataFrame({"r": [-0.5, 0.1]})}, figsize=(5, 2))
    assert tuple(ax.figure.get_size_inches()) == (5, 2)


def test_chapter_4_figures_fit_the_column():
    """Every figure of chapter 4 is at most one column wide, at most two panels across, with no text
    below 7 pt at the book's sizes (issue 20); each subset of the forest plot has its own colour."""
    import pandas as pd

    from mem import analysis as an
    from mem.plots import style
    rng = np.random.default_rng(1)
    n = 24
    df = pd.DataFrame({"arch": ["gru", "lstm"] * 12, "protocol": ["vocu", "decu", "nacu"] * 8, "seed": range(n),
                       "hidden_size": [64] * 12 + [128] * 12, "size": ["64"] * 12 + ["128"] * 12,
                       "a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.normal(size=n),
                       "t": rng.normal(size=n) + 3, "acc_100": rng.uniform(size=n)})
    pooled = {m: an.correlate(df[m], df["t"], n_boot=50) for m in "abc"}
    table = an.correlation_table(df, ["a", "b"], "t", group="arch", methods=("spearman",), n_boot=50)
    sized = an.correlation_table(df, ["a", "b"], "t", group="arch", methods=("spearman",), controls=["size"],
                                 n_boot=50)
    with matplotlib.rc_context(style.RC):
        figures = {
            "measure": plots.plot_measure(df, "a", "t").figure,
            "correlations": plots.plot_correlations(table).figure,
            "within": plots.plot_within({m: pd.DataFrame({"r": rng.uniform(-1, 1, 9)}) for m in "abc"}).figure,
            "by_protocol": plots.plot_by_protocol_panels(df.assign(size3=np.arange(n) % 3), "t", by="size3"),
            "measure_panels": plots.plot_measure_panels(df, ["a", "b", "c"], "t", pooled),
            "by_dataset": plots.plot_by_dataset(df.assign(data=["digits"] * 12 + ["mnist1d"] * 12), ["a", "b", "c"],
                                                "t"),
            "correlation_panels": plots.plot_correlation_panels({"one": table, "two": sized, "three": table}),
            "delay": plots.plot_delay_measure(df, "a", 100).figure,
            "paths": plots.plot_measure_paths(df.assign(g=np.arange(n) % 3), ["a", "b"], group="g", color="t"),
        }
        for name, fig in figures.items():
            assert fig.get_size_inches()[0] <= style.COLUMN_INCHES + 1e-9, name
            assert style.smallest_text(fig) >= 7, name
            rows = {round(ax.get_position().y0, 3) for ax in fig.axes if ax.axison and ax.get_label() != "<colorbar>"}
            across = max(sum(round(ax.get_position().y0, 3) == y for ax in fig.axes
                             if ax.axison and ax.get_label() != "<colorbar>") for y in rows)
            assert across <= 2, (name, across)
    ax = figures["correlations"].axes[0]
    colors = {line.get_label(): line.get_color() for line in ax.get_lines() if not line.get_label().startswith("_")}
    assert colors["gru"] == style.ARCH_COLORS["gru"] and colors["lstm"] == style.ARCH_COLORS["lstm"]
    assert colors["all"] == style.POOLED_COLOR and colors["all | arch"] == style.PARTIAL_COLOR
    with pytest.raises(ValueError, match="figsize must be at most one column"):
        plots.plot_within({"a": pd.DataFrame({"r": [0.1, 0.2]})}, figsize=(13, 3))
    lines = {ln.get_label(): ln.get_color() for ln in figures["by_dataset"].axes[0].get_lines()
             if not ln.get_label().startswith("_")}
    assert lines == {"8×8 digits (n = 12)": style.DATASET_COLORS["digits"],
                     "MNIST-1D (n = 12)": style.DATASET_COLORS["mnist1d"], "GRU": "none", "LSTM": "none"}
    inf = df.assign(data=["digits"] * 12 + ["mnist1d"] * 12, t=np.where(np.arange(n) == 3, np.inf, df.t))
    fig = plots.plot_by_dataset(inf, ["a"], "t")                      # outlasts the probe: at the top, not fitted
    assert len(fig.axes[0].texts) == 1 and "(n = 11)" in fig.axes[1].get_legend().get_texts()[0].get_text()
    with pytest.raises(ValueError, match=r"dataset must be a column of the datasets \['digits', 'mnist1d'\]"):
        plots.plot_by_dataset(df.assign(data="cifar10"), ["a"], "t")
    with pytest.raises(ValueError, match="ncols"):
        plots.plot_measure_panels(df, ["a", "b", "c"], "t", pooled, ncols=4)


def test_intro_figures_draw_what_they_are_given():
    """The intro's overview figures (mem.plots.overview): what they draw, one column wide at most."""
    import pandas as pd
    table = pd.DataFrame({"protocol": ["vocu", "nacu", "vocu"], "acc_100": [0.5, 0.4, 0.3],
                          "acc_20": [0.9, 0.95, 0.8], "other": [1, 2, 3]})
    ax = plots.plot_accuracy_by_protocol(table, chance=0.2)
    assert ax.figure.get_figwidth() <= plots.COLUMN_INCHES
    lines = [ln for ln in ax.lines if len(ln.get_xdata()) == 2 and ln.get_linestyle() != ":"]
    assert [ln.get_xdata().tolist() for ln in lines] == [[20, 100]] * 3        # delays sorted, one line per row
    assert [ln.get_ydata().tolist() for ln in lines] == [[0.9, 0.5], [0.95, 0.4], [0.8, 0.3]]
    assert [ln.get_color() for ln in lines] == [plots.PROTOCOL_COLORS[p] for p in table.protocol]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [plots.PROTOCOL_DESCRIPTIONS["vocu"],
                                                                  plots.PROTOCOL_DESCRIPTIONS["nacu"]]
    assert any(ln.get_linestyle() == ":" and ln.get_ydata()[0] == 0.2 for ln in ax.lines)     # chance
    with pytest.raises(ValueError, match="protocol"):
        plots.plot_accuracy_by_protocol(table.assign(protocol=["vocu", "sgd", "nacu"]))
    with pytest.raises(ValueError, match="acc_<delay>"):
        plots.plot_accuracy_by_protocol(table[["protocol", "other"]])
    with pytest.raises(ValueError, match="chance"):
        plots.plot_accuracy_by_protocol(table, chance=1.5)

    zoo = pd.DataFrame({"arch": ["lstm", "gru", "gru"], "protocol": ["nacu", "decu", "vocu"],
                        "hidden_size": [64, 128, 64], "m": [0.1, 0.2, 0.3], "y": [1.0, 2.0, 3.0]})
    ax = plots.plot_speed_and_memory(zoo, "m", "y")
    points = [(ln.get_xdata()[0], ln.get_ydata()[0]) for ln in ax.lines if len(ln.get_xdata())]
    assert sorted(points) == [(0.1, 1.0), (0.2, 2.0), (0.3, 3.0)]
    assert [t.get_text() for t in ax.get_legend().get_texts()][-2:] == ["GRU", "LSTM"]

    before, control, penalised = {"a": 100.0, "b": 200.0}, {"a": 90.0, "b": 150.0}, {"a": 300.0, "b": 400.0}
    ax = plots.plot_penalty_lifetimes(before, control, penalised, lam=1000)
    assert ax.figure.get_figwidth() <= plots.COLUMN_INCHES
    heights = [[p.get_height() for p in c.patches] for c in ax.containers]
    assert heights == [[100.0, 200.0], [90.0, 150.0], [300.0, 400.0]]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert "λ = 1000" in ax.get_legend().get_texts()[2].get_text()
    with pytest.raises(ValueError, match="control must have the networks of before"):
        plots.plot_penalty_lifetimes(before, {"a": 90.0}, penalised, lam=1000)
    with pytest.raises(ValueError, match=r"penalised\['b'\]"):
        plots.plot_penalty_lifetimes(before, control, {"a": 300.0, "b": float("inf")}, lam=1000)


def test_budget_panels_draw_the_lifetime_against_each_measure():
    import pandas as pd

    from mem.searches import BUDGET_MEASURES, budget_comparison
    keys = [(a, p, s) for a in ("gru", "lstm") for p in ("decu", "vocu") for s in (0, 1)]
    t = pd.DataFrame({"arch": [k[0] for k in keys], "protocol": [k[1] for k in keys], "seed": [k[2] for k in keys],
                      "lifetime": 100.0 + np.arange(8) * 20, "adam": -4.0 - 0.1 * np.arange(8),
                      "paper": -5.5 + np.sin(np.arange(8)), "newton": -5.0 - 0.3 * np.arange(8) ** 1.5,
                      "lam_adam": 0.01 - 0.001 * np.arange(8)})
    c = budget_comparison(t)
    fig = plots.plot_budget_panels(c, ylabel="life")
    assert len(fig.axes) == len(BUDGET_MEASURES) == 4
    assert fig.axes[0].get_xlabel() == r"median $\log_{10} S$, Adam 2000" and fig.axes[0].get_ylabel() == "life"
    assert [a.get_title() for a in fig.axes] == [f"Spearman {c['rho'][m]['all'].r:+.2f} (n = 8)"
                                                 for m in BUDGET_MEASURES]
    assert fig.axes[0].get_yscale() == "log" and fig.axes[3].get_xlabel().endswith("Adam 2000")
    with pytest.raises(ValueError, match=r"comparison must be the dict of mem\.searches\.budget_comparison"):
        plots.plot_budget_panels({"values": {}})
    with pytest.raises(TypeError, match="comparison"):
        plots.plot_budget_panels([c])

