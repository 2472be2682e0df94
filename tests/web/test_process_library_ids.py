"""The process library shows each process's id on purpose, marked up as code, never as running text.

Regression found by the crawl (tests/web/test_crawl.py): ``comprehensive_agreement`` stood in the heading and
in the upload choice as plain words.
"""

from __future__ import annotations

from tests.web.crawler import raw_identifiers, read_page


def test_the_process_owner_reads_process_ids_as_code(as_user):
    page = as_user("process").get("/processes/").get_data(as_text=True)
    assert '<code class="process__id">comprehensive_agreement</code>' in page
    assert list(raw_identifiers(read_page(page))) == []
