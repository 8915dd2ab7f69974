"""Working out the simple formulas a workbook may hold without their cached values.

A workbook filled by a script (openpyxl writes no cached values) or saved by a generator that does not
calculate still has to be read: the standard workbook's own SUM totals and simple arithmetic on cells of
the same sheet (`=2+3`, `=D6+E6`, `=SUM(D6:I6)-D7`) are worked out here. Anything else is refused by the
caller with the cell named, never read as 0.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .xlsx import cell_position

MAX_TOKENS = 200
MAX_RANGE_CELLS = 1000
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<range>\$?[A-Z]{1,3}\$?\d{1,7}:\$?[A-Z]{1,3}\$?\d{1,7})"
    r"|(?P<cell>\$?[A-Z]{1,3}\$?\d{1,7})|(?P<function>SUM)\s*(?=\()|(?P<op>[-+*/(),]))",
    re.IGNORECASE,
)

Lookup = Callable[[str], float | None]  # a cell's number (None: not a number)


class Unsupported(Exception):
    """A formula outside the simple arithmetic worked out here."""


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str


def tokens(formula: str) -> list[_Token]:
    """The formula's tokens; Unsupported for anything else (other functions, other sheets, text)."""
    found: list[_Token] = []
    text = formula.strip().removeprefix("=")
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            if text[position:].strip() == "":
                break
            raise Unsupported(text[position : position + 20])
        kind = match.lastgroup or ""
        found.append(_Token(kind, match.group(kind).upper().replace("$", "")))
        position = match.end()
        if len(found) > MAX_TOKENS:
            raise Unsupported("公式过长")
    return found


def evaluate(formula: str, lookup: Lookup) -> float:
    """The value of a simple formula; cells are read through `lookup`."""
    parser = _Parser(tokens(formula), lookup)
    value = parser.expression()
    if parser.position != len(parser.items):
        raise Unsupported(parser.items[parser.position].text)
    return value


def cells_of_range(first: str, last: str) -> Iterator[str]:
    """Every address in a rectangular range such as D6:I6 (bounded)."""
    start, end = cell_position(first), cell_position(last)
    if start is None or end is None:
        raise Unsupported(f"{first}:{last}")
    (left, top), (right, bottom) = start, end
    if (abs(right - left) + 1) * (abs(bottom - top) + 1) > MAX_RANGE_CELLS:
        raise Unsupported(f"{first}:{last}")
    from ..schema import column_letter

    for row in range(min(top, bottom), max(top, bottom) + 1):
        for column in range(min(left, right), max(left, right) + 1):
            yield f"{column_letter(column)}{row}"


class _Parser:
    """Recursive descent over + - * / ( ) with SUM(…) of cells and ranges."""

    def __init__(self, items: list[_Token], lookup: Lookup) -> None:
        self.items, self.lookup, self.position = items, lookup, 0

    def _peek(self) -> _Token | None:
        return self.items[self.position] if self.position < len(self.items) else None

    def _take(self) -> _Token:
        token = self._peek()
        if token is None:
            raise Unsupported("公式不完整")
        self.position += 1
        return token

    def expression(self) -> float:
        value = self.term()
        while (token := self._peek()) is not None and token.text in "+-" and token.kind == "op":
            self.position += 1
            value = value + self.term() if token.text == "+" else value - self.term()
        return value

    def term(self) -> float:
        value = self.factor()
        while (token := self._peek()) is not None and token.text in "*/" and token.kind == "op":
            self.position += 1
            right = self.factor()
            if token.text == "/" and right == 0:
                raise Unsupported("除以 0")
            value = value * right if token.text == "*" else value / right
        return value

    def factor(self) -> float:
        token = self._take()
        if token.kind == "op" and token.text in "+-":
            value = self.factor()
            return -value if token.text == "-" else value
        if token.kind == "number":
            return float(token.text)
        if token.kind == "cell":
            return self._cell(token.text)
        if token.kind == "function":
            return self._sum()
        if token.kind == "op" and token.text == "(":
            value = self.expression()
            self._expect(")")
            return value
        raise Unsupported(token.text)

    def _sum(self) -> float:
        self._expect("(")
        total = 0.0
        while True:
            token = self._take()
            if token.kind == "range":
                first, last = token.text.split(":")
                total += sum(self._summed(address) for address in cells_of_range(first, last))
            elif token.kind == "cell":
                total += self._summed(token.text)
            elif token.kind == "number":
                total += float(token.text)
            else:
                raise Unsupported(token.text)
            separator = self._take()
            if separator.text == ")":
                return total
            if separator.text != ",":
                raise Unsupported(separator.text)

    def _summed(self, address: str) -> float:
        value = self.lookup(address)
        return 0.0 if value is None else value  # SUM skips text and blanks, as a spreadsheet does

    def _cell(self, address: str) -> float:
        value = self.lookup(address)
        return 0.0 if value is None else value

    def _expect(self, text: str) -> None:
        if self._take().text != text:
            raise Unsupported(text)
