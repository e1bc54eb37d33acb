"""The API of every kind of file in core.tabular_kinds: import (multipart upload, with a dry run),
export and template, under /api/v1/import|export|template/{kind}. An import answers as every import
operation does (core.api.report_out), and its problems in the one error format (ErrorOut)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpResponseBase
from ninja import Field, File, Router, Schema, UploadedFile

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


@router.get("/export/{kind}", response={200: None}, summary="导出（与导入格式相同；个人敏感字段脱敏）")
def export_file(request: AuthedRequest, kind: str, format: Format = "xlsx") -> HttpResponseBase:
    spec = tabular_kinds.get(kind)
    return download(lambda path: spec.export(actor=request.user, path=path), f"{spec.label}.{format}")


class ClearExportIn(Schema):
    reason: str = Field(description="明文导出的事由（至少4个字），记入审计日志")
    format: Format = "xlsx"


@router.post(
    "/export/{kind}/clear",
    response={200: None},
    summary="明文导出（个人敏感字段对有权查看者不脱敏；须填写事由，记入审计）",
)
def export_clear(request: AuthedRequest, kind: str, payload: ClearExportIn) -> HttpResponseBase:
    spec = tabular_kinds.get(kind)
    return download(
        lambda path: spec.export(actor=request.user, path=path, reason=payload.reason),
        f"{spec.label}（明文）.{payload.format}",
    )


@router.get("/template/{kind}", response={200: None}, summary="空白导入模板（含一行示例）")
def template_file(request: AuthedRequest, kind: str, format: Format = "xlsx") -> HttpResponseBase:
    spec = tabular_kinds.get(kind)
    return download(spec.template, f"{spec.label}导入模板.{format}")
