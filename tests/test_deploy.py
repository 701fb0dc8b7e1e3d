"""The HTTPS deployment of deploy/: Debian's nginx, configured from the
template, in front of gunicorn, checked with real HTTP on loopback."""

from __future__ import annotations

import configparser
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

from angela import create_app
from angela.extensions import db
from tests.conftest import STAFF_PASSWORD, skip_or_fail
from tests.https_front import Front, https_front, nginx_binary, render, request
from tests.places import MELUN_STATION
from tests.server import ROOT

DEPLOY = ROOT / "deploy"
GZIP = {"Accept-Encoding": "gzip"}
STAFF_EMAIL = "agent@cidff77.example"
LAT, LON = MELUN_STATION
NEAREST = f"/api/v1/refuges/nearest?lat={LAT}&lon={LON}"


def seeded_database(folder: Path) -> str:
    """A SQLite database with the demo refuges and one staff account."""
    from angela.services import accounts

    url = f"sqlite:///{folder / 'angela.sqlite3'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["seed"])
        assert result.exit_code == 0, result.output
        accounts.create_user(STAFF_EMAIL, STAFF_PASSWORD, "agent", actor=None)
        db.engine.dispose()
    return url


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    if nginx_binary() is None:
        skip_or_fail("the HTTPS deployment tests need nginx (apt-get install nginx)")
    folder = tmp_path_factory.mktemp("deploy")
    with https_front(seeded_database(folder), folder / "front") as running:
        yield running


def cookies(answer) -> dict[str, str]:
    """The Set-Cookie headers of an answer, by cookie name."""
    return {line.split("=", 1)[0]: line for line in answer.headers.get_all("Set-Cookie") or []}


def test_plain_http_is_sent_to_https_for_good(front):
    answer = request(front, f"{front.http}/refuges/3?from=poster")
    assert answer.status == 301
    assert answer.headers["Location"] == f"{front.https}/refuges/3?from=poster"


def test_https_declares_hsts_once_and_hides_the_server_version(front):
    answer = request(front, f"{front.https}/")
    assert answer.status == 200
    assert answer.headers.get_all("Strict-Transport-Security") == [
        "max-age=63072000; includeSubDomains"
    ]
    for url in (f"{front.https}/", f"{front.http}/"):
        assert request(front, url).headers["Server"] == "nginx"


@pytest.mark.parametrize("path", ["/", "/?commune=77288", "/api/v1/refuges", NEAREST])
def test_public_html_and_json_travel_compressed(front, path):
    answer = request(front, front.https + path, headers=GZIP)
    assert answer.status == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(answer.body)
    if path.startswith("/api/"):
        assert json.loads(body)
    else:
        assert "Où est Angela".encode() in body


def test_staff_pages_are_never_compressed(front):
    answer = request(front, f"{front.https}/staff/login", headers=GZIP)
    assert answer.status == 200
    assert "Content-Encoding" not in answer.headers
    assert b'name="csrf_token"' in answer.body


def test_fingerprinted_static_files_are_kept_a_year(front):
    page = request(front, f"{front.https}/").body.decode()
    script = re.search(r'<script type="module" src="(/static/[^"]+)"', page)
    assert script is not None
    answer = request(front, front.https + script.group(1), headers=GZIP)
    assert answer.status == 200
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert answer.headers["Content-Encoding"] == "gzip"
    # Under its plain name the same file is checked on each use.
    plain = request(front, f"{front.https}/static/public/page.js")
    assert plain.headers["Cache-Control"] == "public, no-cache"


def test_the_app_sees_https_and_the_public_host(front):
    collection = json.loads(request(front, f"{front.https}/api/v1/refuges").body)
    refuge_id = collection["features"][0]["id"]
    page = request(front, f"{front.https}/refuges/{refuge_id}").body.decode()
    assert f'content="{front.https}/refuges/{refuge_id}"' in page


def test_the_staff_session_cookie_is_secure_over_https(front):
    form = request(front, f"{front.https}/staff/login")
    session = cookies(form)["session"]
    assert "Secure" in session and "HttpOnly" in session and "Path=/staff" in session
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.body.decode())
    assert token is not None
    # As a browser posts it under "Referrer-Policy: no-referrer": no Referer.
    login = request(
        front,
        f"{front.https}/staff/login",
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": session.split(";", 1)[0],
        },
        body=urlencode(
            {"csrf_token": token.group(1), "email": STAFF_EMAIL, "password": STAFF_PASSWORD}
        ).encode(),
    )
    assert login.status == 302, login.body.decode(errors="replace")[:500]
    assert "Secure" in cookies(login)["session"]


def failed_login(front: Front, source: str, number: int) -> int:
    """Post a wrong password from the loopback address `source`; return the status."""
    form = request(front, f"{front.https}/staff/login", source=source)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.body.decode())
    assert token is not None
    email = f"nobody{number}@cidff77.example"
    answer = request(
        front,
        f"{front.https}/staff/login",
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookies(form)["session"].split(";", 1)[0],
            "Referer": f"{front.https}/staff/login",
        },
        body=urlencode({"csrf_token": token.group(1), "email": email, "password": "x"}).encode(),
        source=source,
    )
    return answer.status


def test_login_throttling_counts_each_visitor_address_not_the_proxys(front):
    # nginx forwards the address it saw; the app trusts it (ANGELA_TRUSTED_PROXIES=1).
    statuses = [failed_login(front, "127.0.0.2", number) for number in range(6)]
    assert statuses == [200] * 5 + [429]
    assert failed_login(front, "127.0.0.3", 6) == 200


def test_another_host_name_is_refused(front):
    assert request(front, f"{front.https}/", headers={"Host": "angela.example"}).status == 421


def test_lets_encrypt_challenges_are_answered_over_plain_http(front):
    challenge = front.access_log.parent / "acme" / ".well-known" / "acme-challenge"
    challenge.mkdir(parents=True, exist_ok=True)
    (challenge / "token-1").write_text("token-1.thumbprint", encoding="utf-8")
    answer = request(front, f"{front.http}/.well-known/acme-challenge/token-1")
    assert (answer.status, answer.body) == (200, b"token-1.thumbprint")


def test_the_logs_keep_neither_the_query_nor_the_client_address(front):
    assert request(front, front.https + NEAREST).status == 200
    assert request(front, front.http + NEAREST).status == 301
    logs = {path.name: path.read_text() for path in (front.access_log, front.error_log)}
    assert "GET /api/v1/refuges/nearest HTTP/" in logs["access.log"]
    for name, text in logs.items():
        assert "lat=" not in text and str(LAT) not in text and str(LON) not in text, name
        assert not re.search(r"\b\d{1,3}(\.\d{1,3}){3}\b", text), name  # no address


def test_staff_pages_are_served_apart_from_the_public(front):
    assert request(front, f"{front.https}/staff/login").status == 200
    assert request(front, f"{front.https}{NEAREST}").status == 200
    staff, public = front.staff_log.read_text(), front.upstream_log.read_text()
    assert '"GET /staff/login" 200' in staff and "/staff/login" not in public
    assert '"GET /api/v1/refuges/nearest" 200' in public and "/api/" not in staff


def post_report(front: Front, refuge_id: int, source: str) -> tuple[int, str]:
    """Post a report with a bad token from the loopback address `source`."""
    answer = request(
        front,
        f"{front.https}/refuges/{refuge_id}/signaler",
        method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        body=urlencode({"token": "x", "reason": "closed"}).encode(),
        source=source,
    )
    return answer.status, answer.body.decode()


def test_a_flood_of_reports_is_refused_by_nginx_before_the_app(front):
    collection = json.loads(request(front, f"{front.https}/api/v1/refuges").body)
    refuge_id = collection["features"][0]["id"]
    answers = [post_report(front, refuge_id, "127.0.0.5") for _ in range(20)]
    # One, and a burst of five, reach the app (which refuses the bad token).
    assert [status for status, _ in answers[:6]] == [400] * 6
    assert {status for status, _ in answers[6:]} == {429}
    assert "Réessayez dans une minute" in answers[-1][1]
    # The form itself, and anyone else, are not held back.
    assert request(front, f"{front.https}/refuges/{refuge_id}/signaler").status == 200
    assert post_report(front, refuge_id, "127.0.0.6")[0] == 400
    logs = front.access_log.read_text() + front.error_log.read_text()
    assert "127.0.0.5" not in logs and "127.0.0.6" not in logs


def test_every_placeholder_is_documented_and_rendered():
    template = (DEPLOY / "nginx-angela.conf.template").read_text(encoding="utf-8")
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    names = set(re.findall(r"@([A-Z_]+)@", template))
    assert names and all(f"@{name}@" in readme for name in names)
    with pytest.raises(KeyError, match="ACCESS_LOG"):
        render(template, {name: "x" for name in names - {"ACCESS_LOG"}})


def systemd_unit(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=True)
    unit.optionxform = str  # keep the options' case
    unit.read(DEPLOY / name, encoding="utf-8")
    return unit


@pytest.mark.parametrize("name", ["angela.service", "angela-staff.service"])
def test_the_services_restart_gunicorn_whatever_stopped_it_and_are_confined(name):
    unit = systemd_unit(name)
    service = unit["Service"]
    assert service["Restart"] == "always"
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"
    assert service["ExecStart"].startswith(
        "/srv/angela/.venv/bin/gunicorn --config gunicorn.conf.py"
    )
    assert service["ExecStart"].endswith(" wsgi:app")
    assert service["User"] != "root"
    for option, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ReadWritePaths": "/srv/angela/instance",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert service[option] == value, option
    assert "ANGELA_TRUSTED_PROXIES=1" in (DEPLOY / "angela.env.example").read_text()


def test_the_staff_service_has_its_own_port_and_a_lower_priority():
    public, staff = (
        systemd_unit(name)["Service"] for name in ("angela.service", "angela-staff.service")
    )
    assert "Nice" not in public
    assert int(staff["Nice"]) > 0 and staff["IOSchedulingPriority"] == "7"
    assert "--bind 127.0.0.1:8001 --workers 1 " in staff["ExecStart"]
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "s|@STAFF_UPSTREAM_PORT@|8001|g" in readme
