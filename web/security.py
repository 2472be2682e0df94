"""Security headers on every response: pages, the JSON API, static files and vendor assets alike.

The Content-Security-Policy allows scripts from this site only: templates hold no inline scripts or ``on…``
handlers (data for scripts travels in ``<script type="application/json">`` blocks, which are never run), and
bpmn-js, dmn-js and form-js are served from ``/vendor``. ``data:`` images and fonts are the diagram libraries'
own (the bpmn.io logo, embedded icon fonts). Nothing may frame Renkei (clickjacking).

Two pages need more, for styles only and never for scripts: dmn-js's decision table editor writes
``style="…"`` attributes (column widths, menus), so that page also allows inline style *attributes*
(``style-src-attr``); form-js's editor panel uses CodeMirror, which adds ``<style>`` elements for its code fields,
so that page also allows inline style *elements* (``style-src-elem``). Styles cannot run code, images they name
are held to ``img-src``, and both pages are the process owners' own.
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

# Endpoints whose front-end library writes inline styles (see above), and the policy each gets.
RELAXED_POLICIES = {
    "processes.decision_editor": CONTENT_SECURITY_POLICY + "; style-src-attr 'unsafe-inline'",
    "processes.form_editor": CONTENT_SECURITY_POLICY + "; style-src-elem 'self' 'unsafe-inline'",
}

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # links to other sites never carry a case or task URL
}


def add_headers(response: Response) -> Response:
    if request.endpoint in RELAXED_POLICIES:
        response.headers.setdefault("Content-Security-Policy", RELAXED_POLICIES[request.endpoint])
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
