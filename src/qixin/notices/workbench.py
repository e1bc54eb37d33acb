"""The notices' items on the workbench (core.workbench): the reader's unread notices, and for who
publishes for an organization, the notices it published that some readers have not read yet. Each
count is the list it links to, filtered the same way (selectors.SHOW)."""

from __future__ import annotations

from django.urls import reverse

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, source

from . import selectors


@source("notices.unread", section="notices")
def unread(actor: Actor) -> list[Item]:
    """A person's notices not yet opened (an account with no person record receives none)."""
    if access.scope_for(actor).person_id is None:
        return []
    count = selectors.unread_count_for(actor=actor)
    return [Item(label="未读通知", count=count, url=reverse("notices:index") + "?show=unread")]


@source("notices.outstanding", section="notices")
def outstanding(actor: Actor) -> list[Item]:
    """For a publisher: their organizations' notices that some readers have not read yet."""
    count = selectors.outstanding_count_for(actor=actor)
    if count is None:
        return []
    return [
        Item(
            label="已发通知尚有人未读",
            count=count,
            url=reverse("notices:index") + "?show=outstanding",
            note="点开可查看谁已读、谁未读",
        )
    ]
