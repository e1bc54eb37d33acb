"""The organization file and the positions file: columns, reading, and all-or-nothing, idempotent
imports (organizations by 组织编码; posts by 组织编码 + 工号 + 职务 + 任职日期).

Rows may come in any order: a parent defined in the same file is created before its children.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from qixin.core import access, audit, tabular, tabular_kinds
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.tabular import Column, Report, choice, parse_date, text
from qixin.core.tabular_kinds import TabularKind

from .models import (
    ALLOWED_CHILDREN,
    Election,
    Organization,
    OrgKind,
    Position,
    PositionTitle,
)
from .permissions import can_import_orgs

KIND_BY_LABEL = {label: value for value, label in OrgKind.choices}


_term = tabular.integer(low=1, high=10, what="有效的任期年数（1到10之间的整数）")


COLUMNS = [
    Column("组织编码", "code", text, required=True, example="QX-ZZ-01", doc="唯一；重复导入时按编码更新"),
    Column("组织名称", "name", text, required=True, example="总装车间第一党支部"),
    Column(
        "组织类别",
        "kind_label",
        choice(KIND_BY_LABEL),
        required=True,
        example="党支部",
        doc="党委/党总支/党支部/党小组",
    ),
    Column("上级组织编码", "parent_code", text, example="QX-ZZ", doc="最上级党委留空"),
    Column("所在单位/部门", "unit", text, example="总装车间"),
    Column("成立日期", "established_on", parse_date, example="2016-03-01"),
    Column("最近换届日期", "held_on", parse_date, example="2024-03-15", doc="党小组不填"),
    Column("任期（年）", "term_years", _term, example="3", doc="留空按规则：党委5年，党总支、党支部3年"),
]
HEADERS = [c.header for c in COLUMNS]


def _ordered(rows: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """Parents first (a row whose parent is defined in the file comes after it)."""
    by_code = {v["code"]: (n, v) for n, v in rows if v.get("code")}
    done: set[str] = set()
    ordered: list[tuple[int, dict[str, Any]]] = []

    def visit(code: str, trail: set[str]) -> None:
        if code in done or code in trail:
            return
        number, values = by_code[code]
        parent = values.get("parent_code") or ""
        if parent in by_code:
            visit(parent, trail | {code})
        done.add(code)
        ordered.append((number, values))

    for code in by_code:
        visit(code, set())
    return ordered


def read_orgs(data: bytes, filename: str, actor: User | None) -> list[tuple[int, dict[str, Any]]]:
    rows, problems = tabular.read(data, filename, COLUMNS)
    existing = {
        o.code: o for o in Organization.objects.all().only("id", "code", "kind", "path", "dissolved_on")
    }
    in_file: dict[str, tuple[int, str]] = {}
    for number, values in rows:
        code = values.get("code")
        if not code:
            continue
        if code in in_file:
            problems.append(
                Problem(
                    message=f"组织编码“{code}”与第{in_file[code][0]}行重复", row=number, column="组织编码"
                )
            )
            continue
        values["kind"] = KIND_BY_LABEL.get(values.get("kind_label", ""), "")
        in_file[code] = (number, values["kind"])
    for number, values in rows:
        code, kind, parent_code = values.get("code"), values.get("kind"), values.get("parent_code", "")
        if not code or not kind:
            continue
        if parent_code == code:
            problems.append(Problem(message="上级组织不能是它自己", row=number, column="上级组织编码"))
            continue
        if parent_code:
            if parent_code in in_file:
                parent_kind = in_file[parent_code][1]
            elif parent_code in existing:
                parent = existing[parent_code]
                parent_kind = parent.kind
                if not access.manages_org(actor, parent):
                    problems.append(
                        Problem(
                            message=f"上级组织“{parent_code}”不在您的管理范围内",
                            row=number,
                            column="上级组织编码",
                        )
                    )
                    continue
                if parent.dissolved_on is not None:
                    problems.append(
                        Problem(message=f"上级组织“{parent_code}”已撤销", row=number, column="上级组织编码")
                    )
                    continue
            else:
                problems.append(
                    Problem(message=f"找不到上级组织“{parent_code}”", row=number, column="上级组织编码")
                )
                continue
            if parent_kind and kind not in ALLOWED_CHILDREN[parent_kind]:
                problems.append(
                    Problem(
                        message=f"{OrgKind(parent_kind).label}下不能设立{OrgKind(kind).label}",
                        row=number,
                        column="组织类别",
                    )
                )
        elif kind != OrgKind.COMMITTEE:
            problems.append(Problem(message="只有党委可以没有上级组织", row=number, column="上级组织编码"))
        elif code not in existing and not access.is_admin(actor):
            problems.append(
                Problem(message="只有系统管理员可以新建最上级党委", row=number, column="上级组织编码")
            )
        if code in existing and not access.manages_org(actor, existing[code]):
            problems.append(Problem(message=f"组织“{code}”不在您的管理范围内", row=number, column="组织编码"))
        if kind == OrgKind.GROUP and values.get("held_on"):
            problems.append(
                Problem(message="党小组不进行换届选举，请留空", row=number, column="最近换届日期")
            )
        if values.get("held_on") and values["held_on"] > timezone.localdate():
            problems.append(Problem(message="换届日期不能晚于今天", row=number, column="最近换届日期"))
        if code in existing and existing[code].kind != kind:
            problems.append(
                Problem(
                    message=f"已有组织“{code}”的类别是{existing[code].get_kind_display()}，导入不能改变类别",
                    row=number,
                    column="组织类别",
                )
            )
    # A cycle among new rows (A under B, B under A) never reaches an existing root.
    for number, values in rows:
        seen, code = set(), values.get("code")
        while code in in_file and code not in seen:
            seen.add(code)
            code = next((v.get("parent_code") for _, v in rows if v.get("code") == code), None)
        if code in seen:
            problems.append(Problem(message="上级组织关系形成了循环", row=number, column="上级组织编码"))
    if problems:
        raise tabular.refusal(problems, COLUMNS)
    return _ordered(rows)


def _apply_orgs(
    *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
) -> Report:
    """Create or update organizations by code; a changed parent moves the subtree; a new 最近换届日期
    records an election. Every change goes through the tree's services (orgs.services: the same
    rules, events and audit entries as on the pages). All or nothing."""
    from . import services

    rows = read_orgs(data, filename, actor)
    report = Report(dry_run=dry_run)
    problems: list[Problem] = []
    with transaction.atomic():
        for number, values in rows:
            try:
                with transaction.atomic():
                    outcome, line = _apply_org(actor, values, services)
            except ApplicationError as exc:
                problems.append(Problem(message=exc.message.rstrip("。"), row=number))
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            if line and len(report.changes) < 20:
                report.changes.append(line)
        if problems:
            transaction.set_rollback(True)
            raise tabular.refusal(problems, COLUMNS)
        audit.record(
            actor=actor,
            action="import",
            model="orgs.Organization",
            object_repr=filename[:200],
            changes={"created": report.created, "updated": report.updated},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def _apply_org(actor: User | None, values: dict[str, Any], services: Any) -> tuple[str, str]:
    org = Organization.objects.filter(code=values["code"]).first()
    parent = Organization.objects.get(code=values["parent_code"]) if values.get("parent_code") else None
    held_on = values.get("held_on")
    if org is None:
        org = services.org_create(
            actor=actor,
            parent=parent,
            code=values["code"],
            name=values["name"],
            kind=values["kind"],
            unit=values.get("unit", ""),
            established_on=values.get("established_on"),
        )
        outcome, line = "created", f"新增 {org.code} {org.name}"
    else:
        changed = ["组织名称"] if org.name != values["name"] else []
        for key, label in (("unit", "所在单位/部门"), ("established_on", "成立日期")):
            if key in values and getattr(org, key) != values[key]:
                changed.append(label)
        if changed:
            services.org_update(
                actor=actor,
                org=org,
                name=values["name"],
                unit=values.get("unit"),
                established_on=values.get("established_on"),
            )
        current_parent = Organization.objects.get_parent(org)
        if parent is not None and (current_parent is None or current_parent.pk != parent.pk):
            services.org_move(actor=actor, org=org, new_parent=parent)
            changed.append("上级组织")
        if held_on and not org.elections.filter(held_on=held_on).exists():
            changed.append("换届")
        outcome = "updated" if changed else "unchanged"
        line = f"更新 {org.code} {org.name}：{'、'.join(changed)}" if changed else ""
    if held_on and not org.elections.filter(held_on=held_on).exists():
        services.election_record(actor=actor, org=org, held_on=held_on, term_years=values.get("term_years"))
    return outcome, line


def export_rows(orgs: list[Organization]) -> Iterator[list[Any]]:
    parents = {
        o.path: o.code for o in Organization.objects.filter(path__in={o.path[: -o.steplen] for o in orgs})
    }
    last = {}
    for election in Election.objects.filter(organization__in=orgs).order_by("organization_id", "held_on"):
        last[election.organization_id] = election
    for org in orgs:
        latest = last.get(org.pk)
        yield [
            org.code,
            org.name,
            org.get_kind_display(),
            parents.get(org.path[: -org.steplen], ""),
            org.unit,
            org.established_on,
            latest.held_on if latest else None,
            latest.term_years if latest else None,
        ]


def _org_rows(actor: User | None) -> Iterator[list[Any]]:
    """The organizations the actor may see, in the import format."""
    from .selectors import org_list_for

    return export_rows(list(org_list_for(actor=actor)))


# --- positions (党内职务) ---------------------------------------------------------------------------

TITLE_BY_LABEL = {label: value for value, label in PositionTitle.choices}

POSITION_COLUMNS = [
    Column("组织编码", "org_code", text, required=True, example="QX-ZZ-01", doc="任职的党组织"),
    Column(
        "工号", "employee_no", text, required=True, example="QX000001", doc="须为该组织（含下级）在册党员"
    ),
    Column(
        "职务",
        "title_label",
        choice(TITLE_BY_LABEL),
        required=True,
        example="书记",
        doc="书记/副书记/组织委员/宣传委员/纪检委员/委员/党小组长/其他",
    ),
    Column("自定义职务名称", "custom_title", text, example="", doc="职务为“其他”时必填，其余留空"),
    Column("任职日期", "started_on", parse_date, required=True, example="2024-03-15"),
    Column("离任日期", "ended_on", parse_date, example="", doc="仍在任留空"),
]
POSITION_HEADERS = [c.header for c in POSITION_COLUMNS]

# Which column a refusal of orgs.services.position_assign / position_end points at.
_POSITION_ERROR_COLUMN = {
    "org_dissolved": "组织编码",
    "invalid_title": "职务",
    "custom_title_missing": "自定义职务名称",
    "future_date": "任职日期",
    "before_established": "任职日期",
    "bad_date": "任职日期",
    "bad_end_date": "离任日期",
    "already_ended": "离任日期",
    "secretary_taken": "职务",
}


def _position_key(values: dict[str, Any], org_id: int, person_id: int) -> tuple[int, int, str, str, Any]:
    return (org_id, person_id, values["title"], values.get("custom_title", ""), values["started_on"])


def _apply_positions(
    *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
) -> Report:
    """Import posts: a row is one term of one person in one post, found by 组织编码 + 工号 + 职务 +
    任职日期. A new row is an appointment through services.position_assign (the same rules as the
    page: eligibility, dates, one secretary at a time), a 离任日期 added to a current term ends it, an
    identical row changes nothing. Every row is tried in one transaction; any problem rolls all back.
    """
    from qixin.people.models import Person

    from . import services

    rows, problems = tabular.read(data, filename, POSITION_COLUMNS)
    codes = {v["org_code"] for _, v in rows if v.get("org_code")}
    numbers = {v["employee_no"] for _, v in rows if v.get("employee_no")}
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    people = {
        p.employee_no: p for p in Person.objects.filter(employee_no__in=numbers).only("id", "employee_no")
    }
    ready: list[tuple[int, dict[str, Any], Organization, int]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, values in rows:
        row_problems: list[Problem] = []
        code, employee_no = values.get("org_code"), values.get("employee_no")
        found = orgs.get(code or "")
        if code and (found is None or not access.reads_org(actor, found)):
            row_problems.append(
                Problem(
                    message=f"找不到组织编码“{code}”，或该组织不在您的范围内", row=number, column="组织编码"
                )
            )
            found = None
        elif found is not None and not access.manages_org(actor, found):
            row_problems.append(
                Problem(message=f"组织“{code}”不在您的管理范围内", row=number, column="组织编码")
            )
        who = people.get(employee_no or "")
        if employee_no and who is None:
            row_problems.append(
                Problem(message=f"找不到工号“{employee_no}”的人员", row=number, column="工号")
            )
        values["title"] = TITLE_BY_LABEL.get(values.get("title_label", ""), "")
        custom = values.get("custom_title", "")
        if values["title"] == PositionTitle.CUSTOM and not custom:
            row_problems.append(
                Problem(message="职务为“其他”时必须填写职务名称", row=number, column="自定义职务名称")
            )
        if values["title"] and values["title"] != PositionTitle.CUSTOM and custom:
            row_problems.append(
                Problem(message="只有职务为“其他”时才填写自定义职务名称", row=number, column="自定义职务名称")
            )
        started_on, ended_on = values.get("started_on"), values.get("ended_on")
        if started_on and ended_on and ended_on < started_on:
            row_problems.append(Problem(message="离任日期不能早于任职日期", row=number, column="离任日期"))
        if not row_problems and found is not None and who is not None and values["title"] and started_on:
            key = _position_key(values, found.pk, who.pk)
            if key in seen:
                row_problems.append(Problem(message=f"与第{seen[key]}行重复", row=number, column="工号"))
            else:
                seen[key] = number
                ready.append((number, values, found, who.pk))
        problems += row_problems

    report = Report(dry_run=dry_run)
    existing = {
        (p.organization_id, p.person_id, p.title, p.custom_title, p.started_on): p
        for p in Position.objects.filter(
            organization__in={org.pk for _, _, org, _ in ready}, person_id__in={pid for *_, pid in ready}
        )
    }
    with transaction.atomic():
        # Ends first, then past terms, then current ones in date order: a file that ends one
        # secretary's term and starts the next one's applies in the order the handover happened.
        def order(item: tuple[int, dict[str, Any], Organization, int]) -> tuple[int, bool, Any]:
            _number, values, org, person_id = item
            known = _position_key(values, org.pk, person_id) in existing
            return (0 if known else 1, values.get("ended_on") is None, values["started_on"])

        for number, values, org, person_id in sorted(ready, key=order):
            known = existing.get(_position_key(values, org.pk, person_id))
            ended_on = values.get("ended_on")
            try:
                with transaction.atomic():
                    if known is None:
                        position = services.position_assign(
                            actor=actor,
                            org=org,
                            person_id=person_id,
                            title=values["title"],
                            custom_title=values.get("custom_title", ""),
                            started_on=values["started_on"],
                            ended_on=ended_on,
                        )
                        report.created += 1
                        if len(report.changes) < 20:
                            report.changes.append(
                                f"新增 {org.code} {values['employee_no']} {position.display_title}"
                            )
                    elif known.ended_on == ended_on:
                        report.unchanged += 1
                    elif known.ended_on is None:
                        assert ended_on is not None
                        services.position_end(actor=actor, position=known, ended_on=ended_on)
                        report.updated += 1
                        if len(report.changes) < 20:
                            report.changes.append(
                                f"离任 {org.code} {values['employee_no']} {known.display_title}：{ended_on}"
                            )
                    else:
                        problems.append(
                            Problem(
                                message=f"该职务已于{known.ended_on}离任，导入不能修改或撤销离任日期",
                                row=number,
                                column="离任日期",
                            )
                        )
            except ApplicationError as exc:
                problems.append(
                    Problem(
                        message=exc.message.rstrip("。"),
                        row=number,
                        column=_POSITION_ERROR_COLUMN.get(exc.code, "工号"),
                    )
                )
        if problems:
            raise tabular.refusal(problems, POSITION_COLUMNS)
        audit.record(
            actor=actor,
            action="import",
            model="orgs.Position",
            object_repr=filename[:200],
            changes={"created": report.created, "updated": report.updated},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def export_position_rows(positions: Iterable[Position]) -> Iterator[list[Any]]:
    for position in positions:
        yield [
            position.organization.code,
            position.person.employee_no,
            position.get_title_display(),
            position.custom_title,
            position.started_on,
            position.ended_on,
        ]


def _position_rows(actor: User | None) -> Iterator[list[Any]]:
    """Every post, current and past, in the organizations the actor reads, in the import format."""
    from .selectors import positions_for_export

    return export_position_rows(positions_for_export(actor=actor))


ORGS = tabular_kinds.register(
    TabularKind(
        key="orgs",
        label="组织",
        model="orgs.Organization",
        columns=COLUMNS,
        apply=_apply_orgs,
        export_rows=_org_rows,
        permitted=can_import_orgs,
    )
)
POSITIONS = tabular_kinds.register(
    TabularKind(
        key="positions",
        label="党内职务",
        model="orgs.Position",
        columns=POSITION_COLUMNS,
        apply=_apply_positions,
        export_rows=_position_rows,
        permitted=can_import_orgs,
    )
)
import_orgs, export_orgs = ORGS.run, ORGS.export
import_positions, export_positions = POSITIONS.run, POSITIONS.export
