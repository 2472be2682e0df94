"""A request the app cannot take (too large, malformed) gets the app's own answer: the Japanese page, or the
API's error shape, never the framework's bare English page (issue #14 item 3)."""

from __future__ import annotations


def test_a_body_over_the_size_limit_is_refused_in_the_apis_error_shape(client):
    response = client.post("/api/login", data=b"{" + b" " * (5 * 1024 * 1024 + 10) + b"}",
                           content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
    assert "5MB" in response.get_json()["error"]["message"]


def test_a_body_over_the_size_limit_on_a_page_gets_the_japanese_error_page(client):
    response = client.post("/login", data={"username": "x" * (5 * 1024 * 1024 + 10)})
    assert response.status_code == 413
    assert "送信されたデータが大きすぎます" in response.get_data(as_text=True)


def test_a_process_script_that_runs_away_is_a_named_refusal_not_a_server_error(engine, client):
    """A deployed process whose code fails on a case's data (a file a process owner sent) is answered with the
    element it failed in, on the page and in the API, and the task stays open; never the generic 500."""
    from engine.accounts.api_tokens import ApiTokens
    from engine.workflow.budget import ScriptLimits, current_limits, set_limits
    from tests.diagrams import tiny_bundle

    before = current_limits()
    set_limits(ScriptLimits(seconds=2.0, operations=50_000, size=100_000))
    try:
        engine.deploy(tiny_bundle(script="n = 0\nwhile n >= 0:\n    n += 1\nchecked = True"))
        coordinator = engine.actor("seisaku")
        case = engine.start_case(coordinator, "tiny", engine.actor("shonan").organisation_id, "city")
        [task] = case.open_tasks
        headers = {"Authorization": f"Bearer {ApiTokens(engine).create('seisaku', 'テスト').token}"}
        response = client.post(f"/api/tasks/{task.id}/complete", headers=headers,
                               json={"data": {"note": "メモ"}, "case_version": case.version})
    finally:
        set_limits(before)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "script_overrun"
    assert "スクリプト『確認』（check）が処理の上限" in error["message"]
    assert [t.id for t in engine.case_status(engine.actor("seisaku"), case.id).open_tasks] == [task.id]
