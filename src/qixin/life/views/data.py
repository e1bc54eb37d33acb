"""Imports, exports and spreadsheet templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase

from qixin.core import tabular
from qixin.core.pages import AuthedRequest, download, import_view

from .. import importers


@login_required
def import_page(request: AuthedRequest) -> HttpResponse:
    return import_view(
        request,
        runner=importers.import_meetings,
        template="life/import.html",
        context={"columns": importers.COLUMNS},
    )


@login_required
def template_download(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return download(lambda path: tabular.write_template(path, importers.COLUMNS), f"会议记录导入模板.{fmt}")


@login_required
def export(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return download(lambda path: importers.export_meetings(actor=request.user, path=path), f"会议记录.{fmt}")
