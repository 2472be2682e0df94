"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live Renkei server.

The server runs in a thread on a fresh SQLite database with the demo people and processes deployed.
Screenshots go to ``test-artifacts/screenshots/`` (CI keeps that folder as its artefacts).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

from engine.demo import DEMO_PASSWORD
from engine.service import CaseEngine
from tests.conftest import ROOT, demo_engine
from web import create_app

CHROMIUM = os.environ.get("RENKEI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (README)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, engine: CaseEngine, url: str) -> None:
        self.engine, self.url = engine, url


@pytest.fixture
def live_server(tmp_path):
    engine = demo_engine(f"sqlite:///{tmp_path / 'browser.sqlite3'}")
    app = create_app({"SECRET_KEY": "browser-test", "RENKEI_ENGINE": engine,
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(engine, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    engine.database.dispose()


@pytest.fixture
def page(browser) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ja-JP")
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, server: LiveServer, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("利用者名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{server.url}/")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="ログアウト").click()
    page.wait_for_url("**/login")
