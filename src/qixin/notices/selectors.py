"""Every read of notices, scoped to what the actor may see."""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from qixin.core import access
from qixin.core.access import Actor, require
from qixin.core.errors import NotFound

from .models import Notice, NoticeReceipt
from .permissions import can_manage_notice, can_read_notice

# The views of the list (?show=…), on the rows notice_list_for annotates: what the workbench counts
# is the list filtered with the same condition.
SHOW = {
    "unread": Q(to_me=True, my_read_at__isnull=True, withdrawn_at__isnull=True),
    "to_me": Q(to_me=True, withdrawn_at__isnull=True),
    "published": Q(managed=True),
    "outstanding": Q(managed=True, withdrawn_at__isnull=True, n_read__lt=F("expected_count")),
}
SHOW_LABELS = {
    "unread": "未读",
    "to_me": "发给我的",
    "published": "本组织发布的",
    "outstanding": "尚有人未读",
}


def _managed_q(actor: Actor) -> Q | None:
    scope = access.scope_for(actor)
    if not scope.is_admin and not scope.manage:
        return None
    return access.org_filter(actor, "organization__path", level="manage")


def notice_list_for(*, actor: Actor) -> QuerySet[Notice]:
    """The notices sent to the actor (not withdrawn), and those published by the organizations whose
    records they keep (withdrawn ones too, marked), each annotated with: `to_me` (sent to the actor),
    `my_read_at` (when the actor read it), `managed` (the actor keeps the publisher's records) and
    `n_read` (how many of its readers have read it)."""
    person_id = access.scope_for(actor).person_id
    mine = NoticeReceipt.objects.filter(notice=OuterRef("pk"), person_id=person_id if person_id else -1)
    read = (
        NoticeReceipt.objects.filter(notice=OuterRef("pk"), read_at__isnull=False)
        .order_by()
        .values("notice")
        .annotate(n=Count("pk"))
        .values("n")
    )
    managed = _managed_q(actor)
    rows = Notice.objects.annotate(
        to_me=Exists(mine),
        my_read_at=Subquery(mine.values("read_at")[:1]),
        n_read=Coalesce(Subquery(read, output_field=IntegerField()), 0),
    )
    if managed is None:
        rows = rows.annotate(managed=Value(False, output_field=BooleanField())).filter(SHOW["to_me"])
    else:
        rows = rows.annotate(
            managed=Case(When(managed, then=Value(True)), default=Value(False), output_field=BooleanField())
        ).filter(SHOW["to_me"] | Q(managed=True))
    return rows.select_related("organization", "audience").order_by("-published_at", "-id")


def notice_get_for(*, actor: Actor, pk: int) -> Notice:
    notice = Notice.objects.select_related("organization", "audience", "created_by").filter(pk=pk).first()
    if notice is None or not can_read_notice(actor, notice):
        raise NotFound()
    return notice


def unread_count_for(*, actor: Actor) -> int:
    """How many notices sent to the actor they have not opened (withdrawn ones do not count)."""
    person_id = access.scope_for(actor).person_id
    if person_id is None:
        return 0
    return NoticeReceipt.objects.filter(
        person_id=person_id, read_at__isnull=True, notice__withdrawn_at__isnull=True
    ).count()


def outstanding_count_for(*, actor: Actor) -> int | None:
    """How many notices published by organizations the actor keeps have readers who have not read
    them yet; None when the actor publishes for no organization."""
    if _managed_q(actor) is None:
        return None
    return notice_list_for(actor=actor).filter(SHOW["outstanding"]).count()


def read_count(notice: Notice) -> int:
    return NoticeReceipt.objects.filter(notice=notice, read_at__isnull=False).count()


def receipt_list_for(*, actor: Actor, notice: Notice) -> QuerySet[NoticeReceipt]:
    """Who the notice was sent to and when each read it (the unread first): for who keeps the records
    of the publishing organization only; a reader is refused (403), anyone else finds nothing (404)."""
    require(can_read_notice(actor, notice), hide=True)
    require(can_manage_notice(actor, notice))
    return (
        NoticeReceipt.objects.filter(notice=notice)
        .select_related("person", "person__organization")
        .order_by(F("read_at").asc(nulls_first=True), "person__employee_no", "id")
    )
