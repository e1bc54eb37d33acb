"""The public pages: the intake page behind a QR code, and the follow-up page behind a code.

No login, no JavaScript needed, a few kilobytes on a phone (inside WeChat's browser too). Nothing here
logs or stores who is writing (core.middleware.anonymous_channel: no address in the audit log, no
audited refusal, no request-log line): the device cookie is a random token that only feeds the limits
in the cache, and the client address only a generous ceiling on follow-up look-ups there.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from qixin.core.errors import ApplicationError, NotFound
from qixin.core.middleware import anonymous_channel, client_address

from . import limits, selectors, services
from .models import TicketKind, TicketStatus

DEVICE_COOKIE = "qx_device"
DEVICE_MAX_AGE = 365 * 24 * 3600
METHODS = ["GET", "POST"]
# A refused form whose nonce cannot be sent again gets a new one; any other keeps its own, so that
# the form is still the one fetched when the employee started writing (limits.py).
NONCE_REFUSALS = (services.FORM_INVALID, services.FORM_EXPIRED)


def _device(request: HttpRequest) -> str:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    return value if 16 <= len(value) <= 64 and value.isascii() else ""


def _keep_device(request: HttpRequest, device: str, response: HttpResponse) -> HttpResponse:
    if device != _device(request):
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax", path="/care/"
        )
    return response


def _intake_page(
    request: HttpRequest, point: Any, device: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context = {"point": point, "kinds": TicketKind.choices, "values": {}, **context}
    context["nonce"] = context.get("nonce") or services.new_nonce(point=point, device=device)
    response = render(request, "care/public/intake.html", context, status=status)
    return _keep_device(request, device, response)


@anonymous_channel
@never_cache
def intake(request: HttpRequest, token: str) -> HttpResponse:
    # No require_http_methods: it writes the refused path to the request log by itself.
    if request.method not in METHODS:
        return HttpResponseNotAllowed(METHODS)
    try:
        point = selectors.point_by_token(token)
    except NotFound:
        return render(request, "care/public/not_found.html", {"what": "point"}, status=404)
    # The form is given to this phone's device cookie, a new one when it has none yet.
    device = _device(request) or secrets.token_urlsafe(18)
    if request.method == "GET":
        return _intake_page(request, point, device, {})
    data = request.POST
    values = {k: data.get(k, "") for k in ("kind", "body", "name", "employee_no", "wish_consent")}
    if data.get("website"):
        # The honeypot field is invisible to people; a bot that fills it gets a plain thank-you.
        return render(request, "care/public/received.html", {"point": point, "code": ""})
    try:
        upload = request.FILES.get("photo")
        ticket, code, _ = services.ticket_submit(
            point=point,
            kind=values["kind"],
            body=values["body"],
            nonce=data.get("nonce", ""),
            name="" if data.get("anonymous") else values["name"],
            employee_no="" if data.get("anonymous") else values["employee_no"],
            photo=upload.file if upload else None,
            photo_size=upload.size or 0 if upload else 0,
            wish_consent=bool(values["wish_consent"]),
            device=_device(request),
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise
        nonce = "" if exc.code in NONCE_REFUSALS else data.get("nonce", "")
        context = {"error": exc, "values": values, "nonce": nonce}
        return _intake_page(request, point, device, context, status=exc.status)
    response = render(request, "care/public/received.html", {"point": point, "code": code, "ticket": ticket})
    return _keep_device(request, device, response)


@anonymous_channel
@never_cache
def follow_lookup(request: HttpRequest) -> HttpResponse:
    code = services.normalize_code(request.GET.get("code", ""))
    if code:
        return redirect("care:follow", code=code)
    return render(request, "care/public/lookup.html", {"asked": "code" in request.GET})


@anonymous_channel
@never_cache
def follow(request: HttpRequest, code: str) -> HttpResponse:
    if request.method not in METHODS:
        return HttpResponseNotAllowed(METHODS)
    limits.check_lookup(device=_device(request), address=client_address(request))
    try:
        ticket = services.ticket_by_code(code)
    except NotFound:
        # A mistyped code: said on the public page (the employee has no account, and the staff
        # layout would show them the staff's menu), with the form to type it again.
        return render(request, "care/public/lookup.html", {"asked": True, "unknown": True}, status=404)
    context: dict[str, Any] = {"code": services.normalize_code(code)}
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "rate":
                services.ticket_rate(code=code, rating=int(request.POST.get("rating") or 0))
                context["notice"] = "感谢您的评价。"
            else:
                services.ticket_reply(code=code, body=request.POST.get("body", ""))
                context["notice"] = "已收到您的追问，我们会尽快答复。"
        except ApplicationError as exc:
            error = exc
        except ValueError:
            error = ApplicationError("invalid", "评价有误。")
        if error is not None and request.POST.get("action") != "rate":
            context["body"] = request.POST.get("body", "")  # what was typed is kept
        ticket = services.ticket_by_code(code)
    context |= {
        "error": error,
        "ticket": ticket,
        "messages_public": selectors.public_messages(ticket),
        "can_rate": ticket.status != TicketStatus.OPEN or ticket.first_response_at is not None,
        "reopens": ticket.status == TicketStatus.CLOSED,  # a reply reopens it (services.ticket_reply)
        "stars": [5, 4, 3, 2, 1],
    }
    status = error.status if error is not None else 200
    device = _device(request) or secrets.token_urlsafe(18)
    return _keep_device(request, device, render(request, "care/public/follow.html", context, status=status))
