"""Checks every internal link of the built site.

    python docs/scripts/check_links.py target/site [--skip generated/rust]

For every HTML page (pages under a --skip folder, i.e. rustdoc's own output,
are not themselves checked, but links *into* them are), every relative
``href``/``src`` must name a file of the site (a folder means its
index.html), and a ``#fragment`` must be an ``id`` (or ``name``) on that
page. External links (``http:``, ``https:``, ``mailto:``, ``data:``) are not
followed. Exits 1 listing each broken link with the page it is on.
"""

from __future__ import annotations

import argparse
import sys
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "blob:", "tel:")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id",) or (name == "name" and tag == "a"):
                self.ids.add(value)
            if (name == "href" and tag in ("a", "link", "area")) or (name == "src" and tag in ("img", "script", "iframe", "source")):
                self.links.append(value)


@cache
def parse(path: Path) -> Links:
    parser = Links()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser


def resolve(site: Path, page: Path, link: str) -> tuple[Path | None, str]:
    parts = urlsplit(link)
    if parts.path == "":
        return page, unquote(parts.fragment)
    if parts.path.startswith("/"):
        target = site / unquote(parts.path).lstrip("/")
    else:
        target = page.parent / unquote(parts.path)
    target = Path(*[p for p in target.parts])
    if target.is_dir():
        target = target / "index.html"
    return (target if target.exists() else None), unquote(parts.fragment)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--skip", action="append", default=[], help="a folder (relative to the site) whose pages are not checked")
    args = parser.parse_args()
    site = args.site.resolve()
    skip = [site / s for s in args.skip]
    pages = [p for p in sorted(site.rglob("*.html")) if not any(p.is_relative_to(s) for s in skip)]
    if not pages:
        print(f"no HTML pages under {site}", file=sys.stderr)
        return 1
    broken = []
    checked = 0
    for page in pages:
        for link in parse(page).links:
            if link.startswith(EXTERNAL) or link.startswith("//"):
                continue
            checked += 1
            target, fragment = resolve(site, page, link)
            rel = page.relative_to(site)
            if target is None:
                broken.append(f"{rel}: {link} (no such file)")
            elif (
                fragment
                and target.suffix == ".html"
                and not any(target.is_relative_to(s) for s in skip)
                and fragment not in parse(target.resolve()).ids
            ):
                broken.append(f"{rel}: {link} (no id {fragment!r} on {target.resolve().relative_to(site)})")
    for line in broken:
        print(f"broken link: {line}", file=sys.stderr)
    print(f"check_links: {len(pages)} pages, {checked} internal links, {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
