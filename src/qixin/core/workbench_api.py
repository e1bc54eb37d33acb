"""GET /api/v1/workbench: the reader's workbench (工作台), the same sections and items as the home page."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from . import workbench
from .pages import AuthedRequest

router = Router(tags=["工作台"])


class WorkbenchItemOut(Schema):
    label: str
    count: int | None  # None: a way in (a form to fill), not a count
    url: str
    urgent: bool
    note: str


class WorkbenchSectionOut(Schema):
    key: str
    label: str
    pending: int
    items: list[WorkbenchItemOut]


@router.get(
    "/workbench",
    response={200: list[WorkbenchSectionOut]},
    summary="我的工作台：各类待办事项的数量与办理页面",
)
def workbench_get(request: AuthedRequest) -> Any:
    return workbench.workbench_for(request.user)
