"""Does a flood of street reports slow the public down? Nearest lookups
under wrk alone, then while a second wrk floods POST /refuges/<id>/signaler
with a valid token from one address.

    .venv/bin/python bench/report_flood.py --database URL [--seconds S] [--runs R] [--front]

Serves the demo data with the repository's gunicorn.conf.py on loopback,
on the PostgreSQL database given (emptied first). Prints, for the flood,
requests per second accepted (201) and refused (429, by the app's throttle
or, with --front, by nginx's limit_req) and, for the nearest lookups, the
median over R runs of requests per second alone and beside the flood (the
target: within 10 %). With --front, both go through the HTTPS front of
deploy/ (tests/https_front.py: nginx, one gunicorn worker). Needs `wrk`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_wrk import RANDOM_ORIGIN
from tests.server import gunicorn

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# Counts each answer of the flood by kind; `done` sums the threads' counts.
FLOOD = """
wrk.method = "POST"
wrk.body = "%(body)s"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) accepted, by_app, by_front, other = 0, 0, 0, 0 end
function response(status, headers, body)
  if status == 201 then accepted = accepted + 1
  elseif status == 429 and string.find(headers["Content-Type"] or "", "json") then
    by_app = by_app + 1
  elseif status == 429 then by_front = by_front + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local totals = {accepted = 0, by_app = 0, by_front = 0, other = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  io.write(string.format("FLOOD accepted=%%d by_app=%%d by_front=%%d other=%%d\\n",
    totals.accepted, totals.by_app, totals.by_front, totals.other))
end
"""


def prepare(database: str) -> None:
    subprocess.run(
        ["psql", database.replace("+psycopg", ""), "-qc",
         "DROP SCHEMA public CASCADE; CREATE SCHEMA public"],
        check=True,
    )  # fmt: skip
    env = {"ANGELA_DATABASE_URL": database, "PATH": "/usr/bin:/bin"}
    flask = [PYTHON, "-m", "flask", "--app", "angela"]
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([*flask, *command], env=env, cwd=ROOT, check=True, capture_output=True)


def wrk(url: str, seconds: int, script: Path, connections: int) -> subprocess.Popen[str]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url]
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True)


def requests_per_second(output: str) -> float:
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if found is None:
        raise SystemExit(f"wrk said:\n{output}")
    return float(found.group(1))


def flood_counts(output: str, seconds: int) -> dict[str, float]:
    found = re.search(r"FLOOD accepted=(\d+) by_app=(\d+) by_front=(\d+) other=(\d+)", output)
    if found is None:
        raise SystemExit(f"wrk said:\n{output}")
    names = ("accepted", "by_app", "by_front", "other")
    return {name: int(value) / seconds for name, value in zip(names, found.groups(), strict=True)}


def fetch(url: str, context: object = None, **headers: str) -> bytes:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10, context=context) as answer:  # type: ignore[arg-type]
        return answer.read()  # type: ignore[no-any-return]


@contextmanager
def served(database: str, folder: Path, front: bool) -> Iterator[tuple[str, object]]:
    """Yield the base URL to measure and the TLS context to reach it."""
    if not front:
        with gunicorn(database, folder / "gunicorn.log", "--access-logfile", "/dev/null") as base:
            yield base, None
        return
    import ssl

    from tests.https_front import https_front

    with https_front(database, folder / "front") as running:
        yield running.https, ssl.create_default_context(cafile=str(running.certificate))


def run(base: str, context: object, seconds: int, folder: Path) -> dict[str, float]:
    """One run: nearest alone, then nearest beside the flood."""
    features = json.loads(fetch(f"{base}/api/v1/refuges", context))["features"]
    refuge_id = features[0]["id"]
    asked = fetch(f"{base}/refuges/{refuge_id}/signaler", context, Accept="application/json")
    token = json.loads(asked)["token"]
    body = urlencode({"token": token, "reason": "other", "text": "banc d'essai"})
    nearest_script, flood_script = folder / "nearest.lua", folder / "flood.lua"
    nearest_script.write_text(RANDOM_ORIGIN)
    flood_script.write_text(FLOOD % {"body": body})
    alone = wrk(base + "/", seconds, nearest_script, 8).communicate()[0]
    nearest = wrk(base + "/", seconds, nearest_script, 8)
    flood = wrk(f"{base}/refuges/{refuge_id}/signaler", seconds, flood_script, 8)
    beside, flooded = nearest.communicate()[0], flood.communicate()[0]
    return {
        "alone": requests_per_second(alone),
        "beside": requests_per_second(beside),
        **flood_counts(flooded, seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a PostgreSQL URL (emptied)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--front", action="store_true", help="through nginx, as deploy/ sets it")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    prepare(args.database)
    with (
        tempfile.TemporaryDirectory() as tmp,
        served(args.database, Path(tmp), args.front) as (
            base,
            context,
        ),
    ):
        runs = [run(base, context, args.seconds, Path(tmp)) for _ in range(args.runs)]

    def median(name: str) -> float:
        return statistics.median(result[name] for result in runs)

    where = "nginx front + gunicorn (1 worker)" if args.front else "gunicorn.conf.py"
    print(f"{where} on PostgreSQL; wrk -t1 -c8 each, {args.seconds} s x {args.runs} runs (median)")
    print(f"nearest alone          {median('alone'):9.1f} req/s")
    change = 100 * (median("beside") / median("alone") - 1)
    print(f"nearest beside flood   {median('beside'):9.1f} req/s   ({change:+.1f} %)")
    print(
        f"flood: accepted {median('accepted'):.2f} req/s, refused by the app (429) "
        f"{median('by_app'):.1f} req/s, by nginx (429) {median('by_front'):.1f} req/s, "
        f"other {median('other'):.1f} req/s"
    )
    accepted = sum(result["accepted"] * args.seconds for result in runs)
    print(f"reports accepted over all runs: {accepted:.0f} (5 per sender an hour are allowed)")


if __name__ == "__main__":
    main()
