"""Pages of advocacy campaigns. Thin: parse, call a service or a selector, render."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from qixin.core import access, listing
from qixin.core.access import require
from qixin.core.forms import initial_from
from qixin.core.pages import AuthedRequest, form_page, titled_form_page
from qixin.orgs.selectors import org_from_input

from . import forms, selectors, services
from .permissions import can_delete_share, can_manage_campaign

TOP_PARTICIPANTS = 50  # the campaign page ranks its 50 most active participants, and says so


_form = partial(titled_form_page, template="advocacy/form.html")


CAMPAIGN_LIST = listing.register("advocacy:index")
SHARE_LIST = listing.register("advocacy:campaign")  # the shares registered, on the campaign's page


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    rows = selectors.campaign_list_for(actor=request.user)
    return listing.show(request, CAMPAIGN_LIST, rows, template="advocacy/index.html")


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
        "by_person": selectors.participation_by_person_for(
            actor=request.user, campaign=campaign, limit=TOP_PARTICIPANTS
        ),
        "top_participants": TOP_PARTICIPANTS,
        "mine": list(selectors.share_list_for(actor=request.user, campaign=campaign).filter(person_id=own))
        if own
        else [],
        "manages": can_manage_campaign(request.user, campaign),
        "ended": campaign.ends_on is not None and campaign.ends_on < timezone.localdate(),
        "shares": listing.listing(
            request, SHARE_LIST, selectors.share_list_for(actor=request.user, campaign=campaign)
        ),
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
        person = selectors.participant_for(actor=request.user, employee_no=data["employee_no"])
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


@login_required
def campaign_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    require(can_manage_campaign(request.user, campaign))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.campaign_update(actor=request.user, campaign=campaign, **data)
        messages.success(request, "已保存。")
        return redirect("advocacy:campaign", pk=campaign.pk)

    initial = initial_from(campaign, forms.CampaignEditForm)
    return _form(
        request,
        forms.CampaignEditForm(request.POST or None, initial=initial),
        f"修改代言活动“{campaign.name}”",
        save,
        reverse("advocacy:campaign", args=[campaign.pk]),
        note=(f"发起组织（{campaign.organization.name}）不能修改。活动期间须包含已登记的全部分享。"),
    )


@login_required
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get_for(actor=request.user, pk=pk)
    require(can_manage_campaign(request.user, campaign))

    def save(data: dict[str, Any]) -> HttpResponse:
        services.campaign_close(actor=request.user, campaign=campaign, on=data["on"])
        messages.success(request, f"“{campaign.name}”已结束。")
        return redirect("advocacy:campaign", pk=campaign.pk)

    return _form(
        request,
        forms.CampaignCloseForm(request.POST or None, initial={"on": timezone.localdate()}),
        f"结束代言活动“{campaign.name}”",
        save,
        reverse("advocacy:campaign", args=[campaign.pk]),
        note="结束后不能再登记结束日期之后的分享；已登记的分享和参与情况保留。",
        submit_label="确认结束",
    )


@login_required
def share_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    share = selectors.share_get_for(actor=request.user, pk=pk)
    require(can_delete_share(request.user, share))
    campaign_pk = share.campaign_id

    def save(data: dict[str, Any]) -> HttpResponse:
        services.share_delete(actor=request.user, share=share)
        messages.success(request, "已删除该分享登记。")
        return redirect("advocacy:campaign", pk=campaign_pk)

    reach = f"，触达{share.reach}人" if share.reach is not None else ""
    link = f"，链接 {share.link}" if share.link else ""
    return _form(
        request,
        forms.ConfirmForm(request.POST if request.method == "POST" else None),
        f"删除{share.person.name}的分享登记",
        save,
        reverse("advocacy:campaign", args=[campaign_pk]),
        note=(
            f"“{share.campaign.name}”：{share.shared_on:%Y-%m-%d} {share.get_channel_display()}{link}{reach}。"
            "用于删除登记错误的记录；删除后不再计入参与情况，操作记入日志。"
        ),
        submit_label="确认删除",
    )
