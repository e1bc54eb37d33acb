"""What every API router shares: token authentication, the error body, Chinese validation messages,
input types that refuse what the database cannot store."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

from django.http import HttpRequest
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from ninja.security import HttpBearer, SessionAuth
from pydantic import Field, field_validator

from . import gate, selectors
from .errors import ApplicationError
from .params import EARLIEST_DAY, EARLIEST_YEAR, ISO_DATE, LARGEST_ID, LATEST_DAY, LATEST_YEAR

if TYPE_CHECKING:
    from .tabular import Report

ObjectId = Annotated[int, Field(ge=1, le=LARGEST_ID)]
# The years and dates the application computes with, as on the pages (core.params).
Year = Annotated[int, Field(ge=EARLIEST_YEAR, le=LATEST_YEAR)]
Day = Annotated[date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]


def _refuse_pending(user: Any, *, session: bool) -> None:
    """The login gate (core.gate) holds for the API as for the pages: a user with a step still to
    take (an initial password, a second factor) is refused, whichever way the request authenticated."""
    step = gate.pending_step(user, session=session)
    if step is not None:
        raise ApplicationError("step_required", gate.MESSAGES[step], status=403)


class TokenAuth(HttpBearer):
    """Authorization: Bearer <personal token>. The request then acts as the token's owner."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = selectors.api_token_user(token)
        if user is not None:
            _refuse_pending(user, session=False)
            request.user = user
        return user


class GatedSessionAuth(SessionAuth):
    """The browser's session (for the interactive documentation), once it has passed the login gate."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            _refuse_pending(user, session=True)
        return user


class Input(Schema):
    """Base of every input schema: text without NUL characters (PostgreSQL cannot store them)."""

    @field_validator("*", mode="before")
    @classmethod
    def no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError("包含不允许的控制字符")
        return value.strip() if isinstance(value, str) else value


def _has_nul(value: Any) -> bool:
    """A NUL anywhere in the value: in a text, or in the texts of a list (pillars, codes) or object."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


class ProblemOut(Schema):
    message: str
    row: int | None = None
    column: str | None = None
    field: str | None = None


class ErrorOut(Schema):
    code: str
    message: str
    problems: list[ProblemOut] = []


# The error responses every operation answers (400, 401, 403, 404, 413, 422, each an ErrorOut) are
# added to the OpenAPI document by qixin.api.QixinAPI; an operation declares only others. An import
# also answers 409 when another import holds the database (core.imports).
IMPORT_ERRORS: dict[int, Any] = {409: ErrorOut}


class Pagination(LimitOffsetPagination):
    """limit/offset paging with bounds: at most 500 rows a page, and an offset a database can use."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500, description="每页条数（1–500）")
        offset: int = Field(0, ge=0, le=2**31 - 1, description="跳过的条数")


class ImportReportOut(Schema):
    dry_run: bool
    created: int
    updated: int
    unchanged: int
    changes: list[str]


def report_out(report: Report) -> dict[str, Any]:
    """An import's report as every import operation returns it (ImportReportOut)."""
    return {
        "dry_run": report.dry_run,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "changes": report.changes,
    }


def error_body(exc: ApplicationError) -> dict[str, Any]:
    return {
        "code": exc.code,
        "message": exc.message,
        "problems": [
            {"message": p.message, "row": p.row, "column": p.column, "field": p.field} for p in exc.problems
        ],
    }


# Pydantic's error types in the Chinese the pages use.
PYDANTIC_MESSAGES = {
    "missing": "必填，不能为空",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否（true/false）",
    "date_parsing": "不是有效日期，请写成 2020-07-01 的形式",
    "date_from_datetime_parsing": "不是有效日期，请写成 2020-07-01 的形式",
    "date_type": "不是有效日期，请写成 2020-07-01 的形式",
    "string_too_long": "内容过长",
    "string_too_short": "不能为空",
    "string_type": "应为文字",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "greater_than": "数值过小",
    "less_than": "数值过大",
    "enum": "不是可选值",
    "literal_error": "不是可选值",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "格式不对",
    "dict_type": "格式不对",
    "list_type": "应为列表",
    "extra_forbidden": "不认识的字段",
    "value_error": "取值无效",
    "int_from_float": "应为整数",
}


def validation_body(errors: list[dict[str, Any]]) -> dict[str, Any]:
    problems = []
    for error in errors:
        location = [
            str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")
        ]
        message = PYDANTIC_MESSAGES.get(str(error.get("type")), "取值无效")
        ctx = error.get("ctx") or {}
        message = _bound_message(str(error.get("type")), ctx) or message
        if error.get("type") == "value_error" and ctx.get("error"):
            message = str(ctx["error"])
        problems.append(
            {"message": message, "field": ".".join(location) or None, "row": None, "column": None}
        )
    return {"code": "invalid", "message": "提交的内容有误。", "problems": problems}


def _bound_message(kind: str, ctx: dict[str, Any]) -> str | None:
    """A bound broken, with the bound itself: "不能早于1900-01-01", "不能大于500"."""
    for key, for_date, for_number in (
        ("ge", "不能早于", "不能小于"),
        ("gt", "应晚于", "应大于"),
        ("le", "不能晚于", "不能大于"),
        ("lt", "应早于", "应小于"),
    ):
        if kind.startswith(("greater", "less")) and key in ctx:
            bound = str(ctx[key])  # a date bound comes written YYYY-MM-DD
            return f"{for_date if ISO_DATE.fullmatch(bound) else for_number}{bound}"
    return None
