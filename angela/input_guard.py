"""What a request may carry before any view or the database sees it: no
control character (PostgreSQL refuses NUL in text) in its path, query
string, form or JSON values — tab and line breaks stay allowed in form and
JSON values, for multi-line fields such as notes; uploaded files are not
values — and ids in URLs within the range of the database's INTEGER.

Refused requests get a 400 the person can act on: the API's JSON error
object under /api/, a French page elsewhere."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Flask, Response, request
from werkzeug.routing import IntegerConverter, Map

from angela import errors
from angela.core.schema import MAX_ID
from angela.public.api import error_response
from angela.public.pages import render_page
from angela.staff import guard

# The largest id an INTEGER column holds (PostgreSQL, and SQLAlchemy's Integer).

# Unicode's control characters (category Cc): C0, DEL and C1.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# The same but tab, line feed and carriage return, which a textarea sends.
_CONTROL_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

TITLE = "Caractère non permis"
PAGE_MESSAGE = (
    "Ce que vous avez envoyé contient un caractère invisible non permis "
    "(un caractère de contrôle, comme le caractère nul). "
    "Retirez-le, par exemple en retapant le texte, et recommencez."
)
API_CODE = "invalid_character"
MAX_NAME_SHOWN = 40


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` no larger than the database's INTEGER: a larger id is
    not found here, instead of an out-of-range error from the database."""

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_ID,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    """Bound the `int` URL converter and refuse control characters; call it
    before any blueprint is registered, as rules take their converter then."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request(refuse_control_characters)


def refuse_control_characters() -> Response | None:
    """Return the 400 answer when the request carries a control character, else None."""
    if _CONTROL.search(request.path):
        return _refused(None, "L'adresse demandée contient un caractère de contrôle non permis.")
    named = [
        (_CONTROL, request.args.items(multi=True)),
        (_CONTROL_IN_TEXT, request.form.items(multi=True)),
        (_CONTROL_IN_TEXT, _json_values()),
    ]
    for pattern, pairs in named:
        for name, value in pairs:
            if pattern.search(name) or pattern.search(value):
                shown = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", name)[:MAX_NAME_SHOWN]
                return _refused(shown, f"« {shown} » contient un caractère de contrôle non permis.")
    return None


def _json_values() -> Iterable[tuple[str, str]]:
    if not request.is_json:
        return ()
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nested too deep to read: the view says so
        return ()
    return _strings(body)


def _strings(body: Any) -> Iterator[tuple[str, str]]:
    """Yield (name, text) for every string in a JSON document, keys included,
    named by their top-level member ("body" for a bare value); iterative,
    as nesting may be deep."""
    stack: list[tuple[str | None, Any]] = [(None, body)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            yield where or "body", item
        elif isinstance(item, dict):
            for key, member in item.items():
                name = str(key) if where is None else where
                yield name, str(key)
                stack.append((name, member))
        elif isinstance(item, list):
            stack.extend((where, member) for member in item)


def _refused(parameter: str | None, api_message: str) -> Response:
    if request.path.startswith("/api/"):
        return error_response(400, API_CODE, api_message, parameter)
    if request.path.startswith(guard.STAFF_PREFIX):
        return errors.staff_page(400, TITLE, PAGE_MESSAGE)
    return render_page("errors/error.html", 400, title=TITLE, message=PAGE_MESSAGE)
