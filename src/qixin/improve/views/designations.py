"""Pages of designations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest, form_page
from qixin.orgs.selectors import org_from_input

from .. import forms, selectors, services
from ._common import _post_form


@login_required
def designations(request: AuthedRequest) -> HttpResponse:
    from qixin.core import selectors as core_selectors

    form = forms.DesignationForm(request.POST or None, initial={"starts_on": timezone.localdate()})

    def save(data: dict[str, Any]) -> HttpResponse:
        try:
            user = core_selectors.user_by_username_for(actor=request.user, username=data["username"])
        except NotFound:
            raise ApplicationError("unknown_user", f"找不到用户“{data['username']}”。") from None
        services.designation_grant(
            actor=request.user,
            user=user,
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
            "rows": list(selectors.designation_list_for(actor=request.user)[:500]),
            "end_form": forms.EndForm(initial={"ends_on": timezone.localdate()}),
        },
        template="improve/designations.html",
        on_valid=save,
    )


@login_required
@require_POST
def designation_end(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.EndForm)
    designation = selectors.designation_get_for(actor=request.user, pk=pk)
    services.designation_end(actor=request.user, designation=designation, ends_on=data["ends_on"])
    messages.success(request, "已终止该职责。")
    return redirect("improve:designations")
