"""Named permissions of the employee voice, composed from core.access predicates.

- A care team's members handle its tickets (answer, note, assign, close, moderate).
- Whoever manages an organization (党务工作者, 书记) sets up its teams and intake points, and oversees
  the tickets of its subtree; that includes handling them.
- The working-day calendar (工作日历) that deadlines are counted in: its global days are the
  administrators'; an organization's days (for its subtree) are its managers'. Whoever manages some
  organization opens the calendar page, and sees the global days and those of what they manage.
- Anyone who reads an organization sees its wish wall; a party member claims for themself, a branch's
  manager claims for the branch. The claimant or the ticket's handlers fulfil a claimed wish or give
  the claim back; the handlers take a wish down.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.models import User
from qixin.orgs.models import Organization

from .models import CareTeam, Moderation, TeamMember, Ticket, TicketStatus, Wish


def is_team_member(user: Actor, team: CareTeam) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return TeamMember.objects.filter(team=team, user=user).exists()


def is_team_leader(user: Actor, team: CareTeam) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    return TeamMember.objects.filter(team=team, user=user, is_leader=True).exists()


def overdue_q(now: datetime) -> Q:
    """The tickets past a deadline now: open, and not answered or not closed in time (the escalation's
    rule, and the 逾期 flag of the queue)."""
    return ~Q(status=TicketStatus.CLOSED) & (
        Q(first_response_at__isnull=True, respond_due__lt=now) | Q(close_due__lt=now)
    )


@predicate
def can_set_up(user: Actor, org: Organization) -> bool:
    """Create teams and intake points: the organization's managers."""
    return access.manages_org(user, org)


@predicate
def can_edit_calendar(user: Actor, org: Organization | None) -> bool:
    """Set or remove a day of the working-day calendar: a global day (org None) only administrators,
    a day of an organization's subtree its managers (the same as setting up its teams)."""
    return access.is_admin(user) if org is None else bool(can_set_up(user, org))


@predicate
def can_open_calendar(user: Actor) -> bool:
    """Open the calendar page: whoever may edit some part of it."""
    scope = access.scope_for(user)
    return scope.is_admin or bool(scope.manage)


@predicate
def can_handle(user: Actor, ticket: Ticket) -> bool:
    return access.manages_org(user, ticket.organization) or is_team_member(user, ticket.team)


@predicate
def can_moderate(user: Actor, ticket: Ticket) -> bool:
    return access.manages_org(user, ticket.organization) or is_team_leader(user, ticket.team)


@predicate
def can_escalate(user: Actor, ticket: Ticket) -> bool:
    """上报/转办 an open ticket to the care team above: whoever handles it (the team that cannot
    settle it, or the organization's managers). Whether a team above exists is the service's rule."""
    return is_escalatable(ticket) and bool(can_handle(user, ticket))


def is_escalatable(ticket: Ticket) -> bool:
    """A ticket still to be handled, in the queue (not held, hidden or spam)."""
    return ticket.status != TicketStatus.CLOSED and ticket.moderation == Moderation.VISIBLE


@predicate
def can_publish_wish(user: Actor, ticket: Ticket) -> bool:
    return bool(ticket.wish_consent) and can_handle(user, ticket)


@predicate
def can_see_wall(user: Actor, org: Organization) -> bool:
    return access.reads_org(user, org)


@predicate
def can_claim_for_branch(user: Actor, branch: Organization) -> bool:
    return access.manages_org(user, branch)


@predicate
def is_claimant(user: Actor, wish: Wish) -> bool:
    """Who holds a wish's claim: the member themself, or the managers of the claiming branch."""
    if wish.claimed_by_person_id and access.is_self(user, wish.claimed_by_person_id):
        return True
    return wish.claimed_by_branch is not None and access.manages_org(user, wish.claimed_by_branch)


@predicate
def can_fulfil(user: Actor, wish: Wish) -> bool:
    """The claimant (the member themself, or the branch's managers) or whoever handles the ticket."""
    return bool(is_claimant(user, wish)) or bool(can_handle(user, wish.ticket))


@predicate
def can_release_claim(user: Actor, wish: Wish) -> bool:
    """Give a claim back to the wall: the same people who may mark the wish fulfilled."""
    return bool(can_fulfil(user, wish))


@predicate
def can_withdraw_wish(user: Actor, wish: Wish) -> bool:
    """Take a wish down from the wall: whoever handles its ticket (as they put it up)."""
    return bool(can_handle(user, wish.ticket))


add_perm("care.set_up", can_set_up)
add_perm("care.edit_calendar", can_edit_calendar)
add_perm("care.open_calendar", can_open_calendar)
add_perm("care.handle_ticket", can_handle)
add_perm("care.moderate_ticket", can_moderate)
add_perm("care.escalate_ticket", can_escalate)
add_perm("care.publish_wish", can_publish_wish)
add_perm("care.see_wall", can_see_wall)
add_perm("care.fulfil_wish", can_fulfil)
add_perm("care.hold_claim", is_claimant)
add_perm("care.release_claim", can_release_claim)
add_perm("care.withdraw_wish", can_withdraw_wish)
