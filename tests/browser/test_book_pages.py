"""Open every chapter of the built HTML book in headless Chromium and check what a reader sees.

Run by `make test` after the book is built (`make browser`). Chromium comes from the Debian
package (`make browser` installs it when it can); Playwright's Python package drives it through
`executable_path`, never through `playwright install`. Without Chromium or a built book the
tests skip with the reason.
"""
from __future__ import annotations

import functools
import http.server
import io
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "book" / "_ext"))
import mem_book  # noqa: E402  (the book's own Sphinx extension: the version it prints, the names it links)

from mem.plots import style  # noqa: E402

#: Where every page's full-page screenshot at 1280 px goes (a reviewer looks at them; the checks below
#: measure what they show).
SHOTS = ROOT / "_build" / "screenshots"
WIDTH = 1280
TQDM = re.compile(r"\d+%\|.*\|\s*\d+/\d+|\[\d+:\d\d(<|,)|\d+(\.\d+)?it/s")
DEAD_CONTROLS = ('script[type="application/vnd.jupyter.widget-view+json"]', ".jupyter-widgets", ".widget-slider",
                 'input[type="range"]', "select.widget-dropdown")
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
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):     # one line per request would bury the test report
            pass
    handler = functools.partial(Quiet, directory=str(HTML))
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
        context = browser.new_context(viewport={"width": WIDTH, "height": 900})
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


def _png_text_px(src: str, rendered_width: float) -> float:
    """Smallest text of the figure at ``src`` in CSS px as rendered ``rendered_width`` px wide."""
    from PIL import Image
    path = HTML / unquote(urlparse(src).path).lstrip("/")
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert "mem:smallest_text_pt" in image.text, f"{path.name}: a figure not made by mem.plots.style.png"
    points, dpi = float(image.text["mem:smallest_text_pt"]), float(image.text["mem:dpi"])
    return points * dpi / 72 * rendered_width / image.size[0]


@pytest.mark.parametrize("path", PAGES, ids=[p.stem for p in PAGES])
def test_what_a_reader_sees_at_1280_px(server, page, path):
    """Figures legible with numbered captions and alt text, click to enlarge, no dead control, no progress
    bar, code that fits the column, `mem.*` names linked to the API page, the version in the footer."""
    where = path.relative_to(ROOT).with_suffix("")
    page.goto(f"{server}/{where.as_posix()}.html", wait_until="load")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path.stem}.png"), full_page=True)
    # open what a reader can open (exercise solutions, hidden code), so that every figure is measured as shown
    page.eval_on_selector_all("article details", "els => els.forEach(e => { e.open = true; })")
    figures = page.eval_on_selector_all("article .cell_output img", """els => els.map(e => ({
        src: e.currentSrc, alt: e.alt, width: e.getBoundingClientRect().width,
        caption: e.closest("figure") ? (e.closest("figure").querySelector("figcaption") || {}).innerText : null}))""")
    n_images = _notebook(path)[2]
    assert len(figures) == n_images
    column = page.eval_on_selector("article", "e => e.getBoundingClientRect().width")
    for f in figures:
        name = f["src"].rsplit("/", 1)[-1]
        assert f["caption"] and re.match(r"Fig\. \d+(\.\d+)*", f["caption"]), f"{name}: no numbered caption"
        alt = f["alt"]
        assert len(alt) >= 30 and not re.search(r"\.(png|svg)$|^[0-9a-f]{16,}", alt), f"{name}: alt text {alt!r}"
        assert 0 < f["width"] <= column + 1, f"{name}: {f['width']} px wide in a {column} px column"
        px = _png_text_px(f["src"], f["width"])
        assert px >= style.MIN_TEXT_PX, f"{name}: smallest text {px:.1f} CSS px (at least {style.MIN_TEXT_PX})"
    if figures:    # click to enlarge, Escape to close
        page.locator("article .cell_output img").first.click()
        box = page.locator(".mem-lightbox")
        assert box.is_visible() and page.eval_on_selector(".mem-lightbox img", "e => e.complete && e.naturalWidth") > 0
        assert page.url.endswith(f"{where.as_posix()}.html"), "the click left the page"
        page.keyboard.press("Escape")
        assert not box.is_visible()
    for selector in DEAD_CONTROLS:
        assert page.locator(selector).count() == 0, f"a control no kernel drives: {selector}"
    text = page.inner_text("main")
    assert not re.search(r"(interactive|VBox|HBox)\(children=", text), "a widget's repr on the page"
    progress = TQDM.search(text)
    assert progress is None, f"progress-bar text on the page: {progress.group(0)!r}"
    # the code in view fits the column (hidden cells are exempt until opened)
    wide = page.eval_on_selector_all(
        "div.cell:not(.tag_hide-input):not(.tag_hide-cell):not(.tag_remove-input) .cell_input pre",
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.slice(0, 60))")
    assert not wide, f"code cells wider than the column: {wide}"
    # every `mem.*` name that the API page documents links there
    objects = page.evaluate("""() => Array.from(document.querySelectorAll("article code.literal"))
        .filter(c => !c.closest("pre")).map(c => [c.innerText, c.closest("a") ? c.closest("a").href : null])""")
    api = _documented()
    for text_, href in objects:
        m = mem_book.NAME.match(text_)
        target = mem_book._target(api, m.group(0)) if m else None
        if target is not None:
            anchor = href.split("#")[-1] if href else ""
            assert href and href.split("#")[0].endswith("book/api.html") and anchor in (target, "module-" + target), \
                f"{text_!r} does not link to its API entry ({href})"
    footer = page.inner_text("footer .mem-version")
    assert f"version {mem_book.version()}" in footer and "CC BY 4.0" in footer and "MIT" in footer, footer


@functools.lru_cache(maxsize=1)
def _documented() -> dict:
    """The Python objects the built book documents (its objects.inv), as mem_book's lookup takes them."""
    from sphinx.util.inventory import InventoryFile
    with open(HTML / "objects.inv", "rb") as f:
        inv = InventoryFile.load(f, "", lambda base, uri: uri)
    return {name: None for kind, entries in inv.items() if kind.startswith("py:") for name in entries}


def test_the_api_page_and_the_glossary_carry_the_version_too(server, page):
    for where in ("book/api", "book/glossary", "book/bibliography"):
        page.goto(f"{server}/{where}.html", wait_until="load")
        page.screenshot(path=str(SHOTS / f"{where.replace('/', '_')}.png"), full_page=True)
        assert f"version {mem_book.version()}" in page.inner_text("footer .mem-version"), where
