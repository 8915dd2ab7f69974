"""What every reader returns: raw values by JSON path, with where each came from, before any coercion."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..issues import Issue


@dataclass(frozen=True, slots=True)
class Raw:
    """A value as found in the input, with the workbook sheet and cell (or the place in a report) it came from."""

    value: object
    sheet: str | None = None
    cell: str | None = None
    where: str | None = None  # in a published report, which has no cells: its page, table, row and column


@dataclass(frozen=True, slots=True)
class RawInput:
    """What a reader found, before coercion: the same shape for workbooks and JSON."""

    values: Mapping[str, Raw]
    overview: tuple[tuple[Raw, Raw], ...] = ()
    extra: tuple[tuple[Raw, Raw], ...] = ()
    issues: tuple[Issue, ...] = ()
    skipped: frozenset[str] = frozenset()  # paths not read because their part of the input is broken
