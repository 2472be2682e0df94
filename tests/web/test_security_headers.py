"""Issue #14 item 2: every response carries the security headers — pages, the JSON API, static files, vendor
assets, errors — and the policy allows no inline script."""

from __future__ import annotations

import pytest

from web.security import CONTENT_SECURITY_POLICY

EXPECTED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_secured(response, policy: str = CONTENT_SECURITY_POLICY) -> None:
    assert response.headers["Content-Security-Policy"] == policy
    for name, value in EXPECTED.items():
        assert response.headers[name] == value, name


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_the_policy_runs_scripts_from_this_site_only_and_nothing_may_frame_it():
    policy = directives(CONTENT_SECURITY_POLICY)
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)


@pytest.mark.parametrize("path", ["/login", "/public/agreements", "/public/agreements.json",
                                  "/static/css/renkei.css", "/static/js/task-form.js",
                                  "/vendor/bpmn-js/bpmn-modeler.production.min.js", "/no-such-page",
                                  "/api/tasks"])
def test_pages_public_files_errors_and_the_api_carry_the_headers_signed_out(client, path):
    assert_secured(client.get(path))


@pytest.mark.parametrize("path", ["/", "/inbox/", "/board/", "/api/tasks", "/api/cases", "/board/export.csv",
                                  "/processes/"])
def test_pages_and_the_json_api_carry_the_headers_signed_in(as_user, path):
    response = as_user("kanri").get(path)
    assert response.status_code == 200
    assert_secured(response)


def test_a_redirect_and_a_sign_in_error_carry_the_headers(client):
    assert_secured(client.get("/"))  # 302 to /login
    assert_secured(client.post("/api/login", json={"username": "seisaku", "password": "wrong-password"}))


def test_only_the_two_library_editors_relax_styles_and_never_scripts(as_user, engine):
    from engine.library.drafts import DraftService
    from tests.integration.redrawn import PROCESS

    draft = DraftService(engine).create(engine.actor("process"), PROCESS, "CSP")
    client = as_user("process")
    response = client.get(f"/processes/drafts/{draft}/decision?file={PROCESS}/eligibility.dmn")
    assert response.status_code == 200
    assert_secured(response, CONTENT_SECURITY_POLICY + "; style-src-attr 'unsafe-inline'")
    response = client.get(f"/processes/drafts/{draft}/form?file={PROCESS}/forms/proposal.form")
    assert response.status_code == 200
    assert_secured(response, CONTENT_SECURITY_POLICY + "; style-src-elem 'self' 'unsafe-inline'")
    assert_secured(client.get(f"/processes/drafts/{draft}/modeler?file={PROCESS}/{PROCESS}.bpmn"))


def test_no_template_holds_an_inline_script_or_event_handler():
    import re

    from tests.conftest import ROOT

    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
    handler = re.compile(r"\son[a-z]+\s*=", re.I)
    found = [f"{path.relative_to(ROOT)}" for path in (ROOT / "web/templates").rglob("*.html")
             if inline_script.search(text := path.read_text()) or handler.search(text)
             or "javascript:" in text]
    assert found == []
