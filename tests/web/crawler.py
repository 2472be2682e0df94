"""A breadth-first crawl of the app as one person sees it, through the Flask test client.

It follows every same-origin ``<a href>`` and every GET form (submitted with its default values) it finds in
pages, and every id in the JSON API's answers, and collects every problem instead of stopping at the first:
- any 5xx;
- a link shown to this person, or an id the API gave them (in a list or in an item: a case's history and
  open tasks, a task's case), that answers them 403 or 404 (an id they may not open is given as null);
- a raw internal identifier in visible text: a snake_case token (``proposal_ready``, ``from_version``)
  outside ``<code>``/``<kbd>``/``<samp>`` and outside field values (attributes, a ``<textarea>``'s text), or a
  ``\\uXXXX`` escape.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

# Links that change state or end the session are not followed. Every state change in the app is a POST
# (forms with a CSRF token), and a GET form is submitted as is, so only these GET targets are left out:
SKIPPED = {
    # signing out ends the crawl's session; it is a POST form in the menu, listed here in case it ever is a link
    "/logout": "ends the session",
}
SNAKE_CASE = re.compile(r"(?<![A-Za-z0-9_./:@-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![A-Za-z0-9_@-])")
ESCAPE = re.compile(r"\\u[0-9a-fA-F]{4}")
CODE_ELEMENTS = {"code", "kbd", "samp"}
INVISIBLE_ELEMENTS = {"script", "style", "template"}
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                 "wbr"}
PAGE_TYPES = ("text/html", "application/json")
DOWNLOAD_KIND = re.compile(r"\d+")
API_LIST = re.compile(r"/api/(tasks|cases|agreements)")


@dataclass
class Problem:
    who: str
    url: str
    referrer: str
    problem: str

    def __str__(self) -> str:
        return f"[{self.who}] {self.url} (from {self.referrer or 'start'}): {self.problem}"


@dataclass
class Page:
    """What one HTML page offers: links, GET forms (url with default values) and visible text."""

    links: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open: list[str] = []
        self._form: dict | None = None
        self._select: tuple[str, list[str]] | None = None  # name, [selected or first option value]
        self._option: dict[str, str | None] | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag not in VOID_ELEMENTS:
            self._open.append(tag)
        if tag == "a" and values.get("href"):
            self.page.links.append(values["href"])
        elif tag == "form":
            self._form = {"action": values.get("action") or "", "get": (values.get("method") or "get").lower()
                          == "get", "fields": []}
        elif self._form is not None:
            self._form_field(tag, values)

    def _form_field(self, tag: str, values: dict) -> None:
        name = values.get("name")
        if "disabled" in values or not name:
            return
        if tag == "input":
            kind = (values.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in values:
                return
            self._form["fields"].append((name, values.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = (name, [])
        elif tag == "option" and self._select is not None:
            self._option = values
            if "selected" in values or not self._select[1]:
                self._select[1][:] = [values.get("value")]  # None: the option's text, set in handle_data
        elif tag == "textarea":
            self._textarea = (name, [])

    def handle_endtag(self, tag):
        if tag in self._open:
            while self._open.pop() != tag:
                pass
        if tag == "select" and self._select is not None and self._form is not None:
            name, chosen = self._select
            if chosen:
                self._form["fields"].append((name, chosen[0] or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append((self._textarea[0], "".join(self._textarea[1])))
            self._textarea = None
        elif tag == "form" and self._form is not None:
            if self._form["get"]:
                query = urlencode(self._form["fields"])
                self.page.forms.append(f"{self._form['action'].split('?')[0]}?{query}")
            self._form = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        if (self._option is not None and self._option.get("value") is None and self._select is not None
                and self._select[1] == [None]):
            self._select[1][:] = [data.strip()]
        shown = self._textarea is None and not set(self._open) & (CODE_ELEMENTS | INVISIBLE_ELEMENTS)
        if shown and data.strip():
            self.page.text.append(data)


def read_page(html: str) -> Page:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader.page


def raw_identifiers(page: Page) -> Iterator[str]:
    """One problem per text node: the snake_case tokens and the number of escapes it shows."""
    for text in page.text:
        tokens = sorted(set(SNAKE_CASE.findall(text)))
        if tokens:
            yield f"raw identifiers {', '.join(tokens)} in visible text: {text.strip()[:100]!r}"
        escapes = ESCAPE.findall(text)
        if escapes:
            yield f"{len(escapes)} \\uXXXX escapes in visible text: {text.strip()[:100]!r}"


def api_references(body) -> Iterator[str]:
    """The API URLs an answer names: ids of cases, tasks and agreements (in lists, items and ``*_id`` keys)."""
    collections = {"cases": "/api/cases/", "linked_cases": "/api/cases/", "tasks": "/api/tasks/",
                   "open_tasks": "/api/tasks/", "agreements": "/api/agreements/"}
    references = {"case_id": "/api/cases/", "task_id": "/api/tasks/", "agreement_id": "/api/agreements/"}
    if isinstance(body, dict):
        for key, value in body.items():
            if key in references and value is not None:
                yield f"{references[key]}{value}"
            elif key in collections and isinstance(value, list):
                yield from (f"{collections[key]}{item['id']}" for item in value
                            if isinstance(item, dict) and item.get("id") is not None)
            if isinstance(value, dict | list):
                yield from api_references(value)
    elif isinstance(body, list):
        for item in body:
            yield from api_references(item)


def normalise(url: str, base: str) -> str | None:
    """The same-origin path and sorted query of a link, or None for another origin, a fragment or a scheme."""
    absolute = urljoin(f"http://localhost{base}", url)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.netloc != "localhost":
        return None
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


@dataclass
class Crawl:
    """One person's crawl: ``who`` names them in problems; ``client`` is signed in (or not)."""

    who: str
    client: object
    signed_in: bool
    problems: list[Problem] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    downloads: set[str] = field(default_factory=set)
    fetched: int = 0

    def run(self, start: list[str]) -> None:
        queue = deque((url, "", "start") for url in start)
        self.seen.update(start)
        while queue:
            url, referrer, how = queue.popleft()
            for found, found_how in self._visit(url, referrer, how):
                target = normalise(found, url)  # "#main" is this very page, query and all
                if target is None or target in self.seen or target.split("?")[0] in SKIPPED:
                    continue
                self.seen.add(target)
                queue.append((target, url, found_how))

    def _visit(self, url: str, referrer: str, how: str) -> list[tuple[str, str]]:
        kind = DOWNLOAD_KIND.sub("N", url.split("?")[0])
        if kind in self.downloads:
            return []
        self.fetched += 1
        try:
            response = self.client.get(url)
        except Exception as error:  # noqa: BLE001 - TESTING propagates what would be a 500; record it, go on
            self._problem(url, referrer, f"HTTP 500 ({type(error).__name__}: {error})")
            return []
        status, ctype = response.status_code, response.mimetype
        self._check_status(url, referrer, how, status)
        if 300 <= status < 400:
            return [(response.headers["Location"], "redirect")]
        if status >= 400:
            return []
        if ctype not in PAGE_TYPES:
            self.downloads.add(kind)
            return []
        if ctype == "application/json":
            how = "id in an API list" if API_LIST.fullmatch(url.split("?")[0]) else "id in an API item"
            return [(ref, how) for ref in api_references(response.get_json())]
        page = read_page(response.get_data(as_text=True))
        for problem in raw_identifiers(page):
            self._problem(url, referrer, problem)
        return [(link, "link") for link in page.links] + [(form, "GET form") for form in page.forms]

    def _check_status(self, url: str, referrer: str, how: str, status: int) -> None:
        if status >= 500:
            self._problem(url, referrer, f"HTTP {status}")
        elif status in (403, 404) and how != "start":
            self._problem(url, referrer, f"HTTP {status} for a {how} shown to this user")

    def _problem(self, url: str, referrer: str, problem: str) -> None:
        self.problems.append(Problem(self.who, url, referrer, problem))
