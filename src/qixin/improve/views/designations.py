"""Pages of designations (职责指定): who reviews suggestions and who verifies savings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from qixin.core import listing
from qixin.core.actions import action, post_action
from qixin.core.pages import AuthedRequest, form_page
from qixin.orgs.selectors import org_from_input

from .. import forms, selectors, services

DESIGNATION_LIST = listing.register("improve:designations")


@login_required
def designations(request: AuthedRequest) -> HttpResponse:
    form = forms.DesignationForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    shown = listing.listing(request, DESIGNATION_LIST, selectors.designation_list_for(actor=request.user))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.designation_grant(
            actor=request.user,
            user=selectors.designee_from_input(actor=request.user, username=data["username"]),
            kind=data["kind"],
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            department=data["department"],
            starts_on=data["starts_on"],
        )
        messages.success(request, "已指定。")
        return redirect("improve:designations")

    return form_page(
        request,
        form=form,
        context={
            "listing": shown,
            "page": shown.page,
            "query": shown.query,
            "end_form": forms.EndForm(initial={"ends_on": timezone.localdate()}),
        },
        template="improve/designations.html",
        on_valid=save,
    )


@post_action
def designation_end(request: AuthedRequest, pk: int) -> HttpResponse:
    designation = selectors.designation_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.EndForm(request.POST),
        run=lambda data: services.designation_end(
            actor=request.user, designation=designation, ends_on=data["ends_on"]
        ),
        done="已终止该职责。",
        back=reverse("improve:designations"),
    )
