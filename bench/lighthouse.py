"""Lighthouse (12.2.3, pinned in bench/lighthouse/package-lock.json) on three
public pages served with the demo data: the home page `/`, a commune's list
`/?commune=77288` (Melun) and one refuge's page `/refuges/<id>`.

    .venv/bin/python bench/lighthouse.py [--runs N] [--languages en ar] [--only-languages]

Installs Lighthouse with `npm ci` in bench/lighthouse/ when its
node_modules is missing; serves the seeded data (`flask db upgrade` +
`flask seed` on a SQLite file in bench/results/lighthouse/) with gunicorn
(tests/server.py) and the map tiles from a stand-in tile server on loopback
(one grey 256×256 PNG for every tile, cached a week like OpenStreetMap's:
nothing leaves the machine). Each page is audited N times (default 3) by the
Lighthouse CLI with Debian's Chromium, headless: mobile form factor,
simulated throttling (Lighthouse's slow 4G — 150 ms round trip, 1.6 Mbps
down, 750 kbps up — and a CPU 4× slower), categories performance,
accessibility, best practices and SEO. `--languages en ar` audits the same
pages in those languages too (`/en/`, `/en/?commune=…`, `/en/refuges/<id>`).
Lighthouse resets the browser's storage before each run, so every run is a
first visit (no service worker yet).

Prints per page: the median score of each category (0–100, with min–max),
the median of the key metrics (FCP, LCP, TBT, CLS, Speed Index), and every
audit that failed in at least one run (score below 1; informative, manual
and not-applicable audits left out; the metrics themselves, already shown,
too), with the elements, files or figures Lighthouse blames. The JSON
reports are kept in bench/results/lighthouse/ (open one in the Lighthouse
viewer for the full picture). Figures only: nothing fails.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import struct
import subprocess
import sys
import threading
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_refuges import seed_database
from tests.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/browser/conftest.py
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
# audit id, label, unit
METRICS = (
    ("first-contentful-paint", "FCP", "ms"),
    ("largest-contentful-paint", "LCP", "ms"),
    ("total-blocking-time", "TBT", "ms"),
    ("cumulative-layout-shift", "CLS", ""),
    ("speed-index", "SI", "ms"),
)
MELUN = "77288"
IGNORED_MODES = {"informative", "notApplicable", "manual", "error"}
# Informative audits worth showing: what the LCP is, and what shifts or
# blocks when CLS or TBT is not zero.
DIAGNOSTICS = (
    ("largest-contentful-paint-element", lambda report: True),
    ("critical-request-chains", lambda report: True),
    ("layout-shifts", lambda report: _value(report, "cumulative-layout-shift") > 0),
    ("long-tasks", lambda report: _value(report, "total-blocking-time") > 0),
)
ITEMS_SHOWN = 6


def _value(report: dict[str, Any], audit_id: str) -> float:
    return float(report["audits"][audit_id].get("numericValue") or 0)


def install_lighthouse() -> None:
    if LIGHTHOUSE.exists():
        return
    if not shutil.which("npm"):
        raise SystemExit("npm is needed to install Lighthouse (apt-get install npm)")
    print("installing Lighthouse (npm ci in bench/lighthouse)…", flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)


def _grey_tile() -> bytes:
    """A 256×256 light grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = (b"\x00" + b"\xe6\xe6\xe6" * 256) * 256
    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@contextmanager
def tile_server() -> Iterator[str]:
    """Yield a Leaflet tile URL template served on loopback."""
    tile = _grey_tile()

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Cache-Control", "max-age=604800")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    finally:
        server.shutdown()
        server.server_close()


def a_public_refuge(base: str) -> int:
    with urllib.request.urlopen(base + "/api/v1/refuges", timeout=30) as response:
        features = json.load(response)["features"]
    if not features:
        raise SystemExit("no public refuge in the seeded data")
    # One with a phone and known hours: the fullest page.
    full = [f for f in features if f["properties"].get("phone")]
    return int((full or features)[0]["id"])


def run_lighthouse(url: str, output: Path) -> dict[str, Any]:
    command = [
        str(LIGHTHOUSE),
        url,
        "--output=json",
        f"--output-path={output}",
        "--quiet",
        "--form-factor=mobile",
        "--throttling-method=simulate",
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=" + " ".join(CHROMIUM_ARGS),
        "--only-categories=" + ",".join(CATEGORIES),
    ]
    # Lighthouse now and then fails to record its trace (NO_NAVSTART) on a
    # busy machine: such a run is tried again, twice at most.
    for attempt in range(1, 4):
        done = subprocess.run(command, cwd=LIGHTHOUSE_DIR, capture_output=True, text=True)
        if done.returncode == 0 and output.exists():
            break
        reason = done.stderr.strip()[-200:]
        print(f"    (Lighthouse failed on attempt {attempt}: {reason})", flush=True)
    else:
        raise SystemExit(f"Lighthouse failed on {url}:\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(output.read_text())
    if report.get("runtimeError"):
        raise SystemExit(f"Lighthouse could not audit {url}: {report['runtimeError']}")
    return report


def spread(values: list[float], digits: int = 0) -> str:
    median = statistics.median(values)
    if min(values) == max(values):
        return f"{median:.{digits}f}"
    return f"{median:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def _text(value: Any) -> str:
    """A table cell of an audit's details, as short text."""
    if isinstance(value, dict):
        kind = value.get("type")
        if kind == "node":
            where = value.get("selector") or value.get("path") or ""
            return f"{value.get('snippet', '')[:90]} ({where[-80:]})"
        if kind == "source-location":
            return f"{value.get('url', '')}:{value.get('line', '')}"
        if kind == "url":
            return str(value.get("value", ""))
        if "value" in value:
            return str(value["value"])
        return json.dumps(value, ensure_ascii=False)[:120]
    if isinstance(value, float):
        return f"{value:.3f}" if value < 10 else f"{value:.0f}"
    return str(value)[:140]


def detail_lines(audit: dict[str, Any]) -> list[str]:
    """What the audit blames: its table's rows, a few fields each."""
    return _lines(audit.get("details") or {})


def _lines(details: dict[str, Any]) -> list[str]:
    kind, items = details.get("type"), details.get("items")
    if kind == "list" and isinstance(items, list):  # several tables
        return [line for table in items if isinstance(table, dict) for line in _lines(table)]
    if kind == "list-section":
        return _lines(details.get("value") or {})
    if kind in ("criticalrequestchain", "network-tree"):
        return [_longest_chain(details.get("chains") or {})]
    if kind == "checklist" and isinstance(items, dict):
        return [
            f"{item.get('label', key)}: {'yes' if item.get('value') else 'no'}"
            for key, item in items.items()
            if isinstance(item, dict)
        ]
    if not isinstance(items, list):
        return []
    lines: list[str] = []
    for item in items[:ITEMS_SHOWN]:
        if not isinstance(item, dict):
            continue
        fields = []
        for key, value in item.items():
            if key in ("subItems", "entity") or value in (None, "", 0):
                continue
            fields.append(f"{key}: {_text(value)}")
        sub = (item.get("subItems") or {}).get("items") or []
        for subitem in sub[:2]:
            fields.append("↳ " + ", ".join(f"{k}: {_text(v)}" for k, v in subitem.items() if v))
        if len(sub) > 2:
            fields.append(f"↳ … {len(sub) - 2} more")
        lines.append("; ".join(fields))
    if len(items) > ITEMS_SHOWN:
        lines.append(f"… and {len(items) - ITEMS_SHOWN} more")
    return lines


def _longest_chain(chains: dict[str, Any]) -> str:
    """The chain of requests, each started by the one before, that ends
    last (as Lighthouse marks it, or found from the end times)."""

    def end(node: dict[str, Any]) -> float:
        return float(node.get("navStartToEndTime") or node.get("request", {}).get("endTime") or 0)

    def latest(node: dict[str, Any]) -> float:
        children = (node.get("children") or {}).values()
        return max([end(node), *(latest(child) for child in children)])

    names: list[str] = []
    level = chains
    while level:
        node = max(level.values(), key=lambda n: (bool(n.get("isLongest")), latest(n)))
        url = node.get("url") or node.get("request", {}).get("url", "?")
        path = "/" + url.split("/", 3)[-1]
        names.append(path.rsplit("/", 1)[-1] if path.startswith("/static/") else path)
        level = node.get("children") or {}
    return f"longest chain ({len(names)} requests): " + " → ".join(names)


def failing_audits(report: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """{audit id: (category, audit)} for the audits scored below 1."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for category_id, category in report["categories"].items():
        for ref in category["auditRefs"]:
            if ref.get("group") == "metrics":
                continue
            audit = report["audits"][ref["id"]]
            score = audit.get("score")
            if audit.get("scoreDisplayMode") in IGNORED_MODES or score is None or score >= 1:
                continue
            found.setdefault(ref["id"], (category_id, audit))
    return found


def summarise(path: str, reports: list[dict[str, Any]]) -> None:
    runs = len(reports)
    print(f"\n{path}  ({runs} runs)")
    scores = []
    for category in CATEGORIES:
        values = [
            r["categories"][category]["score"] * 100
            for r in reports
            if r["categories"][category]["score"] is not None
        ]
        scores.append(f"{category} {spread(values) if values else 'n/a'}")
    print("  scores:  " + " · ".join(scores))
    metrics = []
    for audit_id, label, unit in METRICS:
        values = [_value(r, audit_id) for r in reports]
        shown = spread(values, 0 if unit else 3)
        metrics.append(f"{label} {shown} {unit}".rstrip())
    print("  metrics: " + " · ".join(metrics))
    failing: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for report in reports:
        for audit_id, found in failing_audits(report).items():
            failing.setdefault(audit_id, []).append(found)
    last = reports[-1]
    print("  diagnostics (last run):")
    for audit_id, shown_when in DIAGNOSTICS:
        audit = last["audits"].get(audit_id)
        if audit is None or not shown_when(last):
            continue
        if audit.get("scoreDisplayMode") == "error":
            print(f"    {audit['title']}: could not run (see below)")
            continue
        shown = f" — {audit['displayValue']}" if audit.get("displayValue") else ""
        print(f"    {audit['title']}{shown}")
        for line in detail_lines(audit):
            print(f"        · {line}")
    if not failing:
        print("  failing audits: none")
    else:
        print("  failing audits:")
    for audit_id, found in sorted(failing.items(), key=lambda kv: (kv[1][0][0], kv[0])):
        category, audit = found[-1]
        shown = f" — {audit['displayValue']}" if audit.get("displayValue") else ""
        print(
            f"    [{category}] {audit['title']} ({audit_id}, score {audit['score']:.2f}, "
            f"in {len(found)}/{runs} runs){shown}"
        )
        for line in detail_lines(audit):
            print(f"        · {line}")
    errors: dict[str, list[str]] = {}
    for audit_id, audit in last["audits"].items():
        if audit.get("scoreDisplayMode") == "error":
            errors.setdefault(audit.get("errorMessage", "?")[:200], []).append(audit_id)
    for message, audit_ids in errors.items():
        print(f"  audits that could not run ({', '.join(audit_ids)}): {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--languages", nargs="*", default=[], help="e.g. en ar")
    parser.add_argument("--only-languages", action="store_true", help="not the French pages")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    install_lighthouse()
    RESULTS.mkdir(parents=True, exist_ok=True)
    database = RESULTS / "seed.sqlite3"
    seed_database(database)
    with (
        tile_server() as tiles,
        gunicorn(
            f"sqlite:///{database}",
            RESULTS / "server.log",
            **{"ANGELA_SECRET_KEY": "bench", "ANGELA_TILE_URL": tiles},
        ) as base,
    ):
        refuge = a_public_refuge(base)
        prefixes = [] if args.only_languages else [""]
        prefixes += [f"/{code}" for code in args.languages]
        pages = {}
        for prefix in prefixes:
            name = prefix.strip("/") or "fr"
            pages[f"{name}-home"] = f"{prefix}/"
            pages[f"{name}-commune"] = f"{prefix}/?commune={MELUN}"
            pages[f"{name}-refuge"] = f"{prefix}/refuges/{refuge}"
        reports: dict[str, list[dict[str, Any]]] = {}
        for name, path in pages.items():
            for run in range(1, args.runs + 1):
                print(f"  lighthouse {path} run {run}/{args.runs}…", flush=True)
                output = RESULTS / f"{name}-run{run}.report.json"
                reports.setdefault(path, []).append(run_lighthouse(base + path, output))
    version = next(iter(reports.values()))[0]["lighthouseVersion"]
    print(
        f"\nLighthouse {version}, mobile, simulated throttling (150 ms RTT, 1.6 Mbps, CPU ×4);"
        f" median (min–max) of {args.runs} runs; reports in {RESULTS.relative_to(ROOT)}/"
    )
    for path, found in reports.items():
        summarise(path, found)


if __name__ == "__main__":
    main()
