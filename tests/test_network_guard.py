import socket

import pytest
from conftest import NetworkAccessError


def test_network_is_blocked_during_tests():
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("127.0.0.1", 9), timeout=0.1)
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("example.org", 80)


def test_mem_runs_without_network(task, gen):
    """Loading data, sampling, building and running a model, loading the zoo: all offline."""
    import mem
    model = mem.models.RNNClassifier("gru", task.input_size, 8, seed=0)
    model(task.sample(2, gen).x)
    name = mem.zoo.names()[0]
    mem.zoo.load(name)


@pytest.mark.loopback
def test_loopback_tests_still_cannot_leave_the_machine():
    with pytest.raises(NetworkAccessError):
        socket.getaddrinfo("example.org", 80)
    with pytest.raises(NetworkAccessError):
        socket.create_connection(("93.184.216.34", 80), timeout=0.1)
    assert socket.getaddrinfo("127.0.0.1", 80)
