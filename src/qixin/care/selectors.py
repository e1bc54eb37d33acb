"""Every read of the employee voice, scoped to what the actor may see.

Tickets are seen by the members of the team that handles them and by the managers of the
organization's subtree; nobody else (an anonymous ticket has no other reader, not even its sender's
account: the sender reads it with the follow-up code).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, F, Q, QuerySet, Subquery, Sum, Value, When
from django.utils import timezone

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.errors import NotFound
from qixin.core.functions import SecondsBetween
from qixin.core.models import User
from qixin.orgs.models import Organization
from qixin.orgs.selectors import org_list_for, org_roots_for
from qixin.people.models import Person

from .models import (
    PUBLIC_MESSAGE_KINDS,
    CalendarDay,
    CareTeam,
    IntakePoint,
    Moderation,
    Notification,
    TeamMember,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
    WebhookDelivery,
    Wish,
    WishStatus,
)
from .permissions import (
    can_escalate,
    can_fulfil,
    can_handle,
    can_moderate,
    can_open_calendar,
    can_publish_wish,
    can_release_claim,
    can_see_wall,
    can_withdraw_wish,
    is_claimant,
    overdue_q,
)


def _bound(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


# --- teams and intake points ------------------------------------------------------------------------


def team_list_for(*, actor: Actor) -> QuerySet[CareTeam]:
    member_of = Q(members__user=actor) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
    return (
        CareTeam.objects.filter(access.org_filter(actor, "organization__path", level="manage") | member_of)
        .select_related("organization")
        .distinct()
        .order_by("organization__path", "name")
    )


def team_get_for(*, actor: Actor, pk: int) -> CareTeam:
    team = team_list_for(actor=actor).filter(pk=pk).first()
    if team is None:
        raise NotFound()
    return team


def team_member_get_for(*, actor: Actor, pk: int) -> TeamMember:
    member = (
        TeamMember.objects.select_related("team__organization", "user")
        .filter(pk=pk, team__in=team_list_for(actor=actor))
        .first()
    )
    if member is None:
        raise NotFound()
    return member


def team_members_for(*, actor: Actor, team: CareTeam) -> list[TeamMember]:
    team_get_for(actor=actor, pk=team.pk)
    return list(team.members.select_related("user").order_by("-is_leader", "user__username"))


def point_list_for(*, actor: Actor, team: CareTeam | None = None) -> QuerySet[IntakePoint]:
    points = IntakePoint.objects.filter(team__in=team_list_for(actor=actor)).select_related(
        "organization", "team"
    )
    if team is not None:
        points = points.filter(team=team)
    return points.order_by("organization__path", "name")


def point_get_for(*, actor: Actor, pk: int) -> IntakePoint:
    point = point_list_for(actor=actor).filter(pk=pk).first()
    if point is None:
        raise NotFound()
    return point


def point_by_token(token: str) -> IntakePoint:
    """The public intake page's point (no login): an unknown or disabled code is not found."""
    point = IntakePoint.objects.select_related("organization").filter(token=token, is_active=True).first()
    if point is None:
        raise NotFound()
    return point


# --- the working-day calendar ---------------------------------------------------------------------


def _calendar_scope(actor: Actor) -> QuerySet[CalendarDay]:
    """The global days and those of the organizations the actor manages; nothing (a 404) for whoever
    may not open the calendar."""
    if not can_open_calendar(actor):
        raise NotFound()
    marks = CalendarDay.objects.select_related("organization")
    return marks.filter(
        Q(organization__isnull=True) | access.org_filter(actor, "organization__path", level="manage")
    )


def calendar_day_list_for(*, actor: Actor, year: int) -> QuerySet[CalendarDay]:
    """The calendar's marks in `year`, by day; on one day the global mark first, then by organization."""
    return (
        _calendar_scope(actor)
        .filter(day__year=year)
        .order_by("day", F("organization__path").asc(nulls_first=True))
    )


def calendar_day_get_for(
    *, actor: Actor, pk: int | None = None, day: date | None = None, organization: Organization | None = None
) -> CalendarDay:
    """One mark, by id or by (day, organization; None for the global calendar)."""
    marks = _calendar_scope(actor)
    if pk is not None:
        entry = marks.filter(pk=pk).first()
    elif day is not None:
        entry = marks.filter(day=day, organization=organization).first()
    else:
        entry = None
    if entry is None:
        raise NotFound()
    return entry


def calendar_orgs_for(*, actor: Actor) -> list[Organization]:
    """The top organizations whose calendars the actor edits (with their subtrees); none listed for
    an administrator, who edits the global calendar and every organization's."""
    scope = access.scope_for(actor)
    if scope.is_admin or not scope.manage:
        return []
    return list(Organization.objects.filter(path__in=scope.manage).order_by("path"))


# --- tickets --------------------------------------------------------------------------------------


def _ticket_scope(actor: Actor) -> Q:
    member_of = Q(team__members__user=actor) if getattr(actor, "is_authenticated", False) else Q(pk__in=[])
    return access.org_filter(actor, "organization__path", level="manage") | member_of


# Which tickets the queue shows: by default those still to be handled (待答复, 已答复), so that a
# closed one does not hide what is due among what is done.
QUEUE_OPEN, QUEUE_CLOSED, QUEUE_ALL = "open", "closed", "all"
QUEUE_STATES = {QUEUE_OPEN: "未办结", QUEUE_CLOSED: "已办结", QUEUE_ALL: "全部"}


@dataclass(frozen=True)
class TicketFilters:
    state: str = QUEUE_OPEN
    status: str = ""
    kind: str = ""
    moderation: str = Moderation.VISIBLE
    team: int | None = None
    mine: bool = False
    overdue: bool = False
    escalated: bool = False  # 上报/升级转来的 (escalated at least once, by hand or past a deadline)


def ticket_list_for(*, actor: Actor, filters: TicketFilters | None = None) -> QuerySet[Ticket]:
    filters = filters or TicketFilters()
    tickets = Ticket.objects.filter(pk__in=Ticket.objects.filter(_ticket_scope(actor)).values("pk"))
    if filters.state == QUEUE_OPEN:
        tickets = tickets.exclude(status=TicketStatus.CLOSED)
    elif filters.state == QUEUE_CLOSED:
        tickets = tickets.filter(status=TicketStatus.CLOSED)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.kind:
        tickets = tickets.filter(kind=filters.kind)
    if filters.moderation:
        tickets = tickets.filter(moderation=filters.moderation)
    if filters.team:
        tickets = tickets.filter(team_id=filters.team)
    if filters.mine:
        tickets = tickets.filter(assignee_id=getattr(actor, "pk", None))
    if filters.escalated:
        tickets = tickets.filter(escalation_level__gt=0)
    now = timezone.now()
    if filters.overdue:
        tickets = tickets.filter(overdue_q(now))
    return (
        tickets.select_related("team", "point", "assignee", "organization")
        .annotate(is_overdue=Case(When(overdue_q(now), then=Value(True)), default=Value(False)))
        .order_by("-submitted_at", "-id")
    )


def _moderation_scope(actor: Actor) -> Q:
    """The tickets the actor may moderate (permissions.can_moderate): the organization's managers
    and the team's leaders."""
    leads = (
        Q(team__members__user=actor, team__members__is_leader=True)
        if getattr(actor, "is_authenticated", False)
        else Q(pk__in=[])
    )
    return access.org_filter(actor, "organization__path", level="manage") | leads


def held_ticket_list_for(*, actor: Actor) -> QuerySet[Ticket]:
    """Submissions held for moderation (待审核) that the actor may release or discard."""
    held = Ticket.objects.filter(_moderation_scope(actor), moderation=Moderation.HELD).values("pk")
    return (
        Ticket.objects.filter(pk__in=held)
        .select_related("team", "point", "organization")
        .order_by("-submitted_at", "-id")
    )


def tickets_to_moderate_for(*, actor: Actor, pks: list[int]) -> list[Ticket]:
    """The tickets `pks`, all of which the actor may moderate; a 404 when one is not (all or none).
    Whether each may still change (a colleague released it meanwhile) is the service's to say."""
    wanted = set(pks)
    tickets = list(
        Ticket.objects.filter(
            pk__in=Ticket.objects.filter(_moderation_scope(actor), pk__in=wanted).values("pk")
        )
        .select_related("team", "point", "organization")
        .order_by("id")
    )
    if len(tickets) != len(wanted):
        raise NotFound()
    return tickets


def ticket_get_for(*, actor: Actor, pk: int) -> Ticket:
    ticket = Ticket.objects.select_related("team", "point", "assignee", "organization").filter(pk=pk).first()
    if ticket is None or not can_handle(actor, ticket):
        raise NotFound()
    return ticket


def ticket_messages_for(*, actor: Actor, ticket: Ticket) -> list[TicketMessage]:
    """All of the handling, internal notes included (for those who handle the ticket)."""
    ticket_get_for(actor=actor, pk=ticket.pk)
    return list(ticket.messages.select_related("author").order_by("created_at", "id"))


def public_messages(ticket: Ticket) -> list[TicketMessage]:
    """What the submitter reads with the follow-up code: answers and their own replies, no notes
    and no names of who answered beyond the team."""
    return list(ticket.messages.filter(kind__in=PUBLIC_MESSAGE_KINDS).order_by("created_at", "id"))


def assignable_for(*, actor: Actor, ticket: Ticket) -> list[Any]:
    ticket_get_for(actor=actor, pk=ticket.pk)
    return [m.user for m in ticket.team.members.select_related("user").order_by("user__username")]


def assignee_from_input(user_id: int | None) -> User | None:
    """The account a ticket is given to, by its id (none, or an unknown id: back to the team). Whether
    it may take the ticket is ticket_assign's rule: a member of the ticket's team."""
    return User.objects.filter(pk=user_id).first() if user_id else None


# --- wishes ---------------------------------------------------------------------------------------


def wish_wall_for(*, actor: Actor, org: Organization, include_done: bool = True) -> QuerySet[Wish]:
    """The wall of an organization and its subtree: published, claimed and fulfilled wishes."""
    if not can_see_wall(actor, org):
        raise NotFound()
    statuses = [WishStatus.PUBLISHED, WishStatus.CLAIMED] + ([WishStatus.FULFILLED] if include_done else [])
    return (
        Wish.objects.filter(organization__path__startswith=org.path, status__in=statuses)
        .filter(ticket__moderation=Moderation.VISIBLE)
        .select_related("organization", "claimed_by_person", "claimed_by_branch")
        .annotate(
            wall_order=Case(
                When(status=WishStatus.PUBLISHED, then=Value(0)),
                When(status=WishStatus.CLAIMED, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("wall_order", "-published_at", "-id")
    )


def wish_get_for(*, actor: Actor, pk: int) -> Wish:
    wish = (
        Wish.objects.select_related("organization", "ticket", "claimed_by_person", "claimed_by_branch")
        .filter(pk=pk)
        .first()
    )
    if wish is None or not can_see_wall(actor, wish.organization):
        raise NotFound()
    return wish


def wall_orgs_for(*, actor: Actor) -> list[Organization]:
    """The organizations whose walls the actor may open: the top of what they read."""
    return org_roots_for(actor=actor)


# --- notifications and deliveries ---------------------------------------------------------------


def notifications_for(*, actor: Actor, unread_only: bool = False) -> QuerySet[Notification]:
    if not isinstance(actor, User) or not actor.is_authenticated:
        return Notification.objects.none()
    notes = Notification.objects.filter(user=actor)
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes.order_by("-created_at", "-id")


RECENT_DELIVERIES = 20  # the team page shows the latest pushes, and says so


def deliveries_for(*, actor: Actor, team: CareTeam) -> QuerySet[WebhookDelivery]:
    team_get_for(actor=actor, pk=team.pk)
    return team.deliveries.order_by("-created_at", "-id")


def recent_deliveries_for(*, actor: Actor, team: CareTeam) -> list[WebhookDelivery]:
    """The latest RECENT_DELIVERIES pushes of the team's group robot (a health view, not a list)."""
    return list(deliveries_for(actor=actor, team=team)[:RECENT_DELIVERIES])


# --- statistics -----------------------------------------------------------------------------------


def tickets_in(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Ticket]:
    """Tickets submitted in [start, end) now handled in org's subtree (moderated ones left out)."""
    return (
        Ticket.objects.filter(
            access.subtree_q(actor, org, "organization__path", level="manage"),
            submitted_at__gte=_bound(start),
            submitted_at__lt=_bound(end),
            moderation=Moderation.VISIBLE,
        )
        .select_related("team", "point", "organization")
        .order_by("submitted_at", "id")
    )


def late_here_q(now: datetime) -> Q:
    """Late with its current team: answered or closed after its deadline, or still open past it."""
    return (
        Q(first_response_at__gt=F("respond_due"))
        | Q(closed_at__gt=F("close_due"))
        | Q(first_response_at__isnull=True, respond_due__lt=now)
        | (~Q(status=TicketStatus.CLOSED) & Q(close_due__lt=now))
    )


def overdue_stats_q(now: datetime) -> Q:
    """Late at some point: escalated, answered or closed after the deadline, or still open past it."""
    return Q(was_overdue=True) | late_here_q(now)


def blamed_here_q(now: datetime) -> Q:
    """Overdue, and the current team is to blame: it let the ticket lapse, or it is late itself. A
    ticket escalated because another team let it lapse is that team's overdue (Ticket.lapsed_team)."""
    return (Q(lapsed_team__isnull=True) & overdue_stats_q(now)) | late_here_q(now)


@dataclass
class Stats:
    label: str
    tickets: int = 0
    answered: int = 0
    closed: int = 0
    overdue: int = 0
    rated: int = 0
    rating_sum: int = 0
    response_hours_sum: float = 0.0
    close_days_sum: float = 0.0
    team_id: int | None = None
    lapsed_away: int = 0  # tickets the team let lapse, escalated to a team above (and counted there)
    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TicketKind.values, 0))

    @property
    def response_hours(self) -> Decimal:
        return _avg(self.response_hours_sum, self.answered)

    @property
    def close_days(self) -> Decimal:
        return _avg(self.close_days_sum, self.closed)

    @property
    def overdue_share(self) -> Decimal:
        return _avg(self.overdue * 100, self.tickets + self.lapsed_away)

    @property
    def satisfaction(self) -> Decimal:
        return _avg(self.rating_sum, self.rated)


def _avg(total: float, count: int) -> Decimal:
    if not count:
        return Decimal("0.0")
    return Decimal(str(total / count)).quantize(Decimal("0.1"))


def _blame_lapses(by_team: dict[int, Stats], tickets: QuerySet[Ticket], now: datetime) -> None:
    """Count each overdue ticket escalated away from the team that let it lapse in that team's row
    (and not in the row of the team that received it, unless that one is late too)."""
    lapses = (
        tickets.filter(lapsed_team__isnull=False)
        .exclude(lapsed_team=F("team"))
        .exclude(late_here_q(now))
        .order_by()
        .values("lapsed_team_id", "lapsed_team__name")
        .annotate(n=Count("pk"))
    )
    for lapse in lapses:
        team_id = lapse["lapsed_team_id"]
        team = by_team.get(team_id)
        if team is None:
            team = by_team[team_id] = Stats(label=lapse["lapsed_team__name"], team_id=team_id)
        team.overdue += lapse["n"]
        team.lapsed_away += lapse["n"]


def ticket_stats_for(
    *, actor: Actor, org: Organization, start: date, end: date, now: datetime | None = None
) -> tuple[Stats, list[Stats]]:
    """(the subtree's totals, one row per team) for tickets submitted in [start, end)."""
    now = now or timezone.now()
    # One grouped query (not every ticket fetched into Python): at vw scale a year is ~6,000 tickets.
    rows = (
        tickets_in(actor=actor, org=org, start=start, end=end)
        .order_by()
        .values("team_id", "team__name", "kind")
        .annotate(
            tickets=Count("pk"),
            answered=Count("first_response_at"),
            closed=Count("closed_at"),
            overdue=Count("pk", filter=overdue_stats_q(now)),
            blamed=Count("pk", filter=blamed_here_q(now)),
            rated=Count("rating"),
            rating_sum=Sum("rating"),
            responding=Sum(SecondsBetween("first_response_at", "submitted_at")),
            closing=Sum(SecondsBetween("closed_at", "submitted_at")),
        )
    )
    total = Stats(label=org.name)
    by_team: dict[int, Stats] = {}
    for row in rows:
        team = by_team.get(row["team_id"])
        if team is None:
            team = by_team[row["team_id"]] = Stats(label=row["team__name"], team_id=row["team_id"])
        for stats in (total, team):
            stats.tickets += row["tickets"]
            stats.by_kind[row["kind"]] += row["tickets"]
            stats.answered += row["answered"]
            stats.closed += row["closed"]
            stats.overdue += row["overdue" if stats is total else "blamed"]
            stats.rated += row["rated"]
            stats.rating_sum += row["rating_sum"] or 0
            stats.response_hours_sum += (row["responding"] or 0) / 3600
            stats.close_days_sum += (row["closing"] or 0) / 86400
    _blame_lapses(by_team, tickets_in(actor=actor, org=org, start=start, end=end), now)
    return total, sorted(by_team.values(), key=lambda s: s.label)


def overdue_tickets_in(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Ticket]:
    return tickets_in(actor=actor, org=org, start=start, end=end).filter(overdue_stats_q(timezone.now()))


def wishes_fulfilled_in(*, actor: Actor, org: Organization, start: date, end: date) -> QuerySet[Wish]:
    return (
        Wish.objects.filter(
            access.subtree_q(actor, org, "organization__path"),
            status=WishStatus.FULFILLED,
            fulfilled_at__gte=_bound(start),
            fulfilled_at__lt=_bound(end),
        )
        .select_related("organization", "claimed_by_person", "claimed_by_branch")
        .order_by("fulfilled_at", "id")
    )


# --- what a user may do with a row (the same predicates as the services') --------------------------


def ticket_actions_for(*, actor: Actor, ticket: Ticket, wish: Wish | None = None) -> frozenset[str]:
    """The buttons the ticket page offers the actor: the services' own predicates and rules, so that
    a button is never shown only to be refused."""
    allowed: set[str] = set()
    if can_handle(actor, ticket):
        allowed |= {"answer", "note", "assign"}
        if ticket.status != TicketStatus.CLOSED:
            allowed.add("close")
        if ticket.kind == TicketKind.SUGGESTION and not ticket.forwarded_ref:
            allowed.add("forward")
        if ticket.kind == TicketKind.WISH and wish is None and can_publish_wish(actor, ticket):
            allowed.add("publish")
    if can_escalate(actor, ticket):
        allowed.add("escalate")
    if can_moderate(actor, ticket):
        allowed.add("release" if ticket.moderation == Moderation.HELD else "moderate")
    if wish is not None:
        allowed |= wish_actions_for(actor=actor, wish=wish)
    return frozenset(allowed)


def wish_actions_for(*, actor: Actor, wish: Wish, branches: bool = False) -> frozenset[str]:
    """The buttons of a wish on the wall and on its ticket's page (services.wishes' rules)."""
    allowed: set[str] = set()
    if wish.status == WishStatus.PUBLISHED:
        allowed.add("claim")
    if wish.status == WishStatus.CLAIMED:
        if can_fulfil(actor, wish):
            allowed.add("fulfil")
        if can_release_claim(actor, wish):
            allowed.add("release")
        if is_claimant(actor, wish):
            allowed.add("holds")
    if wish.status in (WishStatus.PUBLISHED, WishStatus.CLAIMED) and can_withdraw_wish(actor, wish):
        allowed.add("withdraw")
    return frozenset(allowed)


def claim_branches_for(*, actor: Actor) -> QuerySet[Organization]:
    """The branches the actor may claim a wish for (services.wish_claim: can_claim_for_branch), all of
    them: the claim form lists them."""
    return org_list_for(actor=actor, kind="branch").filter(access.org_filter(actor, "path", level="manage"))


# --- the workbench (工作台) -------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueCounts:
    """The reader's queue as its default list shows it (未办结, 正常): how many, how many late, how
    many came up by 上报/升级."""

    open: int
    overdue: int
    escalated: int


def handles_any_ticket(actor: Actor) -> bool:
    """Whether the actor has a ticket queue at all: a manager of some organization, or a member of a
    care team (one query for the latter)."""
    scope = access.scope_for(actor)
    if scope.is_admin or scope.manage:
        return True
    return isinstance(actor, User) and TeamMember.objects.filter(user=actor).exists()


def queue_counts_for(*, actor: Actor) -> QueueCounts:
    """One aggregate over the tickets ticket_list_for shows by default (TicketFilters())."""
    now = timezone.now()
    counts = (
        Ticket.objects.filter(pk__in=Ticket.objects.filter(_ticket_scope(actor)).values("pk"))
        .exclude(status=TicketStatus.CLOSED)
        .filter(moderation=Moderation.VISIBLE)
        .aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=overdue_q(now)),
            escalated=Count("pk", filter=Q(escalation_level__gt=0)),
        )
    )
    return QueueCounts(counts["open"], counts["overdue"], counts["escalated"])


def wishes_to_claim_count_for(*, actor: Actor) -> int:
    """Wishes still waiting on a wall the actor reads (待认领, shown on the wall): those a branch's
    manager may claim for the branch."""
    return (
        Wish.objects.filter(access.org_filter(actor, "organization__path"))
        .filter(status=WishStatus.PUBLISHED, ticket__moderation=Moderation.VISIBLE)
        .count()
    )


def my_claimed_wishes_count_for(*, actor: Actor) -> int:
    """Wishes the actor claimed for themself and has not yet fulfilled (已认领)."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return 0
    return Wish.objects.filter(claimed_by_person_id=person_id, status=WishStatus.CLAIMED).count()


def intake_point_of_person(person_id: int) -> IntakePoint | None:
    """The intake point nearest to a person's organization: an active point of an active team at
    their organization or the closest organization above it (one query). Its public form is the one
    behind the QR code: nothing of the account goes with what is written there."""
    own_path = Person.objects.filter(pk=person_id).values("organization__path")[:1]
    return (
        IntakePoint.objects.filter(is_active=True, team__is_active=True)
        .alias(own_path=Subquery(own_path))
        .filter(own_path__startswith=F("organization__path"))
        .order_by("-organization__path", "name", "pk")
        .first()
    )
