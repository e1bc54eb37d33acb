"""Named permissions of notices, composed from core.access.

- publish to an organization (or a part of it): who keeps its records (a party worker at a
  committee, the secretary at their branch), as core.access.manages_org decides;
- read a notice: those it was sent to, and who keeps the records of the organization that published it;
- see who has read it, withdraw it: who keeps the records of the publishing organization.
"""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import predicate

from qixin.core import access
from qixin.core.access import Actor
from qixin.orgs.models import Organization

from .models import Notice, NoticeReceipt


@predicate
def can_publish(user: Actor, org: Organization) -> bool:
    return access.manages_org(user, org)


@predicate
def can_manage_notice(user: Actor, notice: Notice) -> bool:
    """See the receipts, withdraw: who keeps the records of the publishing organization."""
    return access.manages_org(user, notice.organization)


def is_reader(user: Actor, notice: Notice) -> bool:
    """Whether the notice was sent to the actor (and is not withdrawn)."""
    person_id = access.scope_for(user).person_id
    if person_id is None or notice.withdrawn:
        return False
    return NoticeReceipt.objects.filter(notice=notice, person_id=person_id).exists()


@predicate
def can_read_notice(user: Actor, notice: Notice) -> bool:
    return bool(can_manage_notice(user, notice)) or is_reader(user, notice)


add_perm("notices.publish", can_publish)
add_perm("notices.manage_notice", can_manage_notice)
add_perm("notices.read_notice", can_read_notice)
