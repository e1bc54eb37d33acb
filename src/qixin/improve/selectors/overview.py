"""The app's overview and the reports' counts and drill-downs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.periods import Period
from qixin.orgs.models import Organization

from ..models import (
    OPEN_STATUSES,
    Alliance,
    Campaign,
    ExcellentCase,
    ImprovementCase,
    PointsEntry,
    Project,
    SavingsEntry,
    SavingsStatus,
    Stage,
    Studio,
    Suggestion,
    SuggestionStatus,
)
from ..permissions import duties_for
from ._common import ZERO, _person_id
from .campaigns import campaign_list_for
from .savings import savings_pending_for
from .studios import _leader_is_member
from .suggestions import duplicate_queue_for, review_scope_q


def savings_verified_for(*, actor: Actor, org: Organization, period: Period) -> Decimal:
    """Savings verified by finance with a verification date in [period.start, period.end), on the
    projects of the organization's subtree that the actor sees. Reversals are verified entries with a
    negative amount, dated when they were made. Each entry counts once: a project belongs to one
    organization, whatever alliances it is in. Returns a Decimal in yuan with two places."""
    total = SavingsEntry.objects.filter(
        access.subtree_q(actor, org, "project__organization__path"),
        status=SavingsStatus.VERIFIED,
        verified_on__gte=period.start,
        verified_on__lt=period.end,
    ).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def savings_verified_drill_for(*, actor: Actor, org: Organization, period: Period) -> QuerySet[SavingsEntry]:
    """The entries summed by savings_verified_for, with their project."""
    return (
        SavingsEntry.objects.filter(
            access.subtree_q(actor, org, "project__organization__path"),
            status=SavingsStatus.VERIFIED,
            verified_on__gte=period.start,
            verified_on__lt=period.end,
        )
        .select_related("project__organization")
        .order_by("verified_on", "id")
    )


def _alliances_in(actor: Actor, org: Organization, period: Period) -> QuerySet[Alliance]:
    return Alliance.objects.filter(
        access.subtree_q(actor, org, "lead_branch__path"), founded_on__lt=period.end
    ).filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gte=period.start))


def alliance_count_for(*, actor: Actor, org: Organization, period: Period) -> int:
    """Alliances led by a branch of the subtree that existed at some time in the period (founded
    before its end, not dissolved before its start). Returns an int."""
    return _alliances_in(actor, org, period).count()


def alliance_drill_for(*, actor: Actor, org: Organization, period: Period) -> QuerySet[Alliance]:
    return _alliances_in(actor, org, period).select_related("lead_branch", "leader").order_by("code")


def _projects_started(actor: Actor, org: Organization, period: Period) -> QuerySet[Project]:
    return Project.objects.filter(
        access.subtree_q(actor, org, "organization__path"),
        started_on__gte=period.start,
        started_on__lt=period.end,
    )


def project_counts_for(*, actor: Actor, org: Organization, period: Period) -> dict[str, Any]:
    """Projects of the subtree registered (立项) in the period:
    {"total": int, "member_owned": int (owner a party member on the 立项 date: 党员立项),
     "by_stage": {stage: int for every Stage value, by the current stage}}."""
    rows = _projects_started(actor, org, period).values("stage", "owner_is_member").annotate(n=Count("id"))
    by_stage = {stage: 0 for stage in Stage.values}
    member_owned = total = 0
    for row in rows:
        by_stage[row["stage"]] += row["n"]
        total += row["n"]
        if row["owner_is_member"]:
            member_owned += row["n"]
    return {"total": total, "member_owned": member_owned, "by_stage": by_stage}


def project_drill_for(
    *, actor: Actor, org: Organization, period: Period, stage: str = "", member_owned: bool | None = None
) -> QuerySet[Project]:
    rows = _projects_started(actor, org, period)
    if stage:
        rows = rows.filter(stage=stage)
    if member_owned is not None:
        rows = rows.filter(owner_is_member=member_owned)
    return rows.select_related("organization", "owner").order_by("started_on", "id")


def _suggestions_submitted(actor: Actor, org: Organization, period: Period) -> QuerySet[Suggestion]:
    start = timezone.make_aware(datetime.combine(period.start, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(period.end, datetime.min.time()))
    return Suggestion.objects.filter(
        access.subtree_q(actor, org, "organization__path"), submitted_at__gte=start, submitted_at__lt=end
    )


def suggestion_counts_for(*, actor: Actor, org: Organization, period: Period) -> dict[str, Any]:
    """Suggestions about the subtree submitted in the period:
    {"total": int (every submission, merged duplicates included),
     "distinct": int (merged duplicates left out),
     "adopted": int (accepted, implemented or turned into a project),
     "by_status": {status: int for every SuggestionStatus value, by the current status}}."""
    rows = _suggestions_submitted(actor, org, period).values("status").annotate(n=Count("id"))
    by_status = {status: 0 for status in SuggestionStatus.values}
    for row in rows:
        by_status[row["status"]] = row["n"]
    total = sum(by_status.values())
    adopted = sum(
        by_status[s]
        for s in (SuggestionStatus.ACCEPTED, SuggestionStatus.IMPLEMENTED, SuggestionStatus.CONVERTED)
    )
    return {
        "total": total,
        "distinct": total - by_status[SuggestionStatus.MERGED],
        "adopted": adopted,
        "by_status": by_status,
    }


def suggestion_drill_for(
    *, actor: Actor, org: Organization, period: Period, status: str = ""
) -> QuerySet[Suggestion]:
    rows = _suggestions_submitted(actor, org, period)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("organization").order_by("submitted_at", "id")


def _studios_on(actor: Actor, org: Organization, on: date) -> QuerySet[Studio]:
    return Studio.objects.filter(
        access.subtree_q(actor, org, "organization__path"), founded_on__lte=on
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on))


def studio_counts_for(*, actor: Actor, org: Organization, on: date) -> dict[str, Any]:
    """Studios of the subtree existing on `on`:
    {"total": int, "led_by_members": int (leader a party member on `on`, per the registry),
     "share_led_by_members": Decimal percent with one place, or None when there is no studio,
     "by_kind": {kind: int for every StudioKind value}}."""
    from ..models import StudioKind

    rows = (
        _studios_on(actor, org, on)
        .annotate(member=_leader_is_member(on))
        .values("kind", "member")
        .annotate(n=Count("id"))
    )
    by_kind = {kind: 0 for kind in StudioKind.values}
    led = total = 0
    for row in rows:
        by_kind[row["kind"]] += row["n"]
        total += row["n"]
        led += row["n"] if row["member"] else 0
    share = (Decimal(led) * 100 / total).quantize(Decimal("0.1")) if total else None
    return {"total": total, "led_by_members": led, "share_led_by_members": share, "by_kind": by_kind}


def studio_drill_for(
    *, actor: Actor, org: Organization, on: date, led_by_members: bool | None = None
) -> QuerySet[Studio]:
    rows = _studios_on(actor, org, on).annotate(leader_is_member=_leader_is_member(on))
    if led_by_members is not None:
        rows = rows.filter(leader_is_member=led_by_members)
    return rows.select_related("organization", "leader").order_by("code")


def excellent_case_counts_for(*, actor: Actor, org: Organization, year: int) -> dict[str, int]:
    """Excellent cases of `year` selected by the subtree's committees, of cases in the subtree:
    {"total": int (distinct cases), "led_by_members": int (lead a party member when completed:
    党员主导)}."""
    cases = ImprovementCase.objects.filter(
        access.subtree_q(actor, org, "organization__path"),
        Exists(
            ExcellentCase.objects.filter(
                case=OuterRef("pk"), year=year, organization__path__startswith=org.path[: org.steplen]
            )
        ),
    )
    row = cases.aggregate(total=Count("id"), led=Count("id", filter=Q(lead_is_member=True)))
    return {"total": row["total"], "led_by_members": row["led"]}


def excellent_case_drill_for(*, actor: Actor, org: Organization, year: int) -> QuerySet[ImprovementCase]:
    return (
        ImprovementCase.objects.filter(
            access.subtree_q(actor, org, "organization__path"),
            Exists(ExcellentCase.objects.filter(case=OuterRef("pk"), year=year)),
        )
        .select_related("organization", "lead")
        .order_by("code")
    )


@dataclass
class Overview:
    """The app's home page: the figures of the actor's subtree for the year, and their to-dos."""

    org: Organization | None
    period: Period
    campaigns: list[Campaign]
    savings: Decimal
    alliances: int
    projects: dict[str, Any]
    suggestions: dict[str, Any]
    studios: dict[str, Any]
    excellent: dict[str, int]
    to_review: int
    duplicates: int
    to_verify: int
    my_points: int
    extra: dict[str, Any] = field(default_factory=dict)


def overview_for(*, actor: Actor, org: Organization | None, period: Period) -> Overview:
    person_id = _person_id(actor)
    my_points = (
        PointsEntry.objects.filter(person_id=person_id).aggregate(n=Sum("points"))["n"] or 0
        if person_id
        else 0
    )
    to_review = Suggestion.objects.filter(review_scope_q(actor), status__in=OPEN_STATUSES).count()
    duplicates = duplicate_queue_for(actor=actor).count()
    to_verify = (
        savings_pending_for(actor=actor).count()
        if (duties_for(actor).verifies or access.is_admin(actor))
        else 0
    )
    if org is None:
        empty: dict[str, Any] = {}
        return Overview(
            None,
            period,
            [],
            ZERO,
            0,
            empty,
            empty,
            empty,
            {"total": 0, "led_by_members": 0},
            to_review,
            duplicates,
            to_verify,
            my_points,
        )
    last = period.end - timedelta(days=1)
    return Overview(
        org=org,
        period=period,
        campaigns=list(
            campaign_list_for(actor=actor).filter(ends_on__gt=period.start, starts_on__lt=period.end)[:5]
        ),
        savings=savings_verified_for(actor=actor, org=org, period=period),
        alliances=alliance_count_for(actor=actor, org=org, period=period),
        projects=project_counts_for(actor=actor, org=org, period=period),
        suggestions=suggestion_counts_for(actor=actor, org=org, period=period),
        studios=studio_counts_for(actor=actor, org=org, on=last),
        excellent=excellent_case_counts_for(actor=actor, org=org, year=last.year),
        to_review=to_review,
        duplicates=duplicates,
        to_verify=to_verify,
        my_points=my_points,
    )
