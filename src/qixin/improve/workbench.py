"""降本创新's lines of the workbench (工作台): the claims of savings waiting for a finance verifier's
核定, the suggestions waiting for a reviewer, and every employee's own suggestions."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qixin.core import access
from qixin.core.access import Actor
from qixin.core.workbench import Item, source

from . import selectors
from .permissions import may_review_any_suggestion, may_verify_any_savings

# A decision on one's suggestion is news for this many days after it was taken.
RECENT_DECISION_DAYS = 30


@source("improve.savings_to_verify", section="improve")
def savings_to_verify(actor: Actor) -> list[Item]:
    """A finance verifier (财务核定人): the claims they may 核定 (savings_pending_for)."""
    if not may_verify_any_savings(actor):
        return []
    count = selectors.savings_pending_for(actor=actor).count()
    return [Item(_("待核定的节约申报"), count, reverse("improve:savings_pending"))]


@source("improve.suggestions_to_review", section="improve")
def suggestions_to_review(actor: Actor) -> list[Item]:
    """Who reviews suggestions (the organization's managers, the designated reviewers): those still
    open in what they review."""
    if not may_review_any_suggestion(actor):
        return []
    count = selectors.suggestions_to_review_count_for(actor=actor)
    return [Item(_("待评审的建议"), count, reverse("improve:suggestions") + "?to_review=1")]


@source("improve.my_suggestions", section="mine")
def my_suggestions(actor: Actor) -> list[Item]:
    """Every employee with a record: their suggestions still under review, and those decided lately."""
    if access.scope_for(actor).person_id is None:
        return []
    since = timezone.localdate() - timedelta(days=RECENT_DECISION_DAYS)
    waiting, decided = selectors.my_suggestion_counts_for(actor=actor, decided_since=since)
    url = reverse("improve:suggestions") + "?mine=1"
    return [
        Item(_("我的建议：评审中"), waiting, url),
        Item(_("我的建议：近%(days)d天有评审结论") % {"days": RECENT_DECISION_DAYS}, decided, url),
    ]
