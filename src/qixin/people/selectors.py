"""Every read of the people registry, scoped to what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from qixin.core import access, audit
from qixin.core.access import Actor
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.models import User
from qixin.core.periods import add_years
from qixin.core.rules import rulebook
from qixin.core.text import mask_address, mask_id_number, mask_phone
from qixin.orgs.models import Organization, Position

from .models import Category, EmploymentStatus, Membership, MembershipTransfer, Person
from .permissions import can_view, can_view_sensitive
from .rulebook import extension_bounds


def person_list_for(*, actor: Actor) -> QuerySet[Person]:
    """Everyone the actor may see: people of the organizations they read, and themselves."""
    scope = access.scope_for(actor)
    visible = scope.q(scope.read, "organization__path")
    if scope.person_id is not None and not scope.is_admin:
        visible |= Q(pk=scope.person_id)
    return Person.objects.filter(visible)


@dataclass(frozen=True)
class PersonFilters:
    search: str = ""
    org: Organization | None = None
    category: str = ""  # 正式党员 / 预备党员 / 党员 (either) / 群众
    education: str = ""
    age_min: int | None = None
    age_max: int | None = None
    status: str = EmploymentStatus.ACTIVE  # "" for all


def search_q(text: str) -> Q:
    """Name, 工号, pinyin initials (zs → 张三) or full pinyin (zhangsan)."""
    text = text.strip()
    if not text:
        return Q()
    query = Q(name__contains=text) | Q(employee_no__istartswith=text)
    if text.isascii() and text.isalpha():
        lowered = text.lower()
        query |= Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
    return query


def filters_q(filters: PersonFilters, today: date | None = None) -> Q:
    today = today or timezone.localdate()
    query = search_q(filters.search)
    if filters.org is not None:
        query &= Q(organization__path__startswith=filters.org.path)
    if filters.status:
        query &= Q(employment_status=filters.status)
    if filters.category in Category.values:
        ids = Membership.objects.filter(ended_on__isnull=True, category=filters.category).values("person_id")
        query &= Q(pk__in=ids)
    elif filters.category == "党员":
        query &= Q(pk__in=Membership.objects.filter(ended_on__isnull=True).values("person_id"))
    elif filters.category == "群众":
        query &= ~Q(pk__in=Membership.objects.filter(ended_on__isnull=True).values("person_id"))
    if filters.education:
        query &= Q(education=filters.education)
    if filters.age_min is not None:
        query &= Q(birth_date__lte=add_years(today, -filters.age_min))
    if filters.age_max is not None:
        query &= Q(birth_date__gt=add_years(today, -(filters.age_max + 1)))
    return query


def person_search_for(*, actor: Actor, filters: PersonFilters) -> QuerySet[Person]:
    """The member list: filtered, ordered, with the current membership prefetched (no N+1)."""
    return (
        person_list_for(actor=actor)
        .filter(filters_q(filters))
        .select_related("organization")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(ended_on__isnull=True).select_related("branch"),
                to_attr="current_memberships",
            )
        )
        .order_by("employee_no")
    )


def person_get_for(*, actor: Actor, pk: int) -> Person:
    person = Person.objects.select_related("organization").filter(pk=pk).first()
    if person is None or not can_view(actor, person):
        raise NotFound()
    return person


@dataclass
class PersonPage:
    person: Person
    membership: Membership | None
    memberships: list[Membership]
    transfers: list[MembershipTransfer]
    positions: list[Position]
    sees_sensitive: bool
    probation_due: date | None = None  # of the current membership, by the rules of its branch

    @property
    def masked(self) -> dict[str, str]:
        """Sensitive fields as lists show them; the clear values come from person_sensitive_for."""
        person = self.person
        return {
            "公民身份号码": mask_id_number(person.id_number),
            "联系电话": mask_phone(person.phone),
            "家庭住址": mask_address(person.address),
        }


def person_page_for(*, actor: Actor, pk: int) -> PersonPage:
    """The person page. Sensitive fields are shown masked here; see person_sensitive_for."""
    person = person_get_for(actor=actor, pk=pk)
    memberships = list(
        person.memberships.select_related("branch", "party_group").order_by("-ended_on", "-joined_on")
    )
    current = next((m for m in memberships if m.ended_on is None), None)
    transfers = list(
        MembershipTransfer.objects.filter(membership__person=person)
        .select_related("from_branch", "to_branch")
        .order_by("-transferred_on", "-id")
    )
    positions = list(person.positions.select_related("organization").order_by("-started_on"))
    sees = bool(can_view_sensitive(actor, person))
    due = current.probation_due if current is not None else None  # one rulebook query, if probationary
    return PersonPage(person, current, memberships, transfers, positions, sees, due)


def person_sensitive_for(*, actor: Actor, pk: int) -> dict[str, str]:
    """身份证号, 手机 and 家庭住址 in clear, for who may see them; every such read is audited."""
    person = person_get_for(actor=actor, pk=pk)
    if not can_view_sensitive(actor, person):
        raise NotFound()
    assert isinstance(actor, User)  # can_view_sensitive lets only an account through
    audit.record(
        actor=actor,
        action="view_sensitive",
        obj=person,
        changes={"fields": ["公民身份号码", "联系电话", "家庭住址"]},
    )
    return {"公民身份号码": person.id_number, "联系电话": person.phone, "家庭住址": person.address}


def membership_current_for(*, actor: Actor, person_pk: int) -> Membership:
    person = person_get_for(actor=actor, pk=person_pk)
    membership = person.memberships.filter(ended_on__isnull=True).select_related("branch").first()
    if membership is None:
        raise NotFound()
    return membership


def probation_extension_months_for(*, membership: Membership) -> tuple[int, int]:
    """The shortest and longest 延长预备期 the rules of the member's branch allow, in months."""
    return extension_bounds(rulebook(membership.branch))


def person_by_employee_no_for(*, actor: Actor, employee_no: str) -> Person:
    person = Person.objects.select_related("organization").filter(employee_no=employee_no.strip()).first()
    if person is None or not can_view(actor, person):
        raise NotFound()
    return person


def person_from_input(*, actor: Actor, employee_no: str) -> Person:
    """The person whose 工号 a user typed (a form, an API body, an import row): an unknown number and
    one outside the user's reach get the same clear message, not a "page not found"."""
    try:
        return person_by_employee_no_for(actor=actor, employee_no=employee_no)
    except NotFound:
        raise ApplicationError(
            "unknown_person", f"找不到工号“{employee_no}”的人员，或该人员不在您的范围内。"
        ) from None


def person_or_none_from_input(*, actor: Actor, employee_no: str | None) -> Person | None:
    """As person_from_input, for a field that may be left blank (None then)."""
    employee_no = (employee_no or "").strip()
    return person_from_input(actor=actor, employee_no=employee_no) if employee_no else None


def full_on_q(on: date) -> Q:
    """Memberships that are full (正式) on a day: from their 转正日期 on."""
    return Q(full_on__isnull=False, full_on__lte=on)


def memberships_on_q(on: date) -> Q:
    """Memberships in force on a day: joined on or before it, not ended before it."""
    return Q(joined_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def membership_counts_for(*, actor: Actor, org: Organization, on: date) -> dict[str, int]:
    """{"full": n, "probationary": n} of members of the subtree's branches on `on`. A member counts as
    full from their 转正日期. (Branches are today's: a transfer is not replayed back in time.)"""
    full = full_on_q(on)
    counts = Membership.objects.filter(
        access.subtree_q(actor, org, "branch__path"), memberships_on_q(on)
    ).aggregate(full=Count("id", filter=full), probationary=Count("id", filter=~full))
    return {"full": counts["full"], "probationary": counts["probationary"]}


def _subtrees(orgs: list[Organization], path_field: str) -> Q:
    q = Q(pk__in=[])
    for root in access.minimal_paths(o.path for o in orgs):
        q |= Q(**{f"{path_field}__startswith": root})
    return q


def _distinct(orgs: list[Organization]) -> list[Organization]:
    """Each organization once: a caller may name one twice (a dashboard's own scope is also among the
    organizations it compares), and a row must then still count once for it."""
    return list({o.pk: o for o in orgs}.values())


def _per_org(orgs: list[Organization], path: str) -> list[int]:
    """The orgs (by pk) whose subtree holds the node at `path`, each once."""
    return [o.pk for o in _distinct(orgs) if path.startswith(o.path)]


def membership_counts_by_org_for(
    *, actor: Actor, orgs: list[Organization], on: date
) -> dict[int, dict[str, int]]:
    """membership_counts_for of several organizations in one query (e.g. sibling comparisons)."""
    rows = (
        Membership.objects.filter(
            access.org_filter(actor, "branch__path"), _subtrees(orgs, "branch__path"), memberships_on_q(on)
        )
        .annotate(is_full=full_on_q(on))
        .values("branch__path", "is_full")
        .annotate(n=Count("id"))
    )
    counts = {o.pk: {"full": 0, "probationary": 0} for o in orgs}
    for row in rows:
        for pk in _per_org(orgs, row["branch__path"]):
            counts[pk]["full" if row["is_full"] else "probationary"] += row["n"]
    return counts


def membership_drill_for(
    *, actor: Actor, org: Organization, on: date, category: str = ""
) -> QuerySet[Membership]:
    """The memberships counted by membership_counts_for (category "full", "probationary" or all)."""
    rows = Membership.objects.filter(access.subtree_q(actor, org, "branch__path"), memberships_on_q(on))
    if category == "full":
        rows = rows.filter(full_on_q(on))
    elif category == "probationary":
        rows = rows.exclude(full_on_q(on))
    return rows.select_related("person", "branch").order_by("branch__path", "person__employee_no")


def admissions_for(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Membership]:
    """Members admitted (joined) in [start, end) in the subtree."""
    return (
        Membership.objects.filter(
            access.subtree_q(actor, org, "branch__path"), joined_on__gte=start, joined_on__lt=end
        )
        .select_related("person", "branch")
        .order_by("joined_on")
    )


def admission_counts_by_day_for(
    *, actor: Actor, org: Organization, start: date, end: date
) -> dict[date, int]:
    """How many members joined on each day of [start, end) in the subtree (for trends by month)."""
    rows = (
        admissions_for(actor=actor, org=org, start=start, end=end)
        .order_by()
        .values("joined_on")
        .annotate(n=Count("id"))
        .values_list("joined_on", "n")
    )
    return dict(rows)


def employees_on_q(on: date) -> Q:
    return (Q(hired_on__isnull=True) | Q(hired_on__lte=on)) & (Q(left_on__isnull=True) | Q(left_on__gt=on))


def employee_count_for(*, actor: Actor, org: Organization, on: date) -> int:
    """Employees on the payroll on `on` whose organization is in the subtree."""
    return Person.objects.filter(
        access.subtree_q(actor, org, "organization__path"), employees_on_q(on)
    ).count()


def employee_counts_by_org_for(*, actor: Actor, orgs: list[Organization], on: date) -> dict[int, int]:
    """employee_count_for of several organizations in one query."""
    rows = (
        Person.objects.filter(
            access.org_filter(actor, "organization__path"),
            _subtrees(orgs, "organization__path"),
            employees_on_q(on),
        )
        .values("organization__path")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys((o.pk for o in orgs), 0)
    for row in rows:
        for pk in _per_org(orgs, row["organization__path"]):
            counts[pk] += row["n"]
    return counts


def employee_drill_for(*, actor: Actor, org: Organization, on: date) -> QuerySet[Person]:
    return (
        Person.objects.filter(access.subtree_q(actor, org, "organization__path"), employees_on_q(on))
        .select_related("organization")
        .order_by("employee_no")
    )
