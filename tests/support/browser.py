"""The real browser the e2e tests drive: Debian's chromium under Playwright (no browser
download), its page fixtures and the login every journey starts with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
DOC_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


@pytest.fixture
def images(tmp_path) -> Path:
    """Where the screenshots go: docs/images with HELPDESK_UPDATE_SCREENSHOTS=1 (then commit
    them), else a temporary folder, so a test run leaves the worktree clean."""
    return DOC_IMAGES if os.environ.get("HELPDESK_UPDATE_SCREENSHOTS") == "1" else tmp_path


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url, locale="en-GB",
                                  viewport={"width": 1200, "height": 860})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def log_in(page, identifier, password):
    page.goto("/login")
    page.get_by_label("Customer number, e-mail address or login name").fill(identifier)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
