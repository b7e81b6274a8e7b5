"""The HTML report in a real headless Chromium: what a person sees, and that groups open on a click.

Chromium comes from Debian's `chromium` package (scripts/setup.sh installs it when it can); without
it the test is skipped with the reason. The browser is driven over the DevTools protocol
(tests/dlv/render/chromium.py): real mouse events, the page's own layout, a screenshot in the
test's tmp dir.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dlvauto.render.html import to_html

from .chromium import Chromium, find_chromium
from tests.helpers import EXAMPLES, needs_dlv, recorded, run_cli

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: scripts/setup.sh installs Debian's chromium with apt-get when run as "
    "root (or with sudo); elsewhere install a Chromium on PATH",
)

VISIBLE = "(e => !!e && e.checkVisibility() && e.getBoundingClientRect().height > 0)"


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    assert CHROMIUM is not None
    with Chromium(CHROMIUM, tmp_path / "profile") as c:
        yield c


def visible(c: Chromium, selector: str) -> bool:
    return bool(c.evaluate(f"{VISIBLE}(document.querySelector({selector!r}))"))


def text(c: Chromium, selector: str) -> str:
    return str(c.evaluate(f"document.querySelector({selector!r}).innerText"))


@needs_dlv
def test_live_report_in_chromium(browser: Chromium, tmp_path: Path) -> None:
    page = tmp_path / "deep_stack.html"
    r = run_cli("run", str(EXAMPLES / "deep_stack"), "--format", "html", "--out", str(page))
    assert r.returncode == 0, r.stderr
    browser.open(page.as_uri())
    assert text(browser, "h1") == "PANIC: checksum mismatch: got 6, want 7"

    assert visible(browser, "#first-user-frame")
    first = text(browser, "#first-user-frame")
    assert "first user" in first and "example.com/deep_stack/c.Crash" in first and "c/c.go:18" in first
    source = "#first-user-frame + tr.detail pre.source span.here"
    assert visible(browser, source)
    assert text(browser, source) == '18          panic(fmt.Sprintf("checksum mismatch: got %d, want 7", sum))'

    assert visible(browser, "#frame-n")
    n = text(browser, "#frame-n")
    assert "frame 17" in n and "example.com/deep_stack/a.Level2" in n and "a/a.go:13" in n
    assert visible(browser, "#frame-n + tr.detail pre.source span.here")

    # every other goroutine is in a closed group; a click on a summary opens it, another closes it
    groups = int(browser.evaluate("document.querySelectorAll('details.group').length"))
    assert groups >= 1
    assert browser.evaluate("[...document.querySelectorAll('details.group')].every(d => !d.open)")
    assert not visible(browser, "details.group .body")
    browser.click("details.group > summary")
    assert browser.evaluate("document.querySelector('details.group').open") is True
    assert visible(browser, "details.group .body")
    assert "goroutine" in text(browser, "details.group .body")
    browser.screenshot(tmp_path / "group-open.png")
    browser.click("details.group > summary")
    assert not visible(browser, "details.group .body")

    browser.click("#expand-all")
    assert browser.evaluate("[...document.querySelectorAll('details.group')].every(d => d.open)")
    shot = browser.screenshot(tmp_path / "report.png")
    assert shot.startswith(b"\x89PNG\r\n\x1a\n") and (tmp_path / "report.png").stat().st_size > 10_000

    requests = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e.get("method") == "Network.requestWillBeSent"
    ]
    assert requests == [page.as_uri()], "the page loads nothing but itself"


def test_user_goroutines_group_opens_on_click(browser: Chromium, tmp_path: Path) -> None:
    page = tmp_path / "many.html"
    page.write_text(to_html(recorded("many_goroutines", tmp_path)))
    browser.open(page.as_uri())
    summary = "details.group:not(.runtime-only) > summary"
    assert text(browser, summary).startswith("15 × [chan receive] — example.com/many_goroutines/pool.worker")
    worker = "details.group:not(.runtime-only) tr.cat-user .fn"
    assert not visible(browser, worker)
    browser.click(summary)
    assert visible(browser, worker)
    assert text(browser, worker) == "example.com/many_goroutines/pool.worker"
    assert visible(browser, "#first-user-frame")
    browser.screenshot(tmp_path / "many.png")
    shutil.rmtree(tmp_path / "profile", ignore_errors=True)
