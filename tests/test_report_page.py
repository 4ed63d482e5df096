"""The report's page in a real browser (headless Chromium): the verdict is on the first screen, no table is
wider than its container, every image loads; for made-up runs, one failing, one with documented differences."""
import tempfile
from pathlib import Path

import pytest

from tensorslow_parity import cli
from tensorslow_parity.report import browser
from tests.test_report import make_results_dir

needs_chromium = pytest.mark.skipif(browser.find_chromium() is None,
                                    reason="chromium is not installed (make system-deps installs Debian's)")


def _leftovers():
    return {p.name for p in Path(tempfile.gettempdir()).iterdir()
            if p.name.startswith(("report-chromium-", "report-page-"))}


def _assert_reads_at_a_glance(page):
    before = _leftovers()
    found = browser.check_page(page, width=1280, height=800)
    assert _leftovers() <= before  # the browser's profile and the measured copy are removed
    assert found["verdict_found"], found
    assert found["verdict_bottom"] <= found["viewport_height"], found  # on the first screen, without scrolling
    assert found["tables"] >= 5 and found["overflowing"] == [], found
    assert found["images"] >= 4 and found["broken_images"] == [], found
    return found


@pytest.fixture(scope="module")
def noted_page(tmp_path_factory):
    """A passing run whose rows carry documented differences (long prose cells in a wide table)."""
    tmp = tmp_path_factory.mktemp("noted")
    note = ("Keras SGD(momentum) keeps a velocity v = m v - lr g and steps w += v; tf.compat.v1's "
            "MomentumOptimizer keeps an accumulator a = m a + g and steps w -= lr a; equal in exact arithmetic.")
    directory = make_results_dir(tmp / "results", notes={("keras", "sgd"): note, ("tf2", "sgd"): note})
    assert cli.main(["report", str(directory), "--out", str(tmp / "out")]) == 0
    return tmp / "out" / "index.html"


@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("run", [dict(failures=True), dict(gpu_ran=True)], ids=["failing", "gpu-ran"])
def test_report_reads_at_a_glance(tmp_path, run):
    # gpu-ran: twice the framework lines in the verdict's table, which must still fit the first screen.
    directory = make_results_dir(tmp_path / "results", **run)
    assert cli.main(["report", str(directory), "--out", str(tmp_path / "out")]) == 0
    _assert_reads_at_a_glance(tmp_path / "out" / "index.html")


@pytest.mark.slow
@needs_chromium
def test_report_with_documented_differences_reads_at_a_glance(noted_page):
    _assert_reads_at_a_glance(noted_page)


@pytest.mark.slow
@needs_chromium
def test_screenshot_of_the_first_screen(noted_page, tmp_path):
    png = browser.screenshot(noted_page, tmp_path / "first.png", width=1280, height=800)
    from PIL import Image
    with Image.open(png) as image:
        assert image.size == (1280, 800)
        # Not a blank page: the verdict's coloured mark, its table and text give many distinct colours.
        assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 50


def test_absent_chromium_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    page = tmp_path / "index.html"
    page.write_text("<html><body></body></html>")
    with pytest.raises(browser.BrowserError, match="chromium is not installed"):
        browser.check_page(page)


def test_a_page_that_is_not_the_report_is_refused(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<html>no body</html>")
    with pytest.raises(browser.BrowserError, match="not the report's page"):
        browser.check_page(page)
