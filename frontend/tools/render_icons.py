"""Draw the app icons: an SVG, and PNGs rasterised from it by Debian's Chromium.

Run from the repository root after changing tools/icon.svg.tmpl:
    .venv/bin/python frontend/tools/render_icons.py
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "public" / "icons"
TEMPLATE = (HERE / "icon.svg.tmpl").read_text()

ROUNDED = '<rect width="512" height="512" rx="112" fill="#1b5e20"/>'
# Maskable icons are cropped by the launcher: full-bleed ground, artwork inside the safe circle.
FULL = '<rect width="512" height="512" fill="#1b5e20"/>'


def svg(background: str, scale: float) -> str:
    offset = 256 * (1 - scale)
    transform = f"translate({offset:.1f} {offset:.1f}) scale({scale})"
    return TEMPLATE.replace("{BACKGROUND}", background).replace("{TRANSFORM}", transform)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon = svg(ROUNDED, 1.0)
    (OUT / "icon.svg").write_text(icon)
    targets = [
        ("icon-192.png", icon, 192),
        ("icon-512.png", icon, 512),
        ("maskable-512.png", svg(FULL, 0.72), 512),
        ("apple-touch-icon.png", svg(FULL, 0.8), 180),
        # The notification badge: Android keeps only its alpha, so the bin alone, no ground.
        ("badge-96.png", svg("", 1.2), 96),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page()
        for name, source, size in targets:
            page.set_viewport_size({"width": size, "height": size})
            page.set_content(
                "<style>html,body{margin:0;background:transparent}svg{display:block;"
                f"width:{size}px;height:{size}px}}</style>{source}"
            )
            page.screenshot(path=str(OUT / name), omit_background=True)
        browser.close()


if __name__ == "__main__":
    main()
