"""Recognition files (荣誉名册): columns, an all-or-nothing import through the services, export.

Every row goes through the same service the pages use (so the same rules and scope), in
core.imports.apply_rows: a row that a service refuses becomes a problem with its row number, and
if any row is refused nothing is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from qixin.core import tabular, tabular_kinds
from qixin.core.errors import ApplicationError
from qixin.core.imports import RowResult, apply_rows
from qixin.core.models import User
from qixin.core.tabular import Column, Report, choice, text
from qixin.core.tabular_kinds import TabularKind
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from . import services
from .models import Recognition, RecognitionKind, RecognitionLevel
from .permissions import can_import_recognitions

_year = tabular.integer(low=1949, high=2100, what="有效的年度（如 2020）")


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
    Column("年度", "year", _year, required=True, example="2020"),
    Column("获得者工号", "employee_no", text, example="SV000123", doc="授予个人时填写"),
    Column("获得组织编码", "org_code", text, example="", doc="授予组织（先进基层党组织、红旗党组织）时填写"),
    Column("事迹简介", "citation", text, example="主持焊装线节能改造"),
    Column("授予单位", "granted_by", text, example="上汽大众党委"),
]
HEADERS = [c.header for c in COLUMNS]


def _apply(
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


def _rows(actor: User | None) -> Iterator[list[Any]]:
    from .selectors import recognition_list_for

    return export_rows(recognition_list_for(actor=actor).iterator(chunk_size=2000))


RECOGNITIONS = tabular_kinds.register(
    TabularKind(
        key="brand_recognitions",
        label="荣誉名册",
        model="brand.Recognition",
        columns=COLUMNS,
        apply=_apply,
        export_rows=_rows,
        permitted=can_import_recognitions,
    )
)
import_recognitions, export_recognitions = RECOGNITIONS.run, RECOGNITIONS.export
