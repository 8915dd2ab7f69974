"""samples/ of the county office's loop, made from a small fictional county (示例县) built here in code:
汇总.xlsx of a bulk run with a roster and last year's reports, a 退回意见, the county's roll-up workbook and
its report; with LibreOffice and pdftoppm, each as PNG pages the way they print.

Run by scripts/regenerate.py; tests/test_county_samples.py fails when the committed files drift.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import schema  # noqa: E402
from generator.county import bulk  # noqa: E402
from generator.county.county_report import render_county_report  # noqa: E402
from generator.county.rollup import roll_up  # noqa: E402
from generator.county.rollup_book import ANALYSIS, Trend, county_workbook  # noqa: E402
from generator.county.roster import normalise_name  # noqa: E402
from generator.formats.json_document import dumps  # noqa: E402
from generator.formats.workbook_writer import save_book, write_workbook  # noqa: E402
from generator.model import Report, Section, make_report  # noqa: E402
from generator.publish.build import office_to_pdf  # noqa: E402

COUNTY = "示例县"
TEXT = (
    "本年度严格落实《中华人民共和国政府信息公开条例》，按照县政务公开办的部署推进各项工作。",
    "依申请公开工作按规定受理、按时答复。",
    "完善信息发布审核制度，及时更新政府信息。",
    "通过门户网站政府信息公开专栏集中发布。",
    "将政务公开工作纳入年度考核。",
)
PROBLEMS = {
    2020: "一是信息更新不够及时。\n二是依申请公开答复格式不够统一。\n下一步将建立更新台账，规范答复文书。",
    2021: "一是公开内容不够全面。\n二是解读形式较为单一。\n下一步将加强培训，丰富解读形式。",
}
IN_FORCE = 4  # 行政规范性文件 in force before 2020, in every unit
# unit: (file, agency as the unit wrote it, 成文日期, new requests by natural persons, granted, carried forward)
THIS_YEAR = (
    ("城关镇.xlsx", f"{COUNTY}城关镇人民政府", dt.date(2022, 1, 20), 6, 5, 1),
    ("东城街道.xlsx", "东城街道办事处", dt.date(2022, 2, 16), 2, 2, 0),  # late: due 31 January
    ("教育局.xlsx", f"{COUNTY}教育局", dt.date(2022, 1, 18), 3, 3, 0),
    ("财政局.json", f"{COUNTY}财政局", dt.date(2022, 1, 25), 31, 31, 0),  # ×5 on last year
    ("政府办-初稿.xlsx", f"{COUNTY}人民政府办公室", dt.date(2022, 1, 10), 12, 12, 0),
    ("政府办.xlsx", f"{COUNTY}人民政府办公室", dt.date(2022, 1, 26), 12, 11, 1),  # sent twice: the later counts
    ("自然资源局.xlsx", f"{COUNTY}自然资源局", dt.date(2022, 1, 21), 4, 4, 0),  # not on the roster
)
LAST_YEAR = (
    ("城关镇2020.xlsx", f"{COUNTY}城关镇政府", dt.date(2021, 1, 22), 4, 4, 0),
    ("教育局2020.xlsx", f"{COUNTY}教育局", dt.date(2021, 1, 20), 2, 2, 0),
    ("财政局2020.xlsx", f"{COUNTY}财政局", dt.date(2021, 1, 25), 5, 5, 0),
    ("政府办2020.xlsx", f"{COUNTY}人民政府办公室", dt.date(2021, 1, 26), 10, 10, 0),
)
ROSTER = (
    ("城关镇人民政府", schema.AGENCY_TYPES[0], "张三"),
    ("东城街道办事处", schema.AGENCY_TYPES[0], "李四"),
    ("西城街道办事处", schema.AGENCY_TYPES[0], "王五"),  # sends nothing
    (f"{COUNTY}教育局", schema.AGENCY_TYPES[2], "赵六"),
    (f"{COUNTY}财政局", schema.AGENCY_TYPES[2], "钱七"),
    (f"{COUNTY}人民政府办公室", schema.AGENCY_TYPES[2], "孙八"),
)
SUMMARY, LETTER, ROLLUP, REPORT = (
    "county-summary.xlsx",
    "county-letter.docx",
    "county-rollup.xlsx",
    "county-report.docx",
)
SAMPLE_EPOCH = 1643158800  # 2022-01-26 09:00 Beijing: the docProps of the samples' DOCX
DIGEST = "county.sha256"  # of the files the PNG previews were made from
VOLATILE = {"docProps/core.xml"}  # openpyxl writes the time of saving


def unit_report(
    agency: str, year: int, date: dt.date, new: int, granted: int, forward: int, in_force_before: int = IN_FORCE
) -> Report:
    """A unit's report: texts without figures, table 三 from the given counts, 行政规范性文件 issued (a third of
    the requests, say) added to those in force."""
    issued = new // 3
    in_force = in_force_before + issued
    values = {
        "agency": agency,
        "year": year,
        "date": date,
        "problems": PROBLEMS[year],
        "other_matters": "无",
        "requests.new.natural_person": new,
        "requests.granted.natural_person": granted,
        "requests.carried_forward.natural_person": forward,
        "requests.carried_over.natural_person": new and granted + forward - new,
        "proactive.normative_documents.issued": issued,
        "proactive.normative_documents.in_force": in_force,
        "appeals.review.upheld": 1 if new > 10 else 0,
    }
    titles = schema.DEFAULT_OVERVIEW_TITLES
    return make_report(values, tuple(Section(title, text) for title, text in zip(titles, TEXT, strict=True)))


def write_inputs(root: Path) -> tuple[Path, Path, Path]:
    """This year's inputs (one with the errors of the real seed as printed), last year's, and the roster."""
    this, last = root / "收到的年报", root / "2020年报"
    this.mkdir(parents=True)
    last.mkdir()
    in_force = {normalise_name(agency): IN_FORCE + new // 3 for _, agency, _, new, _, _ in LAST_YEAR}
    for folder, rows, year in ((this, THIS_YEAR, 2021), (last, LAST_YEAR, 2020)):
        for name, agency, date, new, granted, forward in rows:
            before = in_force.get(normalise_name(agency), IN_FORCE) if year == 2021 else IN_FORCE
            report = unit_report(agency, year, date, new, granted, forward, before)
            if name.endswith(".json"):
                (folder / name).write_text(dumps(report), encoding="utf-8")
            else:
                write_workbook(folder / name, report)
    _typed_over_total(this / "教育局.xlsx")
    roster = root / "名单.csv"
    lines = ["机关全称,机关类型,联系人", *(",".join(row) for row in ROSTER)]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return this, last, roster


def _typed_over_total(path: Path) -> None:
    """(七)总计 typed over with 0, as the real township did: errors at D29 and J29."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for column in ("natural_person", "total"):
        field = schema.BY_PATH[f"requests.total.{column}"]
        book[field.sheet][field.cell] = 0
    save_book(book, path)


def write_county_samples(folder: Path, previews: bool = True) -> list[Path]:
    """The county samples into `folder` (and their PNG pages with `previews`); the DOCX made at a fixed time."""
    folder.mkdir(parents=True, exist_ok=True)
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(SAMPLE_EPOCH)
    try:
        return _write_county_samples(folder, previews)
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _write_county_samples(folder: Path, previews: bool) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="nianbao-county-") as temporary:
        root = Path(temporary)
        this, last, roster = write_inputs(root)
        out = root / "报告"
        out.mkdir()
        context, _ = bulk.prepare_context(roster, last, mark=True)
        rows = bulk.write_outcomes(bulk.run(bulk.discover(this), inline=True, context=context), out, lambda _: None)
        summary = bulk.summarise(rows, [], this, out, context)
        shutil.copyfile(summary.xlsx, folder / SUMMARY)
        letter = out / bulk.REVIEW_FOLDER / f"{COUNTY}教育局2021年年报退回意见.docx"
        shutil.copyfile(letter, folder / LETTER)
        rolled = roll_up(bulk.discover(this), f"{COUNTY}人民政府")
        previous = roll_up(bulk.discover(last), f"{COUNTY}人民政府")
        assert previous.report is not None
        trend = Trend(previous.year, previous.report)
        save_book(county_workbook(rolled, trend, out), folder / ROLLUP)
        (folder / REPORT).write_bytes(render_county_report(rolled, previous.report))
        written = [folder / name for name in (SUMMARY, LETTER, ROLLUP, REPORT)]
        if previews:
            analysis = county_workbook(rolled, trend, out)
            for name in list(analysis.sheetnames):
                if name != ANALYSIS:
                    analysis.remove(analysis[name])
            save_book(analysis, root / "分析.xlsx")
            written += _previews(folder, root / "分析.xlsx")
            (folder / DIGEST).write_text(samples_digest(folder) + "\n", encoding="utf-8")
    return written


def _previews(folder: Path, analysis: Path) -> list[Path]:
    """PNG pages as LibreOffice prints them: the summary, the 分析 sheet, the letter and the county's report."""
    for old in folder.glob("county-*.png"):
        old.unlink()
    sources = {
        "county-summary": (folder / SUMMARY).read_bytes(),
        "county-analysis": analysis.read_bytes(),
        "county-letter": (folder / LETTER).read_bytes(),
        "county-report": (folder / REPORT).read_bytes(),
    }
    pngs = []
    for stem, data in sources.items():
        suffix = ".docx" if stem in ("county-letter", "county-report") else ".xlsx"
        with tempfile.TemporaryDirectory() as temporary:
            pdf = Path(temporary) / f"{stem}.pdf"
            pdf.write_bytes(office_to_pdf(data, f"{stem}{suffix}"))
            subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(folder / stem)], check=True)
        pngs += sorted(folder.glob(f"{stem}-*.png"))
    return pngs


def parts(data: bytes) -> dict[str, bytes]:
    """The parts of a zip (xlsx, docx) that do not hold the time of saving."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in sorted(archive.namelist()) if name not in VOLATILE}


def samples_digest(folder: Path) -> str:
    """A digest of the samples' parts, recorded beside the PNG pages made from them."""
    digest = hashlib.sha256()
    for name in (SUMMARY, LETTER, ROLLUP, REPORT):
        for part, data in parts((folder / name).read_bytes()).items():
            digest.update(part.encode() + b"\0" + data)
    return digest.hexdigest()


if __name__ == "__main__":
    for path in write_county_samples(ROOT / "samples"):
        print(path.relative_to(ROOT))
