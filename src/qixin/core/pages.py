"""What every page view shares: form errors in Chinese, HTMX partial or full page, file imports with
a preview, and downloads."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ApplicationError, Problem, is_refusal
from .models import User
from .tabular import Report


class AuthedRequest(HttpRequest):
    """A request behind login_required: its user is a real account."""

    user: User


def render_htmx(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """HTMX asks for the partial; a plain request gets the full page that includes it."""
    template = partial if getattr(request, "htmx", False) else page
    return render(request, template, context, status=status)


def form_error(form: forms.Form) -> ApplicationError:
    problems = [
        Problem(message=str(message), field=None if name == "__all__" else str(form.fields[name].label))
        for name, messages in form.errors.items()
        for message in messages
    ]
    return ApplicationError("invalid", "填写的内容有误，请修改后再提交。", problems)


def import_view(
    request: AuthedRequest,
    *,
    runner: Callable[..., Report],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Upload → dry-run preview (every problem listed, nothing written) → confirm → apply.

    Between the two steps the upload waits, encrypted and private, under a random token
    (core.imports.preview_stage); it is deleted when the confirmation runs, whatever its outcome,
    or when it expires. A refusal of the actor (403, 404) is a refusal page, audited; a problem
    with the file is shown above the form with its 4xx status.
    """
    from .forms import ImportForm
    from .imports import preview_stage, preview_take, upload_bytes

    ctx = dict(context)
    status = 200
    if request.method == "POST" and request.POST.get("token"):
        name = request.POST.get("filename", "upload.xlsx")
        try:
            data = preview_take(user=request.user, token=request.POST["token"])
            ctx["report"] = runner(actor=request.user, data=data, filename=name)
        except ApplicationError as exc:
            if is_refusal(exc):
                raise
            ctx["error"], status = exc, exc.status
        ctx["form"] = ImportForm()
        return render(request, template, ctx, status=status)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            data = upload_bytes(upload)
            ctx["preview"] = runner(actor=request.user, data=data, filename=upload.name, dry_run=True)
        except ApplicationError as exc:
            if is_refusal(exc):
                raise
            ctx["error"], status = exc, exc.status
        else:
            ctx["token"], ctx["filename"] = preview_stage(user=request.user, data=data), upload.name
    elif request.method == "POST":
        status = 400
    ctx["form"] = form
    return render(request, template, ctx, status=status)


def download(path_writer: Callable[[Path], Any], filename: str) -> FileResponse:
    """Write a file with `path_writer` into a temporary file and send it."""
    suffix = Path(filename).suffix
    handle = tempfile.NamedTemporaryFile(suffix=suffix, delete=False)  # noqa: SIM115  (FileResponse closes it)
    handle.close()
    path = Path(handle.name)
    try:
        path_writer(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    path.unlink()
    return response


def form_page(
    request: HttpRequest,
    *,
    form: forms.Form,
    context: dict[str, Any],
    template: str,
    on_valid: Callable[[dict[str, Any]], HttpResponse],
) -> HttpResponse:
    """Show a form; on POST validate it and call `on_valid`. A refusal (ApplicationError) shows the
    same form again with the reasons above it and everything the user typed kept."""
    status = 200
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise form_error(form)
            return on_valid(form.cleaned_data)
        except ApplicationError as exc:
            if is_refusal(exc):
                raise  # a refusal is a refusal page (and an audit entry), not a form to correct
            context = {**context, "error": exc}
            status = 400
    return render(request, template, {**context, "form": form}, status=status)


def titled_form_page(
    request: HttpRequest,
    form: forms.Form,
    title: str,
    on_valid: Callable[[dict[str, Any]], HttpResponse],
    cancel_url: str,
    *,
    template: str,
    note: str = "",
    submit_label: str = "",
    **extra: Any,
) -> HttpResponse:
    """form_page with a title, a way back and an optional note above the form. A closing action
    (dissolve, close, withdraw) passes its consequence as `note` and its own `submit_label`, so the
    page is the confirmation step and nothing happens before it is posted."""
    return form_page(
        request,
        form=form,
        context={
            "title": title,
            "action": request.path,
            "cancel_url": cancel_url,
            "note": note,
            "submit_label": submit_label,
            **extra,
        },
        template=template,
        on_valid=on_valid,
    )
