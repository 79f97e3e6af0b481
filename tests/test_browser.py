"""The built site as a reader meets it, in headless Chromium (Debian's package; `make test`
installs it when it can): the landing page, every chapter and exercise reached through the
sidebar, figures that load, formulas that MathJax typesets without an error, search that finds a
chapter word, and launch buttons that point at notebooks that exist. Screenshots of the landing
page and one chapter are kept in _build/screenshots.

Needs the site (`make book` first; `.ci/run` builds it before `make test`). The site loads MathJax
from a CDN, which this offline test serves from a local copy of the same release
(`make browser` fetches it from npm)."""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
MATHJAX = ROOT / ".venv" / "share" / "mathjax"  # the npm package mathjax@3, unpacked
# Debian's package here; GitHub's Ubuntu runners ship Google Chrome instead
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))
                 if p), "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(not (SITE / "index.html").exists(),
                       reason="no built site: run `make book` first (CI builds it before the tests)"),
    pytest.mark.skipif(not os.path.exists(CHROMIUM),
                       reason="no Chromium: `make browser` installs Debian's package (as root)"),
    pytest.mark.skipif(not (MATHJAX / "es5").is_dir(),
                       reason="no local MathJax: `make browser` fetches it from npm"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site():
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, site):
    """A page on which the site is the only network: MathJax comes from the local copy, every
    other request off the site is refused and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.blocked, pg.errors = [], []

    def route(r):
        url = r.request.url
        if url.startswith(site):
            return r.continue_()
        m = re.search(r"/mathjax@3[^/]*/(es5/.*)$", urlparse(url).path)
        if m and (MATHJAX / m.group(1)).is_file():
            return r.fulfill(path=str(MATHJAX / m.group(1)))
        pg.blocked.append(url)
        return r.abort()

    pg.route("**/*", route)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    context.close()


def _pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [c["file"] for part in toc["parts"] for c in part["chapters"]]


def _wait_for_math(pg):
    pg.wait_for_function(
        "() => !document.querySelector('.math') || (window.MathJax && MathJax.startup"
        " && MathJax.startup.promise && (MathJax.startup.promise.then(() => window.__typeset = 1),"
        " window.__typeset === 1))", timeout=30_000)


def test_sidebar_reaches_every_page_with_figures_math_and_launch_links(page, site):
    page.goto(f"{site}/index.html")  # a redirect to the root document
    page.wait_for_url("**/intro.html")
    page.wait_for_load_state("load")
    links = page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference.internal", "els => els.map(e => e.href)")
    reached = {urlparse(u).path.lstrip("/").removesuffix(".html") for u in links}
    wanted = [p for p in _pages() if p.startswith(("chapters/", "exercises/"))]
    missing = [p for p in wanted if p not in reached]
    assert not missing, f"pages the sidebar does not link: {missing}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "landing.png"), full_page=False)
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = cfg["repository"]["url"].removeprefix("https://github.com/")
    problems, n_figures, n_formulas = [], 0, 0
    for url in links:
        path = urlparse(url).path.lstrip("/").removesuffix(".html")
        if path not in wanted:
            continue
        page.goto(url)
        _wait_for_math(page)
        broken = page.eval_on_selector_all(
            "article img", "els => els.filter(e => !e.complete || e.naturalWidth === 0)"
            ".map(e => e.getAttribute('src'))")
        problems += [f"{path}: figure does not load: {src}" for src in broken]
        if path.startswith("chapters/") and page.locator("article .cell_output img").count() < 2:
            problems.append(f"{path}: fewer than two figures shown")
        n_figures += page.locator("article img").count()
        n_math = page.locator("article .math").count()
        n_typeset = page.locator("article mjx-container").count()
        n_formulas += n_typeset
        if n_math and n_typeset < n_math:
            problems.append(f"{path}: {n_math - n_typeset} of {n_math} formulas not typeset")
        for err in page.eval_on_selector_all(
                "mjx-merror", "els => els.map(e => e.getAttribute('data-mjx-error') || e.textContent)"):
            problems.append(f"{path}: MathJax error: {err}")
        colab = page.eval_on_selector_all(
            "a[href*='colab.research.google.com']", "els => els.map(e => e.href)")
        if not colab:
            problems.append(f"{path}: no Colab launch button")
        for href in colab:
            m = re.search(rf"/github/{re.escape(repo)}/blob/[^/]+/(.+\.ipynb)$", unquote(href))
            if not m or not (ROOT / m.group(1)).is_file():
                problems.append(f"{path}: launch button points at no notebook: {href}")
        if path == "chapters/03_transformers":
            page.screenshot(path=str(SHOTS / "chapter.png"), full_page=False)
        problems += [f"{path}: script error: {e}" for e in page.errors]
        page.errors.clear()
    assert not problems, "\n".join(problems)
    assert (SHOTS / "chapter.png").exists()
    assert n_formulas > 100, f"only {n_formulas} formulas typeset in the whole book"
    off_site = {urlparse(u).netloc for u in page.blocked}
    print(f"browser: {len(wanted)} pages, {n_figures} figures loaded, {n_formulas} formulas "
          f"typeset; requests off the site refused: {sorted(off_site)}")


def test_search_finds_a_chapter_word(page, site):
    page.goto(f"{site}/search.html?q=perplexity")
    page.wait_for_selector("#search-results li", timeout=30_000)
    hits = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any("/chapters/" in h for h in hits), f"search for 'perplexity' found {hits}"
