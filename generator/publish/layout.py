"""Typography shared by the Word template and the HTML page: the faces and their fallbacks, the standard
opening, line breaks for long agency names, and where the signature and the date sit.

Widths are measured in characters of the line's own size: a Chinese character is 1, a Latin letter or
digit (set in Times New Roman) about 0.5. That is how GB/T 9704 counts (字), and close enough for
deciding where a line breaks.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from .. import schema

# --- faces -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Face:
    """A typeface the report names, with what stands in for it where it is not installed.

    `alternates` go into the DOCX font table (w:altName: Word and WPS look for them when the face is
    missing); `panose`, `family`, `pitch` and `sig` are the values Word itself writes for the face, so a
    word processor that matches by classification lands on a face of the same kind. `css` is the
    font-family list of the HTML page.
    """

    name: str
    alternates: tuple[str, ...]
    panose: str
    family: str
    pitch: str
    sig: tuple[str, str, str, str, str, str]
    css: tuple[str, ...]
    charset: str = "86"  # GB2312_CHARSET


_CJK_SIG = ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")  # 仿宋, 楷体, 黑体 (Windows)
_GB2312_SIG = ("00000001", "080E0000", "00000000", "00000000", "00040000", "00000000")  # the *_GB2312 faces
FANGSONG = Face(
    "仿宋_GB2312",
    ("仿宋", "FangSong"),
    "02010609030101010101",
    "modern",
    "fixed",
    _GB2312_SIG,
    ("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "华文仿宋", "Noto Serif CJK SC", "serif"),
)
KAITI = Face(
    "楷体_GB2312",
    ("楷体", "KaiTi"),
    "02010609030101010101",
    "modern",
    "fixed",
    _GB2312_SIG,
    ("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "华文楷体", "AR PL UKai CN", "serif"),
)
# 方正小标宋 is a heavy Song: where it is missing, 宋体 (with its panose, so matching by panose finds it too)
XIAOBIAOSONG = Face(
    "方正小标宋简体",
    ("宋体", "SimSun"),
    "02010600030101010101",
    "auto",
    "variable",
    ("00000003", "288F0000", "00000006", "00000000", "00040001", "00000000"),
    (
        "方正小标宋简体",
        "FZXiaoBiaoSong-B05S",
        "华文中宋",
        "STZhongsong",
        "宋体",
        "SimSun",
        "Noto Serif CJK SC",
        "serif",
    ),
)
HEITI = Face(
    "黑体",
    ("SimHei",),
    "02010609060101010101",
    "modern",
    "fixed",
    _CJK_SIG,
    ("黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "sans-serif"),
)
SONGTI = Face(
    "宋体",
    ("SimSun",),
    "02010600030101010101",
    "auto",
    "variable",
    ("00000003", "288F0000", "00000006", "00000000", "00040001", "00000000"),
    ("宋体", "SimSun", "STSong", "Noto Serif CJK SC", "serif"),
)
LATIN = Face(
    "Times New Roman",
    (),
    "02020603050405020304",
    "roman",
    "variable",
    ("E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000"),
    ("Times New Roman", "Liberation Serif"),
    charset="00",
)
FACES = (LATIN, FANGSONG, KAITI, XIAOBIAOSONG, HEITI, SONGTI)


def css_family(face: Face) -> str:
    """The CSS font-family of a Chinese face, Latin letters and digits in Times New Roman as in the DOCX."""
    names = (*LATIN.css, *face.css)
    return ",".join(name if name in ("serif", "sans-serif") else f"'{name}'" for name in names)


# --- the standard opening --------------------------------------------------------------------------

OPENING = schema.STANDARD_OPENING  # the schema holds it: the importer recognises it to read `opening` as blank

# column widths of the official tables in mm, adding up to the 156 mm type area
TABLE_WIDTHS = {
    "proactive": (48, 36, 36, 36),
    "requests": (11, 19, 42, *(12,) * 7),
    "appeals": (10.4,) * 15,
}

# --- line widths -----------------------------------------------------------------------------------

TITLE_WIDTH = 20.0  # 2号 (22 pt) characters in the 156 mm type area
SIGNATURE_WIDTH = 25.0  # 3号 (16 pt) characters: 27.6 in the type area, less 右空二字
BODY_TWIPS = 320  # one 3号 (16 pt) character in twentieths of a point
SIGNATURE_RIGHT = 2.0  # GB/T 9704 7.3.5.2: 署名右空二字
DATE_SHIFT = 2.0  # the date starts two characters right of the signature's first character


def text_width(text: str) -> float:
    """The width of a text in characters: wide (Chinese, full-width) 1, narrow (Latin, digits) 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.5 for char in text)


# --- words of an agency name -----------------------------------------------------------------------

# organ words: a line may break before and after them, never inside
ORGAN_WORDS = (
    "人民代表大会常务委员会",
    "国有资产监督管理委员会",
    "高新技术产业开发区",
    "经济技术开发区",
    "人力资源和社会保障局",
    "粮食和物资储备局",
    "住房和城乡建设局",
    "自然资源和规划局",
    "文化广电和旅游局",
    "发展和改革委员会",
    "工业和信息化局",
    "综合行政执法局",
    "公共资源交易中心",
    "机关事务管理局",
    "机关事务服务中心",
    "市场监督管理局",
    "卫生健康委员会",
    "退役军人事务局",
    "数据资源管理局",
    "政务服务管理局",
    "行政审批服务局",
    "国家税务总局",
    "发展和改革局",
    "文化和旅游局",
    "人民检察院",
    "管理委员会",
    "街道办事处",
    "政务服务中心",
    "便民服务中心",
    "综合实验区",
    "科学技术局",
    "乡村振兴局",
    "生态环境局",
    "农业农村局",
    "交通运输局",
    "卫生健康局",
    "应急管理局",
    "医疗保障局",
    "行政审批局",
    "城市管理局",
    "教育体育局",
    "自然资源局",
    "人民政府",
    "人民法院",
    "办事处",
    "办公室",
    "办公厅",
    "委员会",
    "管委会",
    "开发区",
    "教育局",
    "公安局",
    "财政局",
    "民政局",
    "司法局",
    "审计局",
    "统计局",
    "林业局",
    "水利局",
    "水务局",
    "商务局",
    "信访局",
    "税务局",
    "气象局",
    "档案馆",
)
PLACE_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "街道",
    "省",
    "市",
    "县",
    "区",
    "镇",
    "乡",
    "旗",
    "州",
    "盟",
)
ORGAN_ENDINGS = "局厅委办院所站馆队处会"  # a name that ends in one of these is an organ: a word ends there
_OPEN, _CLOSE = "（(", "）)"


def _starting(text: str, index: int, words: tuple[str, ...]) -> str:
    """The longest of `words` that starts at `index`, or ""."""
    return max((word for word in words if text.startswith(word, index)), key=len, default="")


@cache
def name_words(name: str) -> tuple[str, ...]:
    """An agency name cut into words: places (…省 …市 …县 …镇), organs (人民政府, 办公室, …局) and
    parenthesised parts, so that a line can break between them."""
    words: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if current:
            words.append(current)
            current = ""

    index = 0
    while index < len(name):
        organ = _starting(name, index, ORGAN_WORDS)
        if organ:
            flush()
            words.append(organ)
            index += len(organ)
            continue
        if name[index] in _OPEN:
            close = min((p for p in (name.find(c, index) for c in _CLOSE) if p != -1), default=len(name) - 1)
            flush()
            words.append(name[index : close + 1])
            index = close + 1
            continue
        suffix = _starting(name, index, PLACE_SUFFIXES)
        if suffix and current:
            current += suffix
            index += len(suffix)
            if not _starting(name, index, PLACE_SUFFIXES) or _starting(name, index, ORGAN_WORDS):
                flush()  # 杭州市 stays one word; 某某县 | 市场监督管理局 does not
            continue
        current += name[index]
        index += 1
        if name[index - 1] in ORGAN_ENDINGS and len(current) >= 2:
            flush()
    flush()
    return tuple(words)


# --- balanced lines --------------------------------------------------------------------------------


def _best_split(words: tuple[str, ...], width: float) -> list[str]:
    """The fewest lines no wider than `width`, as equal as possible (the widest line as narrow as it can be,
    then the least spread), cut only between words. Dynamic programming over the cut points: a name of
    forty words takes microseconds (trying every combination of cuts took minutes)."""
    n = len(words)
    if n == 0:
        return []
    # exact arithmetic: equal spreads are equal, so ties go to the earliest cuts whatever the summing order
    edges = list(itertools.accumulate((Fraction(text_width(word)) for word in words), initial=Fraction(0)))

    def span(start: int, end: int) -> Fraction:
        return edges[end] - edges[start]

    count = _fewest_lines(n, span, width)
    if count is None:
        return list(words)
    widest = _narrowest_widest(n, count, span)
    mean = edges[n] / count
    cuts = _least_spread(n, count, span, widest, mean)
    bounds = (0, *cuts, n)
    return ["".join(words[a:b]) for a, b in itertools.pairwise(bounds)]


def _fewest_lines(n: int, span: Callable[[int, int], Fraction], width: float) -> int | None:
    """How many lines the words need at least (greedy filling is optimal for this); None if one is too wide."""
    lines, start = 0, 0
    while start < n:
        end = start
        while end < n and span(start, end + 1) <= width:
            end += 1
        if end == start:
            return None
        lines, start = lines + 1, end
    return lines


def _narrowest_widest(n: int, count: int, span: Callable[[int, int], Fraction]) -> Fraction:
    """The smallest possible width of the widest line when the words are set in `count` lines."""
    never = Fraction(10**12)
    best = [[never] * (count + 1) for _ in range(n + 1)]  # best[i][k]: words i.. in k lines
    best[n][0] = Fraction(0)
    for k in range(1, count + 1):
        for i in range(n - 1, -1, -1):
            best[i][k] = min((max(span(i, j), best[j][k - 1]) for j in range(i + 1, n - k + 2)), default=never)
    return best[0][count]


def _least_spread(
    n: int, count: int, span: Callable[[int, int], Fraction], widest: Fraction, mean: Fraction
) -> tuple[int, ...]:
    """The cut points that set the words in `count` lines no wider than `widest`, their widths closest to
    equal; among equals the earliest cuts (as trying the combinations in order did)."""
    cost: list[list[Fraction | None]] = [[None] * (count + 1) for _ in range(n + 1)]
    choice = [[0] * (count + 1) for _ in range(n + 1)]
    cost[n][0] = Fraction(0)
    for k in range(1, count + 1):
        for i in range(n - 1, -1, -1):
            for j in range(i + 1, n - k + 2):
                line, rest = span(i, j), cost[j][k - 1]
                if line > widest or rest is None:
                    continue
                total = (mean - line) ** 2 + rest
                current = cost[i][k]
                if current is None or total < current:
                    cost[i][k], choice[i][k] = total, j
    cuts, start = [], 0
    for k in range(count, 1, -1):
        start = choice[start][k]
        cuts.append(start)
    return tuple(cuts)


def _characters(text: str) -> tuple[str, ...]:
    """A text as single characters: the last resort for a word wider than a line."""
    return tuple(text)


@cache
def balanced_lines(name: str, width: float) -> tuple[str, ...]:
    """An agency name set in lines no wider than `width`: broken only between words, into lines of
    balanced length; a line break typed in the name is kept."""
    lines: list[str] = []
    for typed in name.split("\n"):
        typed = typed.strip()
        if not typed:
            continue
        words = name_words(typed)
        if any(text_width(word) > width for word in words):
            words = tuple(
                part for word in words for part in (_characters(word) if text_width(word) > width else (word,))
            )
        lines += _best_split(words, width)
    return tuple(lines)


def one_line(name: str) -> str:
    """The name on one line: the line breaks typed in it (and the spaces around them) removed."""
    text = str(name)
    return "".join(part.strip() for part in text.split("\n")) if "\n" in text else text


def report_title(agency: str, year: int | None) -> str:
    """The report's title on one line: 机关 + 年度 + 年政府信息公开工作年度报告."""
    return f"{one_line(agency)}{'' if year is None else f'{year}年'}政府信息公开工作年度报告"


# --- signature and date (GB/T 9704 7.3.5.2, a report without a seal) --------------------------------


@dataclass(frozen=True, slots=True)
class Signature:
    """The signature's lines, and how far the signature and the date sit from the right margin (in characters)."""

    lines: tuple[str, ...]
    signature_right: float
    date_right: float


def signature_layout(agency: str, date_text: str) -> Signature:
    """署名右空二字, the date's first character two characters right of the signature's first character;
    a date longer than that rule allows sits 右空二字 and pushes the signature left."""
    lines = balanced_lines(one_line(agency), SIGNATURE_WIDTH) or ("",)
    signature = max(text_width(line) for line in lines)
    date = text_width(date_text)
    signature_right = max(SIGNATURE_RIGHT, SIGNATURE_RIGHT + DATE_SHIFT + date - signature)
    date_right = signature_right + signature - DATE_SHIFT - date
    return Signature(lines, signature_right, date_right)
