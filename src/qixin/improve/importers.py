"""Files of the cost-reduction and innovation app: alliances, projects, savings entries,
suggestions, studios and improvement cases, as xlsx or csv with Chinese headers.

Every row goes through the same service as the pages (so the same permissions and rules apply).
All rows are tried inside one transaction; when any row has a problem, every problem is reported
with its row and nothing is written (all-or-nothing); a dry run always rolls back. Importing the
same file again changes nothing: rows are matched by their code (编号/编码/流水号/来源单号).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from qixin.core import tabular, tabular_kinds
from qixin.core.errors import ApplicationError, NotFound, Problem
from qixin.core.imports import RowResult, apply_rows
from qixin.core.models import User
from qixin.core.tabular import CellError, Column, Report, choice, parse_date, text
from qixin.core.tabular_kinds import TabularKind
from qixin.orgs import selectors as org_selectors
from qixin.orgs.models import Organization
from qixin.people import selectors as person_selectors
from qixin.people.models import Person

from . import selectors, services
from .models import (
    Alliance,
    Category,
    ImprovementCase,
    Project,
    SavingsEntry,
    Source,
    Studio,
    StudioKind,
    Suggestion,
    SuggestionKind,
)
from .permissions import can_import_as_employee, can_import_as_manager, can_submit_suggestion


def money(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "").strip())
    except InvalidOperation:
        raise CellError(f"“{value}”不是有效的金额") from None
    if not amount.is_finite():
        raise CellError(f"“{value}”不是有效的金额")
    return amount


year = tabular.integer(low=2000, high=2100, what="有效的年度")


def codes(value: str) -> list[str]:
    return [c.strip() for c in value.replace("，", ",").replace("、", ",").split(",") if c.strip()]


CATEGORY = choice(Category.values)


# --- lookups: a code the actor cannot see is as unknown as a missing one ---------------------------


class Lookup:
    def __init__(self, actor: User | None) -> None:
        self.actor = actor

    def org(self, code: str, column: str) -> Organization:
        try:
            return org_selectors.org_get_for(actor=self.actor, code=code)
        except NotFound:
            raise ApplicationError(
                "unknown", f"找不到组织编码“{code}”", [Problem(f"找不到组织编码“{code}”", column=column)]
            ) from None

    def person(self, employee_no: str, column: str) -> Person:
        try:
            return person_selectors.person_by_employee_no_for(actor=self.actor, employee_no=employee_no)
        except NotFound:
            raise ApplicationError(
                "unknown",
                f"找不到工号“{employee_no}”",
                [Problem(f"找不到工号“{employee_no}”", column=column)],
            ) from None

    def alliance(self, code: str, column: str) -> Alliance:
        try:
            return selectors.alliance_get_for(actor=self.actor, code=code)
        except NotFound:
            raise ApplicationError(
                "unknown", f"找不到联盟编码“{code}”", [Problem(f"找不到联盟编码“{code}”", column=column)]
            ) from None

    def project(self, code: str, column: str) -> Project:
        try:
            return selectors.project_get_for(actor=self.actor, code=code)
        except NotFound:
            raise ApplicationError(
                "unknown", f"找不到项目编号“{code}”", [Problem(f"找不到项目编号“{code}”", column=column)]
            ) from None


# --- one function per kind: the row's values → the service call ------------------------------------

Apply = Callable[[Lookup, dict[str, Any]], str | None]  # returns the new record's label, None if it existed


def _alliance(look: Lookup, v: dict[str, Any]) -> str | None:
    if v.get("code") and Alliance.objects.filter(code=v["code"]).exists():
        return None
    alliance = services.alliance_create(
        actor=look.actor,
        code=v.get("code", ""),
        name=v["name"],
        lead_branch=look.org(v["lead_code"], "牵头党支部编码"),
        branches=[look.org(c, "其他参与党支部编码") for c in v.get("branch_codes", [])],
        leader=look.person(v["leader_no"], "负责人工号"),
        members=[look.person(n, "成员工号") for n in v.get("member_nos", [])],
        founded_on=v["founded_on"],
        goal=v.get("goal", ""),
    )
    return f"{alliance.code} {alliance.name}"


def _project(look: Lookup, v: dict[str, Any]) -> str | None:
    if v.get("code") and Project.objects.filter(code=v["code"]).exists():
        return None
    project = services.project_create(
        actor=look.actor,
        code=v.get("code", ""),
        organization=look.org(v["org_code"], "所在组织编码"),
        title=v["title"],
        owner=look.person(v["owner_no"], "负责人工号"),
        category=v["category"],
        custom_category=v.get("custom_category", ""),
        started_on=v["started_on"],
        savings_target=v.get("savings_target", 0),
        description=v.get("description", ""),
        alliances=[look.alliance(c, "所属联盟编码") for c in v.get("alliance_codes", [])],
    )
    return f"{project.code} {project.title}"


def _savings(look: Lookup, v: dict[str, Any]) -> str | None:
    if v.get("number") and SavingsEntry.objects.filter(number=v["number"]).exists():
        return None
    entry = services.savings_claim(
        actor=look.actor,
        number=v.get("number", ""),
        project=look.project(v["project_code"], "项目编号"),
        amount=v["amount"],
        occurred_on=v["occurred_on"],
        description=v["description"],
        evidence=v.get("evidence", ""),
    )
    return f"{entry.number} {entry.amount}元（待核定）"


def _suggestion(look: Lookup, v: dict[str, Any]) -> str | None:
    if v.get("external_ref") and Suggestion.objects.filter(external_ref=v["external_ref"]).exists():
        return None
    if look.actor is None:
        raise ApplicationError("forbidden", "请以具体用户身份导入建议。", status=403)
    suggestion = services.suggestion_submit(
        actor=look.actor,
        organization=look.org(v["org_code"], "所涉组织编码"),
        submitter=look.person(v["submitter_no"], "提交人工号") if v.get("submitter_no") else None,
        source=Source.IMPORT,
        external_ref=v.get("external_ref", ""),
        title=v.get("title", ""),
        text=v["text"],
        kind=v.get("kind") or SuggestionKind.COST,
        category=v["category"],
        custom_category=v.get("custom_category", ""),
        department=v.get("department", ""),
        expected_benefit=v.get("expected_benefit"),
    )
    return f"{suggestion.number} {suggestion.display_title}"


def _studio(look: Lookup, v: dict[str, Any]) -> str | None:
    if v.get("code") and Studio.objects.filter(code=v["code"]).exists():
        return None
    studio = services.studio_create(
        actor=look.actor,
        code=v.get("code", ""),
        organization=look.org(v["org_code"], "所在组织编码"),
        name=v["name"],
        kind=v.get("kind") or StudioKind.INNOVATION,
        leader=look.person(v["leader_no"], "领衔人工号"),
        members=[look.person(n, "成员工号") for n in v.get("member_nos", [])],
        founded_on=v["founded_on"],
        focus=v.get("focus", ""),
    )
    return f"{studio.code} {studio.name}"


def _case(look: Lookup, v: dict[str, Any]) -> str | None:
    if v.get("code") and ImprovementCase.objects.filter(code=v["code"]).exists():
        return None
    case = services.case_create(
        actor=look.actor,
        code=v.get("code", ""),
        organization=look.org(v["org_code"], "所在组织编码"),
        title=v["title"],
        lead=look.person(v["lead_no"], "主要完成人工号"),
        category=v["category"],
        custom_category=v.get("custom_category", ""),
        year=v["year"],
        completed_on=v["completed_on"],
        before=v["before"],
        after=v["after"],
        savings=v.get("savings", 0),
    )
    return f"{case.code} {case.title}"


# --- columns -----------------------------------------------------------------------------------------

ALLIANCE_COLUMNS = [
    Column("联盟编码", "code", text, example="LM-2026-0001", doc="留空自动编号；已存在的编码跳过"),
    Column("联盟名称", "name", text, required=True, example="总装能耗降本联盟"),
    Column("牵头党支部编码", "lead_code", text, required=True, example="QX-ZZ-01"),
    Column("其他参与党支部编码", "branch_codes", codes, example="QX-ZZ-02,QX-HZ-01", doc="多个用逗号分隔"),
    Column("负责人工号", "leader_no", text, required=True, example="QX000002"),
    Column("成员工号", "member_nos", codes, example="QX000003,QX000004", doc="多个用逗号分隔"),
    Column("成立日期", "founded_on", parse_date, required=True, example="2026-03-01"),
    Column("目标", "goal", text, example="年降本300万元"),
]
PROJECT_COLUMNS = [
    Column("项目编号", "code", text, example="XM-2026-000001", doc="留空自动编号；已存在的编号跳过"),
    Column("项目名称", "title", text, required=True, example="焊装车间电极帽修磨标准化"),
    Column("所在组织编码", "org_code", text, required=True, example="QX-HZ-01"),
    Column("负责人工号", "owner_no", text, required=True, example="QX000002"),
    Column("类别", "category", CATEGORY, required=True, example="制造降本", doc="、".join(Category.values)),
    Column("自定义类别", "custom_category", text, example="", doc="类别为“其他”时必填"),
    Column("立项日期", "started_on", parse_date, required=True, example="2026-03-01"),
    Column("节约目标（元）", "savings_target", money, example="300000"),
    Column("所属联盟编码", "alliance_codes", codes, example="LM-2026-0001", doc="多个用逗号分隔"),
    Column("项目说明", "description", text, example=""),
]
SAVINGS_COLUMNS = [
    Column("流水号", "number", text, example="JS-2026-000001", doc="留空自动编号；已存在的流水号跳过"),
    Column("项目编号", "project_code", text, required=True, example="XM-2026-000001"),
    Column("节约金额（元）", "amount", money, required=True, example="125000.00", doc="大于零，到分"),
    Column("节约实现日期", "occurred_on", parse_date, required=True, example="2026-06-30"),
    Column("说明", "description", text, required=True, example="二季度电费节约"),
    Column("测算依据", "evidence", text, example="电表读数对比"),
    Column(
        "状态", "status", text, example="", doc="导出时填写；导入一律为“已申报（待核定）”，由财务在系统中核定"
    ),
]
SUGGESTION_COLUMNS = [
    Column(
        "来源单号", "external_ref", text, example="ZZ-2026-0001", doc="纸质或其他系统的单号；已存在的跳过"
    ),
    Column("所涉组织编码", "org_code", text, required=True, example="QX-ZZ-01"),
    Column("提交人工号", "submitter_no", text, example="QX000029", doc="留空为匿名"),
    Column("标题", "title", text, example="空压机变频改造"),
    Column(
        "建议内容", "text", text, required=True, example="总装车间空压机夜间仍满功率运行，建议加装变频控制。"
    ),
    Column("类型", "kind", choice(SuggestionKind.values), example="降本建议", doc="降本建议/合理化建议"),
    Column("类别", "category", CATEGORY, required=True, example="能耗", doc="、".join(Category.values)),
    Column("自定义类别", "custom_category", text, example=""),
    Column("所涉部门", "department", text, example="总装车间"),
    Column("预期年效益（元）", "expected_benefit", money, example="50000"),
    Column("建议编号", "number", text, example="", doc="导出时填写，导入时忽略"),
    Column("状态", "status", text, example="", doc="导出时填写，导入一律为“已提交”"),
]
STUDIO_COLUMNS = [
    Column("工作室编码", "code", text, example="GZS-2026-0001", doc="留空自动编号；已存在的编码跳过"),
    Column("名称", "name", text, required=True, example="焊装机器人创新工作室"),
    Column("类型", "kind", choice(StudioKind.values), example="创新工作室", doc="、".join(StudioKind.values)),
    Column("所在组织编码", "org_code", text, required=True, example="QX-HZ"),
    Column("领衔人工号", "leader_no", text, required=True, example="QX000002"),
    Column("成员工号", "member_nos", codes, example="QX000003", doc="多个用逗号分隔"),
    Column("成立日期", "founded_on", parse_date, required=True, example="2020-05-01"),
    Column("研究方向", "focus", text, example="焊接机器人应用"),
]
CASE_COLUMNS = [
    Column("案例编号", "code", text, example="AL-2026-0001", doc="留空自动编号；已存在的编号跳过"),
    Column("案例名称", "title", text, required=True, example="涂装烘炉待机降温"),
    Column("所在组织编码", "org_code", text, required=True, example="QX-TZ-01"),
    Column("主要完成人工号", "lead_no", text, required=True, example="QX000005"),
    Column("类别", "category", CATEGORY, required=True, example="能耗"),
    Column("自定义类别", "custom_category", text, example=""),
    Column("年度", "year", year, required=True, example="2026"),
    Column("完成日期", "completed_on", parse_date, required=True, example="2026-05-20"),
    Column("改善前", "before", text, required=True, example="烘炉停线时仍保持工作温度"),
    Column("改善后", "after", text, required=True, example="停线30分钟以上自动降温待机"),
    Column("年节约金额（元）", "savings", money, example="420000"),
]


# --- exports -------------------------------------------------------------------------------------------


def _alliance_rows(actor: User | None) -> Iterator[list[Any]]:
    rows = (
        selectors.alliance_list_for(actor=actor)
        .select_related("lead_branch", "leader")
        .prefetch_related("branches", "memberships__person")
    )
    for a in rows.order_by("code"):
        others = [b.code for b in a.branches.all() if b.pk != a.lead_branch_id]
        members = [m.person.employee_no for m in a.memberships.all() if m.left_on is None]
        yield [
            a.code,
            a.name,
            a.lead_branch.code,
            ",".join(others),
            a.leader.employee_no,
            ",".join(members),
            a.founded_on,
            a.goal,
        ]


def _project_rows(actor: User | None) -> Iterator[list[Any]]:
    rows = (
        selectors.project_list_for(actor=actor)
        .select_related("organization", "owner")
        .prefetch_related("alliances")
    )
    for p in rows.order_by("code").iterator(chunk_size=2000):
        yield [
            p.code,
            p.title,
            p.organization.code,
            p.owner.employee_no,
            p.category,
            p.custom_category,
            p.started_on,
            p.savings_target,
            ",".join(a.code for a in p.alliances.all()),
            p.description,
        ]


def _savings_rows(actor: User | None) -> Iterator[list[Any]]:
    for e in selectors.savings_list_for(actor=actor).iterator(chunk_size=5000):
        yield [
            e.number,
            e.project.code,
            e.amount,
            e.occurred_on,
            e.description,
            e.evidence,
            e.get_status_display(),
        ]


def _suggestion_rows(actor: User | None) -> Iterator[list[Any]]:
    rows = (
        selectors.suggestion_list_for(actor=actor)
        .select_related("organization", "submitter")
        .order_by("number")
    )
    for s in rows.iterator(chunk_size=5000):
        yield [
            s.external_ref,
            s.organization.code,
            s.submitter.employee_no if s.submitter else "",
            s.title,
            s.text,
            s.kind,
            s.category,
            s.custom_category,
            s.department,
            s.expected_benefit,
            s.number,
            s.get_status_display(),
        ]


def _studio_rows(actor: User | None) -> Iterator[list[Any]]:
    rows = (
        selectors.studio_list_for(actor=actor)
        .select_related("organization", "leader")
        .prefetch_related("memberships__person")
    )
    for s in rows.order_by("code"):
        members = [m.person.employee_no for m in s.memberships.all() if m.person_id != s.leader_id]
        yield [
            s.code,
            s.name,
            s.kind,
            s.organization.code,
            s.leader.employee_no,
            ",".join(members),
            s.founded_on,
            s.focus,
        ]


def _case_rows(actor: User | None) -> Iterator[list[Any]]:
    rows = selectors.case_list_for(actor=actor).select_related("organization", "lead")
    for c in rows.order_by("code"):
        yield [
            c.code,
            c.title,
            c.organization.code,
            c.lead.employee_no,
            c.category,
            c.custom_category,
            c.year,
            c.completed_on,
            c.before,
            c.after,
            c.savings,
        ]


# --- the kinds ------------------------------------------------------------------------------------------


def _kind(
    key: str,
    label: str,
    model: str,
    columns: list[Column],
    apply: Apply,
    rows: Callable[[User | None], Iterator[list[Any]]],
    permitted: Callable[[Any], bool],
) -> TabularKind:
    def run(
        *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
    ) -> Report:
        """Every row through its service (the Lookup finds what it names within the actor's reach)."""
        look = Lookup(actor)

        def one(values: dict[str, Any]) -> RowResult:
            created = apply(look, values)
            return ("unchanged", "") if created is None else ("created", f"新增 {created}")

        return apply_rows(
            actor=actor,
            data=data,
            filename=filename,
            columns=columns,
            apply=one,
            model=model,
            dry_run=dry_run,
        )

    return tabular_kinds.register(
        TabularKind(
            key=key,
            label=label,
            model=model,
            columns=columns,
            apply=run,
            export_rows=rows,
            permitted=permitted,
        )
    )


ALLIANCES = _kind(
    "improve_alliances",
    "降本联盟",
    "improve.Alliance",
    ALLIANCE_COLUMNS,
    _alliance,
    _alliance_rows,
    can_import_as_manager,
)
PROJECTS = _kind(
    "improve_projects",
    "降本项目",
    "improve.Project",
    PROJECT_COLUMNS,
    _project,
    _project_rows,
    can_import_as_employee,
)
SAVINGS = _kind(
    "improve_savings",
    "节约台账",
    "improve.SavingsEntry",
    SAVINGS_COLUMNS,
    _savings,
    _savings_rows,
    can_import_as_employee,
)
SUGGESTIONS = _kind(
    "improve_suggestions",
    "建议",
    "improve.Suggestion",
    SUGGESTION_COLUMNS,
    _suggestion,
    _suggestion_rows,
    can_submit_suggestion,
)
STUDIOS = _kind(
    "improve_studios",
    "创新工作室",
    "improve.Studio",
    STUDIO_COLUMNS,
    _studio,
    _studio_rows,
    can_import_as_manager,
)
CASES = _kind(
    "improve_cases",
    "改善案例",
    "improve.ImprovementCase",
    CASE_COLUMNS,
    _case,
    _case_rows,
    can_import_as_manager,
)

import_alliances, export_alliances = ALLIANCES.run, ALLIANCES.export
import_projects, export_projects = PROJECTS.run, PROJECTS.export
import_savings, export_savings = SAVINGS.run, SAVINGS.export
import_suggestions, export_suggestions = SUGGESTIONS.run, SUGGESTIONS.export
import_studios, export_studios = STUDIOS.run, STUDIOS.export
import_cases, export_cases = CASES.run, CASES.export
