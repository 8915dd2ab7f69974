"""What a bulk run passes around: what to make, what each input is checked against, and what became of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .figures import Figure
from .review import Letter
from .roster import Roster, Unit

OK, HAS_ERRORS, CANNOT_READ = "已生成", "有错误", "无法读取"
STOPPED, INTERNAL, NOT_AN_INPUT, CANNOT_WRITE = "无法处理", "内部错误", "未处理", "无法写入"
NOT_SENT = "未报送"  # a unit of the roster that sent nothing


@dataclass(frozen=True, slots=True)
class Outputs:
    """What to make beside each DOCX: a PDF, an HTML page, or a package folder holding all three."""

    pdf: bool = False
    html: bool = False
    package: bool = False

    @property
    def needs_pdf(self) -> bool:
        """Whether a PDF is made."""
        return self.pdf or self.package

    @property
    def needs_html(self) -> bool:
        """Whether an HTML page is made (and so the index page)."""
        return self.html or self.package


@dataclass(frozen=True, slots=True)
class Context:
    """What every input of a run is checked against: the county's roster, last year's inputs (a roster of
    last year's units whose `row` numbers `previous_files` and `previous_documents` from 1), whether to mark workbook copies, and where
    the letters go; with a `sender`, the input is that unit's whatever agency it names."""

    roster: Roster | None = None
    previous: Roster | None = None
    previous_files: tuple[Path, ...] = ()
    previous_documents: tuple[str, ...] = ()  # their reports as JSON, read once when indexed
    mark: bool = False
    review_dir: Path | None = None  # where workers write the 退回意见 under temporary names (None: as bytes)
    sender: Unit | None = None  # the unit that sent the input, when known (its own link on the web server)

    def previous_file(self, unit_row: int) -> Path:
        """Last year's input of a unit of `previous`."""
        return self.previous_files[unit_row - 1]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one input. Never an exception: a bad input is a row of the summary."""

    file: Path
    status: str
    agency: str = ""
    year: int | None = None
    errors: int = 0
    warnings: int = 0
    messages: tuple[str, ...] = ()
    files: tuple[tuple[str, bytes], ...] = field(default=(), repr=False)  # by suffix: .docx, .pdf, .html
    output: str = ""
    date: str = ""  # 成文日期 (ISO), for the index page and 发布信息.json
    package: dict[str, Any] | None = field(default=None, repr=False)  # 发布信息.json's header, for a package
    written: tuple[str, ...] = ()  # the files written, relative to the output folder
    unit: str = ""  # the roster's unit this input is ("" without a roster, or when it is none of them)
    match: str = ""  # how the input was matched to the roster, or why it was not (Chinese)
    agency_type: str = ""  # the 机关类型 the deadline was judged by
    late: bool | None = None  # 成文日期 after the deadline (None: no date)
    figures: tuple[Figure, ...] = ()  # figures.KEY_FIGURES
    previous_file: str = ""  # last year's input paired with this one
    previous_figures: tuple[Figure, ...] = ()
    carried_over: str = ""  # 上年结转 against last year's 结转下年度: 相符 / 不符 ("" without last year's)
    letter: Letter | None = field(default=None, repr=False)  # the 退回意见, when there is anything to send back
    # the letter's .docx and .txt and the marked .xlsx, by suffix: their bytes, or the temporary file (str) a
    # worker wrote them to in Context.review_dir, for the writer to rename
    returned: tuple[tuple[str, bytes | str], ...] = field(default=(), repr=False)
    review_files: tuple[str, ...] = ()  # those written, relative to the output folder

    @property
    def docx(self) -> bytes | None:
        """The report's DOCX, if one was made."""
        return dict(self.files).get(".docx")
