"""Imports, exports and spreadsheet templates."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from qixin.core import tabular
from qixin.core.pages import AuthedRequest, download, import_view

from .. import importers


def _kind(kind: str) -> importers.Kind:
    found = importers.KINDS.get(kind)
    if found is None:
        raise Http404
    return found


def _fmt(fmt: str) -> str:
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return fmt


@login_required
def import_page(request: AuthedRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    return import_view(
        request,
        runner=spec.runner,
        template="improve/import.html",
        context={"columns": spec.columns, "kind": kind, "label": spec.label},
    )


@login_required
def export(request: AuthedRequest, kind: str, fmt: str) -> HttpResponseBase:
    spec, fmt = _kind(kind), _fmt(fmt)
    return download(lambda path: spec.exporter(actor=request.user, path=path), f"{spec.label}.{fmt}")


@login_required
def template_download(request: AuthedRequest, kind: str, fmt: str) -> HttpResponseBase:
    spec, fmt = _kind(kind), _fmt(fmt)
    return download(lambda path: tabular.write_template(path, spec.columns), f"{spec.label}导入模板.{fmt}")


@login_required
def data_page(request: AuthedRequest) -> HttpResponse:
    return render(request, "improve/data.html", {"kinds": importers.KINDS})
