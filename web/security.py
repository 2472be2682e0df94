"""Security headers on every response: pages, the JSON API, static files and vendor assets alike.

The Content-Security-Policy allows scripts from this site only: templates hold no inline scripts or ``on…``
handlers (data for scripts travels in ``<script type="application/json">`` blocks, which are never run), and
bpmn-js, dmn-js and form-js are served from ``/vendor``. ``data:`` images and fonts are the diagram libraries'
own (the bpmn.io logo, embedded icon fonts). Nothing may frame Renkei (clickjacking).

One page needs more: dmn-js's decision table editor writes ``style="…"`` attributes (column widths, menus), so
that page alone also allows inline style *attributes* (``style-src-attr``) — never ``<style>`` elements, and
never scripts. Style attributes cannot run code, and images they name are held to ``img-src``.
"""

from __future__ import annotations

from flask import Flask, Response, request

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

# Endpoints whose front-end library sets inline style attributes (see above).
STYLE_ATTRIBUTES_ALLOWED = {"processes.decision_editor"}
RELAXED_POLICY = CONTENT_SECURITY_POLICY + "; style-src-attr 'unsafe-inline'"

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # links to other sites never carry a case or task URL
}


def add_headers(response: Response) -> Response:
    if request.endpoint in STYLE_ATTRIBUTES_ALLOWED:
        response.headers.setdefault("Content-Security-Policy", RELAXED_POLICY)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
