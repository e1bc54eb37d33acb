"""突击队与专项任务's lines of the workbench (工作台): a person's parts in the missions under way and
their deployments (派驻) going on, both on their mobilization page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, source

from . import selectors


@source("mobilize.mine", section="mine")
def mine(actor: Actor) -> list[Item]:
    """Whoever has a record: a mission's assignment or a deployment may be anyone's, member or not."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return []
    page = reverse("mobilize:person", args=[person_id])
    today = timezone.localdate()
    return [
        Item(_("我承担的进行中任务"), selectors.my_active_assignments_for(actor=actor), page),
        Item(_("我正在派驻"), selectors.my_current_deployments_for(actor=actor, on=today), page),
    ]
