"""The HTTPS front of deploy/ on loopback, for tests and benchmarks: a
self-signed certificate, Debian's nginx running the rendered template as
the current user (every file under one folder), gunicorn behind it."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.server import ROOT, gunicorn

TEMPLATE = ROOT / "deploy" / "nginx-angela.conf.template"
HOST = "127.0.0.1"


def nginx_binary() -> str | None:
    """Return the path of nginx (Debian installs it in /usr/sbin), or None."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")


def self_signed_certificate(folder: Path, host: str = HOST) -> tuple[Path, Path]:
    """Write a self-signed certificate for the IP address `host`, valid two
    days, and its key; return their paths. Uses the `cryptography` package
    when installed, else the openssl command."""
    certificate, key = folder / "certificate.pem", folder / "key.pem"
    try:
        _certificate_with_cryptography(host, certificate, key)
    except ImportError:
        subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-days", "2", "-subj", f"/CN={host}",
                "-addext", f"subjectAltName=IP:{host}",
                "-keyout", str(key), "-out", str(certificate),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip
    return certificate, key


def _certificate_with_cryptography(host: str, certificate: Path, key: Path) -> None:
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.now(UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(host))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    certificate.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def render(template: str, values: Mapping[str, str]) -> str:
    """Return `template` with each `@NAME@` replaced by values[NAME]; raise
    KeyError when one is left without a value."""
    for name, value in values.items():
        template = template.replace(f"@{name}@", value)
    left = sorted(set(re.findall(r"@([A-Z_]+)@", template)))
    if left:
        raise KeyError(f"placeholders without a value: {', '.join(left)}")
    return template


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Front:
    http: str  # http://127.0.0.1:PORT
    https: str  # https://127.0.0.1:PORT
    certificate: Path
    access_log: Path
    error_log: Path
    upstream_log: Path  # the public gunicorn's
    staff_log: Path  # the staff gunicorn's


def main_config(folder: Path, site: Path) -> str:
    """An nginx.conf that keeps everything under `folder` and includes `site`."""
    temp = {name: folder / "temp" / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for path in temp.values():
        path.mkdir(parents=True, exist_ok=True)
    # As root, nginx hands its workers to "nobody", who cannot enter pytest's
    # folders; as anyone else the directive would be ignored with a warning.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'main-error.log'} warn;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"    client_body_temp_path {temp['body']};\n"
        f"    proxy_temp_path {temp['proxy']};\n"
        f"    fastcgi_temp_path {temp['fastcgi']};\n"
        f"    uwsgi_temp_path {temp['uwsgi']};\n"
        f"    scgi_temp_path {temp['scgi']};\n"
        f"    include {site};\n"
        "}\n"
    )


@contextmanager
def nginx(folder: Path, upstream_port: int, staff_port: int) -> Iterator[Front]:
    """Run nginx with the deploy/ template in front of 127.0.0.1:upstream_port
    (and 127.0.0.1:staff_port for /staff), on two free loopback ports, until
    the context ends."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "acme").mkdir(exist_ok=True)
    certificate, key = self_signed_certificate(folder)
    http_port, https_port = free_port(), free_port()
    origin = f"https://{HOST}:{https_port}"
    values = {
        "SERVER_NAME": HOST,
        "PUBLIC_ORIGIN": origin,
        "HTTP_LISTEN": f"{HOST}:{http_port}",
        "HTTPS_LISTEN": f"{HOST}:{https_port}",
        "CERTIFICATE": str(certificate),
        "CERTIFICATE_KEY": str(key),
        "UPSTREAM_PORT": str(upstream_port),
        "STAFF_UPSTREAM_PORT": str(staff_port),
        "ACCESS_LOG": str(folder / "access.log"),
        "ERROR_LOG": str(folder / "error.log"),
        "ACME_ROOT": str(folder / "acme"),
    }
    site = folder / "angela.conf"
    site.write_text(render(TEMPLATE.read_text(encoding="utf-8"), values), encoding="utf-8")
    config = folder / "nginx.conf"
    config.write_text(main_config(folder, site), encoding="utf-8")
    output = folder / "nginx.out"
    with output.open("wb") as out:
        process = subprocess.Popen(
            [binary, "-c", str(config), "-p", str(folder), "-g", "daemon off;"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(https_port, process, output)
        yield Front(
            f"http://{HOST}:{http_port}",
            origin,
            certificate,
            folder / "access.log",
            folder / "error.log",
            folder / "gunicorn.log",
            folder / "gunicorn-staff.log",
        )
    finally:
        process.terminate()
        process.wait(timeout=20)


def _wait_until_listening(port: int, process: subprocess.Popen[bytes], output: Path) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(output.read_text(errors="replace")) from None
            time.sleep(0.1)


@contextmanager
def https_front(database_url: str, folder: Path, **environ: str) -> Iterator[Front]:
    """Two gunicorns (tests/server.py) on `database_url`, public and staff,
    behind nginx as deploy/ sets them up; the app trusts the one proxy in
    front of it (ANGELA_TRUSTED_PROXIES=1)."""
    folder.mkdir(parents=True, exist_ok=True)
    settings = {"ANGELA_TRUSTED_PROXIES": "1", "WEB_CONCURRENCY": "1", **environ}
    with (
        gunicorn(database_url, folder / "gunicorn.log", **settings) as upstream,
        gunicorn(database_url, folder / "gunicorn-staff.log", **settings) as staff,
    ):
        ports = urlsplit(upstream).port, urlsplit(staff).port
        assert None not in ports
        with nginx(folder, *ports) as front:  # type: ignore[arg-type]
            yield front


@dataclass(frozen=True)
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def request(
    front: Front,
    url: str,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    source: str | None = None,
) -> Answer:
    """Send one request to the front (TLS checked against its certificate),
    following no redirection and decoding nothing; from the loopback
    address `source` (e.g. 127.0.0.2) when given."""
    parts = urlsplit(url)
    where = {"host": parts.hostname or HOST, "port": parts.port, "timeout": 10}
    if source is not None:
        where["source_address"] = (source, 0)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=str(front.certificate))
        connection = http.client.HTTPSConnection(**where, context=context)  # type: ignore[arg-type]
    else:
        connection = http.client.HTTPConnection(**where)  # type: ignore[arg-type]
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, target or "/", body=body, headers=dict(headers or {}))
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()
