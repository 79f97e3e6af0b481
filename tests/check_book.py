"""Checks the built HTML book (run by `make book`): every chapter and exercise page exists,
executed chapters show figures (each with alt text) and no errors or widgets, Colab launch links
point at the right files, and the prose renders its maths: no sentence swallowed into a formula,
no stray dollar sign."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# TeX commands whose argument is text, and words that are maths, not prose
_TEXT_ARG = re.compile(r"\\(?:text\w*|operatorname|math\w+|boldsymbol|label|tag|begin|end)\s*\{[^{}]*\}")
_MATH_WORDS = {"arg", "cos", "det", "exp", "log", "max", "min", "sin", "softmax", "sum", "tanh"}


def math_problems(body: str) -> list[str]:
    """Formulas that contain prose (two or more plain words of 3+ letters outside ``\\text{}``:
    what a display formula written against a paragraph, or an unpaired ``$``, renders as) and
    dollar signs left in the prose (outside maths, code and cell outputs)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    out = []
    for m in soup.select(".math"):
        tex = _TEXT_ARG.sub(" ", m.get_text())
        words = [w for w in re.findall(r"(?<![\\a-zA-Z])[a-zA-Z]{3,}(?![a-zA-Z])", tex)
                 if w not in _MATH_WORDS]
        if len(words) >= 2:
            out.append(f"prose inside a formula: {m.get_text()[:80]!r}")
    for tag in soup.select(".math, code, pre, script, style, .cell_output, .output"):
        tag.decompose()
    for line in soup.get_text().splitlines():
        if "$" in line:
            out.append(f"a stray $ in the text: {line.strip()[:80]!r}")
    return out


def figure_problems(body: str) -> list[str]:
    """Figures without a description (an image whose alt text is missing or its own file name,
    which is what a figure cell without ``mystnb.image.alt`` metadata renders as) and notebook
    widgets (a progress bar's widget needs a CDN script to show anything)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    out = []
    for img in soup.select(".cell_output img"):
        alt = (img.get("alt") or "").strip()
        if not alt or re.search(r"\.(png|jpe?g|svg)$", alt) or "_images/" in alt:
            out.append(f"a figure without alt text ({img.get('src', '?')})")
    if soup.select('script[type="application/vnd.jupyter.widget-view+json"]'):
        out.append("a notebook widget in an output (print a line instead)")
    return out


def main(html_dir: str) -> int:
    html = Path(html_dir)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = cfg["repository"]["url"].removeprefix("https://github.com/")
    branch = cfg["repository"].get("branch", "main")
    problems = []
    pages = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    for page in pages:
        out = html / f"{page}.html"
        if not out.exists():
            problems.append(f"missing page {out}")
            continue
        text = out.read_text()
        if page.startswith(("chapters/", "exercises/")):
            colab = f"https://colab.research.google.com/github/{repo}/blob/{branch}/{page}.ipynb"
            if colab not in text:
                problems.append(f"{page}: no Colab launch link to {colab}")
            if not (ROOT / f"{page}.ipynb").exists():
                problems.append(f"{page}: the Colab link points to a file that does not exist")
        name = page.rsplit("/", 1)[-1]
        body = text.split('<article class="bd-article">', 1)[-1].split("</article>", 1)[0]
        if page.startswith("chapters/") and f'href="../exercises/{name}/{name}.html' not in body:
            problems.append(f"{page}: no working link to its exercise")
        if page.startswith("exercises/") and f'href="../../chapters/{name}.html' not in body:
            problems.append(f"{page}: no working link back to its chapter")
        problems += [f"{page}: {p}" for p in math_problems(body)]
        if page.startswith("chapters/"):
            if "output_error" in text or re.search(r"Traceback \(most recent call last\)", text):
                problems.append(f"{page}: an executed cell shows an error")
            if "Warning:" in text and "output stderr" in text:
                problems.append(f"{page}: warnings in the rendered output")
            if text.count("<img") < 2:
                problems.append(f"{page}: fewer than two figures rendered")
            problems += [f"{page}: {p}" for p in figure_problems(body)]
    for p in problems:
        print("book check:", p)
    if not problems:
        print(f"book check: {len(pages)} pages, Colab links and executed chapters look right")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
