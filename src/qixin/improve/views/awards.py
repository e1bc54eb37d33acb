"""Pages of awards (奖项)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from qixin.core import listing
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from .. import forms, selectors, services
from ._common import _codes, _form

AWARD_LIST = listing.register("improve:awards")


@login_required
def award_list(request: AuthedRequest) -> HttpResponse:
    rows = selectors.award_list_for(actor=request.user)
    return listing.show(request, AWARD_LIST, rows, template="improve/awards.html")


@login_required
def award_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        award = services.award_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            name=data["name"],
            level=data["level"],
            issuer=data["issuer"],
            awarded_on=data["awarded_on"],
            achievement=data["achievement"],
            savings=data["savings"],
            people=[
                person_from_input(actor=request.user, employee_no=no) for no in _codes(data["people_nos"])
            ],
        )
        messages.success(request, f"已记录“{award.name}”。")
        return redirect("improve:awards")

    return _form(
        request, forms.AwardForm(request.POST or None), "记录获奖成果", save, reverse("improve:awards")
    )
