"""Small inputs shared by the test files that need a real task (loaded once per process)."""
import functools

from mem import data, tasks


@functools.cache
def digits():
    """scikit-learn's 8x8 digits, as :func:`mem.data.load_digits` gives them."""
    return data.load_digits()


@functools.cache
def task():
    """A delayed-classification task on the digits with T_max = 6."""
    return tasks.DelayedClassification(digits(), T_max=6)
