"""The Task interface (mem.tasks.base): what every task of the book provides (chapters 1 and 6)."""
import math

import pytest
import torch

from mem import tasks
from mem.models import RNNClassifier
from mem.tasks import Batch, Task, TrainingSettings


def _all_tasks():
    return [tasks.DelayedClassification(T_max=12, delta_min=3, n_classes=5, report_weight=2.0),
            tasks.CopyTask(T=30, n_symbols=4, n_letters=5), tasks.AdditionTask(T=12),
            tasks.PermutedDigits(permutation_seed=3), tasks.PermutedDigits(permutation_seed=None),
            tasks.FlipFlop(n_bits=2, T=20, p_pulse=0.1)]


TASKS = _all_tasks()
IDS = [f"{t.name}-{i}" for i, t in enumerate(TASKS)]


def test_an_abstract_task_cannot_be_built():
    with pytest.raises(TypeError, match="abstract"):
        Task()

    class Partial(Task):          # a task that forgets score, config and validation_batch
        name = "partial"
        input_size = n_outputs = 1

        def sample(self, batch_size, generator=None, *, split="train", **params):
            return Batch(torch.zeros(batch_size, 2, 1), torch.zeros(batch_size))

        def loss(self, logits, batch):
            return logits.sum()

    with pytest.raises(TypeError, match="score"):
        Partial()


def test_every_task_is_a_task_and_has_a_name():
    assert sorted(tasks.TASKS) == ["addition", "copy", "delayed", "flipflop", "psdigits"]
    for name, cls in tasks.TASKS.items():
        assert issubclass(cls, Task) and cls.name == name and isinstance(cls.training, TrainingSettings)
    assert set(tasks.BENCHMARKS) == {"copy", "addition", "psdigits"}


@pytest.mark.parametrize("task", TASKS, ids=IDS)
def test_config_round_trips(task):
    again = tasks.make_task(task.name, **task.config())
    assert again == task and type(again) is type(task) and again.config() == task.config()
    gen = [torch.Generator().manual_seed(4) for _ in range(2)]
    a, b = task.sample(3, gen[0]), again.sample(3, gen[1])
    assert torch.equal(a.x, b.x) and torch.equal(a.y, b.y)     # the same task draws the same trials
    changed = dict(task.config(), **({"T": 40} if "T" in task.config() else {"T_max": 15}
                                     if "T_max" in task.config() else {"permutation_seed": 7}))
    assert tasks.make_task(task.name, **changed) != task


@pytest.mark.parametrize("task", TASKS, ids=IDS)
def test_loss_and_score_shapes(task):
    b = task.sample(4, torch.Generator().manual_seed(0))
    assert isinstance(b, Batch) and b.x.shape[0] == 4 and b.x.shape[2] == task.input_size
    model = RNNClassifier("rnn_tanh", task.input_size, 8, task.n_outputs, seed=0)
    logits = model(b.x).logits
    assert logits.shape == (*b.x.shape[:2], task.n_outputs)
    loss = task.loss(logits, b)
    assert loss.shape == () and torch.isfinite(loss) and loss.requires_grad
    score = task.score(logits, b)
    assert isinstance(score, float) and (math.isnan(score) if task.name == "addition" else 0 <= score <= 1)
    with pytest.raises(ValueError, match="logits must have shape"):
        task.loss(logits[:, :-1], b)


@pytest.mark.parametrize("task", TASKS, ids=IDS)
def test_validation_batch_is_fixed_and_from_the_test_split(task):
    v1, v2 = task.validation_batch(6, 11), task.validation_batch(6, 11)
    assert torch.equal(v1.x, v2.x) and torch.equal(v1.y, v2.y)
    if isinstance(task, tasks.PermutedDigits):                      # every test image, once
        assert len(v1.y) == len(task.data.y_test) and torch.equal(v1.x, task.all("test").x)
    else:
        assert len(v1.y) == 6 and not torch.equal(v1.x, task.validation_batch(6, 12).x)
        assert torch.equal(v1.x, task.sample(6, torch.Generator().manual_seed(11), split="test").x)


def test_batches_move_with_their_class():
    b = tasks.DelayedClassification().sample(2, torch.Generator().manual_seed(0))
    moved = b.to("cpu")
    assert type(moved) is tasks.DelayedBatch and torch.equal(moved.t_report, b.t_report)
