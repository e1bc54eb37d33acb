"""Spreadsheet files with Chinese headers: reading (xlsx via calamine, csv), validation helpers that
say where and what is wrong, and writing (xlsx via XlsxWriter, csv) safe from formula injection.

An import is two steps everywhere: read every row and collect every problem; only when there is
none does the caller apply all rows in one transaction.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from python_calamine import CalamineWorkbook

from . import xlsx_scan
from .errors import ApplicationError, Problem
from .text import spreadsheet_safe, whole_number


class CellError(ValueError):
    """Raised by a parser; the message says what is wrong (the reader adds where)."""


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Callable[[str], Any] = str
    required: bool = False
    example: str = ""
    doc: str = ""


@dataclass
class Report:
    """What an import did or would do."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    changes: list[str] = field(default_factory=list)  # a short preview, first rows only

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def summary(self) -> str:
        verb = "将" if self.dry_run else "已"
        return f"共{self.total}行：{verb}新增{self.created}条，{verb}更新{self.updated}条，{self.unchanged}条无变化。"


def refusal(problems: list[Problem], columns: Sequence[Column] = ()) -> ApplicationError:
    """The one answer of an import with problems: every problem, by row (and by column in the
    file's column order), and nothing written. Every kind's import raises it."""
    order = {c.header: index for index, c in enumerate(columns)}
    problems.sort(key=lambda p: (p.row or 0, order.get(p.column or "", len(order))))
    return ApplicationError(
        "invalid_rows", f"发现{len(problems)}处错误，没有导入任何数据。请修改后重新导入。", problems
    )


# --- parsers --------------------------------------------------------------------------------------


def text(value: str) -> str:
    return value.strip()


def parse_date(value: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    if len(value) == 10 and value[4] == "-":  # the usual 2020-07-01: no format guessing needed
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a calendar date, no time)
        except ValueError:
            continue
    raise CellError(f"“{value}”不是有效日期，请写成 2020-07-01 的形式")


def choice(options: Iterable[str], *, aliases: dict[str, str] | None = None) -> Callable[[str], str]:
    allowed = list(options)
    aliases = aliases or {}

    def parse(value: str) -> str:
        value = value.strip()
        if not value:
            return ""
        value = aliases.get(value, value)
        if value not in allowed:
            raise CellError(f"“{value}”不是可选值，应为：{'、'.join(allowed)}")
        return value

    return parse


def integer(*, low: int, high: int, what: str) -> Callable[[str], int]:
    """A whole number between low and high (both included); otherwise “value”不是{what}."""

    def parse(value: str) -> int:
        number = whole_number(value)
        if number is None or not low <= number <= high:
            raise CellError(f"“{value.strip()}”不是{what}")
        return number

    return parse


def yes_no(value: str) -> bool:
    value = value.strip()
    if value in ("", "否", "N", "n", "0", "false", "FALSE"):
        return False
    if value in ("是", "Y", "y", "1", "true", "TRUE"):
        return True
    raise CellError(f"“{value}”应为“是”或“否”")


# --- reading --------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text_value = str(value).strip()
    # Undo our own export's formula guard so that export → import round-trips.
    if text_value.startswith("'") and text_value[1:2] in ("=", "+", "-", "@"):
        return text_value[1:]
    return text_value


@dataclass(frozen=True)
class Limits:
    """How large an uploaded file may be, checked while it is read and before anything is held for
    it (settings QIXIN_IMPORT_MAX_*, docs/import-formats.md): reading stops at the first limit."""

    rows: int
    columns: int
    cells: int
    cell_chars: int
    uncompressed_bytes: int
    members: int
    compression_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.QIXIN_IMPORT_MAX_ROWS,
            columns=settings.QIXIN_IMPORT_MAX_COLUMNS,
            cells=settings.QIXIN_IMPORT_MAX_CELLS,
            cell_chars=settings.QIXIN_IMPORT_MAX_CELL_CHARS,
            uncompressed_bytes=settings.QIXIN_IMPORT_MAX_UNCOMPRESSED_BYTES,
            members=settings.QIXIN_IMPORT_MAX_ZIP_MEMBERS,
            compression_ratio=settings.QIXIN_IMPORT_MAX_COMPRESSION_RATIO,
        )


def _cell_too_large(
    filename: str, row: int, column: int, limits: Limits, length: int | None = None
) -> ApplicationError:
    size = f"有 {length} 个字符，" if length else ""
    return ApplicationError(
        "cell_too_large",
        f"文件“{filename}”第{row}行第{column}列的内容{size}超过上限 {limits.cell_chars} 个字符。",
    )


def _raw_rows(
    data: bytes, filename: str, limits: Limits, early_header: Callable[[list[str]], None]
) -> Iterator[list[str]]:
    """The rows of the file as text, the header row first. `early_header` sees the header's names
    before the rest of an xlsx sheet is read, and may refuse the file there."""
    suffix = Path(filename).suffix.lower()
    cells: Iterator[Sequence[Any]]
    if suffix in (".xlsx", ".xlsm"):
        cells = _xlsx_cells(data, filename, limits, early_header)
    elif suffix == ".csv":
        cells = _csv_records(data, filename, limits, early_header)
    else:
        raise ApplicationError(
            "bad_file", f"不支持的文件类型“{suffix or filename}”：请上传 .xlsx 或 .csv 文件。"
        )
    for number, row in enumerate(cells, start=1):
        texts = [_cell_text(v) for v in row]
        if texts and max(map(len, texts)) > limits.cell_chars:
            index = next(i for i, t in enumerate(texts) if len(t) > limits.cell_chars)
            raise _cell_too_large(filename, number, index + 1, limits, len(texts[index]))
        yield texts


def _xlsx_cells(
    data: bytes, filename: str, limits: Limits, early_header: Callable[[list[str]], None]
) -> Iterator[Sequence[Any]]:
    # Everything calamine would allocate is bounded first (xlsx_scan); only then is it opened.
    package = xlsx_scan.open_package(data, filename, limits)
    sheet_part = xlsx_scan.first_sheet(data, package, filename)
    try:
        sheet_info = package.getinfo(sheet_part)
    except KeyError:
        raise xlsx_scan.damaged(filename) from None

    def on_header(cells: list[tuple[str, str]]) -> None:
        indexes = {text: whole_number(text) for kind, text in cells if kind == "s"}
        wanted = {i for i in indexes.values() if i is not None}
        strings: dict[int, str] = {}
        if wanted and "xl/sharedStrings.xml" in package.NameToInfo:
            info = package.getinfo("xl/sharedStrings.xml")
            strings = xlsx_scan.shared_strings(xlsx_scan.part_chunks(data, info, filename), wanted, filename)
        names: list[str] = []
        for kind, text in cells:
            index = indexes.get(text) if kind == "s" else None
            if index is not None and index in strings:
                names.append(_cell_text(strings[index]))
            elif kind in ("inlineStr", "str"):
                names.append(_cell_text(text))
            # numbers, dates and booleans are left to the full check after calamine's reading
        early_header(names)

    xlsx_scan.scan_sheet(
        lambda: xlsx_scan.part_chunks(data, sheet_info, filename), filename, limits, on_header
    )
    for info in package.infolist():
        if info.filename != sheet_part:
            xlsx_scan.verify_part(data, info, filename)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
    except Exception as exc:  # calamine raises several types for damaged files
        raise xlsx_scan.damaged(filename) from exc
    yield from rows


def _csv_encoding(data: bytes, filename: str) -> str:
    """UTF-8 (with or without BOM) or else GB18030, checked a megabyte at a time without holding the
    decoded text."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1024 * 1024):
                decoder.decode(data[start : start + 1024 * 1024])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ApplicationError("bad_file", f"无法识别文件“{filename}”的编码：请保存为 UTF-8 或 GBK 编码的 CSV。")


def _csv_records(
    data: bytes, filename: str, limits: Limits, early_header: Callable[[list[str]], None]
) -> Iterator[list[str]]:
    """The records of a csv file. A first pass through the csv module's C reader checks the header
    and every limit without keeping anything; only a file that passes is read for its rows."""
    if b"\x00" in data:  # neither UTF-8 nor GB18030 text has a NUL byte; a binary file does
        raise ApplicationError("bad_file", f"文件“{filename}”不是文本格式的 CSV 文件。")
    encoding = _csv_encoding(data, filename)
    for count, record in enumerate(_csv_reader(data, encoding, filename, limits), start=1):
        if count == 1:
            early_header([_cell_text(v) for v in record])
        if count > limits.rows:
            raise ApplicationError(
                "too_many_rows", f"文件“{filename}”的行数超过上限 {limits.rows} 行，请分批导入。"
            )
        if len(record) > limits.columns:
            raise ApplicationError(
                "too_many_columns",
                f"文件“{filename}”第{count}行有 {len(record)} 列，超过上限 {limits.columns} 列：请只保留导入模板中的列。",
            )
        if record and max(map(len, record)) > limits.cell_chars:
            index = next(i for i, v in enumerate(record) if len(v) > limits.cell_chars)
            raise _cell_too_large(filename, count, index + 1, limits, len(record[index]))
    yield from _csv_reader(data, encoding, filename, limits)


def _csv_reader(data: bytes, encoding: str, filename: str, limits: Limits) -> Iterator[list[str]]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    # A physical line is read with a bound, so that a file without line breaks is not decoded whole.
    longest = (limits.cell_chars + 3) * limits.columns
    line_number = 0

    def lines() -> Iterator[str]:
        nonlocal line_number
        while line := stream.readline(longest + 1):
            line_number += 1
            if len(line) > longest:
                raise ApplicationError(
                    "cell_too_large",
                    f"文件“{filename}”第{line_number}行超过 {longest} 个字符：单元格不能超过 {limits.cell_chars} 个字符。",
                )
            yield line

    reader = csv.reader(lines())
    try:
        yield from reader
    except csv.Error as exc:
        # The csv module stops at 131,072 characters a field (csv.field_size_limit, one setting for
        # the whole process, so it is left alone): a larger cell is past our own limit anyway.
        if "field larger than field limit" in str(exc):
            raise ApplicationError(
                "cell_too_large",
                f"文件“{filename}”第{reader.line_num}行有单元格超过上限 {limits.cell_chars} 个字符。",
            ) from None
        raise ApplicationError(
            "bad_file", f"文件“{filename}”第{reader.line_num}行不是有效的 CSV 格式，请检查引号是否成对。"
        ) from None


def _header_problems(header: Sequence[str], columns: Sequence[Column]) -> list[Problem]:
    known = {c.header for c in columns}
    problems = [
        Problem(message=f"缺少必填列“{c.header}”", row=1)
        for c in columns
        if c.required and c.header not in header
    ]
    problems += [
        Problem(message=f"无法识别的列“{_shortened(h)}”，请使用导入模板的表头", row=1, column=_shortened(h))
        for h in header
        if h and h not in known
    ]
    seen: set[str] = set()
    for h in header:
        if h in seen:
            problems.append(Problem(message=f"列“{_shortened(h)}”重复出现", row=1, column=_shortened(h)))
        seen.add(h)
    return problems


def _shortened(text: str, length: int = 40) -> str:
    """A cell's text as a message quotes it: a header cell may hold 32,767 characters."""
    return text if len(text) <= length else text[:length] + "…"


def _bad_header(problems: list[Problem]) -> ApplicationError:
    return ApplicationError("bad_header", "表头与模板不一致，没有导入任何数据。", problems)


def read(
    data: bytes, filename: str, columns: Sequence[Column]
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Parse every row. Returns (rows as (row number, {key: value}), problems); rows with a
    problem are still returned (without the bad cells) so that row-level checks can go on.

    The header is checked before the rows are read, and the file is refused at the first limit
    it passes (Limits), before the rest of it is read."""
    if not data:
        raise ApplicationError("empty_file", f"文件“{filename}”是空的。")
    if len(data) > settings.QIXIN_IMPORT_MAX_BYTES:
        limit = settings.QIXIN_IMPORT_MAX_BYTES // (1024 * 1024)
        raise ApplicationError("file_too_large", f"文件“{filename}”超过{limit} MB，请分批导入。")

    limits = Limits.from_settings()

    def early_header(names: list[str]) -> None:
        for index, name in enumerate(names):
            if len(name) > limits.cell_chars:
                raise _cell_too_large(filename, 1, index + 1, limits, len(name))
        problems = _header_problems([n for n in names if n], columns)
        if problems:
            raise _bad_header(problems)

    rows = _raw_rows(data, filename, limits, early_header)
    header = next(rows, None)
    if header is None or not any(header):
        raise ApplicationError("empty_file", f"文件“{filename}”没有表头，也没有数据。")
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    known = {c.header: c for c in columns}
    problems = _header_problems(header, columns)
    if problems:
        raise _bad_header(problems)

    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, raw in enumerate(rows, start=2):
        if not any(raw):
            continue
        values: dict[str, Any] = {}
        for index, h in enumerate(header):
            if not h:
                continue
            column = known[h]
            cell = raw[index] if index < len(raw) else ""
            if not cell:
                if column.required:
                    problems.append(Problem(message="必填，不能为空", row=number, column=h))
                continue
            try:
                values[column.key] = column.parse(cell)
            except CellError as exc:
                problems.append(Problem(message=str(exc), row=number, column=h))
        parsed.append((number, values))
    if not parsed and not problems:
        raise ApplicationError("empty_file", f"文件“{filename}”只有表头，没有数据行。")
    return parsed, problems


# --- writing --------------------------------------------------------------------------------------


def write(path: Path | str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write an xlsx or csv file. Text that a spreadsheet would run as a formula is neutralised."""
    path = Path(path)
    count = 0
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            for row in rows:
                writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
                count += 1
        return count
    if path.suffix.lower() != ".xlsx":
        raise ApplicationError("bad_file", f"不支持的导出格式“{path.suffix}”：请使用 .xlsx 或 .csv。")
    # Imported here: xlsxwriter costs ~20 ms to import, paid only by the exports that write xlsx.
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet("数据")
    bold = workbook.add_format({"bold": True, "bg_color": "#F2DCDB"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
        sheet.set_column(col, col, max(10, len(header) * 2 + 2))
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(number, col, datetime.combine(value, datetime.min.time()), date_format)
            elif isinstance(value, bool):
                sheet.write_string(number, col, "是" if value else "否")
            elif isinstance(value, int | float):
                sheet.write_number(number, col, value)
            else:
                sheet.write_string(number, col, str(spreadsheet_safe(str(value))))
        count += 1
    sheet.freeze_panes(1, 0)
    workbook.close()
    return count


def write_template(path: Path | str, columns: Sequence[Column]) -> None:
    write(path, [c.header for c in columns], [[c.example for c in columns]])
