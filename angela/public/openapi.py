"""The OpenAPI 3.1 description of the public API v1; tests check the real
responses against it."""

from __future__ import annotations

from typing import Any

from angela.core.vocab import Category


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_COMMUNE_REF = {
    "type": "object",
    "required": ["code", "name"],
    "additionalProperties": False,
    "properties": {
        "code": {"type": "string", "pattern": "^77[0-9]{3}$"},
        "name": {"type": "string"},
    },
}

_REFUGE_PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer"},
    "name": {"type": "string"},
    "category": {"type": "string", "enum": list(Category.codes())},
    "address": {"type": "string"},
    "postcode": {"type": "string", "pattern": "^[0-9]{5}$"},
    "commune": _ref("CommuneRef"),
    "lat": {"type": "number", "minimum": -90, "maximum": 90},
    "lon": {"type": "number", "minimum": -180, "maximum": 180},
    "phone": _nullable({"type": "string", "pattern": "^\\+33[1-9][0-9]{8}$"}),
    "opening_hours": _nullable({"type": "string"}),
    "last_checked_on": _nullable(
        {
            "type": "string",
            "format": "date",
            "description": (
                "The last day (Europe/Paris) the staff confirmed the address, hours and phone "
                "with the place; null when never. Shown as « Vérifié le 12 octobre 2026 »."
            ),
        }
    ),
    "open_now": _nullable({"type": "boolean"}),
    "next_change": _nullable({"type": "string", "format": "date-time"}),
    "directions_url": {
        "type": "string",
        "format": "uri",
        "description": (
            "A walking route to the refuge in Google Maps (Maps URLs, no key needed), its "
            'destination the place in words: "name, address, postcode commune", so that '
            "the map app names where it leads. lat and lon give the exact point."
        ),
    },
}


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }


_INSTANT = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"}
_INTERVALS = {
    "type": "array",
    "description": (
        "[start, end] UTC instants, start included, end excluded; end null when it never "
        "ends. Every stretch that meets [generated_at, valid_until), with its true end, "
        "and the first one after; adjacent stretches are merged. Closed time is what "
        "they leave out. Evaluated in Europe/Paris with French public holidays."
    ),
    "items": {
        "type": "array",
        "prefixItems": [_INSTANT, _nullable(_INSTANT)],
        "minItems": 2,
        "maxItems": 2,
    },
}

_PROPERTIES_NO_POSITION = {k: v for k, v in _REFUGE_PROPERTIES.items() if k not in ("lat", "lon")}

SCHEMAS: dict[str, Any] = {
    "CommuneRef": _COMMUNE_REF,
    "Refuge": _object(_REFUGE_PROPERTIES),
    "NearbyRefuge": _object(
        {
            **_REFUGE_PROPERTIES,
            "distance_m": {"type": "integer", "minimum": 0},
            "walking_minutes": {"type": "integer", "minimum": 0},
        }
    ),
    "NearestResult": _object(
        {
            "origin": _object({"lat": {"type": "number"}, "lon": {"type": "number"}}),
            "within_territory": {"type": "boolean"},
            "commune": _nullable(_ref("CommuneRef")),
            "refuges": {"type": "array", "items": _ref("NearbyRefuge")},
        }
    ),
    "RefugeCollection": _object(
        {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": _object(
                    {
                        "type": {"const": "Feature"},
                        "id": {"type": "integer"},
                        "geometry": _object(
                            {
                                "type": {"const": "Point"},
                                "coordinates": {
                                    "type": "array",
                                    "items": {"type": "number"},
                                    "minItems": 2,
                                    "maxItems": 2,
                                },
                            }
                        ),
                        "properties": _object(_PROPERTIES_NO_POSITION),
                    }
                ),
            },
        }
    ),
    "CommuneList": _object(
        {
            "communes": {
                "type": "array",
                "items": _object(
                    {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "lat": {"type": "number"},
                        "lon": {"type": "number"},
                        "refuge_count": {"type": "integer", "minimum": 0},
                    }
                ),
            }
        }
    ),
    "DeviceSnapshot": _object(
        {
            "format": {"const": 1, "description": "Changes when the shape does."},
            "generated_at": {
                "type": "string",
                "format": "date-time",
                "description": (
                    "Where the snapshot starts: today's midnight in Europe/Paris, as a UTC "
                    "instant. Built from the data revision and the date alone, so every "
                    "server process serves the same bytes (and ETag); the response's "
                    "Date header says when the server served it."
                ),
            },
            "valid_until": {
                "type": "string",
                "format": "date-time",
                "description": (
                    "Nine days later (rebuilt at least daily, so always at least eight days "
                    "ahead). Past it, the intervals say nothing about being open."
                ),
            },
            "revision": {"type": "integer", "minimum": 0, "description": "The data revision."},
            "walking_speed_kmh": {"type": "number", "exclusiveMinimum": 0},
            "walk_limit_minutes": {
                "type": "integer",
                "minimum": 1,
                "description": "No open refuge within this walk: the police (17) come first.",
            },
            "territory": {
                "type": "object",
                "description": "The 20 communes' outline, a GeoJSON Polygon or MultiPolygon.",
                "required": ["type", "coordinates"],
            },
            "communes": {
                "type": "array",
                "items": _object(
                    {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "lat": {"type": "number"},
                        "lon": {"type": "number"},
                    }
                ),
            },
            "refuges": {"type": "array", "items": _ref("DeviceRefuge")},
        }
    ),
    "DeviceRefuge": _object(
        {
            **{
                name: schema
                for name, schema in _REFUGE_PROPERTIES.items()
                if name not in ("open_now", "next_change", "directions_url")
            },
            "hours_known": {
                "type": "boolean",
                "description": "False when the refuge has no readable opening hours.",
            },
            "open_intervals": _INTERVALS,
            "unknown_intervals": _INTERVALS,
        }
    ),
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "parameter": _nullable({"type": "string"}),
                }
            )
        }
    ),
    "Health": _object({"status": {"type": "string", "enum": ["ok", "unavailable"]}}),
    "AddressQuery": _object(
        {
            "q": {
                "type": "string",
                "minLength": 3,
                "maxLength": 200,
                # No control characters but tab, line feed and carriage return.
                "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$",
                "description": "As typed; runs of spaces count as one.",
            }
        }
    ),
    "AddressList": _object(
        {
            "addresses": {
                "type": "array",
                "maxItems": 5,
                "items": _object(
                    {
                        "label": {"type": "string"},
                        "lat": {"type": "number", "minimum": -90, "maximum": 90},
                        "lon": {"type": "number", "minimum": -180, "maximum": 180},
                        "commune": _ref("CommuneRef"),
                    }
                ),
            }
        }
    ),
}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema)}}}


def _query(
    name: str, schema: dict[str, Any], description: str, required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema,
        "description": description,
    }


# Decimal notation only (no exponent), as `core.schema.DEGREES_PATTERN`,
# within the range.
_LATITUDE = {"type": "string", "pattern": "^[+-]?(90(\\.0+)?|[0-8]?[0-9](\\.[0-9]+)?)$"}
_LONGITUDE = {
    "type": "string",
    "pattern": "^[+-]?(180(\\.0+)?|(1[0-7][0-9]|[0-9]?[0-9])(\\.[0-9]+)?)$",
}
_NOT_MODIFIED = {"description": "Not modified since the ETag given in If-None-Match."}
_ERRORS = {
    "400": _json(
        "Error",
        "A parameter is missing or invalid (or holds a control character: "
        "`invalid_character`); `parameter` names it.",
    ),
    "503": _json("Error", "The service cannot read its data right now."),
}


def document() -> dict[str, Any]:
    """Return the OpenAPI document as a JSON-ready dict."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Où est Angela ? — API publique des refuges",
            "version": "1.0.0",
            "description": (
                "Refuges of the « Où est Angela ? » scheme in Melun Val de Seine: "
                "places whose staff were trained to help anyone who feels unsafe. "
                "Only refuges with a valid training are listed."
            ),
        },
        "paths": {
            "/api/v1/refuges/nearest": {
                "get": {
                    "operationId": "refuges_nearest",
                    "summary": "The refuges nearest to a point, by geodesic distance.",
                    "parameters": [
                        _query(
                            "lat",
                            _LATITUDE,
                            "Latitude (WGS84), -90 to 90, in decimal notation (48.5391).",
                            True,
                        ),
                        _query(
                            "lon",
                            _LONGITUDE,
                            "Longitude (WGS84), -180 to 180, in decimal notation (2.6596).",
                            True,
                        ),
                        _query(
                            "limit",
                            {"type": "integer", "minimum": 1, "maximum": 20, "default": 5},
                            "How many refuges.",
                        ),
                        _query(
                            "open_now",
                            {"type": "integer", "enum": [0, 1]},
                            "1: only refuges open at `at`.",
                        ),
                        _query(
                            "at",
                            {"type": "string", "format": "date-time"},
                            "ISO 8601 datetime with offset (default: now).",
                        ),
                    ],
                    "responses": {
                        "200": {
                            **_json("NearestResult", "Nearest first; ties by id. Never cached."),
                            "headers": {"Cache-Control": {"schema": {"const": "no-store"}}},
                        },
                        **_ERRORS,
                        "414": _json("Error", "The query string is longer than 1024 bytes."),
                    },
                }
            },
            "/api/v1/addresses/search": {
                "post": {
                    "operationId": "addresses_search",
                    "summary": "Addresses inside the territory matching what was typed.",
                    "description": (
                        "Asks the Base Adresse Nationale, best match first, and keeps only "
                        "addresses in the 20 communes. What is typed may be the person's own "
                        "address: it travels in the body, never in the URL, and is neither "
                        "logged nor stored."
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("AddressQuery")}},
                    },
                    "responses": {
                        "200": {
                            **_json("AddressList", "Best first; empty when none matches."),
                            "headers": {"Cache-Control": {"schema": {"const": "no-store"}}},
                        },
                        "400": _ERRORS["400"],
                        "429": _json(
                            "Error",
                            "Too many searches in this process just now (all clients together).",
                        ),
                        "503": _json("Error", "The address service is slow or failing."),
                    },
                }
            },
            "/api/v1/refuges": {
                "get": {
                    "operationId": "refuges_collection",
                    "summary": "Every public refuge as GeoJSON.",
                    "responses": {
                        "200": {
                            "description": "A FeatureCollection, with an ETag.",
                            "headers": {"ETag": {"schema": {"type": "string"}}},
                            "content": {"application/json": {"schema": _ref("RefugeCollection")}},
                        },
                        "304": _NOT_MODIFIED,
                        "400": _ERRORS["400"],
                        "503": _ERRORS["503"],
                    },
                }
            },
            "/api/v1/refuges/snapshot": {
                "get": {
                    "operationId": "refuges_snapshot",
                    "summary": (
                        "Every public refuge with the stretches of time it is open, for "
                        "devices that find the nearest open refuge themselves."
                    ),
                    "description": (
                        "What the public page keeps on the phone: it ranks refuges from "
                        "this, so the person's position is never sent. Rebuilt when the data "
                        "changes and every day. Revalidate it (Cache-Control: no-cache) "
                        "with its strong ETag; gzip-compressed when accepted."
                    ),
                    "responses": {
                        "200": {
                            **_json("DeviceSnapshot", "The snapshot."),
                            "headers": {
                                "ETag": {"schema": {"type": "string"}},
                                "Cache-Control": {"schema": {"const": "no-cache"}},
                            },
                        },
                        "304": _NOT_MODIFIED,
                        "400": _ERRORS["400"],
                        "503": _ERRORS["503"],
                    },
                }
            },
            "/api/v1/refuges/{refuge_id}": {
                "get": {
                    "operationId": "refuges_show",
                    "summary": "One public refuge.",
                    "parameters": [
                        {
                            "name": "refuge_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": _json("Refuge", "The refuge."),
                        "400": _ERRORS["400"],
                        "404": _json("Error", "No public refuge has this id."),
                        "503": _ERRORS["503"],
                    },
                }
            },
            "/api/v1/communes": {
                "get": {
                    "operationId": "communes_list",
                    "summary": "The 20 communes, a point inside each, and their refuge counts.",
                    "responses": {
                        "200": _json("CommuneList", "The communes."),
                        "400": _ERRORS["400"],
                        "503": _ERRORS["503"],
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi_document",
                    "summary": "This document.",
                    "responses": {
                        "200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}},
                        "400": _ERRORS["400"],
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health_check",
                    "summary": "Whether the database answers.",
                    "responses": {
                        "200": _json("Health", "The database answers."),
                        "503": _json("Health", "The database does not answer."),
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
