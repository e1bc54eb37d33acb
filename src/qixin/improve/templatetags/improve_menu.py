"""What the menu of 降本创新 shows a user: the desks of reviewers, verifiers and those who designate
them only to who may take their actions (the same predicates the services use)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from qixin.core.access import Actor

from ..permissions import may_designate_anywhere, may_review_any_suggestion, may_verify_any_savings

register = template.Library()


@dataclass(frozen=True)
class Menu:
    review: bool
    verify: bool
    designate: bool


@register.simple_tag
def improve_menu(user: Actor) -> Menu:
    return Menu(
        review=may_review_any_suggestion(user),
        verify=may_verify_any_savings(user),
        designate=may_designate_anywhere(user),
    )
