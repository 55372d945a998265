"""End-to-end: the classroom app in a real browser (Debian's chromium driven by Playwright).

Starts ``solara run app.py`` on a free port, loads the page, presses Step three times, switches the
leisure card on and resets, and checks that the status line and the charts change. A screenshot is
saved to ``test-artifacts/app.png``. Without a chromium at /usr/bin/chromium the test is skipped,
unless DUGNAD_REQUIRE_BROWSER=1 (as in .ci/run), when it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    if not Path(CHROMIUM).exists():
        if os.environ.get("DUGNAD_REQUIRE_BROWSER") == "1":
            pytest.fail(f"no chromium at {CHROMIUM}; .ci/run installs Debian's chromium")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    port = _free_port()
    solara = Path(sys.executable).parent / "solara"
    log = open(ARTIFACTS.parent / ".solara-e2e.log", "w") if ARTIFACTS.parent.exists() else subprocess.DEVNULL
    proc = subprocess.Popen([str(solara), "run", "app.py", "--port", str(port), "--host", "127.0.0.1", "--production"],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("the solara server did not start within 90 s")
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_app_steps_and_switches_an_intervention(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1920, "height": 1200})
        page.goto(server, timeout=90_000)
        page.wait_for_selector("text=Participation, ties, offices, youth", timeout=90_000)
        page.wait_for_function("document.body.innerText.includes('Month 0 ')", timeout=60_000)

        def charts() -> list[str]:
            return page.eval_on_selector_all("img", "els => els.map(e => e.src.length + ':' + e.src.slice(-64))")

        before = charts()
        assert len(before) >= 2
        times = []
        for month in (1, 2, 3):
            t0 = time.time()
            page.get_by_role("button", name="Step").click()
            page.wait_for_function(f"document.body.innerText.includes('Month {month} ')", timeout=30_000)
            times.append(time.time() - t0)
        page.wait_for_timeout(500)
        assert charts() != before, "the charts did not change after stepping"
        page.get_by_role("checkbox", name="Leisure card (children 6-17)").first.check(force=True)
        page.get_by_role("button", name="Reset").click()
        page.wait_for_function("document.body.innerText.includes('classroom_card')", timeout=60_000)
        page.get_by_role("button", name="Step").click()
        page.wait_for_function("document.body.innerText.includes('Month 1 ')", timeout=30_000)
        page.wait_for_timeout(800)
        page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=False)
        (ARTIFACTS / "app_step_seconds.txt").write_text(" ".join(f"{t:.2f}" for t in times) + "\n")
        browser.close()
