"""Pages of campaigns (活动)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import listing
from qixin.core.access import require
from qixin.core.forms import initial_from
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input

from .. import forms, selectors, services
from ..permissions import can_manage_campaign
from ._common import _codes, _form

CAMPAIGN_LIST = listing.register("improve:campaigns")


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    rows = selectors.campaign_list_for(actor=request.user)
    return listing.show(request, CAMPAIGN_LIST, rows, template="improve/campaigns.html")


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return render(
        request, "improve/campaign.html", {"page": selectors.campaign_page_for(actor=request.user, pk=pk)}
    )


@login_required
def campaign_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        campaign = services.campaign_create(
            actor=request.user,
            organization=org_from_input(actor=request.user, code=data["org_code"]),
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            savings_target=data["savings_target"],
            description=data["description"],
            participants=[
                org_from_input(actor=request.user, code=code) for code in _codes(data["participant_codes"])
            ],
        )
        messages.success(request, f"已发起活动“{campaign.name}”。")
        return redirect("improve:campaign", pk=campaign.pk)

    return _form(
        request, forms.CampaignForm(request.POST or None), "发起降本活动", save, reverse("improve:campaigns")
    )


@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    require(can_manage_campaign(request.user, campaign))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.campaign_update(
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            savings_target=data["savings_target"],
            description=data["description"],
            participants=[
                org_from_input(actor=request.user, code=code) for code in _codes(data["participant_codes"])
            ],
        )
        messages.success(request, "已保存。")
        return redirect("improve:campaign", pk=campaign.pk)

    initial = initial_from(
        campaign,
        forms.CampaignEditForm,
        participant_codes=",".join(p.code for p in campaign.participants.order_by("path")),
    )
    return _form(
        request,
        forms.CampaignEditForm(request.POST or None, initial=initial),
        f"修改降本活动“{campaign.name}”",
        save,
        reverse("improve:campaign", args=[campaign.pk]),
        note=f"发起党委（{campaign.organization.name}）不能修改。",
    )
