"""Does staff work slow the public down? Public nearest lookups under wrk,
alone, then while two staff upload 2 MB files of bad rows over and over
and a 60,000-row CSV import runs on the command line.

    .venv/bin/python bench/staff_load.py [--seconds S] [--runs R] [--database URL]
        [--split] [--uploaders N] [--rows N]

Serves the demo data with the repository's gunicorn.conf.py on loopback
(a temporary SQLite database, or the PostgreSQL database given, which it
empties). Prints, for each phase, the median over R runs of wrk's p50 and
p99 latency and its errors; the target is a loaded p99 at most twice the
quiet one, and no error. The loaded phase lasts from the start of each
import until SETTLE seconds after its end (its commit, then the public
servers' rebuild of their directory, are measured too); a last quiet
phase, with the imported refuges in the directory, tells what a larger
directory costs from what staff work beside the lookups costs. Also
prints how long a staff login took during the import. With --split, staff
pages are served by a second gunicorn at nice 10 and the import runs at
nice 10, as deploy/ sets them up. --uploaders and --rows change the load
(--rows 0: no import). Needs `wrk` (Debian package).
"""

from __future__ import annotations

import argparse
import csv
import http.cookiejar
import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.api_wrk import RANDOM_ORIGIN, free_port, wait_until_healthy
from bench.synthetic_refuges import merchants

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# After the import: the public servers notice it (INDEX_POLL_SECONDS, 2 s)
# and rebuild their directory with the new refuges, under wrk.
SETTLE = 5.0
AGENT, PASSWORD = "bench@cidff77.example", "mot de passe du banc d'essai"
COLUMNS = [
    "ref",
    "name",
    "category",
    "address",
    "postcode",
    "lat",
    "lon",
    "training_status",
    "trained_on",
]


def bad_rows_csv(size: int) -> bytes:
    """About `size` bytes of rows that all fail (a latitude that is no number)."""
    lines = [",".join(COLUMNS)]
    number, total = 0, len(lines[0]) + 1
    while True:
        number += 1
        line = f"BAD-{number:06d},Commerce {number},shop,1 rue X,77000,nord,2.66,trained,"
        if total + len(line) + 1 > size:
            return ("\n".join(lines) + "\n").encode()
        lines.append(line)
        total += len(line) + 1


def import_csv(count: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for merchant in merchants(count, seed=7):
        writer.writerow(
            [merchant.ref.replace("BEN", "IMP"), merchant.name, merchant.category,
             merchant.address, merchant.postcode, merchant.lat, merchant.lon,
             "trained", merchant.trained_on.isoformat()]
        )  # fmt: skip
    return out.getvalue()


class Staff:
    """A staff browser: cookies, CSRF tokens, forms."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def token(self, path: str) -> str:
        page = self.opener.open(self.base + path, timeout=60).read().decode()
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def log_in(self) -> float:
        started = time.monotonic()
        form = {"csrf_token": self.token("/staff/login"), "email": AGENT, "password": PASSWORD}
        self.opener.open(self.base + "/staff/login", urllib.parse.urlencode(form).encode(), 60)
        return time.monotonic() - started

    def upload(self, data: bytes) -> None:
        boundary = "----angela-bench"
        token = self.token("/staff/import")
        body = (
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="bad.csv"\r\n'
                "Content-Type: text/csv\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.base + "/staff/import", body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip
        try:
            self.opener.open(request, timeout=120).read()
        except urllib.error.HTTPError as error:
            if error.code != 422:  # 422: the preview listing the file's errors
                raise
            error.read()


def wrk(
    url: str, seconds: int, script: str, until: subprocess.Popen | None = None
) -> tuple[float, float, int]:
    """Return wrk's p50 and p99 in ms, and its failed or errored requests:
    for `seconds`, or, with `until`, from now until that process has ended
    and SETTLE seconds more (a change it committed is then served)."""
    duration = "3600s" if until else f"{seconds}s"
    command = ["wrk", "-t2", "-c8", f"-d{duration}", "--latency", "-s", script, url]
    runner = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    if until:
        until.wait(timeout=900)
        time.sleep(SETTLE)
        runner.send_signal(signal.SIGINT)  # wrk stops and prints what it measured
    output, _ = runner.communicate(timeout=seconds + 60)

    def milliseconds(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)\b", output).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    count = int(failed.group(1)) if failed else 0
    count += sum(map(int, errors.groups())) if errors else 0
    return milliseconds("50"), milliseconds("99"), count


def prepare(env: dict[str, str]) -> None:
    flask = [PYTHON, "-m", "flask", "--app", "angela"]
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run([*flask, *command], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(
        [*flask, "users", "create", AGENT, "--role", "agent", "--password-stdin"],
        input=PASSWORD + "\n", text=True, env=env, cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip


def loaded_run(
    base: str, staff_base: str, env: dict[str, str], seconds: int, script: str, csv_path: str,
    nice: list[str], uploaders: int,
) -> dict:  # fmt: skip
    """One wrk run on `base` while two staff upload bad files to
    `staff_base` and a CLI import runs (under `nice`, if given)."""
    stop = threading.Event()
    uploads: list[float] = []

    def uploader() -> None:
        staff = Staff(staff_base)
        # Just under the 2 MiB upload limit, with the form around it.
        data = bad_rows_csv(2 * 1024 * 1024 - 4096)
        while not stop.is_set():
            started = time.monotonic()
            try:
                staff.log_in()
                staff.upload(data)
            except OSError as error:  # said, and tried again
                print(f"upload failed: {error}", file=sys.stderr)
                time.sleep(1.0)
                continue
            uploads.append(time.monotonic() - started)

    threads = [threading.Thread(target=uploader, daemon=True) for _ in range(uploaders)]
    for thread in threads:
        thread.start()
    flask = [*nice, PYTHON, "-m", "flask", "--app", "angela", "merchants", "import", csv_path]
    if not csv_path:  # no import: a command that waits as long as wrk runs
        flask = ["sleep", str(seconds + 1)]
    import_started = time.monotonic()
    importer = subprocess.Popen(flask, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    time.sleep(1.0)  # the uploads and the import are under way
    logins: list[float] = []

    def log_in_again_and_again() -> None:
        # A staff login every second for as long as the import runs.
        while importer.poll() is None:
            try:
                logins.append(Staff(staff_base).log_in())
            except OSError:  # an HTTP error too: a refused login is a failure
                logins.append(float("inf"))
            time.sleep(1.0)

    logger = threading.Thread(target=log_in_again_and_again, daemon=True)
    logger.start()
    result = wrk(base + "/", seconds, script, until=importer)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    said, _ = importer.communicate(timeout=900)
    logger.join()
    if importer.returncode != 0:
        raise SystemExit(f"the import failed: {said}")
    return {
        "wrk": result,
        "logins": logins,
        "uploads": uploads,
        "import": (time.monotonic() - import_started, said.strip()),
    }


def summary(label: str, runs: list[tuple[float, float, int]]) -> str:
    p50 = statistics.median(run[0] for run in runs)
    p99 = statistics.median(run[1] for run in runs)
    errors = sum(run[2] for run in runs)
    return f"{label:<38} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms   errors {errors}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--uploaders", type=int, default=2, help="staff uploading bad files")
    parser.add_argument("--rows", type=int, default=60_000, help="rows imported (0: no import)")
    parser.add_argument("--database", help="a PostgreSQL URL to use (emptied)")
    parser.add_argument(
        "--split", action="store_true",
        help="staff served by a second gunicorn at nice 10 (as deploy/ does), the import niced too",
    )  # fmt: skip
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    with tempfile.TemporaryDirectory() as tmp:
        database = args.database or f"sqlite:///{tmp}/bench.sqlite3"
        env = {
            **os.environ, "ANGELA_DATABASE_URL": database, "ANGELA_SECRET_KEY": "bench",
            "PORT": str(free_port()), "ANGELA_PUBLIC_COPY_DIR": f"{tmp}/copy",
        }  # fmt: skip
        if args.database:
            subprocess.run(
                [
                    "psql",
                    args.database.replace("+psycopg", ""),
                    "-qc",
                    "DROP SCHEMA public CASCADE; CREATE SCHEMA public",
                ],
                check=True,
            )
        prepare(env)
        script = Path(tmp) / "nearest.lua"
        script.write_text(RANDOM_ORIGIN)
        csv_path = Path(tmp) / "import.csv"
        csv_path.write_text(import_csv(args.rows))
        gunicorn = [PYTHON, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                    "--access-logfile", "/dev/null", "wsgi:app"]  # fmt: skip
        servers = [subprocess.Popen(gunicorn, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)]
        base = staff_base = f"http://127.0.0.1:{env['PORT']}"
        nice = ["nice", "-n", "10"] if args.split else []
        if args.split:
            staff_env = {**env, "PORT": str(free_port()), "WEB_CONCURRENCY": "1"}
            servers.append(
                subprocess.Popen(
                    [*nice, *gunicorn], env=staff_env, cwd=ROOT, stderr=subprocess.DEVNULL
                )
            )
            staff_base = f"http://127.0.0.1:{staff_env['PORT']}"
        try:
            for served in {base, staff_base}:
                wait_until_healthy(served)
            quiet = [wrk(base + "/", args.seconds, str(script)) for _ in range(args.runs)]
            loaded = []
            for run in range(args.runs):
                # Each import creates its rows anew: a fresh ref prefix per run.
                text = csv_path.read_text().replace("IMP-", f"IM{run}-")
                run_csv = Path(tmp) / f"import-{run}.csv"
                run_csv.write_text(text)
                loaded.append(
                    loaded_run(
                        base,
                        staff_base,
                        env,
                        args.seconds,
                        str(script),
                        str(run_csv) if args.rows else "",
                        nice,
                        args.uploaders,
                    )
                )
            # The imports made the directory larger: quiet again, to tell a
            # larger directory from staff work going on beside the lookups.
            after = [wrk(base + "/", args.seconds, str(script)) for _ in range(args.runs)]
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
    backend = "PostgreSQL" if args.database else "SQLite"
    runs = f"{args.seconds} s x {args.runs} runs (median)"
    layout = "public and staff apart, staff at nice 10" if args.split else "one server"
    print(f"gunicorn.conf.py on {backend}, {layout}; wrk -t2 -c8 on nearest, {runs}")
    print(summary("public nearest, quiet", quiet))
    load = f"{args.uploaders} uploads + {args.rows:,}-row import"
    print(summary(f"public nearest, {load}", [run["wrk"] for run in loaded]))
    added = f"{args.rows * args.runs:,} refuges more"
    print(summary(f"public nearest, quiet again ({added})", after))
    logins = [seconds for run in loaded for seconds in run["logins"]]
    failed = sum(1 for seconds in logins if seconds == float("inf"))
    answered = sorted(seconds for seconds in logins if seconds != float("inf"))
    print(
        f"staff logins during the imports: {len(logins)}, failed {failed}, "
        f"median {statistics.median(answered):.2f} s, slowest {answered[-1]:.2f} s"
    )
    uploads = [seconds for run in loaded for seconds in run["uploads"]]
    middle = statistics.median(uploads) if uploads else float("nan")
    print(f"2 MB bad uploads answered: {len(uploads)}, median {middle:.2f} s each")
    for run in loaded:
        seconds, said = run["import"]
        if args.rows:
            print(f"{args.rows:,}-row import: {seconds:.1f} s, {said}")


if __name__ == "__main__":
    main()
