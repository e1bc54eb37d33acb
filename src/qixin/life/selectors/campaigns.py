"""Reads of education campaigns and who took part, authorized for the actor."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.core.periods import Period
from qixin.orgs.models import Organization

from ..models import Attendance, AttendanceStatus, Campaign, MeetingStatus


def campaign_list_for(*, actor: Actor, org: Organization | None = None) -> QuerySet[Campaign]:
    """Campaigns set in the actor's subtrees or above them (a branch sees its committee's campaigns)."""
    scope = access.scope_for(actor)
    rows = Campaign.objects.select_related("organization")
    if not scope.is_admin:
        ancestors = {
            p[:i] for p in scope.read for i in range(Organization.steplen, len(p) + 1, Organization.steplen)
        }
        rows = rows.filter(scope.q(scope.read, "organization__path") | Q(organization__path__in=ancestors))
    if org is not None:
        ancestors_of_org = org.ancestor_paths()
        rows = rows.filter(
            Q(organization__path__startswith=org.path) | Q(organization__path__in=ancestors_of_org)
        )
    return rows.order_by("-starts_on", "id")


def campaign_get_for(*, actor: Actor, pk: int) -> Campaign:
    campaign = campaign_list_for(actor=actor).filter(pk=pk).first()
    if campaign is None:
        raise NotFound()
    return campaign


@dataclass(frozen=True)
class Participation:
    person_id: int
    name: str
    employee_no: str
    branch: str
    attended: int


def campaign_participation_for(
    *, actor: Actor, campaign: Campaign, org: Organization | None = None
) -> list[Participation]:
    """Per member of the subtree's branches: campaign sessions attended (present)."""
    from qixin.people.models import Membership

    root = org or campaign.organization
    members = (
        Membership.objects.filter(
            access.org_filter(actor, "branch__path"),
            branch__path__startswith=root.path,
            ended_on__isnull=True,
        )
        .filter(branch__path__startswith=campaign.organization.path)
        .select_related("person", "branch")
        .order_by("branch__path", "person__employee_no")
    )
    attended = Counter(
        Attendance.objects.filter(
            meeting__campaign=campaign, meeting__status=MeetingStatus.HELD, status=AttendanceStatus.PRESENT
        ).values_list("person_id", flat=True)
    )
    return [
        Participation(m.person_id, m.person.name, m.person.employee_no, m.branch.name, attended[m.person_id])
        for m in members
    ]


def campaign_participation_counts(*, actor: Actor, org: Organization, period: Period) -> tuple[int, int]:
    """(members who attended at least one session of a campaign running in the period, members) in the
    subtree's branches, on the period's last day."""
    from qixin.people.models import Membership

    campaigns = [
        c.pk
        for c in campaign_list_for(actor=actor, org=org).filter(
            starts_on__lt=period.end, ends_on__gte=period.start
        )
    ]
    members = Membership.objects.filter(access.subtree_q(actor, org, "branch__path"), ended_on__isnull=True)
    total = members.count()
    if not campaigns:
        return 0, total
    # The current members of the subtree who were present at a session held in the period, counted in
    # the database from the campaigns' meetings (an index on (campaign, status, held_on) finds them and
    # one on (meeting, status, person) their attendance, without reading either table).
    attendees = Attendance.objects.filter(
        meeting__campaign_id__in=campaigns,
        meeting__status=MeetingStatus.HELD,
        meeting__held_on__gte=period.start,
        meeting__held_on__lt=period.end,
        status=AttendanceStatus.PRESENT,
    ).values("person_id")
    took_part = members.filter(person_id__in=attendees).count()
    return took_part, total
