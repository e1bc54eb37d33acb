"""Pages of the savings ledger: claims, verification, rejection, reversal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from qixin.core import listing
from qixin.core.access import require
from qixin.core.actions import action, post_action
from qixin.core.forms import initial_from
from qixin.core.pages import AuthedRequest

from .. import forms, selectors, services
from ..permissions import can_claim_savings
from ._common import _form

SAVINGS_PENDING_LIST = listing.register("improve:savings_pending")


@post_action
def savings_claim(request: AuthedRequest, pk: int) -> HttpResponse:
    project = selectors.project_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.ClaimForm(request.POST),
        run=lambda data: services.savings_claim(actor=request.user, project=project, **data),
        done=lambda entry: f"已申报节约{entry.amount}元，财务核定后计入成效。",
        back=reverse("improve:project", args=[project.pk]),
    )


def _entry_action(
    request: AuthedRequest,
    pk: int,
    form: Form | None,
    act: Callable[[Any, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """An action on a savings entry, from its project's page: back there, done or not."""
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=form,
        run=lambda data: act(entry, data),
        done=done,
        back=reverse("improve:project", args=[entry.project_id]),
    )


@post_action
def savings_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        forms.VerifyForm(request.POST),
        lambda e, data: services.savings_verify(actor=request.user, entry=e, **data),
        "已核定，计入降本成效。",
    )


@post_action
def savings_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        forms.RejectForm(request.POST),
        lambda e, data: services.savings_reject(actor=request.user, entry=e, **data),
        "已退回申报。",
    )


@post_action
def savings_reverse(request: AuthedRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        forms.ReverseForm(request.POST),
        lambda e, data: services.savings_reverse(actor=request.user, entry=e, **data),
        "已冲销，原记录保留。",
    )


@login_required
def savings_claim_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    require(can_claim_savings(request.user, entry.project))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.savings_claim_update(actor=request.user, entry=entry, **data)
        messages.success(request, "已修改申报，财务核定后计入成效。")
        return redirect(reverse("improve:project", args=[entry.project_id]) + "#ledger")

    initial = initial_from(entry, forms.ClaimForm)
    return _form(
        request,
        forms.ClaimForm(request.POST or None, initial=initial),
        f"修改节约申报{entry.number}",
        save,
        reverse("improve:project", args=[entry.project_id]) + "#ledger",
        note="财务核定前可以修改；已核定的记录不能修改，只能由财务冲销。",
    )


@post_action
def savings_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request,
        pk,
        None,
        lambda e, _data: services.savings_withdraw(actor=request.user, entry=e),
        "已撤回申报。",
    )


@login_required
def savings_pending(request: AuthedRequest) -> HttpResponse:
    rows = selectors.savings_pending_for(actor=request.user)
    context = {"verify_form": forms.VerifyForm(initial={"verified_on": timezone.localdate()})}
    return listing.show(
        request, SAVINGS_PENDING_LIST, rows, template="improve/savings_pending.html", context=context
    )
