"""Pages of the savings ledger: claims, verification, rejection, reversal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qixin.core.access import require
from qixin.core.pages import AuthedRequest

from .. import forms, selectors, services
from ..permissions import can_claim_savings
from ._common import _form, _page, _post_form


@login_required
@require_POST
def savings_claim(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.ClaimForm)
    project = selectors.project_get_for(actor=request.user, pk=pk)
    entry = services.savings_claim(actor=request.user, project=project, **data)
    messages.success(request, f"已申报节约{entry.amount}元，财务核定后计入成效。")
    return redirect("improve:project", pk=pk)


def _entry_action(request: AuthedRequest, pk: int, act: Callable[[Any], Any], done: str) -> HttpResponse:
    entry = selectors.savings_entry_get_for(actor=request.user, pk=pk)
    act(entry)
    messages.success(request, done)
    return redirect("improve:project", pk=entry.project_id)


@login_required
@require_POST
def savings_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.VerifyForm)
    return _entry_action(
        request,
        pk,
        lambda e: services.savings_verify(actor=request.user, entry=e, **data),
        "已核定，计入降本成效。",
    )


@login_required
@require_POST
def savings_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.RejectForm)
    return _entry_action(
        request, pk, lambda e: services.savings_reject(actor=request.user, entry=e, **data), "已退回申报。"
    )


@login_required
@require_POST
def savings_reverse(request: AuthedRequest, pk: int) -> HttpResponse:
    data = _post_form(request, forms.ReverseForm)
    return _entry_action(
        request,
        pk,
        lambda e: services.savings_reverse(actor=request.user, entry=e, **data),
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

    initial = {
        "amount": entry.amount,
        "occurred_on": entry.occurred_on,
        "description": entry.description,
        "evidence": entry.evidence,
    }
    return _form(
        request,
        forms.ClaimForm(request.POST or None, initial=initial),
        f"修改节约申报{entry.number}",
        save,
        reverse("improve:project", args=[entry.project_id]) + "#ledger",
        note="财务核定前可以修改；已核定的记录不能修改，只能由财务冲销。",
    )


@login_required
@require_POST
def savings_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    return _entry_action(
        request, pk, lambda e: services.savings_withdraw(actor=request.user, entry=e), "已撤回申报。"
    )


@login_required
def savings_pending(request: AuthedRequest) -> HttpResponse:
    rows = selectors.savings_pending_for(actor=request.user)
    today = timezone.localdate()
    return render(
        request,
        "improve/savings_pending.html",
        {"page": _page(request, rows), "verify_form": forms.VerifyForm(initial={"verified_on": today})},
    )
