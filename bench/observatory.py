"""The HTTPS front of deploy/ scored by the MDN HTTP Observatory's own
library (@mdn/mdn-http-observatory 1.4.8, pinned in
bench/observatory/package-lock.json), on the public page `/` and the staff
login `/staff/login`.

    .venv/bin/python bench/observatory.py [--runs N]

Installs the library with `npm ci --ignore-scripts` in bench/observatory/
when its node_modules is missing (its install script would download
Chromium's HSTS preload list and the list of top-level domains: neither is
fetched; an empty preload list is written instead, so no name counts as
preloaded). Serves the demo data (`flask db upgrade` + `flask seed` on a
SQLite file in bench/results/observatory/) with gunicorn behind Debian's
nginx configured from deploy/nginx-angela.conf.template, on loopback with a
self-signed certificate that node is told to trust (NODE_EXTRA_CA_CERTS),
as tests/test_deploy.py does. Each page is scanned N times (default 3) by
bench/observatory/scan.mjs, which runs the library's retrieval, tests and
grading exactly as its `scan()` does, with ports and a path.

Prints per page the median score (with min–max) and grade, then each of
the ten tests: passed or failed, its result and what it adds to or takes
from the score. The maximum without HSTS preloading is 140 for a page that
sets a cookie, 135 without one. Figures only: nothing fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.synthetic_refuges import seed_database
from tests.https_front import Front, https_front, nginx_binary

ROOT = Path(__file__).resolve().parent.parent
OBSERVATORY_DIR = ROOT / "bench" / "observatory"
LIBRARY = OBSERVATORY_DIR / "node_modules" / "@mdn" / "mdn-http-observatory"
SCAN = OBSERVATORY_DIR / "scan.mjs"
RESULTS = ROOT / "bench" / "results" / "observatory"
PAGES = ("/", "/staff/login")


def install_observatory() -> None:
    if not LIBRARY.exists():
        if not shutil.which("npm"):
            raise SystemExit("npm is needed to install the Observatory (apt-get install npm)")
        print("installing the MDN HTTP Observatory (npm ci in bench/observatory)…", flush=True)
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=OBSERVATORY_DIR,
            check=True,
        )
    preload = LIBRARY / "conf" / "hsts-preload.json"
    if not preload.exists():
        preload.write_text("{}\n", encoding="utf-8")


def scan(front: Front, path: str) -> dict[str, Any]:
    """One Observatory scan of `path` on the front, as the library reports it."""
    http, https = urlsplit(front.http), urlsplit(front.https)
    command = ["node", str(SCAN), str(https.hostname), str(http.port), str(https.port), path]
    env = {**os.environ, "NODE_EXTRA_CA_CERTS": str(front.certificate)}
    done = subprocess.run(
        command, cwd=OBSERVATORY_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"the scan of {path} failed:\n{done.stdout}\n{done.stderr}") from None
    if "error" in report:
        raise SystemExit(f"the scan of {path} failed: {report['error']}")
    return report


def spread(values: list[float]) -> str:
    median = statistics.median(values)
    if min(values) == max(values):
        return f"{median:.0f}"
    return f"{median:.0f} ({min(values):.0f}–{max(values):.0f})"


def summarise(path: str, reports: list[dict[str, Any]]) -> None:
    scores = [float(report["scan"]["score"]) for report in reports]
    last = reports[-1]
    grades = sorted({report["scan"]["grade"] for report in reports})
    print(f"\n{path}  ({len(reports)} runs)")
    print(
        f"  score {spread(scores)} · grade {'/'.join(grades)} · "
        f"{last['scan']['testsPassed']}/{last['scan']['testsQuantity']} tests passed · "
        f"HTTP {last['scan']['status']} · certificate trusted: {last['scan']['verified']}"
    )
    for name, test in last["tests"].items():
        results = {report["tests"][name]["result"] for report in reports}
        varies = "" if len(results) == 1 else f"  (varies: {', '.join(sorted(map(str, results)))})"
        mark = "pass" if test["pass"] else "FAIL"
        print(f"    {mark}  {name:<32} {test['result']} ({test['scoreModifier']:+d}){varies}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if nginx_binary() is None:
        raise SystemExit("nginx is needed for the HTTPS front (apt-get install nginx)")
    install_observatory()
    if RESULTS.exists():
        shutil.rmtree(RESULTS)
    RESULTS.mkdir(parents=True)
    database = RESULTS / "seed.sqlite3"
    seed_database(database)
    reports: dict[str, list[dict[str, Any]]] = {}
    with https_front(f"sqlite:///{database}", RESULTS / "front") as front:
        for path in PAGES:
            for run in range(1, args.runs + 1):
                print(f"  observatory {path} run {run}/{args.runs}…", flush=True)
                reports.setdefault(path, []).append(scan(front, path))
    version = json.loads((LIBRARY / "package.json").read_text())["version"]
    print(
        f"\nMDN HTTP Observatory {version} (empty HSTS preload list), nginx + gunicorn from"
        f" deploy/ on loopback; median (min–max) of {args.runs} runs"
    )
    for path, found in reports.items():
        summarise(path, found)


if __name__ == "__main__":
    main()
