"""党员品牌's lines of the workbench (工作台): a party member's own deeds of the year, and their
个人自评 still to write in an open 民主评议. Both are done on the member's brand page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, source

from . import selectors


@source("brand.mine", section="brand")
def mine(actor: Actor) -> list[Item]:
    scope = access.scope_for(actor)
    if scope.person_id is None or "member" not in scope.roles:
        return []
    year = timezone.localdate().year
    page = reverse("brand:person", args=[scope.person_id])
    return [
        Item(
            _("民主评议：待填写个人自评"),
            selectors.my_self_assessments_due_for(actor=actor),
            page,
        ),
        Item(
            _("本年度我的党员事迹"),
            selectors.my_deed_count_for(actor=actor, year=year),
            f"{page}?year={year}",
        ),
    ]
