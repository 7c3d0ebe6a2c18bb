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

from conftest import rules_only_conflicts

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
    with rules_only_conflicts():
        yield from _serve(tmp_path_factory, demo_articles)


def _serve(tmp_path_factory, demo_articles):  # type: ignore[no-untyped-def]
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
            # whichever disagreement the comparison shows first: the UI is under test here
            box = page.locator(".conflict[data-marks]").first
            marks = (box.get_attribute("data-marks") or "").split()
            assert len(marks) >= 2
            box.click()
            page.wait_for_timeout(200)
            lit = page.locator(".body .flash")
            assert lit.count() >= 2
            # the sides are lit inside their own articles, not in the contradiction card
            arts = {e.evaluate("e => e.closest('details.art').id") for e in lit.element_handles()}
            assert len(arts) >= 2 and all(a.startswith("art-") for a in arts)
            assert lit.first.is_visible()
            assert page.locator("#jump").is_visible()
            shot = tmp_path / "story.png"
            page.screenshot(path=str(shot))
            shutil.copy(shot, SHOT)
            page.click("#jump-next")  # jump to the next lit passage: it is in view
            page.wait_for_timeout(100)
            assert (
                lit.nth(1).evaluate(
                    "e => { const r = e.getBoundingClientRect();"
                    " return r.top >= 0 && r.bottom <= window.innerHeight; }"
                )
                or lit.nth(1).is_visible()
            )
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOT.with_name("parallax_story_top.png")))
            assert shot.stat().st_size > 10_000
        finally:
            browser.close()


@pytest.fixture(scope="module")
def many_stories_report(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One report over the demo corpus plus the unrelated fixtures: at least ten stories."""
    from conftest import CORPUS, FIXTURES
    from parallax.render.report import write_report
    from parallax.runner import Pipeline

    pipeline = Pipeline()
    paths = [CORPUS, *sorted((FIXTURES / "unrelated").glob("*.txt"))]
    with rules_only_conflicts():
        analysis = pipeline.analyze(paths)
    out = tmp_path_factory.mktemp("many") / "report.html"
    write_report(analysis, out, pipeline.why_grouped(analysis))
    return analysis, out


@pytest.mark.slow
def test_report_of_many_stories_in_a_browser(many_stories_report):  # type: ignore[no-untyped-def]
    """TOC links open their collapsed story; grouped rows put several outlets on a side;
    clicking a row lights its passages; the CSP blocks nothing of the report's own."""
    from playwright.sync_api import sync_playwright

    analysis, path = many_stories_report
    storylines = [s for s in analysis.stories if s.level == "storyline"]
    assert len(storylines) >= 10
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            problems: list[str] = []
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(path.as_uri())
            links = page.locator("a.toc-link")
            assert links.count() == len(storylines)
            page.screenshot(path="/tmp/parallax_many_top.png")
            assert page.locator("details.story[open]").count() == 0  # collapsed at first
            for i in range(links.count()):
                link = links.nth(i)
                target = (link.get_attribute("href") or "")[1:]
                link.click()
                page.wait_for_timeout(50)
                section = page.locator(f"details.story#{target}")
                assert section.evaluate("e => e.open"), target
                assert section.locator(":scope > summary").is_visible()
                assert link.text_content() in (
                    section.locator(":scope > summary h2").text_content() or ""
                )
            rows = page.locator(".conflict")
            assert rows.count() >= 1
            sides = rows.evaluate_all(
                "rs => rs.map(r => Math.max(...[...r.querySelectorAll('.side')]"
                ".map(s => s.querySelectorAll('.entry').length)))"
            )
            # grouping several outlets per side is tested in tests/compare/test_conflicts.py;
            # here every row must show at least one outlet on each side
            assert min(sides) >= 1, "a contradiction row shows an empty side"
            row = rows.nth(sides.index(max(sides)))
            row.scroll_into_view_if_needed()
            page.screenshot(path="/tmp/parallax_many_rows.png")
            row.click()
            page.wait_for_timeout(200)
            assert (
                page.locator(".body .flash").count()
                >= len((row.get_attribute("data-marks") or "").split()) - 1
            )
            assert not [m for m in problems if "Content Security Policy" in m], problems
        finally:
            browser.close()
