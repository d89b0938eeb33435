"""Free ports on loopback for the servers a test starts."""

import socket
from contextlib import ExitStack


def free_ports(count: int) -> list[int]:
    """`count` distinct ports that nothing listens on now.

    All are held open until every one is found: a port closed and asked for again can come
    back the same, and two servers told the same port would fail or share it.
    """
    with ExitStack() as stack:
        probes = [stack.enter_context(socket.socket()) for _ in range(count)]
        for probe in probes:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in probes]


def free_port() -> int:
    """One port that nothing listens on now."""
    (port,) = free_ports(1)
    return port
