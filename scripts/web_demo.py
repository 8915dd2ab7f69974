"""A real `nianbao serve` on a free local port, for the browser tests, the screenshots in samples/ and the
load benchmark; and the county's first steps driven through headless Chromium.

Run from the project root to refresh the screenshots:  python scripts/web_demo.py
"""

from __future__ import annotations

import base64
import contextlib
import os
import queue
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class Running:
    """A server started by `serve`: its address, the setup link it printed, its process and data folder."""

    base: str
    setup: str
    process: subprocess.Popen[str]
    data: Path


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve(data: Path | None = None, timeout: float = 60) -> Iterator[Running]:
    """`nianbao serve` in a child process until the block ends; the setup link read from what it prints."""
    folder = data or Path(tempfile.mkdtemp(prefix="nianbao-web-"))
    port = free_port()
    command = [sys.executable, "-c", "from generator.cli import main; main()", "serve", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--data", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    pump = threading.Thread(target=_pump, args=(process, lines), daemon=True)
    pump.start()
    base = f"http://127.0.0.1:{port}"
    try:
        setup = _wait_until_ready(process, lines, base, timeout)
        yield Running(base, setup, process, folder)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        pump.join(10)
        if process.stdout is not None:
            process.stdout.close()


def _pump(process: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.put(line)


def _wait_until_ready(process: subprocess.Popen[str], lines: queue.Queue[str], base: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    printed = ""
    while time.monotonic() < deadline:
        with contextlib.suppress(queue.Empty):
            while True:
                printed += lines.get_nowait()
        if process.poll() is not None:
            raise RuntimeError(f"nianbao serve ended:\n{printed}")
        if "Application startup complete" in printed:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/", timeout=5).read()
                found = re.search(r"(http://\S+/county/setup/\S+)", printed)
                return found.group(1) if found else ""
        time.sleep(0.1)
    raise RuntimeError(f"nianbao serve did not start in {timeout:g} s:\n{printed}")


# --- the county's first steps in a browser --------------------------------------------------------------


def fill(driver: Any, fields: dict[str, str]) -> None:
    """Type into the inputs named by id."""
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        box = driver.find_element(By.ID, name)
        box.clear()
        box.send_keys(value)


def submit(driver: Any, form_selector: str = "main form") -> None:
    """Press the submit button of a form and wait for the next page."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.CSS_SELECTOR, f"{form_selector} button[type=submit]").click()
    # mid-navigation chromedriver may answer "node does not belong to the document": ask again
    wait = WebDriverWait(driver, 60, ignored_exceptions=(WebDriverException,))
    wait.until(expected_conditions.staleness_of(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")


def set_up_county(driver: Any, running: Running, county: str = "新绛县") -> None:
    """Open the printed setup link and set the county account (logged in afterwards)."""
    driver.get(running.setup)
    fill(driver, {"county": county, "username": "admin", "password": PASSWORD, "confirm": PASSWORD})
    submit(driver)


def add_unit(driver: Any, running: Running, *names: str) -> None:
    """Put units on the roster from the county's page."""
    driver.get(running.base + "/county")
    fill(driver, {"names": "\n".join(names)})
    submit(driver, "form[action='/county/units']")


def link_of(driver: Any, running: Running, name: str) -> str:
    """A unit's submission link, as the county copies it from its page."""
    from selenium.webdriver.common.by import By

    driver.get(running.base + "/county")
    return str(driver.find_element(By.CSS_SELECTOR, f"input[aria-label='{name}的报送链接']").get_attribute("value"))


def send(driver: Any, link: str, file: Path) -> None:
    """A unit sends a file through its link."""
    from selenium.webdriver.common.by import By

    driver.get(link)
    driver.find_element(By.ID, "file").send_keys(str(file))
    submit(driver, "form.upload")


def screenshot(driver: Any, png: Path, width: int = 1200, height: int | None = None) -> Path:
    """The page as shown (down to `height` CSS pixels, or whole)."""
    full = int(driver.execute_script("return document.documentElement.scrollHeight"))
    shown = min(full, height) if height else full
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": shown, "deviceScaleFactor": 1, "mobile": False}
    )
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {"format": "png", "clip": {"x": 0, "y": 0, "width": width, "height": shown, "scale": 1}},
    )
    png.write_bytes(base64.b64decode(shot["data"]))
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    return png


def write_screenshots(folder: Path) -> list[Path]:
    """samples/web-clerk.png (the check of the seed as printed) and samples/web-county.png (a roster with
    units passed, sent back and not reported)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from browser import chromium
    from selenium.webdriver.common.by import By

    inputs = ROOT / "inputs"
    with serve() as running, chromium(1200, 900) as driver:
        driver.get(running.base + "/")
        driver.find_element(By.ID, "file").send_keys(str(inputs / "seed-as-printed.xlsx"))
        submit(driver, "form.upload")
        clerk = screenshot(driver, folder / "web-clerk.png")
        set_up_county(driver, running)
        add_unit(
            driver,
            running,
            "新绛县三泉镇人民政府",
            "新绛县古交镇人民政府",
            "新绛县北张镇人民政府",
            "新绛县泽掌镇人民政府",
        )
        send(driver, link_of(driver, running, "新绛县三泉镇人民政府"), inputs / "seed.xlsx")
        send(driver, link_of(driver, running, "新绛县北张镇人民政府"), inputs / "seed-as-printed.xlsx")
        driver.get(running.base + "/county")
        county = screenshot(driver, folder / "web-county.png")
    return [clerk, county]


if __name__ == "__main__":
    for path in write_screenshots(ROOT / "samples"):
        print(path.relative_to(ROOT))
