"""The API of every kind of file in core.tabular_kinds: import (multipart upload, with a dry run),
export and template, under /api/v1/import|export|template/{kind}. An import answers as every import
operation does (core.api.report_out), and its problems in the one error format (ErrorOut)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponseBase
from ninja import File, Router, UploadedFile

from . import imports, tabular_kinds
from .api import IMPORT_ERRORS, ImportReportOut, report_out
from .pages import AuthedRequest, download

router = Router(tags=["导入导出"])

Format = Literal["xlsx", "csv"]


@router.post(
    "/import/{kind}",
    response={200: ImportReportOut, **IMPORT_ERRORS},
    summary="导入文件（xlsx 或 csv；kind 见 docs/import-formats.md）",
)
def import_file(request: AuthedRequest, kind: str, file: File[UploadedFile], dry_run: bool = False) -> Any:
    spec = tabular_kinds.get(kind)
    report = spec.run(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)


@router.get("/export/{kind}", response={200: None}, summary="导出（与导入格式相同）")
def export_file(request: AuthedRequest, kind: str, format: Format = "xlsx") -> HttpResponseBase:
    spec = tabular_kinds.get(kind)
    return download(lambda path: spec.export(actor=request.user, path=path), f"{spec.label}.{format}")


@router.get("/template/{kind}", response={200: None}, summary="空白导入模板（含一行示例）")
def template_file(request: AuthedRequest, kind: str, format: Format = "xlsx") -> HttpResponseBase:
    spec = tabular_kinds.get(kind)
    return download(spec.template, f"{spec.label}导入模板.{format}")
