"""Reading paging input from a request and writing the pager's links, the same for every page and API list.

Bad input is a 400 naming the parameter (engine.errors.PageRequestError); a ``limit`` out of range is
clamped.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request, url_for

from engine.errors import PageRequestError
from engine.paging import Page, PageRequest, parse, shown_total


def requested(limit_name: str = "limit") -> tuple[PageRequest, str | None]:
    """The page size and the raw cursor (decoded by the list that knows its keys)."""
    limit, cursor, errors = parse(request.args, limit_name)
    if errors:
        raise PageRequestError(errors)
    return PageRequest(limit=limit), cursor


def link(cursor: str | None, endpoint: str | None = None, **values) -> str | None:
    """The current URL with another cursor (and the page size kept), or None when there is no such page."""
    if cursor is None:
        return None
    args = {key: value for key, value in request.args.items() if value and key not in ("cursor", "page")}
    args["cursor"] = cursor
    target = url_for(endpoint or request.endpoint, **{**(request.view_args or {}), **values})
    return target + "?" + urlencode(args)


def links(page: Page, endpoint: str | None = None, **values) -> dict[str, str | None]:
    return {"next": link(page.next, endpoint, **values), "previous": link(page.previous, endpoint, **values)}


def json_fields(page: Page) -> dict:
    """What every JSON list adds to its rows: the total, the page size, where the page starts, and the URLs
    (with their cursors) of the pages next to it. Past engine.paging's count cap, ``total`` is the cap and
    ``total_exact`` is false."""
    return {"total": shown_total(page.total), "total_exact": page.total_exact, "limit": page.limit, "offset": page.offset, **links(page),
            "next_cursor": page.next, "previous_cursor": page.previous}


def init_app(app: Flask) -> None:
    app.jinja_env.globals["page_links"] = links  # the pager macro (templates/_pager.html)
