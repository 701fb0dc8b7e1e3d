"""A TCP relay on loopback in front of PostgreSQL that can freeze (every
connection stays open and nothing more is passed on: the database seems to
hang) or go down (every connection is cut, new ones are refused)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit


class Relay:
    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.running = threading.Event()
        self.running.set()  # cleared while frozen
        self.closed = False
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def freeze(self) -> None:
        self.running.clear()

    def thaw(self) -> None:
        self.running.set()

    def go_down(self) -> None:
        """Cut every connection and refuse new ones."""
        self.closed = True
        self.running.set()
        with contextlib.suppress(OSError):
            self.listener.close()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.sockets.append(client)
            if self.closed:
                client.close()
                return
            upstream = socket.create_connection(self.target)
            self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            # Frozen: what arrived is held, and nothing more is read.
            self.running.wait()
            if not data or self.closed:
                return
            try:
                sink.sendall(data)
            except OSError:
                return


@contextmanager
def relay_to(database_url: str) -> Iterator[tuple[Relay, str]]:
    """Yield a relay to the PostgreSQL of `database_url`, and the URL through it."""
    parts = urlsplit(database_url)
    relay = Relay((parts.hostname or "127.0.0.1", parts.port or 5432))
    netloc = f"{parts.username or 'postgres'}@127.0.0.1:{relay.port}"
    try:
        yield relay, parts._replace(netloc=netloc).geturl()
    finally:
        relay.go_down()
