"""Render an ApplicationError raised under a page: the message in Chinese, the right status."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from . import audit, gate
from .actions import record_request_refusal
from .errors import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in value for _key, values in request.GET.lists() for value in values):
            # No database can store a NUL character, and no form or link of ours sends one.
            return self.refuse(request, ApplicationError("invalid", "请求参数中包含不允许的控制字符。"))
        with audit.source(client_address(request)):
            return self.get_response(request)

    @staticmethod
    def refuse(request: HttpRequest, error: ApplicationError) -> HttpResponse:
        if request.path.startswith("/api/"):
            from .api import error_body

            return JsonResponse(
                error_body(error), status=error.status, json_dumps_params={"ensure_ascii": False}
            )
        return render(request, "core/error.html", {"error": error}, status=error.status)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        # A visitor who must stay unknown (anonymous_channel): a refusal there (a stopped QR code, a
        # mistyped follow-up code) names no one to audit, and its address and path are not kept.
        anonymous = getattr(request, ANONYMOUS_CHANNEL, False)
        if not anonymous:
            record_request_refusal(request, exception)
        if exception.status == 404:
            # Nothing in the body that tells a forbidden object from a missing one.
            response = render(request, "core/not_found.html", status=404)
        else:
            template = "core/partials/_error.html" if getattr(request, "htmx", False) else "core/error.html"
            response = render(request, template, {"error": exception}, status=exception.status)
        return unlogged(response) if anonymous else response


ANONYMOUS_CHANNEL = "qixin_anonymous_channel"


def anonymous_channel(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark a page whose visitors must stay unknown (the employee voice's QR pages, which promise
    that no network address is recorded): its writes are audited without a source address, its
    refusals are not audited at all (ApplicationErrorMiddleware), and its refusals are not written to
    the request log, whose lines carry the path (a follow-up code, typed right or wrong)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        setattr(request, ANONYMOUS_CHANNEL, True)
        with audit.source(""):
            response = view(request, *args, **kwargs)
        return unlogged(response) if response.status_code >= 400 else response

    return wrapped


def unlogged(response: HttpResponse) -> HttpResponse:
    """Django's request log skips a response it has already logged; mark this one so. Only answers a
    page chose (a refusal, 请稍后重试): an unexpected server error is still logged, for the operators."""
    setattr(response, "_has_been_logged", True)  # noqa: B010  (django.utils.log.log_response)
    return response


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind a proxy, set QIXIN_TRUSTED_PROXY so X-Forwarded-For is used."""
    from django.conf import settings

    if getattr(settings, "QIXIN_TRUSTED_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return str(forwarded).split(",")[0].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


class LanguageMiddleware:
    """Chinese, whatever the browser asks for.

    Django's LocaleMiddleware would follow the browser's Accept-Language, which on many office
    computers is English; the product's language is Chinese (DESIGN.md), and it offers no other until
    an issue asks for one (the strings stay in gettext)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", settings.LANGUAGE_CODE)
        return response


class AccountSecurityMiddleware:
    """A session that has not passed every step its account requires (core.gate) reaches the page of
    that step, logout and static files, nothing else: every other page redirects to the step, and
    every API call, whatever its prefix, is refused with the step named."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        step = gate.pending_step(request.user)
        if step is not None and not _open_during(step, request.path):
            return _step_required(request, step)
        return self.get_response(request)


def _open_during(step: gate.Step, path: str) -> bool:
    """The only paths a session with a pending step may reach."""
    from django.conf import settings
    from django.urls import reverse

    static = "/" + settings.STATIC_URL.lstrip("/")
    return path in (reverse(step.value), reverse("logout"), reverse("login")) or path.startswith(static)


def _step_required(request: HttpRequest, step: gate.Step) -> HttpResponse:
    from django.shortcuts import redirect
    from django.urls import reverse

    if request.path.startswith("/api/"):
        from .api import error_body  # (as in refuse(): the API kernel loads ninja)

        body = error_body(ApplicationError("step_required", gate.MESSAGES[step], status=403))
        return JsonResponse(body, status=403, json_dumps_params={"ensure_ascii": False})
    if request.headers.get("HX-Request") == "true":  # (django-htmx's middleware runs later)
        # A partial swap would put the step's page inside another page: send the browser there.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse(step.value)
        return response
    return redirect(step.value)


def unreadable_body_error(exc: Exception) -> ApplicationError:
    """What to answer, in Chinese, for a request body Django refused to read (a SuspiciousOperation
    while parsing it, or a MultiPartParserError)."""
    from django.conf import settings
    from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        return ApplicationError(
            "too_large", f"提交的内容过大：除上传的文件外，不能超过{limit:g} MB。", status=413
        )
    if isinstance(exc, TooManyFieldsSent):
        return ApplicationError("invalid", "提交的字段过多，无法处理。")
    if isinstance(exc, TooManyFilesSent):
        return ApplicationError("invalid", "一次提交的文件过多，无法处理。")
    return ApplicationError(
        "invalid", "无法读取提交的内容：表单格式有误（例如 multipart/form-data 缺少 boundary 分隔符）。"
    )


class RequestBodyMiddleware:
    """A page's POST body Django refuses to read (over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a
    multipart form without its boundary) is the client's mistake: a 400 or 413 in Chinese, with DEBUG on
    or off. Otherwise the CSRF check, the first to read it, would end in Django's English 400 page, or
    its technical page under DEBUG. The form is parsed here once and everything after reads that parse.

    Not the API's: there a JSON body is read as raw bytes, which a parsed multipart stream no longer
    has; the API's exception handler answers the same errors the same way."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.core.exceptions import SuspiciousOperation
        from django.http.multipartparser import MultiPartParserError

        if request.method == "POST" and not request.path.startswith("/api/"):
            try:
                request.POST  # noqa: B018  (the parse is the point)
            except (SuspiciousOperation, MultiPartParserError) as exc:
                return ApplicationErrorMiddleware.refuse(request, unreadable_body_error(exc))
            except OSError:
                pass  # the client went away mid-upload: left to the CSRF check and the view, as before
        return self.get_response(request)
