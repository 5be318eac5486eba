"""Screenshots of output/map.html for the README (headless Debian Chromium via Playwright).

Run after `geomap build`:  python scripts/screenshot.py
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SHOTS = [  # (file, date, place whose popup is open or "", map centre, zoom, screen size)
    ("docs/screenshot.png", "2018-12-15", "", (34.62, 40.72), 10, (1280, 800)),
    ("docs/screenshot-popup.png", "2019-03-12", "baghuz_fawqani", (34.62, 40.9), 10, (1280, 800)),
    ("docs/screenshot-al-hol.png", "2019-03-15", "al_hol_camp", (35.9, 41.0), 8, (1280, 800)),
    # the layout at a phone's, a tablet's and a desktop's size
    ("docs/screenshot-375x667.png", "2018-12-15", "", (34.62, 40.8), 9, (375, 667)),
    ("docs/screenshot-768x1024.png", "2018-12-15", "", (34.62, 40.8), 10, (768, 1024)),
    ("docs/screenshot-1440x900.png", "2018-12-15", "", (34.62, 40.72), 10, (1440, 900)),
]


def main() -> None:
    page_path = ROOT / "output" / "map.html"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as play:
        browser = play.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        for name, date, place, (lat, lon), zoom, (width, height) in SHOTS:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(page_path.as_uri() + f"#date={date}")
            while not page.evaluate("() => window.geomap !== undefined"):
                time.sleep(0.05)
            page.evaluate(f"() => window.geomap.map.setView([{lat}, {lon}], {zoom})")
            if place:
                page.evaluate(f"() => window.geomap.select('{place}')")
            time.sleep(0.5)
            page.screenshot(path=str(ROOT / name))
            print(f"wrote {name}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
