"""The summary through the CLI and the API, as JSON, Markdown, xlsx and docx."""

import datetime as dt
import json

import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Length
from docx.text.run import Run
from openpyxl.worksheet.worksheet import Worksheet

from qixin.cli import main
from qixin.core.services import api_token_create

pytestmark = pytest.mark.django_db
ARGS = ["report", "summary", "--org", "R-A", "--from", "2026-01-01", "--to", "2026-06-30"]


def _pt(length: Length | None) -> float:
    """A length the document sets, in points."""
    assert length is not None
    points: float = length.pt
    return points


def _mm(length: Length | None) -> int:
    """A length the document sets, in whole millimetres."""
    assert length is not None
    millimetres: float = length.mm
    return round(millimetres)


def _east_asian_font(run: Run) -> str | None:
    """The font a Word run sets for Chinese text (w:rFonts w:eastAsia)."""
    properties = run._element.rPr
    assert properties is not None
    assert properties.rFonts is not None
    font: str | None = properties.rFonts.get(qn("w:eastAsia"))
    return font


def test_cli_json_keys_are_stable(world):
    result = CliRunner().invoke(main, [*ARGS, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["org"] == {"code": "R-A", "name": "总装党总支", "kind": "general_branch"}
    assert data["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert data["metrics"]["members.total"] == {
        "label": "党员",
        "unit": "名",
        "section": "组织与党员",
        "value": 4,
    }
    assert data["narrative"][0].startswith("总装党总支现有党员4名（正式党员3名、预备党员1名）")


def test_markdown_links_every_figure_to_its_records(world):
    result = CliRunner().invoke(main, [*ARGS, "--format", "md", "--base-url", "https://qixin.example"])
    assert (
        "现有党员[4名](https://qixin.example/reports/drill/members.total/?org=R-A&from=2026-01-01&to=2026-06-30)"
        in (result.output)
    )


def test_xlsx_and_docx_files(world, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, [*ARGS, "--format", "xlsx", "--out", str(tmp_path / "r.xlsx")]).exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx").active
    assert isinstance(sheet, Worksheet)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("类别", "指标", "数值", "单位")  # no internal keys such as orgs.committee
    assert ("组织与党员", "党员", 4, "名") in rows
    assert not any("." in str(cell) for row in rows for cell in row if isinstance(cell, str))

    assert runner.invoke(main, [*ARGS, "--format", "docx", "--out", str(tmp_path / "r.docx")]).exit_code == 0
    document = Document(str(tmp_path / "r.docx"))
    title = document.paragraphs[0]
    assert title.text == "总装党总支2026年1月1日至2026年6月30日党建工作报告"
    assert (_east_asian_font(title.runs[0]), _pt(title.runs[0].font.size)) == ("方正小标宋简体", 22)
    section = document.sections[0]  # GB/T 9704: A4, 天头 37 mm, 订口 28 mm
    assert (_mm(section.page_width), _mm(section.page_height)) == (210, 297)
    assert [_mm(section.top_margin), _mm(section.bottom_margin)] == [37, 35]
    assert [_mm(section.left_margin), _mm(section.right_margin)] == [28, 26]
    assert _pt(document.styles["Normal"].font.size) == 16  # 3号仿宋
    assert "PAGE" in section.footer.paragraphs[0]._element.xml
    body = document.paragraphs[1]
    assert body.text.startswith("总装党总支现有党员4名[1]（正式党员3名[2]")
    assert _east_asian_font(body.runs[1]) == "仿宋"
    sources = [p.text for p in document.paragraphs if p.text.startswith("[1] ")]
    assert sources == ["[1] 4名：/reports/drill/members.total/?org=R-A&from=2026-01-01&to=2026-06-30"]


def test_api_summary_is_the_same_json(world, client):
    _token, key = api_token_create(actor=world["admin"], name="报表", days=1)
    response = client.get(
        "/api/v1/reports/summary",
        {"org": "R-A", "from": "2026-01-01", "to": "2026-06-30"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200
    cli = json.loads(CliRunner().invoke(main, [*ARGS, "--format", "json"]).output)
    assert response.json() == cli


def test_api_refuses_a_period_that_ends_before_it_starts(world, client):
    _token, key = api_token_create(actor=world["admin"], name="报表", days=1)
    response = client.get(
        "/api/v1/reports/summary",
        {"org": "R-A", "from": "2026-06-30", "to": "2026-01-01"},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert (response.status_code, response.json()["message"]) == (400, "结束日期不能早于开始日期。")


def test_a_drill_down_page_lists_the_records_and_exports_them(world, client, tmp_path):
    world["admin"].set_password("a-long-admin-pass")
    world["admin"].save()
    client.force_login(world["admin"])
    query = {"org": "R-A", "from": "2026-01-01", "to": "2026-06-30"}
    page = client.get("/reports/drill/members.admitted/", query)
    assert page.status_code == 200
    assert "员工A3" in page.content.decode()
    assert "员工A4" not in page.content.decode()
    export = client.get("/reports/drill/members.admitted/", {**query, "format": "xlsx"})
    (tmp_path / "d.xlsx").write_bytes(b"".join(export.streaming_content))
    sheet = openpyxl.load_workbook(tmp_path / "d.xlsx").active
    assert isinstance(sheet, Worksheet)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "工号", "所在党支部", "加入党组织日期")
    assert all(isinstance(row[3], dt.datetime) for row in rows[1:])  # a date cell reads as a datetime
    assert [(*row[:3], row[3].date()) for row in rows[1:] if isinstance(row[3], dt.datetime)] == [
        ("员工A3", "A3", "总装第一党支部", dt.date(2026, 1, 1))
    ]


def test_a_drill_down_list_can_be_searched_by_name_number_or_branch(world, client):
    client.force_login(world["admin"])
    query = {"org": "R-A", "from": "2026-01-01", "to": "2026-06-30"}
    found = client.get("/reports/drill/members.total/", {**query, "q": "a3"}).content.decode()
    assert "员工A3" in found
    assert "员工A1" not in found
    assert "共 4 条，找到 1 条" in found
    by_branch = client.get("/reports/drill/members.total/", {**query, "q": "总装第一党支部"}).content.decode()
    assert "员工A1" in by_branch
    assert "员工B1" not in by_branch
    nothing = client.get("/reports/drill/members.total/", {**query, "q": "无此人"}).content.decode()
    assert "没有符合条件的记录。" in nothing
