"""The REST API under /api/v1: each app's router mounted here, one error format, token auth.

OpenAPI: /api/v1/openapi.json; interactive documentation: /api/v1/docs.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from qixin.advocacy.api import router as advocacy_router
from qixin.brand.api import router as brand_router
from qixin.care.api import router as care_router
from qixin.core.actions import record_request_refusal
from qixin.core.api import ErrorOut, GatedSessionAuth, TokenAuth, error_body, validation_body
from qixin.core.errors import ApplicationError
from qixin.core.middleware import unreadable_body_error
from qixin.core.tabular_api import router as files_router
from qixin.core.workbench_api import router as workbench_router
from qixin.improve.api import router as improve_router
from qixin.life.api import router as life_router
from qixin.mobilize.api import router as mobilize_router
from qixin.notices.api import router as notices_router
from qixin.orgs.api import router as orgs_router
from qixin.people.api import router as people_router
from qixin.reports.api import router as reports_router


class ChineseJSONRenderer(JSONRenderer):
    """Chinese text as characters, not \\u escapes: readable in logs and by people."""

    json_dumps_params = {"ensure_ascii": False}


# Every operation can answer with these, in the ErrorOut format, through the handlers below.
ERROR_RESPONSES = {
    "400": "请求有误（说明在 message 与 problems 中）",
    "401": "未认证：缺少或无效的 API 令牌",
    "403": "无权进行此操作",
    "404": "未找到（或不在您的权限范围内）",
    "413": "提交的内容过大",
    "422": "参数校验未通过（逐项说明在 problems 中）",
}


class QixinAPI(NinjaAPI):
    """The API, whose OpenAPI document lists the error responses of every operation."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorOut" not in components:
            error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(error_schema.pop("$defs", {}))
            components["ErrorOut"] = error_schema
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": description, "content": error})
        return schema


api = QixinAPI(
    renderer=ChineseJSONRenderer(),
    title="旗心 API",
    version="1",
    description="旗心的 REST 接口。以个人 API 令牌认证（Authorization: Bearer 令牌），权限范围与该用户在页面上的一致。",
    auth=[TokenAuth(), GatedSessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    record_request_refusal(request, exc)
    return api.create_response(request, error_body(exc), status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, validation_body(list(exc.errors)), status=422)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    body = {
        "code": "unauthorized",
        "message": "请提供有效的 API 令牌（Authorization: Bearer 令牌）。",
        "problems": [],
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request, {"code": "not_found", "message": "未找到该记录。", "problems": []}, status=404
    )


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def unreadable_body(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE, a multipart form without its boundary...: the client's
    mistake, answered in Chinese (ninja would answer a 500 under DEBUG, Django an English 400 page)."""
    error = unreadable_body_error(exc)
    return api.create_response(request, error_body(error), status=error.status)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(
        request, {"code": "error", "message": str(exc), "problems": []}, status=exc.status_code
    )


api.add_router("", files_router)
api.add_router("", workbench_router)
api.add_router("/orgs", orgs_router)
api.add_router("/people", people_router)
api.add_router("/life", life_router)
api.add_router("/brand", brand_router)
api.add_router("/notices", notices_router)
api.add_router("/mobilize", mobilize_router)
api.add_router("/advocacy", advocacy_router)
api.add_router("/improve", improve_router)
api.add_router("/care", care_router)
api.add_router("/reports", reports_router)
