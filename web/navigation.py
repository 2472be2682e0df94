"""The main menu, filled by the blueprints: each feature registers its own entries in create_app.

Keeping the menu a registry means a feature adds a line where it is registered, not an edit to base.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    visible: Callable[[object], bool] = lambda person: True  # gets the signed-in engine Person
    badge: Callable[[object], int | None] | None = None  # a count to show next to the label
    order: int = 50


def register(app: Flask, item: NavItem) -> None:
    app.extensions.setdefault("renkei.nav", []).append(item)


def init_app(app: Flask) -> None:
    @app.context_processor
    def navigation():
        if not current_user.is_authenticated:
            return {"nav_items": []}
        person = current_user.person
        items = sorted(app.extensions.get("renkei.nav", []), key=lambda i: i.order)
        shown = []
        for item in items:
            if item.visible(person):
                url = url_for(item.endpoint)
                shown.append({"url": url, "label": item.label, "current": request.path == url
                              or (url != "/" and request.path.startswith(url)),
                              "badge": item.badge(person) if item.badge else None})
        return {"nav_items": shown}
