"""Recognition files (荣誉名册): columns, an all-or-nothing import through the services, export.

`apply_rows` is the shared engine of this app's and mobilize's imports: every row goes through the
same service the pages use (so the same rules and scope); a row that a service refuses becomes a
problem with its row number, and if any row is refused nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import transaction

from qixin.core import audit, imports, tabular
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.tabular import Column, Report, choice, text
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from . import services
from .models import Recognition, RecognitionKind, RecognitionLevel
from .permissions import can_import_recognitions

# What a row callback returns: "created", "unchanged" (already there) or "updated", and a preview line.
RowResult = tuple[str, str]


def year(value: str) -> int:
    if not value.strip().isdigit() or not 1949 <= int(value) <= 2100:
        raise tabular.CellError(f"“{value}”不是有效的年度（如 2020）")
    return int(value)


def apply_rows(
    *,
    actor: User | None,
    data: bytes,
    filename: str,
    columns: Sequence[Column],
    apply: Callable[[dict[str, Any]], RowResult],
    model: str,
    dry_run: bool = False,
) -> Report:
    rows, problems = tabular.read(data, filename, columns)
    report = Report(dry_run=dry_run)
    bad_rows = {p.row for p in problems}
    with transaction.atomic():
        for number, values in rows:
            if number in bad_rows:
                continue
            try:
                with transaction.atomic():
                    outcome, line = apply(values)
            except ApplicationError as exc:
                if exc.problems:
                    problems += [
                        Problem(message=f"{exc.message}{p.message}", row=number, column=p.field or p.column)
                        for p in exc.problems
                    ]
                else:
                    problems.append(Problem(message=exc.message, row=number))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            if outcome != "unchanged" and len(report.changes) < 20:
                report.changes.append(line)
        if problems:
            transaction.set_rollback(True)
            problems.sort(key=lambda p: p.row or 0)
            raise ApplicationError(
                "invalid_rows", f"发现{len(problems)}处错误，没有导入任何数据。请修改后重新导入。", problems
            )
        audit.record(
            actor=actor,
            action="import",
            model=model,
            object_repr=filename[:200],
            changes={"created": report.created, "updated": report.updated},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


COLUMNS = [
    Column(
        "类别",
        "kind",
        choice(RecognitionKind.values),
        required=True,
        example="创新之星",
        doc="创新之星/党员工匠/优秀共产党员/优秀党务工作者/先进基层党组织/红旗党组织/全国劳模/上海工匠/五一劳动奖章/其他",
    ),
    Column("类别名称（其他）", "custom_kind", text, example="", doc="类别为“其他”时填写荣誉名称"),
    Column(
        "级别",
        "level",
        choice(RecognitionLevel.values),
        required=True,
        example="公司级",
        doc="国家级/省市级/集团级/公司级/党委级",
    ),
    Column("年度", "year", year, required=True, example="2020"),
    Column("获得者工号", "employee_no", text, example="SV000123", doc="授予个人时填写"),
    Column("获得组织编码", "org_code", text, example="", doc="授予组织（先进基层党组织、红旗党组织）时填写"),
    Column("事迹简介", "citation", text, example="主持焊装线节能改造"),
    Column("授予单位", "granted_by", text, example="上汽大众党委"),
]
HEADERS = [c.header for c in COLUMNS]


@imports.runner(what="荣誉名册", permitted=can_import_recognitions)
def import_recognitions(
    *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
) -> Report:
    """Add recognitions; a row identical in kind, year and recipient to one on record is unchanged."""

    def apply(values: dict[str, Any]) -> RowResult:
        if bool(values.get("employee_no")) == bool(values.get("org_code")):
            raise ApplicationError("invalid", "“获得者工号”和“获得组织编码”须填写且只填写一项")
        person = (
            person_from_input(actor=actor, employee_no=values["employee_no"])
            if values.get("employee_no")
            else None
        )
        org = org_from_input(actor=actor, code=values["org_code"]) if values.get("org_code") else None
        custom = values.get("custom_kind", "") if values["kind"] == RecognitionKind.CUSTOM else ""
        if Recognition.objects.filter(
            kind=values["kind"], custom_kind=custom, year=values["year"], person=person, recipient_org=org
        ).exists():
            return "unchanged", ""
        recognition = services.recognition_create(
            actor=actor,
            kind=values["kind"],
            custom_kind=custom,
            level=values["level"],
            year=values["year"],
            person=person,
            recipient_org=org,
            citation=values.get("citation", ""),
            granted_by=values.get("granted_by", ""),
        )
        return "created", f"新增 {recognition}"

    return apply_rows(
        actor=actor,
        data=data,
        filename=filename,
        columns=COLUMNS,
        apply=apply,
        model="brand.Recognition",
        dry_run=dry_run,
    )


def export_rows(rows: Sequence[Recognition] | Any) -> Iterator[list[Any]]:
    for r in rows:
        yield [
            r.kind,
            r.custom_kind,
            r.level,
            r.year,
            r.person.employee_no if r.person else "",
            r.recipient_org.code if r.recipient_org else "",
            r.citation,
            r.granted_by,
        ]


def export_recognitions(*, actor: User | None, path: Any) -> int:
    from .selectors import recognition_list_for

    count = tabular.write(
        path, HEADERS, export_rows(recognition_list_for(actor=actor).iterator(chunk_size=2000))
    )
    audit.record(
        actor=actor,
        action="export",
        model="brand.Recognition",
        object_repr=str(path)[-200:],
        changes={"rows": count},
    )
    return count
