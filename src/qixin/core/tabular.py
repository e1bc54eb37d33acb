"""Spreadsheet files with Chinese headers: reading (xlsx via calamine, csv), validation helpers that
say where and what is wrong, and writing (xlsx via XlsxWriter, csv) safe from formula injection.

An import is two steps everywhere: read every row and collect every problem; only when there is
none does the caller apply all rows in one transaction.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from python_calamine import CalamineWorkbook

from .errors import ApplicationError, Problem
from .text import spreadsheet_safe


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


def _raw_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ApplicationError("bad_file", f"文件“{filename}”不是有效的 Excel（xlsx）文件，可能已损坏。")
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = workbook.get_sheet_by_index(0)
            rows = sheet.iter_rows()
        except Exception as exc:  # calamine raises several types for damaged files
            raise ApplicationError(
                "bad_file", f"无法读取 Excel 文件“{filename}”：文件已损坏或格式不对。"
            ) from exc
        for cells in rows:
            yield [_cell_text(v) for v in cells]
    elif suffix == ".csv":
        try:
            decoded = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                decoded = data.decode("gb18030")
            except UnicodeDecodeError:
                raise ApplicationError(
                    "bad_file", f"无法识别文件“{filename}”的编码：请保存为 UTF-8 或 GBK 编码的 CSV。"
                ) from None
        if "\x00" in decoded:
            raise ApplicationError("bad_file", f"文件“{filename}”不是文本格式的 CSV 文件。")
        for row in csv.reader(io.StringIO(decoded, newline="")):
            yield [_cell_text(v) for v in row]
    else:
        raise ApplicationError(
            "bad_file", f"不支持的文件类型“{suffix or filename}”：请上传 .xlsx 或 .csv 文件。"
        )


def read(
    data: bytes, filename: str, columns: Sequence[Column]
) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """Parse every row. Returns (rows as (row number, {key: value}), problems); rows with a
    problem are still returned (without the bad cells) so that row-level checks can go on."""
    if not data:
        raise ApplicationError("empty_file", f"文件“{filename}”是空的。")
    if len(data) > settings.QIXIN_IMPORT_MAX_BYTES:
        limit = settings.QIXIN_IMPORT_MAX_BYTES // (1024 * 1024)
        raise ApplicationError("file_too_large", f"文件“{filename}”超过{limit} MB，请分批导入。")
    rows = _raw_rows(data, filename)
    header = next(rows, None)
    if header is None or not any(header):
        raise ApplicationError("empty_file", f"文件“{filename}”没有表头，也没有数据。")
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    known = {c.header: c for c in columns}
    problems = [
        Problem(message=f"缺少必填列“{c.header}”", row=1)
        for c in columns
        if c.required and c.header not in header
    ]
    problems += [
        Problem(message=f"无法识别的列“{h}”，请使用导入模板的表头", row=1, column=h)
        for h in header
        if h and h not in known
    ]
    seen: set[str] = set()
    for h in header:
        if h in seen:
            problems.append(Problem(message=f"列“{h}”重复出现", row=1, column=h))
        seen.add(h)
    if problems:
        raise ApplicationError("bad_header", "表头与模板不一致，没有导入任何数据。", problems)

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
