"""How the public face fares when PostgreSQL freezes (connections accepted,
then nothing answered): gunicorn (gunicorn.conf.py) reaches the database
through a TCP relay on loopback that this script freezes.

    .venv/bin/python bench/frozen_database.py --database postgresql://postgres@127.0.0.1:5432/NAME

The database given is emptied and seeded with the demo data. Prints, over
R freezes, the median time the first public lookup took after the freeze,
the slowest public lookup during it, the time /healthz took to say 503,
and whether any worker was killed (gunicorn logs "WORKER TIMEOUT").
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_wrk import free_port, wait_until_healthy
from tests.frozen_relay import relay_to

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PUBLIC = ["/api/v1/refuges/nearest?lat=48.5393&lon=2.6603", "/", "/refuges/1", "/api/v1/refuges"]


def timed(url: str) -> tuple[float, int]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.monotonic() - started, status


def freeze_once(base: str, relay: object, seconds: float) -> dict[str, float]:
    """Freeze the relay, ask public pages for `seconds`, then the probe."""
    for path in PUBLIC:  # every worker has its copies
        timed(base + path)
    relay.freeze()  # type: ignore[attr-defined]
    first, first_status = timed(base + PUBLIC[0])
    slowest, failures = first, int(first_status != 200)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in PUBLIC:
            took, status = timed(base + path)
            slowest, failures = max(slowest, took), failures + int(status != 200)
    health, health_status = timed(base + "/healthz")
    relay.thaw()  # type: ignore[attr-defined]
    return {"first": first, "slowest": slowest, "failures": failures,
            "health": health, "health_status": health_status}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL URL (emptied)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    subprocess.run(
        ["psql", args.database, "-qc", "DROP SCHEMA public CASCADE; CREATE SCHEMA public"],
        check=True,
    )
    results = []
    with tempfile.TemporaryDirectory() as tmp, relay_to(args.database) as (relay, through):
        env = {
            **os.environ, "ANGELA_DATABASE_URL": args.database, "ANGELA_SECRET_KEY": "bench",
            "PORT": str(free_port()), "ANGELA_PUBLIC_COPY_DIR": f"{tmp}/copy",
        }  # fmt: skip
        flask = [PYTHON, "-m", "flask", "--app", "angela"]
        for command in (["db", "upgrade"], ["seed"]):
            subprocess.run([*flask, *command], env=env, cwd=ROOT, check=True, capture_output=True)
        env["ANGELA_DATABASE_URL"] = through
        log = Path(tmp) / "gunicorn.log"
        with log.open("wb") as output:
            server = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
                env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT,
            )  # fmt: skip
            base = f"http://127.0.0.1:{env['PORT']}"
            try:
                wait_until_healthy(base)
                for _ in range(args.runs):
                    results.append(freeze_once(base, relay, args.seconds))
                    time.sleep(3)  # the stuck checks end once the relay runs again
            finally:
                server.terminate()
                server.wait(timeout=30)
        killed = log.read_text(errors="replace").count("WORKER TIMEOUT")

    def median(name: str) -> float:
        return statistics.median(result[name] for result in results)

    print(f"PostgreSQL frozen {args.runs} times for {args.seconds:.0f} s (median)")
    print(f"first public lookup after the freeze: {median('first') * 1000:8.0f} ms")
    print(f"slowest public request during it:     {median('slowest') * 1000:8.0f} ms")
    print(f"public requests that failed:          {sum(r['failures'] for r in results):8.0f}")
    statuses = sorted({r["health_status"] for r in results})
    print(f"/healthz answered {statuses} in        {median('health') * 1000:8.0f} ms")
    print(f"workers killed (WORKER TIMEOUT):      {killed:8d}")


if __name__ == "__main__":
    main()
