"""A real gunicorn server for tests that need several processes or its logs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def gunicorn(database_url: str, log_path: Path, *options: str, **environ: str) -> Iterator[str]:
    """Serve the app with the repository's gunicorn.conf.py on a free port;
    yield its base URL; stdout and stderr (the access log) go to `log_path`.
    More command-line `options` override the configuration file's."""
    # Bound and listening here, then handed over: no other process can take
    # the port between choosing it and gunicorn serving on it.
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    env = {
        **os.environ,
        "ANGELA_DATABASE_URL": database_url,
        "ANGELA_SECRET_KEY": "test-secret",
        # Each server keeps its public copies apart, beside its log.
        "ANGELA_PUBLIC_COPY_DIR": str(log_path.parent / "public-copy"),
        **environ,
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["--bind", f"fd://{listener.fileno()}", *options, "wsgi:app"]
    with listener, log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(listener.fileno(),),
        )
        listener.close()  # gunicorn has its own copy
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(base, process, log_path)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(log_path.read_text(errors="replace")) from None
            time.sleep(0.2)
