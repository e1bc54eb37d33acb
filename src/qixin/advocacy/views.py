"""Pages of advocacy campaigns. Thin: parse, call a service or a selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import access
from qixin.core.errors import ApplicationError
from qixin.core.pages import AuthedRequest, form_page
from qixin.orgs.selectors import org_from_input
from qixin.people.models import Person
from qixin.people.selectors import person_from_input

from . import forms, selectors, services


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    rows = selectors.campaign_list_for(actor=request.user)
    return render(request, "advocacy/index.html", {"campaigns": list(rows[:200]), "total": rows.count()})


@login_required
def campaign_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        org = org_from_input(actor=request.user, code=data.pop("org"))
        campaign = services.campaign_create(actor=request.user, organization=org, **data)
        messages.success(request, f"已发起“{campaign.name}”。")
        return redirect("advocacy:campaign", pk=campaign.pk)

    return form_page(
        request,
        form=forms.CampaignForm(request.POST or None),
        context={"title": "发起代言活动", "action": request.path, "cancel_url": reverse("advocacy:index")},
        template="advocacy/form.html",
        on_valid=save,
    )


def _campaign_context(request: AuthedRequest, pk: int) -> dict[str, Any]:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    own = access.scope_for(request.user).person_id
    return {
        "campaign": campaign,
        "items": list(campaign.items.all()),
        "by_branch": selectors.participation_by_branch_for(actor=request.user, campaign=campaign),
        "by_person": selectors.participation_by_person_for(actor=request.user, campaign=campaign, limit=50),
        "mine": list(selectors.share_list_for(actor=request.user, campaign=campaign).filter(person_id=own))
        if own
        else [],
        "manages": access.manages_org(request.user, campaign.organization),
        "content_form": forms.ContentForm(),
        "action": reverse("advocacy:share", args=[campaign.pk]),
    }


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    context = _campaign_context(request, pk)
    context["form"] = forms.ShareForm()
    return render(request, "advocacy/campaign.html", context)


@login_required
def share_new(request: AuthedRequest, pk: int) -> HttpResponse:
    context = _campaign_context(request, pk)
    campaign = context["campaign"]

    def save(data: dict[str, Any]) -> HttpResponse:
        if data["employee_no"]:
            person = person_from_input(actor=request.user, employee_no=data["employee_no"])
        else:
            own = access.scope_for(request.user).person_id
            person_row = Person.objects.select_related("organization").filter(pk=own).first() if own else None
            if person_row is None:
                raise ApplicationError("no_person", "您的账号未关联人员信息，请填写参与人工号。")
            person = person_row
        services.share_register(
            actor=request.user,
            campaign=campaign,
            person=person,
            channel=data["channel"],
            link=data["link"],
            reach=data["reach"],
            shared_on=data["shared_on"],
        )
        messages.success(request, "已登记。")
        return redirect("advocacy:campaign", pk=campaign.pk)

    return form_page(
        request,
        form=forms.ShareForm(request.POST or None),
        context=context,
        template="advocacy/campaign.html",
        on_valid=save,
    )


@login_required
def content_new(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)

    def save(data: dict[str, Any]) -> HttpResponse:
        services.content_add(actor=request.user, campaign=campaign, **data)
        messages.success(request, "已添加传播内容。")
        return redirect("advocacy:campaign", pk=campaign.pk)

    return form_page(
        request,
        form=forms.ContentForm(request.POST or None),
        context={
            "title": f"为“{campaign.name}”添加传播内容",
            "action": request.path,
            "cancel_url": reverse("advocacy:campaign", args=[campaign.pk]),
        },
        template="advocacy/form.html",
        on_valid=save,
    )
