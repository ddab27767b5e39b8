"""A real SMTP server on loopback (aiosmtpd) that tests can stop, start and misbehave."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nobody listens on (aiosmtpd's Controller cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Recorder:
    """The server's handler: keeps what it accepted; can refuse or drop on purpose."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.data_calls = 0
        self.fail_every = 0  # reply 451 to every n-th DATA
        self.permanent = False  # reply 550 to every DATA
        self.drop_after_accept = 0  # accept, then drop the connection, this many times

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.data_calls += 1
            if self.permanent:
                return "550 5.1.1 No such mailbox"
            if self.fail_every and self.data_calls % self.fail_every == 0:
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            drop = self.drop_after_accept > 0
            if drop:
                self.drop_after_accept -= 1
        if drop:
            # Reply 250, then hang up before the client's QUIT is answered.
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
        return "250 2.0.0 Accepted"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


class MailServer:
    """aiosmtpd on 127.0.0.1 at a fixed port, so it can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
