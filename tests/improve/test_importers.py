"""Imports: every bad row reported with its row and column, nothing written; a good file is
applied once (importing it again changes nothing); a dry run writes nothing; exports re-import."""

import csv
import io

import pytest

from qixin.core.errors import ApplicationError
from qixin.improve import importers
from qixin.improve.models import Project, SavingsEntry, Suggestion


def csv_bytes(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


SUGGESTION_HEADER = ["来源单号", "所涉组织编码", "提交人工号", "建议内容", "类别", "预期年效益（元）"]


def test_suggestion_import_reports_every_bad_row_and_writes_nothing(world):
    data = csv_bytes(
        [
            SUGGESTION_HEADER,
            ["P-1", "C-1", "E001", "总装车间空压机夜间满功率运行，建议加装变频控制。", "能耗", "50000"],
            ["P-2", "C-9", "E001", "涂装烘炉停线时降温待机。", "能耗", ""],
            ["P-3", "C-1", "E999", "线边料架改为重力式。", "物流", "abc"],
            ["P-4", "C-1", "", "省", "能耗", ""],
            ["P-5", "C-1", "", "焊装车间电极帽修磨周期按焊点数设定。", "其它类", ""],
        ]
    )

    with pytest.raises(ApplicationError) as refused:
        importers.import_suggestions(actor=world.worker, data=data, filename="建议.csv")

    where = sorted((p.row, p.column) for p in refused.value.problems)
    assert where == [
        (3, "所涉组织编码"),
        (4, "预期年效益（元）"),
        (5, None),
        (6, "类别"),
    ]
    assert Suggestion.objects.count() == 0


def test_suggestion_import_applies_once_and_dry_run_writes_nothing(world):
    data = csv_bytes(
        [
            SUGGESTION_HEADER,
            ["P-1", "C-1", "E001", "总装车间空压机夜间满功率运行，建议加装变频控制。", "能耗", "50000"],
            ["P-2", "C-1", "", "涂装烘炉停线时保持工作温度，建议停线后降温待机。", "能耗", ""],
        ]
    )

    preview = importers.import_suggestions(actor=world.worker, data=data, filename="建议.csv", dry_run=True)
    assert (preview.created, Suggestion.objects.count()) == (2, 0)

    first = importers.import_suggestions(actor=world.worker, data=data, filename="建议.csv")
    again = importers.import_suggestions(actor=world.worker, data=data, filename="建议.csv")

    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    assert sorted(Suggestion.objects.values_list("external_ref", "source")) == [
        ("P-1", "import"),
        ("P-2", "import"),
    ]


def test_member_cannot_import_suggestions_for_others(world):
    data = csv_bytes(
        [
            SUGGESTION_HEADER,
            ["P-1", "C-1", "E002", "总装车间空压机夜间满功率运行，建议加装变频控制。", "能耗", ""],
        ]
    )

    with pytest.raises(ApplicationError) as refused:
        importers.import_suggestions(actor=world.member_user, data=data, filename="建议.csv")

    assert [p.row for p in refused.value.problems] == [2]
    assert Suggestion.objects.count() == 0


def test_project_and_savings_import_then_export_round_trip(world, tmp_path, make):
    projects = csv_bytes(
        [
            ["项目编号", "项目名称", "所在组织编码", "负责人工号", "类别", "立项日期", "节约目标（元）"],
            ["XM-T-1", "总装空压机变频改造", "C-1", "E001", "能耗", make.start.isoformat(), "300000"],
            ["XM-T-2", "未知组织的项目", "C-404", "E001", "能耗", make.start.isoformat(), "1"],
        ]
    )
    with pytest.raises(ApplicationError) as refused:
        importers.import_projects(actor=world.worker, data=projects, filename="项目.csv")
    assert [(p.row, p.column) for p in refused.value.problems] == [(3, "所在组织编码")]
    assert Project.objects.count() == 0

    good = csv_bytes(
        [
            ["项目编号", "项目名称", "所在组织编码", "负责人工号", "类别", "立项日期", "节约目标（元）"],
            ["XM-T-1", "总装空压机变频改造", "C-1", "E001", "能耗", make.start.isoformat(), "300000"],
        ]
    )
    assert importers.import_projects(actor=world.worker, data=good, filename="项目.csv").created == 1

    savings = csv_bytes(
        [
            ["项目编号", "节约金额（元）", "节约实现日期", "说明"],
            ["XM-T-1", "1200.00", make.start.isoformat(), "一季度电费"],
        ]
    )
    with pytest.raises(ApplicationError) as early:
        importers.import_savings(actor=world.worker, data=savings, filename="台账.csv")
    assert "进入实施后才能申报" in early.value.problems[0].message
    assert SavingsEntry.objects.count() == 0

    path = tmp_path / "项目.xlsx"
    assert importers.export_projects(actor=world.worker, path=path) == 1
    again = importers.import_projects(actor=world.worker, data=path.read_bytes(), filename="项目.xlsx")
    assert (again.created, again.unchanged) == (0, 1)
