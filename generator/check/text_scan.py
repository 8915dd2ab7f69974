"""Reading the prose for statements of quantities: words and numbers as tokens, tokens as claims.

A claim is bound only when the words between its number and the word naming its measure (or domain)
are all known to be harmless (共, 政府信息公开, 的 …): `受理网络问政182件` binds nothing, `受理政府信息公开
申请 3119 件` binds 3119 to 申请·受理. Precision comes first: what is not bound is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ..chinese import CN_DIGITS, CN_NUMERAL, parse_cn_number, parse_cn_year
from . import text_facts as tf
from .text_facts import Term, Word

_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９\uff0e％", "0123456789.%")
_UNITS = "万元|亿元|元|件次|人次|个百分点|件|宗|起|个|项|份|部|名|位|人|次|例|%"
_NUMBER = re.compile(
    rf"(?P<num>(?<![\d.,])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?|(?<!第){CN_NUMERAL})"
    rf"(?P<approx>\s*[余多])?\s*(?P<unit>{_UNITS})"
    rf"|百分之(?P<pct>\d+(?:\.\d+)?|{CN_NUMERAL})"
)
_YEAR = re.compile(rf"(?P<year>\d{{4}}|[{CN_DIGITS}]{{4}})\s*年(?:度)?")
# 12月31日 is a date (harmless); 1-6月 and 3月份 are part of the year (the count is of those months only)
_DATE = r"(?P<date>\d{1,2}\s*月\s*\d{1,2}\s*日)"
_MONTHS = r"(?P<months>\d{1,2}\s*(?:[-—~至到]\s*\d{1,2}\s*)?月份?)"
_WORDS = sorted(tf.VOCABULARY, key=len, reverse=True)
_TOKEN = re.compile(
    "|".join(
        (
            _NUMBER.pattern,
            _YEAR.pattern,
            _DATE,
            _MONTHS,
            rf"(?P<scope>{tf.SCOPE_PATTERN.pattern})",
            "(?P<word>" + "|".join(re.escape(word) for word in _WORDS) + ")",
            r"(?P<title>《[^》\n]*》)",
            r"(?P<sep>[，,；;：:])",
            r"(?P<stop>[。！？!?\n])",
            r"(?P<open>[（(])",
            r"(?P<close>[）)])",
            r"(?P<space>[\s“”‘’\"'·]+)",
        )
    )
)


@dataclass(frozen=True, slots=True)
class Token:
    """A word of the vocabulary, a number with its unit, a year, punctuation, or unknown text."""

    kind: str  # num, year, word, text, sep, stop, open, close
    start: int
    end: int
    term: Term | None = None
    value: Decimal | None = None
    unit: str = ""
    approx: str = ""

    def is_word(self, *words: Word) -> bool:
        """True when the token is a vocabulary word of one of these roles."""
        return self.kind == "word" and self.term is not None and self.term.word in words


def tokenize(text: str) -> list[Token]:
    """The tokens of a text; positions index the text as given (full-width digits are read as digits)."""
    plain = text.translate(_FULL_WIDTH_DIGITS)
    tokens: list[Token] = []
    position = 0
    for match in _TOKEN.finditer(plain):
        if match.start() > position:
            tokens.append(Token("text", position, match.start()))
        position = match.end()
        kind = match.lastgroup or ""
        token = _token(match, kind)
        if token is not None:
            tokens.append(token)
    if position < len(plain):
        tokens.append(Token("text", position, len(plain)))
    return tokens


def _token(match: re.Match[str], kind: str) -> Token | None:
    start, end = match.span()
    groups = match.groupdict()
    if groups["num"] is not None or groups["pct"] is not None:
        value = _number(groups["num"] or groups["pct"])
        if value is None:
            return Token("text", start, end)
        unit = groups["unit"] or "%"
        return Token("num", start, end, value=value, unit=unit, approx=(groups["approx"] or "").strip())
    if groups["year"] is not None:
        year = _year(groups["year"])
        return Token("year", start, end, value=year)
    if groups["scope"] is not None or groups["date"] is not None:
        return Token("word", start, end, term=Term(Word.FILLER))
    if groups["months"] is not None:
        return Token("word", start, end, term=Term(Word.QUALIFIER))
    if groups["word"] is not None:
        return Token("word", start, end, term=tf.VOCABULARY[groups["word"]])
    if groups["title"] is not None:
        return Token("text", start, end)
    if kind == "space":
        return None
    return Token(kind, start, end)


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        return Decimal(text.replace(",", ""))
    parsed = parse_cn_number(text)
    return None if parsed is None else Decimal(parsed)


def _year(text: str) -> Decimal | None:
    """2024, 二〇二四, 一九九九: a year, read digit by digit (三四五六 as a count is a range, as a year it is not)."""
    if text[0].isdigit():
        return Decimal(text)
    parsed = parse_cn_year(text)
    return None if parsed is None else Decimal(parsed)


# --- claims ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Claim:
    """A statement of a quantity: the number as written, what it counts, and how sure the words are."""

    start: int
    end: int
    stated: Decimal
    unit: str
    parts: tuple[tuple[str, str], ...]  # (domain, measure) pairs; several when the sentence lists them
    column: str = ""
    combine: str = "either"  # sum (共), each (均), respectively (分别), either
    qualified: str = ""  # why the statement is not a clear claim: the qualifying word
    approx: str = ""  # above, about, below
    year: int | None = None  # the year the sentence speaks of, when it names one
    last_year: bool = False  # 上年/去年 as the time of the statement
    change: int = 0  # +1 / -1: a change against last year (同比增长 …), 0 for a plain count
    applicants: bool = False  # counts people (两名申请人), not requests
    named: bool = True  # the clause names the domain (行政诉讼 1 件), not only the sentence before it


@dataclass(slots=True)
class _State:
    domain: str
    year: int | None = None
    qualified: str = ""
    compare: bool = False
    head: Claim | None = None


@dataclass(slots=True)
class _Scan:
    """What a backward scan from a number found before the first unknown word."""

    measures: list[Term] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    applicant: bool = False
    total: bool = False
    each: bool = False
    respectively: bool = False
    change: int = 0
    last_year: bool = False
    other_measure: bool = False
    stopped_at_text: bool = False


_STICKY_QUALIFIERS = frozenset(
    {"代表", "本级", "累计", "历年", "以来", "上半年", "下半年", "季度", "一季度", "备案", "报备"}
)


def claims(text: str, default_domain: str = "") -> Iterator[Claim]:
    """Every bound statement of a quantity in a text, in order; `default_domain` from the section's title."""
    tokens = tokenize(text)
    sentence: list[Token] = []
    for token in tokens:
        if token.kind == "stop":
            yield from _sentence_claims(text, sentence, default_domain)
            sentence = []
        else:
            sentence.append(token)
    yield from _sentence_claims(text, sentence, default_domain)


def _sentence_claims(text: str, tokens: list[Token], default_domain: str) -> Iterator[Claim]:
    state = _State(domain=default_domain)
    saved: list[_State] = []
    clause_start = 0
    last_number = -1
    for index, token in enumerate(tokens):
        if token.kind in ("sep", "open", "close"):
            clause_start = index + 1
            if token.kind == "open":
                saved.append(replace(state))
            elif token.kind == "close" and saved:
                outer = saved.pop()  # what a parenthesis says stays inside it
                state.domain, state.year, state.head = outer.domain, outer.year, outer.head
            continue
        if token.kind == "year" and token.value is not None:
            state.year = int(token.value)
        elif token.is_word(Word.COMPARE):
            state.compare = True
        elif token.is_word(Word.DOMAIN) and token.term is not None:
            if not (token.term.domain == tf.LITIGATION and state.domain in tf.LITIGATION_GROUPS):
                state.domain = token.term.domain
        elif token.is_word(Word.QUALIFIER) and _text(text, token) in _STICKY_QUALIFIERS:
            state.qualified = _text(text, token)
        elif token.is_word(Word.NONE):
            yield from _none_claims(text, tokens, index, state)
        elif token.kind == "num":
            window = tokens[max(clause_start, last_number + 1) : index]
            clause = tokens[clause_start:index]
            claim = _bind(text, tokens, index, window, clause, state)
            last_number = index
            if claim is not None:
                if claim.change == 0 and not claim.applicants:
                    state.head = claim
                state.domain = claim.parts[-1][0]
                yield claim


def _text(text: str, token: Token) -> str:
    return text[token.start : token.end]


def _scan_left(window: list[Token]) -> _Scan:
    """Walk left from a number over harmless words, collecting measures, domains, columns and qualifiers."""
    found = _Scan()
    modified = joined = False
    for token in reversed(window):
        term = token.term
        if token.kind == "year":
            continue
        if token.kind != "word" or term is None:
            found.stopped_at_text = token.kind == "text"
            break
        word = term.word
        if word is Word.MEASURE:
            if found.measures and _narrower(term, found.measures[-1]):
                found.measures[-1] = term  # 因不掌握而无法提供的: the narrower row is meant
            elif found.measures and not joined:
                break
            else:
                found.measures.append(term)
            joined = False
        elif word is Word.JOIN:
            joined = True
        elif word is Word.DOMAIN:
            if not found.domains or joined:
                if not modified:
                    found.domains.append(term.domain)
            elif tf.LITIGATION in found.domains and term.domain in tf.LITIGATION_GROUPS:
                found.domains.append(term.domain)  # 复议后起诉的行政诉讼: the narrower group
            # else a noun before the noun it modifies (申请行政复议): the last one counts
            joined = False
        elif word is Word.MODIFIER:
            modified = True
        elif word is Word.COLUMN:
            found.columns.append(term.column)
        elif word is Word.APPLICANT:
            found.applicant = True
        elif word is Word.TOTAL:
            found.total = True
        elif word is Word.EACH:
            found.each = True
        elif word is Word.RESPECTIVELY:
            found.respectively = True
        elif word in (Word.UP, Word.DOWN):
            found.change = 1 if word is Word.UP else -1
        elif word is Word.LAST_YEAR:
            found.last_year = True
        elif word in (Word.OTHER_MEASURE, Word.NONE):
            found.other_measure = word is Word.OTHER_MEASURE and not found.measures
            break
    return found


def _narrower(term: Term, than: Term) -> bool:
    """Does `term` name a part of what `than` names (不掌握 within 无法提供, 逾期不补正 within 不再处理)?"""
    return any(tf.is_part_of(narrow, broad) for _, narrow in term.measures for _, broad in than.measures)


def _scan_right(tokens: list[Token], index: int) -> _Scan:
    """Walk right from a number to the first measure word (103 件顺延到下年度), over harmless words only.

    The measure binds only when nothing unknown follows it in the clause: in 2 件答复被复议机关纠正,
    答复 is a noun of another statement.
    """
    found = _Scan()
    for position, token in enumerate(tokens[index + 1 :], start=index + 1):
        term = token.term
        if token.kind != "word" or term is None:
            break
        word = term.word
        if word is Word.MEASURE:
            if _clause_rest_known(tokens, position + 1):
                found.measures.append(term)
            break
        if word is Word.DOMAIN:
            found.domains.append(term.domain)
        elif word is Word.COLUMN:
            found.columns.append(term.column)
        elif word is Word.APPLICANT:
            found.applicant = True
        elif word not in (Word.FILLER, Word.QUALIFIER):
            break
    return found


def _clause_rest_known(tokens: list[Token], start: int) -> bool:
    for token in tokens[start:]:
        if token.kind in ("sep", "stop", "close", "open"):
            return True
        if token.kind in ("text", "num"):
            return False
    return True


def _bind(
    text: str, tokens: list[Token], index: int, window: list[Token], clause: list[Token], state: _State
) -> Claim | None:
    """The claim a number makes, or None when its words do not bind it to a quantity of the tables.

    A domain word alone (行政复议 351 件) binds only when nothing unknown stands before it in the clause
    (涉及征地拆迁的申请 40 件 is a part, not the whole) and no other number does (一个申请人提出申请 5 件),
    unless a qualifying word already makes the claim a warning at most.
    """
    number = tokens[index]
    if number.value is None:
        return None
    left, right = _scan_left(window), _scan_right(tokens, index)
    change = left.change
    if number.unit in ("%", "个百分点") and not change:
        return None
    if change and not (state.compare or any(t.is_word(Word.COMPARE) for t in clause)):
        return None  # 增加 5 件 without saying against what
    if number.unit in tf.PERSON_UNITS and (right.applicant or left.applicant or "natural_person" in right.columns):
        return _applicant_claim(number, left, right, state)
    if left.other_measure:
        return None
    if left.measures:
        measures, domains, columns = left.measures, left.domains, left.columns
    elif right.measures:
        measures, domains, columns = right.measures, right.domains + left.domains, right.columns + left.columns
    elif left.domains or left.columns or change:
        measures, domains, columns = [], left.domains, left.columns
        after_number = len(window) < len(clause) and not (window and window[0].is_word(Word.JOIN))
        if (left.stopped_at_text or after_number) and not _qualifier(text, clause, state, ()):
            return None
    else:
        return None
    parts = _parts(measures, domains, columns, state, change)
    if parts is None:
        return None
    inherited = not measures and not domains and state.head is not None
    column = columns[0] if columns else (state.head.column if inherited and state.head else "")
    if column and any(domain != tf.REQUESTS for domain, _ in parts):
        return None
    if change == 0 and any(number.unit not in tf.UNITS.get(domain, frozenset()) for domain, _ in parts):
        return None
    return Claim(
        start=number.start,
        end=number.end,
        stated=number.value,
        unit=number.unit,
        parts=parts,
        column=column,
        combine="sum" if left.total else "each" if left.each else "respectively" if left.respectively else "either",
        qualified=_qualifier(text, clause, state, parts, column),
        approx=_approximation(text, number, window, tokens[index + 1 : index + 2]),
        year=state.year,
        last_year=left.last_year,
        change=change,
        named=bool(domains),
    )


def _qualifier(
    text: str, clause: list[Token], state: _State, parts: tuple[tuple[str, str], ...], column: str = ""
) -> str:
    """The first word that narrows the claim (代表, 网上, 备案 …), or "" for a clear claim."""
    words = [_text(text, token) for token in clause if token.is_word(Word.QUALIFIER)]
    found = next((word for word in words if word not in tf.APPROXIMATE), "")
    if found:
        return found
    uncertain = [measure for _, measure in parts if measure in tf.UNCERTAIN_MEASURES]
    if uncertain:
        return uncertain[0]
    among = any(token.is_word(Word.AMONG) for token in clause)
    if (
        among
        and not column
        and any(domain == tf.REQUESTS and measure in tf.WHOLE_MEASURES for domain, measure in parts)
    ):
        return "其中"
    return state.qualified if state.qualified and (not parts or parts[0][0] == state.domain) else ""


def _approximation(text: str, number: Token, before: list[Token], after: list[Token]) -> str:
    """above (3000余件, 超过), about (约, 左右), below (不足) or "" for an exact number."""
    if number.approx:
        return "above"
    for token in (*before[-1:], *after):
        if token.is_word(Word.QUALIFIER) and _text(text, token) in tf.APPROXIMATE:
            return tf.APPROXIMATE[_text(text, token)]
    return ""


def _parts(
    measures: list[Term], domains: list[str], columns: list[str], state: _State, change: int
) -> tuple[tuple[str, str], ...] | None:
    """The (domain, measure) pairs a number states, or None when the words do not say."""
    if not measures and not domains:
        head = state.head
        return head.parts if head is not None and (columns or change) else None
    named = tf.narrowest(list(dict.fromkeys(reversed(domains))))
    candidates = named or ([state.domain] if state.domain else [])
    if not measures:
        return tuple((domain, tf.DEFAULT_MEASURES[domain]) for domain in candidates) or None
    if len(measures) == 1 and len(named) > 1:
        listed = tuple((domain, measure) for domain in named if (measure := measures[0].measure_in(domain)))
        return listed if len(listed) == len(named) else None
    parts: list[tuple[str, str]] = []
    for term in reversed(measures):
        part = _measure_part(term, candidates)
        if part is None:
            return None
        parts.append(part)
    return tuple(parts)


def _measure_part(term: Term, candidates: list[str]) -> tuple[str, str] | None:
    """The measure a word names in the first domain where it names one; its own domain if it has only one."""
    for domain in candidates:
        measure = term.measure_in(domain)
        if measure is not None:
            return domain, measure
    own = {domain for domain, _ in term.measures}
    if len(own) == 1 and own != {tf.FEES}:  # 收费 alone may be the 信息处理费: 行政事业性收费 must be named
        return term.measures[0]
    return None


def _applicant_claim(number: Token, left: _Scan, right: _Scan, state: _State) -> Claim | None:
    """两名申请人: people, checked only against the requests they cannot outnumber."""
    if number.value is None:
        return None
    columns = left.columns or right.columns
    return Claim(
        start=number.start,
        end=number.end,
        stated=number.value,
        unit=number.unit,
        parts=((tf.REQUESTS, "received"),),
        column=columns[0] if columns else "",
        qualified=state.qualified,
        year=state.year,
        last_year=left.last_year,
        applicants=True,
    )


def _none_claims(text: str, tokens: list[Token], index: int, state: _State) -> Iterator[Claim]:
    """未收到政府信息公开申请, 未发生行政复议、行政诉讼: zero stated in words."""
    domains: list[str] = []
    measure: Term | None = None
    end = tokens[index].end
    for token in tokens[index + 1 :]:
        term = token.term
        if token.kind in ("sep", "close"):
            break
        if token.kind != "word" or term is None:
            return
        if term.word is Word.DOMAIN:
            domains.append(term.domain)
            end = token.end
        elif term.word is Word.MODIFIER:
            domains = []
        elif term.word is Word.MEASURE and measure is None and not domains:
            measure = term
        elif term.word not in (Word.FILLER, Word.JOIN):
            return
    for domain in tf.narrowest(list(dict.fromkeys(domains))):
        if domain in tf.DOC_DOMAINS or domain == tf.FEES:
            continue
        chosen = measure.measure_in(domain) if measure is not None else None
        yield Claim(
            start=tokens[index].start,
            end=end,
            stated=Decimal(0),
            unit="件",
            parts=((domain, chosen or tf.DEFAULT_MEASURES[domain]),),
            qualified=state.qualified,
            year=state.year,
        )
