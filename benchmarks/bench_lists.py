"""Listings benchmark (issue #15 item 4): prints figures, asserts nothing.

Grows one database from 1,000 to 10,000 to 100,000 cases (benchmarks/seeding.py) and times, at each size, every
listing a person opens: the inbox page of each role (総合政策課 ``seisaku``, a 担当課 ``kankyo``, a 企業等
``shonan``, the manager ``kanri``), the board page, its kanban and its JSON (``GET /api/cases``), the agreements
register page and its JSON (``GET /api/agreements``), and ``GET /api/tasks``. Each is measured through the Flask
test client, so a figure is the whole request (session, user loading, query, template or JSON) without the
network and the WSGI server; the median of ``--repeat`` after one warm-up. The last column is the growth of the
median from the smallest to the largest database (target ≤ 1.2: a listing shows a page, not the whole table).

Page 1 is always timed. Where a response names a next page (``<a rel="next">`` in a page, a ``Link: …;
rel="next"`` header, or ``next`` / ``links.next`` in JSON: a URL or a cursor), the benchmark follows it up to
``--deep`` times and times that page as well, so it measures cursor and offset paging alike and runs against code
that has none.

    .venv/bin/python -m benchmarks.bench_lists [--database-url URL] [--sizes 1000,10000,100000] [--repeat 5]
                                               [--deep 10] [--slow 10]

Run it with ``-m`` from the checkout so that the checkout's own ``engine`` and ``web`` are imported.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from benchmarks.seeding import prepare, seed
from engine.demo import DEMO_PASSWORD
from web import create_app

ROLES = ("seisaku", "kankyo", "shonan", "kanri")
LISTINGS = [  # (label, who, path)
    *[(f"inbox page ({who})", who, "/inbox/") for who in ROLES],
    *[(f"GET /api/tasks ({who})", who, "/api/tasks") for who in ("seisaku", "kankyo", "shonan")],
    ("board page (kanri)", "kanri", "/board/"),
    ("board page (kankyo)", "kankyo", "/board/"),
    ("board kanban (kanri)", "kanri", "/board/?view=kanban"),
    ("GET /api/cases (kanri)", "kanri", "/api/cases"),
    ("agreements page (kanri)", "kanri", "/agreements/"),
    ("GET /api/agreements (kanri)", "kanri", "/api/agreements"),
]
NEXT_ANCHOR = re.compile(r'<a\b[^>]*\brel="next"[^>]*>|<link\b[^>]*\brel="next"[^>]*>')
HREF = re.compile(r'\bhref="([^"]+)"')
LINK_HEADER = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


def signed_in(app, username: str):
    """A test client holding the session cookie of ``POST /api/login``, which pages accept as well."""
    client = app.test_client()
    response = client.post("/api/login", json={"username": username, "password": DEMO_PASSWORD})
    if response.status_code != 200:
        raise SystemExit(f"sign-in of {username} failed: {response.status_code} {response.get_data(as_text=True)}")
    return client


def next_url(path: str, response) -> str | None:
    """The next page's URL as the response names it, in any of the forms the module docstring lists."""
    header = LINK_HEADER.search(response.headers.get("Link", ""))
    if header:
        return _local(header.group(1))
    if response.is_json:
        body = response.get_json(silent=True)
        if isinstance(body, dict):
            links = body.get("links") if isinstance(body.get("links"), dict) else {}
            target = body.get("next") or links.get("next")
            if isinstance(target, str) and target:
                return _local(target) if target.startswith(("/", "http")) else _with(path, cursor=target)
        return None
    anchor = NEXT_ANCHOR.search(response.get_data(as_text=True))
    href = HREF.search(anchor.group(0)) if anchor else None
    return _local(href.group(1).replace("&amp;", "&")) if href else None


def _local(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _with(path: str, **params: str) -> str:
    parts = urlsplit(path)
    query = dict(parse_qsl(parts.query))
    query.update(params)
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


def timed(client, path: str, repeat: int, slow: float) -> tuple[float, object]:
    """Median milliseconds of ``repeat`` requests after one warm-up, and the last response. A listing whose
    warm-up took more than ``slow`` seconds is timed by that request alone, so that a listing which reads the whole
    table cannot stretch the run by minutes (at 100,000 cases, some took a minute a request)."""
    began = time.perf_counter()
    response = client.get(path)
    if time.perf_counter() - began > slow:
        return (time.perf_counter() - began) * 1000, response
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - began) * 1000)
    return statistics.median(samples), response


def deep_page(client, path: str, first, hops: int) -> tuple[str | None, int]:
    """Follows next links up to ``hops`` times from page 1; the last URL reached and how many pages in it is."""
    url, response, depth = None, first, 1
    for _ in range(hops):
        following = next_url(url or path, response)
        if following is None:
            break
        url, response, depth = following, client.get(following), depth + 1
        if response.status_code != 200:
            break
    return url, depth


def measure(clients: dict, repeat: int, hops: int, slow: float) -> dict[str, dict]:
    results = {}
    for label, who, path in LISTINGS:
        client = clients[who]
        median, response = timed(client, path, repeat, slow)
        entry = {"page1": median, "status": response.status_code, "deep": None, "depth": 1,
                 "total": _total(response), "bytes": len(response.get_data())}
        url, depth = deep_page(client, path, response, hops)
        if url:
            entry["deep"], deep_response = timed(client, url, repeat, slow)
            entry["depth"] = depth
            entry["deep_status"] = deep_response.status_code
        results[label] = entry
        print(f"  {label:<30} page 1 {median:8.1f} ms  ({entry['bytes']:,} bytes, status {entry['status']})"
              + (f"  page {depth}: {entry['deep']:8.1f} ms" if entry["deep"] is not None else ""), flush=True)
    return results


def _total(response) -> int | None:
    body = response.get_json(silent=True) if response.is_json else None
    return body.get("total") if isinstance(body, dict) and isinstance(body.get("total"), int) else None


def report(results: dict[int, dict[str, dict]]) -> None:
    sizes = sorted(results)
    smallest, largest = sizes[0], sizes[-1]
    print(f"\nmedian ms per request, through the Flask test client ({', '.join(f'{s:,}' for s in sizes)} cases)")
    header = "".join(f"{f'{s:,} cases':>14}" for s in sizes)
    print(f"{'listing':<32}{header}{f'{_short(largest)}/{_short(smallest)}':>10}")
    for label, _, _ in LISTINGS:
        cells = "".join(f"{results[s][label]['page1']:>14.1f}" for s in sizes)
        growth = results[largest][label]["page1"] / results[smallest][label]["page1"]
        print(f"{label:<32}{cells}{growth:>9.2f}×")
        if any(results[s][label]["deep"] is not None for s in sizes):
            cells = "".join(f"{results[s][label]['deep']:>14.1f}" if results[s][label]["deep"] is not None
                            else f"{'—':>14}" for s in sizes)
            ends = (results[smallest][label]["deep"], results[largest][label]["deep"])
            growth = f"{ends[1] / ends[0]:>9.2f}×" if None not in ends else f"{'—':>10}"
            depth = results[largest][label]["depth"]
            print(f"{'  deep page (' + str(depth) + ')':<32}{cells}{growth}")
    errors = [(s, label, r["status"]) for s in sizes for label, r in results[s].items() if r["status"] != 200]
    for size, label, status in errors:
        print(f"error: {label} answered {status} at {size:,} cases")
    totals = {label: results[largest][label]["total"] for label, _, _ in LISTINGS
              if results[largest][label]["total"] is not None}
    if totals:
        print("totals reported at the largest size: " + ", ".join(f"{k} {v:,}" for k, v in totals.items()))


def _short(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty database; default: a new SQLite file in a temporary folder")
    parser.add_argument("--sizes", default="1000,10000,100000", help="case counts, ascending (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per listing (default: %(default)s)")
    parser.add_argument("--deep", type=int, default=10, help="next links to follow for the deep page")
    parser.add_argument("--slow", type=float, default=10.0,
                        help="seconds: a listing slower than this is timed once, not --repeat times")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        engine = prepare(args.database_url or f"sqlite:///{folder}/bench.sqlite3")
        print(f"database: {engine.database.url.render_as_string(hide_password=True)}")
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "RENKEI_ENGINE": engine,
                          "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
        app.instance_path = folder
        clients = {who: signed_in(app, who) for who in ROLES}
        rng, results = random.Random(15), {}
        for total in sizes:
            began = time.perf_counter()
            seed(engine, total, rng)
            print(f"seeded {total:,} cases in {time.perf_counter() - began:.1f} s (with ANALYZE)", flush=True)
            results[total] = measure(clients, args.repeat, args.deep, args.slow)
        report(results)
        engine.database.dispose()


if __name__ == "__main__":
    main()
