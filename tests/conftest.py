"""Shared fixtures. Every unit test runs with the network blocked: `mem` must never touch it."""
import socket

import pytest
import torch


class NetworkAccessError(RuntimeError):
    pass


def _refuse(*args, **kwargs):
    raise NetworkAccessError(f"network access attempted during a test: {args!r}")


LOOPBACK = {None, "", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::"}


def _loopback_only(original, host_of):
    """Wrap a socket function so that it works for this machine's own addresses and refuses any other."""
    def guarded(*args, **kwargs):
        if host_of(*args, **kwargs) not in LOOPBACK:
            _refuse(*args, **kwargs)
        return original(*args, **kwargs)
    return guarded


def _address_host(address):
    return address[0] if isinstance(address, tuple) else address


@pytest.fixture(autouse=True)
def no_network(request, monkeypatch):
    """Refuse outgoing connections and DNS look-ups for the duration of each test.

    A test marked ``@pytest.mark.loopback`` (a local dask cluster) may use this
    machine's own addresses, and nothing else.
    """
    if request.node.get_closest_marker("loopback"):
        # a UDP connect sends nothing (dask uses one to 8.8.8.8 to learn its own address); TCP must stay local
        monkeypatch.setattr(socket.socket, "connect", _loopback_only(
            socket.socket.connect, lambda s, a: None if s.type == socket.SOCK_DGRAM else _address_host(a)))
        monkeypatch.setattr(socket.socket, "connect_ex",
                            _loopback_only(socket.socket.connect_ex, lambda s, a: _address_host(a)))
        monkeypatch.setattr(socket, "create_connection", _loopback_only(socket.create_connection,
                                                                         lambda a, *r, **k: _address_host(a)))
        monkeypatch.setattr(socket, "getaddrinfo", _loopback_only(socket.getaddrinfo, lambda h, *r, **k: h))
        return
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


@pytest.fixture(autouse=True, scope="session")
def one_blas_thread():
    """Pin numpy's BLAS to one thread: on small matrices a multi-threaded BLAS only spins
    (measured 100x slower on a busy 2-core machine)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield


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
