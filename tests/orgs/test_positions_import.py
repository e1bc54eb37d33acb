"""Positions file (`positions`): every row checked with the page's rules, problems reported with row
and column, nothing written on any problem; a re-import changes nothing; export → import round-trips;
the documented columns are the code's."""

import csv
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from django.utils import timezone
from openpyxl.worksheet.worksheet import Worksheet
from tests.builders import D, account, org, person, superuser

from qixin.cli import main as cli
from qixin.core.errors import ApplicationError
from qixin.core.models import AuditEntry
from qixin.core.services import system_user
from qixin.orgs import services
from qixin.orgs.importers import POSITION_COLUMNS, POSITION_HEADERS, export_positions, import_positions
from qixin.orgs.models import OrgKind, Position

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def world():
    root = org(None, "R", OrgKind.COMMITTEE, "示例党委")
    b1, b2 = org(root, "B1", name="第一党支部"), org(root, "B2", name="第二党支部")
    org(b1, "B1-G", OrgKind.GROUP, "第一党小组")
    person(b1, "F1", category="正式党员", name="张正式")
    person(b1, "F2", category="正式党员", name="赵接任")
    person(b1, "F3", category="正式党员", name="钱委员")
    person(b1, "P1", category="预备党员", name="李预备", joined=timezone.localdate() - dt.timedelta(days=30))
    person(b2, "O1", category="正式党员", name="孙外支")
    return {"b1": b1, "b2": b2}


GOOD = [
    ["B1", "F1", "书记", "", "2018-03-01", "2021-03-01"],
    ["B1", "F2", "书记", "", "2021-03-01", ""],
    ["B1", "F3", "组织委员", "", "2021-03-01", ""],
    ["B1-G", "P1", "党小组长", "", str(timezone.localdate()), ""],
    ["B1", "P1", "其他", "联络员", str(timezone.localdate()), ""],
    ["B2", "O1", "书记", "", "2022-01-01", ""],
]


def csv_bytes(rows: list[list[str]], headers: list[str] = POSITION_HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(POSITION_HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(data: bytes, filename: str = "职务.csv", **kwargs):
    return import_positions(actor=system_user(), data=data, filename=filename, **kwargs)


def terms() -> list[tuple[str, str, str, dt.date, dt.date | None]]:
    return list(
        Position.objects.order_by("organization__code", "person__employee_no", "started_on").values_list(
            "organization__code", "person__employee_no", "title", "started_on", "ended_on"
        )
    )


def test_a_good_file_creates_every_term(world):
    report = run(xlsx_bytes(GOOD), "职务.xlsx")
    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert terms() == [
        ("B1", "F1", "secretary", D(2018, 3, 1), D(2021, 3, 1)),
        ("B1", "F2", "secretary", D(2021, 3, 1), None),
        ("B1", "F3", "organization", D(2021, 3, 1), None),
        ("B1", "P1", "custom", timezone.localdate(), None),
        ("B1-G", "P1", "group_leader", timezone.localdate(), None),
        ("B2", "O1", "secretary", D(2022, 1, 1), None),
    ]
    assert AuditEntry.objects.filter(action="import", model="orgs.Position").count() == 1


def test_a_dry_run_writes_nothing(world):
    report = run(csv_bytes(GOOD), dry_run=True)
    assert (report.created, report.dry_run) == (6, True)
    assert terms() == []


def test_every_problem_is_reported_with_row_and_column_and_nothing_is_written(world):
    rows = [
        ["B1", "F1", "书记", "", "2021-03-01", ""],  # 2: fine on its own
        ["B1", "P1", "副书记", "", str(timezone.localdate()), ""],  # 3: probationary
        ["NOPE", "F2", "委员", "", "2021-03-01", ""],  # 4: unknown organization
        ["B1", "X9", "委员", "", "2021-03-01", ""],  # 5: unknown person
        ["B1", "F3", "主任", "", "2021-03-01", ""],  # 6: unknown title
        ["B1", "F3", "其他", "", "2021-03-01", ""],  # 7: custom without its name
        ["B1", "F3", "委员", "", "2099-01-01", ""],  # 8: future
        ["B1", "F3", "委员", "", "1999-01-01", ""],  # 9: before the branch was established
        ["B1", "F2", "书记", "", "2022-01-01", ""],  # 10: a second current secretary
        ["B1", "F3", "宣传委员", "", "2021-03-01", "2020-01-01"],  # 11: ends before it starts
        ["B1", "O1", "委员", "", "2021-03-01", ""],  # 12: not a member of B1
        ["B1", "F1", "书记", "", "2021-03-01", ""],  # 13: same as row 2
        ["B1", "F3", "委员", "", "2021/3/1", "明天"],  # 14: a bad date
    ]
    audits = AuditEntry.objects.count()
    with pytest.raises(ApplicationError) as caught:
        run(csv_bytes(rows))
    assert caught.value.message == "发现12处错误，没有导入任何数据。请修改后重新导入。"
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (3, "工号", "李预备是预备党员。副书记须经选举产生，预备党员没有表决权、选举权和被选举权，不能担任"),
        (4, "组织编码", "找不到组织编码“NOPE”，或该组织不在您的范围内"),
        (5, "工号", "找不到工号“X9”的人员"),
        (
            6,
            "职务",
            "“主任”不是可选值，应为：书记、副书记、组织委员、宣传委员、纪检委员、委员、党小组长、其他",
        ),
        (7, "自定义职务名称", "职务为“其他”时必须填写职务名称"),
        (8, "任职日期", "任职日期不能晚于今天"),
        (9, "任职日期", "任职日期不能早于“第一党支部”的成立日期2000-01-01"),
        (
            10,
            "职务",
            "“第一党支部”已有在任书记张正式（自2021-03-01起），一个组织同时只能有一名书记。"
            "请先为其办理离任，或选择同时免去现任书记",
        ),
        (11, "离任日期", "离任日期不能早于任职日期"),
        (12, "工号", "该人员不是“第一党支部”（含下级组织）的在册党员，不能担任本组织的党内职务"),
        (13, "工号", "与第2行重复"),
        (14, "离任日期", "“明天”不是有效日期，请写成 2020-07-01 的形式"),
    ]
    assert terms() == []
    assert AuditEntry.objects.count() == audits


def test_reimporting_the_same_file_changes_nothing(world):
    run(csv_bytes(GOOD))
    before = terms()
    audits = AuditEntry.objects.filter(model="orgs.Position").exclude(action="import").count()
    report = run(csv_bytes(GOOD))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert terms() == before
    assert AuditEntry.objects.filter(model="orgs.Position").exclude(action="import").count() == audits


def test_a_handover_in_one_file_ends_the_old_term_and_starts_the_new(world):
    run(csv_bytes([["B1", "F1", "书记", "", "2018-03-01", ""]]))
    report = run(
        csv_bytes(
            [["B1", "F1", "书记", "", "2018-03-01", "2024-05-01"], ["B1", "F2", "书记", "", "2024-05-01", ""]]
        )
    )
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert report.changes == ["离任 B1 F1 书记：2024-05-01", "新增 B1 F2 书记"]
    assert terms() == [
        ("B1", "F1", "secretary", D(2018, 3, 1), D(2024, 5, 1)),
        ("B1", "F2", "secretary", D(2024, 5, 1), None),
    ]


def test_an_ended_term_cannot_be_reopened_or_changed_by_import(world):
    run(csv_bytes([["B1", "F1", "书记", "", "2018-03-01", "2021-03-01"]]))
    with pytest.raises(ApplicationError) as caught:
        run(csv_bytes([["B1", "F1", "书记", "", "2018-03-01", ""]]))
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (2, "离任日期", "该职务已于2021-03-01离任，导入不能修改或撤销离任日期")
    ]


def test_an_organization_outside_the_actors_management_is_refused(world):
    services.position_assign(
        actor=system_user(), org=world["b1"], person_id=_pk("F1"), title="secretary", started_on=D(2021, 1, 1)
    )
    secretary = account("sec", password="x-Password-2026", person_id=_pk("F1"))
    with pytest.raises(ApplicationError) as caught:
        import_positions(
            actor=secretary,
            data=csv_bytes(
                [["B2", "O1", "委员", "", "2022-01-01", ""], ["B1", "F3", "委员", "", "2022-01-01", ""]]
            ),
            filename="职务.csv",
        )
    assert [(p.row, p.column, p.message) for p in caught.value.problems] == [
        (2, "组织编码", "找不到组织编码“B2”，或该组织不在您的范围内")
    ]
    assert terms() == [("B1", "F1", "secretary", D(2021, 1, 1), None)]


def _pk(employee_no: str) -> int:
    from qixin.people.models import Person

    return Person.objects.get(employee_no=employee_no).pk


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_round_trips(world, tmp_path, suffix):
    run(csv_bytes(GOOD))
    path = tmp_path / f"职务.{suffix}"
    assert export_positions(actor=system_user(), path=path) == 6
    report = run(path.read_bytes(), path.name)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)


def test_the_cli_imports_exports_and_writes_a_template(world, tmp_path):
    source = tmp_path / "职务.csv"
    source.write_bytes(csv_bytes(GOOD))
    dry = CliRunner().invoke(cli, ["import", "positions", str(source), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "【试运行，未写入】共6行：将新增6条" in dry.output
    assert terms() == []
    done = CliRunner().invoke(cli, ["import", "positions", str(source)])
    assert done.exit_code == 0, done.output
    assert "共6行：已新增6条，已更新0条，0条无变化。" in done.output
    assert len(terms()) == 6

    exported = tmp_path / "导出.xlsx"
    result = CliRunner().invoke(cli, ["export", "positions", str(exported)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(exported).active
    assert isinstance(sheet, Worksheet)
    assert [c.value for c in sheet[1]] == POSITION_HEADERS
    assert sheet.max_row == 7

    template = tmp_path / "模板.csv"
    assert CliRunner().invoke(cli, ["template", "positions", str(template)]).exit_code == 0
    assert template.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(POSITION_HEADERS)

    bad = tmp_path / "坏.csv"
    bad.write_bytes(csv_bytes([["B1", "P1", "书记", "", str(timezone.localdate()), ""]]))
    refused = CliRunner().invoke(cli, ["import", "positions", str(bad)])
    assert refused.exit_code == 1
    assert "第2行，“工号”列：李预备是预备党员" in refused.output


def test_every_position_column_is_documented_in_order():
    text = (DOCS / "import-formats.md").read_text(encoding="utf-8")
    section = text.split("（`positions`）", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| 列名")]
    documented = [[cell.strip() for cell in line.strip("|").split("|")] for line in rows]
    assert [(r[0], r[1] == "是", r[2], r[3]) for r in documented] == [
        (c.header, c.required, c.example, c.doc) for c in POSITION_COLUMNS
    ]


def test_the_import_page_previews_then_applies(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client.force_login(superuser("admin", password="x-Password-2026"))
    url = reverse("orgs:position_import")
    assert "任职日期" in client.get(url).content.decode()
    upload = SimpleUploadedFile("职务.csv", csv_bytes(GOOD), content_type="text/csv")
    preview = client.post(url, {"file": upload})
    assert "共6行：将新增6条" in preview.content.decode()
    assert terms() == []
    token = preview.context["token"]
    done = client.post(url, {"token": token, "filename": "职务.csv"})
    assert "共6行：已新增6条" in done.content.decode()
    assert len(terms()) == 6
    exported = client.get(reverse("orgs:position_export", args=["csv"]))
    assert exported.status_code == 200


def test_the_appointment_page_replaces_the_secretary_only_when_asked(world, client):
    from django.urls import reverse

    services.position_assign(
        actor=system_user(), org=world["b1"], person_id=_pk("F1"), title="secretary", started_on=D(2021, 1, 1)
    )
    client.force_login(superuser("admin", password="x-Password-2026"))
    url = reverse("orgs:position_new", args=[world["b1"].pk])
    form = {"employee_no": "F2", "title": "secretary", "custom_title": "", "started_on": "2024-05-01"}
    refused = client.post(url, form)
    assert refused.status_code == 400
    assert "已有在任书记张正式" in refused.content.decode()
    done = client.post(url, form | {"replace_current": "on"})
    assert done.status_code == 302
    assert terms() == [
        ("B1", "F1", "secretary", D(2021, 1, 1), D(2024, 5, 1)),
        ("B1", "F2", "secretary", D(2024, 5, 1), None),
    ]
