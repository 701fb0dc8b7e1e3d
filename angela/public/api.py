"""The public JSON API v1 (`/api/v1/`) and the health probe (`/healthz`).

Endpoints parse their parameters, ask the refuge directory, and serialise.
No visitor position is logged or stored: the nearest lookup runs in memory.
The address search takes what was typed in a POST body, never in the URL
that access logs and proxies keep, and answers `no-store`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from flask import Blueprint, Response, jsonify, request

from angela import assets
from angela.core import territory
from angela.core.hours import PARIS
from angela.core.i18n import _
from angela.core.schema import DEGREES_PATTERN
from angela.extensions import csrf
from angela.public import addresses, openapi, presenters
from angela.public.presenters import refuge_json, with_distance
from angela.services import database
from angela.services import directory as refuge_directory

bp = Blueprint("api", __name__, url_prefix="/api/v1")
health_bp = Blueprint("health", __name__)

MAX_QUERY_LENGTH = 1024
MAX_VALUE_LENGTH = 64
DEFAULT_LIMIT, MAX_LIMIT = 5, 20
_SPACED_OFFSET = re.compile(r"^(.*\d) (\d{2}:?\d{2})$")


class ApiError(Exception):
    """A client mistake, answered as JSON with a 4xx status."""

    def __init__(self, status: int, code: str, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.parameter = status, code, message, parameter


def error_response(status: int, code: str, message: str, parameter: str | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "parameter": parameter}}
    response = jsonify(body)
    response.status_code = status
    return response


# --- parameters -------------------------------------------------------------


def _raw(name: str, required: bool = False) -> str | None:
    values = request.args.getlist(name)
    if not values:
        if required:
            message = _("Le paramètre « %(name)s » est requis.", name=name)
            raise ApiError(400, "missing_parameter", message, name)
        return None
    if len(values) > 1:
        message = _("« %(name)s » est donné plusieurs fois.", name=name)
        raise ApiError(400, "repeated_parameter", message, name)
    if len(values[0]) > MAX_VALUE_LENGTH:
        message = _("La valeur de « %(name)s » est trop longue.", name=name)
        raise ApiError(400, "value_too_long", message, name)
    return values[0]


def _coordinate(name: str, bound: float) -> float:
    raw = _raw(name, required=True) or ""
    if not DEGREES_PATTERN.fullmatch(raw.strip()):
        message = _("« %(name)s » doit être un nombre décimal (ex. 48.5391).", name=name)
        raise ApiError(400, "invalid_number", message, name)
    value = float(raw)
    if not math.isfinite(value) or not -bound <= value <= bound:
        limit = f"{bound:g}"
        message = _(
            "« %(name)s » doit être compris entre -%(bound)s et %(bound)s.", name=name, bound=limit
        )
        raise ApiError(400, "out_of_range", message, name)
    return value


def _limit() -> int:
    raw = _raw("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        message = _("« limit » doit être un entier de 1 à %(most)s.", most=MAX_LIMIT)
        raise ApiError(400, "invalid_limit", message, "limit")
    return int(raw)


def _flag(name: str) -> bool:
    raw = _raw(name)
    if raw in (None, "", "0", "false"):
        return False
    if raw in ("1", "true"):
        return True
    raise ApiError(400, "invalid_flag", _("« %(name)s » vaut 1 ou 0.", name=name), name)


def _moment() -> datetime:
    raw = _raw("at")
    if raw is None:
        return datetime.now(PARIS)
    # An unencoded "+" in a query string arrives as a space.
    text = _SPACED_OFFSET.sub(r"\1+\2", raw.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None or "T" not in text.upper():
        message = _(
            "« at » doit être une date et heure ISO 8601 avec décalage, "
            "ex. 2026-11-26T22:30:00+01:00."
        )
        raise ApiError(400, "invalid_datetime", message, "at")
    return moment


def _address_text() -> str:
    body = request.get_json(silent=True)
    text = body.get("q") if isinstance(body, dict) else None
    if not isinstance(text, str):
        message = _('Envoyez un objet JSON de la forme {"q": "12 rue de la Gare, Melun"}.')
        raise ApiError(400, "invalid_body", message, "q")
    try:
        return addresses.tidy(text)
    except addresses.AddressError as error:
        raise ApiError(error.status, error.code, error.message, "q") from None


# --- endpoints --------------------------------------------------------------


@bp.get("/refuges/nearest")
def refuges_nearest() -> Response:
    if len(request.query_string) > MAX_QUERY_LENGTH:
        raise ApiError(414, "query_too_long", _("La requête est trop longue."))
    lat, lon = _coordinate("lat", 90), _coordinate("lon", 180)
    limit, open_only, moment = _limit(), _flag("open_now"), _moment()
    directory = refuge_directory.directory()
    found = directory.nearest(lat, lon, limit, open_at=moment if open_only else None)
    commune = territory.commune_at(lat, lon)
    items = [
        with_distance(refuge_json(directory, refuge, moment), round(distance))
        for refuge, distance in found
    ]
    response = jsonify(
        origin={"lat": lat, "lon": lon},
        within_territory=commune is not None,
        commune={"code": commune.code, "name": commune.name} if commune else None,
        refuges=items,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/addresses/search")
@csrf.exempt  # type: ignore[untyped-decorator]  # changes nothing; no cookie to protect
def addresses_search() -> Response:
    text = _address_text()
    try:
        found = addresses.find(text)
    except addresses.AddressError as error:
        response = error_response(error.status, error.code, error.message)
    else:
        response = jsonify(addresses=[presenters.address_json(place) for place in found])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/refuges")
def refuges_collection() -> Response:
    directory = refuge_directory.directory()
    moment = datetime.now(PARIS)
    features = [
        {
            "type": "Feature",
            "id": refuge.id,
            "geometry": {"type": "Point", "coordinates": [refuge.lon, refuge.lat]},
            "properties": refuge_json(directory, refuge, moment, with_position=False),
        }
        for refuge in directory.refuges
    ]
    response = jsonify(type="FeatureCollection", features=features)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.add_etag()
    response.make_conditional(request)
    return response


@bp.get("/refuges/snapshot")
def refuges_snapshot() -> Response:
    packed = presenters.device_snapshot(refuge_directory.directory())
    response = assets.packed_response(packed.body, packed.gzipped, packed.etag, "application/json")
    # Kept by browsers and the page's service worker, checked on every use.
    response.cache_control.no_cache = True
    return response


@bp.get("/refuges/<int:refuge_id>")
def refuges_show(refuge_id: int) -> Response:
    directory = refuge_directory.directory()
    refuge = directory.get(refuge_id)
    if refuge is None:
        raise ApiError(404, "not_found", _("Ce refuge n'existe pas ou n'est plus actif."))
    return jsonify(refuge_json(directory, refuge, datetime.now(PARIS)))


@bp.get("/communes")
def communes_list() -> Response:
    directory = refuge_directory.directory()
    counts: dict[str, int] = {}
    for refuge in directory.refuges:
        counts[refuge.commune_code] = counts.get(refuge.commune_code, 0) + 1
    return jsonify(
        communes=[
            {
                "code": commune.code,
                "name": commune.name,
                "lat": commune.lat,
                "lon": commune.lon,
                "refuge_count": counts.get(commune.code, 0),
            }
            for commune in territory.communes()
        ]
    )


@bp.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(openapi.document())


@health_bp.get("/healthz")
def health_check() -> tuple[Response, int]:
    if database.is_reachable():
        return jsonify(status="ok"), 200
    return jsonify(status="unavailable"), 503
