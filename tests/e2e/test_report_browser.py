"""The comparison report in a real browser (Debian's chromium driven by Playwright): at a laptop's
1440 × 900 the first screen holds the headline table, the sentences and the top of the forest
plot, nothing is wider than the window, and the screenshot is saved to
``test-artifacts/report.png`` for a person to look at. Skipped without a chromium at
/usr/bin/chromium, unless DUGNAD_REQUIRE_BROWSER=1 (as in .ci/run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.test_app_browser import ARTIFACTS, CHROMIUM
from tests.test_report import KEYS, write
from model.experiments.report import GROUPS

SCREEN = {"width": 1440, "height": 900}


@pytest.fixture
def report(tmp_path) -> Path:
    if not Path(CHROMIUM).exists():
        if os.environ.get("DUGNAD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no chromium at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    effects = {}
    for sc, d, h in (("leisure_card_outreach", 0.04, 0.02), ("open_recruitment", 0.03, 0.01),
                     ("language_course", 0.0, 0.01), ("mentor_programme", 0.01, 0.02)):
        effects |= {(sc, g, k): (d, h) for g, *_ in GROUPS for k in KEYS}
    write(tmp_path, effects, assumed={"mentor_programme": ["mentors: what a mentor does is assumed"]})
    return tmp_path / "report.html"


def test_first_screen_of_the_report_fits_a_laptop_screen(report):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport=SCREEN)
        page.goto(report.as_uri())
        box = lambda sel: page.eval_on_selector(sel, "e => { const r = e.getBoundingClientRect(); "
                                                     "return [r.left, r.top, r.right, r.bottom]; }")
        table, said, plot = box("table.headline"), box("ul.said"), box("img")
        assert table[3] < said[1] < plot[1] < SCREEN["height"] - 100, (table, said, plot)
        assert table[2] <= SCREEN["width"] and plot[2] <= SCREEN["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]
        assert page.locator("table.headline td.up").count() >= 10       # clear effects are marked
        assert page.locator("ul.said li").count() == 4
        assert "cannot tell the effect of Language course" in page.inner_text("ul.said")
        assert "mentors: what a mentor does is assumed" in page.inner_text("ul.flag")
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=False)
        browser.close()
