"""Who may see and do what: the one place that decides it.

A role held at a node of the organization tree reaches that node's subtree. Roles come from:
- grants (RoleGrant): 系统管理员 everywhere; 党务工作者 at a committee;
- posts (orgs.Position, current): 书记/副书记 act as branch secretary, other committee posts as
  committee members, at their organization; appointing a secretary is enough, nobody re-enters it;
- the registry: a current party member reads their branch's non-sensitive data; everyone reads
  their own record.

Each app's permissions.py composes the predicates below; selectors and services call them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone

from .errors import NotFound, PermissionDenied
from .models import Role, RoleGrant, User

if TYPE_CHECKING:
    from qixin.orgs.models import Organization


# Who asks: a signed-in account, the anonymous visitor of a public page, or nobody (None: a system
# task). Every selector and predicate takes one; access.scope_for gives the first two their scope and
# the others the empty scope.
Actor: TypeAlias = User | AnonymousUser | None


def minimal_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already inside another one, so a subtree is never matched twice."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


# Every row. Not Q(): an empty Q vanishes when OR-ed (in Django, Q() | x is x), so an administrator's
# "everything" OR-ed with "or the teams I am in" would shrink to the teams they are in.
EVERYTHING = Q(pk__isnull=False)


@dataclass(frozen=True)
class Scope:
    is_admin: bool = False
    manage: tuple[str, ...] = ()  # subtrees whose records the actor maintains
    sensitive: tuple[str, ...] = ()  # subtrees whose sensitive fields the actor may see
    read: tuple[str, ...] = ()  # subtrees whose non-sensitive data the actor may read
    person_id: int | None = None  # the actor's own record
    roles: frozenset[str] = field(default_factory=frozenset)

    def covers(self, paths: tuple[str, ...], path: str) -> bool:
        return self.is_admin or any(path.startswith(p) for p in paths)

    def q(self, paths: tuple[str, ...], path_field: str) -> Q:
        """A filter for rows whose organization path lies in `paths` (everything for admin)."""
        if self.is_admin:
            return EVERYTHING
        if not paths:
            return Q(pk__in=[])
        query = Q()
        for path in paths:
            query |= Q(**{f"{path_field}__startswith": path})
        return query


ANONYMOUS_SCOPE = Scope()


def scope_for(user: User | Any) -> Scope:
    """The actor's scope, computed once per user object (so once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS_SCOPE
    cached: Scope | None = getattr(user, "_qixin_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    setattr(user, "_qixin_scope", scope)  # noqa: B010  (cached on the object: once per request)
    return scope


def forget_scope(user: User) -> None:
    if hasattr(user, "_qixin_scope"):
        del user._qixin_scope


def _compute_scope(user: User) -> Scope:
    from qixin.orgs.models import COMMITTEE_TITLES, Position, PositionTitle
    from qixin.people.models import Membership

    today = timezone.localdate()
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    grants = list(
        RoleGrant.objects.filter(current, user=user)
        .select_related("organization")
        .only("role", "organization__path")
    )
    roles = {g.role for g in grants}
    if user.is_superuser or Role.ADMIN in roles:
        return Scope(is_admin=True, roles=frozenset(roles | {Role.ADMIN}), person_id=user.person_id)

    manage: list[str] = []
    sensitive: list[str] = []
    read: list[str] = []
    for grant in grants:
        assert grant.organization is not None
        path = grant.organization.path
        read.append(path)
        if grant.role in (Role.PARTY_WORKER, Role.SECRETARY):
            manage.append(path)
            sensitive.append(path)
    if user.person_id is not None:
        posts = Position.objects.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=today),
            person_id=user.person_id,
            started_on__lte=today,
            organization__dissolved_on__isnull=True,
        ).values_list("title", "custom_title", "organization__path")
        for title, custom_title, path in posts:
            if title in (PositionTitle.SECRETARY, PositionTitle.DEPUTY_SECRETARY):
                roles.add(Role.SECRETARY)
                manage.append(path)
                sensitive.append(path)
                read.append(path)
            elif title in COMMITTEE_TITLES or custom_title.endswith("委员"):
                roles.add(Role.COMMITTEE)
                read.append(path)
        branch_path = (
            Membership.objects.filter(person_id=user.person_id, ended_on__isnull=True)
            .values_list("branch__path", flat=True)
            .first()
        )
        if branch_path:
            roles.add("member")
            read.append(branch_path)
        roles.add("employee")
    return Scope(
        manage=minimal_paths(manage),
        sensitive=minimal_paths(sensitive),
        read=minimal_paths(read),
        person_id=user.person_id,
        roles=frozenset(roles),
    )


# --- shared predicates, composed by each app's permissions.py -------------------------------------


def is_admin(user: User | Any) -> bool:
    return scope_for(user).is_admin


def manages_any_org(user: User | Any) -> bool:
    """Whether the actor keeps the records of some organization (or is an administrator): who may
    start an import of records at all, before its file is read; each row is then checked against
    its own organization."""
    scope = scope_for(user)
    return scope.is_admin or bool(scope.manage)


def reads_org(user: User | Any, org: Organization) -> bool:
    scope = scope_for(user)
    return scope.covers(scope.read, org.path)


def manages_org(user: User | Any, org: Organization) -> bool:
    scope = scope_for(user)
    return scope.covers(scope.manage, org.path)


def sees_sensitive_in(user: User | Any, org: Organization) -> bool:
    scope = scope_for(user)
    return scope.covers(scope.sensitive, org.path)


def sees_sensitive_anywhere(user: User | Any) -> bool:
    """Whether the actor may see some organization's sensitive fields in clear (an administrator,
    a party worker, a secretary): who may be offered an export in clear at all."""
    scope = scope_for(user)
    return scope.is_admin or bool(scope.sensitive)


def is_self(user: User | Any, person_id: int | None) -> bool:
    return person_id is not None and scope_for(user).person_id == person_id


def org_filter(user: User | Any, path_field: str = "path", *, level: str = "read") -> Q:
    scope = scope_for(user)
    return scope.q(getattr(scope, level), path_field)


def subtree_q(user: User | Any, org: Organization, path_field: str = "path", *, level: str = "read") -> Q:
    """Rows under `org` (its subtree) that `user` reaches at `level`; `path_field` leads from the rows
    to an organization's path ("organization__path", "meeting__organization__path", or "path").

    When the user reaches all of `org` and `org` is the only root of the tree (the enterprise
    committee's own reports), every row that has an organization qualifies: the filter then reads
    no organization at all, which saves a join and a path comparison per row on the largest reports."""
    scope = scope_for(user)
    paths = getattr(scope, level)
    if scope.covers(paths, org.path):
        if _is_sole_root(org):
            relation = path_field.removesuffix("path").removesuffix("__")
            return Q(**{f"{relation}__isnull": False}) if relation else EVERYTHING
        return Q(**{f"{path_field}__startswith": org.path})
    return scope.q(paths, path_field) & Q(**{f"{path_field}__startswith": org.path})


def _is_sole_root(org: Organization) -> bool:
    """Whether `org` is the tree's only root (asked once per organization object, so once a request)."""
    known: bool | None = getattr(org, "_qixin_sole_root", None)
    if known is None:
        known = org.depth == 1 and not type(org).objects.filter(depth=1).exclude(pk=org.pk).exists()
        setattr(org, "_qixin_sole_root", known)  # noqa: B010  (cached on the object, like scope_for)
    return known


def require(allowed: bool, *, hide: bool = False) -> None:
    """Refuse an action. With hide=True the refusal looks exactly like a missing object (404)."""
    if not allowed:
        raise NotFound() if hide else PermissionDenied()
