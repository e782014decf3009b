"""Shared fixtures. Every unit test runs with the network blocked: `mem` must never touch it."""
import socket

import pytest
import torch


class NetworkAccessError(RuntimeError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkAccessError(f"network access attempted during a test: {args!r}")


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Refuse outgoing connections and DNS look-ups for the duration of each test."""
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)


@pytest.fixture(autouse=True)
def one_thread():
    """Pin torch to one thread (bit-identical results need a fixed thread count)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def digits():
    import mem.data
    return mem.data.load_digits()


@pytest.fixture(scope="session")
def task(digits):
    import mem.tasks
    return mem.tasks.DelayedClassification(digits, T_max=20, delta_min=4)


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(0)
