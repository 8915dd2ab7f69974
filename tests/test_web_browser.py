"""`nianbao serve` in real headless Chromium: the clerk's check without JavaScript (D29 highlighted with its
message, the fixed workbook downloaded as DOCX), the county's first start, a unit's submission and the
status it changes; the pages without accessibility violations (axe-core)."""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import ROOT

from generator import schema


def _script(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


browser = _script("browser")
demo = _script("web_demo")

REQUIRED = os.environ.get("NIANBAO_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.skipif(
    not browser.available() and not REQUIRED, reason="Chromium, chromedriver, selenium or axe-core-python missing"
)
PRINTED = ROOT / "inputs" / "seed-as-printed.xlsx"


@pytest.fixture(scope="module")
def running() -> Iterator[Any]:
    with demo.serve() as running:
        yield running


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with browser.chromium(1200, 900) as chromium:
        yield chromium


@pytest.fixture
def downloads(driver: Any, tmp_path: Path) -> Path:
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    return tmp_path


@pytest.fixture
def without_javascript(driver: Any) -> Iterator[None]:
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    yield
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def fixed_workbook(folder: Path) -> Path:
    """The seed as printed with its (七)总计 row corrected in the cells, as the clerk would."""
    from openpyxl import load_workbook

    book = load_workbook(PRINTED)
    for column in ("natural_person", "total"):
        field = schema.BY_PATH[f"requests.total.{column}"]
        book[field.sheet][field.cell] = 2
    path = folder / "年报（已改）.xlsx"
    book.save(path)
    return path


def check(driver: Any, running: Any, file: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.get(running.base + "/")
    driver.find_element(By.ID, "file").send_keys(str(file))
    demo.submit(driver, "form.upload")


def test_the_clerk_sees_d29_fixes_it_and_downloads_the_docx(
    driver: Any, running: Any, downloads: Path, without_javascript: None, tmp_path: Path
) -> None:
    from docx import Document
    from selenium.webdriver.common.by import By

    check(driver, running, PRINTED)
    html = driver.find_element(By.TAG_NAME, "html")
    assert "js" not in (html.get_attribute("class") or "").split()  # site.js did not run: the path works without it
    d29 = driver.find_element(By.CSS_SELECTOR, "td[data-cell='D29']")
    assert "error" in d29.get_attribute("class").split()
    assert d29.value_of_css_property("background-color") != driver.find_element(
        By.CSS_SELECTOR, "td[data-cell='E29']"
    ).value_of_css_property("background-color")
    message = driver.find_element(By.ID, d29.get_attribute("aria-describedby").split()[0])
    assert message.is_displayed()
    assert "D29" in message.text
    assert "按明细合计应为 2" in message.text
    cell, note = d29.rect, message.rect
    assert note["x"] > cell["x"] + cell["width"]  # beside it, to the right
    assert note["y"] < cell["y"] + cell["height"]
    assert note["y"] + note["height"] > cell["y"]  # on the same line
    assert not driver.find_elements(By.CSS_SELECTOR, "form[action='/build']")

    check(driver, running, fixed_workbook(tmp_path))
    assert "没有错误" in driver.find_element(By.CSS_SELECTOR, ".verdict").text
    driver.find_element(By.CSS_SELECTOR, "form[action='/build'] button[value='docx']").click()
    deadline = time.monotonic() + 60
    while not list(downloads.glob("*.docx")) and time.monotonic() < deadline:
        time.sleep(0.2)
    (docx,) = downloads.glob("*.docx")
    assert docx.name == "新绛县三泉镇人民政府2021年政府信息公开工作年度报告.docx"
    document = Document(io.BytesIO(docx.read_bytes()))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    total_row = next(row for row in rows if row and "（七）总计" in row)
    assert total_row[-7:] == ["2", "0", "0", "0", "0", "0", "2"]


@pytest.fixture(scope="module")
def county(driver: Any, running: Any) -> str:
    """The county set up through the printed link, logged in, with one unit: its submission link."""
    demo.set_up_county(driver, running)
    assert driver.current_url == running.base + "/county"
    demo.add_unit(driver, running, "新绛县三泉镇人民政府")
    return str(demo.link_of(driver, running, "新绛县三泉镇人民政府"))


def test_the_county_registers_a_unit_that_submits_through_its_link(driver: Any, running: Any, county: str) -> None:
    from selenium.webdriver.common.by import By

    def status() -> str:
        driver.get(running.base + "/county")
        row = driver.find_element(By.XPATH, "//tr[th/a[text()='新绛县三泉镇人民政府']]")
        return str(row.find_element(By.CSS_SELECTOR, "td.status").text)

    assert status() == "未报送"
    demo.send(driver, county, PRINTED)
    assert "发现 2 个错误" in driver.find_element(By.CSS_SELECTOR, ".verdict").text
    assert status() == "有错误"
    demo.send(driver, county, ROOT / "inputs" / "seed.xlsx")
    assert status() == "通过"


@pytest.mark.parametrize("page", ["clerk", "result", "county", "unit"])
def test_no_accessibility_violations(driver: Any, running: Any, county: str, page: str) -> None:
    from axe_core_python.selenium import Axe

    if page == "result":
        check(driver, running, PRINTED)
    else:
        driver.get({"clerk": running.base + "/", "county": running.base + "/county", "unit": county}[page])
    results = Axe().run(driver, options={"runOnly": {"type": "tag", "values": list(browser.AXE_TAGS)}})
    assert results["violations"] == [], browser.describe(results["violations"])
