"""Security headers on every response: a strict Content-Security-Policy (no
inline script, nothing from third parties but the map tiles), no referrer,
geolocation for our own pages only, no framing, and our resources for our
own pages only; the input guard (`angela.input_guard`), which refuses
control characters and oversized ids before they reach a view; and, behind
`TRUSTED_PROXIES` reverse proxies, the client's address and scheme as they
forward them (else every visitor shares the proxy's address, and five
failed logins would lock the whole staff out)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request
from werkzeug.middleware.proxy_fix import ProxyFix

from angela import input_guard


def tile_source(tile_url: str) -> str:
    """Return the CSP source for the map tile server of `tile_url`, a Leaflet
    URL template such as `https://{s}.tile.example.org/{z}/{x}/{y}.png`;
    'self' when the tiles are served by this app."""
    parts = urlsplit(tile_url)
    if not parts.scheme or not parts.netloc:
        return "'self'"
    host = parts.netloc.replace("{s}", "*")
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> str:
    """Return the Content-Security-Policy header value for the app."""
    directives = {
        "default-src": "'none'",
        "script-src": "'self'",
        # Leaflet positions its panes through element.style (CSSOM), which
        # style-src does not restrict; no inline <style> or style="" is used.
        "style-src": "'self'",
        "img-src": f"'self' data: {tile_source(tile_url)}",
        "connect-src": "'self'",
        "font-src": "'self'",
        "manifest-src": "'self'",
        # The public page's service worker (angela.public.offline).
        "worker-src": "'self'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def headers(tile_url: str) -> dict[str, str]:
    """Return the headers every response carries unless a view set its own."""
    return {
        "Content-Security-Policy": content_security_policy(tile_url),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Resource-Policy": "same-origin",
    }


def init_app(app: Flask) -> None:
    """Add the headers to every response and install the input guard; call
    it before any blueprint is registered (the guard bounds the `int` URL
    converter, which rules take when they are added)."""
    input_guard.init_app(app)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
    required = headers(app.config["TILE_URL"])

    @app.after_request
    def _secure(response: Response) -> Response:
        for name, value in required.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=63072000; includeSubDomains"
            )
        return response
