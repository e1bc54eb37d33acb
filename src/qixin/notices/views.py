"""Pages of notices. Thin: parse, call a service or a selector, render."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from qixin.core import access, listing
from qixin.core.actions import action, post_action
from qixin.core.pages import AuthedRequest, form_page
from qixin.core.params import query_choice
from qixin.orgs.selectors import org_from_input, org_roots_for

from . import forms, selectors, services
from .permissions import can_manage_notice, can_publish


@dataclass(frozen=True)
class Show:
    """?show=unread|to_me|published|outstanding: one view of the list (selectors.SHOW)."""

    param: str = "show"

    def value(self, request: HttpRequest) -> Any:
        return query_choice(request, self.param, selectors.SHOW)

    def apply(self, rows: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return rows.filter(selectors.SHOW[value])


@dataclass(frozen=True)
class ReadState:
    """?state=read|unread: the readers who have read the notice, or those who have not yet."""

    param: str = "state"

    def value(self, request: HttpRequest) -> Any:
        return query_choice(request, self.param, ("read", "unread"))

    def apply(self, rows: QuerySet[Any], value: Any) -> QuerySet[Any]:
        return rows.filter(read_at__isnull=value == "unread")


NOTICE_LIST = listing.register("notices:index", filters=(Show(),), search=("title",))
RECEIPT_LIST = listing.register("notices:receipts", filters=(ReadState(),), search=("person__name",))


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    rows = selectors.notice_list_for(actor=request.user)
    return listing.show(
        request,
        NOTICE_LIST,
        rows,
        template="notices/index.html",
        context={
            "publishes": access.manages_any_org(request.user),
            "shows": selectors.SHOW_LABELS,
            "show": request.GET.get("show", ""),
        },
    )


def _own_org_code(request: AuthedRequest) -> str:
    roots = org_roots_for(actor=request.user)
    return next((org.code for org in roots if can_publish(request.user, org)), "")


@login_required
def notice_new(request: AuthedRequest) -> HttpResponse:
    def save(data: dict[str, Any]) -> HttpResponse:
        org = org_from_input(actor=request.user, code=data["org"])
        audience = org_from_input(actor=request.user, code=data["audience"]) if data["audience"] else None
        notice = services.notice_publish(
            actor=request.user,
            organization=org,
            audience=audience,
            audience_kind=data["audience_kind"],
            title=data["title"],
            body=data["body"],
            attachment=data["attachment"],
        )
        messages.success(request, f"已发布“{notice.title}”，发送给{notice.expected_count}人。")
        return redirect("notices:detail", pk=notice.pk)

    return form_page(
        request,
        form=forms.NoticeForm(
            request.POST or None,
            request.FILES or None,
            # the organization the reader keeps, so that a secretary need not know its code
            initial={"org": request.GET.get("org") or _own_org_code(request)},
        ),
        context={
            "title": "发布通知",
            "action": request.path,
            "cancel_url": reverse("notices:index"),
            "multipart": True,
            "note": "通知发送给发送范围内的党员（或全体人员），发布时在范围内的人员收到；"
            "发布后可查看谁已读、谁未读。",
        },
        template="notices/form.html",
        on_valid=save,
    )


@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    services.notice_open(actor=request.user, notice=notice)
    manages = can_manage_notice(request.user, notice)
    return render(
        request,
        "notices/detail.html",
        {
            "notice": notice,
            "manages": manages,
            "n_read": selectors.read_count(notice) if manages else None,
            "withdraw_form": forms.WithdrawForm(),
        },
    )


@login_required
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    handle = services.attachment_open(actor=request.user, notice=notice)
    response = FileResponse(
        handle, as_attachment=True, filename=notice.attachment_name, content_type=notice.attachment_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def receipts(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    rows = selectors.receipt_list_for(actor=request.user, notice=notice)
    return listing.show(
        request,
        RECEIPT_LIST,
        rows,
        template="notices/receipts.html",
        context={
            "notice": notice,
            "n_read": selectors.read_count(notice),
            "state": request.GET.get("state", ""),
        },
    )


@post_action
def notice_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.WithdrawForm(request.POST),
        run=lambda data: services.notice_withdraw(actor=request.user, notice=notice, reason=data["reason"]),
        done=f"已撤回“{notice.title}”。",
        back=reverse("notices:detail", args=[notice.pk]),
    )
