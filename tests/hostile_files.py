"""Hostile upload files, made on the fly (no binary file is kept in the repository): the shapes an
outside probe sent to the import endpoints. Used by tests/core/test_hostile_uploads.py and by
bench/bench_hostile_uploads.py.

A zip here is written by hand (local headers, central directory, end record) where zipfile cannot
say what is wanted: a part deflated once per megabyte and repeated, so that a 1 GB sheet costs a
megabyte of compressing, or a part whose declared size lies.
"""

from __future__ import annotations

import csv
import functools
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Sequence

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELATIONS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELATIONS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
PARTS = [
    ("[Content_Types].xml", CONTENT_TYPES),
    ("_rels/.rels", PACKAGE_RELATIONS),
    ("xl/workbook.xml", WORKBOOK),
    ("xl/_rels/workbook.xml.rels", WORKBOOK_RELATIONS),
]
MEGABYTE = 1024 * 1024


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header_row(headers: Sequence[str]) -> bytes:
    cells = "".join(
        f'<c r="{_column(i)}1" t="inlineStr"><is><t>{_escape(h)}</t></is></c>' for i, h in enumerate(headers)
    )
    return f'<row r="1">{cells}</row>'.encode()


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def package(sheet: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, body in [*PARTS, ("xl/worksheets/sheet1.xml", sheet)]:
            book.writestr(name, body)
    return out.getvalue()


def sparse_xlsx(headers: Sequence[str] = (), *, declared: bool = True) -> bytes:
    """Two cells, at A1 and XFD1048576 (the probe's 1,847 bytes): calamine's grid for it is 512 GB.
    Without `declared`, no <dimension> says so: only the cells' places do."""
    dimension = b'<dimension ref="A1:XFD1048576"/>' if declared else b""
    first = header_row(headers) if headers else b'<row r="1"><c r="A1"><v>1</v></c></row>'
    return package(
        SHEET_START
        + dimension
        + b"<sheetData>"
        + first
        + b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>'
    )


def zip_bomb(
    headers: Sequence[str] = (), *, size: int = 1024 * MEGABYTE, declared: int | None = None
) -> bytes:
    """An xlsx whose sheet XML inflates to `size` bytes (about 1 GB from 3 MB). With `declared`,
    the zip directory claims that many bytes instead: the size a reader must not trust."""
    start = SHEET_START + b"<sheetData>" + (header_row(headers) if headers else b"")
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    block = row * (MEGABYTE // len(row))
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    # After a full flush the deflater starts afresh, so one compressed block can be repeated.
    head = deflater.compress(start) + deflater.flush(zlib.Z_FULL_FLUSH)
    piece = deflater.compress(block) + deflater.flush(zlib.Z_FULL_FLUSH)
    count = max(1, (size - len(start)) // len(block))
    compressed = head + piece * count + deflater.flush()
    crc = zlib.crc32(start)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    real = len(start) + count * len(block)
    return raw_zip(
        [(name, _deflate(body), len(body), zlib.crc32(body)) for name, body in PARTS]
        + [("xl/worksheets/sheet1.xml", compressed, real if declared is None else declared, crc)]
    )


def _deflate(body: bytes) -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflater.compress(body) + deflater.flush()


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip of (name, deflated bytes, declared size, crc) entries, as written."""
    out, directory = bytearray(), bytearray()
    for name, data, size, crc in entries:
        encoded, offset = name.encode(), len(out)
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        directory += struct.pack(
            "<4s6H3I5H2I",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0,
            crc,
            len(data),
            size,
            len(encoded),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        directory += encoded
    start = len(out)
    out += directory
    out += struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), start, 0)
    return bytes(out)


@functools.cache
def text(chars: int) -> str:
    """Varied Chinese text, compressing as real text does (a run of one character would compress a
    thousandfold and be refused as a zip bomb first)."""
    return "".join(random.Random(3).choices([chr(c) for c in range(0x4E00, 0x9FA5)], k=chars))


def big_cell_xlsx(headers: Sequence[str], chars: int = MEGABYTE) -> bytes:
    """A data row whose first cell holds `chars` characters (Excel allows 32,767)."""
    cell = f'<row r="2"><c r="A2" t="inlineStr"><is><t>{text(chars)}</t></is></c></row>'.encode()
    return package(SHEET_START + b"<sheetData>" + header_row(headers) + cell + b"</sheetData></worksheet>")


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def many_rows_csv(headers: Sequence[str], size: int = 20 * MEGABYTE - 1024) -> bytes:
    """As many one-cell rows as fit in `size` bytes (the upload limit is 20 MB: ten million rows)."""
    head = csv_bytes([headers])
    return head + b"1\n" * ((size - len(head)) // 2)


def big_cell_csv(headers: Sequence[str], chars: int = MEGABYTE) -> bytes:
    """A data row whose first cell holds `chars` characters: past csv's own 131,072 limit."""
    return csv_bytes([headers, [text(chars)]])


def png() -> bytes:
    """A PNG picture (its signature and a header chunk, then noise)."""
    noise = random.Random(1).randbytes(2048)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sIIBBBBB", 13, b"IHDR", 16, 16, 8, 2, 0, 0, 0) + noise


def random_zip() -> bytes:
    """A zip of random files, not a workbook."""
    rng = random.Random(2)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(5):
            archive.writestr(f"data/{n}.bin", rng.randbytes(512))
    return out.getvalue()
