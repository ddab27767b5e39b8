"""A real SMTP server on loopback (aiosmtpd) that tests can stop, start and misbehave."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from bench.loopback import free_port


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
            if self.drop_after_accept > 0:
                self.drop_after_accept -= 1
                # Reply 250, then hang up at the client's next command (its next message or
                # its QUIT), unanswered. Not on a timer: one that fired while the next
                # message was already read but not yet answered accepted that message with
                # its 250 lost, and the client rightly sent it again (1 run in ~10 under load).
                session.hang_up = True
        return "250 2.0.0 Accepted"

    def _hang_up_if_told(self, server: Any, session: Any) -> str | None:
        if not getattr(session, "hang_up", False):
            return None
        server.transport.close()  # what is pushed after this is never sent
        return "421 4.3.0 Gone"

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if (gone := self._hang_up_if_told(server, session)) is not None:
            return gone
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:
        return self._hang_up_if_told(server, session) or "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        return self._hang_up_if_told(server, session) or "221 Bye"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [str(m["Message-ID"]) for m in self.messages]


class _Listener(socket.socket):
    """The listening socket, keeping every connection it accepted."""

    def __init__(self) -> None:
        super().__init__(socket.AF_INET, socket.SOCK_STREAM)
        self.accepted: list[socket.socket] = []

    def accept(self) -> tuple[socket.socket, Any]:
        connection, address = super().accept()
        self.accepted.append(connection)
        return connection, address


class _Tracked(Controller):
    """A controller whose listening socket remembers the connections it accepted: an
    outage's stop cancels asyncio's tasks, and a connection accepted but not yet handed to
    its protocol (its task cancelled before it began) is held by nothing that closes it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listener = _Listener()

    def _create_server(self) -> Any:
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind((self.hostname, self.port))
        self.listener.listen()
        return self.loop.create_server(self._factory_invoker, sock=self.listener)


class MailServer:
    """aiosmtpd on 127.0.0.1 at a fixed port, so it can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self.controller: _Tracked | None = None

    def start(self) -> None:
        self.controller = _Tracked(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """An outage: the loop stops with its clients connected, then their sockets close
        (nothing is read or answered after the stop, as when a server dies). Left to the
        garbage collector, those sockets warned in whatever test was running then
        (1 run of the outage test in ~20 under load)."""
        if self.controller is not None:
            self.controller.stop()
            for connection in self.controller.listener.accepted:
                connection.close()  # a no-op for those asyncio closed already
            self.controller = None
