"""Writes of improvement cases (改善案例): creating, correcting, rating, selecting as excellent."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypedDict, Unpack

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError, Problem
from qixin.core.models import User
from qixin.core.services import model_update, update_values
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization
from qixin.people.models import Person

from ..models import Category, ExcellentCase, ImprovementCase, Project, Studio
from ..permissions import can_manage_case, can_manage_org, can_select_excellent
from ..text import search, segment
from ._common import (
    _active,
    _belongs_to,
    _free_code,
    _not_future,
    _number,
    _placeholder,
    _required,
    _today,
    is_member_on,
    money,
)
from .projects import _check_category


def case_tokens(case: ImprovementCase) -> str:
    return segment.index_tokens(case.title, case.before, case.after, case.category_label, case.code)


def _check_case_details(
    *,
    title: str,
    category: str,
    custom_category: str,
    before: str,
    after: str,
    savings: Decimal | int | str,
) -> tuple[str, Decimal]:
    """What a case states, when it is recorded and whenever it is changed: a title, a category, the
    situation before and after, yearly savings in yuan to the fen that are not negative. Returns the
    title stripped and the savings."""
    title = _required(title, "案例名称")
    _check_category(category, custom_category)
    if not before.strip() or not after.strip():
        raise ApplicationError("invalid", "请填写改善前和改善后的情况。")
    value = money(savings, "节约金额")
    if value < 0:
        raise ApplicationError("invalid", "节约金额不能为负数。")
    return title, value


@transaction.atomic
def case_create(
    *,
    actor: User | None,
    organization: Organization,
    title: str,
    lead: Person,
    category: str,
    year: int,
    completed_on: date,
    before: str,
    after: str,
    savings: Decimal | int = 0,
    custom_category: str = "",
    team: Sequence[Person] = (),
    studio: Studio | None = None,
    project: Project | None = None,
    code: str = "",
) -> ImprovementCase:
    """Record an improvement case (its organization's managers): before and after are both stated,
    the year is the completion date's, the lead is a person of the organization; whether the lead is
    a party member on the completion date is recorded (党员主导)."""
    require(can_manage_org(actor, organization))
    _active(organization)
    title, value = _check_case_details(
        title=title,
        category=category,
        custom_category=custom_category,
        before=before,
        after=after,
        savings=savings,
    )
    _not_future(completed_on, "完成日期")
    if completed_on.year != year:
        raise ApplicationError("bad_year", f"完成日期{completed_on}不在{year}年度内。")
    for person in (lead, *team):
        if not _belongs_to(person, organization):
            raise ApplicationError("outside", f"{person.name}不属于“{organization.name}”。")
    code = _free_code(ImprovementCase, "code", code, "案例编号")
    case = ImprovementCase(
        code=code or _placeholder(),
        title=title,
        organization=organization,
        lead=lead,
        lead_is_member=is_member_on(lead, completed_on),
        category=category,
        custom_category=custom_category.strip() if category == Category.CUSTOM else "",
        year=year,
        completed_on=completed_on,
        before=before.strip(),
        after=after.strip(),
        savings=value,
        studio=studio,
        project=project,
    )
    full_clean(case)
    case.save()
    if not code:
        case.code = _number("AL", completed_on, case.pk)
    case.search_tokens = case_tokens(case)
    case.save(update_fields=["code", "search_tokens"])
    search.index_rows(ImprovementCase, [(case.pk, case.search_tokens)])
    case.team.set([p for p in team if p.pk != lead.pk])
    audit.record(
        actor=actor,
        action="create",
        obj=case,
        changes={"code": case.code, "lead": lead.employee_no, "year": year, "savings": value},
    )
    return case


def _case_facts(case: ImprovementCase) -> dict[str, Any]:
    """What a change of a case is audited by."""
    return {
        "title": case.title,
        "category": case.category_label,
        "before": case.before,
        "after": case.after,
        "savings": case.savings,
    }


class CaseChanges(TypedDict, total=False):
    title: str
    before: str
    after: str
    savings: Decimal | int | str
    category: str
    custom_category: str


CASE_FIELDS = ("title", "before", "after", "savings", "category", "custom_category")


@transaction.atomic
def case_update(
    *, actor: User | None, case: ImprovementCase, **changes: Unpack[CaseChanges]
) -> ImprovementCase:
    """Change a case's title, category, text or stated savings (its organization's managers), under
    the same rules as when it was recorded. Its organization, lead, year and completion date do not
    change: whether it was 党员主导 and the year it may be selected in are read from them. Only the
    fields given change (a partial update)."""
    require(can_manage_case(actor, case))
    values = update_values(case, changes, CASE_FIELDS)
    values["title"], values["savings"] = _check_case_details(
        title=values["title"],
        category=values["category"],
        custom_category=values["custom_category"],
        before=values["before"],
        after=values["after"],
        savings=values["savings"],
    )
    values["before"], values["after"] = values["before"].strip(), values["after"].strip()
    custom = values["category"] == Category.CUSTOM
    values["custom_category"] = values["custom_category"].strip() if custom else ""

    def reindex(_changes: dict[str, list[Any]]) -> None:
        case.search_tokens = case_tokens(case)
        case.save(update_fields=["search_tokens", "updated_at"])
        search.index_rows(ImprovementCase, [(case.pk, case.search_tokens)])

    model_update(
        instance=case, data=values, fields=CASE_FIELDS, actor=actor, facts=_case_facts, after_save=reindex
    )
    return case


@transaction.atomic
def case_rate(
    *, actor: User | None, case: ImprovementCase, rating: int, on: date | None = None
) -> ImprovementCase:
    """Rate a case from 1 to 5 stars (the managers of its organization or above)."""
    require(can_manage_case(actor, case))
    if not 1 <= rating <= 5:
        raise ApplicationError("invalid", "评级为1到5星。")
    day = on or _today()
    _not_future(day, "评级日期")
    old = case.rating
    case.rating, case.rated_on = rating, day
    case.rated_by = actor if actor and actor.pk else None
    case.save(update_fields=["rating", "rated_on", "rated_by", "updated_at"])
    audit.record(actor=actor, action="rate", obj=case, changes={"rating": [old, rating]})
    return case


@transaction.atomic
def excellent_select(
    *,
    actor: User | None,
    organization: Organization,
    year: int,
    cases: Sequence[ImprovementCase],
    on: date,
    citation: str = "",
) -> list[ExcellentCase]:
    """A committee selects its excellent cases of a year: rated cases of that year in its subtree,
    each selected once."""
    require(can_select_excellent(actor, organization))
    _not_future(on, "评选日期")
    problems = []
    for case in cases:
        if not case.organization.path.startswith(organization.path):
            problems.append(Problem(message=f"{case.code}不在“{organization.name}”范围内", field=case.code))
        elif case.year != year:
            problems.append(Problem(message=f"{case.code}是{case.year}年度的案例", field=case.code))
        elif case.rating is None:
            problems.append(Problem(message=f"{case.code}尚未评级", field=case.code))
    already = set(
        ExcellentCase.objects.filter(organization=organization, year=year, case__in=cases).values_list(
            "case__code", flat=True
        )
    )
    problems += [Problem(message=f"{code}已入选", field=code) for code in sorted(already)]
    if problems:
        raise ApplicationError("invalid_selection", "以下案例不能入选，没有做任何改动。", problems)
    selected = ExcellentCase.objects.bulk_create(
        [
            ExcellentCase(
                organization=organization,
                year=year,
                case=case,
                selected_on=on,
                selected_by=actor if actor and actor.pk else None,
                citation=citation.strip()[:200],
            )
            for case in cases
        ]
    )
    audit.record(
        actor=actor,
        action="select",
        model="improve.ExcellentCase",
        object_repr=f"{organization.name} {year}",
        changes={"year": year, "cases": [c.code for c in cases]},
    )
    return selected


@transaction.atomic
def excellent_unselect(*, actor: User | None, selection: ExcellentCase, reason: str) -> None:
    """Withdraw a case from a committee's excellent cases of its year (the managers of that
    committee, as for the selection), stating why. The selection is deleted, so the figures of that
    year no longer count it; the audit entry keeps what was withdrawn, when it had been selected,
    and the reason."""
    require(can_select_excellent(actor, selection.organization))
    reason = _required(reason, "撤销原因")
    code = selection.case.code
    facts = {
        "organization": selection.organization.code,
        "year": selection.year,
        "case": code,
        "selected_on": selection.selected_on,
        "reason": reason[:200],
    }
    selection.delete()
    audit.record(
        actor=actor,
        action="unselect",
        model="improve.ExcellentCase",
        object_repr=f"{selection.year} {code}",
        changes=facts,
    )
