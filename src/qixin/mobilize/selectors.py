"""Every read of the mobilize app, scoped to what the actor may see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.orgs.models import Organization
from qixin.people.models import Person

from .models import (
    VOLUNTEER_KINDS,
    Assignment,
    Deployment,
    DeploymentKind,
    Mission,
    MissionKind,
    MissionStatus,
    ServiceRecord,
    Team,
    TeamMember,
)
from .permissions import can_view_mission


def _in(actor: Actor, org: Organization | None, path_field: str) -> Q:
    if org is not None:
        return access.subtree_q(actor, org, path_field)
    return access.org_filter(actor, path_field)


def _overlaps(start: date, end: date, first: str, last: str) -> Q:
    """Active some day in [start, end): began before the end, not finished before the start."""
    return Q(**{f"{first}__lt": end}) & (Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__gte": start}))


# --- teams ---------------------------------------------------------------------------------------


def team_list_for(
    *, actor: Actor, org: Organization | None = None, kind: str = "", search: str = ""
) -> QuerySet[Team]:
    rows = Team.objects.filter(_in(actor, org, "organization__path"))
    if kind:
        rows = rows.filter(Q(kind=kind) | Q(kind="其他", custom_kind=kind))
    if search.strip():
        rows = rows.filter(name__contains=search.strip())
    return (
        rows.select_related("organization", "leader")
        .annotate(
            n_members=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            n_party=Count(
                "members",
                filter=Q(members__left_on__isnull=True, members__is_party_member=True),
                distinct=True,
            ),
        )
        .order_by("-formed_on", "id")
    )


def team_get_for(*, actor: Actor, pk: int) -> Team:
    team = Team.objects.select_related("organization", "leader").filter(pk=pk).first()
    if team is None or not access.reads_org(actor, team.organization):
        raise NotFound()
    return team


def team_members_for(*, actor: Actor, team: Team) -> QuerySet[TeamMember]:
    if not access.reads_org(actor, team.organization):
        raise NotFound()
    return team.members.select_related("person", "person__organization").order_by(
        "left_on", "person__employee_no"
    )


def team_member_get_for(*, actor: Actor, pk: int) -> TeamMember:
    member = TeamMember.objects.select_related("team", "team__organization", "person").filter(pk=pk).first()
    if member is None or not access.reads_org(actor, member.team.organization):
        raise NotFound()
    return member


def teams_active_for(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Team]:
    """Teams formed by organizations of the subtree and active some day in [start, end)."""
    return (
        Team.objects.filter(
            _in(actor, org, "organization__path"), _overlaps(start, end, "formed_on", "disbanded_on")
        )
        .select_related("organization", "leader")
        .order_by("kind", "organization__path", "id")
    )


def team_counts_by_kind_for(*, actor: Actor, org: Organization, start: date, end: date) -> dict[str, int]:
    rows = (
        teams_active_for(actor=actor, org=org, start=start, end=end)
        .values("kind", "custom_kind")
        .annotate(n=Count("id"))
    )
    counts: dict[str, int] = {}
    for row in rows.order_by():
        label = row["custom_kind"] if row["kind"] == "其他" else row["kind"]
        counts[label] = counts.get(label, 0) + row["n"]
    return dict(sorted(counts.items()))


def volunteers_for(
    *, actor: Actor, org: Organization, start: date, end: date, party_only: bool = True
) -> QuerySet[Person]:
    """Distinct volunteers: people on volunteer teams (志愿服务队, 防疫监督小组, 复工复产保障队) of the
    subtree, on the team some day in [start, end). A person on several teams counts once."""
    members = TeamMember.objects.filter(
        _in(actor, org, "team__organization__path"),
        _overlaps(start, end, "team__formed_on", "team__disbanded_on"),
        _overlaps(start, end, "joined_on", "left_on"),
        team__kind__in=VOLUNTEER_KINDS,
    )
    if party_only:
        members = members.filter(is_party_member=True)
    return (
        Person.objects.filter(pk__in=members.values("person_id"))
        .select_related("organization")
        .order_by("employee_no")
    )


# --- missions ------------------------------------------------------------------------------------


def mission_list_for(
    *, actor: Actor, org: Organization | None = None, kind: str = "", status: str = ""
) -> QuerySet[Mission]:
    rows = Mission.objects.filter(_in(actor, org, "organization__path"))
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    return (
        rows.select_related("organization")
        .annotate(n_teams=Count("teams", distinct=True), n_people=Count("assignments", distinct=True))
        .order_by("-starts_on", "id")
    )


def mission_get_for(*, actor: Actor, pk: int) -> Mission:
    mission = Mission.objects.select_related("organization").filter(pk=pk).first()
    if mission is None or not can_view_mission(actor, mission):
        raise NotFound()
    return mission


def assignment_get_for(*, actor: Actor, pk: int) -> Assignment:
    assignment = (
        Assignment.objects.select_related(
            "mission", "mission__organization", "person", "person__organization"
        )
        .filter(pk=pk)
        .first()
    )
    if assignment is None or not access.reads_org(actor, assignment.mission.organization):
        raise NotFound()
    return assignment


@dataclass
class MissionPage:
    mission: Mission
    teams: Sequence[Team]
    assignments: list[Assignment]
    deployments: list[Deployment]
    hours: Decimal
    deeds: set[int]  # assignment pks already turned into deeds
    deployment_deeds: set[int]  # deployment pks already turned into deeds


def mission_page_for(*, actor: Actor, pk: int) -> MissionPage:
    from qixin.brand.models import Deed

    mission = mission_get_for(actor=actor, pk=pk)
    teams = list(
        mission.teams.select_related("organization", "leader").annotate(
            n_members=Count("members", filter=Q(members__left_on__isnull=True))
        )
    )
    assignments = list(
        mission.assignments.select_related("person", "person__organization", "team").order_by(
            "person__employee_no"
        )
    )
    deployments = list(
        mission.deployments.select_related("person", "person__organization", "mission").order_by(
            "starts_on", "id"
        )
    )
    hours = mission.service_records.aggregate(h=Sum("hours"))["h"] or Decimal(0)
    deeds = {
        int(pk)
        for pk in Deed.objects.filter(
            source_model="mobilize.assignment", source_pk__in=[str(a.pk) for a in assignments]
        ).values_list("source_pk", flat=True)
    }
    return MissionPage(
        mission, teams, assignments, deployments, hours, deeds, deployments_with_deeds(deployments)
    )


def missions_in_period_for(
    *, actor: Actor, org: Organization, start: date, end: date, kind: str = ""
) -> QuerySet[Mission]:
    rows = Mission.objects.filter(
        _in(actor, org, "organization__path"), _overlaps(start, end, "starts_on", "ends_on")
    ).exclude(status="cancelled")
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("organization").order_by("-starts_on", "id")


def mission_counts_for(*, actor: Actor, org: Organization, start: date, end: date) -> dict[str, int]:
    """{"": every mission, kind: missions of the kind} as counted by missions_in_period_for."""
    rows = (
        missions_in_period_for(actor=actor, org=org, start=start, end=end)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(["", *MissionKind.values], 0)
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + row["n"]
        counts[""] += row["n"]
    return counts


def mission_people_for(
    *, actor: Actor, org: Organization, start: date, end: date, party_only: bool = True
) -> QuerySet[Person]:
    """Distinct people on missions of the subtree in [start, end): assigned by name, or members of a
    team on the mission. Party members only unless party_only is False."""
    missions = missions_in_period_for(actor=actor, org=org, start=start, end=end).values("pk")
    assigned = Assignment.objects.filter(mission__in=missions).values("person_id")
    on_teams = TeamMember.objects.filter(team__missions__in=missions, left_on__isnull=True)
    if party_only:
        on_teams = on_teams.filter(is_party_member=True)
    people = Person.objects.filter(Q(pk__in=assigned) | Q(pk__in=on_teams.values("person_id")))
    if party_only:
        from qixin.people.models import Membership

        # Asked per person found (Exists), not as the list of every member who ever joined.
        people = people.filter(Exists(Membership.objects.filter(person_id=OuterRef("pk"), joined_on__lt=end)))
    return people.select_related("organization").order_by("employee_no")


# --- deployments and service hours ---------------------------------------------------------------


def deployment_list_for(
    *, actor: Actor, org: Organization | None = None, kind: str = ""
) -> QuerySet[Deployment]:
    scope = access.scope_for(actor)
    visible = _in(actor, org, "organization__path")
    if scope.person_id is not None and not scope.is_admin and org is None:
        visible |= Q(person_id=scope.person_id)
    rows = Deployment.objects.filter(visible)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.select_related("person", "person__organization", "organization", "mission").order_by(
        "-starts_on", "id"
    )


def deployment_get_for(*, actor: Actor, pk: int) -> Deployment:
    deployment = deployment_list_for(actor=actor).filter(pk=pk).first()
    if deployment is None:
        raise NotFound()
    return deployment


def deployments_with_deeds(deployments: Sequence[Deployment]) -> set[int]:
    """Which of these deployments (already read through a scoped selector) are deeds, in one query."""
    from qixin.brand.models import Deed

    if not deployments:
        return set()
    return {
        int(pk)
        for pk in Deed.objects.filter(
            source_model="mobilize.deployment", source_pk__in=[str(d.pk) for d in deployments]
        ).values_list("source_pk", flat=True)
    }


def deployed_counts_for(*, actor: Actor, org: Organization, start: date, end: date) -> dict[str, int]:
    """{"": people deployed, kind: people deployed of the kind}, each person once, in one query."""
    rows = Deployment.objects.filter(
        _in(actor, org, "organization__path"), _overlaps(start, end, "starts_on", "ends_on")
    )
    counts = rows.aggregate(
        everyone=Count("person_id", distinct=True),
        **{
            f"kind{i}": Count("person_id", distinct=True, filter=Q(kind=kind))
            for i, kind in enumerate(DeploymentKind.values)
        },
    )
    return {"": counts["everyone"]} | {
        kind: counts[f"kind{i}"] for i, kind in enumerate(DeploymentKind.values)
    }


def deployed_people_for(
    *, actor: Actor, org: Organization, start: date, end: date, kind: str = ""
) -> QuerySet[Person]:
    """Distinct people deployed (of a kind: 驰援 / 坚守) some day in [start, end)."""
    rows = Deployment.objects.filter(
        _in(actor, org, "organization__path"), _overlaps(start, end, "starts_on", "ends_on")
    )
    if kind:
        rows = rows.filter(kind=kind)
    return (
        Person.objects.filter(pk__in=rows.values("person_id"))
        .select_related("organization")
        .order_by("employee_no")
    )


def service_records_for(
    *, actor: Actor, org: Organization, start: date, end: date
) -> QuerySet[ServiceRecord]:
    return (
        ServiceRecord.objects.filter(
            _in(actor, org, "organization__path"), served_on__gte=start, served_on__lt=end
        )
        .select_related("person", "team", "mission")
        .order_by("-served_on", "id")
    )


def service_hours_for(*, actor: Actor, org: Organization, start: date, end: date) -> Decimal:
    total = service_records_for(actor=actor, org=org, start=start, end=end).aggregate(h=Sum("hours"))["h"]
    return Decimal(total or 0)


def person_mobilization_for(*, actor: Actor, person: Person) -> dict[str, Any]:
    """A person's teams, missions, deployments and hours (for their brand page)."""
    if not (access.is_self(actor, person.pk) or access.reads_org(actor, person.organization)):
        raise NotFound()
    return {
        "teams": list(TeamMember.objects.filter(person=person).select_related("team").order_by("-joined_on")),
        "assignments": list(
            Assignment.objects.filter(person=person)
            .select_related("mission__organization")
            .order_by("-mission__starts_on")
        ),
        "deployments": list(Deployment.objects.filter(person=person).order_by("-starts_on")),
        "hours": ServiceRecord.objects.filter(person=person).aggregate(h=Sum("hours"))["h"] or Decimal(0),
    }


# --- the workbench (工作台) -------------------------------------------------------------------------


def my_active_assignments_for(*, actor: Actor) -> int:
    """The actor's parts in missions under way (进行中), as their mobilization page lists them."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return 0
    return Assignment.objects.filter(person_id=person_id, mission__status=MissionStatus.ACTIVE).count()


def my_current_deployments_for(*, actor: Actor, on: date) -> int:
    """The actor's deployments (派驻) going on `on`: begun, not ended."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return 0
    return Deployment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=on), person_id=person_id, starts_on__lte=on
    ).count()
