"""Measure how the site's diagrams and print read, in Debian's Chromium (never a downloaded browser).

    .venv/bin/python scripts/sitemeasure.py [SITE_DIR] [--pdf-dir DIR] [--screens DIR]

SITE_DIR is a built site (`mkdocs build --site-dir SITE_DIR`; built into a temporary folder
when left out). Prints, per procedure with a diagram: the share of decision branches whose
condition text is in the drawn diagram, the smallest and median text size in CSS px at 390 px
width (fitted, and after «Vis diagrammet større»), the diagram's height; and the A4 page
count of the print page and the chain pages (Chromium's PDF). The figures go into the
round's notes; no test pins them (tests assert relations: tests/test_browser_print.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from sitebuild import Server  # noqa: E402
from printlib import DIAGRAM_TEXT, TEXT_SIZES, open_browser, pdf_pages, wait_ready  # noqa: E402


def conditions(repo) -> dict:
    out = {}
    for entry in repo.of("chain") + repo.of("routine"):
        conds = [b.get("condition") for s in entry.data.get("steps") or [] if s.get("type") == "decision"
                 for b in s.get("branches") or [] if isinstance(b, dict) and b.get("condition")]
        out[entry.id] = (entry.kind, conds)
    return out


def measure(site: Path, pdf_dir: Path | None, screens: Path | None) -> dict:
    from checks.rules.analysis import run_checks
    repo, _ = run_checks(ROOT)
    result = {"diagrams": {}, "pdf": {}}
    server = Server(site)
    with open_browser() as browser:
        for pid, (kind, conds) in conditions(repo).items():
            folder = "kjeder" if kind == "chain" else "rutiner"
            row = {"branches": len(conds)}
            for width in (390, 1366):
                ctx = browser.new_context(viewport={"width": width, "height": 844}, service_workers="block")
                page = ctx.new_page()
                page.goto(server.url(f"{folder}/{pid}.html"))
                wait_ready(page)
                text = " ".join(page.evaluate(DIAGRAM_TEXT))
                flat = " ".join(text.replace("\u00a0", " ").split())
                seen = [c for c in conds if " ".join(c.split()) in flat]
                sizes = page.evaluate(TEXT_SIZES)
                box = page.locator(".sh-diagram__svg svg").first.bounding_box()
                row[f"{width}"] = {"visible": len(seen), "min_px": round(min(sizes), 1) if sizes else None,
                                   "median_px": round(statistics.median(sizes), 1) if sizes else None,
                                   "height": round(box["height"]) if box else None,
                                   "width": round(box["width"]) if box else None}
                if width == 390 and page.locator(".sh-diagram__zoom").count():
                    page.locator(".sh-diagram__zoom").first.click()
                    sizes = page.evaluate(TEXT_SIZES)
                    row["390-zoomed"] = {"min_px": round(min(sizes), 1) if sizes else None,
                                         "median_px": round(statistics.median(sizes), 1) if sizes else None}
                if screens and pid == "standard-plo-kjede":
                    screens.mkdir(parents=True, exist_ok=True)
                    page.locator("figure.sh-diagram").first.screenshot(path=str(screens / f"diagram-{width}.png"))
                ctx.close()
            result["diagrams"][pid] = row
        for path in ["utskrift.html"] + [f"kjeder/{e.id}.html" for e in repo.of("chain")] + \
                [f"rutiner/{e.id}.html" for e in repo.of("routine")[:3]]:
            ctx = browser.new_context(viewport={"width": 794, "height": 1123}, service_workers="block")
            page = ctx.new_page()
            page.goto(server.url(path))
            wait_ready(page)
            pdf = page.pdf(format="A4", print_background=True)
            if pdf_dir:
                pdf_dir.mkdir(parents=True, exist_ok=True)
                (pdf_dir / (path.replace("/", "-").replace(".html", ".pdf"))).write_bytes(pdf)
            result["pdf"][path] = pdf_pages(pdf)
            ctx.close()
    server.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?")
    parser.add_argument("--pdf-dir", type=Path)
    parser.add_argument("--screens", type=Path)
    args = parser.parse_args()
    site = Path(args.site) if args.site else Path(tempfile.mkdtemp(prefix="sitemeasure-")) / "site"
    if not args.site:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                       cwd=ROOT, check=True)
    print(json.dumps(measure(site, args.pdf_dir, args.screens), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
