"""Pages of education campaigns."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import listing
from qixin.core.access import require
from qixin.core.pages import AuthedRequest, form_page
from qixin.orgs.models import OrgKind

from .. import forms, selectors, services
from ..permissions import can_keep_life

CAMPAIGN_LIST = listing.register(
    "life:campaigns",
    filters=(listing.Year("year", "starts_on__year"),),
    search=("name", "organization__name"),
)


@login_required
def campaigns(request: AuthedRequest) -> HttpResponse:
    rows = selectors.campaign_list_for(actor=request.user)
    keep = [o for o in selectors.life_roots_for(actor=request.user) if o.kind != OrgKind.BRANCH]
    return listing.show(
        request, CAMPAIGN_LIST, rows, template="life/campaigns.html", context={"committees": keep}
    )


@login_required
def campaign_new(request: AuthedRequest, pk: int) -> HttpResponse:
    org = selectors.org_for_life(actor=request.user, pk=pk)
    require(can_keep_life(request.user, org), hide=True)

    def save(data: dict[str, Any]) -> HttpResponse:
        campaign = services.campaign_create(actor=request.user, org=org, **data)
        messages.success(request, f"已部署“{campaign.name}”。")
        return redirect("life:campaign", pk=campaign.pk)

    context = {"org": org, "title": f"“{org.name}”部署专题教育", "action": request.path}
    return form_page(
        request,
        form=forms.CampaignForm(request.POST or None),
        context=context,
        template="life/form.html",
        on_valid=save,
    )


@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    org = campaign.organization
    require(can_keep_life(request.user, org), hide=True)
    fields = ("name", "starts_on", "ends_on", "required_sessions", "description")
    form = forms.CampaignForm(request.POST or None, initial={f: getattr(campaign, f) for f in fields})

    def save(data: dict[str, Any]) -> HttpResponse:
        services.campaign_update(actor=request.user, campaign=campaign, **data)
        messages.success(request, f"“{campaign.name}”已修改。")
        return redirect("life:campaign", pk=campaign.pk)

    context = {
        "org": org,
        "title": f"修改专题教育：{campaign.name}",
        "action": request.path,
        "back": reverse("life:campaign", args=[campaign.pk]),
    }
    return form_page(request, form=form, context=context, template="life/form.html", on_valid=save)


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    participation = selectors.campaign_participation_for(actor=request.user, campaign=campaign)
    attended = sum(1 for p in participation if p.attended)
    context = {
        "campaign": campaign,
        "participation": participation,
        "attended": attended,
        "can_edit": bool(can_keep_life(request.user, campaign.organization)),
    }
    return render(request, "life/campaign.html", context)
