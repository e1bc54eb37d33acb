"""/api/v1/orgs: the same services and selectors as the pages, so the same scope and messages."""

from typing import Any

from ninja import File, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from qixin.core import imports
from qixin.core.api import IMPORT_ERRORS, ImportReportOut, ObjectId, Pagination, report_out
from qixin.core.pages import AuthedRequest
from qixin.people import selectors as person_selectors

from . import importers, selectors, services
from .schemas import (
    FindingOut,
    OrgCreateIn,
    OrgDetailOut,
    OrgElectionOut,
    OrgElectionRecordIn,
    OrgFilters,
    OrgOut,
    OrgUpdateIn,
    PositionAssignIn,
    PositionDetailOut,
    PositionEndIn,
    PositionFiltersIn,
)

router = Router(tags=["组织"])


@router.get("/", response={200: list[OrgOut]}, summary="组织列表")
@paginate(Pagination)
def org_list(request: AuthedRequest, filters: Query[OrgFilters]) -> Any:
    return selectors.org_list_for(
        actor=request.user,
        search=filters.q,
        kind=filters.kind or "",
        include_dissolved=filters.include_dissolved,
    )


def _detail(request: AuthedRequest, pk: int) -> dict[str, Any]:
    page = selectors.org_page_for(actor=request.user, pk=pk)
    org = page.org
    return {
        **{
            f: getattr(org, f)
            for f in ("id", "code", "name", "kind", "unit", "established_on", "dissolved_on", "depth")
        },
        "get_kind_display": org.get_kind_display(),
        "parent_code": page.ancestors[-1].code if page.ancestors else None,
        "full_members": page.full,
        "probationary_members": page.probationary,
        "employees": page.employees,
        "positions": page.positions,
        "last_election_on": page.last_election.held_on if page.last_election else None,
        "next_election_due": page.next_election_due,
    }


@router.get("/{int:pk}", response={200: OrgDetailOut}, summary="组织详情")
def org_detail(request: AuthedRequest, pk: ObjectId) -> Any:
    return _detail(request, pk)


@router.get("/{int:pk}/health", response={200: list[FindingOut]}, summary="健康检查（含下级）")
def org_health(request: AuthedRequest, pk: ObjectId) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    return selectors.org_health_for(actor=request.user, org=org)


@router.post("/", response={201: OrgDetailOut}, summary="新建组织")
def org_create(request: AuthedRequest, payload: OrgCreateIn) -> Any:
    parent = (
        selectors.org_get_for(actor=request.user, code=payload.parent_code) if payload.parent_code else None
    )
    org = services.org_create(
        actor=request.user,
        parent=parent,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        unit=payload.unit,
        established_on=payload.established_on,
    )
    return Status(201, _detail(request, org.pk))


@router.patch("/{int:pk}", response={200: OrgDetailOut}, summary="修改组织（更名、所在单位、成立日期）")
def org_update(request: AuthedRequest, pk: ObjectId, payload: OrgUpdateIn) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    services.org_update(actor=request.user, org=org, **payload.model_dump(exclude_unset=True))
    return _detail(request, pk)


@router.post("/import", response={200: ImportReportOut, **IMPORT_ERRORS}, summary="导入组织（xlsx 或 csv）")
def org_import(request: AuthedRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    report = importers.import_orgs(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)


# --- positions (党内职务) and elections (换届选举) -------------------------------------------------


@router.get(
    "/{int:pk}/positions",
    response={200: list[PositionDetailOut]},
    summary="组织的职务（默认只列在任）",
)
def position_list(request: AuthedRequest, pk: ObjectId, filters: Query[PositionFiltersIn]) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    return list(selectors.position_list_for(actor=request.user, org=org, include_ended=filters.include_ended))


@router.post("/{int:pk}/positions", response={201: PositionDetailOut}, summary="任命职务")
def position_assign(request: AuthedRequest, pk: ObjectId, payload: PositionAssignIn) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    person = person_selectors.person_from_input(actor=request.user, employee_no=payload.employee_no)
    position = services.position_assign(
        actor=request.user,
        org=org,
        person_id=person.pk,
        title=payload.title,
        custom_title=payload.custom_title,
        started_on=payload.started_on,
        ended_on=payload.ended_on,
        replace_current=payload.replace_current,
    )
    return Status(201, selectors.position_get_for(actor=request.user, pk=position.pk))


@router.post("/positions/{int:pk}/end", response={200: PositionDetailOut}, summary="办理离任")
def position_end(request: AuthedRequest, pk: ObjectId, payload: PositionEndIn) -> Any:
    position = selectors.position_get_for(actor=request.user, pk=pk)
    return services.position_end(actor=request.user, position=position, ended_on=payload.ended_on)


@router.post(
    "/positions/import", response={200: ImportReportOut, **IMPORT_ERRORS}, summary="导入职务（xlsx 或 csv）"
)
def position_import(request: AuthedRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    report = importers.import_positions(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)


@router.get("/{int:pk}/elections", response={200: list[OrgElectionOut]}, summary="换届选举记录")
def election_list(request: AuthedRequest, pk: ObjectId) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    return list(selectors.election_list_for(actor=request.user, org=org))


@router.post("/{int:pk}/elections", response={201: OrgElectionOut}, summary="记录换届选举")
def election_record(request: AuthedRequest, pk: ObjectId, payload: OrgElectionRecordIn) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    election = services.election_record(
        actor=request.user,
        org=org,
        held_on=payload.held_on,
        term_years=payload.term_years,
        note=payload.note,
    )
    return Status(201, election)
