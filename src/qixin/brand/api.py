"""/api/v1/brand: the same services and selectors as the pages."""

from typing import Any

from ninja import File, Router, Status, UploadedFile
from ninja.pagination import paginate

from qixin.core import imports
from qixin.core.api import IMPORT_ERRORS, ImportReportOut, ObjectId, Pagination, Year, report_out
from qixin.core.pages import AuthedRequest
from qixin.orgs.selectors import org_from_input
from qixin.people.selectors import person_from_input

from . import importers, selectors, services
from .schemas import (
    DeedIn,
    DeedOut,
    EntryOut,
    EvaluationCloseIn,
    EvaluationIn,
    EvaluationOut,
    FrameworkIn,
    FrameworkOut,
    GradeIn,
    RecognitionIn,
    RecognitionOut,
    SelfAssessmentIn,
)

router = Router(tags=["党员品牌"])


@router.get("/frameworks", response=list[FrameworkOut], summary="党员品牌列表")
@paginate(Pagination)
def framework_list(request: AuthedRequest) -> Any:
    return selectors.framework_list_for(actor=request.user)


@router.get(
    "/orgs/{pk}/framework",
    response={200: FrameworkOut | None},
    summary="组织的党员品牌（含沿用上级）",
)
def framework_effective(request: AuthedRequest, pk: ObjectId) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    return selectors.framework_effective_for(actor=request.user, org=org)


@router.put("/orgs/{pk}/framework", response={200: FrameworkOut}, summary="设立或修改本组织的党员品牌")
def framework_define(request: AuthedRequest, pk: ObjectId, payload: FrameworkIn) -> Any:
    org = selectors.org_get_for(actor=request.user, pk=pk)
    return services.framework_define(
        actor=request.user,
        organization=org,
        name=payload.name,
        slogan=payload.slogan,
        description=payload.description,
        pillars=payload.pillars,
    )


@router.get("/people/{pk}/deeds", response={200: list[DeedOut]}, summary="党员事迹")
def person_deeds(request: AuthedRequest, pk: ObjectId, year: Year | None = None) -> Any:
    page = selectors.person_deeds_for(actor=request.user, person_pk=pk, year=year)
    seen: dict[int, Any] = {}
    for group in page.groups:
        for deed in group.deeds:
            seen.setdefault(deed.pk, deed)
    return sorted(seen.values(), key=lambda d: (d.done_on, d.pk), reverse=True)


@router.post("/deeds", response={201: DeedOut}, summary="记录党员事迹")
def deed_create(request: AuthedRequest, payload: DeedIn) -> Any:
    person = selectors.person_get_for(actor=request.user, pk=payload.person_id)
    deed = services.deed_record(
        actor=request.user,
        person=person,
        pillars=payload.pillars,
        on=payload.done_on,
        description=payload.description,
        source_url=payload.source_url,
    )
    return Status(201, deed)


@router.delete("/deeds/{pk}", response={204: None}, summary="删除党员事迹")
def deed_delete(request: AuthedRequest, pk: ObjectId) -> Any:
    services.deed_delete(actor=request.user, deed=selectors.deed_get_for(actor=request.user, pk=pk))
    return Status(204, None)


@router.get("/recognitions", response=list[RecognitionOut], summary="荣誉列表")
@paginate(Pagination)
def recognition_list(request: AuthedRequest, year: Year | None = None, kind: str = "") -> Any:
    rows = selectors.recognition_list_for(actor=request.user)
    if year:
        rows = rows.filter(year=year)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


@router.post("/recognitions", response={201: RecognitionOut}, summary="登记荣誉")
def recognition_create(request: AuthedRequest, payload: RecognitionIn) -> Any:
    person = (
        person_from_input(actor=request.user, employee_no=payload.employee_no)
        if payload.employee_no
        else None
    )
    org = org_from_input(actor=request.user, code=payload.org_code) if payload.org_code else None
    recognition = services.recognition_create(
        actor=request.user,
        kind=payload.kind,
        custom_kind=payload.custom_kind,
        level=payload.level,
        year=payload.year,
        person=person,
        recipient_org=org,
        citation=payload.citation,
        granted_by=payload.granted_by,
    )
    return Status(201, recognition)


@router.post("/recognitions/import", response={200: ImportReportOut, **IMPORT_ERRORS}, summary="导入荣誉名册")
def recognition_import(request: AuthedRequest, file: File[UploadedFile], dry_run: bool = False) -> Any:
    report = importers.import_recognitions(
        actor=request.user,
        data=imports.upload_bytes(file),
        filename=file.name or "upload.xlsx",
        dry_run=dry_run,
    )
    return report_out(report)


@router.get("/evaluations", response=list[EvaluationOut], summary="民主评议党员")
@paginate(Pagination)
def evaluation_list(request: AuthedRequest) -> Any:
    return selectors.evaluation_list_for(actor=request.user)


@router.post("/evaluations", response={201: EvaluationOut}, summary="开展民主评议党员")
def evaluation_open(request: AuthedRequest, payload: EvaluationIn) -> Any:
    branch = selectors.org_get_for(actor=request.user, pk=payload.branch_id)
    return Status(201, services.evaluation_open(actor=request.user, branch=branch, year=payload.year))


@router.get("/evaluations/{pk}/entries", response={200: list[EntryOut]}, summary="评议结果")
def evaluation_entries(request: AuthedRequest, pk: ObjectId) -> Any:
    evaluation = selectors.evaluation_get_for(actor=request.user, pk=pk)
    return [row.entry for row in selectors.evaluation_rows_for(actor=request.user, evaluation=evaluation)]


@router.post("/evaluation-entries/{pk}/grade", response={200: EntryOut}, summary="记录投票与等次")
def evaluation_grade(request: AuthedRequest, pk: ObjectId, payload: GradeIn) -> Any:
    entry = selectors.evaluation_entry_get_for(actor=request.user, pk=pk)
    return services.evaluation_grade(actor=request.user, entry=entry, **payload.dict())


@router.post("/evaluation-entries/{pk}/self-assessment", response={200: EntryOut}, summary="填写个人自评")
def self_assessment(request: AuthedRequest, pk: ObjectId, payload: SelfAssessmentIn) -> Any:
    entry = selectors.evaluation_entry_get_for(actor=request.user, pk=pk)
    return services.evaluation_self_assess(actor=request.user, entry=entry, text=payload.text)


@router.post("/evaluations/{pk}/close", response={200: EvaluationOut}, summary="完成评议")
def evaluation_close(request: AuthedRequest, pk: ObjectId, payload: EvaluationCloseIn) -> Any:
    evaluation = selectors.evaluation_get_for(actor=request.user, pk=pk)
    return services.evaluation_close(actor=request.user, evaluation=evaluation, held_on=payload.held_on)
