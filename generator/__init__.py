"""nianbao (年报): the annual report on open government information, from a standard workbook to Word."""

from __future__ import annotations

__version__ = "0.1.0"
