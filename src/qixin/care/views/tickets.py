"""The ticket queue, the 待审核 queue, a ticket's page and its actions, the notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from qixin.core import listing
from qixin.core.actions import action, post_action
from qixin.core.errors import NotFound
from qixin.core.pages import AuthedRequest
from qixin.core.params import query_choice

from .. import forms, selectors, services
from ..models import Moderation, Ticket, TicketKind, TicketStatus

TICKET_LIST = listing.register("care:index")
HELD_LIST = listing.register("care:held", per_page=100)
NOTIFICATION_LIST = listing.register("care:notifications")

HELD_ACTIONS = {
    "release": (Moderation.VISIBLE, "已放行{n}件，转入待办并通知团队。"),
    "discard": (Moderation.SPAM, "已将{n}件标为垃圾信息（不删除）。"),
}


def _ticket_filters(request: AuthedRequest) -> selectors.TicketFilters:
    """The queue's filters from the query string (a bad value is a 400 in Chinese)."""
    return selectors.TicketFilters(
        state=query_choice(request, "state", selectors.QUEUE_STATES) or selectors.QUEUE_OPEN,
        status=query_choice(request, "status", TicketStatus.values) or "",
        kind=query_choice(request, "kind", TicketKind.values) or "",
        moderation=query_choice(request, "moderation", Moderation.values) or Moderation.VISIBLE,
        mine=request.GET.get("mine") == "1",
        overdue=request.GET.get("overdue") == "1",
        escalated=request.GET.get("escalated") == "1",
    )


@login_required
def index(request: AuthedRequest) -> HttpResponse:
    filters = _ticket_filters(request)
    context = {
        "filters": filters,
        "states": selectors.QUEUE_STATES.items(),
        "statuses": TicketStatus.choices,
        "kinds": TicketKind.choices,
        "moderations": Moderation.choices,
        "unread": selectors.notifications_for(actor=request.user, unread_only=True).count(),
        "held": selectors.held_ticket_list_for(actor=request.user).count(),
    }
    rows = selectors.ticket_list_for(actor=request.user, filters=filters)
    return listing.show(request, TICKET_LIST, rows, template="care/index.html", context=context)


@login_required
def held(request: AuthedRequest) -> HttpResponse:
    """The moderation queue: submissions held by the intake's limits (待审核), to release to the
    team or mark as spam, one by one or all those ticked (POST: an action on several tickets)."""
    if request.method == "POST":
        form = forms.HeldForm(request.POST)

        def moderate(data: dict[str, Any]) -> int:
            tickets = selectors.tickets_to_moderate_for(actor=request.user, pks=sorted(set(data["ticket"])))
            moderation = HELD_ACTIONS[data["action"]][0]
            services.held_tickets_moderate(actor=request.user, tickets=tickets, moderation=moderation)
            return len(tickets)

        return action(
            request,
            form=form,
            run=moderate,
            done=lambda n: HELD_ACTIONS[form.cleaned_data["action"]][1].format(n=n),
            back=reverse("care:held"),
        )
    rows = selectors.held_ticket_list_for(actor=request.user)
    return listing.show(request, HELD_LIST, rows, template="care/held.html")


@login_required
def ticket_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    wish = getattr(ticket, "wish", None) if ticket.kind == TicketKind.WISH else None
    context = {
        "ticket": ticket,
        "messages_all": selectors.ticket_messages_for(actor=request.user, ticket=ticket),
        "assignable": selectors.assignable_for(actor=request.user, ticket=ticket),
        # What a moderator may set by hand: nobody holds a ticket (services.MODERATION_CHANGES).
        "moderations": [(v, label) for v, label in Moderation.choices if v != Moderation.HELD],
        "wish": wish,
        "allowed": selectors.ticket_actions_for(actor=request.user, ticket=ticket, wish=wish),
    }
    return render(request, "care/ticket.html", context)


@login_required
def ticket_photo(request: AuthedRequest, pk: int) -> FileResponse:
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    if not ticket.photo:
        raise NotFound()
    return FileResponse(ticket.photo.open("rb"), content_type="image/jpeg")


def _on_ticket(
    request: AuthedRequest, pk: int, form: Any, run: Callable[[Ticket, dict[str, Any]], Any], done: str
) -> HttpResponse:
    """An action of the ticket's page: the ticket in the actor's scope (else a 404), the form
    validated, then the service; back to the ticket."""
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=form,
        run=lambda data: run(ticket, data),
        done=done,
        back=reverse("care:ticket", args=[pk]),
    )


@post_action
def ticket_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    return _on_ticket(
        request,
        pk,
        forms.TicketBodyForm(request.POST),
        lambda t, d: services.ticket_answer(actor=request.user, ticket=t, body=d["body"]),
        "已答复。",
    )


@post_action
def ticket_note(request: AuthedRequest, pk: int) -> HttpResponse:
    return _on_ticket(
        request,
        pk,
        forms.TicketBodyForm(request.POST),
        lambda t, d: services.ticket_note(actor=request.user, ticket=t, body=d["body"]),
        "已记录备注。",
    )


@post_action
def ticket_close(request: AuthedRequest, pk: int) -> HttpResponse:
    return _on_ticket(
        request,
        pk,
        forms.TicketCloseForm(request.POST),
        lambda t, d: services.ticket_close(actor=request.user, ticket=t, result=d["result"]),
        "已办结。",
    )


@post_action
def ticket_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    def assign(ticket: Ticket, data: dict[str, Any]) -> Any:
        assignee = selectors.assignee_from_input(data["assignee"])
        return services.ticket_assign(actor=request.user, ticket=ticket, assignee=assignee)

    return _on_ticket(request, pk, forms.TicketAssignForm(request.POST), assign, "已分派。")


@post_action
def ticket_moderate(request: AuthedRequest, pk: int) -> HttpResponse:
    return _on_ticket(
        request,
        pk,
        forms.TicketModerateForm(request.POST),
        lambda t, d: services.ticket_moderate(actor=request.user, ticket=t, moderation=d["moderation"]),
        "审核状态已更新。",
    )


@post_action
def ticket_forward(request: AuthedRequest, pk: int) -> HttpResponse:
    return _on_ticket(
        request,
        pk,
        forms.TicketForwardForm(request.POST),
        lambda t, d: services.ticket_forward_suggestion(actor=request.user, ticket=t, topic=d["topic"]),
        "已转入合理化建议。",
    )


@post_action
def ticket_escalate(request: AuthedRequest, pk: int) -> HttpResponse:
    """上报/转办 to the care team above (services.ticket_escalate). The ticket leaves the team's
    scope, so the page goes back to the queue."""
    ticket = selectors.ticket_get_for(actor=request.user, pk=pk)
    return action(
        request,
        form=forms.TicketEscalateForm(request.POST),
        run=lambda d: services.ticket_escalate(actor=request.user, ticket=ticket, reason=d["reason"]),
        done=lambda t: f"已上报至“{t.team.name}”。",
        back=reverse("care:index"),
    )


@post_action
def wish_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    return _on_ticket(
        request,
        pk,
        forms.WishPublishForm(request.POST),
        lambda t, d: services.wish_publish(actor=request.user, ticket=t, title=d["title"], text=d["text"]),
        "心愿已上墙。",
    )


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    """One's own notifications; POST marks them all read (one's own only: nothing to refuse)."""
    if request.method == "POST":
        return action(
            request,
            run=lambda _: services.notifications_mark_read(actor=request.user),
            back=reverse("care:notifications"),
        )
    rows = selectors.notifications_for(actor=request.user).select_related("ticket")
    return listing.show(request, NOTIFICATION_LIST, rows, template="care/notifications.html")
