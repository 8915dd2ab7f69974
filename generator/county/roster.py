"""Matching a unit by name: the same unit written with spaces, full-width letters or 政府 for 人民政府."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# the long and short forms of one organ: 某某镇人民政府 is 某某镇政府
_SUFFIXES = (("人民政府", "政府"),)


def normalized_name(name: str) -> str:
    """The key two spellings of one unit share: NFKC (full-width → half-width), no whitespace at all,
    人民政府 shortened to 政府. Anything else (镇 vs 乡, 办事处 vs 办) stays apart: never merged silently."""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", name))
    for long, short in _SUFFIXES:
        key = key.replace(long, short)
    return key


def same_unit(first: str, second: str) -> bool:
    """Whether two names are spellings of one unit."""
    return bool(first.strip()) and normalized_name(first) == normalized_name(second)
