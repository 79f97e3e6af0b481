"""Checks the built HTML book (run by `make book`): every chapter and exercise page exists,
executed chapters show figures and no errors, and Colab launch links point at the right files."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


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
        if page.startswith("chapters/"):
            if "output_error" in text or re.search(r"Traceback \(most recent call last\)", text):
                problems.append(f"{page}: an executed cell shows an error")
            if "Warning:" in text and "output stderr" in text:
                problems.append(f"{page}: warnings in the rendered output")
            if text.count("<img") < 2:
                problems.append(f"{page}: fewer than two figures rendered")
    for p in problems:
        print("book check:", p)
    if not problems:
        print(f"book check: {len(pages)} pages, Colab links and executed chapters look right")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "_build/html"))
