"""The admin page: ``GET /`` and its two static files, served by the app itself (no auth: the page holds no
data; everything it shows comes from the token-protected API, called from the browser with the admin's token).

The files are read once per process from ``chalicelib/static/`` (deployed with ``chalicelib``). Only the names
in ``STATIC_FILES`` are served, so a path segment can never reach another file. A strict Content-Security-Policy
allows scripts, styles and fetches from this origin only, and no inline script or style: the page renders all
data with ``textContent``, and the policy is the second line of defence if that ever slips.
"""

from __future__ import annotations

import functools
from pathlib import Path

from chalice.app import Blueprint, Response

from chalicelib.api.http import error_response

admin_page_blueprint = Blueprint(__name__)
bp = admin_page_blueprint

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
INDEX_FILE = "index.html"
STATIC_FILES: dict[str, str] = {
    "admin.css": "text/css; charset=utf-8",
    "admin.js": "text/javascript; charset=utf-8",
}
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS: dict[str, str | list[str]] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
# The page is revalidated on every visit so a deploy shows at once; the unversioned assets may be reused for
# five minutes (a page and its script can disagree for at most that long after a deploy).
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300"


@functools.cache
def _read(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


@bp.route("/", methods=["GET"])
def admin_page() -> Response:
    """The admin page (HTML); it asks for a token and then talks to ``/api/...``."""
    return Response(
        body=_read(INDEX_FILE),
        status_code=200,
        headers={
            **SECURITY_HEADERS,
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": PAGE_CACHE,
        },
    )


@bp.route("/static/{name}", methods=["GET"])
def static_file(name: str) -> Response:
    """``admin.css`` or ``admin.js``; any other name is a 404."""
    content_type = STATIC_FILES.get(name)
    if content_type is None:
        return error_response(404, "not_found", f"no static file {name!r}")
    return Response(
        body=_read(name),
        status_code=200,
        headers={**SECURITY_HEADERS, "Content-Type": content_type, "Cache-Control": ASSET_CACHE},
    )
