"""Looking at the report's page in a real browser: headless Chromium, as a new reader's first screen.

:func:`check_page` opens a copy of ``index.html`` with a small measuring script
added at its end, lets Chromium lay it out at a window size, and reads back
what the script found:

* ``page_height``: the page's height (CSS px) as it opens, details folded;
* ``verdict_bottom``: the bottom edge (CSS px) of the verdict's mark and its table,
  to compare with ``viewport_height`` (the first screen);
* ``overflowing``: the captions of tables wider than their container (every
  ``<details>`` is opened first, so folded tables are measured too), compared
  with the page's main column;
* ``broken_images``: the alt texts of images that did not load or decode.

:func:`screenshot` saves a PNG of the first screen. Chromium is Debian's
``chromium`` package (``make system-deps``); each call gets a fresh profile
directory, removed afterwards, and the browser's process group is ended when it
overruns its time.
"""
import html
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]

#: Runs on the page's load event; writes its findings as JSON into <pre id="page-check">.
MEASURE = """
<script>
window.addEventListener("load", function () {
  var marks = document.querySelectorAll("#verdict .mark, #verdict table");
  var bottom = 0;
  marks.forEach(function (e) { bottom = Math.max(bottom, e.getBoundingClientRect().bottom + window.scrollY); });
  var height = document.documentElement.scrollHeight;
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  var column = document.querySelector("main") || document.body;
  var right = column.getBoundingClientRect().right;
  var overflowing = [];
  document.querySelectorAll("table").forEach(function (t) {
    var box = t.parentElement.getBoundingClientRect();
    if (t.getBoundingClientRect().right > Math.min(box.right, right) + 1) {
      var caption = t.querySelector("caption");
      overflowing.push(caption ? caption.textContent : "(table without caption)");
    }
  });
  var broken = [];
  document.querySelectorAll("img").forEach(function (img) {
    if (!img.complete || img.naturalWidth === 0) { broken.push(img.alt || img.src.slice(0, 40)); }
  });
  var out = document.createElement("pre");
  out.id = "page-check";
  out.textContent = JSON.stringify({verdict_found: marks.length > 0, verdict_bottom: bottom, page_height: height,
    viewport_height: window.innerHeight, viewport_width: window.innerWidth, tables: document.querySelectorAll(
    "table").length, overflowing: overflowing, images: document.images.length, broken_images: broken});
  document.body.appendChild(out);
});
</script>
"""


class BrowserError(RuntimeError):
    """Chromium is absent, failed or gave no answer."""


def find_chromium():
    """The path of a Chromium binary, or None."""
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(args, timeout):
    binary = find_chromium()
    if binary is None:
        raise BrowserError("chromium is not installed (Debian: apt-get install chromium; `make system-deps`)")
    profile = tempfile.mkdtemp(prefix="report-chromium-")
    try:
        # Its own process group: on a timeout the browser and every helper process it started are ended.
        proc = subprocess.Popen([binary, *FLAGS, f"--user-data-dir={profile}", *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise BrowserError(f"chromium did not finish within {timeout} s") from None
        return proc.returncode, out, err
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def check_page(html_path, width=1280, height=800, timeout=120):
    """Lay out ``html_path`` in headless Chromium at ``width`` x ``height`` and measure it (see the module
    docstring); returns the measurements as a dict."""
    text = Path(html_path).read_text(encoding="utf-8")
    if "</body>" not in text:
        raise BrowserError(f"{html_path}: no </body>: not the report's page")
    with tempfile.TemporaryDirectory(prefix="report-page-") as tmp:
        page = Path(tmp) / "index.html"
        page.write_text(text.replace("</body>", MEASURE + "</body>", 1), encoding="utf-8")
        status, out, err = _run(["--dump-dom", "--virtual-time-budget=10000", f"--window-size={width},{height}",
                                 page.as_uri()], timeout)
    found = re.search(r'<pre id="page-check">(.*?)</pre>', out, re.S)
    if found is None:
        raise BrowserError(f"chromium gave no measurement (exit status {status}): {err.strip()[-500:]}")
    return json.loads(html.unescape(found.group(1)))


def screenshot(html_path, png_path, width=1280, height=800, timeout=120):
    """Save the first screen of ``html_path`` at ``width`` x ``height`` as the PNG ``png_path``."""
    png_path = Path(png_path).resolve()
    status, _out, err = _run([f"--screenshot={png_path}", f"--window-size={width},{height}",
                              Path(html_path).resolve().as_uri()], timeout)
    if status != 0 or not png_path.is_file():
        raise BrowserError(f"chromium wrote no screenshot (exit status {status}): {err.strip()[-500:]}")
    return png_path
