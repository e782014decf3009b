"""Open every chapter of the built HTML book in headless Chromium and check what a reader sees.

Run by `make test` after the book is built (`make browser`). Chromium comes from the Debian
package (`make browser` installs it when it can); Playwright's Python package drives it through
`executable_path`, never through `playwright install`. Without Chromium or a built book the
tests skip with the reason.
"""
from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
PAGES = CHAPTERS + sorted((ROOT / "book").glob("*.ipynb"))      # every notebook page: chapters, intro, performance
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)

pytestmark = [
    pytest.mark.loopback,
    pytest.mark.skipif(not (HTML / "index.html").exists(), reason="no built book: run `make book` first"),
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(HTML))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        context = browser.new_context()
        # the book must not need the internet: block every request that is not to the local server
        context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
        yield context.new_page()
        browser.close()


def _notebook(path):
    nb = nbformat.read(path, as_version=4)
    title = next(c.source for c in nb.cells if c.cell_type == "markdown").splitlines()[0].lstrip("# ").strip()
    images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    return nb, title, images


def test_every_widget_has_a_static_figure_after_it():
    for path in CHAPTERS:
        cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        for i, cell in enumerate(cells):
            if re.search(r"\binteract(ive)?\(", cell.source):
                nxt = cells[i + 1] if i + 1 < len(cells) else None
                assert nxt is not None and any("image/png" in o.get("data", {}) for o in nxt.outputs), \
                    f"{path.name}: the widget in code cell {i} has no static figure in the next cell"


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_chapter_page(server, page, path):
    _nb, title, n_images = _notebook(path)
    where = path.relative_to(ROOT).with_suffix("")
    page.goto(f"{server}/{where.as_posix()}.html", wait_until="load")
    assert title in page.title(), (page.title(), title)
    text = page.inner_text("main")
    assert "Traceback (most recent call last)" not in text and "Error Traceback" not in text
    assert page.locator(".output.traceback, .output.error").count() == 0
    # every figure loads (the stored outputs are the book's figures)
    sizes = page.eval_on_selector_all("main img", "els => els.map(e => [e.currentSrc, e.complete, e.naturalWidth])")
    broken = [src for src, complete, width in sizes if not (complete and width > 0)]
    assert not broken, f"images that did not load: {broken}"
    assert len(sizes) >= n_images, f"{len(sizes)} images on the page, {n_images} figures in the notebook"
    # the launch buttons open this very notebook of the configured repository
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    repo = url.removeprefix("https://github.com/")
    colab = page.eval_on_selector_all('a[href*="colab.research.google.com"]', "els => els.map(e => e.href)")
    assert f"https://colab.research.google.com/github/{repo}/blob/main/{where.as_posix()}.ipynb" in colab, colab
    binder = page.eval_on_selector_all('a[href*="mybinder.org"]', "els => els.map(e => e.href)")
    assert any(h.endswith(f"{where.as_posix()}.ipynb") and repo in h for h in binder), binder


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.stem for p in CHAPTERS])
def test_exercise_solutions_are_hidden_until_asked_for(server, page, path):
    cells = nbformat.read(path, as_version=4).cells
    n_solutions = sum(c.cell_type == "code" and "hide-cell" in c.metadata.get("tags", []) for c in cells)
    page.goto(f"{server}/chapters/{path.stem}.html", wait_until="load")
    hidden = page.locator("div.cell.tag_hide-cell")
    assert hidden.count() == n_solutions >= 2
    for i in range(n_solutions):
        cell = hidden.nth(i)
        code = cell.locator(".cell_input pre").first
        assert not code.is_visible(), f"solution {i + 1} is shown before the reader asks for it"
        toggle = cell.locator("summary").first
        assert "Show solution" in toggle.inner_text()
        toggle.click()
        assert code.is_visible(), f"solution {i + 1} does not open"
