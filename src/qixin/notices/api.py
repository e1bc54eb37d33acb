"""/api/v1/notices: the same services and selectors as the pages."""

from typing import Any, Literal

from django.http import FileResponse
from ninja import File, Form, Router, Status, UploadedFile
from ninja.pagination import paginate

from qixin.core.api import ObjectId, Pagination
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input

from . import selectors, services
from .schemas import NoticeIn, NoticeOut, NoticeRowOut, ReceiptOut, WithdrawIn

router = Router(tags=["通知公告"])

Show = Literal["unread", "to_me", "published", "outstanding"]


@router.get("", response=list[NoticeRowOut], summary="通知列表（发给我的，及我所管理组织发布的）")
@paginate(Pagination)
def notice_list(request: AuthedRequest, show: Show | None = None) -> Any:
    rows = selectors.notice_list_for(actor=request.user)
    return rows.filter(selectors.SHOW[show]) if show else rows


@router.post("", response={201: NoticeOut}, summary="发布通知（multipart：字段与附件 attachment）")
def notice_create(
    request: AuthedRequest,
    payload: Form[NoticeIn],
    attachment: File[UploadedFile | None] = None,
) -> Any:
    org = org_from_input(actor=request.user, code=payload.org_code)
    audience = (
        org_from_input(actor=request.user, code=payload.audience_code) if payload.audience_code else None
    )
    notice = services.notice_publish(
        actor=request.user,
        organization=org,
        audience=audience,
        audience_kind=payload.audience_kind,
        title=payload.title,
        body=payload.body,
        attachment=attachment,
    )
    return Status(201, notice)


@router.get("/{pk}", response=NoticeOut, summary="通知详情（读者打开即记为已读）")
def notice_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    services.notice_open(actor=request.user, notice=notice)
    return notice


@router.get("/{pk}/attachment", response={200: None}, summary="下载附件")
def notice_attachment(request: AuthedRequest, pk: ObjectId) -> FileResponse:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    handle = services.attachment_open(actor=request.user, notice=notice)
    return FileResponse(
        handle, as_attachment=True, filename=notice.attachment_name, content_type=notice.attachment_type
    )


@router.get("/{pk}/receipts", response=list[ReceiptOut], summary="阅读情况（谁已读、谁未读）")
@paginate(Pagination)
def notice_receipts(request: AuthedRequest, pk: ObjectId) -> Any:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    return selectors.receipt_list_for(actor=request.user, notice=notice)


@router.post("/{pk}/withdraw", response=NoticeOut, summary="撤回通知")
def notice_withdraw(request: AuthedRequest, pk: ObjectId, payload: WithdrawIn | None = None) -> Any:
    notice = selectors.notice_get_for(actor=request.user, pk=pk)
    return services.notice_withdraw(
        actor=request.user, notice=notice, reason=payload.reason if payload is not None else ""
    )
