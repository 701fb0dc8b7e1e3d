"""The public page's first-load weight, as a phone on a weak signal gets it.

Asks the app (Flask test client, a throw-away SQLite database with the demo
data) for `/` the way a browser does, with `Accept-Encoding: gzip`, then for
everything the page loads before anyone taps: stylesheets, the icon sprite,
the favicon, the ES modules with their static imports and the refuges'
snapshot. Counts the bytes transferred (compressed body + response headers).
Printed apart: what the service worker fetches once the page has loaded (the
worker and the rest of the app shell), and what only loads after a search
(the map module, Leaflet and its stylesheet; a search itself sends nothing).
Map tiles are excluded. Budget: 150 KB (1 KB = 1000 bytes) for the first load.
Another language's page also loads its modules' catalogue (a preload).

    .venv/bin/python bench/page_weight.py [--path /ar/]
"""

from __future__ import annotations

import argparse
import json
import posixpath
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from angela import create_app
from angela.extensions import db

BUDGET_KB = 150
GZIP = {"Accept-Encoding": "gzip, deflate, br"}
STATIC_IMPORT = re.compile(r"""(?:^|;|\n)\s*import\s*(?:[^"'();]*?\sfrom\s*)?["']([^"']+)["']""")
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["']([^"']+)["']\s*\)""")
SETTINGS = re.compile(r"^const SETTINGS = (\{.*?\n\});\n", re.S)


class Links(HTMLParser):
    """The URLs a page makes the browser fetch at once."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") in ("stylesheet", "icon", "preload"):
            self.urls.append(found["href"] or "")
        elif tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        elif tag == "use" and found.get("href"):
            self.urls.append((found["href"] or "").split("#")[0])


def transferred(response) -> int:  # type: ignore[no-untyped-def]
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.headers.items()
    )
    return len(head.encode()) + len(response.data) + 2


def fetch(client, url: str, seen: dict[str, tuple[int, int]]) -> str:  # type: ignore[no-untyped-def]
    response = client.get(url, headers=GZIP)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    plain = client.get(url).data
    seen[url] = (len(plain), transferred(response))
    return plain.decode("utf-8", errors="replace")


def modules(client, url: str, seen, later: list[str]) -> None:  # type: ignore[no-untyped-def]
    if url in seen:
        return
    source = fetch(client, url, seen)
    base = posixpath.dirname(url)
    for found in STATIC_IMPORT.findall(source):
        modules(client, posixpath.normpath(posixpath.join(base, found)), seen, later)
    later.extend(
        posixpath.normpath(posixpath.join(base, f)) for f in DYNAMIC_IMPORT.findall(source)
    )


def report(title: str, seen: dict[str, tuple[int, int]]) -> int:
    print(f"\n{title}")
    print(f"  {'resource':<52} {'raw':>9} {'transferred':>12}")
    for url, (raw, sent) in seen.items():
        print(f"  {url[:52]:<52} {raw:>9,} {sent:>12,}")
    total = sum(sent for _raw, sent in seen.values())
    print(f"  {'total':<52} {sum(r for r, _s in seen.values()):>9,} {total:>12,}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", default="/", help="the page: / (French), /ar/, /en/…")
    path = parser.parse_args().path
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3"}
        )
        with app.app_context():
            db.create_all()
        app.test_cli_runner().invoke(args=["seed"])
        client = app.test_client()
        first: dict[str, tuple[int, int]] = {}
        links = Links()
        links.feed(fetch(client, path, first))
        later: list[str] = []
        for url in dict.fromkeys(links.urls):
            if url.endswith(".js"):
                modules(client, url, first, later)
            elif url not in first:
                fetch(client, url, first)
        fetch(client, "/api/v1/refuges/snapshot", first)
        total = report(f"First load of {path} (what loads before any tap)", first)
        worker: dict[str, tuple[int, int]] = {}
        settings = json.loads(SETTINGS.match(fetch(client, "/sw.js", worker)).group(1))
        for url in settings["precache"]:
            if url not in first and url not in worker:
                fetch(client, url, worker)
        report("Fetched by the service worker after the load (once)", worker)
        after: dict[str, tuple[int, int]] = {}
        for url in later:
            if url not in first:
                modules(client, url, after, [])
        stylesheet = re.search(r'data-stylesheet="([^"]+)"', fetch(client, path, {})).group(1)
        fetch(client, stylesheet, after)
        extra = report("Loaded after a search, for the map (module, Leaflet, its styles)", after)
        with app.app_context():
            db.engine.dispose()
    kb = total / 1000
    verdict = "within" if kb <= BUDGET_KB else "OVER"
    print(f"\nFirst load: {kb:.1f} KB transferred — {verdict} the {BUDGET_KB} KB budget.")
    print(f"After a search, with the map: {(total + extra) / 1000:.1f} KB in all (tiles excluded).")
    if kb > BUDGET_KB:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
