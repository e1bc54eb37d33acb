"""Pages of the care teams and committees. Thin: parse the request, call a service or a selector,
render. The public pages (intake, follow-up) are in public_views.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qixin.core.access import require
from qixin.core.errors import ApplicationError, NotFound
from qixin.core.pages import AuthedRequest, form_page
from qixin.core.selectors import user_named
from qixin.orgs import selectors as org_selectors

from . import forms, qr, selectors, services
from .models import Moderation, TicketKind, TicketStatus, WebhookFormat
from .permissions import can_edit_calendar, can_release_claim, can_withdraw_wish


def _act(request: AuthedRequest, action: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """Run one service; tell the user what happened (or why not) and go back to the page."""
    try:
        action()
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(back)


# --- tickets --------------------------------------------------------------------------------------


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    filters = selectors.TicketFilters(
        status=request.GET.get("status", ""),
        kind=request.GET.get("kind", ""),
        moderation=request.GET.get("moderation", Moderation.VISIBLE),
        mine=request.GET.get("mine") == "1",
        overdue=request.GET.get("overdue") == "1",
    )
    tickets = selectors.ticket_list_for(actor=request.user, filters=filters)
    page = Paginator(tickets, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "statuses": TicketStatus.choices,
        "kinds": TicketKind.choices,
        "moderations": Moderation.choices,
        "unread": selectors.notifications_for(actor=request.user, unread_only=True).count(),
        "held": selectors.held_ticket_list_for(actor=request.user).count(),
    }
    return render(request, "care/index.html", context)


HELD_ACTIONS = {
    "release": (Moderation.VISIBLE, "已放行{n}件，转入待办并通知团队。"),
    "discard": (Moderation.SPAM, "已将{n}件标为垃圾信息（不删除）。"),
}


@login_required
def held(request: AuthedRequest) -> HttpResponse:
    """The moderation queue: submissions held by the intake's limits (待审核), to release to the
    team or mark as spam, one by one or all those ticked."""
    if request.method == "POST":
        pks = sorted({int(v) for v in request.POST.getlist("ticket") if v.isascii() and v.isdigit()})
        moderation, done = HELD_ACTIONS.get(request.POST.get("action", ""), ("", ""))

        def moderate() -> None:
            tickets = selectors.tickets_to_moderate_for(actor=request.user, pks=pks)
            services.held_tickets_moderate(actor=request.user, tickets=tickets, moderation=moderation)

        return _act(request, moderate, done.format(n=len(pks)), reverse("care:held"))
    page = Paginator(selectors.held_ticket_list_for(actor=request.user), 100).get_page(
        request.GET.get("page")
    )
    return render(request, "care/held.html", {"page": page})


@login_required
def ticket_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    context = {
        "ticket": ticket,
        "messages_all": selectors.ticket_messages_for(actor=request.user, ticket=ticket),
        "assignable": selectors.assignable_for(actor=request.user, ticket=ticket),
        # What a moderator may set by hand: nobody holds a ticket (services.MODERATION_CHANGES).
        "moderations": [(v, label) for v, label in Moderation.choices if v != Moderation.HELD],
        "wish": getattr(ticket, "wish", None) if ticket.kind == TicketKind.WISH else None,
    }
    return render(request, "care/ticket.html", context)


@login_required
def ticket_photo(request: AuthedRequest, pk: int) -> FileResponse:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    if not ticket.photo:
        raise NotFound()
    return FileResponse(ticket.photo.open("rb"), content_type="image/jpeg")


def _ticket_action(name: str) -> Callable[[AuthedRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def view(request: AuthedRequest, pk: int) -> HttpResponse:
        ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
        data, actor = request.POST, request.user
        back = reverse("care:ticket", args=[pk])
        actions: dict[str, tuple[Callable[[], Any], str]] = {
            "answer": (
                lambda: services.ticket_answer(actor=actor, ticket=ticket, body=data.get("body", "")),
                "已答复。",
            ),
            "note": (
                lambda: services.ticket_note(actor=actor, ticket=ticket, body=data.get("body", "")),
                "已记录备注。",
            ),
            "close": (
                lambda: services.ticket_close(actor=actor, ticket=ticket, result=data.get("result", "")),
                "已办结。",
            ),
            "assign": (
                lambda: services.ticket_assign(
                    actor=actor,
                    ticket=ticket,
                    assignee=selectors.assignee_from_input(int(data.get("assignee") or 0)),
                ),
                "已分派。",
            ),
            "moderate": (
                lambda: services.ticket_moderate(
                    actor=actor, ticket=ticket, moderation=data.get("moderation", "")
                ),
                "审核状态已更新。",
            ),
            "forward": (
                lambda: services.ticket_forward_suggestion(
                    actor=actor, ticket=ticket, topic=data.get("topic", "")
                ),
                "已转入合理化建议。",
            ),
            "publish": (
                lambda: services.wish_publish(
                    actor=actor, ticket=ticket, title=data.get("title", ""), text=data.get("text", "")
                ),
                "心愿已上墙。",
            ),
        }
        action, done = actions[name]
        return _act(request, action, done, back)

    return view


ticket_answer = _ticket_action("answer")
ticket_note = _ticket_action("note")
ticket_close = _ticket_action("close")
ticket_assign = _ticket_action("assign")
ticket_moderate = _ticket_action("moderate")
ticket_forward = _ticket_action("forward")
wish_publish = _ticket_action("publish")


# --- teams and intake points -------------------------------------------------------------------


@login_required
def teams(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":

        def create() -> None:
            org = org_selectors.org_get_for(actor=request.user, code=request.POST.get("org", "").strip())
            services.team_create(
                actor=request.user,
                organization=org,
                name=request.POST.get("name", ""),
                webhook_url=request.POST.get("webhook_url", ""),
                webhook_format=request.POST.get("webhook_format", ""),
            )

        return _act(request, create, "已建立团队。", reverse("care:teams"))
    context = {
        "teams": selectors.team_list_for(actor=request.user),
        "formats": WebhookFormat.choices,
    }
    return render(request, "care/teams.html", context)


@login_required
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = selectors.team_get_for(actor=request.user, pk=pk)
    if request.method == "POST":
        back = reverse("care:team", args=[pk])
        action = request.POST.get("action")
        if action == "point":
            return _act(
                request,
                lambda: services.point_create(
                    actor=request.user, team=team, name=request.POST.get("name", "")
                ),
                "已新建收集点。",
                back,
            )
        if action in ("disable", "enable"):
            point = selectors.point_get_for(actor=request.user, pk=int(request.POST.get("point") or 0))
            return _act(
                request,
                lambda: services.point_set_active(actor=request.user, point=point, active=action == "enable"),
                "已启用收集点。" if action == "enable" else "已停用收集点。",
                back,
            )
        if action == "remove":
            members = selectors.team_members_for(actor=request.user, team=team)
            member = next((m for m in members if str(m.pk) == request.POST.get("member")), None)
            if member is None:
                raise NotFound()
            return _act(
                request,
                lambda: services.team_member_remove(actor=request.user, member=member),
                "已移出团队。",
                back,
            )

        def add_member() -> None:
            user = user_named(request.POST.get("username", "").strip(), active=True)
            if user is None:
                raise ApplicationError("no_user", "找不到该用户名（工号）。")
            services.team_member_add(
                actor=request.user, team=team, user=user, is_leader=request.POST.get("is_leader") == "1"
            )

        return _act(request, add_member, "已加入团队。", back)
    context = {
        "team": team,
        "members": selectors.team_members_for(actor=request.user, team=team),
        "points": selectors.point_list_for(actor=request.user, team=team),
        "deliveries": selectors.deliveries_for(actor=request.user, team=team)[:20],
    }
    return render(request, "care/team.html", context)


def _intake_url(request: AuthedRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("care:intake", args=[token]))


@login_required
def point_qr(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    point = selectors.point_get_for(actor=request.user, pk=pk)
    url = _intake_url(request, point.token)
    if fmt == "svg":
        return HttpResponse(qr.svg(url), content_type="image/svg+xml")
    if fmt == "png":
        return HttpResponse(qr.png(url), content_type="image/png")
    if fmt == "pdf":
        data = qr.poster(url=url, org_name=point.organization.name, point_name=point.name)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="poster-{point.pk}.pdf"'
        return response
    raise NotFound()


# --- the working-day calendar -----------------------------------------------------------------


def _year(value: str, default: int) -> int:
    try:
        year = int(value)
    except ValueError:
        return default
    return year if 1900 <= year <= 2100 else default


@login_required
def calendar(request: AuthedRequest) -> HttpResponse:
    """The year's holidays and 调休 working days (global, and of the organizations the user manages),
    and the form that adds or changes one day or a run of days."""
    from django.utils import timezone

    year = _year(request.GET.get("year", ""), timezone.localdate().year)
    days = list(selectors.calendar_day_list_for(actor=request.user, year=year))
    orgs = selectors.calendar_orgs_for(actor=request.user)
    initial: dict[str, Any] = {"kind": forms.HOLIDAY, "org": orgs[0].code if orgs else ""}
    edit = request.GET.get("edit", "")
    # isascii too: "²".isdigit() is true, and int("²") fails.
    if edit.isascii() and edit.isdigit():
        entry = selectors.calendar_day_get_for(actor=request.user, pk=int(edit))
        # The same predicate as the service's: a mark the user sees but may not change (a global one,
        # for a party worker) is not offered for editing only to be refused on saving.
        if can_edit_calendar(request.user, entry.organization):
            initial = {
                "day": entry.day,
                "kind": forms.WORKDAY if entry.is_workday else forms.HOLIDAY,
                "name": entry.name,
                "org": entry.organization.code if entry.organization else "",
            }
        elif entry.organization is None:
            messages.error(request, "您不能修改这条登记：全局登记只有系统管理员可以修改。")
        else:
            messages.error(request, f"您不能修改“{entry.organization.name}”的工作日历。")

    def save(data: dict[str, Any]) -> HttpResponse:
        org = org_selectors.org_from_input(actor=request.user, code=data["org"]) if data["org"] else None
        is_workday = data["kind"] == forms.WORKDAY
        first, last = data["day"], data["until"] or data["day"]
        if last == first:
            entry = services.calendar_day_set(
                actor=request.user, day=first, is_workday=is_workday, name=data["name"], organization=org
            )
            done = f"已登记：{entry.day.isoformat()} {entry.kind_label}。"
        else:
            change = services.calendar_days_set(
                actor=request.user,
                first=first,
                last=last,
                is_workday=is_workday,
                name=data["name"],
                organization=org,
            )
            done = f"已登记{len(change.days)}天{change.days[0].kind_label}。"
            if change.unchanged:
                kind = "工作日" if is_workday else "休息日"
                done += f"其中{len(change.unchanged)}天本来就是{kind}，未登记。"
        messages.success(request, done)
        return redirect(f"{reverse('care:calendar')}?year={first.year}")

    context = {
        "days": days,
        "year": year,
        "orgs": orgs,
        "editing": "day" in initial,
        "action": reverse("care:calendar") + f"?year={year}",
    }
    return form_page(
        request,
        form=forms.CalendarDayForm(request.POST or None, initial=initial),
        context=context,
        template="care/calendar.html",
        on_valid=save,
    )


@login_required
def calendar_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET asks to confirm; POST removes (a refusal is a refusal page and an audit entry)."""
    entry = selectors.calendar_day_get_for(actor=request.user, pk=pk)
    if request.method == "POST":
        services.calendar_day_remove(actor=request.user, entry=entry)
        messages.success(request, f"已删除：{entry.day.isoformat()} {entry.kind_label}。")
        return redirect(f"{reverse('care:calendar')}?year={entry.day.year}")
    return render(request, "care/calendar_remove.html", {"entry": entry})


# --- statistics -------------------------------------------------------------------------------


def _date(value: str, default: date) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return default


@login_required
def stats(request: AuthedRequest) -> HttpResponse:
    from django.utils import timezone

    roots = org_selectors.org_roots_for(actor=request.user)
    code = request.GET.get("org", "")
    org = org_selectors.org_get_for(actor=request.user, code=code) if code else (roots[0] if roots else None)
    today = timezone.localdate()
    start = _date(request.GET.get("from", ""), today.replace(month=1, day=1))
    end = _date(request.GET.get("to", ""), today)
    context: dict[str, Any] = {"org": org, "start": start, "end": end}
    if org is not None:
        total, rows = selectors.ticket_stats_for(actor=request.user, org=org, start=start, end=end)
        context |= {"total": total, "rows": rows}
    return render(request, "care/stats.html", context)


# --- wishes -------------------------------------------------------------------------------------


@login_required
def wall(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    roots = selectors.wall_orgs_for(actor=request.user)
    if pk is None:
        if not roots:
            return render(request, "care/wall.html", {"org": None, "wishes": [], "branches": []})
        return redirect("care:wall_of", pk=roots[0].pk)
    org = org_selectors.org_get_for(actor=request.user, pk=pk)
    wishes = selectors.wish_wall_for(actor=request.user, org=org)
    from qixin.core import access

    context = {
        "org": org,
        "wishes": wishes[:200],
        "branches": org_selectors.org_list_for(actor=request.user, kind="branch").filter(
            access.org_filter(request.user, "path", level="manage")
        )[:50],
    }
    return render(request, "care/wall.html", context)


@login_required
@require_POST
def wish_claim(request: AuthedRequest, pk: int) -> HttpResponse:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    code = request.POST.get("branch", "")

    def claim() -> None:
        branch = org_selectors.org_get_for(actor=request.user, code=code) if code else None
        services.wish_claim(actor=request.user, wish=wish, branch=branch)

    return _act(request, claim, "已认领，谢谢您！", reverse("care:wall_of", args=[wish.organization_id]))


@login_required
@require_POST
def wish_fulfil(request: AuthedRequest, pk: int) -> HttpResponse:
    wish = selectors.wish_get_for(actor=request.user, pk=pk)
    return _act(
        request,
        lambda: services.wish_fulfil(
            actor=request.user, wish=wish, fulfilment=request.POST.get("fulfilment", "")
        ),
        "心愿已点亮。",
        reverse("care:wall_of", args=[wish.organization_id]),
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


# --- notifications ------------------------------------------------------------------------------


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(actor=request.user)
        return redirect("care:notifications")
    items = selectors.notifications_for(actor=request.user).select_related("ticket")[:100]
    return render(request, "care/notifications.html", {"items": items})
