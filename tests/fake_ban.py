"""A fake Base Adresse Nationale on loopback: real HTTP, canned GeoJSON."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.loopback import serving
from tests.places import (
    FONTAINEBLEAU_CHATEAU,
    LE_MEE_CENTRE,
    MELUN_STATION,
    MELUN_TOWN_HALL,
    PARIS_NOTRE_DAME,
)

# What the fake answers, by words found in the query `q`.
ANSWERS: dict[str, Any] = {
    "paul doumer": ("found", MELUN_TOWN_HALL, "16 Rue Paul Doumer 77000 Melun", "77288"),
    "fontainebleau": (
        "found",
        FONTAINEBLEAU_CHATEAU,
        "Place du Général de Gaulle 77300 Fontainebleau",
        "77186",
    ),
    # Several streets of that name: two in the territory, one far outside.
    "rue de la gare": (
        "many",
        [
            (PARIS_NOTRE_DAME, "Rue de la Gare 75019 Paris", "75119"),
            (MELUN_STATION, "Rue de la Gare 77000 Melun", "77288"),
            (LE_MEE_CENTRE, "Rue de la Gare 77350 Le Mée-sur-Seine", "77285"),
        ],
        "",
        "",
    ),
    "lent": ("slow", None, "", ""),
    "panne": ("error", None, "", ""),
}


def feature(position: tuple[float, float], label: str, citycode: str) -> dict[str, Any]:
    lat, lon = position
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"label": label, "score": 0.97, "citycode": citycode, "type": "housenumber"},
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query).get("q", [""])[0].lower()
        self.server.requests.append(self.path)
        if parts.path != self.server.prefix + "/search":
            return self._send(404, {"message": "not found"})
        for words, (kind, position, label, citycode) in ANSWERS.items():
            if words in query:
                if kind == "slow":
                    time.sleep(self.server.slow_seconds)
                    return self._send(200, {"type": "FeatureCollection", "features": []})
                if kind == "error":
                    return self._send(500, {"message": "internal error"})
                if kind == "many":
                    # A whole label typed comes first, as the real service ranks it.
                    ranked = sorted(position, key=lambda place: place[1].lower() not in query)
                    found = [feature(*place) for place in ranked]
                else:
                    found = [feature(position, label, citycode)]
                return self._send(200, {"type": "FeatureCollection", "features": found})
        return self._send(200, {"type": "FeatureCollection", "features": []})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout case)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    prefix = "/geocodage"
    slow_seconds = 1.0
    requests: list[str]


@contextmanager
def fake_ban() -> Iterator[tuple[str, list[str]]]:
    """Serve the fake on a free loopback port; yield its base URL and the requests seen."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.requests = []
    with serving(server) as base:
        yield base + server.prefix, server.requests
