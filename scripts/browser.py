"""Headless Chromium for the HTML pages: screenshots for samples/ and the axe-core accessibility check.

Debian's /usr/bin/chromium and /usr/bin/chromedriver, driven by Selenium; axe-core comes inside the
axe-core-python package (no network). Used by scripts/regenerate.py and the browser tests.
"""

from __future__ import annotations

import base64
import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)
# WCAG 2.1 A and AA (GB/T 37668 follows WCAG 2.0 AA), and axe's best practices
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")


def available() -> bool:
    """Whether Chromium, its driver and the Python packages are here."""
    try:
        import axe_core_python  # noqa: F401
        import selenium  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


@contextlib.contextmanager
def chromium(width: int = 1000, height: int = 900) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, closed (and its profile removed) afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="nianbao-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_script_timeout(120)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def axe_violations(driver: Any, page: Path) -> list[dict[str, Any]]:
    """The axe-core violations of a page (WCAG 2.1 A/AA and best practices), each with its failing nodes."""
    from axe_core_python.selenium import Axe

    driver.get(page.resolve().as_uri())
    results = Axe().run(driver, options={"runOnly": {"type": "tag", "values": list(AXE_TAGS)}})
    return list(results["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    """Violations as readable lines for an assertion message."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in violations
    )


def screenshot(driver: Any, page: Path, png: Path, width: int = 1000) -> Path:
    """A PNG of the whole page at `width` CSS pixels (Chrome DevTools' full-page capture)."""
    driver.get(page.resolve().as_uri())
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True})
    png.write_bytes(base64.b64decode(shot["data"]))
    return png
