"""Benchmark the nearest endpoint under gunicorn with wrk, beside a trivial
JSON endpoint of the same app (/api/v1/openapi.json), in the same run.

    .venv/bin/python bench/api_wrk.py [--seconds S] [--runs R] [--workers W]

Serves the seeded demo data from a temporary SQLite database on loopback,
sends nearest lookups from random points of the territory (a wrk Lua
script), alternates the two endpoints R times and prints the median
requests per second of each and their ratio (target: at least 0.8).
Needs `wrk` (Debian package).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RANDOM_ORIGIN = """
math.randomseed(42)
request = function()
  local lat = 48.48 + math.random() * 0.15
  local lon = 2.50 + math.random() * 0.22
  local path = "/api/v1/refuges/nearest?lat=%.6f&lon=%.6f&limit=5"
  return wrk.format("GET", string.format(path, lat, lon))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(base: str) -> None:
    """Wait (20 s at most) until the server at `base` answers /healthz."""
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)


def wrk(url: str, seconds: int, script: str | None) -> float:
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{errors.group(1)} failed responses from {url}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "ANGELA_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "ANGELA_SECRET_KEY": "bench",
            "PORT": str(free_port()),
            "WEB_CONCURRENCY": str(args.workers),
        }
        flask = [PYTHON, "-m", "flask", "--app", "angela"]
        subprocess.run(
            [*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True
        )
        subprocess.run([*flask, "seed"], env=env, cwd=ROOT, check=True, capture_output=True)
        script = Path(tmp) / "nearest.lua"
        script.write_text(RANDOM_ORIGIN)
        server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "--config",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "wsgi:app",
            ],
            env=env,
            cwd=ROOT,
        )
        base = f"http://127.0.0.1:{env['PORT']}"
        try:
            wait_until_healthy(base)
            nearest, trivial = [], []
            for _ in range(args.runs):
                nearest.append(wrk(base + "/", args.seconds, str(script)))
                trivial.append(wrk(base + "/api/v1/openapi.json", args.seconds, None))
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(
        f"gunicorn, {args.workers} workers; wrk -t2 -c16, "
        f"{args.seconds} s x {args.runs} runs (median)"
    )
    print(
        f"nearest (random points, limit 5): {statistics.median(nearest):8.0f} req/s  runs {nearest}"
    )
    print(
        f"/api/v1/openapi.json (trivial):   {statistics.median(trivial):8.0f} req/s  runs {trivial}"
    )
    print(f"ratio nearest / trivial: {statistics.median(nearest) / statistics.median(trivial):.2f}")


if __name__ == "__main__":
    main()
