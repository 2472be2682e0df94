"""Every page, link, GET form and API answer, as every kind of person sees them (issue #11 item 5).

Demo data with a case in every state (tests/web/crawl_cases.py) is built once for the module; then each demo
role, and an anonymous visitor, crawls breadth-first from the start pages (tests/web/crawler.py). One
assertion lists every problem found (role, URL, referrer, problem), so one run shows everything. The number
of URLs each role fetched goes to test-artifacts/crawl-pages.txt (and stdout with ``-s``).
"""

from __future__ import annotations

import time

import pytest

from tests.conftest import ROOT
from tests.web import crawl_cases
from tests.web.conftest import sign_in
from tests.web.crawler import Crawl, raw_identifiers, read_page
from web import create_app

# every demo role: 総合政策課, three 担当課 (bosai has no project in any case: empty lists and no case links),
# four 企業等 (digital's agreement was terminated, umibe's proposals are withdrawn, city-initiated or
# individual-only), the manager, the process owner, the administrator
PEOPLE = ("seisaku", "kankyo", "kodomo", "bosai", "shonan", "mirai", "digital", "umibe", "kanri", "process",
          "admin")
API_START = ["/api/tasks", "/api/tasks?view=completed", "/api/cases", "/api/cases?status=completed",
             "/api/cases?status=cancelled", "/api/cases?process=agreement_lifecycle",
             "/api/cases?process=individual_agreement", "/api/agreements"]
ANONYMOUS_START = ["/", "/login", "/register", "/public/agreements"]
SUMMARY = ROOT / "test-artifacts" / "crawl-pages.txt"


@pytest.fixture(scope="module")
def crawl_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawl")
    engine, built = crawl_cases.build(f"sqlite:///{folder / 'crawl.sqlite3'}")
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "RENKEI_ENGINE": engine,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    app.instance_path = str(folder / "instance")
    yield app
    engine.database.dispose()


def crawl_as(app, username: str | None) -> Crawl:
    client = app.test_client()
    if username is not None:
        response = sign_in(client, username)
        assert response.status_code == 302, response.get_data(as_text=True)
    crawl = Crawl(username or "anonymous", client, username is not None)
    crawl.run(["/", *API_START] if username else [*ANONYMOUS_START, *API_START])
    return crawl


def test_every_role_can_open_every_link_it_is_shown_and_reads_no_internal_identifiers(crawl_app):
    crawls, lines = [], []
    for username in (*PEOPLE, None):
        started = time.monotonic()
        crawl = crawl_as(crawl_app, username)
        crawls.append(crawl)
        lines.append(f"{crawl.who}\t{crawl.fetched} URLs\t{time.monotonic() - started:.1f}s")
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n" + "\n".join(lines))
    problems = [str(problem) for crawl in crawls for problem in crawl.problems]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_a_fragment_link_is_the_page_it_is_on_with_its_query():
    from flask import Flask, abort, request

    app = Flask(__name__)

    @app.get("/editor")
    def editor():  # like the draft editors: the file comes in the query, without it the page is 404
        if not request.args.get("file"):
            abort(404)
        return '<a href="#main">本文へ</a><a href="?file=b.form">別のファイル</a>'

    crawl = Crawl("test", app.test_client(), True)
    crawl.run(["/editor?file=a.bpmn"])
    assert (crawl.problems, crawl.fetched) == ([], 2)


def test_a_textareas_text_is_a_fields_value_not_visible_prose():
    page = read_page('<form><textarea name="content">{"initiated_by": "city"}</textarea></form>'
                     '<p>case_id</p>')
    assert [problem.split(" in ")[0] for problem in raw_identifiers(page)] == ["raw identifiers case_id"]
