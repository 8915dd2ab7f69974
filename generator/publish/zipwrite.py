"""Writing a .docx (zip) whose unchanged parts were compressed once, when the template was prepared.

zipfile recompresses every entry on every write; for a report only the rendered parts change, so the
others are kept as ready-made compressed entries and copied. Entries carry a fixed time, so the same
report gives the same bytes.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1  # 1980-01-01 00:00
_UTF8_FLAG = 0x0800
_DEFLATE = 8


@dataclass(frozen=True, slots=True)
class Entry:
    """One compressed zip entry: its name, CRC, sizes and deflated data."""

    name: bytes
    crc: int
    size: int
    data: bytes


def compress(name: str, content: bytes, level: int = 6) -> Entry:
    """Deflate one entry (raw deflate, as zip stores it)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    data = packer.compress(content) + packer.flush()
    return Entry(name.encode("utf-8"), zlib.crc32(content), len(content), data)


def build_zip(entries: list[Entry]) -> bytes:
    """The bytes of a zip archive holding `entries` in order."""
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in entries:
        header = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            _UTF8_FLAG,
            _DEFLATE,
            _DOS_TIME,
            _DOS_DATE,
            entry.crc,
            len(entry.data),
            entry.size,
            len(entry.name),
            0,
        )
        local += [header, entry.name, entry.data]
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                _UTF8_FLAG,
                _DEFLATE,
                _DOS_TIME,
                _DOS_DATE,
                entry.crc,
                len(entry.data),
                entry.size,
                len(entry.name),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + entry.name
        )
        offset += len(header) + len(entry.name) + len(entry.data)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return b"".join(local) + directory + end


def repack(data: bytes) -> bytes:
    """A zip rewritten with fixed entry times: the same content always gives the same bytes."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return build_zip([compress(info.filename, archive.read(info)) for info in archive.infolist()])
