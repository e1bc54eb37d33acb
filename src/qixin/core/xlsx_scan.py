"""An uploaded xlsx package inspected before calamine opens it, so that its size is known first.

python-calamine reads a whole sheet into one dense grid of (last row − first row + 1) × (last column −
first column + 1) cells before it returns anything, and offers no way to bound that: two cells at A1
and XFD1048576 make it ask for 512 GB and abort the process (calamine issue #693; python-calamine
#130 and #42: rows are only iterated after the whole sheet is read). So the package is checked here
first, in a bounded stream, and refused at the first limit it passes:

1. the zip directory: number of parts, duplicate names, encryption, compression method, declared
   sizes and compression ratio, before a byte is inflated;
2. every part is inflated here for real, a chunk at a time, and must give exactly its declared size
   and checksum (what calamine will then read is what was measured, whatever the header claims);
3. the first sheet: its declared <dimension>, then the rows and columns of every cell it holds. The
   header row is checked as soon as it has been read, before the rest of the sheet.

The cell scan runs a regular expression over each chunk (about 0.3 s for a 35,000-row roster, an
XML parser with a Python callback per element takes seven times as long); a sheet with a cell that
has no `r` reference, which no common writer produces, is scanned again with the XML parser.
"""

from __future__ import annotations

import re
import struct
import xml.parsers.expat
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .errors import ApplicationError
from .text import whole_number

if TYPE_CHECKING:
    from .tabular import Limits

CHUNK = 1024 * 1024  # inflated bytes handed on at a time
SMALL_PART = 1024 * 1024  # parts up to this size may be compressed at any ratio (a few KB of XML)
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384  # the grid ends at XFD1048576

_END_OF_DIRECTORY = b"PK\x05\x06"
_LOCAL_HEADER = b"PK\x03\x04"
_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix, as in <x:c>
_DIMENSION = re.compile(
    rb"<" + _PREFIX + rb"dimension\b[^>]*?\bref\s*=\s*[\"']\$?([A-Z]{1,3})\$?([0-9]{1,7})"
    rb"(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?[\"']"
)
_CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
# The `r` attribute itself (after white space: not `x:r`), as calamine's XML reader takes it.
_CELL_REF = re.compile(rb"<" + _PREFIX + rb"c(?=\s)[^>]*?\sr\s*=\s*[\"']([A-Za-z]{1,3})([0-9]{1,7})[\"']")
_TWO_REFS = re.compile(rb"<" + _PREFIX + rb"c(?=\s)[^>]*?\sr\s*=[^>]*?\sr\s*=")


def damaged(filename: str) -> ApplicationError:
    return ApplicationError("bad_file", f"无法读取 Excel 文件“{filename}”：文件已损坏或格式不对。")


def too_large(filename: str, limits: Limits) -> ApplicationError:
    megabytes = limits.uncompressed_bytes // (1024 * 1024)
    return ApplicationError(
        "file_too_large", f"文件“{filename}”解压后超过上限 {megabytes} MB，请分批导入。", status=400
    )


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_grid(filename: str, height: int, width: int, limits: Limits) -> None:
    """Refuse a sheet whose cells span more rows, columns or cells than the limits allow."""
    if height > limits.rows:
        raise ApplicationError(
            "too_many_rows",
            f"文件“{filename}”的工作表有 {height} 行，超过上限 {limits.rows} 行，请分批导入。",
        )
    if width > limits.columns:
        raise ApplicationError(
            "too_many_columns",
            f"文件“{filename}”的工作表有 {width} 列，超过上限 {limits.columns} 列：请只保留导入模板中的列。",
        )
    if height * width > limits.cells:
        raise ApplicationError(
            "too_many_cells",
            f"文件“{filename}”的工作表有 {height} 行 × {width} 列，超过上限 {limits.cells} 个单元格，请分批导入。",
        )


# --- the zip package --------------------------------------------------------------------------------


def open_package(data: bytes, filename: str, limits: Limits) -> zipfile.ZipFile:
    """The zip directory, checked before anything is inflated."""
    not_excel = ApplicationError("bad_file", f"文件“{filename}”不是有效的 Excel（xlsx）文件，可能已损坏。")
    end = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) < end + 22:
        raise not_excel
    # The entry count and directory size are read from the end record before zipfile builds an
    # object per entry: a 20 MB file can hold hundreds of thousands of empty entries.
    entries, directory_size = struct.unpack_from("<HI", data, end + 10)
    if entries > limits.members or directory_size > limits.members * 1024:
        raise ApplicationError(
            "bad_file", f"文件“{filename}”包含的部件超过 {limits.members} 个，不是正常的 Excel 文件。"
        )
    try:
        package = zipfile.ZipFile(_Bytes(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise not_excel from None
    infos = package.infolist()
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):  # two parts of one name: which one a reader takes differs
        raise damaged(filename)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ApplicationError("bad_file", f"文件“{filename}”已加密，请取消密码保护后再导入。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged(filename)
        total += info.file_size
        if total > limits.uncompressed_bytes:
            raise too_large(filename, limits)
        if info.file_size > SMALL_PART and info.file_size > limits.compression_ratio * max(
            1, info.compress_size
        ):
            raise ApplicationError(
                "bad_file",
                f"文件“{filename}”的压缩比异常（超过 {limits.compression_ratio} 倍），不是正常的 Excel 文件。",
            )
    return package


class _Bytes:
    """A read-only file over bytes without copying them (io.BytesIO would copy on first write only,
    but zipfile also needs `seekable`)."""

    def __init__(self, data: bytes) -> None:
        self.view = memoryview(data)
        self.position = 0

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self.position, len(self.view))[whence]
        self.position = max(0, base + offset)
        return self.position

    def tell(self) -> int:
        return self.position

    def read(self, size: int = -1) -> bytes:
        end = len(self.view) if size is None or size < 0 else self.position + size
        chunk = bytes(self.view[self.position : end])
        self.position += len(chunk)
        return chunk


def part_chunks(data: bytes, info: zipfile.ZipInfo, filename: str) -> Iterator[bytes]:
    """Inflate one part a chunk at a time, refusing it when it gives more than its declared size
    or a wrong checksum: what calamine reads later is then exactly what was measured here."""
    offset = info.header_offset
    if data[offset : offset + 4] != _LOCAL_HEADER:
        raise damaged(filename)
    (method,) = struct.unpack_from("<H", data, offset + 8)
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start : start + info.compress_size]
    if method != info.compress_type or len(raw) != info.compress_size:
        raise damaged(filename)
    size, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        for position in range(0, len(raw), CHUNK):
            piece = bytes(raw[position : position + CHUNK])
            size, crc = size + len(piece), zlib.crc32(piece, crc)
            yield piece
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        pending: bytes | memoryview = raw
        while pending:
            try:
                piece = inflater.decompress(pending, CHUNK)
            except zlib.error:
                raise damaged(filename) from None
            pending = inflater.unconsumed_tail
            size, crc = size + len(piece), zlib.crc32(piece, crc)
            if size > info.file_size:
                raise damaged(filename)
            if piece:
                yield piece
            if inflater.eof:
                break
        if not inflater.eof or inflater.unused_data or pending:
            raise damaged(filename)
    if size != info.file_size or crc != info.CRC:
        raise damaged(filename)


def verify_part(data: bytes, info: zipfile.ZipInfo, filename: str) -> None:
    for _piece in part_chunks(data, info, filename):
        pass


def small_part(data: bytes, package: zipfile.ZipFile, name: str, filename: str) -> bytes:
    try:
        info = package.getinfo(name)
    except KeyError:
        raise ApplicationError(
            "bad_file", f"文件“{filename}”不是有效的 Excel（xlsx）文件：缺少“{name}”。"
        ) from None
    if info.file_size > SMALL_PART * 16:
        raise damaged(filename)
    content = b"".join(part_chunks(data, info, filename))
    if b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        raise damaged(filename)
    return content


# --- the workbook: which part calamine reads as the first sheet ------------------------------------


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _elements(content: bytes, filename: str) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = []
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = lambda name, attrs: found.append(
        (_local(name), {_local(k): v for k, v in attrs.items()})
    )
    try:
        parser.Parse(content, True)
    except xml.parsers.expat.ExpatError:
        raise damaged(filename) from None
    return found


def first_sheet(data: bytes, package: zipfile.ZipFile, filename: str) -> str:
    """The part of the workbook's first sheet, as calamine finds it (xl/workbook.xml and its
    relationships)."""
    workbook = _elements(small_part(data, package, "xl/workbook.xml", filename), filename)
    sheet_id = next((attrs.get("id") for name, attrs in workbook if name == "sheet"), None)
    relations = _elements(small_part(data, package, "xl/_rels/workbook.xml.rels", filename), filename)
    target = next(
        (a.get("Target", "") for name, a in relations if name == "Relationship" and a.get("Id") == sheet_id),
        "",
    )
    if not sheet_id or not target:
        raise ApplicationError("bad_file", f"文件“{filename}”不是有效的 Excel（xlsx）文件：没有工作表。")
    if target.startswith("/"):
        return target[1:]
    return target if target.startswith("xl/") else f"xl/{target}"


# --- the first sheet --------------------------------------------------------------------------------


class _Stop(Exception):
    """Raised inside an XML handler to stop parsing once what was wanted has been read."""


class _HeaderRow:
    """Collects the first row that has a value: (cell type, text) for each of its cells."""

    def __init__(self) -> None:
        self.cells: list[tuple[str, str]] = []
        self.row: list[tuple[str, str]] = []
        self.cell_type = ""
        self.parts: list[str] = []
        self.has_value = self.capture = self.inline = self.phonetic = False
        self.parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.parser.StartDoctypeDeclHandler = self.refuse
        self.parser.EntityDeclHandler = self.refuse
        self.done = False

    @staticmethod
    def refuse(*_args: object) -> None:
        raise ValueError("a document type declaration in a sheet")

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.Parse(chunk, False)
        except _Stop:
            self.done = True

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "row":
            self.row = []
        elif local == "c":
            self.cell_type, self.parts, self.has_value = attrs.get("t", "n"), [], False
        elif local == "v":
            self.capture = self.has_value = True
        elif local == "is":
            self.inline = self.has_value = True
        elif local == "rPh":
            self.phonetic = True
        elif local == "t" and self.inline and not self.phonetic:
            self.capture = True

    def end(self, name: str) -> None:
        local = _local(name)
        if local in ("v", "t"):
            self.capture = False
        elif local == "rPh":
            self.phonetic = False
        elif local == "is":
            self.inline = False
        elif local == "c" and self.has_value:
            self.row.append((self.cell_type, "".join(self.parts)))
        elif local == "row" and self.row:
            self.cells = self.row
            raise _Stop

    def text(self, data: str) -> None:
        if self.capture:
            self.parts.append(data)


def shared_strings(chunks: Iterator[bytes], wanted: set[int], filename: str) -> dict[int, str]:
    """The shared strings of the given positions, reading the part only as far as the last one."""
    found: dict[int, str] = {}
    last = max(wanted, default=-1)
    state = {"index": -1, "capture": False, "phonetic": False}
    parts: list[str] = []

    def start(name: str, _attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            state["index"] = int(state["index"]) + 1
            parts.clear()
        elif local == "rPh":
            state["phonetic"] = True
        elif local == "t" and not state["phonetic"]:
            state["capture"] = True

    def end(name: str) -> None:
        local = _local(name)
        if local == "t":
            state["capture"] = False
        elif local == "rPh":
            state["phonetic"] = False
        elif local == "si":
            index = int(state["index"])
            if index in wanted:
                found[index] = "".join(parts)
            if index >= last:
                raise _Stop

    def text(data: str) -> None:
        if state["capture"]:
            parts.append(data)

    def refuse(*_args: object) -> None:
        raise ValueError("a document type declaration in the shared strings")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    if last < 0:
        return found
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
    except _Stop:
        pass
    except (xml.parsers.expat.ExpatError, ValueError):
        raise damaged(filename) from None
    return found


class _Extent:
    """The first and last row and column of the cells seen so far."""

    def __init__(self) -> None:
        self.top = self.left = 1 << 30
        self.bottom = self.right = 0

    def add(self, top: int, bottom: int, left: int, right: int) -> None:
        self.top, self.bottom = min(self.top, top), max(self.bottom, bottom)
        self.left, self.right = min(self.left, left), max(self.right, right)

    def check(self, filename: str, limits: Limits) -> None:
        if self.bottom > EXCEL_ROWS or self.right > EXCEL_COLUMNS:
            raise damaged(filename)
        if self.bottom:
            check_grid(filename, self.bottom - self.top + 1, self.right - self.left + 1, limits)


class _NoReference(Exception):
    """A cell without an `r` reference: its place depends on the cells before it."""


HeaderCheck = Callable[[list[tuple[str, str]]], None]


def scan_sheet(
    chunks: Callable[[], Iterator[bytes]], filename: str, limits: Limits, on_header: HeaderCheck
) -> None:
    """Stream the sheet once: `on_header` gets the header row's cells as soon as they are read
    (it raises to refuse the file), then every cell's place is checked against the limits."""
    header = _HeaderRow()
    try:
        _scan_references(chunks(), filename, limits, header, on_header)
    except _NoReference:
        _scan_elements(chunks(), filename, limits)


def _feed_header(header: _HeaderRow, chunk: bytes, filename: str, on_header: HeaderCheck) -> None:
    try:
        header.feed(chunk)
    except (xml.parsers.expat.ExpatError, ValueError):
        raise damaged(filename) from None
    if header.done:
        on_header(header.cells)


def _scan_references(
    chunks: Iterator[bytes], filename: str, limits: Limits, header: _HeaderRow, on_header: HeaderCheck
) -> None:
    extent = _Extent()
    carry = b""
    first = True
    for chunk in chunks:
        text = carry + chunk
        cut = text.rfind(b"<")
        if cut >= 0 and b">" not in text[cut:]:  # a tag cut in two: its start waits for the next chunk
            text, carry = text[:cut], text[cut:]
        else:
            carry = b""
        if len(carry) > CHUNK:  # a tag longer than a megabyte is no spreadsheet's
            raise damaged(filename)
        if first:
            first = False
            declared = _DIMENSION.search(text)
            if declared:
                left, top = column_number(declared[1].decode()), int(declared[2])
                right = column_number(declared[3].decode()) if declared[3] else left
                bottom = int(declared[4]) if declared[4] else top
                check_grid(filename, abs(bottom - top) + 1, abs(right - left) + 1, limits)
        if not header.done:
            _feed_header(header, chunk, filename, on_header)
        references = _CELL_REF.findall(text)
        if len(references) != len(_CELL_TAG.findall(text)):
            raise _NoReference
        if _TWO_REFS.search(text):  # an attribute twice is not XML; readers differ on which counts
            raise damaged(filename)
        if references:
            # Few distinct column letters, many rows: the set and map() keep the loop in C.
            columns = [
                column_number(letters.decode().upper()) for letters in {letters for letters, _ in references}
            ]
            numbers = list(map(int, [row for _, row in references]))
            extent.add(min(numbers), max(numbers), min(columns), max(columns))
            extent.check(filename, limits)
    if not header.done:
        header.done = True
        on_header(header.cells)
    extent.check(filename, limits)


def _scan_elements(chunks: Iterator[bytes], filename: str, limits: Limits) -> None:
    """The same check with an XML parser, for sheets whose cells may have no reference."""
    extent = _Extent()
    place = {"row": 0, "column": 0}
    reference = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})$")

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "row":
            row = attrs.get("r")
            number = whole_number(row) if row else None
            place["row"] = number if number is not None else place["row"] + 1
            place["column"] = 0
        elif local == "c":
            if "r" in attrs:
                found = reference.match(attrs["r"])
                if not found:
                    raise ValueError("a cell reference that is not one")
                place["column"], place["row"] = column_number(found[1].upper()), int(found[2])
            else:
                place["column"] += 1
            extent.add(place["row"], place["row"], place["column"], place["column"])
            if place["column"] > limits.columns or extent.bottom - extent.top >= limits.rows:
                extent.check(filename, limits)

    def refuse(*_args: object) -> None:
        raise ValueError("a document type declaration in a sheet")

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            extent.check(filename, limits)
        parser.Parse(b"", True)
    except (xml.parsers.expat.ExpatError, ValueError):
        raise damaged(filename) from None
    extent.check(filename, limits)
