"""品牌代言's line of the workbench (工作台): the campaigns going on that address the reader and in
which they have registered no share yet."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, source

from . import selectors


@source("advocacy.mine", section="mine")
def mine(actor: Actor) -> list[Item]:
    """Every employee with a record takes part in the campaigns addressed to their organization."""
    if access.scope_for(actor).person_id is None:
        return []
    count = selectors.campaigns_awaiting_me_for(actor=actor, on=timezone.localdate())
    return [Item(_("进行中的代言活动，我尚未参与"), count, reverse("advocacy:index"))]
