"""The meetings history file: all or nothing, idempotent, refusals say where and what."""

import pytest

from qixin.core import tabular
from qixin.core.errors import ApplicationError
from qixin.life import importers
from qixin.life.models import Meeting


def _file(tmp_path, rows):
    path = tmp_path / "meetings.xlsx"
    tabular.write(path, importers.HEADERS, rows)
    return path.read_bytes()


def _row(
    code="Q-1", kind="主题党日", day="2026-03-15", should="6", present="5", excused="1", topics="形势变化"
):
    return [code, kind, day, "14:00", "16:00", "主题党日", "活动室", should, present, excused, topics, "记录"]


def test_import_creates_then_leaves_unchanged(world, tmp_path):
    data = _file(tmp_path, [_row(), _row(kind="党课", day="2026-02-10", topics="")])

    preview = importers.import_meetings(actor=world.admin, data=data, filename="m.xlsx", dry_run=True)
    assert (preview.created, Meeting.objects.count()) == (2, 0)

    report = importers.import_meetings(actor=world.admin, data=data, filename="m.xlsx")
    again = importers.import_meetings(actor=world.admin, data=data, filename="m.xlsx")

    assert (report.created, again.created, again.unchanged) == (2, 0, 2)
    meeting = Meeting.objects.get(kind__code="theme_day")
    assert (meeting.present_count, meeting.excused_count, meeting.absent_count) == (5, 1, 0)
    assert meeting.topics == ["形势变化"]
    assert meeting.status == "held"


def test_import_refuses_every_bad_row_and_writes_nothing(world, tmp_path):
    data = _file(
        tmp_path,
        [
            _row(),
            _row(code="NOPE"),
            _row(kind="联欢会"),
            _row(day="2026-04-01", should="3", present="3", excused="1"),
            _row(day="2026-04-02", topics="打卡"),
        ],
    )

    with pytest.raises(ApplicationError) as caught:
        importers.import_meetings(actor=world.admin, data=data, filename="m.xlsx")

    assert [str(p) for p in caught.value.problems] == [
        "第3行，“组织编码”列：找不到组织“NOPE”",
        "第4行，“会议类型”列：“联欢会”不是本组织可用的会议类型",
        "第5行，“实到”列：实到3名加请假1名超过应到3名",
        "第6行，“涉及议题”列：不在必过议题清单中：打卡",
    ]
    assert Meeting.objects.count() == 0


def test_secretary_cannot_import_into_another_branch(world, tmp_path):
    data = _file(tmp_path, [_row(code="Q-3")])

    with pytest.raises(ApplicationError) as caught:
        importers.import_meetings(actor=world.secretary, data=data, filename="m.xlsx")

    assert "找不到组织“Q-3”" in str(caught.value)


def test_export_round_trips(world, tmp_path):
    importers.import_meetings(actor=world.admin, data=_file(tmp_path, [_row()]), filename="m.xlsx")
    out = tmp_path / "out.xlsx"

    assert importers.export_meetings(actor=world.admin, path=out) == 1
    again = importers.import_meetings(actor=world.admin, data=out.read_bytes(), filename="out.xlsx")
    assert (again.created, again.unchanged) == (0, 1)


def test_every_column_is_documented_in_order():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "import-formats.md").read_text(encoding="utf-8")
    section = text.split("（`life_meetings`）", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| 列名")]
    documented = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    assert [(r[0], r[1] == "是", r[3]) for r in documented] == [
        (c.header, c.required, c.doc) for c in importers.COLUMNS
    ]
