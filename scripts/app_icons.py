"""Draw the home-screen icons of the public page (shared/app-icon-*.png)
from the same pin as the favicon, with Debian's Chromium.

    .venv/bin/python scripts/app_icons.py

The PNGs are committed; run this again only when the favicon changes.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

SHARED = Path(__file__).resolve().parents[1] / "angela" / "static" / "shared"
PURPLE = "#5a2d82"
PIN = (
    '<path d="M16 27s-8-7-8-13a8 8 0 0 1 16 0c0 6-8 13-8 13z" fill="#fff"/>'
    f'<circle cx="16" cy="14" r="3" fill="{PURPLE}"/>'
)
# Rounded like the favicon; the maskable one fills its square and keeps the
# pin inside the central safe zone (a circle of 80 % of the width).
ICONS = {
    "app-icon-192.png": (192, f'<rect width="32" height="32" rx="7" fill="{PURPLE}"/>{PIN}'),
    "app-icon-512.png": (512, f'<rect width="32" height="32" rx="7" fill="{PURPLE}"/>{PIN}'),
    "app-icon-maskable-512.png": (
        512,
        f'<rect width="32" height="32" fill="{PURPLE}"/>'
        f'<g transform="translate(16 16) scale(0.7) translate(-16 -15.5)">{PIN}</g>',
    ),
}


def main() -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        for name, (size, drawing) in ICONS.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            svg = (
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" '
                f'width="{size}" height="{size}">{drawing}</svg>'
            )
            page.set_content(f"<body style='margin:0'>{svg}</body>")
            page.screenshot(path=str(SHARED / name), omit_background=True)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
