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


def budget_table():
    """Eight networks of a zoo table, four of each architecture, with the columns of
    mem.searches.budget_comparison (a fresh DataFrame each call)."""
    import pandas as pd
    return pd.DataFrame({
        "arch": ["gru"] * 4 + ["lstm"] * 4, "protocol": ["decu", "vocu"] * 4, "seed": [0, 0, 1, 1] * 2,
        "lifetime": [100.0, 200.0, 150.0, 300.0, 120.0, 90.0, 400.0, 250.0],
        "adam": [-4.0, -4.5, -3.5, -5.0, -4.2, -3.9, -4.8, -4.4],
        "paper": [-5.0, -6.0, -5.5, -6.5, -5.2, -5.9, -6.1, -5.6],
        "newton": [-5.5, -5.0, -8.0, -9.0, -7.0, -6.5, -8.5, -9.5],
        "lam_adam": [0.01, 0.002, 0.004, 0.001, 0.005, 0.003, 0.0, 0.002]}, index=[f"n{i}" for i in range(8)])
