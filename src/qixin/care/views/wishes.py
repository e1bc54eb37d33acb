"""The wish wall (点亮微心愿): claim, fulfil, give back a claim, take a wish down."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import listing
from qixin.core.access import require
from qixin.core.actions import action, post_action
from qixin.core.pages import AuthedRequest, form_page
from qixin.orgs import selectors as org_selectors

from .. import forms, selectors, services
from ..permissions import can_release_claim, can_withdraw_wish

# The wall of the first organization the user reads (care:wall), or of another (care:wall_of).
WISH_WALL = listing.register("care:wall", per_page=60)


@login_required
def wall(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        roots = selectors.wall_orgs_for(actor=request.user)
        if not roots:
            return render(request, "care/wall.html", {"org": None, "page": [], "branches": []})
        org = roots[0]
    else:
        org = org_selectors.org_get_for(actor=request.user, pk=pk)
    rows = selectors.wish_wall_for(actor=request.user, org=org)

    def about(wishes: Sequence[Any]) -> dict[str, Any]:
        # Each wish shown carries the buttons the actor may use (the services' predicates).
        for wish in wishes:
            wish.allowed = selectors.wish_actions_for(actor=request.user, wish=wish)
        return {}

    context = {"org": org, "branches": list(selectors.claim_branches_for(actor=request.user))}
    return listing.show(
        request, WISH_WALL, rows, template="care/wall.html", context=context, about_rows=about
    )


@post_action
def wish_claim(request: AuthedRequest, pk: int) -> HttpResponse:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)

    def claim(data: dict[str, Any]) -> Any:
        code = data["branch"].strip()
        branch = org_selectors.org_get_for(actor=request.user, code=code) if code else None
        return services.wish_claim(actor=request.user, wish=wish, branch=branch)

    return action(
        request,
        form=forms.WishClaimForm(request.POST),
        run=claim,
        done="已认领，谢谢您！",
        back=reverse("care:wall_of", args=[wish.organization_id]),
    )


@post_action
def wish_fulfil(request: AuthedRequest, pk: int) -> HttpResponse:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.WishFulfilForm(request.POST),
        run=lambda data: services.wish_fulfil(actor=request.user, wish=wish, fulfilment=data["fulfilment"]),
        done="心愿已点亮。",
        back=reverse("care:wall_of", args=[wish.organization_id]),
    )


def _wish_back(request: AuthedRequest, wish: Any) -> str:
    """Back to the ticket page when the action started there, else to the wall."""
    if request.GET.get("from") == "ticket":
        return reverse("care:ticket", args=[wish.ticket_id])
    return reverse("care:wall_of", args=[wish.organization_id])


def _wish_confirm(
    request: AuthedRequest,
    *,
    wish: Any,
    form: Any,
    title: str,
    note: str,
    submit_label: str,
    act: Callable[[dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    """GET shows the wish, what will happen and the confirm button; POST does it (a refusal shows the
    page again with the reason and changes nothing)."""
    back = _wish_back(request, wish)

    def save(data: dict[str, Any]) -> HttpResponse:
        act(data)
        messages.success(request, done)
        return redirect(back)

    return form_page(
        request,
        form=form,
        context={
            "wish": wish,
            "title": title,
            "note": note,
            "submit_label": submit_label,
            "action": request.get_full_path(),
            "cancel_url": back,
        },
        template="care/wish_confirm.html",
        on_valid=save,
    )


@login_required
def wish_release(request: AuthedRequest, pk: int) -> HttpResponse:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    require(can_release_claim(request.user, wish))
    return _wish_confirm(
        request,
        wish=wish,
        form=forms.ConfirmForm(request.POST if request.method == "POST" else None),
        title=f"解除对心愿“{wish.title}”的认领",
        note=f"当前认领：{wish.claimant or '—'}。解除后心愿回到心愿墙，可由其他党员或党支部认领。",
        submit_label="确认解除认领",
        act=lambda data: services.wish_release(actor=request.user, wish=wish),
        done="已解除认领，心愿重新待认领。",
    )


@login_required
def wish_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    require(can_withdraw_wish(request.user, wish))
    return _wish_confirm(
        request,
        wish=wish,
        form=forms.WishWithdrawForm(request.POST or None),
        title=f"撤下心愿“{wish.title}”",
        note=(
            "撤下后心愿不再显示在心愿墙上，也不能再认领；已实现的心愿不能撤下。"
            "撤下原因记入办理记录（员工不可见）。该事项仍需按期答复、办结。"
        ),
        submit_label="确认撤下",
        act=lambda data: services.wish_withdraw(actor=request.user, wish=wish, reason=data["reason"]),
        done="心愿已撤下。",
    )
