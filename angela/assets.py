"""Static files under fingerprinted names, compressed once per process.

Every file under `angela/static/` is also served under a name that carries a
hash of its content (`public/page.js` → `public/page.1a2b3c4d5e.js`), which browsers
may keep for a year: a new release changes the name, never a cached file.
Relative imports between ES modules and `url()` references in CSS are
rewritten to the fingerprinted names before hashing, so a change in any file
an entry point depends on changes the entry point's name too. Text files are
gzip-compressed once, at start, for the weak signals the public page is for.
Each file's Subresource Integrity hash (`asset_integrity(name)`) is computed
at the same time, over the bytes served, so the page's entry scripts carry
an `integrity` attribute the browser checks.

The public JSON answers are compressed too, on the way out
(`compress_public`), since the API is read on the same weak signals; staff
pages never are (BREACH: they carry CSRF tokens and private data).

Flask's own `static` endpoint is taken over, so `url_for("static", ...)` keeps
working; templates call `asset_url(name)` to get the fingerprinted URL.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import mimetypes
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, current_app, request, url_for

HASH_LENGTH = 10
ONE_YEAR = 365 * 24 * 3600
COMPRESSIBLE = {".js", ".css", ".svg", ".json", ".txt", ".map"}
# Smaller answers gain nothing worth a compression per request.
COMPRESS_MIN_BYTES = 1024
COMPRESSED_TYPES = {"application/json", "text/html"}
_JS_IMPORT = re.compile(r"""(\bfrom\s*|\bimport\s*\(?\s*)(["'])(\.{1,2}/[^"']+)\2""")
_CSS_URL = re.compile(r"""(url\(\s*)(["']?)((?!data:|#|/|[a-z]+:)[^"')?#]+)\2""")
_REWRITERS = {".js": _JS_IMPORT, ".css": _CSS_URL}
# Module scripts are refused under any other type; do not depend on the
# machine's mime.types for the files the page needs.
MIMETYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml; charset=utf-8",
    ".json": "application/json",
    ".png": "image/png",
}


class AssetError(RuntimeError):
    """The static files cannot be fingerprinted (an import cycle)."""


@dataclass(frozen=True)
class Asset:
    name: str  # the plain name, e.g. public/public.css
    hashed_name: str  # public/public.1a2b3c4d5e.css
    body: bytes
    gzipped: bytes | None  # None when compression would not help
    mimetype: str
    etag: str  # of the plain body; the gzip variant adds ".gz"
    integrity: str  # Subresource Integrity of the plain body: "sha384-…"


class Manifest:
    """The static files of one folder, by plain and by fingerprinted name."""

    def __init__(self, root: Path, generated: dict[str, bytes] | None = None):
        self.root = root
        self.generated = generated or {}
        self.stamp = _stamp(root)
        self.by_name = build(root, self.generated)
        self.by_hashed_name = {asset.hashed_name: asset for asset in self.by_name.values()}


def build(root: Path, generated: dict[str, bytes] | None = None) -> dict[str, Asset]:
    """Return every file under `root`, and the `generated` ones (made by the
    app at start, such as the page's catalogues), as Assets keyed by their
    plain names.

    Raises AssetError when modules or stylesheets refer to each other in a cycle.
    """
    sources = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.name.startswith(".")
    } | (generated or {})
    assets: dict[str, Asset] = {}

    def visit(name: str, seen: tuple[str, ...]) -> Asset:
        if name in assets:
            return assets[name]
        if name in seen:
            raise AssetError(f"static files refer to each other in a cycle: {' → '.join(seen)}")
        body = _rewrite(name, sources[name], sources, lambda dep: visit(dep, (*seen, name)))
        assets[name] = _asset(name, body)
        return assets[name]

    for name in sources:
        visit(name, ())
    return assets


def _rewrite(
    name: str, body: bytes, sources: dict[str, bytes], resolve: Callable[[str], Asset]
) -> bytes:
    pattern = _REWRITERS.get(posixpath.splitext(name)[1])
    if pattern is None:
        return body

    def replace(match: re.Match[str]) -> str:
        prefix, quote, reference = match.groups()
        target = posixpath.normpath(posixpath.join(posixpath.dirname(name), reference))
        if target not in sources:
            return match.group(0)  # not ours to fingerprint (or missing): leave it
        hashed = posixpath.basename(resolve(target).hashed_name)
        return f"{prefix}{quote}{posixpath.join(posixpath.dirname(reference), hashed)}{quote}"

    return pattern.sub(replace, body.decode("utf-8")).encode("utf-8")


def _asset(name: str, body: bytes) -> Asset:
    stem, extension = posixpath.splitext(name)
    gzipped, digest = pack(body, compress=extension in COMPRESSIBLE)
    mimetype = MIMETYPES.get(extension) or mimetypes.guess_type(name)[0]
    mimetype = mimetype or "application/octet-stream"
    return Asset(
        name, f"{stem}.{digest}{extension}", body, gzipped, mimetype, digest, integrity(body)
    )


def integrity(body: bytes) -> str:
    """Return the Subresource Integrity metadata of `body` ("sha384-" and the
    base64 digest): what a browser compares with the bytes it received,
    once any Content-Encoding is undone."""
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii")


def _stamp(root: Path) -> tuple[tuple[str, float], ...]:
    return tuple((str(path), path.stat().st_mtime) for path in sorted(root.rglob("*")))


def manifest() -> Manifest:
    """Return the current app's manifest; in debug mode, rebuilt after an edit."""
    current: Manifest = current_app.extensions["angela.assets"]
    if current_app.debug and _stamp(current.root) != current.stamp:
        current = current_app.extensions["angela.assets"] = Manifest(
            current.root, current.generated
        )
    return current


def asset_url(name: str) -> str:
    """Return the fingerprinted URL of the static file `name`.

    A file that is missing (e.g. the vendored map library before `make setup`)
    keeps its plain URL, so the page still renders and only that file fails.
    """
    asset = manifest().by_name.get(name)
    if asset is None:
        current_app.logger.warning("static file %s is missing", name)
        return url_for("static", filename=name)
    return url_for("static", filename=asset.hashed_name)


def asset_integrity(name: str) -> str:
    """Return the Subresource Integrity of the static file `name`, or ""
    when it is missing (the page then renders without the attribute)."""
    asset = manifest().by_name.get(name)
    return asset.integrity if asset is not None else ""


_STATIC_IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*)(["'])(\.{1,2}/[^"']+)\1""")


def static_imports(name: str) -> list[str]:
    """Return the plain names of `name` and of every module it imports
    statically, directly or not (dynamic `import()` left out), in a stable
    order: what must be at hand for the module to run."""
    files = manifest()
    found: list[str] = []

    def visit(current: Asset | None) -> None:
        if current is None or current.name in found:
            return
        found.append(current.name)
        if not current.name.endswith(".js"):
            return
        # The body refers to the fingerprinted names of its imports.
        for _quote, reference in _STATIC_IMPORT.findall(current.body.decode("utf-8")):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(current.name), reference))
            visit(files.by_hashed_name.get(target))

    visit(files.by_name.get(name))
    return found


def module_urls(name: str) -> list[str]:
    """Return the fingerprinted URLs of the module `name` and of every module
    it imports statically, for `<link rel="modulepreload">`: the browser
    then fetches them all at once instead of one import level at a time."""
    return [asset_url(found) for found in static_imports(name)]


def serve(filename: str) -> Response:
    """Answer a static file: cached for a year under its fingerprinted name,
    revalidated under its plain name; gzip when the browser accepts it."""
    files = manifest()
    asset, immutable = files.by_hashed_name.get(filename), True
    if asset is None:
        asset, immutable = files.by_name.get(filename), False
    if asset is None:
        abort(404)
    response = packed_response(asset.body, asset.gzipped, asset.etag, asset.mimetype)
    response.cache_control.public = True
    if immutable:
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    return response


def pack(body: bytes, compress: bool = True) -> tuple[bytes | None, str]:
    """Return `body` gzip-compressed (None when that would not help, or not
    asked) and its strong ETag, a hash of the plain body."""
    digest = hashlib.sha256(body).hexdigest()[:HASH_LENGTH]
    if not compress:
        return None, digest
    packed = gzip.compress(body, compresslevel=9, mtime=0)
    return (packed if len(packed) < len(body) else None), digest


def packed_response(
    body: bytes, gzipped: bytes | None, etag: str, mimetype: str, status: int = 200
) -> Response:
    """Answer `body`, or its gzip when the browser accepts it (each with its
    own strong ETag); a 200 becomes a 304 when the browser's copy is current
    (an error page never does)."""
    if gzipped is not None and request.accept_encodings["gzip"]:
        response = Response(gzipped, content_type=mimetype)
        response.headers["Content-Encoding"] = "gzip"
        response.set_etag(f"{etag}.gz")
    else:
        response = Response(body, content_type=mimetype)
        response.set_etag(etag)
    if gzipped is not None:
        response.vary.add("Accept-Encoding")
    response.status_code = status
    if status == 200:
        response.make_conditional(request)  # may turn it into a 304, in place
    return response


def compress_public(response: Response) -> Response:
    """Return `response` gzip-compressed when it is a public JSON or HTML
    answer of 1 KB or more, not compressed yet, and the browser accepts
    gzip; anything under /staff/ is left alone. Its ETag becomes weak, as
    the bytes changed (If-None-Match still gets a 304)."""
    staff = request.path == "/staff" or request.path.startswith("/staff/")
    if (
        staff
        or response.mimetype not in COMPRESSED_TYPES
        or response.status_code != 200
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
    ):
        return response
    body = response.get_data()
    if len(body) < COMPRESS_MIN_BYTES:
        return response
    response.vary.add("Accept-Encoding")
    if not request.accept_encodings["gzip"]:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag is not None and not weak:
        response.set_etag(etag, weak=True)
    return response


def init_app(app: Flask, generated: dict[str, bytes] | None = None) -> None:
    """Serve the static folder, and the `generated` files (plain name →
    bytes) as if they were in it."""
    if app.static_folder is None:
        raise AssetError("the app has no static folder")
    app.extensions["angela.assets"] = Manifest(Path(app.static_folder), generated)
    app.view_functions["static"] = serve
    app.after_request(compress_public)
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["asset_integrity"] = asset_integrity
    app.jinja_env.globals["module_urls"] = module_urls
    app.jinja_env.globals["static_imports"] = static_imports
