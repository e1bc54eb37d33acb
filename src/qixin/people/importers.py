"""The roster file (花名册): columns, reading, and an all-or-nothing, idempotent import by 工号.

Columns follow the 16 items of the national member information system, in their order (RULES.md,
Members), after the 工号 key and before the employee columns from HR. docs/import-formats.md
documents each column; changing one is a documented migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Q
from tqdm import tqdm

from qixin.core import access, audit, crypto, tabular, tabular_kinds
from qixin.core.errors import ApplicationError, PermissionDenied, Problem
from qixin.core.models import User
from qixin.core.rules import Rulebook, rulebooks_for
from qixin.core.tabular import Column, Report, choice, parse_date, text, yes_no
from qixin.core.tabular_kinds import TabularKind
from qixin.core.text import mask_id_number, mask_phone
from qixin.orgs.models import Organization, OrgKind

from . import services
from .models import (
    Category,
    Education,
    EmploymentStatus,
    Gender,
    Membership,
    Person,
    Standing,
)
from .permissions import can_export_in_clear, can_import_roster, can_view_sensitive
from .services import PERSON_FIELDS, _person_values, check_person

NON_MEMBER = "群众"

COLUMNS = [
    Column("工号", "employee_no", text, required=True, example="QX000001", doc="唯一，重复导入时按工号更新"),
    Column("姓名", "name", text, required=True, example="张明"),
    Column("性别", "gender", choice(Gender.values), example="男", doc="男/女；留空时按身份证号识别"),
    Column("民族", "ethnicity", text, example="汉族"),
    Column(
        "公民身份号码", "id_number", text, example="310101199001011234", doc="18位，校验位按 GB 11643 检查"
    ),
    Column(
        "出生日期",
        "birth_date",
        parse_date,
        example="1990-01-01",
        doc="须与身份证号一致；留空时按身份证号填写",
    ),
    Column(
        "学历",
        "education",
        choice(
            Education.values,
            aliases={"本科": "大学本科", "大专": "大学专科", "硕士": "硕士研究生", "博士": "博士研究生"},
        ),
        example="大学本科",
    ),
    Column(
        "人员类别",
        "category",
        choice([*Category.values, NON_MEMBER]),
        example="正式党员",
        doc="正式党员/预备党员/群众；留空视为群众",
    ),
    Column(
        "所在党支部", "branch_ref", text, example="QX-ZZ-01", doc="党支部的组织编码（或唯一的全称）；党员必填"
    ),
    Column("加入党组织日期", "joined_on", parse_date, example="2015-07-01"),
    Column("转为正式党员日期", "full_on", parse_date, example="2016-07-01", doc="正式党员必填，预备党员留空"),
    Column("工作岗位", "job", text, example="总装工艺工程师"),
    Column("联系电话", "phone", text, example="13800138000", doc="加密存储，列表中脱敏显示"),
    Column("家庭住址", "address", text, example="上海市嘉定区安亭镇", doc="加密存储"),
    Column("党籍状态", "standing", choice(Standing.values), example="正常", doc="正常/停止党籍；留空为正常"),
    Column("是否失联", "lost_contact", yes_no, example="否"),
    Column(
        "失联日期",
        "lost_contact_since",
        parse_date,
        example="",
        doc="失联党员必填，不晚于今天、不早于加入党组织日期",
    ),
    Column("是否流动", "floating", yes_no, example="否"),
    Column("流动去向", "floating_to", text, example="", doc="流动党员必填"),
    Column("部门", "department", text, example="总装车间"),
    Column("入职日期", "hired_on", parse_date, example="2012-08-01"),
    Column(
        "在职状态", "employment_status", choice(EmploymentStatus.values), example="在职", doc="在职/离职/退休"
    ),
    Column("离职/退休日期", "left_on", parse_date, example=""),
    Column("所在党小组", "group_ref", text, example="", doc="党小组的组织编码，须属于所在党支部"),
    Column(
        "所在组织", "org_ref", text, example="", doc="群众所属的党组织编码；留空时按“部门”匹配组织的所在单位"
    ),
]
HEADERS = [c.header for c in COLUMNS]


class OrgLookup:
    """Resolve organization references (code, or a unique full name) within the actor's reach."""

    def __init__(self, actor: User | None) -> None:
        orgs = list(
            Organization.objects.filter(
                access.org_filter(actor, "path", level="manage"), dissolved_on__isnull=True
            ).only("id", "path", "depth", "numchild", "code", "name", "kind", "unit")
        )
        self.by_code = {o.code: o for o in orgs}
        names: dict[str, list[Organization]] = {}
        units: dict[str, list[Organization]] = {}
        for org in orgs:
            names.setdefault(org.name, []).append(org)
            if org.unit and org.kind in (OrgKind.BRANCH, OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE):
                units.setdefault(org.unit, []).append(org)
        self.by_name = names
        self.by_unit = units

    def find(self, ref: str) -> Organization | None:
        if ref in self.by_code:
            return self.by_code[ref]
        matches = self.by_name.get(ref, [])
        return matches[0] if len(matches) == 1 else None

    def for_unit(self, unit: str) -> Organization | None:
        matches = self.by_unit.get(unit, [])
        return max(matches, key=lambda o: o.depth) if matches else None


def _resolve(values: dict[str, Any], number: int, lookup: OrgLookup, problems: list[Problem]) -> bool:
    """Turn the organization references of a row into organizations; False when one was not found."""
    before = len(problems)

    def bad(message: str, column: str) -> None:
        problems.append(Problem(message=message, row=number, column=column))

    if values.get("category") == NON_MEMBER:
        values["category"] = ""
    ref = values.pop("branch_ref", "")
    if ref:
        branch = lookup.find(ref)
        if branch is None:
            bad(f"找不到党支部“{ref}”（或不在您的管理范围内）", "所在党支部")
        elif branch.kind != OrgKind.BRANCH:
            bad(f"“{ref}”是{branch.get_kind_display()}，不是党支部", "所在党支部")
        else:
            values["branch"] = branch
    group_ref = values.pop("group_ref", "")
    if group_ref:
        group = lookup.find(group_ref)
        if group is None or group.kind != OrgKind.GROUP:
            bad(f"找不到党小组“{group_ref}”", "所在党小组")
        else:
            values["party_group"] = group
    org_ref = values.pop("org_ref", "")
    org = None
    if org_ref:
        org = lookup.find(org_ref)
        if org is None:
            bad(f"找不到组织“{org_ref}”（或不在您的管理范围内）", "所在组织")
    elif not values.get("branch") and values.get("department"):
        org = lookup.for_unit(values["department"])
    values["organization"] = values.get("branch") or org
    if values["organization"] is None and not ref and not org_ref:
        bad(
            "无法确定所在组织：请填写“所在党支部”或“所在组织”，或使“部门”与某个党组织的所在单位一致",
            "所在组织",
        )
    return len(problems) == before


def read_roster(
    data: bytes, filename: str, actor: User | None, *, today: date | None = None
) -> list[tuple[int, dict[str, Any]]]:
    """Read and validate every row; raise one ApplicationError listing every problem."""
    rows, problems = tabular.read(data, filename, COLUMNS)
    lookup = OrgLookup(actor)
    resolved = {number: _resolve(values, number, lookup, problems) for number, values in rows}
    # The rules (e.g. member.min_age) of every branch named in the file, in one query.
    branches = {values["branch"].pk: values["branch"] for _number, values in rows if values.get("branch")}
    books = rulebooks_for(branches.values())
    no_branch = Rulebook({})
    first_row_of: dict[str, int] = {}
    first_row_of_id: dict[str, int] = {}
    for number, values in rows:
        branch = values.get("branch")
        rules = books[branch.pk] if branch is not None else no_branch
        found = check_person(values, row=number, today=today, rules=rules)
        if not resolved[number]:  # "请填写所在党支部" would repeat the reference problem already reported
            found = [p for p in found if p.column != "所在党支部"]
        problems += found
        no = values.get("employee_no")
        if no:
            if no in first_row_of:
                problems.append(
                    Problem(message=f"工号“{no}”与第{first_row_of[no]}行重复", row=number, column="工号")
                )
            else:
                first_row_of[no] = number
        id_number = values.get("id_number")
        if id_number:
            if id_number in first_row_of_id:
                problems.append(
                    Problem(
                        message=f"身份证号与第{first_row_of_id[id_number]}行重复",
                        row=number,
                        column="公民身份号码",
                    )
                )
            else:
                first_row_of_id[id_number] = number
    if problems:
        raise tabular.refusal(problems, COLUMNS)
    return rows


def _apply_roster(
    *, actor: User | None, data: bytes, filename: str, dry_run: bool = False, progress: bool = False
) -> Report:
    """Import a roster: every row validated first, then all applied in one transaction, or none.

    Re-importing the same file changes nothing; a changed row updates the person found by 工号; a
    changed 所在党支部 is a 组织关系转接 kept in the member's history.
    """
    rows = read_roster(data, filename, actor)
    report = Report(dry_run=dry_run)
    numbers = [v["employee_no"] for _, v in rows]
    existing: dict[str, Person] = {}
    for chunk_start in range(0, len(numbers), 5000):
        chunk = numbers[chunk_start : chunk_start + 5000]
        for person in Person.objects.filter(employee_no__in=chunk).select_related("organization"):
            existing[person.employee_no] = person
    current: dict[int, Membership] = {
        m.person_id: m
        for m in Membership.objects.filter(
            person_id__in=[p.pk for p in existing.values()], ended_on__isnull=True
        )
    }
    problems: list[Problem] = []
    # Existing people must be within the actor's reach, and a member cannot be turned into 群众 here.
    for number, values in rows:
        known = existing.get(values["employee_no"])
        if known is None:
            continue
        if not access.manages_org(actor, known.organization):
            problems.append(
                Problem(
                    message=f"工号“{known.employee_no}”已登记在您管理范围以外的组织，不能修改",
                    row=number,
                    column="工号",
                )
            )
        if known.pk in current and not values.get("category"):
            problems.append(
                Problem(
                    message="该人员在册为党员，不能通过导入改为群众；组织关系转出或出党请在人员页面办理",
                    row=number,
                    column="人员类别",
                )
            )
    digests: dict[str, tuple[int, str]] = {
        crypto.digest(v["id_number"]): (n, v["employee_no"]) for n, v in rows if v.get("id_number")
    }
    for chunk_start in range(0, len(digests), 5000):
        chunk = list(digests)[chunk_start : chunk_start + 5000]
        for employee_no, digest in Person.objects.filter(id_digest__in=chunk).values_list(
            "employee_no", "id_digest"
        ):
            number, row_no = digests[str(digest)]
            if employee_no != row_no:
                problems.append(
                    Problem(
                        message=f"身份证号与已登记的工号{employee_no}重复", row=number, column="公民身份号码"
                    )
                )
    if problems:
        raise tabular.refusal(problems, COLUMNS)

    creates: list[tuple[Person, dict[str, Any]]] = []
    updates: list[Person] = []
    membership_updates: list[Membership] = []
    new_memberships: list[tuple[Person, dict[str, Any]]] = []
    transfers: list[tuple[Membership, Organization]] = []
    changed_fields: set[str] = set()
    updated_log: dict[str, list[str]] = {}
    iterator: Iterable[tuple[int, dict[str, Any]]] = (
        tqdm(rows, desc="校验并比对", unit="行") if progress else rows
    )
    for _number, values in iterator:
        fields = _person_values({k: values.get(k) for k in PERSON_FIELDS})
        fields["organization"] = values["organization"]
        found = existing.get(values["employee_no"])
        if found is None:
            creates.append((Person(**fields), values))
            report.created += 1
            if len(report.changes) < 20:
                report.changes.append(f"新增 {values['employee_no']} {values['name']}")
            continue
        person = found
        differs = [k for k, v in fields.items() if k != "organization" and getattr(person, k) != v]
        if person.organization_id != fields["organization"].pk:
            differs.append("organization")
        for key in differs:
            setattr(person, key, fields[key])
        membership_changed = False
        membership = current.get(person.pk)
        if values.get("category"):
            if membership is None:
                new_memberships.append((person, values))
                membership_changed = True
            else:
                wanted = {
                    "category": values["category"],
                    "joined_on": values["joined_on"],
                    "full_on": values.get("full_on"),
                    "party_group_id": values["party_group"].pk if values.get("party_group") else None,
                    "standing": values.get("standing") or Standing.NORMAL,
                    "lost_contact_since": values.get("lost_contact_since"),
                    "floating_to": values.get("floating_to", ""),
                }
                if membership.branch_id != values["branch"].pk:
                    transfers.append((membership, values["branch"]))
                    membership_changed = True
                m_differs = [k for k, v in wanted.items() if getattr(membership, k) != v]
                if m_differs:
                    for key in m_differs:
                        setattr(membership, key, wanted[key])
                    membership_updates.append(membership)
                    membership_changed = True
                    differs += m_differs
        if differs or membership_changed:
            changed_fields.update(k for k in differs if k in fields)
            updates.append(person)
            report.updated += 1
            updated_log[person.employee_no] = differs
            if len(report.changes) < 20:
                report.changes.append(f"更新 {person.employee_no} {person.name}：{_labels(differs)}")
        else:
            report.unchanged += 1
    if dry_run or not (creates or updates or new_memberships or membership_updates or transfers):
        return report  # a re-import that changes nothing writes nothing, not even an audit entry

    services.roster_write(
        actor=actor,
        filename=filename,
        creates=creates,
        updates=updates,
        changed_fields=changed_fields,
        new_memberships=new_memberships,
        membership_updates=membership_updates,
        transfers=transfers,
        updated_log=updated_log,
    )
    return report


_LABELS = {c.key: c.header for c in COLUMNS} | {
    "organization": "所在组织",
    "party_group_id": "所在党小组",
    "lost_contact_since": "失联日期",
    "name_initials": "姓名",
    "name_pinyin": "姓名",
    "id_digest": "公民身份号码",
}


def _labels(keys: list[str]) -> str:
    return "、".join(dict.fromkeys(_LABELS.get(k, k) for k in keys))


def export_rows(people: Any, *, reveal: bool) -> Iterator[list[Any]]:
    """Rows in COLUMNS order. Sensitive fields are masked unless `reveal` (decided by the caller
    through people.view_sensitive for the whole scope)."""
    for person in people:
        membership = next(iter(person.current_memberships), None)
        yield [
            person.employee_no,
            person.name,
            person.gender,
            person.ethnicity,
            person.id_number if reveal else mask_id_number(person.id_number),
            person.birth_date,
            person.education,
            membership.category if membership else NON_MEMBER,
            membership.branch.code if membership else "",
            membership.joined_on if membership else None,
            membership.full_on if membership else None,
            person.job,
            person.phone if reveal else mask_phone(person.phone),
            person.address if reveal else ("****" if person.address else ""),
            membership.standing if membership else "",
            ("是" if membership.is_lost_contact else "否") if membership else "",
            membership.lost_contact_since if membership else None,
            ("是" if membership.is_floating else "否") if membership else "",
            membership.floating_to if membership else "",
            person.department,
            person.hired_on,
            person.employment_status,
            person.left_on,
            membership.party_group.code if membership and membership.party_group else "",
            "" if membership else person.organization.code,
        ]


def people_for_export(actor: User | None, filters: Q | None = None) -> Any:
    from django.db.models import Prefetch

    from .selectors import person_list_for

    return (
        person_list_for(actor=actor)
        .filter(filters or Q())
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(ended_on__isnull=True).select_related(
                    "branch", "party_group"
                ),
                to_attr="current_memberships",
            )
        )
    )


REASON_MIN = 4  # a reason for an export in clear says what for, not "需要"


def clear_export_reason(reason: str) -> str:
    """The reason given for an export in clear, stripped; a Chinese error when it says nothing."""
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN:
        raise ApplicationError(
            "invalid",
            f"请填写明文导出的事由（至少{REASON_MIN}个字），例如“报送上级党委换届选举材料”。",
            [Problem("至少" + str(REASON_MIN) + "个字", field="事由")],
        )
    if len(reason) > 200:
        raise ApplicationError(
            "invalid", "明文导出的事由最多200个字。", [Problem("最多200个字", field="事由")]
        )
    return reason


def _export_people(
    *, actor: User | None, path: Any, filters: Q | None = None, reason: str | None = None
) -> int:
    """Write the people the actor may see in the roster format, 身份证号, 手机 and 家庭住址 masked.

    With a `reason` (an export in clear, offered only to who may see some organization's sensitive
    fields: can_export_in_clear) those fields are in clear for the rows the actor may see in clear
    (people.view_sensitive) and masked for the others. Audited either way; an export in clear as
    its own action, with its reason and how many rows were in clear."""
    if reason is not None:
        reason = clear_export_reason(reason)
        if not can_export_in_clear(actor):
            raise PermissionDenied("您没有明文导出人员敏感信息的权限。")
    people = people_for_export(actor, filters)
    revealed = 0

    def rows() -> Iterator[list[Any]]:
        nonlocal revealed
        for person in people.iterator(chunk_size=2000):
            reveal = reason is not None and bool(can_view_sensitive(actor, person))
            revealed += reveal
            yield from export_rows([person], reveal=reveal)

    count = tabular.write(path, HEADERS, rows())
    changes: dict[str, Any] = {"rows": count, "sensitive_in_clear": revealed}
    if reason is not None:
        changes["reason"] = reason
    audit.record(
        actor=actor,
        action="export" if reason is None else "export_in_clear",
        model="people.Person",
        object_repr=str(path)[-200:],
        changes=changes,
    )
    return count


ROSTER = tabular_kinds.register(
    TabularKind(
        key="people",
        label="人员花名册",
        model="people.Person",
        columns=COLUMNS,
        apply=_apply_roster,
        permitted=can_import_roster,
        export_file=_export_people,
        in_clear=True,
    )
)
import_roster = ROSTER.run
export_people = _export_people
