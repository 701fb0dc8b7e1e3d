"""A fake map tile server on loopback: real HTTP, one grey 256×256 PNG for
any /{z}/{x}/{y}.png, and the headers of every request it received."""

from __future__ import annotations

import re
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.loopback import serving

TILE_PATH = re.compile(r"^/\d+/\d+/\d+\.png$")


def grey_png(size: int = 256, level: int = 0xB0) -> bytes:
    """Return a PNG of `size`×`size` pixels, all of one grey `level`."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + bytes([level]) * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


TILE = grey_png()


@dataclass(frozen=True)
class TileRequest:
    path: str
    headers: dict[str, str]  # names in lower case

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        with self.server.lock:
            self.server.requests.append(TileRequest(self.path, headers))
        if not TILE_PATH.match(self.path):
            self._send(404, b"not found", "text/plain")
            return
        self._send(200, TILE, "image/png")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page went away

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[TileRequest]
    lock: threading.Lock


@contextmanager
def fake_tiles() -> Iterator[tuple[str, list[TileRequest]]]:
    """Serve the fake on a free loopback port; yield its Leaflet URL template
    (`http://127.0.0.1:<port>/{z}/{x}/{y}.png`) and the requests it receives."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    server.lock = threading.Lock()
    with serving(server) as base:
        yield base + "/{z}/{x}/{y}.png", server.requests
