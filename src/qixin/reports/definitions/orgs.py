"""Organizations, members and employees: "9735名党员……带动35000名员工"."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from django.urls import reverse

from qixin.orgs import selectors as org_selectors
from qixin.orgs.models import OrgKind
from qixin.people import selectors as people_selectors

from ..metrics import Drill, Metric, Scope, define_group, prefetcher, ratio, register

SECTION = "组织与党员"
define_group("orgs", reads=("orgs", "people", "core"))


def _kind_counts(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared(
            "org_kinds",
            lambda: org_selectors.org_kind_counts_for(actor=scope.actor, org=scope.org, on=scope.last_day),
        ),
    )


def _members(scope: Scope) -> dict[str, int]:
    return cast(
        dict[str, int],
        scope.shared(
            "members",
            lambda: people_selectors.membership_counts_for(
                actor=scope.actor, org=scope.org, on=scope.last_day
            ),
        ),
    )


def _employees(scope: Scope) -> int:
    return cast(
        int,
        scope.shared(
            "employees",
            lambda: people_selectors.employee_count_for(actor=scope.actor, org=scope.org, on=scope.last_day),
        ),
    )


@prefetcher(
    "members.total", "members.full", "members.probationary", "employees.total", "members.per_100_employees"
)
def _members_and_employees(scopes: list[Scope]) -> None:
    """Members and employees of several organizations (same actor, same day) in two queries."""
    groups: dict[tuple[int, object], list[Scope]] = {}
    for scope in scopes:
        groups.setdefault((id(scope.actor), scope.last_day), []).append(scope)
    for group in groups.values():
        actor, day, orgs = group[0].actor, group[0].last_day, [s.org for s in group]
        members = people_selectors.membership_counts_by_org_for(actor=actor, orgs=orgs, on=day)
        employees = people_selectors.employee_counts_by_org_for(actor=actor, orgs=orgs, on=day)
        for scope in group:
            scope.memo.setdefault("members", members[scope.org.pk])
            scope.memo.setdefault("employees", employees[scope.org.pk])


MEMBER_SEARCH = ("person__name", "person__employee_no", "branch__name")


def _org_drill(kind: str) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        orgs = org_selectors.org_drill_for(actor=scope.actor, org=scope.org, kind=kind, on=scope.last_day)
        return Drill(
            title=f"{OrgKind(kind).label}（{scope.last_day}）",
            columns=["组织名称", "组织编码", "所在单位", "成立日期"],
            records=orgs,
            search=("name", "code", "unit"),
            row=lambda o: [(o.name, reverse("orgs:detail", args=[o.pk])), o.code, o.unit, o.established_on],
        )

    return drill


def _member_drill(category: str, title: str) -> Callable[[Scope], Drill]:
    def drill(scope: Scope) -> Drill:
        rows = people_selectors.membership_drill_for(
            actor=scope.actor, org=scope.org, on=scope.last_day, category=category
        )
        return Drill(
            title=f"{title}（{scope.last_day}）",
            columns=["姓名", "工号", "所在党支部", "加入党组织日期", "转为正式党员日期"],
            records=rows,
            search=MEMBER_SEARCH,
            row=lambda m: [
                (m.person.name, reverse("people:detail", args=[m.person_id])),
                m.person.employee_no,
                m.branch.name,
                m.joined_on,
                m.full_on,
            ],
        )

    return drill


def _kind_count(kind: str) -> Callable[[Scope], int]:
    return lambda scope: _kind_counts(scope)[kind]


for kind, label in OrgKind.choices:
    register(
        Metric(
            key=f"orgs.{kind}",
            label=label,
            unit="个",
            section=SECTION,
            compute=_kind_count(kind),
            drill=_org_drill(kind),
            description=f"期末存续的{label}数（含所选组织本身）",
        )
    )

register(
    Metric(
        key="members.total",
        label="党员",
        unit="名",
        section=SECTION,
        compute=lambda s: _members(s)["full"] + _members(s)["probationary"],
        drill=_member_drill("", "党员"),
        description="期末在册党员（正式党员与预备党员）",
    )
)
register(
    Metric(
        key="members.full",
        label="正式党员",
        unit="名",
        section=SECTION,
        compute=lambda s: _members(s)["full"],
        drill=_member_drill("full", "正式党员"),
    )
)
register(
    Metric(
        key="members.probationary",
        label="预备党员",
        unit="名",
        section=SECTION,
        compute=lambda s: _members(s)["probationary"],
        drill=_member_drill("probationary", "预备党员"),
    )
)


def _admissions_drill(scope: Scope) -> Drill:
    rows = people_selectors.admissions_for(
        actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
    )
    return Drill(
        title="期内发展的党员",
        columns=["姓名", "工号", "所在党支部", "加入党组织日期"],
        records=rows,
        search=MEMBER_SEARCH,
        row=lambda m: [
            (m.person.name, reverse("people:detail", args=[m.person_id])),
            m.person.employee_no,
            m.branch.name,
            m.joined_on,
        ],
    )


def _admitted(scope: Scope) -> int:
    return cast(
        int,
        scope.shared(
            "members.admitted",
            lambda: people_selectors.admissions_for(
                actor=scope.actor, org=scope.org, start=scope.period.start, end=scope.period.end
            ).count(),
        ),
    )


@prefetcher("members.admitted")
def _admissions(scopes: list[Scope]) -> None:
    """Admissions of one organization in several periods (the dashboard's trend by month) in one query."""
    groups: dict[tuple[int, int], list[Scope]] = {}
    for scope in scopes:
        groups.setdefault((id(scope.actor), scope.org.pk), []).append(scope)
    for group in groups.values():
        if len(group) < 2:
            continue
        by_day = people_selectors.admission_counts_by_day_for(
            actor=group[0].actor,
            org=group[0].org,
            start=min(s.period.start for s in group),
            end=max(s.period.end for s in group),
        )
        for scope in group:
            scope.memo.setdefault(
                "members.admitted", sum(n for day, n in by_day.items() if day in scope.period)
            )


register(
    Metric(
        key="members.admitted",
        label="发展党员",
        unit="名",
        section=SECTION,
        compute=_admitted,
        drill=_admissions_drill,
        description="期内加入党组织的人数",
    )
)


def _employee_drill(scope: Scope) -> Drill:
    rows = people_selectors.employee_drill_for(actor=scope.actor, org=scope.org, on=scope.last_day)
    return Drill(
        title=f"员工（{scope.last_day}）",
        columns=["姓名", "工号", "部门", "所在组织"],
        records=rows,
        search=("name", "employee_no", "department", "organization__name"),
        row=lambda p: [
            (p.name, reverse("people:detail", args=[p.pk])),
            p.employee_no,
            p.department,
            p.organization.name,
        ],
    )


register(
    Metric(
        key="employees.total",
        label="员工",
        unit="名",
        section=SECTION,
        compute=_employees,
        drill=_employee_drill,
        description="期末在职员工（含党员）",
    )
)
register(
    Metric(
        key="members.per_100_employees",
        label="每百名员工中的党员",
        unit="名",
        section=SECTION,
        ratio=True,
        compute=lambda s: ratio(_members(s)["full"] + _members(s)["probationary"], _employees(s)),
        description="党员数 ÷ 员工数 × 100",
    )
)
