import numpy as np
import pytest

from mem.protocols import AccuracyCurriculum, DeCu, NaCu, TaskParams, VoCu, make_protocol


def test_nacu_is_constant():
    s = NaCu(100).schedule()
    assert set(s["T_max"]) == {20} and set(s["n_classes"]) == {11}


def test_decu_schedule():
    p = DeCu(3000)
    s = p.schedule()
    # T_max = 6, 8, ..., 20 over the first half, then 20 to the end
    assert p(0) == TaskParams(6, 11)
    assert sorted(set(s["T_max"])) == list(range(6, 21, 2))
    assert np.all(np.diff(s["T_max"]) >= 0)
    assert s["T_max"][1499] < 20 and np.all(s["T_max"][1500:] == 20)
    assert set(s["n_classes"]) == {11}
    stage_lengths = np.diff(np.flatnonzero(np.diff(s["T_max"])))
    assert stage_lengths.max() - stage_lengths.min() <= 1  # equal stages


def test_vocu_schedule():
    s = VoCu(3000).schedule()
    assert s["n_classes"][0] == 3 and np.all(s["n_classes"][1500:] == 11)
    assert sorted(set(s["n_classes"])) == list(range(3, 12))
    assert np.all(np.diff(s["n_classes"]) >= 0) and set(s["T_max"]) == {20}


def test_accuracy_curriculum_advances_on_threshold_only():
    p = AccuracyCurriculum([(6, 11), (8, 11), (10, 11)], n_iters=100, threshold=0.9, window=5)
    for step in range(20):
        assert p(step, 0.5).T_max == 6  # never good enough: stays
    for step in range(20, 25):
        p(step, 0.95)
    assert p.stage == 1 and p.transitions[-1] == (24, 1)
    for step in range(25, 29):
        assert p(step, 1.0).T_max == 8  # the window restarts in a new stage
    assert p(29, 1.0).T_max == 10
    for step in range(30, 100):
        assert p(step, 1.0).T_max == 10  # the last stage is kept
    s = p.schedule()
    assert s["T_max"][23] == 6 and s["T_max"][24] == 8 and s["T_max"][29] == 10
    p.reset()
    assert p.stage == 0 and p(0).T_max == 6


def test_accuracy_curriculum_factories():
    assert [s.T_max for s in AccuracyCurriculum.delay().stages] == list(range(6, 21, 2))
    assert [s.n_classes for s in AccuracyCurriculum.vocabulary().stages] == list(range(3, 12))


@pytest.mark.parametrize("p", [NaCu(50), DeCu(300), VoCu(300),
                               AccuracyCurriculum([(6, 3), (20, 11)], 40, 0.8, 3)])
def test_config_roundtrip(p):
    q = make_protocol(p.config())
    assert type(q) is type(p) and q.config() == p.config()
    assert [q(s) for s in range(q.n_iters)] == [p(s) for s in range(p.n_iters)]


@pytest.mark.parametrize("build, match", [
    (lambda: make_protocol("curriculum"), "protocol"),
    (lambda: NaCu(0), "n_iters"),
    (lambda: DeCu(100, T_start=6, T_end=19, T_step=2), "multiple"),
    (lambda: DeCu(100, fraction=1.0), "fraction"),
    (lambda: VoCu(100, classes_start=1), "classes_start"),
    (lambda: VoCu(100, classes_end=12), "classes_end"),
    (lambda: AccuracyCurriculum([], 10), "stages"),
    (lambda: AccuracyCurriculum([(6, 11)], 10, threshold=1.5), "threshold"),
    (lambda: AccuracyCurriculum([(6, 13)], 10), "n_classes"),
])
def test_bad_arguments(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_stage_starts_are_the_steps_where_the_task_changes():
    from mem.protocols import stage_starts
    s = DeCu(100).schedule()
    starts = stage_starts(s["T_max"], s["n_classes"])
    assert len(starts) == 7 and all(s["T_max"][t] != s["T_max"][t - 1] for t in starts)
    assert list(stage_starts([6, 6, 8, 8, 8], [11, 11, 11, 3, 3])) == [2, 3]   # either parameter counts
    assert len(stage_starts(NaCu(50).schedule()["T_max"], NaCu(50).schedule()["n_classes"])) == 0
    with pytest.raises(ValueError, match="T_max and n_classes must be 1-D arrays of the same length"):
        stage_starts([6, 8], [11])


def test_curriculum_stages_and_schedule_shares():
    from mem.protocols import curriculum_stages, schedule_shares
    proto = AccuracyCurriculum.delay(n_iters=100, T_start=6, T_end=10, T_step=2, threshold=0.5, window=5)
    for step in range(100):
        proto(step, 1.0)
    stages = curriculum_stages(proto)
    assert stages["start"].tolist() == [0, 4, 9] and stages["steps"].tolist() == [4, 5, 91]   # the 5th step advances
    assert stages["T_max"].tolist() == [6, 8, 10] and stages["steps"].sum() == proto.n_iters
    assert schedule_shares(NaCu(n_iters=100), 20, 11) == {"stages": 1, "T_max": 1.0, "full": 1.0}
    share = schedule_shares(VoCu(n_iters=100, fraction=0.5), 20, 11)
    assert share["T_max"] == 1.0 and share["full"] == 0.5 and share["stages"] > 2


def test_loss_jumps_is_the_ratio_of_means_around_each_change():
    from mem.protocols import loss_jumps
    loss = np.r_[np.ones(30), 3 * np.ones(30), 1.5 * np.ones(30)]
    T_max = np.r_[6 * np.ones(30), 8 * np.ones(60)]
    n_classes = np.r_[11 * np.ones(60), 5 * np.ones(30)]
    assert loss_jumps(loss, T_max, n_classes, width=10) == pytest.approx([3.0, 0.5])


def test_protocol_stage_starts_reads_the_schedule():
    from mem.protocols import protocol_stage_starts, stage_starts
    s = make_protocol("vocu").schedule()
    assert protocol_stage_starts("vocu") == stage_starts(s["T_max"], s["n_classes"]).tolist()
    assert protocol_stage_starts("nacu") == []
    assert len(protocol_stage_starts("vocu")) > 0


def test_digit_entry_steps_reads_when_each_digit_enters_the_task():
    from mem.protocols import digit_entry_steps, protocol_stage_starts
    starts = protocol_stage_starts("vocu")
    steps = digit_entry_steps("vocu")                 # digits 0 and 1 from the start, then one per stage
    assert steps == {0: 0, 1: 0, **{d: starts[d - 2] for d in range(2, 10)}}
    assert digit_entry_steps({"name": "vocu", "classes_start": 4, "n_iters": 100})[2] == 0
    assert digit_entry_steps({"name": "vocu", "classes_end": 6})[4] > 0 and len(digit_entry_steps(
        {"name": "vocu", "classes_end": 6})) == 5      # only the digits the task ever asks for
    assert digit_entry_steps("decu") == digit_entry_steps("nacu") == {d: 0 for d in range(10)}
    with pytest.raises(ValueError, match="config must name a protocol"):
        digit_entry_steps("nope")
    with pytest.raises(TypeError, match="config"):
        digit_entry_steps(3)


@pytest.mark.parametrize("p", [NaCu(7), DeCu(3000), DeCu(40, fraction=0.5), VoCu(3000), VoCu(11, fraction=0.9),
                               DeCu(5, T_start=6, T_end=20)])
def test_fixed_schedules_are_the_step_by_step_ones(p):
    # issue 18: the staged protocols give their schedule at once; the arrays are those of calling p(step) per step
    from mem.protocols import Protocol
    fast, slow = p.schedule(), Protocol.schedule(p)
    assert fast.keys() == slow.keys()
    for k in fast:
        assert fast[k].dtype == slow[k].dtype and np.array_equal(fast[k], slow[k]), k


def test_absurd_lengths_are_refused_before_anything_is_built():
    # issue 18: NaCu(10**9).schedule() built a list of 10**9 entries
    from mem.protocols import MAX_ITERS, MAX_T
    with pytest.raises(ValueError, match=f"n_iters must be an integer in 1..{MAX_ITERS}"):
        NaCu(10**9)
    with pytest.raises(ValueError, match=f"T_end must be an integer in 2..{MAX_T}"):
        DeCu(100, T_end=2**40)            # 2**39 stages


def test_accuracy_curriculum_takes_task_params_and_refuses_other_stages():
    p = AccuracyCurriculum([TaskParams(6, 3), (8, 3)], n_iters=10)
    assert p.stages == [TaskParams(6, 3), TaskParams(8, 3)]
    with pytest.raises(TypeError, match="stages must be"):
        AccuracyCurriculum("68", n_iters=10)
    with pytest.raises(TypeError, match="stages must be"):
        AccuracyCurriculum([6, 8], n_iters=10)
