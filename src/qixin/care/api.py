"""/api/v1/care: the same services and selectors as the pages, so the same scope and messages.

The public intake is a page, not an API: it is meant for a phone's browser behind a QR code."""

from typing import Any

from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from qixin.core.api import ObjectId, Pagination
from qixin.core.pages import AuthedRequest
from qixin.orgs import selectors as org_selectors

from . import selectors, services
from .models import Moderation
from .schemas import (
    AssignIn,
    CalendarDayIn,
    CalendarDayOut,
    CalendarRangeIn,
    CalendarRangeOut,
    CalendarYearIn,
    CareWishWithdrawIn,
    CloseIn,
    ForwardIn,
    FulfilIn,
    HeldModerateIn,
    ModerateIn,
    NotificationOut,
    PointOut,
    StatsIn,
    StatsReportOut,
    TeamOut,
    TextIn,
    TicketDetailOut,
    TicketFiltersIn,
    TicketOut,
    WishClaimIn,
    WishOut,
    WishPublishIn,
)

router = Router(tags=["员工心声"])


@router.get("/tickets", response=list[TicketOut], summary="事项列表（本人所在团队及所管理组织的）")
@paginate(Pagination)
def ticket_list(request: AuthedRequest, filters: Query[TicketFiltersIn]) -> Any:
    return selectors.ticket_list_for(
        actor=request.user,
        filters=selectors.TicketFilters(
            status=filters.status,
            kind=filters.kind,
            moderation=filters.moderation,
            mine=filters.mine,
            overdue=filters.overdue,
        ),
    )


def _detail(request: AuthedRequest, pk: int) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    ticket.history = selectors.ticket_messages_for(actor=request.user, ticket=ticket)  # type: ignore[attr-defined]
    return ticket


@router.get("/tickets/{pk}", response={200: TicketDetailOut}, summary="事项详情（含内部备注）")
def ticket_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    return _detail(request, pk)


@router.post("/tickets/{pk}/answer", response={200: TicketDetailOut}, summary="答复（员工可见）")
def ticket_answer(request: AuthedRequest, pk: ObjectId, payload: TextIn) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    services.ticket_answer(actor=request.user, ticket=ticket, body=payload.body)
    return _detail(request, pk)


@router.post("/tickets/{pk}/notes", response={200: TicketDetailOut}, summary="内部备注")
def ticket_note(request: AuthedRequest, pk: ObjectId, payload: TextIn) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    services.ticket_note(actor=request.user, ticket=ticket, body=payload.body)
    return _detail(request, pk)


@router.post("/tickets/{pk}/close", response={200: TicketDetailOut}, summary="办结")
def ticket_close(request: AuthedRequest, pk: ObjectId, payload: CloseIn) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    services.ticket_close(actor=request.user, ticket=ticket, result=payload.result)
    return _detail(request, pk)


@router.post("/tickets/{pk}/assign", response={200: TicketDetailOut}, summary="分派给团队成员")
def ticket_assign(request: AuthedRequest, pk: ObjectId, payload: AssignIn) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    assignee = selectors.assignee_from_input(payload.user_id)
    services.ticket_assign(actor=request.user, ticket=ticket, assignee=assignee)
    return _detail(request, pk)


@router.post(
    "/tickets/{pk}/moderate",
    response={200: TicketDetailOut},
    summary="审核（隐藏、垃圾信息；不删除）",
)
def ticket_moderate(request: AuthedRequest, pk: ObjectId, payload: ModerateIn) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    services.ticket_moderate(actor=request.user, ticket=ticket, moderation=payload.moderation)
    return _detail(request, pk)


@router.get("/held", response=list[TicketOut], summary="待审核（疑似刷屏）的提交")
@paginate(Pagination)
def held_list(request: AuthedRequest) -> Any:
    return selectors.held_ticket_list_for(actor=request.user)


HELD_ACTIONS = {"release": Moderation.VISIBLE, "discard": Moderation.SPAM}


@router.post(
    "/held/moderate",
    response={200: list[TicketOut]},
    summary="放行或标为垃圾信息（待审核的提交，全部或全不）",
)
def held_moderate(request: AuthedRequest, payload: HeldModerateIn) -> Any:
    tickets = selectors.tickets_to_moderate_for(actor=request.user, pks=payload.ids)
    return services.held_tickets_moderate(
        actor=request.user, tickets=tickets, moderation=HELD_ACTIONS[payload.action]
    )


@router.post("/tickets/{pk}/forward", response={200: TicketDetailOut}, summary="建议转入合理化建议")
def ticket_forward(request: AuthedRequest, pk: ObjectId, payload: ForwardIn) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    services.ticket_forward_suggestion(actor=request.user, ticket=ticket, topic=payload.topic)
    return _detail(request, pk)


@router.post("/tickets/{pk}/wish", response={201: WishOut}, summary="心愿上墙（须员工同意公开）")
def wish_publish(request: AuthedRequest, pk: ObjectId, payload: WishPublishIn) -> Any:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    wish = services.wish_publish(actor=request.user, ticket=ticket, title=payload.title, text=payload.text)
    return Status(201, wish)


@router.get("/teams", response=list[TeamOut], summary="连心桥团队")
@paginate(Pagination)
def team_list(request: AuthedRequest) -> Any:
    return selectors.team_list_for(actor=request.user)


@router.get("/points", response=list[PointOut], summary="二维码收集点")
@paginate(Pagination)
def point_list(request: AuthedRequest) -> Any:
    return selectors.point_list_for(actor=request.user)


@router.get("/stats", response={200: StatsReportOut}, summary="办理统计（按团队及组织合计）")
def stats(request: AuthedRequest, params: Query[StatsIn]) -> Any:
    org = org_selectors.org_get_for(actor=request.user, code=params.org)
    total, rows = selectors.ticket_stats_for(actor=request.user, org=org, start=params.start, end=params.end)
    fields = ("label", "team_id", "tickets", "answered", "closed", "overdue", "rated")
    decimals = ("response_hours", "close_days", "overdue_share", "satisfaction")

    def out(s: selectors.Stats) -> dict[str, Any]:
        return {f: getattr(s, f) for f in fields + decimals}

    return {"total": out(total), "teams": [out(r) for r in rows]}


@router.get(
    "/calendar",
    response={200: list[CalendarDayOut]},
    summary="工作日历（某年的节假日与调休上班日）",
)
@paginate(Pagination)
def calendar_list(request: AuthedRequest, params: Query[CalendarYearIn]) -> Any:
    return selectors.calendar_day_list_for(actor=request.user, year=params.year or timezone.localdate().year)


def _calendar_org(request: AuthedRequest, code: str) -> Any:
    return org_selectors.org_from_input(actor=request.user, code=code) if code else None


@router.post("/calendar", response={200: CalendarDayOut}, summary="登记或修改一天（节假日或调休上班）")
def calendar_set(request: AuthedRequest, payload: CalendarDayIn) -> Any:
    return services.calendar_day_set(
        actor=request.user,
        day=payload.day,
        is_workday=payload.is_workday,
        name=payload.name,
        organization=_calendar_org(request, payload.org),
    )


@router.post("/calendar/range", response={200: CalendarRangeOut}, summary="连续多天登记为同一类型（如国庆）")
def calendar_range_set(request: AuthedRequest, payload: CalendarRangeIn) -> Any:
    return services.calendar_days_set(
        actor=request.user,
        first=payload.day,
        last=payload.until,
        is_workday=payload.is_workday,
        name=payload.name,
        organization=_calendar_org(request, payload.org),
    )


@router.delete("/calendar/{pk}", response={204: None}, summary="删除一条工作日历登记")
def calendar_remove(request: AuthedRequest, pk: ObjectId) -> Any:
    entry = selectors.calendar_day_get_for(actor=request.user, pk=pk)
    services.calendar_day_remove(actor=request.user, entry=entry)
    return Status(204, None)


@router.get("/wishes", response={200: list[WishOut]}, summary="心愿墙")
@paginate(Pagination)
def wish_list(request: AuthedRequest, org: str) -> Any:
    organization = org_selectors.org_get_for(actor=request.user, code=org)
    return selectors.wish_wall_for(actor=request.user, org=organization)


@router.post("/wishes/{pk}/claim", response={200: WishOut}, summary="认领心愿（本人或以党支部名义）")
def wish_claim(request: AuthedRequest, pk: ObjectId, payload: WishClaimIn) -> Any:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    branch = (
        org_selectors.org_get_for(actor=request.user, code=payload.branch_code)
        if payload.branch_code
        else None
    )
    return services.wish_claim(actor=request.user, wish=wish, branch=branch)


@router.post("/wishes/{pk}/fulfil", response={200: WishOut}, summary="心愿已实现")
def wish_fulfil(request: AuthedRequest, pk: ObjectId, payload: FulfilIn) -> Any:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    return services.wish_fulfil(actor=request.user, wish=wish, fulfilment=payload.fulfilment)


@router.post("/wishes/{pk}/release", response={200: WishOut}, summary="解除心愿认领（重新待认领）")
def wish_release(request: AuthedRequest, pk: ObjectId) -> Any:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    return services.wish_release(actor=request.user, wish=wish)


@router.post("/wishes/{pk}/withdraw", response={200: WishOut}, summary="从心愿墙撤下心愿")
def wish_withdraw(request: AuthedRequest, pk: ObjectId, payload: CareWishWithdrawIn) -> Any:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    return services.wish_withdraw(actor=request.user, wish=wish, reason=payload.reason)


@router.get("/notifications", response=list[NotificationOut], summary="我的通知")
@paginate(Pagination)
def notification_list(request: AuthedRequest) -> Any:
    return selectors.notifications_for(actor=request.user)
