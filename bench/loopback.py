"""Servers on loopback that benchmarks, tools and tests start: a free port, and waiting
until one answers."""

from __future__ import annotations

import socket
import time
import urllib.request


def free_port() -> int:
    """A port nobody listens on, on 127.0.0.1 (for servers that cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(url: str, seconds: float = 60.0) -> None:
    """Until `url` answers, or raise the last error after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)
