"""Writes of the reports app: an organization's narrative template."""

from __future__ import annotations

from django.db import transaction

from qixin.core import audit
from qixin.core.access import require
from qixin.core.models import User
from qixin.orgs.models import Organization
from qixin.orgs.permissions import can_manage

from . import narrative
from .models import NarrativeTemplate


@transaction.atomic
def narrative_template_save(*, actor: User | None, org: Organization, text: str) -> NarrativeTemplate | None:
    """Save the organization's wording (its subtree inherits it). Empty text returns to the inherited
    wording. Every placeholder must name a known metric and style."""
    require(can_manage(actor, org))
    text = text.strip()
    existing = NarrativeTemplate.objects.filter(organization=org).first()
    if not text:
        if existing is not None:
            existing.delete()
            audit.record(
                actor=actor, action="delete", model="reports.NarrativeTemplate", object_repr=org.name
            )
        return None
    narrative.check_template(text)
    template, _created = NarrativeTemplate.objects.update_or_create(
        organization=org,
        defaults={"text": text, "updated_by": actor if actor is not None and actor.pk else None},
    )
    audit.record(actor=actor, action="update", obj=template, changes={"text": text[:2000]})
    return template
