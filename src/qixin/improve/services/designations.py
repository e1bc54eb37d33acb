"""Writes of designations: granting and ending them."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.errors import ApplicationError
from qixin.core.models import User
from qixin.core.validation import full_clean
from qixin.orgs.models import Organization

from ..models import Designation, DesignationKind
from ..permissions import can_designate, forget_duties


@transaction.atomic
def designation_grant(
    *,
    actor: User | None,
    user: User,
    kind: str,
    organization: Organization,
    starts_on: date,
    department: str = "",
    ends_on: date | None = None,
) -> Designation:
    """A manager of an organization designates a suggestion reviewer (optionally for one department)
    or a finance verifier of savings for its subtree."""
    require(can_designate(actor, organization))
    if kind not in DesignationKind.values:
        raise ApplicationError("invalid", "请选择职责。")
    if kind == DesignationKind.VERIFIER and department.strip():
        raise ApplicationError("invalid", "财务核定人按组织指定，不按部门。")
    if ends_on is not None and ends_on < starts_on:
        raise ApplicationError("bad_date", "终止日期不能早于生效日期。")
    designation = Designation(
        user=user,
        kind=kind,
        organization=organization,
        department=department.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=actor if actor and actor.pk else None,
    )
    full_clean(designation)
    designation.save()
    forget_duties(user)
    audit.record(
        actor=actor,
        action="grant",
        obj=designation,
        changes={
            "user": user.username,
            "kind": kind,
            "organization": organization.code,
            "department": department,
        },
    )
    return designation


@transaction.atomic
def designation_end(*, actor: User | None, designation: Designation, ends_on: date) -> Designation:
    require(can_designate(actor, designation.organization))
    if designation.ends_on is not None and designation.ends_on <= ends_on:
        raise ApplicationError("ended", "该职责已终止。")
    if ends_on < designation.starts_on:
        raise ApplicationError("bad_date", "终止日期不能早于生效日期。")
    designation.ends_on = ends_on
    designation.save(update_fields=["ends_on", "updated_at"])
    forget_duties(designation.user)
    audit.record(actor=actor, action="revoke", obj=designation, changes={"ends_on": ends_on})
    return designation
