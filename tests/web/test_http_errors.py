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
