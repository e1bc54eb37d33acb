"""Every read of the brand app, scoped to what the actor may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .models import BrandFramework, Deed, Evaluation, EvaluationEntry, EvaluationStatus, Pillar, Recognition
from .permissions import can_view_org, can_view_person


def frameworks_effective(orgs: Iterable[Organization]) -> dict[int, BrandFramework | None]:
    """Each organization's brand: its own, else its nearest ancestor's (one query for all)."""
    orgs = list(orgs)
    paths = {p for org in orgs for p in org.ancestor_paths()}
    by_path = {
        f.organization.path: f
        for f in BrandFramework.objects.filter(organization__path__in=paths)
        .select_related("organization")
        .prefetch_related("pillars")
    }
    result: dict[int, BrandFramework | None] = {}
    for org in orgs:
        result[org.pk] = next((by_path[p] for p in reversed(org.ancestor_paths()) if p in by_path), None)
    return result


def framework_effective(org: Organization) -> BrandFramework | None:
    """The brand in force at `org`: the nearest ancestor (itself included) that defines one."""
    return frameworks_effective([org])[org.pk]


def framework_effective_for(*, actor: Actor, org: Organization) -> BrandFramework | None:
    if not can_view_org(actor, org):
        raise NotFound()
    return framework_effective(org)


def framework_list_for(*, actor: Actor) -> QuerySet[BrandFramework]:
    """Brands defined at organizations the actor reads (and the ones above them, which they inherit)."""
    scope = access.scope_for(actor)
    visible = access.org_filter(actor, "organization__path")
    if not scope.is_admin:
        for path in scope.read:
            step = Organization.steplen
            visible |= Q(organization__path__in=[path[:i] for i in range(step, len(path) + 1, step)])
    return (
        BrandFramework.objects.filter(visible)
        .select_related("organization")
        .prefetch_related("pillars")
        .order_by("organization__path")
    )


def org_get_for(*, actor: Actor, pk: int) -> Organization:
    org = Organization.objects.filter(pk=pk).first()
    if org is None or not can_view_org(actor, org):
        raise NotFound()
    return org


def person_get_for(*, actor: Actor, pk: int) -> Person:
    person = Person.objects.select_related("organization").filter(pk=pk).first()
    if person is None or not can_view_person(actor, person):
        raise NotFound()
    return person


# --- deeds ---------------------------------------------------------------------------------------


def deed_list_for(*, actor: Actor) -> QuerySet[Deed]:
    scope = access.scope_for(actor)
    visible = scope.q(scope.read, "organization__path")
    if scope.person_id is not None and not scope.is_admin:
        visible |= Q(person_id=scope.person_id)
    return Deed.objects.filter(visible)


def deed_get_for(*, actor: Actor, pk: int) -> Deed:
    deed = deed_list_for(actor=actor).select_related("person", "person__organization").filter(pk=pk).first()
    if deed is None:
        raise NotFound()
    return deed


def _with_pillars(rows: QuerySet[Deed]) -> QuerySet[Deed]:
    return rows.select_related("person", "organization").prefetch_related(
        Prefetch("pillars", queryset=Pillar.objects.order_by("position", "id"))
    )


@dataclass
class PillarGroup:
    label: str
    deeds: list[Deed] = field(default_factory=list)


def group_by_pillar(framework: BrandFramework | None, deeds: Iterable[Deed]) -> list[PillarGroup]:
    """Deeds under each pillar of the brand (a deed with two pillars shows under both); untagged
    deeds, or deeds tagged with another brand's pillars, last under 其他."""
    groups: dict[int | None, PillarGroup] = {}
    if framework is not None:
        for pillar in framework.pillars.all():
            groups[pillar.pk] = PillarGroup(pillar.name)
    other = PillarGroup("其他")
    for deed in deeds:
        placed = False
        for pillar in deed.pillars.all():
            if pillar.pk in groups:
                groups[pillar.pk].deeds.append(deed)
                placed = True
        if not placed:
            other.deeds.append(deed)
    result = list(groups.values())
    if other.deeds:
        result.append(other)
    return result


@dataclass
class DeedPage:
    subject: Person | Organization
    framework: BrandFramework | None
    groups: list[PillarGroup]
    total: int
    year: int | None


def person_deeds_for(*, actor: Actor, person_pk: int, year: int | None = None) -> DeedPage:
    """A member's deeds by pillar of their brand."""
    person = person_get_for(actor=actor, pk=person_pk)
    rows = _with_pillars(deed_list_for(actor=actor).filter(person=person))
    if year:
        rows = rows.filter(done_on__year=year)
    deeds = list(rows)
    framework = framework_effective(person.organization)
    return DeedPage(person, framework, group_by_pillar(framework, deeds), len(deeds), year)


def org_deeds_for(*, actor: Actor, org_pk: int, year: int | None = None, limit: int = 500) -> DeedPage:
    """A branch's (or any subtree's) members' deeds by pillar of its brand."""
    org = org_get_for(actor=actor, pk=org_pk)
    rows = org_deed_list_for(actor=actor, org=org)
    if year:
        rows = rows.filter(done_on__year=year)
    return deed_page(org, list(rows[:limit]), rows.count(), year)


def org_deed_list_for(*, actor: Actor, org: Organization) -> QuerySet[Deed]:
    """The deeds of the subtree's members, as its page lists them (paged)."""
    return _with_pillars(deed_list_for(actor=actor).filter(organization__path__startswith=org.path))


def deed_page(org: Organization, deeds: list[Deed], total: int, year: int | None) -> DeedPage:
    """Deeds (one page of them) grouped by the pillars of the organization's brand."""
    framework = framework_effective(org)
    return DeedPage(org, framework, group_by_pillar(framework, deeds), total, year)


def deeds_in_subtree_for(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Deed]:
    """Deeds done in [start, end) by members of the subtree (for the reports)."""
    return (
        deed_list_for(actor=actor)
        .filter(organization__path__startswith=org.path, done_on__gte=start, done_on__lt=end)
        .select_related("person", "organization")
        .order_by("-done_on", "-id")
    )


def deed_counts_by_pillar_for(*, actor: Actor, org: Organization, start: date, end: date) -> dict[str, int]:
    rows = (
        Deed.pillars.through.objects.filter(
            deed__in=deeds_in_subtree_for(actor=actor, org=org, start=start, end=end).values("pk")
        )
        .values("pillar__name")
        .annotate(n=Count("id"))
        .order_by("pillar__name")
    )
    return {row["pillar__name"]: row["n"] for row in rows}


# --- recognitions --------------------------------------------------------------------------------


def recognition_list_for(*, actor: Actor) -> QuerySet[Recognition]:
    scope = access.scope_for(actor)
    visible = scope.q(scope.read, "organization__path")
    if scope.person_id is not None and not scope.is_admin:
        visible |= Q(person_id=scope.person_id)
    return (
        Recognition.objects.filter(visible)
        .select_related("person__organization", "recipient_org", "organization")
        .order_by("-year", "kind", "id")
    )


def recognition_get_for(*, actor: Actor, pk: int) -> Recognition:
    recognition = recognition_list_for(actor=actor).filter(pk=pk).first()
    if recognition is None:
        raise NotFound()
    return recognition


def recognitions_in_subtree_for(
    *, actor: Actor, org: Organization, start: date, end: date, kind: str = ""
) -> QuerySet[Recognition]:
    """Recognitions of the years overlapping [start, end) in the subtree."""
    rows = recognition_list_for(actor=actor).filter(
        organization__path__startswith=org.path, year__gte=start.year, year__lte=_last_year(end)
    )
    if kind:
        rows = rows.filter(Q(kind=kind) | Q(kind="其他", custom_kind=kind))
    return rows


def _last_year(end: date) -> int:
    return end.year if (end.month, end.day) != (1, 1) else end.year - 1


def recognition_counts_for(*, actor: Actor, org: Organization, start: date, end: date) -> dict[str, int]:
    """{kind label: n}; custom kinds count under their own name."""
    counts: dict[str, int] = defaultdict(int)
    rows = (
        recognitions_in_subtree_for(actor=actor, org=org, start=start, end=end)
        .values("kind", "custom_kind")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["custom_kind"] if row["kind"] == "其他" else row["kind"]] += row["n"]
    return dict(sorted(counts.items()))


# --- evaluations ---------------------------------------------------------------------------------


def evaluation_list_for(*, actor: Actor) -> QuerySet[Evaluation]:
    return (
        Evaluation.objects.filter(access.org_filter(actor, "branch__path"))
        .select_related("branch")
        .annotate(n_entries=Count("entries"))
        .order_by("-year", "branch__path")
    )


def evaluation_get_for(*, actor: Actor, pk: int) -> Evaluation:
    evaluation = Evaluation.objects.select_related("branch").filter(pk=pk).first()
    if evaluation is None or not can_view_org(actor, evaluation.branch):
        raise NotFound()
    return evaluation


@dataclass
class EvaluationRow:
    entry: EvaluationEntry
    deeds: list[Deed]


def evaluation_rows_for(*, actor: Actor, evaluation: Evaluation) -> list[EvaluationRow]:
    """Each member's entry with their deeds of the evaluation's year at hand."""
    entries = list(evaluation.entries.select_related("person").order_by("person__employee_no"))
    deeds: dict[int, list[Deed]] = defaultdict(list)
    for deed in _with_pillars(
        deed_list_for(actor=actor).filter(
            person_id__in=[e.person_id for e in entries], done_on__year=evaluation.year
        )
    ):
        deeds[deed.person_id].append(deed)
    return [EvaluationRow(e, deeds.get(e.person_id, [])) for e in entries]


def evaluation_entry_get_for(*, actor: Actor, pk: int) -> EvaluationEntry:
    entry = (
        EvaluationEntry.objects.select_related("evaluation", "evaluation__branch", "person")
        .filter(pk=pk)
        .first()
    )
    if entry is None or not (
        can_view_org(actor, entry.evaluation.branch) or access.is_self(actor, entry.person_id)
    ):
        raise NotFound()
    return entry


def grade_counts_for(*, actor: Actor, org: Organization, year: int) -> dict[str, int]:
    rows = (
        EvaluationEntry.objects.filter(
            access.org_filter(actor, "evaluation__branch__path"),
            evaluation__branch__path__startswith=org.path,
            evaluation__year=year,
        )
        .exclude(grade="")
        .values("grade")
        .annotate(n=Count("id"))
    )
    return {row["grade"]: row["n"] for row in rows}


def graded_entries_for(
    *, actor: Actor, org: Organization, year: int, grade: str = ""
) -> QuerySet[EvaluationEntry]:
    rows = EvaluationEntry.objects.filter(
        access.org_filter(actor, "evaluation__branch__path"),
        evaluation__branch__path__startswith=org.path,
        evaluation__year=year,
    ).exclude(grade="")
    if grade:
        rows = rows.filter(grade=grade)
    return rows.select_related("person", "evaluation__branch").order_by(
        "evaluation__branch__path", "person__employee_no"
    )


def person_evaluations_for(*, actor: Actor, person: Person) -> list[EvaluationEntry]:
    """A member's entries in the annual evaluations (their own grade is theirs to see)."""
    if not can_view_person(actor, person):
        raise NotFound()
    return list(
        EvaluationEntry.objects.filter(person=person)
        .select_related("evaluation", "evaluation__branch")
        .order_by("-evaluation__year")
    )


# --- the workbench (工作台) -------------------------------------------------------------------------


def my_deed_count_for(*, actor: Actor, year: int) -> int:
    """The actor's own deeds of `year`, as their brand page lists them (person_deeds_for)."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return 0
    return deed_list_for(actor=actor).filter(person_id=person_id, done_on__year=year).count()


def my_self_assessments_due_for(*, actor: Actor) -> int:
    """The actor's entries in an evaluation still open (民主评议进行中) with no 个人自评 written yet."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return 0
    return EvaluationEntry.objects.filter(
        person_id=person_id, evaluation__status=EvaluationStatus.OPEN, self_assessment=""
    ).count()
