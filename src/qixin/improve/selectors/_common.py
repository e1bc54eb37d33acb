"""Helpers the app's reads share: verified savings and a person's id."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from qixin.core import access
from qixin.core.access import Actor

from ..models import Project, SavingsEntry, SavingsStatus

ZERO = Decimal("0.00")


MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


def _person_id(actor: Actor) -> int | None:
    return access.scope_for(actor).person_id


def verified_savings_subquery(project_ref: str = "pk") -> Coalesce:
    """Verified savings of the project referenced by `project_ref` (reversals included), as an
    annotation."""
    total = (
        SavingsEntry.objects.filter(project=OuterRef(project_ref), status=SavingsStatus.VERIFIED)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def verified_savings_of(projects: QuerySet[Project]) -> Decimal:
    """The verified savings of a set of projects, each project's entries counted once however the
    set was reached (alliances, branches, campaigns)."""
    total = SavingsEntry.objects.filter(
        project__in=projects.order_by().values("pk"), status=SavingsStatus.VERIFIED
    ).aggregate(total=Sum("amount"))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))
