"""One way to run a POST action from a page, and the one refusal policy of pages, API and CLI.

The policy (the same whichever way a request comes in):
- an input that does not validate is a form error in Chinese (a 400), never a 500, and the service
  is not called;
- a refusal (an ApplicationError whose status is 403, or 404 for an object outside the actor's
  scope, which looks the same as a missing one) is answered with that status and audited once,
  after the refused service's transaction has rolled back: on a page by ApplicationErrorMiddleware,
  in the API by its exception handler, on the command line by handles_errors, each calling
  `record_refusal`;
- any other ApplicationError (a rule of the service: a closed campaign, a date in the future) is
  told to the user where the action was started, not audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import audit
from .errors import REFUSAL_STATUSES, ApplicationError, is_refusal
from .models import User
from .pages import form_error

__all__ = ["REFUSAL_STATUSES", "action", "is_refusal", "post_action", "record_refusal"]

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def record_refusal(*, actor: User | Any, attempt: str, error: ApplicationError) -> None:
    """Audit a refusal once (nothing for any other error). The entry points call it, never a service."""
    if is_refusal(error):
        audit.refusal(actor=actor, attempt=attempt, error=error)


def record_request_refusal(request: HttpRequest, error: ApplicationError) -> None:
    """A page's or an API call's refusal: audited when the request meant to change something."""
    if request.method not in SAFE_METHODS:
        record_refusal(
            actor=getattr(request, "user", None), attempt=f"{request.method} {request.path}", error=error
        )


# The page actions (a POST from a button or a small form on another page), by view: the refusal
# matrix in the tests posts to each of them as every role that may not take it.
ACTION_VIEWS: list[Callable[..., HttpResponse]] = []


def post_action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page action: logged in, POST only, listed in ACTION_VIEWS. The view calls `action()`."""
    wrapped = login_required(require_POST(view))
    setattr(wrapped, "qixin_action", True)  # noqa: B010
    ACTION_VIEWS.append(wrapped)
    return wrapped


def is_action_view(view: Any) -> bool:
    return bool(getattr(view, "qixin_action", False))


def cleaned(form: forms.Form | None) -> dict[str, Any]:
    """The form's cleaned data, or a 400 ApplicationError in Chinese listing what is wrong."""
    if form is None:
        return {}
    if not form.is_valid():
        raise form_error(form)
    return form.cleaned_data


def action(
    request: HttpRequest,
    *,
    run: Callable[[dict[str, Any]], Any],
    back: str,
    done: str | Callable[[Any], str] = "",
    form: forms.Form | None = None,
    failed: Callable[[ApplicationError], HttpResponse] | None = None,
    answer: Callable[[Any], HttpResponse] | None = None,
) -> HttpResponse:
    """Validate `form`, then `run(cleaned_data)` (the service call); on success say `done` and go to
    `back` (or return `answer(result)`).

    A form that does not validate, or a rule of the service that refuses the input, goes to `failed`
    (by default: the message in red and back to `back`). A refusal of the actor (403/404) is not
    caught here: it goes up to ApplicationErrorMiddleware, which answers with its status and audits
    it once, as every page does.
    """
    try:
        result = run(cleaned(form))
    except ApplicationError as exc:
        if is_refusal(exc):
            raise
        if failed is not None:
            return failed(exc)
        messages.error(request, str(exc))
        return redirect(back)
    if answer is not None:
        return answer(result)
    text = done(result) if callable(done) else done
    if text:
        messages.success(request, text)
    return redirect(back)
