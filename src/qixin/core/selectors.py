"""Kernel reads: the audit log (administrators), role grants, accounts, one's API tokens and second
factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from qixin.core.access import Actor

from . import access
from .errors import NotFound
from .models import ApiToken, AuditEntry, RoleGrant, TwoFactorRequirement, User


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    model: str = ""
    text: str = ""
    source: str = ""
    since: date | None = None
    until: date | None = None  # inclusive


def audit_search_for(*, actor: Actor, filters: AuditFilters) -> QuerySet[AuditEntry]:
    """The audit log is for system administrators only."""
    if not access.is_admin(actor):
        raise NotFound()
    entries = AuditEntry.objects.all()
    if filters.actor:
        entries = entries.filter(Q(actor_label__icontains=filters.actor) | Q(actor__username=filters.actor))
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.model:
        entries = entries.filter(model=filters.model)
    if filters.source:
        entries = entries.filter(source__startswith=filters.source)
    if filters.text:
        entries = entries.filter(Q(object_repr__icontains=filters.text) | Q(object_pk=filters.text))
    zone = timezone.get_current_timezone()
    if filters.since:
        entries = entries.filter(at__gte=datetime.combine(filters.since, time.min, zone))
    if filters.until:
        entries = entries.filter(at__lt=datetime.combine(filters.until + timedelta(days=1), time.min, zone))
    return entries.order_by("-id")


def audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_entry_count() -> int:
    """How many entries the audit log holds (for `qixin audit verify`, run on the server itself)."""
    return AuditEntry.objects.count()


def role_grants_for(*, actor: Actor, include_ended: bool = False) -> QuerySet[RoleGrant]:
    """Grants the actor may see: all for administrators, those inside their managed subtrees else."""
    grants = RoleGrant.objects.select_related("user", "organization", "granted_by")
    if not access.is_admin(actor):
        grants = grants.filter(access.org_filter(actor, "organization__path", level="manage"))
    if not include_ended:
        today = timezone.localdate()
        grants = grants.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return grants.order_by("organization__path", "role", "user__username")


def role_grant_get_for(*, actor: Actor, pk: int) -> RoleGrant:
    grant = role_grants_for(actor=actor, include_ended=True).filter(pk=pk).first()
    if grant is None:
        raise NotFound()
    return grant


def user_by_username_for(*, actor: Actor, username: str) -> User:
    """A user the actor may grant roles to: admins reach everyone; others, people in their scope."""
    user = User.objects.select_related("person__organization").filter(username=username.strip()).first()
    if user is None:
        raise NotFound()
    if access.is_admin(actor):
        return user
    if user.person is None or not access.manages_org(actor, user.person.organization):
        raise NotFound()
    return user


def user_named(username: str, *, active: bool = False) -> User | None:
    """The account with this username (only an active one when `active`), or None: the user a command
    runs as (`--as`) or names. What that user may do is the services' decision, not this lookup's."""
    users = User.objects.filter(username=username)
    return (users.filter(is_active=True) if active else users).first()


def api_tokens_for(*, actor: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def api_token_get_for(*, actor: User, pk: int) -> ApiToken:
    token = ApiToken.objects.filter(pk=pk).first()
    if token is None or (token.user_id != actor.pk and not access.is_admin(actor)):
        raise NotFound()
    return token


def api_token_user(key: str) -> User | None:
    """The active user behind a valid, unexpired, unrevoked token (and note its use)."""
    from .services import token_digest

    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(key), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def totp_device_pending_for(*, actor: User) -> TOTPDevice | None:
    """The authenticator the actor began to set up and has not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=actor, confirmed=False).first()


def two_factor_roles(*, actor: Actor) -> set[str]:
    if not access.is_admin(actor):
        raise NotFound()
    return set(TwoFactorRequirement.objects.values_list("role", flat=True))
