"""The summary as JSON, Markdown, xlsx and docx, and drill-down lists as xlsx/csv.

In Markdown every figure links to its drill-down; in docx every figure carries a numbered reference
to the drill-down listed under 数据来源, so a printed report can still be traced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from qixin.core.errors import ApplicationError

from .metrics import SECTIONS, Drill
from .narrative import Figure
from .selectors import Summary, period_label

FORMATS = ("json", "md", "xlsx", "docx")


def drill_url(summary: Summary, key: str) -> str:
    last = summary.period.end.toordinal() - 1
    from datetime import date

    query = urlencode(
        {
            "org": summary.org.code,
            "from": summary.period.start.isoformat(),
            "to": date.fromordinal(last).isoformat(),
        }
    )
    return f"{reverse('reports:drill', args=[key])}?{query}"


def _number(value: int | Decimal) -> int | float:
    return float(value) if isinstance(value, Decimal) else value


def to_markdown(summary: Summary, base_url: str = "") -> str:
    lines = [f"# {summary.org.name} {period_label(summary.period)}党建工作报告", ""]
    for paragraph in summary.paragraphs:
        lines.append(
            "".join(
                (f"[{s.text}]({base_url}{drill_url(summary, s.key)})" if s.has_drill else s.text)
                if isinstance(s, Figure)
                else s
                for s in paragraph
            )
        )
        lines.append("")
    lines += ["## 数据", "", "| 类别 | 指标 | 数值 | 单位 |", "|---|---|---|---|"]
    for section in SECTIONS:
        for v in summary.values:
            if v.metric.section == section:
                label = (
                    f"[{v.metric.label}]({base_url}{drill_url(summary, v.metric.key)})"
                    if v.metric.has_drill
                    else v.metric.label
                )
                lines.append(f"| {section} | {label} | {_number(v.value)} | {v.metric.unit} |")
    return "\n".join(lines) + "\n"


def _set_font(run: Any, east_asia: str, size: float | None = None, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = "Times New Roman"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)
    if size:
        run.font.size = Pt(size)
    run.font.bold = bold


# GB/T 9704-2012 (党政机关公文格式): A4, 天头 37 mm, 订口 28 mm, 版心 156 × 225 mm; title in 2号
# 小标宋 (22 pt), headings 3号黑体, body 3号仿宋 (16 pt), 22 lines a page; page numbers 4号 under the text.
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TITLE_FONT, HEADING_FONT, BODY_FONT = "方正小标宋简体", "黑体", "仿宋"
TITLE_PT, BODY_PT, LINE_PT = 22, 16, 28.95


def _page_setup(document: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PT)
    normal.paragraph_format.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(footer.add_run("— "), "宋体", 14)
    number = footer.add_run()
    _set_font(number, "宋体", 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.text = text
        number._element.append(element)
    _set_font(footer.add_run(" —"), "宋体", 14)


def to_docx(summary: Summary, path: Path, base_url: str = "") -> None:
    """A report laid out as an official document (GB/T 9704: A4, its margins, 小标宋 title, 黑体
    headings, 仿宋 body), the narrative with numbered references to each figure's records, and the
    table of figures."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
    _page_setup(document)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(
        title.add_run(f"{summary.org.name}{period_label(summary.period)}党建工作报告"), TITLE_FONT, TITLE_PT
    )
    references: list[str] = []
    for paragraph in summary.paragraphs:
        block = document.add_paragraph()
        block.paragraph_format.first_line_indent = Pt(28)
        for segment in paragraph:
            if isinstance(segment, Figure) and not segment.has_drill:
                _set_font(block.add_run(segment.text), BODY_FONT)
            elif isinstance(segment, Figure):
                _set_font(block.add_run(segment.text), BODY_FONT)
                references.append(f"{segment.text}：{base_url}{drill_url(summary, segment.key)}")
                marker = block.add_run(f"[{len(references)}]")
                _set_font(marker, BODY_FONT, 9)
                marker.font.superscript = True
            else:
                _set_font(block.add_run(segment), BODY_FONT)
    heading = document.add_paragraph()
    _set_font(heading.add_run("主要数据"), HEADING_FONT, BODY_PT)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["类别", "指标", "数值", "单位"], strict=True):
        _set_font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
    for v in summary.values:
        cells = table.add_row().cells
        for cell, text in zip(
            cells, [v.metric.section, v.metric.label, str(_number(v.value)), v.metric.unit], strict=True
        ):
            _set_font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
    heading = document.add_paragraph()
    _set_font(heading.add_run("数据来源"), HEADING_FONT, BODY_PT)
    for number, reference in enumerate(references, start=1):
        _set_font(document.add_paragraph().add_run(f"[{number}] {reference}"), BODY_FONT, 10)
    document.save(str(path))


def write_summary(summary: Summary, path: Path, fmt: str, base_url: str = "") -> None:
    if fmt not in FORMATS:
        raise ApplicationError("bad_format", f"不支持的格式“{fmt}”，可选：{'、'.join(FORMATS)}。")
    if fmt == "json":
        path.write_text(json.dumps(summary.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    elif fmt == "md":
        path.write_text(to_markdown(summary, base_url), encoding="utf-8")
    elif fmt == "xlsx":
        from qixin.core import tabular  # here: only the xlsx export needs it (the CLI's json/md skip it)

        tabular.write(
            path,
            ["类别", "指标", "数值", "单位"],  # for people: the metric keys are in the JSON, not here
            ([v.metric.section, v.metric.label, _number(v.value), v.metric.unit] for v in summary.values),
        )
    else:
        to_docx(summary, path, base_url)


def write_drill(drill: Drill, path: Path) -> int:
    from qixin.core import tabular

    def plain(cell: Any) -> Any:
        return cell[0] if isinstance(cell, tuple) else cell

    rows: Any = ([plain(c) for c in row] for row in drill.all_rows())
    return tabular.write(path, list(drill.columns), rows)


def metric_table(values: Sequence[Any]) -> list[list[Any]]:
    return [[v.metric.section, v.metric.label, _number(v.value), v.metric.unit] for v in values]
