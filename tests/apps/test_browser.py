"""Real browser on the served story page: clicking a contradiction lights up both sides.

Uses Debian's chromium through Playwright (never `playwright install`). Missing chromium
skips locally but fails in CI (CI env var set), where the setup script installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOT = Path("/tmp/parallax_story.png")


def _chromium() -> str:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing in CI (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} not installed")
    return CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory, demo_articles):  # type: ignore[no-untyped-def]
    import uvicorn

    from parallax.apps.web import assign_store, create_app
    from parallax.store import Store

    root = tmp_path_factory.mktemp("browser")
    (root / "data").mkdir()
    store = Store(root / "p.db")
    store.upsert_articles(demo_articles.values())
    stories = assign_store(store)
    story = max((s for s in stories if s.level == "storyline"), key=lambda s: len(s.article_ids))
    port = _free_port()
    app = create_app(root / "p.db", root / "data")
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.1)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", story
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.mark.slow
def test_clicking_a_contradiction_highlights_both_sides(server, tmp_path):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    base, story = server
    exe = _chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"{base}/stories/{story.id}", timeout=180_000)
            assert "Neutral brief" in page.content()
            box = page.locator(".conflict", has_text="North Carolina").first
            a_mark = box.get_attribute("data-a")
            b_mark = box.get_attribute("data-b")
            box.click()
            page.wait_for_timeout(200)
            lit_a = page.locator(f'.flash[data-m~="{a_mark}"]')
            lit_b = page.locator(f'.flash[data-m~="{b_mark}"]')
            assert lit_a.count() > 0 and lit_b.count() > 0
            text_a = " ".join(lit_a.all_text_contents())
            text_b = " ".join(lit_b.all_text_contents())
            assert "North Carolina" in text_a and "South Carolina" in text_b
            # each side is lit inside its own article, not in the contradiction card
            art_a = lit_a.first.evaluate("e => e.closest('article').id")
            art_b = lit_b.first.evaluate("e => e.closest('article').id")
            assert art_a != art_b and art_a.startswith("art-") and art_b.startswith("art-")
            assert lit_a.first.is_visible()
            assert page.locator("#jump").is_visible()  # the jump bar names both outlets
            shot = tmp_path / "story.png"
            page.screenshot(path=str(shot))
            shutil.copy(shot, SHOT)
            page.click("#jump-b")  # jump to the other side: it is lit and in view
            page.wait_for_timeout(100)
            assert lit_b.first.evaluate(
                "e => { const r = e.getBoundingClientRect();"
                " return r.top >= 0 && r.bottom <= window.innerHeight; }"
            )
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOT.with_name("parallax_story_top.png")))
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()
