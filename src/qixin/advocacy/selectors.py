"""Every read of the advocacy app, scoped to what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import ApplicationError, NotFound
from qixin.orgs.models import Organization
from qixin.people.models import Person
from qixin.people.selectors import person_from_input

from .models import Campaign, Share
from .permissions import can_view_campaign, own_org_path


def _visible_q(actor: Actor) -> Q:
    """Campaigns of organizations the actor reads, and campaigns addressed to a subtree above them
    (one query for the actor's own organization, unless an administrator)."""
    scope = access.scope_for(actor)
    visible = access.org_filter(actor, "organization__path")
    if not scope.is_admin:
        step = Organization.steplen
        reached = [*scope.read, own_org_path(actor)]
        above = {p[:i] for p in reached if p for i in range(step, len(p) + 1, step)}
        visible |= Q(organization__path__in=above)
    return visible


def campaign_list_for(*, actor: Actor) -> QuerySet[Campaign]:
    """Campaigns of organizations the actor reads, and campaigns addressed to a subtree above them."""
    return (
        Campaign.objects.filter(_visible_q(actor))
        .select_related("organization")
        .annotate(
            n_participants=Count("shares__person", distinct=True),
            n_shares=Count("shares", distinct=True),
        )
        .order_by("-starts_on", "id")
    )


def campaign_get_for(*, actor: Actor, pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("organization").filter(pk=pk).first()
    if campaign is None or not can_view_campaign(actor, campaign):
        raise NotFound()
    return campaign


def share_list_for(
    *, actor: Actor, campaign: Campaign | None = None, org: Organization | None = None
) -> QuerySet[Share]:
    """Shares the actor sees (their organizations' and their own), of a campaign, of a subtree."""
    if org is not None and access.reads_org(actor, org):  # the whole subtree: own shares are in it
        rows = Share.objects.filter(access.subtree_q(actor, org, "organization__path"))
    else:
        scope = access.scope_for(actor)
        visible = access.org_filter(actor, "organization__path")
        if scope.person_id is not None and not scope.is_admin:
            visible |= Q(person_id=scope.person_id)
        rows = Share.objects.filter(visible)
        if org is not None:
            rows = rows.filter(organization__path__startswith=org.path)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    return rows.select_related("person", "person__organization", "organization", "campaign", "item").order_by(
        "-shared_on", "-id"
    )


def participant_for(*, actor: Actor, employee_no: str | None) -> Person:
    """Who shared: the person whose 工号 was given, else the actor's own record."""
    if employee_no:
        return person_from_input(actor=actor, employee_no=employee_no)
    own = access.scope_for(actor).person_id
    person = Person.objects.select_related("organization").filter(pk=own).first() if own else None
    if person is None:
        raise ApplicationError("no_person", "您的账号未关联人员信息，请填写参与人工号。")
    return person


def share_get_for(*, actor: Actor, pk: int) -> Share:
    share = share_list_for(actor=actor).filter(pk=pk).first()
    if share is None:
        raise NotFound()
    return share


@dataclass(frozen=True)
class BranchParticipation:
    org_id: int
    name: str
    participants: int
    shares: int
    reach: int


def participation_by_branch_for(*, actor: Actor, campaign: Campaign) -> list[BranchParticipation]:
    rows = (
        share_list_for(actor=actor, campaign=campaign)
        .values("organization_id", "organization__name", "organization__path")
        .annotate(p=Count("person", distinct=True), s=Count("id"), r=Sum("reach"))
        .order_by("organization__path")
    )
    return [
        BranchParticipation(r["organization_id"], r["organization__name"], r["p"], r["s"], r["r"] or 0)
        for r in rows
    ]


@dataclass(frozen=True)
class PersonParticipation:
    person_id: int
    name: str
    employee_no: str
    shares: int
    reach: int


def participation_by_person_for(
    *, actor: Actor, campaign: Campaign, limit: int = 200
) -> list[PersonParticipation]:
    rows = (
        share_list_for(actor=actor, campaign=campaign)
        .values("person_id", "person__name", "person__employee_no")
        .annotate(s=Count("id"), r=Sum("reach"))
        .order_by("-s", "person__employee_no")[:limit]
    )
    return [
        PersonParticipation(r["person_id"], r["person__name"], r["person__employee_no"], r["s"], r["r"] or 0)
        for r in rows
    ]


def shares_in_period_for(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Share]:
    return share_list_for(actor=actor, org=org).filter(shared_on__gte=start, shared_on__lt=end)


def participants_for(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Person]:
    """Distinct people of the subtree who shared something in [start, end)."""
    ids = shares_in_period_for(actor=actor, org=org, start=start, end=end).values("person_id")
    return Person.objects.filter(pk__in=ids).select_related("organization").order_by("employee_no")


def campaigns_in_period_for(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Campaign]:
    """Campaigns launched by organizations of the subtree and running some day in [start, end)."""
    return (
        Campaign.objects.filter(
            access.org_filter(actor, "organization__path"),
            Q(organization__path__startswith=org.path),
            Q(starts_on__lt=end),
            Q(ends_on__isnull=True) | Q(ends_on__gte=start),
        )
        .select_related("organization")
        .order_by("-starts_on", "id")
    )


def participating_orgs_for(
    *, actor: Actor, org: Organization, start: date, end: date
) -> QuerySet[Organization]:
    """Organizations (branches) of the subtree with at least one participant in [start, end)."""
    ids = shares_in_period_for(actor=actor, org=org, start=start, end=end).values("organization_id")
    return Organization.objects.filter(pk__in=ids).order_by("path")


# --- the workbench (工作台) -------------------------------------------------------------------------


def campaigns_awaiting_me_for(*, actor: Actor, on: date) -> int:
    """Campaigns going on `on` that the actor sees (campaign_list_for) and has no share in yet."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return 0
    return (
        Campaign.objects.filter(_visible_q(actor))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)
        .exclude(Exists(Share.objects.filter(campaign=OuterRef("pk"), person_id=person_id)))
        .count()
    )
