"""The built site, rendered in headless Chromium: the home page is not blank,
and the notebook page carries every figure of the executed notebook, each a
real picture that the browser decodes and draws.

Run after `make docs`: ``.venv-docs/bin/python -m pytest -q tests/docs``.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import nbformat
import pytest
from PIL import Image, ImageChops, ImageStat

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "quickstart"
SHOTS = REPO / "target" / "docs-screenshots"  # kept for people to look at
SHOTS.mkdir(parents=True, exist_ok=True)
DATA_PNG = re.compile(r'<img[^>]*\bsrc="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')


def not_blank(image: Image.Image, *, min_colours: int, min_ink: float) -> tuple[bool, str]:
    """A picture is not blank when it has at least ``min_colours`` distinct
    colours and at least ``min_ink`` of its pixels differ from its most
    common (background) colour."""
    rgb = image.convert("RGB")
    colours = rgb.getcolors(maxcolors=1 << 20) or []
    background = max(colours)[1] if colours else (255, 255, 255)
    n = rgb.width * rgb.height
    ink = 1.0 - max(colours)[0] / n if colours else 0.0
    detail = f"{len(colours)} colours, {ink:.1%} of {rgb.width}×{rgb.height} pixels differ from the background {background}"
    return len(colours) >= min_colours and ink >= min_ink, detail


def page_figures(html: str) -> list[Image.Image]:
    return [Image.open(io.BytesIO(base64.b64decode(re.sub(r"\s", "", m)))) for m in DATA_PNG.findall(html)]


def executed_figures() -> int:
    nb = nbformat.read(REPO / "docs" / "generated" / "notebooks" / f"{NOTEBOOK}.ipynb", as_version=4)
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_not_blank_tells_a_uniform_picture_from_a_figure() -> None:
    uniform = Image.new("RGB", (200, 100), (255, 255, 255))
    assert not not_blank(uniform, min_colours=16, min_ink=0.01)[0]
    drawn = uniform.copy()
    for x in range(200):
        for y in range(20, 20 + x % 60):
            drawn.putpixel((x, y), (x, 255 - x, (x * 7) % 256))
    assert not_blank(drawn, min_colours=16, min_ink=0.01)[0]


def test_home_page_renders(site: Path, browser, tmp_path: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "football (soccer) probability engine" in html
    shot = Image.open(browser.screenshot(site / "index.html", SHOTS / "home.png"))
    ok, detail = not_blank(shot, min_colours=32, min_ink=0.03)
    assert ok, f"the home page screenshot looks blank: {detail}"
    # The header bar is drawn (Material's primary colour, not white).
    top = shot.convert("RGB").crop((0, 0, shot.width, 40))
    assert ImageStat.Stat(top).mean[1] < 250, "no header bar at the top of the home page: the theme's CSS did not load"


def notebook_page(site: Path) -> Path:
    page = site / "generated" / "notebooks" / NOTEBOOK / "index.html"
    assert page.is_file(), f"no notebook page {page}"
    return page


def test_notebook_page_has_every_figure(site: Path) -> None:
    figures = page_figures(notebook_page(site).read_text(encoding="utf-8"))
    expected = executed_figures()
    assert expected >= 1, "the executed notebook has no figure"
    assert len(figures) == expected, f"the page has {len(figures)} PNG figures, the executed notebook {expected}"
    for i, figure in enumerate(figures, 1):
        assert figure.width >= 200 and figure.height >= 150, f"figure {i} is only {figure.size}"
        ok, detail = not_blank(figure, min_colours=16, min_ink=0.02)
        assert ok, f"figure {i} of the notebook page is blank: {detail}"


PROBE = """
<script>
const SHOW_FIRST_FIGURE_ALONE = false;
window.addEventListener("load", () => {
  const imgs = [...document.querySelectorAll('img[src^="data:image/png"]')];
  const out = document.createElement("pre");
  out.id = "doc-test-result";
  out.textContent = JSON.stringify(imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight,
                                                 i.getBoundingClientRect().width, i.getBoundingClientRect().height]));
  document.body.appendChild(out);
  if (imgs.length && SHOW_FIRST_FIGURE_ALONE) {
    const figure = imgs[0].cloneNode();
    figure.style.cssText = "position:fixed;left:0;top:0;z-index:100000;width:auto;height:auto;max-width:none;background:white";
    const cover = document.createElement("div");
    cover.style.cssText = "position:fixed;inset:0;z-index:99999;background:white";
    document.body.append(cover, figure);
  }
});
</script>
"""


def probed_copy(page: Path) -> Path:
    """The notebook page with PROBE added (beside it, so its CSS and scripts load)."""
    copy = page.with_name("doc-test-probe.html")
    html = page.read_text(encoding="utf-8")
    copy.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    return copy


def test_notebook_page_figures_render_in_chromium(site: Path, browser, tmp_path: Path) -> None:
    page = notebook_page(site)
    copy = probed_copy(page)
    try:
        dom = browser.dump_dom(copy)
        match = re.search(r'<pre id="doc-test-result">(.*?)</pre>', dom, re.DOTALL)
        assert match, "the probe did not run in the notebook page"
        shown = json.loads(match.group(1).replace("&quot;", '"'))
        assert len(shown) == executed_figures() >= 1
        for i, (complete, natural_w, natural_h, w, h) in enumerate(shown, 1):
            assert complete and natural_w > 0 and natural_h > 0, f"Chromium could not decode figure {i}"
            assert w >= 100 and h >= 100, f"figure {i} is drawn only {w:.0f}×{h:.0f} px"
    finally:
        copy.unlink(missing_ok=True)


def test_first_figure_is_drawn_pixel_for_pixel(site: Path, browser, tmp_path: Path) -> None:
    page = notebook_page(site)
    copy = probed_copy(page)
    html = copy.read_text(encoding="utf-8").replace("SHOW_FIRST_FIGURE_ALONE = false", "SHOW_FIRST_FIGURE_ALONE = true")
    copy.write_text(html, encoding="utf-8")
    try:
        first = page_figures(page.read_text(encoding="utf-8"))[0].convert("RGB")
        width, height = min(first.width, 1600), min(first.height, 1400)
        shot = Image.open(browser.screenshot(copy, SHOTS / "notebook-first-figure.png", width, height)).convert("RGB")
    finally:
        copy.unlink(missing_ok=True)
    ok, detail = not_blank(shot, min_colours=16, min_ink=0.02)
    assert ok, f"the screenshot of the first figure is blank: {detail}"
    expected = Image.new("RGB", (width, height), (255, 255, 255))
    expected.paste(first.crop((0, 0, width, height)), (0, 0))
    diff = ImageStat.Stat(ImageChops.difference(shot, expected)).mean
    assert max(diff) < 8.0, f"the drawn figure differs from the notebook's PNG by {diff} on average per channel"


def article_text(html: str) -> str:
    """The text of the page's content (Material's <article>), without the navigation."""
    match = re.search(r"<article[^>]*>(.*?)</article>", html, re.DOTALL)
    assert match, "no <article> in the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


@pytest.mark.parametrize("page", ["index.html", "model/index.html", "api/python/index.html", "generated/performance/index.html"])
def test_pages_have_content(site: Path, page: str) -> None:
    words = article_text((site / page).read_text(encoding="utf-8")).split()
    assert len(words) > 100, f"{page} has only {len(words)} words"


def test_server_api_page_lists_every_route(site: Path) -> None:
    spec = json.loads((REPO / "docs" / "generated" / "openapi.json").read_text(encoding="utf-8"))
    text = article_text((site / "generated" / "server-api" / "index.html").read_text(encoding="utf-8"))
    assert len(spec["paths"]) >= 10
    for path, item in spec["paths"].items():
        for method in item:
            assert f"{method.upper()} {path}" in text, f"{method.upper()} {path} is not on the server API page"
    for schema in spec.get("components", {}).get("schemas", {}):
        assert schema in text, f"schema {schema} is not on the server API page"


def test_gallery_shows_every_figure(site: Path) -> None:
    html = (site / "generated" / "gallery" / "index.html").read_text(encoding="utf-8")
    sources = re.findall(r'<img[^>]*\bsrc="([^"]+\.png)"', html)
    assert len(sources) >= executed_figures() >= 1
    for src in sources:
        image = Image.open((site / "generated" / "gallery" / src).resolve())
        ok, detail = not_blank(image, min_colours=16, min_ink=0.02)
        assert ok, f"gallery figure {src} is blank: {detail}"
